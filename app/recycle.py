"""回收站: deleted records of the last days, put back on request; and removing the demo data.

Deletions are tombstones (``deleted_at``) so that they travel to the township; the store hides
them from every query (:mod:`db.scope`), and this module is the one place that opts in to see
them (``include_deleted``). Restoring clears ``deleted_at`` through the ORM, so the change gets a
new ``rev`` (it travels too) and an audit row, plus an audit note saying it was a restore.

Demo data (:mod:`app.demo`) is marked when it is generated: an audit note ``demo data`` names the
range of audit rows the generation wrote; those rows list every demo row (one ``insert`` row per
ORM row, one ``bulk`` row with the ids per bulk batch). :func:`remove_demo_data` tombstones exactly
those rows, and refuses when a record typed in by hand still refers to one of them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.auth import Actor, require
from app.errors import NotFound, StateError, ValidationError
from app.i18n import N_, _, ngettext
from db.base import SyncedModel, soft_delete, utcnow
from db.tracking import AuditEntry, audit_note

# What a clerk calls each kind of record (tables not named here are not offered in the bin).
KINDS: dict[str, str] = {
    "village_group": N_("Villagers' group"),
    "grid": N_("Grid"),
    "household": N_("Household record"),
    "resident": N_("Resident record"),
    "meeting": N_("Meeting"),
    "meeting_attendance": N_("Sign-in line"),
    "agenda_item": N_("Agenda item"),
    "meeting_minutes": N_("Minutes"),
    "concern": N_("Concern record"),
    "concern_note": N_("Progress note"),
    "deliberation_matter": N_("四议两公开 matter"),
    "deliberation_step": N_("四议两公开 step"),
    "notice": N_("Notice record"),
    "attachment": N_("Photo or scan"),
}
_TITLE_FIELDS = ("title", "name", "head_name", "number", "body", "text")
DEMO_NOTE = "demo data"


def _models() -> dict[str, type[SyncedModel]]:
    from app.areas import AREAS

    return {m.__tablename__: m for area in AREAS for m in area.models
            if isinstance(m, type) and issubclass(m, SyncedModel) and m.__tablename__ in KINDS}


def _confidential(row: Any) -> bool:
    """A mediation case's photo: only mediators may see the case, so the bin does not offer it."""
    return getattr(row, "owner_kind", None) == "mediation_case"


def kind_label(table: str) -> str:
    return _(KINDS[table]) if table in KINDS else table


def _title(row: Any) -> str:
    for name in _TITLE_FIELDS:
        value = getattr(row, name, None)
        if isinstance(value, str) and value.strip():
            text = value.strip().splitlines()[0]
            return text if len(text) <= 40 else text[:39] + "…"
    return ""


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


@dataclasses.dataclass(frozen=True)
class DeletedRecord:
    """One line of the recycle bin."""

    table: str
    record_id: str
    kind: str  # in the user's language
    title: str
    deleted_at: dt.datetime
    deleted_by: str  # from the audit trail ("" when unknown, e.g. a deletion that came in a bundle)


def deleted_records(*, session: Session, actor: Actor, days: int = 90) -> list[DeletedRecord]:
    """Records deleted in the last ``days`` days, newest first, across the areas (secretary, clerk)."""
    require(actor, "village.edit")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ValidationError({"days": _("Enter a number of days, one or more.")})
    since = utcnow() - dt.timedelta(days=days)
    found: list[tuple[str, Any]] = []
    for table, model in _models().items():
        rows = session.exec(select(model).where(model.deleted_at.is_not(None), model.deleted_at >= since)
                            .execution_options(include_deleted=True)).all()
        found.extend((table, row) for row in rows if not _confidential(row))
    if not found:
        return []
    who: dict[tuple[str, str], str] = {}
    for table, row_id, name in session.exec(
            select(AuditEntry.table_name, AuditEntry.row_id, AuditEntry.actor)
            .where(AuditEntry.action == "delete", AuditEntry.at >= since - dt.timedelta(days=1))
            .order_by(AuditEntry.id)):
        who[(table, row_id)] = name  # the last deletion wins
    records = [DeletedRecord(table=table, record_id=row.id, kind=kind_label(table), title=_title(row),
                             deleted_at=_aware(row.deleted_at), deleted_by=who.get((table, row.id), ""))
               for table, row in found]
    return sorted(records, key=lambda r: (r.deleted_at, r.table, r.record_id), reverse=True)


def _dead_parents(session: Session, row: Any) -> list[str]:
    """Kinds of the records ``row`` refers to that are still deleted."""
    models = _models()
    dead = []
    for column in row.__table__.columns:
        for fk in column.foreign_keys:
            value = getattr(row, column.key, None)
            parent = models.get(fk.column.table.name)
            if not value or parent is None:
                continue
            found = session.exec(select(parent.deleted_at).where(parent.id == value)
                                 .execution_options(include_deleted=True)).first()
            if found is not None:
                dead.append(kind_label(fk.column.table.name))
    return dead


def restore_record(*, session: Session, actor: Actor, table: str, record_id: str) -> DeletedRecord:
    """Put a deleted record back (secretary, clerk). Refused while a record it belongs to (its
    household, meeting, concern …) is still deleted, or when its number has been given again."""
    require(actor, "village.edit")
    model = _models().get(table)
    if model is None:
        raise NotFound(_("Records of this kind cannot be restored here."))
    row = session.exec(select(model).where(model.id == record_id).execution_options(include_deleted=True)).first()
    if row is None or _confidential(row):
        raise NotFound(_("No such record."))
    if row.deleted_at is None:
        raise StateError(_("This record is not deleted."))
    dead = _dead_parents(session, row)
    if dead:
        raise StateError(_("Restore the {kind} it belongs to first.").format(kind="、".join(dead)))
    line = DeletedRecord(table=table, record_id=row.id, kind=kind_label(table), title=_title(row),
                         deleted_at=_aware(row.deleted_at), deleted_by="")
    try:
        with session.begin_nested():
            row.deleted_at = None
            session.add(row)
            session.flush()
    except IntegrityError:
        raise StateError(_("Another record now has this number; change that one first.")) from None
    audit_note(session, table_name=table, row_id=row.id, note="restored from the recycle bin")
    session.flush()
    return line


# --- demo data ------------------------------------------------------------------------------------


def last_audit_id(session: Session) -> int:
    return int(session.exec(select(func.max(AuditEntry.id))).one() or 0)


def mark_demo_data(session: Session, *, after: int) -> None:
    """Note that the audit rows after id ``after`` (up to now) were written by demo generation."""
    session.flush()
    audit_note(session, table_name="demo", row_id="*", note=DEMO_NOTE,
               detail={"after": after, "upto": last_audit_id(session)})
    session.flush()


def demo_rows(session: Session) -> dict[str, set[str]]:
    """table → ids of the rows demo generation wrote (live or not)."""
    rows: dict[str, set[str]] = defaultdict(set)
    marks = session.exec(select(AuditEntry.changes).where(AuditEntry.action == "note",
                                                          AuditEntry.table_name == "demo")).all()
    for mark in marks:
        if not isinstance(mark, dict) or mark.get("note") != DEMO_NOTE:
            continue
        entries = session.exec(select(AuditEntry.action, AuditEntry.table_name, AuditEntry.row_id,
                                      AuditEntry.changes)
                               .where(AuditEntry.id > int(mark["after"]), AuditEntry.id <= int(mark["upto"]),
                                      AuditEntry.action.in_(["insert", "bulk"]))).all()
        for action, table, row_id, changes in entries:
            if action == "insert":
                rows[table].add(row_id)
            else:
                rows[table].update((changes or {}).get("ids", []))
    return rows


@dataclasses.dataclass(frozen=True)
class DemoRemoval:
    """What :func:`remove_demo_data` removed: rows per kind."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _referrers(session: Session, demo: dict[str, set[str]]) -> int:
    """Live rows *not* from the demo that refer to a demo row."""
    found: set[tuple[str, str]] = set()
    tables = {t.__tablename__: t for t in _all_synced()}
    for table, model in tables.items():
        mine = demo.get(table, set())
        for column in model.__table__.columns:
            for fk in column.foreign_keys:
                targets = demo.get(fk.column.table.name)
                if not targets:
                    continue
                attr = getattr(model, column.key)
                pairs = session.execute(select(model.id, attr).where(attr.is_not(None))).all()
                found.update((table, row_id) for row_id, ref in pairs if ref in targets and row_id not in mine)
    return len(found)


def _all_synced() -> list[type[SyncedModel]]:
    from app.areas import AREAS

    return [m for area in AREAS for m in area.models if isinstance(m, type) and issubclass(m, SyncedModel)]


def remove_demo_data(*, session: Session, actor: Actor) -> DemoRemoval:
    """Remove the demo data (secretary only): every row demo generation wrote is deleted (a
    tombstone, like any deletion). Refused while a record typed in by hand refers to a demo
    record (a real concern raised by a demo villager, a household in a demo group …): only demo
    rows are ever touched."""
    require(actor, "users.manage")
    demo = demo_rows(session)
    if not any(demo.values()):
        raise StateError(_("There is no demo data in this store."))
    mixed = _referrers(session, demo)
    if mixed:
        raise StateError(ngettext("{n} record entered by hand refers to demo records; delete or change it first.",
                                  "{n} records entered by hand refer to demo records; delete or change them first.",
                                  mixed).format(n=mixed))
    counts: dict[str, int] = {}
    for model in reversed(_all_synced()):  # children before parents
        if model.__append_only__:
            continue  # ledger rows (votes, ballots, notes) are never changed; their parents go
        ids = sorted(demo.get(model.__tablename__, ()))
        removed = 0
        for start in range(0, len(ids), 500):
            for row in session.exec(select(model).where(model.id.in_(ids[start:start + 500]))).all():
                soft_delete(row)
                session.add(row)
                removed += 1
            session.flush()
        if removed:
            counts[model.__tablename__] = removed
    if not counts:
        raise StateError(_("There is no demo data in this store."))
    audit_note(session, table_name="demo", row_id="*", note="demo data removed", detail={"counts": counts})
    session.flush()
    return DemoRemoval(counts=counts)
