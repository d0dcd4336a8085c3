"""The one place that stamps ``rev``/``updated_at`` and writes the audit trail.

A ``before_flush`` listener on every ORM session looks at what is about to be written:

* new synced rows get ``village_code`` (from ``session.info``), timestamps and a fresh ``rev``;
* changed synced rows get a fresh ``rev`` and ``updated_at``; a change of ``deleted_at`` from
  empty to a time is recorded as a (soft) delete;
* every insert, update and delete of any table is written to ``audit_log`` with the acting user
  (``session.info["actor"]``) and each changed field as ``[old, new]``.

Hard deletes of synced rows and edits of append-only ledger rows are refused: both would break
sync and the ledger's history. ``session.info["importing"] = True`` (bundle import) keeps the
incoming ``rev``/timestamps but still audits.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
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


class RevCounter(SQLModel, table=True):
    """The village-local change counter that ``rev`` values come from."""

    __tablename__ = "rev_counter"

    name: str = Field(primary_key=True, max_length=32)
    value: int = Field(default=0)


class TrackingError(RuntimeError):
    """A programming error: a write that would break sync or a ledger."""


_UNTRACKED = {"audit_log", "rev_counter", "alembic_version"}
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


def _defaults(model: type) -> dict[str, Any]:
    values = {}
    for name, field in model.model_fields.items():
        if field.default is not None and not callable(field.default) and repr(field.default) != "PydanticUndefined":
            values[name] = field.default
    return values
