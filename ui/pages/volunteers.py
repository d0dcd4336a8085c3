"""党员志愿服务队: teams with their members, activities with who was assigned and the minutes they
served (a no-show earns nothing), and hours by person, team, kind of activity or month."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app import volunteers as v
from app.i18n import N_, _, format_date
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.pages.base import Page, PageHeader
from ui.pages.community import KeptRead, current_row, enable, line, make_table, open_document, resident_picker
from ui.pages.register import ExportExcelButton
from ui.table_model import RIGHT, Column
from ui.widgets import LazyTabs, fill_combo, set_message


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


TEAM_COLUMNS = [
    Column(N_("Team"), lambda t: t.name),
    Column(N_("Kind"), lambda t: v.team_kind_label(t.kind).split(" (")[0].split("（")[0],
           tooltip=lambda t: v.team_kind_label(t.kind)),
    Column(N_("Leader"), lambda t: t.leader_name),
    Column(N_("Members"), lambda t: t.members, RIGHT),
]
MEMBER_COLUMNS = [
    Column(N_("Name"), lambda m: m.name),
    Column(N_("Party member"), lambda m: "✔" if m.party_member else ""),
    Column(N_("Joined"), lambda m: format_date(m.joined_on, style="short")),
    Column(N_("Left"), lambda m: format_date(m.left_on, style="short") if m.left_on else ""),
]
ACTIVITY_COLUMNS = [
    Column(N_("Date"), lambda a: format_date(a.held_on, style="short")),
    Column(N_("Activity"), lambda a: a.title, tooltip=lambda a: a.description),
    Column(N_("Kind"), lambda a: v.kind_label(a.kind), choices=lambda: [v.kind_label(k) for k in v.ACTIVITY_KINDS]),
    Column(N_("Team"), lambda a: a.team_name),
    Column(N_("Place"), lambda a: a.place),
    Column(N_("Assigned"), lambda a: a.assigned, RIGHT),
]
ASSIGNMENT_COLUMNS = [
    Column(N_("Name"), lambda a: a.name),
    Column(N_("Scheduled (h)"), lambda a: _hours(a.scheduled_minutes), RIGHT),
    Column(N_("Served (h)"), lambda a: _hours(a.served_minutes), RIGHT),
    Column(N_("State"), lambda a: v.state_label(a.state), choices=lambda: [v.state_label(s) for s in v.STATES]),
]
HOURS_COLUMNS = [
    Column(N_("Who or what"), lambda r: r.label),
    Column(N_("Hours"), lambda r: f"{r.hours:.1f}", RIGHT),
    Column(N_("Services"), lambda r: r.services, RIGHT),
    Column(N_("People"), lambda r: r.people, RIGHT),
]
GROUPING_LABELS = {"person": N_("By person"), "team": N_("By team"), "kind": N_("By kind of activity"),
                   "month": N_("By month")}


@dataclasses.dataclass(frozen=True)
class Opening:
    """What the page first reads (:meth:`VolunteersPage.warm_reads`, kept for its first read): its
    actions, and the activities tab's activities and teams (ActivitiesTab.reload)."""

    actions: dict[str, str | None]
    activities: list[Any]
    teams: list[Any]


class VolunteersPage(Page):
    loaded = Signal()

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self.actor = context.actor
        self.kept = KeptRead(self, Opening)  # the warm read, for the activities' first read
        self._actions: dict[str, str | None] | None = self.kept.value.actions if self.kept.value else None
        self._loaded_once = False
        self.dialog: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        self.header = PageHeader(N_("Volunteers"), N_("Volunteer teams (党员志愿服务队), their activities (微活动, "
                                                      "微服务) and the hours served."))
        layout.addWidget(self.header)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("volunteerTabs")
        layout.addWidget(self.tabs, 1)
        # The activities are built with the page; the teams and the hours the first time opened.
        self.lazy_tabs = LazyTabs(self.tabs)
        self.lazy_tabs.add(lambda: ActivitiesTab(self), now=True)
        for tab_class in (TeamsTab, HoursTab):
            self.lazy_tabs.add(lambda tab_class=tab_class: self._new_tab(tab_class))
        self.tabs.currentChanged.connect(lambda _i: self.tabs.currentWidget().reload())
        self.export_button = ExportExcelButton(self, "hours")  # 导出Excel… the hours ledger
        self.tabs.setCornerWidget(self.export_button)
        self.retranslate_ui()
        if self.kept.value is not None:  # shown now, before the page is: laid out and painted once, with its rows
            self.page_shown()

    def _new_tab(self, tab_class: type) -> Any:
        tab = tab_class(self)
        tab.retranslate_ui()  # in the language of the day
        return tab

    @property
    def activities(self) -> ActivitiesTab:
        return self.lazy_tabs.widget(0)

    @property
    def teams(self) -> TeamsTab:
        return self.lazy_tabs.widget(1)

    @property
    def hours(self) -> HoursTab:
        return self.lazy_tabs.widget(2)

    def actions(self) -> dict[str, str | None]:
        if self._actions is None:
            actor = self.actor
            try:
                self._actions = self.context.ops.read_now(lambda s: v.allowed_actions(session=s, actor=actor))
            except RuntimeError:
                return {}
        return self._actions

    def retranslate_ui(self) -> None:
        self.header.retranslate_ui()
        for index, title in enumerate((_("Activities"), _("Teams"), _("Hours"))):
            self.tabs.setTabText(index, title)
        self.export_button.retranslate()
        for tab in self.lazy_tabs.built():
            tab.retranslate_ui()

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Opening:
        return Opening(v.allowed_actions(session=session, actor=actor), *ActivitiesTab.read(session, actor))

    def page_shown(self) -> None:
        if not self._loaded_once:
            self._loaded_once = True
            self.tabs.currentWidget().reload()

    def preload(self) -> None:
        self.page_shown()

    def new_item(self) -> bool:
        if self.actions().get("new_activity", "") is not None:
            return False
        self.tabs.setCurrentWidget(self.activities)
        self.activities.new_activity()
        return True


# ---------------------------------------------------------------- activities


class ActivitiesTab(QWidget):
    def __init__(self, page: VolunteersPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        self.team_rows: list[Any] = []
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(splitter, 1)  # before it is filled: its tables are styled once, as they are added
        self.table, self.model = make_table(ACTIVITY_COLUMNS, "activitiesTable", self, stretch=1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.load_assignments())
        splitter.addWidget(self.table)
        self.assignments, self.assignment_model = make_table(ASSIGNMENT_COLUMNS, "assignmentsTable", self)
        self.assignments.selectionModel().currentRowChanged.connect(lambda *_a: self.load_assignment_actions())
        splitter.addWidget(self.assignments)
        splitter.setSizes([260, 200])
        buttons = QHBoxLayout()
        self.new_button = QPushButton()
        self.new_button.setObjectName("newActivity")
        self.new_button.clicked.connect(self.new_activity)
        self.assign_button = QPushButton()
        self.assign_button.setObjectName("assign")
        self.assign_button.clicked.connect(self.assign)
        self.complete_button = QPushButton()
        self.complete_button.setObjectName("complete")
        self.complete_button.clicked.connect(self.complete)
        self.no_show_button = QPushButton()
        self.no_show_button.setObjectName("noShow")
        self.no_show_button.clicked.connect(lambda: self._act(v.record_no_show))
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelAssignment")
        self.cancel_button.clicked.connect(lambda: self._act(v.cancel_assignment))
        self.correct_button = QPushButton()
        self.correct_button.setObjectName("correctHours")
        self.correct_button.clicked.connect(self.correct)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printHours")
        self.print_button.clicked.connect(lambda: open_document(self, self.actor, "volunteer_hours", "latest",
                                                                _("Volunteer hours")))
        for button in (self.new_button, self.assign_button, self.complete_button, self.no_show_button,
                       self.cancel_button, self.correct_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.assignment_actions: dict[str, str | None] = {}

    def retranslate_ui(self) -> None:
        self.new_button.setText(_("New activity…"))
        self.assign_button.setText(_("Assign a person…"))
        self.complete_button.setText(_("Completed…"))
        self.no_show_button.setText(_("Did not come"))
        self.cancel_button.setText(_("Take off"))
        self.correct_button.setText(_("Correct hours…"))
        self.print_button.setText(_("Hours publicity…"))
        self.model.retranslate()
        self.assignment_model.retranslate()
        self._update_buttons()

    def _update_buttons(self) -> None:
        actions, chosen = self.page.actions(), current_row(self.assignments)
        enable(self.new_button, actions.get("new_activity", ""))
        enable(self.assign_button, actions.get("assign", ""), needs=current_row(self.table))
        for key, button in (("complete", self.complete_button), ("no_show", self.no_show_button),
                            ("cancel", self.cancel_button)):
            enable(button, self.assignment_actions.get(key, "") if chosen else None, needs=chosen,
                   choose=_("Choose a person on the activity."))

    @staticmethod
    def read(session: Any, actor: Any) -> tuple[list[Any], list[Any]]:
        """The activities (the latest 300) and the teams (the new activity dialog's choices).
        Their dates are formatted here, on the worker: format_date remembers each, and the table
        measures all 300 on the GUI thread (babel takes ~30 µs a date: ~5 ms of the first open)."""
        activities = v.activities(session=session, actor=actor, limit=300)
        for activity in activities:
            format_date(activity.held_on, style="short")
        return activities, v.teams(session=session, actor=actor)

    def reload(self) -> None:
        kept = self.page.kept.take()  # the first read: the warm read's, if it still holds
        if kept is not None:
            self._loaded((kept.activities, kept.teams))
            return
        actor, read = self.actor, self.read
        DbOp(self, lambda s: read(s, actor), read_only=True).success(self._loaded).run()

    def _loaded(self, result: tuple[list[Any], list[Any]]) -> None:
        rows, self.team_rows = result
        selected = current_row(self.table)
        self.model.set_rows(rows)
        if selected is not None and self.model.row_of(selected.id) >= 0:
            self.table.selectRow(self.model.row_of(selected.id))
        self._update_buttons()
        self.page.loaded.emit()

    def load_assignments(self) -> None:
        act = current_row(self.table)
        self.assignment_actions = {}
        self._update_buttons()
        if act is None:
            return
        actor = self.actor
        DbOp(self, lambda s: v.assignments(session=s, actor=actor, activity_id=act.id), read_only=True) \
            .success(lambda rows: (self.assignment_model.set_rows(rows), self._update_buttons())).run()

    def load_assignment_actions(self) -> None:
        chosen = current_row(self.assignments)
        self.assignment_actions = {}
        self._update_buttons()
        if chosen is None:
            return
        actor = self.actor

        def shown(actions: dict[str, str | None]) -> None:
            self.assignment_actions = actions
            self._update_buttons()

        DbOp(self, lambda s: v.allowed_actions(session=s, actor=actor, assignment_id=chosen.id), read_only=True) \
            .success(shown).run()

    def _after(self, _result: Any = None) -> None:
        self.load_assignments()
        self.reload()

    def _act(self, fn: Any) -> None:
        chosen = current_row(self.assignments)
        if chosen is None:
            return
        actor = self.actor
        DbOp(self, lambda s: fn(session=s, actor=actor, assignment_id=chosen.id)).changes("volunteers") \
            .success(self._after).failure(lambda exc: set_message(self.message, str(exc), error=True)).run()

    def new_activity(self) -> None:
        self.page.dialog = dialog = ActivityDialog(self, self.actor, self.team_rows)
        dialog.saved.connect(lambda _a: self.reload())
        dialog.open()

    def assign(self) -> None:
        act = current_row(self.table)
        if act is None:
            return
        self.page.dialog = dialog = AssignDialog(self, self.actor, act)
        dialog.saved.connect(self._after)
        dialog.open()

    def complete(self) -> None:
        chosen = current_row(self.assignments)
        if chosen is None:
            return
        self.page.dialog = dialog = CompleteDialog(self, self.actor, chosen)
        dialog.saved.connect(self._after)
        dialog.open()


    def correct(self) -> None:
        chosen = current_row(self.assignments)
        if chosen is None:
            return
        self.page.dialog = dialog = CorrectHoursDialog(self, self.actor, chosen)
        dialog.saved.connect(self._after)
        dialog.open()


class ActivityDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, teams: list[Any]):
        super().__init__(parent, N_("New activity"), width=560)
        self.actor = actor
        self.kind = QComboBox()
        for code in v.ACTIVITY_KINDS:
            self.kind.addItem(v.kind_label(code), code)
        self.form.add("kind", N_("Kind"), self.kind, required=True)
        self.title = line(name="activityTitle")
        self.form.add("title", N_("Activity"), self.title, required=True)
        self.team = QComboBox()
        fill_combo(self.team, [(None, "—")] + [(t.id, t.name) for t in teams])
        self.form.add("team_id", N_("Team"), self.team)
        now = QDateTime(QDate.currentDate(), QTime(9, 0))
        self.starts_at = QDateTimeEdit(now)
        self.starts_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.starts_at.setCalendarPopup(True)
        self.form.add("starts_at", N_("Starts"), self.starts_at, required=True)
        self.ends_at = QTimeEdit(QTime(11, 0))
        self.ends_at.setDisplayFormat("HH:mm")
        self.form.add("ends_at", N_("Ends"), self.ends_at, required=True)
        self.place = line()
        self.form.add("place", N_("Place"), self.place)
        self.organiser = line()
        self.form.add("organiser", N_("Organiser"), self.organiser)
        self.description = line()
        self.form.add("description", N_("Description"), self.description)
        self.finish_layout()

    def save_op(self) -> Any:
        starts = self.starts_at.dateTime().toPython()
        ends = dt.datetime.combine(starts.date(), self.ends_at.time().toPython())
        values = dict(kind=self.kind.currentData(), title=self.title.text(), team_id=self.team.currentData(),
                      starts_at=starts, ends_at=ends, place=self.place.text(), organiser=self.organiser.text(),
                      description=self.description.text())
        actor = self.actor
        return lambda s: v.add_activity(session=s, actor=actor, **values)


class AssignDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, act: Any):
        super().__init__(parent, N_("Assign a person"), width=560)
        self.actor, self.activity_id = actor, act.id
        self.form.add("activity", N_("Activity"), QLabel(f"{format_date(act.held_on)} {act.title}"))
        self.person = resident_picker(self, actor, "assignPerson")
        self.form.add("resident_id", N_("Person"), self.person, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        from app.errors import ValidationError

        if self.person.choice is None:
            raise ValidationError({"resident_id": _("Choose the person from the list.")})
        actor, activity_id, resident_id = self.actor, self.activity_id, self.person.choice.id
        return lambda s: v.assign(session=s, actor=actor, activity_id=activity_id, resident_id=resident_id)


class CompleteDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, assignment: Any):
        super().__init__(parent, N_("Service completed"))
        self.actor, self.assignment_id = actor, assignment.id
        self.form.add("who", N_("Person"), QLabel(assignment.name))
        self.minutes = QSpinBox()
        self.minutes.setRange(1, v.MAX_MINUTES)
        self.minutes.setValue(assignment.scheduled_minutes)
        self.form.add("minutes", N_("Minutes served"), self.minutes, required=True)
        self.note = line()
        self.form.add("note", N_("Note"), self.note)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, assignment_id, minutes, note = self.actor, self.assignment_id, self.minutes.value(), self.note.text()
        return lambda s: v.record_completion(session=s, actor=actor, assignment_id=assignment_id, minutes=minutes,
                                             note=note)


class CorrectHoursDialog(FormDialog):
    """更正: the recorded minutes are reversed and the right figure recorded, both naming why."""

    def __init__(self, parent: QWidget | None, actor: Any, assignment: Any):
        super().__init__(parent, N_("Correct the hours served"))
        self.actor, self.assignment_id = actor, assignment.id
        self.form.add("who", N_("Person"), QLabel(assignment.name))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("correctMinutes")
        self.minutes.setRange(0, v.MAX_MINUTES)
        self.minutes.setValue(assignment.served_minutes)
        self.form.add("minutes", N_("Minutes served"), self.minutes, required=True,
                      hint=N_("The right figure; 0 takes the service off the hours. Nothing is edited: the old "
                              "figure is reversed and stays in the record."))
        self.reason = line(name="correctReason")
        self.form.add("reason", N_("Reason"), self.reason, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, assignment_id, minutes, reason = self.actor, self.assignment_id, self.minutes.value(), self.reason.text()
        return lambda s: v.correct_hours(session=s, actor=actor, assignment_id=assignment_id, minutes=minutes,
                                         reason=reason)


# ---------------------------------------------------------------- teams


class TeamsTab(QWidget):
    def __init__(self, page: VolunteersPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        self.table, self.model = make_table(TEAM_COLUMNS, "teamsTable", self)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.load_members())
        splitter.addWidget(self.table)
        self.members, self.member_model = make_table(MEMBER_COLUMNS, "membersTable", self)
        self.members.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        splitter.addWidget(self.members)
        layout.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton()
        self.new_button.setObjectName("newTeam")
        self.new_button.clicked.connect(self.new_team)
        self.add_button = QPushButton()
        self.add_button.setObjectName("addMember")
        self.add_button.clicked.connect(self.add_member)
        self.leave_button = QPushButton()
        self.leave_button.setObjectName("memberLeaves")
        self.leave_button.clicked.connect(self.member_leaves)
        for button in (self.new_button, self.add_button, self.leave_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setVisible(False)
        layout.addWidget(self.message)

    def retranslate_ui(self) -> None:
        self.new_button.setText(_("New team…"))
        self.add_button.setText(_("Add a member…"))
        self.leave_button.setText(_("Member leaves"))
        self.model.retranslate()
        self.member_model.retranslate()
        self._update_buttons()

    def _update_buttons(self) -> None:
        refused = self.page.actions().get("new_team", "")
        enable(self.new_button, refused)
        enable(self.add_button, refused, needs=current_row(self.table))
        member = current_row(self.members)
        enable(self.leave_button, refused or (_("The member has already left.") if member and member.left_on
                                              else None), needs=member)

    def reload(self) -> None:
        actor = self.actor
        DbOp(self, lambda s: v.teams(session=s, actor=actor), read_only=True).success(self._loaded).run()

    def _loaded(self, rows: list[Any]) -> None:
        selected = current_row(self.table)
        self.model.set_rows(rows)
        if selected is not None and self.model.row_of(selected.id) >= 0:
            self.table.selectRow(self.model.row_of(selected.id))
        self._update_buttons()
        self.page.loaded.emit()

    def load_members(self) -> None:
        team = current_row(self.table)
        self._update_buttons()
        if team is None:
            return
        actor = self.actor
        DbOp(self, lambda s: v.members(session=s, actor=actor, team_id=team.id), read_only=True) \
            .success(lambda rows: (self.member_model.set_rows([_Member(m) for m in rows]),
                                   self._update_buttons())).run()

    def new_team(self) -> None:
        self.page.dialog = dialog = TeamDialog(self, self.actor)
        dialog.saved.connect(lambda _t: self.reload())
        dialog.open()

    def add_member(self) -> None:
        team = current_row(self.table)
        if team is None:
            return
        self.page.dialog = dialog = MemberDialog(self, self.actor, team)
        dialog.saved.connect(lambda _m: (self.reload(), self.load_members()))
        dialog.open()

    def member_leaves(self) -> None:
        member = current_row(self.members)
        if member is None:
            return
        actor = self.actor
        DbOp(self, lambda s: v.remove_member(session=s, actor=actor, member_id=member.member_id)) \
            .changes("volunteers").success(lambda _r: (self.reload(), self.load_members())) \
            .failure(lambda exc: set_message(self.message, str(exc), error=True)).run()


class _Member:
    """A member row with the ``id`` the table model wants."""

    def __init__(self, row: Any):
        self._row = row
        self.id = row.member_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


class TeamDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("New team"), width=560)
        self.actor = actor
        self.name = line(name="teamName")
        self.form.add("name", N_("Team"), self.name, required=True)
        self.kind = QComboBox()
        for code in v.TEAM_KINDS:
            self.kind.addItem(v.team_kind_label(code), code)
        self.form.add("kind", N_("Kind"), self.kind, required=True)
        self.leader = resident_picker(self, actor, "teamLeader")
        self.form.add("leader_id", N_("Leader"), self.leader)
        self.founded_on = QDateEdit(QDate.currentDate())
        self.founded_on.setCalendarPopup(True)
        self.founded_on.setDisplayFormat("yyyy-MM-dd")
        self.form.add("founded_on", N_("Founded"), self.founded_on)
        self.finish_layout()

    def save_op(self) -> Any:
        leader = self.leader.choice.id if self.leader.choice else None
        values = dict(name=self.name.text(), kind=self.kind.currentData(), leader_id=leader,
                      founded_on=self.founded_on.date().toPython())
        actor = self.actor
        return lambda s: v.add_team(session=s, actor=actor, **values)


class MemberDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, team: Any):
        super().__init__(parent, N_("Add a member"), width=560)
        self.actor, self.team_id = actor, team.id
        self.form.add("team", N_("Team"), QLabel(team.name))
        self.person = resident_picker(self, actor, "memberPerson")
        self.form.add("resident_id", N_("Person"), self.person, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        from app.errors import ValidationError

        if self.person.choice is None:
            raise ValidationError({"resident_id": _("Choose the person from the list.")})
        actor, team_id, resident_id = self.actor, self.team_id, self.person.choice.id
        return lambda s: v.add_member(session=s, actor=actor, team_id=team_id, resident_id=resident_id)


# ---------------------------------------------------------------- hours


class HoursTab(QWidget):
    def __init__(self, page: VolunteersPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.grouping = QComboBox()
        self.grouping.setObjectName("hoursBy")
        self.grouping.currentIndexChanged.connect(lambda _i: self.reload())
        row.addWidget(self.grouping)
        self.year = QSpinBox()
        self.year.setObjectName("hoursYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(lambda _y: self.reload())
        row.addWidget(self.year)
        self.total = QLabel()
        self.total.setObjectName("hoursTotal")
        row.addWidget(self.total, 1)
        layout.addLayout(row)
        self.table, self.model = make_table(HOURS_COLUMNS, "hoursTable", self)
        layout.addWidget(self.table, 1)
        self.rows: list[Any] = []

    def retranslate_ui(self) -> None:
        fill_combo(self.grouping, [(k, _(GROUPING_LABELS[k])) for k in v.GROUPINGS])
        self.model.retranslate()
        self._total()

    def _total(self) -> None:
        minutes = sum(r.minutes for r in self.rows)
        self.total.setText(_("{year}: {hours} hours in all").format(year=self.year.value(), hours=_hours(minutes)))

    def reload(self) -> None:
        actor, by, year = self.actor, self.grouping.currentData() or "person", self.year.value()
        DbOp(self, lambda s: v.hours(session=s, actor=actor, by=by, start=dt.date(year, 1, 1),
                                     end=dt.date(year, 12, 31)), read_only=True).success(self._loaded).run()

    def _loaded(self, rows: list[Any]) -> None:
        self.rows = [_Hours(r) for r in rows]
        self.model.set_rows(self.rows)
        self._total()
        self.page.loaded.emit()


class _Hours:
    def __init__(self, row: Any):
        self._row = row
        self.id = row.key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)
