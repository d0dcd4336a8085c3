"""Backups and verified restore of the SQLite store (``villagedesk backup`` / ``restore``).

A backup is a consistent copy made with SQLite's online backup API (safe while the program runs),
checked with ``PRAGMA integrity_check`` before it is given its final name, plus a small JSON
manifest beside it (village, schema, counts, SHA-256). A restore verifies all of that first, keeps
a safety copy of the current store, and only then swaps the files; a failure at any point leaves
the current store exactly as it was.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.auth import Actor, require
from app.errors import StorageError, VillageDeskError
from app.i18n import _

SUFFIX = ".vdbackup"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    manifest: dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _inspect(path: Path) -> dict:
    """Schema revision, village and row counts of a SQLite store; raises on a damaged file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise VillageDeskError(_("The backup is damaged: {detail}").format(detail="; ".join(result[:3])))
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        village = conn.execute("SELECT code, name FROM village_profile WHERE deleted_at IS NULL").fetchone()
        counts = {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        }
    except sqlite3.DatabaseError as exc:
        raise VillageDeskError(_("This file is not a readable VillageDesk backup ({detail}).").format(detail=exc)) from None
    finally:
        conn.close()
    return {"schema": revision[0] if revision else None, "village_code": village[0] if village else "",
            "village_name": village[1] if village else "", "counts": counts}


def backup(*, database, actor: Actor, to_dir: Path, reason: str = "manual") -> BackupInfo:
    """Write a verified backup of ``database`` into ``to_dir``; returns its path and manifest."""
    require(actor, "backup.run")
    if database.path is None:
        raise VillageDeskError(_("Backups of a server database are made with the server's own tools (pg_dump)."))
    to_dir = Path(to_dir)
    try:
        to_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = to_dir / f"villagedesk-{database.village_code or 'store'}-{stamp}-{reason}{SUFFIX}"
        partial = target.with_name(target.name + ".partial")
        src = sqlite3.connect(database.path)
        dst = sqlite3.connect(partial)
        try:
            with dst:
                src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
            src.close()
        manifest = _inspect(partial)
        manifest.update({"created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                         "by": actor.username, "reason": reason, "sha256": _sha256(partial)})
        from app import __version__

        manifest["program_version"] = __version__
        _fsync(partial)
        os.replace(partial, target)
        manifest_path = target.with_suffix(SUFFIX + ".json")
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        for leftover in to_dir.glob("*.partial"):
            leftover.unlink(missing_ok=True)
        raise StorageError(_("The backup could not be written ({detail}); the database is unchanged.").format(detail=exc.strerror or exc)) from None
    return BackupInfo(path=target, manifest=manifest)


def verify(path: Path) -> dict:
    """Check a backup file against its manifest (when present) and that it opens cleanly."""
    path = Path(path)
    if not path.is_file():
        raise VillageDeskError(_("No backup file at {path}.").format(path=path))
    manifest_path = path.with_suffix(path.suffix + ".json")
    recorded = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else None
    if recorded and recorded.get("sha256") != _sha256(path):
        raise VillageDeskError(_("The backup file does not match its checksum: it was changed or damaged."))
    found = _inspect(path)
    from db.migrate import MIGRATIONS

    known = {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("*.py")}
    if found["schema"] is None:
        raise VillageDeskError(_("This file is not a VillageDesk backup."))
    if found["schema"] not in known:
        raise VillageDeskError(_("The backup comes from a newer VillageDesk (schema {rev}).").format(rev=found["schema"]))
    return {**(recorded or {}), **found}


def restore(*, database, actor: Actor | None, backup_file: Path, safety_dir: Path, allow_other_village: bool = False) -> Path:
    """Replace ``database``'s file with a verified backup; returns the safety copy of what was there.

    Takes the store's writer lock first and refuses while another process holds it (a window or
    a command still writing would lose what it saves, or put old values back). The restored
    store's audit trail records the restore: who, when, which file and its SHA-256.
    """
    from db.errors import StoreLocked
    from db.migrate import upgrade
    from db.tracking import AuditEntry

    if database.path is None:
        raise VillageDeskError(_("Restoring into a server database is done with the server's own tools."))
    found = verify(backup_file)
    if database.village_code and found["village_code"] != database.village_code and not allow_other_village:
        raise VillageDeskError(_("The backup belongs to another village ({code}); nothing was restored.").format(
            code=found["village_code"] or "?"))
    require(actor, "backup.restore")
    try:
        database.acquire_lock()
    except StoreLocked:
        raise StoreLocked(_("Another VillageDesk (a window or a command) has this database open: close it first. Nothing was restored.")) from None
    safety = backup(database=database, actor=actor, to_dir=safety_dir, reason="before-restore").path
    target = Path(database.path)
    digest = _sha256(Path(backup_file))
    database.engine.dispose()  # our own connections; the lock stays held until the audit is written
    incoming = target.with_name(target.name + ".restoring")
    try:
        shutil.copyfile(backup_file, incoming)
        _fsync(incoming)
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(incoming, target)
        Path(str(target) + ".mark").unlink(missing_ok=True)  # the restored store is behind it on purpose
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise StorageError(_("The restore failed ({detail}); the safety copy is {path}.").format(
            detail=exc.strerror or exc, path=safety)) from None
    upgrade(database.engine, backup_dir=Path(safety_dir))
    database.refresh_village_code()
    with database.unit(actor) as session:
        session.add(AuditEntry(actor=getattr(actor, "username", "") or "", action="restore", table_name="store",
                               row_id=digest, changes={"file": str(Path(backup_file).resolve()), "sha256": digest,
                                                       "safety_copy": str(safety)}))
    return safety
