"""Meetings headless: 应到 from kind and scope, sign-in, votes under the rules, minutes locking, states."""
from __future__ import annotations

import datetime as dt

import pytest

from app import meetings, rules
from app.auth import Actor
from app.errors import PermissionDenied, StateError, ValidationError
from app.meetings import queries as mq
from db.models.meetings import Attendance, Vote
from db.tracking import TrackingError
from sqlmodel import select

from test_meetings_support import MEETING_DAY, add_party_members, add_representatives, at, populate

CLERK = Actor(user_id="c", username="clerk", display_name="王文书", role="clerk")
GRID_WORKER = Actor(user_id="g", username="gw", display_name="网格员", role="grid_worker")


def plan(session, admin, kind, **kw):
    kw.setdefault("title", "测试会议")
    kw.setdefault("starts_at", at())
    return meetings.plan_meeting(session=session, actor=admin, kind=kind, **kw)


def hold_with(session, admin, meeting, present: int):
    rows = meetings.attendance(session=session, actor=admin, meeting_id=meeting.id)
    expected = [r for r in rows if r.expected]
    if present:
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id,
                         attendance_ids=[r.id for r in expected[:present]])
    meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
    return meetings.add_agenda_item(session=session, actor=admin, meeting_id=meeting.id, title="修建村道",
                                    proposer_name="村党支部")


# --- 应到 ------------------------------------------------------------------------------------------

def test_expected_follows_kind_and_scope(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(6, 4), party=5, representatives=4)
        party = plan(session, admin, meetings.PARTY_ASSEMBLY)
        reps = plan(session, admin, meetings.REPRESENTATIVES_MEETING)
        all_adults = plan(session, admin, meetings.VILLAGERS_MEETING)
        by_household = plan(session, admin, meetings.VILLAGERS_MEETING, expected_unit="households")
        grid_meeting = plan(session, admin, meetings.OPEN_AIR, scope="grid", grid_id=pop.grids[1].id)
        group_meeting = plan(session, admin, meetings.EVENING_TALK, scope="group", group_id=pop.groups[0].id)
        assert party.expected_count == 5
        assert reps.expected_count == 4
        assert all_adults.expected_count == 20  # 10 households × 2 adults; the children are minors
        assert by_household.expected_count == 10
        assert grid_meeting.expected_count == 4 and grid_meeting.expected_unit == "households"
        assert group_meeting.expected_count == 10
        # roster meetings get one sign-in line per member
        assert len(meetings.attendance(session=session, actor=admin, meeting_id=party.id)) == 5


def test_age_18_is_counted_on_the_meeting_day(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(1,), minors_per_household=1)
        child = [r for r in pop.residents if r.relation == "child"][0]
        child.birth_date = dt.date(MEETING_DAY.year - 18, MEETING_DAY.month, MEETING_DAY.day)
        session.flush()
        on_birthday = plan(session, admin, meetings.VILLAGERS_MEETING, starts_at=at(MEETING_DAY))
        day_before = plan(session, admin, meetings.VILLAGERS_MEETING, starts_at=at(MEETING_DAY - dt.timedelta(days=1)))
        assert on_birthday.expected_count == 3
        assert day_before.expected_count == 2


def test_committee_membership_is_a_setting(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        branch, villagers = pop.residents[:3], pop.residents[2:6]
        meetings.set_committee_members(session=session, actor=admin, committee="branch_committee",
                                       resident_ids=[r.id for r in branch])
        meetings.set_committee_members(session=session, actor=admin, committee="villagers_committee",
                                       resident_ids=[r.id for r in villagers])
        assert plan(session, admin, meetings.BRANCH_COMMITTEE).expected_count == 3
        assert plan(session, admin, meetings.TWO_COMMITTEES).expected_count == 6  # one sits on both
        with pytest.raises(ValidationError):
            meetings.set_committee_members(session=session, actor=admin, committee="branch_committee",
                                           resident_ids=["nobody"])


def test_bad_meeting_input_is_refused_field_by_field(village):
    database, admin = village
    with database.unit(admin) as session:
        with pytest.raises(ValidationError) as err:
            meetings.plan_meeting(session=session, actor=admin, kind="party", title=" ", starts_at=dt.datetime(2025, 1, 1),
                                  scope="grid")
        assert {"kind", "title", "starts_at", "grid_id"} <= set(err.value.errors)
        with pytest.raises(ValidationError) as err:
            plan(session, admin, meetings.PARTY_ASSEMBLY, expected_unit="households")
        assert "expected_unit" in err.value.errors


def test_grid_worker_may_not_call_meetings(village):
    database, _admin = village
    with database.unit(GRID_WORKER) as session, pytest.raises(PermissionDenied):
        plan(session, GRID_WORKER, meetings.OPEN_AIR)


# --- sign-in -------------------------------------------------------------------------------------

def test_sign_in_counts_present_and_guests_apart(village):
    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 10)
        meeting = plan(session, admin, meetings.PARTY_ASSEMBLY, guests=["驻村第一书记 张伟"])
        rows = meetings.attendance(session=session, actor=admin, meeting_id=meeting.id)
        members = [r for r in rows if r.expected]
        guest = [r for r in rows if not r.expected][0]
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[r.id for r in members[:7]] + [guest.id])
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[members[8].id],
                         present=False, note="请假")
        s = meetings.attendance_summary(session=session, actor=admin, meeting_id=meeting.id)
        assert (s.expected, s.present, s.guests, s.absent) == (10, 7, 1, 3)
        assert s.rate == pytest.approx(0.7)
        with pytest.raises(StateError):
            meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=8)


def test_head_count_of_open_meetings_stays_within_households_others_are_guests(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(6,))
        meeting = plan(session, admin, meetings.OPEN_AIR, scope="grid", grid_id=pop.grids[0].id)
        with pytest.raises(ValidationError) as err:  # issue 10: 14 of 6 expected is refused, naming both
            meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=14)
        assert "14" in err.value.errors["count"] and "6" in err.value.errors["count"]
        meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=6)
        meetings.invite_guest(session=session, actor=admin, meeting_id=meeting.id, name="驻村干部王明")
        s = meetings.attendance_summary(session=session, actor=admin, meeting_id=meeting.id)
        assert (s.expected, s.present, s.guests, s.unit) == (6, 6, 1, "households")
        with pytest.raises(ValidationError):
            meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=-1)
        with pytest.raises(StateError):
            meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[])


def test_head_count_of_a_villagers_meeting_cannot_exceed_adults(village):
    database, admin = village
    with database.unit(admin) as session:
        populate(session, households_per_grid=(3,))
        meeting = plan(session, admin, meetings.VILLAGERS_MEETING)
        with pytest.raises(ValidationError):
            meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=7)
        meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=6)


# --- votes and the boundary cases of the issue ---------------------------------------------------

@pytest.mark.parametrize(("present", "in_favour", "quorum_met", "passed"), [
    (19, 19, False, False),
    (20, 10, True, False),
    (20, 11, True, True),
])
def test_representatives_meeting_of_30(village, present, in_favour, quorum_met, passed):
    database, admin = village
    with database.unit(admin) as session:
        add_representatives(session, 30)
        meeting = plan(session, admin, meetings.REPRESENTATIVES_MEETING)
        item = hold_with(session, admin, meeting, present)
        vote = meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                                    in_favour=in_favour, against=present - in_favour, abstain=0)
        assert (vote.expected, vote.present) == (30, present)
        assert (vote.quorum_met, vote.passed) == (quorum_met, passed)
        assert vote.rule_code == rules.REPRESENTATIVES_MEETING
        outcome = mq.vote_outcome(session, vote)
        assert "村民代表会议" in outcome.reason()


def test_party_assembly_approval_counts_those_who_should_attend(village):
    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 45)
        meeting = plan(session, admin, meetings.PARTY_ASSEMBLY)
        item = hold_with(session, admin, meeting, 30)
        fails = meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                                     in_favour=22, against=8, abstain=0)
        assert fails.quorum_met and not fails.passed  # 22 is over half of 30 present, not of 45 members
        rules.set_approval_base(session=session, actor=admin, rule_code=rules.PARTY_ASSEMBLY,
                                approval_base=rules.PRESENT)
        local = meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                                     in_favour=22, against=8, abstain=0)
        assert local.passed and local.approval_base == rules.PRESENT
        # the earlier vote keeps the rule it was judged by
        assert not mq.vote_outcome(session, fails).passed
        assert "45" in mq.vote_outcome(session, fails).reason()


def test_counts_that_cannot_be_true_are_refused(village):
    database, admin = village
    with database.unit(admin) as session:
        add_representatives(session, 30)
        meeting = plan(session, admin, meetings.REPRESENTATIVES_MEETING)
        item = hold_with(session, admin, meeting, 20)
        for kwargs, field in [
            (dict(in_favour=15, against=5, abstain=1), "in_favour"),
            (dict(in_favour=-1, against=0, abstain=0), "in_favour"),
            (dict(in_favour=1, against=0, abstain=0, present=25), "present"),
        ]:
            with pytest.raises(ValidationError) as err:
                meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                                     **kwargs)
            assert field in err.value.errors
        with pytest.raises(ValidationError) as err:
            meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="secret_ballot",
                                 in_favour=12, against=8, abstain=0)
        assert {"scrutineer", "teller"} <= set(err.value.errors)
        assert session.exec(select(Vote)).all() == []


def test_fewer_present_at_the_vote_than_signed_in(village):
    database, admin = village
    with database.unit(admin) as session:
        add_representatives(session, 30)
        meeting = plan(session, admin, meetings.REPRESENTATIVES_MEETING)
        item = hold_with(session, admin, meeting, 22)
        vote = meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="secret_ballot",
                                    in_favour=10, against=9, abstain=0, present=19, scrutineer="赵监票",
                                    teller="钱计票")
        assert not vote.quorum_met


def test_votes_are_never_edited(village):
    database, admin = village
    with pytest.raises(TrackingError):
        with database.unit(admin) as session:
            add_representatives(session, 3)
            meeting = plan(session, admin, meetings.REPRESENTATIVES_MEETING)
            item = hold_with(session, admin, meeting, 3)
            vote = meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                                        in_favour=3, against=0, abstain=0)
            session.get(Vote, vote.id).in_favour = 2  # behind the service's back
            session.flush()


# --- states and minutes --------------------------------------------------------------------------

def test_no_skipping_states(village):
    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 3)
        meeting = plan(session, admin, meetings.PARTY_ASSEMBLY)
        with pytest.raises(StateError):
            meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="记录")
        with pytest.raises(StateError):
            meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id)
        with pytest.raises(StateError):
            meetings.publish_meeting(session=session, actor=admin, meeting_id=meeting.id)
        item = hold_with(session, admin, meeting, 3)
        with pytest.raises(StateError):
            meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
        with pytest.raises(StateError):
            meetings.cancel_meeting(session=session, actor=admin, meeting_id=meeting.id, reason="下雨")
        with pytest.raises(StateError):
            meetings.publish_meeting(session=session, actor=admin, meeting_id=meeting.id)
        with pytest.raises(StateError):
            meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id)  # nothing written yet
        meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="会议讨论了修建村道。")
        meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id, approved_on=MEETING_DAY)
        meeting = meetings.meeting(session=session, actor=admin, meeting_id=meeting.id)
        assert meeting.state == meetings.MINUTES_APPROVED
        with pytest.raises(StateError):
            meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                                 in_favour=3, against=0, abstain=0)
        meetings.publish_meeting(session=session, actor=admin, meeting_id=meeting.id, published_on=MEETING_DAY)
        meeting = meetings.meeting(session=session, actor=admin, meeting_id=meeting.id)
        assert meeting.state == meetings.PUBLISHED and meeting.published_on == MEETING_DAY


def test_cancelled_meeting_is_final(village):
    database, admin = village
    with database.unit(admin) as session:
        meeting = plan(session, admin, meetings.OPEN_AIR)
        with pytest.raises(ValidationError):
            meetings.cancel_meeting(session=session, actor=admin, meeting_id=meeting.id, reason=" ")
        meetings.cancel_meeting(session=session, actor=admin, meeting_id=meeting.id, reason="暴雨")
        for call in (lambda: meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id),
                     lambda: meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=3),
                     lambda: meetings.update_meeting(session=session, actor=admin, meeting_id=meeting.id, place="祠堂")):
            with pytest.raises(StateError):
                call()


def test_update_planned_meeting_only(village):
    database, admin = village
    with database.unit(admin) as session:
        meeting = plan(session, admin, meetings.OPEN_AIR, place="院坝")
        meetings.update_meeting(session=session, actor=admin, meeting_id=meeting.id, place="文化广场",
                                starts_at=at(hour=20))
        meeting = meetings.meeting(session=session, actor=admin, meeting_id=meeting.id)
        assert meeting.place == "文化广场"
        with pytest.raises(ValidationError):
            meetings.update_meeting(session=session, actor=admin, meeting_id=meeting.id, kind="party_assembly")


def test_approved_minutes_stay_locked_and_take_addenda(village):
    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 3)
        meeting = plan(session, admin, meetings.PARTY_ASSEMBLY)
        hold_with(session, admin, meeting, 3)
        meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="初稿")
        meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="定稿")
        with pytest.raises(StateError):
            meetings.add_addendum(session=session, actor=admin, meeting_id=meeting.id, body="补充")
        minutes = meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id)
        assert minutes.approved_by == "李书记" and minutes.approved_at is not None
        with pytest.raises(StateError):
            meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="改写")
        with pytest.raises(StateError):
            meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id)
        meetings.publish_meeting(session=session, actor=admin, meeting_id=meeting.id)
        with pytest.raises(StateError):
            meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="公开后改写")
        meetings.add_addendum(session=session, actor=admin, meeting_id=meeting.id, body="更正：会议地点为村委会二楼。")
    with database.unit(admin) as session:
        record = meetings.meeting_record(session=session, actor=admin, meeting_id=meeting.id)
        assert record.minutes.body == "定稿"
        assert [a.body for a in record.addenda] == ["更正：会议地点为村委会二楼。"]


def test_only_the_secretary_approves_minutes(village):
    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 3)
        meeting = plan(session, admin, meetings.PARTY_ASSEMBLY)
        hold_with(session, admin, meeting, 3)
        meetings.save_minutes(session=session, actor=CLERK, meeting_id=meeting.id, body="记录")
        with pytest.raises(PermissionDenied):
            meetings.approve_minutes(session=session, actor=CLERK, meeting_id=meeting.id)


def test_audit_trail_records_who_signed_in_whom(village):
    from db.tracking import AuditEntry

    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 2)
        meeting = plan(session, admin, meetings.PARTY_ASSEMBLY)
        row = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)).first()
    with database.unit(admin) as session:
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[row.id])
    with database.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.row_id == row.id, AuditEntry.action == "update")).one()
        assert entry.actor == "admin" and entry.changes["present"] == [False, True]


def test_lists_and_stats(village):
    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 4)
        a = plan(session, admin, meetings.PARTY_ASSEMBLY, title="七月主题党日")
        hold_with(session, admin, a, 3)
        b = plan(session, admin, meetings.OPEN_AIR, title="院坝说事", starts_at=at(MEETING_DAY + dt.timedelta(days=3)))
        assert meetings.meeting_ids(session=session, actor=admin) == [b.id, a.id]
        assert meetings.meeting_ids(session=session, actor=admin, kind=meetings.PARTY_ASSEMBLY) == [a.id]
        assert meetings.meeting_ids(session=session, actor=admin, state=meetings.PLANNED) == [b.id]
        assert meetings.meeting_ids(session=session, actor=admin, search="院坝") == [b.id]
        rows = meetings.meeting_rows(session=session, actor=admin, ids=[a.id, b.id])
        assert rows[a.id].present == 3 and rows[a.id].rate == pytest.approx(0.75)
        assert rows[b.id].present is None
        stats = meetings.stats(session=session, actor=admin)
        assert stats["meetings"] == 2 and stats["held"] == 1
        assert stats["by_kind"][meetings.PARTY_ASSEMBLY] == {"total": 1, "held": 1, "cancelled": 0}
        assert stats["attendance_rate"] == pytest.approx(0.75)
