"""Opening the store: the one place the GUI (and anything else outside ``db/``) gets a
:class:`db.engine.Database` from, with a failure to open it told in the user's language."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from app.errors import StorageError
from app.i18n import _
from app.paths import default_db_path
from db.engine import Database


def open_store(target: str | Path | None = None) -> Any:
    """The database at ``target`` (a path or URL; None: the default location), opened and
    upgraded; :class:`StorageError` when it cannot be opened."""
    try:
        return Database(target or default_db_path())
    except OperationalError as exc:
        raise StorageError(_("Could not open the database {path}: {reason}").format(
            path=target or _("(default location)"), reason=str(exc.orig))) from exc
