"""用户和密码: the accounts of this store (admin), a new account with its role, change my password,
reset someone's forgotten password. Every step goes through ``app.auth`` on the database worker."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QPushButton, \
    QVBoxLayout, QWidget

from app import auth
from app.i18n import N_, _
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.widgets import line_edit


class NewUserDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("New user"))
        self.actor = actor
        self.username = line_edit(max_length=64)
        self.form.add("username", N_("User name"), self.username, required=True)
        self.display_name = line_edit(max_length=64)
        self.form.add("display_name", N_("Name shown"), self.display_name)
        self.role = QComboBox()
        for role, label in auth.ROLES.items():
            self.role.addItem(_(label), role)
        self.role.setCurrentIndex(max(self.role.findData("clerk"), 0))
        self.form.add("role", N_("Role"), self.role, required=True)
        self.password = line_edit(max_length=128, password=True)
        self.form.add("password", N_("Password"), self.password, required=True)
        self.finish_layout()

    def save_op(self):
        actor, username, name = self.actor, self.username.text(), self.display_name.text()
        role, password = self.role.currentData(), self.password.text()
        return lambda s: auth.create_user(session=s, actor=actor, username=username, password=password, role=role,
                                          display_name=name)


class PasswordDialog(FormDialog):
    """Change my password (``username`` None) or, for the admin, reset ``username``'s password."""

    def __init__(self, parent: QWidget | None, actor: Any, username: str | None = None):
        super().__init__(parent, N_("Reset password") if username else N_("Change my password"))
        self.actor, self.username = actor, username
        self.old = line_edit(max_length=128, password=True)
        if username is None:
            self.form.add("old_password", N_("Current password"), self.old, required=True)
        else:
            self.who = QLabel(username)
            self.form.add("username", N_("User name"), self.who)
        self.new = line_edit(max_length=128, password=True)
        self.form.add("new_password", N_("New password"), self.new, required=True)
        self.repeat = line_edit(max_length=128, password=True)
        self.form.add("repeat", N_("New password again"), self.repeat, required=True)
        self.finish_layout()

    def save_op(self):
        from app.errors import ValidationError

        if self.new.text() != self.repeat.text():
            raise ValidationError({"repeat": _("The two new passwords differ.")})
        actor, old, new, username = self.actor, self.old.text(), self.new.text(), self.username
        if username is None:
            return lambda s: auth.change_password(session=s, actor=actor, old_password=old, new_password=new)
        return lambda s: auth.reset_password(session=s, actor=actor, username=username, new_password=new)


class UsersDialog(QDialog):
    """The accounts: who may sign in with which role; add one, reset a forgotten password."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.actor = actor
        self.dialog: QDialog | None = None
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("userList")
        layout.addWidget(self.list, 1)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.add_button = QPushButton()
        self.add_button.clicked.connect(lambda: self.add_user())
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(lambda: self.reset_password())
        row.addWidget(self.add_button)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.retranslate_ui()
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Users and roles"))
        self.add_button.setText(_("New user…"))
        self.reset_button.setText(_("Reset password…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))

    def _update_buttons(self) -> None:
        self.reset_button.setEnabled(self.list.currentRow() >= 0)

    def reload(self) -> None:
        actor = self.actor

        def load(session: Any) -> list[tuple[str, str, str, bool]]:
            return [(u.username, u.display_name or u.username, u.role, bool(u.active))
                    for u in auth.list_users(session=session, actor=actor)]

        DbOp(self, load, read_only=True).success(self._loaded).failure(
            lambda exc: self.message.setText(str(exc))).run()

    def _loaded(self, users: list[tuple[str, str, str, bool]]) -> None:
        self.list.clear()
        for username, name, role, active in users:
            text = _("{name} ({username}) — {role}").format(name=name, username=username, role=_(auth.ROLES.get(role, role)))
            if not active:
                text += " · " + _("disabled")
            self.list.addItem(text)
            self.list.item(self.list.count() - 1).setData(256, username)
        self.message.setText(_("Each person signs in with their own account; the role decides what they may do."))
        self._update_buttons()

    def add_user(self) -> None:
        self.dialog = NewUserDialog(self, self.actor)
        self.dialog.saved.connect(lambda _user: self.reload())
        self.dialog.open()

    def reset_password(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.dialog = PasswordDialog(self, self.actor, item.data(256))
        self.dialog.saved.connect(lambda _none: self.message.setText(_("The new password is set; tell it to the user.")))
        self.dialog.open()
