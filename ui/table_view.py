"""A register table that paints its plain cells itself, in one Python call a paint (issue 16).

:class:`QTableView` paints a cell by calling into Python twice (the model's ``index`` and the
delegate's ``paint``) and building a style option for each: ~216 cells a screenful, most of a
search's paint. :class:`PlainCellsView` works out, once per paint, which visible cells are plain
(:meth:`ui.table_model.CellDelegate.plan_row`: not selected, not current, not under the pointer, a
text that fits on one line in the palette's colour) and draws those itself, the same pixels in the
same order as Qt would (tests/test_table_paint_gui.py compares them). Every other cell, and any
table it cannot plan (a grid, spans, hidden or moved sections, right to left, disabled), is
painted by Qt's own :meth:`QTableView.paintEvent`, limited to those cells.

A page shown by a click has its tables' last columns stretched to their width as it is laid out,
and its rows set, before its first paint; Qt repaints the columns of a resize and the rows of a
new layout from timers that fire in the next turn of the event loop, after that paint, so every
table was painted twice on its first show. Those repaints are left out when nothing the table
shows changed since it was last painted whole (:meth:`PlainCellsView.timerEvent`).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPersistentModelIndex, QPointF, QRect, Qt, QTimerEvent
from PySide6.QtGui import QBrush, QColor, QCursor, QPainter, QPaintEvent, QPalette, QRegion
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from ui.table_model import (
    _ACTIVE,
    _ENABLED,
    _STYLED_STATES,
    CellDelegate,
    LazyTableModel,
    ListTableModel,
)

_HOVERED = (QEvent.Type.HoverEnter, QEvent.Type.HoverMove)
_TEXT_ROLE = QPalette.ColorRole.Text
_UPDATES_OFF = Qt.WidgetAttribute.WA_UpdatesDisabled  # set alone: unlike setUpdatesEnabled, no repaint after


class PlainCellsView(QTableView):
    """A :class:`QTableView` over a :class:`LazyTableModel` (a register's list) or a
    :class:`ListTableModel` (a short list) with a :class:`CellDelegate`. ``plain_paints`` counts
    the paints it planned itself (for tests)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._spans = False
        self._hover = QPersistentModelIndex()  # as QAbstractItemView's own: the cell last hovered
        self.plain_paints = 0
        self._row_panel = QBrush()  # the alternate rows' colour, as the last plan found it
        self._fit: Any = None  # the columns' fit left for the first show (fit_when_shown)
        self._changes = 0  # what the table shows changed: columns or rows resized, the model's rows or texts
        self._painted_changes = -1  # that count when the whole table was last painted
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.sectionResized.connect(self._changed)  # after QTableView's own: its timer runs

    def fit_when_shown(self, fit: Any) -> None:
        """``fit()`` (ui.table_model.fit_columns_to_rows) before the first show unless rows come
        first (their own fit replaces it): None, nothing left to do."""
        self._fit = fit

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        fit, self._fit = self._fit, None
        if fit is not None:
            fit()
        super().showEvent(event)

    def setModel(self, model: Any) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved,
                           model.rowsMoved, model.columnsInserted, model.columnsRemoved, model.columnsMoved,
                           model.dataChanged, model.headerDataChanged):
                signal.connect(self._changed)

    def setSpan(self, *args: Any) -> None:  # noqa: N802 - Qt's name
        self._spans = True  # spans are Qt's to paint
        super().setSpan(*args)

    def _changed(self, *_args: Any) -> None:
        self._changes += 1

    def timerEvent(self, event: QTimerEvent) -> None:  # noqa: N802 - Qt's name
        """Qt's timers for a resize and for a new layout of the rows (QTableView's, QAbstractItemView's)
        bring the geometry up to date, then repaint: the repaint is left out when nothing the table
        shows changed since it was last painted whole (the page's first paint came after them)."""
        if self._painted_changes != self._changes:
            super().timerEvent(event)
            return
        viewport = self.viewport()
        before = (viewport.geometry(), self.horizontalOffset(), self.verticalOffset())
        viewport.setAttribute(_UPDATES_OFF, True)
        try:
            super().timerEvent(event)
        finally:
            viewport.setAttribute(_UPDATES_OFF, False)
        if self._painted_changes != self._changes or before != (viewport.geometry(), self.horizontalOffset(),
                                                                 self.verticalOffset()):
            viewport.update()  # the timer's handler changed what is shown: painted after all

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in _HOVERED:
            self._hover = QPersistentModelIndex(self.indexAt(event.position().toPoint()))
        elif kind == QEvent.Type.HoverLeave:
            self._hover = QPersistentModelIndex()
        return super().viewportEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if event.rect().contains(self.viewport().rect()):
            self._painted_changes = self._changes
        plan = self._plan(event.rect())
        if plan is None:
            super().paintEvent(event)
            return
        rows, styled = plan
        if not styled.isEmpty():  # those cells as Qt paints them, in their true state
            super().paintEvent(QPaintEvent(styled))
        if rows:
            self._paint_plain(rows)
        self.plain_paints += 1

    def _paint_plain(self, rows: list[tuple[Any, ...]]) -> None:
        painter = QPainter(self.viewport())
        painter.setFont(self.itemDelegate()._font)  # the texts' font (the style option's, the view's own)
        fill, draw_static, draw_line, set_pen = painter.fillRect, painter.drawStaticText, painter.drawText, painter.setPen
        row_panel = self._row_panel
        pen = None
        for panels, ops in rows:
            for panel in panels:  # each run of plain cells' row panel (the alternate rows' colour)
                fill(panel, row_panel)
            for op in ops:
                kind = op[0]
                if kind == "fill":
                    fill(op[1], op[2], op[3], op[4], op[5])
                    continue
                if op[1] is not pen:
                    pen = op[1]
                    set_pen(pen)
                if kind == "line":  # a line in the font's own metrics, at its baseline
                    draw_line(QPointF(op[2], op[3]), op[4])
                else:
                    draw_static(op[2], op[3], op[4])
        painter.end()

    def _plan(self, rect: QRect) -> tuple[list[tuple[Any, ...]], QRegion] | None:
        """Per visible row in ``rect``: the style options of its runs of plain cells and what to
        draw for them; and the region of the cells left to Qt. None: Qt paints it all."""
        delegate, model = self.itemDelegate(), self.model()
        if (not isinstance(delegate, CellDelegate) or not isinstance(model, (LazyTableModel, ListTableModel)) or self.showGrid()
                or self._spans or self.isRightToLeft() or not self.isEnabled()):
            return None
        vertical, horizontal = self.verticalHeader(), self.horizontalHeader()
        if vertical.count() == 0 or horizontal.count() == 0:
            return None
        if (vertical.sectionsHidden() or horizontal.sectionsHidden() or vertical.sectionsMoved()
                or horizontal.sectionsMoved()):
            return None
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        state = option.state.value
        if state & _STYLED_STATES or not state & _ENABLED:
            return None
        # the area QTableView paints: up to the last column's and the last row's edge
        right_edge = horizontal.length() - horizontal.offset() - 1
        bottom_edge = vertical.length() - vertical.offset() - 1
        area = QRect(rect)
        area.setRight(min(area.right(), right_edge))
        area.setBottom(min(area.bottom(), bottom_edge))
        if not area.isValid():
            return [], QRegion()
        left, right = horizontal.visualIndexAt(area.left()), horizontal.visualIndexAt(area.right())
        left = 0 if left == -1 else left
        right = horizontal.count() - 1 if right == -1 else right
        top, bottom = vertical.visualIndexAt(area.top()), vertical.visualIndexAt(area.bottom())
        bottom = vertical.count() - 1 if bottom == -1 else bottom
        if top == -1 or top > bottom:
            return [], QRegion()
        columns = [(column, self.columnViewportPosition(column), self.columnWidth(column))
                   for column in range(left, right + 1)]

        # rows Qt paints in another state: selected, current, under the pointer (as Qt knows it, or
        # as the cursor is now): left to Qt whole
        styled_rows: set[int] = set()
        selection_model = self.selectionModel()
        if selection_model is not None and selection_model.hasSelection():
            for selected in selection_model.selection():
                styled_rows.update(range(max(selected.top(), top), min(selected.bottom(), bottom) + 1))
        current = self.currentIndex()
        if current.isValid():
            styled_rows.add(current.row())
        if self._hover.isValid():
            styled_rows.add(self._hover.row())
        viewport = self.viewport()
        if viewport.underMouse():
            styled_rows.add(self.rowAt(viewport.mapFromGlobal(QCursor.pos()).y()))

        option.palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)  # as QTableView's drawCell
        group = QPalette.ColorGroup.Normal if state & _ACTIVE else QPalette.ColorGroup.Inactive
        pen = QColor(option.palette.color(group, _TEXT_ROLE))  # a copy: drawn with once the option is gone
        # a plain row's panel as the style draws it (QCommonStyle's PE_PanelItemViewRow, Fusion's):
        # the alternate rows filled with the palette's AlternateBase, the others not at all
        self._row_panel = QBrush(option.palette.brush(group, QPalette.ColorRole.AlternateBase))
        font = option.font
        alternate = self.alternatingRowColors()
        styled = QRegion()
        rows: list[tuple[Any, ...]] = []
        plan_row = delegate.plan_row
        for row in range(top, bottom + 1):
            y, height = self.rowViewportPosition(row), self.rowHeight(row)
            if row in styled_rows:
                styled += QRect(columns[0][1], y, columns[-1][1] + columns[-1][2] - columns[0][1], height)
                continue
            ops, left_to_qt = plan_row(model, row, y, height, columns, font, pen)
            runs = []
            run_start = None
            for position, (column, x, width) in enumerate(columns):
                if column in left_to_qt:
                    styled += QRect(x, y, width, height)
                    if run_start is not None:
                        runs.append((run_start, position - 1))
                        run_start = None
                elif run_start is None:
                    run_start = position
            if run_start is not None:
                runs.append((run_start, len(columns) - 1))
            panels = []  # the row panel of each run of plain cells: the alternate rows' colour
            if alternate and row & 1:
                for first, last in runs:
                    start_x = columns[first][1]
                    panels.append(QRect(start_x, y, columns[last][1] + columns[last][2] - start_x, height))
            rows.append((panels, ops))
        return rows, styled
