"""工作台: the to-do list and the month series behind the dashboard and the monthly report.

Every item is found by an indexed count or a short ``LIMIT``-ed query: the list never loads a
register. An area contributes its items through ``Area.todo`` (:mod:`app.workbench.items`); the
program's own items (bundles the township has not acknowledged, the last backup) are added here.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from babel.dates import format_skeleton
from sqlalchemy import case, func
from sqlmodel import Session, select

from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import _, babel_locale, format_date, ngettext
from db.base import local_now
from db.models.concerns import Concern
from db.models.mediation import MediationCase
from db.models.meetings import Meeting
from db.models.points import PointsEntry
from db.models.sync import OutboxBundle
from db.models.volunteers import VolunteerHours

ALERT, WARNING, INFO = "alert", "warning", "info"
SEVERITIES = (ALERT, WARNING, INFO)  # most urgent first
LIMIT = 5  # records of one kind listed one by one; the rest are one "and N more" line
DUE_SOON_DAYS = 3  # a concern due within this many days is "due soon"
UPCOMING_DAYS = 7  # meetings of the next week
BACKUP_ALERT_DAYS = 7  # a last backup older than this is an alert
MONTHS = 12
HELD_STATES = ("held", "minutes_approved", "published")  # app.meetings: a meeting that took place


@dataclasses.dataclass(frozen=True)
class TodoItem:
    """One line of the to-do list: how urgent, what to do (in the user's language), and the record
    it opens (``page``: a page key of the GUI; ``record_id``: "" opens the page alone)."""

    kind: str  # concern.overdue, mediation.near …
    severity: str  # alert | warning | info
    text: str
    page: str
    record_id: str = ""
    on: dt.date | None = None  # the date it is about (due, ends, starts): sorts within a severity


@dataclasses.dataclass(frozen=True)
class MonthSeries:
    """Figures per month of the last twelve (oldest first); each list has one value per month."""

    months: list[str]  # YYYY-MM
    meetings_by_kind: dict[str, list[int]]  # held meetings, by app.meetings kind (kinds with none left out)
    concerns_raised: list[int]
    concerns_closed: list[int]  # closed in that month (whenever raised)
    closure_rate: list[float | None]  # 办结率: of those raised in the month, the share closed by now
    figures: dict[str, list[float]]  # each area's key figure: mediation_cases, volunteer_hours, points_*


def today() -> dt.date:
    return local_now().date()


def sorted_items(items: list[TodoItem]) -> list[TodoItem]:
    far = dt.date.max
    return sorted(items, key=lambda i: (SEVERITIES.index(i.severity), i.on or far, i.kind))


def todo(*, session: Session, actor: Actor, on: dt.date | None = None) -> list[TodoItem]:
    """What needs doing, most urgent first: every area's items the actor may see, and the bundles
    not yet acknowledged by the township. The last backup is :func:`backup_item` (it reads files).
    The areas' ``todo`` entries are found through :mod:`app.area_index` (the registry is not
    imported for them: the 工作台 reads this right after the password check, before the registry
    is loaded)."""
    from app.area_index import todo_sources

    require(actor, "stats.view")
    on = on or today()
    items: list[TodoItem] = []
    for source in todo_sources():
        items.extend(source(session=session, actor=actor, on=on))
    items.extend(_outbox(session, actor))
    return sorted_items(items)


_OUTBOX: Any = None  # the statement of _outbox, built once


def _outbox(session: Session, actor: Actor) -> list[TodoItem]:
    if not actor.can("sync.export"):
        return []
    from db.scope import plain_rows

    global _OUTBOX
    if _OUTBOX is None:
        _OUTBOX = select(func.count(), func.min(OutboxBundle.created_at)).where(OutboxBundle.acknowledged_at.is_(None))
    waiting, oldest = plain_rows(session, _OUTBOX).one()
    if not waiting:
        return []
    made = oldest.date() if isinstance(oldest, dt.datetime) else None
    text = ngettext("{n} report bundle is not yet acknowledged by the township (the oldest made {date}).",
                    "{n} report bundles are not yet acknowledged by the township (the oldest made {date}).",
                    waiting).format(n=waiting, date=format_date(made) if made else "—")
    return [TodoItem("sync.unacknowledged", WARNING, text, "sync", on=made)]


def backup_folders(session: Session) -> list[Path]:
    """Where this store's backups are: the program's backup folder and the one beside the store."""
    from app.paths import backups_dir

    folders = [backups_dir()]
    database = session.get_bind().url.database
    if database:
        folders.append(Path(database).parent / "backups")
    return folders


def backup_item(*, session: Session, actor: Actor, folders: list[Path] | None = None,
                on: dt.date | None = None) -> TodoItem:
    """备份: how old the newest good backup is; an alert when there is none or it is older than
    :data:`BACKUP_ALERT_DAYS` days. Reads (and verifies) files, so the dashboard asks for it after
    the rest of the list."""
    from app.backup import newest_backup

    require(actor, "stats.view")
    on = on or today()
    found = newest_backup(folders if folders is not None else backup_folders(session), remember=True)
    if found is None:
        return TodoItem("backup.none", ALERT, _("No backup yet: make one now (Settings → Back up)."), "settings")
    made = found.made.astimezone(local_now().tzinfo).date() if found.made.tzinfo else found.made.date()
    days = max(0, (on - made).days)
    if days == 0:
        text = _("Last backup: today.")
    else:
        text = ngettext("Last backup: {n} day ago.", "Last backup: {n} days ago.", days).format(n=days)
    if days > BACKUP_ALERT_DAYS:
        return TodoItem("backup.old", ALERT, text + " " + _("Make a backup now (Settings → Back up)."), "settings",
                        on=made)
    return TodoItem("backup.recent", INFO, text, "settings", on=made)


# ---------------------------------------------------------------- month series


def month_of(ident: str, on: dt.date | None = None) -> dt.date:
    """The first day of the month ``ident`` names: ``YYYY-MM``, or ``latest`` (the last whole month)."""
    ident = (ident or "latest").strip()
    if ident == "latest":
        first = (on or today()).replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", ident)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise NotFound(_("Give a month as YYYY-MM (2026-11) or latest."))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_label(key: str, *, short: bool = False) -> str:
    """``2026-11`` as the reader says it: 2026年11月 / November 2026 (short: 11月 / Nov)."""
    first = dt.date(int(key[:4]), int(key[5:7]), 1)
    return str(format_skeleton("MMM" if short else "yMMMM", first, locale=babel_locale(), fuzzy=True))


def month_keys(end: dt.date | None = None, months: int = MONTHS) -> list[str]:
    """The ``months`` months ending with the month of ``end`` (default this month), oldest first."""
    end = end or today()
    year, month = end.year, end.month
    keys = []
    for _i in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def _bounds(keys: list[str]) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(keys[0] + "-01")
    year, month = int(keys[-1][:4]), int(keys[-1][5:])
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, after


def _month(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def _per_month(session: Session, keys: list[str], column: Any, value: Any, *where: Any) -> list[float]:
    """One ``GROUP BY`` month of ``value`` over ``column``'s range: a list in the order of ``keys``."""
    first, after = _bounds(keys)
    month = _month(session, column)
    rows = session.exec(select(month, value).where(column >= first, column < after, *where).group_by(month)).all()
    found = {str(m): (v or 0) for m, v in rows}
    return [found.get(k, 0) for k in keys]


def month_series(*, session: Session, actor: Actor, end: dt.date | None = None) -> MonthSeries:
    """The last twelve months (ending with the month of ``end``): meetings held by kind, concerns
    raised and closed with 办结率, and each area's key figure (cases registered, volunteer hours,
    points issued and redeemed). Counts only: no record leaves this function."""
    require(actor, "stats.view")
    keys = month_keys(end)
    first, after = _bounds(keys)
    month = _month(session, Meeting.held_on)
    by_kind: dict[str, list[int]] = {}
    for m, kind, n in session.exec(select(month, Meeting.kind, func.count()).where(
            Meeting.held_on >= first, Meeting.held_on < after, Meeting.state.in_(HELD_STATES))
            .group_by(month, Meeting.kind)).all():
        if str(m) in keys:
            by_kind.setdefault(kind, [0] * len(keys))[keys.index(str(m))] = int(n)
    raised_month = _month(session, Concern.raised_on)
    raised: dict[str, tuple[int, int]] = {
        str(m): (int(n), int(c or 0)) for m, n, c in session.exec(
            select(raised_month, func.count(), func.sum(case((Concern.state == "closed", 1), else_=0)))
            .where(Concern.raised_on >= first, Concern.raised_on < after).group_by(raised_month)).all()}
    closed = _per_month(session, keys, Concern.closed_on, func.count(), Concern.state == "closed")
    rates = [round(raised[k][1] / raised[k][0], 4) if k in raised and raised[k][0] else None for k in keys]
    figures: dict[str, list[float]] = {
        "mediation_cases": [int(v) for v in _per_month(session, keys, MediationCase.registered_on, func.count())],
        "volunteer_hours": [round(int(v) / 60, 1) for v in _per_month(
            session, keys, VolunteerHours.served_on, func.sum(VolunteerHours.minutes))],
        "points_issued": [int(v) for v in _per_month(
            session, keys, PointsEntry.entry_date, func.sum(PointsEntry.points),
            PointsEntry.kind == "earn", PointsEntry.goods_id.is_(None))],
        "points_redeemed": [int(v) for v in _per_month(
            session, keys, PointsEntry.entry_date, func.sum(-PointsEntry.points), PointsEntry.goods_id.is_not(None))],
    }
    return MonthSeries(months=keys, meetings_by_kind=by_kind,
                       concerns_raised=[raised.get(k, (0, 0))[0] for k in keys], concerns_closed=[int(v) for v in closed],
                       closure_rate=rates, figures=figures)
