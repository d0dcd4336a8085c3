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
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, column, create_engine, event, inspect, table
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, SQLModel, select

import db.scope  # noqa: F401  (registers the village/tombstone scope and the reference check)
import db.tracking  # registers the flush listener; audit_record below
from db.base import SyncedModel  # noqa: F401
from db.errors import DamagedStore, ReadOnlyStore, ValidationError, VillageDeskError, classify
from db.errors import translate as _
from db.identify import MISSING, identify_store, read_only_uri

if TYPE_CHECKING:
    from db.lock import StoreLock  # imported where a lock is taken: reading commands never take one


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
    if not cursor.execute("PRAGMA query_only").fetchone()[0]:
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


def _sqlite_read_only(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA query_only=ON")


def make_engine(target: str | Path, *, read_only: bool = False, **kwargs: Any) -> Engine:
    """An engine on ``target``. ``read_only`` (SQLite): opened so that nothing can be written into
    the file or beside it (no WAL switch, no -wal/-shm created when none exist)."""
    url = database_url(target)
    if url.startswith("sqlite"):
        connect_args: dict[str, Any] = {"check_same_thread": False}
        if read_only:
            path = Path(url.removeprefix("sqlite:///"))
            url = "sqlite:///" + read_only_uri(path) + "&uri=true"
            connect_args["uri"] = True
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        if read_only:
            event.listen(engine, "connect", _sqlite_read_only)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
        if engine.dialect.name == "postgresql":  # the partial indexes' conditions (db.base.postgresql_where)
            from db.base import postgresql_partial_indexes
            from db.models import load_all

            load_all()
            postgresql_partial_indexes(SQLModel.metadata)
    return engine


def sqlite_path(engine: Engine) -> Path | None:
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return None
    database = engine.url.database
    if database.startswith("file:"):
        from urllib.parse import unquote

        return Path(unquote(database.removeprefix("file:").split("?", 1)[0]))
    return Path(database)


def _target_path(target: str | Path) -> Path | None:
    """The SQLite file a target names (None for a server URL or an in-memory store)."""
    text_target = str(target)
    if "://" not in text_target:
        return Path(text_target).expanduser().resolve()
    if text_target.startswith("sqlite:///") and "?" not in text_target and text_target != "sqlite:///:memory:":
        return Path(text_target.removeprefix("sqlite:///")).resolve()
    return None


# Unique indexes whose refusal is a user's duplicate, not a bug: the field it belongs to and what
# to say. SQLite names the columns ("UNIQUE constraint failed: resident.village_code,
# resident.id_number"), PostgreSQL the index.
def N_(message: str) -> str:  # marks a msgid for extraction; translated when used
    return message


_DUPLICATES = {
    "uq_resident_village_id_number": ("resident.village_code, resident.id_number", "id_number",
                                      N_("Another resident already has this ID number.")),
    "uq_household_village_number": ("household.village_code, household.number", "number",
                                    N_("Another household already has this number.")),
    "uq_concern_village_number": ("concern.village_code, concern.number", "number",
                                  N_("This concern number was just taken by another change; save again.")),
    "uq_notice_village_kind_year_seq": ("notice.village_code, notice.kind, notice.year, notice.seq", "seq",
                                        N_("This notice number was just taken by another change; save again.")),
    "ix_user_account_username": ("user_account.username", "username", N_("This user name is taken.")),
}


def _duplicate(exc: IntegrityError) -> ValidationError | None:
    message = str(exc.orig)
    for index, (columns, field, text_) in _DUPLICATES.items():
        if index in message or message.rstrip().endswith(columns):
            return ValidationError({field: _(text_)})
    return None


def convert_error(exc: BaseException) -> BaseException:
    """A driver error as the expected error it stands for (disk full, read-only, duplicate …),
    or ``exc`` itself when it is a bug."""
    if isinstance(exc, IntegrityError):
        return _duplicate(exc) or exc
    if isinstance(exc, (DBAPIError, sqlite3.Error)):  # not OSError: a file the caller writes is its business
        return classify(exc) or exc
    return exc


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """Environment errors inside become :class:`db.errors.StorageError` (with the cause chained)."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        converted = convert_error(exc)
        if converted is exc:
            raise
        raise converted from exc


#: KiB of pages SQLite keeps of what is read under :func:`small_page_cache`
SMALL_PAGE_CACHE_KIB = 64


@contextlib.contextmanager
def small_page_cache(session: Session) -> Iterator[None]:
    """Reads in ``session`` keep almost none of the pages they read (SQLite: at most
    :data:`SMALL_PAGE_CACHE_KIB`; the connection's own cache size again afterwards; another
    database: nothing changes). For reads whose rows are dropped, such as a warm-up's: they would
    otherwise leave the connection's page cache full (2 MB, SQLite's default) for nothing."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    size = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SMALL_PAGE_CACHE_KIB}")  # pages beyond it freed now
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={size}")


# Attributes a read-only store lets go unsaved (signing in notes the time; on read-only media the
# sign-in must still work).
_HOUSEKEEPING = {("user_account", "last_login_at"), ("user_account", "failed_logins"), ("user_account", "locked_until")}


# Audit rows a reading command writes as a side effect (signing in, printing or previewing a
# document): skipped on a read-only store, where nothing can be recorded but reading must work.
_HOUSEKEEPING_AUDIT = {"sign_in"}
_HOUSEKEEPING_NOTES = {"print"}  # audit notes (``action="note"``) on these tables


def _housekeeping_audit(obj: Any) -> bool:
    if getattr(obj, "__tablename__", "") != "audit_log":
        return False
    action = getattr(obj, "action", "")
    return action in _HOUSEKEEPING_AUDIT or (action == "note" and getattr(obj, "table_name", "") in _HOUSEKEEPING_NOTES)


def _only_housekeeping(session: Session) -> bool:
    if session.deleted or not all(_housekeeping_audit(obj) for obj in session.new):
        return False
    for obj in session.dirty:
        state = inspect(obj)
        table = getattr(obj, "__tablename__", "")
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        if any((table, key) not in _HOUSEKEEPING for key in changed):
            return False
    return True


STORE_KIND_KEY = "store.kind"  # the setting that marks a township store (app.sync.township)


class Database:
    """One store: its engine, the village it belongs to, and units of work on it."""

    def __init__(self, target: str | Path, *, migrate: bool = True, backup_dir: Path | None = None,
                 read_only: bool = False, lock: bool = False):
        """Open ``target``. A SQLite file is identified first (:mod:`db.identify`) and refused
        untouched unless it is a sound VillageDesk store no newer than this program; a missing
        file becomes a new store. ``read_only``: nothing is written (no upgrade, no WAL switch);
        a file we may not write is opened so anyway. ``lock``: take the store's writer lock
        (:class:`db.lock.StoreLock`) for the life of this object; :class:`db.errors.StoreLocked`
        when another process holds it."""
        if target is None:
            raise ValueError("no database given")
        path = _target_path(target)
        self.lock: StoreLock | None = None
        self.identity = None
        if path is not None:
            self.identity = identify_store(path)
            refusal = self.identity.error(path)
            if refusal is not None:
                raise refusal
            if self.identity.kind == MISSING:
                if read_only:
                    raise ReadOnlyStore(_("There is no database at {path}, and a read-only store cannot be created.").format(path=path))
            elif not read_only and not _writable(path):
                read_only = True
            if lock and not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
                from db.lock import StoreLock

                self.lock = StoreLock(path).acquire()
        self.read_only = read_only
        self.damage: DamagedStore | None = None
        try:
            with storage_errors():
                self.engine = make_engine(path if path is not None else target, read_only=read_only)
                self.url = self.engine.url
                self.path = sqlite_path(self.engine)
                if migrate and not read_only and not self._at_head():
                    from db.migrate import upgrade

                    upgrade(self.engine, backup_dir=backup_dir)
                elif read_only and self.identity is not None and self.identity.revision is not None:
                    if self.identity.revision != _head_revision():
                        raise ReadOnlyStore(_("This database needs an upgrade to the current program, which cannot be done while it is read-only. Copy it to a writable folder and open it there."))
                self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)
                self.village_code = self._read_village_code()
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise

    def _at_head(self) -> bool:
        """The file was just identified as ours at this program's revision: nothing to upgrade,
        and no need to import Alembic to be told so (``db.revisions``)."""
        from db.identify import OURS

        return self.identity is not None and self.identity.kind == OURS and self.identity.revision == _head_revision()

    def describe(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    def _read_village_code(self) -> str:
        """The village this store belongs to; "" for a township store (it holds many villages, each
        with its profile, and scopes per request) or a store not set up yet. Read without the people
        register's table classes (``db.models.people``): a command that does not use them (``user
        list``, ``backup``) does not build them (issue 16)."""
        from db.models.accounts import Setting

        profile = table("village_profile", column("code"), column("deleted_at"))
        try:
            with self._sessions() as session:
                kind = session.get(Setting, STORE_KIND_KEY)
                if kind is not None and isinstance(kind.value, dict) and kind.value.get("kind") == "township":
                    return ""
                code = session.exec(select(profile.c.code).where(profile.c.deleted_at.is_(None))).first()
        except OperationalError:
            return ""
        return code or ""

    def refresh_village_code(self) -> str:
        self.village_code = self._read_village_code()
        return self.village_code

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read-mostly session (no actor); commit yourself if you write."""
        try:
            with storage_errors(), self._sessions() as session:
                session.info["village_code"] = self.village_code
                session.info["read_only"] = self.read_only
                yield session
        except BaseException as exc:
            self._record_refusal(exc, "")
            raise

    @contextlib.contextmanager
    def unit(self, actor: Any = None) -> Iterator[Session]:
        """A unit of work acting as ``actor``: commits on success, rolls back on any error.

        Environment errors come out as :class:`db.errors.StorageError`, a duplicate refused by a
        known unique index as a field's :class:`db.errors.ValidationError`. On a read-only store
        a unit that changed only housekeeping (the sign-in time) ends without writing.

        An error that carries an ``audit_record`` (a refused permission, a failed sign-in) is
        written to the audit log in a short unit of its own *after* this one has rolled back and
        let go of the write lock, so the refusal is kept although the caller's changes are not
        (with the record's ``rows``, ``(model, values)`` of a local log such as the mediation
        access log)."""
        if self.damage is not None:
            raise self.damage
        name = getattr(actor, "username", actor) or ""
        try:
            with storage_errors(), self._sessions() as session:
                session.info["actor"] = name
                session.info["village_code"] = self.village_code
                session.info["read_only"] = self.read_only
                if self.engine.url.get_backend_name() == "sqlite" and not self.read_only:
                    session.connection(execution_options={"write": True})
                try:
                    yield session
                    if self.read_only and _only_housekeeping(session):
                        session.rollback()
                    else:
                        session.commit()
                        if self.lock is not None:
                            self._record_mark()
                except BaseException as exc:
                    session.rollback()
                    converted = convert_error(exc)
                    if isinstance(converted, DamagedStore):
                        self.damage = converted  # a damaged store is never written again in this run
                    if converted is not exc:
                        raise converted from exc
                    raise
        except BaseException as exc:
            self._record_refusal(exc, name)
            raise

    def _record_refusal(self, exc: BaseException, actor: str) -> None:
        record = getattr(exc, "audit_record", None)
        if not record or self.read_only or self.damage is not None:
            return
        exc.audit_record = None  # type: ignore[attr-defined]  # once, even when units nest
        try:
            with self._sessions() as session:
                session.info["actor"] = str(record.get("actor") or actor)
                session.info["village_code"] = self.village_code
                if self.engine.url.get_backend_name() == "sqlite":
                    session.connection(execution_options={"write": True})
                db.tracking.audit_record(session, **{k: v for k, v in record.items() if k not in ("actor", "rows")})
                # rows of a log of its own kept with the refusal (the mediation access log): (model, values)
                for model, values in record.get("rows") or ():
                    session.add(model(**values))
                session.commit()
        except Exception:  # read-only media, a damaged store: the refusal itself still stands
            logging.getLogger(__name__).warning("could not record %s in the audit log", record.get("action"), exc_info=True)

    def _record_mark(self) -> None:
        """After a commit, note the change counter and the audit log's last id beside the file
        (``<file>.mark``). The commit is durable before the note is written, so the note is never
        ahead of the store, unless the store lost committed changes afterwards (a deleted or
        truncated ``-wal`` file, an older copy put in its place): ``check`` compares them."""
        try:
            with self.engine.connect() as conn:
                rev = conn.exec_driver_sql("SELECT value FROM rev_counter WHERE name = 'rev'").scalar() or 0
                audit = conn.exec_driver_sql("SELECT max(id) FROM audit_log").scalar() or 0
            mark_path(self.path).write_text(f"{rev} {audit}\n", encoding="ascii")
        except (OSError, DBAPIError):
            pass  # the note is a help for `check`, never a reason to fail a saved change

    def acquire_lock(self) -> StoreLock:
        """The writer lock, taken now if this object does not hold it (restore needs it)."""
        if self.path is None:
            raise VillageDeskError(_("Only a database file has a store lock."))
        if self.lock is None:
            from db.lock import StoreLock

            self.lock = StoreLock(self.path)
        return self.lock.acquire()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def _head_revision() -> str:
    from db.revisions import head_revision

    head = head_revision()
    if head is None:
        from db.migrate import head_revision as alembic_head

        head = alembic_head()
    return head


def mark_path(path: Path) -> Path:
    return Path(str(path) + ".mark")


def read_mark(path: Path) -> tuple[int, int] | None:
    """``(rev, audit id)`` last noted after a commit by the lock holder, or None."""
    try:
        rev, audit = mark_path(path).read_text(encoding="ascii").split()
        return int(rev), int(audit)
    except (OSError, ValueError):
        return None


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
