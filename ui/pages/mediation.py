"""人民调解: the cases list (filters by state, category, year, overdue) and a case view that walks
the mediator through the steps, enabling only what the case's state and the user's role allow.

Roles that may not read case details (clerk, grid worker, township) see the counts only: the page
asks the core (``mediation.allowed_actions``) and never decides that itself. Opening a case reads
its details through the core's one logged read, in a unit of work, so the access log keeps it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import concerns, mediation
from app.errors import ValidationError
from app.i18n import N_, Nn_, _, format_date
from ui.attachments import AttachmentsStrip
from ui.dialogs.base import FormDialog
from ui.ops import DbOp, worker
from ui.pages.register import RegisterPage
from ui.table_model import STYLED, Column, LazyTableModel
from ui.widgets import fill_combo, line_edit, save_file_name, set_message

OVERDUE, OVERDUE_BACKGROUND = QColor("#c62828"), QColor("#fdecea")
NEAR, NEAR_BACKGROUND = QColor("#8a5300"), QColor("#fff4e0")


def _deadline(row: Any) -> str:
    if row.deadline == "overdue":
        return _("Over the limit ({date})").format(date=format_date(row.due_on, style="short"))
    if row.deadline == "near":
        return _("Near the limit ({date})").format(date=format_date(row.due_on, style="short"))
    return format_date(row.due_on, style="short") if row.due_on and row.state in mediation.ACTIVE else ""


CASE_COLUMNS = [
    Column(N_("Case no."), lambda c: c.number),
    Column(N_("Registered"), lambda c: format_date(c.registered_on, style="short")),
    Column(N_("Dispute"), lambda c: c.title),
    Column(N_("Category"), lambda c: mediation.category_label(c.category, short=True),
           tooltip=lambda c: mediation.category_label(c.category)),
    Column(N_("Status"), lambda c: mediation.state_label(c.state)),
    Column(N_("Time limit"), _deadline),
    Column(N_("Mediators"), lambda c: c.mediators),
]


class CasesModel(LazyTableModel):
    """Cases over the 30-day limit in red, those near it in amber."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole) and index.isValid() \
                and 0 <= index.row() < self.rowCount():
            row = self.row_object(index.row())
            if row is not None and row.deadline:
                colours = (OVERDUE, OVERDUE_BACKGROUND) if row.deadline == "overdue" else (NEAR, NEAR_BACKGROUND)
                return colours[0] if role == Qt.ItemDataRole.ForegroundRole else colours[1]
            if role == Qt.ItemDataRole.BackgroundRole:
                return None
        return super().data(index, role)

    def row_colours(self, row_number: int) -> Any:  # as data() colours them (CellDelegate paints them)
        row = self.row_object(row_number)
        if row is None:
            return STYLED
        if not row.deadline:
            return None
        return (OVERDUE, OVERDUE_BACKGROUND) if row.deadline == "overdue" else (NEAR, NEAR_BACKGROUND)


def _counts_text(counts: Any) -> str:
    top = sorted(counts.by_category.items(), key=lambda kv: -kv[1])[:6]
    lines = [
        _("{total} cases in all, {year} this year; {open} being handled, {overdue} over the 30-day limit, "
          "{near} near it.").format(total=counts.total, year=counts.this_year, open=counts.open,
                                    overdue=counts.overdue, near=counts.near),
    ]
    if top:
        lines.append(_("Most common: {list}").format(list="、".join(
            f"{mediation.category_label(code, short=True)} {n}" for code, n in top)))
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Overview:
    """What the page may read before the mediator opens it (its warm read, its preload): who may do
    what, the counts and the years that have cases. No case: not a number, a title or an id."""

    actions: dict[str, str | None]
    counts: Any
    years: list[int]


def read_overview(session: Any, actor: Any) -> Overview:
    """The page's :class:`Overview`, on the database worker; and the statements of the list's ids
    and rows compiled (SQLAlchemy's cache: 10–15 ms of the first open) by asking for none: no case
    is read."""
    actions = mediation.allowed_actions(session=session, actor=actor)
    overview = Overview(actions, mediation.counts(session=session, actor=actor),
                        mediation.case_years(session=session, actor=actor))
    if actions.get("view") is None:
        mediation.case_ids(session=session, actor=actor, limit=0)  # the first list's statement, no id
        mediation.case_rows(session=session, actor=actor, ids=[""])  # no case has the id ""
    return overview


class MediationPage(RegisterPage):
    title_msgid = N_("Mediation")
    description_msgid = N_("People's mediation (人民调解): cases from intake to archive. Confidential: only "
                           "mediators and the secretary read a case.")
    search_placeholder_msgid = N_("Search: case number, dispute or mediator")
    count_msgid = Nn_("{n} case", "{n} cases")
    new_msgid = N_("New case")
    columns = CASE_COLUMNS
    export_kind = "cases"  # 导出Excel…
    column_widths = [190, 90, 220, 120, 100, 150, 120]
    exported = Signal(str)  # the summary's file, once written

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self.delete_button.setVisible(False)  # cases are archived, never deleted
        self.model = CasesModel(self.columns, self._fetch_rows_now, parent=self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._fit_columns()
        self.dialog: QDialog | None = None
        # writes submitted in this window when the counts shown were read before the first open (the
        # warm read, the preload): while none was submitted since, that open does not read them again
        self._overview_writes: int | None = None
        overview = self.take_warm()
        if not isinstance(overview, Overview):
            overview = None
        else:
            self._register_actions = overview.actions
        self.summary = QLabel()
        self.summary.setObjectName("mediationCounts")
        self.summary.setWordWrap(True)
        self.layout().insertWidget(1, self.summary)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.layout().insertWidget(2, self.message)
        self.restricted = self._page_actions_now().get("view")  # None: this role reads cases
        if self.restricted:
            for widget in (self.search, self.table, self.count_label, self.state_filter, self.category_filter,
                           self.year_filter, self.overdue_only, self.new_button, self.edit_button,
                           self.concern_button, self.log_button, self.clause_button):
                widget.setVisible(False)
            self.summary.setObjectName("mediationCountsOnly")
            self.layout().addStretch(1)  # the counts under the header, not spread over the empty page
        if overview is not None:  # read after sign-in, nothing written since (Workspace.take_warm)
            self._show_overview(overview, worker().writes_submitted)
        self._update_buttons()

    # ------------------------------------------------------------ the register's hooks

    def add_filters(self, toolbar: QHBoxLayout) -> None:
        self.search.setMinimumWidth(240)
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("stateFilter")
        self.category_filter = QComboBox()
        self.category_filter.setObjectName("categoryFilter")
        self.year_filter = QComboBox()
        self.year_filter.setObjectName("yearFilter")
        for combo in (self.state_filter, self.category_filter, self.year_filter):
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed())
            toolbar.addWidget(combo)
        self.overdue_only = QCheckBox()
        self.overdue_only.setObjectName("overdueOnly")
        self.overdue_only.toggled.connect(lambda _on: self.filters_changed())
        toolbar.addWidget(self.overdue_only)

    def extra_buttons(self) -> list[QPushButton]:
        self.concern_button = QPushButton()
        self.concern_button.setObjectName("fromConcern")
        self.concern_button.clicked.connect(lambda: self.from_concern())
        self.log_button = QPushButton()
        self.log_button.setObjectName("accessLog")
        self.log_button.clicked.connect(lambda: self.show_access_log())
        self.clause_button = QPushButton()
        self.clause_button.setObjectName("addClause")
        self.clause_button.clicked.connect(lambda: self.add_clause())
        self.summary_button = QPushButton()
        self.summary_button.setObjectName("exportSummary")
        self.summary_button.clicked.connect(lambda: self.export_summary())
        return [self.concern_button, self.log_button, self.clause_button, self.summary_button]

    def retranslate_ui(self) -> None:
        fill_combo(self.state_filter, [(None, _("All states")), ("open", _("Being handled"))]
                   + [(s, mediation.state_label(s)) for s in mediation.STATES])
        fill_combo(self.category_filter, [(None, _("All categories")), ("family", _("Marriage and family (all)"))]
                   + [(c, mediation.category_label(c, short=True)) for c in mediation.CATEGORIES])
        if self.year_filter.count() == 0:
            fill_combo(self.year_filter, [(None, _("All years"))])
        else:
            self.year_filter.setItemText(0, _("All years"))
        self.overdue_only.setText(_("Over the limit only"))
        self.concern_button.setText(_("From a concern…"))
        self.log_button.setText(_("Access log"))
        self.clause_button.setText(_("Add a clause…"))
        self.summary_button.setText(_("Yearly summary to Excel…"))
        super().retranslate_ui()

    def _update_buttons(self, *args: Any) -> None:
        super()._update_buttons(*args)
        if hasattr(self, "log_button"):
            actions = self._page_actions_now()
            for button, action in ((self.concern_button, "new"), (self.log_button, "access_log"),
                                   (self.clause_button, "clause"), (self.summary_button, "summary")):
                refused = actions.get(action, "")
                button.setEnabled(refused is None)
                button.setToolTip(refused or "")

    def page_actions(self, session: Any) -> dict[str, str | None]:
        return mediation.allowed_actions(session=session, actor=self.context.actor)

    def filter_values(self) -> dict[str, Any]:
        return {"state": self.state_filter.currentData(), "category": self.category_filter.currentData(),
                "year": self.year_filter.currentData(), "overdue_only": self.overdue_only.isChecked()}

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        return mediation.case_ids(session=session, actor=self.context.actor, search=query, **filters)

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        return list(mediation.case_rows(session=session, actor=self.context.actor, ids=ids).values())

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Overview:
        """The counts, the years and the page's actions (:func:`read_overview`), kept for the page's
        first open: never a case (the register's ``Opening`` is not read: no ``opening_filters``)."""
        return read_overview(session, actor)

    def preload(self) -> None:
        """The counts and the years only (:func:`read_overview`): the parties' cases are read only
        when the mediator opens the page."""
        if self._overview_writes is not None or self._loaded_once:
            return
        actor, writes = self.context.actor, worker().writes_submitted
        DbOp(self, lambda session: read_overview(session, actor), read_only=True) \
            .success(lambda overview: self._show_overview(overview, writes)).run()

    def _show_overview(self, overview: Overview, writes: int) -> None:
        if self._loaded_once or self._querying:
            return  # opened meanwhile: the open reads them
        self._show_counts((overview.counts, overview.years))
        self._overview_writes = writes

    def reload(self) -> None:
        actor = self.context.actor

        def counts(session: Any) -> tuple[Any, list[int]]:
            return (mediation.counts(session=session, actor=actor),
                    mediation.case_years(session=session, actor=actor))

        kept, self._overview_writes = self._overview_writes, None
        if kept is None or kept != worker().writes_submitted:  # else shown as read, nothing written since
            DbOp(self, counts, read_only=True).success(self._show_counts).run()
        if self.restricted:
            self._loaded_once = True
            return
        super().reload()

    def _show_counts(self, loaded: tuple[Any, list[int]]) -> None:
        counts, years = loaded
        self.summary.setText(_counts_text(counts) + ("\n" + _(
            "Case details are confidential: only mediators and the secretary read them.") if self.restricted else ""))
        current = self.year_filter.currentData()
        wanted = [None, *years]
        if [self.year_filter.itemData(i) for i in range(self.year_filter.count())] != wanted:
            self.year_filter.blockSignals(True)
            fill_combo(self.year_filter, [(None, _("All years"))] + [(y, str(y)) for y in years])
            index = self.year_filter.findData(current)
            self.year_filter.setCurrentIndex(max(index, 0))
            self.year_filter.blockSignals(False)

    # ------------------------------------------------------------ actions

    def create_item(self, form: mediation.CaseForm | None = None) -> None:
        dialog = CaseDialog(self, self.context.actor, form)
        dialog.saved.connect(lambda case: (self.saved(case.id), self.open_item(case.id)))
        dialog.open()
        self.dialog = dialog

    def open_item(self, item_id: str) -> None:
        view = CaseView(self, self.context.actor, item_id)
        view.changed.connect(lambda: (self.refresh_ids([item_id]), self.reload()))
        view.open()
        view.reload()
        self.dialog = view

    def from_concern(self, number: str | None = None) -> None:
        """转自群众诉求: a new case pre-filled from the concern with this number."""
        if not self._may("new"):
            return
        if number is None:
            number, ok = QInputDialog.getText(self, _("From a concern"), _("The concern's number (e.g. 2026-0012):"))
            if not ok or not number.strip():
                return
        actor, wanted = self.context.actor, number.strip()

        def prefill(session: Any) -> Any:
            ids = concerns.concern_ids(session=session, actor=actor, search=wanted)
            rows = concerns.concern_rows(session=session, actor=actor, ids=ids)
            found = next((i for i in ids if rows[i].number == wanted), None)
            if found is None:
                raise ValidationError({"concern": _("No concern numbered {number}.").format(number=wanted)})
            return mediation.case_form_from_concern(session=session, actor=actor, concern_id=found)

        DbOp(self, prefill, read_only=True).success(self.create_item).run()

    def show_access_log(self) -> None:
        if not self._may("access_log"):
            return
        actor = self.context.actor
        DbOp(self, lambda s: mediation.access_log(session=s, actor=actor), read_only=True) \
            .success(self._show_log).run()

    def add_clause(self) -> None:
        """常用协议条款: add a clause to the committee's library (offered in the agreement dialog)."""
        if not self._may("clause"):
            return
        dialog = ClauseDialog(self, self.context.actor)
        dialog.saved.connect(lambda _library: set_message(
            self.message, _("The clause is in the library: the agreement offers it."), error=False))
        dialog.open()
        self.dialog = dialog

    def export_summary(self, path: str | None = None) -> None:
        """The de-identified yearly summary (counts only, no names) as an Excel workbook; the year is
        the one chosen in the year filter, else this year."""
        if not self._may("summary"):
            return
        year = self.year_filter.currentData() or dt.date.today().year
        if path is None:
            path = save_file_name(self, _("Yearly summary to Excel"),
                                  _("Mediation statistics {year}.xlsx").format(year=year), _("Excel files (*.xlsx)"))
            if not path:
                return
        actor, target = self.context.actor, path

        def write(session: Any) -> str:
            return str(mediation.export_yearly_summary(session=session, actor=actor, year=year, to_file=target))

        set_message(self.message, "", error=False)
        DbOp(self, write).success(self._exported) \
            .failure(lambda exc: set_message(self.message, str(exc), error=True)).run()

    def _exported(self, path: str) -> None:
        set_message(self.message, _("Saved {file}.").format(file=path), error=False)
        self.exported.emit(path)

    def _show_log(self, rows: list[Any]) -> None:
        dialog = AccessLogDialog(self, rows)
        dialog.open()
        self.dialog = dialog


class ClauseDialog(FormDialog):
    """A clause for the committee's library (blanks ____ to fill in when the agreement is written)."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("Add a clause to the library"), width=560)
        self.actor = actor
        self.text = QPlainTextEdit()
        self.text.setObjectName("clauseText")
        self.text.setFixedHeight(80)
        self.text.setPlaceholderText(_("e.g. 被申请人于____年__月__日前一次性支付申请人____元。"))
        self.form.add("text", N_("Clause"), self.text, required=True,
                      hint=N_("Leave blanks ____ for what each agreement fills in."))
        self.form.fields["text"].label.setFixedHeight(80)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, text = self.actor, self.text.toPlainText()
        return lambda session: mediation.add_clause(session=session, actor=actor, text=text)


class AccessLogDialog(QDialog):
    """查阅记录: who read which case, when, and what (the secretary's view)."""

    def __init__(self, parent: QWidget | None, rows: list[Any]):
        from app.auth import ROLES  # the role names, as the log shows them

        super().__init__(parent)
        self.setWindowTitle(_("Access log of mediation cases"))
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        table = QTableWidget(len(rows), 4)
        table.setObjectName("accessLogTable")
        table.setHorizontalHeaderLabels([_("When"), _("Who"), _("Case no."), _("What was shown")])
        table.verticalHeader().setVisible(False)
        for r, row in enumerate(rows):
            values = [row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                      f"{row.username}（{_(ROLES.get(row.role, row.role))}）",
                      row.case_number or row.case_id, _shown(row.shown)]
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def _shown(code: str) -> str:
    refused = code.startswith("refused:")
    code = code.removeprefix("refused:")
    if code == "details":
        text = _("case details")
    elif code.startswith("document:"):
        kind = code.removeprefix("document:")
        text = _("document {kind}").format(kind=_(dict(DOCUMENT_KINDS).get(kind, kind)))
    else:
        text = code
    return _("refused: {what}").format(what=text) if refused else text


# ---------------------------------------------------------------- intake


class PartyEditor(QWidget):
    """当事人: pick a resident by name or pinyin (``wdm`` → 王大明), or type an outsider's particulars."""

    changed = Signal()

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent)
        self.actor = actor
        self.parties: list[mediation.PartyForm] = []
        self.chosen: Any = None
        self._token = 0
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        self.list = QListWidget()
        self.list.setObjectName("partyList")
        self.list.setMaximumHeight(66)
        grid.addWidget(self.list, 0, 0, 1, 4)
        self.role = QComboBox()
        for code in mediation.PARTY_ROLES:
            self.role.addItem(mediation.party_role_label(code), code)
        grid.addWidget(self.role, 1, 0)
        self.name = line_edit(max_length=32, placeholder=_("Name, or pinyin to pick from the register"))
        self.name.setObjectName("partyName")
        self.name.textEdited.connect(self._typed)
        grid.addWidget(self.name, 1, 1, 1, 2)
        self.add_button = QPushButton(_("Add party"))
        self.add_button.setObjectName("addParty")
        self.add_button.clicked.connect(lambda: self.add_party())
        grid.addWidget(self.add_button, 1, 3)
        self.results = QListWidget()
        self.results.setObjectName("partyResults")
        self.results.setMaximumHeight(80)
        self.results.setVisible(False)
        self.results.itemClicked.connect(self._picked)
        self.results.itemActivated.connect(self._picked)
        grid.addWidget(self.results, 2, 0, 1, 4)
        self.gender = QComboBox()
        self.gender.addItem(_("Gender"), "")
        for code, label in mediation.GENDERS.items():
            self.gender.addItem(_(label), code)
        grid.addWidget(self.gender, 3, 0)
        self.ethnicity = line_edit(max_length=16, placeholder=_("Ethnicity"))
        self.ethnicity.setText("汉族")
        grid.addWidget(self.ethnicity, 3, 1)
        self.age = QSpinBox()
        self.age.setRange(0, 130)
        self.age.setSpecialValueText(_("Age"))
        grid.addWidget(self.age, 3, 2)
        self.occupation = line_edit(max_length=32, placeholder=_("Occupation"))
        grid.addWidget(self.occupation, 3, 3)
        self.phone = line_edit(max_length=20, placeholder=_("Phone"))
        grid.addWidget(self.phone, 4, 0, 1, 2)
        self.address = line_edit(max_length=128, placeholder=_("Address"))
        grid.addWidget(self.address, 4, 2, 1, 2)
        self.request = line_edit(max_length=1000, placeholder=_("What this party asks for"))
        self.request.setObjectName("partyRequest")
        grid.addWidget(self.request, 5, 0, 1, 4)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.search)

    def _typed(self, _text: str) -> None:
        self.chosen = None
        self._timer.start()

    def search(self) -> None:
        self._timer.stop()
        self._token += 1
        token, text, actor = self._token, self.name.text(), self.actor
        DbOp(self, lambda s: mediation.party_choices(session=s, actor=actor, query=text), read_only=True) \
            .success(lambda found: self._show(token, found)).run()

    def _show(self, token: int, found: list[Any]) -> None:
        if token != self._token:
            return
        self.results.clear()
        for choice in found:
            item = QListWidgetItem(f"{choice.name}　{choice.detail}　{choice.address}")
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.results.addItem(item)
        self.results.setVisible(bool(found))

    def _picked(self, item: QListWidgetItem) -> None:
        self.choose(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, choice: Any) -> None:
        self.chosen = choice
        self.name.setText(choice.name)
        self.address.setText(choice.address)
        self.gender.setCurrentIndex(max(self.gender.findData(choice.gender), 0))
        self.age.setValue(choice.age or 0)
        self.results.setVisible(False)

    def add_party(self) -> None:
        chosen = self.chosen
        if not self.name.text().strip():
            return
        party = mediation.PartyForm(
            role=self.role.currentData(), resident_id=chosen.resident_id if chosen else None,
            name=self.name.text().strip(), gender=self.gender.currentData() or "", ethnicity=self.ethnicity.text(),
            age=self.age.value() or None, occupation=self.occupation.text(), phone=self.phone.text(),
            address=self.address.text(), request=self.request.text())
        self.set_parties([*self.parties, party])
        for edit in (self.name, self.occupation, self.phone, self.address, self.request):
            edit.clear()
        self.age.setValue(0)
        self.gender.setCurrentIndex(0)
        self.chosen = None
        self.results.clear()
        self.results.setVisible(False)
        # the next party is usually the other side
        self.role.setCurrentIndex(min(self.role.currentIndex() + 1, self.role.count() - 1))

    def set_parties(self, parties: list[mediation.PartyForm] | tuple[mediation.PartyForm, ...]) -> None:
        self.parties = list(parties)
        self.list.clear()
        for party in self.parties:
            origin = _("from the register") if party.resident_id else _("not in the register")
            self.list.addItem(f"{mediation.party_role_label(party.role)}：{party.name or '—'}（{origin}）"
                              + (f"　{party.request}" if party.request else ""))
        if self.parties and self.parties[-1].role == "applicant":
            self.role.setCurrentIndex(self.role.findData("respondent"))
        self.changed.emit()


class CaseDialog(FormDialog):
    """登记: a new case (pre-filled when it comes from a concern)."""

    def __init__(self, parent: QWidget | None, actor: Any, form: mediation.CaseForm | None = None):
        super().__init__(parent, N_("New mediation case"), width=720)
        self.actor = actor
        self.prefilled = form or mediation.CaseForm()
        self.title = line_edit(max_length=64, placeholder=_("e.g. 宅基地界址纠纷"))
        self.title.setObjectName("caseTitle")
        self.form.add("title", N_("Dispute (案由)"), self.title, required=True)
        self.category = QComboBox()
        for code in mediation.CATEGORIES:
            self.category.addItem(mediation.category_label(code, short=True), code)
        self.form.add("category", N_("Category"), self.category)
        self.source = QComboBox()
        for code in mediation.SOURCES:
            self.source.addItem(mediation.source_label(code), code)
        self.form.add("source", N_("Source"), self.source, aliases=("concern_id",))
        self.people = QSpinBox()
        self.people.setRange(2, 10000)
        self.form.add("people_involved", N_("People involved"), self.people)
        self.mediators = line_edit(max_length=128, placeholder=_("e.g. 张德明、刘桂芳"))
        self.form.add("mediators", N_("Mediators"), self.mediators)
        self.registered_on = QDateEdit(dt.date.today())
        self.registered_on.setCalendarPopup(True)
        self.registered_on.setDisplayFormat("yyyy-MM-dd")
        self.form.add("registered_on", N_("Registered on"), self.registered_on)
        self.facts = QPlainTextEdit()
        self.facts.setObjectName("caseFacts")
        self.facts.setFixedHeight(64)
        self.form.add("facts", N_("Facts of the dispute"), self.facts)
        self.parties = PartyEditor(self, actor)
        self.form.add("parties", N_("Parties"), self.parties, required=True)
        # the labels stand level with their editors' real heights (a fixed-height text box, the parties'
        # list at the top of its editor), not with their default size hints
        self.form.fields["facts"].label.setFixedHeight(64)
        self.form.fields["parties"].label.setFixedHeight(28)
        self.finish_layout()
        self._fill(self.prefilled)

    def _fill(self, form: mediation.CaseForm) -> None:
        self.title.setText(form.title)
        self.category.setCurrentIndex(max(self.category.findData(form.category), 0))
        self.source.setCurrentIndex(max(self.source.findData(form.source), 0))
        self.source.setEnabled(not form.concern_id)
        self.people.setValue(max(form.people_involved, 2))
        self.mediators.setText(form.mediators)
        self.facts.setPlainText(form.facts)
        self.parties.set_parties(form.parties)

    def show_errors(self, errors: dict[str, str]) -> None:
        # a party's error (parties.1) is shown at the parties field
        merged: dict[str, str] = {}
        for key, message in errors.items():
            field = "parties" if key.startswith("parties") else key
            merged[field] = f"{merged[field]}；{message}" if field in merged else message
        super().show_errors(merged)

    def save_op(self) -> Any:
        if self.parties.name.text().strip():
            self.parties.add_party()  # a party typed but not yet added is meant to be added
        form = mediation.CaseForm(
            title=self.title.text(), category=self.category.currentData(), source=self.source.currentData(),
            facts=self.facts.toPlainText(), people_involved=self.people.value(), mediators=self.mediators.text(),
            registered_on=self.registered_on.date().toPython(), concern_id=self.prefilled.concern_id,
            parties=tuple(self.parties.parties))
        actor = self.actor
        return lambda session: mediation.register_case(session=session, actor=actor, form=form)


# ---------------------------------------------------------------- the case view


STEP_BUTTONS = (
    ("accept", N_("Accept")), ("reject", N_("Not accept…")), ("agree", N_("Agreement…")),
    ("fail", N_("No agreement…")), ("terminate", N_("Terminate…")), ("fulfil", N_("Fulfilment…")),
    ("escalate", N_("Escalate…")), ("extend", N_("Extend the limit…")), ("archive", N_("Archive")),
    ("reopen", N_("Reopen…")),
)
RECORD_ACTIONS = {"investigation": "investigate", "session": "session", "visit": "visit"}


class CaseView(QDialog):
    """One case: particulars, records, warnings; the record form (Ctrl+Enter saves and keeps it
    open for the next one); the next steps; the case's documents."""

    changed = Signal()
    loaded = Signal()

    def __init__(self, parent: QWidget | None, actor: Any, case_id: str):
        super().__init__(parent)
        self.actor, self.case_id = actor, case_id
        self.allowed: dict[str, str | None] = {}
        self.detail: Any = None
        self.resize(940, 680)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        self.details = QLabel()
        self.details.setObjectName("caseDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        self.warnings = QLabel()
        self.warnings.setObjectName("formError")
        self.warnings.setWordWrap(True)
        layout.addWidget(self.warnings)
        self.records = QListWidget()
        self.records.setObjectName("caseRecords")
        self.records.setMinimumHeight(90)
        records_row = QHBoxLayout()  # the case's photos beside its records: the view fits 1366×768
        records_row.addWidget(self.records, 3)
        self.attachments = AttachmentsStrip(self, actor, "mediation_case", case_id)  # read through the access log
        records_row.addWidget(self.attachments, 2)
        layout.addLayout(records_row, 1)

        record_row = QHBoxLayout()
        left = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("recordKind")
        for code in mediation.RECORD_KINDS:
            self.kind.addItem(mediation.record_kind_label(code), code)
        self.kind.currentIndexChanged.connect(lambda _i: self._update_record_form())
        left.addRow(_("Record"), self.kind)
        self.held_on = QDateEdit(dt.date.today())
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        left.addRow(_("Date"), self.held_on)
        self.place = line_edit(max_length=64)
        self.place.setObjectName("recordPlace")
        left.addRow(_("Place"), self.place)
        self.present = line_edit(max_length=255)
        left.addRow(_("Present at the session"), self.present)
        self.mediators = line_edit(max_length=128)
        self.mediators.setObjectName("recordMediators")
        left.addRow(_("Mediators"), self.mediators)
        record_row.addLayout(left, 2)
        right = QVBoxLayout()
        self.content = QPlainTextEdit()
        self.content.setObjectName("recordContent")
        self.content.setPlaceholderText(_("What was said and found (Ctrl+Enter saves and keeps the form open)"))
        right.addWidget(self.content, 1)
        self.save_record_button = QPushButton(_("Save record"))
        self.save_record_button.setObjectName("saveRecord")
        self.save_record_button.setToolTip("Ctrl+Enter")
        self.save_record_button.clicked.connect(lambda: self.save_record())
        right.addWidget(self.save_record_button)
        record_row.addLayout(right, 3)
        layout.addLayout(record_row)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=lambda: self.save_record())

        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        steps = QHBoxLayout()
        steps.setSpacing(4)
        self.step_buttons: dict[str, QPushButton] = {}
        for action, msgid in STEP_BUTTONS:
            button = QPushButton(_(msgid))
            button.setObjectName(f"step_{action}")
            button.clicked.connect(lambda _checked=False, a=action: self.step(a))
            steps.addWidget(button)
            self.step_buttons[action] = button
        layout.addLayout(steps)
        documents = QHBoxLayout()
        documents.addWidget(QLabel(_("Document")))
        self.document_kind = QComboBox()
        self.document_kind.setObjectName("documentKind")
        for name, label in DOCUMENT_KINDS:
            self.document_kind.addItem(_(label), name)
        documents.addWidget(self.document_kind, 1)
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.setObjectName("savePdf")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        documents.addWidget(self.pdf_button)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        documents.addWidget(close)
        layout.addLayout(documents)

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        actor, case_id = self.actor, self.case_id

        def read(session: Any) -> tuple[Any, dict[str, str | None], Any, list[str]]:
            detail = mediation.case_detail(session=session, actor=actor, case_id=case_id)  # logged
            allowed = mediation.allowed_actions(session=session, actor=actor, case_id=case_id)
            defaults = mediation.session_defaults(session=session, actor=actor) if actor.can("mediation.edit") else None
            return detail, allowed, defaults, mediation.clause_library(session=session, actor=actor)

        # a unit of work, not a read session: the read is recorded in the access log
        DbOp(self, read).success(self._show).failure(lambda exc: self.message.setText(str(exc))).run()
        self.attachments.reload()

    def _show(self, loaded: tuple[Any, dict[str, str | None], Any, list[str]]) -> None:
        detail, self.allowed, defaults, self.clauses = loaded
        self.detail = detail
        case = detail.case
        self.setWindowTitle(f"{case.number}　{case.title}")
        lines = [
            f"<b>{case.number}</b>　{case.title}　<b>{mediation.state_label(case.state)}</b>",
            _("{category}; {source}; {n} people involved; mediators {mediators}").format(
                category=mediation.category_label(case.category), source=mediation.source_label(case.source),
                n=case.people_involved, mediators=case.mediators or "—"),
            _("Registered {registered}; accepted {accepted}; time limit {due}").format(
                registered=format_date(case.registered_on), accepted=format_date(case.accepted_on) or "—",
                due=format_date(case.due_on) or "—"),
        ]
        if detail.concern_number:
            lines.append(_("From concern {number}").format(number=detail.concern_number))
        lines.append("；".join(f"{mediation.party_role_label(p.role)}：{p.name}" for p in detail.parties))
        if case.facts:
            lines.append(_("Facts: {text}").format(text=case.facts))
        for label, value in ((_("Agreement"), "；".join(case.agreement)), (_("Reason"), case.outcome_reason
                                                                           or case.rejection_reason),
                             (_("Fulfilment"), mediation.fulfilment_label(case.fulfilment)),
                             (_("Escalated"), case.escalation_reason), (_("Reopened"), case.reopen_reason)):
            if value:
                lines.append(f"{label}：{value}")
        self.details.setText("<br>".join(_escape(line) if not line.startswith("<b>") else line for line in lines))
        self.warnings.setText("\n".join(detail.warnings))
        self.warnings.setVisible(bool(detail.warnings))
        self.records.clear()
        for record in detail.records:
            self.records.addItem(f"{format_date(record.held_on, style='short')}　"
                                 f"{mediation.record_kind_label(record.kind)}　{record.place}　"
                                 f"{record.content.splitlines()[0] if record.content else ''}")
        if defaults is not None and not self.place.text():
            self.place.setText(defaults.place)
            self.mediators.setText(defaults.mediators or case.mediators)
        # the record kind the case is at: investigation, then sessions, then visits
        for code in ("session", "investigation", "visit"):
            if self.allowed.get(RECORD_ACTIONS[code]) is None:
                self.kind.setCurrentIndex(self.kind.findData(code))
                break
        for action, button in self.step_buttons.items():
            refused = self.allowed.get(action, "")
            button.setEnabled(refused is None)
            button.setToolTip(refused or "")
        self._update_record_form()
        self.loaded.emit()

    def _update_record_form(self) -> None:
        action = RECORD_ACTIONS[self.kind.currentData()]
        refused = self.allowed.get(action, "")
        self.save_record_button.setEnabled(refused is None)
        self.save_record_button.setToolTip(refused or "Ctrl+Enter")

    # ------------------------------------------------------------ changes

    def _run(self, op: Any, then: Any = None) -> None:
        self.message.clear()

        def done(result: Any) -> None:
            if then is not None:
                then(result)
            self.changed.emit()
            self.reload()

        def refused(exc: Exception) -> None:
            self.message.setText("；".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc))

        DbOp(self, op).success(done).failure(refused).run()

    def save_record(self) -> None:
        """Save the record and keep the form open (date, place and mediators stay) for the next one."""
        if not self.save_record_button.isEnabled():
            return
        kind = self.kind.currentData()
        form = mediation.RecordForm(content=self.content.toPlainText(), held_on=self.held_on.date().toPython(),
                                    place=self.place.text(), present=self.present.text(),
                                    mediators=self.mediators.text())
        function = {"investigation": mediation.record_investigation, "session": mediation.record_session,
                    "visit": mediation.record_visit}[kind]
        actor, case_id = self.actor, self.case_id
        self._run(lambda s: function(session=s, actor=actor, case_id=case_id, form=form),
                  then=lambda _r: self.content.clear())

    def step(self, action: str, **answers: Any) -> None:
        """One step of the lifecycle; asks what it needs (a reason …) unless given in ``answers``."""
        if self.allowed.get(action, "") is not None:
            return
        actor, case_id = self.actor, self.case_id
        if action in ("reject", "fail", "terminate", "reopen") and "reason" not in answers:
            text, ok = QInputDialog.getMultiLineText(self, self.step_buttons[action].text(), _("Reason:"))
            if not ok:
                return
            answers["reason"] = text
        if action == "escalate" and "to" not in answers:
            labels = [mediation.escalation_label(c) for c in mediation.ESCALATION_TARGETS]
            label, ok = QInputDialog.getItem(self, _("Escalate"), _("To:"), labels, 0, False)
            if not ok:
                return
            answers["to"] = list(mediation.ESCALATION_TARGETS)[labels.index(label)]
            text, ok = QInputDialog.getMultiLineText(self, _("Escalate"), _("Reason:"))
            if not ok:
                return
            answers["reason"] = text
        if action == "extend" and "days" not in answers:
            days, ok = QInputDialog.getInt(self, _("Extend the limit"), _("Days:"), 15, 1,
                                           mediation.MAX_EXTENSION_DAYS)
            if not ok:
                return
            text, ok = QInputDialog.getMultiLineText(self, _("Extend the limit"), _("Reason:"))
            if not ok:
                return
            answers.update(days=days, reason=text)
        if action == "fulfil" and "fulfilment" not in answers:
            labels = [mediation.fulfilment_label(c) for c in mediation.FULFILMENT]
            label, ok = QInputDialog.getItem(self, _("Fulfilment"), _("How was the agreement fulfilled?"), labels,
                                             0, False)
            if not ok:
                return
            answers["fulfilment"] = list(mediation.FULFILMENT)[labels.index(label)]
            if answers["fulfilment"] != "on_time":
                text, ok = QInputDialog.getMultiLineText(self, _("Fulfilment"), _("What was not fulfilled?"))
                if not ok:
                    return
                answers["note"] = text
        if action == "agree" and "clauses" not in answers:
            dialog = AgreementDialog(self, self.clauses)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            answers.update(dialog.values())
        ops = {
            "accept": lambda s: mediation.accept_case(session=s, actor=actor, case_id=case_id),
            "reject": lambda s: mediation.reject_case(session=s, actor=actor, case_id=case_id, **answers),
            "agree": lambda s: mediation.conclude_case(session=s, actor=actor, case_id=case_id, outcome="agreed",
                                                       **answers),
            "fail": lambda s: mediation.conclude_case(session=s, actor=actor, case_id=case_id, outcome="failed",
                                                      **answers),
            "terminate": lambda s: mediation.conclude_case(session=s, actor=actor, case_id=case_id,
                                                           outcome="terminated", **answers),
            "fulfil": lambda s: mediation.record_fulfilment(session=s, actor=actor, case_id=case_id, **answers),
            "escalate": lambda s: mediation.escalate_case(session=s, actor=actor, case_id=case_id, **answers),
            "extend": lambda s: mediation.extend_deadline(session=s, actor=actor, case_id=case_id, **answers),
            "archive": lambda s: mediation.archive_case(session=s, actor=actor, case_id=case_id),
            "reopen": lambda s: mediation.reopen_case(session=s, actor=actor, case_id=case_id, **answers),
        }
        self._run(ops[action])

    def save_pdf(self, path: str | None = None) -> None:
        """Write the chosen document of this case (the printing and the read are both logged)."""
        kind = self.document_kind.currentData()
        number = self.detail.case.number if self.detail else "case"
        if path is None:
            path = save_file_name(self, _("Save as PDF"), f"{number}-{self.document_kind.currentText()}.pdf",
                                  _("PDF files (*.pdf)"))
            if not path:
                return
        actor, ident = self.actor, (self.case_id if kind != "mediation_yearly" else "latest")

        def write(session: Any) -> str:
            from app.printing import print_kind

            print_kind(kind, session=session, actor=actor, ident=ident, out=Path(path))
            return path

        self.message.clear()
        DbOp(self, write).success(lambda p: self.message.setText(_("Saved {file}.").format(file=p))) \
            .failure(lambda exc: self.message.setText(str(exc))).run()


DOCUMENT_KINDS = (
    ("mediation_application", N_("Application (申请书)")), ("mediation_register", N_("Case register (受理登记表)")),
    ("mediation_rights", N_("Rights and duties (权利义务告知书)")),
    ("mediation_investigation", N_("Investigation records (调查记录)")),
    ("mediation_session", N_("Session records (调解记录)")), ("mediation_agreement", N_("Agreement (协议书)")),
    ("mediation_confirmation", N_("Judicial confirmation (司法确认申请书)")),
    ("mediation_visit", N_("Visit records (回访记录)")), ("mediation_file_cover", N_("Case file cover (卷宗)")),
    ("mediation_yearly", N_("Yearly statistics (统计表)")),
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AgreementDialog(QDialog):
    """达成协议: the clauses (from the committee's library, blanks ____ filled in), how and by when
    it is fulfilled, and whether the parties want 司法确认."""

    def __init__(self, parent: QWidget | None, library: list[str]):
        super().__init__(parent)
        self.setWindowTitle(_("Agreement"))
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Clause library (double-click to add):")))
        self.library = QListWidget()
        self.library.setObjectName("clauseLibrary")
        self.library.addItems(library)
        self.library.setMaximumHeight(150)
        self.library.itemDoubleClicked.connect(lambda item: self.add_clause(item.text()))
        layout.addWidget(self.library)
        layout.addWidget(QLabel(_("Clauses, one per line:")))
        self.clauses = QPlainTextEdit()
        self.clauses.setObjectName("agreementClauses")
        layout.addWidget(self.clauses, 1)
        form = QFormLayout()
        self.performance = line_edit(max_length=1000, placeholder=_("e.g. 当场一次性支付"))
        self.performance.setObjectName("agreementPerformance")
        form.addRow(_("Manner of fulfilment"), self.performance)
        self.due = QDateEdit(dt.date.today() + dt.timedelta(days=15))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        form.addRow(_("Fulfilled by"), self.due)
        self.confirmation = QCheckBox(_("The parties will apply for judicial confirmation (司法确认)"))
        form.addRow("", self.confirmation)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Record the agreement"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def add_clause(self, text: str) -> None:
        current = self.clauses.toPlainText().rstrip()
        self.clauses.setPlainText(f"{current}\n{text}" if current else text)

    def values(self) -> dict[str, Any]:
        return {"clauses": [line for line in self.clauses.toPlainText().splitlines() if line.strip()],
                "performance": self.performance.text(), "performance_due": self.due.date().toPython(),
                "confirmation": self.confirmation.isChecked()}
