"""Issue 10, items 3, 4, 5 and the 已超期 card: dates checked against each other and today,
attendance within 应到, minutes drafted from the meeting, households whose head is a person."""
from __future__ import annotations

import datetime as dt

import pytest

from app import concerns, meetings, people, stats
from app.errors import StateError, ValidationError

from app.validation import id_check_digit

from test_meetings_support import at, populate


def _id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)

D = dt.date


# --- the 已超期 card and the list agree -------------------------------------------------------------


def test_overdue_card_equals_the_overdue_list_and_never_exceeds_those_being_handled(village):
    database, admin = village
    today = concerns.today()
    with database.unit(admin) as session:
        pop = populate(session)

        def raise_(title, days_ago, due_days_ago):
            return concerns.raise_concern(session=session, actor=admin, title=title, source="visit",
                                          resident_id=pop.residents[0].id,
                                          raised_on=today - dt.timedelta(days=days_ago),
                                          due_on=today - dt.timedelta(days=due_days_ago))

        raise_("逾期一", 40, 10)
        raise_("逾期二", 30, 5)
        raise_("未到期", 3, -10)
        escalated = raise_("上报乡镇", 40, 10)
        concerns.escalate_concern(session=session, actor=admin, concern_id=escalated.id, reason="超出村级权限")
        closed = raise_("已办结", 40, 10)
        concerns.close_concern(session=session, actor=admin, concern_id=closed.id, resolution="已修好")
    with database.session() as session:
        figures = stats.collect(session=session, actor=admin)["concerns"]
        listed = concerns.concern_ids(session=session, actor=admin, overdue_only=True)
        being_handled = figures["raised"] - figures["closed"] - figures["escalated"]
        rows = concerns.concern_rows(session=session, actor=admin, ids=listed)
    assert figures["overdue"] == len(listed) == 2
    assert figures["overdue"] <= being_handled == 3
    assert {rows[i].title for i in listed} == {"逾期一", "逾期二"}
    assert all(concerns.is_overdue(rows[i]) for i in listed)


# --- dates checked against each other and today (item 3) ---------------------------------------------


def _held_meeting(session, admin, *, day=D(2025, 6, 14), kind=meetings.OPEN_AIR):
    meeting = meetings.plan_meeting(session=session, actor=admin, kind=kind, title="夜话屋场会", starts_at=at(day),
                                    place="院坝", host_name="李书记", recorder_name="王文书")
    return meeting


def test_a_meeting_is_not_held_before_it_starts_nor_on_a_day_to_come(village):
    database, admin = village
    today = concerns.today()
    with database.unit(admin) as session:
        populate(session)
        future = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="下周坝坝会",
                                       starts_at=at(today + dt.timedelta(days=3)))
        with pytest.raises(ValidationError) as err:
            meetings.mark_held(session=session, actor=admin, meeting_id=future.id)
        assert "held_on" in err.value.errors
        past = _held_meeting(session, admin)
        with pytest.raises(ValidationError) as err:
            meetings.mark_held(session=session, actor=admin, meeting_id=past.id, held_on=D(2025, 6, 13))
        assert "2025-06-14" in err.value.errors["held_on"]
        with pytest.raises(ValidationError) as err:
            meetings.mark_held(session=session, actor=admin, meeting_id=past.id, held_on=today + dt.timedelta(days=1))
        assert "held_on" in err.value.errors
        held = meetings.mark_held(session=session, actor=admin, meeting_id=past.id)
        assert held.held_on == D(2025, 6, 14)


def test_minutes_are_not_approved_before_the_meeting_nor_published_before_approval(village):
    database, admin = village
    with database.unit(admin) as session:
        populate(session)
        meeting = _held_meeting(session, admin)
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id, held_on=D(2025, 6, 15))
        meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="会议记录")
        with pytest.raises(ValidationError) as err:
            meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id, approved_on=D(2025, 6, 14))
        assert "2025-06-15" in err.value.errors["approved_on"]
        with pytest.raises(ValidationError) as err:
            meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id,
                                     approved_on=concerns.today() + dt.timedelta(days=1))
        assert "approved_on" in err.value.errors
        meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id, approved_on=D(2025, 6, 16))
        with pytest.raises(ValidationError) as err:
            meetings.publish_meeting(session=session, actor=admin, meeting_id=meeting.id, published_on=D(2025, 6, 15))
        assert "published_on" in err.value.errors
        published = meetings.publish_meeting(session=session, actor=admin, meeting_id=meeting.id,
                                             published_on=D(2025, 6, 17))
        assert published.published_on == D(2025, 6, 17)


def test_concern_dates_follow_each_other_and_stop_at_today(village):
    database, admin = village
    today = concerns.today()
    with database.unit(admin) as session:
        pop = populate(session)
        kw = dict(title="路灯不亮", source="visit", resident_id=pop.residents[0].id)
        with pytest.raises(ValidationError) as err:
            concerns.raise_concern(session=session, actor=admin, raised_on=today + dt.timedelta(days=1), **kw)
        assert "raised_on" in err.value.errors
        meeting = _held_meeting(session, admin)
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
        with pytest.raises(ValidationError) as err:
            concerns.raise_concern(session=session, actor=admin, raised_on=D(2025, 6, 1),
                                   **(kw | {"source": "meeting", "meeting_id": meeting.id}))
        assert "raised_on" in err.value.errors
        concern = concerns.raise_concern(session=session, actor=admin, raised_on=D(2025, 6, 20), **kw)
        for call, field in [
            (lambda d: concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="好",
                                              closed_on=d), "closed_on"),
            (lambda d: concerns.escalate_concern(session=session, actor=admin, concern_id=concern.id, reason="乡镇",
                                                 escalated_on=d), "escalated_on"),
            (lambda d: concerns.add_progress_note(session=session, actor=admin, concern_id=concern.id, text="已联系",
                                                  noted_on=d), "noted_on"),
        ]:
            for bad in (D(2025, 6, 19), today + dt.timedelta(days=1)):
                with pytest.raises(ValidationError) as err:
                    call(bad)
                assert field in err.value.errors
        closed = concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="已修好",
                                        closed_on=D(2025, 6, 25))
        assert closed.closed_on == D(2025, 6, 25)


def test_attendance_beyond_expected_is_a_field_error_naming_both_numbers(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(6,))
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.EVENING_TALK, title="夜话",
                                        starts_at=at(), scope="grid", grid_id=pop.grids[0].id)
        with pytest.raises(ValidationError) as err:
            meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=8)
        message = err.value.errors["count"]
        assert "8" in message and "6" in message
        meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=5)
        for name in ("驻村干部", "乡镇干部"):
            meetings.invite_guest(session=session, actor=admin, meeting_id=meeting.id, name=name)
        summary = meetings.attendance_summary(session=session, actor=admin, meeting_id=meeting.id)
        assert (summary.expected, summary.present, summary.guests) == (6, 5, 2)


# --- minutes drafted for the recorder (item 4) ---------------------------------------------------------


def test_minutes_are_drafted_from_what_the_program_knows(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, party=5)
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.PARTY_ASSEMBLY, title="党员大会",
                                        starts_at=at(), place="村委会会议室", host_name="李书记",
                                        recorder_name="王文书", guests=["驻村第一书记赵刚"])
        rows = meetings.attendance(session=session, actor=admin, meeting_id=meeting.id)
        members = [r for r in rows if r.expected]
        guest = [r for r in rows if not r.expected]
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id,
                         attendance_ids=[r.id for r in members[:4]] + [g.id for g in guest])
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[members[4].id],
                         present=False, note="请假")
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
        item = meetings.add_agenda_item(session=session, actor=admin, meeting_id=meeting.id, title="修建村级活动室",
                                        proposer_name="党支部")
        meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                             in_favour=4, against=0, abstain=0)
        meetings.record_decision(session=session, actor=admin, agenda_item_id=item.id, decision="同意修建")
        concerns.raise_concern(session=session, actor=admin, title="路灯不亮", meeting_id=meeting.id,
                               resident_id=pop.residents[0].id, raised_on=at().date(), assignee="张主任")
        assert meetings.minutes(session=session, actor=admin, meeting_id=meeting.id) is None
        draft = meetings.draft_minutes(session=session, actor=admin, meeting_id=meeting.id)
        for expected in ("2025年6月14日19:00", "村委会会议室", "李书记", "王文书", "5", "4", members[4].name, "请假",
                         "驻村第一书记赵刚", "修建村级活动室", "党支部", "举手", "同意修建", "路灯不亮", "张主任"):
            assert expected in draft, expected
        vote = meetings.votes(session=session, actor=admin, meeting_id=meeting.id)[0]
        assert str(vote.in_favour) in draft and "通过" in draft
        # editable before approval, then locked
        saved = meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body=draft + "\n讨论热烈。")
        assert saved.body.startswith("时间") or saved.body.startswith("Time")
        meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id)
        with pytest.raises(StateError):
            meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="改写")


# --- households as people (item 5) ---------------------------------------------------------------------


def test_the_head_typed_in_a_new_household_is_a_resident_with_relation_head(village):
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="三组", number=3)
        grid = people.add_grid(session=session, actor=admin, name="三组第1网格", group_id=group.id)
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="谢志荣", head_id_number=_id_number("11010519491231002"), group_id=group.id, grid_id=grid.id))
        members = people.resident_ids(session=session, actor=admin, household_id=household.id)
        rows = people.resident_rows(session=session, actor=admin, ids=members)
        assert [(r.name, r.relation) for r in rows] == [("谢志荣", "head")]
        assert people.household_rows(session=session, actor=admin, ids=[household.id])[0].members == 1
        assert household.number == "0001"
        second = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="陈磊"))
        assert second.number == "0002"
        # adding the same head again completes that record rather than adding a second person
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="陈磊", gender="M", household_id=second.id, relation="head", phone="13800001111"))
        assert len(people.resident_ids(session=session, actor=admin, household_id=second.id)) == 1


def test_an_existing_resident_can_be_chosen_as_head_and_there_is_one_head(village):
    database, admin = village
    with database.unit(admin) as session:
        first = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="王大"))
        son = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王小", gender="M", household_id=first.id, relation="son"))
        split = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="", head_resident_id=son.id))  # 分户: the son becomes head of a new household
        assert split.head_name == "王小"
        ids = people.resident_ids(session=session, actor=admin, household_id=split.id)
        assert [(r.name, r.relation) for r in people.resident_rows(session=session, actor=admin, ids=ids)] == [
            ("王小", "head")]
        head_of_first = people.resident_ids(session=session, actor=admin, household_id=first.id)
        with pytest.raises(ValidationError) as err:  # 王大 already heads a household
            people.save_household(session=session, actor=admin, form=people.HouseholdForm(
                head_name="", head_resident_id=head_of_first[0]))
        assert "head_resident_id" in err.value.errors


def test_a_taken_household_number_and_a_grid_of_another_group_are_field_errors(village):
    database, admin = village
    with database.unit(admin) as session:
        one = people.add_group(session=session, actor=admin, name="一组", number=1)
        three = people.add_group(session=session, actor=admin, name="三组", number=3)
        grid_one = people.add_grid(session=session, actor=admin, name="一组第1网格", group_id=one.id)
        grid_three = people.add_grid(session=session, actor=admin, name="三组第1网格", group_id=three.id)
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="李四", number="0007"))
        with pytest.raises(ValidationError) as err:
            people.save_household(session=session, actor=admin, form=people.HouseholdForm(
                head_name="张三", number="0007", group_id=three.id, grid_id=grid_one.id))
        assert {"number", "grid_id"} <= set(err.value.errors)
        after = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="赵五"))
        assert after.number == "0008"  # allocation moves past numbers typed from the 户口簿
        assert people.grid_choices(session=session, actor=admin, group_id=three.id) == [
            (grid_three.id, "三组第1网格")]
        assert len(people.grid_choices(session=session, actor=admin)) == 2
