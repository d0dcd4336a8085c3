"""党员志愿服务队: teams, members, activities (微活动/微服务), assignments and hours.

An assignment puts a person on an activity for a time slot. When the activity is over it is
either completed — the minutes served go into the hours ledger — or a no-show, which earns
nothing. One person cannot be in two places at once: an assignment overlapping another of the
same person (not cancelled) is refused. The hours ledger is append-only: a wrong figure is
corrected by a reversal row and, when some time was served, a new row (``correct_hours``).
Reports sum the ledger by person, team, kind of activity or month over a date range.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, func, select

from app.auth import Actor, require, require_any
from app.errors import StateError, ValidationError
from app.i18n import N_, _
from app.text import clean_dates, clean_many
from app.views import view, view_class
from app.volunteers.queries import get_activity, get_assignment, get_team, served_minutes
from db.base import local_now
from db.models.people import Household, Resident
from db.models.volunteers import (
    VolunteerActivity, VolunteerAssignment, VolunteerHours, VolunteerMember, VolunteerTeam,
)

TEAM_KINDS: dict[str, str] = {"party": N_("Party members' volunteer team (党员志愿服务队)"),
                              "youth": N_("Youth volunteers (青年志愿者)"), "women": N_("Women's team (巾帼志愿者)"),
                              "elders": N_("Elders' team (银龄志愿者)"), "other": N_("Other team")}
ACTIVITY_KINDS: dict[str, str] = {"micro_activity": N_("Micro-activity (微活动)"),
                                  "micro_service": N_("Micro-service (微服务)")}
SCHEDULED, COMPLETED, NO_SHOW, CANCELLED = "scheduled", "completed", "no_show", "cancelled"
STATES: dict[str, str] = {SCHEDULED: N_("Scheduled"), COMPLETED: N_("Completed"), NO_SHOW: N_("Did not come"),
                          CANCELLED: N_("Cancelled")}
GROUPINGS = ("person", "team", "kind", "month")
MAX_MINUTES = 24 * 60

TeamView = view_class(VolunteerTeam, "TeamView", extra={"leader_name": "", "members": 0})
ActivityView = view_class(VolunteerActivity, "ActivityView", extra={"team_name": "", "assigned": 0})
AssignmentView = view_class(VolunteerAssignment, "AssignmentView", extra={"name": "", "served_minutes": 0})
HoursView = view_class(VolunteerHours, "HoursView")


def today() -> dt.date:
    return local_now().date()


def kind_label(code: str) -> str:
    return _(ACTIVITY_KINDS.get(code, code))


def team_kind_label(code: str) -> str:
    return _(TEAM_KINDS.get(code, code))


def state_label(code: str) -> str:
    return _(STATES.get(code, code))


def _who(actor: Actor) -> str:
    return (actor.display_name or actor.username)[:64]


def _resident(session: Session, resident_id: str | None, field: str) -> Resident:
    resident = session.get(Resident, resident_id) if resident_id else None
    if resident is None:
        raise ValidationError({field: _("No such resident.")})
    return resident


# --- teams ----------------------------------------------------------------------------------------


def _team_views(session: Session, teams: Sequence[VolunteerTeam]) -> list[Any]:
    leaders = dict(session.exec(select(Resident.id, Resident.name).where(
        Resident.id.in_({t.leader_id for t in teams if t.leader_id}))).all()) if teams else {}
    counts = dict(session.exec(select(VolunteerMember.team_id, func.count()).where(
        VolunteerMember.team_id.in_([t.id for t in teams]), VolunteerMember.left_on.is_(None))
        .group_by(VolunteerMember.team_id)).all()) if teams else {}
    return [view(TeamView, t, leader_name=leaders.get(t.leader_id or "", ""), members=counts.get(t.id, 0))
            for t in teams]


def teams(*, session: Session, actor: Actor) -> list[TeamView]:
    require(actor, "people.view")
    return _team_views(session, list(session.exec(select(VolunteerTeam).order_by(VolunteerTeam.name))))


def add_team(*, session: Session, actor: Actor, name: str, kind: str = "party", leader_id: str | None = None,
             description: str = "", founded_on: dt.date | None = None) -> TeamView:
    require(actor, "volunteers.edit")
    name, description = clean_many(VolunteerTeam, name=name, description=description, multiline=("description",))
    clean_dates(founded_on=founded_on)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the team.")
    if kind not in TEAM_KINDS:
        errors["kind"] = _("Choose the kind of team.")
    if leader_id and session.get(Resident, leader_id) is None:
        errors["leader_id"] = _("No such resident.")
    if errors:
        raise ValidationError(errors)
    team = VolunteerTeam(name=name, kind=kind, leader_id=leader_id or None, description=description,
                         founded_on=founded_on)
    session.add(team)
    session.flush()
    if leader_id:
        session.add(VolunteerMember(team_id=team.id, resident_id=leader_id, joined_on=founded_on or today()))
        session.flush()
    return _team_views(session, [team])[0]


@dataclasses.dataclass(frozen=True)
class MemberRow:
    member_id: str
    resident_id: str
    name: str
    party_member: bool
    joined_on: dt.date
    left_on: dt.date | None


def members(*, session: Session, actor: Actor, team_id: str) -> list[MemberRow]:
    require(actor, "people.view")
    get_team(session, team_id)
    rows = session.exec(select(VolunteerMember, Resident.name, Resident.party_member)
                        .join(Resident, Resident.id == VolunteerMember.resident_id)
                        .where(VolunteerMember.team_id == team_id)
                        .order_by(VolunteerMember.left_on.is_not(None), Resident.name)).all()
    return [MemberRow(member_id=m.id, resident_id=m.resident_id, name=n, party_member=bool(p), joined_on=m.joined_on,
                      left_on=m.left_on) for m, n, p in rows]


def add_member(*, session: Session, actor: Actor, team_id: str, resident_id: str,
               joined_on: dt.date | None = None) -> MemberRow:
    require(actor, "volunteers.edit")
    clean_dates(joined_on=joined_on)
    team = get_team(session, team_id)
    resident = _resident(session, resident_id, "resident_id")
    existing = session.exec(select(VolunteerMember).where(VolunteerMember.team_id == team.id,
                                                          VolunteerMember.resident_id == resident.id)).first()
    if existing is not None and existing.left_on is None:
        raise ValidationError({"resident_id": _("{name} is already in the team.").format(name=resident.name)})
    joined_on = joined_on or today()
    if existing is not None:  # back again: the same membership row, open again
        existing.joined_on, existing.left_on = joined_on, None
        member = existing
    else:
        member = VolunteerMember(team_id=team.id, resident_id=resident.id, joined_on=joined_on)
    session.add(member)
    session.flush()
    return MemberRow(member_id=member.id, resident_id=resident.id, name=resident.name,
                     party_member=resident.party_member, joined_on=member.joined_on, left_on=None)


def remove_member(*, session: Session, actor: Actor, member_id: str, left_on: dt.date | None = None) -> None:
    """A member leaves: kept as a former member, and their hours stay."""
    require(actor, "volunteers.edit")
    clean_dates(left_on=left_on)
    member = session.get(VolunteerMember, member_id)
    if member is None:
        raise ValidationError({"member_id": _("No such member.")})
    if member.left_on is not None:
        raise StateError(_("The member has already left."))
    left_on = left_on or today()
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("Leaving cannot come before joining.")})
    member.left_on = left_on
    session.add(member)
    session.flush()


# --- activities -----------------------------------------------------------------------------------


def _activity_views(session: Session, activities: Sequence[VolunteerActivity]) -> list[Any]:
    if not activities:
        return []
    names = dict(session.exec(select(VolunteerTeam.id, VolunteerTeam.name).where(
        VolunteerTeam.id.in_({a.team_id for a in activities if a.team_id}))).all())
    counts = dict(session.exec(select(VolunteerAssignment.activity_id, func.count()).where(
        VolunteerAssignment.activity_id.in_([a.id for a in activities]), VolunteerAssignment.state != CANCELLED)
        .group_by(VolunteerAssignment.activity_id)).all())
    return [view(ActivityView, a, team_name=names.get(a.team_id or "", ""), assigned=counts.get(a.id, 0))
            for a in activities]


def add_activity(*, session: Session, actor: Actor, kind: str, title: str, starts_at: dt.datetime,
                 ends_at: dt.datetime, team_id: str | None = None, place: str = "", organiser: str = "",
                 description: str = "") -> ActivityView:
    """A 微活动 or 微服务 from ``starts_at`` to ``ends_at`` (the same day)."""
    require(actor, "volunteers.edit")
    title, place, organiser, description = clean_many(VolunteerActivity, title=title, place=place,
                                                      organiser=organiser, description=description,
                                                      multiline=("description",))
    errors: dict[str, str] = {}
    if kind not in ACTIVITY_KINDS:
        errors["kind"] = _("Choose 微活动 or 微服务.")
    if not title:
        errors["title"] = _("Say what the activity is.")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        errors["starts_at"] = _("Give the start and end times.")
    elif ends_at <= starts_at:
        errors["ends_at"] = _("The activity ends before it starts.")
    elif ends_at - starts_at > dt.timedelta(minutes=MAX_MINUTES):
        errors["ends_at"] = _("An activity lasts at most a day.")
    if team_id:
        get_team(session, team_id)
    if errors:
        raise ValidationError(errors)
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    held_on = starts_at.astimezone(local_now().tzinfo).date()
    clean_dates(held_on=held_on)
    activity = VolunteerActivity(team_id=team_id or None, kind=kind, title=title, held_on=held_on,
                                 starts_at=starts_at, ends_at=ends_at, place=place, organiser=organiser or _who(actor),
                                 description=description)
    session.add(activity)
    session.flush()
    return _activity_views(session, [activity])[0]


def activities(*, session: Session, actor: Actor, start: dt.date | None = None, end: dt.date | None = None,
               team_id: str | None = None, limit: int = 500) -> list[ActivityView]:
    """Activities, newest first."""
    require(actor, "people.view")
    query = select(VolunteerActivity)
    if start:
        query = query.where(VolunteerActivity.held_on >= start)
    if end:
        query = query.where(VolunteerActivity.held_on <= end)
    if team_id:
        query = query.where(VolunteerActivity.team_id == team_id)
    return _activity_views(session, list(session.exec(
        query.order_by(VolunteerActivity.held_on.desc(), VolunteerActivity.starts_at.desc()).limit(limit))))


def activity(*, session: Session, actor: Actor, activity_id: str) -> ActivityView:
    require(actor, "people.view")
    return _activity_views(session, [get_activity(session, activity_id)])[0]


# --- assignments ------------------------------------------------------------------------------------


def _assignment_views(session: Session, rows: Sequence[VolunteerAssignment]) -> list[Any]:
    if not rows:
        return []
    names = dict(session.exec(select(Resident.id, Resident.name).where(
        Resident.id.in_({a.resident_id for a in rows}))).all())
    served = dict(session.exec(select(VolunteerHours.assignment_id, func.sum(VolunteerHours.minutes)).where(
        VolunteerHours.assignment_id.in_([a.id for a in rows])).group_by(VolunteerHours.assignment_id)).all())
    return [view(AssignmentView, a, name=names.get(a.resident_id, ""), served_minutes=int(served.get(a.id) or 0))
            for a in rows]


def _aware(value: dt.datetime) -> dt.datetime:
    """A time typed without a zone is this PC's local time."""
    return value if value.tzinfo else value.replace(tzinfo=local_now().tzinfo)


def _as_utc(value: dt.datetime) -> dt.datetime:
    return _aware(value).astimezone(dt.UTC)


def overlapping(session: Session, resident_id: str, starts_at: dt.datetime, ends_at: dt.datetime,
                exclude: str | None = None) -> VolunteerAssignment | None:
    """Another live assignment of the person whose time overlaps [starts_at, ends_at)."""
    query = select(VolunteerAssignment).where(
        VolunteerAssignment.resident_id == resident_id, VolunteerAssignment.state != CANCELLED,
        VolunteerAssignment.starts_at < _as_utc(ends_at), VolunteerAssignment.ends_at > _as_utc(starts_at))
    if exclude:
        query = query.where(VolunteerAssignment.id != exclude)
    return session.exec(query.limit(1)).first()


def assign(*, session: Session, actor: Actor, activity_id: str, resident_id: str,
           starts_at: dt.datetime | None = None, ends_at: dt.datetime | None = None) -> AssignmentView:
    """Put a person on an activity (its whole time, or a part of it). Refused when the person is
    already on another activity at an overlapping time."""
    require(actor, "volunteers.edit")
    act = get_activity(session, activity_id)
    resident = _resident(session, resident_id, "resident_id")
    starts_at = _aware(starts_at or act.starts_at)
    ends_at = _aware(ends_at or act.ends_at)
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The time ends before it starts.")
    elif _as_utc(starts_at) < _as_utc(act.starts_at) or _as_utc(ends_at) > _as_utc(act.ends_at):
        errors["starts_at"] = _("The time is outside the activity's own.")
    if errors:
        raise ValidationError(errors)
    clash = overlapping(session, resident.id, starts_at, ends_at)
    if clash is not None:
        other = session.get(VolunteerActivity, clash.activity_id)
        raise ValidationError({"resident_id": _("{name} is already on “{title}” at that time.").format(
            name=resident.name, title=other.title if other else "")})
    team_id = act.team_id
    assignment = VolunteerAssignment(activity_id=act.id, resident_id=resident.id, team_id=team_id,
                                     starts_at=starts_at, ends_at=ends_at,
                                     scheduled_minutes=int((ends_at - starts_at).total_seconds() // 60))
    session.add(assignment)
    session.flush()
    return _assignment_views(session, [assignment])[0]


def assignments(*, session: Session, actor: Actor, activity_id: str) -> list[AssignmentView]:
    require(actor, "people.view")
    get_activity(session, activity_id)
    return _assignment_views(session, list(session.exec(
        select(VolunteerAssignment).where(VolunteerAssignment.activity_id == activity_id)
        .order_by(VolunteerAssignment.starts_at, VolunteerAssignment.created_at))))


def _scheduled(session: Session, assignment_id: str) -> VolunteerAssignment:
    assignment = get_assignment(session, assignment_id)
    if assignment.state != SCHEDULED:
        raise StateError(_("This assignment is already {state}.").format(state=state_label(assignment.state)))
    return assignment


def _check_minutes(minutes: Any, field: str = "minutes", *, zero: bool = False) -> None:
    low = 0 if zero else 1
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= MAX_MINUTES:
        raise ValidationError({field: _("Minutes served: a whole number from {low} to {high}.").format(
            low=low, high=MAX_MINUTES)})


def record_completion(*, session: Session, actor: Actor, assignment_id: str, minutes: int | None = None,
                      note: str = "") -> AssignmentView:
    """完成: the minutes served (default: as scheduled) go into the hours ledger."""
    require(actor, "volunteers.edit")
    assignment = _scheduled(session, assignment_id)
    (note,) = clean_many(VolunteerHours, note=note)
    minutes = assignment.scheduled_minutes if minutes is None else minutes
    _check_minutes(minutes)
    act = get_activity(session, assignment.activity_id)
    if act.held_on > today():
        raise StateError(_("The activity has not taken place yet."))
    assignment.state = COMPLETED
    session.add(assignment)
    session.add(VolunteerHours(assignment_id=assignment.id, resident_id=assignment.resident_id,
                               team_id=assignment.team_id, activity_kind=act.kind, served_on=act.held_on,
                               minutes=minutes, note=note, recorded_by=_who(actor)))
    session.flush()
    return _assignment_views(session, [assignment])[0]


def record_no_show(*, session: Session, actor: Actor, assignment_id: str) -> AssignmentView:
    """未到: the person did not come; nothing is earned."""
    require(actor, "volunteers.edit")
    assignment = _scheduled(session, assignment_id)
    act = get_activity(session, assignment.activity_id)
    if act.held_on > today():
        raise StateError(_("The activity has not taken place yet."))
    assignment.state = NO_SHOW
    session.add(assignment)
    session.flush()
    return _assignment_views(session, [assignment])[0]


def cancel_assignment(*, session: Session, actor: Actor, assignment_id: str) -> AssignmentView:
    """Taken off the activity before it happened (the time is free again)."""
    require(actor, "volunteers.edit")
    assignment = _scheduled(session, assignment_id)
    assignment.state = CANCELLED
    session.add(assignment)
    session.flush()
    return _assignment_views(session, [assignment])[0]


def correct_hours(*, session: Session, actor: Actor, assignment_id: str, minutes: int, reason: str) -> AssignmentView:
    """更正: reverse what the ledger holds for a completed assignment and, unless ``minutes`` is 0,
    record the right figure. Nothing is edited; both rows name why."""
    require(actor, "volunteers.edit")
    assignment = get_assignment(session, assignment_id)
    if assignment.state != COMPLETED:
        raise StateError(_("Only the hours of a completed assignment are corrected."))
    (reason,) = clean_many(VolunteerHours, note=reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the hours are corrected.")})
    _check_minutes(minutes, zero=True)
    if minutes == served_minutes(session, assignment.id):
        raise ValidationError({"minutes": _("That is already the figure recorded.")})
    reversed_ids = select(VolunteerHours.reverses_id).where(VolunteerHours.reverses_id.is_not(None))
    standing = session.exec(select(VolunteerHours).where(
        VolunteerHours.assignment_id == assignment.id, VolunteerHours.reverses_id.is_(None),
        VolunteerHours.id.not_in(reversed_ids))).all()
    for row in standing:
        session.add(VolunteerHours(assignment_id=row.assignment_id, resident_id=row.resident_id, team_id=row.team_id,
                                   activity_kind=row.activity_kind, served_on=row.served_on, minutes=-row.minutes,
                                   reverses_id=row.id, note=reason, recorded_by=_who(actor)))
    if minutes:
        first = standing[0] if standing else None
        act = get_activity(session, assignment.activity_id)
        session.add(VolunteerHours(assignment_id=assignment.id, resident_id=assignment.resident_id,
                                   team_id=assignment.team_id, activity_kind=first.activity_kind if first else act.kind,
                                   served_on=act.held_on, minutes=minutes, note=reason, recorded_by=_who(actor)))
    session.flush()
    return _assignment_views(session, [assignment])[0]


def hours_ledger(*, session: Session, actor: Actor, assignment_id: str) -> list[HoursView]:
    require(actor, "people.view")
    get_assignment(session, assignment_id)
    return [view(HoursView, h) for h in session.exec(select(VolunteerHours).where(
        VolunteerHours.assignment_id == assignment_id).order_by(VolunteerHours.created_at))]


# --- hours reports -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HoursRow:
    key: str
    label: str
    minutes: int
    services: int  # completed assignments counted
    people: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def _month_of(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def hours(*, session: Session, actor: Actor, by: str = "person", start: dt.date | None = None,
          end: dt.date | None = None, team_id: str | None = None) -> list[HoursRow]:
    """Hours served (the ledger, net of reversals) by person, team, kind of activity or month."""
    require_any(actor, "people.view", "stats.view")
    if by not in GROUPINGS:
        raise ValidationError({"by": _("Group by person, team, kind or month.")})
    clean_dates(start=start, end=end)
    key = {"person": VolunteerHours.resident_id, "team": func.coalesce(VolunteerHours.team_id, ""),
           "kind": VolunteerHours.activity_kind, "month": _month_of(session, VolunteerHours.served_on)}[by]
    query = select(key.label("k"), func.sum(VolunteerHours.minutes),
                   func.count(func.distinct(VolunteerHours.assignment_id)),
                   func.count(func.distinct(VolunteerHours.resident_id)))
    if start:
        query = query.where(VolunteerHours.served_on >= start)
    if end:
        query = query.where(VolunteerHours.served_on <= end)
    if team_id:
        query = query.where(VolunteerHours.team_id == team_id)
    rows = [r for r in session.exec(query.group_by(key)).all() if int(r[1] or 0) > 0]
    if by == "person":
        if not actor.can("people.view"):
            raise ValidationError({"by": _("Hours by person are for the village office.")})
        labels = dict(session.exec(select(Resident.id, Resident.name).where(
            Resident.id.in_([r[0] for r in rows]))).all())
    elif by == "team":
        labels = dict(session.exec(select(VolunteerTeam.id, VolunteerTeam.name)).all())
        labels[""] = _("(no team)")
    elif by == "kind":
        labels = {k: kind_label(k) for k in ACTIVITY_KINDS}
    else:
        labels = {}
    result = [HoursRow(key=k, label=labels.get(k, k), minutes=int(m or 0), services=int(s), people=int(p))
              for k, m, s, p in rows]
    if by == "month":
        return sorted(result, key=lambda r: r.key)
    return sorted(result, key=lambda r: (-r.minutes, r.label))


def yearly_totals(*, session: Session, actor: Actor, year: int) -> list[HoursRow]:
    """A year's hours by person (the yearly totals a team publishes)."""
    if not isinstance(year, int) or not 1900 <= year <= 2200:
        require(actor, "people.view")
        raise ValidationError({"year": _("Enter a year.")})
    return hours(session=session, actor=actor, by="person", start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


def household_of(session: Session, resident_id: str) -> Household | None:
    resident = session.get(Resident, resident_id)
    return session.get(Household, resident.household_id) if resident and resident.household_id else None


def allowed_actions(*, session: Session, actor: Actor, assignment_id: str | None = None) -> dict[str, str | None]:
    require(actor, "people.view")
    refused = actor.refusal("volunteers.edit")
    if assignment_id is None:
        return {"new_team": refused, "new_activity": refused, "assign": refused}
    assignment = get_assignment(session, assignment_id)
    act = get_activity(session, assignment.activity_id)
    not_yet = _("The activity has not taken place yet.") if act.held_on > today() else None
    open_ = None if assignment.state == SCHEDULED else _("This assignment is already {state}.").format(
        state=state_label(assignment.state))
    return {"complete": refused or open_ or not_yet, "no_show": refused or open_ or not_yet,
            "cancel": refused or open_,
            "correct": refused or (None if assignment.state == COMPLETED else
                                   _("Only the hours of a completed assignment are corrected."))}


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    require_any(actor, "people.view", "stats.view")
    minutes, people = session.exec(select(func.coalesce(func.sum(VolunteerHours.minutes), 0),
                                          func.count(func.distinct(VolunteerHours.resident_id)))).one()
    year = today().year
    this_year = session.exec(select(func.coalesce(func.sum(VolunteerHours.minutes), 0)).where(
        VolunteerHours.served_on >= dt.date(year, 1, 1))).one()
    counts = {state: n for state, n in session.exec(select(VolunteerAssignment.state, func.count())
                                                    .group_by(VolunteerAssignment.state)).all()}
    return {"volunteer_teams": session.exec(select(func.count()).select_from(VolunteerTeam)).one(),
            "volunteer_activities": session.exec(select(func.count()).select_from(VolunteerActivity)).one(),
            "volunteer_hours": round(int(minutes) / 60, 1), "volunteer_hours_this_year": round(int(this_year) / 60, 1),
            "volunteers_served": int(people), "assignments_completed": counts.get(COMPLETED, 0),
            "assignments_no_show": counts.get(NO_SHOW, 0)}
