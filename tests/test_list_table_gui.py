"""The short lists of the pages (groups, grids, volunteers, points, sync): ui.table_model.ListTableModel
and its columns sized to their contents once per change of rows (issue 16)."""
from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView

from ui.pages.community import make_table
from ui.table_model import RIGHT, Column

pytestmark = pytest.mark.gui


@dataclasses.dataclass
class Row:
    id: str
    name: str
    note: str
    count: int


COLUMNS = [Column("Name", lambda r: r.name), Column("Count", lambda r: r.count, alignment=RIGHT),
           Column("Note", lambda r: r.note, tooltip=lambda r: f"tip {r.note}")]


def test_cells_roles_and_columns_fitted_once_per_change_of_rows(qtbot):
    from PySide6.QtWidgets import QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    table, model = make_table(COLUMNS, "t", holder, stretch=2)
    table.setParent(holder)
    holder.resize(900, 400)
    holder.show()
    header = table.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive  # the clerk may widen it
    assert header.sectionResizeMode(2) == QHeaderView.ResizeMode.Stretch

    long_name = "欧阳" + "很长的名字" * 8
    model.set_rows([Row("a", "张三", "x", 1), Row("b", long_name, "y", 22)])
    metrics = QFontMetrics(table.font())
    assert table.columnWidth(0) >= metrics.horizontalAdvance(long_name)
    index = model.index(1, 1)
    assert model.data(index) == "22" and model.data(index, Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT.value)
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == "tip x"
    assert model.data(model.index(0, 0), int(Qt.ItemDataRole.UserRole.value) + 1) == "a"
    assert model.data(model.index(5, 0)) is None and model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is None

    model.set_rows([Row("a", "李四", "x", 1)])  # new rows: fitted again, narrower
    assert table.columnWidth(0) < metrics.horizontalAdvance(long_name)


@dataclasses.dataclass(frozen=True)
class FrozenRow:
    id: str
    name: str
    note: str
    count: int


def test_the_same_rows_again_reset_nothing_but_rows_changed_in_place_are_shown(qtbot):
    from PySide6.QtWidgets import QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    table, model = make_table(COLUMNS, "t", holder)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_rows([FrozenRow("a", "张三", "x", 1)])
    model.set_rows([FrozenRow("a", "张三", "x", 1)])  # read again on being shown: nothing changed
    assert len(resets) == 1
    model.set_rows([FrozenRow("a", "张三", "x", 2)])
    assert len(resets) == 2 and model.data(model.index(0, 1)) == "2"
    mutable = Row("b", "李四", "y", 1)
    model.set_rows([mutable])
    mutable.count = 5  # changed in place, then shown again: it must be reset and read again
    model.set_rows([mutable])
    assert len(resets) == 4 and model.data(model.index(0, 1)) == "5"
