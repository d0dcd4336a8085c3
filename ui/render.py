"""The render thread: turning a built document into PDF bytes happens here, never on the database
worker (a batch print would otherwise freeze every register) and never on the GUI thread.

Documents are *built* on the database worker (``app.printing.build_document`` returns plain data,
de-identified for public kinds), then *rendered* here::

    DbOp(self, lambda s: build_document(kind, session=s, actor=actor, ident=record_id), read_only=True) \\
        .success(lambda document: RenderOp(self, lambda: render(document)).success(self.show).run()) \\
        .run()

Like :class:`ui.ops.DbOp`, results reach the GUI thread and are never delivered to a widget that
was deleted meanwhile. Expected errors (``VillageDeskError``: a table too wide, an unprintable
character) go to ``failure``; anything else is reported as a bug.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog

from app.errors import VillageDeskError
from app.i18n import _
from ui.ops import OperationAborted, Progress

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
PROGRESS_DELAY_MS = 600


def pool() -> QThreadPool:
    """One render thread: documents render in the order asked, beside the database worker."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setObjectName("villagedesk-render")
    return _pool


class _Relay(QObject):
    finished = Signal(bool, object)
    progressed = Signal(int, int)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, progress: Progress | None):
        super().__init__()
        self.fn, self.relay, self.progress = fn, relay, progress
        self.setAutoDelete(True)

    def run(self) -> None:  # on the render thread
        try:
            result = self.fn(self.progress) if self.progress is not None else self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            exc.__villagedesk_traceback__ = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            self.relay.finished.emit(False, exc)
        else:
            self.relay.finished.emit(True, result)


_live: set[_Relay] = set()


class RenderOp:
    """``fn()`` on the render thread; ``success(result)`` / ``failure(exc)`` on the GUI thread."""

    def __init__(self, parent: QObject | None, fn: Callable[[], Any]):
        self._parent, self._fn = parent, fn
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[Exception], None] | None = None
        self._progress_label: str | None = None
        self._dialog: QProgressDialog | None = None

    def with_progress(self, label: str) -> RenderOp:
        """``fn(progress)``; a dialog appears only if the work still runs after ~600 ms."""
        self._progress_label = label
        return self

    def success(self, fn: Callable[[Any], None]) -> RenderOp:
        self._success = fn
        return self

    def failure(self, fn: Callable[[Exception], None]) -> RenderOp:
        self._failure = fn
        return self

    def run(self) -> None:
        relay = _Relay()  # lives on the GUI thread: its signal is delivered there (queued)
        _live.add(relay)
        relay.finished.connect(lambda ok, payload, relay=relay: self._deliver(relay, ok, payload))
        progress = None
        if self._progress_label is not None:
            progress = Progress(lambda done, total, _text: relay.progressed.emit(done, total),
                                cancelled=_("Cancelled; files already written are kept."))
            state = {"done": False, "last": (0, 0)}
            relay.progressed.connect(lambda done, total: self._progressed(state, done, total))
            relay.finished.connect(lambda *_a: state.update(done=True))
            QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._show_progress(state, progress))
        pool().start(_Task(self._fn, relay, progress))

    def _show_progress(self, state: dict, progress: Progress) -> None:
        if state["done"] or (self._parent is not None and not shiboken6.isValid(self._parent)):
            return
        dialog = QProgressDialog(self._progress_label or "", _("Cancel"), 0, 0, self._parent)
        dialog.setWindowTitle(_("Please wait"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(progress.abort)
        self._dialog = dialog
        self._progressed(state, *state["last"])
        dialog.show()

    def _progressed(self, state: dict, done: int, total: int) -> None:
        state["last"] = (done, total)
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)

    def _deliver(self, relay: _Relay, ok: bool, payload: Any) -> None:
        _live.discard(relay)
        relay.deleteLater()
        if self._dialog is not None:
            if shiboken6.isValid(self._dialog):
                self._dialog.hide()
                self._dialog.deleteLater()
            self._dialog = None
        if self._parent is not None and not shiboken6.isValid(self._parent):
            if not ok and not isinstance(payload, VillageDeskError):
                log.error("bug while rendering for a closed window: %r", payload)
            return
        if ok:
            if self._success:
                self._success(payload)
        elif isinstance(payload, VillageDeskError) and self._failure:
            self._failure(payload)
        else:
            from ui.ops import report_bug, show_error

            if isinstance(payload, OperationAborted):
                return
            if isinstance(payload, VillageDeskError):
                show_error(self._parent, payload.message)
            else:
                report_bug(self._parent, payload)


def wait_for_renders(msecs: int = 30000) -> bool:
    """For shutdown and tests: wait until every queued render has finished."""
    return pool().waitForDone(msecs)
