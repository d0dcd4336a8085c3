"""Villagers' concerns (群众诉求/民情): raised → assigned → progress notes → closed (or escalated).

办结率 is "closed on time / due": of the concerns whose due date has come (within a period), the
share closed on or before that date. It is computed by SQL aggregation, grouped by month, grid
or the kind of meeting the concern was raised at, so ten years of a large village take
milliseconds.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, literal
from sqlmodel import Session, func, select

from app import meetings as meetings_service
from app.auth import Actor, require, require_any
from app.concerns.queries import get_concern
from app.errors import StateError, ValidationError
from app.meetings.queries import concern_refusal, permission_refusal
from app.text import clean_dates, clean_many
from app.views import view, view_class
from app.i18n import N_, _
from app.pinyin import LIKE_ESCAPE, like_pattern, normalize_query
from app.search import filter_keyed_rows, stored_key
from db.base import local_now
from db.models.meetings import Meeting
from db.scope import next_number
from db.models.concerns import Concern, ConcernNote
from db.models.people import Grid, Household, Resident

CATEGORIES: dict[str, str] = {
    "roads_water": N_("Roads, water and power (道路水电)"),
    "environment": N_("Living environment (人居环境)"),
    "welfare": N_("Social assistance and insurance (民生保障)"),
    "land": N_("Land and forest (土地林地)"),
    "neighbours": N_("Neighbour disputes (邻里纠纷)"),
    "farming": N_("Farming and income (产业增收)"),
    "safety": N_("Public safety (平安建设)"),
    "other": N_("Other (其他)"),
}
SOURCES: dict[str, str] = {"meeting": N_("At a meeting"), "visit": N_("On a home visit"), "office": N_("At the office")}
OPEN, ESCALATED, CLOSED = "open", "escalated", "closed"
STATES: dict[str, str] = {OPEN: N_("Being handled"), ESCALATED: N_("Escalated to the township"), CLOSED: N_("Closed")}
SATISFACTION: dict[str, str] = {"satisfied": N_("Satisfied (满意)"), "basically": N_("Basically satisfied (基本满意)"),
                                "unsatisfied": N_("Unsatisfied (不满意)")}
DEFAULT_DUE_DAYS = 15  # 限时办结: a fortnight unless the office sets another date
GROUPINGS = ("month", "grid", "meeting_kind")

ConcernView = view_class(Concern, "ConcernView")
ConcernNoteView = view_class(ConcernNote, "ConcernNoteView")


def category_label(code: str, *, short: bool = False) -> str:
    """The category in the user's language; ``short`` (a list column) leaves out the Chinese term
    the English label carries in brackets ("Land and forest (土地林地)" → "Land and forest")."""
    label = _(CATEGORIES.get(code, code))
    return re.sub(r"\s*[(（][^()（）]*[)）]$", "", label) if short else label


def state_label(code: str) -> str:
    return _(STATES.get(code, code))


def satisfaction_label(code: str) -> str:
    return _(SATISFACTION[code]) if code in SATISFACTION else ""


def today() -> dt.date:
    return local_now().date()


def is_overdue(concern: Any, on: dt.date | None = None) -> bool:
    """已超期: still being handled in the village (open, not closed nor escalated) and past its due date.

    The dashboard's 已超期 card, the list's "overdue only" filter and the red rows all use this one
    definition (:func:`_overdue`), so the card's figure is the length of the list it opens. An
    escalated concern waits on the township; it is counted in 办结率, not as the village's overdue work.
    """
    return concern.state == OPEN and concern.due_on < (on or today())


def _overdue(on: dt.date) -> Any:
    """:func:`is_overdue` as an SQL condition."""
    return (Concern.state == OPEN) & (Concern.due_on < on)


def _next_number(session: Session, year: int) -> str:
    """2026-0012: the village's next concern number of ``year``, claimed inside this transaction."""
    return f"{year}-{next_number(session, f'concern-{year}'):04d}"


def raise_concern(*, session: Session, actor: Actor, title: str, category: str = "other", source: str = "meeting",
                  description: str = "", meeting_id: str | None = None, resident_id: str | None = None,
                  household_id: str | None = None, raised_by: str = "", raised_on: dt.date | None = None,
                  assignee: str = "", due_on: dt.date | None = None) -> ConcernView:
    """Record a concern. The household (and so the grid) follows from the resident when given."""
    require(actor, "concerns.edit")
    title, description, raised_by, assignee = clean_many(
        Concern, title=title, description=description, raised_by=raised_by, assignee=assignee,
        multiline=("description",))
    clean_dates(raised_on=raised_on, due_on=due_on)
    raised_on = raised_on or today()
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Say what the concern is.")
    if category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if source not in SOURCES:
        errors["source"] = _("Say where the concern was raised.")
    meeting = None
    if meeting_id:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.deleted_at is not None:
            errors["meeting_id"] = _("No such meeting.")
        elif concern_refusal(meeting):
            # only at a held meeting: not before it took place, nor once the approved minutes list
            # the concerns raised (the meeting view asks the same question through allowed_actions)
            errors["meeting_id"] = concern_refusal(meeting)
    elif source == "meeting":
        errors["meeting_id"] = _("Choose the meeting where it was raised.")
    resident = session.get(Resident, resident_id) if resident_id else None
    if resident_id and resident is None:
        errors["resident_id"] = _("No such resident.")
    household_id = household_id or (resident.household_id if resident else None)
    household = session.get(Household, household_id) if household_id else None
    if household_id and household is None:
        errors["household_id"] = _("No such household.")
    if not raised_by.strip():
        raised_by = resident.name if resident else (household.head_name if household else "")
    if not raised_by.strip():
        errors["raised_by"] = _("Say who raised it: a resident, a household or a name.")
    if raised_on > today():
        errors["raised_on"] = _("The day it was raised is in the future.")
    elif meeting is not None and meeting.held_on and raised_on < meeting.held_on and "meeting_id" not in errors:
        errors["raised_on"] = _("It cannot be raised at the meeting before the meeting was held on {date}.").format(
            date=meeting.held_on.isoformat())
    due_on = due_on or raised_on + dt.timedelta(days=DEFAULT_DUE_DAYS)
    if due_on < raised_on:
        errors["due_on"] = _("The due date cannot be before the day it was raised.")
    if errors:
        raise ValidationError(errors)
    concern = Concern(number=_next_number(session, raised_on.year), title=title.strip()[:128],
                      description=description.strip(), category=category, source=source,
                      meeting_id=meeting.id if meeting else None, resident_id=resident.id if resident else None,
                      household_id=household.id if household else None, raised_by=raised_by.strip()[:64],
                      grid_id=household.grid_id if household else (meeting.grid_id if meeting else None),
                      raised_on=raised_on, assignee=assignee.strip()[:64], due_on=due_on)
    concern.search_key = stored_key("concern", concern)
    session.add(concern)
    session.flush()
    return view(ConcernView, concern)


def assign_concern(*, session: Session, actor: Actor, concern_id: str, assignee: str,
                   due_on: dt.date | None = None) -> ConcernView:
    require(actor, "concerns.edit")
    concern = get_concern(session, concern_id)
    if concern.state == CLOSED:
        raise StateError(_("The concern is closed."))
    (assignee,) = clean_many(Concern, assignee=assignee)
    clean_dates(due_on=due_on)
    if not assignee.strip():
        raise ValidationError({"assignee": _("Say who handles it.")})
    if due_on is not None and due_on < concern.raised_on:
        raise ValidationError({"due_on": _("The due date cannot be before the day it was raised.")})
    concern.assignee = assignee.strip()[:64]
    concern.search_key = stored_key("concern", concern)
    if due_on is not None:
        concern.due_on = due_on
    session.add(concern)
    session.flush()
    return view(ConcernView, concern)


def add_progress_note(*, session: Session, actor: Actor, concern_id: str, text: str,
                      noted_on: dt.date | None = None) -> ConcernNoteView:
    require(actor, "concerns.edit")
    concern = get_concern(session, concern_id)
    (text,) = clean_many(ConcernNote, text=text, multiline=("text",))
    clean_dates(noted_on=noted_on)
    noted_on = noted_on or today()
    if not text.strip():
        raise ValidationError({"text": _("Write what was done.")})
    if noted_on < concern.raised_on:
        raise ValidationError({"noted_on": _("A note cannot be dated before the concern was raised.")})
    if noted_on > today():
        raise ValidationError({"noted_on": _("The date is in the future.")})
    note = ConcernNote(concern_id=concern.id, noted_on=noted_on, text=text.strip()[:1000],
                       author=actor.display_name or actor.username)
    session.add(note)
    session.flush()
    return view(ConcernNoteView, note)


def notes(*, session: Session, actor: Actor, concern_id: str) -> list[ConcernNoteView]:
    require(actor, "concerns.view")
    return [view(ConcernNoteView, n) for n in session.exec(
        select(ConcernNote).where(ConcernNote.concern_id == concern_id)
        .order_by(ConcernNote.noted_on, ConcernNote.created_at))]


def concern(*, session: Session, actor: Actor, concern_id: str) -> ConcernView:
    """One concern, for its view."""
    require(actor, "concerns.view")
    return view(ConcernView, get_concern(session, concern_id))


def allowed_actions(*, session: Session, actor: Actor, concern_id: str | None = None) -> dict[str, str | None]:
    """What ``actor`` may do to the concern now: action → None when allowed, else why not.
    ``concern_id=None``: with the register (``new``; ``edit``: change concerns at all)."""
    require(actor, "concerns.view")
    if concern_id is None:
        refused = permission_refusal(actor, "concerns.edit")
        return {"new": refused, "edit": refused}
    found = get_concern(session, concern_id)
    refused = permission_refusal(actor, "concerns.edit")
    closed = found.state == CLOSED
    return {
        "assign": refused or (_("The concern is closed.") if closed else None),
        "note": refused,
        "close": refused or (_("The concern is already closed.") if closed else None),
        "satisfaction": refused or (None if closed else _("Ask about satisfaction after the concern is closed.")),
        "escalate": refused or (None if found.state == OPEN else _(
            "Only an open concern can be escalated; this one is {state}.").format(state=state_label(found.state))),
    }


def _check_satisfaction(value: str, errors: dict[str, str]) -> None:
    if value and value not in SATISFACTION:
        errors["satisfaction"] = _("Satisfaction is 满意, 基本满意 or 不满意.")


def close_concern(*, session: Session, actor: Actor, concern_id: str, resolution: str,
                  closed_on: dt.date | None = None, satisfaction: str = "") -> ConcernView:
    """办结: what was done, when, and (if asked already) how satisfied the villager is."""
    require(actor, "concerns.edit")
    concern = get_concern(session, concern_id)
    if concern.state == CLOSED:
        raise StateError(_("The concern is already closed."))
    (resolution,) = clean_many(Concern, resolution=resolution, multiline=("resolution",))
    clean_dates(closed_on=closed_on)
    closed_on = closed_on or today()
    errors: dict[str, str] = {}
    if not resolution.strip():
        errors["resolution"] = _("Say how it was resolved.")
    if closed_on < concern.raised_on:
        errors["closed_on"] = _("It cannot be closed before it was raised.")
    elif closed_on > today():
        errors["closed_on"] = _("The closing date is in the future.")
    _check_satisfaction(satisfaction, errors)
    if errors:
        raise ValidationError(errors)
    concern.state = CLOSED
    concern.closed_on = closed_on
    concern.resolution = resolution.strip()
    concern.satisfaction = satisfaction
    session.add(concern)
    session.flush()
    return view(ConcernView, concern)


def record_satisfaction(*, session: Session, actor: Actor, concern_id: str, satisfaction: str) -> ConcernView:
    """回访: the villager's satisfaction, asked after closing."""
    require(actor, "concerns.edit")
    concern = get_concern(session, concern_id)
    if concern.state != CLOSED:
        raise StateError(_("Ask about satisfaction after the concern is closed."))
    errors: dict[str, str] = {}
    _check_satisfaction(satisfaction, errors)
    if not satisfaction:
        errors["satisfaction"] = _("Satisfaction is 满意, 基本满意 or 不满意.")
    if errors:
        raise ValidationError(errors)
    concern.satisfaction = satisfaction
    session.add(concern)
    session.flush()
    return view(ConcernView, concern)


def escalate_concern(*, session: Session, actor: Actor, concern_id: str, reason: str,
                     escalated_on: dt.date | None = None) -> ConcernView:
    """上报乡镇: beyond the village's power; stays counted until the answer closes it."""
    require(actor, "concerns.edit")
    concern = get_concern(session, concern_id)
    if concern.state != OPEN:
        raise StateError(_("Only an open concern can be escalated; this one is {state}.").format(
            state=state_label(concern.state)))
    (reason,) = clean_many(Concern, escalation_reason=reason, multiline=("escalation_reason",))
    clean_dates(escalated_on=escalated_on)
    escalated_on = escalated_on or today()
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why it goes to the township.")
    if escalated_on < concern.raised_on:
        errors["escalated_on"] = _("It cannot be escalated before it was raised.")
    elif escalated_on > today():
        errors["escalated_on"] = _("The date is in the future.")
    if errors:
        raise ValidationError(errors)
    concern.state = ESCALATED
    concern.escalated_on = escalated_on
    concern.escalation_reason = reason.strip()
    session.add(concern)
    session.flush()
    return view(ConcernView, concern)


# --- who raised it: the picker of the concern form ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RaiserChoice:
    """A resident or a household that may have raised a concern, as the picker lists it."""

    resident_id: str | None
    household_id: str | None
    name: str
    detail: str  # household number and group, to tell namesakes apart


def raiser_choices(*, session: Session, actor: Actor, query: str, limit: int = 20) -> list[RaiserChoice]:
    """Residents, then households, matching ``query`` by name, pinyin initials or full pinyin (``zs`` → 张三)."""
    require(actor, "concerns.edit")
    needle = normalize_query(query)
    if not needle:
        return []
    pattern = like_pattern(needle)
    people = session.exec(
        select(Resident.id, Resident.name, Household.id, Household.number, Household.head_name)
        .join(Household, Household.id == Resident.household_id, isouter=True)
        .where(Resident.search_key.like(pattern, escape=LIKE_ESCAPE))
        .order_by(Resident.search_key, Resident.id).limit(limit)).all()
    choices = [RaiserChoice(resident_id=rid, household_id=hid, name=name,
                            detail=_("household {number}, head {head}").format(number=number or "—", head=head or "—"))
               for rid, name, hid, number, head in people]
    if len(choices) < limit:
        households = session.exec(
            select(Household.id, Household.head_name, Household.number)
            .where(Household.search_key.like(pattern, escape=LIKE_ESCAPE))
            .order_by(Household.number, Household.id).limit(limit - len(choices))).all()
        choices += [RaiserChoice(resident_id=None, household_id=hid, name=_("Household of {head}").format(head=head),
                                 detail=_("household {number}").format(number=number or "—"))
                    for hid, head, number in households]
    return choices


# --- lists for the page ----------------------------------------------------------------------------


def concern_ids(*, session: Session, actor: Actor, state: str | None = None, overdue_only: bool = False,
                grid_id: str | None = None, meeting_id: str | None = None, search: str = "",
                on: dt.date | None = None) -> list[str]:
    """Ids for the concerns list: overdue first, then by due date."""
    require(actor, "concerns.view")
    on = on or today()
    overdue = _overdue(on)
    query = select(Concern.id)
    if state:
        query = query.where(Concern.state == state)
    if overdue_only:
        query = query.where(overdue)
    if grid_id:
        query = query.where(Concern.grid_id == grid_id)
    if meeting_id:
        query = query.where(Concern.meeting_id == meeting_id)
    order = [case((overdue, 0), (Concern.state != CLOSED, 1), else_=2), Concern.due_on.desc(), Concern.number.desc()]
    if not search.strip():
        return list(session.exec(query.order_by(*order)))
    # the same pinyin rule as every list (app.search): title and number as text, people as names
    rows = session.execute(query.add_columns(Concern.title, Concern.number, Concern.raised_by, Concern.assignee,
                                             Concern.search_key).order_by(*order)).all()
    return filter_keyed_rows(rows, search, texts=(1, 2), names=(3, 4), key=5)


def concern_rows(*, session: Session, actor: Actor, ids: Sequence[str]) -> dict[str, ConcernView]:
    require(actor, "concerns.view")
    if not ids:
        return {}
    return {c.id: view(ConcernView, c) for c in session.exec(select(Concern).where(Concern.id.in_(list(ids))))}


# --- 办结率 -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ClosureRate:
    """办结率 of one group: ``closed_on_time`` of ``due`` concerns (whose due date has come)."""

    key: str
    label: str
    due: int
    closed_on_time: int
    closed: int
    overdue_open: int

    @property
    def rate(self) -> float | None:
        return self.closed_on_time / self.due if self.due else None


def _month_of(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite stores dates as ISO text


def closure_rates(*, session: Session, actor: Actor, by: str = "month", start: dt.date | None = None,
                  end: dt.date | None = None, on: dt.date | None = None) -> list[ClosureRate]:
    """办结率 by ``month`` (of the due date), ``grid`` or ``meeting_kind``, over concerns due in [start, end]."""
    require_any(actor, "concerns.view", "stats.view")  # aggregates only: the township may read them
    if by not in GROUPINGS:
        raise ValidationError({"by": _("Group by month, grid or meeting kind.")})
    on = on or today()
    end = min(end, on) if end else on  # only concerns whose due date has come count
    conditions = [Concern.due_on <= end]
    if start:
        conditions.append(Concern.due_on >= start)
    on_time = func.sum(case(((Concern.state == CLOSED) & (Concern.closed_on <= Concern.due_on), 1), else_=0))
    closed = func.sum(case((Concern.state == CLOSED, 1), else_=0))
    late_open = func.sum(case(((Concern.state != CLOSED) & (Concern.due_on < on), 1), else_=0))
    if by == "month":
        key = _month_of(session, Concern.due_on)
        query = select(key.label("k"), literal("").label("n"), func.count(), on_time, closed, late_open)
    elif by == "grid":
        key = func.coalesce(Concern.grid_id, "")
        query = (select(key.label("k"), func.coalesce(func.max(Grid.name), "").label("n"), func.count(), on_time,
                        closed, late_open)
                 .select_from(Concern).outerjoin(Grid, Grid.id == Concern.grid_id))
    else:
        key = func.coalesce(Meeting.kind, "")
        query = (select(key.label("k"), literal("").label("n"), func.count(), on_time, closed, late_open)
                 .select_from(Concern).outerjoin(Meeting, Meeting.id == Concern.meeting_id))
    rows = session.exec(query.where(*conditions).group_by(key).order_by(key)).all()
    result = []
    for k, name, due, ok, done, late in rows:
        if by == "month":
            label = k
        elif by == "grid":
            label = name or _("(no grid)")
        else:
            label = meetings_service.kind_label(k, short=True) if k else _("(not at a meeting)")
        result.append(ClosureRate(key=k or "", label=label, due=due, closed_on_time=int(ok or 0),
                                  closed=int(done or 0), overdue_open=int(late or 0)))
    return result


def overall_rate(*, session: Session, actor: Actor, start: dt.date | None = None, end: dt.date | None = None,
                 on: dt.date | None = None) -> ClosureRate:
    """办结率 over the whole period, in one row."""
    rows = closure_rates(session=session, actor=actor, by="meeting_kind", start=start, end=end, on=on)
    return ClosureRate(key="", label=_("All"), due=sum(r.due for r in rows),
                       closed_on_time=sum(r.closed_on_time for r in rows), closed=sum(r.closed for r in rows),
                       overdue_open=sum(r.overdue_open for r in rows))


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    """Concerns raised, closed, escalated, overdue; 办结率 overall and for the last twelve months."""
    require_any(actor, "concerns.view", "stats.view")
    on = today()
    raised, closed, escalated, overdue, satisfied = session.exec(
        select(func.count(), func.sum(case((Concern.state == CLOSED, 1), else_=0)),
               func.sum(case((Concern.state == ESCALATED, 1), else_=0)),
               func.sum(case((_overdue(on), 1), else_=0)),
               func.sum(case((Concern.satisfaction.in_(["satisfied", "basically"]), 1), else_=0)))
        .select_from(Concern)).one()
    asked = session.exec(select(func.count()).select_from(Concern).where(Concern.satisfaction != "")).one()
    overall = overall_rate(session=session, actor=actor, on=on)
    year_ago = on - dt.timedelta(days=365)
    recent = overall_rate(session=session, actor=actor, start=year_ago, on=on)
    return {
        "raised": raised,
        "closed": int(closed or 0),
        "escalated": int(escalated or 0),
        "overdue": int(overdue or 0),
        "closure_rate": round(overall.rate, 4) if overall.rate is not None else None,
        "closure_rate_last_12_months": round(recent.rate, 4) if recent.rate is not None else None,
        "satisfaction_rate": round(int(satisfied or 0) / asked, 4) if asked else None,
    }
