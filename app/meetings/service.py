"""Meetings (会议): notice → sign-in (应到/实到) → agenda and votes → minutes → publication.

States move planned → held → minutes_approved → published, or planned → cancelled; never skipping.
应到 is derived from the meeting's kind and scope (all party members for 党员大会, the
representatives for 村民代表会议, villagers aged 18+ or households for 村民会议, the households of a
grid for a 坝坝会 …) and frozen when the meeting is held. Votes are judged by :mod:`app.rules`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, case, or_
from sqlmodel import Session, func, select

from app import rules
from app.auth import Actor, require, require_any
from app.errors import NotFound, StateError, ValidationError
from app.i18n import N_, _
from db.base import local_now, utcnow
from db.models.accounts import Setting
from db.models.meetings import AgendaItem, Attendance, Ballot, Meeting, Minutes, MinutesAddendum, Vote
from db.models.concerns import Concern
from db.models.people import Grid, Household, Resident, VillageGroup

# --- kinds ------------------------------------------------------------------------------------

OPEN_AIR = "open_air"  # 坝坝会
EVENING_TALK = "evening_talk"  # 夜话屋场会
CONSULTATION = "consultation"  # 民情恳谈会
DELIBERATION_COUNCIL = "deliberation_council"  # 民主议事会
PUBLIC_EVALUATION = "public_evaluation"  # 群众评议会
PARTY_ASSEMBLY = "party_assembly"  # 党员大会
VILLAGERS_MEETING = "villagers_meeting"  # 村民会议
REPRESENTATIVES_MEETING = "representatives_meeting"  # 村民代表会议
TWO_COMMITTEES = "two_committees"  # 两委会
BRANCH_COMMITTEE = "branch_committee"  # 支委会

KINDS: dict[str, str] = {
    OPEN_AIR: N_("Open-air meeting (坝坝会)"),
    EVENING_TALK: N_("Evening courtyard talk (夜话屋场会)"),
    CONSULTATION: N_("Villagers' consultation (民情恳谈会)"),
    DELIBERATION_COUNCIL: N_("Democratic deliberation council (民主议事会)"),
    PUBLIC_EVALUATION: N_("Public evaluation meeting (群众评议会)"),
    PARTY_ASSEMBLY: N_("Party members' assembly (党员大会)"),
    VILLAGERS_MEETING: N_("Villagers' meeting (村民会议)"),
    REPRESENTATIVES_MEETING: N_("Villagers' representatives meeting (村民代表会议)"),
    TWO_COMMITTEES: N_("Two committees meeting (两委会)"),
    BRANCH_COMMITTEE: N_("Party branch committee (支委会)"),
}

# Short labels for tables and printed forms.
KIND_SHORT: dict[str, str] = {
    OPEN_AIR: N_("Open-air meeting"),
    EVENING_TALK: N_("Evening talk"),
    CONSULTATION: N_("Consultation"),
    DELIBERATION_COUNCIL: N_("Deliberation council"),
    PUBLIC_EVALUATION: N_("Public evaluation"),
    PARTY_ASSEMBLY: N_("Party assembly"),
    VILLAGERS_MEETING: N_("Villagers' meeting"),
    REPRESENTATIVES_MEETING: N_("Representatives meeting"),
    TWO_COMMITTEES: N_("Two committees"),
    BRANCH_COMMITTEE: N_("Branch committee"),
}

KIND_RULE: dict[str, str] = {
    OPEN_AIR: rules.CONSULTATIVE,
    EVENING_TALK: rules.CONSULTATIVE,
    CONSULTATION: rules.CONSULTATIVE,
    DELIBERATION_COUNCIL: rules.CONSULTATIVE,
    PUBLIC_EVALUATION: rules.CONSULTATIVE,
    PARTY_ASSEMBLY: rules.PARTY_ASSEMBLY,
    VILLAGERS_MEETING: rules.VILLAGERS_MEETING,
    REPRESENTATIVES_MEETING: rules.REPRESENTATIVES_MEETING,
    TWO_COMMITTEES: rules.COMMITTEE,
    BRANCH_COMMITTEE: rules.COMMITTEE,
}

# Open meetings: anyone may come, 实到 is usually a head count and 应到 counts households.
OPEN_KINDS = frozenset({OPEN_AIR, EVENING_TALK, CONSULTATION, DELIBERATION_COUNCIL, PUBLIC_EVALUATION})
# Bodies with a fixed membership: 应到 is the membership, whatever the scope.
MEMBERSHIP_KINDS = frozenset({PARTY_ASSEMBLY, REPRESENTATIVES_MEETING, TWO_COMMITTEES, BRANCH_COMMITTEE})

PLANNED, HELD, MINUTES_APPROVED, PUBLISHED, CANCELLED = "planned", "held", "minutes_approved", "published", "cancelled"
STATES: dict[str, str] = {
    PLANNED: N_("Planned"),
    HELD: N_("Held"),
    MINUTES_APPROVED: N_("Minutes approved"),
    PUBLISHED: N_("Published"),
    CANCELLED: N_("Cancelled"),
}
STATE_ORDER = (PLANNED, HELD, MINUTES_APPROVED, PUBLISHED)

SCOPES: dict[str, str] = {"village": N_("Whole village"), "group": N_("Villagers' group"), "grid": N_("Grid")}
MODES: dict[str, str] = {"roster": N_("Sign-in per person"), "head_count": N_("Head count")}
UNITS: dict[str, str] = {"persons": N_("persons"), "households": N_("households")}

METHODS: dict[str, str] = {
    "show_of_hands": N_("Show of hands (举手表决)"),
    "roll_call": N_("Open ballot (记名投票)"),
    "secret_ballot": N_("Secret ballot (无记名投票)"),
}

# A named voter's ballot in a roll-call (记名) vote.
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
CHOICES: dict[str, str] = {FOR: N_("For"), AGAINST: N_("Against"), ABSTAIN: N_("Abstain")}
ROLL_CALL = "roll_call"

# Committee membership (支部委员会, 村民委员会): a village setting, resident ids.
COMMITTEES_KEY = "meetings.committees"
COMMITTEES: dict[str, str] = {"branch_committee": N_("Party branch committee"),
                              "villagers_committee": N_("Villagers' committee")}


def kind_label(kind: str, *, short: bool = False) -> str:
    return _((KIND_SHORT if short else KINDS).get(kind, kind))


def state_label(state: str) -> str:
    return _(STATES.get(state, state))


def method_label(method: str) -> str:
    return _(METHODS.get(method, method))


def choice_label(choice: str) -> str:
    return _(CHOICES.get(choice, choice))


# --- looking things up --------------------------------------------------------------------------


def get_meeting(session: Session, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        raise NotFound(_("No such meeting."))
    return meeting


def _live(model: Any) -> Any:
    return model.deleted_at.is_(None)


def latest_meeting_id(session: Session, *, kind: str | None = None, states: Iterable[str] | None = None) -> str | None:
    query = select(Meeting.id).where(_live(Meeting))
    if kind:
        query = query.where(Meeting.kind == kind)
    if states:
        query = query.where(Meeting.state.in_(list(states)))
    return session.exec(query.order_by(Meeting.starts_at.desc()).limit(1)).first()


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants that begin local day ``first`` and end local day ``last``."""
    zone = local_now().tzinfo
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def _filtered(query: Any, *, kind: str | None, state: str | None, search: str) -> Any:
    query = query.where(_live(Meeting))
    if kind:
        query = query.where(Meeting.kind == kind)
    if state:
        query = query.where(Meeting.state == state)
    if search.strip():
        like = f"%{search.strip()}%"
        query = query.where(or_(Meeting.title.like(like), Meeting.place.like(like)))
    return query


def meeting_ids(*, session: Session, actor: Actor, kind: str | None = None, state: str | None = None,
                search: str = "", on: dt.date | None = None) -> list[str]:
    """Ids of meetings, newest first, for lazy list models (only those of local day ``on``, when given)."""
    require(actor, "meetings.view")
    query = _filtered(select(Meeting.id), kind=kind, state=state, search=search)
    if on is not None:
        start, end = _day_bounds(on, on)
        query = query.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    return list(session.exec(query.order_by(Meeting.starts_at.desc(), Meeting.id)))


@dataclasses.dataclass(frozen=True)
class DayMeeting:
    """A meeting as the month calendar shows it."""

    id: str
    title: str
    kind: str
    state: str
    starts_at: dt.datetime


def meetings_by_day(*, session: Session, actor: Actor, first: dt.date, last: dt.date, kind: str | None = None,
                    state: str | None = None, search: str = "") -> dict[dt.date, list[DayMeeting]]:
    """Meetings of the local days ``first`` to ``last`` (a month on the calendar), by day, in time order."""
    require(actor, "meetings.view")
    start, end = _day_bounds(first, last)
    query = _filtered(select(Meeting.id, Meeting.title, Meeting.kind, Meeting.state, Meeting.starts_at),
                      kind=kind, state=state, search=search)
    rows = session.exec(query.where(Meeting.starts_at >= start, Meeting.starts_at < end)
                        .order_by(Meeting.starts_at, Meeting.id)).all()
    zone = local_now().tzinfo
    days: dict[dt.date, list[DayMeeting]] = {}
    for meeting_id, title, kind_, state_, starts_at in rows:
        if starts_at.tzinfo is None:  # SQLite hands back naive UTC for some drivers
            starts_at = starts_at.replace(tzinfo=dt.timezone.utc)
        local = starts_at.astimezone(zone)
        days.setdefault(local.date(), []).append(DayMeeting(id=meeting_id, title=title, kind=kind_, state=state_,
                                                            starts_at=local))
    return days


@dataclasses.dataclass(frozen=True)
class MeetingRow:
    """One line of the meetings list."""

    id: str
    title: str
    kind: str
    state: str
    starts_at: dt.datetime
    place: str
    expected: int
    present: int | None
    expected_unit: str

    @property
    def rate(self) -> float | None:
        return None if self.present is None or not self.expected else self.present / self.expected


def meeting_rows(*, session: Session, actor: Actor, ids: Sequence[str]) -> dict[str, MeetingRow]:
    """The rows for ``ids`` in two queries (meetings, roster counts): what a lazy model fetches."""
    require(actor, "meetings.view")
    if not ids:
        return {}
    meetings = session.exec(select(Meeting).where(Meeting.id.in_(list(ids)))).all()
    present = _roster_present_counts(session, [m.id for m in meetings if m.attendance_mode == "roster"])
    rows = {}
    for m in meetings:
        actual = m.head_count if m.attendance_mode == "head_count" else present.get(m.id, 0)
        rows[m.id] = MeetingRow(id=m.id, title=m.title, kind=m.kind, state=m.state, starts_at=m.starts_at,
                                place=m.place, expected=m.expected_count,
                                present=actual if m.state != PLANNED or actual else None,
                                expected_unit=m.expected_unit)
    return rows


def _roster_present_counts(session: Session, meeting_ids_: list[str]) -> dict[str, int]:
    if not meeting_ids_:
        return {}
    query = (select(Attendance.meeting_id, func.count())
             .where(Attendance.meeting_id.in_(meeting_ids_), Attendance.present.is_(True),
                    Attendance.expected.is_(True), _live(Attendance))
             .group_by(Attendance.meeting_id))
    return dict(session.exec(query).all())


# --- 应到: who should attend ------------------------------------------------------------------------


def adult_cutoff(on: dt.date) -> dt.date:
    """Born on or before this day → aged 18 or more on ``on`` (29 February counts from 1 March)."""
    try:
        return on.replace(year=on.year - 18)
    except ValueError:
        return dt.date(on.year - 18, 2, 28)


def committee_members(session: Session) -> dict[str, list[str]]:
    setting = session.get(Setting, COMMITTEES_KEY)
    value = dict(setting.value or {}) if setting else {}
    return {name: list(value.get(name, [])) for name in COMMITTEES}


def set_committee_members(*, session: Session, actor: Actor, committee: str, resident_ids: Sequence[str]) -> list[str]:
    """Record who sits on the 支部委员会 or 村民委员会 (应到 of 支委会 and 两委会)."""
    require(actor, "village.edit")
    if committee not in COMMITTEES:
        raise ValidationError({"committee": _("Unknown committee: {name}.").format(name=committee)})
    ids = list(dict.fromkeys(resident_ids))
    found = set(session.exec(select(Resident.id).where(Resident.id.in_(ids), _live(Resident))).all()) if ids else set()
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"resident_ids": _("{n} of the chosen people are not in the register.").format(n=len(missing))})
    setting = session.get(Setting, COMMITTEES_KEY) or Setting(key=COMMITTEES_KEY, value={})
    value = dict(setting.value or {})
    value[committee] = ids
    setting.value = value
    session.add(setting)
    session.flush()
    return ids


@dataclasses.dataclass(frozen=True)
class Invitee:
    resident_id: str | None
    household_id: str | None
    name: str


def _resident_filter(kind: str, on: dt.date, session: Session) -> list[Any]:
    conditions: list[Any] = [_live(Resident), Resident.status == "resident"]
    if kind == PARTY_ASSEMBLY:
        conditions.append(Resident.party_member.is_(True))
    elif kind == REPRESENTATIVES_MEETING:
        conditions.append(Resident.representative.is_(True))
    elif kind in (TWO_COMMITTEES, BRANCH_COMMITTEE):
        members = committee_members(session)
        ids = set(members["branch_committee"])
        if kind == TWO_COMMITTEES:
            ids |= set(members["villagers_committee"])
        conditions.append(Resident.id.in_(sorted(ids)))
    else:
        conditions.append(Resident.birth_date.is_not(None))
        conditions.append(Resident.birth_date <= adult_cutoff(on))
    return conditions


def _household_scope(scope: str, group_id: str | None, grid_id: str | None) -> list[Any]:
    conditions: list[Any] = [_live(Household)]
    if scope == "group":
        conditions.append(Household.group_id == group_id)
    elif scope == "grid":
        conditions.append(Household.grid_id == grid_id)
    return conditions


def _expected_query(session: Session, *, kind: str, scope: str, group_id: str | None, grid_id: str | None,
                    expected_unit: str, on: dt.date) -> Any:
    if expected_unit == "households":
        return (select(Household.id, Household.head_name)
                .where(*_household_scope(scope, group_id, grid_id)).order_by(Household.number, Household.id))
    query = select(Resident.id, Resident.household_id, Resident.name).where(*_resident_filter(kind, on, session))
    if kind not in MEMBERSHIP_KINDS and scope != "village":
        query = query.join(Household, Household.id == Resident.household_id).where(
            *_household_scope(scope, group_id, grid_id))
    return query.order_by(Resident.name, Resident.id)


def expected_invitees(session: Session, *, kind: str, scope: str = "village", group_id: str | None = None,
                      grid_id: str | None = None, expected_unit: str = "persons", on: dt.date) -> list[Invitee]:
    """Everyone (or every household) who should attend a meeting of ``kind`` and ``scope`` on ``on``."""
    rows = session.exec(_expected_query(session, kind=kind, scope=scope, group_id=group_id, grid_id=grid_id,
                                        expected_unit=expected_unit, on=on)).all()
    if expected_unit == "households":
        return [Invitee(resident_id=None, household_id=hid, name=name or _("(household)")) for hid, name in rows]
    return [Invitee(resident_id=rid, household_id=hid, name=name) for rid, hid, name in rows]


def expected_count(session: Session, *, kind: str, scope: str = "village", group_id: str | None = None,
                   grid_id: str | None = None, expected_unit: str = "persons", on: dt.date) -> int:
    query = _expected_query(session, kind=kind, scope=scope, group_id=group_id, grid_id=grid_id,
                            expected_unit=expected_unit, on=on).order_by(None)
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def default_unit(kind: str) -> str:
    return "households" if kind in OPEN_KINDS else "persons"


def default_mode(kind: str) -> str:
    return "head_count" if kind in OPEN_KINDS or kind == VILLAGERS_MEETING else "roster"


# --- planning ------------------------------------------------------------------------------------


def _validate_meeting(session: Session, *, kind: str, title: str, starts_at: dt.datetime | None, scope: str,
                      group_id: str | None, grid_id: str | None, attendance_mode: str, expected_unit: str) -> None:
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of meeting.")
    if not title.strip():
        errors["title"] = _("Enter a title.")
    elif len(title.strip()) > 128:
        errors["title"] = _("A title has at most {n} characters.").format(n=128)
    if starts_at is None:
        errors["starts_at"] = _("Enter the date and time of the meeting.")
    elif starts_at.tzinfo is None:
        errors["starts_at"] = _("The meeting time needs a time zone.")
    if scope not in SCOPES:
        errors["scope"] = _("Choose the whole village, a group or a grid.")
    elif scope == "group" and (not group_id or session.get(VillageGroup, group_id) is None):
        errors["group_id"] = _("Choose the villagers' group.")
    elif scope == "grid" and (not grid_id or session.get(Grid, grid_id) is None):
        errors["grid_id"] = _("Choose the grid.")
    if attendance_mode not in MODES:
        errors["attendance_mode"] = _("Choose how attendance is taken.")
    if expected_unit not in UNITS:
        errors["expected_unit"] = _("Count those who should attend in persons or in households.")
    elif expected_unit == "households" and kind in MEMBERSHIP_KINDS:
        errors["expected_unit"] = _("Members of this body attend in person, not by household.")
    if errors:
        raise ValidationError(errors)


def plan_meeting(*, session: Session, actor: Actor, kind: str, title: str, starts_at: dt.datetime,
                 place: str = "", scope: str = "village", group_id: str | None = None, grid_id: str | None = None,
                 host_name: str = "", recorder_name: str = "", description: str = "",
                 attendance_mode: str | None = None, expected_unit: str | None = None,
                 guests: Sequence[str] = ()) -> Meeting:
    """Call a meeting (会议通知). Roster meetings get one sign-in line per person who should attend."""
    require(actor, "meetings.edit")
    attendance_mode = attendance_mode or default_mode(kind)
    expected_unit = expected_unit or default_unit(kind)
    _validate_meeting(session, kind=kind, title=title, starts_at=starts_at, scope=scope, group_id=group_id,
                      grid_id=grid_id, attendance_mode=attendance_mode, expected_unit=expected_unit)
    if kind in MEMBERSHIP_KINDS:
        scope, group_id, grid_id = "village", None, None
    meeting = Meeting(kind=kind, title=title.strip(), starts_at=starts_at, place=place.strip(), scope=scope,
                      group_id=group_id if scope == "group" else None, grid_id=grid_id if scope == "grid" else None,
                      host_name=host_name.strip(), recorder_name=recorder_name.strip(),
                      description=description.strip(), attendance_mode=attendance_mode, expected_unit=expected_unit)
    session.add(meeting)
    session.flush()
    refresh_expected(session, meeting)
    for guest in guests:
        if guest.strip():
            invite_guest(session=session, actor=actor, meeting_id=meeting.id, name=guest)
    return meeting


def refresh_expected(session: Session, meeting: Meeting) -> int:
    """Recompute 应到 from kind and scope (and, for rosters, add sign-in lines for newcomers)."""
    if meeting.state not in (PLANNED,):
        raise StateError(_("应到 is fixed once the meeting has been held."))
    on = meeting.starts_at.date()
    kwargs = dict(kind=meeting.kind, scope=meeting.scope, group_id=meeting.group_id, grid_id=meeting.grid_id,
                  expected_unit=meeting.expected_unit, on=on)
    if meeting.attendance_mode == "head_count":
        meeting.expected_count = expected_count(session, **kwargs)
    else:
        invitees = expected_invitees(session, **kwargs)
        existing = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id, _live(Attendance),
                                                         Attendance.expected.is_(True))).all()
        key = (lambda r: r.resident_id or r.household_id)
        have = {key(row): row for row in existing}
        wanted = {inv.resident_id or inv.household_id for inv in invitees}
        for row in existing:  # no longer in scope (moved out, left the party branch …)
            if key(row) not in wanted and not row.present:
                row.expected = False
                row.note = row.note or _("not expected")
        position = len(existing)
        for inv in invitees:
            if (inv.resident_id or inv.household_id) not in have:
                position += 1
                session.add(Attendance(meeting_id=meeting.id, resident_id=inv.resident_id,
                                       household_id=inv.household_id, name=inv.name, position=position))
        meeting.expected_count = len(invitees)
    session.add(meeting)
    session.flush()
    return meeting.expected_count


def update_meeting(*, session: Session, actor: Actor, meeting_id: str, **changes: Any) -> Meeting:
    """Change a planned meeting's notice details (title, time, place, host, recorder, description)."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state != PLANNED:
        raise StateError(_("Only a planned meeting can be changed; this one is {state}.").format(
            state=state_label(meeting.state)))
    allowed = {"title", "starts_at", "place", "host_name", "recorder_name", "description"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This cannot be changed here.") for name in sorted(unknown)})
    values = {name: getattr(meeting, name) for name in allowed} | changes
    _validate_meeting(session, kind=meeting.kind, title=values["title"], starts_at=values["starts_at"],
                      scope=meeting.scope, group_id=meeting.group_id, grid_id=meeting.grid_id,
                      attendance_mode=meeting.attendance_mode, expected_unit=meeting.expected_unit)
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    session.add(meeting)
    session.flush()
    if "starts_at" in changes and meeting.kind not in MEMBERSHIP_KINDS:
        refresh_expected(session, meeting)  # age 18+ is counted on the meeting day
    return meeting


def cancel_meeting(*, session: Session, actor: Actor, meeting_id: str, reason: str) -> Meeting:
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state != PLANNED:
        raise StateError(_("Only a planned meeting can be cancelled; this one is {state}.").format(
            state=state_label(meeting.state)))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    meeting.state = CANCELLED
    meeting.cancel_reason = reason.strip()
    session.add(meeting)
    session.flush()
    return meeting


# --- sign-in -------------------------------------------------------------------------------------


def _require_sign_in_open(meeting: Meeting) -> None:
    if meeting.state not in (PLANNED, HELD):
        raise StateError(_("Sign-in is closed: the meeting is {state}.").format(state=state_label(meeting.state)))


def invite_guest(*, session: Session, actor: Actor, meeting_id: str, name: str,
                 resident_id: str | None = None) -> Attendance:
    """列席: someone who attends without counting in 应到 (驻村干部, 乡镇干部, a villager concerned)."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    _require_sign_in_open(meeting)
    if not name.strip():
        raise ValidationError({"name": _("Enter the guest's name.")})
    position = session.exec(select(func.count()).select_from(Attendance)
                            .where(Attendance.meeting_id == meeting_id)).one() + 1
    row = Attendance(meeting_id=meeting_id, resident_id=resident_id, name=name.strip()[:64], expected=False,
                     position=position)
    session.add(row)
    session.flush()
    return row


def attendance(*, session: Session, actor: Actor, meeting_id: str) -> list[Attendance]:
    require(actor, "meetings.view")
    return list(session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id, _live(Attendance))
                             .order_by(Attendance.expected.desc(), Attendance.position)))


def sign_in(*, session: Session, actor: Actor, meeting_id: str, attendance_ids: Sequence[str],
            present: bool = True, note: str | None = None) -> int:
    """Mark people present (or not, with a note such as 请假). Returns the new 实到."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    _require_sign_in_open(meeting)
    if meeting.attendance_mode != "roster":
        raise StateError(_("This meeting counts heads; enter the head count instead."))
    rows = session.exec(select(Attendance).where(Attendance.id.in_(list(attendance_ids)),
                                                 Attendance.meeting_id == meeting_id)).all()
    if len(rows) != len(set(attendance_ids)):
        raise NotFound(_("Someone chosen is not on this meeting's sign-in list."))
    now = utcnow()
    for row in rows:
        row.present = present
        row.signed_in_at = now if present else None
        if note is not None:
            row.note = note.strip()[:64]
        session.add(row)
    session.flush()
    return summary(session, meeting).present


def set_head_count(*, session: Session, actor: Actor, meeting_id: str, count: int) -> Meeting:
    """实到 of an open meeting, counted by head."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    _require_sign_in_open(meeting)
    if meeting.attendance_mode != "head_count":
        raise StateError(_("This meeting signs in each person; mark them on the list instead."))
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValidationError({"count": _("Enter a whole number, zero or more.")})
    if meeting.kind not in OPEN_KINDS and count > meeting.expected_count:
        raise ValidationError({"count": _("{present} present is more than the {expected} who should attend.").format(
            present=count, expected=meeting.expected_count)})
    meeting.head_count = count
    session.add(meeting)
    session.flush()
    return meeting


@dataclasses.dataclass(frozen=True)
class AttendanceSummary:
    """应到 / 实到 / 出席率 of one meeting."""

    expected: int
    present: int
    guests: int
    unit: str
    mode: str

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None

    @property
    def absent(self) -> int:
        return max(self.expected - self.present, 0)


def summary(session: Session, meeting: Meeting) -> AttendanceSummary:
    if meeting.attendance_mode == "head_count":
        return AttendanceSummary(expected=meeting.expected_count, present=meeting.head_count or 0, guests=0,
                                 unit=meeting.expected_unit, mode=meeting.attendance_mode)
    counts = dict(session.exec(
        select(Attendance.expected, func.count())
        .where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True), _live(Attendance))
        .group_by(Attendance.expected)).all())
    return AttendanceSummary(expected=meeting.expected_count, present=counts.get(True, 0),
                             guests=counts.get(False, 0), unit=meeting.expected_unit, mode=meeting.attendance_mode)


def attendance_summary(*, session: Session, actor: Actor, meeting_id: str) -> AttendanceSummary:
    require(actor, "meetings.view")
    return summary(session, get_meeting(session, meeting_id))


# --- holding -------------------------------------------------------------------------------------


def mark_held(*, session: Session, actor: Actor, meeting_id: str, held_on: dt.date | None = None) -> Meeting:
    """The meeting took place: 应到 is frozen from now on."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state != PLANNED:
        raise StateError(_("Only a planned meeting can be marked as held; this one is {state}.").format(
            state=state_label(meeting.state)))
    meeting.held_on = held_on or meeting.starts_at.astimezone(local_now().tzinfo).date()
    meeting.state = HELD
    session.add(meeting)
    session.flush()
    return meeting


# --- agenda and votes ----------------------------------------------------------------------------


def add_agenda_item(*, session: Session, actor: Actor, meeting_id: str, title: str, description: str = "",
                    proposer_name: str = "", matter_id: str | None = None) -> AgendaItem:
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state not in (PLANNED, HELD):
        raise StateError(_("The agenda is closed: the meeting is {state}.").format(state=state_label(meeting.state)))
    if not title.strip():
        raise ValidationError({"title": _("Enter the agenda item.")})
    position = session.exec(select(func.count()).select_from(AgendaItem)
                            .where(AgendaItem.meeting_id == meeting_id, _live(AgendaItem))).one() + 1
    item = AgendaItem(meeting_id=meeting_id, position=position, title=title.strip()[:128],
                      description=description.strip(), proposer_name=proposer_name.strip()[:64], matter_id=matter_id)
    session.add(item)
    session.flush()
    return item


def agenda(*, session: Session, actor: Actor, meeting_id: str) -> list[AgendaItem]:
    require(actor, "meetings.view")
    return list(session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, _live(AgendaItem))
                             .order_by(AgendaItem.position)))


def record_decision(*, session: Session, actor: Actor, agenda_item_id: str, decision: str) -> AgendaItem:
    """What the meeting decided on an item, in words (goes into the minutes)."""
    require(actor, "meetings.edit")
    item = session.get(AgendaItem, agenda_item_id)
    if item is None or item.deleted_at is not None:
        raise NotFound(_("No such agenda item."))
    meeting = get_meeting(session, item.meeting_id)
    if meeting.state != HELD:
        raise StateError(_("Decisions are recorded while the meeting is held and its minutes are not yet approved."))
    item.decision = decision.strip()
    session.add(item)
    session.flush()
    return item


def rule_of(session: Session, meeting: Meeting) -> rules.Rule:
    return rules.rule_for(session, KIND_RULE[meeting.kind])


@dataclasses.dataclass(frozen=True)
class BallotInput:
    """One named voter's ballot: a signed-in person (``attendance_id``) or, at a meeting counted by
    head, a name as written on the ballot."""

    choice: str
    attendance_id: str | None = None
    name: str = ""


def _check_ballots(session: Session, meeting: Meeting, ballots: Sequence[BallotInput],
                   errors: dict[str, str]) -> list[Ballot]:
    """The ballots as rows (not yet added), or the reasons they are refused in ``errors``."""
    if not ballots:
        errors["ballots"] = _("A roll-call vote records each voter's ballot by name.")
        return []
    lines = {a.id: a for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                                    _live(Attendance)))}
    rows: list[Ballot] = []
    seen: set[str] = set()
    for position, ballot in enumerate(ballots, start=1):
        if ballot.choice not in CHOICES:
            errors["ballots"] = _("A ballot is for, against or abstaining.")
            break
        if ballot.attendance_id:
            line = lines.get(ballot.attendance_id)
            if line is None:
                errors["ballots"] = _("A voter is not on this meeting's sign-in list.")
                break
            if not line.present:
                errors["ballots"] = _("{name} has not signed in and cannot vote.").format(name=line.name)
                break
            key, name, resident_id = line.id, line.name, line.resident_id
        else:
            if meeting.attendance_mode == "roster":
                errors["ballots"] = _("At a meeting with a sign-in list, each voter is chosen from those signed in.")
                break
            name, resident_id = ballot.name.strip()[:64], None
            if not name:
                errors["ballots"] = _("Each ballot needs the voter's name.")
                break
            key = "name:" + name
        if key in seen:
            errors["ballots"] = _("{name} has voted twice.").format(name=name)
            break
        seen.add(key)
        rows.append(Ballot(vote_id="", attendance_id=ballot.attendance_id or None, resident_id=resident_id,
                           name=name, choice=ballot.choice, position=position))
    return rows


def record_vote(*, session: Session, actor: Actor, agenda_item_id: str, method: str, in_favour: int | None = None,
                against: int | None = None, abstain: int | None = None, present: int | None = None,
                scrutineer: str = "", teller: str = "", ballots: Sequence[BallotInput] | None = None) -> Vote:
    """表决: record the counts of one vote; the rule in force judges it. Impossible counts are refused.

    ``present`` defaults to the meeting's 实到; give it when some left before the vote. A roll-call
    (记名) vote stores each voter's ballot and derives the counts from them; counts given as well
    must agree. Other methods take counts only: no names are kept for a secret ballot.
    """
    require(actor, "meetings.edit")
    item = session.get(AgendaItem, agenda_item_id)
    if item is None or item.deleted_at is not None:
        raise NotFound(_("No such agenda item."))
    meeting = get_meeting(session, item.meeting_id)
    if meeting.state != HELD:
        raise StateError(_("Votes are recorded at a held meeting whose minutes are not yet approved; this one is {state}.")
                         .format(state=state_label(meeting.state)))
    errors: dict[str, str] = {}
    if method not in METHODS:
        errors["method"] = _("Choose how the vote was taken.")
    if method == "secret_ballot":
        if not scrutineer.strip():
            errors["scrutineer"] = _("A secret ballot needs a scrutineer (监票人).")
        if not teller.strip():
            errors["teller"] = _("A secret ballot needs a teller (计票人).")
    ballot_rows: list[Ballot] = []
    if method == ROLL_CALL:
        ballot_rows = _check_ballots(session, meeting, ballots or [], errors)
        derived = {name: sum(1 for b in ballot_rows if b.choice == code)
                   for name, code in (("in_favour", FOR), ("against", AGAINST), ("abstain", ABSTAIN))}
        given = {"in_favour": in_favour, "against": against, "abstain": abstain}
        for name, value in given.items():
            if value is not None and ballot_rows and value != derived[name]:
                errors[name] = _("The counts must agree with the named ballots ({n}).").format(n=derived[name])
        in_favour, against, abstain = derived["in_favour"], derived["against"], derived["abstain"]
    elif ballots:
        errors["ballots"] = _("Ballots are kept by name only in a roll-call vote.")
    elif in_favour is None:
        errors["in_favour"] = _("Enter the votes for.")
    att = summary(session, meeting)
    if present is None:
        present = att.present
    elif isinstance(present, int) and not isinstance(present, bool) and present > att.present:
        errors["present"] = _("{present} at the vote is more than the {actual} signed in.").format(
            present=present, actual=att.present)
    if errors:
        raise ValidationError(errors)
    against = 0 if against is None else against
    abstain = 0 if abstain is None else abstain
    rule = rule_of(session, meeting)
    outcome = rules.evaluate(rule, expected=att.expected, present=present, in_favour=in_favour, against=against,
                             abstain=abstain, expected_unit=att.unit, guests_allowed=meeting.kind in OPEN_KINDS)
    vote = Vote(meeting_id=meeting.id, agenda_item_id=item.id, method=method, expected=att.expected,
                present=present, in_favour=in_favour, against=against, abstain=abstain,
                scrutineer=scrutineer.strip()[:64], teller=teller.strip()[:64], rule_code=rule.code,
                approval_base=rule.approval_base, quorum_met=outcome.quorum_met, passed=outcome.passed,
                voted_at=utcnow())
    session.add(vote)
    session.flush()  # the ballots reference the vote
    for row in ballot_rows:
        row.vote_id = vote.id
        session.add(row)
    if ballot_rows:
        session.flush()
    return vote


def ballots_of(session: Session, vote_ids: Sequence[str]) -> dict[str, list[Ballot]]:
    """The named ballots of roll-call votes, by vote id, in the order they were recorded."""
    if not vote_ids:
        return {}
    found: dict[str, list[Ballot]] = {}
    for ballot in session.exec(select(Ballot).where(Ballot.vote_id.in_(list(vote_ids)), _live(Ballot))
                               .order_by(Ballot.vote_id, Ballot.position)):
        found.setdefault(ballot.vote_id, []).append(ballot)
    return found


def vote_outcome(session: Session, vote: Vote) -> rules.Outcome:
    """The outcome of a recorded vote, judged again under the rule stored with it (for its reason)."""
    meeting = session.get(Meeting, vote.meeting_id)
    rule = dataclasses.replace(rules.DEFAULT_RULES[vote.rule_code], approval_base=vote.approval_base)
    return rules.evaluate(rule, expected=vote.expected, present=vote.present, in_favour=vote.in_favour,
                          against=vote.against, abstain=vote.abstain,
                          expected_unit=meeting.expected_unit if meeting else "persons", guests_allowed=True)


def votes(*, session: Session, actor: Actor, meeting_id: str) -> list[Vote]:
    require(actor, "meetings.view")
    return list(session.exec(select(Vote).where(Vote.meeting_id == meeting_id, _live(Vote)).order_by(Vote.voted_at)))


# --- minutes -------------------------------------------------------------------------------------


def minutes_of(session: Session, meeting_id: str) -> Minutes | None:
    return session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id, _live(Minutes))).first()


def save_minutes(*, session: Session, actor: Actor, meeting_id: str, body: str) -> Minutes:
    """Write or rewrite the draft minutes of a held meeting. Approved minutes stay locked."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    minutes = minutes_of(session, meeting_id)
    if minutes is not None and minutes.state == "approved":
        raise StateError(_("The minutes are approved and locked; add an addendum instead."))
    if meeting.state != HELD:
        raise StateError(_("Minutes are written after the meeting is held; this one is {state}.").format(
            state=state_label(meeting.state)))
    if minutes is None:
        minutes = Minutes(meeting_id=meeting_id)
    minutes.body = body.strip()
    session.add(minutes)
    session.flush()
    return minutes


def approve_minutes(*, session: Session, actor: Actor, meeting_id: str) -> Minutes:
    """Approve (and lock) the minutes; the meeting moves to minutes approved."""
    require(actor, "minutes.approve")
    meeting = get_meeting(session, meeting_id)
    minutes = minutes_of(session, meeting_id)
    if minutes is not None and minutes.state == "approved":
        raise StateError(_("The minutes are already approved."))
    if meeting.state != HELD:
        raise StateError(_("Minutes are approved after the meeting is held; this one is {state}.").format(
            state=state_label(meeting.state)))
    if minutes is None or not minutes.body:
        raise StateError(_("Write the minutes before approving them."))
    minutes.state = "approved"
    minutes.approved_by = actor.display_name or actor.username
    minutes.approved_at = utcnow()
    meeting.state = MINUTES_APPROVED
    session.add_all([minutes, meeting])
    session.flush()
    return minutes


def add_addendum(*, session: Session, actor: Actor, meeting_id: str, body: str) -> MinutesAddendum:
    """补充记录: a correction to approved minutes, kept beside the locked text."""
    require(actor, "meetings.edit")
    minutes = minutes_of(session, meeting_id)
    if minutes is None or minutes.state != "approved":
        raise StateError(_("An addendum is added to approved minutes; edit the draft instead."))
    if not body.strip():
        raise ValidationError({"body": _("Write the addendum.")})
    addendum = MinutesAddendum(minutes_id=minutes.id, body=body.strip(), added_at=utcnow(),
                               author=actor.display_name or actor.username)
    session.add(addendum)
    session.flush()
    return addendum


def addenda(session: Session, minutes_id: str) -> list[MinutesAddendum]:
    return list(session.exec(select(MinutesAddendum).where(MinutesAddendum.minutes_id == minutes_id,
                                                           _live(MinutesAddendum)).order_by(MinutesAddendum.added_at)))


def publish_meeting(*, session: Session, actor: Actor, meeting_id: str, published_on: dt.date | None = None) -> Meeting:
    """公开: the approved results go on the board."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state != MINUTES_APPROVED:
        raise StateError(_("A meeting is published after its minutes are approved; this one is {state}.").format(
            state=state_label(meeting.state)))
    meeting.published_on = published_on or local_now().date()
    meeting.state = PUBLISHED
    session.add(meeting)
    session.flush()
    return meeting


# --- a whole meeting, for views and printing -----------------------------------------------------------


@dataclasses.dataclass
class MeetingRecord:
    """Everything about one meeting, loaded at once for its view and its printed minutes."""

    meeting: Meeting
    attendance: AttendanceSummary
    agenda: list[AgendaItem]
    votes: dict[str, list[tuple[Vote, rules.Outcome]]]  # by agenda item id
    minutes: Minutes | None
    addenda: list[MinutesAddendum]
    concerns: list[Concern]
    ballots: dict[str, list[Ballot]] = dataclasses.field(default_factory=dict)  # by vote id (roll calls)


def meeting_record(*, session: Session, actor: Actor, meeting_id: str) -> MeetingRecord:
    require(actor, "meetings.view")
    meeting = get_meeting(session, meeting_id)
    items = agenda(session=session, actor=actor, meeting_id=meeting_id)
    by_item: dict[str, list[tuple[Vote, rules.Outcome]]] = {item.id: [] for item in items}
    all_votes = votes(session=session, actor=actor, meeting_id=meeting_id)
    for vote in all_votes:
        by_item.setdefault(vote.agenda_item_id, []).append((vote, vote_outcome(session, vote)))
    minutes = minutes_of(session, meeting_id)
    concerns = list(session.exec(select(Concern).where(Concern.meeting_id == meeting_id, _live(Concern))
                                 .order_by(Concern.number)))
    return MeetingRecord(meeting=meeting, attendance=summary(session, meeting), agenda=items, votes=by_item,
                         minutes=minutes, addenda=addenda(session, minutes.id) if minutes else [], concerns=concerns,
                         ballots=ballots_of(session, [v.id for v in all_votes if v.method == ROLL_CALL]))


# --- statistics ----------------------------------------------------------------------------------


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    """Meetings by kind and state, with the average attendance rate of held meetings."""
    require_any(actor, "meetings.view", "stats.view")  # counts only: the township may read them
    held_states = (HELD, MINUTES_APPROVED, PUBLISHED)
    rows = session.exec(
        select(Meeting.kind, func.count(),
               func.sum(case((Meeting.state.in_(held_states), 1), else_=0)),
               func.sum(case((Meeting.state == CANCELLED, 1), else_=0)))
        .where(_live(Meeting)).group_by(Meeting.kind)).all()
    by_kind = {kind: {"total": total, "held": int(held or 0), "cancelled": int(cancelled or 0)}
               for kind, total, held, cancelled in rows}
    head = session.exec(
        select(func.sum(Meeting.head_count), func.sum(Meeting.expected_count))
        .where(_live(Meeting), Meeting.state.in_(held_states), Meeting.attendance_mode == "head_count",
               Meeting.kind.not_in(list(OPEN_KINDS)), Meeting.expected_count > 0)).one()
    roster_present = session.exec(
        select(func.count()).select_from(Attendance).join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(and_(_live(Meeting), Meeting.state.in_(held_states), Meeting.attendance_mode == "roster",
                    Attendance.present.is_(True), Attendance.expected.is_(True), _live(Attendance)))).one()
    roster_expected = session.exec(
        select(func.sum(Meeting.expected_count))
        .where(_live(Meeting), Meeting.state.in_(held_states), Meeting.attendance_mode == "roster")).one() or 0
    present = (head[0] or 0) + roster_present
    expected = (head[1] or 0) + roster_expected
    from app import deliberation  # imports this module; deferred to keep the import graph acyclic

    return {
        "meetings": sum(v["total"] for v in by_kind.values()),
        "held": sum(v["held"] for v in by_kind.values()),
        "by_kind": {kind: by_kind.get(kind, {"total": 0, "held": 0, "cancelled": 0}) for kind in KINDS},
        "attendance_rate": round(present / expected, 4) if expected else None,
        "deliberation_matters": deliberation.stats(session=session, actor=actor),
    }
