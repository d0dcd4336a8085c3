"""The table of a notice, edited in the notice dialog: rows and columns, headings, cells, personal
data columns, and blocks pasted from Excel or WPS.

The table is small (a few hundred rows at most) and lives only in the dialog until it is saved,
so the model holds it in memory; the rules (what is a valid table, how pasted text is read,
which headings announce personal data) are :mod:`app.notices`'s.
"""
from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import notices
from app.i18n import _
from ui import style

Index = QModelIndex | QPersistentModelIndex
PROBLEM = QColor("#fde2e1")  # background of a cell or heading that was refused
PERSONAL = QColor("#eef3fb")  # background of the cells of a personal-data column


class NoticeTableModel(QAbstractTableModel):
    """Columns (heading, personal-data kind) and rows of cells, all editable."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.columns: list[dict[str, Any]] = []
        self.rows: list[list[str]] = []
        self.extra: dict[str, Any] = {}  # caption, numbered: kept as they were
        self.problems: dict[tuple[int | None, int | None], str] = {}

    # ------------------------------------------------------------ loading and saving

    def load(self, data: dict[str, Any] | None) -> None:
        self.beginResetModel()
        data = copy.deepcopy(data) if data else {}
        self.columns = [dict(c) for c in data.get("columns", [])]
        width = len(self.columns)
        self.rows = [([str(v or "") for v in r] + [""] * width)[:max(width, len(r))] for r in data.get("rows", [])]
        self.extra = {k: v for k, v in data.items() if k not in ("columns", "rows")}
        self.problems = {}
        self.endResetModel()

    def to_data(self) -> dict[str, Any] | None:
        """The table for :class:`app.notices.NoticeForm` (None when it has no columns)."""
        if not self.columns and not any(any(c.strip() for c in r) for r in self.rows):
            return None
        return {"columns": [dict(c) for c in self.columns], "rows": [list(r) for r in self.rows], **self.extra}

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self.columns):
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            cells = self.rows[row]
            return cells[column] if column < len(cells) else ""
        problem = self.problems.get((row, column)) or self.problems.get((row, None))
        if role == Qt.ItemDataRole.BackgroundRole:
            if problem:
                return QBrush(PROBLEM)
            return QBrush(PERSONAL) if self.columns[column].get("sensitive") else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem or None
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        cells = self.rows[index.row()]
        while len(cells) <= index.column():
            cells.append("")
        cells[index.column()] = str(value or "")
        self._clear_problem(index.row(), index.column())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.rows):
                return str(section + 1)
            return None
        if not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            header = column.get("header", "").strip() or _("(no heading)")
            kind = column.get("sensitive", "")
            if column.get("sensitive"):
                return header + "\n＊" + _("masked")
            return header
        if role == Qt.ItemDataRole.ToolTipRole:
            problem = self.problems.get((None, section))
            if problem:
                return problem
            kind = column.get("sensitive", "")
            masked = (_("Personal data ({kind}): masked on public notices.").format(
                kind=_(notices.SENSITIVE_LABELS[kind])) + "\n") if kind in notices.SENSITIVE_LABELS and kind else ""
            return masked + _("Double-click to change the heading.")
        if role == Qt.ItemDataRole.BackgroundRole and (None, section) in self.problems:
            return QBrush(PROBLEM)
        return None

    # ------------------------------------------------------------ editing

    def _new_key(self) -> str:
        keys = {c.get("key") for c in self.columns}
        n = len(self.columns) + 1
        while f"c{n}" in keys:
            n += 1
        return f"c{n}"

    def insert_rows(self, at: int, count: int = 1) -> None:
        at = max(0, min(at, len(self.rows)))
        self.beginInsertRows(QModelIndex(), at, at + count - 1)
        for _i in range(count):
            self.rows.insert(at, [""] * len(self.columns))
        self.endInsertRows()
        self._shift_problems()

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self.rows):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.rows[row]
                self.endRemoveRows()
        self._shift_problems()

    def insert_columns(self, at: int, headers: list[str]) -> None:
        at = max(0, min(at, len(self.columns)))
        self.beginInsertColumns(QModelIndex(), at, at + len(headers) - 1)
        for offset, header in enumerate(headers):
            self.columns.insert(at + offset, {"key": self._new_key(), "header": header,
                                              "sensitive": notices.guess_sensitive(header)})
            for cells in self.rows:
                cells.insert(at + offset, "")
        self.endInsertColumns()
        self._shift_problems()

    def remove_columns(self, columns: list[int]) -> None:
        for column in sorted(set(columns), reverse=True):
            if 0 <= column < len(self.columns):
                self.beginRemoveColumns(QModelIndex(), column, column)
                del self.columns[column]
                for cells in self.rows:
                    if column < len(cells):
                        del cells[column]
                self.endRemoveColumns()
        self._shift_problems()

    def set_header(self, column: int, header: str) -> None:
        """Change a heading; a column not yet marked takes the personal-data kind its heading
        announces (姓名, 联系电话 …): privacy by default."""
        if not 0 <= column < len(self.columns):
            return
        entry = self.columns[column]
        if entry.get("sensitive", "") == notices.guess_sensitive(entry.get("header", "")):  # not chosen by hand
            entry["sensitive"] = notices.guess_sensitive(header)
        entry["header"] = header
        self.problems.pop((None, column), None)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
        self._repaint_column(column)

    def set_sensitive(self, column: int, kind: str) -> None:
        if 0 <= column < len(self.columns) and kind in notices.SENSITIVE_LABELS:
            self.columns[column]["sensitive"] = kind
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
            self._repaint_column(column)

    def paste(self, block: list[list[str]], row: int, column: int) -> tuple[int, int]:
        """Write a pasted block with its top-left cell at (row, column), adding the rows and
        columns it needs. An empty table takes the block's first line as its headings.
        Returns the (rows, columns) written."""
        if not block:
            return 0, 0
        if not self.columns:
            self.insert_columns(0, block[0])
            block, row, column = block[1:], len(self.rows), 0
            if not block:
                return 0, len(self.columns)
        width = len(block[0])
        row, column = max(row, 0), max(column, 0)
        if column + width > len(self.columns):
            self.insert_columns(len(self.columns), [""] * (column + width - len(self.columns)))
        if row + len(block) > len(self.rows):
            self.insert_rows(len(self.rows), row + len(block) - len(self.rows))
        for r, values in enumerate(block):
            for c, value in enumerate(values):
                self.rows[row + r][column + c] = value
                self._clear_problem(row + r, column + c)
        self.dataChanged.emit(self.index(row, column), self.index(row + len(block) - 1, column + width - 1))
        return len(block), width

    def set_problems(self, problems: list[notices.TableProblem]) -> None:
        self.problems = {(p.row, p.column): p.message for p in problems if p.row is not None or p.column is not None}
        self._repaint_all()

    # ------------------------------------------------------------ helpers

    def _clear_problem(self, row: int, column: int) -> None:
        if self.problems.pop((row, column), None) is not None or self.problems.pop((row, None), None) is not None:
            self._repaint_all()

    def _shift_problems(self) -> None:
        # rows and columns moved: the old marks no longer point at the right cells
        if self.problems:
            self.problems = {}
            self._repaint_all()

    def _repaint_column(self, column: int) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column),
                                  [Qt.ItemDataRole.BackgroundRole])

    def _repaint_all(self) -> None:
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.rows and self.columns:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1),
                                  [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole])


class NoticeTableEditor(QWidget):
    """Buttons to add and remove rows and columns, the grid, and the chosen column's heading and
    personal-data kind. Ctrl+V (or the paste button) inserts cells copied from Excel or WPS."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = NoticeTableModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        tools = QHBoxLayout()
        tools.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for key in ("add_row", "remove_row", "add_column", "remove_column", "paste", "clear"):
            button = QPushButton()
            button.setObjectName(key)
            button.setAutoDefault(False)
            button.clicked.connect(getattr(self, key))
            tools.addWidget(button)
            self.buttons[key] = button
        tools.addStretch(1)
        layout.addLayout(tools)

        self.view = QTableView()
        self.view.setObjectName("noticeTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.setMinimumHeight(210)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(110)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionDoubleClicked.connect(self._edit_heading)
        header.sectionClicked.connect(lambda column: self._select_column(column))
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._show_column())
        layout.addWidget(self.view, 1)

        column_row = QHBoxLayout()
        column_row.setSpacing(6)
        self.column_label = QLabel()
        self.column_label.setObjectName("hint")
        self.heading = QLineEdit()
        self.heading.setObjectName("columnHeading")
        self.heading.setMaxLength(notices.MAX_HEADER_CHARS)
        self.heading.textEdited.connect(self._heading_edited)
        self.sensitive_label = QLabel()
        self.sensitive = QComboBox()
        self.sensitive.setObjectName("columnSensitive")
        for kind in notices.SENSITIVE_LABELS:
            self.sensitive.addItem("", kind)
        self.sensitive.activated.connect(self._sensitive_chosen)
        column_row.addWidget(self.column_label)
        column_row.addWidget(self.heading, 2)
        column_row.addWidget(self.sensitive_label)
        column_row.addWidget(self.sensitive, 1)
        layout.addLayout(column_row)

        self.paste_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self.view)
        self.paste_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.paste_shortcut.activated.connect(self.paste)
        self.delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_shortcut.activated.connect(self.clear_cells)
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.columnsInserted, self.model.columnsRemoved, self.model.headerDataChanged):
            signal.connect(lambda *_a: self.changed.emit())
        self.model.modelReset.connect(lambda: self._show_column())
        self.model.columnsRemoved.connect(lambda *_a: self._show_column())
        self.model.columnsInserted.connect(lambda *_a: self._show_column())
        self.retranslate_ui()
        self._show_column()

    def retranslate_ui(self) -> None:
        labels = {"add_row": _("Add row"), "remove_row": _("Delete row"), "add_column": _("Add column"),
                  "remove_column": _("Delete column"), "paste": _("Paste"), "clear": _("Remove table")}
        for key, text in labels.items():
            self.buttons[key].setText(text)
        self.buttons["paste"].setToolTip(_("Copy cells in Excel or WPS, then paste them here (Ctrl+V). "
                                           "Into an empty table, the first line becomes the headings."))
        for button in self.buttons.values():
            button.setMinimumWidth(0)
        self.column_label.setText(_("Column heading:"))
        self.sensitive_label.setText(_("Personal data:"))
        for index in range(self.sensitive.count()):
            self.sensitive.setItemText(index, _(notices.SENSITIVE_LABELS[self.sensitive.itemData(index)]))
        self.sensitive.setToolTip(_("Names, phones, ID numbers and addresses are masked on public notices."))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(self.model.columnCount() - 1, 0))
        self._show_column()

    # ------------------------------------------------------------ data

    def set_table(self, data: dict[str, Any] | None) -> None:
        self.model.load(data)
        self._fit_columns()
        self._show_column()

    def table(self) -> dict[str, Any] | None:
        return self.model.to_data()

    def show_problems(self, problems: list[notices.TableProblem]) -> None:
        """Mark the refused cells and headings; the first one becomes current."""
        self.model.set_problems(problems)
        first = next((p for p in problems if p.row is not None or p.column is not None), None)
        if first is not None:
            if first.row is None:
                self._select_column(first.column or 0)
                self.heading.setFocus()
                style.set_invalid(self.heading, True)
            else:
                self.view.setCurrentIndex(self.model.index(first.row, first.column or 0))

    # ------------------------------------------------------------ actions

    def current_cell(self) -> tuple[int, int]:
        index = self.view.currentIndex()
        return (index.row(), index.column()) if index.isValid() else (-1, -1)

    def add_row(self) -> None:
        if not self.model.columns:
            self.add_column()
        row, _column = self.current_cell()
        at = row + 1 if row >= 0 else self.model.rowCount()
        self.model.insert_rows(at)
        self.view.setCurrentIndex(self.model.index(at, max(_column, 0)))
        self.view.setFocus()

    def remove_row(self) -> None:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()} or {self.current_cell()[0]})
        self.model.remove_rows([r for r in rows if r >= 0])

    def add_column(self) -> None:
        _row, column = self.current_cell()
        at = column + 1 if column >= 0 else self.model.columnCount()
        self.model.insert_columns(at, [""])
        if not self.model.rows:
            self.model.insert_rows(0)
        self._select_column(at)
        self.heading.setFocus()

    def remove_column(self) -> None:
        columns = {i.column() for i in self.view.selectionModel().selectedIndexes()} or {self.current_cell()[1]}
        self.model.remove_columns([c for c in columns if c >= 0])

    def clear(self) -> None:
        self.model.load(None)

    def clear_cells(self) -> None:
        for index in self.view.selectionModel().selectedIndexes():
            self.model.setData(index, "")

    def paste(self, text: str | None = None) -> None:
        """Paste tab-separated cells (the clipboard, or ``text``) at the current cell."""
        if not isinstance(text, str):
            text = QGuiApplication.clipboard().text()
        block = notices.parse_pasted_table(text)
        if not block:
            return
        row, column = self.current_cell()
        empty = not self.model.columns
        written_rows, _width = self.model.paste(block, max(row, 0), max(column, 0))
        if empty:
            self._fit_columns()
        first_row = len(self.model.rows) - written_rows if empty else max(row, 0)
        self.view.setCurrentIndex(self.model.index(max(first_row, 0), 0 if empty else max(column, 0)))
        self.view.setFocus()

    # ------------------------------------------------------------ the chosen column

    def _select_column(self, column: int) -> None:
        if 0 <= column < self.model.columnCount():
            row = max(self.current_cell()[0], 0) if self.model.rows else -1
            if row >= 0:
                self.view.setCurrentIndex(self.model.index(row, column))
            self._column = column
        self._show_column()

    def _edit_heading(self, column: int) -> None:
        self._select_column(column)
        self.heading.setFocus()
        self.heading.selectAll()

    def _chosen_column(self) -> int:
        _row, column = self.current_cell()
        if column < 0:
            column = getattr(self, "_column", -1)
        return column if 0 <= column < self.model.columnCount() else -1

    def _show_column(self) -> None:
        column = self._chosen_column()
        has = column >= 0
        self.heading.setEnabled(has)
        self.heading.setPlaceholderText(_("Type the column heading") if has else _("Choose a column"))
        self.sensitive.setEnabled(has)
        if not has or (None, column) not in self.model.problems:
            style.set_invalid(self.heading, False)
        self.buttons["remove_row"].setEnabled(bool(self.model.rows))
        self.buttons["remove_column"].setEnabled(bool(self.model.columns))
        self.buttons["clear"].setEnabled(bool(self.model.columns or self.model.rows))
        if not has:
            self.heading.clear()
            self.sensitive.setCurrentIndex(0)
            return
        entry = self.model.columns[column]
        if self.heading.text() != entry.get("header", ""):
            self.heading.setText(entry.get("header", ""))
        self.sensitive.setCurrentIndex(max(self.sensitive.findData(entry.get("sensitive", "")), 0))

    def _heading_edited(self, text: str) -> None:
        column = self._chosen_column()
        if column >= 0:
            self.model.set_header(column, text)
            style.set_invalid(self.heading, False)
            self.sensitive.setCurrentIndex(max(self.sensitive.findData(self.model.columns[column]["sensitive"]), 0))

    def _sensitive_chosen(self, _index: int) -> None:
        column = self._chosen_column()
        if column >= 0:
            self.model.set_sensitive(column, self.sensitive.currentData())

    def _fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount()):
            self.view.resizeColumnToContents(column)
            header.resizeSection(column, max(80, min(header.sectionSize(column) + 12, 240)))
