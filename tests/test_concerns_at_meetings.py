"""Concerns raised at a meeting: who raised it (pinyin picker), locked minutes, the month calendar."""
from __future__ import annotations

import datetime as dt

import pytest

from app import concerns, meetings, people
from app.errors import ValidationError
from app.auth import Actor

from test_meetings_support import at

D = dt.date


@pytest.fixture
def register(village):
    """Two households through the register (so their pinyin search keys are set)."""
    database, admin = village
    with database.unit(admin) as session:
        zhang = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三丰",
                                                                                               number="0101"))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="张三丰", gender="M", household_id=zhang.id))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="曾小红", gender="F", household_id=zhang.id))
        li = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="李四",
                                                                                            number="0102"))
        ids = {"zhang": zhang.id, "li": li.id}
    return database, admin, ids


def test_picker_finds_residents_and_households_by_pinyin(register):
    database, admin, ids = register
    with database.session() as session:
        by_initials = concerns.raiser_choices(session=session, actor=admin, query="zsf")
        by_full = concerns.raiser_choices(session=session, actor=admin, query="zeng xiao")
        households = concerns.raiser_choices(session=session, actor=admin, query="lisi")
        assert concerns.raiser_choices(session=session, actor=admin, query="  ") == []
    assert by_initials[0].name == "张三丰" and len(by_initials) == 2  # the resident, then the household
    assert by_initials[0].resident_id and by_initials[0].household_id == ids["zhang"]
    assert "0101" in by_initials[0].detail
    assert [c.name for c in by_full] == ["曾小红"]  # 曾 read zēng as a surname
    # the household's head is a person (issue 10): 李四 the resident first, then 李四's household
    assert households[0].resident_id and households[0].household_id == ids["li"]
    assert households[1].resident_id is None and households[1].household_id == ids["li"]


def test_concern_at_a_meeting_goes_into_its_record_until_the_meeting_is_published(register):
    """Issue 10, item 4: attachable until the meeting is published; after approval the locked text
    stays as it was and the concern goes into the record view, named as recorded after approval."""
    database, admin, ids = register
    with database.unit(admin) as session:
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="院坝会",
                                        starts_at=at(D(2025, 6, 14), 19))
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
        choice = concerns.raiser_choices(session=session, actor=admin, query="lisi")[0]
        concern = concerns.raise_concern(session=session, actor=admin, title="水井干涸", meeting_id=meeting.id,
                                         household_id=choice.household_id, category=next(iter(concerns.CATEGORIES)),
                                         assignee="王主任", raised_on=D(2025, 6, 14), due_on=D(2025, 6, 30))
        assert concern.raised_by == "李四" and concern.source == "meeting"
        record = meetings.meeting_record(session=session, actor=admin, meeting_id=meeting.id)
        assert [c.title for c in record.concerns] == ["水井干涸"]
        meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="听取群众意见。")
        meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id)
        assert meetings.allowed_actions(session=session, actor=admin, meeting_id=meeting.id)["raise_concern"] is None
        late = concerns.raise_concern(session=session, actor=admin, title="又一件事", meeting_id=meeting.id,
                                      raised_by="李四", raised_on=D(2025, 6, 14))
        record = meetings.meeting_record(session=session, actor=admin, meeting_id=meeting.id)
        assert [c.title for c in record.concerns] == ["水井干涸", "又一件事"]
        assert record.concerns_after_approval == [late.id]
        assert record.minutes.body == "听取群众意见。"  # the approved text is untouched
        meetings.publish_meeting(session=session, actor=admin, meeting_id=meeting.id)
        reason = meetings.allowed_actions(session=session, actor=admin, meeting_id=meeting.id)["raise_concern"]
        assert reason
        with pytest.raises(ValidationError) as err:
            concerns.raise_concern(session=session, actor=admin, title="第三件事", meeting_id=meeting.id,
                                   raised_by="李四", raised_on=D(2025, 6, 14))
        assert err.value.errors["meeting_id"] == reason


def test_month_calendar_and_day_filter_use_local_days(village):
    database, admin = village
    zone = at().tzinfo
    with database.unit(admin) as session:
        late = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="夜里的会",
                                     starts_at=dt.datetime(2025, 6, 14, 23, 30, tzinfo=zone))
        early = meetings.plan_meeting(session=session, actor=admin, kind=meetings.PARTY_ASSEMBLY, title="早上的会",
                                      starts_at=dt.datetime(2025, 6, 15, 0, 30, tzinfo=zone))
        meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="下个月的会",
                              starts_at=dt.datetime(2025, 7, 1, 9, 0, tzinfo=zone))
        days = meetings.meetings_by_day(session=session, actor=admin, first=D(2025, 6, 1), last=D(2025, 6, 30))
        assert {day: [x.title for x in items] for day, items in days.items()} == {
            D(2025, 6, 14): ["夜里的会"], D(2025, 6, 15): ["早上的会"]}
        only_party = meetings.meetings_by_day(session=session, actor=admin, first=D(2025, 6, 1), last=D(2025, 6, 30),
                                              kind=meetings.PARTY_ASSEMBLY)
        assert list(only_party) == [D(2025, 6, 15)]
        assert meetings.meeting_ids(session=session, actor=admin, on=D(2025, 6, 14)) == [late.id]
        assert meetings.meeting_ids(session=session, actor=admin, on=D(2025, 6, 15)) == [early.id]
        assert len(meetings.meeting_ids(session=session, actor=admin)) == 3


def test_concerns_at_a_meeting_only_once_it_is_held_and_the_view_agrees(register):
    """Decided once, in the service: not at a planned or cancelled meeting, and not after the meeting
    is published; ``allowed_actions`` gives the GUI the same answer with the same reason."""
    database, admin, _ids = register
    with database.unit(admin) as session:
        planned = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="下周的会",
                                        starts_at=at(D(2025, 6, 20), 19))
        cancelled = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="取消的会",
                                          starts_at=at(D(2025, 6, 21), 19))
        meetings.cancel_meeting(session=session, actor=admin, meeting_id=cancelled.id, reason="下雨")
        for meeting in (planned, cancelled):
            reason = meetings.allowed_actions(session=session, actor=admin, meeting_id=meeting.id)["raise_concern"]
            assert reason
            with pytest.raises(ValidationError) as err:
                concerns.raise_concern(session=session, actor=admin, title="路灯坏了", meeting_id=meeting.id,
                                       raised_by="李四", raised_on=D(2025, 6, 14))
            assert err.value.errors["meeting_id"] == reason
        meetings.mark_held(session=session, actor=admin, meeting_id=planned.id)
        assert meetings.allowed_actions(session=session, actor=admin, meeting_id=planned.id)["raise_concern"] is None
        concerns.raise_concern(session=session, actor=admin, title="路灯坏了", meeting_id=planned.id,
                               raised_by="李四", raised_on=D(2025, 6, 20))
        grid_worker = Actor(user_id="", username="w", display_name="网格员", role="grid_worker")
        clerkless = meetings.allowed_actions(session=session, actor=grid_worker, meeting_id=planned.id)
        assert clerkless["raise_concern"] is None and clerkless["mark_held"] and clerkless["record_vote"]
