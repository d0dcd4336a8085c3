"""One meeting, walked step by step in tabs: notice → sign-in → agenda and votes → minutes →
published, the concerns raised at it, and its documents (previewed, printed, saved as PDF).

Each button runs one service call and reloads the record; what is enabled, and why not, comes
from :func:`app.meetings.allowed_actions`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import meetings
from app.errors import ChangedMeanwhile, ValidationError
from app.i18n import N_, _, format_datetime, format_percent
from ui.attachments import AttachmentsStrip
from ui.ops import DbOp, ask_reload, show_error
from ui.pages.meetings.concerns_tab import ConcernsTab
from ui.pages.meetings.models import BallotModel, ChoiceDelegate, RowsModel, small_table
from ui.pdf_preview import PdfPreview, print_pdf
from ui.render import RenderOp
from ui.table_model import Column
from ui.widgets import confirm, line_edit, save_file_name, set_message

STEPS = [N_("Notice"), N_("Sign-in"), N_("Agenda and votes"), N_("Minutes"), N_("Published")]
DOCUMENTS = {"meeting_notice": N_("Notice poster"), "sign_in_sheet": N_("Sign-in sheet"), "minutes": N_("Minutes")}


class MeetingView(ConcernsTab, QDialog):
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
        self.minutes_rev: int | None = None  # the minutes' rev the text on screen was read at (0: none yet)
        self._reload_minutes = False  # the next reload replaces the text on screen (重新载入)
        self.changed_box: Any = None  # the "changed meanwhile" question, while it is open
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
        self.attachments = AttachmentsStrip(self, actor, "meeting", meeting_id)  # 会议照片, the signed 签到表
        self.tabs.addTab(self.attachments, _("Photos and scans"))
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
        self.sign_in_table = small_table(self.sign_in_model, "signInTable")
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
        self.agenda_table = small_table(self.agenda_model, "agendaTable")
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
        self.ballot_table = small_table(self.ballot_model, "ballotTable")
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
        self.attachments.reload()

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
        rate = format_percent(att.rate) if att.rate is not None else "—"
        self.facts.setText(_("{kind} · {when} · {place} · host {host} · recorder {recorder}").format(
            kind=meetings.kind_label(m.kind, short=True), when=format_datetime(m.starts_at.astimezone()),
            place=m.place or "—", host=m.host_name or "—", recorder=m.recorder_name or "—"))
        self.attendance_label.setText(_("Should attend {expected}, present {present}, attendance {rate}").format(
            expected=meetings.count_label(att.expected, att.unit), present=meetings.count_label(att.present, att.unit),
            rate=rate))
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
        if minutes is not None and (locked or not self.minutes_body.toPlainText() or self._reload_minutes):
            self.minutes_body.setPlainText(minutes.body)
            self.minutes_rev = minutes.rev  # what the text on screen was read at; the save carries it
        elif minutes is None and not self.minutes_body.toPlainText():
            self.minutes_rev = 0  # none yet: minutes written meanwhile by someone else are not overwritten
        self._reload_minutes = False
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

    def run(self, op: Any, done_message: str = "", then: Any = None) -> None:
        """Run one service call; on success (``then(result)`` first) reload the record, on refusal show why."""
        self.message.clear()

        def success(result: Any) -> None:
            if then is not None:
                then(result)
            self.changed.emit()
            self.reload()

        DbOp(self, op).success(success).failure(self._refused).run()

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, ChangedMeanwhile):  # the minutes: 重新载入 replaces the text on screen
            self.changed_box = ask_reload(self, str(exc), self._reload_minutes_now)
            return
        text = "；".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
        set_message(self.message, text, error=True)
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
        if not confirm(self, _("Mark as held"), _(
                "Mark the meeting as held? The notice and the time can no longer be changed; sign-in, votes and "
                "minutes are recorded from now on.")):
            return
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
        """Built on the database worker (plain, de-identified data), rendered on the render thread."""
        kind, actor, meeting_id = self.document_kind.currentData(), self.actor, self.meeting_id

        def build(session: Any) -> Any:
            from app.printing import preview_document

            return preview_document(kind, session=session, actor=actor, ident=meeting_id)

        def render(document: Any) -> None:
            from app.printing import render as render_pdf

            self.preview_title = document.title  # what a print of this preview is recorded as
            RenderOp(self, lambda: render_pdf(document)).success(shown).failure(refused).run()

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

        DbOp(self, build).success(render).failure(refused).run()

    def print_document(self) -> None:
        if self.preview.page_count() and print_pdf(self, self.preview.document):
            from app.printing import record_print

            kind, meeting_id, data = self.document_kind.currentData(), self.meeting_id, bytes(self.preview.data or b"")
            title = getattr(self, "preview_title", "") or kind
            DbOp(self, lambda s: record_print(s, kind, meeting_id, title=title, data=data, printer=True)).run()

    def save_minutes(self) -> None:
        actor, meeting_id, body = self.actor, self.meeting_id, self.minutes_body.toPlainText()
        rev = self.minutes_rev
        self.run(lambda s: meetings.save_minutes(session=s, actor=actor, meeting_id=meeting_id, body=body, rev=rev),
                 then=lambda saved: setattr(self, "minutes_rev", saved.rev))

    def _reload_minutes_now(self) -> None:
        self._reload_minutes = True
        self.reload()

    def approve_minutes(self) -> None:
        if not confirm(self, _("Approve and lock"), _(
                "Approve the minutes? They are locked for good: later corrections can only be added as an "
                "addendum.")):
            return
        actor, meeting_id, body = self.actor, self.meeting_id, self.minutes_body.toPlainText()
        rev = self.minutes_rev

        def op(session: Any) -> Any:
            minutes = meetings.minutes(session=session, actor=actor, meeting_id=meeting_id)
            if minutes is None or minutes.body != body.strip():  # save what is on screen first
                meetings.save_minutes(session=session, actor=actor, meeting_id=meeting_id, body=body, rev=rev)
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
            path = save_file_name(self, _("Save PDF"), f"{kind}.pdf", "PDF (*.pdf)")
            if not path:
                return
        actor, meeting_id = self.actor, self.meeting_id

        def op(session: Any) -> str:
            from app.printing import print_kind

            print_kind(kind, session=session, actor=actor, ident=meeting_id, out=Path(path))
            return path

        DbOp(self, op).success(lambda saved: set_message(self.message, _("Saved {path}").format(path=saved), error=False)) \
            .failure(lambda exc: show_error(self, str(exc))).run()
