"""The start-up checks of a window, on a plain thread of their own.

``PRAGMA quick_check`` of a large store and the daily automatic backup (online backup API, then a
full verification) take seconds on a village-sized store and ~13 s on the large demo. Both read
the store through connections of their own (:func:`app.health.quick_check`,
:func:`app.backup.backup_on_start`), so they need not hold up the database worker: the pages
the clerk opens right after signing in load at once, while the backup is made beside them (WAL:
readers never block the writer).

One relay lives for the whole program, made on the GUI thread and never deleted, and carries each
run's problems to whoever started it by a token; a window closed meanwhile simply gets nothing
(its connection went with it). Quitting does not wait: a half-written backup is a ``.partial``
file that is never listed, and the good generations stay.
"""
from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_tokens = itertools.count(1)
_relay: _Relay | None = None


class _Relay(QObject):
    finished = Signal(int, object)  # token, list of sentences (or an exception)


def relay() -> _Relay:
    """The program's one relay (created on the GUI thread at the first call)."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


def _checks(database: Any) -> list[str]:
    from app.backup import backup_on_start
    from app.errors import VillageDeskError
    from app.health import check_on_start

    problems = check_on_start(database)
    if not problems:
        try:
            backup_on_start(database, raise_errors=True)
        except VillageDeskError as exc:  # a full disk, a read-only folder: said, nothing lost
            problems.append(exc.message)
    return problems


def run(database: Any, receiver: QObject, done: Callable[[Any], None],
        checks: Callable[[Any], list[str]] | None = None) -> threading.Thread:
    """Run ``checks(database)`` (default: quick_check, then the daily backup) on a daemon thread;
    ``done(problems or exception)`` is called on the GUI thread while ``receiver`` (the window) lives."""
    checks = checks or _checks
    token = next(_tokens)
    the_relay = relay()

    def deliver(got: int, result: Any) -> None:
        if got == token:
            the_relay.finished.disconnect(slot)
            done(result)

    # a method of a QObject child of ``receiver``: Qt drops the connection when the window goes
    holder = _Slot(receiver, deliver)
    slot = holder.deliver
    the_relay.finished.connect(slot)

    def work() -> None:
        try:
            result: Any = checks(database)
        except Exception as exc:  # noqa: BLE001 - handed to the window, which says it in words
            result = exc
        try:
            the_relay.finished.emit(token, result)
        except RuntimeError:  # the program is shutting down
            log.debug("start-up checks finished after the relay went")

    thread = threading.Thread(target=work, name="start-checks", daemon=True)
    thread.start()
    return thread


class _Slot(QObject):
    def __init__(self, parent: QObject, fn: Callable[[int, Any], None]):
        super().__init__(parent)
        self._fn = fn

    def deliver(self, token: int, result: Any) -> None:
        self._fn(token, result)
