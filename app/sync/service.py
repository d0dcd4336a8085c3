"""Reports to the township: export a village's changes as a bundle, import bundles on the township.

State kept in the store's ``setting`` table (no tables of its own yet; township mode will bring
them):

* ``sync.export_state`` (village): the rev and hash of the last bundle written. An incremental
  bundle holds every change after that rev; each bundle names the previous one's hash, so the
  township sees a missing bundle (a gap) and asks for a full one (``--full``); every
  :data:`FULL_EVERY` incremental bundles the next is full anyway. (Once receipts exist, the base
  becomes the last bundle the township acknowledged.)
* ``sync.imports.<village code>`` (township): the last bundle's hash and rev, the ids of the
  bundles imported; ``sync.aggregates.<village code>``: the newest counts of the village's
  aggregate tables (always a whole snapshot, so a deletion shows at once).

Export policies come from the area registry (:data:`app.areas.AREAS`, ``export``): ``full`` rows,
``masked`` rows (names, ID and phone numbers, addresses de-identified by :mod:`app.privacy`,
references to residents and households dropped), ``aggregate`` counts per villagers' group (or
per month), ``never``. A synced table no area declares never leaves the village.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, types
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from app import __version__
from app.errors import StateError
from app.i18n import _
from app.privacy import mask_address, mask_id_number, mask_name, mask_phone, mask_text, registered_names
from app.sync import keys
from app.sync.bundle import BundleRefused, ReadBundle, jsonl, member_name, read_bundle, write_bundle
from db.base import SyncedModel, utcnow
from db.migrate import known_revisions
from db.models.accounts import Setting
from db.models.people import Household, VillageGroup
from db.scope import _synced_tables
from db.tracking import BulkWriter, _jsonable, audit_note, current_rev

EXPORT_STATE = "sync.export_state"
FULL_EVERY = 10  # after this many incremental bundles the next one is full
IMPORTS = "sync.imports."
AGGREGATES = "sync.aggregates."
SYNC_COLUMNS = {"id", "village_code", "created_at", "updated_at", "rev", "deleted_at"}
PERSON_COLUMNS = {"raised_by", "assignee", "author"}  # columns holding a person's name
PRIVATE_TABLES = {"resident", "household"}  # a masked row drops its references to these
_CHUNK = 900  # ids per IN (…): below SQLite's parameter limit


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: str
    bundle_id: str
    village_code: str
    from_rev: int
    to_rev: int
    full: bool
    counts: dict[str, int]
    fingerprint: str  # of the village's signing key, to compare with the township's screen


@dataclasses.dataclass(frozen=True)
class ImportSummary:
    file: str
    bundle_id: str
    village_code: str
    village_name: str
    from_rev: int
    to_rev: int
    full: bool
    fingerprint: str
    tables: dict[str, dict[str, int]]  # table → new / updated / unchanged / rejected
    aggregates: dict[str, int]  # table → aggregate rows received
    dry_run: bool
    applied: bool
    enrolled: bool  # the village's key was enrolled by this import
    already_imported: bool
    gap: bool  # a bundle between the last one imported and this one is missing: ask for a full bundle

    @property
    def rejected(self) -> int:
        return sum(counts["rejected"] for counts in self.tables.values())


@dataclasses.dataclass(frozen=True)
class TownshipKey:
    """The township's unlocked private key, held only for a run of imports."""

    identity: Any = dataclasses.field(repr=False)
    fingerprint: str = ""


def export_policies() -> dict[str, str]:
    """Table → policy for every synced table (``never`` for one no area declares)."""
    from app.areas import AREAS  # the registry imports this package's CLI

    declared = {table: policy for area in AREAS for table, policy in area.export.items()}
    return {table: declared.get(table, "never") for table in sorted(_synced_tables())}


def _ordered_models() -> list[type[SyncedModel]]:
    """Synced tables, parents before children."""
    tables = _synced_tables()
    return [tables[t.name] for t in SQLModel.metadata.sorted_tables if t.name in tables]


def _setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return row.value if row is not None else None


def _put_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def _schema_revision(session: Session) -> str:
    return str(session.connection().execute(text("SELECT version_num FROM alembic_version")).scalar() or "")


# ---------------------------------------------------------------- export


def _plain_rows(session: Session, model: type[SyncedModel], village: str, from_rev: int, to_rev: int) -> list[dict[str, Any]]:
    table = model.__table__
    query = (select(table).where(table.c.village_code == village, table.c.rev > from_rev, table.c.rev <= to_rev)
             .order_by(table.c.rev))
    return [{key: _jsonable(value) for key, value in row.items()} for row in session.connection().execute(query).mappings()]


def _masked(row: dict[str, Any], model: type[SyncedModel], names: Any) -> dict[str, Any]:
    out = dict(row)
    for column in model.__table__.columns:
        name, value = column.name, row.get(column.name)
        if name in SYNC_COLUMNS or value in (None, ""):
            continue
        if {fk.column.table.name for fk in column.foreign_keys} & PRIVATE_TABLES:
            out[name] = None
        elif not isinstance(value, str):
            continue
        elif name == "id_number" or name.endswith("_id_number"):
            out[name] = mask_id_number(value)
        elif name.endswith("phone"):
            out[name] = mask_phone(value)
        elif name == "address" or name.endswith("_address"):
            out[name] = mask_address(value)
        elif name == "name" or name.endswith("_name") or name in PERSON_COLUMNS:
            out[name] = mask_name(value)
        elif column.foreign_keys or name == "search_key":
            out[name] = "" if name == "search_key" else value
        else:
            out[name] = mask_text(value, names)
    return out


def _aggregate(session: Session, model: type[SyncedModel], village: str) -> list[dict[str, Any]]:
    """Live rows counted per villagers' group (through ``group_id`` or the household's group),
    or per month of creation for a table with neither."""
    table = model.__table__
    groups = VillageGroup.__table__
    live = (table.c.village_code == village) & table.c.deleted_at.is_(None)
    conn = session.connection()
    if "group_id" in table.c or "household_id" in table.c:
        if "group_id" in table.c:
            group_id = table.c.group_id
            source = table
        else:
            households = Household.__table__
            group_id = households.c.group_id
            source = table.outerjoin(households, households.c.id == table.c.household_id)
        query = (select(groups.c.name, func.count()).select_from(source.outerjoin(groups, groups.c.id == group_id))
                 .where(live).group_by(groups.c.name).order_by(groups.c.name))
        return [{"group": name or "", "count": count} for name, count in conn.execute(query)]
    rows: dict[str, int] = {}
    for (created,) in conn.execute(select(table.c.created_at).where(live)):
        key = created.strftime("%Y-%m") if created else ""
        rows[key] = rows.get(key, 0) + 1
    return [{"month": key, "count": count} for key, count in sorted(rows.items())]


def export_bundle(session: Session, *, to_dir: Path, full: bool = False,
                  policies: dict[str, str] | None = None) -> ExportResult:
    """``policies`` overrides the registry's for some tables (a township asking for the register;
    the benchmark's worst case)."""
    recipient = keys.trusted_recipient(session)
    if not recipient:
        raise StateError(_("No township key is trusted yet: get the township's key file and run "
                           "`villagedesk keys trust FILE` first."))
    village = str(session.info.get("village_code") or "")
    if not village:
        raise StateError(_("This database is not set up yet: run `villagedesk init` first."))
    key = keys.signing_key(session, create=True)
    state = _setting(session, EXPORT_STATE) or {}
    # a full bundle now and then is the safety net against anything an incremental one missed
    full = bool(full or not state.get("last_hash") or int(state.get("since_full", 0)) >= FULL_EVERY)
    from_rev = 0 if full else int(state.get("exported_rev", 0))
    to_rev = current_rev(session)
    policies = {**export_policies(), **(policies or {})}
    names = registered_names(session) if "masked" in policies.values() else None
    members: dict[str, tuple[bytes, int]] = {}
    counts: dict[str, int] = {}
    for model in _ordered_models():
        table = model.__tablename__
        policy = policies[table]
        if policy == "never":
            continue
        if policy == "aggregate":
            rows = _aggregate(session, model, village)
        else:
            rows = _plain_rows(session, model, village, from_rev, to_rev)
            if policy == "masked":
                rows = [_masked(row, model, names) for row in rows]
        members[member_name(table, policy)] = (jsonl(rows), len(rows))
        counts[table] = len(rows)
    profile = session.connection().execute(text(
        "SELECT name FROM village_profile WHERE village_code = :v AND deleted_at IS NULL"), {"v": village}).scalar()
    bundle_id = str(uuid.uuid4())
    created = utcnow()
    manifest = {
        "bundle_id": bundle_id, "schema_revision": _schema_revision(session), "village_code": village,
        "village_name": profile or "", "from_rev": from_rev, "to_rev": to_rev, "full": full,
        "previous_hash": state.get("last_hash", ""), "created_at": created.isoformat(),
        "program_version": __version__, "policies": {t: p for t, p in policies.items()},
        "counts": counts, "signing_key": base64.b64encode(keys.public_bytes(key)).decode("ascii"),
    }
    name = f"{village}-{created:%Y%m%d-%H%M%S}-{to_rev}-{bundle_id[:8]}"
    path, bundle_hash = write_bundle(Path(to_dir), name=name, manifest=manifest, members=members, key=key,
                                     recipient=recipient)
    _put_setting(session, EXPORT_STATE, {**state, "exported_rev": to_rev, "last_hash": bundle_hash,
                                         "bundles": int(state.get("bundles", 0)) + 1, "last_at": created.isoformat(),
                                         "since_full": 0 if full else int(state.get("since_full", 0)) + 1})
    audit_note(session, table_name="sync", row_id=bundle_id, note="bundle exported",
               detail={"file": path.name, "from_rev": from_rev, "to_rev": to_rev, "full": full, "counts": counts})
    return ExportResult(path=str(path), bundle_id=bundle_id, village_code=village, from_rev=from_rev, to_rev=to_rev,
                        full=full, counts=counts, fingerprint=keys.fingerprint(keys.public_bytes(key)))


# ---------------------------------------------------------------- import


def _trusted(session: Session, *, enroll: bool, file: str) -> Any:
    def trusted_key(manifest: dict[str, Any]) -> bytes:
        code = str(manifest.get("village_code") or "")
        try:
            offered = base64.b64decode(str(manifest.get("signing_key") or ""), validate=True)
        except (binascii.Error, ValueError):
            offered = b""
        if len(code) != 12 or not code.isdigit() or len(offered) != 32:
            raise BundleRefused(_("{file} is damaged (its manifest cannot be read).").format(file=file))
        if code == str(session.info.get("village_code") or ""):
            raise BundleRefused(_("{file} is a bundle of this database's own village; it is not imported.").format(
                file=file))
        enrolled = keys.enrolled_key(session, code)
        if enrolled is None and not enroll:
            raise BundleRefused(_(
                "{file} comes from village {code} ({name}), which is not enrolled. Its key's fingerprint is "
                "{fingerprint}: compare it with the village's screen, then import with --enroll.").format(
                file=file, code=code, name=manifest.get("village_name", ""), fingerprint=keys.fingerprint(offered)))
        return enrolled if enrolled is not None else offered

    return trusted_key


def _python_type(column: Any) -> Any:
    """``datetime`` or ``date`` for a time column (type decorators included), else None."""
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, types.DateTime):
        return dt.datetime
    if isinstance(kind, types.Date):
        return dt.date
    return None


def _converter(model: type[SyncedModel], file: str) -> Any:
    """A function turning one bundle row of ``model`` into column values (times parsed), or refusing it."""
    columns = frozenset(model.__table__.columns.keys())
    times = [(column.name, _python_type(column).fromisoformat) for column in model.__table__.columns
             if _python_type(column) is not None]

    def refuse() -> BundleRefused:
        return BundleRefused(_("{file}: rows of {table} do not fit this program's tables.").format(
            file=file, table=model.__tablename__))

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        if not columns.issuperset(row) or not isinstance(row.get("id"), str) or not isinstance(row.get("rev"), int):
            raise refuse()
        out = dict(row)
        try:
            for name, parse in times:
                value = out.get(name)
                if isinstance(value, str):
                    out[name] = parse(value)
        except ValueError:
            raise refuse() from None
        return out

    return convert


def _stored(session: Session, model: type[SyncedModel], ids: list[str]) -> dict[str, tuple[int, str]]:
    table = model.__table__
    found: dict[str, tuple[int, str]] = {}
    conn = session.connection()
    for start in range(0, len(ids), _CHUNK):
        query = select(table.c.id, table.c.rev, table.c.village_code).where(table.c.id.in_(ids[start:start + _CHUNK]))
        found.update({ident: (rev, code) for ident, rev, code in conn.execute(query)})
    return found


def _classify(session: Session, bundle: ReadBundle, file: str) -> tuple[dict[str, dict[str, int]], dict[str, list[dict[str, Any]]]]:
    """Per table: new / updated / unchanged / rejected, and the rows to write."""
    village = bundle.manifest["village_code"]
    tables = _synced_tables()
    summary: dict[str, dict[str, int]] = {}
    writes: dict[str, list[dict[str, Any]]] = {}
    for table, rows in bundle.rows.items():
        model = tables[table]
        convert = _converter(model, file)
        converted = [convert(row) for row in rows]
        stored = _stored(session, model, [row["id"] for row in converted])
        counts = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        chosen = []
        for row in converted:
            before = stored.get(row["id"])
            if row.get("village_code") != village or (before is not None and before[1] != village):
                counts["rejected"] += 1
            elif before is None:
                counts["new"] += 1
                chosen.append(row)
            elif row["rev"] > before[0]:
                counts["updated"] += 1
                chosen.append(row)
            else:
                counts["unchanged"] += 1
        summary[table] = counts
        # tombstones first: a number or unique key freed by a deletion is free before it is reused
        writes[table] = sorted(chosen, key=lambda row: (row.get("deleted_at") is None, row["rev"]))
    return summary, writes


def unlock(session: Session, *, passphrase: str | None) -> TownshipKey:
    identity = keys.unlock_identity(session, passphrase=passphrase)
    return TownshipKey(identity=identity, fingerprint=keys.fingerprint(str(identity.to_public())))


def import_bundle(session: Session, *, file: Path, key: TownshipKey, enroll: bool = False,
                  dry_run: bool = False) -> ImportSummary:
    """Verify ``file``, then (unless ``dry_run``) apply it in the caller's transaction.

    Raises :class:`BundleRefused` (the caller's unit rolls back: nothing is written) for a bad
    bundle, rejected rows, rows pointing at records the township lacks, or counts that do not
    match after applying."""
    file = Path(file)
    bundle = read_bundle(file, identity=key.identity, known_tables=set(_synced_tables()),
                         trusted_key=_trusted(session, enroll=enroll, file=file.name))
    manifest = bundle.manifest
    village = manifest["village_code"]
    known = manifest.get("schema_revision")
    if known not in known_revisions():
        raise BundleRefused(_("{file} was written by a newer VillageDesk (database schema {revision}); update this "
                              "program first.").format(file=file.name, revision=known))
    if bundle.rows and set(manifest.get("counts", {})) - set(bundle.rows) - set(bundle.aggregates):
        raise BundleRefused(_("{file}: the members do not match its manifest.").format(file=file.name))
    for table, rows in {**bundle.rows, **bundle.aggregates}.items():
        if manifest.get("counts", {}).get(table) != len(rows):
            raise BundleRefused(_("{file}: {member} does not hold the rows its manifest promised.").format(
                file=file.name, member=table))
    summary, writes = _classify(session, bundle, file.name)
    log = _setting(session, IMPORTS + village) or {}
    already = manifest["bundle_id"] in log.get("bundles", [])
    gap = bool(not manifest.get("full") and not already and manifest.get("previous_hash") != log.get("last_hash", "")
               and int(manifest.get("from_rev", 0)) > int(log.get("to_rev", 0)))
    enrolling = keys.enrolled_key(session, village) is None
    stored_aggregates = _setting(session, AGGREGATES + village) or {}
    newer_aggregates = {table: rows for table, rows in bundle.aggregates.items()
                        if int(manifest["to_rev"]) >= int(stored_aggregates.get(table, {}).get("to_rev", -1))
                        and stored_aggregates.get(table, {}).get("rows") != rows}
    result = dict(
        file=str(file), bundle_id=manifest["bundle_id"], village_code=village,
        village_name=str(manifest.get("village_name", "")), from_rev=int(manifest.get("from_rev", 0)),
        to_rev=int(manifest["to_rev"]), full=bool(manifest.get("full")), fingerprint=keys.fingerprint(bundle.signing_key),
        tables=summary, aggregates={t: len(r) for t, r in bundle.aggregates.items()}, dry_run=dry_run,
        enrolled=False, already_imported=already, gap=gap)
    rejected = sum(counts["rejected"] for counts in summary.values())
    if dry_run:
        return ImportSummary(applied=False, **result)
    if rejected:
        raise BundleRefused(_("{file}: {n} rows belong to another village or overwrite another village's records; "
                              "nothing was imported.").format(file=file.name, n=rejected))
    changes = any(writes.values()) or newer_aggregates or enrolling
    if already and not changes:
        return ImportSummary(applied=False, **result)  # the same bundle again: nothing to write, not even a log
    if enrolling:
        keys.enroll(session, village_code=village, village_name=result["village_name"], public=bundle.signing_key)
        result["enrolled"] = True
    _apply(session, bundle, writes, file.name)
    if newer_aggregates:
        _put_setting(session, AGGREGATES + village, {
            **stored_aggregates, **{t: {"to_rev": manifest["to_rev"], "rows": r} for t, r in newer_aggregates.items()}})
    moved = int(manifest["to_rev"]) >= int(log.get("to_rev", 0))
    _put_setting(session, IMPORTS + village, {
        "last_hash": bundle.bundle_hash if moved else log.get("last_hash", ""),
        "to_rev": max(int(manifest["to_rev"]), int(log.get("to_rev", 0))),
        "bundles": ([*log.get("bundles", []), manifest["bundle_id"]] if not already else log.get("bundles", []))[-200:],
        "last_at": utcnow().isoformat(), "name": result["village_name"]})
    audit_note(session, table_name="sync", row_id=manifest["bundle_id"], note="bundle imported",
               detail={"file": file.name, "village_code": village, "to_rev": manifest["to_rev"], "gap": gap,
                       "tables": summary})
    return ImportSummary(applied=True, **result)


def _missing_parents(file: str) -> BundleRefused:
    return BundleRefused(_("{file}: its rows refer to records the township does not have yet. Import this "
                           "village's earlier bundles first, or ask it for a full bundle.").format(file=file))


def _apply(session: Session, bundle: ReadBundle, writes: dict[str, list[dict[str, Any]]], file: str) -> None:
    tables = _synced_tables()
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # parents and children in any order; checked below
    writer = BulkWriter(session, note=f"bundle {bundle.manifest['bundle_id']}")
    session.info["importing"] = True
    try:
        for model in _ordered_models():
            rows = writes.get(model.__tablename__)
            if rows:
                writer.upsert(model, rows)
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == "23503":  # PostgreSQL checks references at once
            raise _missing_parents(file) from None
        raise BundleRefused(_("{file}: its rows conflict with records the township already holds (a number used "
                              "twice); nothing was imported.").format(file=file)) from None
    finally:
        session.info.pop("importing", None)
    if sqlite:
        for table in writes:
            if writes[table] and conn.exec_driver_sql(f'PRAGMA foreign_key_check("{table}")').first() is not None:
                raise _missing_parents(file)
    # the promised counts: every row of the bundle is now held at its rev or a newer one
    village = bundle.manifest["village_code"]
    for table, rows in bundle.rows.items():
        stored = _stored(session, tables[table], [row["id"] for row in rows])
        held = sum(1 for row in rows if row["id"] in stored and stored[row["id"]][1] == village
                   and stored[row["id"]][0] >= row["rev"])
        if held != bundle.manifest["counts"][table]:
            raise BundleRefused(_("{file}: after applying, {table} holds {held} of the {promised} rows the manifest "
                                  "promised; nothing was imported.").format(
                file=file, table=table, held=held, promised=bundle.manifest["counts"][table]))


def imported_villages(session: Session) -> list[dict[str, Any]]:
    """Each enrolled village: name, key fingerprint, last bundle, and the aggregate totals it sent."""
    enrolled = keys._setting(session, keys.VILLAGE_KEYS) or {}
    found = []
    for code, entry in sorted(enrolled.items()):
        log = _setting(session, IMPORTS + code) or {}
        aggregates = _setting(session, AGGREGATES + code) or {}
        found.append({"village_code": code, "name": entry.get("name", ""), "fingerprint": entry.get("fingerprint", ""),
                      "to_rev": log.get("to_rev", 0), "last_at": log.get("last_at", ""),
                      "totals": {t: sum(r["count"] for r in v.get("rows", [])) for t, v in sorted(aggregates.items())},
                      "aggregates": {t: v.get("rows", []) for t, v in sorted(aggregates.items())}})
    return json.loads(json.dumps(found, ensure_ascii=False))
