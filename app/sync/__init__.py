"""数据报送: reports to the township — keys, bundles, receipts, the outbox, township mode.

The door of the sync piece: every function takes keyword-only ``session`` and ``actor``, checks
``sync.export`` (a village) or ``sync.import`` (a township), and returns plain data. ``service``
holds the work, ``bundle`` and ``receipts`` the file formats (``docs/bundle-format.md``),
``keys`` the signing keys and the township's age key, ``township`` the township store (its
setup, enrolled villages, summaries and read-only records). :func:`store_kind` and
:func:`setup_township` need no actor (the start screen asks them before anyone signs in).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from app.auth import Actor, require, require_any
from app.errors import NotFound
from app.i18n import _
from app.sync import keys as _keys
from app.sync import service as _service
from app.sync.bundle import BundleRefused  # noqa: F401
from app.sync.keys import KeyRefused  # noqa: F401
from app.sync import receipts as _receipts
from app.sync import township as _township
from app.sync.service import (ExportResult, ImportSummary, OutboxEntry, ReceiptResult, SyncStatus,  # noqa: F401
                              TownshipKey)
from app.sync.township import FIGURES, RECORD_COLUMNS  # noqa: F401


def store_kind(*, session: Any, actor: Actor | None = None) -> str:
    """``village``, ``township`` or "" (not set up yet)."""
    return _township.store_kind(session)


def setup_township(*, session: Any, actor: Actor | None = None, name: str, code: str, admin_username: str,
                   admin_password: str, admin_display_name: str = "") -> Actor:
    """First run of a township store (nobody is signed in yet); refused once a store is set up."""
    if actor is not None:
        require(actor, "users.manage")
    return _township.setup_township(session, name=name, code=code, admin_username=admin_username,
                                    admin_password=admin_password, admin_display_name=admin_display_name)


# ---------------------------------------------------------------- the village


def export_bundle(*, session: Any, actor: Actor, to_dir: Path | None = None, full: bool = False) -> ExportResult:
    """Write a bundle of the village's changes since the last one the township acknowledged
    (everything with ``full``) into the outbox, and a copy into ``to_dir`` (a USB stick) if given."""
    require(actor, "sync.export")
    return _service.export_bundle(session, to_dir=Path(to_dir) if to_dir is not None else None, full=full)


def outbox_dir(*, session: Any, actor: Actor) -> Path:
    require(actor, "sync.export")
    return _service.outbox_dir(session)


def outbox(*, session: Any, actor: Actor) -> list[OutboxEntry]:
    """The bundles written, newest first, with how far each got."""
    require(actor, "sync.export")
    return _service.outbox(session)


def mark_outbox(*, session: Any, actor: Actor, bundle_id: str, state: str, error: str = "",
                next_attempt_at: Any = None) -> None:
    """Record a push's progress: ``sending``, ``delivered`` or ``error`` (with a reason and the next try)."""
    require(actor, "sync.export")
    _service.mark_outbox(session, bundle_id=bundle_id, state=state, error=error, next_attempt_at=next_attempt_at)


def import_receipt(*, session: Any, actor: Actor, file: Path | None = None, data: bytes | None = None) -> ReceiptResult:
    """Check a receipt (a file from the stick, or the bytes a push got back) and mark what the township holds."""
    require(actor, "sync.export")
    if data is None:
        if file is None or not Path(file).is_file():
            raise NotFound(_("There is no file {path}.").format(path=file))
        data = _receipts.read_file(Path(file))
    return _service.import_receipt(session, data=data, name=Path(file).name if file is not None else _("the answer"))


def sync_status(*, session: Any, actor: Actor) -> SyncStatus:
    require(actor, "sync.export")
    return _service.sync_status(session)


def set_push_target(*, session: Any, actor: Actor, url: str, token: str | None = None) -> None:
    """The township receiver's address (and the upload token, which a receipt normally brings)."""
    require(actor, "sync.export")
    _service.set_push_target(session, url=url, token=token)


def push_target(*, session: Any, actor: Actor) -> tuple[str, str]:
    """(address, upload token) for a push."""
    require(actor, "sync.export")
    return _service.push_target(session)


def trust_township_key(*, session: Any, actor: Actor, file: Path) -> str:
    """Store the township's public key from its key file; returns the fingerprint to compare."""
    require(actor, "sync.export")
    if not Path(file).is_file():
        raise NotFound(_("There is no file {path}.").format(path=file))
    _township.require_village(session)
    recipient, signing, name = _keys.read_key_file(Path(file))
    return _keys.trust_recipient(session, recipient=recipient, signing=signing, name=name)


# ---------------------------------------------------------------- the township


def export_township_key(*, session: Any, actor: Actor, to_file: Path, name: str = "",
                        passphrase: str | None = None) -> str:
    """Write the township's public key to ``to_file`` (the key pair is made, its private half under
    ``passphrase``, the first time); returns the fingerprint to read over the phone."""
    require(actor, "sync.import")
    _township.require_township(session)
    recipient = _keys.ensure_township_identity(session, passphrase=passphrase)
    signing = _keys.public_bytes(_keys.signing_key(session, create=True))
    return _keys.write_recipient_file(Path(to_file), recipient=recipient, signing=signing,
                                      name=name or _township.township_profile(session)["name"])


def unlock_township_key(*, session: Any, actor: Actor, passphrase: str | None) -> TownshipKey:
    """The township's private key, unlocked with its passphrase for a run of imports."""
    require(actor, "sync.import")
    return _service.unlock(session, passphrase=passphrase)


def import_bundle(*, session: Any, actor: Actor, file: Path, key: TownshipKey, enroll: bool = False,
                  dry_run: bool = False, file_name: str | None = None) -> ImportSummary:
    """Verify one bundle and (unless ``dry_run``) apply it in this unit; a refusal raises
    :class:`BundleRefused` and the unit writes nothing."""
    require(actor, "sync.import")
    if not Path(file).is_file():
        raise NotFound(_("There is no file {path}.").format(path=file))
    if not dry_run:
        from app.backup import backup_before

        backup_before(session, reason="import")  # verified, rotated; refuses the import if it fails
    return _service.import_bundle(session, file=Path(file), key=key, enroll=enroll, dry_run=dry_run,
                                  file_name=file_name)


def imported_villages(*, session: Any, actor: Actor) -> list[dict[str, Any]]:
    """The villages enrolled on this store, their last bundle and the counts they sent."""
    require(actor, "sync.import")
    return _service.imported_villages(session)


def receipt_for(*, session: Any, actor: Actor, bundle_id: str) -> tuple[str, bytes]:
    """(file name, bytes) of the signed receipt that answered an imported bundle."""
    require(actor, "sync.import")
    return _service.receipt_for(session, bundle_id=bundle_id)


def write_receipt(*, session: Any, actor: Actor, bundle_id: str, to_dir: Path) -> Path:
    """Write the receipt of an imported bundle into ``to_dir`` (the village's stick)."""
    require(actor, "sync.import")
    return _service.write_receipt(session, bundle_id=bundle_id, to_dir=Path(to_dir))


def enrolled_villages(*, session: Any, actor: Actor) -> list[dict[str, Any]]:
    """Villages enrolled here: code, name, fingerprint, last import, rev, bundles, gap, last error, upload token."""
    require(actor, "sync.import")
    return _township.enrolled_villages(session)


def find_village_by_token(*, session: Any, actor: Actor | None = None, token: str) -> str | None:
    """The village an upload token belongs to (the receiver's check, before anyone is known)."""
    return _township.find_village_by_token(session, token)


def import_log(*, session: Any, actor: Actor, limit: int = 50) -> list[dict[str, Any]]:
    require(actor, "sync.import")
    return _township.import_log(session, limit=limit)


def township_summary(*, session: Any, actor: Actor) -> dict[str, Any]:
    """Per village and in total: residents, households, meetings, concerns and 办结率, notices, matters."""
    require_any(actor, "sync.import", "stats.view")
    _township.require_township(session)
    return _township.township_summary(session)


def village_records(*, session: Any, actor: Actor, village_code: str, table: str, search: str = "",
                    limit: int = 200) -> dict[str, Any]:
    """One village's rows of a table (meetings, concerns, notices, matters), read-only."""
    require_any(actor, "sync.import", "stats.view")
    _township.require_township(session)
    return _township.village_records(session, village_code=village_code, table=table, search=search, limit=limit)


def export_summary_excel(*, session: Any, actor: Actor, to_file: Path) -> Path:
    require_any(actor, "sync.import", "stats.view")
    _township.require_township(session)
    return _township.export_summary_excel(session, to_file=Path(to_file))


def set_receiver_url(*, session: Any, actor: Actor, url: str) -> None:
    """The address villages push to; receipts carry it from now on."""
    require(actor, "sync.import")
    _township.require_township(session)
    _township.set_receiver_url(session, url=url)
