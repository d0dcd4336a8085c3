"""Expected errors of the store, and the base of every expected error of the program.

``db/`` imports nothing from ``app/``; messages raised here are English msgids passed through
:func:`translate`, which the app's i18n layer connects to its catalogs when it is imported
(:func:`set_translator`). ``app.errors`` re-exports these classes and adds the service errors.
"""
from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str], str] = lambda message: message  # noqa: E731


def set_translator(translator: Callable[[str], str]) -> None:
    """Called once by ``app.i18n``: messages raised by ``db/`` then come in the user's language."""
    global _translator
    _translator = translator


def translate(message: str) -> str:
    return _translator(message)


class VillageDeskError(Exception):
    """An expected failure with a message fit for the user (already in the user's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class SchemaTooNew(VillageDeskError):
    """The database was written by a newer VillageDesk, or is not ours; opening it could lose data."""


class StorageError(VillageDeskError):
    """The environment failed (disk full, read-only, locked) rather than the program."""


class ValidationError(VillageDeskError):
    """A form or command was refused; ``errors`` maps each bad field to its message.

    Lives in ``db/`` so the store can turn a unique index that refused a duplicate into a field
    error; ``app.errors`` re-exports it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()) if self.errors else "")


class NotOurFile(SchemaTooNew):
    """Not a VillageDesk store (empty, text, another program's database); left untouched."""


class DamagedStore(StorageError):
    """The file is a damaged SQLite database (truncated, bad header, failed integrity check)."""


class DiskFull(StorageError):
    pass


class ReadOnlyStore(StorageError):
    pass


class StoreBusy(StorageError):
    """Another program holds SQLite's lock longer than the busy timeout."""


class StoreLocked(StorageError):
    """Another VillageDesk has this store open for writing (the store lock is held)."""


class StorageIOError(StorageError):
    pass


class CannotOpen(StorageError):
    pass


# SQLite's primary result codes (the low byte of the extended code), as qutebrowser's misc/sql.py
# sorts them: these come from the machine, not from a bug in the program.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 5, 6, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_PERM = 13, 14, 26, 3


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        text = str(exc).lower()
        for needle, guess in (("database or disk is full", SQLITE_FULL), ("readonly database", SQLITE_READONLY),
                              ("database is locked", SQLITE_BUSY), ("disk i/o error", SQLITE_IOERR),
                              ("malformed", SQLITE_CORRUPT), ("file is not a database", SQLITE_NOTADB),
                              ("unable to open database", SQLITE_CANTOPEN)):
            if needle in text:
                return guess
        return None
    return code & 0xFF


def classify(exc: BaseException, where: str = "") -> StorageError | None:
    """The :class:`StorageError` for a driver error that the environment caused, or None (a bug).

    ``exc`` may be a SQLAlchemy ``DBAPIError`` (its ``orig`` is looked at), a ``sqlite3.Error`` or
    an ``OSError``."""
    import errno

    _ = translate
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError):
        if orig.errno == errno.ENOSPC:
            code = SQLITE_FULL
        elif orig.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            code = SQLITE_READONLY
        else:
            code = SQLITE_IOERR
    else:
        code = _sqlite_code(orig)
    where = f" ({where})" if where else ""
    if code == SQLITE_FULL:
        return DiskFull(_("The disk is full{where}: nothing was saved. Free some space (or move the data to another disk) and try again.").format(where=where))
    if code in (SQLITE_READONLY, SQLITE_PERM):
        return ReadOnlyStore(_("The database cannot be written{where}: it is on read-only media or the file is write-protected. Copy it to a writable folder to make changes; reading still works.").format(where=where))
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreBusy(_("The database is busy{where}: another program is writing to it. Wait a moment and try again, or close the other program.").format(where=where))
    if code == SQLITE_IOERR:
        return StorageIOError(_("The disk reported a read/write error{where}. Check the disk or USB stick (is it still plugged in?) and try again; restore the newest backup if it keeps happening.").format(where=where))
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DamagedStore(_("The database file is damaged{where}. Nothing more was written to it; restore the newest good backup.").format(where=where))
    if code == SQLITE_CANTOPEN:
        return CannotOpen(_("The database file cannot be opened{where}: check that the folder exists and that you may use it.").format(where=where))
    return None
