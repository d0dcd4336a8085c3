"""One writer per store: an exclusive lock on ``<database file>.lock``.

``filelock`` uses ``flock``/``LockFileEx`` on an open file, so the operating system releases it
when the process dies (a power cut or SIGKILL leaves no stale lock behind; the ``.lock`` file
itself may stay, empty and harmless). The CLI's write commands and the GUI hold it for the life of
the process; ``restore`` needs it before it swaps the file. Read-only opens never take it.
"""
from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from db.errors import StoreLocked, classify
from db.errors import translate as _


def lock_path(database_path: str | Path) -> Path:
    return Path(str(database_path) + ".lock")


class StoreLock:
    """The store's writer lock; ``acquire`` refuses at once (or after ``timeout`` s) when it is held."""

    def __init__(self, database_path: str | Path):
        self.path = lock_path(Path(database_path))
        # thread_local=False: the GUI takes it on one thread and the worker writes on another.
        self._lock = FileLock(str(self.path), thread_local=False, is_singleton=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self, timeout: float = 0) -> StoreLock:
        if self._lock.is_locked:
            return self
        try:
            self._lock.acquire(timeout=timeout)
        except Timeout:
            raise StoreLocked(_("Another VillageDesk (a window or a command) has this database open for changes. Close it first, or wait until it has finished.")) from None
        except OSError as exc:
            raise (classify(exc) or exc) from None
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    def is_held_elsewhere(self) -> bool:
        """True when another process holds the lock (we take and drop it to see)."""
        if self._lock.is_locked:
            return False
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return True
        self._lock.release()
        return False
