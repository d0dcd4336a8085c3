"""备份密码: the passphrase that encrypts a backup leaving this PC (app.backup), asked for each time
and never stored. Checked here only for length and that both entries agree; the core checks again."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.backup import MIN_PASSPHRASE_LENGTH
from app.i18n import _
from ui.widgets import line_edit


class PassphraseDialog(QDialog):
    """Two password fields (one when opening a backup), a warning that a lost passphrase is a lost backup."""

    def __init__(self, parent: QWidget | None, *, confirm: bool = True):
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(460)
        self.confirm = confirm
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        form = QFormLayout()
        self.passphrase = line_edit(password=True, max_length=256)
        self.passphrase.setObjectName("backupPassphrase")
        self.repeat = line_edit(password=True, max_length=256)
        self.repeat.setObjectName("backupPassphraseRepeat")
        self.passphrase_label, self.repeat_label = QLabel(), QLabel()
        form.addRow(self.passphrase_label, self.passphrase)
        if confirm:
            form.addRow(self.repeat_label, self.repeat)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Backup passphrase"))
        self.passphrase_label.setText(_("{label}:").format(label=_("Passphrase")))
        self.repeat_label.setText(_("{label}:").format(label=_("Repeat")))
        if self.confirm:
            self.hint.setText(_("The backup leaves this PC, so it is encrypted. Choose a passphrase of at least {n} "
                                "characters and keep it apart from the USB stick: without it the backup cannot be "
                                "restored by anyone, including you.").format(n=MIN_PASSPHRASE_LENGTH))
        else:
            self.hint.setText(_("This backup is encrypted. Enter the passphrase it was made with."))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def value(self) -> str:
        return self.passphrase.text()

    def submit(self) -> None:
        problem = ""
        if self.confirm and len(self.value()) < MIN_PASSPHRASE_LENGTH:
            problem = _("A backup passphrase needs at least {n} characters.").format(n=MIN_PASSPHRASE_LENGTH)
        elif self.confirm and self.repeat.text() != self.value():
            problem = _("The two passphrases differ.")
        elif not self.value():
            problem = _("This backup is encrypted: enter its passphrase.")
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        if not problem:
            self.accept()


def ask_passphrase(parent: QWidget | None, *, confirm: bool = True) -> str | None:
    """The passphrase typed, or None when the user cancelled."""
    dialog = PassphraseDialog(parent, confirm=confirm)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
