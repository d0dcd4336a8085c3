"""Meetings (会议): notice → sign-in (应到/实到) → agenda and votes → minutes → publication.

States move planned → held → minutes_approved → published, or planned → cancelled; never skipping.
应到 is derived from the meeting's kind and scope (all party members for 党员大会, the
representatives for 村民代表会议, villagers aged 18+ or households for 村民会议, the households of a
grid for a 坝坝会 …) and frozen when the meeting is held. Votes are judged by :mod:`app.rules`.

Every public function takes ``session`` and ``actor``, checks a permission and hands out views
(:mod:`app.views`), never rows; :func:`allowed_actions` says what a user may do to a meeting now,
and why not. Reads other modules need without an actor are in :mod:`app.meetings.queries`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case
from sqlmodel import Session, func, select

from app import rules
from app.auth import Actor, require, require_any
from app.errors import NotFound, StateError, ValidationError
from app.i18n import _, ngettext, official_date
from app.search import filter_keyed_rows, stored_key
from app.meetings.codes import (ABSTAIN, AGAINST, CANCELLED, CHOICES, COMMITTEES, FOR, HELD, KINDS,
                                MEMBERSHIP_KINDS, METHODS, MINUTES_APPROVED, MODES, OPEN_KINDS, PLANNED, PUBLISHED,
                                ROLL_CALL, SCOPES, UNITS, VILLAGERS_MEETING, COMMITTEES_KEY, count_label, method_label,
                                state_label)
from app.meetings.queries import (AttendanceSummary, addenda, ballots_of, concern_refusal, get_meeting,
                                  minutes_of, permission_refusal, refresh_expected, rule_of, summary, vote_outcome)
from app.revisions import check_rev
from app.text import clean_dates, clean_many
from app.views import view, view_class
from db.base import local_now, utcnow
from db.models.accounts import Setting
from db.models.concerns import Concern
from db.models.meetings import AgendaItem, Attendance, Ballot, Meeting, Minutes, MinutesAddendum, Vote
from db.models.people import Grid, Resident, VillageGroup

MeetingView = view_class(Meeting, "MeetingView")
AttendanceView = view_class(Attendance, "AttendanceView")
AgendaItemView = view_class(AgendaItem, "AgendaItemView")
VoteView = view_class(Vote, "VoteView")
BallotView = view_class(Ballot, "BallotView")
MinutesView = view_class(Minutes, "MinutesView")
AddendumView = view_class(MinutesAddendum, "MinutesAddendumView")
ConcernView = view_class(Concern, "ConcernView")


# --- looking things up --------------------------------------------------------------------------


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants that begin local day ``first`` and end local day ``last``."""
    zone = local_now().tzinfo
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def _filtered(query: Any, *, kind: str | None, state: str | None) -> Any:
    if kind:
        query = query.where(Meeting.kind == kind)
    if state:
        query = query.where(Meeting.state == state)
    return query


def _searched(session: Session, query: Any, search: str) -> Any:
    """``query`` narrowed to the meetings whose title, place or host ``search`` finds (app.search rule)."""
    if not search.strip():
        return query
    rows = session.exec(select(Meeting.id, Meeting.title, Meeting.place, Meeting.host_name, Meeting.search_key)).all()
    return query.where(Meeting.id.in_(filter_keyed_rows(rows, search, texts=(1, 2), names=(3,), key=4)))


def meeting(*, session: Session, actor: Actor, meeting_id: str) -> MeetingView:
    """One meeting as it is now."""
    require(actor, "meetings.view")
    return view(MeetingView, get_meeting(session, meeting_id))


def meeting_ids(*, session: Session, actor: Actor, kind: str | None = None, state: str | None = None,
                search: str = "", on: dt.date | None = None) -> list[str]:
    """Ids of meetings, newest first, for lazy list models (only those of local day ``on``, when given)."""
    require(actor, "meetings.view")
    query = _searched(session, _filtered(select(Meeting.id), kind=kind, state=state), search)
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
                      kind=kind, state=state)
    query = _searched(session, query, search)
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


@dataclasses.dataclass(frozen=True)
class MeetingChoice:
    """A held meeting as a picker lists it (the meeting that decided, voted or was attended)."""

    id: str
    title: str
    kind: str
    held_on: dt.date

    @property
    def label(self) -> str:
        return f"{self.held_on.isoformat()}　{self.title}"


def held_meeting_choices(*, session: Session, actor: Actor, query: str = "", kind: str | None = None,
                         limit: int = 20) -> list[MeetingChoice]:
    """Held meetings (minutes approved or published too), newest first, that ``query`` finds by
    title, place or host, or by a date typed as ``2026-11`` / ``2026-11-05``; all of them are
    reachable by searching, however many there are."""
    require(actor, "meetings.view")
    held = (HELD, MINUTES_APPROVED, PUBLISHED)
    select_ = select(Meeting.id, Meeting.title, Meeting.kind, Meeting.starts_at).where(Meeting.state.in_(held))
    if kind:
        select_ = select_.where(Meeting.kind == kind)
    text = query.strip()
    if text and all(c.isdigit() or c == "-" for c in text) and len(text) >= 4:
        rows = session.exec(select_.order_by(Meeting.starts_at.desc(), Meeting.id)).all()
        found = [r for r in rows if _local_day(r[3]).isoformat().startswith(text)][:limit]
    else:
        found = session.exec(_searched(session, select_, text).order_by(Meeting.starts_at.desc(), Meeting.id)
                             .limit(limit)).all()
    return [MeetingChoice(id=i, title=t, kind=k, held_on=_local_day(s)) for i, t, k, s in found]


def _local_day(instant: dt.datetime) -> dt.date:
    if instant.tzinfo is None:  # SQLite hands back naive UTC
        instant = instant.replace(tzinfo=dt.timezone.utc)
    return instant.astimezone(local_now().tzinfo).date()


def _roster_present_counts(session: Session, meeting_ids_: list[str]) -> dict[str, int]:
    if not meeting_ids_:
        return {}
    query = (select(Attendance.meeting_id, func.count())
             .where(Attendance.meeting_id.in_(meeting_ids_), Attendance.present.is_(True),
                    Attendance.expected.is_(True))
             .group_by(Attendance.meeting_id))
    return dict(session.exec(query).all())


# --- 应到: who should attend ------------------------------------------------------------------------


def set_committee_members(*, session: Session, actor: Actor, committee: str, resident_ids: Sequence[str]) -> list[str]:
    """Record who sits on the 支部委员会 or 村民委员会 (应到 of 支委会 and 两委会)."""
    require(actor, "village.edit")
    if committee not in COMMITTEES:
        raise ValidationError({"committee": _("Unknown committee: {name}.").format(name=committee)})
    ids = list(dict.fromkeys(resident_ids))
    found = set(session.exec(select(Resident.id).where(Resident.id.in_(ids))).all()) if ids else set()
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"resident_ids": ngettext("{n} of the chosen people is not in the register.",
                                                          "{n} of the chosen people are not in the register.",
                                                          len(missing)).format(n=len(missing))})
    setting = session.get(Setting, COMMITTEES_KEY) or Setting(key=COMMITTEES_KEY, value={})
    value = dict(setting.value or {})
    value[committee] = ids
    setting.value = value
    session.add(setting)
    session.flush()
    return ids


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
                 guests: Sequence[str] = ()) -> MeetingView:
    """Call a meeting (会议通知). Roster meetings get one sign-in line per person who should attend."""
    require(actor, "meetings.edit")
    title, place, host_name, recorder_name, description = clean_many(
        Meeting, title=title, place=place, host_name=host_name, recorder_name=recorder_name,
        description=description, multiline=("description",))
    clean_dates(starts_at=starts_at)
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
    meeting.search_key = stored_key("meeting", meeting)
    session.add(meeting)
    session.flush()
    refresh_expected(session, meeting)
    for guest in guests:
        if guest.strip():
            invite_guest(session=session, actor=actor, meeting_id=meeting.id, name=guest)
    return view(MeetingView, meeting)


def update_meeting(*, session: Session, actor: Actor, meeting_id: str, rev: int | None = None,
                   **changes: Any) -> MeetingView:
    """Change a planned meeting's notice details (title, time, place, host, recorder, description).
    ``rev``: the meeting's rev when it was read (a newer change is refused); None: no check."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    check_rev(session, meeting, rev)
    if meeting.state != PLANNED:
        raise StateError(_("Only a planned meeting can be changed; this one is {state}.").format(
            state=state_label(meeting.state)))
    allowed = {"title", "starts_at", "place", "host_name", "recorder_name", "description"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This cannot be changed here.") for name in sorted(unknown)})
    changes = dict(zip(changes, clean_many(Meeting, multiline=("description",), **changes), strict=True))
    clean_dates(starts_at=changes.get("starts_at"))
    values = {name: getattr(meeting, name) for name in allowed} | changes
    _validate_meeting(session, kind=meeting.kind, title=values["title"], starts_at=values["starts_at"],
                      scope=meeting.scope, group_id=meeting.group_id, grid_id=meeting.grid_id,
                      attendance_mode=meeting.attendance_mode, expected_unit=meeting.expected_unit)
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.search_key = stored_key("meeting", meeting)
    session.add(meeting)
    session.flush()
    if "starts_at" in changes and meeting.kind not in MEMBERSHIP_KINDS:
        refresh_expected(session, meeting)  # age 18+ is counted on the meeting day
    return view(MeetingView, meeting)


def cancel_meeting(*, session: Session, actor: Actor, meeting_id: str, reason: str) -> MeetingView:
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state != PLANNED:
        raise StateError(_("Only a planned meeting can be cancelled; this one is {state}.").format(
            state=state_label(meeting.state)))
    (reason,) = clean_many(Meeting, cancel_reason=reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    meeting.state = CANCELLED
    meeting.cancel_reason = reason.strip()
    session.add(meeting)
    session.flush()
    return view(MeetingView, meeting)


# --- sign-in -------------------------------------------------------------------------------------


def _require_sign_in_open(meeting: Meeting) -> None:
    if meeting.state not in (PLANNED, HELD):
        raise StateError(_("Sign-in is closed: the meeting is {state}.").format(state=state_label(meeting.state)))


def invite_guest(*, session: Session, actor: Actor, meeting_id: str, name: str,
                 resident_id: str | None = None) -> AttendanceView:
    """列席: someone who attends without counting in 应到 (驻村干部, 乡镇干部, a villager concerned)."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    _require_sign_in_open(meeting)
    (name,) = clean_many(Attendance, name=name)
    if not name:
        raise ValidationError({"name": _("Enter the guest's name.")})
    position = session.exec(select(func.count()).select_from(Attendance)
                            .where(Attendance.meeting_id == meeting_id)).one() + 1
    # a head-count meeting signs no one in by name: a guest recorded there is one who came
    row = Attendance(meeting_id=meeting_id, resident_id=resident_id, name=name.strip()[:64], expected=False,
                     position=position, present=meeting.attendance_mode == "head_count")
    session.add(row)
    session.flush()
    return view(AttendanceView, row)


def attendance(*, session: Session, actor: Actor, meeting_id: str) -> list[AttendanceView]:
    require(actor, "meetings.view")
    return [view(AttendanceView, row) for row in session.exec(
        select(Attendance).where(Attendance.meeting_id == meeting_id)
        .order_by(Attendance.expected.desc(), Attendance.position))]


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


def set_head_count(*, session: Session, actor: Actor, meeting_id: str, count: int) -> MeetingView:
    """实到 of an open meeting, counted by head."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    _require_sign_in_open(meeting)
    if meeting.attendance_mode != "head_count":
        raise StateError(_("This meeting signs in each person; mark them on the list instead."))
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValidationError({"count": _("Enter a whole number, zero or more.")})
    if count > meeting.expected_count:
        # 实到 counts against 应到 only; others who came (驻村干部, family members …) are 列席 guests
        raise ValidationError({"count": _("{present} present is more than the {expected} who should attend; "
                                          "record the others as guests (列席).").format(
            present=count, expected=meeting.expected_count)})
    meeting.head_count = count
    session.add(meeting)
    session.flush()
    return view(MeetingView, meeting)


def attendance_summary(*, session: Session, actor: Actor, meeting_id: str) -> AttendanceSummary:
    require(actor, "meetings.view")
    return summary(session, get_meeting(session, meeting_id))


# --- holding -------------------------------------------------------------------------------------


def _local_start(meeting: Meeting) -> dt.datetime:
    starts_at = meeting.starts_at
    if starts_at.tzinfo is None:  # SQLite hands back naive UTC
        starts_at = starts_at.replace(tzinfo=dt.timezone.utc)
    return starts_at.astimezone(local_now().tzinfo)


def _held_on_error(meeting: Meeting, held_on: dt.date) -> str | None:
    """Why ``held_on`` cannot be the day ``meeting`` was held (None when it can)."""
    start = _local_start(meeting)
    now = local_now()
    if held_on > now.date():
        return _("The meeting cannot be marked as held on a day still to come ({date}).").format(
            date=held_on.isoformat())
    if held_on < start.date():
        return _("The meeting cannot have been held before it was called for {date}.").format(
            date=start.date().isoformat())
    if start > now:
        return _("The meeting starts at {time}; mark it as held once it has begun.").format(
            time=start.strftime("%Y-%m-%d %H:%M"))
    return None


def mark_held(*, session: Session, actor: Actor, meeting_id: str, held_on: dt.date | None = None) -> MeetingView:
    """The meeting took place: 应到 is frozen from now on.

    ``held_on`` (default: the day it was called for) is neither before the meeting's start nor
    after today, and a meeting still to start cannot be marked held (field error ``held_on``).
    """
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state != PLANNED:
        raise StateError(_("Only a planned meeting can be marked as held; this one is {state}.").format(
            state=state_label(meeting.state)))
    clean_dates(held_on=held_on)
    held_on = held_on or _local_start(meeting).date()
    error = _held_on_error(meeting, held_on)
    if error:
        raise ValidationError({"held_on": error})
    meeting.held_on = held_on
    meeting.state = HELD
    session.add(meeting)
    session.flush()
    return view(MeetingView, meeting)


# --- agenda and votes ----------------------------------------------------------------------------


def add_agenda_item(*, session: Session, actor: Actor, meeting_id: str, title: str, description: str = "",
                    proposer_name: str = "", matter_id: str | None = None) -> AgendaItemView:
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state not in (PLANNED, HELD):
        raise StateError(_("The agenda is closed: the meeting is {state}.").format(state=state_label(meeting.state)))
    title, description, proposer_name = clean_many(AgendaItem, title=title, description=description,
                                                   proposer_name=proposer_name, multiline=("description",))
    if not title.strip():
        raise ValidationError({"title": _("Enter the agenda item.")})
    position = session.exec(select(func.count()).select_from(AgendaItem)
                            .where(AgendaItem.meeting_id == meeting_id)).one() + 1
    item = AgendaItem(meeting_id=meeting_id, position=position, title=title.strip()[:128],
                      description=description.strip(), proposer_name=proposer_name.strip()[:64], matter_id=matter_id)
    session.add(item)
    session.flush()
    return view(AgendaItemView, item)


def agenda(*, session: Session, actor: Actor, meeting_id: str) -> list[AgendaItemView]:
    require(actor, "meetings.view")
    return [view(AgendaItemView, item) for item in session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position))]


def record_decision(*, session: Session, actor: Actor, agenda_item_id: str, decision: str) -> AgendaItemView:
    """What the meeting decided on an item, in words (goes into the minutes)."""
    require(actor, "meetings.edit")
    item = session.get(AgendaItem, agenda_item_id)
    if item is None or item.deleted_at is not None:
        raise NotFound(_("No such agenda item."))
    meeting = get_meeting(session, item.meeting_id)
    if meeting.state != HELD:
        raise StateError(_("Decisions are recorded while the meeting is held and its minutes are not yet approved."))
    (item.decision,) = clean_many(AgendaItem, decision=decision, multiline=("decision",))
    session.add(item)
    session.flush()
    return view(AgendaItemView, item)


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
    lines = {a.id: a for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))}
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
            if not line.expected:
                # 列席: a guest attends without counting in 应到, so a ballot of theirs would be judged
                # against a base that does not include them. Refused (not silently dropped) so that
                # the clerk sees the ballot sheet was wrong and the counts never change behind them.
                errors["ballots"] = _("{name} attends as a guest (列席) and has no vote.").format(name=line.name)
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
                scrutineer: str = "", teller: str = "", ballots: Sequence[BallotInput] | None = None) -> VoteView:
    """表决: record the counts of one vote; the rule in force judges it. Impossible counts are refused.

    ``present`` defaults to the meeting's 实到; give it when some left before the vote. A roll-call
    (记名) vote stores each voter's ballot and derives the counts from them; counts given as well
    must agree. Other methods take counts only: no names are kept for a secret ballot.
    """
    require(actor, "meetings.edit")
    scrutineer, teller = clean_many(Vote, scrutineer=scrutineer, teller=teller)
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
    return view(VoteView, vote)


def votes(*, session: Session, actor: Actor, meeting_id: str) -> list[VoteView]:
    require(actor, "meetings.view")
    return [view(VoteView, vote) for vote in session.exec(select(Vote).where(Vote.meeting_id == meeting_id)
                                                          .order_by(Vote.voted_at))]


# --- minutes -------------------------------------------------------------------------------------


def minutes(*, session: Session, actor: Actor, meeting_id: str) -> MinutesView | None:
    """The minutes of a meeting (draft or approved), or None before any are written."""
    require(actor, "meetings.view")
    return view(MinutesView, minutes_of(session, get_meeting(session, meeting_id).id))


def save_minutes(*, session: Session, actor: Actor, meeting_id: str, body: str, rev: int | None = None) -> MinutesView:
    """Write or rewrite the draft minutes of a held meeting. Approved minutes stay locked.

    ``rev``: the minutes' rev when they were read, 0 when there were none yet (minutes written
    since are refused like a newer change); None: no check."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    minutes = minutes_of(session, meeting_id)
    check_rev(session, minutes, rev)
    if minutes is not None and minutes.state == "approved":
        raise StateError(_("The minutes are approved and locked; add an addendum instead."))
    if meeting.state != HELD:
        raise StateError(_("Minutes are written after the meeting is held; this one is {state}.").format(
            state=state_label(meeting.state)))
    if minutes is None:
        minutes = Minutes(meeting_id=meeting_id)
    (minutes.body,) = clean_many(Minutes, body=body, multiline=("body",))
    session.add(minutes)
    session.flush()
    return view(MinutesView, minutes)


def _when(value: dt.datetime) -> str:
    local = _aware(value).astimezone(local_now().tzinfo)
    return _("{date} {hour}:{minute:02d}").format(date=official_date(local.date()), hour=local.hour,
                                                  minute=local.minute)


def _count(count: int, unit: str) -> str:
    return count_label(count, unit)


def draft_minutes(*, session: Session, actor: Actor, meeting_id: str) -> str:
    """会议记录草稿: minutes drafted from what the program knows, for the recorder to edit.

    Time, place, host and recorder; 应到/实到 (with who was absent and who attended as a guest when
    people signed in by name); each agenda item with its votes (method, 赞成/反对/弃权, the result
    and the rule applied) and decision; the concerns raised at the meeting. A new meeting's minutes
    start from this text (the GUI shows it while :func:`minutes` is None); it is saved with
    :func:`save_minutes` and stays editable until :func:`approve_minutes`.
    """
    require(actor, "meetings.view")
    meeting = get_meeting(session, meeting_id)
    att = summary(session, meeting)
    lines = [
        _("Time: {when}").format(when=_when(meeting.starts_at)),
        _("Place: {place}").format(place=meeting.place),
        _("Host: {host}").format(host=meeting.host_name),
        _("Recorder: {recorder}").format(recorder=meeting.recorder_name),
        _("Should attend: {expected}    Present: {present}").format(
            expected=_count(att.expected, att.unit), present=_count(att.present, att.unit)),
    ]
    rows = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)
                        .order_by(Attendance.expected.desc(), Attendance.position)).all()
    if meeting.attendance_mode == "roster":
        absent = [x.name + (f"（{x.note}）" if x.note else "") for x in rows if x.expected and not x.present]
        if absent:
            lines.append(_("Absent: {names}").format(names="、".join(absent)))
    guests = [x.name for x in rows if not x.expected and x.present]
    if guests:
        lines.append(_("Also attending: {names}").format(names="、".join(guests)))
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                         .order_by(AgendaItem.position)).all()
    all_votes = session.exec(select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.voted_at)).all()
    for number, item in enumerate(items, start=1):
        lines.append("")
        lines.append(_("Agenda item {n}: {title}").format(n=number, title=item.title))
        if item.proposer_name:
            lines.append(_("Proposed by: {name}").format(name=item.proposer_name))
        if item.description:
            lines.append(item.description)
        for vote in (v for v in all_votes if v.agenda_item_id == item.id):
            outcome = vote_outcome(session, vote)
            lines.append(_("Vote ({method}): {for_} for, {against} against, {abstain} abstaining. Result: {result}.")
                         .format(method=method_label(vote.method), for_=vote.in_favour, against=vote.against,
                                 abstain=vote.abstain, result=outcome.result_label))
            lines.append(outcome.reason())
        if item.decision:
            lines.append(_("Decision: {text}").format(text=item.decision))
    raised = session.exec(select(Concern).where(Concern.meeting_id == meeting.id).order_by(Concern.number)).all()
    if raised:
        lines.append("")
        lines.append(_("Concerns raised"))
        for concern in raised:
            lines.append(_("{number} {who}: {title} (handled by {assignee}, due {due})").format(
                number=concern.number, who=concern.raised_by, title=concern.title,
                assignee=concern.assignee or "—", due=official_date(concern.due_on)))
    lines.append("")
    lines.append(_("Record of the discussion:"))
    return "\n".join(lines)


def approve_minutes(*, session: Session, actor: Actor, meeting_id: str,
                    approved_on: dt.date | None = None) -> MinutesView:
    """Approve (and lock) the minutes; the meeting moves to minutes approved.

    ``approved_on`` (default today) is neither before the day the meeting was held nor after today
    (field error ``approved_on``).
    """
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
    today = local_now().date()
    approved_on = approved_on or today
    if meeting.held_on and approved_on < meeting.held_on:
        raise ValidationError({"approved_on": _("Minutes cannot be approved on {date}, before the meeting was held "
                                                "on {held}.").format(date=approved_on.isoformat(),
                                                                     held=meeting.held_on.isoformat())})
    if approved_on > today:
        raise ValidationError({"approved_on": _("The approval date is in the future.")})
    minutes.state = "approved"
    minutes.approved_by = actor.display_name or actor.username
    minutes.approved_at = utcnow() if approved_on == today else dt.datetime.combine(
        approved_on, dt.time(12), tzinfo=local_now().tzinfo).astimezone(dt.timezone.utc)
    meeting.state = MINUTES_APPROVED
    session.add_all([minutes, meeting])
    session.flush()
    return view(MinutesView, minutes)


def add_addendum(*, session: Session, actor: Actor, meeting_id: str, body: str) -> AddendumView:
    """补充记录: a correction to approved minutes, kept beside the locked text."""
    require(actor, "meetings.edit")
    minutes = minutes_of(session, meeting_id)
    if minutes is None or minutes.state != "approved":
        raise StateError(_("An addendum is added to approved minutes; edit the draft instead."))
    (body,) = clean_many(MinutesAddendum, body=body, multiline=("body",))
    if not body.strip():
        raise ValidationError({"body": _("Write the addendum.")})
    addendum = MinutesAddendum(minutes_id=minutes.id, body=body.strip(), added_at=utcnow(),
                               author=actor.display_name or actor.username)
    session.add(addendum)
    session.flush()
    return view(AddendumView, addendum)


def publish_meeting(*, session: Session, actor: Actor, meeting_id: str, published_on: dt.date | None = None) -> MeetingView:
    """公开: the approved results go on the board."""
    require(actor, "meetings.edit")
    meeting = get_meeting(session, meeting_id)
    if meeting.state != MINUTES_APPROVED:
        raise StateError(_("A meeting is published after its minutes are approved; this one is {state}.").format(
            state=state_label(meeting.state)))
    clean_dates(published_on=published_on)
    published_on = published_on or local_now().date()
    minutes = minutes_of(session, meeting_id)
    approved = minutes.approved_at if minutes is not None else None
    if approved is not None and approved.tzinfo is None:
        approved = approved.replace(tzinfo=dt.timezone.utc)
    approved_day = approved.astimezone(local_now().tzinfo).date() if approved else meeting.held_on
    if approved_day and published_on < approved_day:
        raise ValidationError({"published_on": _("The results cannot be published before the minutes were approved "
                                                 "on {date}.").format(date=approved_day.isoformat())})
    if published_on > local_now().date():
        raise ValidationError({"published_on": _("The publication date is in the future.")})
    meeting.published_on = published_on
    meeting.state = PUBLISHED
    session.add(meeting)
    session.flush()
    return view(MeetingView, meeting)


# --- a whole meeting, for views and printing -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MeetingRecord:
    """Everything about one meeting, loaded at once for its view and its printed minutes (all views)."""

    meeting: Any  # MeetingView
    attendance: AttendanceSummary
    agenda: list[Any]  # AgendaItemView
    votes: dict[str, list[tuple[Any, rules.Outcome]]]  # VoteView and outcome, by agenda item id
    minutes: Any  # MinutesView | None
    addenda: list[Any]  # AddendumView
    concerns: list[Any]  # ConcernView
    ballots: dict[str, list[Any]] = dataclasses.field(default_factory=dict)  # BallotView by vote id (roll calls)
    # ids of the concerns attached after the minutes were approved: shown in the record, marked so,
    # never written into the locked text (app.meetings.queries.concern_refusal)
    concerns_after_approval: list[str] = dataclasses.field(default_factory=list)


def meeting_record(*, session: Session, actor: Actor, meeting_id: str) -> MeetingRecord:
    require(actor, "meetings.view")
    meeting = get_meeting(session, meeting_id)
    items = agenda(session=session, actor=actor, meeting_id=meeting_id)
    by_item: dict[str, list[tuple[Any, rules.Outcome]]] = {item.id: [] for item in items}
    all_votes = votes(session=session, actor=actor, meeting_id=meeting_id)
    for vote in all_votes:
        by_item.setdefault(vote.agenda_item_id, []).append((vote, vote_outcome(session, vote)))
    minutes = minutes_of(session, meeting_id)
    concerns = session.exec(select(Concern).where(Concern.meeting_id == meeting_id).order_by(Concern.number))
    ballots = ballots_of(session, [v.id for v in all_votes if v.method == ROLL_CALL])
    concerns = list(concerns)
    approved_at = minutes.approved_at if minutes is not None and minutes.state == "approved" else None
    late = [c.id for c in concerns if approved_at is not None and _aware(c.created_at) > _aware(approved_at)]
    return MeetingRecord(meeting=view(MeetingView, meeting), attendance=summary(session, meeting), agenda=items,
                         votes=by_item, minutes=view(MinutesView, minutes),
                         addenda=[view(AddendumView, a) for a in addenda(session, minutes.id)] if minutes else [],
                         concerns=[view(ConcernView, c) for c in concerns],
                         ballots={vid: [view(BallotView, b) for b in rows] for vid, rows in ballots.items()},
                         concerns_after_approval=late)


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


# --- what may be done now ------------------------------------------------------------------------

ACTIONS_OF_A_MEETING = ("update", "cancel", "sign_in", "head_count", "invite_guest", "mark_held", "add_agenda_item",
                        "record_vote", "record_decision", "save_minutes", "approve_minutes", "add_addendum",
                        "publish", "raise_concern", "print_notice", "print_minutes")


def allowed_actions(*, session: Session, actor: Actor, meeting_id: str | None = None) -> dict[str, str | None]:
    """What ``actor`` may do to the meeting now: action → None when allowed, else why not.
    ``meeting_id=None``: with the register (``new``).

    The GUI enables and explains its buttons from this; the services refuse the same things.
    """
    require(actor, "meetings.view")
    if meeting_id is None:
        return {"new": permission_refusal(actor, "meetings.edit")}
    meeting = get_meeting(session, meeting_id)
    minutes = minutes_of(session, meeting_id)
    locked = minutes is not None and minutes.state == "approved"
    state = meeting.state
    now = state_label(state)

    def when(ok: bool, reason: str, permission: str | None = "meetings.edit") -> str | None:
        refused = permission_refusal(actor, permission) if permission else None
        return refused or (None if ok else reason)

    planned_only = _("Only a planned meeting can be changed; this one is {state}.").format(state=now)
    sign_in_closed = _("Sign-in is closed: the meeting is {state}.").format(state=now)
    roster = meeting.attendance_mode == "roster"
    held_only = _("Votes are recorded at a held meeting whose minutes are not yet approved; this one is {state}.") \
        .format(state=now)
    actions = {
        "update": when(state == PLANNED, planned_only),
        "cancel": when(state == PLANNED, _("Only a planned meeting can be cancelled; this one is {state}.")
                       .format(state=now)),
        "sign_in": when(state in (PLANNED, HELD) and roster,
                        sign_in_closed if roster else _("This meeting counts heads; enter the head count instead.")),
        "head_count": when(state in (PLANNED, HELD) and not roster,
                           sign_in_closed if not roster
                           else _("This meeting signs in each person; mark them on the list instead.")),
        "invite_guest": when(state in (PLANNED, HELD), sign_in_closed),
        "mark_held": when(state == PLANNED, _("Only a planned meeting can be marked as held; this one is {state}.")
                          .format(state=now)),
        "add_agenda_item": when(state in (PLANNED, HELD),
                                _("The agenda is closed: the meeting is {state}.").format(state=now)),
        "record_vote": when(state == HELD, held_only),
        "record_decision": when(state == HELD, held_only),
        "save_minutes": when(state == HELD and not locked,
                             _("The minutes are approved and locked; add an addendum instead.") if locked else
                             _("Minutes are written after the meeting is held; this one is {state}.").format(state=now)),
        "approve_minutes": when(state == HELD and not locked,
                                _("The minutes are already approved.") if locked else
                                _("Minutes are approved after the meeting is held; this one is {state}.")
                                .format(state=now), "minutes.approve"),
        "add_addendum": when(locked, _("An addendum is added to approved minutes; edit the draft instead.")),
        "publish": when(state == MINUTES_APPROVED,
                        _("A meeting is published after its minutes are approved; this one is {state}.")
                        .format(state=now)),
        "raise_concern": when(concern_refusal(meeting) is None, concern_refusal(meeting) or "", "concerns.edit"),
        "print_notice": None if state != CANCELLED else _("The meeting was cancelled."),
        "print_minutes": None if minutes is not None else _("No minutes yet."),
    }
    return actions


# --- the plan form's choices ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScopeChoices:
    """Who a meeting may invite besides the whole village: the villagers' groups and the grids."""

    groups: list[tuple[str, str]]  # (id, name)
    grids: list[tuple[str, str]]


def scope_choices(*, session: Session, actor: Actor) -> ScopeChoices:
    require(actor, "meetings.view")
    groups = session.exec(select(VillageGroup.id, VillageGroup.name).order_by(VillageGroup.number, VillageGroup.name))
    # grids in the order of their group (grids without a group last), then by name, as the register lists them
    grids = session.exec(select(Grid.id, Grid.name).join(VillageGroup, Grid.group_id == VillageGroup.id, isouter=True)
                         .order_by(VillageGroup.number.is_(None), VillageGroup.number, Grid.name))
    return ScopeChoices(groups=[(i, n) for i, n in groups], grids=[(i, n) for i, n in grids])


# --- statistics ----------------------------------------------------------------------------------


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    """Meetings by kind and state, with the average attendance rate of held meetings."""
    require_any(actor, "meetings.view", "stats.view")  # counts only: the township may read them
    held_states = (HELD, MINUTES_APPROVED, PUBLISHED)
    rows = session.exec(
        select(Meeting.kind, func.count(),
               func.sum(case((Meeting.state.in_(held_states), 1), else_=0)),
               func.sum(case((Meeting.state == CANCELLED, 1), else_=0)))
        .group_by(Meeting.kind)).all()
    by_kind = {kind: {"total": total, "held": int(held or 0), "cancelled": int(cancelled or 0)}
               for kind, total, held, cancelled in rows}
    head = session.exec(
        select(func.sum(Meeting.head_count), func.sum(Meeting.expected_count))
        .where(Meeting.state.in_(held_states), Meeting.attendance_mode == "head_count",
               Meeting.kind.not_in(list(OPEN_KINDS)), Meeting.expected_count > 0)).one()
    roster_present = session.exec(
        select(func.count()).select_from(Attendance).join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(and_(Meeting.state.in_(held_states), Meeting.attendance_mode == "roster",
                    Attendance.present.is_(True), Attendance.expected.is_(True)))).one()
    roster_expected = session.exec(
        select(func.sum(Meeting.expected_count))
        .where(Meeting.state.in_(held_states), Meeting.attendance_mode == "roster")).one() or 0
    present = (head[0] or 0) + roster_present
    expected = (head[1] or 0) + roster_expected
    from app import deliberation  # imports this package; deferred to keep the import graph acyclic

    return {
        "meetings": sum(v["total"] for v in by_kind.values()),
        "held": sum(v["held"] for v in by_kind.values()),
        "by_kind": {kind: by_kind.get(kind, {"total": 0, "held": 0, "cancelled": 0}) for kind in KINDS},
        "attendance_rate": round(present / expected, 4) if expected else None,
        "deliberation_matters": deliberation.stats(session=session, actor=actor),
    }
