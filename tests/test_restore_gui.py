"""The restore dialog (Settings → Backup → 恢复备份…) and the start-up health check (issue 14, parts 4
and 6): generations listed with kind, village and counts; one restored; a truncated one refused
with the database unchanged; a damaged store named in a banner."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import func, select

from app import people
from app.backup import backup, backup_on_start
from app.paths import backups_dir
from db.models.people import Resident

pytestmark = pytest.mark.gui


def residents(path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM resident WHERE deleted_at IS NULL").fetchone()[0]
    finally:
        conn.close()


def add(database, admin, name):
    with database.unit(admin) as session:
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name=name, gender="M"))


def open_dialog(sign_in, gui, database):
    window = sign_in(database)
    page = window.open_area("settings")
    assert page.generations_button.isEnabled()
    page.generations_button.click()
    dialog = page.dialog
    gui.waitUntil(lambda: dialog.model.rowCount() > 0 and not dialog.status.text().startswith("正在"), timeout=30000)
    return window, page, dialog


def test_the_dialog_lists_generations_and_restores_one(sign_in, gui, village, monkeypatch):
    from ui.dialogs import restore as restore_dialog

    database, admin = village
    add(database, admin, "王一")
    backup_on_start(database, now=dt.datetime.now() - dt.timedelta(days=3))
    add(database, admin, "王二")
    manual = backup(database=database, actor=admin, to_dir=backups_dir())
    add(database, admin, "王三")
    asked = []
    monkeypatch.setattr(restore_dialog, "confirm", lambda parent, title, text: asked.append(text) or True)
    window, page, dialog = open_dialog(sign_in, gui, database)
    # no backup on sign-in (the manual one is new); the old automatic one is this month's
    kinds = [dialog.model.index(row, 1).data() for row in range(dialog.model.rowCount())]
    assert kinds == ["手动", "每月"]
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.rows[r].path == manual.path)
    assert dialog.model.index(row, 2).data() == "青石村"
    assert dialog.model.index(row, 4).data() == "2"  # residents in that backup
    dialog.table.selectRow(row)
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    gui.waitUntil(lambda: dialog.restored_to is not None, timeout=60000)
    assert "青石村当前的数据库" in asked[0] and str(database.path) in asked[0] and "人口：2" in asked[0]
    assert "已恢复" in dialog.status.text()
    assert residents(database.path) == 2
    box = dialog.findChild(restore_dialog.QMessageBox, "restoredBox")
    box.accept()
    gui.waitUntil(lambda: not window.isVisible(), timeout=10000)


def test_a_truncated_backup_is_refused_and_the_database_is_unchanged(sign_in, gui, village, monkeypatch):
    from ui.dialogs import restore as restore_dialog

    database, admin = village
    add(database, admin, "李一")
    made = backup(database=database, actor=admin, to_dir=backups_dir())
    made.path.write_bytes(made.path.read_bytes()[: made.path.stat().st_size // 3])
    add(database, admin, "李二")
    shown, asked = [], []
    monkeypatch.setattr(restore_dialog, "show_error", lambda parent, message: shown.append(message))
    monkeypatch.setattr(restore_dialog, "confirm", lambda *args: asked.append(args) or True)
    window, page, dialog = open_dialog(sign_in, gui, database)
    before = Path(database.path).read_bytes()
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.rows[r].path == made.path)
    dialog.table.selectRow(row)
    dialog.restore_selected()
    gui.waitUntil(lambda: bool(shown), timeout=30000)
    assert not asked  # refused before anything was asked or replaced
    assert "没有恢复" in dialog.status.text() or "未恢复" in dialog.status.text()
    assert Path(database.path).read_bytes() == before
    assert residents(database.path) == 2
    assert not list(backups_dir().glob("*-before-restore*"))
    assert dialog.restore_button.isEnabled()


def test_the_settings_page_shows_the_last_backup_and_sets_a_second_folder(sign_in, gui, village, tmp_path, monkeypatch):
    database, admin = village
    page = sign_in(database).open_area("settings")
    gui.waitUntil(lambda: "最近" in page.auto_label.text(), timeout=30000)  # the backup made on sign-in
    drive = tmp_path / "drive"
    drive.mkdir()
    page.set_second_folder(str(drive), "drive passphrase")
    gui.waitUntil(lambda: str(drive) in page.second_label.text(), timeout=30000)
    assert "加密" in page.second_label.text() and (drive / "villagedesk-backup-key.age").is_file()
    page.set_second_folder(None)
    gui.waitUntil(lambda: str(drive) not in page.second_label.text(), timeout=30000)


def test_a_damaged_large_store_is_named_in_a_banner_after_sign_in(sign_in, gui, village, monkeypatch):
    """A store too large to be checked when it is identified gets ``PRAGMA quick_check`` on the
    thread of its own after the window shows; damage in a page sign-in never reads is found and said."""
    import db.identify

    database, admin = village
    conn = sqlite3.connect(database.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'concern'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    database.dispose()
    with open(database.path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0d" + b"\xff" * 64)
    monkeypatch.setattr(db.identify, "QUICK_CHECK_LIMIT", 0)  # as if it were the large demo store
    window = sign_in(database)
    gui.waitUntil(lambda: window.health_banner.isVisible(), timeout=30000)
    assert "损坏" in window.health_banner.reason.text()
    assert not list(backups_dir().glob("*.vdbackup"))  # a damaged store is not copied over good backups


def test_the_start_checks_do_not_hold_up_the_database_worker(sign_in, gui, village, monkeypatch):
    """The daily backup takes seconds on a large store: while it runs, the pages' reads go on."""
    import threading

    from ui import start_checks
    from ui.ops import worker

    database, admin = village
    started, release = threading.Event(), threading.Event()

    def slow_checks(_database):
        started.set()
        release.wait(20)
        return ["今日自动备份未能完成：测试"]

    monkeypatch.setattr(start_checks, "_checks", slow_checks)
    window = sign_in(database)
    # the checks start once the 工作台 has shown its figures: wait with the event loop running
    gui.waitUntil(started.is_set, timeout=10000)
    answered = []
    worker().submit(lambda session: session.exec(select(func.count()).select_from(Resident)).one(), mode="read",
                    on_success=answered.append, parent=window)
    gui.waitUntil(lambda: bool(answered), timeout=5000)  # the worker answered while the checks still ran
    assert not window.health_banner.isVisible()
    release.set()
    gui.waitUntil(lambda: window.health_banner.isVisible(), timeout=10000)
    assert "测试" in window.health_banner.reason.text()
