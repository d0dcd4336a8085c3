"""会议: the meetings list (filters by kind and state) and a meeting view that walks
notice → sign-in → agenda and votes → minutes → publish.

All reads and writes go through :class:`ui.ops.DbOp` to the services in :mod:`app.meetings`;
the small tables (sign-in list, agenda) are models over the rows the view loaded once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QDateTime, QLocale, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import concerns, meetings
from app.errors import ValidationError
from app.i18n import N_, _, format_date, format_datetime, format_percent, get_language
from ui.dialogs.base import FormDialog
from ui.ops import DbOp, show_error
from ui.pages.concerns import RaiserPicker
from ui.pages.register import RegisterPage
from ui.pdf_preview import PdfPreview, print_pdf
from ui.table_model import RIGHT, Column
from ui.widgets import fill_combo, line_edit


def _when(row: Any) -> str:
    local = row.starts_at.astimezone()
    return f"{format_date(local.date(), style='short')} {local:%H:%M}"


def _present(row: Any) -> str:
    return "" if row.present is None else str(row.present)


MEETING_COLUMNS = [
    Column(N_("Time"), _when),
    Column(N_("Meeting"), lambda r: r.title),
    Column(N_("Kind"), lambda r: meetings.kind_label(r.kind, short=True)),
    Column(N_("State"), lambda r: meetings.state_label(r.state)),
    Column(N_("Place"), lambda r: r.place),
    Column(N_("Should attend"), lambda r: f"{r.expected}{_(meetings.UNITS[r.expected_unit])}", RIGHT),
    Column(N_("Present"), _present, RIGHT),
    Column(N_("Attendance"), lambda r: format_percent(r.rate) if r.rate is not None else "", RIGHT),
]


class MeetingCalendar(QCalendarWidget):
    """A month with each day's meetings written in its cell (how many, and the first titles)."""

    BADGE = QColor("#1a73e8")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("meetingCalendar")
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.days: dict[dt.date, list[meetings.DayMeeting]] = {}

    def set_days(self, days: dict[dt.date, list[meetings.DayMeeting]]) -> None:
        self.days = days
        self.updateCells()

    def shown_range(self) -> tuple[dt.date, dt.date]:
        """The days the month page can show (it begins up to a week before the 1st and runs six weeks)."""
        first = dt.date(self.yearShown(), self.monthShown(), 1)
        return first - dt.timedelta(days=7), first + dt.timedelta(days=42)

    def paintCell(self, painter: QPainter, rect: QRect, date: QDate) -> None:  # noqa: N802 (Qt)
        super().paintCell(painter, rect, date)
        items = self.days.get(date.toPython())
        if not items:
            return
        painter.save()
        font = painter.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.8, 7))
        painter.setFont(font)
        line = painter.fontMetrics().height()
        badge = QRect(rect.right() - line - 3, rect.top() + 3, line, line)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.BADGE)
        painter.drawEllipse(badge)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(len(items)))
        painter.setPen(QColor("#3c4043"))
        top = rect.center().y() + line // 2 + 4  # under the day number Qt draws in the middle
        for item in items:
            if top + line > rect.bottom():
                break
            text = f"{item.starts_at:%H:%M} {item.title}"
            painter.drawText(QRect(rect.left() + 4, top, rect.width() - 8, line), Qt.AlignmentFlag.AlignLeft,
                             painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 8))
            top += line
        painter.restore()


class MeetingsPage(RegisterPage):
    """The meetings list (lazy, the default) or a month calendar; a day picked on the calendar
    filters the list to that day."""

    calendar_loaded = Signal()

    title_msgid = N_("Meetings")
    description_msgid = N_("坝坝会, 夜话屋场会, 党员大会, 村民(代表)会议 …: notice, sign-in, votes and minutes.")
    search_placeholder_msgid = N_("Search: title or place")
    count_msgid = N_("{n} meetings")
    new_msgid = N_("Call a meeting")
    columns = MEETING_COLUMNS
    column_widths = [150, 260, 110, 90, 160, 80, 60, 70]

    def __init__(self, context: Any, area_key: str):
        self.day: dt.date | None = None
        super().__init__(context, area_key)
        self.can_edit = context.actor.can("meetings.edit")
        self.delete_button.setVisible(False)  # meetings are cancelled, never deleted
        self.dialog: QDialog | None = None
        self.view: MeetingView | None = None
        # The list and the calendar share the table's place.
        self.stack = QStackedWidget()
        self.layout().replaceWidget(self.table, self.stack)
        self.stack.addWidget(self.table)
        self.calendar = MeetingCalendar()
        self.calendar.clicked.connect(lambda date: self.show_day(date.toPython()))
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.load_calendar())
        self.stack.addWidget(self.calendar)
        self._update_buttons()
        self.retranslate_ui()

    def add_filters(self, toolbar: QHBoxLayout) -> None:
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("stateFilter")
        for combo in (self.kind_filter, self.state_filter):
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed())
            toolbar.addWidget(combo)
        self.day_chip = QPushButton()
        self.day_chip.setObjectName("dayFilter")
        self.day_chip.setVisible(False)
        self.day_chip.clicked.connect(lambda: self.show_day(None))
        toolbar.addWidget(self.day_chip)
        self.list_button, self.calendar_button = QPushButton(), QPushButton()
        self.list_button.setObjectName("listView")
        self.calendar_button.setObjectName("calendarView")
        self.view_group = QButtonGroup(self)
        for button in (self.list_button, self.calendar_button):
            button.setCheckable(True)
            self.view_group.addButton(button)
            toolbar.addWidget(button)
        self.list_button.setChecked(True)
        self.calendar_button.toggled.connect(self._view_toggled)

    def retranslate_ui(self) -> None:
        fill_combo(self.kind_filter, [(None, _("All kinds"))] + [(k, meetings.kind_label(k, short=True))
                                                                 for k in meetings.KINDS])
        fill_combo(self.state_filter, [(None, _("All states"))] + [(s, meetings.state_label(s))
                                                                   for s in meetings.STATES])
        self.list_button.setText(_("List"))
        self.calendar_button.setText(_("Calendar"))
        self._show_day_chip()
        if hasattr(self, "calendar"):  # month and day names in the interface language
            self.calendar.setLocale(QLocale(QLocale.Language.English) if get_language() == "en"
                                    else QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        super().retranslate_ui()

    def _show_day_chip(self) -> None:
        self.day_chip.setVisible(self.day is not None)
        if self.day is not None:
            self.day_chip.setText(_("{date} ✕").format(date=format_date(self.day, style="medium")))
            self.day_chip.setToolTip(_("Show all days again"))

    def filter_values(self) -> dict[str, Any]:
        return {"kind": self.kind_filter.currentData(), "state": self.state_filter.currentData(), "on": self.day}

    def filters_changed(self) -> None:
        super().filters_changed()
        if self.in_calendar():
            self.load_calendar()

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        return meetings.meeting_ids(session=session, actor=self.context.actor, search=query, **filters)

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        return list(meetings.meeting_rows(session=session, actor=self.context.actor, ids=ids).values())

    # ------------------------------------------------------------ calendar

    def in_calendar(self) -> bool:
        return hasattr(self, "stack") and self.stack.currentWidget() is self.calendar

    def _view_toggled(self, calendar: bool) -> None:
        self.stack.setCurrentWidget(self.calendar if calendar else self.table)
        if calendar:
            self.load_calendar()

    def show_calendar(self) -> None:
        self.calendar_button.setChecked(True)

    def load_calendar(self) -> None:
        first, last = self.calendar.shown_range()
        actor, search = self.context.actor, self.search.text()
        kind, state = self.kind_filter.currentData(), self.state_filter.currentData()

        def loaded(days: dict[dt.date, list[meetings.DayMeeting]]) -> None:
            self.calendar.set_days(days)
            self.calendar_loaded.emit()

        DbOp(self, lambda s: meetings.meetings_by_day(session=s, actor=actor, first=first, last=last, kind=kind,
                                                      state=state, search=search), read_only=True) \
            .success(loaded).run()

    def show_day(self, day: dt.date | None) -> None:
        """The list, filtered to the meetings of ``day`` (all days again with None)."""
        self.day = day
        self._show_day_chip()
        self.list_button.setChecked(True)
        self.reload()

    # ------------------------------------------------------------ records

    def create_item(self) -> None:
        dialog = MeetingDialog(self, self.context.actor)
        dialog.saved.connect(lambda meeting: (self.saved(meeting.id), self.open_item(meeting.id)))
        dialog.open()
        dialog.load_choices()
        self.dialog = dialog

    def open_item(self, item_id: str) -> None:
        if self.view is not None:
            self.view.close()
        self.view = MeetingView(self, self.context.actor, item_id)
        self.view.changed.connect(lambda: self.refresh_ids([item_id]))
        self.view.show()
        self.view.reload()


class MeetingDialog(FormDialog):
    """会议通知: call a meeting."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("Call a meeting"), width=560)
        self.actor = actor
        self.kind = QComboBox()
        for kind in meetings.KINDS:
            self.kind.addItem(meetings.kind_label(kind), kind)
        self.form.add("kind", N_("Kind"), self.kind, required=True)
        self.title = line_edit(max_length=128)
        self.form.add("title", N_("Title"), self.title, required=True)
        self.starts_at = QDateTimeEdit(QDateTime.currentDateTime().addDays(3))
        self.starts_at.setCalendarPopup(True)
        self.starts_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.form.add("starts_at", N_("Time"), self.starts_at, required=True)
        self.place = line_edit(max_length=128)
        self.form.add("place", N_("Place"), self.place)
        self.scope = QComboBox()
        self.scope.addItem(_("Whole village"), ("village", None))
        self.form.add("scope", N_("Who is invited"), self.scope, aliases=("grid_id", "group_id"),
                      hint=N_("Party members, representatives and committees are invited whatever is chosen here."))
        self.host = line_edit(max_length=32)
        self.form.add("host_name", N_("Host"), self.host)
        self.recorder = line_edit(max_length=32)
        self.form.add("recorder_name", N_("Recorder"), self.recorder)
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.form.add("description", N_("Notice text"), self.description)
        self.finish_layout()

    def load_choices(self) -> None:
        actor = self.actor
        DbOp(self, lambda s: meetings.scope_choices(session=s, actor=actor), read_only=True) \
            .success(self._choices).run()

    def _choices(self, loaded: meetings.ScopeChoices) -> None:
        for group_id, name in loaded.groups:
            self.scope.addItem(_("Group: {name}").format(name=name), ("group", group_id))
        for grid_id, name in loaded.grids:
            self.scope.addItem(_("Grid: {name}").format(name=name), ("grid", grid_id))

    def save_op(self) -> Any:
        kind = self.kind.currentData()
        scope, target = self.scope.currentData()
        values = dict(kind=kind, title=self.title.text(), place=self.place.text(), scope=scope,
                      group_id=target if scope == "group" else None, grid_id=target if scope == "grid" else None,
                      host_name=self.host.text(), recorder_name=self.recorder.text(),
                      description=self.description.toPlainText(),
                      starts_at=self.starts_at.dateTime().toPython().astimezone())
        actor = self.actor
        return lambda session: meetings.plan_meeting(session=session, actor=actor, **values)


# ---------------------------------------------------------------- small models of the meeting view


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


def _table(model: QAbstractTableModel, name: str) -> QTableView:
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


STEPS = [N_("Notice"), N_("Sign-in"), N_("Agenda and votes"), N_("Minutes"), N_("Published")]
DOCUMENTS = {"meeting_notice": N_("Notice poster"), "sign_in_sheet": N_("Sign-in sheet"), "minutes": N_("Minutes")}


class MeetingView(QDialog):
    """One meeting, walked step by step. Each button runs one service call and reloads the record."""

    changed = Signal()
    loaded = Signal()
    refused = Signal(str)
    preview_loaded = Signal(str)  # the document kind now shown (empty when it could not be made)

    def __init__(self, parent: QWidget | None, actor: Any, meeting_id: str):
        super().__init__(parent)
        self.actor, self.meeting_id = actor, meeting_id
        self.record: meetings.MeetingRecord | None = None
        self.allowed: dict[str, str | None] = {}
        self.lines: list[Any] = []
        self.setMinimumSize(900, 660)
        self.setWindowTitle(_("Meeting"))
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        layout.addWidget(self.heading)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        self.steps = QLabel()
        self.steps.setObjectName("meetingSteps")
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.steps)
        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_notice_tab()
        self._build_sign_in_tab()
        self._build_agenda_tab()
        self._build_minutes_tab()
        self._build_concerns_tab()
        self._build_documents_tab()
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())

    # ------------------------------------------------------------ building

    def _button(self, text: str, slot: Any, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _build_notice_tab(self) -> None:
        tab = QWidget()
        column = QVBoxLayout(tab)
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        column.addWidget(self.notice_text)
        row = QHBoxLayout()
        self.print_notice_button = self._button(_("Notice poster…"), lambda: self.show_document("meeting_notice"),
                                                "printNotice")
        self.print_sheet_button = self._button(_("Sign-in sheet…"), lambda: self.show_document("sign_in_sheet"),
                                               "printSheet")
        self.cancel_reason = line_edit(max_length=255, placeholder=_("Reason for cancelling"))
        self.cancel_button = self._button(_("Cancel the meeting"), self.cancel_meeting, "cancelMeeting")
        for widget in (self.print_notice_button, self.print_sheet_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.cancel_reason)
        row.addWidget(self.cancel_button)
        column.addLayout(row)
        column.addStretch(1)
        self.tabs.addTab(tab, _("Notice"))

    def _build_sign_in_tab(self) -> None:
        tab = QWidget()
        column = QVBoxLayout(tab)
        self.attendance_label = QLabel()
        self.attendance_label.setObjectName("attendance")
        column.addWidget(self.attendance_label)
        self.sign_in_model = RowsModel([
            Column(N_("Present"), lambda r: ""),
            Column(N_("Name"), lambda r: r.name),
            Column(N_("Note"), lambda r: (_("guest") if not r.expected else "") + (r.note or "")),
        ], self, checkable=0)
        self.sign_in_model.checked = lambda r: r.present
        self.sign_in_model.toggled = self.toggle_present
        self.sign_in_table = _table(self.sign_in_model, "signInTable")
        column.addWidget(self.sign_in_table, 1)
        row = QHBoxLayout()
        self.head_count = QSpinBox()
        self.head_count.setObjectName("headCount")
        self.head_count.setRange(0, 100000)
        self.head_count_button = self._button(_("Save head count"), self.save_head_count, "saveHeadCount")
        self.guest_name = line_edit(max_length=64, placeholder=_("Guest name and title"))
        self.guest_button = self._button(_("Add guest"), self.add_guest, "addGuest")
        self.all_present_button = self._button(_("Everyone present"), self.everyone_present, "everyonePresent")
        self.held_button = self._button(_("Mark as held"), self.mark_held, "markHeld")
        self.held_button.setProperty("primary", True)
        for widget in (self.head_count, self.head_count_button, self.all_present_button, self.guest_name,
                       self.guest_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.held_button)
        column.addLayout(row)
        self.tabs.addTab(tab, _("Sign-in"))

    def _build_agenda_tab(self) -> None:
        tab = QWidget()
        column = QVBoxLayout(tab)
        self.agenda_model = RowsModel([
            Column(N_("Agenda item"), lambda item: item.title),
            Column(N_("Proposed by"), lambda item: item.proposer_name),
            Column(N_("Vote"), self._vote_text),
        ], self)
        self.agenda_table = _table(self.agenda_model, "agendaTable")
        self.agenda_table.selectionModel().selectionChanged.connect(lambda *_a: self._show_reason())
        column.addWidget(self.agenda_table, 1)
        self.vote_reason = QLabel()
        self.vote_reason.setObjectName("voteReason")
        self.vote_reason.setWordWrap(True)
        column.addWidget(self.vote_reason)
        row = QHBoxLayout()
        self.item_title = line_edit(max_length=128, placeholder=_("New agenda item"))
        self.item_proposer = line_edit(max_length=64, placeholder=_("Proposed by"))
        self.add_item_button = self._button(_("Add item"), self.add_item, "addItem")
        for widget in (self.item_title, self.item_proposer, self.add_item_button):
            row.addWidget(widget)
        column.addLayout(row)
        vote = QHBoxLayout()
        self.method = QComboBox()
        for code in meetings.METHODS:
            self.method.addItem(meetings.method_label(code), code)
        self.in_favour, self.against, self.abstain = QSpinBox(), QSpinBox(), QSpinBox()
        for box, name in ((self.in_favour, "inFavour"), (self.against, "against"), (self.abstain, "abstain")):
            box.setRange(0, 100000)
            box.setObjectName(name)
        self.scrutineer = line_edit(max_length=64, placeholder=_("Scrutineer"))
        self.teller = line_edit(max_length=64, placeholder=_("Teller"))
        self.vote_button = self._button(_("Record the vote"), self.record_vote, "recordVote")
        vote.addWidget(self.method)
        for label, box in ((_("For"), self.in_favour), (_("Against"), self.against), (_("Abstain"), self.abstain)):
            vote.addWidget(QLabel(label))
            vote.addWidget(box)
        for widget in (self.scrutineer, self.teller, self.vote_button):
            vote.addWidget(widget)
        column.addLayout(vote)
        # 记名投票: each voter's ballot; the counts above follow from them.
        self.ballots_box = QWidget()
        ballots = QHBoxLayout(self.ballots_box)
        ballots.setContentsMargins(0, 0, 0, 0)
        self.ballot_model = BallotModel(self)
        self.ballot_model.counts_changed.connect(self._ballot_counts)
        self.ballot_table = _table(self.ballot_model, "ballotTable")
        self.ballot_table.setItemDelegateForColumn(1, ChoiceDelegate(self.ballot_table))
        self.ballot_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.ballot_table.setColumnWidth(0, 220)
        self.ballot_table.setMaximumHeight(200)
        ballots.addWidget(self.ballot_table, 1)
        side = QVBoxLayout()
        self.ballot_hint = QLabel()
        self.ballot_hint.setObjectName("hint")
        self.ballot_hint.setWordWrap(True)
        self.all_for_button = self._button(_("All for"), lambda: self.ballot_model.set_all(meetings.FOR), "allFor")
        self.clear_ballots_button = self._button(_("Clear ballots"), self.ballot_model.clear_choices, "clearBallots")
        for widget in (self.ballot_hint, self.all_for_button, self.clear_ballots_button):
            side.addWidget(widget)
        side.addStretch(1)
        ballots.addLayout(side)
        column.addWidget(self.ballots_box)
        self.method.currentIndexChanged.connect(lambda _i: self._method_changed())
        self.tabs.addTab(tab, _("Agenda and votes"))
        self._method_changed()

    def _build_minutes_tab(self) -> None:
        tab = QWidget()
        column = QVBoxLayout(tab)
        self.minutes_state = QLabel()
        column.addWidget(self.minutes_state)
        self.minutes_body = QPlainTextEdit()
        self.minutes_body.setObjectName("minutesBody")
        column.addWidget(self.minutes_body, 1)
        self.addenda = QLabel()
        self.addenda.setWordWrap(True)
        column.addWidget(self.addenda)
        row = QHBoxLayout()
        self.save_minutes_button = self._button(_("Save draft"), self.save_minutes, "saveMinutes")
        self.approve_button = self._button(_("Approve and lock"), self.approve_minutes, "approveMinutes")
        self.addendum = line_edit(max_length=5000, placeholder=_("Addendum to approved minutes"))
        self.addendum_button = self._button(_("Add addendum"), self.add_addendum, "addAddendum")
        self.print_minutes_button = self._button(_("Preview and print…"), lambda: self.show_document("minutes"),
                                                 "printMinutes")
        self.publish_button = self._button(_("Publish"), self.publish, "publish")
        self.publish_button.setProperty("primary", True)
        for widget in (self.save_minutes_button, self.approve_button, self.addendum, self.addendum_button,
                       self.print_minutes_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.publish_button)
        column.addLayout(row)
        self.tabs.addTab(tab, _("Minutes"))

    def _build_concerns_tab(self) -> None:
        """群众诉求 raised at this meeting: the list, and a form to record one more."""
        tab = QWidget()
        column = QVBoxLayout(tab)
        self.concerns_model = RowsModel([
            Column(N_("Concern no."), lambda c: c.number),
            Column(N_("Raised by"), lambda c: c.raised_by),
            Column(N_("Concern"), lambda c: c.title),
            Column(N_("Category"), lambda c: concerns.category_label(c.category)),
            Column(N_("Handled by"), lambda c: c.assignee),
            Column(N_("Due"), lambda c: format_date(c.due_on, style="short")),
        ], self)
        self.concerns_table = _table(self.concerns_model, "meetingConcerns")
        for index, width in enumerate((90, 90, 300, 100, 90)):
            self.concerns_table.setColumnWidth(index, width)
        column.addWidget(self.concerns_table, 1)
        self.concern_hint = QLabel()
        self.concern_hint.setObjectName("hint")
        self.concern_hint.setWordWrap(True)
        column.addWidget(self.concern_hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.concern_title = line_edit(max_length=128, placeholder=_("What the villager asks for"))
        self.concern_title.setObjectName("concernTitle")
        self.raiser = RaiserPicker(self, self.actor)
        self.concern_category = QComboBox()
        self.concern_category.setObjectName("concernCategory")
        for code in concerns.CATEGORIES:
            self.concern_category.addItem(concerns.category_label(code), code)
        self.concern_assignee = line_edit(max_length=64, placeholder=_("Who handles it"))
        self.concern_assignee.setObjectName("concernAssignee")
        self.concern_due = QDateEdit()
        self.concern_due.setObjectName("concernDue")
        self.concern_due.setCalendarPopup(True)
        self.concern_due.setDisplayFormat("yyyy-MM-dd")
        self.concern_button = self._button(_("Record the concern"), self.raise_concern, "raiseConcern")
        self.concern_button.setProperty("primary", True)
        labels = ((_("Concern"), self.concern_title), (_("Raised by"), self.raiser))
        for row, (text, widget) in enumerate(labels):
            grid.addWidget(QLabel(_("{label}:").format(label=text)), row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(widget, row, 1, 1, 5)
        for index, (text, widget) in enumerate(((_("Category"), self.concern_category),
                                                (_("Handled by"), self.concern_assignee), (_("Due"), self.concern_due))):
            grid.addWidget(QLabel(_("{label}:").format(label=text)), 2, index * 2)
            grid.addWidget(widget, 2, index * 2 + 1)
        grid.setColumnStretch(3, 1)
        column.addLayout(grid)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.concern_button)
        column.addLayout(row)
        self.concerns_tab_index = self.tabs.addTab(tab, _("Concerns"))

    def _build_documents_tab(self) -> None:
        """The meeting's documents, previewed inside the app, printed through the system dialog."""
        tab = QWidget()
        column = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.document_kind = QComboBox()
        self.document_kind.setObjectName("documentKind")
        for kind, label in DOCUMENTS.items():
            self.document_kind.addItem(_(label), kind)
        self.document_kind.currentIndexChanged.connect(lambda _i: self.load_preview())
        self.print_button = self._button(_("Print…"), self.print_document, "printDocument")
        self.print_button.setProperty("primary", True)
        self.save_pdf_button = self._button(_("Save as PDF…"), lambda: self.print_pdf(self.document_kind.currentData()),
                                            "printSaveDocument")
        row.addWidget(self.document_kind)
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(self.save_pdf_button)
        column.addLayout(row)
        self.document_message = QLabel()
        self.document_message.setObjectName("formError")
        self.document_message.setWordWrap(True)
        self.document_message.setVisible(False)
        column.addWidget(self.document_message)
        self.preview = PdfPreview(self)
        self.preview.view.setZoomMode(self.preview.view.ZoomMode.FitInView)  # a whole page at a glance
        column.addWidget(self.preview, 1)
        self.documents_tab_index = self.tabs.addTab(tab, _("Documents"))

    # ------------------------------------------------------------ loading and showing

    def reload(self) -> None:
        actor, meeting_id = self.actor, self.meeting_id

        def read(session: Any) -> tuple[meetings.MeetingRecord, list[Any], dict[str, str | None]]:
            return (meetings.meeting_record(session=session, actor=actor, meeting_id=meeting_id),
                    meetings.attendance(session=session, actor=actor, meeting_id=meeting_id),
                    meetings.allowed_actions(session=session, actor=actor, meeting_id=meeting_id))

        DbOp(self, read, read_only=True).success(self._show).run()

    def _allow(self, action: str, *widgets: QWidget) -> None:
        """Enable ``widgets`` when the service allows ``action``; otherwise say why in their tooltip."""
        reason = self.allowed.get(action, "")
        for widget in widgets:
            widget.setEnabled(reason is None)
            widget.setToolTip(reason or "")

    def _show(self, loaded: tuple[meetings.MeetingRecord, list[Any], dict[str, str | None]]) -> None:
        self.record, self.lines, self.allowed = loaded
        m, att = self.record.meeting, self.record.attendance
        self.setWindowTitle(m.title)
        self.heading.setText(m.title)
        unit = _(meetings.UNITS[att.unit])
        rate = format_percent(att.rate) if att.rate is not None else "—"
        self.facts.setText(_("{kind} · {when} · {place} · host {host} · recorder {recorder}").format(
            kind=meetings.kind_label(m.kind, short=True), when=format_datetime(m.starts_at.astimezone()),
            place=m.place or "—", host=m.host_name or "—", recorder=m.recorder_name or "—"))
        self.attendance_label.setText(_("Should attend {expected}{unit}, present {present}{unit}, attendance {rate}")
                                      .format(expected=att.expected, present=att.present, unit=unit, rate=rate))
        self.notice_text.setText(m.description or _("(no notice text)"))
        self._show_steps(m)
        roster = att.mode == "roster"
        self.sign_in_model.toggled = self.toggle_present if self.allowed["sign_in"] is None else None
        self.sign_in_model.set_rows(self.lines)
        self.sign_in_table.setVisible(roster)
        self.all_present_button.setVisible(roster)
        self.head_count.setVisible(not roster)
        self.head_count_button.setVisible(not roster)
        self.head_count.setValue(att.present)
        self._allow("sign_in", self.all_present_button)
        self._allow("head_count", self.head_count, self.head_count_button)
        self._allow("invite_guest", self.guest_name, self.guest_button)
        self._allow("mark_held", self.held_button)
        self._allow("cancel", self.cancel_button, self.cancel_reason)
        self._allow("print_notice", self.print_notice_button, self.print_sheet_button)
        self.agenda_model.set_rows(self.record.agenda)
        self._allow("add_agenda_item", self.item_title, self.item_proposer, self.add_item_button)
        self._allow("record_vote", self.method, self.in_favour, self.against, self.abstain, self.scrutineer,
                    self.teller, self.vote_button, self.ballot_table, self.all_for_button, self.clear_ballots_button)
        self.ballot_model.set_lines(self.lines)
        self._method_changed()
        self._show_concerns(m)
        minutes = self.record.minutes
        locked = minutes is not None and minutes.approved_at is not None
        if minutes is None:
            self.minutes_state.setText(_("No minutes yet."))
        elif minutes.approved_at is not None:
            self.minutes_state.setText(_("Approved by {who} on {when}: locked; corrections go into an addendum.").format(
                who=minutes.approved_by, when=format_datetime(minutes.approved_at.astimezone())))
        else:
            self.minutes_state.setText(_("Draft"))
        if minutes is not None and (locked or not self.minutes_body.toPlainText()):
            self.minutes_body.setPlainText(minutes.body)
        self.minutes_body.setReadOnly(self.allowed["save_minutes"] is not None)
        self._allow("save_minutes", self.save_minutes_button)
        self._allow("approve_minutes", self.approve_button)
        self._allow("add_addendum", self.addendum, self.addendum_button)
        self.addenda.setText("\n".join(_("Addendum ({who}): {text}").format(who=a.author, text=a.body)
                                       for a in self.record.addenda))
        self._allow("print_minutes", self.print_minutes_button)
        self._allow("publish", self.publish_button)
        self._show_reason()
        if self.tabs.currentIndex() == self.documents_tab_index:
            self.load_preview()  # what was previewed may have changed
        self.loaded.emit()

    def _show_concerns(self, meeting: Any) -> None:
        self.concerns_model.set_rows(self.record.concerns)
        self._allow("raise_concern", self.concern_title, self.raiser, self.concern_category, self.concern_assignee,
                    self.concern_due, self.concern_button)
        self.concern_hint.setText(self.allowed["raise_concern"] or _(
            "{n} concerns raised at this meeting; they are listed in the minutes.").format(n=len(self.record.concerns)))
        day = meeting.held_on or meeting.starts_at.astimezone().date()
        if not self.concern_title.text():  # not while something is being typed
            due = day + dt.timedelta(days=concerns.DEFAULT_DUE_DAYS)
            self.concern_due.setMinimumDate(QDate(day.year, day.month, day.day))
            self.concern_due.setDate(QDate(due.year, due.month, due.day))

    def _show_steps(self, meeting: Any) -> None:
        if meeting.state not in meetings.STATE_ORDER:  # cancelled
            self.steps.setText(_("Cancelled: {reason}").format(reason=meeting.cancel_reason))
            return
        # the five steps of the walk, as far as the meeting's state has come
        reached = (1, 3, 4, 5)[meetings.STATE_ORDER.index(meeting.state)]
        parts = []
        for number, step in enumerate(STEPS, start=1):
            text = _(step)
            parts.append(f"<b>✔ {text}</b>" if number <= reached else f"<span style='color:#9aa0a6'>{text}</span>")
        self.steps.setText(" → ".join(parts))

    def _vote_text(self, item: Any) -> str:
        if self.record is None:
            return ""
        results = self.record.votes.get(item.id, [])
        if not results:
            return ""
        vote, outcome = results[-1]
        return _("{for_} / {against} / {abstain}: {result}").format(
            for_=vote.in_favour, against=vote.against, abstain=vote.abstain, result=outcome.result_label)

    def _selected_item(self) -> Any:
        index = self.agenda_table.currentIndex()
        rows = self.agenda_model.rows
        if index.isValid() and 0 <= index.row() < len(rows):
            return rows[index.row()]
        return rows[-1] if rows else None

    def _show_reason(self) -> None:
        item = self._selected_item()
        results = self.record.votes.get(item.id, []) if item is not None and self.record else []
        self.vote_reason.setText(results[-1][1].reason() if results else "")

    # ------------------------------------------------------------ actions

    def run(self, op: Any, done_message: str = "") -> None:
        """Run one service call; on success reload the record, on refusal show why."""
        self.message.clear()

        def success(_result: Any) -> None:
            self.changed.emit()
            self.reload()

        DbOp(self, op).success(success).failure(self._refused).run()

    def _refused(self, exc: Exception) -> None:
        text = "；".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
        self.message.setText(text)
        self.refused.emit(text)

    def toggle_present(self, line: Any, present: bool) -> None:
        actor, meeting_id = self.actor, self.meeting_id
        self.run(lambda s: meetings.sign_in(session=s, actor=actor, meeting_id=meeting_id,
                                            attendance_ids=[line.id], present=present))

    def everyone_present(self) -> None:
        actor, meeting_id = self.actor, self.meeting_id
        ids = [line.id for line in self.lines if line.expected and not line.present]
        self.run(lambda s: meetings.sign_in(session=s, actor=actor, meeting_id=meeting_id, attendance_ids=ids))

    def save_head_count(self) -> None:
        actor, meeting_id, count = self.actor, self.meeting_id, self.head_count.value()
        self.run(lambda s: meetings.set_head_count(session=s, actor=actor, meeting_id=meeting_id, count=count))

    def add_guest(self) -> None:
        actor, meeting_id, name = self.actor, self.meeting_id, self.guest_name.text()
        self.guest_name.clear()
        self.run(lambda s: meetings.invite_guest(session=s, actor=actor, meeting_id=meeting_id, name=name))

    def mark_held(self) -> None:
        actor, meeting_id = self.actor, self.meeting_id
        self.run(lambda s: meetings.mark_held(session=s, actor=actor, meeting_id=meeting_id))

    def cancel_meeting(self) -> None:
        actor, meeting_id, reason = self.actor, self.meeting_id, self.cancel_reason.text()
        self.run(lambda s: meetings.cancel_meeting(session=s, actor=actor, meeting_id=meeting_id, reason=reason))

    def add_item(self) -> None:
        actor, meeting_id = self.actor, self.meeting_id
        title, proposer = self.item_title.text(), self.item_proposer.text()
        self.item_title.clear()
        self.run(lambda s: meetings.add_agenda_item(session=s, actor=actor, meeting_id=meeting_id, title=title,
                                                    proposer_name=proposer))

    def record_vote(self) -> None:
        item = self._selected_item()
        if item is None:
            self._refused(ValidationError({"agenda": _("Add the agenda item first.")}))
            return
        actor = self.actor
        values: dict[str, Any] = dict(method=self.method.currentData(), scrutineer=self.scrutineer.text(),
                                      teller=self.teller.text())
        if self._roll_call_by_name():
            values["ballots"] = self.ballot_model.ballots()  # the counts follow from the ballots
        else:
            values.update(in_favour=self.in_favour.value(), against=self.against.value(), abstain=self.abstain.value())
        self.run(lambda s: meetings.record_vote(session=s, actor=actor, agenda_item_id=item.id, **values))

    def _roll_call_by_name(self) -> bool:
        roster = self.record is None or self.record.meeting.attendance_mode == "roster"
        return self.method.currentData() == meetings.ROLL_CALL and roster

    def _method_changed(self) -> None:
        by_name = self._roll_call_by_name()
        self.ballots_box.setVisible(by_name)
        for box in (self.in_favour, self.against, self.abstain):
            box.setReadOnly(by_name)
            box.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons if by_name else QSpinBox.ButtonSymbols.UpDownArrows)
        if by_name:
            self._ballot_counts()

    def _ballot_counts(self) -> None:
        if not self._roll_call_by_name():
            return
        for box, value in zip((self.in_favour, self.against, self.abstain), self.ballot_model.counts(), strict=True):
            box.setValue(value)
        cast = sum(self.ballot_model.counts())
        self.ballot_hint.setText(_("{cast} of {present} signed in have voted. Choose each voter's ballot; the counts "
                                   "follow.").format(cast=cast, present=len(self.ballot_model.lines)))

    def raise_concern(self) -> None:
        """A concern raised at this meeting, by a resident or household picked from the register (or a name)."""
        if self.record is None:
            return
        actor, meeting = self.actor, self.record.meeting
        values = dict(title=self.concern_title.text(), category=self.concern_category.currentData(),
                      assignee=self.concern_assignee.text(), due_on=self.concern_due.date().toPython(),
                      raised_on=meeting.held_on or meeting.starts_at.astimezone().date(), **self.raiser.values())
        self.message.clear()

        def done(_concern: Any) -> None:
            self.concern_title.clear()
            self.concern_assignee.clear()
            self.raiser.clear()
            self.changed.emit()
            self.reload()

        DbOp(self, lambda s: concerns.raise_concern(session=s, actor=actor, source="meeting", meeting_id=meeting.id,
                                                    **values)).success(done).failure(self._refused).run()

    # ------------------------------------------------------------ documents

    def _tab_changed(self) -> None:
        if self.tabs.currentIndex() == self.documents_tab_index and self.record is not None:
            self.load_preview()

    def show_document(self, kind: str) -> None:
        """Open the documents tab on ``kind`` (notice poster, sign-in sheet or minutes)."""
        index = self.document_kind.findData(kind)
        if self.document_kind.currentIndex() != index:
            self.document_kind.blockSignals(True)
            self.document_kind.setCurrentIndex(index)
            self.document_kind.blockSignals(False)
        if self.tabs.currentIndex() == self.documents_tab_index:
            self.load_preview()
        else:
            self.tabs.setCurrentIndex(self.documents_tab_index)

    def load_preview(self) -> None:
        kind, actor, meeting_id = self.document_kind.currentData(), self.actor, self.meeting_id

        def make(session: Any) -> bytes:
            from app.printing import print_kind

            return print_kind(kind, session=session, actor=actor, ident=meeting_id)

        def shown(data: bytes) -> None:
            self.document_message.setVisible(False)
            ok = self.preview.set_pdf(data)
            self.print_button.setEnabled(ok)
            self.save_pdf_button.setEnabled(ok)
            self.preview_loaded.emit(kind if ok else "")

        def refused(exc: Exception) -> None:
            self.preview.clear()
            self.print_button.setEnabled(False)
            self.save_pdf_button.setEnabled(False)
            self.document_message.setText(str(exc))
            self.document_message.setVisible(True)
            self.preview_loaded.emit("")

        DbOp(self, make, read_only=True).success(shown).failure(refused).run()

    def print_document(self) -> None:
        if self.preview.page_count():
            print_pdf(self, self.preview.document)

    def save_minutes(self) -> None:
        actor, meeting_id, body = self.actor, self.meeting_id, self.minutes_body.toPlainText()
        self.run(lambda s: meetings.save_minutes(session=s, actor=actor, meeting_id=meeting_id, body=body))

    def approve_minutes(self) -> None:
        actor, meeting_id, body = self.actor, self.meeting_id, self.minutes_body.toPlainText()

        def op(session: Any) -> Any:
            minutes = meetings.minutes(session=session, actor=actor, meeting_id=meeting_id)
            if minutes is None or minutes.body != body.strip():  # save what is on screen first
                meetings.save_minutes(session=session, actor=actor, meeting_id=meeting_id, body=body)
            return meetings.approve_minutes(session=session, actor=actor, meeting_id=meeting_id)

        self.run(op)

    def add_addendum(self) -> None:
        actor, meeting_id, body = self.actor, self.meeting_id, self.addendum.text()
        self.addendum.clear()
        self.run(lambda s: meetings.add_addendum(session=s, actor=actor, meeting_id=meeting_id, body=body))

    def publish(self) -> None:
        actor, meeting_id = self.actor, self.meeting_id
        self.run(lambda s: meetings.publish_meeting(session=s, actor=actor, meeting_id=meeting_id))

    def print_pdf(self, kind: str, path: str | None = None) -> None:
        """Save the document as a PDF (the notices page previews and prints through the printer)."""
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, _("Save PDF"), f"{kind}.pdf", "PDF (*.pdf)")
            if not path:
                return
        actor, meeting_id = self.actor, self.meeting_id

        def op(session: Any) -> str:
            from app.printing import print_kind

            print_kind(kind, session=session, actor=actor, ident=meeting_id, out=Path(path))
            return path

        DbOp(self, op).success(lambda saved: self.message.setText(_("Saved {path}").format(path=saved))) \
            .failure(lambda exc: show_error(self, str(exc))).run()
