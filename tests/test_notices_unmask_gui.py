"""显示未脱敏信息 on a draft notice: the secretary's audited choice, made in the notice view."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from PySide6.QtCore import Qt
from pypdf import PdfReader
from sqlmodel import select

from app import auth, notices
from app.errors import StateError
from db.models.notices import Notice
from db.tracking import AuditEntry

TABLE = {"columns": [{"key": "name", "header": "姓名", "sensitive": "name"},
                     {"key": "phone", "header": "联系电话", "sensitive": "phone"},
                     {"key": "award", "header": "荣誉"}],
         "rows": [["张三丰", "13812341234", "星级文明户"], ["欧阳娜娜", "13998765432", "好婆媳"]]}


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def make_draft(database, admin) -> str:
    with database.unit(admin) as session:
        return notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="2026年度文明家庭表彰名单", body="经评议，下列家庭获评文明家庭，联系电话13700001111。",
            table=TABLE)).id


def notes(database, notice_id) -> list[tuple[str, str, str, str]]:
    with database.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "note", AuditEntry.row_id == notice_id)
                               .order_by(AuditEntry.id)).all()
        return [(e.actor, e.changes["note"], e.changes["field"], e.changes["reason"]) for e in entries]


def stored_unmasked(database, notice_id) -> list[str]:
    with database.session() as session:
        return list(session.get(Notice, notice_id).unmasked)


def open_view(gui, win, notice_id):
    page = win.open_area("notices")
    page.open_item(notice_id)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=15000)
    return page.view


def open_dialog(gui, view):
    button = view.buttons["unmask"]
    assert button.isEnabled()
    gui.mouseClick(button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: getattr(view, "unmask_dialog", None) is not None and view.unmask_dialog.isVisible(),
                  timeout=5000)
    return view.unmask_dialog


def save_and_wait(gui, view, dialog):
    with gui.waitSignal(view.loaded, timeout=15000):
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_options_list_the_notices_personal_fields_with_who_when_and_why(village):
    database, admin = village
    notice_id = make_draft(database, admin)
    with database.unit(admin) as session:
        before = notices.unmask_options(session=session, actor=admin, notice_id=notice_id)
        notices.set_unmasked(session=session, actor=admin, notice_id=notice_id, field="name", unmasked=True,
                             reason="表彰名单须公布全名")
    with database.session() as session:
        after = {o.field: o for o in notices.unmask_options(session=session, actor=admin, notice_id=notice_id)}
    assert [(o.field, o.kind, o.unmasked, o.changed_by) for o in before] == [
        ("name", "name", False, ""), ("phone", "phone", False, ""), ("names", "", False, ""), ("text", "", False, "")]
    assert after["name"].unmasked and after["name"].changed_by == "李书记"
    assert after["name"].reason == "表彰名单须公布全名" and after["name"].changed_at is not None
    assert not after["phone"].unmasked and after["phone"].changed_at is None


@pytest.mark.gui
def test_secretary_unmasks_names_with_a_reason_and_masks_them_again(sign_in, village, gui, tmp_path):
    database, admin = village
    notice_id = make_draft(database, admin)
    win = sign_in(database)
    view = open_view(gui, win, notice_id)
    assert "张*丰" in pdf_text(view.preview.data) and "张三丰" not in pdf_text(view.preview.data)
    assert "姓名" not in view.summary.text()

    dialog = open_dialog(gui, view)
    assert set(dialog.checks) == {"name", "phone", "names", "text"}
    assert "公开栏" in dialog.warning.text()
    dialog.checks["name"].setChecked(True)
    dialog.reason.setText("表彰名单须公布全名")
    dialog.adjustSize()
    gui.wait(50)
    dialog.grab().save(str(tmp_path / "unmask_dialog.png"))
    save_and_wait(gui, view, dialog)

    text = pdf_text(view.preview.data)  # the in-app preview re-rendered
    assert "张三丰" in text and "欧阳娜娜" in text
    assert "138****1234" in text and "13812341234" not in text  # only the name column is shown
    assert "13700001111" not in text
    assert "姓名" in view.summary.text()  # the view says what it shows in full
    gui.wait(300)  # QPdfView renders pages in the background
    view.grab().save(str(tmp_path / "notice_view_unmasked.png"))
    assert stored_unmasked(database, notice_id) == ["name"]
    assert notes(database, notice_id) == [("admin", "unmask", "name", "表彰名单须公布全名")]
    with database.session() as session:  # the PDF as printed or saved shows the same
        assert "张三丰" in pdf_text(notices.notice_pdf(session=session, actor=admin, notice_id=notice_id))

    dialog = open_dialog(gui, view)  # the current state: who chose it and why
    state = dialog.states["name"].text()
    assert "李书记" in state and "表彰名单须公布全名" in state
    dialog.adjustSize()
    gui.wait(50)
    dialog.grab().save(str(tmp_path / "unmask_dialog_state.png"))
    assert dialog.checks["name"].isChecked()
    dialog.checks["name"].setChecked(False)
    dialog.reason.setText("评议结束，不再公布全名")
    save_and_wait(gui, view, dialog)
    text = pdf_text(view.preview.data)
    assert "张*丰" in text and "张三丰" not in text
    assert stored_unmasked(database, notice_id) == []
    assert notes(database, notice_id)[-1] == ("admin", "mask", "name", "评议结束，不再公布全名")


@pytest.mark.gui
def test_an_empty_reason_is_refused_next_to_the_field_and_nothing_changes(sign_in, village, gui):
    database, admin = village
    notice_id = make_draft(database, admin)
    win = sign_in(database)
    view = open_view(gui, win, notice_id)
    dialog = open_dialog(gui, view)
    dialog.checks["names"].setChecked(True)
    dialog.reason.setText("   ")
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.error_text("reason") != ""
    assert dialog.form.error_text("fields") == ""
    assert dialog.isVisible()
    gui.wait(200)  # nothing was queued to the worker; give it a moment in case it was
    assert stored_unmasked(database, notice_id) == []
    assert notes(database, notice_id) == []
    assert "张三丰" not in pdf_text(view.preview.data)


@pytest.mark.gui
def test_a_clerk_sees_the_control_disabled_and_why(sign_in, village, gui):
    database, admin = village
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="clerk", password="clerk-pass-1", role="clerk",
                         display_name="王文书")
    notice_id = make_draft(database, admin)
    win = sign_in(database, username="clerk", password="clerk-pass-1")
    view = open_view(gui, win, notice_id)
    button = view.buttons["unmask"]
    assert view.buttons["edit"].isEnabled()  # the clerk may edit the draft, but not unmask it
    assert not button.isEnabled()
    assert "书记" in button.toolTip()


@pytest.mark.gui
def test_an_issued_notice_cannot_be_unmasked(sign_in, village, gui):
    database, admin = village
    notice_id = make_draft(database, admin)
    with database.unit(admin) as session:
        notices.issue_notice(session=session, actor=admin, notice_id=notice_id, issue_date=dt.date.today())
    win = sign_in(database)
    view = open_view(gui, win, notice_id)
    button = view.buttons["unmask"]
    assert not button.isEnabled()
    assert "更正" in button.toolTip()
    with database.unit(admin) as session, pytest.raises(StateError):
        notices.set_unmasked(session=session, actor=admin, notice_id=notice_id, field="name", unmasked=True,
                             reason="表彰")
    assert stored_unmasked(database, notice_id) == [] and notes(database, notice_id) == []
