"""A page built by the click that opens it is painted once, with its first data (issue 16):
ui/pages/base.py, Page.showEvent. Not an empty page first and then again as each read arrives."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEvent, QObject

from test_ui_village import add_many_residents
from ui.main_window import Workspace
from ui.ops import worker
from ui.pages import base

pytestmark = pytest.mark.gui


class Paints(QObject):
    """Counts the paints of a table's cells, each with the rows the model had then."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.rows: list[int] = []

    def eventFilter(self, _watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rows.append(self.model.rowCount())
        return False


def blocked_worker() -> threading.Event:
    """The database worker busy until the returned event is set (the page's reads queue behind)."""
    go, started = threading.Event(), threading.Event()

    def hold(_worker):
        started.set()
        go.wait(10)

    worker().submit(hold, mode="call", writes=False)
    assert started.wait(5)
    return go


def open_unbuilt(window, key):
    """Open page ``key`` by a click-like call, built by it (no warm-up built it before)."""
    assert key not in window.workspace.pages
    return window.open_area(key)


@pytest.fixture
def unbuilt(monkeypatch, village, sign_in, qtbot):
    """A signed-in window whose pages are built only by opening them (the clerk clicked before the
    pauses after sign-in built them: ui/warmup.py)."""
    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)
    database, admin = village
    add_many_residents(database, admin, 30)
    window = sign_in(database)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=20000)
    return window


def test_a_page_built_by_its_click_is_painted_once_its_first_rows_are_in(unbuilt, qtbot, monkeypatch):
    monkeypatch.setattr(base, "HOLD_FIRST_PAINT_MS", 10000)  # a loaded test machine: only the read ends it
    go = blocked_worker()
    page = open_unbuilt(unbuilt, "residents")
    paints = Paints(page.model)
    page.table.viewport().installEventFilter(paints)
    qtbot.wait(60)  # the read waits behind the blocked worker: nothing of the page is painted
    assert paints.rows == [] and not page.updatesEnabled()
    go.set()
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    qtbot.waitUntil(lambda: bool(paints.rows), timeout=5000)
    assert page.updatesEnabled()
    assert paints.rows[0] == 30  # its first paint shows the rows
    assert page.model.rowCount() == 30


def test_a_slow_read_shows_the_page_meanwhile(unbuilt, qtbot, monkeypatch):
    monkeypatch.setattr(base, "HOLD_FIRST_PAINT_MS", 40)
    go = blocked_worker()
    try:
        page = open_unbuilt(unbuilt, "households")
        paints = Paints(page.model)
        page.table.viewport().installEventFilter(paints)
        qtbot.waitUntil(lambda: bool(paints.rows), timeout=5000)  # shown, empty, while the read waits
        assert page.updatesEnabled() and paints.rows[0] == 0 and worker().pending()
    finally:
        go.set()
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    qtbot.waitUntil(lambda: paints.rows[-1] == page.model.rowCount() > 0, timeout=5000)


def test_a_page_painted_before_it_is_shown_is_not_held(unbuilt, qtbot):
    """The warm-up paints a built page off screen (Workspace.paint_hidden): shown, it paints at once."""
    workspace = unbuilt.workspace
    page = workspace._create_page("notices")
    workspace.pages["notices"] = page
    workspace.stack.addWidget(page)
    page.resize(workspace.stack.size())
    page.grab()
    go = blocked_worker()
    try:
        unbuilt.open_area("notices")
        assert page.updatesEnabled()
        paints = Paints(page.model)
        page.table.viewport().installEventFilter(paints)
        page.update()
        qtbot.waitUntil(lambda: bool(paints.rows), timeout=5000)
    finally:
        go.set()
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)


def test_a_page_is_built_inside_the_window(unbuilt, qtbot, monkeypatch):
    """Made inside the workspace's stack (PageContext.pages_parent), a page's widgets are styled as
    they are added; not all over again when the workspace adds the page to its stack."""
    from ui.pages.settings import SettingsPage

    parents = []
    built = SettingsPage.__init__

    def init(self, *args):
        built(self, *args)
        parents.append(self.parentWidget())  # before the workspace adds the page to its stack

    monkeypatch.setattr(SettingsPage, "__init__", init)
    page = unbuilt.open_area("settings")
    assert parents == [unbuilt.workspace.stack]
    assert unbuilt.workspace.stack.currentWidget() is page and page.isVisible()
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
