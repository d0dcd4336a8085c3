"""The operation helper (one database worker) and the lazy id table model, offscreen."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from sqlmodel import func, select

from app import people
from app.errors import ValidationError
from db.models.people import Household

pytestmark = pytest.mark.gui


@pytest.fixture
def ops(qtbot, village):
    from ui import ops as ops_module

    database, admin = village
    worker = ops_module.worker()
    worker.database, worker.actor = database, admin
    yield worker
    worker.database = None  # the village fixture disposes it
    ops_module.shutdown_worker()


def households(database) -> int:
    with database.session() as session:
        return session.exec(select(func.count()).select_from(Household)).one()


def run_op(qtbot, op):
    """Run a DbOp and wait until its callbacks ran; returns what happened."""
    seen: dict = {}
    done = threading.Event()
    op.success(lambda result: seen.update(success=result, thread=threading.current_thread())) \
        .failure(lambda exc: seen.update(failure=exc)).finally_(done.set).run()
    qtbot.waitUntil(done.is_set, timeout=10000)
    return seen


def test_op_runs_on_the_worker_and_reports_on_the_gui_thread(ops, qtbot):
    from ui.ops import DbOp

    where = {}

    def op(session):
        where["op"] = threading.current_thread()
        return people.stats(session=session, actor=ops.actor)["residents"]

    seen = run_op(qtbot, DbOp(None, op, read_only=True))
    assert seen["success"] == 0
    assert where["op"] is not threading.main_thread()
    assert seen["thread"] is threading.main_thread()


def test_a_refused_write_is_rolled_back_and_reaches_failure(ops, qtbot):
    from ui.ops import DbOp

    database = ops.database

    def op(session):
        people.save_household(session=session, actor=ops.actor, form=people.HouseholdForm(head_name="王强"))
        raise ValidationError({"head_name": "no"})

    seen = run_op(qtbot, DbOp(None, op))
    assert isinstance(seen["failure"], ValidationError) and seen["failure"].errors == {"head_name": "no"}
    assert households(database) == 0
    seen = run_op(qtbot, DbOp(None, lambda s: people.save_household(
        session=s, actor=ops.actor, form=people.HouseholdForm(head_name="王强")).id))
    assert seen["success"] and households(database) == 1


def test_a_bug_is_reported_as_a_bug_not_as_a_refusal(ops, qtbot, monkeypatch):
    from ui import ops as ops_module

    reported = []
    monkeypatch.setattr(ops_module, "report_bug", lambda parent, exc: reported.append(exc))
    seen = run_op(qtbot, ops_module.DbOp(None, lambda session: 1 / 0))
    assert "failure" not in seen and "success" not in seen
    assert len(reported) == 1 and isinstance(reported[0], ZeroDivisionError)
    assert "ZeroDivisionError" in reported[0].__villagedesk_traceback__


def test_one_worker_runs_ops_in_order(ops, qtbot):
    from ui.ops import DbOp

    order, threads = [], set()

    def make(i):
        def op(session):
            threads.add(threading.current_thread())
            time.sleep(0.01)
            order.append(i)
        return op

    for i in range(5):
        DbOp(None, make(i), read_only=True).run()
    assert ops.wait_idle(10)
    assert order == [0, 1, 2, 3, 4] and len(threads) == 1


def progress_dialogs():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


def test_progress_dialog_only_for_slow_ops_and_cancel_rolls_back(ops, qtbot):
    from ui.ops import DbOp, OperationAborted

    database = ops.database
    seen = run_op(qtbot, DbOp(None, lambda s, progress: progress.update(1, 1)).with_progress("quick"))
    assert "success" in seen and progress_dialogs() == []

    started = threading.Event()

    def slow(session, progress):
        people.save_household(session=session, actor=ops.actor, form=people.HouseholdForm(head_name="李四"))
        started.set()
        for step in range(1000):
            progress.update(step, 1000, "step")
            time.sleep(0.01)

    result: dict = {}
    done = threading.Event()
    DbOp(None, slow).with_progress("slow").failure(lambda exc: result.update(failure=exc)) \
        .finally_(done.set).run()
    qtbot.waitUntil(started.is_set, timeout=5000)
    qtbot.wait(200)
    assert progress_dialogs() == []  # not before ~600 ms
    qtbot.waitUntil(lambda: len(progress_dialogs()) == 1, timeout=5000)
    dialog = progress_dialogs()[0]
    assert dialog.maximum() == 1000
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # 取消
    qtbot.waitUntil(done.is_set, timeout=5000)
    assert isinstance(result["failure"], OperationAborted)
    assert households(database) == 0  # the cancelled unit was rolled back
    qtbot.waitUntil(lambda: progress_dialogs() == [], timeout=5000)


# ---------------------------------------------------------------- the lazy model


class Row:
    def __init__(self, item_id: str):
        self.id = item_id
        self.name = f"name {item_id}"
        self.size = int(item_id)


def make_model(n=1000, missing=()):
    from ui.table_model import RIGHT, Column, LazyTableModel

    fetched: list[list[str]] = []

    def fetch(ids):
        fetched.append(list(ids))
        return [Row(i) for i in ids if i not in missing]

    model = LazyTableModel([Column("Name", lambda r: r.name), Column("Size", lambda r: r.size, RIGHT)], fetch,
                           page_size=100)
    model.set_ids([str(i) for i in range(n)])
    return model, fetched


def test_lazy_model_fetches_only_the_pages_that_are_shown(qapp):
    model, fetched = make_model()
    assert model.rowCount() == 1000 and fetched == []
    assert model.data(model.index(5, 0)) == "name 5"
    assert model.data(model.index(99, 1)) == "99"
    assert len(fetched) == 1 and fetched[0][0] == "0" and len(fetched[0]) == 100
    assert model.data(model.index(950, 0)) == "name 950"
    assert len(fetched) == 2 and fetched[1][0] == "900"
    assert model.data(model.index(1, 1), Qt.ItemDataRole.TextAlignmentRole) == int(
        (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
    assert model.data(model.index(3, 0), model.IdRole) == "3"
    model.set_ids(["7", "3"])  # a new search: same rows, re-read lazily
    assert fetched[-1] != ["7", "3"]
    assert model.data(model.index(0, 0)) == "name 7" and fetched[-1] == ["7", "3"]


def test_lazy_model_shows_vanished_rows_as_removed(qapp):
    model, _fetched = make_model(10, missing={"4"})
    assert model.data(model.index(4, 0)) == "（已删除）"
    assert model.data(model.index(4, 1)) is None
    assert model.row_object(4) is None and model.row_object(5).name == "name 5"


def test_lazy_model_computes_a_rows_texts_once_when_it_arrives(qapp):
    """A view asks each painted cell for seven roles, every paint: the texts are computed when the
    row arrives, answered from then on, and computed again only after a language switch."""
    from ui.table_model import Column, LazyTableModel

    read: list[str] = []
    columns = [Column("Name", lambda r: read.append(r.name) or r.name), Column("Size", lambda r: r.size)]
    model = LazyTableModel(columns, lambda ids: [Row(i) for i in ids], page_size=100)
    model.set_ids(["1", "2", "3"], rows=[Row("1"), Row("2")])
    assert read == ["name 1", "name 2"]  # with the ids, before anything is painted
    for _paint in range(3):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
                     Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole):
            model.data(model.index(0, 0), role)
            model.data(model.index(1, 1), int(role.value))
    assert read == ["name 1", "name 2"]
    assert model.data(model.index(2, 0)) == "name 3" and read[-1] == "name 3"  # read when first shown
    model.retranslate()
    assert model.data(model.index(0, 1)) == "1" and read[-1] == "name 1"
    assert model.shown(1) == (("name 2", "2"), None)
    assert model.data(model.index(0, 2)) is None and model.data(model.index(3, 0)) is None


def test_lazy_model_passes_the_model_tester(qtmodeltester):
    model, _fetched = make_model(450, missing={"17"})
    qtmodeltester.check(model, force_py=True)
    model.set_ids([])
    qtmodeltester.check(model, force_py=True)


@pytest.mark.gui
def test_quitting_lets_a_quick_write_finish_and_asks_only_about_a_slow_one(sign_in, village, gui, monkeypatch):
    """A write queued just before quitting (the audit note of a print) finishes without a question;
    only work still running after the grace period makes the window ask."""
    from PySide6.QtWidgets import QMessageBox

    from ui import main_window
    from ui.ops import DbOp, worker

    database, _admin = village
    win = sign_in(database)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *a, **k: (
        asked.append(text), QMessageBox.StandardButton.No)[1])

    DbOp(win, lambda s: people.save_household(session=s, actor=win.actor,
                                              form=people.HouseholdForm(head_name="张三"))).run()
    assert win.close() and asked == []  # closed, nothing asked: the save was let finish
    with database.session() as session:
        assert session.exec(select(func.count()).select_from(Household)).one() == 1

    win.show()
    release = threading.Event()
    monkeypatch.setattr(main_window, "CLOSE_GRACE_S", 0.05, raising=False)
    DbOp(win, lambda s: release.wait(10)).run()
    try:
        assert not win.close() and len(asked) == 1  # still running after the grace: asked, and "No" keeps it
    finally:
        release.set()
        worker().wait_idle()
