"""A lazy table model over a list of ids (like Anki's browser model).

The model holds only ids. Rows are fetched a page at a time (``PAGE_SIZE``) the first time a cell
of that page is asked for — i.e. when the view paints it — through ``fetch_rows(ids)``, which the
page supplies (a short read on the database worker's store). Cells are read through each column's
accessor, once per row when the row arrives (a view asks each painted cell for seven roles, every
paint); :class:`CellDelegate` paints those texts without asking the model at all. Sorting and
filtering re-query the ids (``set_ids``); nothing is copied into item widgets.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette, QStaticText, QTextLayout, QTextOption, QTransform
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.i18n import _

PAGE_SIZE = 200
SORT_ARROWS = {False: "▲", True: "▼"}  # ascending, descending

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ID = int(Qt.ItemDataRole.UserRole.value) + 1
_ROLE_INTS = frozenset({_DISPLAY, _ALIGNMENT, _FOREGROUND, _TOOLTIP, _ID})
_LIST_ROLES = frozenset({_DISPLAY, _ALIGNMENT, _TOOLTIP, _ID})
REMOVED_COLOUR = QColor("#9aa0a6")  # a row that vanished since the ids were read
STYLED = "styled"  # LazyTableModel.row_colours: the row is painted by the style

# A row as shown: each column's text (None: nothing) and the row's text colour (None: the palette's)
Shown = tuple[tuple[str | None, ...], QColor | None]


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: its header (an English msgid, translated when shown), how to read a cell from a
    row object, its alignment, and optionally the key the page sorts by. ``choices`` lists every
    text a cell of a column of fixed values (a kind, a state) can show, in the current language,
    so the column is made wide enough for the longest ("Representatives' meeting" in English)."""

    header: str
    accessor: Callable[[Any], Any]
    alignment: Qt.AlignmentFlag = LEFT
    sort_key: str | None = None
    tooltip: Callable[[Any], str] | None = None
    choices: Callable[[], Iterable[str]] | None = None


class LazyTableModel(QAbstractTableModel):
    """Rows of ``ids`` read page by page through ``fetch_rows``.

    ``fetch_rows(ids) -> list[row]`` returns row objects with an ``id`` attribute, in any order;
    ids that no longer exist are simply missing (their row shows as removed).
    ``sort_ids(sort_key, descending)`` — optional — is called by :meth:`sort`; the page re-queries
    and calls :meth:`set_ids` with the new order.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    _ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, IdRole})

    def __init__(self, columns: Sequence[Column], fetch_rows: Callable[[list[str]], list[Any]], *,
                 page_size: int = PAGE_SIZE, sort_ids: Callable[[str, bool], None] | None = None,
                 parent: Any = None):
        super().__init__(parent)
        self._columns = list(columns)
        self._alignments = [int(column.alignment.value) for column in self._columns]
        self._column_count = len(self._columns)
        self._fetch_rows = fetch_rows
        self._sort_ids = sort_ids
        self._page_size = page_size
        self._ids: list[str] = []
        self._rows: dict[str, Any] = {}
        self._cells: dict[str, Shown] = {}  # each read row as shown, computed once (see shown)
        self._loaded_pages: set[int] = set()
        self._sorted: tuple[int, bool] | None = None  # column shown as the order, descending
        self.fetch_count = 0  # pages fetched, for tests and benchmarks

    # ------------------------------------------------------------ ids

    def set_ids(self, ids: Sequence[str], rows: Iterable[Any] = (), *, keep: Iterable[str] = ()) -> None:
        """Show these ids (a new search, filter or order); rows are fetched again lazily.
        ``rows``: those already read with the ids (the first screenful, read on the database
        worker in the same trip), so painting them reads nothing more. ``keep``: ids whose rows
        read before (:meth:`held`) are kept, with their texts as shown."""
        kept = [(item_id, self._rows[item_id], self._cells.get(item_id)) for item_id in keep if item_id in self._rows]
        self.beginResetModel()
        self._ids = list(ids)
        self._rows.clear()
        self._cells.clear()
        self._loaded_pages.clear()
        for item_id, row, cells in kept:
            self._rows[item_id] = row
            if cells is not None:
                self._cells[item_id] = cells
        self._arrived(rows)
        self.endResetModel()

    def held(self, ids: Iterable[str]) -> list[str]:
        """Those of ``ids`` whose rows are read already."""
        rows = self._rows
        return [item_id for item_id in ids if item_id in rows]

    def extend_ids(self, ids: Sequence[str]) -> bool:
        """The whole list of a search whose first ids are shown (:meth:`set_ids` with the first
        screenful): append the rest below them. The view keeps its place, its selection and its
        rows already read. False, changing nothing, when ``ids`` does not begin with the ids shown."""
        count = len(self._ids)
        if len(ids) < count or list(ids[:count]) != self._ids:
            return False
        if len(ids) > count:
            self.beginInsertRows(QModelIndex(), count, len(ids) - 1)
            self._ids.extend(ids[count:])
            # the last page read may have been short: its new rows are read when shown
            self._loaded_pages.discard(count // self._page_size)
            self.endInsertRows()
        return True

    def ids(self) -> list[str]:
        return list(self._ids)

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, item_id: str) -> int:
        try:
            return self._ids.index(item_id)
        except ValueError:
            return -1

    def row_object(self, row: int) -> Any:
        """The fetched row object at ``row`` (fetching its page if needed), or None."""
        item_id = self.id_at(row)
        if item_id is None:
            return None
        found = self._rows.get(item_id)
        if found is None:
            self._ensure_page(row // self._page_size)
            found = self._rows.get(item_id)
        return found

    def refresh_rows(self, ids: Sequence[str] | None = None) -> None:
        """Forget fetched rows (all, or those ids) so they are read again when shown."""
        if ids is None:
            self._rows.clear()
            self._cells.clear()
            self._loaded_pages.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1))
            return
        for item_id in ids:
            row = self.row_of(item_id)
            if row >= 0:
                self._rows.pop(item_id, None)
                self._cells.pop(item_id, None)
                self._loaded_pages.discard(row // self._page_size)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def _ensure_page(self, page: int) -> None:
        if page in self._loaded_pages:
            return
        self._loaded_pages.add(page)
        chunk = [i for i in self._ids[page * self._page_size:(page + 1) * self._page_size] if i not in self._rows]
        if not chunk:
            return
        self.fetch_count += 1
        self._arrived(self._fetch_rows(chunk))

    def _arrived(self, rows: Iterable[Any]) -> None:
        """Keep rows just read, each with its texts as shown (computed now, once)."""
        for row in rows:
            self._rows[row.id] = row
            self._cells[row.id] = self._shown_of(row)

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Qt's own index() asks rowCount() and columnCount() first: two calls into Python for every
        # painted cell, where this is one
        if 0 <= row < len(self._ids) and 0 <= column < self._column_count and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks each painted cell for seven roles, every paint: answered from the row's texts
        # computed when it arrived; roles are compared as plain ints (a Qt enum compared or hashed
        # costs microseconds each, thousands a frame), and the roles never set return at once.
        if role.__class__ is not int:
            role = int(role)
        if role not in _ROLE_INTS:
            return None
        row_number, column_number = index.row(), index.column()  # -1 for an invalid index
        if row_number < 0 or column_number < 0 or column_number >= self._column_count:
            return None
        try:
            item_id = self._ids[row_number]
        except IndexError:
            return None
        if role == _DISPLAY:
            return (self._cells.get(item_id) or self.shown(row_number))[0][column_number]
        if role == _ALIGNMENT:
            return self._alignments[column_number]
        if role == _ID:
            return item_id
        if role == _FOREGROUND:
            return (self._cells.get(item_id) or self.shown(row_number))[1]
        row = self.row_object(row_number)  # ToolTipRole: asked when the pointer rests on a cell
        column = self._columns[column_number]
        return column.tooltip(row) if row is not None and column.tooltip else None

    def shown(self, row_number: int) -> Shown:
        """Row ``row_number`` as shown: its texts and colour (reading its page first if needed).
        Computed once per row; a language switch (:meth:`retranslate`) computes them again."""
        item_id = self._ids[row_number]
        found = self._cells.get(item_id)
        if found is None:
            found = self._shown_of(self.row_object(row_number))
            self._cells[item_id] = found
        return found

    def _shown_of(self, row: Any) -> Shown:
        if row is None:
            return (_("(removed)"),) + (None,) * (self._column_count - 1), REMOVED_COLOUR
        texts = []
        for column in self._columns:
            value = column.accessor(row)
            texts.append("" if value is None else str(value))
        return tuple(texts), None

    def alignment(self, column: int) -> int:
        return self._alignments[column]

    def row_colours(self, row_number: int) -> Any:
        """How :class:`CellDelegate` paints row ``row_number`` of a subclass with its own ``data``
        (colours, the same its ``data`` gives): ``None`` plain, ``(text colour or None, background
        or None)``, or ``STYLED``: left to the style (the default, for a subclass that does not say)."""
        return STYLED

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            if role == _DISPLAY:
                title = _(self._columns[section].header)
                if self._sorted is not None and self._sorted[0] == section:
                    return f"{title} {SORT_ARROWS[self._sorted[1]]}"
                return title
            if role == _ALIGNMENT:
                return int(self._columns[section].alignment.value)
            if role == _TOOLTIP and self._sort_ids is not None and self._columns[section].sort_key:
                return _("Click to sort; click again to reverse")
            return None
        if role == _DISPLAY and 0 <= section < len(self._ids):
            return str(section + 1)
        return None

    # flags(): Qt's own (QAbstractTableModel: enabled, selectable, never has children) — the same
    # flags, without a call into Python for every painted cell

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._sort_ids is None or not 0 <= column < len(self._columns):
            return
        key = self._columns[column].sort_key
        if key:
            self._sort_ids(key, order == Qt.SortOrder.DescendingOrder)

    def set_sort_indicator(self, column: int | None, descending: bool = False) -> None:
        """Show which column the ids are ordered by: an arrow after its title (drawn as text, so it
        never covers the title the way the style's small indicator does)."""
        self._sorted = None if column is None or not 0 <= column < len(self._columns) else (column, descending)
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)

    def sort_indicator(self) -> tuple[int, bool] | None:
        return self._sorted

    def retranslate(self) -> None:
        """Headers and cells are translated when read: forget the rows' texts (computed again in
        the new language when shown) and tell the views to read them again."""
        self._cells.clear()
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1))


def _unchangeable(row: Any) -> bool:
    """A row that cannot have changed in place since it was shown (a frozen dataclass, a tuple)."""
    if isinstance(row, tuple):
        return True
    params = getattr(type(row), "__dataclass_params__", None)
    return bool(params is not None and params.frozen)


_S = QStyle.StateFlag
# a cell in any of these states is painted by the style itself (highlight, focus frame, hover …)
_STYLED_STATES = (_S.State_Selected | _S.State_HasFocus | _S.State_MouseOver | _S.State_Editing).value
_ENABLED, _ACTIVE = _S.State_Enabled.value, _S.State_Active.value
_VCENTER = Qt.AlignmentFlag.AlignVCenter.value
_PLAIN_TEXT = Qt.TextFormat.PlainText
_LEFT = int(LEFT.value)
# bidirectional classes of characters a left-to-right line shows in their own order (letters, digits,
# their separators, neutral marks and spaces): anything else is laid out by QStaticText
_LEFT_TO_RIGHT = frozenset({"L", "EN", "ES", "ET", "CS", "ON", "WS"})
_NO_TRANSFORM = QTransform()
_NORMAL, _INACTIVE = QPalette.ColorGroup.Normal, QPalette.ColorGroup.Inactive
_TEXT = QPalette.ColorRole.Text
_TEXT_CACHE_SIZE = 4000  # laid-out texts kept (a screenful is ~250 cells; names recur as one types)
# A text's natural width as a laid-out QStaticText is its advance, or at most a pixel more: a text
# whose advance is this far inside the column fits it without laying it out a second time.
_FITS_MARGIN = 2.0

# Texts' advances (QFontMetricsF.horizontalAdvance: the text shaped, most of a new name's cost), by
# font, shared by the columns' fit and the cells' painting (each measured the same names), and
# filled ahead by the warm-up with the texts of the pages' warm reads (ui/warmup.py). At most
# ADVANCES_KEPT a font: the older half is forgotten.
ADVANCES_KEPT = 8000
_ADVANCES: dict[str, tuple[QFontMetricsF, dict[str, float]]] = {}


def advances_in(font: QFont) -> tuple[QFontMetricsF, dict[str, float]]:
    """The metrics of ``font`` and the advances measured in it so far (:func:`advance_of`)."""
    key = font.key()
    found = _ADVANCES.get(key)
    if found is None:
        found = _ADVANCES[key] = (QFontMetricsF(font), {})
    return found


def advance_of(metrics: QFontMetricsF, advances: dict[str, float], text: str) -> float:
    """``metrics.horizontalAdvance(text)``, measured once (``advances``: :func:`advances_in`)."""
    advance = advances.get(text)
    if advance is None:
        if len(advances) >= ADVANCES_KEPT:
            for old in list(itertools.islice(advances, ADVANCES_KEPT // 2)):
                del advances[old]
        advance = advances[text] = metrics.horizontalAdvance(text)
    return advance


def measure_texts(texts: Iterable[str], font: QFont) -> None:
    """Measure these texts' advances in ``font`` now (the warm-up: names a page will show), each
    line of a text of several, and find which of their characters are drawn in its own metrics."""
    metrics, advances = advances_in(font)
    own, other = characters_in(font)
    for text in texts:
        for line in text.split("\n"):
            if line not in advances:
                advance_of(metrics, advances, line)
            for char in set(line) - own - other:
                in_own_metrics(char, font, own, other)


class CellDelegate(QStyledItemDelegate):
    """Paints a :class:`LazyTableModel`'s (or a :class:`ListTableModel`'s) plain cells from the row's
    texts, the same pixels as the style draws them (tests/test_table_paint_gui.py compares them) in
    half the time.

    The style's way (QStyledItemDelegate) asks the model for seven roles a cell, then lays the text
    out again on every paint. Here a plain cell (not selected, not current, not under the pointer,
    a text that fits its column on one line) is drawn from the row's texts: a left-aligned line
    whose characters all sit in the font's own metrics by ``drawText`` at its baseline (nothing
    laid out and kept: each search shows new names and numbers), any other with a laid-out
    :class:`QStaticText` kept per text, width and alignment. Anything else — the selected row, the
    current cell's focus frame, a text cut short with "…", a removed row's grey, the rows of a model
    that colours its cells (a subclass with its own ``data``) unless its ``row_colours`` says how
    — is painted by the style as before."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self._margin = parent.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, parent) + 1
        self._double_margin = 2 * self._margin
        self._options: dict[int, QTextOption] = {}
        self._pens: dict[tuple[int, int], QColor] = {}
        self._set_font(QFont())

    def _set_font(self, font: Any) -> None:
        """Texts are laid out in ``font`` from now on (those laid out in another are forgotten)."""
        self._texts: dict[tuple[str, int, int], tuple[QStaticText | str, bool, int]] = {}
        self._font = QFont(font)  # a copy: a style option's font is gone once the cell is painted
        self._metrics, self._advances = advances_in(self._font)
        self._ascent = self._metrics.ascent()
        self._descent = self._metrics.descent()
        self._line_height: int | None = None  # a line's height in the font's own metrics, once seen
        # characters whose line, laid out alone, has the font's own ascent and descent (drawn by the
        # font itself, not a fallback with other metrics), left to right: or not (shared by font)
        self._own_chars, self._other_chars = characters_in(self._font)

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: Index) -> None:
        # called for every cell of every paint: plain locals and module constants, no Qt enums made
        model = index.model()
        state = option.state.value
        if state & _STYLED_STATES or not state & _ENABLED:
            super().paint(painter, option, index)
            return
        row, column = index.row(), index.column()
        colours = None  # a subclass that colours rows: their text and background colours
        if model.__class__.data is not _LAZY_DATA:
            colours = model.row_colours(row)
            if colours is STYLED:
                super().paint(painter, option, index)
                return
        texts, colour = model._cells.get(model._ids[row]) or model.shown(row)
        text = texts[column]
        if colour is not None:
            super().paint(painter, option, index)
            return
        if not text:
            if colours is not None and colours[1] is not None:
                painter.fillRect(option.rect, colours[1])  # the style fills an empty cell's background
            return  # and draws nothing else, as for an empty plain cell
        x, y, width, height = option.rect.getRect()
        width -= self._double_margin
        font = option.font
        if font != self._font:  # the texts were laid out in another font
            self._set_font(font)
        alignment = model._alignments[column]
        laid = self._texts.get((text, width, alignment)) or self._lay_out(text, width, alignment, font)
        static, plain, text_height = laid
        if not plain:
            super().paint(painter, option, index)
            return
        if colours is not None and colours[0] is not None:
            pen = colours[0]
        else:
            palette = option.palette
            pen_key = (palette.cacheKey(), state & _ACTIVE)
            pen = self._pens.get(pen_key)
            if pen is None:  # the palette's text colour (Qt enums passed to Qt cost more than the lookup)
                if len(self._pens) > 16:
                    self._pens.clear()
                pen = self._pens[pen_key] = QColor(palette.color(_NORMAL if state & _ACTIVE else _INACTIVE, _TEXT))  # kept: a copy
        if colours is not None and colours[1] is not None:
            painter.fillRect(option.rect, colours[1])  # as the style fills a cell's background
        painter.setPen(pen)
        if static.__class__ is str:  # one line in the font's own metrics: drawn at its baseline
            painter.setFont(self._font)
            # centred as QStyle.alignedRect centres the style's text: half the cell less half the line
            painter.drawText(QPointF(x + self._margin, y + height // 2 - text_height // 2 + self._ascent), static)
        else:
            painter.drawStaticText(x + self._margin, y + height // 2 - text_height // 2, static)

    def plan_row(self, model: Any, row: int, y: int, height: int, columns: Sequence[tuple[int, int, int]],
                 font: Any, pen: QColor) -> tuple[list[tuple[Any, ...]], list[int]]:
        """What :meth:`paint` draws for each plain cell of row ``row`` (``columns``: each visible
        column's number, x and width; the row in the base state: enabled, not selected, not
        current, not under the pointer), for :class:`PlainCellsView` to draw in one call: a list of
        ``("fill", rect args…, colour)``, ``("text", pen, x, y, static text)`` and ``("line", pen,
        x, baseline, str)`` in painting order,
        and the columns whose cells only the style can paint (a removed row, a text cut short…).

        The same decisions as :meth:`paint` makes for a cell in that state, from the same caches."""
        if font != self._font:
            self._set_font(font)
        colours = None
        if model.__class__.data is not _LAZY_DATA:
            colours = model.row_colours(row)
            if colours is STYLED:
                return [], [column for column, _x, _w in columns]
        texts, colour = model._cells.get(model._ids[row]) or model.shown(row)
        if colour is not None:
            return [], [column for column, _x, _w in columns]
        background = colours[1] if colours is not None else None
        if colours is not None and colours[0] is not None:
            pen = colours[0]
        ops: list[tuple[Any, ...]] = []
        styled: list[int] = []
        margin, double_margin, laid_texts, alignments = self._margin, self._double_margin, self._texts, model._alignments
        ascent = self._ascent
        for column, x, width in columns:
            text = texts[column]
            if not text:
                if background is not None:
                    ops.append(("fill", x, y, width, height, background))
                continue
            alignment = alignments[column]
            key = (text, width - double_margin, alignment)
            laid = laid_texts.get(key) or self._lay_out(*key, font)
            static, plain, text_height = laid
            if not plain:
                styled.append(column)
                continue
            if background is not None:
                ops.append(("fill", x, y, width, height, background))
            if static.__class__ is str:
                ops.append(("line", pen, x + margin, y + height // 2 - text_height // 2 + ascent, static))
            else:
                ops.append(("text", pen, x + margin, y + height // 2 - text_height // 2, static))
        return ops, styled

    def _lay_out(self, text: str, width: int, alignment: int, font: Any) -> tuple[QStaticText, bool, int]:
        """The text laid out as the style lays it out (one line, in the column's alignment), and
        whether it is plain: one line that fits (the style would cut a longer one short with "…").

        Each search shows new names and numbers: laying a text out is most of a cell's first paint,
        so it is laid out once, its width measured by its advance (a text right at the column's
        edge is laid out a second time, at its natural width, to tell exactly: the style cuts it
        short only when that is wider than the column's text area, so a column fitted to its
        longest text paints that text plain)."""
        texts = self._texts
        if len(texts) >= _TEXT_CACHE_SIZE:  # forget the older half (a full clear made the next paint slow)
            for key in list(itertools.islice(texts, _TEXT_CACHE_SIZE // 2)):
                del texts[key]
        if (alignment == _LEFT and "\n" not in text and "\u2028" not in text and self._line_height is not None
                and self._in_own_metrics(text)):
            # a left-aligned line in the font's own metrics is drawn where the style draws it by
            # drawText at its baseline: no layout kept (laying out was most of a new text's cost)
            if (self._advances.get(text) or advance_of(self._metrics, self._advances, text)) + _FITS_MARGIN < width:
                laid = text, True, self._line_height
                texts[(text, width, alignment)] = laid
                return laid
        option = self._options.get(alignment)
        if option is None:
            option = self._options[alignment] = QTextOption()
            option.setWrapMode(QTextOption.WrapMode.ManualWrap)
            option.setAlignment(Qt.AlignmentFlag(alignment))
        static = QStaticText(text)
        static.setTextFormat(_PLAIN_TEXT)  # Qt enums and keyword arguments cost microseconds a text
        static.setTextOption(option)
        static.setTextWidth(width)
        static.prepare(_NO_TRANSFORM, font)
        plain = bool(alignment & _VCENTER) and "\n" not in text and "\u2028" not in text  # one line
        if plain:
            advance = self._advances.get(text) or advance_of(self._metrics, self._advances, text)
            if advance + _FITS_MARGIN >= width:
                natural = QStaticText(text)
                natural.setTextFormat(_PLAIN_TEXT)
                natural.prepare(_NO_TRANSFORM, font)
                plain = natural.size().width() <= width  # the style cuts a line short only when it is wider
        laid = static, plain, round(static.size().height())
        if self._line_height is None and plain and self._in_own_metrics(text):
            self._line_height = laid[2]
        texts[(text, width, alignment)] = laid
        return laid


    def _in_own_metrics(self, text: str) -> bool:
        """Whether every character of ``text`` is drawn left to right in the font's own metrics: a
        line of them has the font's ascent and descent, so it sits where the font's metrics say."""
        if self._own_chars.issuperset(text):
            return True
        return in_own_metrics(text, self._font, self._own_chars, self._other_chars)


def in_own_metrics(text: str, font: QFont, own: set[str], other: set[str]) -> bool:
    """Whether every character of ``text`` is drawn left to right in ``font``'s own metrics
    (``own`` and ``other``: the characters found so far to be, or not: :func:`characters_in`)."""
    metrics = None
    for char in set(text) - own:
        if char in other:
            return False
        if unicodedata.bidirectional(char) not in _LEFT_TO_RIGHT:
            other.add(char)
            return False
        if metrics is None:
            metrics = advances_in(font)[0]
        layout = QTextLayout(char, font)
        layout.beginLayout()
        line = layout.createLine()
        layout.endLayout()
        if line.ascent() != metrics.ascent() or line.descent() != metrics.descent():
            other.add(char)
            return False
        own.add(char)
    return True


# The characters found drawn in a font's own metrics (or not), by font: shared by every table's
# delegate (each found them anew, a text layout a character) and filled ahead by the warm-up.
_CHARACTERS: dict[str, tuple[set[str], set[str]]] = {}


def characters_in(font: QFont) -> tuple[set[str], set[str]]:
    """``(own, other)``: the characters found so far to be drawn in ``font``'s own metrics, or not."""
    key = font.key()
    found = _CHARACTERS.get(key)
    if found is None:
        found = _CHARACTERS[key] = (set(), set())
    return found


_LAZY_DATA = LazyTableModel.data  # a subclass with its own data() colours its cells: see row_colours


class ListTableModel(QAbstractTableModel):
    """A short list of row objects shown whole (a village's groups or grids: tens of rows, read in
    one query). Same :class:`Column` specs as the lazy model; ``set_rows`` replaces the list."""

    IdRole = LazyTableModel.IdRole

    def __init__(self, columns: Sequence[Column], parent: Any = None):
        super().__init__(parent)
        self._columns = list(columns)
        self._column_count = len(self._columns)
        self._alignments = [int(column.alignment.value) for column in self._columns]
        self._rows: list[Any] = []
        # What CellDelegate paints from (as LazyTableModel's): a row's texts by its key, the row's
        # number here, computed the first time the row is painted
        self._ids: range = range(0)
        self._cells: dict[int, Shown] = {}

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show these rows. The same rows again (a page read again on being shown) change nothing:
        no reset, so the view keeps its selection and measures nothing again."""
        rows = list(rows)
        if rows == self._rows and all(_unchangeable(row) for row in rows):
            return
        self.beginResetModel()
        self._rows = rows
        self._ids = range(len(rows))
        self._cells.clear()
        self.endResetModel()

    def shown(self, row_number: int) -> Shown:
        """Row ``row_number``'s texts as :meth:`data` gives them (for :class:`CellDelegate`)."""
        found = self._cells.get(row_number)
        if found is None:
            row = self._rows[row_number]
            texts = []
            for column in self._columns:
                value = column.accessor(row)
                texts.append("" if value is None else str(value))
            found = self._cells[row_number] = (tuple(texts), None)
        return found

    def row_colours(self, row_number: int) -> Any:
        """Plain (:class:`CellDelegate`): this model colours no cell; a subclass with its own
        ``data`` is left to the style."""
        return None if self.__class__.data is ListTableModel.data else STYLED

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_object(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, item_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == item_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks ~7 roles of every cell it paints or measures; those this model never answers
        # are turned away before the index is read (each call into Qt's index costs).
        if role not in _LIST_ROLES:
            return None
        row_number, column_number = index.row(), index.column()  # an invalid index: -1, -1
        if not (0 <= row_number < len(self._rows) and 0 <= column_number < len(self._columns)):
            return None
        row, column = self._rows[row_number], self._columns[column_number]
        if role == _DISPLAY:
            value = column.accessor(row)
            return "" if value is None else str(value)
        if role == _ALIGNMENT:
            return int(column.alignment.value)
        if role == _TOOLTIP and column.tooltip:
            return column.tooltip(row)
        if role == _ID:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == _DISPLAY:
            return _(self._columns[section].header)
        if role == _ALIGNMENT:
            return int(self._columns[section].alignment.value)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def retranslate(self) -> None:
        self._cells.clear()
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))


HEADER_PADDING = 8  # more room each side of a header's text than the style's own (Fusion: 2 pixels)


def fit_columns_to_rows(table: Any, *, stretch: int | None = None, sample: int = 100) -> None:
    """Columns of ``table`` as wide as their contents, measured once each time the rows change
    (the model is reset, or its headers or cells are re-read in another language).

    Qt's ``ResizeToContents`` header mode measures again on every layout of the page (showing it,
    resizing the window, a row selected) and reads up to 1,000 rows each time: ten thousand cell
    reads for a village page of a large village. Here the rows are measured once each time they
    change (up to the horizontal header's ``resizeContentsPrecision``, 1,000: ``sample`` sets the
    vertical header's, which a column's width does not read); the clerk may widen a column by
    hand. ``stretch``: the column that takes the room left (else the last one does, as the header
    says).

    A :class:`ListTableModel` under the view's own delegate (or :class:`CellDelegate`, which
    measures as it does) is measured from its texts
    (:func:`_fit_list_columns`): the widths Qt's ``resizeColumnToContents`` gives (the same rows,
    :func:`_measured_rows`), without asking the style and the model for every cell: the 72 grids
    of the large demo took 22 ms of the village page's first open, 60 µs a cell."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setResizeContentsPrecision(sample)
    model = table.model()

    fitted_empty: list[Any] = [None]  # the headers an empty list was last fitted to

    def fit(*_args: Any) -> None:
        if hasattr(table, "fit_when_shown"):
            table.fit_when_shown(None)  # fitted now: nothing left for the first show
        last = model.columnCount() - 1
        columns = [column for column in range(model.columnCount())
                   if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch
                   and not (column == last and header.stretchLastSection())]
        if not columns:
            return
        if model.rowCount() == 0:  # the headers alone: fitted again only if they changed (a page
            # translating its headers as it is built asked for the same widths twice)
            texts = (tuple(model.headerData(column, Qt.Orientation.Horizontal) for column in columns),
                     header.font().key(), tuple(columns))
            if texts == fitted_empty[0]:
                return
            fitted_empty[0] = texts
        else:
            fitted_empty[0] = None
        # each header's text with room on both sides (measured once: Qt lays out the text each time)
        hints = {column: 0 if header.isHidden() else header.sectionSizeHint(column) + HEADER_PADDING
                 for column in columns}
        if type(model) is ListTableModel and type(table.itemDelegate()) in (QStyledItemDelegate, CellDelegate):
            _fit_list_columns(table, model, columns, hints)
            return
        for column in columns:
            table.resizeColumnToContents(column)
            if header.sectionSize(column) < hints[column]:
                header.resizeSection(column, hints[column])

    model.modelReset.connect(fit)
    model.headerDataChanged.connect(fit)
    model.dataChanged.connect(fit)
    if model.rowCount() == 0 and not table.isVisible() and hasattr(table, "fit_when_shown"):
        table.fit_when_shown(fit)  # rows usually come before it is shown: their fit is the one needed
    else:
        fit()


def _measured_rows(table: Any, count: int) -> range | list[int]:
    """The rows ``QTableView.sizeHintForColumn`` measures (Qt 6): those on screen (every row while
    the table is hidden), then rows below and above them in turn, at most the horizontal header's
    ``resizeContentsPrecision`` in all (1,000 unless set): every row of a short list."""
    most = table.horizontalHeader().resizeContentsPrecision()
    if most < 0 or (0 < most and count <= most):
        return range(count)
    vertical = table.verticalHeader()
    top = max(0, vertical.visualIndexAt(0))
    bottom = vertical.visualIndexAt(table.viewport().height())
    if not table.isVisible() or bottom == -1:
        bottom = count - 1
    rows = list(range(top, bottom + 1))
    if most == 0:
        return rows
    rows = rows[:most]
    above, below = top, (rows[-1] if rows else top - 1)
    while len(rows) < most and (above > 0 or below < count - 1):
        if (len(rows) % 2 and above > 0) or below == count - 1:
            above -= 1
            rows.append(above)
        else:
            below += 1
            rows.append(below)
    return rows


def _fit_list_columns(table: Any, model: ListTableModel, columns: list[int], hints: dict[int, int]) -> None:
    """Each of ``columns`` as wide as ``resizeColumnToContents`` makes it, from the texts: a cell
    of the style's item views is its text's natural width, rounded up, and the style's text margin
    on both sides (one more pixel with the grid shown); the column at least its header's (``hints``)."""
    table.ensurePolished()  # the font the cells are drawn in (as sizeHintForColumn does)
    header = table.horizontalHeader()
    metrics, advances = advances_in(table.font())  # names the cells' painting measures again, or the warm-up did
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    grid = 1 if table.showGrid() else 0
    rows = model._rows
    measured = _measured_rows(table, len(rows))
    widths: dict[str, int] = {}
    for column in columns:
        accessor = model._columns[column].accessor
        content = 0
        for row in measured:
            value = accessor(rows[row])
            text = "" if value is None else str(value)
            width = widths.get(text)
            if width is None:
                width = widths[text] = max((math.ceil(advances.get(line) or advance_of(metrics, advances, line))
                                            for line in text.split("\n")), default=0) + margin
            content = max(content, width)
        content += grid  # no rows: the grid's pixel alone, as Qt's
        header.resizeSection(column, max(content, hints[column]))
