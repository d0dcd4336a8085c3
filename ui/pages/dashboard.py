"""工作台: what needs doing today, the village at a glance, and its last twelve months.

The to-do list comes from :func:`app.workbench.todo` (each area's items, most urgent first); a
click or Enter on an item opens its record (``open_area(page, record=id)``). The figure cards come
from the same statistics as ``villagedesk stats``: a section the statistics do not have is left
out, and a figure that cannot be computed yet (no concern due, no meeting held) shows "—". The
charts of the last twelve months (:mod:`ui.dashboard_charts`: SVG drawn by the app layer with the
月报's ReportLab charts, shown with QtSvg) are built the first time their tab is shown; 打印月报
prints the same figures as a one-page report.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import first_steps, workbench
from app.i18n import N_, _, format_number, format_percent
from ui import style
from ui.ops import DbOp, worker
from ui.pages.base import Page, PageContext, PageHeader


def _figure(section: str, key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda figures: figures.get(section, {}).get(key)


def _concerns_open(figures: dict[str, Any]) -> Any:
    """Concerns still being handled: every state but closed and escalated (app.concerns.STATES)."""
    c = figures.get("concerns", {})
    if not all(isinstance(c.get(k), int) for k in ("raised", "closed", "escalated")):
        return None
    return c["raised"] - c["closed"] - c["escalated"]


@dataclasses.dataclass(frozen=True)
class Card:
    label: str  # msgid
    value: Callable[[dict[str, Any]], Any]
    area: str  # the page a click opens
    percent: bool = False
    alert: bool = False  # a non-zero value is shown in red (overdue work)
    hint: str = ""  # msgid of a tooltip that says what is counted


@dataclasses.dataclass(frozen=True)
class Section:
    key: str  # the section of app.stats.collect
    title: str  # msgid
    cards: list[Card]
    only_with: str = ""  # a figure of the section that must be non-zero for it to show (no empty section)


SECTIONS: list[Section] = [
    Section("people", N_("Households and residents"), [
        Card(N_("Number of households"), _figure("people", "households"), "households"),
        Card(N_("Residents living in the village"), _figure("people", "residents"), "residents"),
        Card(N_("Party members"), _figure("people", "party_members"), "residents"),
        Card(N_("Villagers' groups"), _figure("people", "groups"), "village"),
        Card(N_("Grids"), _figure("people", "grids"), "village"),
    ]),
    Section("meetings", N_("Meetings"), [
        Card(N_("Meetings recorded"), _figure("meetings", "meetings"), "meetings",
             hint=N_("All meetings in the register, planned ones included.")),
        Card(N_("Meetings held"), _figure("meetings", "held"), "meetings",
             hint=N_("Held meetings, with or without approved minutes, since records began.")),
        Card(N_("Average attendance"), _figure("meetings", "attendance_rate"), "meetings", percent=True,
             hint=N_("Present against expected at held meetings.")),
    ]),
    Section("concerns", N_("Villagers' concerns"), [
        Card(N_("Being handled"), _concerns_open, "concerns",
             hint=N_("Concerns neither closed nor escalated to the township.")),
        Card(N_("Overdue"), _figure("concerns", "overdue"), "concerns", alert=True,
             hint=N_("Still being handled in the village and past their due date.")),
        Card(N_("Closure rate, last 12 months (办结率)"), _figure("concerns", "closure_rate_last_12_months"),
             "concerns", percent=True, hint=N_("Concerns due in the last twelve months that were closed on time.")),
        Card(N_("All concerns"), _figure("concerns", "raised"), "concerns", hint=N_("Since records began.")),
    ]),
    Section("mediation", N_("People's mediation"), [
        Card(N_("Cases being handled"), _figure("mediation", "open"), "mediation",
             hint=N_("Registered, accepted, investigated or in mediation.")),
        Card(N_("Over the 30-day limit"), _figure("mediation", "overdue"), "mediation", alert=True,
             hint=N_("Accepted more than 30 days ago (or past an extended limit) and not concluded.")),
        Card(N_("Near the limit"), _figure("mediation", "near_limit"), "mediation", alert=True,
             hint=N_("Five days or fewer left of the time limit.")),
        Card(N_("Success rate (调解成功率)"), _figure("mediation", "success_rate"), "mediation", percent=True,
             hint=N_("Agreements reached against cases concluded, since records began.")),
    ], only_with="cases"),
    Section("notices", N_("Public notices"), [
        Card(N_("On the notice board"), _figure("notices", "posted"), "notices",
             hint=N_("Posted notices in their publicity period (公示中).")),
        Card(N_("Publicity ending soon"), _figure("notices", "ending_soon"), "notices"),
        Card(N_("Notices this year"), _figure("notices", "issued_this_year"), "notices"),
    ]),
]

CARDS_PER_ROW = 5


class StatCard(QFrame):
    """One figure; clicking it (or Enter when focused) opens the page it comes from."""

    clicked = Signal()

    def __init__(self, card: Card):
        super().__init__()
        self.card = card
        self.setObjectName("statCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedWidth(190)  # cards line up in columns whatever the label's length
        self.setMinimumHeight(84)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._value: Any = None
        self._alert = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        self.value = QLabel("—")
        self.value.setObjectName("statValue")
        self.label = QLabel()
        self.label.setObjectName("statLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.retranslate_ui()

    @property
    def figure(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        if value is self._value or (type(value) is type(self._value) and value == self._value):
            return  # the same figure again (the page shown again): nothing to lay out or paint
        self._value = value
        self._show_value()

    def text(self) -> str:
        return self.value.text()

    def retranslate_ui(self) -> None:
        self.label.setText(_(self.card.label))
        self._show_value()

    def _show_value(self) -> None:
        value = self._value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            text = "—"
        elif self.card.percent:
            text = format_percent(value)
        else:
            text = format_number(value)
        self.value.setText(text)
        alert = self.card.alert and isinstance(value, int) and value > 0
        if alert != self._alert:
            self._alert = alert
            palette = self.value.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(style.ERROR if alert else style.ACCENT))
            self.value.setPalette(palette)
        tips = [_(self.card.hint)] if self.card.hint else []
        if text == "—":
            tips.append(_("No figure yet."))
        self.setToolTip("\n".join(tips))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


#: first-run step → (the permission its button needs, the area it opens; None: the users dialog)
STEP_TARGETS: dict[str, tuple[str, str | None]] = {
    "village": ("village.edit", "village"),
    "households": ("people.edit", "households"),
    "users": ("users.manage", None),
    "notice": ("notices.edit", "notices"),
}
STEP_BUTTONS: dict[str, str] = {
    "village": N_("Groups and grids…"),
    "households": N_("Households…"),
    "users": N_("Users and roles…"),
    "notice": N_("Notices…"),
}


# the choice to hide the list belongs to this village, not to every village opened on this PC
def _dismissed_key(village_name: str) -> str:
    import hashlib

    return "dashboard/first_steps_dismissed_" + hashlib.sha1(village_name.encode("utf-8")).hexdigest()[:12]


_dismissed: dict[tuple[str, str], bool] = {}  # read once per program's folder and village: settings()
# looks at its folder on disk each time (a few ms at every visit of the 工作台)


def first_steps_dismissed(village_name: str) -> bool:
    import os

    from ui.language import settings

    key = (os.environ.get("VILLAGEDESK_HOME", ""), village_name)
    if key not in _dismissed:
        _dismissed[key] = str(settings().value(_dismissed_key(village_name), "false")).lower() == "true"
    return _dismissed[key]


class FirstStepsBox(QGroupBox):
    """开始使用: the steps of a new village, each ticked when the store shows it done and each with a
    button to the page (or dialog) where it is done. Hidden once all are done or when dismissed
    (remembered per store in the program's settings)."""

    def __init__(self, page: DashboardPage):
        super().__init__()
        self.setObjectName("firstSteps")
        self.page = page
        self.steps: list[first_steps.FirstStep] = []
        self.dialog: QWidget | None = None
        column = QVBoxLayout(self)
        column.setSpacing(6)
        self.intro = QLabel()
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        column.addWidget(self.intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.marks: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        actor = page.context.actor
        for row, key in enumerate(first_steps.STEPS):
            mark, label, button = QLabel(), QLabel(), QPushButton()
            button.setObjectName(f"firstStep_{key}")
            permission, _area = STEP_TARGETS[key]
            button.setEnabled(actor.can(permission))
            button.clicked.connect(lambda _checked=False, key=key: self.open_step(key))
            grid.addWidget(mark, row, 0)
            grid.addWidget(label, row, 1)
            grid.addWidget(button, row, 2)
            self.marks[key], self.labels[key], self.buttons[key] = mark, label, button
        grid.setColumnStretch(3, 1)
        column.addLayout(grid)
        row = QHBoxLayout()
        row.addStretch(1)
        self.dismiss_button = QPushButton()
        self.dismiss_button.setObjectName("dismissFirstSteps")
        self.dismiss_button.clicked.connect(lambda: self.dismiss())
        row.addWidget(self.dismiss_button)
        column.addLayout(row)
        self.setVisible(False)  # until the store says what is done
        self.retranslate_ui()

    def _settings_key(self) -> str:
        return _dismissed_key(self.page.context.village_name)

    def dismissed(self) -> bool:
        return first_steps_dismissed(self.page.context.village_name)

    def dismiss(self) -> None:
        from ui.language import settings

        store = settings()
        store.setValue(self._settings_key(), "true")
        store.sync()
        _dismissed.clear()
        self.page.steps_dismissed = True
        self.setVisible(False)

    def show_steps(self, steps: list[first_steps.FirstStep]) -> None:
        self.steps = steps
        self.retranslate_ui()
        self.setVisible(bool(steps) and not all(s.done for s in steps) and not self.dismissed())

    def open_step(self, key: str) -> None:
        _permission, area = STEP_TARGETS[key]
        if area is not None:
            self.page.context.open_area(area)
            return
        from ui.dialogs.users import UsersDialog

        dialog = UsersDialog(self, self.page.context.actor)
        dialog.finished.connect(lambda _result: self.page.page_shown())
        self.dialog = dialog
        dialog.open()
        dialog.reload()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Getting started"))
        self.intro.setText(_("A new village: these steps set VillageDesk up. Each is ticked when it is done."))
        done = {s.key: s.done for s in self.steps}
        for key, label in first_steps.STEPS.items():
            self.labels[key].setText(_(label))
            self.marks[key].setText("✔" if done.get(key) else "○")
            self.marks[key].setToolTip(_("Done") if done.get(key) else _("Not done yet"))
            self.buttons[key].setText(_(STEP_BUTTONS[key]))
            if not self.buttons[key].isEnabled():
                self.buttons[key].setToolTip(_("Your role cannot do this step; ask the secretary."))
        self.dismiss_button.setText(_("Hide this list"))

    def step_done(self, key: str) -> bool:
        return any(s.key == key and s.done for s in self.steps)


SEVERITY_COLOURS = {workbench.ALERT: "#c62828", workbench.WARNING: "#9a5b00", workbench.INFO: "#1d2530"}
SEVERITY_MARKS = {workbench.ALERT: "⚠", workbench.WARNING: "●", workbench.INFO: "○"}
TODO_ROWS = 8  # the list shows this many lines before it scrolls


class TodoList(QListWidget):
    """The to-do items; a click, Enter or Return on one opens its record."""

    opened = Signal(object)  # the TodoItem

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("todoList")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setUniformItemSizes(True)
        self.setSpacing(1)
        self.itemClicked.connect(lambda item: self._open(item))

    def _open(self, item: QListWidgetItem | None) -> None:
        todo = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if todo is not None:
            self.opened.emit(todo)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open(self.currentItem())
            return
        super().keyPressEvent(event)

    def show_items(self, items: list[workbench.TodoItem]) -> None:
        self.clear()
        tip = _("Enter or click: open it")
        brushes = {severity: QBrush(QColor(colour)) for severity, colour in SEVERITY_COLOURS.items()}
        bold = QFont(self.font())
        bold.setBold(True)
        for todo in items:
            item = QListWidgetItem(f"{SEVERITY_MARKS.get(todo.severity, '○')}  {todo.text}")
            item.setData(Qt.ItemDataRole.UserRole, todo)
            item.setForeground(brushes.get(todo.severity, brushes[workbench.INFO]))
            if todo.severity == workbench.ALERT:
                item.setFont(bold)
            item.setToolTip(tip)
            self.addItem(item)
        if items:
            self.setCurrentRow(0)
        # the rows have one size (setUniformItemSizes): the first one's, as many times as shown
        shown = self.sizeHintForRow(0) * min(len(items), TODO_ROWS) if items else 0
        self.setFixedHeight(max(shown, self.fontMetrics().height() + 6) + 2 * self.frameWidth() + 6)

    def items(self) -> list[workbench.TodoItem]:
        return [self.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.count())]


@dataclasses.dataclass(frozen=True)
class FirstScreen:
    """What the 工作台 shows first, read in one go right after signing in."""

    todo: list[workbench.TodoItem]
    figures: dict[str, Any]


def read_first_screen(session: Any, actor: Any) -> FirstScreen | None:
    """The to-do list and the figures ``actor`` sees first (None: no figures for that role)."""
    if actor is None or not actor.can("stats.view"):
        return None
    figures = workbench.figures(session=session, actor=actor)
    return FirstScreen(todo=workbench.todo(session=session, actor=actor), figures=figures)


def first_screen_reader(ticket: Any) -> Callable[[Any], FirstScreen | None]:
    """The read of the first screen for the sign-in ``ticket``: run on the database worker after the
    password check, it reads only when that check let the user in (``ticket.actor``)."""

    def read(session: Any) -> FirstScreen | None:
        actor = ticket.actor
        if actor is None or not actor.can("stats.view"):
            return None
        return read_first_screen(session, actor)

    return read


AFTER_PAINT = QEvent.Type(QEvent.registerEventType())  # posted behind the paint of the first screen


class DashboardPage(Page):
    # The first screen after signing in is shown and painted, and what follows it is queued: the
    # window waits for this before its pause work (ui/main_window.py _when_settled).
    first_screen_shown = Signal()
    # Shown again with nothing saved in this window since its last read, the 工作台 keeps what it
    # shows for this long; then (a change made by another program, a day gone by) it reads again.
    UNCHANGED_FOR_S = 120.0

    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        self.todo_items: list[workbench.TodoItem] = []
        self.backup: workbench.TodoItem | None = None
        self.todo_loaded = False
        self.figures: dict[str, Any] = {}  # app.workbench.figures: the cards' sections
        self.figures_loaded = False  # every card has its figure (tests and bench/dashboard.py wait for it)
        # the first screen read right behind the password check (expect_first_screen): "" none,
        # "waiting" until it arrives, "arrived" once shown
        self.first_screen = ""
        self._read_at: float | None = None  # when the to-do list and figures were last read (monotonic)
        worker().operation_did_execute.connect(self._on_changes)
        self.steps_dismissed: bool | None = None  # 开始使用 hidden for this village (read once)
        self.charts: Any = None  # ui.dashboard_charts.MonthCharts, once its tab is shown
        self.dialog: QWidget | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 12)
        outer.setSpacing(6)
        top = QHBoxLayout()
        self.header = PageHeader(N_("Dashboard"), N_("What needs doing, and the village at a glance."))
        top.addWidget(self.header, 1)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printMonthlyReport")
        self.print_button.clicked.connect(lambda: self.print_report())
        self.print_button.setEnabled(False)  # until the actor is known (signed_in)
        top.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(top)
        self.welcome = QLabel()
        self.welcome.setObjectName("hint")
        outer.addWidget(self.welcome)
        self._outer = outer
        self._message: QLabel | None = None  # why a read was refused, made when there is one
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        outer.addWidget(self.tabs, 1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 10, 4, 10)
        layout.setSpacing(8)
        self._body = layout
        self._first_steps: FirstStepsBox | None = None  # built when the store says a step is still to do
        self.todo_title = QLabel()
        bold = QFont(self.todo_title.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.todo_title.setFont(bold)
        layout.addWidget(self.todo_title)
        self.todo = TodoList()
        self.todo.opened.connect(self.open_todo)
        layout.addWidget(self.todo)
        self._title_font = bold
        self._todo_empty: QLabel | None = None  # "nothing needs doing", made when that is so
        # (section key, card label msgid) → card; the sections, their titles and cards are built
        # with the first figures (until then there is nothing to show in them): the page and its
        # to-do list are painted first, with ~60 fewer widgets to make, polish and lay out
        self.cards: dict[tuple[str, str], StatCard] = {}
        self._grids: dict[str, QGridLayout] = {}
        self.section_titles: dict[str, QLabel] = {}
        self.section_boxes: dict[str, QWidget] = {}
        layout.addStretch(1)
        self.tabs.addTab(scroll, "")
        self.charts_tab = QWidget()  # its contents are made when it is first shown
        self.charts_tab.setObjectName("chartsTab")
        self.charts_hint: QLabel | None = None
        self.tabs.addTab(self.charts_tab, "")
        self.tabs.currentChanged.connect(lambda index: self._tab_changed(index))
        self.retranslate_ui()
        if context.actor is not None:
            self.signed_in()

    def signed_in(self) -> None:
        """What depends on who is signed in (``context.actor``): the page may be built while the
        password is checked (ui/main_window.py), with no actor yet and nothing read."""
        self.print_button.setEnabled(self.context.actor.can("stats.view"))
        self._retranslate_welcome()

    @property
    def first_steps(self) -> FirstStepsBox:
        """开始使用 (a new village), above the to-do list: built when first needed."""
        if self._first_steps is None:
            self._first_steps = FirstStepsBox(self)
            self._body.insertWidget(0, self._first_steps)
        return self._first_steps

    def card(self, section: str, label_msgid: str) -> StatCard:
        self._build_cards()
        return self.cards[(section, label_msgid)]

    @property
    def message(self) -> QLabel:
        if self._message is None:
            self._message = QLabel()
            self._message.setObjectName("hint")
            self._message.setWordWrap(True)
            self._message.setVisible(False)
            self._outer.insertWidget(self._outer.indexOf(self.tabs), self._message)
        return self._message

    @property
    def todo_empty(self) -> QLabel:
        if self._todo_empty is None:
            self._todo_empty = QLabel(_("Nothing needs doing today."))
            self._todo_empty.setObjectName("hint")
            self._todo_empty.setVisible(False)
            self._body.insertWidget(self._body.indexOf(self.todo) + 1, self._todo_empty)
        return self._todo_empty

    def _build_cards(self) -> None:
        if self.cards:
            return
        at = self._body.count() - 1  # before the stretch at the bottom
        for section in SECTIONS:
            box = QWidget()
            box.setVisible(False)  # until the figures say the section exists
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 8, 0, 0)
            column.setSpacing(6)
            title = QLabel(_(section.title))
            title.setFont(self._title_font)
            column.addWidget(title)
            grid = QGridLayout()
            grid.setSpacing(12)
            grid.setColumnStretch(CARDS_PER_ROW, 1)
            column.addLayout(grid)
            self._body.insertWidget(at, box)
            at += 1
            self._grids[section.key] = grid
            self.section_titles[section.key] = title
            self.section_boxes[section.key] = box
            for index, spec in enumerate(section.cards):
                card = StatCard(spec)
                card.clicked.connect(lambda area=spec.area: self.context.open_area(area))
                self.cards[(section.key, spec.label)] = card
                grid.addWidget(card, index // CARDS_PER_ROW, index % CARDS_PER_ROW)

    def retranslate_ui(self) -> None:
        self.steps_dismissed = None  # its key names the village, which may just have been renamed
        self.header.retranslate_ui()
        self._retranslate_welcome()
        self.print_button.setText(_("Print monthly report"))
        self.print_button.setToolTip(_("Last month and the eleven months before it, on one A4 page."))
        self.tabs.setTabText(0, _("To do and figures"))
        self.tabs.setTabText(1, _("Last twelve months"))
        self.todo_title.setText(_("To do"))
        if self._todo_empty is not None:
            self._todo_empty.setText(_("Nothing needs doing today."))
        if self.charts_hint is not None:
            self.charts_hint.setText(_("Twelve months to this one, from the registers."))
        for key, title in self.section_titles.items():
            title.setText(_(next(section.title for section in SECTIONS if section.key == key)))
        for card in self.cards.values():
            card.retranslate_ui()
        if self._first_steps is not None:
            self._first_steps.retranslate_ui()
        if self.todo_loaded:  # the items' sentences are in the old language
            self.load_todo()
        if self.charts is not None:
            self.load_charts()

    def _retranslate_welcome(self) -> None:
        actor = self.context.actor
        self.welcome.setText(_("{village} — signed in as {name}.").format(
            village=self.context.village_name, name=actor.display_name) if actor is not None else "")

    def page_shown(self) -> None:
        actor = self.context.actor
        if actor is None or not actor.can("stats.view"):
            return
        if self.first_screen == "waiting":  # read behind the password check, on its way: the
            return  # rest follows once it is painted (_first_screen_arrived)
        if not self._current():  # else nothing was saved since they were read: they are as shown
            self._read_at = time.monotonic()
            self.load_todo(backup=False)
            self.load_figures()
        self._load_the_rest()

    def _current(self) -> bool:
        read = self._read_at
        return (read is not None and self.todo_loaded and self.figures_loaded
                and time.monotonic() - read < self.UNCHANGED_FOR_S)

    # Saves that change neither the to-do list nor a figure: a backup made (its age is looked at
    # again at every show anyway).
    UNRELATED_CHANGES = frozenset({"backups"})

    def _on_changes(self, changes: frozenset[str], _origin: object) -> None:
        if not set(changes) <= self.UNRELATED_CHANGES:
            self._read_at = None  # anything else saved (a page, a dialog, an import): read again when shown

    def _load_the_rest(self) -> None:
        """What follows the to-do list and the figures: 开始使用's steps and the last backup's age."""
        actor = self.context.actor
        if self.steps_dismissed is None:
            self.steps_dismissed = first_steps_dismissed(self.context.village_name)
        if actor.can("village.edit") and not self.steps_dismissed:
            DbOp(self, lambda s: first_steps.first_steps(session=s, actor=actor), read_only=True) \
                .success(self._steps_arrived).run()
        self.load_backup()  # after the figures: it reads and checks files (the slowest read here)
        if self.charts is not None:
            self.load_charts()

    def _steps_arrived(self, steps: list[first_steps.FirstStep]) -> None:
        if steps and not all(s.done for s in steps) or self._first_steps is not None:
            self.first_steps.show_steps(steps)

    # ------------------------------------------------------------ the first screen after signing in

    def expect_first_screen(self, ticket: Any) -> None:
        """Queue the to-do list and the figures right behind the password check of ``ticket`` (a
        :class:`ui.start.SignInTicket`): the database worker reads them as soon as it has let the
        user in, with no round trip through this thread; for a refused sign-in it reads nothing."""
        self.first_screen = "waiting"
        DbOp(self, first_screen_reader(ticket), read_only=True) \
            .success(self._first_screen_arrived).failure(self._first_screen_failed).run()

    def prepare(self) -> None:
        """Built ahead of signing in (ui/main_window.py): the cards too, hidden until their figures."""
        self._build_cards()
        self.steps_dismissed = first_steps_dismissed(self.context.village_name)

    def _first_screen_arrived(self, screen: FirstScreen | None) -> None:
        if screen is None:  # the sign-in was refused (the page is about to go) or may not see figures
            self._first_screen_failed(None)
            return
        self.first_screen = "arrived"
        self._read_at = time.monotonic()
        self._todo_arrived(screen.todo)
        self._figures_arrived(screen.figures)
        # the rest once this is painted, with no read on the database worker meanwhile to share
        # Python's lock with: Qt posts a paint at low priority, this behind it
        QCoreApplication.postEvent(self, QEvent(AFTER_PAINT), int(Qt.EventPriority.LowEventPriority.value) - 1)

    def event(self, event: QEvent) -> bool:
        if event.type() == AFTER_PAINT:
            self._load_the_rest()
            self.first_screen_shown.emit()
            return True
        return super().event(event)

    def _first_screen_failed(self, exc: Exception | None) -> None:
        self.first_screen = ""
        if self.context.actor is not None and self.isVisible():  # read them the usual way
            self.page_shown()
        self.first_screen_shown.emit()
        if exc is not None:
            self._refused(exc)

    # ------------------------------------------------------------ to do

    def load_todo(self, backup: bool = True) -> None:
        actor = self.context.actor
        DbOp(self, lambda s: workbench.todo(session=s, actor=actor), read_only=True) \
            .success(self._todo_arrived).failure(self._refused).run()
        if backup:
            self.load_backup()

    def load_backup(self) -> None:
        # the last backup reads (and checks) files: it joins the list when it is known
        actor = self.context.actor
        DbOp(self, lambda s: workbench.backup_item(session=s, actor=actor), read_only=True) \
            .success(self._backup_arrived).run()

    def _todo_arrived(self, items: list[workbench.TodoItem]) -> None:
        self.todo_items = list(items)
        self.todo_loaded = True
        self._show_todo()

    def _backup_arrived(self, item: workbench.TodoItem) -> None:
        self.backup = item
        self._show_todo()

    def _show_todo(self) -> None:
        items = self.todo_items + ([self.backup] if self.backup is not None else [])
        self.todo.show_items(workbench.sorted_items(items))
        self.todo.setVisible(bool(items))
        if self.todo_loaded and not items or self._todo_empty is not None:
            self.todo_empty.setVisible(self.todo_loaded and not items)

    def open_todo(self, item: workbench.TodoItem) -> None:
        if item.record_id:
            self.context.open_area(item.page, record=item.record_id)
        else:
            self.context.open_area(item.page)

    def open_current(self) -> bool:
        item = self.todo.currentItem()
        if item is None or not self.todo.hasFocus():
            return False
        self.todo._open(item)
        return True

    # ------------------------------------------------------------ charts

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.charts is None:
            from ui.dashboard_charts import MonthCharts  # QtSvg: only when the charts are first shown

            charts_layout = QVBoxLayout(self.charts_tab)
            charts_layout.setContentsMargins(0, 6, 0, 0)
            self.charts_hint = QLabel(_("Twelve months to this one, from the registers."))
            self.charts_hint.setObjectName("hint")
            charts_layout.addWidget(self.charts_hint)
            self.charts = MonthCharts()
            charts_layout.addWidget(self.charts, 1)
            self.load_charts()

    def load_charts(self) -> None:
        actor = self.context.actor
        if not actor.can("stats.view"):
            return
        # drawn on the worker too (ReportLab, pure Python): the page only paints the SVG
        DbOp(self, lambda s: workbench.month_charts(session=s, actor=actor), read_only=True) \
            .success(self._series_arrived).failure(self._refused).run()

    def _series_arrived(self, charts: workbench.MonthCharts) -> None:
        if self.charts is not None:
            self.charts.show_charts(charts)

    def print_report(self) -> None:
        from ui.pages.community import open_document

        self.dialog = open_document(self, self.context.actor, "monthly-report", "latest", _("Monthly report"))

    def _refused(self, exc: Exception) -> None:
        self.message.setText(str(exc))
        self.message.setVisible(True)

    def load_figures(self) -> None:
        """The cards' figures: one read, each card group one indexed statement (app.workbench.figures)."""
        actor = self.context.actor
        DbOp(self, lambda s: workbench.figures(session=s, actor=actor), read_only=True) \
            .success(self._figures_arrived).failure(self._refused).run()

    def _figures_arrived(self, figures: dict[str, Any]) -> None:
        self.figures = dict(figures)
        self.figures_loaded = True
        self._show(self.figures)

    def _show(self, figures: dict[str, Any]) -> None:
        self._build_cards()
        if self._message is not None:
            self._message.setVisible(False)
        for section in SECTIONS:
            self.section_boxes[section.key].setVisible(section.key in figures and (
                not section.only_with or bool(figures[section.key].get(section.only_with))))
            for spec in section.cards:
                self.cards[(section.key, spec.label)].set_value(spec.value(figures) if section.key in figures else None)
