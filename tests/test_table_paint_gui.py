"""The register tables paint their plain cells themselves (ui.table_model.CellDelegate, issue 16):
the same pixels as the style's own painting, from the rows' texts computed once when they arrive,
and those texts follow a language switch and an edit."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from app import people
from app.validation import id_check_digit
from db.models.people import Resident
from test_ui_village import add_many_residents
from ui.ops import worker
from ui.table_model import CellDelegate

pytestmark = pytest.mark.gui


def open_residents(qtbot, window):
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    return page


def add_varied_residents(database, admin) -> None:
    """Cells of every kind: ID and phone numbers, 是, a name too long for its column (cut with …),
    statuses, relations."""
    add_many_residents(database, admin, 60)
    with database.unit(admin) as session:
        for i, (name, status) in enumerate([("艾一", "moved_out"), ("艾二", "deceased"),
                                            ("艾欧阳长长长长长长长长长长名字", "resident")]):
            session.add(Resident(name=name, gender="F", birth_date=dt.date(1950 + i, 3, 1), status=status,
                                 id_number=id_number(f"51011219{50 + i}0301{i:02d}2"), phone=f"1381234567{i}", relation="head",
                                 party_member=True, representative=i != 1, search_key=f"ai {name}"))


def id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


def grab(table, delegate):
    table.setItemDelegate(delegate)
    QApplication.processEvents()
    return table.viewport().grab().toImage()


def assert_same_pixels(page) -> CellDelegate:
    table = page.table
    ours = table.itemDelegate()
    assert isinstance(ours, CellDelegate)
    ours._texts.clear()
    planned = table.plain_paints
    painted = grab(table, ours)
    assert table.plain_paints > planned  # the view painted the plain cells itself (ui.table_view)
    styled = grab(table, QStyledItemDelegate(table))  # Qt's own painting, every cell through the style
    table.setItemDelegate(ours)
    assert painted == styled
    return ours


def test_plain_cells_are_painted_as_the_style_paints_them(village, sign_in, qtbot):
    from ui import language

    database, admin = village
    add_varied_residents(database, admin)
    window = sign_in(database)
    page = open_residents(qtbot, window)
    table = page.table

    ours = assert_same_pixels(page)
    assert len(ours._texts) > 30  # most cells were painted by the delegate itself (texts it laid out)
    drawn_as_lines = [text for text, (laid, _plain, _height) in zip(ours._texts, ours._texts.values())
                      if isinstance(laid, str)]
    assert any(text[0].isdigit() for text in drawn_as_lines)  # numbers in the font's own metrics: no layout kept

    # the selected row and the current cell (the style's highlight and focus frame), a removed row's
    # grey, a name cut short with …, right-aligned ages and centred 是 in both languages
    table.setFocus()
    table.selectionModel().setCurrentIndex(page.model.index(2, 3), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
    assert_same_pixels(page)
    page.model.set_ids(["gone"] + page.model.ids())
    assert page.model.index(0, 0).data() == "（已删除）"
    assert_same_pixels(page)
    language.switch("en")
    try:
        assert page.model.index(1, 1).data() == "Female"  # 艾一: the texts follow the language
        assert_same_pixels(page)
    finally:
        language.switch("zh_CN")
    assert page.model.index(1, 1).data() == "女"

    # the interface's own font (Chinese in the font itself: every name drawn as a line, no layout)
    from ui import style

    style.ensure_cjk_font()
    table.setFont(style.ui_font())
    for delegate in (QStyledItemDelegate(table), ours):  # laid out again in the new font, with either delegate
        grab(table, delegate)
    ours = assert_same_pixels(page)
    assert any(isinstance(laid, str) and text[0] == "艾" for (text, _w, _a), (laid, _p, _h) in ours._texts.items())
    table.setFont(QApplication.font())

    households = window.open_area("households")  # numbers right-aligned, tags, addresses: the same
    qtbot.waitUntil(lambda: households._loaded_once and worker().pending() == 0, timeout=10000)
    assert households.model.rowCount() == 20
    assert_same_pixels(households)
    households.table.setColumnWidth(1, 900)  # scrolled sideways and down: cells cut by the viewport's edges
    households.table.setRowHeight(0, 300)
    QApplication.processEvents()
    for bar in (households.table.horizontalScrollBar(), households.table.verticalScrollBar()):
        bar.setValue(bar.maximum() // 2)
        assert bar.value() > 0
    assert_same_pixels(households)


def test_a_screenful_of_plain_cells_is_painted_without_a_call_per_cell(village, sign_in, qtbot):
    """PlainCellsView draws the plain cells itself: the delegate paints only the cells Qt must (a
    name cut short with …, the selected row, the row under the pointer), in their true state."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QHoverEvent

    class Counting(CellDelegate):
        def paint(self, painter, option, index):
            painted_by_delegate.append((index.row(), index.column()))
            super().paint(painter, option, index)

    database, admin = village
    add_varied_residents(database, admin)
    page = open_residents(qtbot, sign_in(database))
    table, model = page.table, page.model
    painted_by_delegate = []
    table.setItemDelegate(Counting(table))
    columns = model.columnCount()
    long_name = next(row for row in range(model.rowCount()) if model.index(row, 0).data().startswith("艾欧阳"))
    planned = table.plain_paints
    table.viewport().grab()
    assert painted_by_delegate == [(long_name, 0)]  # the one text the style cuts short with …
    assert table.plain_paints == planned + 1

    table.selectionModel().setCurrentIndex(model.index(5, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
    painted_by_delegate.clear()
    table.viewport().grab()
    assert sorted(painted_by_delegate) == sorted({(5, column) for column in range(columns)} | {(long_name, 0)})

    where = QPointF(table.columnViewportPosition(1) + 5, table.rowViewportPosition(7) + 5)
    QApplication.sendEvent(table.viewport(), QHoverEvent(QEvent.Type.HoverEnter, where, where, QPointF(-1, -1)))
    painted_by_delegate.clear()
    table.viewport().grab()
    assert {row for row, _column in painted_by_delegate} == {5, 7, long_name}
    assert table.plain_paints == planned + 3
    assert_same_pixels(page)  # selected, hovered and plain: the pixels Qt paints


def test_rows_texts_are_computed_once_when_they_arrive_and_again_after_an_edit(village, sign_in, qtbot):
    database, admin = village
    add_varied_residents(database, admin)
    page = open_residents(qtbot, sign_in(database))
    model = page.model
    first = model.id_at(0)
    assert first in model._cells  # computed with the rows read with the ids, before any paint
    assert model.index(0, 0).data() == "艾一"

    with database.unit(admin) as session:
        form = people.resident_form(session=session, actor=admin, resident_id=first)
        form.name = "艾壹"
        people.save_resident(session=session, actor=admin, form=form, resident_id=first)
    page.saved(first)  # what the resident dialog tells the page after saving
    qtbot.waitUntil(lambda: worker().pending() == 0 and model.index(model.row_of(first), 0).data() == "艾壹",
                    timeout=10000)
    assert_same_pixels(page)


def test_only_the_rows_shown_are_read_with_the_ids_once_the_table_is_on_screen(village, sign_in, qtbot):
    from ui.pages.register import FIRST_ROWS, ROW_HEIGHT

    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    shown = page.table.viewport().height() // ROW_HEIGHT
    assert 10 < shown < page.first_rows() < FIRST_ROWS
    qtbot.keyClicks(page.search, "z")
    qtbot.waitUntil(lambda: page.shown_query == "z" and worker().pending() == 0, timeout=10000)
    QApplication.processEvents()
    assert page.model.fetch_count == 0  # every row on screen came with the ids
    assert len(page.model._rows) == page.first_rows()


def test_a_register_that_colours_some_rows_paints_them_as_the_style_does(village, sign_in, qtbot):
    """群众诉求: overdue concerns are red on pale red. CellDelegate paints every row, plain or in the
    colours the model's data() gives (LazyTableModel.row_colours): the same pixels as the style."""
    from app import concerns

    database, admin = village
    today = dt.date.today()
    with database.unit(admin) as session:
        for i in range(8):  # every other one overdue
            due = today - dt.timedelta(days=3) if i % 2 else today + dt.timedelta(days=10)
            concerns.raise_concern(session=session, actor=admin, title=f"路灯不亮{i}", source="office",
                                   raised_by=f"村民{i}", raised_on=today - dt.timedelta(days=20), due_on=due)
    window = sign_in(database)
    page = window.open_area("concerns")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    model = page.model
    assert model.rowCount() == 8
    overdue = [row for row in range(8) if model.row_colours(row) is not None]
    assert len(overdue) == 4 and all(model.row_object(row).title[-1] in "1357" for row in overdue)
    delegate = assert_same_pixels(page)
    laid_out = {text for text, _width, _alignment in delegate._texts}
    assert all(model.row_object(row).title in laid_out for row in range(8))  # painted by the delegate


def assert_same_list_pixels(table) -> CellDelegate:
    """As :func:`assert_same_pixels`, for a table over a ListTableModel (village's groups and grids,
    the community pages' tables, 数据报送's lists)."""
    ours = table.itemDelegate()
    assert isinstance(ours, CellDelegate)
    ours._texts.clear()
    planned = getattr(table, "plain_paints", None)
    painted = grab(table, ours)
    if planned is not None and not table.showGrid():  # a PlainCellsView painted its plain cells itself
        assert table.plain_paints > planned
    styled = grab(table, QStyledItemDelegate(table))
    table.setItemDelegate(ours)
    assert painted == styled
    return ours


def test_short_lists_are_painted_as_the_style_paints_them(village, sign_in, qtbot):
    """村情's groups and grids (centred numbers, right-aligned counts, empty cells, alternating rows)
    are painted by CellDelegate from the rows' texts: the same pixels as the style, selected row
    and a language switch included."""
    from ui import language

    database, admin = village
    with database.unit(admin) as session:
        one = people.add_group(session=session, actor=admin, name="一组", leader_name="李明")
        people.add_group(session=session, actor=admin, name="二组很长很长很长很长很长很长很长很长的名字")
        for i in range(6):
            people.add_grid(session=session, actor=admin, name=f"一号网格{i}", group_id=one.id if i % 2 else None,
                            leader_phone="13800001111" if i % 3 else "")
    window = sign_in(database)
    page = window.open_area("village")
    qtbot.waitUntil(lambda: page.overview is not None and not page._loading and worker().pending() == 0,
                    timeout=10000)
    QApplication.processEvents()
    for record_list in (page.groups, page.grids):
        ours = assert_same_list_pixels(record_list.table)
        assert ours._texts  # the plain cells were painted by the delegate itself
    grids = page.grids.table
    grids.setFocus()
    grids.selectionModel().setCurrentIndex(page.grids.model.index(1, 2), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
    assert_same_list_pixels(grids)
    language.switch("en")
    try:
        QApplication.processEvents()
        assert_same_list_pixels(page.groups.table)
        assert_same_list_pixels(grids)
    finally:
        language.switch("zh_CN")


def test_a_text_as_wide_as_its_fitted_column_is_painted_plain(village, sign_in, qtbot):
    """A column fitted to its longest text (ui.table_model.fit_columns_to_rows) holds it exactly:
    the style cuts a line short only when it is wider than the cell's text area, so that text is a
    plain cell, painted by the view with the others (it was left to the style, a call per cell), the
    same pixels as the style's."""
    import math

    from PySide6.QtGui import QFontMetricsF

    from ui import style

    database, admin = village
    longest = "二组很长很长很长很长很长很长很长很长的名字"
    with database.unit(admin) as session:
        people.add_group(session=session, actor=admin, name="一组", leader_name="李明")
        people.add_group(session=session, actor=admin, name=longest, leader_name="欧阳明明")
    window = sign_in(database)
    page = window.open_area("village")
    qtbot.waitUntil(lambda: page.overview is not None and not page._loading and worker().pending() == 0,
                    timeout=10000)
    QApplication.processEvents()
    table = page.groups.table
    ours = table.itemDelegate()
    assert isinstance(ours, CellDelegate)
    style.ensure_cjk_font()
    table.setFont(style.ui_font())  # the interface's font: Chinese characters a whole number of pixels wide
    rows = page.groups.model.rows()
    page.groups.set_rows([])
    page.groups.set_rows(rows)  # fitted again, in that font
    QApplication.processEvents()
    advance = QFontMetricsF(table.font()).horizontalAdvance(longest)
    assert advance == math.ceil(advance)
    # the name column is as wide as its longest text and the text margins: no pixel to spare
    assert table.columnWidth(1) - ours._double_margin == advance
    assert not table.currentIndex().isValid() and not table.selectionModel().hasSelection()
    ours._texts.clear()
    planned = table.plain_paints
    table.viewport().repaint()
    assert table.plain_paints > planned
    # every cell planned plain (the view paints it), the longest name and the longest leader's too
    assert {text: plain for (text, _width, _alignment), (_laid, plain, _height) in ours._texts.items()
            if text in (longest, "欧阳明明")} == {longest: True, "欧阳明明": True}
    assert all(plain for _laid, plain, _height in ours._texts.values())
    assert_same_list_pixels(table)
    table.setFont(QApplication.font())


def test_the_deliberation_matters_are_painted_by_the_view_as_the_style_paints_them(village, sign_in, qtbot):
    """四议两公开's matters list has the registers' look (alternating rows, no grid, one line a
    cell) and a CellDelegate: its plain cells painted by the view itself, the same pixels as the
    style's (Qt's own delegate asked the model for seven roles a cell, each a call into Python)."""
    from app import deliberation

    database, admin = village
    with database.unit(admin) as session:
        for title in ("修建文化广场", "村道硬化工程", "改造饮水管网，惠及三个村民小组的一千多户人家"):
            deliberation.start_matter(session=session, actor=admin, title=title)
    window = sign_in(database)
    page = window.open_area("deliberation")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3 and worker().pending() == 0, timeout=10000)
    QApplication.processEvents()
    table = page.table
    assert isinstance(table.itemDelegate(), CellDelegate)
    assert not table.showGrid() and table.alternatingRowColors() and not table.wordWrap()
    ours = assert_same_list_pixels(table)
    assert ours._texts
    table.selectRow(1)  # the selected row as the style paints it
    assert_same_list_pixels(table)
