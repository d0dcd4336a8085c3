"""数据报送, the township's import: bundles from a USB stick, checked first (a dry run that writes
nothing), a new village's key compared by phone, then applied — each bundle in its own unit of
work — and the receipts written back to the stick for the villages to import."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QVBoxLayout, QWidget

from app import sync
from app.errors import VillageDeskError
from app.i18n import N_, _, ngettext
from ui.ops import DbOp, show_error
from ui.pages.sync.common import (
    ask_key_passphrase,
    current_row,
    fingerprint_matches,
    hint,
    list_table,
    number,
    rev_range,
    table_label,
)
from ui.table_model import CENTER, RIGHT, Column
from ui.widgets import confirm, existing_directory, open_file_name, primary_button, set_message

BUNDLE_PATTERN = "*.vdbundle.age"
FILE_COLUMN_WIDTH = 240

# What happened to a file, in the order of the flow.
READY, NEW_VILLAGE, REFUSED, SKIPPED, IMPORTED, ALREADY, FAILED = (
    "ready", "new_village", "refused", "skipped", "imported", "already", "failed")


class ImportItem:
    """One bundle file: its dry-run summary (or why it was refused), then what the import did."""

    def __init__(self, file: Path, summary: Any = None, refused: str = "", enrolled: bool = True):
        self.file = file
        self.summary = summary
        self.result: Any = None
        self.message = refused
        self.state = REFUSED if refused else READY if enrolled else NEW_VILLAGE
        self.new_village = summary is not None and not enrolled

    @property
    def id(self) -> str:
        return str(self.file)

    def total(self, key: str) -> int:
        summary = self.result or self.summary
        if summary is None:
            return 0
        return sum(int(counts.get(key, 0)) for counts in summary.tables.values())

    @property
    def importable(self) -> bool:
        return self.state in (READY, NEW_VILLAGE)

    @property
    def bundle_id(self) -> str:
        return self.summary.bundle_id if self.summary is not None else ""


def _village(item: ImportItem) -> str:
    s = item.summary
    return _("{name} ({code})").format(name=s.village_name, code=s.village_code) if s is not None else ""


def _state_text(item: ImportItem) -> str:
    s = item.summary
    if item.state == REFUSED:
        return _("Refused: {reason}").format(reason=item.message)
    if item.state == FAILED:
        return _("Not imported: {reason}").format(reason=item.message)
    if item.state == SKIPPED:
        return _("Skipped: the fingerprint was not confirmed")
    if item.state == IMPORTED:
        return _("Imported")
    if item.state == ALREADY:
        return _("Imported before; nothing changed")
    notes = []
    if item.state == NEW_VILLAGE:
        notes.append(_("New village: compare the fingerprint"))
    if s is not None and s.already_imported:
        notes.append(_("Imported before"))
    if s is not None and s.gap:
        notes.append(_("An earlier bundle is missing: a full bundle will be asked for"))
    if item.total("rejected"):
        notes.append(_("Has rejected rows"))
    return _("; ").join(notes) if notes else _("Ready to import")


ITEM_COLUMNS: list[Column] = [
    Column(N_("File"), lambda i: i.file.name, tooltip=lambda i: str(i.file)),
    Column(N_("Village"), _village),
    Column(N_("Changes"), lambda i: rev_range(i.summary.from_rev, i.summary.to_rev) if i.summary else "", CENTER),
    Column(N_("New"), lambda i: number(i.total("new")) if i.summary else "", RIGHT),
    Column(N_("Updated"), lambda i: number(i.total("updated")) if i.summary else "", RIGHT),
    Column(N_("Unchanged"), lambda i: number(i.total("unchanged")) if i.summary else "", RIGHT),
    Column(N_("Rejected"), lambda i: number(i.total("rejected")) if i.summary else "", RIGHT),
    Column(N_("Result"), _state_text, tooltip=_state_text),
]


class ImportTab(QWidget):
    """从U盘导入 → the dry-run table → 确认导入 → 写回执."""

    imported = Signal()  # something was applied: the other tabs read again

    def __init__(self, actor: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor = actor
        self.can_import = actor.can("sync.import")
        self.key: Any = None  # the unlocked township key, kept until sign-out
        self.folder = ""
        self.items: list[ImportItem] = []
        self.running = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        self.intro = hint()
        layout.addWidget(self.intro)
        row = QHBoxLayout()
        self.folder_button = primary_button()
        self.folder_button.setObjectName("importFromFolder")
        self.folder_button.clicked.connect(self.choose_folder)
        row.addWidget(self.folder_button)
        self.file_button = QPushButton()
        self.file_button.setObjectName("importFile")
        self.file_button.clicked.connect(self.choose_file)
        row.addWidget(self.file_button)
        row.addStretch(1)
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("confirmImport")
        self.apply_button.clicked.connect(self.confirm_import)
        row.addWidget(self.apply_button)
        self.receipts_button = QPushButton()
        self.receipts_button.setObjectName("writeReceipts")
        self.receipts_button.clicked.connect(self.choose_receipt_folder)
        row.addWidget(self.receipts_button)
        layout.addLayout(row)
        self.table, self.model = list_table(ITEM_COLUMNS, name="importTable")
        # the file names are long (village, time, change number, id): their middle gives way, not the result
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().resizeSection(0, FILE_COLUMN_WIDTH)
        layout.addWidget(self.table, 1)
        self.detail = hint(name="importDetail")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        self.message = hint(name="importMessage")
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self._show_detail())
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.intro.setText(_("Choose the folder on the USB stick that holds the villages' bundles (*.vdbundle.age). "
                             "They are checked first and nothing is written until you confirm."))
        self.folder_button.setText(_("Import from USB stick…"))
        self.file_button.setText(_("Choose one file…"))
        self.apply_button.setText(_("Confirm import"))
        self.receipts_button.setText(_("Write receipts…"))
        self.model.retranslate()
        self._show_detail()
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = self.running == 0
        no_right = "" if self.can_import else _("Only the secretary and the clerk import bundles.")
        for button in (self.folder_button, self.file_button):
            button.setEnabled(self.can_import and idle)
            button.setToolTip(no_right)
        self.apply_button.setEnabled(self.can_import and idle and any(i.importable for i in self.items))
        self.receipts_button.setEnabled(self.can_import and idle and any(i.state in (IMPORTED, ALREADY)
                                                                         for i in self.items))

    def _show_items(self) -> None:
        selected = current_row(self.table)
        self.model.set_rows(self.items)
        row = self.model.row_of(selected.id) if selected is not None else (0 if self.items else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._show_detail()
        self._update_buttons()

    def _show_detail(self) -> None:
        item = current_row(self.table)
        if item is None or item.summary is None:
            self.detail.setText(item.message if item is not None else "")
            return
        s = item.result or item.summary
        lines = [_("{village}: changes {range}, {kind}. Key fingerprint: {fingerprint}").format(
            village=_village(item), range=rev_range(s.from_rev, s.to_rev),
            kind=_("full bundle") if s.full else _("incremental bundle"), fingerprint=s.fingerprint)]
        parts = []
        for table, counts in sorted(s.tables.items()):
            figures = [f"{_(label)} {number(counts.get(key, 0))}"
                       for key, label in (("new", N_("New")), ("updated", N_("Updated")),
                                          ("unchanged", N_("Unchanged")), ("rejected", N_("Rejected")))
                       if counts.get(key)]
            if figures:
                parts.append(f"{table_label(table)}: {' '.join(figures)}")
        for table, rows in sorted(getattr(s, "aggregates", {}).items()):
            parts.append(ngettext("{table}: monthly figures ({n} row)", "{table}: monthly figures ({n} rows)", rows)
                         .format(table=table_label(table), n=number(rows)))
        if parts:
            lines.append(" · ".join(parts))
        self.detail.setText("\n".join(lines))

    # ------------------------------------------------------------ choosing and checking

    def choose_folder(self) -> None:
        folder = existing_directory(self, _("Which folder holds the bundles?"))
        if not folder:
            return
        files = sorted(Path(folder).glob(BUNDLE_PATTERN))
        if not files:
            set_message(self.message, _("There is no bundle (*.vdbundle.age) in {folder}.").format(folder=folder),
                        error=True)
            return
        self.check(files, folder)

    def choose_file(self) -> None:
        path = open_file_name(self, _("Import which bundle?"), _("Bundles (*.vdbundle.age);;All files (*)"))
        if path:
            self.check([Path(path)], str(Path(path).parent))

    def check(self, files: list[Path], folder: str) -> Any:
        """Unlock the key if needed (its passphrase asked once per sign-in), then dry-run every file."""
        passphrase = None
        if self.key is None:
            passphrase = ask_key_passphrase(self)
            if passphrase is None:
                return None
        actor, key = self.actor, self.key

        def dry_run(session: Any, progress: Any) -> tuple[Any, list[ImportItem]]:
            unlocked = key or sync.unlock_township_key(session=session, actor=actor, passphrase=passphrase)
            enrolled = {v["village_code"] for v in sync.enrolled_villages(session=session, actor=actor)}
            found = []
            for done, file in enumerate(files):
                progress.update(done, len(files), file.name)
                try:
                    # enroll=True here only lets a new village's bundle be read; a dry run writes nothing
                    summary = sync.import_bundle(session=session, actor=actor, file=file, key=unlocked, enroll=True,
                                                 dry_run=True)
                except VillageDeskError as exc:
                    found.append(ImportItem(file, refused=str(exc)))
                else:
                    found.append(ImportItem(file, summary, enrolled=summary.village_code in enrolled))
            return unlocked, found

        def checked(result: tuple[Any, list[ImportItem]]) -> None:
            self.key, self.items = result
            self.folder = folder
            ready = sum(1 for i in self.items if i.importable)
            set_message(self.message, ngettext(
                "{n} of {total} bundle can be imported. Check the figures, then confirm.",
                "{n} of {total} bundles can be imported. Check the figures, then confirm.",
                len(self.items)).format(n=ready, total=len(self.items)), error=False)
            self._show_items()

        def refused(exc: Exception) -> None:
            set_message(self.message, str(exc), error=True)

        self.running += 1
        self._update_buttons()
        return (DbOp(self, dry_run, read_only=True).with_progress(_("Checking the bundles…"))
                .success(checked).failure(refused).finally_(self._finished).run())

    def _finished(self) -> None:
        self.running -= 1
        self._update_buttons()

    # ------------------------------------------------------------ importing

    def confirm_import(self) -> None:
        todo = [i for i in self.items if i.importable]
        if not todo or self.key is None:
            return
        confirmed: dict[str, bool] = {}
        for item in todo:
            code = item.summary.village_code
            if item.state == NEW_VILLAGE and code not in confirmed:
                confirmed[code] = fingerprint_matches(
                    self, title=_("A new village"),
                    text=_("{village} sends its first bundle. Phone the village and have the clerk read the "
                           "fingerprint shown on their Sync page (数据报送). Does it match this one exactly?").format(
                        village=_village(item)),
                    fingerprint=item.summary.fingerprint, accept_text=_("It matches: enrol the village"))
            if item.state == NEW_VILLAGE and not confirmed[code]:
                item.state = SKIPPED
        todo = [i for i in todo if i.importable]
        if not todo:
            self._show_items()
            return
        villages = _(", ").join(sorted({i.summary.village_name or i.summary.village_code for i in todo}))
        if not confirm(self, _("Import bundles"), ngettext(
                "Import {n} bundle ({villages}) into the township's database? An import cannot be undone.",
                "Import {n} bundles ({villages}) into the township's database? An import cannot be undone.",
                len(todo)).format(n=len(todo), villages=villages)):
            self._show_items()
            return
        self.apply(todo, enroll={code for code, ok in confirmed.items() if ok})

    def apply(self, todo: list[ImportItem], enroll: set[str]) -> None:
        """Each bundle in its own unit of work, oldest first per village (a refusal writes nothing)."""
        actor, key = self.actor, self.key
        todo = sorted(todo, key=lambda i: (i.summary.village_code, i.summary.to_rev, i.summary.from_rev))
        set_message(self.message, _("Importing…"), error=False)
        for item in todo:
            def job(session: Any, item: ImportItem = item) -> Any:
                return sync.import_bundle(session=session, actor=actor, file=item.file, key=key,
                                          enroll=item.summary.village_code in enroll, dry_run=False)

            def done(summary: Any, item: ImportItem = item) -> None:
                item.result = summary
                item.state = IMPORTED if summary.applied else ALREADY

            def failed(exc: Exception, item: ImportItem = item) -> None:
                item.state, item.message = FAILED, str(exc)

            self.running += 1
            DbOp(self, job).success(done).failure(failed).finally_(self._applied).run()
        self._update_buttons()

    def _applied(self) -> None:
        self._finished()
        if self.running:
            return
        done = sum(1 for i in self.items if i.state in (IMPORTED, ALREADY))
        failed = sum(1 for i in self.items if i.state == FAILED)
        text = ngettext("{n} bundle imported.", "{n} bundles imported.", done).format(n=done)
        if failed:
            text += " " + ngettext("{n} bundle could not be imported; see the table.",
                                   "{n} bundles could not be imported; see the table.", failed).format(n=failed)
        set_message(self.message, text, error=bool(failed))
        self._show_items()
        self.imported.emit()
        if done and self.folder and confirm(
                self, _("Write receipts"),
                _("Write the receipts into {folder}? Each village imports its receipt to know the township holds "
                  "its data.").format(folder=self.folder)):
            self.write_receipts(self.folder)

    # ------------------------------------------------------------ receipts

    def choose_receipt_folder(self) -> None:
        folder = existing_directory(self, _("Write the receipts into which folder?"))
        if folder:
            self.write_receipts(folder)

    def write_receipts(self, folder: str) -> Any:
        actor = self.actor
        bundles = [i.bundle_id for i in self.items if i.state in (IMPORTED, ALREADY)]
        if not bundles:
            return None

        def write(session: Any) -> list[str]:
            return [str(sync.write_receipt(session=session, actor=actor, bundle_id=bundle_id, to_dir=Path(folder)))
                    for bundle_id in bundles]

        def written(paths: list[str]) -> None:
            set_message(self.message, ngettext("{n} receipt written to {folder}.", "{n} receipts written to {folder}.",
                                               len(paths)).format(n=len(paths), folder=folder), error=False)

        return DbOp(self, write).success(written).failure(lambda exc: show_error(self, str(exc))).run()
