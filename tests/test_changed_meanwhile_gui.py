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


def clerk_of(database, admin):
    with database.unit(admin) as session:
        return auth.create_user(session=session, actor=admin, username="wenshu", password="demo-pass-123",
                                role=auth.CLERK, display_name="王文书")


def answer(gui, owner, button_name):
    """Wait for the "changed meanwhile" question of ``owner`` and press 重新载入 or 取消 on it."""
    from PySide6.QtWidgets import QPushButton

    gui.waitUntil(lambda: owner.changed_box is not None and owner.changed_box.isVisible(), timeout=10000)
    box = owner.changed_box
    assert "王文书" in box.text()
    box.findChild(QPushButton, button_name).click()


def test_group_dialog_reloads_the_group_changed_meanwhile(village, sign_in, gui):
    database, admin = village
    clerk = clerk_of(database, admin)
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组", number=1, leader_name="李明")
    window = sign_in(database)
    page = window.open_area("village")
    gui.waitUntil(lambda: page.overview is not None and not page._loading, timeout=10000)
    page.groups.select_id(group.id)
    dialog = page.edit_group(page.groups.current_row())
    dialog.leader_name.setText("孙组长")
    with database.unit(clerk) as session:
        people.update_group(session=session, actor=clerk, group_id=group.id, name="一组", number=1, leader_name="赵组长")
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    answer(gui, dialog, "reloadButton")
    gui.waitUntil(lambda: dialog.leader_name.text() == "赵组长", timeout=10000)
    assert dialog.isVisible()


def test_village_profile_reloads_when_changed_meanwhile(village, sign_in, gui):
    database, admin = village
    clerk = clerk_of(database, admin)
    window = sign_in(database)
    page = window.open_area("village")
    gui.waitUntil(lambda: page.overview is not None and not page._loading, timeout=10000)
    page.township.setText("龙泉街道")
    page.township.textEdited.emit("龙泉街道")
    assert page.save_button.isEnabled()
    with database.unit(clerk) as session:
        people.update_profile(session=session, actor=clerk, name="青石村", township="龙泉镇",
                              committee_name="青石村民委员会", supervision_phone="028-84850000")
    gui.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    answer(gui, page, "cancelButton")  # 取消: what was typed stays, saving stays possible
    assert page.township.text() == "龙泉街道" and page.save_button.isEnabled()
    gui.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    answer(gui, page, "reloadButton")
    gui.waitUntil(lambda: page.supervision_phone.text() == "02884850000", timeout=10000)
    assert page.township.text() == "龙泉镇" and not page.save_button.isEnabled()


def test_minutes_written_meanwhile_are_not_overwritten(village, sign_in, gui):
    from app import meetings
    from test_meetings_support import add_party_members, at

    database, admin = village
    clerk = clerk_of(database, admin)
    with database.unit(admin) as session:
        add_party_members(session, 3)
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.PARTY_ASSEMBLY, title="党员大会",
                                        starts_at=at())
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
    window = sign_in(database)
    page = window.open_area("meetings")
    page.open_item(meeting.id)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=10000)
    view = page.view
    view.minutes_body.setPlainText("我的初稿")
    with gui.waitSignal(view.loaded, timeout=10000):
        view.save_minutes_button.click()
    view.minutes_body.setPlainText("我的二稿")  # my own save does not count as a change made meanwhile
    with gui.waitSignal(view.loaded, timeout=10000):
        view.save_minutes_button.click()
    assert view.changed_box is None

    with database.unit(clerk) as session:
        meetings.save_minutes(session=session, actor=clerk, meeting_id=meeting.id, body="王文书的记录")
    view.minutes_body.setPlainText("我的三稿")
    view.save_minutes_button.click()
    answer(gui, view, "reloadButton")
    gui.waitUntil(lambda: view.minutes_body.toPlainText() == "王文书的记录", timeout=10000)
    view.minutes_body.setPlainText("我的定稿")
    with gui.waitSignal(view.loaded, timeout=10000):
        view.save_minutes_button.click()
    with database.session() as session:
        assert meetings.minutes(session=session, actor=admin, meeting_id=meeting.id).body == "我的定稿"


def test_household_dialog_reloads_the_household_changed_meanwhile(village, sign_in, gui):
    database, admin = village
    clerk = clerk_of(database, admin)
    with database.unit(admin) as session:
        household_id = people.save_household(session=session, actor=admin,
                                             form=people.HouseholdForm(head_name="李四", address="一组1号")).id
    window = sign_in(database)
    page = window.open_area("households")
    gui.waitUntil(lambda: page._loaded_once, timeout=10000)
    page.open_item(household_id)
    gui.waitUntil(lambda: getattr(page, "dialog", None) is not None and page.dialog.isVisible(), timeout=10000)
    dialog = page.dialog
    dialog.address.setText("二组2号")
    with database.unit(clerk) as session:
        theirs = people.household_form(session=session, actor=clerk, household_id=household_id)
        people.save_household(session=session, actor=clerk, household_id=household_id,
                              form=dataclasses.replace(theirs, address="一组12号", tags=["dibao"]))
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    answer(gui, dialog, "reloadButton")
    gui.waitUntil(lambda: dialog.address.text() == "一组12号", timeout=10000)
    assert dialog.tag_boxes["dibao"].isChecked()


def test_notice_dialog_reloads_the_draft_changed_meanwhile(village, sign_in, gui):
    from app import notices

    database, admin = village
    clerk = clerk_of(database, admin)
    with database.unit(admin) as session:
        notice = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="关于低保对象的公示", body="现将名单公示如下。", publicity_days=7))
    window = sign_in(database)
    page = window.open_area("notices")
    gui.waitUntil(lambda: page._loaded_once, timeout=10000)
    page.open_item(notice.id)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=15000)
    page.view.do_edit()
    gui.waitUntil(lambda: getattr(page.view, "dialog", None) is not None and page.view.dialog.isVisible(),
                  timeout=10000)
    dialog = page.view.dialog
    dialog.title.setText("我改的标题")
    with database.unit(clerk) as session:
        theirs = notices.notice_form(session=session, actor=clerk, notice_id=notice.id)
        notices.update_notice(session=session, actor=clerk, notice_id=notice.id,
                              form=dataclasses.replace(theirs, body="王文书核对后的名单。", publicity_days=5))
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    answer(gui, dialog, "reloadButton")
    gui.waitUntil(lambda: dialog.text_edit.toPlainText() == "王文书核对后的名单。", timeout=10000)
    assert dialog.title.text() == "关于低保对象的公示" and dialog.days.value() == 5
