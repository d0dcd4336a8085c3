"""The 工作台's figure cards: each card group's figures in ONE indexed SQL statement.

The cards show a handful of the figures ``villagedesk stats`` prints (:func:`app.stats.collect`),
by the same definitions: the number each area's ``stats`` gives, counted here without the rest
of that area's report (by kind, by category, the deliberation matters …) and never by loading
rows. Right after signing in every statement is met for the first time (SQLAlchemy builds it
once, ~5–10 ms each), so a group's figures are one ``SELECT`` of sums and scalar subqueries,
scoped by the store like any ORM query (:mod:`db.scope`). tests/test_workbench.py holds these
figures equal to :func:`app.stats.collect`'s on a store with tombstones and another village's rows.

Each statement is built once per process (its dates and village are parameters) and run as plain
rows scoped like any ORM query (:func:`db.scope.plain_rows`): building them and having the ORM run
them was ~12 ms of Python on the database worker each time the 工作台 reads its figures, beside
the page being built and painted (issue 16).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import and_, bindparam, case, func
from sqlmodel import Session, col, select

from app.auth import Actor, require
from db.models.concerns import Concern
from db.models.mediation import MediationCase
from db.models.meetings import AttendanceTally, Meeting
from db.models.notices import Notice
from db.models.people import Grid, Household, Resident, VillageGroup
from app.workbench.statements import built_once
from db.scope import plain_rows

#: the card groups of the 工作台, in the order it shows them (app.areas keys)
SECTIONS = ("people", "meetings", "concerns", "mediation", "notices")


def _ones(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))




def _rate(part: Any, whole: Any) -> float | None:
    return round(int(part or 0) / int(whole), 4) if whole else None


def _people(session: Session, actor: Actor) -> dict[str, Any] | None:
    if not (actor.can("people.view") or actor.can("stats.view")):
        return None
    # through the ORM (its scalar subqueries scoped by the hook): run as plain rows, SQLAlchemy would
    # compile it again for each village, and the warm-up's village is not the one signed in to
    residents, party, households, groups, grids = session.exec(built_once("people", lambda: (
        select(func.count(), _ones(col(Resident.party_member).is_(True)),
               select(func.count()).select_from(Household).scalar_subquery(),
               select(func.count()).select_from(VillageGroup).scalar_subquery(),
               select(func.count()).select_from(Grid).scalar_subquery())
        .select_from(Resident).where(Resident.status == "resident")))).one()
    return {"households": households, "residents": residents, "party_members": int(party or 0), "groups": groups,
            "grids": grids}


def _meetings(session: Session, actor: Actor) -> dict[str, Any] | None:
    from app.meetings import HELD, MINUTES_APPROVED, OPEN_KINDS, PUBLISHED

    if not (actor.can("meetings.view") or actor.can("stats.view")):
        return None
    village = str(session.info.get("village_code") or "")

    def build() -> Any:
        held = Meeting.state.in_((HELD, MINUTES_APPROVED, PUBLISHED))
        by_head = held & (Meeting.attendance_mode == "head_count") & Meeting.kind.not_in(list(OPEN_KINDS)) \
            & (Meeting.expected_count > 0)
        by_roster = held & (Meeting.attendance_mode == "roster")
        # the present and expected attendance rows of held meetings: their tally per meeting and village
        # (db.models.meetings.AttendanceTally, kept by triggers), not the rows themselves. The meeting is
        # scoped as every query is (live, this village); the tally's village is the rows' own.
        present = (select(func.sum(AttendanceTally.present)).select_from(AttendanceTally)
                   .join(Meeting, Meeting.id == AttendanceTally.meeting_id)
                   .where(and_(held, Meeting.attendance_mode == "roster",
                               *([AttendanceTally.village_code == bindparam("village")] if village else [])))
                   .scalar_subquery())
        return (select(func.count(), _ones(held), func.sum(case((by_head, Meeting.head_count), else_=None)),
                       func.sum(case((by_head, Meeting.expected_count), else_=None)),
                       func.sum(case((by_roster, Meeting.expected_count), else_=None)), present)
                .select_from(Meeting))

    statement = built_once("meetings.village" if village else "meetings", build)
    total, n_held, head, head_expected, roster_expected, roster_present = session.exec(  # ORM: as _people
        statement, params={"village": village} if village else None).one()
    expected = (head_expected or 0) + (roster_expected or 0)
    return {"meetings": total, "held": int(n_held or 0),
            "attendance_rate": _rate((head or 0) + (roster_present or 0), expected)}


def _concerns(session: Session, actor: Actor) -> dict[str, Any] | None:
    from app.concerns import CLOSED, ESCALATED, OPEN
    from app.concerns import today as concerns_today

    if not (actor.can("concerns.view") or actor.can("stats.view")):
        return None
    on = concerns_today()

    def build() -> Any:
        on, year_ago = bindparam("on"), bindparam("year_ago")
        due = (Concern.due_on <= on) & (Concern.due_on >= year_ago)  # app.concerns.closure_rates' window
        return (select(func.count(), _ones(Concern.state == CLOSED), _ones(Concern.state == ESCALATED),
                       _ones((Concern.state == OPEN) & (Concern.due_on < on)), _ones(due),
                       _ones(due & (Concern.state == CLOSED) & (Concern.closed_on <= Concern.due_on)))
                .select_from(Concern))

    raised, closed, escalated, overdue, due_n, on_time = plain_rows(
        session, built_once("concerns", build), {"on": on, "year_ago": on - dt.timedelta(days=365)}).one()
    return {"raised": raised, "closed": int(closed or 0), "escalated": int(escalated or 0),
            "overdue": int(overdue or 0), "closure_rate_last_12_months": _rate(on_time, int(due_n or 0))}


def _mediation(session: Session, actor: Actor) -> dict[str, Any] | None:
    from app.mediation import ACTIVE, AGREED, FAILED, NEAR_DAYS, OPEN_STATES, TERMINATED
    from app.mediation import today as mediation_today

    if not (actor.can("mediation.view") or actor.can("stats.view")):
        return None
    on = mediation_today()

    def build() -> Any:
        on, until = bindparam("on"), bindparam("until")
        active = MediationCase.state.in_(ACTIVE)
        return (select(func.count(), _ones(MediationCase.state.in_(OPEN_STATES)), _ones(active & (MediationCase.due_on < on)),
                       _ones(active & (MediationCase.due_on >= on) & (MediationCase.due_on <= until)),
                       _ones(MediationCase.outcome.in_((AGREED, FAILED, TERMINATED))), _ones(MediationCase.outcome == AGREED))
                .select_from(MediationCase))

    cases, open_, overdue, near, concluded, agreed = plain_rows(
        session, built_once("mediation", build), {"on": on, "until": on + dt.timedelta(days=NEAR_DAYS)}).one()
    return {"cases": cases, "open": int(open_ or 0), "overdue": int(overdue or 0), "near_limit": int(near or 0),
            "success_rate": _rate(agreed, int(concluded or 0))}


def _notices(session: Session, actor: Actor) -> dict[str, Any] | None:
    from app.notices import POSTED
    from app.notices.queries import ending_soon_days

    if not actor.can("notices.view"):
        return None
    today = dt.date.today()  # as app.notices.stats counts them
    days = ending_soon_days(session)

    def build() -> Any:
        posted = Notice.state == POSTED
        return select(_ones(posted), _ones(posted & Notice.publicity_end.is_not(None)
                                           & (Notice.publicity_end <= bindparam("until"))),
                      _ones(Notice.year == bindparam("year"))).select_from(Notice)

    on_board, ending, this_year = plain_rows(session, built_once("notices", build), {
        "until": today + dt.timedelta(days=days), "year": today.year}).one()
    return {"posted": int(on_board or 0), "ending_soon": int(ending or 0), "issued_this_year": int(this_year or 0)}


#: the order they are counted in (the meetings' attendance was a count of every signed-in attendee,
#: ~60 ms, and went first; it now sums a tally per meeting: migration 0013)
COMPUTED_IN = ("meetings", "people", "concerns", "mediation", "notices")
GROUPS: dict[str, Callable[[Session, Actor], dict[str, Any] | None]] = {
    "people": _people, "meetings": _meetings, "concerns": _concerns, "mediation": _mediation, "notices": _notices,
}


def warm_up() -> None:
    """Load, ahead, what the first screen after signing in needs and no store holds: the current
    language's number, date and time formats (Babel reads them from disk on first use, ~40 ms).
    Reads nothing from the store: it runs while the login form waits for the password."""
    from app.i18n import format_date, format_datetime, format_number, format_percent
    from db.base import local_now

    now = local_now()
    format_date(now.date())
    format_datetime(now)
    format_number(1234)
    format_percent(0.5)


#: no village has this code (a village's code is twelve digits): a statement scoped to it matches no row
NO_VILLAGE = "-"


def warm_up_reads(*, session: Session, actor: Actor | None = None) -> None:
    """Have SQLAlchemy build, ahead, the statements of the 工作台's first read — the figures and the
    to-do list — while the login form waits for the password: built the first time they run
    (~5–10 ms each, ~100 ms in all, more than the SQL itself), they otherwise fell on the sign-in.
    They are run once, as a secretary who is nobody, in ``session`` scoped to a village that does
    not exist (:data:`NO_VILLAGE`): every synced table's rows are out of scope, and what comes back
    is dropped. SQLAlchemy keeps the built statements by their shape; the village is a parameter.
    ``actor``: whom to run them as (the statements' shape follows the role; ``stats.view`` is
    checked); before anyone signs in, nobody. The pages they read are not kept (SQLite's page
    cache stays small): they would be ~2 MB held beside the password check's 64 MiB for nothing."""
    from app.auth import SECRETARY
    from app.workbench.service import todo
    from db.engine import small_page_cache
    from db.scope import for_village

    if actor is not None:
        require(actor, "stats.view")
    nobody = actor or Actor(user_id="", username="", display_name="", role=SECRETARY)
    for_village(session, NO_VILLAGE)
    with small_page_cache(session):
        figures(session=session, actor=nobody)
        todo(session=session, actor=nobody)


def figures(*, session: Session, actor: Actor, only: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """The figure cards' figures, ``{section: {figure: value}}`` (the keys of :func:`app.stats.collect`),
    one statement per card group; a group the actor may not read is left out."""
    require(actor, "stats.view")
    found = {}
    for key in COMPUTED_IN:
        if only is None or key in only:
            values = GROUPS[key](session, actor)
            if values is not None:
                found[key] = values
    return {key: found[key] for key in SECTIONS if key in found}
