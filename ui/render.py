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
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.errors import VillageDeskError

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None


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


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.fn, self.relay = fn, relay
        self.setAutoDelete(True)

    def run(self) -> None:  # on the render thread
        try:
            result = self.fn()
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
        pool().start(_Task(self._fn, relay))

    def _deliver(self, relay: _Relay, ok: bool, payload: Any) -> None:
        _live.discard(relay)
        relay.deleteLater()
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

            if isinstance(payload, VillageDeskError):
                show_error(self._parent, payload.message)
            else:
                report_bug(self._parent, payload)


def wait_for_renders(msecs: int = 30000) -> bool:
    """For shutdown and tests: wait until every queued render has finished."""
    return pool().waitForDone(msecs)
