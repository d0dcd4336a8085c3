"""Settings → Administration: users and roles, my password, reset a password, restore (contents shown first)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app import auth

pytestmark = pytest.mark.gui


@pytest.fixture
def box(sign_in, village):
    database, _admin = village
    win = sign_in(database)
    page = win.open_area("settings")
    return page.admin_box, database


def test_add_a_user_with_a_role_and_reset_their_password(box, gui):
    admin_box, database = box
    admin_box.show_users()
    users = admin_box.dialog
    gui.waitUntil(lambda: users.list.count() == 1, timeout=10000)
    users.add_user()
    new = users.dialog
    new.username.setText("wenshu")
    new.display_name.setText("王文书")
    new.password.setText("clerk-pass-1")
    gui.mouseClick(new.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: users.list.count() == 2, timeout=10000)
    with database.session() as session:
        assert auth.authenticate(session=session, username="wenshu", password="clerk-pass-1").role == "clerk"
    users.list.setCurrentRow([users.list.item(i).data(256) for i in range(2)].index("wenshu"))
    assert users.reset_button.isEnabled()
    users.reset_password()
    reset = users.dialog
    reset.new.setText("forgot-it-2")
    reset.repeat.setText("forgot-it-2")
    gui.mouseClick(reset.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: not reset.isVisible(), timeout=10000)
    with database.session() as session:
        auth.authenticate(session=session, username="wenshu", password="forgot-it-2")


def test_change_my_password(box, gui):
    admin_box, database = box
    admin_box.change_password()
    dialog = admin_box.dialog
    dialog.old.setText("wrong")
    dialog.new.setText("new-secret-1")
    dialog.repeat.setText("new-secret-1")
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: dialog.form.error_text("old_password") != "", timeout=10000)
    dialog.old.setText("secret-pass")
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    with database.session() as session:
        auth.authenticate(session=session, username="admin", password="new-secret-1")


def test_restore_shows_what_the_backup_holds_before_asking(box, gui, tmp_path, monkeypatch):
    from app.backup import backup

    admin_box, database = box
    with database.session() as session:
        admin = auth.actor_of(auth.find_user(session, "admin"))
    info = backup(database=database, actor=admin, to_dir=tmp_path / "usb", passphrase="a long enough passphrase")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, _title, text, *args: asked.append(text) or QMessageBox.StandardButton.No))
    admin_box.check_backup(str(info.path), passphrase="a long enough passphrase")
    gui.waitUntil(lambda: bool(asked), timeout=10000)
    assert "青石村" in asked[0] and "510112104201" in asked[0] and "重新启动" in asked[0] or "再次启动" in asked[0]
