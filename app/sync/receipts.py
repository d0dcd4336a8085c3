"""Receipts (回执): the township's signed word that it holds a bundle, carried back to the village.

A receipt is a small ZIP file (``<village code>-<bundle id prefix>.vdreceipt``) holding
``receipt.json`` and ``signature`` (64 raw bytes: the Ed25519 signature of the exact bytes of
``receipt.json`` by the township store's signing key, whose public half the village trusts from
the township's key file). It holds no personal data, so it is not encrypted. The format is in
``docs/bundle-format.md``.
"""
from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any


from app.i18n import _
from app.sync import signing
from app.sync.bundle import BundleRefused

if TYPE_CHECKING:  # age (pyrage) and PyNaCl load with the first key or bundle used, not with the area
    from app.sync.signing import SigningKey

FORMAT = "villagedesk-receipt"
FORMAT_VERSION = 1
SUFFIX = ".vdreceipt"
MAX_BYTES = 256 * 1024  # a receipt is a few hundred bytes; anything larger is not one
_MEMBERS = ("receipt.json", "signature")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same receipt is the same bytes


def receipt_name(village_code: str, bundle_id: str) -> str:
    return f"{village_code}-{bundle_id[:8]}{SUFFIX}"


def write_receipt(body: dict[str, Any], *, key: SigningKey) -> bytes:
    """The receipt file's bytes for ``body`` (format fields added), signed with ``key``."""
    content = json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, **body}, ensure_ascii=False,
                         sort_keys=True, indent=1, default=str).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in (("receipt.json", content), ("signature", signing.sign(key, content))):
            archive.writestr(zipfile.ZipInfo(name, date_time=_EPOCH), data)
    return buffer.getvalue()


def read_receipt(data: bytes, *, trusted: bytes, name: str) -> dict[str, Any]:
    """The checked content of a receipt, or :class:`BundleRefused` with a reason a clerk can read.

    ``trusted`` is the township's signing key (32 bytes) from the key file the village trusts."""
    damaged = BundleRefused(_("{file} is not a VillageDesk receipt, or it is damaged.").format(file=name))
    if len(data) > MAX_BYTES or not zipfile.is_zipfile(io.BytesIO(data)):
        raise damaged
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sorted(info.filename for info in infos) != sorted(_MEMBERS) or any(
                    info.file_size > MAX_BYTES for info in infos):
                raise damaged
            content = archive.read("receipt.json")
            signature = archive.read("signature")
    except (zipfile.BadZipFile, OSError, KeyError, NotImplementedError, RuntimeError):
        raise damaged from None
    if not signing.verify(trusted, signature, content):
        raise BundleRefused(_("{file} is not signed by the township whose key this village trusts; it is "
                              "not used.").format(file=name)) from None
    try:
        body = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise damaged from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise damaged
    if body.get("format_version") != FORMAT_VERSION:
        raise BundleRefused(_("{file} was written by a newer VillageDesk; update this program first.").format(file=name))
    for field, kind in (("bundle_id", str), ("bundle_hash", str), ("village_code", str), ("to_rev", int)):
        if not isinstance(body.get(field), kind):
            raise damaged
    return body


def read_file(path: Path) -> bytes:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError:
        raise BundleRefused(_("Could not read {file}.").format(file=Path(path).name)) from None


def signing_public(key: SigningKey) -> str:
    return base64.b64encode(signing.public_bytes(key)).decode("ascii")
