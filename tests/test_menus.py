"""Menus and shortcuts a Windows user expects, F1 help inside the program, Qt's dialogs in Chinese,
file dialogs that start in Documents or the last folder used."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QTextBrowser

pytestmark = pytest.mark.gui


@pytest.fixture
def window(sign_in, village):
    database, _admin = village
    return sign_in(database)


def test_file_edit_view_help_menus(window):
    titles = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert [t.split("(")[0] for t in titles] == ["文件", "编辑", "视图", "帮助"]
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.new_action.isEnabled() and window.find_action.isEnabled()


def test_view_menu_opens_each_page(window, gui):
    window.area_actions["notices"].trigger()
    assert window.current_page().area_key == "notices"


def test_ctrl_q_quits(window, gui):
    gui.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    gui.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_f1_opens_the_help_page_in_the_program(window, gui):
    gui.keyClick(window, Qt.Key.Key_F1)
    gui.waitUntil(lambda: window.help_dialog is not None and window.help_dialog.isVisible(), timeout=5000)
    text = window.help_dialog.findChild(QTextBrowser).toPlainText()
    assert "第一周" in text and "公告" in text
    from app import i18n

    i18n.set_language("en")
    assert "first week" in window.help_dialog.findChild(QTextBrowser).toPlainText()
    assert [a.text().replace("&", "") for a in window.menuBar().actions()] == ["File", "Edit", "View", "Help"]


def test_qt_own_dialogs_speak_chinese(gui):
    assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_every_file_dialog_goes_through_the_shared_helpers():
    """ui.widgets' helpers start in Documents or the last folder used; a raw QFileDialog call opens
    in the program's folder (issue 10, item 8)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "ui"
    raw = [f"{p.relative_to(root.parent)}:{n}" for p in sorted(root.rglob("*.py")) if p.name != "widgets.py"
           for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "QFileDialog" in line]
    assert raw == []


def test_file_dialogs_start_in_documents_then_the_last_folder(gui, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from ui import widgets

    seen: list[str] = []

    def fake(_parent, _caption, directory, *_args, **_kwargs):
        seen.append(directory)
        return (str(tmp_path / "out" / "会议.pdf"), "")

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    widgets.save_file_name(None, "Save", "会议.pdf", "PDF (*.pdf)")
    assert "out" not in seen[0] and seen[0].endswith("会议.pdf")
    widgets.save_file_name(None, "Save", "会议.pdf", "PDF (*.pdf)")
    assert seen[1] == str(tmp_path / "out" / "会议.pdf")
    assert QApplication.instance() is not None
