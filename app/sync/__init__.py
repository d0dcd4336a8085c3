"""数据报送: reports to the township on a USB stick — keys, bundle export and import.

The door of the sync piece: every function takes keyword-only ``session`` and ``actor``, checks
``sync.export`` or ``sync.import``, and returns plain data. ``service`` holds the work, ``bundle``
the file format (``docs/bundle-format.md``), ``keys`` the village's signing key and the
township's age key. Township mode, receipts, the outbox and network push come later (issue 11).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import _
from app.sync import keys as _keys
from app.sync import service as _service
from app.sync.bundle import BundleRefused  # noqa: F401
from app.sync.keys import KeyRefused  # noqa: F401
from app.sync.service import ExportResult, ImportSummary, TownshipKey  # noqa: F401


def export_bundle(*, session: Any, actor: Actor, to_dir: Path, full: bool = False) -> ExportResult:
    """Write a bundle of the village's changes since the last one (everything with ``full``) into ``to_dir``."""
    require(actor, "sync.export")
    return _service.export_bundle(session, to_dir=Path(to_dir), full=full)


def trust_township_key(*, session: Any, actor: Actor, file: Path) -> str:
    """Store the township's public key from its key file; returns the fingerprint to compare."""
    require(actor, "sync.export")
    if not Path(file).is_file():
        raise NotFound(_("There is no file {path}.").format(path=file))
    return _keys.trust_recipient(session, recipient=_keys.read_recipient_file(Path(file)))


def export_township_key(*, session: Any, actor: Actor, to_file: Path, name: str = "",
                        passphrase: str | None = None) -> str:
    """Write the township's public key to ``to_file`` (the key pair is made, its private half under
    ``passphrase``, the first time); returns the fingerprint to read over the phone."""
    require(actor, "sync.import")
    recipient = _keys.ensure_township_identity(session, passphrase=passphrase)
    return _keys.write_recipient_file(Path(to_file), recipient=recipient, name=name)


def unlock_township_key(*, session: Any, actor: Actor, passphrase: str | None) -> TownshipKey:
    """The township's private key, unlocked with its passphrase for a run of imports."""
    require(actor, "sync.import")
    return _service.unlock(session, passphrase=passphrase)


def import_bundle(*, session: Any, actor: Actor, file: Path, key: TownshipKey, enroll: bool = False,
                  dry_run: bool = False) -> ImportSummary:
    """Verify one bundle and (unless ``dry_run``) apply it in this unit; a refusal raises
    :class:`BundleRefused` and the unit writes nothing."""
    require(actor, "sync.import")
    if not Path(file).is_file():
        raise NotFound(_("There is no file {path}.").format(path=file))
    return _service.import_bundle(session, file=Path(file), key=key, enroll=enroll, dry_run=dry_run)


def imported_villages(*, session: Any, actor: Actor) -> list[dict[str, Any]]:
    """The villages enrolled on this store, their last bundle and the counts they sent."""
    require(actor, "sync.import")
    return _service.imported_villages(session)
