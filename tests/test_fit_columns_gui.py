"""Short lists' columns fitted to their texts (ui.table_model.fit_columns_to_rows, issue 16): the
widths Qt's own ``resizeColumnToContents`` gives, measured from the texts instead of asking the
style and the model for every cell (the village page's 72 grids took 22 ms of its first open)."""
from __future__ import annotations

import dataclasses
import random

import pytest
from PySide6.QtWidgets import QAbstractItemView, QTableView, QVBoxLayout, QWidget

from ui.table_model import HEADER_PADDING, RIGHT, Column, ListTableModel, fit_columns_to_rows

pytestmark = pytest.mark.gui

CHARS = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"


@dataclasses.dataclass(frozen=True)
class Row:
    id: str
    name: str | None
    note: str
    count: int


COLUMNS = [Column("Name", lambda r: r.name), Column("Households (count)", lambda r: r.count, RIGHT),
           Column("Note", lambda r: r.note), Column("Phone", lambda r: "138" + str(r.count).zfill(8))]


def rows(n: int, seed: int = 1) -> list[Row]:
    rnd = random.Random(seed)
    made = []
    for i in range(n):
        name = "".join(rnd.choice(CHARS) for _ in range(rnd.randint(0, 6)))
        note = rnd.choice(["", "ok  ", "尾" + " " * 60, "第一行\n第二行很长很长", "Mixed 中文 text", "   lead", "x" * rnd.randint(1, 40)])
        made.append(Row(str(i), None if i % 17 == 3 else name, note, rnd.randint(0, 10 ** rnd.randint(1, 6))))
    return made


def table_in(holder: QWidget, *, grid: bool) -> tuple[QTableView, ListTableModel]:
    model = ListTableModel(COLUMNS, parent=holder)
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setShowGrid(grid)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    QVBoxLayout(holder).addWidget(table)
    fit_columns_to_rows(table)
    return table, model


def qt_widths(table: QTableView) -> list[int]:
    """What Qt measures, cell by cell, for the columns the fit sizes (all but the stretched last),
    the header's text with the fit's room on both sides (HEADER_PADDING)."""
    header = table.horizontalHeader()
    columns = range(table.model().columnCount() - 1)
    fitted = [table.columnWidth(column) for column in columns]
    for column in columns:
        table.resizeColumnToContents(column)
    measured = [max(table.columnWidth(column), 0 if header.isHidden() else header.sectionSizeHint(column) + HEADER_PADDING)
                for column in columns]
    for column, width in zip(columns, fitted):  # the table as the fit left it
        table.setColumnWidth(column, width)
    return measured


@pytest.mark.parametrize("grid", [False, True])
@pytest.mark.parametrize("count", [0, 1, 72, 1300])
def test_the_widths_are_those_qt_measures_cell_by_cell(qtbot, grid, count):
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.resize(1000, 500)
    table, model = table_in(holder, grid=grid)
    for visible in (False, True):  # the village page fits its lists before it is first shown
        if visible:
            holder.show()
            qtbot.waitExposed(holder)
            table.scrollToBottom() if count > 1000 else None  # rows on screen, then around them
        made = rows(count, seed=count + visible)
        if count > 1000:  # beyond the 1,000 rows Qt measures: one far above the screen, one far below
            made[5] = dataclasses.replace(made[5], name="长" * 50)
            made[1200] = dataclasses.replace(made[1200], name="宽" * 45)
        model.set_rows(made)
        fitted = [table.columnWidth(column) for column in range(len(COLUMNS) - 1)]
        assert fitted == qt_widths(table)
        if count:
            assert fitted[0] > table.horizontalHeader().sectionSizeHint(0) or fitted[2] > 40  # contents counted


def test_a_list_is_measured_from_its_texts_not_cell_by_cell(qtbot, monkeypatch):
    """Each text once (a model's cells are not asked through the style): resizeColumnToContents is
    not called for a plain list; a model with its own data() still gets Qt's measuring."""
    holder = QWidget()
    qtbot.addWidget(holder)
    table, model = table_in(holder, grid=False)
    asked = []
    monkeypatch.setattr(QTableView, "resizeColumnToContents", lambda self, column: asked.append(column))
    model.set_rows(rows(200))
    assert asked == []

    class Coloured(ListTableModel):
        def data(self, index, role=0):  # noqa: ANN001 - a model that answers more roles (colours)
            return super().data(index, role)

    other = QTableView()
    other.setModel(Coloured(COLUMNS))
    fit_columns_to_rows(other)
    assert asked == [0, 1, 2, 3]


def test_the_advances_are_measured_once_and_kept_within_bounds(qtbot, monkeypatch):
    """A text's advance is measured once in a font and shared (the fit, the cells' painting, the
    warm-up); the texts of another font are measured in it; past ADVANCES_KEPT the older half goes."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from ui import table_model

    monkeypatch.setattr(table_model, "_ADVANCES", {})
    monkeypatch.setattr(table_model, "ADVANCES_KEPT", 10)
    font = QFont()
    table_model.measure_texts(["李明", "一组\n二组很长"], font)
    metrics, advances = table_model.advances_in(font)
    assert advances == {text: QFontMetricsF(font).horizontalAdvance(text) for text in ("李明", "一组", "二组很长")}
    bigger = QFont(font)
    bigger.setPointSizeF(font.pointSizeF() * 2)
    _metrics, other = table_model.advances_in(bigger)
    assert other == {} and table_model.advance_of(_metrics, other, "李明") > advances["李明"]
    for number in range(12):
        table_model.advance_of(metrics, advances, str(number))
    assert len(advances) <= 10 and "李明" not in advances and "11" in advances


def test_which_characters_sit_in_the_fonts_own_metrics_is_found_once_per_font(qtbot, monkeypatch):
    """Each table's delegate asked again, a text layout a character, which characters a line of the
    font's own metrics holds; found once a font now, shared by the delegates and filled ahead by the
    warm-up (measure_texts)."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QWidget

    from ui import table_model

    monkeypatch.setattr(table_model, "_CHARACTERS", {})
    font = QFont()
    table_model.measure_texts(["李明 138", "مرحبا"], font)  # a right-to-left word is not a plain line
    own, other = table_model.characters_in(font)
    assert "م" in other
    for char in "李明138":  # each found as a check of its own finds it (the font decides which)
        assert (char in own) is table_model.in_own_metrics(char, font, set(), set()) is not (char in other)
    holder = QWidget()
    qtbot.addWidget(holder)
    first, second = table_model.CellDelegate(holder), table_model.CellDelegate(holder)
    first._set_font(font)
    second._set_font(font)
    assert first._own_chars is second._own_chars is own and first._other_chars is other
    assert first._in_own_metrics("18") == ({"1", "8"} <= own)
    assert not first._in_own_metrics("1م")
