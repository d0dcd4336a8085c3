"""Volunteers: reads that other modules of ``app`` need without an actor. Not for ``ui/``."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session, func, select

from app.errors import NotFound
from app.i18n import _
from db.models.people import Resident
from db.models.volunteers import VolunteerActivity, VolunteerAssignment, VolunteerHours, VolunteerTeam


def get_team(session: Session, team_id: str) -> VolunteerTeam:
    team = session.get(VolunteerTeam, team_id)
    if team is None or team.deleted_at is not None:
        raise NotFound(_("No such volunteer team."))
    return team


def get_activity(session: Session, activity_id: str) -> VolunteerActivity:
    activity = session.get(VolunteerActivity, activity_id)
    if activity is None or activity.deleted_at is not None:
        raise NotFound(_("No such activity."))
    return activity


def get_assignment(session: Session, assignment_id: str) -> VolunteerAssignment:
    assignment = session.get(VolunteerAssignment, assignment_id)
    if assignment is None or assignment.deleted_at is not None:
        raise NotFound(_("No such assignment."))
    return assignment


def served_minutes(session: Session, assignment_id: str) -> int:
    """Minutes served on one assignment: the sum of its ledger rows (reversals included)."""
    return int(session.exec(select(func.coalesce(func.sum(VolunteerHours.minutes), 0))
                            .where(VolunteerHours.assignment_id == assignment_id)).one())


@dataclasses.dataclass(frozen=True)
class CompletedService:
    assignment_id: str
    resident_id: str
    household_id: str | None
    name: str
    title: str
    served_on: dt.date
    minutes: int


def completed_services(session: Session, *, start: dt.date, end: dt.date) -> list[CompletedService]:
    """Completed assignments served in [start, end] with the minutes that stand (net of reversals)."""
    net = func.sum(VolunteerHours.minutes)
    rows = session.exec(
        select(VolunteerAssignment.id, Resident.id, Resident.household_id, Resident.name, VolunteerActivity.title,
               VolunteerActivity.held_on, net)
        .join(VolunteerActivity, VolunteerActivity.id == VolunteerAssignment.activity_id)
        .join(Resident, Resident.id == VolunteerAssignment.resident_id)
        .join(VolunteerHours, VolunteerHours.assignment_id == VolunteerAssignment.id)
        .where(VolunteerAssignment.state == "completed", VolunteerActivity.held_on >= start,
               VolunteerActivity.held_on <= end)
        .group_by(VolunteerAssignment.id, Resident.id, Resident.household_id, Resident.name, VolunteerActivity.title,
                  VolunteerActivity.held_on)
        .having(net > 0).order_by(VolunteerActivity.held_on, Resident.name)).all()
    return [CompletedService(assignment_id=a, resident_id=r, household_id=h, name=n, title=t, served_on=d,
                             minutes=int(m)) for a, r, h, n, t, d, m in rows]


def latest_activity_id(session: Session) -> str | None:
    return session.exec(select(VolunteerActivity.id).order_by(VolunteerActivity.held_on.desc(),
                                                              VolunteerActivity.created_at.desc()).limit(1)).first()
