"""Each area's lines of the 工作台 to-do list, named in its ``todo`` entry of :mod:`app.areas`.

A contribution is ``(*, session, actor, on) -> list[TodoItem]``: nothing for a role that may not
see the area, otherwise the records that need doing — at most :data:`LIMIT` of a kind one by one
(the most urgent), the rest as one line that opens the page — each found by an indexed query.

Each query is built once per process (:func:`_statement`: its dates are parameters) and run as
plain rows scoped like any ORM query (:func:`db.scope.plain_rows`): building a statement and
having the ORM run it cost ~0.8 ms each, thirteen of them on the database worker while the
工作台's page is built and painted (issue 16).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from app.auth import Actor
from app.deliberation.codes import IN_PROGRESS, STEP_ORDER, step_label
from app.i18n import _, format_date, format_datetime, ngettext
from app.mediation import ACTIVE as ACTIVE_CASES
from app.mediation import NEAR_DAYS as NEAR_CASE_DAYS
from app.notices.queries import ending_soon_days
from app.workbench.service import (
    ALERT,
    DUE_SOON_DAYS,
    INFO,
    LIMIT,
    UPCOMING_DAYS,
    WARNING,
    TodoItem,
)
from db.base import local_now
from db.models.awards import AwardCampaign
from db.models.concerns import Concern
from db.models.deliberation import DeliberationMatter, DeliberationStep
from db.models.mediation import MediationCase
from db.models.meetings import Meeting
from db.models.notices import Notice
from app.workbench.statements import built_once
from db.scope import plain_rows

#: the dates a query compares with, given when it runs: today, and the end of a "soon" window
ON, UNTIL = bindparam("on"), bindparam("until")


def _limited(query: Any, where: Any) -> Any:
    """``query`` where ``where`` holds, its first LIMIT + 1 rows with how many there are in all
    (``count(*) OVER ()`` counts before the ``LIMIT``)."""
    return query.add_columns(func.count().over()).where(where).limit(LIMIT + 1)


def _listed(session: Session, statement: Any, params: dict[str, Any], make: Callable[..., TodoItem],
            more: Callable[[int], TodoItem]) -> list[TodoItem]:
    """Up to LIMIT items from a :func:`_limited` statement and, when there are more, one line
    saying how many: the rows and their number in one statement."""
    rows = plain_rows(session, statement, params).all()
    items = [make(*row[:-1]) for row in rows[:LIMIT]]
    if len(rows) > LIMIT:
        items.append(more(rows[0][-1] - LIMIT))
    return items


def _concerns() -> Any:
    return select(Concern.id, Concern.number, Concern.title, Concern.due_on).order_by(Concern.due_on, Concern.number)


def concerns(*, session: Session, actor: Actor, on: dt.date) -> list[TodoItem]:
    """群众诉求 past their due date, and those due within three days."""
    if not actor.can("concerns.view"):
        return []
    overdue = built_once("concerns.overdue", lambda: _limited(_concerns(), (Concern.state == "open") & (Concern.due_on < ON)))
    soon = built_once("concerns.soon", lambda: _limited(
        _concerns(), (Concern.state == "open") & (Concern.due_on >= ON) & (Concern.due_on <= UNTIL)))
    params = {"on": on, "until": on + dt.timedelta(days=DUE_SOON_DAYS)}

    def late(cid: str, number: str, title: str, due: dt.date) -> TodoItem:
        days = (on - due).days
        return TodoItem("concern.overdue", ALERT, ngettext(
            "Concern {number} “{title}” is {n} day overdue.", "Concern {number} “{title}” is {n} days overdue.",
            days).format(number=number, title=title, n=days), "concerns", cid, due)

    def due(cid: str, number: str, title: str, due_on: dt.date) -> TodoItem:
        return TodoItem("concern.due_soon", WARNING, _("Concern {number} “{title}” is due {date}.").format(
            number=number, title=title, date=format_date(due_on)), "concerns", cid, due_on)

    return (_listed(session, overdue, params, late, lambda n: TodoItem(
                "concern.overdue", ALERT, ngettext("…and {n} more overdue concern.", "…and {n} more overdue concerns.",
                                                   n).format(n=n), "concerns"))
            + _listed(session, soon, params, due, lambda n: TodoItem(
                "concern.due_soon", WARNING, ngettext("…and {n} more concern due soon.",
                                                      "…and {n} more concerns due soon.", n).format(n=n), "concerns")))


def _cases() -> Any:
    return (select(MediationCase.id, MediationCase.number, MediationCase.title, MediationCase.due_on)
            .order_by(MediationCase.due_on, MediationCase.number))


def _cases_over() -> Any:
    return MediationCase.state.in_(ACTIVE_CASES) & (MediationCase.due_on < ON)


def _cases_near() -> Any:
    return MediationCase.state.in_(ACTIVE_CASES) & (MediationCase.due_on >= ON) & (MediationCase.due_on <= UNTIL)


def _case_count(where: Any) -> Any:
    return select(func.count()).select_from(MediationCase).where(where)


def mediation(*, session: Session, actor: Actor, on: dt.date) -> list[TodoItem]:
    """调解 cases over or near the 30-day limit: number and 案由 for those who may read cases (the
    list's own columns, no parties or facts), and only a count for the other roles."""
    if not (actor.can("mediation.view") or actor.can("stats.view")):
        return []
    params = {"on": on, "until": on + dt.timedelta(days=NEAR_CASE_DAYS)}
    if not actor.can("mediation.view"):
        items = []
        n_over = plain_rows(session, built_once("mediation.over.count", lambda: _case_count(_cases_over())), params).scalar_one()
        n_near = plain_rows(session, built_once("mediation.near.count", lambda: _case_count(_cases_near())), params).scalar_one()
        if n_over:
            items.append(TodoItem("mediation.overdue", ALERT, ngettext(
                "{n} mediation case is over its time limit (details: the mediators).",
                "{n} mediation cases are over their time limit (details: the mediators).", n_over).format(n=n_over),
                "mediation"))
        if n_near:
            items.append(TodoItem("mediation.near", WARNING, ngettext(
                "{n} mediation case is near its time limit (details: the mediators).",
                "{n} mediation cases are near their time limit (details: the mediators).", n_near).format(n=n_near),
                "mediation"))
        return items
    over = built_once("mediation.over", lambda: _limited(_cases(), _cases_over()))
    near = built_once("mediation.near", lambda: _limited(_cases(), _cases_near()))

    def late(cid: str, number: str, title: str, due: dt.date) -> TodoItem:
        return TodoItem("mediation.overdue", ALERT, _("Case {number} “{title}” is past its time limit ({date}).").format(
            number=number, title=title, date=format_date(due)), "mediation", cid, due)

    def close(cid: str, number: str, title: str, due: dt.date) -> TodoItem:
        days = (due - on).days
        return TodoItem("mediation.near", WARNING, ngettext(
            "Case {number} “{title}”: {n} day left of its time limit.",
            "Case {number} “{title}”: {n} days left of its time limit.", days).format(
            number=number, title=title, n=days), "mediation", cid, due)

    return (_listed(session, over, params, late, lambda n: TodoItem(
                "mediation.overdue", ALERT, ngettext("…and {n} more case past its limit.",
                                                     "…and {n} more cases past their limit.", n).format(n=n), "mediation"))
            + _listed(session, near, params, close, lambda n: TodoItem(
                "mediation.near", WARNING, ngettext("…and {n} more case near its limit.",
                                                    "…and {n} more cases near their limit.", n).format(n=n), "mediation")))


def _posted() -> Any:
    return select(Notice.id, Notice.number, Notice.title, Notice.publicity_end).order_by(Notice.publicity_end)


def notices(*, session: Session, actor: Actor, on: dt.date) -> list[TodoItem]:
    """Posted notices whose 公示期 ends soon, and those whose 公示期 has ended (to take down)."""
    if not actor.can("notices.view"):
        return []
    params = {"on": on, "until": on + dt.timedelta(days=ending_soon_days(session))}
    ended = built_once("notices.ended", lambda: _limited(_posted(), (Notice.state == "posted") & (Notice.publicity_end < ON)))
    ending = built_once("notices.ending", lambda: _limited(
        _posted(), (Notice.state == "posted") & (Notice.publicity_end >= ON) & (Notice.publicity_end <= UNTIL)))

    def take_down(nid: str, number: str, title: str, end: dt.date) -> TodoItem:
        return TodoItem("notice.take_down", WARNING, _(
            "Notice {number} “{title}”: its publicity period ended {date}; take it down.").format(
            number=number, title=title, date=format_date(end)), "notices", nid, end)

    def soon(nid: str, number: str, title: str, end: dt.date) -> TodoItem:
        return TodoItem("notice.ending", INFO, _("Notice {number} “{title}”: publicity ends {date}.").format(
            number=number, title=title, date=format_date(end)), "notices", nid, end)

    return (_listed(session, ended, params, take_down, lambda n: TodoItem(
                "notice.take_down", WARNING, ngettext("…and {n} more notice to take down.",
                                                      "…and {n} more notices to take down.", n).format(n=n), "notices"))
            + _listed(session, ending, params, soon, lambda n: TodoItem(
                "notice.ending", INFO, ngettext("…and {n} more notice ending soon.",
                                                "…and {n} more notices ending soon.", n).format(n=n), "notices")))


def meetings(*, session: Session, actor: Actor, on: dt.date) -> list[TodoItem]:
    """Meetings of the next seven days, and held meetings whose minutes are not yet approved."""
    if not actor.can("meetings.view"):
        return []
    zone = local_now().tzinfo
    start = dt.datetime.combine(on, dt.time(), tzinfo=zone)
    end = start + dt.timedelta(days=UPCOMING_DAYS + 1)
    upcoming = built_once("meetings.upcoming", lambda: _limited(
        select(Meeting.id, Meeting.title, Meeting.starts_at).order_by(Meeting.starts_at),
        (Meeting.state == "planned") & (Meeting.starts_at >= ON) & (Meeting.starts_at < UNTIL)))
    unapproved = built_once("meetings.unapproved", lambda: _limited(
        select(Meeting.id, Meeting.title, Meeting.held_on).order_by(Meeting.held_on), Meeting.state == "held"))

    def coming(mid: str, title: str, starts: dt.datetime) -> TodoItem:
        if starts.tzinfo is None:  # SQLite hands back naive UTC
            starts = starts.replace(tzinfo=dt.UTC)
        local = starts.astimezone(zone)
        return TodoItem("meeting.upcoming", INFO, _("Meeting “{title}” on {when}.").format(
            title=title, when=format_datetime(local)), "meetings", mid, local.date())

    def minutes(mid: str, title: str, held: dt.date | None) -> TodoItem:
        return TodoItem("meeting.minutes", WARNING, _("The minutes of “{title}” ({date}) are not yet approved.").format(
            title=title, date=format_date(held) if held else "—"), "meetings", mid, held)

    return (_listed(session, upcoming, {"on": start, "until": end}, coming, lambda n: TodoItem(
                        "meeting.upcoming", INFO, ngettext("…and {n} more meeting this week.",
                                                           "…and {n} more meetings this week.", n).format(n=n), "meetings"))
            + _listed(session, unapproved, {}, minutes, lambda n: TodoItem(
                          "meeting.minutes", WARNING, ngettext("…and {n} more meeting whose minutes wait for approval.",
                                                               "…and {n} more meetings whose minutes wait for approval.",
                                                               n).format(n=n), "meetings")))


def deliberation(*, session: Session, actor: Actor, on: dt.date) -> list[TodoItem]:
    """四议两公开 matters in progress, each with the step it waits for."""
    if not actor.can("meetings.view"):
        return []
    matters = built_once("deliberation.in_progress", lambda: _limited(
        select(DeliberationMatter.id, DeliberationMatter.title, DeliberationMatter.started_on)
        .order_by(DeliberationMatter.started_on), DeliberationMatter.state == IN_PROGRESS))
    steps = built_once("deliberation.steps", lambda: select(DeliberationStep.matter_id, DeliberationStep.step).where(
        DeliberationStep.matter_id.in_(bindparam("matters", expanding=True))))
    rows = plain_rows(session, matters).all()
    shown = [row[:-1] for row in rows[:LIMIT]]
    done: dict[str, set[str]] = {}
    for matter_id, step in plain_rows(session, steps, {"matters": [r[0] for r in shown]}).all():
        done.setdefault(matter_id, set()).add(step)
    items = []
    for matter_id, title, started in shown:
        waiting = next((s for s in STEP_ORDER if s not in done.get(matter_id, set())), None)
        if waiting is None:
            continue
        items.append(TodoItem("deliberation.waiting", INFO, _("“{title}” (四议两公开) waits for: {step}.").format(
            title=title, step=step_label(waiting, short=True)), "deliberation", matter_id, started))
    if len(rows) > LIMIT:
        n = rows[0][-1] - LIMIT
        items.append(TodoItem("deliberation.waiting", INFO, ngettext(
            "…and {n} more matter in progress.", "…and {n} more matters in progress.", n).format(n=n), "deliberation"))
    return items


def awards(*, session: Session, actor: Actor, on: dt.date) -> list[TodoItem]:
    """Selections whose 公示 period has ended: the objections are resolved and the roll is made."""
    if not actor.can("people.view"):
        return []
    ended = built_once("awards.ended", lambda: _limited(
        select(AwardCampaign.id, AwardCampaign.title, AwardCampaign.publicity_end).order_by(AwardCampaign.publicity_end),
        (AwardCampaign.state == "publicity") & (AwardCampaign.publicity_end < ON)))

    def make(cid: str, title: str, end: dt.date) -> TodoItem:
        return TodoItem("award.publicity_ended", WARNING, _(
            "“{title}”: the publicity period ended {date}; make the honours roll.").format(
            title=title, date=format_date(end)), "awards", cid, end)

    return _listed(session, ended, {"on": on}, make, lambda n: TodoItem("award.publicity_ended", WARNING, ngettext(
                       "…and {n} more selection to conclude.", "…and {n} more selections to conclude.", n).format(n=n),
                       "awards"))
