"""A store refused at start-up (damaged, not ours, newer): the start screen says what is wrong and
offers the newest good backup, naming its date and contents; restoring never overwrites the
refused file — it is kept aside as ``<name>.damaged-<time>`` — and opens the backup's data."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from app import people
from app.backup import backup
from app.paths import backups_dir
from db.engine import Database
from db.tracking import AuditEntry
from test_damaged_files import make_bad  # tests/ is on sys.path

pytestmark = pytest.mark.gui

PASSPHRASE = "a long enough passphrase"


def _checkpointed(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _backed_up_then_damaged(village, tmp_path, kind: str, *, to_dir: Path | None = None) -> tuple[Path, bytes]:
    """One household, a backup of it, a second household after the backup; then the store file is
    replaced by a bad one of ``kind``. Returns the store's path and the bad file's bytes."""
    database, admin = village
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="王五"))
    backup(database=database, actor=admin, to_dir=to_dir or backups_dir(),
           passphrase=PASSPHRASE if to_dir is not None else None)
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="赵六"))
    database.dispose()
    path = Path(database.path)
    _checkpointed(path)
    good = tmp_path / "good-copy.sqlite3"
    shutil.copyfile(path, good)
    for suffix in ("-wal", "-shm", ".mark"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.unlink()
    make_bad(kind, good, path)
    return path, path.read_bytes()


def _open_window(gui, path):
    from ui.main_window import MainWindow

    window = MainWindow(path)
    gui.addWidget(window)
    window.resize(1366, 740)
    window.show()
    window.start()
    return window


def _households(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(row[0] for row in conn.execute("SELECT head_name FROM household WHERE deleted_at IS NULL"))
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["cut-in-page", "btree-bytes-flipped", "magic-flipped", "newer-schema"])
def test_a_refused_store_offers_the_newest_backup_and_restoring_keeps_the_refused_file(gui, village, tmp_path,
                                                                                       monkeypatch, kind):
    from ui import start

    path, bad = _backed_up_then_damaged(village, tmp_path, kind)
    asked: list[str] = []
    monkeypatch.setattr(start, "confirm", lambda _parent, _title, text: asked.append(text) or True)
    window = _open_window(gui, path)
    panel = window.start_panel
    view = panel.error
    gui.waitUntil(lambda: panel.current_card is view and view.restore_button.isVisible(), timeout=30000)
    assert view.message.text()  # what is wrong, in words
    assert view.restore_button.text() == "从最近的备份恢复…" and view.other_button.text() == "选择其他数据库文件…"
    info = view.backup_info.text()
    assert "年" in info and "村庄：青石村" in info and "户数：1" in info  # the date and the contents

    gui.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: panel.current_card is panel.login, timeout=30000)
    assert asked and "户数：1" in asked[0] and ".damaged-" in asked[0]
    kept = list(path.parent.glob(f"{path.name}.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == bad  # kept aside, byte for byte
    assert panel.login.notice.isVisible() and str(kept[0]) in panel.login.notice.text()
    assert _households(path) == ["王五"]  # the backup's data, not the refused file
    database = Database(path)
    try:
        with database.session() as session:
            notes = session.exec(select(AuditEntry).where(AuditEntry.action == "note")).all()
        restored = [entry for entry in notes if entry.changes.get("note") == "restored"]
        assert restored and restored[-1].changes["refused_file_kept_as"] == kept[0].name
    finally:
        database.dispose()


def test_an_encrypted_backup_asks_its_passphrase_before_saying_what_it_holds(gui, village, tmp_path, monkeypatch):
    from ui import language, start
    from ui.dialogs import passphrase

    usb = tmp_path / "usb"
    path, bad = _backed_up_then_damaged(village, tmp_path, "cut-in-page", to_dir=usb)
    language.settings().setValue(start.BACKUP_FOLDER_KEY, str(usb))  # the settings page remembers it
    asked: list[str] = []
    monkeypatch.setattr(passphrase, "ask_passphrase", lambda _parent, confirm: PASSPHRASE)
    monkeypatch.setattr(start, "confirm", lambda _parent, _title, text: asked.append(text) or True)
    try:
        window = _open_window(gui, path)
        panel = window.start_panel
        gui.waitUntil(lambda: panel.error.restore_button.isVisible(), timeout=30000)
        assert "已加密" in panel.error.backup_info.text()
        gui.mouseClick(panel.error.restore_button, Qt.MouseButton.LeftButton)
        gui.waitUntil(lambda: panel.current_card is panel.login, timeout=30000)
    finally:
        language.settings().remove(start.BACKUP_FOLDER_KEY)
    assert "户数：1" in asked[0]
    assert _households(path) == ["王五"]
    assert [p.read_bytes() for p in path.parent.glob(f"{path.name}.damaged-*")] == [bad]


def test_without_a_backup_it_says_so_and_another_file_can_be_opened(gui, village, tmp_path, monkeypatch):
    from ui import start

    database, _admin = village
    other = tmp_path / "other" / "village.sqlite3"
    other.parent.mkdir()
    database.dispose()
    _checkpointed(Path(database.path))
    shutil.copyfile(database.path, other)
    path = tmp_path / "refused.sqlite3"
    path.write_text("村民名单\n", encoding="utf-8")
    window = _open_window(gui, path)
    panel = window.start_panel
    gui.waitUntil(lambda: panel.current_card is panel.error and "没有找到" in panel.error.backup_info.text(),
                  timeout=30000)
    assert not panel.error.restore_button.isVisible() and panel.error.other_button.isVisible()
    monkeypatch.setattr(start, "open_file_name", lambda *_args: str(other))
    gui.mouseClick(panel.error.other_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: panel.current_card is panel.login, timeout=30000)
    assert path.read_text(encoding="utf-8") == "村民名单\n"  # the refused file is untouched
