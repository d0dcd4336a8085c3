"""Issue 10, item 7: one search rule (Chinese, full pinyin, initials, or a mix) in every list."""
from __future__ import annotations

import datetime as dt

import pytest

from app import concerns, deliberation, meetings, notices
from app.search import matches

from test_meetings_support import at, populate


@pytest.mark.parametrize("query, name, found", [
    ("chenlei", "陈磊", True),
    ("cl", "陈磊", True),
    ("陈磊", "陈磊", True),
    ("陈", "陈磊", True),
    ("CHEN LEI", "陈磊", True),
    ("xiezr", "谢志荣", True),  # full syllable, then initials
    ("xiezhir", "谢志荣", True),
    ("xzrong", "谢志荣", True),
    ("zengguofan", "曾国藩", True),  # surname table: 曾 zēng
    ("cengguofan", "曾国藩", False),
    ("zxr", "谢志荣", False),  # the order counts
    ("chenlie", "陈磊", False),
])
def test_one_matcher_for_names(query, name, found):
    assert matches(query, names=[name]) is found


@pytest.mark.parametrize("query, found", [
    ("xiufu", True), ("daolu", True), ("dlxf", True), ("道路", True), ("0012", True), ("xiulu", False),
])
def test_titles_and_numbers(query, found):
    assert matches(query, texts=["三组道路修复", "2026-0012"]) is found


def _concern(session, admin, pop, title, raised_by, **kw):
    return concerns.raise_concern(session=session, actor=admin, title=title, source="visit", raised_by=raised_by,
                                  raised_on=dt.date(2025, 3, 1), **kw)


def test_concerns_found_by_pinyin_of_title_raiser_and_number(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        lamp = _concern(session, admin, pop, "路灯不亮", "陈磊")
        road = _concern(session, admin, pop, "道路修复", "谢志荣")
        _concern(session, admin, pop, "垃圾清运", "王五")

        def ids(search):
            return set(concerns.concern_ids(session=session, actor=admin, search=search))

        assert ids("chenlei") == ids("cl") == ids("陈磊") == {lamp.id}
        assert ids("xiezr") == {road.id}
        assert ids("ludeng") == ids("ldbl") == ids("路灯") == {lamp.id}
        assert ids(road.number) == {road.id}
        assert ids("") == ids("  ") and len(ids("")) == 3


def test_meetings_found_by_title_place_and_host(village):
    database, admin = village
    with database.unit(admin) as session:
        populate(session)
        night = meetings.plan_meeting(session=session, actor=admin, kind=meetings.EVENING_TALK, title="夜话屋场会",
                                      starts_at=at(), place="文化广场", host_name="陈磊")
        other = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="坝坝会",
                                      starts_at=at(), place="村委会", host_name="谢志荣")

        def ids(search):
            return set(meetings.meeting_ids(session=session, actor=admin, search=search))

        assert ids("yehua") == ids("yhwch") == ids("夜话") == {night.id}
        assert ids("wenhuaguangchang") == ids("whgc") == {night.id}
        assert ids("chenlei") == {night.id}
        assert ids("xiezr") == {other.id}
        days = meetings.meetings_by_day(session=session, actor=admin, first=at().date(), last=at().date(),
                                        search="yh")
        assert [m.id for day in days.values() for m in day] == [night.id]


def test_notices_found_by_pinyin_of_title(village):
    database, admin = village
    with database.unit(admin) as session:
        notice = notices.create_notice(session=session, actor=admin,
                                       form=notices.NoticeForm(title="低保评议结果公示", body="正文"))
        notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(title="道路修复", body="正文"))

        def ids(search):
            return set(notices.notice_ids(session=session, actor=admin, query=search))

        assert ids("dibao") == ids("dbpy") == ids("低保") == {notice.id}


def test_matters_found_by_pinyin_of_title(village):
    database, admin = village
    with database.unit(admin) as session:
        matter = deliberation.start_matter(session=session, actor=admin, title="修建村级活动室")
        deliberation.start_matter(session=session, actor=admin, title="道路硬化")

        def ids(search):
            return set(deliberation.matter_ids(session=session, actor=admin, search=search))

        assert ids("huodongshi") == ids("xjcjhds") == ids("活动室") == {matter.id}
        assert len(ids("")) == 2
