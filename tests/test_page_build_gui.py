"""A page built by the click that opens it (issue 16) is made inside the window: its widgets are
styled as they are added, not all over again when the workspace adds the page to its stack."""
from __future__ import annotations

import pytest

from test_ui_village import add_many_residents
from ui.main_window import Workspace
from ui.ops import worker

pytestmark = pytest.mark.gui


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


def test_a_page_is_built_inside_the_window(unbuilt, qtbot, monkeypatch):
    """Made inside the workspace's stack (PageContext.pages_parent)."""
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


def test_a_register_shows_its_rows_when_built_by_its_click(unbuilt, qtbot):
    page = unbuilt.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    assert page.table.parentWidget() is page and page.table.isVisible()
    assert page.model.rowCount() == 30
