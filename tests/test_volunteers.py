"""党员志愿服务队: teams, overlapping assignments refused, no-shows earn nothing, the hours ledger
corrected by reversals, hours by person/team/kind/month, and proposals for points."""
from __future__ import annotations

import datetime as dt

import pytest

from app import points, volunteers
from app.auth import GRID_WORKER, TOWNSHIP, Actor
from app.errors import PermissionDenied, StateError, ValidationError
from db.models.volunteers import VolunteerHours
from db.tracking import TrackingError

from test_meetings_support import at, populate

DAY = dt.date(2025, 6, 14)


def slot(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return at(day, hour) + dt.timedelta(minutes=minute)


@pytest.fixture
def world(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        party = volunteers.add_team(session=session, actor=admin, name="党员志愿服务队", kind="party",
                                    leader_id=pop.residents[0].id, founded_on=dt.date(2024, 1, 1))
        youth = volunteers.add_team(session=session, actor=admin, name="青年志愿者", kind="youth")
        for r in pop.residents[1:4]:
            volunteers.add_member(session=session, actor=admin, team_id=party.id, resident_id=r.id,
                                  joined_on=dt.date(2024, 1, 1))
        clean = volunteers.add_activity(session=session, actor=admin, team_id=party.id, kind="micro_activity",
                                        title="清扫村道", starts_at=slot(8), ends_at=slot(11), place="村委会门前")
        visit = volunteers.add_activity(session=session, actor=admin, team_id=youth.id, kind="micro_service",
                                        title="探访独居老人", starts_at=slot(10), ends_at=slot(12), place="三组")
        later = volunteers.add_activity(session=session, actor=admin, team_id=youth.id, kind="micro_service",
                                        title="代购药品", starts_at=slot(14), ends_at=slot(15, 30))
    return database, admin, pop, party, youth, clean, visit, later


def test_teams_and_members(world):
    database, admin, pop, party, *_ = world
    with database.session() as session:
        team = next(t for t in volunteers.teams(session=session, actor=admin) if t.id == party.id)
        listed = volunteers.members(session=session, actor=admin, team_id=party.id)
    assert team.leader_name == pop.residents[0].name and team.members == 4
    assert {m.name for m in listed} == {r.name for r in pop.residents[:4]}
    with database.unit(admin) as session, pytest.raises(ValidationError):
        volunteers.add_member(session=session, actor=admin, team_id=party.id, resident_id=pop.residents[1].id)


def test_overlapping_assignments_for_one_person_are_refused(world):
    database, admin, pop, party, youth, clean, visit, later = world
    person = pop.residents[1].id
    with database.unit(admin) as session:
        volunteers.assign(session=session, actor=admin, activity_id=clean.id, resident_id=person)
        with pytest.raises(ValidationError) as refused:  # 10:00–12:00 overlaps 08:00–11:00
            volunteers.assign(session=session, actor=admin, activity_id=visit.id, resident_id=person)
        assert "清扫村道" in str(refused.value)
        # the part of the visit after the clean-up is fine; touching ends do not overlap
        part = volunteers.assign(session=session, actor=admin, activity_id=visit.id, resident_id=person,
                                 starts_at=slot(11), ends_at=slot(12))
        assert part.scheduled_minutes == 60
        volunteers.assign(session=session, actor=admin, activity_id=later.id, resident_id=person)
        with pytest.raises(ValidationError):  # outside the activity's own time
            volunteers.assign(session=session, actor=admin, activity_id=later.id, resident_id=pop.residents[2].id,
                              starts_at=slot(13), ends_at=slot(15))
        # a cancelled assignment frees the time
        other = volunteers.assign(session=session, actor=admin, activity_id=visit.id, resident_id=pop.residents[2].id)
        volunteers.cancel_assignment(session=session, actor=admin, assignment_id=other.id)
        volunteers.assign(session=session, actor=admin, activity_id=clean.id, resident_id=pop.residents[2].id,
                          starts_at=slot(9), ends_at=slot(11))


def test_a_no_show_earns_nothing_and_completions_fill_the_ledger(world):
    database, admin, pop, party, youth, clean, visit, later = world
    with database.unit(admin) as session:
        came = volunteers.assign(session=session, actor=admin, activity_id=clean.id, resident_id=pop.residents[1].id)
        absent = volunteers.assign(session=session, actor=admin, activity_id=clean.id, resident_id=pop.residents[2].id)
        short = volunteers.assign(session=session, actor=admin, activity_id=later.id, resident_id=pop.residents[3].id)
        volunteers.record_completion(session=session, actor=admin, assignment_id=came.id)
        volunteers.record_no_show(session=session, actor=admin, assignment_id=absent.id)
        volunteers.record_completion(session=session, actor=admin, assignment_id=short.id, minutes=45)
        with pytest.raises(StateError):
            volunteers.record_completion(session=session, actor=admin, assignment_id=absent.id)
        assert volunteers.allowed_actions(session=session, actor=admin, assignment_id=absent.id)["complete"]
    with database.session() as session:
        by_person = {r.key: r.minutes for r in volunteers.hours(session=session, actor=admin, by="person")}
        by_team = {r.key: r.minutes for r in volunteers.hours(session=session, actor=admin, by="team")}
        by_kind = {r.key: r.minutes for r in volunteers.hours(session=session, actor=admin, by="kind")}
        by_month = volunteers.hours(session=session, actor=admin, by="month", start=DAY, end=DAY)
        listed = {a.id: a for a in volunteers.assignments(session=session, actor=admin, activity_id=clean.id)}
        totals = volunteers.yearly_totals(session=session, actor=admin, year=2025)
    assert by_person == {pop.residents[1].id: 180, pop.residents[3].id: 45}
    assert pop.residents[2].id not in by_person and listed[absent.id].served_minutes == 0
    assert by_team == {party.id: 180, youth.id: 45}
    assert by_kind == {"micro_activity": 180, "micro_service": 45}
    assert [(r.key, r.minutes, r.people) for r in by_month] == [("2025-06", 225, 2)]
    assert sum(r.minutes for r in totals) == 225


def test_hours_are_corrected_by_reversal_rows_never_edited(world):
    database, admin, pop, party, youth, clean, *_ = world
    with database.unit(admin) as session:
        done = volunteers.assign(session=session, actor=admin, activity_id=clean.id, resident_id=pop.residents[1].id)
        volunteers.record_completion(session=session, actor=admin, assignment_id=done.id)
        with pytest.raises(ValidationError):
            volunteers.correct_hours(session=session, actor=admin, assignment_id=done.id, minutes=120, reason="")
        fixed = volunteers.correct_hours(session=session, actor=admin, assignment_id=done.id, minutes=120,
                                         reason="九点才到")
        assert fixed.served_minutes == 120
        rows = volunteers.hours_ledger(session=session, actor=admin, assignment_id=done.id)
        assert [r.minutes for r in rows] == [180, -180, 120]
        assert rows[1].reverses_id == rows[0].id
        again = volunteers.correct_hours(session=session, actor=admin, assignment_id=done.id, minutes=0,
                                         reason="核实未参加")
        assert again.served_minutes == 0
    with pytest.raises(TrackingError), database.unit(admin) as session:
        row = session.get(VolunteerHours, rows[0].id)
        row.minutes = 10
        session.add(row)
        session.flush()


def test_completed_service_proposes_points_for_approval(world):
    database, admin, pop, party, youth, clean, visit, later = world
    with database.unit(admin) as session:
        rule = points.add_rule(session=session, actor=admin, category="service", description="参加志愿服务一次",
                               points=2)
        came = volunteers.assign(session=session, actor=admin, activity_id=clean.id, resident_id=pop.residents[1].id)
        absent = volunteers.assign(session=session, actor=admin, activity_id=later.id, resident_id=pop.residents[2].id)
        volunteers.record_completion(session=session, actor=admin, assignment_id=came.id)
        volunteers.record_no_show(session=session, actor=admin, assignment_id=absent.id)
        made = points.propose_from_volunteering(session=session, actor=Actor("", "g", "网格员", GRID_WORKER),
                                                rule_id=rule.id, start=DAY, end=DAY)
        assert [p.household_id for p in made] == [pop.residents[1].household_id]
        assert points.propose_from_volunteering(session=session, actor=admin, rule_id=rule.id, start=DAY,
                                                end=DAY) == []
        assert points.balance(session=session, actor=admin, household_id=pop.residents[1].household_id) == 0
        points.approve_proposal(session=session, actor=admin, proposal_id=made[0].id)
        assert points.balance(session=session, actor=admin, household_id=pop.residents[1].household_id) == 2


def test_permissions(world):
    database, admin, pop, party, youth, clean, *_ = world
    township = Actor("", "t", "乡镇", TOWNSHIP)
    with database.session() as session:
        with pytest.raises(PermissionDenied):
            volunteers.assign(session=session, actor=township, activity_id=clean.id, resident_id=pop.residents[1].id)
        assert volunteers.hours(session=session, actor=township, by="month") == []
        with pytest.raises(ValidationError):  # names stay in the village
            volunteers.hours(session=session, actor=township, by="person")
