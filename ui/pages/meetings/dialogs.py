"""会议通知: the dialog that calls a meeting."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QDateTime,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QPlainTextEdit,
    QWidget,
)

from app import meetings
from app.i18n import N_, _
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.widgets import line_edit


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
