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
    page.back_up_to(str(tmp_path / "usb"), "correct horse battery")
    gui.waitUntil(lambda: str(tmp_path / "usb") in page.backup_result.text(), timeout=30000)
    written = list((tmp_path / "usb").glob("*.vdbackup.age"))  # off the PC: encrypted
    assert len(written) == 1
    assert verify(written[0], passphrase="correct horse battery")["village_code"] == "510112104201"
    assert page.backup_button.isEnabled()


def test_backup_failure_is_shown_and_leaves_no_file(sign_in, village, gui, tmp_path, monkeypatch):
    from ui.pages import settings

    shown = []
    monkeypatch.setattr(settings, "show_error", lambda parent, message: shown.append(message))
    database, _admin = village
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    page = sign_in(database).open_area("settings")
    page.back_up_to(str(blocker / "usb"), "correct horse battery")
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


def test_the_passphrase_dialog_checks_length_and_repetition(gui):
    from ui.dialogs.passphrase import PassphraseDialog

    dialog = PassphraseDialog(None, confirm=True)
    gui.addWidget(dialog)
    dialog.passphrase.setText("short")
    dialog.repeat.setText("short")
    dialog.submit()
    assert dialog.error.isVisibleTo(dialog) and "10" in dialog.error.text() and dialog.result() == 0
    dialog.passphrase.setText("correct horse battery")
    dialog.repeat.setText("correct horse batterY")
    dialog.submit()
    assert "不一致" in dialog.error.text()
    dialog.repeat.setText("correct horse battery")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.value() == "correct horse battery"
