"""A register's table is painted for a search's first screenful at its final width (issue 16): laid
out for its rows when a scroll bar comes or goes (the stretched column narrowed for it) before the
paint, and not painted again when the rest of the ids is appended below the rows on screen. What
the window shows stays what a fresh paint shows."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from test_ui_village import add_many_residents, drop_page
from ui.ops import worker
from ui.pages import register
from ui.pages.residents import ResidentsPage

pytestmark = pytest.mark.gui


class Paints(QObject):
    """Each paint of the table's rows: (rows in the model, the viewport's width)."""

    def __init__(self, table):
        super().__init__(table)
        self.table = table
        self.seen: list[tuple[int, int]] = []
        table.viewport().installEventFilter(self)

    def eventFilter(self, _watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.seen.append((self.table.model().rowCount(), self.table.viewport().width()))
        return False


@pytest.fixture
def residents_page(village, sign_in, qtbot, monkeypatch):
    monkeypatch.setattr(ResidentsPage, "searches_in_memory", False)  # every search in SQL, two trips
    monkeypatch.setattr(register, "FIRST_IDS", 0)  # the first trip: the first screenful's ids only
    database, admin = village
    add_many_residents(database, admin, 150)
    window = sign_in(database)
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and page.ids_complete and worker().pending() == 0, timeout=10000)
    QApplication.processEvents()
    return window, page


def on_screen(window):
    """What the window shows now (its backing store), and what a fresh paint of it shows."""
    shown = window.screen().grabWindow(window.winId()).toImage()
    fresh = window.grab().toImage()
    return shown, fresh


def test_the_first_screenful_is_painted_once_at_its_width_and_not_again_for_the_rest(residents_page, qtbot):
    window, page = residents_page
    table = page.table
    paints = Paints(table)
    first: list[int] = []  # paints seen when the first screenful arrived, and when the rest did
    rest: list[int] = []
    real_first, real_rest = page._ids_arrived, page._rest_arrived
    page._ids_arrived = lambda *args, **kw: (first.append(len(paints.seen)), real_first(*args, **kw))
    page._rest_arrived = lambda token, ids: (rest.append(len(paints.seen)), real_rest(token, ids))
    page.sort_by("age")  # a new order: the first screenful, then every id appended below it
    qtbot.waitUntil(lambda: page._loaded_once and page.ids_complete and worker().pending() == 0, timeout=10000)
    qtbot.wait(50)

    assert page.model.rowCount() == 150 and len(first) == 1 and len(rest) == 1
    width = table.viewport().width()
    assert table.verticalScrollBar().isVisible()
    with_rows = [seen for seen in paints.seen[first[0]:] if seen[0]]
    assert with_rows and all(seen_width == width for _rows, seen_width in with_rows)  # never at another width
    # the first screenful, and at most once more: Qt's own layout after the reset (the same rows at
    # the same width, whenever its turn comes) when no scroll bar came or went (forcing that layout
    # on each keystroke cost more than the paint); the rest appended below adds no paint of its own
    # (test_rows_appended_where_they_may_be_seen_are_painted checks that by itself)
    assert len(with_rows) <= 2
    # the scroll bar reaches every row, as a fresh layout of the table gives it
    maximum = table.verticalScrollBar().maximum()
    table.doItemsLayout()
    assert table.verticalScrollBar().maximum() == maximum > 0
    shown, fresh = on_screen(window)
    assert shown == fresh


def test_rows_appended_where_they_may_be_seen_are_painted(residents_page, qtbot):
    _window, page = residents_page
    table, model = page.table, page.model
    ids = model.ids()
    model.set_ids(ids[:40])
    page._lay_out_now()
    qtbot.wait(50)
    paints = Paints(table)

    assert page._extend_quietly(ids) and model.rowCount() == 150  # below the rows on screen
    qtbot.wait(50)
    assert paints.seen == []
    assert table.verticalScrollBar().maximum() > 0

    model.set_ids(ids[:40])
    page._lay_out_now()
    table.scrollToBottom()  # the last of the 40 on screen: the rows appended would show below it
    qtbot.wait(50)
    paints.seen.clear()
    assert page._extend_quietly(ids) and model.rowCount() == 150
    qtbot.wait(50)
    assert paints.seen and paints.seen[-1][0] == 150
    shown, fresh = on_screen(page.window())
    assert shown == fresh


def test_households_fills_its_filters_before_its_rows_arrive(village, sign_in, qtbot):
    """户籍 reads its groups and grids (two short lists) ahead of its rows: the grid filter is
    filled when the first screenful arrives, so the rows are not painted again for it."""
    from app import people

    database, admin = village
    add_many_residents(database, admin, 10)
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="三组")
        people.add_grid(session=session, actor=admin, name="三组第1网格", group_id=group.id)
    window = sign_in(database)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=20000)
    drop_page(window, "households")  # as a clerk who clicks before the warm-up built it
    from ui.pages.households import HouseholdsPage

    grids_when_rows_came: list[int] = []
    real = HouseholdsPage._ids_arrived

    def ids_arrived(self, *args, **kw):
        grids_when_rows_came.append(self.grid_filter.count())
        return real(self, *args, **kw)

    HouseholdsPage._ids_arrived = ids_arrived
    try:
        page = window.open_area("households")
        qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    finally:
        HouseholdsPage._ids_arrived = real
    assert grids_when_rows_came and grids_when_rows_came[0] == 2  # 全部网格 and 三组第1网格
    assert page.model.rowCount() == 20
