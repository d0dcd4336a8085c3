"""A command's password check, started on a thread before the store is opened (issue 16).

argon2 (64 MiB, three passes: 0.2 s) runs in C without Python's lock, so it can run on the other
core while the command line imports SQLAlchemy, SQLModel and the tables it needs. :func:`start`
begins checking one stored hash against one password; :func:`app.auth.verify_password` asks
:func:`result` first, which answers only for exactly that hash and that password (and waits for
the thread), so :func:`app.auth.authenticate` still reads the account through the ORM, counts
failures, honours a lockout and decides — nothing is read for the user or written before it has.

This module imports neither SQLAlchemy nor the tables: it is what runs before they load.
"""
from __future__ import annotations

import threading
from pathlib import Path

#: The role :func:`app.auth.first_admin` picks (``app.auth.SECRETARY``; a test keeps them equal).
FIRST_ADMIN_ROLE = "secretary"

#: A hash of no one's password made with :data:`app.auth.ARGON2_PARAMS`: verified when the user
#: name is unknown, so that a refusal costs one verification either way (a test keeps its
#: parameters equal to ARGON2_PARAMS; :func:`app.auth._dummy_hash` makes one for others).
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$Zw5KHdY51bbhH431+wFY3Q$ghvzIZHh7b8DFSVKMroe1WyMsvHhHjv7pYztGoYmKyU"


def argon2_verify(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (argon2-cffi; the parameters are the hash's)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return PasswordHasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class _Check(threading.Thread):
    def __init__(self, stored_hash: str, password: str):
        super().__init__(name="password-check", daemon=True)
        self.stored_hash, self.password = stored_hash, password
        self.ok: bool | None = None  # None: failed (then the caller verifies itself)

    def run(self) -> None:
        try:
            self.ok = argon2_verify(self.stored_hash, self.password)
        except Exception:  # noqa: BLE001 - the sign-in verifies again on its own thread
            self.ok = None

    def answers(self, stored_hash: str, password: str) -> bool:
        return self.stored_hash == stored_hash and self.password == password


_lock = threading.Lock()
_pending: _Check | None = None


def start(stored_hash: str, password: str) -> None:
    """Begin checking ``password`` against ``stored_hash`` on a thread (one check at a time: a
    later start replaces an unclaimed one)."""
    global _pending
    check = _Check(stored_hash, password)
    with _lock:
        _pending = check
    check.start()


def result(stored_hash: str, password: str) -> bool | None:
    """The started check of exactly ``stored_hash`` and ``password``, once finished; None when none
    was started for them (the caller verifies). A result is handed out once."""
    global _pending
    with _lock:
        check = _pending
        if check is None or not check.answers(stored_hash, password):
            return None
        _pending = None
    check.join()
    check.password = ""
    return check.ok


def start_for_store(path: str | Path, *, username: str | None, password: str) -> bool:
    """Start checking ``password`` for the account a command will sign in as — ``username``, or
    the first admin — in the SQLite store at ``path``, read with the standard library
    (:func:`db.early.stored_password_hash`). An unknown name starts the check of
    :data:`DUMMY_HASH`, which :func:`app.auth.authenticate` verifies then. False when the store
    could not be read so (nothing started: the sign-in verifies as before)."""
    from db.early import stored_password_hash

    if username:
        from app.text import normalise

        username = normalise(username)
    stored = stored_password_hash(path, username=username or None, role=None if username else FIRST_ADMIN_ROLE)
    if stored is None:
        return False
    start(stored or DUMMY_HASH, password)
    return True
