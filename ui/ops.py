"""The operation helper: every database call of the GUI goes through here.

Like Anki's ``CollectionOp``::

    DbOp(self, lambda session: people.save_resident(session=session, actor=actor, form=form)) \\
        .success(self._saved).failure(self._refused).run()

``op`` runs on the ONE database worker thread (so writes never race) inside
``database.unit(actor)`` — committed when it returns, rolled back when it raises — or inside a
read session for ``read_only`` ops. ``success``/``failure`` are called later on the GUI thread.
``op`` must never touch a widget.

Expected errors (:class:`app.errors.VillageDeskError`) go to the failure callback (or a message
box); anything else is a bug: it is logged with its traceback and shown as such.

Long ops take a :class:`Progress` (``with_progress``): the op reports ``progress.update(done,
total, text)`` and checks ``progress.aborted``; a progress dialog appears only when the op is
still running after ~600 ms.

Documents are built here but rendered on the render thread (:mod:`ui.render`).

This module imports neither sqlmodel nor the database layer: the window is shown before those
heavy imports happen (on the worker thread).
"""
from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.errors import ReadOnlyStore, VillageDeskError
from app.i18n import _

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600


class OperationAborted(VillageDeskError):
    """The user pressed Cancel on a long operation; its unit of work was rolled back."""


class Progress:
    """Handed to long work (database ops here, renders in :mod:`ui.render`): report progress, and
    stop when asked (thread-safe). ``report(done, total, text)`` carries it to the GUI thread."""

    def __init__(self, report: Callable[[int, int, str], None], cancelled: str = ""):
        self._report = report
        self._cancelled = cancelled
        self._abort = threading.Event()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def abort(self) -> None:
        self._abort.set()

    def check(self) -> None:
        """Raise :class:`OperationAborted` when the user cancelled (the unit then rolls back)."""
        if self._abort.is_set():
            raise OperationAborted(self._cancelled or _("Cancelled; nothing was changed."))

    def update(self, done: int, total: int, text: str = "") -> None:
        self.check()
        self._report(int(done), int(total), str(text))


def _receiver_alive(job: _Job) -> bool:
    """False when the widget that asked, or the object a callback is bound to, was deleted."""
    if job.parent is not None and not shiboken6.isValid(job.parent):
        return False
    for callback in (job.on_success, job.on_failure, job.on_finally):
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return False
    return True


class _Job:
    _ids = itertools.count(1)

    def __init__(self, worker: DatabaseWorker, fn: Callable[..., Any], mode: str, actor: Any,
                 on_success: Callable[[Any], None] | None, on_failure: Callable[[Exception], None] | None,
                 on_finally: Callable[[], None] | None, parent: QWidget | None, progress_label: str | None):
        self.id = next(self._ids)
        self.worker, self.fn, self.mode, self.actor = worker, fn, mode, actor
        self.on_success, self.on_failure, self.on_finally = on_success, on_failure, on_finally
        self.parent, self.progress_label = parent, progress_label
        self.progress = (Progress(lambda done, total, text: worker._progressed.emit(self.id, done, total, text))
                         if progress_label is not None else None)
        self.changes: frozenset[str] = frozenset()
        self.dialog: QProgressDialog | None = None
        self.last_progress: tuple[int, int, str] | None = None
        self.done = threading.Event()
        self.writes = mode != "read"


class DatabaseWorker(QObject):
    """Owns the database worker thread and the open :class:`db.engine.Database`.

    Lives in the GUI thread; jobs are executed by a :class:`QThread` reading a queue.
    """

    _finished = Signal(int, bool, object)  # job id, ok, result or exception
    _progressed = Signal(int, int, int, str)
    busy_changed = Signal(bool)
    # After an operation changed data: (frozenset of area keys, the widget that asked). Pages that
    # show those areas refresh (now if visible, else when next shown), like Anki's OpChanges.
    operation_did_execute = Signal(object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.database: Any = None
        self.actor: Any = None
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        # Operations that may write, submitted so far: a read made before the count changed may be
        # older than the data (Workspace.take_warm keeps a warm read only while it has not).
        self.writes_submitted = 0
        self._jobs: dict[int, _Job] = {}
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._thread = _WorkerThread(self)
        self._thread.setObjectName("villagedesk-db")
        self._thread.start()

    # ------------------------------------------------------------ submitting

    def submit(self, fn: Callable[..., Any], *, mode: str = "unit", actor: Any = ...,
               on_success: Callable[[Any], None] | None = None,
               on_failure: Callable[[Exception], None] | None = None,
               on_finally: Callable[[], None] | None = None,
               parent: QWidget | None = None, progress_label: str | None = None,
               writes: bool | None = None) -> _Job:
        """Queue ``fn``. ``mode``: ``unit`` (write, commits), ``read`` (read session) or ``call``
        (no session; ``fn(worker)`` for database-level work such as opening the store).
        ``writes=False`` marks a ``call`` that only looks (finding a backup, checking a
        passphrase): quitting need not wait for it."""
        if mode not in ("unit", "read", "call"):
            raise ValueError(mode)
        job = _Job(self, fn, mode, self.actor if actor is ... else actor, on_success, on_failure, on_finally,
                   parent, progress_label)
        job.writes = mode != "read" if writes is None else writes
        if job.writes:
            self.writes_submitted += 1
        self._jobs[job.id] = job
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        if job.progress is not None:
            QTimer.singleShot(PROGRESS_DELAY_MS, lambda job_id=job.id: self._show_progress(job_id))
        self._queue.put(job)
        return job

    def read_now(self, fn: Callable[[Any], Any]) -> Any:
        """Run a short read ``fn(session)`` on the calling (GUI) thread, e.g. one page of table rows.

        Only for quick reads that must be answered synchronously (a table cell being painted);
        everything else goes through :meth:`submit`. SQLite in WAL mode lets it read while the
        worker writes.
        """
        if self.database is None:
            raise RuntimeError("no database is open")
        with self.database.session() as session:
            return fn(session)

    def pending(self) -> int:
        return len(self._jobs)

    def writes_running(self) -> int:
        """Write operations queued or running (not merely waiting to report back)."""
        return sum(1 for job in self._jobs.values() if job.writes and not job.done.is_set())

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every queued job ran (tests, shutdown). Callbacks still need the event loop."""
        marker = threading.Event()
        self._queue.put(_Marker(marker))  # type: ignore[arg-type]
        return marker.wait(timeout)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        if self._thread.isRunning():
            self._queue.put(None)
            self._thread.wait(timeout_ms)
        if self.database is not None:
            try:
                self.database.dispose()
            except Exception:  # pragma: no cover - best effort on exit
                log.exception("closing the database")
            self.database = None

    # ------------------------------------------------------------ worker side

    @contextlib.contextmanager
    def _read_only_refusal(self) -> Iterator[None]:
        """A save on a store opened read-only is refused with the reason it is read-only (another
        window has it, read-only media) rather than SQLite's words."""
        try:
            yield
        except ReadOnlyStore as exc:
            reason = getattr(self.database, "read_only_reason", "")
            if not reason:
                raise
            raise ReadOnlyStore(_("Not saved. {reason}").format(reason=reason)) from exc

    def _execute(self, job: _Job) -> None:
        try:
            args: tuple[Any, ...] = (job.progress,) if job.progress is not None else ()
            if job.mode == "call":
                result = job.fn(self, *args)
            elif self.database is None:
                raise RuntimeError("no database is open")
            elif job.mode == "read":
                with self.database.session() as session:
                    result = job.fn(session, *args)
            else:
                with self._read_only_refusal(), self.database.unit(job.actor) as session:
                    result = job.fn(session, *args)
        except BaseException as exc:  # noqa: BLE001 - every failure is delivered to the GUI thread
            if not isinstance(exc, VillageDeskError):
                exc.__villagedesk_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            job.done.set()
            self._finished.emit(job.id, False, exc)
        else:
            job.done.set()
            self._finished.emit(job.id, True, result)

    # ------------------------------------------------------------ GUI side

    def announce(self, changes: set[str] | frozenset[str], origin: Any = None) -> None:
        """Tell every open view that data of ``changes`` (area keys) changed."""
        if changes:
            self.operation_did_execute.emit(frozenset(changes), origin)

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, payload: Any) -> None:
        job = self._jobs.pop(job_id, None)
        if job is None:
            return
        if job.dialog is not None:
            if shiboken6.isValid(job.dialog):
                job.dialog.hide()
                job.dialog.deleteLater()
            job.dialog = None
        if ok and job.changes:
            self.announce(job.changes, job.parent)
        if not _receiver_alive(job):
            # The page or dialog that asked is gone: nobody is left to show the result. A bug is
            # still logged; the unit of work itself has committed or rolled back already.
            if not ok and not isinstance(payload, VillageDeskError):
                log.error("bug in an operation whose window was closed: %r", payload)
            if not self._jobs:
                self.busy_changed.emit(False)
            return
        try:
            if ok:
                if job.on_success:
                    job.on_success(payload)
            elif isinstance(payload, VillageDeskError):
                if job.on_failure:
                    job.on_failure(payload)
                elif not isinstance(payload, OperationAborted):
                    show_error(job.parent, payload.message)
            else:
                report_bug(job.parent, payload)
        finally:
            if job.on_finally:
                job.on_finally()
            if not self._jobs:
                self.busy_changed.emit(False)

    def _show_progress(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.done.is_set() or job.dialog is not None:
            return
        dialog = QProgressDialog(job.progress_label or _("Working…"), _("Cancel"), 0, 0, job.parent)
        dialog.setWindowTitle(_("Please wait"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(360)
        assert job.progress is not None
        dialog.canceled.connect(job.progress.abort)
        job.dialog = dialog
        if job.last_progress:
            self._apply_progress(job, *job.last_progress)
        dialog.show()

    @Slot(int, int, int, str)
    def _on_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        job.last_progress = (done, total, text)
        if job.dialog is not None:
            if job.dialog.wasCanceled() and job.progress is not None:
                job.progress.abort()
            self._apply_progress(job, done, total, text)

    @staticmethod
    def _apply_progress(job: _Job, done: int, total: int, text: str) -> None:
        assert job.dialog is not None
        job.dialog.setMaximum(max(total, 0))
        job.dialog.setValue(min(done, total) if total else 0)
        if text:
            job.dialog.setLabelText(f"{job.progress_label}\n{text}" if job.progress_label else text)


class _Marker:
    def __init__(self, event: threading.Event):
        self.event = event


class _WorkerThread(QThread):
    def __init__(self, owner: DatabaseWorker):
        super().__init__()
        self._owner = owner

    def run(self) -> None:  # worker thread: never touches widgets
        while True:
            job = self._owner._queue.get()
            if job is None:
                return
            if isinstance(job, _Marker):
                job.event.set()
                continue
            self._owner._execute(job)
            # not held while waiting for the next one: a job's callbacks keep their page alive
            # (a workspace dropped by a refused sign-in or a sign-out could not be collected)
            del job


# ---------------------------------------------------------------- the one worker and DbOp

_worker: DatabaseWorker | None = None


def worker() -> DatabaseWorker:
    """The application's single database worker (created on first use)."""
    global _worker
    if _worker is None:
        _worker = DatabaseWorker()
    return _worker


def shutdown_worker() -> None:
    global _worker
    from ui.render import wait_for_renders

    wait_for_renders(10000)  # a document being rendered finishes before the program goes
    if _worker is not None:
        _worker.shutdown()
        _worker.deleteLater()
        _worker = None


class DbOp:
    """One operation on the store, built fluently and run on the database worker."""

    def __init__(self, parent: QWidget | None, op: Callable[..., Any], *, read_only: bool = False,
                 actor: Any = ...):
        self._parent, self._op, self._mode, self._actor = parent, op, "read" if read_only else "unit", actor
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[Exception], None] | None = None
        self._finally: Callable[[], None] | None = None
        self._progress_label: str | None = None
        self._changes: frozenset[str] = frozenset()

    def changes(self, *areas: str) -> DbOp:
        """The areas (``app.areas`` keys) this op changes; announced to every view on success."""
        self._changes = frozenset(areas)
        return self

    def success(self, fn: Callable[[Any], None]) -> DbOp:
        self._success = fn
        return self

    def failure(self, fn: Callable[[Exception], None]) -> DbOp:
        """Called with expected errors only (bugs are always reported as bugs)."""
        self._failure = fn
        return self

    def finally_(self, fn: Callable[[], None]) -> DbOp:
        """Called after success, failure or a bug (re-enable buttons here)."""
        self._finally = fn
        return self

    def with_progress(self, label: str) -> DbOp:
        """``op(session, progress)``; a dialog shows after ~600 ms, its Cancel aborts the op."""
        self._progress_label = label
        return self

    def run(self) -> _Job:
        job = worker().submit(self._op, mode=self._mode, actor=self._actor, on_success=self._success,
                              on_failure=self._failure, on_finally=self._finally, parent=self._parent,
                              progress_label=self._progress_label)
        job.changes = self._changes
        return job


# ---------------------------------------------------------------- messages


def show_error(parent: QWidget | None, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, _("VillageDesk"), message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    _open(box)


def ask_reload(parent: QWidget | None, message: str, reload: Callable[[], None]) -> QMessageBox:
    """The record was changed since the form was opened (``ChangedMeanwhile``): 重新载入 calls
    ``reload`` (the form is filled from the store, what was typed is discarded); 取消 keeps the
    form as typed. Shown without blocking; the box is returned (tests click its buttons)."""
    box = QMessageBox(QMessageBox.Icon.Question, _("VillageDesk"),
                      message + "\n\n" + _("Reload discards what you typed in this form. Cancel keeps your text "
                                            "(to copy it, for example); saving it as it is stays refused."),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("changedMeanwhileBox")
    reload_button = box.addButton(_("Reload"), QMessageBox.ButtonRole.AcceptRole)
    reload_button.setObjectName("reloadButton")
    cancel_button = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    cancel_button.setObjectName("cancelButton")
    box.setDefaultButton(cancel_button)
    box.setEscapeButton(cancel_button)
    box.buttonClicked.connect(lambda button: reload() if button is reload_button else None)
    _open(box)
    return box


def report_bug(parent: QWidget | None, exc: BaseException) -> None:
    details = getattr(exc, "__villagedesk_traceback__", None) or "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error in a database operation:\n%s", details)
    box = QMessageBox(QMessageBox.Icon.Critical, _("VillageDesk"),
                      _("Something went wrong inside VillageDesk. This is a bug in the program, not your "
                        "mistake; nothing was saved by this action. Please report it with the details below."),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("bugBox")
    box.setDetailedText(details)
    _open(box)


_open_boxes: set[QMessageBox] = set()


def _open(box: QMessageBox) -> None:
    """Show a message without blocking; keep it alive until it is closed."""
    _open_boxes.add(box)
    box.finished.connect(lambda _result, box=box: _open_boxes.discard(box))
    box.open()
