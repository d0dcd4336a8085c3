"""Reports to the township: export a village's changes as a bundle, import bundles on the township.

State:

* village: ``setting`` ``sync.export_state`` — the last bundle written, and the rev and hash of
  the newest bundle the township **acknowledged** (by a receipt). An incremental bundle holds
  every change after the acknowledged rev and names that bundle's hash, so the township sees a
  missing bundle (a gap) and its receipt asks for a full one; every :data:`FULL_EVERY`
  incremental bundles the next is full anyway. Table ``sync_outbox``: every bundle written (kept
  in the outbox folder beside the database until acknowledged) and how far it got.
* township (:mod:`app.sync.township`): ``township_village`` (enrolled keys, upload tokens, the
  chain's last hash and rev), ``township_import`` (one row per bundle, with the receipt that
  answered it) and ``township_aggregate`` (the newest counts of each village's aggregate tables,
  always a whole snapshot, so a deletion shows at once).

Export policies come from the area registry (:data:`app.areas.AREAS`, ``export``): ``full`` rows,
``masked`` rows (names, ID and phone numbers, addresses de-identified by :mod:`app.privacy`,
references to residents and households dropped), ``aggregate`` counts per villagers' group (or
per month), ``never``. A synced table no area declares never leaves the village.
"""
from __future__ import annotations

import base64
import contextlib
import binascii
import dataclasses
import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, func, select, text, types
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from app import __version__
from app.errors import NotFound, StateError, ValidationError
from app.i18n import _
from app.privacy import mask_address, mask_id_number, mask_name, mask_phone, mask_text, registered_names
from app.sync import keys, receipts, township
from app.sync.bundle import BundleRefused, ReadBundle, copy_file, jsonl, member_name, read_bundle, write_bundle
from db.base import SyncedModel, utcnow
from db.models.accounts import Setting
from db.models.people import Household, VillageGroup
from db.models.sync import ImportedBundle, OutboxBundle, TownshipAggregate, TownshipVillage
from db.scope import _synced_tables
from db.tracking import BulkWriter, _jsonable, audit_note, current_rev

EXPORT_STATE = "sync.export_state"
FULL_EVERY = 10  # after this many incremental bundles the next one is full
PUSH_TARGET = "sync.push_target"
OUTBOX = "outbox"  # the folder beside the database where bundles wait for their receipt
STATES = ("queued", "sending", "delivered", "acknowledged", "error")
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
    copied_to: str = ""  # the copy on the chosen drive ("" when none was asked for)


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
    receipt: bytes = b""  # the signed receipt to carry back (b"" on a dry run)
    receipt_name: str = ""

    @property
    def rejected(self) -> int:
        return sum(counts["rejected"] for counts in self.tables.values())


@dataclasses.dataclass(frozen=True)
class OutboxEntry:
    bundle_id: str
    file: str
    created_at: dt.datetime
    from_rev: int
    to_rev: int
    full: bool
    state: str  # queued | sending | delivered | acknowledged | error
    attempts: int
    error: str
    next_attempt_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    counts: dict[str, int]


@dataclasses.dataclass(frozen=True)
class ReceiptResult:
    bundle_id: str
    village_code: str
    township_name: str
    to_rev: int
    acknowledged_rev: int
    full_requested: bool  # the township misses a bundle: the next export is full
    url: str
    already: bool  # this receipt had been imported before


@dataclasses.dataclass(frozen=True)
class SyncStatus:
    kind: str
    village_code: str
    village_fingerprint: str
    township_fingerprint: str
    township_name: str
    current_rev: int
    acknowledged_rev: int
    pending_changes: int  # counted up to PENDING_COUNTED_UP_TO; ``pending_more`` says there are more
    last_export_at: str
    last_receipt_at: str
    push_url: str
    has_token: bool
    full_requested: bool
    pending_more: bool = False


# The status counts changes not yet acknowledged up to this many (a village that never sent a
# bundle has every row waiting: counting 200,000 of them made the page wait); more shows as "over".
PENDING_COUNTED_UP_TO = 10_000


def _pending_changes(session: Session, village: str, acked: int) -> int:
    """Rows of ``village`` changed after revision ``acked``, counted table by table until more than
    PENDING_COUNTED_UP_TO are found. ``village_code || ''`` keeps the planner on each table's ``rev``
    index (every row of a village's store has its code: that index would read the whole table).
    Plain SQL over the table names: the same statement for every table, nothing to compile."""
    limit = PENDING_COUNTED_UP_TO + 1
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    total = 0
    for model in _ordered_models():
        waiting = text(f"SELECT count(*) FROM (SELECT 1 FROM {quote(model.__table__.name)} "  # noqa: S608 - our table names
                       "WHERE village_code || '' = :village AND rev > :acked LIMIT :limit) AS waiting")
        total += int(connection.execute(waiting, {"village": village, "acked": acked, "limit": limit - total})
                     .scalar() or 0)
        if total >= limit:
            return limit
    return total


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


def custom_aggregates() -> dict[str, Any]:
    """Table → the area's own aggregate function (:attr:`app.areas.Area.aggregates`)."""
    from app.areas import AREAS

    return {table: fn for area in AREAS for table, fn in area.aggregates.items()}


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
    # only the columns that do not come back as JSON values already need converting
    plain = (bool, int, float, str, type(None))
    convert = [column.name for column in table.columns if not issubclass(_python_kind(column), plain)]
    rows = []
    for row in session.connection().execute(query).mappings():
        out = dict(row)
        for name in convert:
            out[name] = _jsonable(out[name])
        rows.append(out)
    return rows


def _python_kind(column: Any) -> type:
    try:
        return column.type.python_type
    except NotImplementedError:
        return object


_MASK_PLANS: dict[str, list[tuple[str, str]]] = {}


def _mask_plan(model: type[SyncedModel]) -> list[tuple[str, str]]:
    """(column, how) for each column a masked row changes, worked out once per table."""
    table = model.__tablename__
    if table not in _MASK_PLANS:
        plan = []
        for column in model.__table__.columns:
            name = column.name
            if name in SYNC_COLUMNS:
                continue
            if {fk.column.table.name for fk in column.foreign_keys} & PRIVATE_TABLES:
                how = "drop"
            elif name == "id_number" or name.endswith("_id_number"):
                how = "id_number"
            elif name.endswith("phone"):
                how = "phone"
            elif name == "address" or name.endswith("_address"):
                how = "address"
            elif name == "name" or name.endswith("_name") or name in PERSON_COLUMNS:
                how = "name"
            elif name == "search_key":
                how = "blank"
            elif column.foreign_keys:
                continue
            else:
                how = "text"
            plan.append((name, how))
        _MASK_PLANS[table] = plan
    return _MASK_PLANS[table]


_MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address, "name": mask_name}


def _masked(row: dict[str, Any], model: type[SyncedModel], names: Any) -> dict[str, Any]:
    out = dict(row)
    for name, how in _mask_plan(model):
        value = row.get(name)
        if value is None or value == "":
            continue
        if how == "drop":
            out[name] = None
        elif not isinstance(value, str):
            continue
        elif how == "blank":
            out[name] = ""
        elif how == "text":
            out[name] = mask_text(value, names)
        else:
            out[name] = _MASKERS[how](value)
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
    # counted in SQL by the time's "YYYY-MM" in UTC (SQLite stores it as UTC text: its first seven
    # characters): reading every row's time into Python took ~0.85 s of each bundle's export on the
    # large demo (55,000 rows), far over the incremental export's 1 s
    if conn.dialect.name == "postgresql":  # timestamptz: the month in UTC, as the rows' times are read
        month = func.to_char(func.timezone("UTC", table.c.created_at), "YYYY-MM")
    else:
        month = func.substr(cast(table.c.created_at, String), 1, 7)
    rows: dict[str, int] = {}
    for key, count in conn.execute(select(month, func.count()).where(live).group_by(month)):
        rows[key or ""] = rows.get(key or "", 0) + count
    return [{"month": key, "count": count} for key, count in sorted(rows.items())]


def outbox_dir(session: Session) -> Path:
    """The folder where this store's bundles wait for their receipt: ``outbox`` beside the database."""
    database = session.get_bind().url.database if session.get_bind().url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:":
        return Path(database).resolve().parent / OUTBOX
    from app.paths import data_dir

    return data_dir() / OUTBOX


def _export_state(session: Session) -> dict[str, Any]:
    return dict(_setting(session, EXPORT_STATE) or {})


def export_bundle(session: Session, *, to_dir: Path | None = None, full: bool = False,
                  policies: dict[str, str] | None = None) -> ExportResult:
    """Write a bundle into the outbox (and a copy into ``to_dir``, a USB stick) and queue it.

    Incremental: every change after the newest bundle the township acknowledged. ``policies``
    overrides the registry's for some tables (a township asking for the register; the
    benchmark's worst case). A failure leaves no file and no change behind."""
    township.require_village(session)
    recipient = keys.trusted_recipient(session)
    if not recipient:
        raise StateError(_("No township key is trusted yet: get the township's key file and run "
                           "`villagedesk keys trust FILE` first."))
    village = str(session.info.get("village_code") or "")
    key = keys.signing_key(session, create=True)
    state = _export_state(session)
    # a full bundle now and then is the safety net against anything an incremental one missed
    full = bool(full or not state.get("acked_hash") or state.get("full_requested")
                or int(state.get("since_full", 0)) >= FULL_EVERY)
    from_rev = 0 if full else int(state.get("acked_rev", 0))
    to_rev = current_rev(session)
    policies = {**export_policies(), **(policies or {})}
    custom = custom_aggregates()
    names = registered_names(session) if "masked" in policies.values() else None
    members: dict[str, tuple[bytes, int]] = {}
    counts: dict[str, int] = {}
    for model in _ordered_models():
        table = model.__tablename__
        policy = policies[table]
        if policy == "never":
            continue
        if policy == "aggregate":
            rows = custom[table](session, village) if table in custom else _aggregate(session, model, village)
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
        "previous_hash": "" if full else state.get("acked_hash", ""), "created_at": created.isoformat(),
        "program_version": __version__, "policies": {t: p for t, p in policies.items()},
        "counts": counts, "signing_key": base64.b64encode(keys.public_bytes(key)).decode("ascii"),
    }
    name = f"{village}-{created:%Y%m%d-%H%M%S}-{to_rev}-{bundle_id[:8]}"
    try:
        path, bundle_hash = write_bundle(outbox_dir(session), name=name, manifest=manifest, members=members, key=key,
                                         recipient=recipient)
    except OSError as exc:
        raise StateError(_("The bundle could not be written to {folder}: {reason}").format(
            folder=outbox_dir(session), reason=exc.strerror or exc)) from None
    copied = ""
    if to_dir is not None:
        try:
            copied = str(copy_file(path, Path(to_dir)))
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise StateError(_("The bundle could not be written to {folder}: {reason}. Check that the drive is "
                               "plugged in, writable and not full.").format(folder=to_dir,
                                                                            reason=exc.strerror or exc)) from None
    session.add(OutboxBundle(bundle_id=bundle_id, village_code=village, file=str(path), bundle_hash=bundle_hash,
                             from_rev=from_rev, to_rev=to_rev, full=full, created_at=created, counts=counts))
    _put_setting(session, EXPORT_STATE, {**state, "exported_rev": to_rev, "last_hash": bundle_hash,
                                         "bundles": int(state.get("bundles", 0)) + 1, "last_at": created.isoformat(),
                                         "since_full": 0 if full else int(state.get("since_full", 0)) + 1,
                                         "full_requested": False})
    audit_note(session, table_name="sync", row_id=bundle_id, note="bundle exported",
               detail={"file": path.name, "copied_to": copied, "from_rev": from_rev, "to_rev": to_rev, "full": full,
                       "counts": counts})
    session.flush()
    return ExportResult(path=str(path), bundle_id=bundle_id, village_code=village, from_rev=from_rev, to_rev=to_rev,
                        full=full, counts=counts, fingerprint=keys.fingerprint(keys.public_bytes(key)), copied_to=copied)


def outbox(session: Session) -> list[OutboxEntry]:
    rows = session.scalars(select(OutboxBundle).order_by(OutboxBundle.created_at.desc())).all()
    return [OutboxEntry(bundle_id=r.bundle_id, file=r.file, created_at=r.created_at, from_rev=r.from_rev,
                        to_rev=r.to_rev, full=r.full, state=r.state, attempts=r.attempts, error=r.error,
                        next_attempt_at=r.next_attempt_at, acknowledged_at=r.acknowledged_at, counts=dict(r.counts))
            for r in rows]


def mark_outbox(session: Session, *, bundle_id: str, state: str, error: str = "",
                next_attempt_at: dt.datetime | None = None) -> None:
    """Record how far sending a bundle got (push); an error counts an attempt."""
    if state not in STATES or state == "acknowledged":
        raise ValueError(f"not a state push may set: {state}")
    row = session.get(OutboxBundle, bundle_id)
    if row is None:
        raise NotFound(_("There is no bundle {id} in the outbox.").format(id=bundle_id))
    if row.state == "acknowledged":
        return  # a receipt already settled it
    row.state, row.error = state, error[:1000]
    row.next_attempt_at = next_attempt_at if state == "error" else None
    if state == "error":
        row.attempts += 1
    session.flush()


def set_push_target(session: Session, *, url: str, token: str | None = None) -> None:
    url = (url or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise ValidationError({"url": _("The address starts with http:// or https://.")})
    stored = dict(keys._setting(session, PUSH_TARGET) or {})
    stored["url"] = url
    if token is not None:
        stored["token"] = token
    keys._store_setting(session, PUSH_TARGET, stored, note="push target set", detail={"url": url})


def push_target(session: Session) -> tuple[str, str]:
    stored = keys._setting(session, PUSH_TARGET) or {}
    return str(stored.get("url", "")), str(stored.get("token", ""))


def import_receipt(session: Session, *, data: bytes, name: str) -> ReceiptResult:
    """Check a receipt from the township and mark what it holds. Refused (nothing written) for a
    receipt of another village, of a bundle this store did not write, or not signed by the
    trusted township."""
    township.require_village(session)
    trusted = keys.trusted_township(session) or {}
    signing = base64.b64decode(trusted.get("signing") or "")
    if len(signing) != 32:
        raise StateError(_("The township key this village trusts has no receipt key (it is from an older "
                           "VillageDesk): trust the township's current key file again."))
    body = receipts.read_receipt(data, trusted=signing, name=name)
    village = str(session.info.get("village_code") or "")
    if body["village_code"] != village:
        raise BundleRefused(_("{file} is a receipt for village {code}, not for this one.").format(
            file=name, code=body["village_code"]))
    row = session.get(OutboxBundle, body["bundle_id"])
    if row is None or row.bundle_hash != body["bundle_hash"]:
        raise BundleRefused(_("{file} is a receipt for a bundle this database did not write.").format(file=name))
    state = _export_state(session)
    already = row.state == "acknowledged" and row.acknowledged_at is not None and int(state.get("acked_rev", -1)) >= row.to_rev
    now = utcnow()
    moved = int(body["to_rev"]) >= int(state.get("acked_rev", 0))
    covered = session.scalars(select(OutboxBundle).where(OutboxBundle.to_rev <= row.to_rev,
                                                         OutboxBundle.state != "acknowledged")).all()
    for entry in {entry.bundle_id: entry for entry in [*covered, row]}.values():
        if entry.state != "acknowledged":
            entry.state, entry.error, entry.next_attempt_at = "acknowledged", "", None
            entry.acknowledged_at = now
            with contextlib.suppress(OSError):
                Path(entry.file).unlink(missing_ok=True)  # the township holds it: the outbox copy can go
    upload = body.get("upload") if isinstance(body.get("upload"), dict) else {}
    if moved:
        state.update(acked_rev=int(body["to_rev"]), acked_hash=body["bundle_hash"],
                     full_requested=bool(body.get("full_requested")))
    state["last_receipt_at"] = now.isoformat()
    _put_setting(session, EXPORT_STATE, state)
    url, token = str(upload.get("url") or ""), str(upload.get("token") or "")
    if token and (url, token) != push_target(session):
        set_push_target(session, url=url or push_target(session)[0], token=token)
    audit_note(session, table_name="sync", row_id=row.bundle_id, note="receipt imported",
               detail={"file": name, "to_rev": body["to_rev"], "full_requested": bool(body.get("full_requested"))})
    session.flush()
    return ReceiptResult(bundle_id=row.bundle_id, village_code=village, township_name=str(body.get("township_name", "")),
                         to_rev=int(body["to_rev"]), acknowledged_rev=int(state.get("acked_rev", 0)),
                         full_requested=bool(state.get("full_requested")), url=push_target(session)[0], already=already)


def sync_status(session: Session) -> SyncStatus:
    kind = township.store_kind(session)
    village = str(session.info.get("village_code") or "")
    state = _export_state(session)
    key = keys.signing_key(session, create=False)
    trusted = keys.trusted_township(session) or {}
    current = current_rev(session)
    acked = int(state.get("acked_rev", 0))
    pending = _pending_changes(session, village, acked) if kind == township.VILLAGE else 0
    url, token = push_target(session)
    return SyncStatus(kind=kind, village_code=village,
                      village_fingerprint=keys.fingerprint(keys.public_bytes(key)) if key is not None else "",
                      township_fingerprint=str(trusted.get("fingerprint", "")), township_name=str(trusted.get("name", "")),
                      current_rev=current, acknowledged_rev=acked,
                      pending_changes=min(pending, PENDING_COUNTED_UP_TO), pending_more=pending > PENDING_COUNTED_UP_TO,
                      last_export_at=str(state.get("last_at", "")), last_receipt_at=str(state.get("last_receipt_at", "")),
                      push_url=url, has_token=bool(token), full_requested=bool(state.get("full_requested")))


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
                  dry_run: bool = False, file_name: str | None = None) -> ImportSummary:
    """Verify ``file``, then (unless ``dry_run``) apply it in the caller's transaction and sign a receipt.

    Raises :class:`BundleRefused` (the caller's unit rolls back: nothing is written) for a bad
    bundle, rejected rows, rows pointing at records the township lacks, or counts that do not
    match after applying. ``file_name``: the name to report (an upload's temporary file has none)."""
    township.require_township(session)
    file = Path(file)
    shown = file_name or file.name
    bundle = read_bundle(file, identity=key.identity, known_tables=set(_synced_tables()),
                         trusted_key=_trusted(session, enroll=enroll, file=shown))
    manifest = bundle.manifest
    village = manifest["village_code"]
    known = manifest.get("schema_revision")
    from db.migrate import known_revisions

    if known not in known_revisions():
        raise BundleRefused(_("{file} was written by a newer VillageDesk (database schema {revision}); update this "
                              "program first.").format(file=shown, revision=known))
    if bundle.rows and set(manifest.get("counts", {})) - set(bundle.rows) - set(bundle.aggregates):
        raise BundleRefused(_("{file}: the members do not match its manifest.").format(file=shown))
    for table, rows in {**bundle.rows, **bundle.aggregates}.items():
        if manifest.get("counts", {}).get(table) != len(rows):
            raise BundleRefused(_("{file}: {member} does not hold the rows its manifest promised.").format(
                file=shown, member=table))
    summary, writes = _classify(session, bundle, shown)
    enrolled = session.get(TownshipVillage, village)
    earlier = session.get(ImportedBundle, manifest["bundle_id"])
    already = earlier is not None
    held_rev = enrolled.to_rev if enrolled is not None else 0
    gap = bool(not manifest.get("full") and not already
               and manifest.get("previous_hash") != (enrolled.last_hash if enrolled is not None else "")
               and int(manifest.get("from_rev", 0)) > held_rev)
    stored_aggregates = {row.table_name: row for row in session.scalars(
        select(TownshipAggregate).where(TownshipAggregate.village_code == village))}
    newer_aggregates = {table: rows for table, rows in bundle.aggregates.items()
                        if table not in stored_aggregates
                        or (int(manifest["to_rev"]) >= stored_aggregates[table].to_rev
                            and stored_aggregates[table].rows != rows)}
    result = dict(
        file=str(file), bundle_id=manifest["bundle_id"], village_code=village,
        village_name=str(manifest.get("village_name", "")), from_rev=int(manifest.get("from_rev", 0)),
        to_rev=int(manifest["to_rev"]), full=bool(manifest.get("full")), fingerprint=keys.fingerprint(bundle.signing_key),
        tables=summary, aggregates={t: len(r) for t, r in bundle.aggregates.items()}, dry_run=dry_run,
        enrolled=False, already_imported=already, gap=gap,
        receipt_name=receipts.receipt_name(village, manifest["bundle_id"]))
    rejected = sum(counts["rejected"] for counts in summary.values())
    if dry_run:
        return ImportSummary(applied=False, **{**result, "receipt_name": ""})
    if rejected:
        raise BundleRefused(_("{file}: {n} rows belong to another village or overwrite another village's records; "
                              "nothing was imported.").format(file=shown, n=rejected))
    if already and not any(writes.values()) and not newer_aggregates:
        # the same bundle again: nothing to write, not even a log; the same receipt answers it
        return ImportSummary(applied=False, receipt=earlier.receipt, **result)
    if enrolled is None:
        enrolled = keys.enroll(session, village_code=village, village_name=result["village_name"],
                               public=bundle.signing_key)
        result["enrolled"] = True
    _apply(session, bundle, writes, shown)
    for table, rows in newer_aggregates.items():
        row = stored_aggregates.get(table) or TownshipAggregate(village_code=village, table_name=table)
        row.to_rev, row.rows = int(manifest["to_rev"]), rows
        session.add(row)
    now = utcnow()
    if int(manifest["to_rev"]) >= enrolled.to_rev:
        enrolled.last_hash, enrolled.to_rev = bundle.bundle_hash, int(manifest["to_rev"])
        enrolled.gap = gap or (enrolled.gap and not manifest.get("full"))
    if result["village_name"]:
        enrolled.name = result["village_name"][:64]
    enrolled.last_import_at, enrolled.last_error = now, ""
    session.flush()
    township.refresh_figures(session, village)
    answer = _receipt(session, manifest=manifest, bundle_hash=bundle.bundle_hash, village=enrolled, summary=summary,
                      imported_at=now)
    if earlier is None:
        session.add(ImportedBundle(bundle_id=manifest["bundle_id"], village_code=village, file=shown[:255],
                                   bundle_hash=bundle.bundle_hash, from_rev=result["from_rev"], to_rev=result["to_rev"],
                                   full=result["full"], gap=gap, imported_at=now,
                                   summary={"tables": summary, "aggregates": result["aggregates"]}, receipt=answer))
    else:
        answer = earlier.receipt
    audit_note(session, table_name="sync", row_id=manifest["bundle_id"], note="bundle imported",
               detail={"file": shown, "village_code": village, "to_rev": manifest["to_rev"], "gap": gap,
                       "tables": summary})
    session.flush()
    return ImportSummary(applied=True, receipt=answer, **result)


def _receipt(session: Session, *, manifest: dict[str, Any], bundle_hash: str, village: TownshipVillage,
             summary: dict[str, dict[str, int]], imported_at: dt.datetime) -> bytes:
    profile = township.township_profile(session)
    key = keys.signing_key(session, create=True)
    return receipts.write_receipt({
        "bundle_id": manifest["bundle_id"], "bundle_hash": bundle_hash, "village_code": village.village_code,
        "village_name": village.name, "township_code": profile["code"], "township_name": profile["name"],
        "from_rev": int(manifest.get("from_rev", 0)), "to_rev": int(manifest["to_rev"]),
        "full": bool(manifest.get("full")), "imported_at": imported_at.isoformat(),
        "full_requested": bool(village.gap), "tables": summary,
        "upload": {"url": township.receiver_url(session), "token": village.token},
    }, key=key)


def receipt_for(session: Session, *, bundle_id: str) -> tuple[str, bytes]:
    """(file name, bytes) of the receipt that answered an imported bundle."""
    township.require_township(session)
    row = session.get(ImportedBundle, bundle_id)
    if row is None:
        raise NotFound(_("No bundle {id} was imported here.").format(id=bundle_id))
    return receipts.receipt_name(row.village_code, row.bundle_id), row.receipt


def write_receipt(session: Session, *, bundle_id: str, to_dir: Path) -> Path:
    name, data = receipt_for(session, bundle_id=bundle_id)
    directory = Path(to_dir)
    target = directory / name
    tmp = directory / f".{name}.part"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise StateError(_("The receipt could not be written to {folder}: {reason}").format(
            folder=directory, reason=exc.strerror or exc)) from None
    return target


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
    aggregates: dict[str, dict[str, list[Any]]] = {}
    for row in session.scalars(select(TownshipAggregate).order_by(TownshipAggregate.table_name)):
        aggregates.setdefault(row.village_code, {})[row.table_name] = list(row.rows)
    found = []
    for village in township.enrolled_villages(session):
        sent = aggregates.get(village["village_code"], {})
        found.append({"village_code": village["village_code"], "name": village["name"],
                      "fingerprint": village["fingerprint"], "to_rev": village["to_rev"],
                      "last_at": village["last_import_at"].isoformat() if village["last_import_at"] else "",
                      "totals": {t: sum(r["count"] for r in rows) for t, rows in sent.items()},
                      "aggregates": sent})
    return json.loads(json.dumps(found, ensure_ascii=False))
