"""The render thread (ui/render.py) and operation lifecycles: documents are rendered off both the
GUI thread and the database worker; a result never reaches a deleted widget; changes are announced."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWidget

from app.errors import ValidationError

pytestmark = pytest.mark.gui


@pytest.fixture
def ops(qtbot, village):
    from ui import ops as ops_module

    database, admin = village
    worker = ops_module.worker()
    worker.database, worker.actor = database, admin
    yield worker
    worker.database = None
    ops_module.shutdown_worker()


def test_a_document_is_built_on_the_worker_and_rendered_on_the_render_thread(ops, qtbot):
    from app.printing import build_document, render
    from app.printing.model import Document, Para
    from ui.ops import DbOp
    from ui.render import RenderOp

    threads: dict[str, threading.Thread] = {}
    result: dict = {}

    def build(session):
        threads["build"] = threading.current_thread()
        return Document(title="测试通知", blocks=[Para("村民会议定于本周五召开。")])

    def render_it(document):
        def work():
            threads["render"] = threading.current_thread()
            return render(document)

        RenderOp(None, work).success(lambda data: result.update(data=data, thread=threading.current_thread())).run()

    DbOp(None, build, read_only=True).success(render_it).run()
    qtbot.waitUntil(lambda: "data" in result, timeout=20000)
    assert result["data"].startswith(b"%PDF")
    assert result["thread"] is threading.main_thread()
    assert len({threads["build"], threads["render"], threading.main_thread()}) == 3
    assert build_document  # the public builder exists for pages to call on the worker


def test_an_expected_render_error_goes_to_failure_and_a_deleted_parent_gets_nothing(qtbot):
    from ui.render import RenderOp, wait_for_renders

    failures, successes = [], []

    def refuse():
        raise ValidationError({"table": "表格太宽"})

    RenderOp(None, refuse).success(successes.append).failure(failures.append).run()
    qtbot.waitUntil(lambda: bool(failures), timeout=10000)
    assert isinstance(failures[0], ValidationError) and successes == []

    parent = QWidget()
    release = threading.Event()
    RenderOp(parent, lambda: release.wait(10) and "late").success(successes.append).run()
    parent.deleteLater()
    qtbot.wait(50)
    release.set()
    assert wait_for_renders(10000)
    qtbot.wait(200)
    assert successes == []  # the widget was gone: nothing delivered, no "C++ object deleted"


def test_a_result_for_a_deleted_widget_is_dropped_and_changes_are_announced(ops, qtbot):
    from ui.ops import DbOp

    parent = QWidget()
    delivered, announced = [], []
    release = threading.Event()
    ops.operation_did_execute.connect(lambda changes, origin: announced.append(changes))

    def slow(session):
        release.wait(10)
        return 1

    DbOp(parent, slow).changes("people").success(delivered.append).run()
    parent.deleteLater()
    qtbot.wait(50)
    release.set()
    qtbot.waitUntil(lambda: bool(announced), timeout=10000)
    qtbot.wait(100)
    assert delivered == []
    assert announced == [frozenset({"people"})]
