"""What the command line reads from a store with the standard library, before SQLAlchemy loads.

``villagedesk print notice`` spends its first half second importing SQLAlchemy and SQLModel. The
argon2 check of the password (0.2 s in C, without Python's lock) can run on the other core
meanwhile when the stored hash is known: :func:`stored_password_hash` reads it, through the
read-only URI :mod:`db.identify` uses, from a file that carries VillageDesk's application id.

Nothing read here is shown, written or trusted: :func:`app.auth.authenticate` reads the account
again through the ORM once the store has been identified, and a check started early counts only
for exactly the hash it reads there (:mod:`app.password_check`).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from db.identify import APPLICATION_ID, read_only_uri


def stored_password_hash(path: str | Path, *, username: str | None = None, role: str | None = None) -> str | None:
    """The stored password hash of the account named ``username`` (or, without a name, of the
    oldest account with ``role``, as :func:`app.auth.first_admin` chooses it); ``""`` when this
    VillageDesk store has no such account; None when the file is missing, not a VillageDesk store
    or cannot be read without writing."""
    try:
        path = Path(path).expanduser()
        if not path.is_file():
            return None
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return None
            if username:
                row = conn.execute("SELECT password_hash FROM user_account WHERE username = ?", (username,)).fetchone()
            elif role:
                row = conn.execute("SELECT password_hash FROM user_account WHERE role = ? ORDER BY created_at LIMIT 1",
                                   (role,)).fetchone()
            else:
                return None
        finally:
            conn.close()
    except (sqlite3.Error, OSError, ValueError):
        return None
    if row is None:
        return ""
    return row[0] if isinstance(row[0], str) else None
