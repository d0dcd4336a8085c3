"""A table shown for the first time is painted once (issue 16).

Its last column is stretched to the table's width as the page is laid out, before the first
paint; Qt repainted the columns of that resize in the next turn of the event loop, after the
paint, so every table of a page opened by a click was painted twice (ui.table_view). A resize
made after the table is painted still repaints it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from ui.pages.community import make_table
from ui.table_model import Column

pytestmark = pytest.mark.gui

COLUMNS = [Column("Name", lambda row: row[0]), Column("Group", lambda row: row[1]), Column("Note", lambda row: row[2])]
ROWS = [(f"村民{i}", f"{i % 12 + 1}组", "备注" * (i % 3)) for i in range(60)]  # more than fit: a scroll bar


class Paints(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def settle() -> None:
    for _ in range(6):
        QApplication.processEvents()


@pytest.fixture
def shown_page(qtbot):
    """A page with a table whose last column stretches, built and filled, not yet shown."""
    page = QWidget()
    qtbot.addWidget(page)
    table, model = make_table(COLUMNS, "firstPaintTable", page, stretch=2)
    table.horizontalHeader().setStretchLastSection(True)
    QVBoxLayout(page).addWidget(table)
    model.set_rows(ROWS)
    page.resize(700, 400)
    paints = Paints(table.viewport())
    return page, table, paints


def test_a_table_shown_with_its_last_column_stretched_is_painted_once(shown_page):
    page, table, paints = shown_page
    page.show()
    settle()
    assert table.verticalScrollBar().isVisible()  # laid out for its rows: the width changed as it was shown
    header = table.horizontalHeader()
    assert header.sectionPosition(2) + header.sectionSize(2) == table.viewport().width()  # stretched to the edge
    assert paints.count == 1


def test_a_column_resized_after_the_paint_is_painted_again(shown_page):
    page, table, paints = shown_page
    page.show()
    settle()
    before = paints.count
    table.setColumnWidth(0, table.columnWidth(0) + 40)
    settle()
    assert paints.count > before
    image = table.viewport().grab().toImage()
    table.viewport().repaint()  # what a fresh paint of the same table shows
    assert table.viewport().grab().toImage() == image


def test_new_rows_after_the_paint_are_painted(shown_page):
    page, table, paints = shown_page
    page.show()
    settle()
    before = paints.count
    table.model().set_rows([(f"新{i}", "一组", "") for i in range(60)])  # as many rows, other texts
    settle()
    assert paints.count > before


def test_a_list_given_rows_before_it_is_shown_is_fitted_once(qtbot, monkeypatch):
    """Its columns are fitted to its rows, not first to its empty headers (ui.table_model)."""
    from ui import table_model

    fitted = []
    original = table_model._fit_list_columns
    monkeypatch.setattr(table_model, "_fit_list_columns",
                        lambda table, model, columns, hints: fitted.append(model.rowCount()) or original(table, model, columns, hints))
    page = QWidget()
    qtbot.addWidget(page)
    table, model = make_table(COLUMNS, "fittedOnce", page)
    QVBoxLayout(page).addWidget(table)
    model.set_rows(ROWS)
    page.show()
    settle()
    assert fitted == [len(ROWS)]


def test_a_list_left_empty_has_its_headers_fitted_when_shown(qtbot):
    from ui.table_model import HEADER_PADDING

    page = QWidget()
    qtbot.addWidget(page)
    table, _model = make_table(COLUMNS, "leftEmpty", page)
    QVBoxLayout(page).addWidget(table)
    page.resize(700, 300)
    page.show()
    settle()
    header = table.horizontalHeader()
    for column in range(len(COLUMNS) - 1):  # the last one stretches
        assert header.sectionSize(column) >= header.sectionSizeHint(column) + HEADER_PADDING


def test_a_table_with_spans_is_left_to_qt_to_paint(shown_page):
    """A span makes the view paint every cell through Qt (ui.table_view: it plans no plain cells)."""
    page, table, paints = shown_page
    table.setShowGrid(False)  # a grid is Qt's to paint too
    page.show()
    settle()
    planned = table.plain_paints
    table.viewport().repaint()
    assert table.plain_paints == planned + 1  # plain cells painted by the view itself
    table.setSpan(0, 0, 1, 2)
    table.viewport().repaint()
    assert table.plain_paints == planned + 1  # now Qt's own painting, every cell
