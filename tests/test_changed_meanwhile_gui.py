"""The resident dialog when the resident was changed meanwhile (another window, the command line):
saving asks; 取消 keeps the typed text, 重新载入 shows the stored record and then saves."""
from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from app import auth, people

pytestmark = pytest.mark.gui


def test_resident_dialog_asks_to_reload_a_record_changed_meanwhile(village, sign_in, gui):
    database, admin = village
    with database.unit(admin) as session:
        clerk = auth.create_user(session=session, actor=admin, username="wenshu", password="demo-pass-123",
                                 role=auth.CLERK, display_name="王文书")
        resident_id = people.save_resident(session=session, actor=admin,
                                           form=people.ResidentForm(name="张三", gender="M")).id
    window = sign_in(database)
    page = window.open_area("residents")
    gui.waitUntil(lambda: page._loaded_once, timeout=10000)
    page.open_item(resident_id)
    gui.waitUntil(lambda: getattr(page, "dialog", None) is not None and page.dialog.isVisible(), timeout=10000)
    dialog = page.dialog
    dialog.note.setText("我填写的备注")
    dialog.note.setModified(True)

    with database.unit(clerk) as session:  # the clerk's window saves first
        theirs = people.resident_form(session=session, actor=clerk, resident_id=resident_id)
        people.save_resident(session=session, actor=clerk, form=dataclasses.replace(theirs, name="张叁"),
                             resident_id=resident_id)

    def save_and_wait_for_question():
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        gui.waitUntil(lambda: dialog.changed_box is not None and dialog.changed_box.isVisible(), timeout=10000)
        return dialog.changed_box

    box = save_and_wait_for_question()
    assert "王文书" in box.text() and "重新载入" in box.text()
    assert {b.text() for b in box.buttons()} == {"重新载入", "取消"}
    box.findChild(type(box.buttons()[0]), "cancelButton").click()  # 取消: the typed text stays
    gui.waitUntil(lambda: dialog.changed_box is None, timeout=10000)
    assert dialog.isVisible() and dialog.note.text() == "我填写的备注" and dialog.name.text() == "张三"

    box = save_and_wait_for_question()  # saving as it is stays refused
    box.findChild(type(box.buttons()[0]), "reloadButton").click()  # 重新载入: the stored record, typed text gone
    gui.waitUntil(lambda: dialog.name.text() == "张叁", timeout=10000)
    assert dialog.note.text() == "" and dialog.isVisible()
    assert "重新载入" in dialog.general_error.text()
    assert not dialog.typed_text()  # closing now would not ask about discarding

    dialog.note.setText("我填写的备注")
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # the reloaded form carries the new rev
    gui.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    with database.session() as session:
        stored = people.resident_form(session=session, actor=admin, resident_id=resident_id)
    assert (stored.name, stored.note) == ("张叁", "我填写的备注")
