"""群众诉求 raised at a meeting: the meeting view's concerns tab (the list, and a form to record one
more), enabled and explained by :func:`app.meetings.allowed_actions` ("raise_concern").
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QDate,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app import concerns
from app.i18n import N_, _, format_date, ngettext
from ui.ops import DbOp
from ui.pages.concerns import RaiserPicker
from ui.pages.meetings.models import RowsModel, small_table
from ui.table_model import Column
from ui.widgets import line_edit


class ConcernsTab:
    """Mixed into :class:`ui.pages.meetings.view.MeetingView`, which provides ``tabs``, ``record``,
    ``allowed``, ``message``, ``_button``, ``_allow``, ``_refused``, ``changed`` and ``reload``."""

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
        self.concerns_table = small_table(self.concerns_model, "meetingConcerns")
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

    def _show_concerns(self, meeting: Any) -> None:
        self.concerns_model.set_rows(self.record.concerns)
        self._allow("raise_concern", self.concern_title, self.raiser, self.concern_category, self.concern_assignee,
                    self.concern_due, self.concern_button)
        raised = len(self.record.concerns)
        self.concern_hint.setText(self.allowed["raise_concern"] or ngettext(
            "{n} concern raised at this meeting; it is listed in the minutes.",
            "{n} concerns raised at this meeting; they are listed in the minutes.", raised).format(n=raised))
        day = meeting.held_on or meeting.starts_at.astimezone().date()
        if not self.concern_title.text():  # not while something is being typed
            due = day + dt.timedelta(days=concerns.DEFAULT_DUE_DAYS)
            self.concern_due.setMinimumDate(QDate(day.year, day.month, day.day))
            self.concern_due.setDate(QDate(due.year, due.month, due.day))

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
