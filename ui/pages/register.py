"""A register page: search box and filters over a lazy table, with add / edit / delete.

Subclasses say which ids match (``query_ids``, run on the database worker), how to read rows
(``fetch_rows``), the columns, and how to add, edit and delete one record.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from types import SimpleNamespace
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app import excel
from app.i18n import N_, Nn_, _, get_language, ngettext
from ui.ops import DbOp, worker
from ui.pages.base import KeptRead, Page, PageContext, PageHeader
from ui.table_model import SORT_ARROWS, CellDelegate, Column, LazyTableModel
from ui.table_view import PlainCellsView
from ui.widgets import save_file_name

# Rows read with the ids, on the database worker in the same trip: the first screenful (a 30 px
# row: 768 px show ~20, a tall monitor ~35); the rest are read a page at a time as they are shown.
# Once the table is on screen, the rows its height shows and a few more (first_rows), at most this.
FIRST_ROWS = 40
ROW_HEIGHT = 30  # px
SPARE_ROWS = 3  # read beyond the last row shown (a row partly shown, a window made taller)
# Pages that list a search in two trips (first_screenful_first) read this many ids in the first
# (their rows: the first screenful's only). A search finding no more is complete in that one trip,
# one pass over the index: no count to read, no second trip. The ids cost ~1 µs each.
FIRST_IDS = 200
MAX_CHOICE_WIDTH = 260  # px: a column of fixed values grows to fit its longest, up to this
# The whole list of a search is read once the first screenful is painted: reading thousands of ids
# is Python on the database worker, and the two threads share one interpreter lock (the paint
# waited for it, up to 5 ms at a time). Read anyway after this long without a paint.
PAINT_WAIT_S = 0.05


class _AfterPaint(QObject):
    """Sets the events it is given once the view it watches has painted (after its paint event),
    and calls the functions it is given then (``then``: kept over :meth:`release`)."""

    def __init__(self, view: QObject):
        super().__init__(view)
        self.waiting: list[threading.Event] = []
        self.then: list[Callable[[], None]] = []
        view.installEventFilter(self)

    def release(self) -> None:
        waiting, self.waiting = self.waiting, []
        for done in waiting:
            done.set()

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (self.waiting or self.then) and event.type() == QEvent.Type.Paint:
            waiting, self.waiting = self.waiting, []
            then, self.then = self.then, []
            QTimer.singleShot(0, lambda: ([done.set() for done in waiting], [call() for call in then]))  # after this paint
        return False


def export_choice(session: Any, actor: Any, kind: str) -> tuple[str, bool] | None:
    """``(file name, may export full numbers)`` when ``actor`` may export table ``kind``, else None.
    The role alone decides: ``session`` may be None (nothing is read)."""
    if kind not in {k.kind for k in excel.export_kinds(session=session, actor=actor)}:
        return None
    return excel.default_file_name(kind), excel.may_export_full(session=session, actor=actor)


class ExportExcelButton(QPushButton):
    """导出Excel… for table ``kind`` of :mod:`app.excel`, on any page (every register page has one).

    Enabled when the role may export the table (the area says so). ID and phone numbers are masked,
    as on anything that leaves the office, unless the role may see them and chooses the full numbers."""

    def __init__(self, page: Any, kind: str):
        super().__init__()
        self.page, self.kind = page, kind
        self.setObjectName("exportExcel")
        self.clicked.connect(lambda: self.export())
        self._choice: tuple[str, bool] | None | bool = False
        self._choice_language = ""  # the language its file name is in

    def retranslate(self) -> None:
        self.setText(_("Export Excel…"))
        if self._choice_language != get_language():
            self._choice = False  # the file name is in the old language
        self.refresh()

    def _choice_now(self) -> tuple[str, bool] | None:
        """``(file name, may export full numbers)`` when this role may export the table, else None:
        decided once (a register's warm read decided already: its :class:`Opening`)."""
        if self._choice is False and self.kind:
            kind, actor = self.kind, self.page.context.actor
            opening = self.page._opening() if isinstance(self.page, RegisterPage) else None
            if opening is not None and opening.export is not False:
                self._choice = opening.export
            else:  # the role decides: nothing read (a session opened on this thread cost 2–4 ms of a first open)
                self._choice = export_choice(None, actor, kind)
            self._choice_language = get_language()
        return self._choice or None

    def refresh(self) -> None:
        choice = self._choice_now()
        self.setEnabled(choice is not None)
        self.setToolTip("" if choice is not None else _("Your role may not export this table."))

    def export(self) -> None:
        choice = self._choice_now()
        if choice is None:
            return
        name, may_full = choice
        full = False
        if may_full:
            answer = QMessageBox.question(
                self.page, _("Export Excel"),
                _("Mask ID and phone numbers in the file (510112********1234, 138****5678)? Yes: masked, for anything "
                  "that leaves the office (recommended). No: full numbers, for the office only."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            full = answer == QMessageBox.StandardButton.No
        target = save_file_name(self.page, _("Export Excel"), name, "Excel (*.xlsx)")
        if not target:
            return
        kind, actor, context = self.kind, self.page.context.actor, self.page.context
        DbOp(self.page, lambda session: excel.export_table(session=session, actor=actor, kind=kind, to_file=target,
                                                           full=full)) \
            .success(lambda result: context.show_status(
                _("Exported {n} rows to {path}.").format(n=result.rows, path=result.path))).run()



@dataclasses.dataclass(frozen=True)
class Opening:
    """What a register shows when it opens (:meth:`RegisterPage.warm_reads`, kept for its first
    read): its actions, every id of its opening filters in its default order, the rows of a first
    screenful, the search index (pages that search in memory) and a subclass's ``extra``."""

    actions: dict[str, str | None]
    ids: list[str]
    rows: list[Any]
    index: Any = None
    extra: Any = None
    export: Any = False  # export_choice for the page's export_kind (False: not read)

class RegisterPage(Page):
    """Shared shape of the households and residents pages."""

    ids_loaded = Signal(int)  # number of matching rows, after each (re)query, once the whole list is in

    title_msgid = ""
    description_msgid = ""
    search_placeholder_msgid = ""
    count_msgid = Nn_("Total: {n}", "Total: {n}")
    new_msgid = N_("New")
    columns: list[Column] = []
    column_widths: list[int] = []
    # The sort key of ``columns`` the register opens with (ascending). Pages that set it get
    # clickable headers, and ``query_ids`` receives ``order`` ("age", "-age") among the filters.
    default_order = ""
    # The table of ``app.excel`` this register exports (导出Excel…); "" for none.
    export_kind = ""
    # Pages whose ``query_ids`` take a ``limit`` among the filters, and that answer ``count_ids``,
    # show a search in two trips to the database worker (issue 16): the first FIRST_IDS ids, the
    # rows of the first screenful and the count at once, then the whole list of ids, appended below
    # them. A one-letter search finds thousands of residents: reading all their ids took 10-28 ms
    # of a keystroke, the first ones take one or two.
    first_screenful_first = False
    # Pages that answer ``match_in_memory`` from an index read with ``read_search_index`` find a
    # search's ids and count in the GUI at once (issue 16): only the rows of the first screenful are
    # read, then the whole list from SQL as the truth (the table corrected, the index read again,
    # when they differ). Until the index is in, or for what it cannot answer, the SQL path runs.
    searches_in_memory = False
    # The filters the register opens with (``filter_values`` of the page just built, without the
    # order): its first read is warmed after sign-in with them (:meth:`warm_reads`). None: not warmed.
    opening_filters: dict[str, Any] | None = None

    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        self._query_token = 0
        self._query_started = 0.0
        self._querying = False  # a query is on the database worker
        self._query_again = False  # the search or filters changed meanwhile: query once more after it
        self.shown_query: str | None = None  # the search text whose results the table shows
        self._shown_search: tuple[str, list[tuple[str, Any]]] | None = None  # and its filters
        self._shown_token = 0  # the query whose results (at least the first screenful) the table shows
        self.ids_complete = False  # the table holds every matching id (not only the first screenful)
        self._rest_wanted: tuple[int, str, dict[str, Any]] | None = None  # the whole list to read next
        # set when a newer search or filter comes: the worker skips the whole list of the older one
        # unless it has started reading it
        self._superseded = threading.Event()
        self._reading_rest = 0  # reads of a whole list on the worker
        self._select_when_complete: str | None = None  # kept selected, once the whole list is in
        self.last_query_ms: float | None = None  # keystroke → results (the first screenful) arrived
        self.last_complete_ms: float | None = None  # keystroke → every id and the count arrived
        self._loaded_once = False
        self._select_after_reload: str | None = None
        self._order: tuple[str, bool] = (self.default_order, False)  # sort key, descending
        self._stale = False  # the people register changed elsewhere (group or grid renamed …)
        worker().operation_did_execute.connect(self._on_changes)
        self._register_actions: dict[str, str | None] | None = None
        self._kept: KeptRead | None = None  # the warm read's Opening, until the first read shows it
        self._actions_language = ""  # the language of the reasons in _register_actions
        self.search_index: Any = None  # read_search_index's answer, while it holds
        self._index_generation = 0  # counts the changes to people: an index read before one is dropped
        self._index_loading = False
        self._from_memory = False  # the results shown were found in memory (unconfirmed by SQL yet)
        self._memory_ids: list[str] = []  # every id memory found for them
        self._rows_generation = -1  # the index generation when the model's rows were read

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        # The page's actions sit beside its title, the search and filters on the row below: one row
        # holding both did not fit a 1366-pixel screen on the pages with several filters and actions
        # (the layout squeezed them under their size and they overlapped; tests/test_window_sizes.py).
        self.header = PageHeader(self.title_msgid, self.description_msgid)
        self.header.description.setWordWrap(True)  # it gives way to the buttons, on two lines if need be
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.header, 1)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(8)
        top.addLayout(self.actions)
        top.setAlignment(self.actions, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(top)

        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(8)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(380)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._search_now)
        self.toolbar.addWidget(self.search)
        self.add_filters(self.toolbar)
        self.toolbar.addStretch(1)
        self.new_button = QPushButton()
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(self.new_item)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.open_current)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete_current)
        self.export_button = ExportExcelButton(self, self.export_kind)
        for button in self.extra_buttons() + [self.export_button, self.new_button, self.edit_button,
                                              self.delete_button]:
            self.actions.addWidget(button)
        layout.addLayout(self.toolbar)
        # hidden only once it has a parent: setVisible(True) on a parentless widget shows it as a
        # window of its own for a moment, and the main window loses the keyboard (Ctrl+N, Ctrl+F)
        self.export_button.setVisible(bool(self.export_kind))

        sortable = bool(self.default_order)  # pages whose query_ids take an ``order``
        self.model = LazyTableModel(self.columns, self._fetch_rows_now, sort_ids=self.sort_by if sortable else None,
                                    parent=self)
        self.table = PlainCellsView(self)  # made in the page: styled once, before it has columns to measure
        self.table.setObjectName("registerTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(CellDelegate(self.table))  # plain cells painted from the rows' texts
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in enumerate(self.column_widths):
            self.table.setColumnWidth(column, width)
        if sortable:  # clicking a header re-queries the ids in that order (SQL); rows stay lazily fetched
            header.setSectionsClickable(True)
            header.setSortIndicatorShown(False)  # the model puts ▲/▼ after the title instead
            self._set_indicator()
            header.sectionClicked.connect(self._header_clicked)
        self.table.activated.connect(lambda _index: self.open_current())
        self._after_paint = _AfterPaint(self.table.viewport())
        # the rows' viewport fills its own background (the palette's Base): a search repaints the
        # rows only, not the window, the workspace and the page beneath them (an application style
        # sheet once left it transparent: tests/test_register_repaint_gui.py)
        self.table.viewport().setAutoFillBackground(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        layout.addLayout(footer)

        self._count = 0
        self._update_buttons()
        self.retranslate_ui()

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Opening | None:
        """The register's first read (:meth:`reload` on its first show, with :attr:`opening_filters`):
        its actions, every id (with the search index, read once, for pages that search in memory)
        and the rows of a first screenful, kept for the page's first read (:meth:`_opening`); and the
        statements of a search's first screenful and count compiled. ``query_ids`` & co. read only
        the actor of the page: they are given a stand-in for it."""
        if cls.opening_filters is None:
            return None
        page: Any = SimpleNamespace(context=SimpleNamespace(actor=actor))
        filters = dict(cls.opening_filters)
        if cls.default_order:
            filters["order"] = cls.default_order
        actions = cls.page_actions(page, session)
        if cls.first_screenful_first:
            ids = cls.query_ids(page, session, "", {**filters, "limit": FIRST_IDS})
            if len(ids) >= FIRST_IDS:
                cls.count_ids(page, session, "", filters)
        index, found = None, None
        if cls.searches_in_memory:
            index = cls.read_search_index(page, session)
            found = cls.match_in_memory(page, index, "", filters)
        ids = found[0] if found is not None else cls.query_ids(page, session, "", filters)
        export = export_choice(session, actor, cls.export_kind) if cls.export_kind else False
        return Opening(actions, list(ids), cls.fetch_rows(page, session, ids[:FIRST_ROWS]) if ids else [], index,
                       export=export)

    def _opening_filters(self) -> dict[str, Any] | None:
        """The filters (and order) :meth:`warm_reads` read with."""
        if self.opening_filters is None:
            return None
        return {**self.opening_filters, **({"order": self.default_order} if self.default_order else {})}

    def _opening(self) -> Opening | None:
        """The warm read's :class:`Opening` for this page (``Page.take_warm``), taken once and held
        until its first read shows it; None once shown, when there is none, or once something that
        may write was submitted after it was taken (a page built in the warm-up reads in a later
        pause)."""
        if self.opening_filters is None:  # no Opening is read for it (a page may keep its own warm read)
            return None
        if self._kept is None:  # taken once (KeptRead): the first to ask, often the page's buttons as it is built
            self._kept = KeptRead(self, Opening)
        if self._loaded_once or not self._kept.holds():  # shown, or something may have been saved since
            return None
        return self._kept.value

    # ------------------------------------------------------------ for subclasses

    def add_filters(self, toolbar: QHBoxLayout) -> None:
        """Add filter widgets after the search box; call :meth:`filters_changed` when they change."""

    def extra_buttons(self) -> list[QPushButton]:
        return []

    def filter_values(self) -> dict[str, Any]:
        """The current filters, read on the GUI thread and handed to ``query_ids``."""
        return {}

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        """Runs on the database worker: never touch widgets here. With :attr:`first_screenful_first`,
        ``filters`` may hold a ``limit``: only the first ids, in order."""
        raise NotImplementedError

    def read_search_index(self, session: Any) -> Any:
        """Pages with :attr:`searches_in_memory`: the index :meth:`match_in_memory` searches (on the worker)."""
        raise NotImplementedError

    def match_in_memory(self, index: Any, query: str, filters: dict[str, Any]) -> tuple[list[str], int] | None:
        """``(ids, count)`` of a search as ``query_ids`` would find them, from the index (on the
        GUI thread), or None when the index cannot answer these filters (another order)."""
        return None

    def count_ids(self, session: Any, query: str, filters: dict[str, Any]) -> int:
        """How many ids ``query_ids`` finds (pages with :attr:`first_screenful_first`); on the worker."""
        raise NotImplementedError

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        raise NotImplementedError

    def open_item(self, item_id: str) -> None:
        raise NotImplementedError

    def page_actions(self, session: Any) -> dict[str, str | None]:
        """The area's ``allowed_actions`` for the register itself (``new`` …: action → None or why
        not); rows carry theirs in ``row.actions``. Every register page asks its area: the GUI
        never decides who may do what."""
        raise NotImplementedError

    def _page_actions_now(self) -> dict[str, str | None]:
        """The register's actions, asked once (a quick read: no rows, only who may do what).
        Nothing is allowed while they cannot be asked (no database open)."""
        if self._register_actions is None:
            opening = self._opening()
            if opening is not None:  # asked by the warm read
                self._register_actions = opening.actions
            else:
                try:
                    self._register_actions = worker().read_now(self.page_actions)
                except RuntimeError:  # no database open (a page built on its own)
                    return {}
            self._actions_language = get_language()
        return self._register_actions

    def _row_actions(self, item_id: str | None) -> dict[str, str | None] | None:
        row = self.model.row_object(self.model.row_of(item_id)) if item_id else None
        return getattr(row, "actions", None) or None

    def create_item(self) -> None:
        raise NotImplementedError

    def delete_item(self, item_id: str, row: Any) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        if self._actions_language != get_language():
            self._register_actions = None  # its reasons are in the old language
        self.search.setPlaceholderText(_(self.search_placeholder_msgid))
        self.new_button.setText(_(self.new_msgid))
        self.edit_button.setText(_("Open"))
        self.delete_button.setText(_("Delete"))
        self.export_button.retranslate()
        native = QKeySequence.SequenceFormat.NativeText
        self.new_button.setToolTip(QKeySequence(QKeySequence.StandardKey.New).toString(native))
        self.search.setToolTip(QKeySequence(QKeySequence.StandardKey.Find).toString(native))
        self.model.retranslate()
        self._fit_columns()
        self._fit_count_label()
        self._update_count()

    def _fit_columns(self) -> None:
        """Each column at least as wide as its header in the current language."""
        header = self.table.horizontalHeader()
        bold = QFont(header.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        for column, width in enumerate(self.column_widths):
            spec = self.columns[column]
            sortable = spec.sort_key and self.default_order
            title = _(spec.header) + (f" {SORT_ARROWS[True]}" if sortable else "")  # room for the arrow
            needed = metrics.horizontalAdvance(title) + 24
            if spec.choices is not None:  # a column of fixed values: wide enough for the longest
                cells = QFontMetrics(self.table.font())
                needed = max(needed, min(MAX_CHOICE_WIDTH, max((cells.horizontalAdvance(text) + 16
                                                               for text in spec.choices()), default=0)))
            self.table.setColumnWidth(column, max(width, needed))

    def _fit_count_label(self) -> None:
        """The count label as large as its largest text in this language (a count in the millions),
        fixed: a new count changes its text only. A label whose size changed with each count had
        the whole window laid out again at each keystroke (~4 ms); its text stays where it was."""
        label = self.count_label
        label.ensurePolished()
        shown = label.text()
        largest = QSize()
        for text in (ngettext(*self.count_msgid, 8_888_888).format(n=8_888_888), _("Loading…")):
            label.setText(text)
            largest = largest.expandedTo(label.sizeHint())
        label.setText(shown)
        label.setFixedSize(largest.width() + 8, largest.height())

    def _update_count(self) -> None:
        if self._loaded_once or self.shown_query is not None:
            self.count_label.setText(ngettext(*self.count_msgid, self._count).format(n=self._count))
        else:
            self.count_label.setText(_("Loading…"))

    # ------------------------------------------------------------ loading

    def page_shown(self) -> None:
        if not self._loaded_once and not self._reading_rest:
            self.reload()
        elif self._stale:
            self._stale = False
            self.refresh_ids()

    def preload(self) -> None:
        if not self._loaded_once and not self._querying and not self._reading_rest:
            self.reload()

    def _on_changes(self, changes: frozenset[str], origin: object) -> None:
        if "people" in changes:
            self._drop_index()
            if self.isVisible() and self._loaded_once:  # read again behind what the change asks (a save re-queries)
                QTimer.singleShot(0, self, self._load_index)
        if "people" in changes and origin is not self:
            self._stale = True

    # ------------------------------------------------------------ the search held in memory

    def _drop_index(self) -> None:
        """People changed (here, elsewhere, or SQL said otherwise): searched in SQL until read again."""
        self._index_generation += 1
        self.search_index = None

    def _load_index_after_paint(self) -> None:
        """:meth:`_load_index` once the results now read are painted: the index is ~30 ms of Python
        on the worker, and a page opened by a click (before the warm-up built it) waited for it
        before its first screenful showed. A page not on screen (the warm-up) reads it at once."""
        if not self.searches_in_memory or self._index_loading or self.search_index is not None:
            return
        if not self.table.isVisible():
            self._load_index()
        elif self._load_index not in self._after_paint.then:
            self._after_paint.then.append(self._load_index)

    def _load_index(self) -> None:
        """Read the index on the database worker (behind what is queued), unless it is being read."""
        if not self.searches_in_memory or self._index_loading or self.search_index is not None:
            return
        self._index_loading = True
        generation = self._index_generation

        def arrived(index: Any) -> None:
            if generation == self._index_generation:
                self.search_index = index

        def done() -> None:
            self._index_loading = False
            if generation != self._index_generation and self._loaded_once:
                self._load_index()  # people changed while it was read

        DbOp(self, self.read_search_index, read_only=True).success(arrived).finally_(done).run()

    # ------------------------------------------------------------ order

    def order(self) -> str:
        """The current order as the services take it: ``"age"`` or ``"-age"``."""
        key, descending = self._order
        return f"-{key}" if descending else key

    def sort_by(self, key: str, descending: bool = False) -> None:
        """Show the rows in this order (re-queried in SQL); the header shows it."""
        if not self.default_order or not any(column.sort_key == key for column in self.columns):
            raise ValueError(key)
        if (key, descending) == self._order and self._loaded_once:
            return
        self._order = (key, descending)
        self._set_indicator()
        self.reload()

    def _set_indicator(self) -> None:
        key, descending = self._order
        column = next((i for i, c in enumerate(self.columns) if c.sort_key == key), None)
        self.model.set_sort_indicator(column, descending)

    def _header_clicked(self, column: int) -> None:
        """A header click: that column ascending, or the other way round when it is already the order."""
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        if not key:  # a column that cannot be sorted (tags): nothing happens
            return
        current, descending = self._order
        self.sort_by(key, not descending if key == current else False)

    def filters_changed(self) -> None:
        self.reload()

    def _search_changed(self, _text: str) -> None:
        # Each keystroke searches at once (the query takes milliseconds on the worker): no typing
        # pause to wait out. Keys typed while a query runs are searched together after it.
        self.reload()

    def _search_now(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Re-query the matching ids on the worker, with the rows of the first screenful. While a
        query runs, a newer search or filter waits for it and is queried next (only the newest):
        the worker never has a queue of searches nobody will see. With :attr:`first_screenful_first`
        only the first screenful's ids come (and their count); the whole list follows."""
        self._query_token += 1
        self._rest_wanted = None
        self._superseded.set()
        self._superseded = threading.Event()
        self._after_paint.release()  # a whole list waiting for a paint: skipped at once
        if self._querying:
            self._query_again = True
            return
        token = self._query_token
        query, filters = self.search.text(), dict(self.filter_values())
        if self.default_order:  # only pages that sort take an order
            filters["order"] = self.order()
        self._query_started = time.perf_counter()
        opening = self._opening() if not self._loaded_once else None
        if opening is not None and not query and filters == self._opening_filters():
            self._kept.take()  # shown now: not held any longer
            self._register_actions, self._actions_language = opening.actions, get_language()
            if opening.index is not None and self.search_index is None:
                self.search_index = opening.index
            self._ids_arrived(token, opening.ids, opening.rows, query=query, filters=filters)
            return
        found = self.match_in_memory(self.search_index, query, filters) if self.search_index is not None else None
        if found is not None:
            self._found_in_memory(token, query, filters, *found)
            return
        self._querying = True
        first = self.first_rows()
        in_two, limit = self.first_screenful_first, max(first, FIRST_IDS)

        def op(session: Any) -> tuple[list[str], list[Any], int]:
            if in_two:
                ids = self.query_ids(session, query, {**filters, "limit": limit})
                total = len(ids) if len(ids) < limit else self.count_ids(session, query, filters)
            else:
                ids = self.query_ids(session, query, filters)
                total = len(ids)
            return ids, self.fetch_rows(session, ids[:first]) if ids else [], total

        DbOp(self, op, read_only=True) \
            .success(lambda found: self._ids_arrived(token, *found, query=query, filters=filters)) \
            .finally_(self._query_done).run()

    def _found_in_memory(self, token: int, query: str, filters: dict[str, Any], ids: list[str], total: int) -> None:
        """A search answered from the index: read the rows of its first screenful here, as the table
        reads a page of rows it paints (``read_now``: no trip through the worker's queue and back),
        show every id and the count, then read the whole list from SQL after the paint."""
        first = ids[:self.first_rows()]
        # rows the table read since people last changed (the previous keystroke's first screenful,
        # pages scrolled to) are still those rows: only the others are read
        held = self.model.held(first) if self._rows_generation == self._index_generation else []
        kept = set(held)
        wanted = [item_id for item_id in first if item_id not in kept] if kept else first
        try:
            rows = self._fetch_rows_now(wanted) if wanted else []
        except RuntimeError:  # no database open here (a page built on its own): the worker reads them
            self._querying = True
            self._memory_ids = ids
            DbOp(self, lambda session: self.fetch_rows(session, first) if first else [], read_only=True) \
                .success(lambda rows: self._ids_arrived(token, ids, rows, total, query=query, filters=filters,
                                                        confirm=True)) \
                .finally_(self._query_done).run()
            return
        # every id at once: the bench measured no keystroke faster showing only the first ones (as the
        # SQL path does), and appending thousands of rows once SQL confirmed them took longer
        self._memory_ids = ids
        self._ids_arrived(token, ids, rows, total, query=query, filters=filters, confirm=True, keep=held)
        self._query_done()

    def first_rows(self) -> int:
        """How many rows to read with the ids: those the table shows at its height (a new search
        shows the top), and a few more; :data:`FIRST_ROWS` while it is not on screen yet."""
        if not self.table.isVisible():
            return FIRST_ROWS
        return min(FIRST_ROWS, self.table.viewport().height() // ROW_HEIGHT + SPARE_ROWS)

    def results_shown(self) -> bool:
        """Whether the table shows the results of the newest search and filters: at least their
        first screenful (:attr:`ids_complete` says whether the whole list is in too)."""
        return self.shown_query is not None and self._shown_token == self._query_token

    def _query_done(self) -> None:
        self._querying = False
        if self._query_again:
            self._query_again = False
            self.reload()
        elif self._rest_wanted is not None:
            self._read_rest()

    def _ids_arrived(self, token: int, ids: list[str], rows: Sequence[Any] = (), total: int | None = None, *,
                     query: str = "", filters: dict[str, Any] | None = None, confirm: bool = False,
                     keep: Sequence[str] = ()) -> None:
        """The results of search ``token`` (their first ids or all of them, the rows of the first
        screenful, the count). ``confirm``: found in memory, read again from SQL after the paint."""
        if token != self._query_token:
            return  # the search changed meanwhile: the newer one follows
        total = len(ids) if total is None else total
        selected = self._select_after_reload or self.current_id()
        self._select_after_reload = None
        self.model.set_ids(ids, rows, keep=keep)
        self._lay_out_now()
        self._rows_generation = self._index_generation
        search = (query, sorted((filters or {}).items()))
        if search != self._shown_search:  # a new search shows its top (the rows read with it)
            self.table.scrollToTop()
        self._shown_search = search
        self.shown_query = query
        self._shown_token = token
        self.last_query_ms = (time.perf_counter() - self._query_started) * 1000
        self._count = total
        self._from_memory = confirm
        self.ids_complete = len(ids) >= total and not confirm
        self._select_when_complete = None
        if selected and not self.select_id(selected) and not self.ids_complete:
            self._select_when_complete = selected  # further down the list: selected when it is in
        if not self.ids_complete:
            self._rest_wanted = (token, query, dict(filters or {}))
        self._update_count()
        self._update_buttons()
        if self.ids_complete:
            self._completed()
        self._load_index_after_paint()  # read from SQL: the next keystrokes are searched in memory

    def _lay_out_now(self) -> None:
        """Lay the table out for the rows it now has before it paints them: its scroll bar shown or
        hidden and the stretched column sized for it now, not by Qt after the first paint (a queued
        call, then a timer that repainted every row at the new width: the rows painted twice)."""
        table = self.table
        if not table.isVisible():
            return
        if (table.verticalHeader().length() > table.viewport().height()) == table.verticalScrollBar().isVisible():
            return  # the scroll bar stays as it is: nothing to lay out again (a forced layout cost
            # ~5 ms of each keystroke, more than the paint it saves)
        table.doItemsLayout()  # the scroll bar's range for these rows
        header = table.horizontalHeader()
        quiet = header.blockSignals(True)  # the stretched column resized: no repaint of every row after this one
        try:
            table.setVerticalScrollBarPolicy(table.verticalScrollBarPolicy())  # shows or hides it now
        finally:
            header.blockSignals(quiet)
        table.updateGeometries()  # the view's own geometry for the widths the header now has

    def _extend_quietly(self, ids: list[str]) -> bool:
        """``model.extend_ids(ids)`` without repainting the rows on screen when none of the rows
        appended can be among them (appended below the last row shown): Qt repaints the whole
        table when rows are inserted anywhere. The scroll bar follows (``updateGeometries``)."""
        table, model = self.table, self.model
        shown_below = table.rowAt(table.viewport().height() - 1)
        if not table.isVisible() or shown_below < 0 or shown_below >= model.rowCount() - 1:
            return model.extend_ids(ids)
        vertical = table.verticalHeader()
        quiet = vertical.blockSignals(True)  # its count changed: the view would repaint every row
        try:
            extended = model.extend_ids(ids)
        finally:
            vertical.blockSignals(quiet)
        table.updateGeometries()
        return extended

    def _read_rest(self) -> None:
        """Read the whole list of the search whose first screenful is shown (unless a newer search
        came meanwhile: then nothing, on the worker too)."""
        wanted, self._rest_wanted = self._rest_wanted, None
        if wanted is None or wanted[0] != self._query_token:
            return
        token, query, filters = wanted
        superseded = self._superseded
        self._reading_rest += 1
        painted = threading.Event()
        if self.table.isVisible():
            self._after_paint.waiting.append(painted)
        else:
            painted.set()
        if self.searches_in_memory and self.search_index is None and not self._index_loading:
            self._read_rest_with_index(token, query, filters, superseded, painted)
            return

        def op(session: Any) -> list[str] | None:
            painted.wait(PAINT_WAIT_S)  # the interpreter's lock is the paint's until it is done
            return None if superseded.is_set() else self.query_ids(session, query, filters)

        def done() -> None:
            self._reading_rest -= 1

        DbOp(self, op, read_only=True).success(lambda ids: self._rest_arrived(token, ids)).finally_(done).run()

    def _read_rest_with_index(self, token: int, query: str, filters: dict[str, Any], superseded: threading.Event,
                              painted: threading.Event) -> None:
        """The whole list of a search and the search index in one trip, while the index is not read
        yet (the page's first open): the index is read from SQL in the scope and order of the ids
        (:meth:`read_search_index`), so the whole list is the index's answer for the search when it
        can give one (``match_in_memory``); the ids are read with ``query_ids`` when it cannot. One
        read of every resident instead of two, one after the other."""
        self._index_loading = True
        generation = self._index_generation

        def op(session: Any) -> tuple[list[str] | None, Any]:
            painted.wait(PAINT_WAIT_S)  # the interpreter's lock is the paint's until it is done
            index = self.read_search_index(session)
            if superseded.is_set():
                return None, index
            found = self.match_in_memory(index, query, filters)
            return (found[0] if found is not None else self.query_ids(session, query, filters)), index

        def arrived(result: tuple[list[str] | None, Any]) -> None:
            ids, index = result
            if generation == self._index_generation:
                self.search_index = index
            self._rest_arrived(token, ids)

        def done() -> None:
            self._reading_rest -= 1
            self._index_loading = False
            if self.search_index is None and self._loaded_once:
                self._load_index()  # people changed while it was read (or it failed): read again

        DbOp(self, op, read_only=True).success(arrived).finally_(done).run()

    def _rest_arrived(self, token: int, ids: list[str] | None) -> None:
        if ids is None or token != self._query_token:
            return
        selected = self.current_id()
        wanted = self._select_after_reload or self._select_when_complete
        self._select_after_reload = self._select_when_complete = None
        if self._from_memory and list(ids) != self._memory_ids:
            self._drop_index()  # people changed behind the page's back (another window, the CLI …)
            self._load_index()
        self._from_memory = False
        if not self._extend_quietly(ids):  # the list changed between the two reads: shown afresh
            self.model.set_ids(ids)
            wanted = selected or wanted
            selected = None
        if wanted and selected is None:
            self.select_id(wanted)
        self._count = len(ids)
        self.ids_complete = True
        self._update_count()
        self._update_buttons()
        self._completed()

    def _completed(self) -> None:
        """Every matching id is in the table, and the count shown is theirs."""
        self.last_complete_ms = (time.perf_counter() - self._query_started) * 1000
        self._loaded_once = True
        if self._kept is not None:
            self._kept.value = None  # a warm read not shown (the filters changed first) is not held
        self.ids_loaded.emit(self._count)

    def _fetch_rows_now(self, ids: list[str]) -> list[Any]:
        return self.context.ops.read_now(lambda session: self.fetch_rows(session, ids))

    def refresh_ids(self, ids: list[str] | None = None) -> None:
        """After a save elsewhere: re-read those rows (or everything) and re-run the query."""
        self.model.refresh_rows(ids)
        self.reload()

    # ------------------------------------------------------------ selection and actions

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.id_at(index.row())

    def select_id(self, item_id: str) -> bool:
        row = self.model.row_of(item_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _update_buttons(self, *_args: Any) -> None:
        item = self.current_id()
        has = item is not None
        register, row = self._page_actions_now(), self._row_actions(item) or {}
        refused = register.get("new", "")
        self.new_button.setEnabled(refused is None)
        self.new_button.setToolTip(refused or "")
        self.edit_button.setEnabled(has)
        reason = row.get("delete", "")
        self.delete_button.setEnabled(has and reason is None)
        self.delete_button.setToolTip(reason or "")
        if self.export_kind:
            self.export_button.refresh()

    def _may(self, action: str, item_id: str | None = None) -> bool:
        actions = (self._row_actions(item_id) if item_id else self._page_actions_now()) or {}
        return actions.get(action, "") is None

    def new_item(self) -> bool:
        if not self._may("new"):
            return False
        self.create_item()
        return True

    def open_record(self, record_id: str) -> None:
        """Open the record and select its row once the list has it."""
        if not self.select_id(record_id):  # not listed yet (or filtered out): selected when it is
            self._select_after_reload = record_id
        self.open_item(record_id)

    def open_current(self) -> bool:
        item_id = self.current_id()
        if item_id is None:
            return False
        self.open_item(item_id)
        return True

    def delete_current(self) -> None:
        item_id = self.current_id()
        if item_id is None or not self._may("delete", item_id):
            return
        self.delete_item(item_id, self.model.row_object(self.model.row_of(item_id)))

    def saved(self, item_id: str) -> None:
        """A dialog saved ``item_id``: show it (re-query, then select it)."""
        self.model.refresh_rows([item_id])
        self._select_after_reload = item_id
        self.reload()
