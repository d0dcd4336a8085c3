"""Issue 16: the login form takes typing at once on the store the program last opened, while the
store opens behind it; what is typed is kept, and Enter pressed meanwhile signs in once it is open.
A store the program does not know shows the loading card until it is open (it may need the wizard)."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui import start

pytestmark = pytest.mark.gui


def new_window(gui, database):
    from ui.main_window import MainWindow

    win = MainWindow(database.path)
    gui.addWidget(win)
    win.resize(1366, 740)
    win.show()
    return win


def test_typing_during_the_opening_is_kept_and_enter_signs_in_when_open(sign_in, gui, village, monkeypatch):
    database, admin = village
    first = sign_in(database)  # the program learns this store is set up
    first.close()
    QApplication.processEvents()

    release = threading.Event()
    real_job = start._open_store_job

    def slow_job(target):
        job = real_job(target)

        def wait_then_open(db_worker):
            release.wait(20)
            return job(db_worker)

        return wait_then_open

    monkeypatch.setattr(start, "_open_store_job", slow_job)
    win = new_window(gui, database)
    typing = []
    win.start_panel.typing_ready.connect(typing.append)
    win.start()
    login = win.start_panel.login
    assert win.start_panel.current_card is login and typing == ["login"]  # at once, the store still opening
    assert login.waiting
    login.username.clear()
    gui.keyClicks(login.username, "admin")
    gui.keyClick(login.username, Qt.Key.Key_Return)
    gui.keyClicks(login.password, "secret-pass")
    gui.keyClick(login.password, Qt.Key.Key_Return)
    gui.wait(100)
    assert login.pending and login.notice.isVisible() and win.workspace is None
    release.set()
    gui.waitUntil(lambda: win.workspace is not None, timeout=20000)
    assert win.actor.username == "admin"


def test_a_store_the_program_does_not_know_shows_the_loading_card_first(gui, village, monkeypatch):
    database, admin = village
    release = threading.Event()
    real_job = start._open_store_job
    monkeypatch.setattr(start, "_open_store_job", lambda target: (
        lambda db_worker, job=real_job(target): (release.wait(20), job(db_worker))[1]))
    win = new_window(gui, database)
    win.start()
    assert win.start_panel.current_card is win.start_panel.loading
    release.set()
    gui.waitUntil(lambda: win.start_panel.current_card is win.start_panel.login, timeout=20000)
    assert not win.start_panel.login.waiting


def test_a_wrong_password_typed_early_is_refused_once_the_store_is_open(sign_in, gui, village):
    database, admin = village
    sign_in(database).close()
    QApplication.processEvents()
    win = new_window(gui, database)
    win.start()
    login = win.start_panel.login
    login.username.setText("admin")
    login.password.setText("wrong-password")
    login.submit()
    gui.waitUntil(lambda: login.error.isVisible(), timeout=20000)
    assert win.workspace is None and not login.pending
