"""Small table models of the meeting view: a loaded list (sign-in, agenda, concerns) and the
roll-call ballots."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from app import meetings
from app.i18n import _
from ui.table_model import Column


class RowsModel(QAbstractTableModel):
    """A short list of loaded rows (a meeting's sign-in list or agenda) with fixed columns."""

    def __init__(self, columns: list[Column], parent: Any = None, *, checkable: int | None = None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list[Any] = []
        self.checkable = checkable  # the column whose check box toggles ``checked``
        self.checked: Callable[[Any], bool] = lambda row: False
        self.toggled: Callable[[Any, bool], None] | None = None

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.columns):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.accessor(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.checkable:
            return Qt.CheckState.Checked if self.checked(row) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment.value)
        return None

    def flags(self, index: Any) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == self.checkable and self.toggled is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Any, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != self.checkable or self.toggled is None:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.toggled(self.rows[index.row()], checked)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return _(self.columns[section].header)
        return None


def small_table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class BallotModel(QAbstractTableModel):
    """记名投票: one line per member signed in, with that voter's ballot (for, against, abstain or none yet)."""

    counts_changed = Signal()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.lines: list[Any] = []
        self.choices: dict[str, str] = {}

    def set_lines(self, lines: list[Any]) -> None:
        self.beginResetModel()
        # those who may vote: signed in and counted in 应到 (the service refuses a 列席 guest's ballot)
        self.lines = [x for x in lines if x.present and x.expected]
        self.choices = {k: v for k, v in self.choices.items() if any(x.id == k for x in self.lines)}
        self.endResetModel()
        self.counts_changed.emit()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines) or not 0 <= index.column() < 2:
            return None
        line = self.lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return line.name
            choice = self.choices.get(line.id)
            return meetings.choice_label(choice) if choice else "—"
        if role == Qt.ItemDataRole.EditRole and index.column() == 1:
            return self.choices.get(line.id, "")
        return None

    def flags(self, index: Any) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 1 else flags

    def setData(self, index: Any, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 1:
            return False
        line = self.lines[index.row()]
        if value in meetings.CHOICES:
            self.choices[line.id] = value
        elif not value:
            self.choices.pop(line.id, None)
        else:
            return False
        self.dataChanged.emit(index, index)
        self.counts_changed.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 2:
            return (_("Voter"), _("Ballot"))[section]
        return None

    def set_all(self, choice: str) -> None:
        for line in self.lines:
            self.choices[line.id] = choice
        if self.lines:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.lines) - 1, 1))
        self.counts_changed.emit()

    def clear_choices(self) -> None:
        self.choices = {}
        if self.lines:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.lines) - 1, 1))
        self.counts_changed.emit()

    def counts(self) -> tuple[int, int, int]:
        values = list(self.choices.values())
        return values.count(meetings.FOR), values.count(meetings.AGAINST), values.count(meetings.ABSTAIN)

    def ballots(self) -> list[meetings.BallotInput]:
        return [meetings.BallotInput(choice=self.choices[x.id], attendance_id=x.id)
                for x in self.lines if x.id in self.choices]


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of 赞成 / 反对 / 弃权 for the ballot column."""

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:  # noqa: N802 (Qt)
        combo = QComboBox(parent)
        combo.addItem("—", "")
        for code in meetings.CHOICES:
            combo.addItem(meetings.choice_label(code), code)
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: Any) -> None:  # noqa: N802 (Qt)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole) or ""), 0))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:  # noqa: N802 (Qt)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
