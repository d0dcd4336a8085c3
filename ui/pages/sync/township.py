"""数据报送, the township's side: import the villages' bundles, the villages enrolled, the summary
of all villages (to Excel), one village's records read-only, and the township's own key."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import concerns, deliberation, meetings, notices, sync
from app.errors import ValidationError
from app.i18n import N_, _, format_date, format_percent, ngettext
from ui.ops import DbOp, show_error
from ui.pages.sync.common import (
    ask_key_passphrase,
    current_row,
    fingerprint_label,
    hint,
    list_table,
    masked_token,
    number,
    rows_of,
    table_label,
    when,
)
from ui.pages.sync.township_import import ImportTab
from ui.table_model import CENTER, RIGHT, Column
from ui.widgets import fill_combo, line_edit, primary_button, save_file_name, set_message

VILLAGE_COLUMNS: list[Column] = [
    Column(N_("Village"), lambda v: v.name),
    Column(N_("Village code"), lambda v: v.village_code),
    Column(N_("Key fingerprint"), lambda v: v.fingerprint),
    Column(N_("Last import"), lambda v: when(v.last_import_at)),
    Column(N_("Change no."), lambda v: number(v.to_rev), RIGHT),
    Column(N_("Bundles"), lambda v: number(v.bundles), RIGHT),
    Column(N_("Waiting for a full bundle"), lambda v: _("Yes") if v.gap else "", CENTER),
    Column(N_("Upload token"), lambda v: masked_token(v.token or "")),
    Column(N_("Last error"), lambda v: v.last_error or "", tooltip=lambda v: v.last_error or ""),
]

SUMMARY_COLUMNS: list[Column] = [
    Column(N_("Village"), lambda r: r.name, tooltip=lambda r: r.village_code or ""),
    Column(N_("Residents"), lambda r: number(r.residents), RIGHT),
    Column(N_("Households (count)"), lambda r: number(r.households), RIGHT),
    Column(N_("Meetings"), lambda r: number(r.meetings), RIGHT),
    Column(N_("Concerns"), lambda r: number(r.concerns), RIGHT),
    Column(N_("Concerns closed"), lambda r: number(r.concerns_closed), RIGHT),
    Column(N_("Closure rate"), lambda r: format_percent(r.closing_rate), RIGHT,
           tooltip=lambda r: _("Concerns closed by their due date, of those due")),
    Column(N_("Notices"), lambda r: number(r.notices), RIGHT),
    Column(N_("四议两公开 matters"), lambda r: number(r.matters), RIGHT),
    Column(N_("Last import"), lambda r: when(r.last_import_at)),
]

#: The tables a township lists per village (app.sync.village_records).
RECORD_TABLES = ("meeting", "concern", "notice", "deliberation_matter")

#: Codes in those tables, shown in words by their area's own labels.
CODE_LABELS: dict[tuple[str, str], Any] = {
    ("meeting", "kind"): meetings.kind_label,
    ("meeting", "state"): meetings.state_label,
    ("concern", "category"): lambda code: concerns.category_label(code, short=True),
    ("concern", "state"): concerns.state_label,
    ("notice", "kind"): notices.kind_label,
    ("notice", "state"): notices.state_label,
    ("deliberation_matter", "state"): deliberation.state_label,
}


def _record_cell(table: str, name: str, value: Any) -> str:
    label = CODE_LABELS.get((table, name))
    if label is not None and isinstance(value, str) and value:
        return label(value)
    return _cell(value)


def _cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return when(value)
    if isinstance(value, dt.date):
        return format_date(value, style="medium")
    return "" if value is None else str(value)


class TownshipSync(QWidget):
    """导入 · 各村 · 汇总 · 村级记录 · 乡镇公钥."""

    def __init__(self, actor: Any, township_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.actor = actor
        self.township_name = township_name
        self.can_import = actor.can("sync.import")
        self.villages: list[dict[str, Any]] = []
        self.key_fingerprint = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.no_right = hint(name="noRight")
        self.no_right.setVisible(not self.can_import)
        layout.addWidget(self.no_right)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("townshipSyncTabs")
        self.tabs.setEnabled(self.can_import)
        layout.addWidget(self.tabs)
        self.import_tab = ImportTab(actor)
        self.import_tab.imported.connect(self.reload)
        self.tabs.addTab(self.import_tab, "")
        self.tabs.addTab(self._villages_tab(), "")
        self.tabs.addTab(self._summary_tab(), "")
        self.tabs.addTab(self._records_tab(), "")
        self.tabs.addTab(self._key_tab(), "")
        self.records_tab_index = 3
        self.tabs.currentChanged.connect(self._tab_shown)
        self.retranslate_ui()

    def _tab_shown(self, index: int) -> None:
        self._show_key()
        if index == self.records_tab_index and self.records_model.rowCount() == 0 and self.villages:
            self.load_records()  # the first village's meetings, without a click

    # ------------------------------------------------------------ building

    def _villages_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(12, 12, 12, 12)
        self.villages_hint = hint()
        column.addWidget(self.villages_hint)
        self.village_table, self.village_model = list_table(VILLAGE_COLUMNS, name="villageTable")
        column.addWidget(self.village_table, 1)
        row = QHBoxLayout()
        self.copy_token_button = QPushButton()
        self.copy_token_button.setObjectName("copyToken")
        self.copy_token_button.clicked.connect(self.copy_token)
        row.addWidget(self.copy_token_button)
        self.villages_message = hint(name="villagesMessage")
        row.addWidget(self.villages_message, 1)
        column.addLayout(row)
        self.village_table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())
        return tab

    def _summary_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(12, 12, 12, 12)
        self.summary_hint = hint()
        column.addWidget(self.summary_hint)
        self.summary_table, self.summary_model = list_table(SUMMARY_COLUMNS, name="summaryTable")
        column.addWidget(self.summary_table, 1)
        row = QHBoxLayout()
        self.excel_button = QPushButton()
        self.excel_button.setObjectName("summaryExcel")
        self.excel_button.clicked.connect(self.choose_excel_file)
        row.addWidget(self.excel_button)
        self.summary_message = hint(name="summaryMessage")
        row.addWidget(self.summary_message, 1)
        column.addLayout(row)
        return tab

    def _records_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(12, 12, 12, 12)
        row = QHBoxLayout()
        self.records_village_label, self.records_table_label = QLabel(), QLabel()
        self.records_village = QComboBox()
        self.records_village.setObjectName("recordsVillage")
        self.records_village.setMinimumWidth(200)
        self.records_village_label.setBuddy(self.records_village)
        self.records_kind = QComboBox()
        self.records_kind.setObjectName("recordsTable")
        self.records_kind.setMinimumWidth(140)
        self.records_table_label.setBuddy(self.records_kind)
        self.records_search = line_edit(max_length=100)
        self.records_search.setObjectName("search")
        self.records_search.returnPressed.connect(self.load_records)
        self.records_button = QPushButton()
        self.records_button.setObjectName("showRecords")
        self.records_button.clicked.connect(self.load_records)
        for widget in (self.records_village_label, self.records_village, self.records_table_label,
                       self.records_kind):
            row.addWidget(widget)
        row.addWidget(self.records_search, 1)
        row.addWidget(self.records_button)
        column.addLayout(row)
        self.records_view, self.records_model = list_table([], name="recordsView")
        column.addWidget(self.records_view, 1)
        self.records_message = hint(name="recordsMessage")
        column.addWidget(self.records_message)
        self.records_village.activated.connect(lambda _index: self.load_records())
        self.records_kind.activated.connect(lambda _index: self.load_records())
        return tab

    def _key_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(12, 12, 12, 12)
        self.key_box = QGroupBox()
        box = QVBoxLayout(self.key_box)
        self.key_hint = hint()
        box.addWidget(self.key_hint)
        self.key_fingerprint_label = fingerprint_label()
        box.addWidget(self.key_fingerprint_label)
        self.key_message = hint(name="keyMessage")
        self.key_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.key_message)
        row = QHBoxLayout()
        self.export_key_button = primary_button()
        self.export_key_button.setObjectName("exportTownshipKey")
        self.export_key_button.clicked.connect(self.choose_key_file)
        row.addWidget(self.export_key_button)
        row.addStretch(1)
        box.addLayout(row)
        column.addWidget(self.key_box)
        column.addStretch(1)
        return tab

    # ------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        for index, msgid in enumerate((N_("Import"), N_("Villages"), N_("Summary"), N_("Village records"),
                                       N_("Township key"))):
            self.tabs.setTabText(index, _(msgid))
        self.no_right.setText(_("Only the secretary and the clerk import bundles."))
        self.import_tab.retranslate_ui()
        self.villages_hint.setText(_("Villages enrolled by their first bundle. A village pushing over the network "
                                     "needs its upload token: it comes back with the receipt, or copy it here."))
        self.copy_token_button.setText(_("Copy upload token"))
        self.summary_hint.setText(_("Figures of every village as of its last bundle; the last row is the total. "
                                    "Closure rate: concerns closed by their due date, of those due."))
        self.excel_button.setText(_("Export to Excel…"))
        self.records_village_label.setText(_("{label}:").format(label=_("Village")))
        self.records_table_label.setText(_("{label}:").format(label=_("Records")))
        self.records_search.setPlaceholderText(_("Search title or number"))
        self.records_button.setText(_("Show"))
        fill_combo(self.records_kind, [(table, table_label(table)) for table in RECORD_TABLES])
        self._fill_villages()
        self.key_box.setTitle(_("Township key"))
        self.key_hint.setText(_("Every village encrypts its bundles to this key. Give the key file to each village "
                                "(on a USB stick); when the village has imported it, read the fingerprint below to "
                                "its clerk over the phone."))
        self.export_key_button.setText(_("Export the township key…"))
        for model in (self.village_model, self.summary_model, self.records_model):
            model.retranslate()
        self._show_key()
        self._update_buttons()

    def _update_buttons(self) -> None:
        no_right = "" if self.can_import else _("Only the secretary and the clerk import bundles.")
        self.copy_token_button.setEnabled(self.can_import and current_row(self.village_table) is not None)
        for button in (self.excel_button, self.export_key_button):
            button.setEnabled(self.can_import)
            button.setToolTip(no_right)

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        actor = self.actor
        if not self.can_import:
            return

        def read(session: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            return (sync.enrolled_villages(session=session, actor=actor),
                    sync.township_summary(session=session, actor=actor))

        DbOp(self, read, read_only=True).success(self._loaded).failure(lambda exc: show_error(self, str(exc))).run()

    def _loaded(self, result: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
        self.villages, summary = result
        self._show_key()
        self.village_model.set_rows(rows_of(self.villages, "village_code"))
        rows = rows_of(summary.get("villages", []), "village_code")
        totals = dict(summary.get("totals", {}))
        if rows:
            rows.append(rows_of([{**totals, "village_code": "", "name": _("Total"), "last_import_at": None}],
                                "village_code")[0])
        self.summary_model.set_rows(rows)
        self._fill_villages()
        self._update_buttons()

    def _fill_villages(self) -> None:
        fill_combo(self.records_village, [(v["village_code"], _("{name} ({code})").format(
            name=v["name"], code=v["village_code"])) for v in self.villages])

    # ------------------------------------------------------------ villages

    def copy_token(self) -> None:
        village = current_row(self.village_table)
        if village is None or not village.token:
            return
        QGuiApplication.clipboard().setText(village.token)
        set_message(self.villages_message, _("The upload token of {village} is on the clipboard.").format(
            village=village.name), error=False)

    # ------------------------------------------------------------ summary

    def choose_excel_file(self) -> None:
        name = _("{township} summary {date}.xlsx").format(township=self.township_name or _("Township"),
                                                          date=dt.date.today().isoformat())
        path = save_file_name(self, _("Export the summary to Excel"), name, _("Excel workbooks (*.xlsx)"))
        if path:
            self.export_excel(path)

    def export_excel(self, path: str) -> Any:
        actor = self.actor

        def write(session: Any) -> Path:
            return sync.export_summary_excel(session=session, actor=actor, to_file=Path(path))

        def written(file: Path) -> None:
            set_message(self.summary_message, _("Saved: {path}").format(path=file), error=False)

        return DbOp(self, write).success(written).failure(
            lambda exc: set_message(self.summary_message, str(exc), error=True)).run()

    # ------------------------------------------------------------ records

    def load_records(self) -> Any:
        code, table = self.records_village.currentData(), self.records_kind.currentData()
        if not code or not table:
            set_message(self.records_message, _("No village has sent a bundle yet."), error=False)
            return None
        actor, search = self.actor, self.records_search.text().strip()

        def read(session: Any) -> dict[str, Any]:
            return sync.village_records(session=session, actor=actor, village_code=code, table=table, search=search)

        def shown(result: dict[str, Any]) -> None:
            columns = [Column(label, lambda r, name=name: _record_cell(table, name, r.data.get(name)))
                       for name, label in result["columns"]]
            old, self.records_model = self.records_model, type(self.records_model)(columns, parent=self.records_view)
            self.records_view.setModel(self.records_model)
            old.deleteLater()
            self.records_model.set_rows(rows_of(result["rows"], "id"))
            count = len(result["rows"])
            set_message(self.records_message, ngettext("{n} record, newest first (read-only).",
                                                       "{n} records, newest first (read-only).", count).format(
                n=number(count)), error=False)

        return DbOp(self, read, read_only=True).success(shown).failure(
            lambda exc: set_message(self.records_message, str(exc), error=True)).run()

    # ------------------------------------------------------------ the township's key

    def _show_key(self) -> None:
        unlocked = self.import_tab.key
        if not self.key_fingerprint and unlocked is not None:
            self.key_fingerprint = unlocked.fingerprint  # unlocked for an import: its fingerprint is known
        self.key_fingerprint_label.setText(self.key_fingerprint)
        self.key_fingerprint_label.setVisible(bool(self.key_fingerprint))

    def choose_key_file(self) -> None:
        name = f"{self.township_name or 'township'}.age-recipient.txt"
        path = save_file_name(self, _("Export the township key"), name, _("Township key files (*.txt)"))
        if path:
            self.export_key(path)

    def export_key(self, path: str, passphrase: str | None = None) -> Any:
        """Write the public key; the first time (no key yet) a new passphrase is asked twice and the
        key pair is made."""
        actor, name = self.actor, self.township_name

        def write(session: Any) -> str:
            return sync.export_township_key(session=session, actor=actor, to_file=Path(path), name=name,
                                            passphrase=passphrase)

        def written(fingerprint: str) -> None:
            self.key_fingerprint = fingerprint
            self._show_key()
            set_message(self.key_message, _("Key file written: {path}. Its fingerprint is shown above.").format(
                path=path), error=False)

        def refused(exc: Exception) -> None:
            if passphrase is None and isinstance(exc, ValidationError) and "passphrase" in exc.errors:
                chosen = ask_key_passphrase(self, new=True)  # no key yet: it is made now
                if chosen is not None:
                    self.export_key(path, chosen)
                return
            set_message(self.key_message, str(exc), error=True)

        return DbOp(self, write).success(written).failure(refused).run()
