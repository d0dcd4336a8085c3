"""The one place that stamps ``rev``/``updated_at`` and writes the audit trail.

A ``before_flush`` listener on every ORM session looks at what is about to be written:

* new synced rows get ``village_code`` (from ``session.info``), timestamps and a fresh ``rev``;
* changed synced rows get a fresh ``rev`` and ``updated_at``; a change of ``deleted_at`` from
  empty to a time is recorded as a (soft) delete;
* every insert, update and delete of any table is written to ``audit_log`` with the acting user
  (``session.info["actor"]``) and each changed field as ``[old, new]``.

Hard deletes of synced rows and edits of append-only ledger rows are refused: both would break
sync and the ledger's history.

The audit log itself is append-only and hash-chained (审计日志防篡改). Updates and deletes of
``AuditEntry`` are refused here (and by triggers in the database, migration 0004). Each new audit
row gets its ``id`` from this listener, not from the database: the listener first bumps
``audit_head.last_id`` (an UPDATE, so the unit holds the write lock — SQLite's ``BEGIN IMMEDIATE``
already does, PostgreSQL locks the head row), then numbers the new rows ``last_id + 1 …`` and
computes ``hash = SHA-256(canonical JSON of id, at, actor, action, table_name, row_id, changes,
prev_hash)`` in that order. Everything happens before the INSERTs, inside the same transaction, so
a rolled-back unit leaves neither rows nor a moved head, and two writers can never interleave.
``audit_head`` remembers the last id and hash, so deleting the newest rows is detected too
(:func:`verify_chain`). ``session.info["importing"] = True`` (bundle import) keeps the
incoming ``rev``/timestamps but still audits.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import JSON, event, inspect, text
from sqlalchemy.orm import Session
from sqlmodel import Column, Field, SQLModel

from db.base import LocalModel, SyncedModel, utcnow


class AuditEntry(SQLModel, table=True):
    """审计日志: who changed which row, when, and each field old → new. Never leaves the village."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(default="", max_length=64, index=True)
    action: str = Field(max_length=16)  # insert | update | delete | note
    table_name: str = Field(max_length=64, index=True)
    row_id: str = Field(max_length=64, index=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64, index=True)


class AuditHead(SQLModel, table=True):
    """The newest audit row's id and hash, so that cutting off the end of the log is noticed."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_id: int = Field(default=0)
    last_hash: str = Field(default="", max_length=64)


class RevCounter(SQLModel, table=True):
    """The village-local change counter that ``rev`` values come from."""

    __tablename__ = "rev_counter"

    name: str = Field(primary_key=True, max_length=32)
    value: int = Field(default=0)


class TrackingError(RuntimeError):
    """A programming error: a write that would break sync or a ledger."""


_UNTRACKED = {"audit_log", "audit_head", "rev_counter", "alembic_version"}
_STAMPS = {"rev", "updated_at", "created_at"}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _row_id(obj: Any) -> str:
    identity = inspect(obj).identity
    if identity:
        return ",".join(str(v) for v in identity)
    pk = [getattr(obj, col.key, None) for col in inspect(obj).mapper.primary_key]
    return ",".join("" if v is None else str(v) for v in pk)


def _redact(obj: Any, field: str, value: Any) -> Any:
    return "***" if field in getattr(type(obj), "__audit_redact__", ()) and value is not None else _jsonable(value)


def _changes_of(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes() or key in _STAMPS:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        changes[key] = [_redact(obj, key, old), _redact(obj, key, new)]
    return changes


def next_revs(session: Session, count: int) -> range:
    """Reserve ``count`` consecutive rev numbers inside the current transaction."""
    conn = session.connection()
    updated = conn.execute(text("UPDATE rev_counter SET value = value + :n WHERE name = 'rev'"), {"n": count})
    if updated.rowcount == 0:
        conn.execute(text("INSERT INTO rev_counter (name, value) VALUES ('rev', :n)"), {"n": count})
    last = conn.execute(text("SELECT value FROM rev_counter WHERE name = 'rev'")).scalar_one()
    return range(last - count + 1, last + 1)


def current_rev(session: Session) -> int:
    value = session.connection().execute(text("SELECT value FROM rev_counter WHERE name = 'rev'")).scalar()
    return int(value or 0)


def _tracked(obj: Any) -> bool:
    return isinstance(obj, (SyncedModel, LocalModel)) or (
        isinstance(obj, SQLModel) and getattr(obj, "__tablename__", None) not in _UNTRACKED
    )


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    actor = str(session.info.get("actor") or "")
    importing = bool(session.info.get("importing"))
    village_code = str(session.info.get("village_code") or "")
    now = utcnow()
    entries: list[AuditEntry] = []
    to_stamp: list[SyncedModel] = []
    _refuse_audit_edits(session)

    for obj in list(session.new):
        if isinstance(obj, AuditEntry) or not _tracked(obj):
            continue
        if isinstance(obj, SyncedModel):
            if not obj.village_code:
                obj.village_code = village_code
            if not importing:
                obj.created_at = obj.updated_at = now
                to_stamp.append(obj)
        values = {key: _redact(obj, key, getattr(obj, key)) for key in _columns(obj) if key not in _STAMPS}
        entries.append(AuditEntry(at=now, actor=actor, action="insert", table_name=obj.__tablename__,
                                  row_id=_row_id(obj), changes={k: [None, v] for k, v in values.items() if v is not None}))

    for obj in list(session.dirty):
        if isinstance(obj, AuditEntry) or not _tracked(obj) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes_of(obj)
        if not changes:
            continue
        if isinstance(obj, SyncedModel) and type(obj).__append_only__ and not importing:
            raise TrackingError(f"{obj.__tablename__} is an append-only ledger; record a reversal entry instead")
        action = "update"
        if "deleted_at" in changes and changes["deleted_at"][0] is None:
            action = "delete"
        if isinstance(obj, SyncedModel) and not importing:
            obj.updated_at = now
            to_stamp.append(obj)
        entries.append(AuditEntry(at=now, actor=actor, action=action, table_name=obj.__tablename__,
                                  row_id=_row_id(obj), changes=changes))

    for obj in list(session.deleted):
        if isinstance(obj, SyncedModel):
            raise TrackingError(f"{obj.__tablename__} rows are deleted softly (db.base.soft_delete) so deletions can travel")
        if _tracked(obj) and not isinstance(obj, AuditEntry):
            entries.append(AuditEntry(at=now, actor=actor, action="delete", table_name=obj.__tablename__,
                                      row_id=_row_id(obj), changes={}))

    if to_stamp:
        for obj, rev in zip(to_stamp, next_revs(session, len(to_stamp)), strict=True):
            obj.rev = rev
    session.add_all(entries)
    _chain(session)


def _refuse_audit_edits(session: Session) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise TrackingError("audit_log is append-only: its rows are never deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj, include_collections=False):
            raise TrackingError("audit_log is append-only: its rows are never changed")


def _canonical_at(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def audit_hash(*, id: int, at: Any, actor: str, action: str, table_name: str, row_id: str,
               changes: Any, prev_hash: str) -> str:
    """SHA-256 (hex) over the canonical JSON of one audit row and the hash of the row before it."""
    if isinstance(changes, str):  # a raw SQL read of the JSON column
        changes = json.loads(changes)
    payload = {"id": int(id), "at": _canonical_at(at), "actor": actor or "", "action": action,
               "table_name": table_name, "row_id": row_id, "changes": changes, "prev_hash": prev_hash or ""}
    text_ = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def _chain(session: Session) -> None:
    """Number and hash this flush's new audit rows after the remembered head (see module docstring)."""
    pending = [obj for obj in session.new if isinstance(obj, AuditEntry) and not obj.hash]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order or 0)
    conn = session.connection()
    # The UPDATE comes first: it takes the write lock (row lock on PostgreSQL) before the head is read.
    if conn.execute(text("UPDATE audit_head SET last_id = last_id + :n WHERE id = 1"), {"n": len(pending)}).rowcount == 0:
        top = conn.execute(text("SELECT max(id) FROM audit_log")).scalar() or 0
        conn.execute(text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, :n, '')"), {"n": top + len(pending)})
    last_id, prev = conn.execute(text("SELECT last_id, last_hash FROM audit_head WHERE id = 1")).one()
    for number, obj in enumerate(pending, start=last_id - len(pending) + 1):
        obj.id = number
        if obj.at is None:
            obj.at = utcnow()
        obj.changes = json.loads(json.dumps(_jsonable(obj.changes or {}), ensure_ascii=False))
        obj.prev_hash = prev
        obj.hash = prev = audit_hash(id=number, at=obj.at, actor=obj.actor, action=obj.action, table_name=obj.table_name,
                                     row_id=obj.row_id, changes=obj.changes, prev_hash=obj.prev_hash)
    conn.execute(text("UPDATE audit_head SET last_hash = :h WHERE id = 1"), {"h": prev})


def chain_breaks(conn: Any) -> list[tuple[str, dict[str, Any]]]:
    """Where the audit chain is broken, as ``(kind, details)``; empty when it is whole.

    kinds: ``edited`` (a row's hash does not match its contents), ``unlinked`` (a row does not
    follow the one before it: rows were deleted or put in between; ``missing`` lists the absent ids),
    ``truncated`` (the head remembers rows that are gone), ``head`` (the head does not match the log)."""
    from sqlalchemy import select

    table = AuditEntry.__table__
    problems: list[tuple[str, dict[str, Any]]] = []
    prev_hash, prev_id = "", 0
    result = conn.execute(select(table.c.id, table.c.at, table.c.actor, table.c.action, table.c.table_name,
                                 table.c.row_id, table.c.changes, table.c.prev_hash, table.c.hash).order_by(table.c.id))
    for row in result:
        # A numbering gap alone is no fault (logs from before the chain, PostgreSQL sequences): the link is.
        if (row.prev_hash or "") != prev_hash:
            problems.append(("unlinked", {"id": row.id, "missing": [prev_id + 1, row.id - 1] if row.id > prev_id + 1 else []}))
        expected = audit_hash(id=row.id, at=row.at, actor=row.actor, action=row.action, table_name=row.table_name,
                              row_id=row.row_id, changes=row.changes, prev_hash=row.prev_hash or "")
        if expected != row.hash:
            problems.append(("edited", {"id": row.id}))
        prev_hash, prev_id = row.hash or "", row.id
    head = conn.execute(text("SELECT last_id, last_hash FROM audit_head WHERE id = 1")).first()
    if head is None:
        if prev_id:
            problems.append(("head", {"id": prev_id}))
    elif head.last_id > prev_id:
        problems.append(("truncated", {"missing": [prev_id + 1, head.last_id]}))
    elif head.last_id < prev_id or head.last_hash != prev_hash:
        problems.append(("head", {"id": prev_id}))
    return problems


def chain_head(conn: Any) -> dict[str, Any]:
    """The remembered newest audit row (id and hash), for backup manifests."""
    head = conn.execute(text("SELECT last_id, last_hash FROM audit_head WHERE id = 1")).first()
    return {"last_id": head.last_id if head else 0, "last_hash": head.last_hash if head else ""}


def audit_record(session: Session, *, action: str, table_name: str, row_id: str, changes: dict[str, Any] | None = None) -> None:
    """Record an event that is no row change (a sign-in, a refusal …) under ``action``."""
    session.add(AuditEntry(actor=str(session.info.get("actor") or ""), action=action[:16], table_name=table_name[:64],
                           row_id=str(row_id)[:64], changes=_jsonable(changes or {})))


def audit_note(session: Session, *, table_name: str, row_id: str, note: str, detail: dict[str, Any] | None = None) -> None:
    """Record a deliberate act that changes no row (unmasking a field on a notice, an export …)."""
    session.add(AuditEntry(actor=str(session.info.get("actor") or ""), action="note", table_name=table_name,
                           row_id=row_id, changes={"note": note, **(_jsonable(detail or {}))}))


class BulkWriter:
    """The one bulk write path (demo data now; bundle and Excel imports): rows collected per table and
    written with executemany INSERTs, stamped exactly as the flush listener would stamp them
    (``id``, ``village_code``, timestamps, a rev of its own for each row).

    Audit: one ``bulk`` row per table and batch that lists the ids written, rather than one row per
    generated row. The rows themselves carry their values and rev, so the summary loses nothing a
    reader needs, and a 30,000-row import does not add 30,000 audit rows of copied values.
    """

    def __init__(self, session: Session, *, note: str):
        self.session = session
        self.note = note
        self.rows: dict[type, list[dict[str, Any]]] = {}
        self.village_code = str(session.info.get("village_code") or "")

    def add(self, model: type, **values: Any) -> str:
        from db.base import new_id

        values.setdefault("id", new_id())
        self.rows.setdefault(model, []).append(values)
        return values["id"]

    def write(self, order: list[type] | None = None) -> dict[str, int]:
        """Write everything collected, parents first (``order``; otherwise as first added)."""
        from sqlalchemy import insert

        now = utcnow()
        total = sum(len(rows) for rows in self.rows.values())
        revs = iter(next_revs(self.session, total)) if total else iter(())
        counts: dict[str, int] = {}
        models = list(order or []) + [m for m in self.rows if m not in (order or [])]
        actor = str(self.session.info.get("actor") or "")
        for model in models:
            rows = self.rows.get(model, [])
            if not rows:
                continue
            if not issubclass(model, SyncedModel):
                raise TrackingError(f"{model.__tablename__} is not a synced table")
            base = {col.key: None for col in model.__table__.columns} | _defaults(model)
            base.update(village_code=self.village_code, created_at=now, updated_at=now, deleted_at=None)
            full = [{**base, **row, "rev": next(revs)} for row in rows]
            for start in range(0, len(full), 5000):
                self.session.connection().execute(insert(model.__table__), full[start:start + 5000])
            counts[model.__tablename__] = len(rows)
            self.session.add(AuditEntry(at=now, actor=actor, action="bulk", table_name=model.__tablename__,
                                        row_id="*", changes={"note": self.note, "count": len(rows),
                                                             "ids": [row["id"] for row in full]}))
        self.rows.clear()
        self.session.flush()
        return counts

    def upsert(self, model: type, rows: list[dict[str, Any]]) -> int:
        """Bundle import: write ``rows`` as they come (their own ``rev``, timestamps, village and
        tombstone). A row replaces a stored one only when its ``rev`` is higher and both belong to
        the same village, so replaying or reordering bundles converges and no village overwrites
        another's rows. One ``bulk`` audit row per call, as :meth:`write`."""
        if not issubclass(model, SyncedModel):
            raise TrackingError(f"{model.__tablename__} is not a synced table")
        if not rows:
            return 0
        conn = self.session.connection()
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        table = model.__table__
        statement = dialect_insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={column.name: statement.excluded[column.name] for column in table.columns if column.name != "id"},
            where=(table.c.rev < statement.excluded.rev) & (table.c.village_code == statement.excluded.village_code))
        base = {col.key: None for col in table.columns} | _defaults(model)
        full = [{**base, **row} for row in rows]
        for start in range(0, len(full), 5000):
            conn.execute(statement, full[start:start + 5000])
        self.session.add(AuditEntry(at=utcnow(), actor=str(self.session.info.get("actor") or ""), action="bulk",
                                    table_name=model.__tablename__, row_id="*",
                                    changes={"note": self.note, "count": len(full), "ids": [row["id"] for row in full]}))
        self.session.flush()
        return len(full)


def _defaults(model: type) -> dict[str, Any]:
    values = {}
    for name, field in model.model_fields.items():
        if field.default is not None and not callable(field.default) and repr(field.default) != "PydanticUndefined":
            values[name] = field.default
    return values
