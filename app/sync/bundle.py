"""The bundle file: a ZIP of JSON Lines and a signed manifest, encrypted with age.

``docs/bundle-format.md`` describes it for readers outside this program; this module is the one
place that writes and reads it. Reading checks everything before anything is handed on: the age
decryption, the members (names, sizes, compression ratio), the format version, the signature
over ``manifest.json``, the SHA-256 and row count of every member. Every refusal is a
:class:`BundleRefused` with a reason a clerk can read.
"""
from __future__ import annotations

import dataclasses
import contextlib
import hashlib
import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any


from app.errors import VillageDeskError
from app.i18n import _
from app.sync import signing

if TYPE_CHECKING:  # age (pyrage) and PyNaCl load with the first key or bundle used, not with the area
    from pyrage import x25519

    from app.sync.signing import SigningKey

FORMAT = "villagedesk-bundle"
FORMAT_VERSION = 1
SUFFIX = ".vdbundle.age"
MANIFEST, SIGNATURE = "manifest.json", "signature"
ROWS_SUFFIX, AGGREGATE_SUFFIX = ".jsonl", ".aggregate.jsonl"
_MEMBER = re.compile(r"^[a-z][a-z0-9_]{0,62}(\.aggregate)?\.jsonl$")

# Limits against hostile files (a zip bomb, a huge file): far above a large village's full bundle.
MAX_FILE_BYTES = 256 * 1024 * 1024  # the encrypted file
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024  # all members together
MAX_RATIO = 200  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 256


# what a hostile or damaged ZIP can raise while it is read
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError, RuntimeError,
               NotImplementedError, zlib.error, OSError)
# manifest fields a reader relies on, with their JSON types
_MANIFEST_FIELDS = {"bundle_id": str, "village_code": str, "from_rev": int, "to_rev": int, "schema_revision": str,
                    "policies": dict, "counts": dict, "members": dict, "previous_hash": str}


class BundleRefused(VillageDeskError):
    """A bundle that is not imported; ``message`` says why in the user's language."""


@dataclasses.dataclass(frozen=True)
class ReadBundle:
    """A verified bundle: its manifest, the manifest's bytes' hash, and the members' rows."""

    manifest: dict[str, Any]
    bundle_hash: str  # SHA-256 of manifest.json: the bundle's identity in the chain
    signing_key: bytes
    rows: dict[str, list[dict[str, Any]]]  # table → rows (full or masked policy)
    aggregates: dict[str, list[dict[str, Any]]]  # table → aggregate rows


def jsonl(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"
                    for row in rows)


def member_name(table: str, policy: str) -> str:
    return table + (AGGREGATE_SUFFIX if policy == "aggregate" else ROWS_SUFFIX)


def write_bundle(directory: Path, *, name: str, manifest: dict[str, Any], members: dict[str, tuple[bytes, int]],
                 key: SigningKey, recipient: str) -> tuple[Path, str]:
    """Write the bundle into ``directory``; returns its path and hash.

    ``members``: member name → (JSON Lines bytes, number of lines). The file is written under a
    temporary name, flushed and fsynced, then renamed: a stick pulled out early never holds a
    file that looks complete."""
    manifest = dict(manifest, format=FORMAT, format_version=FORMAT_VERSION, members={
        member: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "rows": count}
        for member, (data, count) in sorted(members.items())})
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        zf.writestr(SIGNATURE, signing.sign(key, manifest_bytes))
        for member, (data, _count) in sorted(members.items()):
            zf.writestr(member, data)
    import pyrage
    from pyrage import x25519

    sealed = pyrage.encrypt(buffer.getvalue(), [x25519.Recipient.from_str(recipient)])
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / (name + SUFFIX)
    tmp = directory / ("." + name + SUFFIX + ".part")
    with tmp.open("wb") as fh:
        fh.write(sealed)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    _fsync_dir(directory)
    return final, hashlib.sha256(manifest_bytes).hexdigest()


def copy_file(source: Path, directory: Path) -> Path:
    """Copy a written bundle into ``directory`` (a USB stick) the same careful way: a temporary
    name, flushed and fsynced, then renamed."""
    source, directory = Path(source), Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / source.name
    tmp = directory / ("." + source.name + ".part")
    try:
        with source.open("rb") as src, tmp.open("wb") as fh:
            while chunk := src.read(1 << 20):
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(directory)
    return final


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_bundle(path: Path, *, identity: x25519.Identity, known_tables: set[str],
                trusted_key: Callable[[dict[str, Any]], bytes]) -> ReadBundle:
    """Decrypt and verify a bundle. ``trusted_key(manifest)`` returns the public key the bundle
    must be signed with (the enrolled key, or the bundle's own when enrolling) or raises."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BundleRefused(_("{file} is too large to be a bundle.").format(file=path.name))
        sealed = path.read_bytes()
    except OSError as exc:
        raise BundleRefused(_("Could not read {file}: {reason}.").format(file=path.name, reason=exc.strerror or exc)) from None
    import pyrage

    try:
        plain = pyrage.decrypt(sealed, [identity])
    except pyrage.DecryptError:
        raise BundleRefused(_("{file} cannot be decrypted with this township's key: it was made for another "
                              "township, or it is damaged or incomplete.").format(file=path.name)) from None
    try:
        zf = zipfile.ZipFile(io.BytesIO(plain))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        raise BundleRefused(_("{file} is damaged (not a bundle inside).").format(file=path.name)) from None
    names = [info.filename for info in infos]
    _check_members(path, infos)
    try:
        manifest_bytes = zf.read(MANIFEST)
        signature = zf.read(SIGNATURE)
        manifest = json.loads(manifest_bytes)
    except _ZIP_ERRORS:
        raise BundleRefused(_("{file} is damaged (its manifest cannot be read).").format(file=path.name)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused(_("{file} is not a VillageDesk bundle.").format(file=path.name))
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BundleRefused(_("{file} was written by a newer VillageDesk (bundle format {version}); update this "
                              "program first.").format(file=path.name, version=version))
    public = trusted_key(manifest)
    if not signing.verify(public, signature, manifest_bytes):
        raise BundleRefused(_("{file}: the signature does not match the village's key; the bundle was changed "
                              "or not made by that village.").format(file=path.name)) from None
    if any(not isinstance(manifest.get(field), kind) or isinstance(manifest.get(field), bool)
           for field, kind in _MANIFEST_FIELDS.items()) or not all(
            isinstance(entry, dict) for entry in manifest["members"].values()):
        raise BundleRefused(_("{file} is damaged (its manifest cannot be read).").format(file=path.name))
    promised = manifest["members"]
    if set(promised) != set(names) - {MANIFEST, SIGNATURE}:
        raise BundleRefused(_("{file}: the members do not match its manifest.").format(file=path.name))
    policies = manifest.get("policies") or {}
    rows: dict[str, list[dict[str, Any]]] = {}
    aggregates: dict[str, list[dict[str, Any]]] = {}
    for member, expected in promised.items():
        try:
            data = zf.read(member)
        except _ZIP_ERRORS:
            raise BundleRefused(_("{file} is damaged ({member}).").format(file=path.name, member=member)) from None
        if hashlib.sha256(data).hexdigest() != expected.get("sha256"):
            raise BundleRefused(_("{file}: the checksum of {member} does not match.").format(file=path.name, member=member))
        aggregate = member.endswith(AGGREGATE_SUFFIX)
        table = member[: -len(AGGREGATE_SUFFIX if aggregate else ROWS_SUFFIX)]
        policy = policies.get(table)
        if table not in known_tables or policy not in (("aggregate",) if aggregate else ("full", "masked")):
            raise BundleRefused(_("{file}: unknown table {table}.").format(file=path.name, table=table))
        try:
            parsed = [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
        except (UnicodeDecodeError, ValueError):
            raise BundleRefused(_("{file} is damaged ({member}).").format(file=path.name, member=member)) from None
        if len(parsed) != expected.get("rows") or not all(isinstance(row, dict) for row in parsed):
            raise BundleRefused(_("{file}: {member} does not hold the rows its manifest promised.").format(
                file=path.name, member=member))
        (aggregates if aggregate else rows)[table] = parsed
    return ReadBundle(manifest=manifest, bundle_hash=hashlib.sha256(manifest_bytes).hexdigest(), signing_key=public,
                      rows=rows, aggregates=aggregates)


def _check_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Names inside the bundle only, no unexpected member, no duplicate, no zip bomb."""
    names = [info.filename for info in infos]
    if len(infos) > MAX_MEMBERS or len(set(names)) != len(names):
        raise BundleRefused(_("{file}: unexpected members inside.").format(file=path.name))
    for name in names:
        if name in (MANIFEST, SIGNATURE):
            continue
        if not _MEMBER.match(name):
            raise BundleRefused(_("{file}: a member named {member} is not allowed (only the bundle's own files, "
                                  "no folders or paths).").format(file=path.name, member=name))
    if MANIFEST not in names or SIGNATURE not in names:
        raise BundleRefused(_("{file} is not a VillageDesk bundle.").format(file=path.name))
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise BundleRefused(_("{file} would unpack to more than {limit} MB; refused.").format(
            file=path.name, limit=MAX_UNCOMPRESSED_BYTES // (1024 * 1024)))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleRefused(_("{file}: {member} is compressed suspiciously well (a zip bomb?); refused.").format(
                file=path.name, member=info.filename))
