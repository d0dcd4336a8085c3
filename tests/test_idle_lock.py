"""Idle lock: after the set time without input every window is covered and the signed-in user's
password is asked; a wrong one is refused (and counted toward the lockout), the right one gives
back the windows exactly as they were — a dialog with typed text included."""
from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout
from sqlmodel import select

from app import auth
from db.models.accounts import User

pytestmark = pytest.mark.gui


def _dialog_with_text(window) -> tuple[QDialog, QLineEdit]:
    dialog = QDialog(window)
    edit = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(edit)
    dialog.open()  # window-modal, as the program's forms are
    edit.setText("张三 写了一半")
    return dialog, edit


def _failed_logins(database) -> int:
    with database.session() as session:
        return session.exec(select(User).where(User.username == "admin")).one().failed_logins or 0


def _signed_in(sign_in, gui, database):
    window = sign_in(database)
    gui.waitUntil(lambda: window.idle_watcher.interval_ms == auth.IDLE_LOCK_DEFAULT * 60_000, timeout=20000)
    return window


def _lock(gui, window):
    window.idle_watcher.set_interval_ms(5)
    gui.waitUntil(lambda: window.locked, timeout=10000)
    return window.lock_screen.card


def test_idle_time_locks_every_window_and_only_the_right_password_unlocks(sign_in, gui, village):
    from ui.idle_lock import _Cover

    database, _admin = village
    window = _signed_in(sign_in, gui, database)
    assert window.idle_watcher.is_running()
    dialog, edit = _dialog_with_text(window)
    card = _lock(gui, window)
    assert card.isVisible() and card.title.text() == "已锁定 — 输入 李书记 的密码继续"
    assert card.unlock_button.text() == "解锁" and card.sign_out_button.text() == "切换用户/退出登录"
    covers = {cover.parentWidget() for cover in window.lock_screen.covers}
    assert covers == {window, dialog}  # the window and the open dialog, each covered, none closed
    assert all(cover.isVisible() and cover.geometry() == cover.parentWidget().rect() for cover in window.lock_screen.covers)
    assert dialog.isVisible() and not window.idle_watcher.is_running()

    card.password.setText("wrong-password")
    gui.mouseClick(card.unlock_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: card.error.isVisible(), timeout=20000)
    assert card.error.text() == "用户名或密码错误。" and window.locked and card.password.text() == ""
    assert _failed_logins(database) == 1  # counts toward the lockout, as at sign-in

    window.idle_watcher.set_interval_ms(3_600_000)  # while locked: counted from the unlock on
    assert not window.idle_watcher.is_running()
    card.password.setText("secret-pass")
    gui.mouseClick(card.unlock_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: not window.locked, timeout=20000)
    assert not (shiboken6.isValid(card) and card.isVisible())
    assert not [c for c in window.findChildren(_Cover) if c.isVisible()]
    assert dialog.isVisible() and edit.text() == "张三 写了一半"  # nothing typed was lost
    assert window.workspace is not None and window.idle_watcher.is_running()
    assert _failed_logins(database) == 0


def test_escape_does_not_unlock_and_sign_out_leaves_for_the_login(sign_in, gui, village):
    database, _admin = village
    window = _signed_in(sign_in, gui, database)
    card = _lock(gui, window)
    gui.keyClick(card, Qt.Key.Key_Escape)
    card.close()
    assert window.locked and card.isVisible()
    gui.mouseClick(card.sign_out_button, Qt.MouseButton.LeftButton)
    assert not window.locked and window.workspace is None
    assert window.start_panel.current_card is window.start_panel.login
    assert not window.idle_watcher.is_running()


def test_input_restarts_the_count_and_the_watcher_listens_again_after_a_while(sign_in, gui, village):
    database, _admin = village
    window = _signed_in(sign_in, gui, database)
    watcher = window.idle_watcher
    watcher.set_interval_ms(10_000)  # listens again a tenth of that after each input
    restarts: list[int] = []
    timer = watcher._timer
    original = timer.start
    timer.start = lambda *args: (restarts.append(1), original(*args))  # count the restarts
    gui.keyClick(window.workspace.nav, Qt.Key.Key_Down)
    assert restarts == [1] and not window.locked
    gui.keyClick(window.workspace.nav, Qt.Key.Key_Down)  # not listening now: no cost per event
    assert restarts == [1]
    gui.waitUntil(lambda: watcher._installed, timeout=5000)
    gui.keyClick(window.workspace.nav, Qt.Key.Key_Up)
    assert restarts == [1, 1] and watcher.is_running()


def test_zero_minutes_never_locks(sign_in, gui, village):
    database, admin = village
    with database.unit(admin) as session:
        auth.set_idle_lock_minutes(session=session, actor=admin, minutes=0)
    window = sign_in(database)
    gui.waitUntil(lambda: window.idle_watcher.interval_ms == 0 and not window.idle_watcher.is_running(), timeout=20000)


def test_the_admin_sets_the_minutes_on_the_settings_page_and_the_window_follows(sign_in, gui, village):
    database, admin = village
    window = _signed_in(sign_in, gui, database)
    page = window.open_area("settings")
    box = page.admin_box
    gui.waitUntil(lambda: box.idle_minutes.value() == auth.IDLE_LOCK_DEFAULT, timeout=20000)
    box.idle_minutes.setValue(7)
    gui.mouseClick(box.idle_save, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: window.idle_watcher.interval_ms == 7 * 60_000, timeout=20000)
    assert "7" in box.result.text()
    with database.session() as session:
        assert auth.idle_lock_minutes(session=session, actor=admin) == 7


def test_a_message_that_opens_while_locked_is_covered_and_the_card_keeps_the_input(sign_in, gui, village):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.ops import show_error

    database, _admin = village
    window = _signed_in(sign_in, gui, database)
    card = _lock(gui, window)
    card.password.setText("secret")
    show_error(window, "保存完成前的一条消息")  # an operation finishing while locked
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert box in {cover.parentWidget() for cover in window.lock_screen.covers}
    gui.waitUntil(lambda: QApplication.activeModalWidget() is card, timeout=10000)
    assert card.isVisible() and card.password.text() == "secret"
