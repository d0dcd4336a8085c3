"""Send the outbox in the background when the township's receiver is reachable.

A village whose receipts brought a receiver address and an upload token sends its queued
bundles without anyone asking: a minute after sign-in and then every quarter of an hour. The
network waits happen on a plain thread of their own (never on the database worker, which the
pages need); :func:`app.sync.push.push_outbox` writes each step to the outbox, so a run cut short
(the program closed, the power gone) resumes next time. Entries that failed wait for their own
next attempt (no ``force``); "立即发送" on the 数据报送 page sends at once.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.errors import VillageDeskError
from app.i18n import _, ngettext

log = logging.getLogger(__name__)

FIRST_DELAY_MS = 60 * 1000
INTERVAL_MS = 15 * 60 * 1000


class BackgroundPush(QObject):
    """One per main window, living as long as it; ``finished`` carries a run's results."""

    finished = Signal(object)  # list of results (possibly empty)

    def __init__(self, parent: QObject | None = None, *, first_ms: int = FIRST_DELAY_MS,
                 interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.first_ms = first_ms
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run_now)
        self._database: Any = None
        self._actor: Any = None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    def start(self, database: Any, actor: Any, store_kind: str) -> None:
        """Begin for a signed-in village clerk; nothing for a township, a read-only store or another role."""
        self.stop()
        if (database is None or store_kind != "village" or not actor.can("sync.export")
                or getattr(database, "read_only", False)):
            return
        self._database, self._actor = database, actor
        self._cancel = threading.Event()
        self.timer.start(self.first_ms)

    def stop(self, wait_s: float = 3.0) -> None:
        """Stop the timer and end a run under way (its bundle stays queued)."""
        self.timer.stop()
        self._cancel.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(wait_s)
        self._thread = None
        self._database = self._actor = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_now(self) -> None:
        if self._database is None or self.running:
            return
        database, actor, cancel = self._database, self._actor, self._cancel
        self._thread = threading.Thread(target=self._run, args=(database, actor, cancel), name="background-push",
                                        daemon=True)
        self._thread.start()

    def _run(self, database: Any, actor: Any, cancel: threading.Event) -> None:  # plain thread: no widgets
        from app.sync.push import push_outbox

        results: list[dict[str, Any]] = []
        try:
            results = push_outbox(database, actor, attempts=2, cancel=cancel)
        except VillageDeskError as exc:  # no receiver address or token yet, a busy store: next time
            log.info("background push: %s", exc.message)
        except Exception:  # noqa: BLE001 - a bug here must not take the program down; it is logged
            log.exception("background push failed")
        if not cancel.is_set():
            self.finished.emit(results)

    def schedule_next(self) -> None:
        if self._database is not None and not self._cancel.is_set():
            self.timer.start(self.interval_ms)


def describe(results: list[dict[str, Any]]) -> str:
    """A status-bar line for a run that sent something ("" when nothing happened)."""
    sent = sum(1 for r in results if r.get("state") == "acknowledged")
    failed = sum(1 for r in results if r.get("state") == "error")
    parts = []
    if sent:
        parts.append(ngettext("Sent {n} bundle to the township.", "Sent {n} bundles to the township.", sent).format(
            n=sent))
    if failed:
        parts.append(ngettext("{n} bundle could not be sent; it is tried again later.",
                              "{n} bundles could not be sent; they are tried again later.", failed).format(n=failed))
    return " ".join(parts) or ("" if not results else _("The outbox was sent."))
