"""Settings → Backup: a verified copy written from the GUI on the database worker."""
from __future__ import annotations

import pytest

from app import auth
from app.backup import verify

pytestmark = pytest.mark.gui


def test_backup_from_settings_writes_a_verified_copy(sign_in, village, gui, tmp_path):
    database, _admin = village
    page = sign_in(database).open_area("settings")
    assert page.backup_button.isEnabled()
    page.back_up_to(str(tmp_path / "usb"))
    gui.waitUntil(lambda: str(tmp_path / "usb") in page.backup_result.text(), timeout=20000)
    written = list((tmp_path / "usb").glob("*.vdbackup"))
    assert len(written) == 1
    assert verify(written[0])["village_code"] == "510112104201"
    assert page.backup_button.isEnabled()


def test_backup_failure_is_shown_and_leaves_no_file(sign_in, village, gui, tmp_path, monkeypatch):
    from ui.pages import settings

    shown = []
    monkeypatch.setattr(settings, "show_error", lambda parent, message: shown.append(message))
    database, _admin = village
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    page = sign_in(database).open_area("settings")
    page.back_up_to(str(blocker / "usb"))
    gui.waitUntil(lambda: bool(shown), timeout=20000)
    assert "数据库未做改动" in shown[0]
    assert page.backup_result.text() == ""


def test_grid_workers_cannot_back_up(sign_in, village):
    database, admin = village
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="grid", password="long-enough",
                         role=auth.GRID_WORKER)
    page = sign_in(database, username="grid", password="long-enough").open_area("settings")
    assert not page.backup_button.isEnabled()
