"""Pieces the volunteers, points and awards pages share: a plain table over a short list, a
search-as-you-type picker (households or residents), and a preview dialog for a print kind."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import meetings, people, points
from app.i18n import _
from ui.ops import DbOp, show_error
from ui.pages.base import KeptRead  # noqa: F401 - the pages import it from here too
from ui.pdf_preview import PdfPreview, print_pdf
from ui.render import RenderOp
from ui.table_model import CellDelegate, Column, ListTableModel, fit_columns_to_rows
from ui.table_view import PlainCellsView
from ui.widgets import line_edit, save_file_name, set_message


def make_table(columns: Sequence[Column], name: str, parent: QWidget, *, stretch: int = 0) -> tuple[QTableView,
                                                                                                      ListTableModel]:
    """A read-only, row-selecting table over a :class:`ListTableModel`, in the registers' look
    (alternating rows, no grid, one line a cell): its plain cells painted by the view in one call
    (ui.table_view; a grid left every cell to a call into Python of its own)."""
    model = ListTableModel(columns, parent=parent)
    table = PlainCellsView()
    table.setObjectName(name)
    table.setModel(model)
    table.setItemDelegate(CellDelegate(table))  # plain cells painted from the rows' texts
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setMinimumSectionSize(48)
    fit_columns_to_rows(table, stretch=stretch)
    return table, model


def current_row(table: QTableView) -> Any:
    index = table.currentIndex()
    return table.model().row_object(index.row()) if index.isValid() else None


def enable(button: QPushButton, refused: str | None, *, needs: Any = True, choose: str = "") -> None:
    """Enable ``button`` when nothing refuses it and what it needs is chosen; say why not in its tip."""
    if not needs:
        refused = refused or choose or _("Choose a row first.")
    button.setEnabled(refused is None)
    button.setToolTip(refused or "")


class Picker(QWidget):
    """A search field with the matches under it: type (name, pinyin initials or number), then Enter
    takes the first match — or ↓ into the list and Enter on one. ``chosen`` carries the choice."""

    chosen = Signal(object)
    results_shown = Signal(int)
    DEBOUNCE_MS = 150

    def __init__(self, parent: QWidget | None, search: Callable[[Any, str], list[Any]],
                 label: Callable[[Any], str], *, placeholder: str = "", name: str = "picker",
                 list_when_empty: bool = False):
        super().__init__(parent)
        self._search, self._label = search, label
        self._list_when_empty = list_when_empty  # an empty field lists the newest (meetings), not nothing
        self._token = 0
        self.choice: Any = None
        self._pending_enter = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.edit = line_edit(max_length=32, placeholder=placeholder)
        self.edit.setObjectName(name)
        self.edit.textEdited.connect(self._typed)
        self.edit.returnPressed.connect(self._enter)
        self.edit.installEventFilter(self)
        column.addWidget(self.edit)
        self.results = QListWidget()
        self.results.setObjectName(f"{name}Results")
        self.results.setMaximumHeight(130)
        self.results.setVisible(False)
        self.results.itemActivated.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        self.results.itemClicked.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        column.addWidget(self.results)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.search)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt)
        if watched is self.edit and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down and self.results.count():
            self.results.setFocus()
            self.results.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    def _typed(self, _text: str) -> None:
        self.choice = None
        self._timer.start()

    def _enter(self) -> None:
        if self._timer.isActive():  # typed faster than the search: take the first match when it comes
            self._pending_enter = True
            self.search()
        elif self.results.count():
            self.choose(self.results.item(0).data(Qt.ItemDataRole.UserRole))

    def search(self) -> None:
        self._timer.stop()
        self._token += 1
        token, text, fn = self._token, self.edit.text(), self._search
        if not text.strip() and not self._list_when_empty:
            self._show(token, [])
            return
        DbOp(self, lambda s: fn(s, text), read_only=True).success(lambda found: self._show(token, found)).run()

    def _show(self, token: int, found: list[Any]) -> None:
        if token != self._token:
            return
        self.results.clear()
        for choice in found:
            item = QListWidgetItem(self._label(choice))
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        self.results_shown.emit(len(found))
        if self._pending_enter:
            self._pending_enter = False
            if found:
                self.choose(found[0])

    def choose(self, choice: Any) -> None:
        self.choice = choice
        self.edit.setText(self._label(choice).split("　")[0])
        self.results.setVisible(False)
        self.chosen.emit(choice)

    def clear(self) -> None:
        self.choice = None
        self.edit.clear()
        self.results.clear()
        self.results.setVisible(False)


def household_picker(parent: QWidget | None, actor: Any, name: str = "householdSearch") -> Picker:
    """Households by head's name, pinyin initials or household number, with their balance."""
    return Picker(parent, lambda s, text: points.household_choices(session=s, actor=actor, query=text),
                  lambda c: _("{name}　no. {number}　{group}　{balance} points").format(
                      name=c.name, number=c.number or "—", group=c.group or "", balance=c.balance),
                  placeholder=_("Household: head's name, pinyin (wdm) or number"), name=name)


def resident_picker(parent: QWidget | None, actor: Any, name: str = "residentSearch") -> Picker:
    def search(session: Any, text: str) -> list[Any]:
        ids = people.resident_ids(session=session, actor=actor, query=text, include_inactive=False)[:20]
        return people.resident_rows(session=session, actor=actor, ids=ids) if ids else []

    return Picker(parent, search, lambda r: f"{r.name}　{r.household_number or ''} {r.group_name or ''}".rstrip(),
                  placeholder=_("Resident: name or pinyin (zs for 张三)"), name=name)


def meeting_picker(parent: QWidget | None, actor: Any, *, kind: str | None = None,
                   name: str = "meetingSearch") -> Picker:
    """Held meetings, newest first: the field starts with the latest listed, and typing a title,
    place or date (2026-11) reaches any of them, however old."""
    picker = Picker(parent, lambda s, text: meetings.held_meeting_choices(session=s, actor=actor, query=text,
                                                                         kind=kind),
                    lambda m: m.label, placeholder=_("Meeting: title, place or date (2026-11)"), name=name,
                    list_when_empty=True)
    picker.search()
    return picker


class DocumentDialog(QDialog):
    """The preview of one print kind (built on the database worker, rendered on the render
    thread) with Print… and Save as PDF…; a refusal (a ranking turned off) is shown instead."""

    loaded = Signal(bool)

    def __init__(self, parent: QWidget | None, actor: Any, kind: str, ident: str, title: str):
        super().__init__(parent)
        self.actor, self.kind, self.ident = actor, kind, ident
        self.setWindowTitle(title)
        self.resize(760, 660)
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        row = QHBoxLayout()
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printDocument")
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(_("Save as PDF…"))
        self.save_button.setObjectName("saveDocument")
        self.save_button.clicked.connect(self.save_pdf)
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
            row.addWidget(button)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.buttons.rejected.connect(self.reject)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self.title = title

    def load(self) -> None:
        kind, ident, actor = self.kind, self.ident, self.actor

        def build(session: Any) -> Any:
            from app.printing import preview_document

            return preview_document(kind, session=session, actor=actor, ident=ident)

        def render(document: Any) -> None:
            from app.printing import render as render_pdf

            self.title = document.title
            RenderOp(self, lambda: render_pdf(document)).success(self._shown).failure(self._refused).run()

        DbOp(self, build).success(render).failure(self._refused).run()

    def _shown(self, data: bytes) -> None:
        ok = self.preview.set_pdf(data)
        self.print_button.setEnabled(ok)
        self.save_button.setEnabled(ok)
        self.loaded.emit(ok)

    def _refused(self, exc: Exception) -> None:
        set_message(self.message, str(exc), error=True)
        self.loaded.emit(False)

    def print_document(self) -> None:
        if self.preview.page_count() and print_pdf(self, self.preview.document):
            from app.printing import record_print

            kind, ident, data, title = self.kind, self.ident, bytes(self.preview.data or b""), self.title
            DbOp(self, lambda s: record_print(s, kind, ident, title=title, data=data, printer=True)).run()

    def save_pdf(self) -> None:
        path = save_file_name(self, _("Save PDF"), f"{self.kind}.pdf", "PDF (*.pdf)")
        if not path:
            return
        kind, ident, actor = self.kind, self.ident, self.actor

        def op(session: Any) -> str:
            from app.printing import print_kind

            print_kind(kind, session=session, actor=actor, ident=ident, out=Path(path))
            return path

        DbOp(self, op).success(lambda saved: set_message(self.message, _("Saved {path}").format(path=saved),
                                                         error=False)) \
            .failure(lambda exc: show_error(self, str(exc))).run()


def open_document(parent: QWidget, actor: Any, kind: str, ident: str, title: str) -> DocumentDialog:
    dialog = DocumentDialog(parent, actor, kind, ident, title)
    dialog.open()
    dialog.load()
    return dialog


def line(text: str = "", name: str = "") -> QLineEdit:
    edit = line_edit(max_length=200)
    edit.setText(text)
    if name:
        edit.setObjectName(name)
    return edit
