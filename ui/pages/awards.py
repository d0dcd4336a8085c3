"""评选表彰: a selection walked step by step — nominations → representatives' votes → two committees'
review → publicity (公示) with objections → honours roll. Each button is enabled only when the
area's ``allowed_actions`` says the step may be taken now (its tooltip says why not)."""
from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import awards as a
from app import meetings
from app.errors import ValidationError
from app.i18n import N_, _, format_date
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.pages.base import Page, PageHeader
from ui.pages.community import (
    KeptRead, current_row, enable, household_picker, line, make_table, open_document, resident_picker, meeting_picker,
)
from ui.pages.register import ExportExcelButton
from ui.table_model import RIGHT, Column
from ui.widgets import confirm, fill_combo, set_message

CAMPAIGN_COLUMNS = [
    Column(N_("No."), lambda c: c.number),
    Column(N_("Selection"), lambda c: c.title, tooltip=lambda c: a.kind_label(c.kind)),
    Column(N_("Places"), lambda c: c.places, RIGHT),
    Column(N_("Step"), lambda c: a.state_label(c.state), choices=lambda: [a.state_label(s) for s in a.STATES]),
]


def _review(n: Any) -> str:
    if n.withdrawn:
        return _("taken off (objection upheld)")
    return {"approved": _("approved"), "rejected": _("not approved")}.get(n.review or "", "")


NOMINATION_COLUMNS = [
    Column(N_("Nominee"), lambda n: n.name, tooltip=lambda n: n.reason),
    Column(N_("How"), lambda n: a.channel_label(n.channel).split(" (")[0].split("（")[0],
           tooltip=lambda n: f"{a.channel_label(n.channel)}：{n.nominated_by}"),
    Column(N_("For"), lambda n: "" if n.votes_for is None else n.votes_for, RIGHT),
    Column(N_("Elected"), lambda n: "✔" if n.elected else ""),
    Column(N_("Review"), _review, tooltip=lambda n: n.review_reason),
]
OBJECTION_COLUMNS = [
    Column(N_("Received"), lambda o: format_date(o.received_on, style="short")),
    Column(N_("Objection"), lambda o: o.text, tooltip=lambda o: o.raised_by),
    Column(N_("Resolved"), lambda o: (_("upheld") if o.upheld else _("dismissed")) if o.resolved_on else "",
           tooltip=lambda o: o.resolution),
]
STEP_TEXTS = {a.NOMINATING: N_("Nominations (组织推荐, 个人推荐, 自荐)"),
              a.VOTED: N_("Votes of the villagers' representatives (村民代表投票)"),
              a.REVIEWED: N_("Review by the two committees (两委复审)"),
              a.PUBLICITY: N_("Publicity (公示) with objections"),
              a.CLOSED: N_("Honours roll (光荣榜)")}


@dataclasses.dataclass(frozen=True)
class Opening:
    """What the page first reads (:meth:`AwardsPage.warm_reads`, kept for its first read): the
    register's actions, the selections, and the first one's progress (:meth:`AwardsPage.read_campaign`),
    which the page shows chosen."""

    actions: dict[str, str | None]
    campaigns: list[Any]
    first: tuple[Any, ...] | None


class AwardsPage(Page):
    shown = Signal()

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self.actor = context.actor
        self.kept = KeptRead(self, Opening)  # the warm read, for the first read
        self._opening: Opening | None = None  # the kept read while the first read shows it
        self._register: dict[str, str | None] | None = self.kept.value.actions if self.kept.value else None
        self.actions: dict[str, str | None] = {}
        self.campaign: Any = None
        self.nomination_rows: list[Any] = []
        self.objection_rows: list[Any] = []
        self._loaded_once = False
        self.dialog: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        self.header = PageHeader(N_("Awards"), N_("Selections such as 最美庭院 and 五星级文明户: nominations → votes → "
                                                  "review → publicity → honours roll."))
        layout.addWidget(self.header)
        # Each part joins its parent before it is filled: a widget is styled once, as it is added
        # (a part added full restyles all it holds).
        splitter = QSplitter()
        layout.addWidget(splitter, 1)
        left = QWidget()
        splitter.addWidget(left)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.table, self.model = make_table(CAMPAIGN_COLUMNS, "campaignsTable", self, stretch=1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_campaign())
        column.addWidget(self.table, 1)
        self.new_button = QPushButton()
        self.new_button.setObjectName("newCampaign")
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(lambda: self.new_item())
        column.addWidget(self.new_button)
        self.export_button = ExportExcelButton(self, "honours")  # 导出Excel… the honours rolls
        column.addWidget(self.export_button)

        right = QWidget()
        splitter.addWidget(right)
        panel = QVBoxLayout(right)
        panel.setContentsMargins(8, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        panel.addWidget(self.title)
        grid = QGridLayout()
        self.steps: list[tuple[QLabel, QLabel]] = []
        for row, _state in enumerate(a.STEP_ORDER):
            mark, text = QLabel(), QLabel()
            text.setWordWrap(True)
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 1)
            self.steps.append((mark, text))
        grid.setColumnStretch(1, 1)
        panel.addLayout(grid)
        self.nominations, self.nomination_model = make_table(NOMINATION_COLUMNS, "nominationsTable", self)
        panel.addWidget(self.nominations, 2)
        self.objections, self.objection_model = make_table(OBJECTION_COLUMNS, "objectionsTable", self, stretch=1)
        panel.addWidget(self.objections, 1)
        buttons = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for index, key in enumerate(("nominate", "vote", "review", "publicity", "objection", "resolve", "roll",
                                     "print_publicity", "print_roll")):
            button = QPushButton()
            button.setObjectName(f"award_{key}")
            button.clicked.connect(getattr(self, f"do_{key}"))
            buttons.addWidget(button, index // 5, index % 5)
            self.buttons[key] = button
        panel.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        panel.addWidget(self.message)
        splitter.setSizes([380, 700])
        self.retranslate_ui()
        if self.kept.value is not None:  # shown now, before the page is: laid out and painted once, with its rows
            self.reload()

    # ------------------------------------------------------------ texts and loading

    def register_actions(self) -> dict[str, str | None]:
        if self._register is None:
            actor = self.actor
            try:
                self._register = self.context.ops.read_now(lambda s: a.allowed_actions(session=s, actor=actor))
            except RuntimeError:
                return {}
        return self._register

    def retranslate_ui(self) -> None:
        self.header.retranslate_ui()
        self.new_button.setText(_("New selection…"))
        self.export_button.retranslate()
        labels = {"nominate": _("Nominate…"), "vote": _("Record the votes…"), "review": _("Review…"),
                  "publicity": _("Start publicity…"), "objection": _("Record an objection…"),
                  "resolve": _("Resolve an objection…"), "roll": _("Make the honours roll"),
                  "print_publicity": _("Publicity notice…"), "print_roll": _("Honours roll poster…")}
        for key, text in labels.items():
            self.buttons[key].setText(text)
        for model in (self.model, self.nomination_model, self.objection_model):
            model.retranslate()
        self._show()

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Opening:
        rows = a.campaigns(session=session, actor=actor)
        return Opening(a.allowed_actions(session=session, actor=actor), rows,
                       cls.read_campaign(session, actor, rows[0].id) if rows else None)

    @staticmethod
    def read_campaign(session: Any, actor: Any, campaign_id: str) -> tuple[Any, ...]:
        """One selection's progress: itself, its nominations, its objections and its actions."""
        return (a.campaign(session=session, actor=actor, campaign_id=campaign_id),
                a.nominations(session=session, actor=actor, campaign_id=campaign_id),
                a.objections(session=session, actor=actor, campaign_id=campaign_id),
                a.allowed_actions(session=session, actor=actor, campaign_id=campaign_id))

    def page_shown(self) -> None:
        if not self._loaded_once:
            self.reload()

    def preload(self) -> None:
        self.page_shown()

    def open_record(self, record_id: str) -> None:
        """Select the selection (its progress shows below the list)."""
        self.reload(select=record_id)

    def reload(self, select: str | None = None) -> None:
        actor = self.actor
        selected = select or (self.campaign.id if self.campaign else None)

        def arrived(rows: list[Any]) -> None:
            self._loaded_once = True
            self.model.set_rows(rows)
            row = self.model.row_of(selected) if selected else (0 if rows else -1)
            if row >= 0:
                self.table.selectRow(row)
            self._show()

        kept = self.kept.take() if select is None else None  # the first read: the warm read's, if it holds
        if kept is not None:
            self._opening = kept  # its first selection's progress too (show_campaign), while it is chosen
            try:
                arrived(kept.campaigns)
            finally:
                self._opening = None
            return
        DbOp(self, lambda s: a.campaigns(session=s, actor=actor), read_only=True).success(arrived).run()

    def show_campaign(self) -> None:
        chosen = current_row(self.table)
        if chosen is None:
            return
        opening = self._opening
        if opening is not None and opening.first is not None and opening.first[0].id == chosen.id:
            self._loaded(opening.first)
            return
        actor, read = self.actor, self.read_campaign
        DbOp(self, lambda s: read(s, actor, chosen.id), read_only=True).success(self._loaded).run()

    def _loaded(self, result: tuple[Any, ...]) -> None:
        self.campaign, self.nomination_rows, self.objection_rows, self.actions = result
        self.nomination_model.set_rows(self.nomination_rows)
        self.objection_model.set_rows(self.objection_rows)
        self._show()
        self.shown.emit()

    def _show(self) -> None:
        enable(self.new_button, self.register_actions().get("new", ""))
        c = self.campaign
        self.title.setText(f"{c.number} {c.title}（{a.kind_label(c.kind)}）" if c else _("Choose a selection."))
        now = a.STEP_ORDER.index(c.state) if c else -1
        details = {}
        if c:
            details[a.NOMINATING] = _("{n} nominated for {places} places").format(n=c.nominations, places=c.places)
            if c.voted_on:
                details[a.VOTED] = _("voted {date}: {present} of {expected} present").format(
                    date=format_date(c.voted_on), present=c.vote_present, expected=c.vote_expected)
            if c.reviewed_on:
                details[a.REVIEWED] = _("reviewed {date}").format(date=format_date(c.reviewed_on))
            if c.publicity_start:
                details[a.PUBLICITY] = _("{start} to {end}; {n} objections not resolved").format(
                    start=format_date(c.publicity_start), end=format_date(c.publicity_end), n=c.unresolved)
            if c.closed_on:
                details[a.CLOSED] = _("made {date}").format(date=format_date(c.closed_on))
        for index, ((mark, text), state) in enumerate(zip(self.steps, a.STEP_ORDER, strict=True)):
            label = _(STEP_TEXTS[state])
            # a step is done once the selection has moved past it (the roll: once it is made)
            done = index < now or (c is not None and c.state == a.CLOSED)
            current = index == now and not done
            mark.setText("✔" if done else "➜" if current else "○")
            extra = details.get(state, "")
            text.setText(f"<b>{label}</b>" + (f"<br>{extra}" if extra else "") if done or current
                         else f"<span style='color:#9aa0a6'>{label}</span>")
        for key in ("nominate", "vote", "review", "publicity", "objection", "resolve", "roll"):
            enable(self.buttons[key], self.actions.get(key, "") if c else None, needs=c,
                   choose=_("Choose a selection."))
        enable(self.buttons["print_publicity"], None if c and c.state in (a.PUBLICITY, a.CLOSED) else
               _("The publicity notice is printed once the publicity has started."), needs=c)
        enable(self.buttons["print_roll"], None if c and c.state == a.CLOSED else
               _("The honours roll is printed once it is made."), needs=c)

    def _done(self, _result: Any = None) -> None:
        set_message(self.message, "", error=False)
        self.reload()
        self.show_campaign()

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._done)
        dialog.open()

    # ------------------------------------------------------------ the steps

    def new_item(self) -> bool:
        if self.register_actions().get("new", "") is not None:
            return False
        self.dialog = dialog = CampaignDialog(self, self.actor)
        dialog.saved.connect(lambda c: self.reload(select=c.id))
        dialog.open()
        return True

    def do_nominate(self) -> None:
        self._open(NominateDialog(self, self.actor, self.campaign))

    def do_vote(self) -> None:
        self._open(VotesDialog(self, self.actor, self.campaign, self.nomination_rows))

    def do_review(self) -> None:
        self._open(ReviewDialog(self, self.actor, self.campaign, [n for n in self.nomination_rows if n.elected]))

    def do_publicity(self) -> None:
        self._open(PublicityDialog(self, self.actor, self.campaign))

    def do_objection(self) -> None:
        self._open(ObjectionDialog(self, self.actor, self.campaign, self.nomination_rows))

    def do_resolve(self) -> None:
        self._open(ResolveDialog(self, self.actor, [o for o in self.objection_rows if o.resolved_on is None]))

    def do_roll(self) -> None:
        c = self.campaign
        if c is None or not confirm(self, _("Make the honours roll"), _(
                "Make the honours roll of {title}? The selection is then closed.").format(title=c.title)):
            return
        actor = self.actor
        DbOp(self, lambda s: a.make_roll(session=s, actor=actor, campaign_id=c.id)).changes("awards") \
            .success(self._done).failure(lambda exc: set_message(self.message, str(exc), error=True)).run()

    def do_print_publicity(self) -> None:
        if self.campaign:
            self.dialog = open_document(self, self.actor, "award_publicity", self.campaign.id, _("Selection publicity"))

    def do_print_roll(self) -> None:
        if self.campaign:
            self.dialog = open_document(self, self.actor, "award_honours", self.campaign.id, _("Honours roll"))


def _date_edit(date: QDate | None = None) -> QDateEdit:
    edit = QDateEdit(date or QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class CampaignDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("New selection"), width=560)
        self.actor = actor
        self.kind = QComboBox()
        for code in a.KINDS:
            self.kind.addItem(a.kind_label(code), code)
        self.form.add("kind", N_("Kind"), self.kind, required=True)
        year = QDate.currentDate().year()
        self.title = line(_("{year} {kind}").format(year=year, kind=a.kind_label("courtyard").split(" (")[0]),
                          "campaignTitle")
        self.kind.currentIndexChanged.connect(lambda _i: self.title.setText(_("{year} {kind}").format(
            year=year, kind=self.kind.currentText().split(" (")[0])))
        self.form.add("title", N_("Title"), self.title, required=True)
        self.period_start = _date_edit(QDate(year, 1, 1))
        self.form.add("period_start", N_("Period from"), self.period_start, required=True)
        self.period_end = _date_edit(QDate(year, 12, 31))
        self.form.add("period_end", N_("Period to"), self.period_end, required=True)
        self.places = QSpinBox()
        self.places.setRange(1, 100)
        self.places.setValue(5)
        self.form.add("places", N_("Places"), self.places, required=True)
        self.nominee_kind = QComboBox()
        for code, label in a.NOMINEE_KINDS.items():
            self.nominee_kind.addItem(_(label), code)
        self.form.add("nominee_kind", N_("Who is nominated"), self.nominee_kind)
        self.finish_layout()

    def save_op(self) -> Any:
        values = dict(kind=self.kind.currentData(), title=self.title.text(),
                      period_start=self.period_start.date().toPython(), period_end=self.period_end.date().toPython(),
                      places=self.places.value(), nominee_kind=self.nominee_kind.currentData())
        actor = self.actor
        return lambda s: a.start_campaign(session=s, actor=actor, **values)


class NominateDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, campaign: Any):
        super().__init__(parent, N_("Nominate"), width=580)
        self.actor, self.campaign = actor, campaign
        self.households = campaign.nominee_kind == "household"
        self.channel = QComboBox()
        for code in a.CHANNELS:
            self.channel.addItem(a.channel_label(code), code)
        self.form.add("channel", N_("How"), self.channel, required=True)
        if self.households:
            self.nominee = household_picker(self, actor, "nomineeSearch")
            self.form.add("household_id", N_("Household"), self.nominee, required=True)
        else:
            self.nominee = resident_picker(self, actor, "nomineeSearch")
            self.form.add("resident_id", N_("Resident"), self.nominee, required=True)
        self.nominated_by = line(name="nominatedBy")
        self.form.add("nominated_by", N_("Recommended by"), self.nominated_by)
        self.reason = line(name="nominationReason")
        self.form.add("reason", N_("Deeds"), self.reason, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        choice = self.nominee.choice
        key = "household_id" if self.households else "resident_id"
        if choice is None:
            raise ValidationError({key: _("Choose from the list.")})
        ident = choice.household_id if self.households else choice.id
        values = {key: ident, "channel": self.channel.currentData(), "nominated_by": self.nominated_by.text(),
                  "reason": self.reason.text()}
        actor, campaign_id = self.actor, self.campaign.id
        return lambda s: a.nominate(session=s, actor=actor, campaign_id=campaign_id, **values)


class VotesDialog(FormDialog):
    """The representatives' meeting and each nominee's votes (for, against, abstaining)."""

    def __init__(self, parent: QWidget | None, actor: Any, campaign: Any, nominations: list[Any]):
        super().__init__(parent, N_("Record the votes"), width=600)
        self.actor, self.campaign, self.nominations = actor, campaign, nominations
        self.meeting = meeting_picker(self, actor, kind=meetings.REPRESENTATIVES_MEETING, name="voteMeeting")
        self.form.add("meeting_id", N_("Meeting"), self.meeting, required=True,
                      hint=N_("A villagers' representatives meeting (村民代表会议), held."))
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        for col, text in enumerate((_("For"), _("Against"), _("Abstain")), start=1):
            grid.addWidget(QLabel(text), 0, col)
        self.tallies: dict[str, tuple[QSpinBox, QSpinBox, QSpinBox]] = {}
        for row, n in enumerate(nominations, start=1):
            grid.addWidget(QLabel(n.name), row, 0)
            spins = tuple(QSpinBox() for _i in range(3))
            for col, spin in enumerate(spins, start=1):
                spin.setRange(0, 9999)
                grid.addWidget(spin, row, col)
            self.tallies[n.id] = spins  # type: ignore[assignment]
        self.form.add("tallies", N_("Votes"), box, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        tallies = {nid: a.Tally(in_favour=f.value(), against=g.value(), abstain=h.value())
                   for nid, (f, g, h) in self.tallies.items()}
        actor, campaign_id = self.actor, self.campaign.id
        meeting_id = self.meeting.choice.id if self.meeting.choice else None
        if not meeting_id:
            raise ValidationError({"meeting_id": _("Choose the meeting.")})
        return lambda s: a.record_votes(session=s, actor=actor, campaign_id=campaign_id, meeting_id=meeting_id,
                                        tallies=tallies)


class ReviewDialog(FormDialog):
    """两委复审: each elected nominee approved or not, with the reason."""

    def __init__(self, parent: QWidget | None, actor: Any, campaign: Any, elected: list[Any]):
        super().__init__(parent, N_("Review by the two committees"), width=620)
        self.actor, self.campaign = actor, campaign
        self.reviewed_on = _date_edit()
        self.form.add("reviewed_on", N_("Date"), self.reviewed_on, required=True)
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.decisions: dict[str, tuple[QCheckBox, Any]] = {}
        for row, n in enumerate(elected):
            approved = QCheckBox(n.name)
            approved.setChecked(True)
            reason = line(_("Deeds confirmed"))
            grid.addWidget(approved, row, 0)
            grid.addWidget(reason, row, 1)
            self.decisions[n.id] = (approved, reason)
        self.form.add("decisions", N_("Approved"), box, required=True)
        self.note = line()
        self.form.add("note", N_("Note"), self.note)
        self.finish_layout()

    def save_op(self) -> Any:
        decisions = {nid: a.Review(approved=box.isChecked(), reason=reason.text())
                     for nid, (box, reason) in self.decisions.items()}
        actor, campaign_id = self.actor, self.campaign.id
        on, note = self.reviewed_on.date().toPython(), self.note.text()
        return lambda s: a.review(session=s, actor=actor, campaign_id=campaign_id, decisions=decisions,
                                  reviewed_on=on, note=note)


class PublicityDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, campaign: Any):
        super().__init__(parent, N_("Start publicity"))
        self.actor, self.campaign = actor, campaign
        self.start = _date_edit()
        self.form.add("start", N_("From"), self.start, required=True)
        self.days = QSpinBox()
        self.days.setRange(1, 60)
        self.days.setValue(a.DEFAULT_PUBLICITY_DAYS)
        self.form.add("days", N_("Days"), self.days, required=True)
        self.working = QCheckBox(_("Count working days only"))
        self.form.add("working_days", N_("Counting"), self.working)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, campaign_id = self.actor, self.campaign.id
        start, days, working = self.start.date().toPython(), self.days.value(), self.working.isChecked()
        return lambda s: a.start_publicity(session=s, actor=actor, campaign_id=campaign_id, start=start, days=days,
                                           working_days=working)


class ObjectionDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, campaign: Any, nominations: list[Any]):
        super().__init__(parent, N_("Record an objection"), width=560)
        self.actor, self.campaign = actor, campaign
        self.nomination = QComboBox()
        fill_combo(self.nomination, [(None, _("The selection as a whole"))] + [
            (n.id, n.name) for n in nominations if n.review == "approved" and not n.withdrawn])
        self.form.add("nomination_id", N_("About"), self.nomination)
        self.text = line(name="objectionText")
        self.form.add("text", N_("Objection"), self.text, required=True)
        self.raised_by = line()
        self.form.add("raised_by", N_("Raised by"), self.raised_by)
        self.received_on = _date_edit()
        self.form.add("received_on", N_("Received"), self.received_on, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        values = dict(nomination_id=self.nomination.currentData(), text=self.text.text(),
                      raised_by=self.raised_by.text(), received_on=self.received_on.date().toPython())
        actor, campaign_id = self.actor, self.campaign.id
        return lambda s: a.record_objection(session=s, actor=actor, campaign_id=campaign_id, **values)


class ResolveDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, open_objections: list[Any]):
        super().__init__(parent, N_("Resolve an objection"), width=560)
        self.actor = actor
        self.objection = QComboBox()
        fill_combo(self.objection, [(o.id, f"{format_date(o.received_on, style='short')} {o.text[:40]}")
                                    for o in open_objections])
        self.form.add("objection_id", N_("Objection"), self.objection, required=True)
        self.upheld = QCheckBox(_("Upheld: the nominee is taken off the roll"))
        self.form.add("upheld", N_("Finding"), self.upheld)
        self.resolution = line(name="resolution")
        self.form.add("resolution", N_("What was found and decided"), self.resolution, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        objection_id = self.objection.currentData()
        if not objection_id:
            raise ValidationError({"objection_id": _("No objection is waiting.")})
        actor, upheld, resolution = self.actor, self.upheld.isChecked(), self.resolution.text()
        return lambda s: a.resolve_objection(session=s, actor=actor, objection_id=objection_id, upheld=upheld,
                                             resolution=resolution)
