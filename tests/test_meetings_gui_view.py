"""The meeting view's concerns form, in-app documents and roll-call ballots; the calendar; 公开 steps
issued through the notice register from the 四议两公开 dialog (offscreen, qtbot)."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from PySide6.QtCore import QDate, Qt
from pypdf import PdfReader
from sqlmodel import select

from app import concerns, deliberation as d, meetings, notices, people
from db.models.meetings import Ballot, Vote
from db.models.concerns import Concern
from db.models.deliberation import DeliberationStep
from db.models.notices import Notice

from test_meetings_gui import click, filled, open_page, window  # noqa: F401 (fixtures)

pytestmark = pytest.mark.gui

D = dt.date


def text_of(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")


def open_view(gui, win, meeting_id):
    page = open_page(gui, win, "meetings")
    page.open_item(meeting_id)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=10000)
    return page, page.view


def test_concern_raised_at_the_meeting_with_the_pinyin_picker(filled, gui, qtmodeltester, tmp_path):
    win, database, ids = filled
    with database.unit(win.actor) as session:
        household = people.save_household(session=session, actor=win.actor,
                                           form=people.HouseholdForm(head_name="张三丰", number="0101"))
        zhang = people.save_resident(session=session, actor=win.actor,
                                     form=people.ResidentForm(name="张三丰", gender="M", household_id=household.id))
    _page, view = open_view(gui, win, ids["meeting"].id)
    view.tabs.setCurrentIndex(view.concerns_tab_index)
    assert view.concern_button.isEnabled()  # the meeting is held
    with gui.waitSignal(view.raiser.results_shown, timeout=10000) as shown:
        gui.keyClicks(view.raiser.edit, "zsf")
    assert shown.args[0] >= 1
    first = view.raiser.results.item(0)
    assert first.text().startswith("张三丰")
    view.raiser.results.itemClicked.emit(first)
    assert view.raiser.edit.text() == "张三丰" and not view.raiser.results.isVisible()
    view.concern_title.setText("村口路灯不亮")
    view.concern_category.setCurrentIndex(1)
    view.concern_assignee.setText("王组长")
    view.concern_due.setDate(QDate(2025, 3, 20))
    click(gui, view, view.concern_button)
    assert view.concerns_model.rowCount() == 1
    qtmodeltester.check(view.concerns_model, force_py=True)
    assert view.concern_title.text() == "" and view.raiser.edit.text() == ""
    with database.session() as session:
        concern = session.exec(select(Concern).where(Concern.title == "村口路灯不亮")).one()
    assert (concern.meeting_id, concern.source, concern.resident_id) == (ids["meeting"].id, "meeting", zhang.id)
    assert (concern.raised_on, concern.due_on, concern.assignee) == (D(2025, 3, 1), D(2025, 3, 20), "王组长")
    assert concern.category == view.concern_category.itemData(1)

    # the minutes, previewed in the view, list it
    with gui.waitSignal(view.preview_loaded, timeout=20000) as loaded:
        view.show_document("minutes")
    assert loaded.args == ["minutes"] and view.tabs.currentIndex() == view.documents_tab_index
    assert "村口路灯不亮" in text_of(view.preview.data) and "学习传达" in text_of(view.preview.data)
    view.grab().save(str(tmp_path / "documents.png"))

    # a free name (not in the register) is kept as typed
    view.tabs.setCurrentIndex(view.concerns_tab_index)
    view.raiser.edit.setText("过路的王师傅")  # keyClicks types ASCII only
    view.raiser.edit.textEdited.emit("过路的王师傅")
    view.concern_title.setText("桥栏杆松动")
    click(gui, view, view.concern_button)
    assert [c.raised_by for c in view.record.concerns][-1] == "过路的王师傅"


def test_documents_are_previewed_and_printed_through_the_dialog(filled, gui, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    from ui import pdf_preview
    from ui.pages.meetings import view as page_module

    win, _database, ids = filled
    _page, view = open_view(gui, win, ids["meeting"].id)
    seen = {}
    for kind, words in (("meeting_notice", "三月党员大会"), ("sign_in_sheet", "签名"), ("minutes", "会议记录")):
        with gui.waitSignal(view.preview_loaded, timeout=20000) as loaded:
            view.show_document(kind)
        assert loaded.args == [kind] and view.preview.page_count() >= 1
        assert words in text_of(view.preview.data), kind
        seen[kind] = view.preview.data
    assert len(set(seen.values())) == 3

    printed = tmp_path / "printed.pdf"

    def fake_print(parent, document):  # the system dialog, accepted, printing to a file
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return pdf_preview.paint_pages(document, printer) > 0

    monkeypatch.setattr(page_module, "print_pdf", fake_print)
    assert view.print_button.isEnabled()
    gui.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    assert printed.exists() and len(PdfReader(str(printed)).pages) == view.preview.page_count()
    from sqlmodel import select

    from db.tracking import AuditEntry
    from ui.ops import worker

    worker().wait_idle()
    with _database.session() as session:  # the print is recorded under the document's own title
        note = session.exec(select(AuditEntry).where(AuditEntry.table_name == "print")
                            .order_by(AuditEntry.id.desc())).first()
    assert note.changes["note"] == "printed" and note.changes["printer"] is True
    assert note.changes["title"] and note.changes["title"] != "minutes" and "会议记录" in note.changes["title"]


def test_a_cancelled_meeting_has_no_notice_to_preview(filled, gui):
    win, database, _ids = filled
    with database.unit(win.actor) as session:
        m = meetings.plan_meeting(session=session, actor=win.actor, kind=meetings.OPEN_AIR, title="取消的会",
                                  starts_at=dt.datetime(2025, 4, 1, 19, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        meetings.cancel_meeting(session=session, actor=win.actor, meeting_id=m.id, reason="下雨")
    _page, view = open_view(gui, win, m.id)
    with gui.waitSignal(view.preview_loaded, timeout=20000) as loaded:
        view.show_document("meeting_notice")
    assert loaded.args == [""] and view.document_message.isVisibleTo(view) and not view.print_button.isEnabled()
    assert "取消" in view.document_message.text()


def test_roll_call_vote_by_named_ballots(filled, gui, qtmodeltester):
    win, database, ids = filled
    _page, view = open_view(gui, win, ids["meeting"].id)
    view.tabs.setCurrentIndex(2)
    assert not view.ballots_box.isVisibleTo(view)
    view.method.setCurrentIndex(view.method.findData(meetings.ROLL_CALL))
    assert view.ballots_box.isVisibleTo(view) and view.in_favour.isReadOnly()
    model = view.ballot_model
    assert model.rowCount() == 6
    qtmodeltester.check(model, force_py=True)
    gui.mouseClick(view.all_for_button, Qt.MouseButton.LeftButton)
    model.setData(model.index(4, 1), meetings.AGAINST)
    delegate = view.ballot_table.itemDelegateForColumn(1)
    editor = delegate.createEditor(view.ballot_table.viewport(), None, model.index(5, 1))
    editor.setCurrentIndex(editor.findData(meetings.ABSTAIN))
    delegate.setModelData(editor, model, model.index(5, 1))
    assert (view.in_favour.value(), view.against.value(), view.abstain.value()) == (4, 1, 1)
    assert model.data(model.index(5, 1)) == "弃权"
    click(gui, view, view.vote_button)
    with database.session() as session:
        vote = session.exec(select(Vote).where(Vote.meeting_id == ids["meeting"].id)).one()
        named = session.exec(select(Ballot).where(Ballot.vote_id == vote.id)).all()
    assert (vote.method, vote.in_favour, vote.against, vote.abstain) == ("roll_call", 4, 1, 1)
    assert sorted(b.choice for b in named) == ["abstain", "against", "for", "for", "for", "for"]
    assert "赞成" in view.vote_reason.text() or view.vote_reason.text()


def test_calendar_shows_meetings_per_day_and_a_click_filters_the_list(filled, gui, tmp_path):
    win, _database, ids = filled
    page = open_page(gui, win, "meetings")
    assert page.stack.currentWidget() is page.table  # the lazy list stays the default
    with gui.waitSignal(page.calendar_loaded, timeout=10000):
        page.show_calendar()
    with gui.waitSignal(page.calendar_loaded, timeout=10000):
        page.calendar.setCurrentPage(2025, 3)
    assert page.stack.currentWidget() is page.calendar
    days = {day: [x.title for x in items] for day, items in page.calendar.days.items()}
    assert days[D(2025, 3, 1)] == ["三月党员大会"] and days[D(2025, 3, 2)] == ["两委联席会"]
    page.resize(1000, 700)
    page.grab().save(str(tmp_path / "calendar.png"))
    with gui.waitSignal(page.ids_loaded, timeout=10000):
        page.calendar.clicked.emit(QDate(2025, 3, 1))
    assert page.stack.currentWidget() is page.table and page.day_chip.isVisibleTo(page)
    assert page.model.ids() == [ids["meeting"].id]
    with gui.waitSignal(page.ids_loaded, timeout=10000):
        gui.mouseClick(page.day_chip, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 2 and not page.day_chip.isVisibleTo(page)
    # the kind filter narrows the calendar too
    with gui.waitSignal(page.calendar_loaded, timeout=10000):
        page.show_calendar()
    with gui.waitSignal(page.calendar_loaded, timeout=10000):
        page.kind_filter.setCurrentIndex(page.kind_filter.findData(meetings.TWO_COMMITTEES))
    assert list(page.calendar.days) == [D(2025, 3, 2)]


def test_publish_step_issues_a_registered_notice_from_the_dialog(window, gui):  # noqa: F811
    from test_deliberation import Village

    win, database = window
    with database.unit(win.actor) as session:
        v = Village(session, win.actor)
        matter = d.start_matter(session=session, actor=win.actor, title="修缮村史馆")
        m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
        v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
        m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 5))
        v.step(matter, d.CONSULTATION, D(2024, 3, 5), meeting_id=m2.id)
        m3, v3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 10), matter=matter, vote=(8, 1, 0))
        v.step(matter, d.REVIEW, D(2024, 3, 10), meeting_id=m3.id, vote_id=v3.id)
        m4, v4 = v.meeting(meetings.REPRESENTATIVES_MEETING, D(2024, 3, 15), matter=matter, vote=(50, 5, 0))
        v.step(matter, d.RESOLUTION, D(2024, 3, 15), meeting_id=m4.id, vote_id=v4.id)
    page = win.open_area("deliberation")
    if not page._loaded_once:
        with gui.waitSignal(page.ids_loaded, timeout=10000):
            pass
    with gui.waitSignal(page.progress_shown, timeout=10000):
        page.table.selectRow(0)
    page.record_next_step()
    dialog = page.dialog
    assert dialog.via_register.isChecked() and not dialog.notice_number.isEnabled()
    assert not dialog.meeting.isVisibleTo(dialog) and dialog.publicity_days.isVisibleTo(dialog)
    dialog.held_on.setDate(QDate(2024, 3, 16))
    dialog.publicity_days.setValue(5)
    with gui.waitSignal(page.progress_shown, timeout=20000):
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.step_labels[4][0].text() == "✔", timeout=10000)
    with database.session() as session:
        step = session.exec(select(DeliberationStep).where(DeliberationStep.step == d.PUBLISH_RESOLUTION)).one()
        notice = session.get(Notice, step.notice_id)
        assert notice.state == notices.ISSUED and notice.publicity_end == D(2024, 3, 20)
        assert notices.reprint_matches(session=session, actor=win.actor, notice_id=notice.id)
    assert notice.number in page.step_labels[4][1].text()

    # the alternative: a number typed for a notice issued elsewhere
    page.record_next_step()
    dialog = page.dialog
    dialog.elsewhere.setChecked(True)
    assert dialog.notice_number.isEnabled() and not dialog.publicity_days.isEnabled()
    dialog.notice_number.setText("乡政〔2024〕9号")
    with gui.waitSignal(page.progress_shown, timeout=20000):
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.step_labels[5][0].text() == "✔", timeout=10000)
    with database.session() as session:
        last = session.exec(select(DeliberationStep).where(DeliberationStep.step == d.PUBLISH_RESULTS)).one()
        assert (last.notice_id, last.notice_number) == (None, "乡政〔2024〕9号")
        assert len(session.exec(select(Notice)).all()) == 1
