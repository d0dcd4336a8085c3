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

import itertools
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
    """One relay for every render, made on the GUI thread and never deleted: its queued signals
    carry the render's number. (A relay per render was deleted on the GUI thread while the finished
    task still held it on the render thread: an occasional crash in Qt's pool thread.)"""

    finished = Signal(int, bool, object)
    progressed = Signal(int, int, int)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._finished)
        self.progressed.connect(self._progressed)
        self.ops: dict[int, RenderOp] = {}

    def _finished(self, number: int, ok: bool, payload: Any) -> None:
        op = self.ops.pop(number, None)
        if op is not None:
            op._deliver(ok, payload)

    def _progressed(self, number: int, done: int, total: int) -> None:
        op = self.ops.get(number)
        if op is not None:
            op._progressed(done, total)


_relay: _Relay | None = None
_numbers = itertools.count(1)


def relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


class _Task(QRunnable):
    """Holds no Qt object: only the render's number, the function and its progress."""

    def __init__(self, number: int, fn: Callable[..., Any], progress: Progress | None):
        super().__init__()
        self.number, self.fn, self.progress = number, fn, progress
        self.setAutoDelete(True)

    def run(self) -> None:  # on the render thread
        fn, progress, self.fn, self.progress = self.fn, self.progress, None, None
        try:
            result = fn(progress) if progress is not None else fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            exc.__villagedesk_traceback__ = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            relay().finished.emit(self.number, False, exc)
        else:
            relay().finished.emit(self.number, True, result)


class RenderOp:
    """``fn()`` on the render thread; ``success(result)`` / ``failure(exc)`` on the GUI thread."""

    def __init__(self, parent: QObject | None, fn: Callable[[], Any]):
        self._parent, self._fn = parent, fn
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[Exception], None] | None = None
        self._progress_label: str | None = None
        self._dialog: QProgressDialog | None = None
        self._state = {"done": False, "last": (0, 0)}

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
        hub, number = relay(), next(_numbers)  # the relay lives on the GUI thread: delivered there
        hub.ops[number] = self
        progress = None
        if self._progress_label is not None:
            progress = Progress(lambda done, total, _text: hub.progressed.emit(number, done, total),
                                cancelled=_("Cancelled; files already written are kept."))
            QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._show_progress(progress))
        pool().start(_Task(number, self._fn, progress))

    def _show_progress(self, progress: Progress) -> None:
        state = self._state
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
        self._progressed(*state["last"])
        dialog.show()

    def _progressed(self, done: int, total: int) -> None:
        self._state["last"] = (done, total)
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)

    def _deliver(self, ok: bool, payload: Any) -> None:
        self._state["done"] = True
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
