"""Record dialogs and the keyboard: Tab moves between fields, Esc asks before typed text is lost,
a corrected field loses its red message, and a saved message is not red."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(village, gui):
    from ui.pages.meetings.dialogs import MeetingDialog

    _database, admin = village
    dialog = MeetingDialog(None, admin)
    gui.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    gui.waitExposed(dialog)
    return dialog


def focused():
    return QApplication.focusWidget()


def test_tab_leaves_the_date_time_field_and_the_notice_text(dialog, gui):
    dialog.starts_at.setFocus()
    gui.keyClick(dialog.starts_at, Qt.Key.Key_Tab)
    assert focused() is not None and not dialog.starts_at.isAncestorOf(focused()) and focused() is not dialog.starts_at

    dialog.description.setFocus()
    gui.keyClick(dialog.description, Qt.Key.Key_Tab)
    assert "\t" not in dialog.description.toPlainText()
    assert focused() is not dialog.description


def test_a_corrected_field_loses_its_red_message(dialog, gui):
    dialog.show_errors({"title": "请填写会议名称。", "place": "地点太长。"})
    assert dialog.form.error_text("title") and dialog.form.error_text("place")
    gui.keyClicks(dialog.title, "cunmin daibiao")  # QTest types Latin-1 only
    assert dialog.form.error_text("title") == ""
    assert dialog.form.error_text("place")  # untouched: still marked


def test_esc_asks_before_throwing_typed_text_away(dialog, gui, monkeypatch):
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, _title, text, *args: asked.append(text) or answer[0]))
    gui.keyClicks(dialog.title, "tongzulu")
    gui.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible() and dialog.title.text() == "tongzulu"
    answer[0] = QMessageBox.StandardButton.Discard
    gui.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not dialog.isVisible()


def test_esc_on_an_untouched_dialog_closes_without_asking(dialog, gui, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: pytest.fail("asked")))
    dialog.title.setText("filled in by the program")  # not typed by the person
    gui.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_saved_message_is_not_red(gui):
    from ui.widgets import set_message

    label = QLabel()
    set_message(label, "保存失败", error=True)
    assert label.objectName() == "formError"
    set_message(label, "已保存到 D:/会议.pdf", error=False)
    assert label.objectName() != "formError"
