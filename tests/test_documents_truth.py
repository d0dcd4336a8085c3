"""Documents that cannot lie (issue 9): a failed vote is never announced as a resolution, each kind
prints exactly the closing paragraphs it declares (a 通知 has no 公示期; a 公示 has 公示期,
objection and contact, once each), joint issuers sign side by side, the meeting's host prints in
full. Checked on the rendered pages, as a villager reads them."""
from __future__ import annotations

import datetime as dt

import pytest

from app import deliberation as d
from app import meetings, notices
from app.errors import StateError
from app.printing import build_document, render
from app.printing.pages import page_texts
from db.models.people import Household, Resident

from test_deliberation import Village
from test_meetings_support import at

D = dt.date


def _text(document) -> str:
    return "".join(page_texts(render(document))).replace("\n", "").replace(" ", "")


@pytest.fixture
def v(village):
    database, admin = village
    with database.unit(admin) as session:
        yield Village(session, admin)


def _to_resolution(v, title, vote):
    matter = d.start_matter(session=v.session, actor=v.admin, title=title, description="预算12万元")
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 2))
    v.step(matter, d.CONSULTATION, D(2024, 3, 2), meeting_id=m2.id)
    m3, vote3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 3), matter=matter, vote=(8, 1, 0))
    v.step(matter, d.REVIEW, D(2024, 3, 3), meeting_id=m3.id, vote_id=vote3.id)
    m4, vote4 = v.meeting(meetings.REPRESENTATIVES_MEETING, D(2024, 3, 4), present=20, matter=matter, vote=vote)
    v.step(matter, d.RESOLUTION, D(2024, 3, 4), meeting_id=m4.id, vote_id=vote4.id)
    return matter


def test_a_failed_vote_prints_its_result_never_a_resolution(v):
    matter = _to_resolution(v, "鱼塘对外发包", (3, 6, 0))
    assert v.now(matter).state == d.STOPPED
    with pytest.raises(StateError) as err:
        build_document("deliberation_resolution", session=v.session, actor=v.admin, ident=matter.id)
    assert "未获通过" not in err.value.message and "deliberation_outcome" in err.value.message
    with pytest.raises(Exception):  # "latest" never picks the stopped matter for a resolution notice
        build_document("deliberation_resolution", session=v.session, actor=v.admin, ident="latest")
    document = build_document("deliberation_outcome", session=v.session, actor=v.admin, ident="latest")
    text = _text(document)
    assert "表决结果的公告" in text and "未获通过" in text
    assert "赞成3票" in text and "反对6票" in text
    for lie in ("决议如下", "现将决议公开如下", "决议公开"):
        assert lie not in text
    # a statement of fact: no 公示期, nobody asked to object, but a contact line
    assert "公示期" not in text and "异议" not in text
    assert "监督电话" in text or "联系方式" in text
    assert len(document.issuers) == 2


def test_a_matter_stopped_early_prints_a_stop_statement(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="村集体经济合作项目")
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 2))
    v.step(matter, d.CONSULTATION, D(2024, 3, 2), meeting_id=m2.id)
    m3, vote3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 3), present=5, matter=matter, vote=(5, 0, 0))
    v.step(matter, d.REVIEW, D(2024, 3, 3), meeting_id=m3.id, vote_id=vote3.id)
    text = _text(build_document("deliberation_outcome", session=v.session, actor=v.admin, ident=matter.id))
    assert "终止办理的说明" in text and "无效" in text
    assert "决议公告" not in text and "现将决议公开如下" not in text and "公示期" not in text


def test_a_passed_resolution_is_a_publicity_notice_signed_jointly(v):
    matter = _to_resolution(v, "硬化三组村道", (15, 3, 2))
    document = build_document("deliberation_resolution", session=v.session, actor=v.admin, ident=matter.id)
    assert document.issuers == ["中共青石村支部委员会", "青石村民委员会"] and not document.signature
    text = _text(document)
    assert "现将决议公开如下" in text
    assert text.count("公示期：") == 1 and text.count("公示期间") == 1  # spoken of only with its window
    assert text.count("如有异议") == 1
    assert "监督电话" in text
    with pytest.raises(StateError):  # an outcome notice exists only for a stopped matter
        build_document("deliberation_outcome", session=v.session, actor=v.admin, ident=matter.id)


def test_a_meeting_notice_has_no_publicity_and_names_its_host(v):
    hh = Household(number="H-1", head_name="杨文庆")
    v.session.add(hh)
    v.session.flush()
    v.session.add(Resident(name="杨文庆", birth_date=D(1970, 1, 1), household_id=hh.id, party_member=True))
    v.session.flush()
    meetings.plan_meeting(session=v.session, actor=v.admin, kind=meetings.REPRESENTATIVES_MEETING,
                          title="村民代表会议", starts_at=at(dt.date.today() + dt.timedelta(days=3)),
                          place="村委会会议室", host_name="杨文庆", recorder_name="李娟")
    document = build_document("meeting_notice", session=v.session, actor=v.admin, ident="latest")
    text = _text(document)
    assert "主持人：杨文庆" in text  # the host is named in full, by the template's own rule
    assert "杨*庆" not in text
    for absent in ("公示期", "如有异议", "异议"):
        assert absent not in text


def test_the_register_prints_each_closing_paragraph_once(village):
    database, admin = village
    with database.unit(admin) as session:
        objection = "公示期间，党员群众如有异议，可向村党支部或乡镇党委反映。"
        party = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            kind="party_affairs", title="党费收缴情况公示", body="现将2026年上半年党费收缴情况公示如下。\n\n" + objection,
            objection=objection))
        text = _text(build_document("notice", session=session, actor=admin, ident=party.id))
        assert text.count("如有异议") == 1 and text.count("公示期：") == 1
        notification = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            kind="village_notification", title="停电通知", body="因线路检修，定于8月5日全天停电。"))
        text = _text(build_document("notice", session=session, actor=admin, ident=notification.id))
        assert "公示期" not in text and "异议" not in text and "监督电话" not in text
        issued = notices.issue_notice(session=session, actor=admin, notice_id=notification.id)
        first = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="低保公示", body="现予公示。"))
        second = notices.issue_notice(session=session, actor=admin, notice_id=first.id)
        # the 通知 shares the 村务 series and its village prefix: no number twice
        assert issued.number == "青石村务〔%d〕1号" % dt.date.today().year
        assert second.number == "青石村务〔%d〕2号" % dt.date.today().year


def test_a_notice_without_a_supervision_phone_still_has_a_contact_line(village):
    from app.people.queries import get_profile

    database, admin = village
    with database.unit(admin) as session:
        profile = get_profile(session)
        profile.supervision_phone = ""
        session.add(profile)
        session.flush()
        notice = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="低保公示", body="现予公示。"))
        text = _text(build_document("notice", session=session, actor=admin, ident=notice.id))
        assert "联系方式：青石村民委员会办公室" in text


def test_the_register_records_the_publicity_window_the_notice_prints(village):
    """A 通知 prints no 公示期, yet issuing it recorded one (and the list then said "publicity ends …"
    and highlighted it as ending soon); a 公示 records exactly the window it prints."""
    database, admin = village
    today = dt.date.today()
    with database.unit(admin) as session:
        notification = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            kind="village_notification", title="停电通知", body="因线路检修，定于8月5日全天停电。", publicity_days=3))
        notification = notices.issue_notice(session=session, actor=admin, notice_id=notification.id, issue_date=today)
        notices.post_notice(session=session, actor=admin, notice_id=notification.id, posted_on=today)
        printed = _text(build_document("notice", session=session, actor=admin, ident=notification.id))
        publicity = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="低保公示", body="现予公示。", publicity_days=3))
        publicity = notices.issue_notice(session=session, actor=admin, notice_id=publicity.id, issue_date=today)
        shown = _text(build_document("notice", session=session, actor=admin, ident=publicity.id))
        [row] = notices.notice_rows(session=session, actor=admin, ids=[notification.id])
    assert "公示期" not in printed
    assert (notification.publicity_start, notification.publicity_end) == (None, None)
    assert row.publicity_end is None and not row.ending_soon
    end = today + dt.timedelta(days=2)
    assert publicity.publicity_end == end
    assert f"至{end.year}年{end.month}月{end.day}日（共3天）" in "".join(shown.split())
