"""四议两公开: matters on the left, the selected matter's six steps on the right, done or next."""
from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import deliberation as d
from app import notices
from app.i18n import N_, _, format_date, ngettext
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.pages.base import Page, PageHeader
from ui.pages.register import FIRST_ROWS, ExportExcelButton
from ui.table_model import CENTER, CellDelegate, Column, LazyTableModel
from ui.table_view import PlainCellsView
from ui.widgets import fill_combo, line_edit

MATTER_COLUMNS = [
    Column(N_("Matter"), lambda r: r[0].title),
    Column(N_("State"), lambda r: d.state_label(r[0].state)),
    Column(N_("Steps done"), lambda r: f"{r[1]}/6", CENTER),
    Column(N_("Started"), lambda r: format_date(r[0].started_on, style="short") if r[0].started_on else ""),
]


class _Row(tuple):
    """(matter, steps done) with the ``id`` the lazy model needs."""

    @property
    def id(self) -> str:
        return self[0].id


@dataclasses.dataclass(frozen=True)
class FirstRead:
    """What the page first shows (:meth:`DeliberationPage.warm_reads`): the register's actions, every
    matter's id (全部状态) and the rows of a first screenful."""

    actions: dict[str, str | None]
    ids: list[str]
    rows: list[Any]


class DeliberationPage(Page):
    ids_loaded = Signal(int)
    progress_shown = Signal()

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self._register_actions: dict[str, str | None] | None = None
        self._loaded_once = False
        self._warm_taken = False  # the warm read asked for (Page.take_warm), by the first read
        self._count: int | None = None  # matters listed, once loaded
        self.progress: d.MatterProgress | None = None
        self.dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        self.header = PageHeader(N_("Four deliberations, two disclosures"),
                                 N_("Party branch proposes → two committees discuss → party members review → "
                                    "villagers (representatives) decide → decision made public → results made public"))
        layout.addWidget(self.header)
        toolbar = QHBoxLayout()
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("stateFilter")
        self.state_filter.currentIndexChanged.connect(lambda _i: self.reload())
        toolbar.addWidget(self.state_filter)
        toolbar.addStretch(1)
        self.new_button = QPushButton()
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(lambda: self.new_item())  # not clicked(checked) as the title
        self.step_button = QPushButton()
        self.step_button.setObjectName("recordStep")
        self.step_button.clicked.connect(self.record_next_step)
        self.export_button = ExportExcelButton(self, "deliberation")
        toolbar.addWidget(self.export_button)
        toolbar.addWidget(self.new_button)
        toolbar.addWidget(self.step_button)
        layout.addLayout(toolbar)

        # Each part joins its parent before it is filled: a widget is styled once, as it is added.
        splitter = QSplitter()
        layout.addWidget(splitter, 1)
        self.model = LazyTableModel(MATTER_COLUMNS, self._fetch_rows, parent=self)
        self.table = PlainCellsView(splitter)  # made in its place: styled once, before it has columns
        self.table.setObjectName("mattersTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(CellDelegate(self.table))  # plain cells painted by the view, from the rows' texts
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)  # the registers' look
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.show_progress())
        splitter.addWidget(self.table)

        panel = QWidget()
        splitter.addWidget(panel)
        column = QVBoxLayout(panel)
        self.matter_title = QLabel()
        self.matter_title.setObjectName("pageTitle")
        self.matter_title.setWordWrap(True)
        column.addWidget(self.matter_title)
        self.stop_reason = QLabel()
        self.stop_reason.setObjectName("formError")
        self.stop_reason.setWordWrap(True)
        column.addWidget(self.stop_reason)
        grid = QGridLayout()
        self.step_labels: list[tuple[QLabel, QLabel]] = []
        for row, _step in enumerate(d.STEP_ORDER):
            mark, text = QLabel(), QLabel()
            text.setWordWrap(True)
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 1)
            self.step_labels.append((mark, text))
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        column.addStretch(1)
        splitter.setSizes([420, 520])
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        layout.addWidget(self.count_label)
        self.retranslate_ui()

    # ------------------------------------------------------------ texts and loading

    def retranslate_ui(self) -> None:
        self.header.retranslate_ui()
        fill_combo(self.state_filter, [(None, _("All states"))] + [(s, d.state_label(s)) for s in d.STATES])
        self.new_button.setText(_("New matter"))
        self.export_button.retranslate()
        self.step_button.setText(_("Record the next step…"))
        self.model.retranslate()
        self._update_buttons()
        self._update_count()
        if self.progress is not None:
            self._show(self.progress)

    def _update_count(self) -> None:
        if self._count is not None:
            self.count_label.setText(ngettext("{n} matter", "{n} matters", self._count).format(n=self._count))

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> FirstRead:
        """The page's first read (全部状态, as it opens), kept for it (Page.take_warm)."""
        actions = d.allowed_actions(session=session, actor=actor)
        ids = d.matter_ids(session=session, actor=actor, state=None)
        rows = d.matter_rows(session=session, actor=actor, ids=ids[:FIRST_ROWS]) if ids else {}
        return FirstRead(actions, ids, [_Row(value) for value in rows.values()])

    def page_shown(self) -> None:
        if not self._loaded_once:
            self.reload()

    def preload(self) -> None:
        self.page_shown()

    def open_record(self, record_id: str) -> None:
        """Select the matter (its progress shows below the list)."""
        self.reload(select=record_id)

    def reload(self, select: str | None = None) -> None:
        actor, state = self.context.actor, self.state_filter.currentData()
        selected = select or self.current_id()

        def read(session: Any) -> tuple[list[str], list[_Row]]:
            # the first screenful's rows in the same trip: painting them reads nothing more
            ids = d.matter_ids(session=session, actor=actor, state=state)
            rows = d.matter_rows(session=session, actor=actor, ids=ids[:FIRST_ROWS]) if ids else {}
            return ids, [_Row(value) for value in rows.values()]

        def arrived(found: tuple[list[str], list[_Row]]) -> None:
            ids, rows = found
            self.model.set_ids(ids, rows)
            self._loaded_once = True
            self._count = len(ids)
            self._update_count()
            if selected and self.model.row_of(selected) >= 0:
                self.table.selectRow(self.model.row_of(selected))
            self._update_buttons()
            self.ids_loaded.emit(len(ids))

        if not self._loaded_once and not self._warm_taken:
            self._warm_taken = True
            kept = self.take_warm()  # the warm read, if nothing was saved since: once
            if isinstance(kept, FirstRead) and state is None:
                self._register_actions = kept.actions
                arrived((kept.ids, kept.rows))
                return
        DbOp(self, read, read_only=True).success(arrived).run()

    def _fetch_rows(self, ids: list[str]) -> list[Any]:
        actor = self.context.actor
        rows = self.context.ops.read_now(lambda s: d.matter_rows(session=s, actor=actor, ids=ids))
        return [_Row(value) for value in rows.values()]

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def register_actions(self) -> dict[str, str | None]:
        """What the area says may be done with the register (``new``), asked once; nothing while
        it cannot be asked."""
        if self._register_actions is None:
            actor = self.context.actor
            try:
                self._register_actions = self.context.ops.read_now(
                    lambda s: d.allowed_actions(session=s, actor=actor))
            except RuntimeError:  # no database open
                return {}
        return self._register_actions

    def _update_buttons(self) -> None:
        refused = self.register_actions().get("new", "")
        self.new_button.setEnabled(refused is None)
        self.new_button.setToolTip(refused or "")
        progress = self.progress
        reason = progress.allowed["record_step"] if progress is not None else _("Choose a matter.")
        self.step_button.setEnabled(reason is None)
        self.step_button.setToolTip(reason or "")

    def show_progress(self) -> None:
        matter_id = self.current_id()
        if matter_id is None:
            return
        actor = self.context.actor
        DbOp(self, lambda s: d.progress(session=s, actor=actor, matter_id=matter_id), read_only=True) \
            .success(self._show).run()

    def _show(self, progress: d.MatterProgress) -> None:
        self.progress = progress
        matter = progress.matter
        self.matter_title.setText(f"{matter.title}（{d.state_label(matter.state)}）")
        self.stop_reason.setText(matter.stop_reason)
        self.stop_reason.setVisible(bool(matter.stop_reason))
        for (mark, text), step in zip(self.step_labels, progress.steps, strict=True):
            if step.done:
                mark.setText("✔")
                number = step.notice_number
                if number and step.notice_id:
                    number = _("notice {number} (in the notice register)").format(number=number)
                elif number:
                    number = _("notice {number} (issued elsewhere)").format(number=number)
                details = [format_date(step.held_on)] + [x for x in (step.meeting_title, step.vote_summary, number) if x]
                text.setText(f"<b>{step.label}</b><br>{'；'.join(details)}")
            elif step.is_next:
                mark.setText("➜")
                text.setText(_("<b>{step}</b><br>next").format(step=step.label))
            else:
                mark.setText("○")
                text.setText(f"<span style='color:#9aa0a6'>{step.label}</span>")
        self._update_buttons()
        self.progress_shown.emit()

    # ------------------------------------------------------------ actions

    def new_item(self, title: str | None = None) -> bool:
        if self.register_actions().get("new", "") is not None:
            return False
        if title is None:
            title, ok = QInputDialog.getText(self, _("New matter"), _("Matter (for example: 二组通组路硬化)"))
            if not ok:
                return True
        actor = self.context.actor
        DbOp(self, lambda s: d.start_matter(session=s, actor=actor, title=title)) \
            .success(lambda matter: self.reload(select=matter.id)).run()
        return True

    def record_next_step(self) -> None:
        if self.progress is None:
            return
        dialog = StepDialog(self, self.context.actor, self.progress)
        dialog.saved.connect(lambda _steps: (self.reload(), self.show_progress()))
        dialog.open()
        dialog.load_choices()
        self.dialog = dialog


class StepDialog(FormDialog):
    """Record the next step: its date and meeting (with the vote); for the two 公开 steps, issue the
    notice through the notice register — or, when it was issued elsewhere, give its number."""

    def __init__(self, parent: QWidget | None, actor: Any, progress: d.MatterProgress):
        super().__init__(parent, N_("Record the next step"), width=600)
        self.actor, self.matter = actor, progress.matter
        self.step = next(s.step for s in progress.steps if s.is_next)
        notice_step = self.step in d.NOTICE_STEPS
        self.step_label = QLabel(d.step_label(self.step))
        self.step_label.setWordWrap(True)
        self.form.add("step", N_("Step"), self.step_label)
        self.held_on = QDateEdit(QDate.currentDate())
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.form.add("held_on", N_("Date"), self.held_on, required=True)
        self.joint = QCheckBox(_("Held together with the two committees' consultation (一肩挑)"))
        self.joint.toggled.connect(lambda _on: self.load_choices())
        self.form.add("joint", N_("Joint"), self.joint)
        self.meeting = QComboBox()
        self.meeting.currentIndexChanged.connect(lambda _i: self._fill_votes())
        self.form.add("meeting_id", N_("Meeting"), self.meeting)
        self.vote = QComboBox()
        self.form.add("vote_id", N_("Vote"), self.vote)
        # 公开: through the register (numbered, publicity window, file hash) or a number from elsewhere.
        can_register = progress.allowed["publish_notice"] is None
        self.via_register = QRadioButton(_("Issue the notice now through the notice register"))
        self.via_register.setObjectName("viaRegister")
        self.form.add("notice_id", N_("Notice"), self.via_register)
        self.publicity_days = QSpinBox()
        self.publicity_days.setObjectName("publicityDays")
        self.publicity_days.setRange(1, notices.MAX_PUBLICITY_DAYS)
        self.publicity_days.setValue(7)
        self.form.add("publicity_days", N_("Publicity period (days)"), self.publicity_days)
        self.working_days = QCheckBox(_("Count working days only"))
        self.form.add("working_days", N_("Counting"), self.working_days)
        self.elsewhere = QRadioButton(_("It was issued elsewhere; its number is:"))
        self.elsewhere.setObjectName("elsewhere")
        self.form.add("elsewhere", N_("Or"), self.elsewhere)
        self.notice_number = line_edit(max_length=64, placeholder="〔2026〕7号")
        self.form.add("notice_number", N_("Notice number"), self.notice_number)
        self.notice_mode = QButtonGroup(self)  # the two radios sit in different rows of the form
        self.notice_mode.addButton(self.via_register)
        self.notice_mode.addButton(self.elsewhere)
        self.via_register.setEnabled(can_register)
        (self.via_register if can_register else self.elsewhere).setChecked(True)
        self.via_register.toggled.connect(lambda _on: self._notice_mode())
        self._set_rows(("joint",), self.step == d.PROPOSAL)
        self._set_rows(("meeting_id",), not notice_step)
        self._set_rows(("vote_id",), self.step in d.VOTING_STEPS)
        self._set_rows(("notice_id", "publicity_days", "working_days", "elsewhere", "notice_number"), notice_step)
        self.choices: list[d.MeetingChoice] = []
        self.finish_layout()
        self._notice_mode()

    def _set_rows(self, keys: tuple[str, ...], visible: bool) -> None:
        for key in keys:
            self.form.set_field_visible(key, visible)

    def _notice_mode(self) -> None:
        register = self.via_register.isChecked()
        self.publicity_days.setEnabled(register)
        self.working_days.setEnabled(register)
        self.notice_number.setEnabled(not register)

    def load_choices(self) -> None:
        if self.step in d.NOTICE_STEPS:
            return
        actor, matter_id, step, joint = self.actor, self.matter.id, self.step, self.joint.isChecked()
        DbOp(self, lambda s: d.meeting_choices(session=s, actor=actor, matter_id=matter_id, step=step, joint=joint),
             read_only=True).success(self._choices).run()

    def _choices(self, choices: list[d.MeetingChoice]) -> None:
        self.choices = choices
        fill_combo(self.meeting, [(None, "—")] + [
            (c.meeting_id, f"{format_date(c.held_on, style='short')} {c.title}" if c.held_on else c.title)
            for c in choices], keep=False)
        self._fill_votes()

    def _fill_votes(self) -> None:
        choice = next((c for c in self.choices if c.meeting_id == self.meeting.currentData()), None)
        fill_combo(self.vote, [(None, "—")] + (choice.votes if choice else []), keep=False)
        if choice is not None and choice.held_on:
            self.held_on.setDate(QDate(choice.held_on.year, choice.held_on.month, choice.held_on.day))
        if choice is not None and choice.votes:
            self.vote.setCurrentIndex(len(choice.votes))  # the last vote on the matter

    def save_op(self) -> Any:
        actor, matter_id = self.actor, self.matter.id
        held_on = self.held_on.date().toPython()
        if self.step in d.NOTICE_STEPS and self.via_register.isChecked():
            step, days, working = self.step, self.publicity_days.value(), self.working_days.isChecked()
            return lambda session: d.publish_step_notice(session=session, actor=actor, matter_id=matter_id, step=step,
                                                         held_on=held_on, publicity_days=days, working_days=working)
        step = d.CONSULTATION if self.joint.isChecked() else self.step
        values = dict(step=step, held_on=held_on, meeting_id=self.meeting.currentData(),
                      vote_id=self.vote.currentData(), notice_number=self.notice_number.text(),
                      joint=self.joint.isChecked())
        return lambda session: d.record_step(session=session, actor=actor, matter_id=matter_id, **values)
