"""Optimistic concurrency: a form carries the rev it was read at, and saving it over a change made
since (another window, the command line, a sync) is refused with who changed it and when.

Each edit path is checked three ways: a stale form is refused naming the other person (and
nothing it carried is written), a fresh form saves, and ``rev=None`` (the command line, imports)
saves without a check.
"""
from __future__ import annotations

import dataclasses
import re

import pytest

from app import auth, meetings, notices, people
from app.errors import ChangedMeanwhile
from app.i18n import _
from test_meetings_support import add_party_members, at

CLERK_NAME = "王文书"


@pytest.fixture
def two(village):
    """The store, the secretary (李书记) and a clerk (王文书): two people with a window each."""
    database, admin = village
    with database.unit(admin) as session:
        clerk = auth.create_user(session=session, actor=admin, username="wenshu", password="demo-pass-123",
                                 role=auth.CLERK, display_name=CLERK_NAME)
    return database, admin, clerk


def refused(call) -> ChangedMeanwhile:
    with pytest.raises(ChangedMeanwhile) as info:
        call()
    exc = info.value
    assert exc.name == CLERK_NAME and CLERK_NAME in str(exc)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}", exc.at), exc.at  # the user's language, no seconds
    assert exc.at in str(exc)
    return exc


# ------------------------------------------------------------------ people


def add_resident(database, admin, name="张三"):
    with database.unit(admin) as session:
        return people.save_resident(session=session, actor=admin, form=people.ResidentForm(name=name, gender="M")).id


def test_stale_resident_form_is_refused_naming_who_changed_it(two):
    database, admin, clerk = two
    resident_id = add_resident(database, admin)
    with database.session() as session:
        mine = people.resident_form(session=session, actor=admin, resident_id=resident_id)
    assert mine.rev is not None
    with database.unit(clerk) as session:  # the clerk's window, opened after mine, saves first
        theirs = people.resident_form(session=session, actor=clerk, resident_id=resident_id)
        people.save_resident(session=session, actor=clerk, form=dataclasses.replace(theirs, phone="13800138000"),
                             resident_id=resident_id)

    def save_mine():
        with database.unit(admin) as session:
            people.save_resident(session=session, actor=admin, form=dataclasses.replace(mine, name="张三丰"),
                                 resident_id=resident_id)

    refused(save_mine)
    with database.session() as session:
        fresh = people.resident_form(session=session, actor=admin, resident_id=resident_id)
    assert (fresh.name, fresh.phone) == ("张三", "13800138000")  # nothing of the stale form was written
    with database.unit(admin) as session:  # reloaded: saves
        people.save_resident(session=session, actor=admin, form=dataclasses.replace(fresh, name="张三丰"),
                             resident_id=resident_id)
    with database.unit(admin) as session:  # rev=None (command line, import): no check
        people.save_resident(session=session, actor=admin, form=dataclasses.replace(mine, name="张三", rev=None),
                             resident_id=resident_id)
    with database.session() as session:
        assert people.resident_form(session=session, actor=admin, resident_id=resident_id).name == "张三"


def test_stale_household_form_is_refused(two):
    database, admin, clerk = two
    with database.unit(admin) as session:
        household_id = people.save_household(session=session, actor=admin,
                                             form=people.HouseholdForm(head_name="李四")).id
    with database.session() as session:
        mine = people.household_form(session=session, actor=admin, household_id=household_id)
    with database.unit(clerk) as session:
        theirs = people.household_form(session=session, actor=clerk, household_id=household_id)
        people.save_household(session=session, actor=clerk, form=dataclasses.replace(theirs, address="一组12号"),
                              household_id=household_id)

    def save(form):
        with database.unit(admin) as session:
            return people.save_household(session=session, actor=admin, form=form, household_id=household_id)

    refused(lambda: save(dataclasses.replace(mine, address="二组3号")))
    with database.session() as session:
        fresh = people.household_form(session=session, actor=admin, household_id=household_id)
    assert fresh.address == "一组12号"
    assert save(dataclasses.replace(fresh, address="二组3号")).address == "二组3号"
    assert save(dataclasses.replace(mine, address="三组", rev=None)).address == "三组"


def test_stale_group_grid_and_profile_are_refused(two):
    database, admin, clerk = two
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组", number=1)
        grid = people.add_grid(session=session, actor=admin, name="第1网格", group_id=group.id)
    with database.session() as session:
        opened = people.village_overview(session=session, actor=admin)
    with database.unit(clerk) as session:
        people.update_group(session=session, actor=clerk, group_id=group.id, name="一组", number=1, leader_name="赵组长")
        people.update_grid(session=session, actor=clerk, grid_id=grid.id, name="第1网格", group_id=group.id,
                           leader_name="钱网格长")
        people.update_profile(session=session, actor=clerk, name="青石村", township="龙泉镇",
                              committee_name="青石村民委员会", supervision_phone="028-84850000")

    def unit():
        return database.unit(admin)

    def group_save(rev):
        with unit() as session:
            return people.update_group(session=session, actor=admin, group_id=group.id, name="一组", number=1,
                                       leader_name="孙组长", rev=rev)

    def grid_save(rev):
        with unit() as session:
            return people.update_grid(session=session, actor=admin, grid_id=grid.id, name="第1网格",
                                      group_id=group.id, leader_name="周网格长", rev=rev)

    def profile_save(rev):
        with unit() as session:
            return people.update_profile(session=session, actor=admin, name="青石村", township="龙泉镇",
                                         committee_name="青石村委会", supervision_phone="028-84851234", rev=rev)

    refused(lambda: group_save(opened.groups[0].rev))
    refused(lambda: grid_save(opened.grids[0].rev))
    refused(lambda: profile_save(opened.rev))
    with database.session() as session:
        fresh = people.village_overview(session=session, actor=admin)
    assert (fresh.groups[0].leader_name, fresh.grids[0].leader_name) == ("赵组长", "钱网格长")
    assert fresh.supervision_phone == "02884850000"
    assert group_save(fresh.groups[0].rev).leader_name == "孙组长"
    assert grid_save(fresh.grids[0].rev).leader_name == "周网格长"
    assert profile_save(fresh.rev).committee_name == "青石村委会"
    assert group_save(None).leader_name == "孙组长"  # rev=None: no check, though fresh.groups[0].rev is old now


# ------------------------------------------------------------------ meetings and notices


def test_stale_meeting_and_minutes_are_refused(two):
    database, admin, clerk = two
    with database.unit(admin) as session:
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="坝坝会",
                                        starts_at=at(), place="院坝")
    with database.unit(clerk) as session:
        meetings.update_meeting(session=session, actor=clerk, meeting_id=meeting.id, place="文化广场")

    def update(rev):
        with database.unit(admin) as session:
            return meetings.update_meeting(session=session, actor=admin, meeting_id=meeting.id, rev=rev, place="村委会")

    refused(lambda: update(meeting.rev))
    with database.session() as session:
        fresh = meetings.meeting(session=session, actor=admin, meeting_id=meeting.id)
    assert fresh.place == "文化广场"
    assert update(fresh.rev).place == "村委会"
    assert update(None).place == "村委会"

    with database.unit(admin) as session:
        add_party_members(session, 3)
        assembly = meetings.plan_meeting(session=session, actor=admin, kind=meetings.PARTY_ASSEMBLY,
                                         title="党员大会", starts_at=at())
        meetings.mark_held(session=session, actor=admin, meeting_id=assembly.id)

    def save_minutes(body, rev):
        with database.unit(admin) as session:
            return meetings.save_minutes(session=session, actor=admin, meeting_id=assembly.id, body=body, rev=rev)

    with database.unit(clerk) as session:  # written by the clerk while my editor was still empty (rev 0)
        theirs = meetings.save_minutes(session=session, actor=clerk, meeting_id=assembly.id, body="王文书的记录")
    refused(lambda: save_minutes("我的记录", 0))
    with database.unit(clerk) as session:
        meetings.save_minutes(session=session, actor=clerk, meeting_id=assembly.id, body="王文书改过", rev=theirs.rev)
    refused(lambda: save_minutes("我的记录", theirs.rev))
    with database.session() as session:
        stored = meetings.minutes(session=session, actor=admin, meeting_id=assembly.id)
    assert stored.body == "王文书改过"
    assert save_minutes("我的记录", stored.rev).body == "我的记录"
    assert save_minutes("不查", None).body == "不查"


def test_stale_notice_draft_is_refused(two):
    database, admin, clerk = two
    with database.unit(admin) as session:
        notice_id = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            kind="village_affairs", title="关于低保对象的公示", body="名单如下。")).id
    with database.session() as session:
        mine = notices.notice_form(session=session, actor=admin, notice_id=notice_id)
    with database.unit(clerk) as session:
        theirs = notices.notice_form(session=session, actor=clerk, notice_id=notice_id)
        notices.update_notice(session=session, actor=clerk, notice_id=notice_id,
                              form=dataclasses.replace(theirs, body="名单如下（已核对）。"))

    def save(form):
        with database.unit(admin) as session:
            return notices.update_notice(session=session, actor=admin, notice_id=notice_id, form=form)

    refused(lambda: save(dataclasses.replace(mine, title="关于2026年低保对象的公示")))
    with database.session() as session:
        fresh = notices.notice_form(session=session, actor=admin, notice_id=notice_id)
    assert (fresh.title, fresh.body) == ("关于低保对象的公示", "名单如下（已核对）。")
    assert save(dataclasses.replace(fresh, title="关于2026年低保对象的公示")).title == "关于2026年低保对象的公示"
    assert save(dataclasses.replace(mine, title="不查", rev=None)).title == "不查"


# ------------------------------------------------------------------ who and when


def test_without_an_account_the_message_says_another_user(village):
    """A change whose audit row names no account of this PC (a sync, a script) still stops the save."""
    database, admin = village
    resident_id = add_resident(database, admin)
    with database.session() as session:
        mine = people.resident_form(session=session, actor=admin, resident_id=resident_id)
    with database.unit() as session:  # no actor: the audit row names nobody
        from db.models.people import Resident

        row = session.get(Resident, resident_id)
        row.note = "同步来的改动"
        session.add(row)
    with pytest.raises(ChangedMeanwhile) as info:
        with database.unit(admin) as session:
            people.save_resident(session=session, actor=admin, form=mine, resident_id=resident_id)
    assert info.value.name == _("another user") and info.value.name in str(info.value)
