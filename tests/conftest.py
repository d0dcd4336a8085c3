"""Shared fixtures: every test gets its own data directory and a real temporary SQLite store."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import ui  # noqa: E402,F401  (applies ui/_pyside_fix before any test makes Qt calls)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("VILLAGEDESK_HOME", str(home))
    from app import i18n

    i18n.set_language("zh_CN")
    yield home
    i18n.set_language("zh_CN")


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """Still argon2id, with small parameters: the suite signs in hundreds of times."""
    from app import auth

    monkeypatch.setattr(auth, "ARGON2_PARAMS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory):
    """Run the migrations once; each test starts from a copy of the result."""
    from db.engine import Database

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    Database(path).dispose()
    import sqlite3

    with sqlite3.connect(path) as conn:  # fold the WAL into the main file so one file is a full copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def database(tmp_path, _migrated_template):
    """A migrated, empty store on a temporary SQLite file."""
    import shutil

    from db.engine import Database

    shutil.copyfile(_migrated_template, tmp_path / "village.sqlite3")
    db = Database(tmp_path / "village.sqlite3", backup_dir=tmp_path / "backups")
    yield db
    db.dispose()


@pytest.fixture
def village(database):
    """A store set up like the first-run wizard does; yields (database, admin actor)."""
    from app import people

    with database.unit() as session:
        admin = people.setup_village(
            session=session, name="青石村", code="510112104201", township="龙泉镇",
            committee_name="青石村民委员会", supervision_phone="028-84851234",
            admin_username="admin", admin_password="secret-pass", admin_display_name="李书记",
        )
    database.refresh_village_code()
    return database, admin


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL server on 127.0.0.1 for this test session (skipped where none is installed)."""
    from pg import Cluster  # tests/ is on sys.path (rootdir-relative imports)

    try:
        cluster = Cluster()
        cluster.start()
    except (FileNotFoundError, OSError) as exc:
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster, request):
    import re

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return pg_cluster.create_database(name)


@pytest.fixture
def pg_village(pg_url):
    """``(database, admin)``: a village store set up on PostgreSQL (青石村, admin / secret-pass)."""
    from app import people
    from db.engine import Database

    database = Database(pg_url)
    with database.unit() as session:
        admin = people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                                     admin_username="admin", admin_password="secret-pass")
    database.refresh_village_code()
    yield database, admin
    database.dispose()


@pytest.fixture
def worker_submits(monkeypatch):
    """``watch()`` starts recording the qualified names of the jobs handed to the database worker
    from then on, and returns the list they are appended to."""
    from ui.ops import DatabaseWorker

    def watch() -> list[str]:
        names: list[str] = []
        original = DatabaseWorker.submit

        def counting(self, fn, **kwargs):
            names.append(getattr(fn, "__qualname__", ""))
            return original(self, fn, **kwargs)

        monkeypatch.setattr(DatabaseWorker, "submit", counting)
        return names

    return watch


@pytest.fixture
def gui(qtbot):
    """qtbot with the app's translations installed; stops the database worker afterwards."""
    from ui import language
    from ui.ops import shutdown_worker

    language.install("zh_CN")
    yield qtbot
    shutdown_worker()


@pytest.fixture
def sign_in(gui):
    """``sign_in(database)`` opens the main window on ``database`` and signs in through the login form.

    The window has the size of a small office screen; it is closed after the test.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    def _sign_in(database, username: str = "admin", password: str = "secret-pass"):
        win = MainWindow(database.path)
        gui.addWidget(win)
        win.resize(1366, 740)
        win.show()
        win.start()
        login = win.start_panel.login
        gui.waitUntil(lambda: win.start_panel.current_card is login, timeout=20000)
        login.username.setText(username)
        login.password.setText(password)
        gui.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
        gui.waitUntil(lambda: win.workspace is not None, timeout=20000)
        return win

    yield _sign_in
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# Property tests explore a fixed, reproducible set of examples in every run (CI must never be
# flaky); `HYPOTHESIS_PROFILE=explore pytest …` searches new examples when hunting bugs.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
_hypothesis_settings.register_profile("explore", derandomize=False)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item):
    """Before pytest-qt closes a test's windows, let the database worker finish what the test
    queued last (a save, an audit note): a window closed over running writes asks whether to quit,
    and nobody would answer."""
    import sys

    ops = sys.modules.get("ui.ops")
    if ops is not None and getattr(ops, "_worker", None) is not None:
        ops._worker.wait_idle(30)


@pytest.fixture
def compiles(monkeypatch):
    """The SQL statements compiled from now on (on any thread), as their first line."""
    import threading

    from sqlalchemy.sql import compiler

    seen: list[str] = []
    lock = threading.Lock()
    original = compiler.SQLCompiler.__init__

    def counting(self, *args, **kwargs):
        original(self, *args, **kwargs)
        with lock:
            seen.append(str(self.string).split("\n")[0][:120])

    monkeypatch.setattr(compiler.SQLCompiler, "__init__", counting)
    return seen
