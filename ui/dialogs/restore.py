"""恢复备份: the generations of backups (the data folder's and the second folder's) with their date,
kind, village and counts; one is checked, confirmed and restored from here.

What a backup holds comes from its manifest (``app.backup.generations``); an encrypted one shows
only its date and kind until its passphrase is given at restore. Everything is read and written on
the database worker; a backup that does not verify (truncated, changed) is refused before anything
is replaced.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QProgressBar, QPushButton, QTableView, QVBoxLayout, QWidget)

from app.i18n import N_, _, format_datetime, format_number
from ui.ops import show_error, worker
from ui.widgets import confirm, open_file_name

COLUMNS = (N_("Made"), N_("Kind"), N_("Village"), N_("Households"), N_("Residents"), N_("Meetings"),
           N_("Concerns"), N_("Folder"))
_COUNTED = ("household", "resident", "meeting", "concern")


class GenerationModel(QAbstractTableModel):
    """The listed generations (a few dozen at most, read in one go on the worker)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        generation = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return format_datetime(generation.made)
            if column == 1:
                from app.backup import kind_label

                return kind_label(generation.kind)
            if column == 2:
                if generation.encrypted:
                    return _("encrypted (shown after the passphrase)")
                return generation.village_name or _("(no manifest)")
            if 3 <= column <= 6:
                value = generation.counts.get(_COUNTED[column - 3]) if generation.counts else None
                return "" if value is None else format_number(value)
            if column == 7:
                return generation.path.parent.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(generation.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and 3 <= column <= 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RestoreDialog(QDialog):
    """Lists the generations; 恢复 checks the chosen one, names what it replaces, and restores it."""

    def __init__(self, parent: QWidget | None, actor: Any, *, village_name: str = "", location: str = ""):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setModal(True)
        self.actor, self.village_name, self.location = actor, village_name, location
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.model = GenerationModel(self)
        self.table = QTableView()
        self.table.setObjectName("generationTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: a restore has no meaningful percentage
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setObjectName("restoreStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("restoreGeneration")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.file_button = QPushButton()
        self.file_button.setObjectName("restoreOtherFile")
        self.file_button.clicked.connect(lambda: self.choose_file())
        self.close_button = QPushButton()
        self.close_button.setObjectName("restoreClose")
        self.close_button.clicked.connect(self.reject)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(self.buttons)
        self.busy = False
        self.restored_to: Path | None = None
        self.retranslate_ui()
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Restore from a backup"))
        self.hint.setText(_("Backups kept by the program (daily, weekly, monthly, and before imports, upgrades and "
                            "restores) and your own. Restoring replaces the whole current database; a safety copy "
                            "of it is made first. Encrypted backups ask their passphrase."))
        self.restore_button.setText(_("Restore…"))
        self.file_button.setText(_("Other file…"))
        self.close_button.setText(_("Close"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def _update_buttons(self) -> None:
        allowed = self.actor.can("backup.restore") and not self.busy
        self.restore_button.setEnabled(allowed and self.selected() is not None)
        self.file_button.setEnabled(allowed)
        if not self.actor.can("backup.restore"):
            self.restore_button.setToolTip(_("Only the secretary restores backups."))

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    # ------------------------------------------------------------ listing

    def reload(self) -> Any:
        actor = self.actor
        self.status.setText(_("Looking for backups…"))

        def job(db_worker: Any) -> list:
            from app.backup import backup_folders, generations

            return generations(actor=actor, folders=backup_folders(db_worker.database))

        def listed(rows: list) -> None:
            self.model.set_rows(rows)
            if rows:
                self.table.selectRow(0)
            self.status.setText(_("{n} backups found.").format(n=format_number(len(rows))) if rows
                                else _("No backups yet: one is made each day the program starts."))
            self._update_buttons()

        return worker().submit(job, mode="call", writes=False, on_success=listed,
                               on_failure=lambda exc: self._failed(exc), parent=self)

    # ------------------------------------------------------------ restoring

    def choose_file(self) -> None:
        path = open_file_name(self, _("Restore which backup?"),
                              _("VillageDesk backups (*.vdbackup *.vdbackup.age);;All files (*)"))
        if path:
            from app.backup import is_encrypted

            self.check(Path(path), is_encrypted(Path(path)))

    def restore_selected(self) -> None:
        generation = self.selected()
        if generation is not None and not self.busy:
            self.check(generation.path, generation.encrypted)

    def check(self, path: Path, encrypted: bool, passphrase: str | None = None) -> Any:
        """Verify ``path`` on the worker (asking an encrypted one's passphrase first), then confirm."""
        if encrypted and passphrase is None:
            from ui.dialogs.passphrase import ask_passphrase

            passphrase = ask_passphrase(self, confirm=False)
            if passphrase is None:
                return None
        self._set_busy(True, _("Checking the backup…"))

        def job(_db_worker: Any) -> dict:
            from app.backup import verify

            return verify(path, passphrase=passphrase)

        return worker().submit(job, mode="call", writes=False,
                               on_success=lambda found: self._confirm(path, found, passphrase),
                               on_failure=lambda exc: self._failed(exc), parent=self)

    def confirm_text(self, found: dict) -> str:
        from ui.pages.admin import AdminBox

        return _("This replaces the current database of {village}\n({location})\nwith the backup made {when}:\n"
                 "{summary}\n\nA safety copy of the current data is made first. VillageDesk then closes; start it "
                 "again to work on the restored data. Restore now?").format(
            village=self.village_name or "?", location=self.location or "?",
            when=AdminBox.made_at(found.get("created_at")), summary=AdminBox.describe(found))

    def _confirm(self, path: Path, found: dict, passphrase: str | None) -> None:
        self._set_busy(False, "")
        if not confirm(self, _("Restore from a backup"), self.confirm_text(found)):
            self.status.setText(_("Nothing was restored."))
            return
        self.restore(path, passphrase)

    def restore(self, path: Path, passphrase: str | None = None) -> Any:
        actor = self.actor
        self._set_busy(True, _("Restoring… (a safety copy is made first)"))

        def job(db_worker: Any) -> Path:
            from app.backup import restore
            from app.paths import backups_dir

            return restore(database=db_worker.database, actor=actor, backup_file=path, safety_dir=backups_dir(),
                           passphrase=passphrase)

        return worker().submit(job, mode="call", on_success=self._restored, on_failure=lambda exc: self._failed(exc),
                               parent=self)

    def _restored(self, safety: Path) -> None:
        self.restored_to = safety
        self._set_busy(False, _("Restored. The data from before is kept in {path}. VillageDesk closes when you close "
                                "this message; start it again to work on the restored data.").format(path=safety))
        box = QMessageBox(QMessageBox.Icon.Information, _("Restore from a backup"), self.status.text(),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("restoredBox")
        box.finished.connect(lambda _result: self._close_program())
        box.open()

    def _close_program(self) -> None:
        window = self.parent().window() if self.parent() is not None else None
        self.accept()
        if window is not None:
            window.close()

    def _failed(self, exc: Exception) -> None:
        from app.errors import VillageDeskError

        message = exc.message if isinstance(exc, VillageDeskError) else _("The backup could not be read.")
        self._set_busy(False, _("Nothing was restored: {reason}").format(reason=message))
        show_error(self, message)

    def _set_busy(self, busy: bool, text: str) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.status.setText(text)
        self._update_buttons()

    def reject(self) -> None:
        if not self.busy:  # a restore under way is not left half-watched
            super().reject()
