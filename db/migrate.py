"""Schema through Alembic only: create, upgrade (after a backup), or refuse a newer schema."""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from db.errors import SchemaTooNew
from db.errors import translate as _

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every revision this program knows (a store at any of them can be opened or upgraded)."""
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_state(engine: Engine) -> str:
    """``empty``, ``current``, ``older`` or ``newer`` than this program."""
    current = current_revision(engine)
    if current is None:
        return "empty"
    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return "current"
    try:
        script.get_revision(current)
    except Exception:
        return "newer"
    return "older"


def backup_sqlite(path: Path, backup_dir: Path, *, reason: str) -> Path:
    """A consistent copy through SQLite's online backup API (safe while WAL is in use)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"{path.stem}-{reason}-{stamp}.sqlite3"
    tmp = target.with_suffix(".partial")
    src = sqlite3.connect(path)
    dst = sqlite3.connect(tmp)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
    shutil.move(tmp, target)
    return target


def _backup_before_upgrade(path: Path, backup_dir: Path) -> Path:
    """The app's verified backup (``db.upgrade_backup``); a plain copy when there is none or it
    cannot read the old store (a schema too old for its manifest), never no copy at all."""
    from db.errors import VillageDeskError
    from db.upgrade_backup import maker

    make = maker()
    if make is not None:
        try:
            return make(path, backup_dir)
        except (VillageDeskError, sqlite3.Error):
            pass
    return backup_sqlite(path, backup_dir, reason="before-upgrade")


def upgrade(engine: Engine, *, backup_dir: Path | None = None) -> str:
    """Bring the schema to this program's head; returns the state found before."""
    state = schema_state(engine)
    if state == "newer":
        raise SchemaTooNew(
            _("This database was written by a newer VillageDesk (schema {rev}). Install the newer program to open it; nothing was changed.").format(
                rev=current_revision(engine)
            )
        )
    if state == "current":
        return state
    if state == "empty" and inspect(engine).get_table_names():
        foreign = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        if foreign:
            raise SchemaTooNew(_("This file is not a VillageDesk database; nothing was changed."))
    if state == "older" and engine.url.get_backend_name() == "sqlite" and engine.url.database:
        path = Path(engine.url.database)
        _backup_before_upgrade(path, backup_dir or path.parent / "backups")
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    if engine.url.get_backend_name() == "sqlite":
        # Fold the new schema (and the application id in the header) into the main file, so the
        # file says what it is even to a reader that ignores the -wal file.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return state
