"""A search repaints the rows, not the window beneath them (issue 16).

The style sheet's border on QTableView left the table's viewport transparent, so every paint of
the rows painted the main window, the workspace and the page under them first; and the count
label, sized to its text, had the whole window laid out again whenever the count changed."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtWidgets import QApplication

from test_search_two_trips_gui import settle
from test_ui_village import add_many_residents
from ui.ops import worker

pytestmark = pytest.mark.gui


@pytest.fixture
def program_look():
    """The program's style (ui.style.OfficeStyle: the table's frame; a style sheet's border once
    made the viewport transparent), removed afterwards. Only the style: the program's font, once
    added, changes how other tests' tables are painted."""
    from ui import style

    app = QApplication.instance()
    before = app.style().name()
    app.setStyle(style.OfficeStyle())
    yield
    app.setStyle(before)


class Paints(QObject):
    """The regions (in window coordinates) the widgets watched painted."""

    def __init__(self, window, widgets):
        super().__init__()
        self.window, self.regions = window, []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.regions.append(event.region().translated(watched.mapTo(self.window, QPoint(0, 0))))
        return False


def test_a_search_paints_the_rows_without_the_window_beneath_them(village, sign_in, qtbot, program_look):
    database, admin = village
    add_many_residents(database, admin, 120)
    window = sign_in(database)
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    window.resize(1280, 800)
    QApplication.processEvents()
    viewport = page.table.viewport()
    assert viewport.autoFillBackground()  # kept through the style sheet's polish
    rows = QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())
    ancestors, widget = [], page
    while widget is not None:
        ancestors.append(widget)
        widget = widget.parentWidget()
    beneath = Paints(window, ancestors)
    on_top = Paints(window, [viewport])
    label = page.count_label.geometry()

    for query in ("z", "zh", "", "wang", "nobody-at-all", ""):
        page.search.setText(query)
        settle(qtbot, page, query)
        QApplication.processEvents()
    assert on_top.regions  # the rows were painted
    assert not [region for region in beneath.regions if region.intersects(rows)]  # never what lies beneath them
    assert page.count_label.geometry() == label  # counts of 120, 0, 19 … in the same label
    assert page.count_label.width() >= page.count_label.sizeHint().width()  # the whole text shows


def test_the_count_label_fits_its_largest_text_in_each_language(village, sign_in, qtbot, program_look):
    from ui import language

    database, admin = village
    window = sign_in(database)
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    for lang in ("en", "zh_CN"):
        language.switch(lang)
        page._count = 8_888_888
        page._update_count()
        assert page.count_label.width() >= page.count_label.sizeHint().width()
