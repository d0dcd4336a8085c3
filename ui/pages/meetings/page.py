"""会议: the meetings list (filters by kind and state) and its month calendar.

All reads and writes go through :class:`ui.ops.DbOp` to the services in :mod:`app.meetings`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QDate,
    QLocale,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from app import meetings
from app.i18n import N_, Nn_, _, format_date, format_percent, get_language
from ui.ops import DbOp
from ui.pages.meetings.dialogs import MeetingDialog
from ui.pages.meetings.view import MeetingView
from ui.pages.register import RegisterPage
from ui.table_model import RIGHT, Column
from ui.widgets import fill_combo


def _when(row: Any) -> str:
    local = row.starts_at.astimezone()
    return f"{format_date(local.date(), style='short')} {local:%H:%M}"


def _present(row: Any) -> str:
    return "" if row.present is None else str(row.present)


MEETING_COLUMNS = [
    Column(N_("Time"), _when),
    Column(N_("Meeting"), lambda r: r.title),
    Column(N_("Kind"), lambda r: meetings.kind_label(r.kind, short=True),
           choices=lambda: [meetings.kind_label(k, short=True) for k in meetings.KINDS]),
    Column(N_("State"), lambda r: meetings.state_label(r.state),
           choices=lambda: [meetings.state_label(s) for s in meetings.STATES]),
    Column(N_("Place"), lambda r: r.place),
    Column(N_("Should attend"), lambda r: meetings.count_label(r.expected, r.expected_unit), RIGHT),
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
        year, month = self.yearShown(), self.monthShown()
        if not (dt.MINYEAR <= year <= dt.MAXYEAR and 1 <= month <= 12):  # the year box while typed into shows 0
            today = dt.date.today()
            year, month = today.year, today.month
        first = dt.date(year, month, 1)
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
    count_msgid = Nn_("{n} meeting", "{n} meetings")
    new_msgid = N_("Call a meeting")
    columns = MEETING_COLUMNS
    export_kind = "meetings"  # 导出Excel…
    column_widths = [150, 260, 110, 90, 160, 80, 60, 70]
    opening_filters = {"kind": None, "state": None, "on": None}  # warmed after sign-in

    def __init__(self, context: Any, area_key: str):
        self.day: dt.date | None = None
        self._calendar: MeetingCalendar | None = None  # built the first time it is shown
        super().__init__(context, area_key)
        self.delete_button.setVisible(False)  # meetings are cancelled, never deleted
        self.dialog: QDialog | None = None
        self.view: MeetingView | None = None
        # The list and the calendar share the table's place.
        self.stack = QStackedWidget()
        self.layout().replaceWidget(self.table, self.stack)
        self.stack.addWidget(self.table)
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
        if self._calendar is not None:
            self._localize_calendar()
        super().retranslate_ui()

    def _localize_calendar(self) -> None:
        """Month and day names in the interface language."""
        assert self._calendar is not None
        self._calendar.setLocale(QLocale(QLocale.Language.English) if get_language() == "en"
                                 else QLocale(QLocale.Language.Chinese, QLocale.Country.China))

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

    def page_actions(self, session: Any) -> dict[str, str | None]:
        return meetings.allowed_actions(session=session, actor=self.context.actor)

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        return meetings.meeting_ids(session=session, actor=self.context.actor, search=query, **filters)

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        return list(meetings.meeting_rows(session=session, actor=self.context.actor, ids=ids).values())

    # ------------------------------------------------------------ calendar

    @property
    def calendar(self) -> MeetingCalendar:
        """The month calendar, built the first time it is asked for (most visits use the list)."""
        if self._calendar is None:
            calendar = MeetingCalendar()
            calendar.clicked.connect(lambda date: self.show_day(date.toPython()))
            calendar.currentPageChanged.connect(lambda _y, _m: self.load_calendar())
            self._calendar = calendar
            self._localize_calendar()
            self.stack.addWidget(calendar)
        return self._calendar

    def in_calendar(self) -> bool:
        return self._calendar is not None and self.stack.currentWidget() is self._calendar

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
