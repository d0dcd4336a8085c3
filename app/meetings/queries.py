"""Meetings: reads that other modules of ``app`` need without an actor (the meeting, its 应到,
attendance summary, minutes, votes' outcomes). Not for ``ui/``: the GUI goes through
:mod:`app.meetings`, whose functions check who asks.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, func, select

from app import rules
from app.auth import Actor
from app.errors import NotFound, StateError
from app.i18n import _
from app.meetings.codes import (BRANCH_COMMITTEE, CANCELLED, PUBLISHED, COMMITTEES, COMMITTEES_KEY, KIND_RULE, MEMBERSHIP_KINDS,
                                PARTY_ASSEMBLY, PLANNED, REPRESENTATIVES_MEETING, TWO_COMMITTEES)
from db.models.accounts import Setting
from db.models.meetings import Attendance, Ballot, Meeting, Minutes, MinutesAddendum, Vote
from db.models.people import Household, Resident


def get_meeting(session: Session, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        raise NotFound(_("No such meeting."))
    return meeting


def latest_meeting_id(session: Session, *, kind: str | None = None, states: Iterable[str] | None = None) -> str | None:
    query = select(Meeting.id)
    if kind:
        query = query.where(Meeting.kind == kind)
    if states:
        query = query.where(Meeting.state.in_(list(states)))
    return session.exec(query.order_by(Meeting.starts_at.desc()).limit(1)).first()


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


@dataclasses.dataclass(frozen=True)
class Invitee:
    resident_id: str | None
    household_id: str | None
    name: str


def _resident_filter(kind: str, on: dt.date, session: Session) -> list[Any]:
    conditions: list[Any] = [Resident.status == "resident"]
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
    conditions: list[Any] = []
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
        existing = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.expected.is_(True))).all()
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
    counts = dict(session.exec(
        select(Attendance.expected, func.count())
        .where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True))
        .group_by(Attendance.expected)).all())
    if meeting.attendance_mode == "head_count":  # 实到 counted by head, guests (列席) by name
        return AttendanceSummary(expected=meeting.expected_count, present=meeting.head_count or 0,
                                 guests=counts.get(False, 0), unit=meeting.expected_unit, mode=meeting.attendance_mode)
    return AttendanceSummary(expected=meeting.expected_count, present=counts.get(True, 0),
                             guests=counts.get(False, 0), unit=meeting.expected_unit, mode=meeting.attendance_mode)


def rule_of(session: Session, meeting: Meeting) -> rules.Rule:
    return rules.rule_for(session, KIND_RULE[meeting.kind])


def ballots_of(session: Session, vote_ids: Sequence[str]) -> dict[str, list[Ballot]]:
    """The named ballots of roll-call votes, by vote id, in the order they were recorded."""
    if not vote_ids:
        return {}
    found: dict[str, list[Ballot]] = {}
    for ballot in session.exec(select(Ballot).where(Ballot.vote_id.in_(list(vote_ids)))
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


def minutes_of(session: Session, meeting_id: str) -> Minutes | None:
    return session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).first()


def addenda(session: Session, minutes_id: str) -> list[MinutesAddendum]:
    return list(session.exec(select(MinutesAddendum).where(MinutesAddendum.minutes_id == minutes_id).order_by(MinutesAddendum.added_at)))


def permission_refusal(actor: Actor, permission: str) -> str | None:
    """None when ``actor`` holds ``permission``; otherwise why not, in the user's language."""
    return actor.refusal(permission)


def concern_refusal(meeting: Any) -> str | None:
    """Why no concern can be raised at ``meeting`` now (None when one can): from the moment it is
    held until it is published.

    Concerns are often typed in after the minutes were approved (the recorder's notes come later):
    the approved text stays locked, and a concern attached after approval goes into the meeting's
    record view — :class:`app.meetings.MeetingRecord` lists it among ``concerns`` and names it in
    ``concerns_after_approval`` — and into the printed minutes' table of concerns raised, marked as
    recorded after approval. Once the results are published (公开) the meeting's record is closed.
    """
    if meeting.state == PLANNED:
        return _("Concerns are recorded here once the meeting is held.")
    if meeting.state == CANCELLED:
        return _("The meeting was cancelled.")
    if meeting.state == PUBLISHED:
        return _("The results of this meeting are published; record the concern as raised on a visit or "
                 "at the office.")
    return None
