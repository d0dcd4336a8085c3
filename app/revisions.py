"""Optimistic concurrency for edit forms: a save over a change made since the form was opened is
refused, naming who made it and when.

Every synced row carries ``rev`` (stamped by ``db.tracking`` on each change). A form read for
editing remembers the rev it was read at; the save calls :func:`check_rev` inside its write
transaction, before it changes anything. ``rev=None`` means "no check" (the command line,
imports, callers that never read a form).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from app.errors import ChangedMeanwhile
from app.i18n import _, format_datetime
from db.base import local_now
from db.models.accounts import User
from db.tracking import AuditEntry

_CHANGES = ("insert", "update", "delete", "bulk")


def rev_of(row: Any) -> int | None:
    """The rev a form read from ``row`` carries (``None`` for a row not stored yet)."""
    return getattr(row, "rev", None) if row is not None else None


def check_rev(session: Session, row: Any, rev: int | None) -> None:
    """Raise :class:`ChangedMeanwhile` when ``row`` has changed since it was read at ``rev``.

    ``row=None`` with a rev means the record has appeared since (a form opened over no record);
    ``rev=0`` means the form was opened when the record did not exist yet."""
    if rev is None:
        return
    current = rev_of(row) or 0
    if current == rev:
        return
    name, at = changed_by(session, row)
    raise ChangedMeanwhile(
        _("This record was changed by {name} at {time} after you opened it. Reload it to see the changes, "
          "then make yours again.").format(name=name, time=at), name=name, at=at)


def changed_by(session: Session, row: Any) -> tuple[str, str]:
    """Who changed ``row`` last and when, for the user: from the newest audit row of the record,
    else the row's ``updated_at`` and "another user"."""
    entry = None
    if row is not None and getattr(row, "id", None):
        entry = session.exec(
            select(AuditEntry)
            .where(AuditEntry.table_name == row.__tablename__, AuditEntry.row_id == str(row.id),
                   col(AuditEntry.action).in_(_CHANGES))
            .order_by(col(AuditEntry.id).desc()).limit(1)).first()
    name = ""
    when = getattr(row, "updated_at", None)
    if entry is not None:
        when = entry.at
        if entry.actor:
            user = session.exec(select(User).where(User.username == entry.actor)).first()
            name = (user.display_name if user is not None else "") or entry.actor
    return name or _("another user"), _local(when)


def _local(value: dt.datetime | None) -> str:
    if value is None:
        return _("an unknown time")
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value.astimezone(local_now().tzinfo), seconds=False)
