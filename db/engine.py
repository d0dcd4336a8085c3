"""Engine factory and the unit of work.

SQLite (the default, one file in the user's data directory) is opened with WAL, foreign keys on
and ``synchronous=FULL``: village PCs lose power, and a committed change must survive that.
Any SQLAlchemy URL (``postgresql+psycopg://…``) works for a township or county store.
"""
from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

import db.scope  # noqa: F401  (registers the village/tombstone scope and the reference check)
import db.tracking  # registers the flush listener; audit_record below
from db.base import SyncedModel  # noqa: F401


def database_url(target: str | Path) -> str:
    """A path → SQLite file; anything with ``://`` → as given. (The default file is the app's
    business: ``app.paths.default_db_path``.)"""
    if target is None:
        raise ValueError("no database given")
    text_target = str(target)
    if "://" in text_target:
        return text_target
    path = Path(text_target).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # The driver's own transaction handling is off: SQLAlchemy's "begin" event below decides
    # between a deferred BEGIN (reads) and BEGIN IMMEDIATE (units of work).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    """A unit of work takes SQLite's write lock when it starts (``BEGIN IMMEDIATE``): a second writer
    waits (busy timeout) instead of failing half-way when it first writes, and a number read and
    bumped inside the unit cannot be taken by another process meanwhile."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def make_engine(target: str | Path, **kwargs: Any) -> Engine:
    url = database_url(target)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    return engine


def sqlite_path(engine: Engine) -> Path | None:
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return None
    return Path(engine.url.database)


class Database:
    """One store: its engine, the village it belongs to, and units of work on it."""

    def __init__(self, target: str | Path, *, migrate: bool = True, backup_dir: Path | None = None):
        self.engine = make_engine(target)
        self.url = self.engine.url
        self.path = sqlite_path(self.engine)
        if migrate:
            from db.migrate import upgrade

            upgrade(self.engine, backup_dir=backup_dir)
        self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)
        self.village_code = self._read_village_code()

    def describe(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    def _read_village_code(self) -> str:
        from db.models.people import VillageProfile

        try:
            with self._sessions() as session:
                profile = session.exec(select(VillageProfile).where(VillageProfile.deleted_at.is_(None))).first()
        except OperationalError:
            return ""
        return profile.code if profile else ""

    def refresh_village_code(self) -> str:
        self.village_code = self._read_village_code()
        return self.village_code

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read-mostly session (no actor); commit yourself if you write."""
        try:
            with self._sessions() as session:
                session.info["village_code"] = self.village_code
                yield session
        except BaseException as exc:
            self._record_refusal(exc, "")
            raise

    @contextlib.contextmanager
    def unit(self, actor: Any = None) -> Iterator[Session]:
        """A unit of work acting as ``actor``: commits on success, rolls back on any error.

        An error that carries an ``audit_record`` (a refused permission, a failed sign-in) is
        written to the audit log in a short unit of its own *after* this one has rolled back and
        let go of the write lock, so the refusal is kept although the caller's changes are not."""
        name = getattr(actor, "username", actor) or ""
        try:
            with self._sessions() as session:
                session.info["actor"] = name
                session.info["village_code"] = self.village_code
                if self.engine.url.get_backend_name() == "sqlite":
                    session.connection(execution_options={"write": True})
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except BaseException as exc:
            self._record_refusal(exc, name)
            raise

    def _record_refusal(self, exc: BaseException, actor: str) -> None:
        record = getattr(exc, "audit_record", None)
        if not record:
            return
        exc.audit_record = None  # type: ignore[attr-defined]  # once, even when units nest
        try:
            with self._sessions() as session:
                session.info["actor"] = str(record.get("actor") or actor)
                session.info["village_code"] = self.village_code
                if self.engine.url.get_backend_name() == "sqlite":
                    session.connection(execution_options={"write": True})
                db.tracking.audit_record(session, **{k: v for k, v in record.items() if k != "actor"})
                session.commit()
        except Exception:  # read-only media, a damaged store: the refusal itself still stands
            logging.getLogger(__name__).warning("could not record %s in the audit log", record.get("action"), exc_info=True)

    def dispose(self) -> None:
        self.engine.dispose()
