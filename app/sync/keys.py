"""Keys of the USB reports: the village's signing key, the township's age key, trust and enrolment.

* **Village signing key** (Ed25519, PyNaCl: ``app.sync.signing``): made on the first export and kept in the
  store (``setting`` ``sync.signing_key``), so a restored backup signs as before and the township
  does not have to enrol the village again. It is written with a plain INSERT rather than through
  the ORM so that the audit trail records *that* a key was made (with its fingerprint), never the
  key itself. The private half never leaves the store: bundles carry the public half only.
* **Township key** (age X25519 identity, ``pyrage``): made by ``keys export`` on the township's
  store, kept there encrypted under a passphrase with age's own scrypt passphrase encryption
  (``pyrage.passphrase``); unlocked only for an import. ``keys export --to FILE`` writes the
  public half as an age recipients file (``age -R`` reads it: ``#`` comment lines, one
  ``age1…`` line) with the township's name and the fingerprint in comments.
* **Trust.** A village's ``keys trust FILE`` stores the township's recipient
  (``sync.township_recipient``); the township enrols a village's signing key on its first bundle
  (table ``township_village``, with an upload token for the network receiver) once the clerk has
  compared the fingerprints on both screens.
* **Receipts** are signed with the township store's own Ed25519 key (made like a village's); the
  key file carries its public half in a comment line, so the village can check them.

Fingerprints are 20 decimal digits in groups of four (SHA-256 of the public key), easy to read
over the phone: ``3141 5926 5358 9793 2384``.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.errors import StateError, ValidationError, VillageDeskError
from app.i18n import _
from app.sync import signing
from db.models.accounts import Setting
from db.models.sync import TownshipVillage
from db.tracking import audit_note

if TYPE_CHECKING:  # age (pyrage) and PyNaCl load with the first key or bundle used, not with the area
    from pyrage import x25519

    from app.sync.signing import SigningKey

SIGNING_KEY = "sync.signing_key"
TOWNSHIP_IDENTITY = "sync.township_identity"
TOWNSHIP_RECIPIENT = "sync.township_recipient"
VILLAGE_KEYS = "sync.village_keys"
PASSPHRASE_ENV = "VILLAGEDESK_KEY_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 10
RECIPIENT_SUFFIX = ".age-recipient.txt"
SIGNING_LINE = "signing-key:"


class KeyRefused(VillageDeskError):
    """A key file, passphrase or key that cannot be used."""


def fingerprint(public: bytes | str) -> str:
    """20 digits in groups of four, from the SHA-256 of a public key (bytes or its text form)."""
    data = public.encode("ascii") if isinstance(public, str) else public
    number = int.from_bytes(hashlib.sha256(data).digest()[:10], "big") % 10**20
    digits = f"{number:020d}"
    return " ".join(digits[i:i + 4] for i in range(0, 20, 4))


def _setting(session: Session, key: str) -> Any:
    table = Setting.__table__
    return session.connection().execute(select(table.c.value).where(table.c.key == key)).scalar()


def _store_setting(session: Session, key: str, value: Any, *, note: str, detail: dict[str, Any]) -> None:
    """Write a setting that holds key material: the audit trail gets a note, not the value."""
    table = Setting.__table__
    conn = session.connection()
    if conn.execute(update(table).where(table.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(table).values(key=key, value=value))
    audit_note(session, table_name="setting", row_id=key, note=note, detail=detail)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- the village's signing key


def signing_key(session: Session, *, create: bool) -> SigningKey | None:
    """The village's signing key; made (and stored) now when ``create`` and there is none."""
    stored = _setting(session, SIGNING_KEY)
    if stored:
        return signing.from_seed(base64.b64decode(stored["private"]))
    if not create:
        return None
    key = signing.new_key()
    public = signing.public_bytes(key)
    _store_setting(session, SIGNING_KEY, {
        "private": base64.b64encode(signing.seed_bytes(key)).decode("ascii"),
        "public": base64.b64encode(public).decode("ascii"), "created_at": _now(),
    }, note="signing key created", detail={"fingerprint": fingerprint(public)})
    return key


def public_bytes(key: SigningKey) -> bytes:
    return signing.public_bytes(key)


# ---------------------------------------------------------------- the township's age key


def _check_passphrase(passphrase: str | None) -> str:
    if not passphrase or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError({"passphrase": _("The township key's passphrase needs at least {n} characters.").format(
            n=MIN_PASSPHRASE_LENGTH)})
    return passphrase


def own_recipient(session: Session) -> str | None:
    """This store's township public key (``age1…``), when it has made one."""
    stored = _setting(session, TOWNSHIP_IDENTITY)
    return stored["recipient"] if stored else None


def ensure_township_identity(session: Session, *, passphrase: str | None) -> str:
    """The township's public key; the key pair is made (private half under ``passphrase``) the first time."""
    recipient = own_recipient(session)
    if recipient:
        return recipient
    passphrase = _check_passphrase(passphrase)
    import pyrage
    from pyrage import x25519

    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    sealed = pyrage.passphrase.encrypt(str(identity).encode("ascii"), passphrase)
    _store_setting(session, TOWNSHIP_IDENTITY, {
        "recipient": recipient, "identity_age": base64.b64encode(sealed).decode("ascii"), "created_at": _now(),
    }, note="township key created", detail={"fingerprint": fingerprint(recipient)})
    return recipient


def unlock_identity(session: Session, *, passphrase: str | None) -> x25519.Identity:
    """The township's private key, decrypted with its passphrase (scrypt: about two seconds)."""
    stored = _setting(session, TOWNSHIP_IDENTITY)
    if not stored:
        raise StateError(_("This store has no township key: run `villagedesk keys export --to FILE` first."))
    if not passphrase:
        raise ValidationError({"passphrase": _("Enter the passphrase of the township key.")})
    import pyrage
    from pyrage import x25519

    try:
        plain = pyrage.passphrase.decrypt(base64.b64decode(stored["identity_age"]), passphrase)
        return x25519.Identity.from_str(plain.decode("ascii"))
    except (pyrage.DecryptError, pyrage.IdentityError, ValueError):
        raise KeyRefused(_("Wrong passphrase for the township key.")) from None


def write_recipient_file(path: Path, *, recipient: str, name: str, signing: bytes = b"") -> str:
    """Write the township's public key as an age recipients file; returns its fingerprint.

    Besides the ``age1…`` line (what villages encrypt to) a comment line carries the township's
    Ed25519 signing key, with which a village checks the receipts it gets back (age ignores it)."""
    fp = fingerprint(recipient)
    lines = ["# VillageDesk township public key (age X25519 recipient)", f"# township: {name}",
             f"# fingerprint: {fp}"]
    if signing:
        lines.append(f"# {SIGNING_LINE} {base64.b64encode(signing).decode('ascii')}")
    text = "\n".join([*lines, recipient]) + "\n"
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return fp


def read_key_file(path: Path) -> tuple[str, bytes, str]:
    """(the ``age1…`` recipient, the township's signing key or b"", the township's name) of a key
    file written by ``keys export`` (a bare ``age-keygen -y`` file has only the recipient)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise KeyRefused(_("Could not read the key file {path}.").format(path=path)) from None
    stripped = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in stripped if not line.startswith("#")]
    refused = KeyRefused(_("{path} is not a township key file (one age1… line expected).").format(path=path))
    if len(lines) != 1:
        raise refused
    import pyrage
    from pyrage import x25519

    try:
        recipient = str(x25519.Recipient.from_str(lines[0]))
    except (pyrage.RecipientError, ValueError):
        raise refused from None
    signing, name = b"", ""
    for line in stripped:
        comment = line.lstrip("#").strip()
        if comment.startswith(SIGNING_LINE):
            try:
                signing = base64.b64decode(comment[len(SIGNING_LINE):].strip(), validate=True)
            except (ValueError, binascii.Error):
                raise refused from None
            if len(signing) != 32:
                raise refused
        elif comment.startswith("township:"):
            name = comment[len("township:"):].strip()[:64]
    return recipient, signing, name


def read_recipient_file(path: Path) -> str:
    """The ``age1…`` recipient of a public key file written by ``keys export`` (or by ``age-keygen -y``)."""
    return read_key_file(path)[0]


def trust_recipient(session: Session, *, recipient: str, signing: bytes = b"", name: str = "") -> str:
    """Store the township's public key (and its receipt-signing key) on the village; returns its fingerprint."""
    fp = fingerprint(recipient)
    _store_setting(session, TOWNSHIP_RECIPIENT, {
        "recipient": recipient, "fingerprint": fp, "trusted_at": _now(), "name": name,
        "signing": base64.b64encode(signing).decode("ascii") if signing else ""},
        note="township key trusted", detail={"fingerprint": fp})
    return fp


def trusted_township(session: Session) -> dict[str, Any] | None:
    """What the village trusts of its township: recipient, fingerprint, name, signing key (base64)."""
    return _setting(session, TOWNSHIP_RECIPIENT) or None


def trusted_recipient(session: Session) -> str | None:
    stored = _setting(session, TOWNSHIP_RECIPIENT)
    return stored["recipient"] if stored else None


# ---------------------------------------------------------------- villages enrolled on the township


def enrolled_key(session: Session, village_code: str) -> bytes | None:
    village = session.get(TownshipVillage, village_code)
    return base64.b64decode(village.public_key) if village is not None else None


def enroll(session: Session, *, village_code: str, village_name: str, public: bytes) -> TownshipVillage:
    """Enrol a village's signing key; it gets an upload token for the network receiver."""
    fp = fingerprint(public)
    village = TownshipVillage(village_code=village_code, name=village_name[:64],
                              public_key=base64.b64encode(public).decode("ascii"), fingerprint=fp,
                              token=secrets.token_urlsafe(32))
    session.add(village)
    session.flush()
    audit_note(session, table_name="township_village", row_id=village_code, note="village enrolled",
               detail={"village_code": village_code, "fingerprint": fp})
    return village
