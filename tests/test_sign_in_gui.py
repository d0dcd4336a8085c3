"""Signing in (issue 16): while the password is checked on the database worker, the window builds
the workspace and its 工作台 hidden and queues the 工作台's first read behind the check. Nothing is
read while argon2 runs (its 64 MiB are the process's peak): the read goes ahead only once the check
let the user in; a refused sign-in reads nothing and leaves no workspace behind; a successful one
shows the 工作台 with its to-do list and figures read once."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app import auth, workbench
from app.workbench.cards import SECTIONS
from ui.ops import worker

pytestmark = pytest.mark.gui


@pytest.fixture
def reads(monkeypatch):
    """Who read the 工作台's to-do list and figures, in order."""
    seen: list[tuple[str, str]] = []
    real_todo, real_figures = workbench.todo, workbench.figures

    def todo(*, session, actor, **kw):
        seen.append(("todo", actor.username))
        return real_todo(session=session, actor=actor, **kw)

    def figures(*, session, actor, only=None):
        for key in only or SECTIONS:
            seen.append((f"figures.{key}", actor.username))
        return real_figures(session=session, actor=actor, only=only)

    monkeypatch.setattr(workbench, "todo", todo)
    monkeypatch.setattr(workbench, "figures", figures)
    return seen


@pytest.fixture
def gate(monkeypatch):
    """The password check waits for ``gate.set()`` (the window's meanwhile can be looked at)."""
    event = threading.Event()
    real = auth.authenticate

    def slow(**kw):
        event.wait(20)
        return real(**kw)

    monkeypatch.setattr(auth, "authenticate", slow)
    return event


@pytest.fixture
def argon2_gate(monkeypatch):
    """argon2 waits for ``argon2_gate.set()``: the account is known, its check under way."""
    from app import password_check

    event = threading.Event()
    real = password_check.argon2_verify

    def slow(stored_hash, password):
        event.wait(20)
        return real(stored_hash, password)

    monkeypatch.setattr(password_check, "argon2_verify", slow)
    return event


@pytest.fixture
def arrived(monkeypatch):
    """What the 工作台 was handed by its first read behind the check (None: nothing to show)."""
    from ui.pages.dashboard import DashboardPage

    seen: list = []
    real = DashboardPage._first_screen_arrived

    def record(self, screen):
        seen.append(screen)
        return real(self, screen)

    monkeypatch.setattr(DashboardPage, "_first_screen_arrived", record)
    return seen


ONE_READ = sorted([(f"figures.{key}", "admin") for key in SECTIONS] + [("todo", "admin")])


def open_login(gui, database):
    """The main window on ``database`` with its login form ready (closed by the ``sign_in`` fixture)."""
    from ui.main_window import MainWindow

    win = MainWindow(database.path)
    gui.addWidget(win)
    win.resize(1366, 740)
    win.show()
    win.start()
    login = win.start_panel.login
    gui.waitUntil(lambda: win.start_panel.current_card is login and not login.waiting and worker().pending() == 0,
                  timeout=20000)
    return win, login


def workspaces(win):
    from ui.main_window import Workspace

    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return win.findChildren(Workspace)


def test_a_wrong_password_leaves_no_workspace_and_shows_nothing_read(village, gui, sign_in, reads, gate, arrived):
    database, _admin = village
    win, login = open_login(gui, database)
    login.username.setText("admin")
    login.password.setText("wrong-password")
    login.submit()
    # the check is running: the workspace is being prepared, hidden behind the login form
    assert win._prepared is not None and not win._prepared.isVisible()
    assert win.central.currentWidget() is win.start_panel and win.workspace is None
    assert workspaces(win) == [win._prepared]
    gate.set()
    gui.waitUntil(lambda: login.error.isVisible(), timeout=20000)
    gui.waitUntil(lambda: worker().pending() == 0, timeout=20000)
    assert win.workspace is None and win._prepared is None
    assert workspaces(win) == [] and win.central.count() == 1
    assert win.central.currentWidget() is win.start_panel
    assert arrived in ([], [None])  # the read queued behind the check saw it refused: nothing handed on
    assert reads == []


def test_while_argon2_checks_nothing_is_read(village, gui, sign_in, reads, argon2_gate, arrived):
    database, _admin = village
    win, login = open_login(gui, database)
    login.username.setText("admin")
    login.password.setText("secret-pass")
    login.submit()
    gui.wait(300)  # the account is known, its password being checked
    page = win._prepared.pages["dashboard"]
    try:
        assert reads == [] and win.workspace is None and arrived == [] and not page.figures_loaded
        assert all(card.figure is None for card in page.cards.values())
    finally:
        argon2_gate.set()
    gui.waitUntil(lambda: page.figures_loaded and worker().pending() == 0, timeout=20000)
    assert win.workspace is not None and win.current_page() is page
    assert sorted(reads) == ONE_READ  # read once, behind the check
    assert page.card("people", "Number of households").figure == 0


def test_a_wrong_password_checked_by_argon2_reads_nothing(village, gui, sign_in, reads, argon2_gate, arrived):
    database, _admin = village
    win, login = open_login(gui, database)
    login.username.setText("admin")
    login.password.setText("wrong-password")
    login.submit()
    gui.wait(300)
    try:
        assert reads == []
    finally:
        argon2_gate.set()
    gui.waitUntil(lambda: login.error.isVisible() and worker().pending() == 0, timeout=20000)
    assert arrived in ([], [None]) and win.workspace is None and win._prepared is None
    assert reads == []


def test_signing_in_shows_the_prepared_dashboard_read_once(village, gui, sign_in, reads, gate):
    database, _admin = village
    win, login = open_login(gui, database)
    login.username.setText("admin")
    login.password.setText("secret-pass")
    login.submit()
    prepared = win._prepared
    assert prepared is not None and reads == []
    assert prepared.user_label.text() == "" and prepared.pages["dashboard"].welcome.text() == ""  # nobody yet
    gate.set()
    gui.waitUntil(lambda: win.workspace is not None, timeout=20000)
    assert win.workspace is prepared and win.central.currentWidget() is prepared  # shown only now
    page = win.current_page()
    assert page.area_key == "dashboard" and page.context.actor.username == "admin"
    assert "李书记" in page.welcome.text() and "李书记" in prepared.user_label.text()
    gui.waitUntil(lambda: page.figures_loaded and page.todo_loaded and worker().pending() == 0, timeout=20000)
    assert sorted(reads) == ONE_READ  # once each, right behind the check
    assert page.card("people", "Number of households").figure == 0
    assert page.print_button.isEnabled()
    assert workspaces(win) == [prepared]


def test_a_refused_then_accepted_sign_in_builds_one_workspace(village, gui, sign_in, reads):
    database, _admin = village
    win, login = open_login(gui, database)
    login.username.setText("admin")
    login.password.setText("wrong-password")
    login.submit()
    gui.waitUntil(lambda: login.error.isVisible(), timeout=20000)
    assert win._prepared is None and workspaces(win) == [] and reads == []
    login.password.setText("secret-pass")
    login.submit()
    gui.waitUntil(lambda: win.workspace is not None, timeout=20000)
    page = win.current_page()
    gui.waitUntil(lambda: page.figures_loaded and worker().pending() == 0, timeout=20000)
    assert workspaces(win) == [win.workspace]
    assert sorted(reads) == ONE_READ


def test_after_signing_out_the_next_workspace_waits_hidden_and_knows_nobody(village, gui, sign_in, reads):
    database, _admin = village
    win, login = open_login(gui, database)
    gui.waitUntil(lambda: win._prepared is not None, timeout=20000)  # built while the password is typed
    first = win._prepared
    assert first.context.actor is None and not first.isVisible() and reads == []
    login.username.setText("admin")
    login.password.setText("secret-pass")
    login.submit()
    gui.waitUntil(lambda: win.workspace is first and first.pages["dashboard"].figures_loaded, timeout=20000)
    gui.waitUntil(lambda: worker().pending() == 0, timeout=20000)
    win.sign_out()
    gui.waitUntil(lambda: win._prepared is not None, timeout=20000)
    again = win._prepared
    assert again is not first and again.context.actor is None and not again.isVisible()
    assert again.user_label.text() == "" and win.central.currentWidget() is win.start_panel
    assert workspaces(win) == [again]  # the signed-out one is gone


def _collected(page_ref) -> bool:
    """Whether the Python side of a dropped page is gone once Qt deleted it and a full collection ran."""
    import gc

    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    return page_ref() is None


def test_a_refused_sign_in_leaves_its_prepared_workspace_collectable(village, gui, sign_in):
    """The press of 登录 keeps what is loaded out of the collector's passes (gc.freeze): a refusal
    drops the prepared workspace, which must then be collected like any garbage (no leak per try)."""
    import weakref

    database, _admin = village
    win, login = open_login(gui, database)
    gui.waitUntil(lambda: win._prepared is not None, timeout=20000)
    page = weakref.ref(win._prepared.pages["dashboard"])
    login.username.setText("admin")
    login.password.setText("wrong-password")
    login.submit()
    gui.waitUntil(lambda: login.error.isVisible() and worker().pending() == 0, timeout=20000)
    assert win._prepared is None or win._prepared.pages.get("dashboard") is not page()
    gui.waitUntil(lambda: _collected(page), timeout=10000)


def test_signing_out_leaves_the_pages_collectable(village, gui, sign_in):
    """After signing in, and after the warm-up, everything loaded is frozen out of the collector's
    passes: signing out drops the workspace, whose pages must then be collected."""
    import weakref

    database, _admin = village
    win = sign_in(database)
    gui.waitUntil(lambda: win.warmup is not None and win.warmup.done, timeout=60000)
    page = weakref.ref(win.workspace.pages["residents"])
    win.sign_out()
    gui.waitUntil(lambda: _collected(page), timeout=10000)
