"""群众诉求: the concerns list with overdue ones standing out, quick close, and a concern dialog
with progress notes, closing, satisfaction and escalation."""
from __future__ import annotations

import datetime as dt
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import concerns, mediation
from app.errors import ValidationError
from app.i18n import N_, Nn_, _, format_date
from ui.attachments import AttachmentsStrip
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.pages.register import RegisterPage
from ui.table_model import STYLED, Column, LazyTableModel
from ui.widgets import fill_combo, line_edit

OVERDUE = QColor("#c62828")
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
OVERDUE_BACKGROUND = QColor("#fdecea")


def _status(concern: Any) -> str:
    if concerns.is_overdue(concern):
        return _("Overdue")
    return concerns.state_label(concern.state)


CONCERN_COLUMNS = [
    Column(N_("Concern no."), lambda c: c.number),
    Column(N_("Raised on"), lambda c: format_date(c.raised_on, style="short")),
    Column(N_("Raised by"), lambda c: c.raised_by),
    Column(N_("Concern"), lambda c: c.title, tooltip=lambda c: c.description or c.title),
    Column(N_("Category"), lambda c: concerns.category_label(c.category, short=True),
           tooltip=lambda c: concerns.category_label(c.category),
           choices=lambda: [concerns.category_label(k, short=True) for k in concerns.CATEGORIES]),
    Column(N_("Handled by"), lambda c: c.assignee),
    Column(N_("Due"), lambda c: format_date(c.due_on, style="short")),
    Column(N_("Status"), _status,
           choices=lambda: [_("Overdue")] + [concerns.state_label(s) for s in concerns.STATES]),
]


class ConcernsModel(LazyTableModel):
    """The lazy model, with overdue concerns in red on a pale red background."""

    _day: tuple[float, dt.date] = (0.0, dt.date.min)  # (when asked, today): today read once a minute

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)  # compared as plain ints: every painted cell is asked both colour roles
        if role == _FOREGROUND or role == _BACKGROUND:
            row_number = index.row()
            row = self.row_object(row_number) if 0 <= row_number < self.rowCount() else None
            if row is not None and concerns.is_overdue(row, self._today()):
                return OVERDUE if role == _FOREGROUND else OVERDUE_BACKGROUND
            if role == _BACKGROUND:
                return None
        return super().data(index, role)

    def row_colours(self, row_number: int) -> Any:  # as data() colours them (CellDelegate paints them)
        row = self.row_object(row_number)
        if row is None:
            return STYLED
        return (OVERDUE, OVERDUE_BACKGROUND) if concerns.is_overdue(row, self._today()) else None

    def _today(self) -> dt.date:
        asked, day = self._day
        now = time.monotonic()
        if now - asked > 60:
            day = concerns.today()
            self._day = (now, day)
        return day


class ConcernsPage(RegisterPage):
    title_msgid = N_("Concerns")
    description_msgid = N_("Villagers' concerns (群众诉求): who raised what, who handles it, by when.")
    search_placeholder_msgid = N_("Search: number, name, concern or who handles it")
    count_msgid = Nn_("{n} concern", "{n} concerns")
    new_msgid = N_("New concern")
    columns = CONCERN_COLUMNS
    export_kind = "concerns"  # 导出Excel…
    column_widths = [90, 90, 80, 280, 100, 80, 90, 90]
    opening_filters = {"state": None, "overdue_only": False}  # warmed after sign-in

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self.delete_button.setVisible(False)  # concerns are closed or escalated, never deleted
        # The register's plain lazy model, replaced by one that colours overdue rows.
        self.model = ConcernsModel(self.columns, self._fetch_rows_now, parent=self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._fit_columns()
        self.dialog: QDialog | None = None
        self._update_buttons()

    def add_filters(self, toolbar: QHBoxLayout) -> None:
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("stateFilter")
        self.state_filter.currentIndexChanged.connect(lambda _i: self.filters_changed())
        toolbar.addWidget(self.state_filter)
        self.overdue_only = QCheckBox()
        self.overdue_only.setObjectName("overdueOnly")
        self.overdue_only.toggled.connect(lambda _on: self.filters_changed())
        toolbar.addWidget(self.overdue_only)

    def extra_buttons(self) -> list[QPushButton]:
        self.close_button = QPushButton()
        self.close_button.setObjectName("quickClose")
        self.close_button.clicked.connect(lambda: self.quick_close())  # not clicked(checked) as the resolution
        return [self.close_button]

    def retranslate_ui(self) -> None:
        fill_combo(self.state_filter, [(None, _("All states"))] + [(s, concerns.state_label(s))
                                                                   for s in concerns.STATES])
        self.overdue_only.setText(_("Overdue only"))
        self.close_button.setText(_("Close…"))
        super().retranslate_ui()

    def _update_buttons(self, *args: Any) -> None:
        super()._update_buttons(*args)
        if hasattr(self, "close_button"):
            item = self.current_id()
            row = self.model.row_object(self.model.row_of(item)) if item else None
            refused = self._page_actions_now().get("edit", "") or (
                _("The concern is already closed.") if row is not None and row.state == concerns.CLOSED else None)
            self.close_button.setEnabled(item is not None and refused is None)
            self.close_button.setToolTip(refused or "" if item else "")

    def page_actions(self, session: Any) -> dict[str, str | None]:
        return concerns.allowed_actions(session=session, actor=self.context.actor)

    def filter_values(self) -> dict[str, Any]:
        return {"state": self.state_filter.currentData(), "overdue_only": self.overdue_only.isChecked()}

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        return concerns.concern_ids(session=session, actor=self.context.actor, search=query, **filters)

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        return list(concerns.concern_rows(session=session, actor=self.context.actor, ids=ids).values())

    def create_item(self) -> None:
        dialog = ConcernDialog(self, self.context.actor)
        dialog.saved.connect(lambda concern: self.saved(concern.id))
        dialog.open()
        self.dialog = dialog

    def open_item(self, item_id: str) -> None:
        view = ConcernView(self, self.context.actor, item_id)
        view.changed.connect(lambda: self.refresh_ids([item_id]))
        view.open()
        view.reload()
        self.dialog = view

    def quick_close(self, resolution: str | None = None) -> None:
        """办结 the selected concern today with a one-line resolution."""
        item_id = self.current_id()
        if item_id is None:
            return
        if resolution is None:
            resolution, ok = QInputDialog.getText(self, _("Close the concern"), _("How was it resolved?"))
            if not ok:
                return
        actor = self.context.actor
        DbOp(self, lambda s: concerns.close_concern(session=s, actor=actor, concern_id=item_id,
                                                    resolution=resolution)) \
            .success(lambda c: (self.context.show_status(_("Concern {number} closed.").format(number=c.number)),
                                self.saved(c.id))).run()


class RaiserPicker(QWidget):
    """Who raised a concern: type a name or its pinyin (``zs`` finds 张三) and pick a resident or a
    household from the list; a name that is not in the register is kept as typed."""

    results_shown = Signal(int)
    DEBOUNCE_MS = 150

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent)
        self.actor = actor
        self.chosen: concerns.RaiserChoice | None = None
        self._token = 0
        self._setting = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.edit = line_edit(max_length=64, placeholder=_("Name or pinyin, e.g. zs for 张三"))
        self.edit.setObjectName("raiserSearch")
        self.edit.textEdited.connect(self._typed)
        column.addWidget(self.edit)
        self.results = QListWidget()
        self.results.setObjectName("raiserResults")
        self.results.setMaximumHeight(120)
        self.results.setVisible(False)
        self.results.itemActivated.connect(self._picked)
        self.results.itemClicked.connect(self._picked)
        column.addWidget(self.results)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.search)

    def _typed(self, _text: str) -> None:
        self.chosen = None  # typing again drops the choice: the text is a free name until one is picked
        self._timer.start()

    def search(self) -> None:
        self._timer.stop()
        self._token += 1
        token, text, actor = self._token, self.edit.text(), self.actor
        DbOp(self, lambda s: concerns.raiser_choices(session=s, actor=actor, query=text), read_only=True) \
            .success(lambda found: self._show(token, found)).run()

    def _show(self, token: int, found: list[concerns.RaiserChoice]) -> None:
        if token != self._token:
            return  # a newer search is on its way
        self.results.clear()
        for choice in found:
            item = QListWidgetItem(f"{choice.name}　{choice.detail}")
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        self.results_shown.emit(len(found))

    def _picked(self, item: QListWidgetItem) -> None:
        self.choose(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, choice: concerns.RaiserChoice) -> None:
        self.chosen = choice
        self.edit.setText(choice.name)
        self.results.setVisible(False)

    def clear(self) -> None:
        self.chosen = None
        self.edit.clear()
        self.results.clear()
        self.results.setVisible(False)

    def values(self) -> dict[str, Any]:
        """``resident_id``, ``household_id`` and ``raised_by`` for :func:`app.concerns.raise_concern`."""
        chosen = self.chosen
        if chosen is None:
            return {"resident_id": None, "household_id": None, "raised_by": self.edit.text()}
        return {"resident_id": chosen.resident_id, "household_id": chosen.household_id,
                "raised_by": chosen.name if chosen.resident_id else ""}


class ConcernDialog(FormDialog):
    """Record a concern raised on a visit or at the office (those raised at a meeting come from it)."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("New concern"), width=560)
        self.actor = actor
        self.title = line_edit(max_length=128)
        self.form.add("title", N_("Concern"), self.title, required=True)
        self.raised_by = RaiserPicker(self, actor)
        self.form.add("raised_by", N_("Raised by"), self.raised_by, required=True,
                      aliases=("resident_id", "household_id"))
        self.source = QComboBox()
        for code in ("visit", "office"):
            self.source.addItem(_(concerns.SOURCES[code]), code)
        self.form.add("source", N_("Where"), self.source, aliases=("meeting_id",))
        self.category = QComboBox()
        for code in concerns.CATEGORIES:
            self.category.addItem(concerns.category_label(code), code)
        self.form.add("category", N_("Category"), self.category)
        self.assignee = line_edit(max_length=64)
        self.form.add("assignee", N_("Handled by"), self.assignee)
        self.due_on = QDateEdit(dt.date.today() + dt.timedelta(days=concerns.DEFAULT_DUE_DAYS))
        self.due_on.setCalendarPopup(True)
        self.due_on.setDisplayFormat("yyyy-MM-dd")
        self.form.add("due_on", N_("Due"), self.due_on)
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.form.add("description", N_("Details"), self.description)
        self.finish_layout()

    def save_op(self) -> Any:
        values = dict(title=self.title.text(), **self.raised_by.values(), source=self.source.currentData(),
                      category=self.category.currentData(), assignee=self.assignee.text(),
                      due_on=self.due_on.date().toPython(), description=self.description.toPlainText())
        actor = self.actor
        return lambda session: concerns.raise_concern(session=session, actor=actor, **values)


class ConcernView(QDialog):
    """One concern: its details, progress notes, and the actions that fit its state."""

    changed = Signal()
    loaded = Signal()

    def __init__(self, parent: QWidget | None, actor: Any, concern_id: str):
        super().__init__(parent)
        self.actor, self.concern_id = actor, concern_id
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        self.details = QLabel()
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        self.attachments = AttachmentsStrip(self, actor, "concern", concern_id)
        layout.addWidget(self.attachments)
        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.text = QPlainTextEdit()
        self.text.setFixedHeight(60)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.note_button = QPushButton(_("Add progress note"))
        self.note_button.clicked.connect(self.add_note)
        self.close_button = QPushButton(_("Close with this resolution"))
        self.close_button.clicked.connect(self.close_concern)
        self.escalate_button = QPushButton(_("Escalate with this reason"))
        self.escalate_button.clicked.connect(self.escalate)
        self.satisfaction = QComboBox()
        for code in concerns.SATISFACTION:
            self.satisfaction.addItem(concerns.satisfaction_label(code), code)
        self.satisfaction_button = QPushButton(_("Record satisfaction"))
        self.satisfaction_button.clicked.connect(self.record_satisfaction)
        for widget in (self.note_button, self.close_button, self.escalate_button, self.satisfaction,
                       self.satisfaction_button):
            row.addWidget(widget)
        layout.addLayout(row)

    def reload(self) -> None:
        actor, concern_id = self.actor, self.concern_id

        def read(session: Any) -> tuple[Any, list[Any], dict[str, str | None], str | None]:
            return (concerns.concern(session=session, actor=actor, concern_id=concern_id),
                    concerns.notes(session=session, actor=actor, concern_id=concern_id),
                    concerns.allowed_actions(session=session, actor=actor, concern_id=concern_id),
                    # the link is kept on the case: mediation answers with the case's number only
                    mediation.concern_link(session=session, actor=actor, concern_id=concern_id))

        DbOp(self, read, read_only=True).success(self._show).run()
        self.attachments.reload()

    def _show(self, loaded: tuple[Any, list[Any], dict[str, str | None], str | None]) -> None:
        concern, notes, allowed, case_number = loaded
        self.setWindowTitle(f"{concern.number} {concern.title}")
        lines = [
            _("{number}: {title}").format(number=concern.number, title=concern.title),
            _("Raised by {who} on {date} ({source}); category {category}").format(
                who=concern.raised_by, date=format_date(concern.raised_on), source=_(concerns.SOURCES[concern.source]),
                category=concerns.category_label(concern.category)),
            _("Handled by {who}, due {date}; status {status}").format(
                who=concern.assignee or "—", date=format_date(concern.due_on), status=_status(concern)),
        ]
        if concern.resolution:
            lines.append(_("Resolution: {text}").format(text=concern.resolution))
        if concern.escalation_reason:
            lines.append(_("Escalated: {text}").format(text=concern.escalation_reason))
        if concern.satisfaction:
            lines.append(_("Satisfaction: {value}").format(value=concerns.satisfaction_label(concern.satisfaction)))
        if case_number:
            lines.append(_("Turned into mediation case {number}").format(number=case_number))
        self.details.setText("\n".join(lines))
        self.notes.setText("\n".join(f"{format_date(n.noted_on, style='short')}  {n.text}（{n.author}）" for n in notes))
        for action, widgets in (("note", (self.note_button,)), ("close", (self.close_button,)),
                                ("escalate", (self.escalate_button,)),
                                ("satisfaction", (self.satisfaction, self.satisfaction_button))):
            for widget in widgets:  # what the service allows now, and why not in the tooltip
                widget.setEnabled(allowed[action] is None)
                widget.setToolTip(allowed[action] or "")
        self.loaded.emit()

    def _run(self, op: Any) -> None:
        self.message.clear()

        def done(_result: Any) -> None:
            self.text.clear()
            self.changed.emit()
            self.reload()

        def refused(exc: Exception) -> None:
            self.message.setText("；".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc))

        DbOp(self, op).success(done).failure(refused).run()

    def add_note(self) -> None:
        actor, cid, text = self.actor, self.concern_id, self.text.toPlainText()
        self._run(lambda s: concerns.add_progress_note(session=s, actor=actor, concern_id=cid, text=text))

    def close_concern(self) -> None:
        actor, cid, text = self.actor, self.concern_id, self.text.toPlainText()
        self._run(lambda s: concerns.close_concern(session=s, actor=actor, concern_id=cid, resolution=text))

    def escalate(self) -> None:
        actor, cid, text = self.actor, self.concern_id, self.text.toPlainText()
        self._run(lambda s: concerns.escalate_concern(session=s, actor=actor, concern_id=cid, reason=text))

    def record_satisfaction(self) -> None:
        actor, cid, value = self.actor, self.concern_id, self.satisfaction.currentData()
        self._run(lambda s: concerns.record_satisfaction(session=s, actor=actor, concern_id=cid, satisfaction=value))
