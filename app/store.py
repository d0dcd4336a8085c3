"""Opening the store: the one place the GUI (and anything else outside ``db/``) gets a
:class:`db.engine.Database` from, with a failure to open it told in the user's language.

The GUI holds the store's writer lock (:mod:`db.lock`) for as long as it runs. When another
VillageDesk already holds it, the store is opened read-only instead and ``database.read_only_reason``
says why (the window shows it as a banner); a file that is not ours, damaged or newer is refused
untouched (:mod:`db.identify`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from app.errors import StorageError
from app.i18n import _
from app.paths import default_db_path
from db.engine import Database, convert_error
from db.errors import StoreLocked


def open_store(target: str | Path | None = None, *, lock: bool = True) -> Any:
    """The database at ``target`` (a path or URL; None: the default location), opened and
    upgraded; :class:`StorageError` (or another expected error) when it cannot be opened.

    With ``lock`` the writer lock is taken; if another process holds it the store opens
    read-only, with ``read_only_reason`` set."""
    target = target or default_db_path()
    try:
        try:
            database = Database(target, lock=lock)
        except StoreLocked:
            database = Database(target, read_only=True)
            database.read_only_reason = _("Another VillageDesk window or command has this database open for changes, so it is opened read-only here. Close the other one and reopen to make changes.")
            return database
    except DBAPIError as exc:
        converted = convert_error(exc)
        if converted is not exc:
            raise converted from exc
        raise StorageError(_("Could not open the database {path}: {reason}").format(
            path=target, reason=str(exc.orig))) from exc
    database.read_only_reason = _("The database is on read-only media or write-protected: you can read and print, not change anything.") if database.read_only else ""
    return database


def describe(database: Any) -> str:
    """Where the store is, and why it is read-only when it is."""
    reason = getattr(database, "read_only_reason", "")
    return f"{database.describe()} — {reason}" if reason else database.describe()
