"""设置: the language of the program, and what this store is."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout)

from app import i18n
from app.i18n import N_, _
from ui import language
from ui.ops import DbOp, show_error, worker
from ui.pages.base import Page, PageContext, PageHeader
from ui.start import BACKUP_FOLDER_KEY
from ui.widgets import existing_directory


class SettingsPage(Page):
    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        self.header = PageHeader(N_("Settings"), N_("Language and this database."))
        layout.addWidget(self.header)

        # Each box joins the page before it is filled: its widgets are styled once, as they are added.
        self.language_box = QGroupBox()
        layout.addWidget(self.language_box)
        form = QFormLayout(self.language_box)
        self.language_label = QLabel()
        self.language = QComboBox()
        self.language.setObjectName("languageCombo")
        self.language.setMinimumWidth(200)
        self.language.setMaximumWidth(260)
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)  # each language named in itself
        self.language.setCurrentIndex(max(self.language.findData(i18n.get_language()), 0))
        self.language.currentIndexChanged.connect(self._language_chosen)
        form.addRow(self.language_label, self.language)
        self.language_hint = QLabel()
        self.language_hint.setObjectName("hint")
        form.addRow("", self.language_hint)

        self.store_box = QGroupBox()
        layout.addWidget(self.store_box)
        store = QFormLayout(self.store_box)
        self.village_label, self.village_value = QLabel(), QLabel(context.village_name)
        self.location_label, self.location_value = QLabel(), QLabel(context.location)
        self.user_label, self.user_value = QLabel(), QLabel()
        self.location_value.setWordWrap(True)
        village_row = QHBoxLayout()
        village_row.addWidget(self.village_value)
        self.village_button = QPushButton()
        self.village_button.setObjectName("openVillage")
        self.village_button.clicked.connect(lambda: self.context.open_area("village"))
        village_row.addWidget(self.village_button)
        village_row.addStretch(1)
        store.addRow(self.village_label, village_row)
        # a township keeps no village profile (hidden once in its layout: a parentless widget made
        # visible flashes as a window of its own and takes the keyboard from the main window)
        self.village_button.setVisible(context.store_kind != "township")
        store.addRow(self.location_label, self.location_value)
        store.addRow(self.user_label, self.user_value)

        # 备份: a verified copy onto a USB stick or any folder (app.backup), made on the DB worker.
        self.backup_box = QGroupBox()
        layout.addWidget(self.backup_box)
        backup = QVBoxLayout(self.backup_box)
        backup_row = QHBoxLayout()
        self.backup_button = QPushButton()
        self.backup_button.setObjectName("backupButton")
        self.backup_button.clicked.connect(self._choose_backup_folder)
        self.backup_button.setEnabled(context.actor.can("backup.run"))
        backup_row.addWidget(self.backup_button)
        # 恢复: the generations kept by the program and the second folder (ui.dialogs.restore).
        self.generations_button = QPushButton()
        self.generations_button.setObjectName("restoreGenerations")
        self.generations_button.clicked.connect(lambda: self.show_generations())
        self.generations_button.setEnabled(context.actor.can("backup.restore"))
        backup_row.addWidget(self.generations_button)
        backup_row.addStretch(1)
        backup.addLayout(backup_row)
        # 自动备份: when the last one was made, and the second folder (another drive) it also goes to.
        self.auto_label = QLabel()
        self.auto_label.setObjectName("lastBackupAge")
        self.auto_label.setWordWrap(True)
        backup.addWidget(self.auto_label)
        second_row = QHBoxLayout()
        self.second_label = QLabel()
        self.second_label.setObjectName("secondFolder")
        self.second_label.setWordWrap(True)
        second_row.addWidget(self.second_label, 1)
        self.second_button = QPushButton()
        self.second_button.setObjectName("chooseSecondFolder")
        self.second_button.clicked.connect(lambda: self.choose_second_folder())
        self.second_clear = QPushButton()
        self.second_clear.setObjectName("clearSecondFolder")
        self.second_clear.clicked.connect(lambda: self.set_second_folder(None))
        for button in (self.second_button, self.second_clear):
            button.setEnabled(context.actor.can("backup.run"))
            second_row.addWidget(button)
        backup.addLayout(second_row)
        self.dialog: Any = None
        self._auto: dict = {}
        self.backup_hint = QLabel()
        self.backup_hint.setObjectName("hint")
        self.backup_hint.setWordWrap(True)
        backup.addWidget(self.backup_hint)
        self.backup_result = QLabel()
        self.backup_result.setObjectName("backupResult")
        self.backup_result.setWordWrap(True)
        self.backup_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        backup.addWidget(self.backup_result)
        from ui.pages.admin import AdminBox  # users, passwords, restore, recycle bin

        self.admin_box = AdminBox(context.actor, self)
        layout.addWidget(self.admin_box)
        layout.addStretch(1)
        self._last_backup: Any = None
        self.retranslate_ui()
        self.load_backup_settings()
        # the daily backup is made on a thread of its own after sign-in (ui/start_checks.py)
        worker().operation_did_execute.connect(self._on_changes)

    def _on_changes(self, changes: Any, _origin: Any) -> None:
        if "backups" in changes:
            self.load_backup_settings()

    def _choose_backup_folder(self) -> None:
        from app.backup import needs_encryption
        from ui.dialogs.passphrase import ask_passphrase

        folder = existing_directory(self, _("Back up to which folder?"))
        if not folder:
            return
        passphrase = None
        if needs_encryption(Path(folder)):  # leaving the PC: encrypted, the passphrase asked each time
            passphrase = ask_passphrase(self, confirm=True)
            if passphrase is None:
                return
        self.back_up_to(folder, passphrase)

    def back_up_to(self, folder: str, passphrase: str | None = None) -> Any:
        """Write a verified backup into ``folder`` on the database worker (encrypted under
        ``passphrase`` outside the data folder); the result shows below."""

        actor = self.context.actor
        self.backup_button.setEnabled(False)
        self.backup_result.setText(_("Backing up…"))

        def job(db_worker: Any) -> Any:
            from app.backup import backup

            return backup(database=db_worker.database, actor=actor, to_dir=Path(folder), passphrase=passphrase)

        def done(info: Any) -> None:
            self._last_backup = info
            # Where the start screen looks for the newest backup if the store is ever refused.
            language.settings().setValue(BACKUP_FOLDER_KEY, str(Path(info.path).parent))
            self._show_backup_result()
            self.load_backup_settings()

        def refused(exc: Exception) -> None:
            self.backup_result.setText("")
            show_error(self, str(exc))

        return worker().submit(job, mode="call", on_success=done, on_failure=refused,
                               on_finally=lambda: self.backup_button.setEnabled(actor.can("backup.run")),
                               parent=self)

    # ------------------------------------------------------------ automatic backups, restore

    def load_backup_settings(self) -> None:
        """The second folder and the last backup's age (office roles only: others see a hint)."""
        actor = self.context.actor
        if not actor.can("backup.run"):
            self._auto = {}
            self._show_auto()
            return

        def read(session: Any) -> dict:
            from app.backup import backup_settings

            return backup_settings(session=session, actor=actor)

        def loaded(value: dict) -> None:
            self._auto = value
            self._show_auto()

        DbOp(self, read, read_only=True).success(loaded).failure(lambda exc: self.auto_label.setText(str(exc))).run()

    def choose_second_folder(self) -> None:
        from app.backup import needs_encryption
        from ui.dialogs.passphrase import ask_passphrase

        folder = existing_directory(self, _("Also back up to which folder (a second drive)?"))
        if not folder:
            return
        passphrase = None
        if needs_encryption(Path(folder)):  # asked once: the backups there need no passphrase
            passphrase = ask_passphrase(self, confirm=True)
            if passphrase is None:
                return
        self.set_second_folder(folder, passphrase)

    def set_second_folder(self, folder: str | None, passphrase: str | None = None) -> Any:
        actor = self.context.actor

        def save(session: Any) -> dict:
            from app.backup import set_second_folder

            return set_second_folder(session=session, actor=actor, folder=folder, passphrase=passphrase)

        def saved(value: dict) -> None:
            self._auto = value
            self._show_auto()

        return DbOp(self, save).changes("settings").success(saved).failure(lambda exc: show_error(self, str(exc))).run()

    def show_generations(self) -> None:
        from ui.dialogs.restore import RestoreDialog

        self.dialog = RestoreDialog(self, self.context.actor, village_name=self.context.village_name,
                                    location=self.context.location)
        self.dialog.open()
        self.dialog.reload()

    def _show_auto(self) -> None:
        import datetime as dt

        from app.i18n import format_datetime, ngettext

        if not self.context.actor.can("backup.run"):
            self.auto_label.setText(_("The program backs up this database by itself each day it starts, and before "
                                      "imports, upgrades and restores."))
            self.second_label.setText("")
            return
        last = self._auto.get("last_backup_at")
        if last is None:
            age = _("Automatic backups: none yet (one is made each day the program starts).")
        else:
            hours = max(int((dt.datetime.now() - last).total_seconds() // 3600), 0)
            ago = (ngettext("{n} day ago", "{n} days ago", hours // 24).format(n=hours // 24) if hours >= 48
                   else ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours) if hours
                   else _("less than an hour ago"))
            age = _("Last backup: {when} ({ago}). Kept: 7 daily, 4 weekly and 12 monthly.").format(
                when=format_datetime(last), ago=ago)
        self.auto_label.setText(age)
        folder = self._auto.get("second_folder")
        if folder:
            text = _("Also to: {folder}").format(folder=folder)
            if self._auto.get("encrypted"):
                text += " " + _("(encrypted; restoring asks the passphrase chosen for it)")
        else:
            text = _("Also to a second folder: not set (choose a second drive, so one failing disk loses nothing).")
        self.second_label.setText(text)
        self.second_clear.setEnabled(bool(folder) and self.context.actor.can("backup.run"))

    def _show_backup_result(self) -> None:
        info = self._last_backup
        if info is not None:
            self.backup_result.setText(_("Backup written: {path}").format(path=info.path))

    def _language_chosen(self, _index: Any) -> None:
        language.switch(self.language.currentData())

    def retranslate_ui(self) -> None:
        self.language_box.setTitle(_("Language"))
        self.language_label.setText(_("{label}:").format(label=_("Language")))
        self.language_hint.setText(_("Takes effect at once; open windows keep what you typed."))
        self.store_box.setTitle(_("This database"))
        self.village_label.setText(_("{label}:").format(
            label=_("Township") if self.context.store_kind == "township" else _("Village")))
        self.village_value.setText(self.context.village_name)
        self.village_button.setText(_("Profile, groups and grids…"))
        self.village_button.setToolTip(_("Opens the Village page (村情)."))
        self.location_label.setText(_("{label}:").format(label=_("Location")))
        self.user_label.setText(_("{label}:").format(label=_("Signed in")))
        actor = self.context.actor
        self.user_value.setText(_("{name} ({role})").format(name=actor.display_name, role=actor.role_label))
        self.backup_box.setTitle(_("Backup"))
        self.backup_button.setText(_("Back up to a folder or USB stick…"))
        self.backup_hint.setText(_("A checked copy of the whole database. A copy outside the program's folder (a USB "
                                   "stick) is encrypted with a passphrase you choose. Keep one away from this PC; "
                                   "restore it below (Administration)."))
        if not self.context.actor.can("backup.run"):
            self.backup_button.setToolTip(_("Only the secretary and the clerk make backups."))
        self.generations_button.setText(_("Backups kept and restore…"))
        if not self.context.actor.can("backup.restore"):
            self.generations_button.setToolTip(_("Only the secretary restores backups."))
        self.second_button.setText(_("Choose a second folder…"))
        self.second_clear.setText(_("Stop using it"))
        self._show_auto()
        self._show_backup_result()
        index = self.language.findData(i18n.get_language())
        if index != self.language.currentIndex():
            self.language.blockSignals(True)
            self.language.setCurrentIndex(index)
            self.language.blockSignals(False)
