"""The meetings, concerns and 四议两公开 pages, offscreen: hold a meeting end to end with qtbot."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, Qt
from sqlmodel import select

from app import meetings
from app.concerns import queries as cq
from app.deliberation import queries as dq
from db.models.meetings import Meeting, Minutes, Vote

from test_meetings_support import add_representatives

pytestmark = pytest.mark.gui



@pytest.fixture
def window(sign_in, village):
    database, admin = village
    with database.unit(admin) as session:
        add_representatives(session, 30)
    return sign_in(database), database


def open_page(qtbot, win, key):
    page = win.open_area(key)
    if not page._loaded_once:
        with qtbot.waitSignal(page.ids_loaded, timeout=10000):
            pass
    return page


def click(qtbot, view, button):
    """Click a button of the meeting view and wait until the record is shown again."""
    assert button.isEnabled(), button.objectName()
    with qtbot.waitSignal(view.loaded, timeout=10000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_hold_a_meeting_end_to_end(window, gui, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []  # 会议已召开 and 审定并锁定 cannot be undone: each asks first, naming what follows
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, _title, text, *args: asked.append(text) or QMessageBox.StandardButton.Yes))
    win, database = window
    page = open_page(gui, win, "meetings")

    # 1. notice: call a 村民代表会议
    gui.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData(meetings.REPRESENTATIVES_MEETING))
    dialog.title.setText("四月村民代表会议")
    dialog.place.setText("村委会会议室")
    dialog.host.setText("李书记")
    dialog.recorder.setText("王文书")
    # a meeting is marked held only once it has begun (issue 10): this one was two hours ago
    dialog.starts_at.setDateTime(QDateTime.currentDateTime().addSecs(-2 * 3600))
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=10000)
    view = page.view
    assert view.record.meeting.state == meetings.PLANNED
    assert "应到30人" in view.attendance_label.text().replace(" ", "")

    # 2. sign-in: tick 19 boxes — not enough for a valid vote; then one more
    model = view.sign_in_model
    for row in range(19):
        with gui.waitSignal(view.loaded, timeout=10000):
            model.setData(model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert view.record.attendance.present == 19
    click(gui, view, view.held_button)
    assert view.record.meeting.state == meetings.HELD
    assert len(asked) == 1 and "不能再" in asked[0]

    # 3. agenda and vote: 19 present of 30 → invalid, the reason is shown in words
    view.tabs.setCurrentIndex(2)
    view.item_title.setText("二组通组路硬化")
    view.item_proposer.setText("村党支部")
    click(gui, view, view.add_item_button)
    view.in_favour.setValue(19)
    click(gui, view, view.vote_button)
    assert "到会人数不足" in view.vote_reason.text() and "19" in view.vote_reason.text()

    # impossible counts are refused next to the form, nothing is stored
    view.in_favour.setValue(25)
    with gui.waitSignal(view.refused, timeout=10000):
        gui.mouseClick(view.vote_button, Qt.MouseButton.LeftButton)
    assert "超过了实到" in view.message.text()

    # 4. minutes: draft, approve (locks), addendum
    view.tabs.setCurrentIndex(3)
    view.minutes_body.setPlainText("会议审议了二组通组路硬化方案，因到会人数不足，表决无效，择期再议。")
    click(gui, view, view.save_minutes_button)
    click(gui, view, view.approve_button)
    assert len(asked) == 2 and "补充" in asked[1]  # locked: corrections only as an addendum
    assert view.minutes_body.isReadOnly() and not view.save_minutes_button.isEnabled()
    view.addendum.setText("更正：会议开始时间为14:30。")
    click(gui, view, view.addendum_button)
    assert "14:30" in view.addenda.text()

    # 5. publish, print the minutes
    click(gui, view, view.publish_button)
    assert view.record.meeting.state == meetings.PUBLISHED
    out = tmp_path / "minutes.pdf"
    view.print_pdf("minutes", str(out))
    gui.waitUntil(lambda: out.exists(), timeout=20000)

    with database.session() as session:
        meeting = session.exec(select(Meeting).where(Meeting.title == "四月村民代表会议")).one()
        assert meeting.state == meetings.PUBLISHED
        vote = session.exec(select(Vote).where(Vote.meeting_id == meeting.id)).one()
        assert (vote.present, vote.quorum_met) == (19, False)
        assert session.exec(select(Minutes).where(Minutes.meeting_id == meeting.id)).one().state == "approved"

    # the list shows it, filtered by kind and state
    with gui.waitSignal(page.ids_loaded, timeout=10000):
        page.state_filter.setCurrentIndex(page.state_filter.findData(meetings.PUBLISHED))
    assert page.model.rowCount() == 1
    assert page.model.row_object(0).title == "四月村民代表会议"
    view.grab().save(str(tmp_path / "meeting_view.png"))


def test_dialog_refuses_an_empty_title(window, gui):
    win, _database = window
    page = open_page(gui, win, "meetings")
    gui.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: dialog.form.error_text("title") != "", timeout=10000)
    assert dialog.isVisible()


@pytest.fixture
def filled(window):
    """A held 党员大会 with a vote, an overdue concern and one on time, and a matter at step two."""
    from app import concerns, deliberation as d
    from test_meetings_support import add_party_members, at

    win, database = window
    actor = win.actor
    with database.unit(actor) as session:
        add_party_members(session, 6)
        m = meetings.plan_meeting(session=session, actor=actor, kind=meetings.PARTY_ASSEMBLY, title="三月党员大会",
                                  starts_at=at(dt.date(2025, 3, 1), 9))
        rows = meetings.attendance(session=session, actor=actor, meeting_id=m.id)
        meetings.sign_in(session=session, actor=actor, meeting_id=m.id, attendance_ids=[r.id for r in rows])
        meetings.mark_held(session=session, actor=actor, meeting_id=m.id)
        meetings.add_agenda_item(session=session, actor=actor, meeting_id=m.id, title="学习传达")
        late = concerns.raise_concern(session=session, actor=actor, title="水渠漏水", raised_by="张三", source="visit",
                                      raised_on=dt.date(2025, 1, 2), due_on=dt.date(2025, 1, 10))
        fresh = concerns.raise_concern(session=session, actor=actor, title="路灯不亮", raised_by="李四", source="office",
                                       due_on=dt.date.today() + dt.timedelta(days=10))
        d.set_yijiantiao(session=session, actor=actor, value=True)
        matter = d.start_matter(session=session, actor=actor, title="村史馆修缮")
        joint = meetings.plan_meeting(session=session, actor=actor, kind=meetings.TWO_COMMITTEES, title="两委联席会",
                                      starts_at=at(dt.date(2025, 3, 2), 9))
        meetings.mark_held(session=session, actor=actor, meeting_id=joint.id)
    return win, database, {"meeting": m, "late": late, "fresh": fresh, "matter": matter, "joint": joint}


def test_meetings_page_model(filled, gui, qtmodeltester):
    win, _db, _ids = filled
    page = open_page(gui, win, "meetings")
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model, force_py=True)


def test_sign_in_model(filled, gui, qtmodeltester):
    win, _db, ids = filled
    page = open_page(gui, win, "meetings")
    page.open_item(ids["meeting"].id)
    gui.waitUntil(lambda: page.view.record is not None, timeout=10000)
    assert page.view.sign_in_model.rowCount() == 6
    qtmodeltester.check(page.view.sign_in_model, force_py=True)


def test_agenda_model(filled, gui, qtmodeltester):
    win, _db, ids = filled
    page = open_page(gui, win, "meetings")
    page.open_item(ids["meeting"].id)
    gui.waitUntil(lambda: page.view.record is not None, timeout=10000)
    assert page.view.agenda_model.rowCount() == 1
    qtmodeltester.check(page.view.agenda_model, force_py=True)


def test_concerns_page_highlights_overdue_and_closes_quickly(filled, gui, qtmodeltester, tmp_path):
    from PySide6.QtGui import QColor

    from app import concerns

    win, database, ids = filled
    page = open_page(gui, win, "concerns")
    qtmodeltester.check(page.model, force_py=True)
    assert page.model.id_at(0) == ids["late"].id  # overdue first
    colour = page.model.data(page.model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor) and colour.name() == "#c62828"
    assert page.model.data(page.model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert page.model.data(page.model.index(0, 7)) == "已超期"
    with gui.waitSignal(page.ids_loaded, timeout=10000):
        page.overdue_only.setChecked(True)
    assert page.model.ids() == [ids["late"].id]
    page.table.selectRow(0)
    with gui.waitSignal(page.ids_loaded, timeout=10000):
        page.quick_close("已维修渠道")
    with database.session() as session:
        closed = cq.get_concern(session, ids["late"].id)
        assert closed.state == concerns.CLOSED and closed.resolution == "已维修渠道"
    assert page.model.rowCount() == 0  # no longer overdue
    page.grab().save(str(tmp_path / "concerns.png"))


def test_deliberation_page_records_the_joint_first_step(filled, gui, qtmodeltester):
    from app import deliberation as d

    win, database, ids = filled
    page = win.open_area("deliberation")
    if not page._loaded_once:
        with gui.waitSignal(page.ids_loaded, timeout=10000):
            pass
    qtmodeltester.check(page.model, force_py=True)
    with gui.waitSignal(page.progress_shown, timeout=10000):
        page.table.selectRow(0)
    assert page.step_labels[0][0].text() == "➜"
    page.record_next_step()
    dialog = page.dialog
    dialog.joint.setChecked(True)
    gui.waitUntil(lambda: dialog.meeting.findData(ids["joint"].id) >= 0, timeout=10000)
    dialog.meeting.setCurrentIndex(dialog.meeting.findData(ids["joint"].id))
    with gui.waitSignal(page.progress_shown, timeout=10000):
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.step_labels[1][0].text() == "✔", timeout=10000)
    assert page.step_labels[0][0].text() == "✔" and page.step_labels[2][0].text() == "➜"
    with database.session() as session:
        assert dq.next_step(session, dq.get_matter(session, ids["matter"].id)) == d.REVIEW
