"""Backups and verified restore of the SQLite store (``villagedesk backup`` / ``restore``).

A backup is a consistent copy made with SQLite's online backup API (safe while the program runs),
checked with ``PRAGMA integrity_check`` before it is given its final name, plus a small JSON
manifest (schema, counts, SHA-256 of the store, the audit chain's head). A restore verifies all of
that first — a file without a manifest, with a wrong checksum or a broken audit chain is refused —
keeps a safety copy of the current store, and only then swaps the files; a failure at any point
leaves the current store exactly as it was.

Backups written outside the program's data folder (a USB stick, a shared drive) are encrypted with
age under a passphrase (``.vdbackup.age``): the payload is a zip holding ``manifest.json`` and the
store, so nothing — not even the village's name — is readable without the passphrase, and any
change to the file fails age's authentication. Backups inside the data folder (the automatic ones
before an upgrade or a restore) stay plain with the manifest beside them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.auth import Actor, require
from app.errors import StorageError, ValidationError, VillageDeskError
from app.i18n import _

SUFFIX = ".vdbackup"
ENCRYPTED_SUFFIX = ".vdbackup.age"
PASSPHRASE_ENV = "VILLAGEDESK_BACKUP_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 10
_STORE_MEMBER, _MANIFEST_MEMBER = "villagedesk.sqlite3", "manifest.json"
log = logging.getLogger(__name__)


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


def needs_encryption(to_dir: Path) -> bool:
    """A backup leaving the data folder (USB stick, shared drive, another disk) is encrypted."""
    from app.paths import data_dir

    try:
        return not Path(to_dir).expanduser().resolve().is_relative_to(data_dir().resolve())
    except OSError:
        return True


def is_encrypted(path: Path) -> bool:
    return str(path).endswith(ENCRYPTED_SUFFIX)


def _check_passphrase(passphrase: str | None) -> str:
    if not passphrase:
        raise ValidationError({"passphrase": _("A backup outside the program's folder is encrypted: enter a passphrase.")})
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError({"passphrase": _("A backup passphrase needs at least {n} characters.").format(n=MIN_PASSPHRASE_LENGTH)})
    return passphrase


def _audit_head(path: Path) -> dict | None:
    """The audit chain's remembered head in a store file (None before the chain existed)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return {"last_id": row[0], "last_hash": row[1]} if row else {"last_id": 0, "last_hash": ""}


def _chain_problems(path: Path) -> list[str]:
    from sqlalchemy import create_engine

    from app.health import check_audit_chain

    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            return check_audit_chain(conn)
    finally:
        engine.dispose()


def _record(database, actor: Actor | None, note: str, detail: dict) -> None:
    """An audit note for a backup or restore, in a unit of its own; a store that cannot be written
    (read-only media) still gets its backup, and the failure is logged."""
    from db.tracking import audit_note

    try:
        with database.unit(actor) as session:
            audit_note(session, table_name="backup", row_id=str(detail.get("file", ""))[:64], note=note, detail=detail)
    except Exception:
        log.warning("could not record the %s in the audit log", note, exc_info=True)


def backup(*, database, actor: Actor, to_dir: Path, reason: str = "manual", passphrase: str | None = None) -> BackupInfo:
    """Write a verified backup of ``database`` into ``to_dir``; returns its path and manifest.

    Outside the data folder the backup is encrypted under ``passphrase`` (required there)."""
    with database.session():  # a refusal is recorded (after this read-only session) by db.engine
        require(actor, "backup.run")
    if database.path is None:
        raise VillageDeskError(_("Backups of a server database are made with the server's own tools (pg_dump)."))
    to_dir = Path(to_dir)
    encrypt = needs_encryption(to_dir)
    if encrypt:
        _check_passphrase(passphrase)
    try:
        to_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = to_dir / f"villagedesk-{database.village_code or 'store'}-{stamp}-{reason}{ENCRYPTED_SUFFIX if encrypt else SUFFIX}"
        partial = target.with_name(target.name + ".partial")
        # The plain copy of an encrypted backup never touches the destination: it is made in the data folder.
        with _scratch() as scratch:
            snapshot = scratch / _STORE_MEMBER if encrypt else partial
            _snapshot(database.path, snapshot)
            manifest = _inspect(snapshot)
            from app import __version__

            manifest.update({"created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                             "by": actor.username, "reason": reason, "sha256": _sha256(snapshot),
                             "audit_head": _audit_head(snapshot), "encrypted": encrypt, "program_version": __version__})
            if encrypt:
                partial.write_bytes(_seal(snapshot, manifest, passphrase or ""))
        _fsync(partial)
        os.replace(partial, target)
        if not encrypt:
            manifest_path = target.with_suffix(SUFFIX + ".json")
            manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        for leftover in to_dir.glob("*.partial"):
            leftover.unlink(missing_ok=True)
        raise StorageError(_("The backup could not be written ({detail}); the database is unchanged.").format(detail=exc.strerror or exc)) from None
    _record(database, actor, "backup", {"file": target.name, "sha256": manifest["sha256"], "encrypted": encrypt,
                                        "reason": reason, "audit_head": manifest["audit_head"]})
    return BackupInfo(path=target, manifest=manifest)


def _snapshot(source: Path, dest: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(dest)
    try:
        with dst:
            src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    """A temporary folder inside the data folder (never on the USB stick), removed afterwards."""
    from app.paths import data_dir

    with tempfile.TemporaryDirectory(prefix="backup-", dir=data_dir()) as folder:
        yield Path(folder)


def _seal(snapshot: Path, manifest: dict, passphrase: str) -> bytes:
    """zip(manifest.json, store) encrypted with age under ``passphrase``."""
    import pyrage

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST_MEMBER, json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.write(snapshot, _STORE_MEMBER)
    return pyrage.passphrase.encrypt(buffer.getvalue(), passphrase)


def _unseal(path: Path, passphrase: str | None, into: Path) -> tuple[Path, dict]:
    """Decrypt an encrypted backup into ``into``; its store file and the manifest it carries."""
    import pyrage

    if not passphrase:
        raise ValidationError({"passphrase": _("This backup is encrypted: enter its passphrase.")})
    try:
        payload = pyrage.passphrase.decrypt(path.read_bytes(), passphrase)
    except pyrage.DecryptError:
        raise VillageDeskError(_("The passphrase is wrong, or the backup file was changed or damaged; nothing was changed.")) from None
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            manifest = json.loads(archive.read(_MANIFEST_MEMBER).decode("utf-8"))
            store = into / _STORE_MEMBER
            with archive.open(_STORE_MEMBER) as member, store.open("wb") as out:
                shutil.copyfileobj(member, out)
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise VillageDeskError(_("This file is not a VillageDesk backup.")) from None
    return store, manifest


def _plain_manifest(path: Path) -> dict:
    manifest_path = path.with_suffix(path.suffix + ".json")
    if not manifest_path.exists():
        raise VillageDeskError(_("The backup has no manifest ({name}) beside it, so it cannot be checked; nothing was restored.").format(
            name=manifest_path.name))
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        raise VillageDeskError(_("The backup's manifest cannot be read; nothing was restored.")) from None


@contextlib.contextmanager
def _opened(path: Path, passphrase: str | None) -> Iterator[tuple[Path, dict]]:
    """The backup's store file (decrypted into a scratch folder when encrypted) and its manifest, unchecked."""
    if is_encrypted(path):
        with _scratch() as scratch:
            yield _unseal(path, passphrase, scratch)
    else:
        yield path, _plain_manifest(path)


def _check(store: Path, recorded: dict) -> dict:
    """Checksum, readability, schema and audit chain of an unpacked backup against its manifest."""
    if not recorded.get("sha256") or recorded["sha256"] != _sha256(store):
        raise VillageDeskError(_("The backup file does not match its checksum: it was changed or damaged."))
    found = _inspect(store)
    from db.migrate import MIGRATIONS

    known = {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("*.py")}
    if found["schema"] is None:
        raise VillageDeskError(_("This file is not a VillageDesk backup."))
    if found["schema"] not in known:
        raise VillageDeskError(_("The backup comes from a newer VillageDesk (schema {rev}).").format(rev=found["schema"]))
    head = _audit_head(store)
    if head is not None:  # a store with the audit chain (schema 0004 on)
        problems = _chain_problems(store)
        if problems or (recorded.get("audit_head") and recorded["audit_head"] != head):
            raise VillageDeskError(_("The backup's audit log was changed ({detail}); nothing was restored.").format(
                detail="; ".join(problems[:2]) or _("it does not end where the manifest says")))
    return {**recorded, **found}


def verify(path: Path, *, passphrase: str | None = None) -> dict:
    """Check a backup against its manifest: checksum, that it opens cleanly, schema, audit chain."""
    path = Path(path)
    if not path.is_file():
        raise VillageDeskError(_("No backup file at {path}.").format(path=path))
    with _opened(path, passphrase) as (store, recorded):
        return _check(store, recorded)


def _write_incoming(backup_file: Path, incoming: Path, passphrase: str | None, expected_sha256: str) -> None:
    """Put the backup's store at ``incoming`` (decrypting it), checked once more against the
    verified checksum so a file swapped after ``verify`` cannot slip in."""
    with _opened(Path(backup_file), passphrase) as (store, _manifest):
        shutil.copyfile(store, incoming)
    if _sha256(incoming) != expected_sha256:
        raise VillageDeskError(_("The backup file does not match its checksum: it was changed or damaged."))


def restore(*, database, actor: Actor | None, backup_file: Path, safety_dir: Path, allow_other_village: bool = False,
            passphrase: str | None = None) -> Path:
    """Replace ``database``'s file with a verified backup; returns the safety copy of what was there.

    Takes the store's writer lock first and refuses while another process holds it (a window or
    a command still writing would lose what it saves, or put old values back). ``passphrase``
    opens an encrypted backup (and encrypts the safety copy when ``safety_dir`` is outside the data
    folder). The restored store's audit trail records the restore: who, when, which file and its
    SHA-256.
    """
    from db.errors import StoreLocked
    from db.migrate import upgrade
    from db.tracking import AuditEntry

    if database.path is None:
        raise VillageDeskError(_("Restoring into a server database is done with the server's own tools."))
    found = verify(backup_file, passphrase=passphrase)
    if database.village_code and found["village_code"] != database.village_code and not allow_other_village:
        raise VillageDeskError(_("The backup belongs to another village ({code}); nothing was restored.").format(
            code=found["village_code"] or "?"))
    with database.session():  # a refusal is recorded (after this read-only session) by db.engine
        require(actor, "backup.restore")
    try:
        database.acquire_lock()
    except StoreLocked:
        raise StoreLocked(_("Another VillageDesk (a window or a command) has this database open: close it first. Nothing was restored.")) from None
    safety = backup(database=database, actor=actor, to_dir=safety_dir, reason="before-restore", passphrase=passphrase).path
    target = Path(database.path)
    digest = _sha256(Path(backup_file))
    database.engine.dispose()  # our own connections; the lock stays held until the audit is written
    incoming = target.with_name(target.name + ".restoring")
    try:
        _write_incoming(backup_file, incoming, passphrase, found["sha256"])
        _fsync(incoming)
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(incoming, target)
        Path(str(target) + ".mark").unlink(missing_ok=True)  # the restored store is behind it on purpose
    except (OSError, VillageDeskError) as exc:
        incoming.unlink(missing_ok=True)
        detail = exc.strerror or exc if isinstance(exc, OSError) else exc
        raise StorageError(_("The restore failed ({detail}); the safety copy is {path}.").format(
            detail=detail, path=safety)) from None
    upgrade(database.engine, backup_dir=Path(safety_dir))
    database.refresh_village_code()
    with database.unit(actor) as session:
        session.add(AuditEntry(actor=getattr(actor, "username", "") or "", action="restore", table_name="store",
                               row_id=digest, changes={"file": str(Path(backup_file).resolve()), "sha256": digest,
                                                       "safety_copy": str(safety)}))
    _record(database, actor, "restored", {"file": Path(backup_file).name, "sha256": found["sha256"],
                                          "backup_created_at": found.get("created_at"), "safety_copy": Path(safety).name})
    return safety


# ---------------------------------------------------------------- a refused store at start-up

_STAMP_FORMAT = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupChoice:
    """A backup offered in place of a store that was refused at start-up. ``manifest`` holds what
    the verified backup contains (village, counts, when made); for an encrypted backup it is
    empty until its passphrase is given, and ``made`` comes from the file name."""

    path: Path
    made: dt.datetime
    encrypted: bool
    manifest: dict


def _made(path: Path, manifest: dict | None) -> dt.datetime:
    """When a backup was made: its manifest, else the stamp in its name, else the file's time."""
    if manifest and manifest.get("created_at"):
        with contextlib.suppress(ValueError, TypeError):
            return dt.datetime.fromisoformat(manifest["created_at"]).astimezone()
    for part in range(len(path.name.split("-")) - 1):
        stamp = "-".join(path.name.split("-")[part:part + 2])[:15]
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(stamp, _STAMP_FORMAT).astimezone()
    return dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()


def newest_backup(folders: list[Path]) -> BackupChoice | None:
    """The newest good backup in ``folders`` (a plain one verified against its manifest; an
    encrypted one is checked when its passphrase is given), or None when there is none."""
    found: list[tuple[dt.datetime, Path, bool]] = []
    seen: set[Path] = set()
    for folder in folders:
        try:
            files = sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []
        except OSError:
            continue
        for path in files:
            encrypted = is_encrypted(path)
            if not (encrypted or path.name.endswith(SUFFIX)) or path.resolve() in seen or not path.is_file():
                continue
            seen.add(path.resolve())
            manifest = None
            if not encrypted:
                with contextlib.suppress(VillageDeskError):
                    manifest = _plain_manifest(path)
                if manifest is None:
                    continue  # no manifest: never offered (it cannot be checked)
            found.append((_made(path, manifest), path, encrypted))
    for made, path, encrypted in sorted(found, key=lambda item: item[0], reverse=True):
        if encrypted:
            return BackupChoice(path=path, made=made, encrypted=True, manifest={})
        try:
            return BackupChoice(path=path, made=made, encrypted=False, manifest=verify(path))
        except (VillageDeskError, OSError, sqlite3.Error):
            log.warning("backup %s does not verify; an older one is offered", path)
    return None


def restore_refused(*, target: Path, backup_file: Path, passphrase: str | None = None) -> Path:
    """Put a verified backup where a refused store (damaged, not ours, newer) was; returns where the
    refused file was kept: renamed aside to ``<name>.damaged-<time>`` (its ``-wal``/``-shm`` files
    beside it with the same name), never overwritten or deleted.

    Nobody can sign in to a refused store, so no permission is asked: nothing is lost (the refused
    file is kept, the restored store starts from a verified backup) and the restore is recorded in
    the restored store's audit trail. Refused while another process holds the store's lock."""
    from db.engine import Database
    from db.lock import StoreLock

    target, backup_file = Path(target), Path(backup_file)
    found = verify(backup_file, passphrase=passphrase)
    lock = StoreLock(target).acquire()
    incoming = target.with_name(target.name + ".restoring")
    aside = target.with_name(f"{target.name}.damaged-{dt.datetime.now().strftime(_STAMP_FORMAT)}")
    moved: list[tuple[Path, Path]] = []
    try:
        try:
            _write_incoming(backup_file, incoming, passphrase, found["sha256"])
            _fsync(incoming)
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(target) + suffix)
                if source.exists():
                    os.replace(source, Path(str(aside) + suffix))
                    moved.append((source, Path(str(aside) + suffix)))
            os.replace(incoming, target)
        except (OSError, VillageDeskError) as exc:
            incoming.unlink(missing_ok=True)
            for source, kept in reversed(moved):  # put the refused file back as it was
                with contextlib.suppress(OSError):
                    os.replace(kept, source)
            detail = exc.strerror or exc if isinstance(exc, OSError) else exc
            raise StorageError(_("The restore failed ({detail}); the database file is as it was.").format(
                detail=detail)) from None
        Path(str(target) + ".mark").unlink(missing_ok=True)  # it described the refused file
        from app.paths import backups_dir

        database = Database(target, backup_dir=backups_dir())  # an older backup is upgraded (after a backup)
        try:
            _record(database, None, "restored", {"file": backup_file.name, "sha256": found["sha256"],
                                                 "backup_created_at": found.get("created_at"),
                                                 "refused_file_kept_as": aside.name if moved else ""})
        finally:
            database.dispose()
    finally:
        lock.release()
    return aside
