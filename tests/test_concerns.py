"""Villagers' concerns: raising, progress, closing, escalation, overdue, and 办结率 by month, grid, kind."""
from __future__ import annotations

import datetime as dt

import pytest

from app import concerns, meetings
from app.auth import Actor
from app.errors import PermissionDenied, StateError, ValidationError
from db.models.concerns import ConcernNote
from db.tracking import TrackingError

from test_meetings_support import at, populate

D = dt.date


def raise_(session, admin, pop, **kw):
    kw.setdefault("title", "路灯不亮")
    kw.setdefault("source", "visit")
    kw.setdefault("resident_id", pop.residents[0].id)
    kw.setdefault("raised_on", D(2024, 3, 1))
    kw.setdefault("category", "roads_water")
    return concerns.raise_concern(session=session, actor=admin, **kw)


def test_raise_derives_household_grid_and_number(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        resident = pop.residents[-1]
        first = raise_(session, admin, pop, resident_id=resident.id)
        second = raise_(session, admin, pop, raised_on=D(2024, 5, 1))
        third = raise_(session, admin, pop, raised_on=D(2025, 1, 2))
        assert first.household_id == resident.household_id
        assert first.grid_id == pop.grids[-1].id
        assert first.raised_by == resident.name
        assert first.due_on == D(2024, 3, 1) + dt.timedelta(days=concerns.DEFAULT_DUE_DAYS)
        assert [first.number, second.number, third.number] == ["2024-0001", "2024-0002", "2025-0001"]


def test_bad_concerns_are_refused(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        with pytest.raises(ValidationError) as err:
            concerns.raise_concern(session=session, actor=admin, title="", category="x", source="meeting",
                                   raised_on=D(2024, 3, 1), due_on=D(2024, 2, 1))
        assert {"title", "category", "meeting_id", "raised_by", "due_on"} <= set(err.value.errors)
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="坝坝会",
                                        starts_at=at())
        meetings.cancel_meeting(session=session, actor=admin, meeting_id=meeting.id, reason="下雨")
        with pytest.raises(ValidationError) as err:
            raise_(session, admin, pop, source="meeting", meeting_id=meeting.id)
        assert "meeting_id" in err.value.errors


def test_free_name_without_register_entry(village):
    database, admin = village
    with database.unit(admin) as session:
        concern = concerns.raise_concern(session=session, actor=admin, title="低保申请咨询", source="office",
                                         raised_by="外出务工人员 刘先生", raised_on=D(2024, 3, 1))
        assert concern.household_id is None and concern.grid_id is None


def test_progress_close_and_satisfaction(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        concern = raise_(session, admin, pop)
        concerns.assign_concern(session=session, actor=admin, concern_id=concern.id, assignee="张组长",
                                due_on=D(2024, 3, 10))
        concerns.add_progress_note(session=session, actor=admin, concern_id=concern.id, text="已联系电工",
                                   noted_on=D(2024, 3, 2))
        with pytest.raises(ValidationError):
            concerns.add_progress_note(session=session, actor=admin, concern_id=concern.id, text="早于提出",
                                       noted_on=D(2024, 2, 2))
        with pytest.raises(StateError):
            concerns.record_satisfaction(session=session, actor=admin, concern_id=concern.id, satisfaction="satisfied")
        with pytest.raises(ValidationError) as err:
            concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="",
                                   closed_on=D(2024, 2, 1), satisfaction="happy")
        assert {"resolution", "closed_on", "satisfaction"} <= set(err.value.errors)
        concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="更换灯泡",
                               closed_on=D(2024, 3, 8))
        concerns.record_satisfaction(session=session, actor=admin, concern_id=concern.id, satisfaction="basically")
        concern = concerns.concern(session=session, actor=admin, concern_id=concern.id)
        assert concern.state == concerns.CLOSED and concern.satisfaction == "basically"
        with pytest.raises(StateError):
            concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="再次")
        with pytest.raises(StateError):
            concerns.escalate_concern(session=session, actor=admin, concern_id=concern.id, reason="x")
        assert [n.text for n in concerns.notes(session=session, actor=admin, concern_id=concern.id)] == ["已联系电工"]


def test_progress_notes_are_append_only(village):
    database, admin = village
    with pytest.raises(TrackingError):
        with database.unit(admin) as session:
            pop = populate(session)
            note = concerns.add_progress_note(session=session, actor=admin, concern_id=raise_(session, admin, pop).id,
                                              text="已联系", noted_on=D(2024, 3, 2))
            session.get(ConcernNote, note.id).text = "改写"  # behind the service's back
            session.flush()


def test_escalation_needs_a_reason_and_can_still_close(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        concern = raise_(session, admin, pop, title="跨村水渠纠纷")
        with pytest.raises(ValidationError):
            concerns.escalate_concern(session=session, actor=admin, concern_id=concern.id, reason=" ")
        concerns.escalate_concern(session=session, actor=admin, concern_id=concern.id, reason="涉及邻村，需镇水务站协调",
                                  escalated_on=D(2024, 3, 5))
        concern = concerns.concern(session=session, actor=admin, concern_id=concern.id)
        assert concern.state == concerns.ESCALATED
        with pytest.raises(StateError):
            concerns.escalate_concern(session=session, actor=admin, concern_id=concern.id, reason="再次上报")
        concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="镇里协调后疏通",
                               closed_on=D(2024, 4, 1))
        concern = concerns.concern(session=session, actor=admin, concern_id=concern.id)
        assert concern.state == concerns.CLOSED


def test_overdue_and_list_order(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        late = raise_(session, admin, pop, title="逾期", due_on=D(2024, 3, 5))
        pending = raise_(session, admin, pop, title="未到期", due_on=D(2024, 6, 1))
        done = raise_(session, admin, pop, title="已办结", due_on=D(2024, 3, 5))
        concerns.close_concern(session=session, actor=admin, concern_id=done.id, resolution="已处理",
                               closed_on=D(2024, 3, 4))
        done = concerns.concern(session=session, actor=admin, concern_id=done.id)
        on = D(2024, 4, 1)
        assert concerns.is_overdue(late, on) and not concerns.is_overdue(pending, on) and not concerns.is_overdue(done, on)
        assert concerns.concern_ids(session=session, actor=admin, on=on) == [late.id, pending.id, done.id]
        assert concerns.concern_ids(session=session, actor=admin, on=on, overdue_only=True) == [late.id]
        assert concerns.concern_ids(session=session, actor=admin, search="未到") == [pending.id]


def test_closure_rate_counts_closed_on_time_over_due(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(2, 2))
        g1 = [r for r in pop.residents if r.household_id in {h.id for h in pop.households[:2]}][0]
        g2 = [r for r in pop.residents if r.household_id in {h.id for h in pop.households[2:]}][0]
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.EVENING_TALK, title="夜话",
                                        starts_at=at(D(2024, 2, 20)))
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)

        def make(resident, due, closed=None, at_meeting=False):
            c = raise_(session, admin, pop, resident_id=resident.id, raised_on=D(2024, 2, 25), due_on=due,
                       source="meeting" if at_meeting else "visit", meeting_id=meeting.id if at_meeting else None)
            if closed:
                concerns.close_concern(session=session, actor=admin, concern_id=c.id, resolution="办结", closed_on=closed)
            return c

        make(g1, D(2024, 3, 10), D(2024, 3, 9), at_meeting=True)   # March, on time
        make(g1, D(2024, 3, 10), D(2024, 3, 10), at_meeting=True)  # March, on the due day: on time
        make(g2, D(2024, 3, 20), D(2024, 3, 25))                  # March, closed late
        make(g2, D(2024, 3, 31))                                  # March, still open: overdue
        make(g1, D(2024, 4, 10), D(2024, 4, 1))                   # April, on time
        make(g2, D(2024, 5, 10))                                  # not yet due on 1 May: left out
        on = D(2024, 5, 1)
        by_month = {r.key: r for r in concerns.closure_rates(session=session, actor=admin, by="month", on=on)}
        assert set(by_month) == {"2024-03", "2024-04"}
        march = by_month["2024-03"]
        assert (march.due, march.closed_on_time, march.closed, march.overdue_open) == (4, 2, 3, 1)
        assert march.rate == pytest.approx(0.5)
        assert by_month["2024-04"].rate == 1.0

        by_grid = {r.label: r for r in concerns.closure_rates(session=session, actor=admin, by="grid", on=on)}
        assert (by_grid["第1网格"].due, by_grid["第1网格"].closed_on_time) == (3, 3)
        assert (by_grid["第2网格"].due, by_grid["第2网格"].closed_on_time) == (2, 0)

        by_kind = {r.key: r for r in concerns.closure_rates(session=session, actor=admin, by="meeting_kind", on=on)}
        assert by_kind[meetings.EVENING_TALK].rate == 1.0
        assert by_kind[""].due == 3 and by_kind[""].label == "（非会上提出）"

        period = concerns.overall_rate(session=session, actor=admin, start=D(2024, 4, 1), end=D(2024, 4, 30), on=on)
        assert (period.due, period.closed_on_time) == (1, 1)
        total = concerns.overall_rate(session=session, actor=admin, on=on)
        assert total.rate == pytest.approx(3 / 5)
        with pytest.raises(ValidationError):
            concerns.closure_rates(session=session, actor=admin, by="week")


def test_stats(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        a = raise_(session, admin, pop, due_on=D(2024, 3, 10))
        raise_(session, admin, pop, due_on=D(2024, 3, 10))  # long overdue
        concerns.close_concern(session=session, actor=admin, concern_id=a.id, resolution="好了", closed_on=D(2024, 3, 9),
                               satisfaction="satisfied")
        stats = concerns.stats(session=session, actor=admin)
        assert stats["raised"] == 2 and stats["closed"] == 1 and stats["overdue"] == 1
        assert stats["closure_rate"] == 0.5 and stats["satisfaction_rate"] == 1.0


def test_allowed_actions_follow_the_state(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        concern = raise_(session, admin, pop)
        allowed = concerns.allowed_actions(session=session, actor=admin, concern_id=concern.id)
        assert allowed["close"] is None and allowed["escalate"] is None and allowed["satisfaction"]
        concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="已处理",
                               closed_on=D(2024, 3, 8))
        allowed = concerns.allowed_actions(session=session, actor=admin, concern_id=concern.id)
        assert allowed["close"] and allowed["escalate"] and allowed["assign"] and allowed["satisfaction"] is None
        township = Actor(user_id="", username="t", display_name="乡镇", role="township")
        with pytest.raises(PermissionDenied):
            concerns.allowed_actions(session=session, actor=township, concern_id=concern.id)
