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

Photos and scans (``attachments/`` beside the store, content-addressed) travel with every backup:
inside the encrypted zip under ``attachments/``, and beside a plain backup as
``<name>.vdbackup.attachments.zip``; the manifest lists each file with its SHA-256, and a restore
puts back every file it lists (files added since are kept: nothing is lost). Backups written
before attachments existed are read as before. The format: docs/backup-format.md.

Automatic backups (:func:`backup_on_start`, :func:`backup_before`, :func:`backup_before_upgrade`)
go to the data folder's ``backups`` and, when configured, to a second folder (a second drive:
encrypted to an age X25519 recipient, so no passphrase is asked each time; the identity is kept
only under a passphrase, see docs/security.md). Each is verified before older generations are
pruned to 7 daily + 4 weekly + 12 monthly (:func:`keep_generations`).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
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
ATTACHMENTS = "attachments"  # the folder beside the store, and the members' prefix in an archive
ATTACHMENTS_SUFFIX = ".attachments.zip"  # beside a plain backup: <name>.vdbackup.attachments.zip
KEY_FILE = "villagedesk-backup-key.age"  # a second folder's age identity, under a passphrase
SECOND_FOLDER_KEY = "backup.second_folder"  # Setting: {"folder": …, "recipient": "age1…" or ""}
#: Reasons of automatic backups; they are pruned by :func:`keep_generations`. Manual backups and
#: the safety copies made before a restore are never pruned.
ROTATED = ("auto", "before-import", "before-upgrade")
DAY = dt.timedelta(days=1)
# The counts a person recognises a backup by (live rows, not tombstones).
SUMMARY_TABLES = ("household", "resident", "meeting", "concern")
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
        live = {}
        for table in SUMMARY_TABLES:
            if table in counts:
                live[table] = conn.execute(f'SELECT count(*) FROM "{table}" WHERE deleted_at IS NULL').fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise VillageDeskError(_("This file is not a readable VillageDesk backup ({detail}).").format(detail=exc)) from None
    finally:
        conn.close()
    return {"schema": revision[0] if revision else None, "village_code": village[0] if village else "",
            "village_name": village[1] if village else "", "counts": counts, "live": live}


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
    """Write a verified backup of ``database`` (and its attachments) into ``to_dir``; returns its
    path and manifest.

    Outside the data folder the backup is encrypted under ``passphrase`` (required there)."""
    with database.session():  # a refusal is recorded (after this read-only session) by db.engine
        require(actor, "backup.run")
    if database.path is None:
        raise VillageDeskError(_("Backups of a server database are made with the server's own tools (pg_dump)."))
    encrypt = needs_encryption(Path(to_dir))
    if encrypt:
        _check_passphrase(passphrase)
    info = _write_generation(Path(database.path), to_dir=Path(to_dir), reason=reason, by=actor.username,
                             passphrase=passphrase if encrypt else None)
    _record(database, actor, "backup", {"file": info.path.name, "sha256": info.manifest["sha256"], "encrypted": encrypt,
                                        "reason": reason, "audit_head": info.manifest["audit_head"]})
    return info


def attachments_dir(store: Path) -> Path:
    """附件: the photos and scans of a store, content-addressed in ``attachments/`` beside it."""
    return Path(store).parent / ATTACHMENTS


def _attachment_files(store: Path) -> list[tuple[str, Path]]:
    """``(name inside the attachments folder, file)`` for every attachment, sorted."""
    folder = attachments_dir(store)
    if not folder.is_dir():
        return []
    return sorted((path.relative_to(folder).as_posix(), path) for path in folder.rglob("*")
                  if path.is_file() and not path.name.endswith((".partial", ".tmp")))


def _safe_member(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "\\" not in name and ":" not in name


def _file_name(code: str, stamp: str, reason: str, encrypted: bool) -> str:
    return f"villagedesk-{code or 'store'}-{stamp}-{reason}{ENCRYPTED_SUFFIX if encrypted else SUFFIX}"


def _free_name(to_dir: Path, code: str, now: dt.datetime, reason: str, encrypted: bool) -> Path:
    """A name no backup has yet: two backups in the same second never replace each other."""
    stamp = now.strftime(_STAMP_FORMAT)
    target = to_dir / _file_name(code, stamp, reason, encrypted)
    n = 1
    while target.exists() or target.with_name(target.name + ".partial").exists():
        n += 1
        target = to_dir / _file_name(code, f"{stamp}.{n}", reason, encrypted)
    return target


def _write_generation(store: Path, *, to_dir: Path, reason: str, by: str, passphrase: str | None = None,
                      recipient: str | None = None, now: dt.datetime | None = None) -> BackupInfo:
    """Snapshot ``store`` (online backup API), check it, and write it with its attachments into
    ``to_dir``: plain (manifest and attachments beside it) or sealed with age under ``passphrase``
    or to ``recipient``. Nothing is renamed into place before the snapshot passed its check."""
    now = now or dt.datetime.now()
    to_dir = Path(to_dir)
    encrypt = bool(passphrase or recipient)
    partial: Path | None = None
    extras: list[Path] = []
    try:
        to_dir.mkdir(parents=True, exist_ok=True)
        # The plain copy of an encrypted backup never touches the destination: it is made in the data folder.
        with _scratch() as scratch:
            snapshot = scratch / _STORE_MEMBER
            _snapshot(store, snapshot)
            manifest = _inspect(snapshot)
            from app import __version__

            attachments = _attachment_files(store)
            manifest.update({"format": 2, "created_at": now.astimezone().isoformat(timespec="seconds"),
                             "by": by, "reason": reason, "sha256": _sha256(snapshot),
                             "audit_head": _audit_head(snapshot), "encrypted": encrypt, "program_version": __version__,
                             "attachments": {name: _sha256(path) for name, path in attachments}})
            target = _free_name(to_dir, manifest["village_code"], now, reason, encrypt)
            partial = target.with_name(target.name + ".partial")
            if encrypt:
                sealed = _seal(snapshot, manifest, attachments, passphrase=passphrase, recipient=recipient)
                partial.write_bytes(sealed)
                _fsync(partial)
                # What reached the disk is what was sealed (a flaky stick is caught here, not at restore).
                if _sha256(partial) != hashlib.sha256(sealed).hexdigest():
                    raise VillageDeskError(_("The backup file does not match its checksum: it was changed or damaged."))
            else:
                if attachments:
                    archive = target.with_name(target.name + ATTACHMENTS_SUFFIX)
                    archive_partial = archive.with_name(archive.name + ".partial")
                    extras.append(archive_partial)
                    with zipfile.ZipFile(archive_partial, "w", compression=zipfile.ZIP_STORED) as out:
                        for name, path in attachments:
                            out.write(path, f"{ATTACHMENTS}/{name}")
                    _fsync(archive_partial)
                    manifest["attachments_sha256"] = _sha256(archive_partial)
                    os.replace(archive_partial, archive)
                    extras[-1] = archive
                shutil.copyfile(snapshot, partial)
                _fsync(partial)
        os.replace(partial, target)
        if not encrypt:
            manifest_path = target.with_suffix(SUFFIX + ".json")
            manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    except (OSError, VillageDeskError) as exc:
        for leftover in [partial, *extras]:
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
        if isinstance(exc, VillageDeskError):
            raise
        raise StorageError(_("The backup could not be written ({detail}); the database is unchanged.").format(
            detail=_os_reason(exc))) from None
    return BackupInfo(path=target, manifest=manifest)


def _os_reason(exc: OSError) -> str:
    """Why a file could not be written, in words (the classification of :mod:`db.errors`)."""
    from db.errors import DiskFull, ReadOnlyStore, classify

    known = classify(exc)
    if isinstance(known, DiskFull):
        return _("the disk is full")
    if isinstance(known, ReadOnlyStore):
        return _("the folder is read-only or may not be written")
    return str(exc.strerror or exc)


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


def _seal(snapshot: Path, manifest: dict, attachments: list[tuple[str, Path]], *, passphrase: str | None = None,
          recipient: str | None = None) -> bytes:
    """zip(manifest.json, store, attachments/…) encrypted with age under ``passphrase`` or to an
    X25519 ``recipient``."""
    import pyrage

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST_MEMBER, json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.write(snapshot, _STORE_MEMBER)
        for name, path in attachments:
            archive.write(path, f"{ATTACHMENTS}/{name}", compress_type=zipfile.ZIP_STORED)
    if recipient:
        return pyrage.encrypt(buffer.getvalue(), [pyrage.x25519.Recipient.from_str(recipient)])
    return pyrage.passphrase.encrypt(buffer.getvalue(), passphrase or "")


def _to_recipient(path: Path) -> bool:
    """An age file encrypted to an X25519 recipient (a second folder's automatic backup), not
    under a passphrase: its header names the stanza."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(400)
    except OSError:
        return False
    return b"\n-> X25519 " in head


def _key_files(backup_file: Path) -> list[Path]:
    """Where the identity of a second folder's backups may be: beside the backup (the drive keeps
    its own key file, so the drive alone restores on a new PC) and the copies in the data folder."""
    from app.paths import backups_dir

    found = [Path(backup_file).parent / KEY_FILE]
    keys = backups_dir() / "keys"
    if keys.is_dir():
        found.extend(sorted(keys.glob("*.age")))
    return [path for path in found if path.is_file()]


def _identities(backup_file: Path, passphrase: str) -> list:
    import pyrage

    identities = []
    for key_file in _key_files(backup_file):
        with contextlib.suppress(pyrage.DecryptError, OSError, ValueError, pyrage.IdentityError):
            identities.append(pyrage.x25519.Identity.from_str(
                pyrage.passphrase.decrypt(key_file.read_bytes(), passphrase).decode("ascii").strip()))
    if not identities:
        raise VillageDeskError(_("The backup key ({name}) was not found beside the backup, or the passphrase does not "
                                 "open it; nothing was changed.").format(name=KEY_FILE))
    return identities


def _unseal(path: Path, passphrase: str | None, into: Path) -> tuple[Path, dict, Path | None]:
    """Decrypt an encrypted backup into ``into``; its store file, the manifest it carries and the
    folder its attachments were unpacked into (None when it has none)."""
    import pyrage

    if not passphrase:
        raise ValidationError({"passphrase": _("This backup is encrypted: enter its passphrase.")})
    try:
        if _to_recipient(path):
            payload = pyrage.decrypt(path.read_bytes(), _identities(path, passphrase))
        else:
            payload = pyrage.passphrase.decrypt(path.read_bytes(), passphrase)
    except pyrage.DecryptError:
        raise VillageDeskError(_("The passphrase is wrong, or the backup file was changed or damaged; nothing was changed.")) from None
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            manifest = json.loads(archive.read(_MANIFEST_MEMBER).decode("utf-8"))
            store = into / _STORE_MEMBER
            with archive.open(_STORE_MEMBER) as member, store.open("wb") as out:
                shutil.copyfileobj(member, out)
            unpacked = _unpack_attachments(archive, into / ATTACHMENTS)
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise VillageDeskError(_("This file is not a VillageDesk backup.")) from None
    return store, manifest, unpacked


def _unpack_attachments(archive: zipfile.ZipFile, into: Path) -> Path | None:
    """The ``attachments/…`` members of ``archive`` written under ``into`` (names checked: no
    absolute paths, no ``..``)."""
    names = [info.filename for info in archive.infolist()
             if info.filename.startswith(ATTACHMENTS + "/") and not info.is_dir()]
    if not names:
        return None
    for name in names:
        inner = name[len(ATTACHMENTS) + 1:]
        if not _safe_member(inner):
            raise VillageDeskError(_("This file is not a VillageDesk backup."))
        out = into / inner
        out.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(name) as member, out.open("wb") as fh:
            shutil.copyfileobj(member, fh)
    return into


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
def _opened(path: Path, passphrase: str | None) -> Iterator[tuple[Path, dict, Path | None]]:
    """The backup's store file (decrypted into a scratch folder when encrypted), its manifest and
    its attachments unpacked into a scratch folder (None without any), unchecked."""
    if is_encrypted(path):
        with _scratch() as scratch:
            yield _unseal(path, passphrase, scratch)
        return
    manifest = _plain_manifest(path)
    archive = path.with_name(path.name + ATTACHMENTS_SUFFIX)
    if not manifest.get("attachments"):
        yield path, manifest, None
        return
    if not archive.is_file():
        raise VillageDeskError(_("The backup's attachments ({name}) are missing; nothing was restored.").format(name=archive.name))
    if manifest.get("attachments_sha256") != _sha256(archive):
        raise VillageDeskError(_("The backup's attachments do not match their checksum: they were changed or damaged."))
    with _scratch() as scratch:
        try:
            with zipfile.ZipFile(archive) as opened:
                unpacked = _unpack_attachments(opened, scratch / ATTACHMENTS)
        except (zipfile.BadZipFile, OSError):
            raise VillageDeskError(_("The backup's attachments do not match their checksum: they were changed or damaged.")) from None
        yield path, manifest, unpacked


def _check(store: Path, recorded: dict, attachments: Path | None = None) -> dict:
    """Checksum, readability, row counts, schema, audit chain and attachments of an unpacked
    backup against its manifest."""
    if not recorded.get("sha256") or recorded["sha256"] != _sha256(store):
        raise VillageDeskError(_("The backup file does not match its checksum: it was changed or damaged."))
    found = _inspect(store)
    from db.revisions import VERSIONS  # the migration scripts, without importing Alembic

    known = {p.name.split("_", 1)[0] for p in VERSIONS.glob("*.py")}
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
    if recorded.get("counts") is not None and recorded["counts"] != found["counts"]:
        raise VillageDeskError(_("The backup's row counts differ from its manifest: it was changed or damaged."))
    listed = recorded.get("attachments") or {}
    for name, digest in listed.items():
        path = attachments / name if attachments is not None and _safe_member(name) else None
        if path is None or not path.is_file() or _sha256(path) != digest:
            raise VillageDeskError(_("The backup's attachment {name} is missing or damaged; nothing was restored.").format(name=name))
    return {**recorded, **found}


def verify(path: Path, *, passphrase: str | None = None) -> dict:
    """Check a backup against its manifest: checksum, that it opens cleanly, row counts, schema,
    audit chain and every attachment."""
    path = Path(path)
    if not path.is_file():
        raise VillageDeskError(_("No backup file at {path}.").format(path=path))
    with _opened(path, passphrase) as (store, recorded, attachments):
        return _check(store, recorded, attachments)


def _write_incoming(backup_file: Path, incoming: Path, passphrase: str | None, expected_sha256: str,
                    attachments_to: Path | None = None) -> int:
    """Put the backup's store at ``incoming`` (decrypting it), checked once more against the
    verified checksum so a file swapped after ``verify`` cannot slip in; with ``attachments_to``
    the backup's attachments are put back there first (each written to a temporary name, then
    renamed; files already there are kept). Returns how many attachments were written."""
    written = 0
    with _opened(Path(backup_file), passphrase) as (store, manifest, attachments):
        shutil.copyfile(store, incoming)
        if _sha256(incoming) != expected_sha256:
            raise VillageDeskError(_("The backup file does not match its checksum: it was changed or damaged."))
        if attachments_to is not None and attachments is not None:
            for name, digest in (manifest.get("attachments") or {}).items():
                source, dest = attachments / name, attachments_to / name
                if _sha256(source) != digest:
                    raise VillageDeskError(_("The backup's attachment {name} is missing or damaged; nothing was restored.").format(name=name))
                if dest.is_file() and _sha256(dest) == digest:
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                part = dest.with_name(dest.name + ".partial")
                shutil.copyfile(source, part)
                _fsync(part)
                os.replace(part, dest)
                written += 1
    return written


def restore(*, database, actor: Actor | None, backup_file: Path, safety_dir: Path, allow_other_village: bool = False,
            passphrase: str | None = None) -> Path:
    """Replace ``database``'s file with a verified backup; returns the safety copy of what was there.

    Takes the store's writer lock first and refuses while another process holds it (a window or
    a command still writing would lose what it saves, or put old values back). ``passphrase``
    opens an encrypted backup (and encrypts the safety copy when ``safety_dir`` is outside the data
    folder). The backup's attachments are put back beside the store (those added since are kept).
    The restored store's audit trail records the restore: who, when, which file and its SHA-256.
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
    _copy_to_second_folder(database, reason="before-restore")
    target = Path(database.path)
    digest = _sha256(Path(backup_file))
    database.engine.dispose()  # our own connections; the lock stays held until the audit is written
    incoming = target.with_name(target.name + ".restoring")
    try:
        _write_incoming(backup_file, incoming, passphrase, found["sha256"], attachments_to=attachments_dir(target))
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


_VERIFIED: dict[tuple[Path, int, int], dict] = {}  # (file, size, mtime_ns) → its verified manifest


def _verified(path: Path, remember: bool) -> dict:
    """``verify(path)``; with ``remember``, a file verified before in this process and unchanged
    since (same size and modification time) is not read again."""
    if not remember:
        return verify(path)
    stat = path.stat()
    key = (path.resolve(), stat.st_size, stat.st_mtime_ns)
    manifest = _VERIFIED.get(key)
    if manifest is None:
        manifest = _VERIFIED[key] = verify(path)
    return manifest


def newest_backup(folders: list[Path], *, remember: bool = False) -> BackupChoice | None:
    """The newest good backup in ``folders`` (a plain one verified against its manifest; an
    encrypted one is checked when its passphrase is given), or None when there is none.

    ``remember=True`` (the 工作台's line about the last backup, asked at every visit): a backup
    verified before in this process and unchanged since is not verified again. A restore always
    verifies."""
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
            return BackupChoice(path=path, made=made, encrypted=False, manifest=_verified(path, remember))
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
            _write_incoming(backup_file, incoming, passphrase, found["sha256"], attachments_to=attachments_dir(target))
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


# ---------------------------------------------------------------- automatic backups and rotation

_NAME = re.compile(r"^villagedesk-(?P<code>[^-]*)-(?P<stamp>\d{8}-\d{6})(?:\.\d+)?-(?P<reason>[a-z-]+)"
                   r"(?P<suffix>\.vdbackup(?:\.age)?)$")


@dataclass(frozen=True)
class Generation:
    """One backup file as the restore page lists it. ``kind``: ``daily``/``weekly``/``monthly``
    (an automatic backup, by the longest rotation that keeps it), ``manual``, or the reason it was
    made (``before-import``, ``before-upgrade``, ``before-restore``). ``manifest`` is empty for an
    encrypted backup (its manifest is inside) and for a file without one."""

    path: Path
    made: dt.datetime
    kind: str
    reason: str
    encrypted: bool
    manifest: dict

    @property
    def village_name(self) -> str:
        return str(self.manifest.get("village_name") or "")

    @property
    def counts(self) -> dict:
        """Live households, residents, meetings and concerns (all rows for an older manifest)."""
        live = self.manifest.get("live")
        counts = self.manifest.get("counts") or {}
        return {table: (live or counts).get(table) for table in SUMMARY_TABLES} if self.manifest else {}


def _parse(path: Path) -> tuple[dt.datetime, str] | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        return dt.datetime.strptime(match["stamp"], _STAMP_FORMAT), match["reason"]
    except ValueError:
        return None


def keep_generations(made: dict, *, daily: int = 7, weekly: int = 4, monthly: int = 12) -> dict[object, set[str]]:
    """Grandfather-father-son: which of the backups ``made`` (key → when) to keep, and why.

    Newest first, the newest backup of each of the last ``daily`` days that have one is kept, of
    each of the last ``weekly`` ISO weeks and of the last ``monthly`` months; the newest of all is
    always kept. Returns key → {"daily", "weekly", "monthly"} for the kept ones; the others go.
    A pure function of the times: the same list gives the same answer on any day."""
    order = sorted(made, key=lambda key: made[key], reverse=True)
    kept: dict[object, set[str]] = {}
    rules = (("daily", daily, lambda t: t.date()), ("weekly", weekly, lambda t: t.isocalendar()[:2]),
             ("monthly", monthly, lambda t: (t.year, t.month)))
    for role, limit, bucket in rules:
        seen: list[object] = []
        for key in order:
            if len(seen) >= limit:
                break
            period = bucket(made[key])
            if period not in seen:
                seen.append(period)
                kept.setdefault(key, set()).add(role)
    if order:
        kept.setdefault(order[0], {"daily"})
    return kept


def _backups_in(folder: Path) -> list[tuple[Path, dt.datetime, str]]:
    """``(file, when, reason)`` of the backups named by this program in ``folder``."""
    try:
        files = list(Path(folder).iterdir()) if Path(folder).is_dir() else []
    except OSError:
        return []
    found = []
    for path in files:
        parsed = _parse(path)
        if parsed is not None and path.is_file():
            found.append((path, parsed[0], parsed[1]))
    return found


def _remove(path: Path) -> None:
    for sidecar in (path, path.with_suffix(path.suffix + ".json"), path.with_name(path.name + ATTACHMENTS_SUFFIX)):
        with contextlib.suppress(OSError):
            sidecar.unlink(missing_ok=True)


def prune(folder: Path) -> list[Path]:
    """Delete the automatic backups in ``folder`` that :func:`keep_generations` lets go (with their
    manifest and attachments beside them); returns what was deleted. Manual backups and safety
    copies made before a restore are never touched. Call only after the newest was verified."""
    rotated = {path: made for path, made, reason in _backups_in(folder) if reason in ROTATED}
    kept = keep_generations(rotated)
    gone = [path for path in rotated if path not in kept]
    for path in gone:
        _remove(path)
    if gone:
        log.info("pruned %d old backups in %s", len(gone), folder)
    return gone


def last_backup_at(folder: Path | None = None) -> dt.datetime | None:
    """When the newest backup in ``folder`` (default: the data folder's ``backups``) was made."""
    from app.paths import backups_dir

    times = [made for _path, made, _reason in _backups_in(folder or backups_dir())]
    return max(times) if times else None


def _second_folder(store: Path) -> dict:
    """The configured second folder (``{"folder", "recipient"}``) read straight from the file: it is
    needed before an upgrade too, when the ORM's models may not fit the old schema."""
    try:
        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (SECOND_FOLDER_KEY,)).fetchone()
        finally:
            conn.close()
        value = json.loads(row[0]) if row and row[0] else None
    except (sqlite3.Error, ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) and value.get("folder") else {}


def _verified_generation(store: Path, *, to_dir: Path, reason: str, recipient: str | None = None,
                         now: dt.datetime | None = None) -> BackupInfo:
    """Write one automatic generation, verify it, and only then prune the folder. A generation that
    fails its check is deleted and nothing older is touched.

    One at a time in this process (:data:`_GENERATIONS`): the window's daily backup runs on a
    thread of its own while an import's backup may run on the database worker, and one's pruning
    must never remove the other's generation before it is verified."""
    with _GENERATIONS:
        info = _write_generation(store, to_dir=to_dir, reason=reason, by="", recipient=recipient, now=now)
        try:
            if not recipient:  # a sealed one was checked before sealing and byte for byte after writing
                verify(info.path)
        except (VillageDeskError, OSError, sqlite3.Error):
            _remove(info.path)
            raise
        prune(to_dir)
        return info


_GENERATIONS = threading.RLock()


def _copy_to_second_folder(database, *, reason: str, now: dt.datetime | None = None) -> BackupInfo | None:
    """The same generation in the configured second folder, when there is one; a folder that is
    not there (the drive unplugged) or fails is logged, never an error for the user's action."""
    if getattr(database, "path", None) is None:
        return None
    second = _second_folder(Path(database.path))
    if not second:
        return None
    folder = Path(second["folder"])
    recipient = second.get("recipient") or None
    if needs_encryption(folder) and not recipient:
        log.warning("second backup folder %s has no key; skipped", folder)
        return None
    try:
        return _verified_generation(Path(database.path), to_dir=folder, reason=reason, recipient=recipient, now=now)
    except (VillageDeskError, OSError, sqlite3.Error):
        log.warning("automatic backup to %s failed", folder, exc_info=True)
        return None


def backup_before(database, reason: str = "import", *, now: dt.datetime | None = None) -> BackupInfo | None:
    """The automatic backup taken before a change that is hard to undo. Call it before writing
    anything, outside the import's own unit::

        from app.backup import backup_before
        backup_before(database, reason="import")   # then import in one transaction

    ``database`` is a :class:`db.engine.Database` (the worker's ``db_worker.database``, the CLI's
    ``ctx.open_database()``) or the session of the unit about to import (the backup reads the last
    committed state through its own connection, so an open write unit is fine). The store and its attachments are copied with SQLite's online backup
    API to the data folder's ``backups`` (and the configured second folder), verified, and only
    then are older automatic generations pruned (7 daily + 4 weekly + 12 monthly). No permission is
    asked (the caller's own action was checked) and no passphrase (a second drive gets an X25519
    recipient's encryption). Raises :class:`StorageError` when the copy in the data folder cannot
    be written or does not verify: do not go on with the import then. Returns None for a server
    database (PostgreSQL: its own tools) or a read-only store."""
    from app.paths import backups_dir

    database = _StoreRef.of(database)
    if database.path is None or database.read_only:
        return None
    try:
        info = _verified_generation(Path(database.path), to_dir=backups_dir(), reason=f"before-{reason}", now=now)
    except VillageDeskError as exc:
        raise StorageError(_("No backup could be made before the {reason} ({detail}); nothing was changed.").format(
            reason=_reason_label(f"before-{reason}"), detail=exc.message)) from None
    _copy_to_second_folder(database, reason=f"before-{reason}", now=now)
    return info


@dataclass(frozen=True)
class _StoreRef:
    """The store file behind a :class:`db.engine.Database` or a session of one."""

    path: Path | None
    read_only: bool

    @classmethod
    def of(cls, thing) -> _StoreRef:
        if hasattr(thing, "get_bind"):  # a session
            from db.engine import sqlite_path

            bind = thing.get_bind()
            return cls(path=sqlite_path(getattr(bind, "engine", bind)), read_only=bool(thing.info.get("read_only")))
        return cls(path=getattr(thing, "path", None), read_only=bool(getattr(thing, "read_only", False)))


def backup_on_start(database, *, now: dt.datetime | None = None, raise_errors: bool = False) -> BackupInfo | None:
    """The daily automatic backup: made when the program (a window, a command that writes) opens a
    store whose newest backup in the data folder is older than a day; otherwise nothing is done
    (costing one listing of the backups folder). Failures are logged and returned as None: they
    never stop the start; the settings page shows the last backup's age. With ``raise_errors`` a
    failure is raised as :class:`StorageError` instead (the window shows it in a banner)."""
    from app.paths import backups_dir

    if getattr(database, "path", None) is None or getattr(database, "read_only", False):
        return None
    now = now or dt.datetime.now()
    last = last_backup_at(backups_dir())
    if last is not None and now - last < DAY:
        return None
    try:
        info = _verified_generation(Path(database.path), to_dir=backups_dir(), reason="auto", now=now)
    except (VillageDeskError, OSError, sqlite3.Error) as exc:
        log.warning("the automatic backup failed", exc_info=True)
        if raise_errors:
            reason = exc.message if isinstance(exc, VillageDeskError) else str(exc)
            raise StorageError(_("Today's automatic backup could not be made: {reason}").format(reason=reason)) from None
        return None
    _copy_to_second_folder(database, reason="auto", now=now)
    return info


def backup_before_upgrade(store: Path, backup_dir: Path) -> Path:
    """Registered with :mod:`db.upgrade_backup`: the verified generation before a schema upgrade
    (pruned like the others; also to the second folder when one is set)."""
    info = _verified_generation(Path(store), to_dir=Path(backup_dir), reason="before-upgrade")
    second = _second_folder(Path(store))
    if second:
        folder, recipient = Path(second["folder"]), second.get("recipient") or None
        if recipient or not needs_encryption(folder):
            try:
                _verified_generation(Path(store), to_dir=folder, reason="before-upgrade", recipient=recipient)
            except (VillageDeskError, OSError, sqlite3.Error):
                log.warning("backup before the upgrade to %s failed", folder, exc_info=True)
    return info.path


def _reason_label(reason: str) -> str:
    from app.i18n import N_

    labels = {"daily": N_("daily"), "weekly": N_("weekly"), "monthly": N_("monthly"), "manual": N_("manual"),
              "before-import": N_("before import"), "before-upgrade": N_("before upgrade"),
              "before-restore": N_("before restore"), "auto": N_("automatic")}
    return _(labels[reason]) if reason in labels else reason


def kind_label(kind: str) -> str:
    """A generation's kind in the user's language (日备份, 导入前 …)."""
    return _reason_label(kind)


def generations(*, actor: Actor, folders: list[Path]) -> list[Generation]:
    """Every backup in ``folders`` (the data folder's ``backups``, the second folder), newest
    first, with its kind and — for a plain backup — what its manifest says (village, counts).
    An encrypted one is listed from its name only: its manifest is inside, read after the
    passphrase is given. Nothing is verified here (that happens before a restore)."""
    require(actor, "backup.restore")
    found: list[Generation] = []
    seen: set[Path] = set()
    for folder in folders:
        entries = _backups_in(folder)
        roles = keep_generations({path: made for path, made, reason in entries if reason in ROTATED})
        for path, made, reason in entries:
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            encrypted = is_encrypted(path)
            manifest: dict = {}
            if not encrypted:
                with contextlib.suppress(VillageDeskError):
                    manifest = _plain_manifest(path)
            if reason in ROTATED and reason == "auto":
                kind = next((role for role in ("monthly", "weekly", "daily") if role in roles.get(path, ())), "daily")
            else:
                kind = reason
            found.append(Generation(path=path, made=made, kind=kind, reason=reason, encrypted=encrypted,
                                    manifest=manifest))
    return sorted(found, key=lambda g: g.made, reverse=True)


def backup_folders(database) -> list[Path]:
    """Where automatic backups go: the data folder's ``backups`` and the second folder if set."""
    from app.paths import backups_dir

    folders = [backups_dir()]
    if getattr(database, "path", None) is not None:
        second = _second_folder(Path(database.path))
        if second:
            folders.append(Path(second["folder"]))
    return folders


def backup_settings(*, session, actor: Actor) -> dict:
    """The second backup folder (``""``: none), whether backups there are encrypted, and when the
    newest backup in the data folder was made (None: never)."""
    require(actor, "backup.run")
    from db.models.accounts import Setting

    setting = session.get(Setting, SECOND_FOLDER_KEY)
    value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    last = last_backup_at()
    return {"second_folder": value.get("folder", ""), "encrypted": bool(value.get("recipient")),
            "last_backup_at": last}


def set_second_folder(*, session, actor: Actor, folder: str | Path | None, passphrase: str | None = None) -> dict:
    """Set (or with ``folder=None`` forget) the second folder automatic backups also go to.

    A folder outside the data folder (another drive) gets backups encrypted to an age X25519
    recipient, so none asks a passphrase. Its identity is written only under ``passphrase`` (age
    scrypt): as ``villagedesk-backup-key.age`` in that folder (so the drive alone restores on a new
    PC) and in the data folder's ``backups/keys``. A folder that already has a key keeps it (the
    passphrase must open it), so older backups there stay readable."""
    import pyrage

    from db.models.accounts import Setting

    require(actor, "backup.run")
    setting = session.get(Setting, SECOND_FOLDER_KEY) or Setting(key=SECOND_FOLDER_KEY)
    if not folder:
        setting.value = {}
        session.add(setting)
        session.flush()
        return backup_settings(session=session, actor=actor)
    target = Path(folder).expanduser()
    if not target.is_dir():
        raise ValidationError({"folder": _("The folder {path} does not exist (is the drive plugged in?).").format(path=target)})
    recipient = ""
    if needs_encryption(target):
        passphrase = _check_passphrase(passphrase)
        key_file = target / KEY_FILE
        try:
            if key_file.is_file():
                try:
                    identity = pyrage.x25519.Identity.from_str(
                        pyrage.passphrase.decrypt(key_file.read_bytes(), passphrase).decode("ascii").strip())
                except (pyrage.DecryptError, ValueError, pyrage.IdentityError):
                    raise ValidationError({"passphrase": _("This folder already has a backup key: enter the passphrase "
                                                           "it was made with.")}) from None
                sealed = key_file.read_bytes()
            else:
                identity = pyrage.x25519.Identity.generate()
                sealed = pyrage.passphrase.encrypt(str(identity).encode("ascii"), passphrase)
                _write_atomic(key_file, sealed)
            recipient = str(identity.to_public())
            from app.paths import backups_dir

            keys = backups_dir() / "keys"
            keys.mkdir(parents=True, exist_ok=True)
            _write_atomic(keys / f"{recipient[4:20]}.age", sealed)
        except OSError as exc:
            raise StorageError(_("The folder {path} cannot be written ({detail}).").format(
                path=target, detail=exc.strerror or exc)) from None
    setting.value = {"folder": str(target.resolve()), "recipient": recipient}
    session.add(setting)
    session.flush()
    return backup_settings(session=session, actor=actor)


def _write_atomic(path: Path, data: bytes) -> None:
    part = path.with_name(path.name + ".partial")
    part.write_bytes(data)
    _fsync(part)
    os.replace(part, path)
