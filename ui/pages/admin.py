"""管理: the settings page's administration box — users and roles, my password, restore from a
backup (what it holds is shown first), the recycle bin. Kept apart from the settings page itself."""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QLabel, QListWidget, QMessageBox, \
    QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.i18n import _, format_datetime, format_number
from ui.ops import DbOp, show_error, worker
from ui.widgets import confirm, open_file_name


def _recycle() -> Any:
    """``app.recycle`` when this version has it (another change adds it), else None."""
    import app

    spec = importlib.util.find_spec("app.recycle")
    # Only this program's own module (an editable install elsewhere on the path is not ours).
    if spec is None or spec.origin is None or Path(spec.origin).parent != Path(app.__file__).parent:
        return None
    return importlib.import_module("app.recycle")


class AdminBox(QGroupBox):
    def __init__(self, actor: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("adminBox")
        self.actor = actor
        self.dialog: QDialog | None = None
        column = QVBoxLayout(self)
        row = QHBoxLayout()
        self.users_button = QPushButton()
        self.users_button.setObjectName("usersButton")
        self.users_button.clicked.connect(lambda: self.show_users())
        self.users_button.setEnabled(actor.can("users.manage"))
        self.password_button = QPushButton()
        self.password_button.setObjectName("passwordButton")
        self.password_button.clicked.connect(lambda: self.change_password())
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(lambda: self.choose_restore())
        self.restore_button.setEnabled(actor.can("backup.restore"))
        self.recycle_button = QPushButton()
        self.recycle_button.setObjectName("recycleButton")
        self.recycle_button.clicked.connect(lambda: self.show_recycle_bin())
        for button in (self.users_button, self.password_button, self.restore_button, self.recycle_button):
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        # 自动锁定: the idle lock's minutes (app.auth), set by the admin, read by the main window.
        idle_row = QHBoxLayout()
        self.idle_label = QLabel()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("idleLockMinutes")
        self.idle_minutes.setRange(0, 240)
        self.idle_minutes.setValue(15)
        self.idle_unit = QLabel()
        self.idle_save = QPushButton()
        self.idle_save.setObjectName("idleLockSave")
        self.idle_save.clicked.connect(lambda: self.save_idle_lock())
        can_set = actor.can("users.manage")
        self.idle_minutes.setEnabled(can_set)
        self.idle_save.setEnabled(can_set)
        for widget in (self.idle_label, self.idle_minutes, self.idle_unit, self.idle_save):
            idle_row.addWidget(widget)
        idle_row.addStretch(1)
        column.addLayout(idle_row)
        self.result = QLabel()
        self.result.setObjectName("hint")
        self.result.setWordWrap(True)
        column.addWidget(self.result)
        self.retranslate_ui()
        self._load_idle_lock()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Administration"))
        self.users_button.setText(_("Users and roles…"))
        self.password_button.setText(_("Change my password…"))
        self.restore_button.setText(_("Restore from a backup…"))
        self.recycle_button.setText(_("Recycle bin…"))
        if not self.actor.can("users.manage"):
            self.users_button.setToolTip(_("Only the secretary manages accounts."))
        if not self.actor.can("backup.restore"):
            self.restore_button.setToolTip(_("Only the secretary restores backups."))
        self.idle_label.setText(_("Lock the window after"))
        self.idle_unit.setText(_("minutes without input (0: never)"))
        self.idle_save.setText(_("Save"))
        if not self.actor.can("users.manage"):
            self.idle_save.setToolTip(_("Only the secretary sets the idle lock."))

    # ------------------------------------------------------------ idle lock

    def _load_idle_lock(self) -> None:
        actor = self.actor

        def read(session: Any) -> int:
            from app.auth import idle_lock_minutes

            return idle_lock_minutes(session=session, actor=actor)

        DbOp(self, read, read_only=True).success(self.idle_minutes.setValue) \
            .failure(lambda exc: self.result.setText(str(exc))).run()

    def save_idle_lock(self) -> None:
        actor, minutes = self.actor, self.idle_minutes.value()

        def save(session: Any) -> int:
            from app.auth import set_idle_lock_minutes

            return set_idle_lock_minutes(session=session, actor=actor, minutes=minutes)

        def saved(value: int) -> None:
            self.result.setText(_("The window now locks after {n} minutes without input.").format(n=value) if value
                                else _("The window no longer locks by itself."))

        DbOp(self, save).changes("settings").success(saved).failure(lambda exc: show_error(self, str(exc))).run()

    # ------------------------------------------------------------ users

    def show_users(self) -> None:
        from ui.dialogs.users import UsersDialog

        self.dialog = UsersDialog(self, self.actor)
        self.dialog.open()
        self.dialog.reload()

    def change_password(self) -> None:
        from ui.dialogs.users import PasswordDialog

        self.dialog = PasswordDialog(self, self.actor)
        self.dialog.saved.connect(lambda _none: self.result.setText(_("Your password was changed.")))
        self.dialog.open()

    # ------------------------------------------------------------ restore

    def choose_restore(self) -> None:
        path = open_file_name(self, _("Restore which backup?"), _("VillageDesk backups (*.vdbackup);;All files (*)"))
        if path:
            self.check_backup(path)

    def check_backup(self, path: str, passphrase: str | None = None) -> None:
        """Read what the backup holds (on the worker), show it, then ask. An encrypted backup (from a
        USB stick) asks for its passphrase first."""
        from app.backup import is_encrypted

        if passphrase is None and is_encrypted(Path(path)):
            from ui.dialogs.passphrase import ask_passphrase

            passphrase = ask_passphrase(self, confirm=False)
            if passphrase is None:
                return

        def job(_db_worker: Any) -> dict:
            from app.backup import verify

            return verify(Path(path), passphrase=passphrase)

        worker().submit(job, mode="call", on_success=lambda found: self._confirm_restore(path, found, passphrase),
                        on_failure=lambda exc: show_error(self, str(exc)), parent=self)

    @staticmethod
    def made_at(value: object) -> str:
        """When the backup was made, as the user reads times (its manifest has an ISO timestamp)."""
        import datetime as dt

        try:
            return format_datetime(dt.datetime.fromisoformat(str(value)).astimezone())
        except ValueError:
            return str(value or "?")

    @staticmethod
    def describe(found: dict) -> str:
        counts = found.get("counts", {})
        return _("Village: {village} ({code})\nMade: {when}\nHouseholds: {households} · Residents: {residents} · "
                 "Meetings: {meetings} · Notices: {notices}").format(
            village=found.get("village_name") or "?", code=found.get("village_code") or "?",
            when=AdminBox.made_at(found.get("created_at")), households=format_number(counts.get("household", 0)),
            residents=format_number(counts.get("resident", 0)), meetings=format_number(counts.get("meeting", 0)),
            notices=format_number(counts.get("notice", 0)))

    def _confirm_restore(self, path: str, found: dict, passphrase: str | None = None) -> None:
        text = _("This backup holds:\n{summary}\n\nRestoring replaces everything in the current database with it "
                 "(a safety copy of the current data is made first). VillageDesk then closes; start it again to "
                 "work on the restored data. Restore now?").format(summary=self.describe(found))
        if not confirm(self, _("Restore from a backup"), text):
            return
        actor = self.actor

        def job(db_worker: Any) -> Path:
            from app.backup import restore
            from app.paths import backups_dir

            return restore(database=db_worker.database, actor=actor, backup_file=Path(path), safety_dir=backups_dir(),
                           passphrase=passphrase)

        worker().submit(job, mode="call", on_success=self._restored, on_failure=lambda exc: show_error(self, str(exc)),
                        parent=self)

    def _restored(self, safety: Path) -> None:
        QMessageBox.information(self, _("Restore from a backup"), _(
            "The backup was restored. The data from before is kept in {path}. VillageDesk closes now; start it "
            "again to work on the restored data.").format(path=safety))
        window = self.window()
        if window is not None:
            window.close()

    # ------------------------------------------------------------ recycle bin

    def show_recycle_bin(self) -> None:
        self.dialog = RecycleBinDialog(self, self.actor)
        self.dialog.open()
        self.dialog.reload()


class RecycleBinDialog(QDialog):
    """回收站: records deleted in the last 90 days, each can be put back (the restore is audited)."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent)
        self.setObjectName("recycleBin")
        self.actor = actor
        self.records: list[Any] = []
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        layout.addWidget(self.list, 1)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.restore_button = QPushButton()
        self.restore_button.clicked.connect(lambda: self.restore_current())
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.currentRowChanged.connect(lambda _row: self._update())
        self.retranslate_ui()
        self._update()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Recycle bin"))
        self.restore_button.setText(_("Put back"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))

    def _update(self) -> None:
        self.restore_button.setEnabled(_recycle() is not None and self.list.currentRow() >= 0)

    def reload(self) -> None:
        recycle = _recycle()
        if recycle is None:
            self.message.setText(_("The recycle bin is not available in this version of VillageDesk yet."))
            return
        actor = self.actor
        DbOp(self, lambda s: recycle.deleted_records(session=s, actor=actor, days=90), read_only=True) \
            .success(self._loaded).failure(lambda exc: self.message.setText(str(exc))).run()

    def _loaded(self, records: list[Any]) -> None:
        self.records = list(records)
        self.list.clear()
        for record in self.records:
            self.list.addItem(str(getattr(record, "label", None) or record))
        self.message.setText(_("Records deleted in the last 90 days.") if self.records
                             else _("Nothing was deleted in the last 90 days."))
        self._update()

    def restore_current(self) -> None:
        recycle, row = _recycle(), self.list.currentRow()
        if recycle is None or row < 0:
            return
        record, actor = self.records[row], self.actor
        table, record_id = record.table, record.record_id
        DbOp(self, lambda s: recycle.restore_record(session=s, actor=actor, table=table, record_id=record_id)) \
            .success(lambda _r: self.reload()).failure(lambda exc: self.message.setText(str(exc))).run()
