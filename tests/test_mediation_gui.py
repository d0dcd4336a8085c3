"""The mediation page offscreen: a case from intake to archive with qtbot, and the counts other roles see."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlmodel import select

from app import mediation, people
from db.models.mediation import MediationAccessLog, MediationCase, MediationRecord

pytestmark = pytest.mark.gui


@pytest.fixture
def window(sign_in, village):
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        h1 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id, address="一组12号"))
        h2 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="李小红", number="010002", group_id=group.id, address="一组15号"))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", gender="M", household_id=h1.id, relation="head"))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="李小红", gender="F", household_id=h2.id, relation="head"))
    return sign_in(database), database


def open_page(qtbot, win):
    page = win.open_area("mediation")
    if not page._loaded_once:
        with qtbot.waitSignal(page.ids_loaded, timeout=10000):
            pass
    return page


def step(qtbot, view, action, **answers):
    assert view.step_buttons[action].isEnabled(), (action, view.step_buttons[action].toolTip())
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.step(action, **answers)


def pick(qtbot, editor, typed, role):
    editor.role.setCurrentIndex(editor.role.findData(role))
    editor.name.setText(typed)
    editor.search()
    qtbot.waitUntil(lambda: editor.results.count() > 0, timeout=10000)
    editor.choose(editor.results.item(0).data(Qt.ItemDataRole.UserRole))
    editor.add_party()


def test_a_case_from_intake_to_archive(window, gui, tmp_path):
    win, database = window
    page = open_page(gui, win)
    assert page.model.rowCount() == 0 and page.new_button.isEnabled()

    # 登记: parties picked from the register by pinyin
    gui.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.title.setText("宅基地界址纠纷")
    dialog.category.setCurrentIndex(dialog.category.findData("housing"))
    dialog.mediators.setText("张德明")
    dialog.registered_on.setDate(dt.date.today() - dt.timedelta(days=5))
    dialog.facts.setPlainText("两家因院墙位置发生争执。")
    pick(gui, dialog.parties, "wdm", "applicant")
    pick(gui, dialog.parties, "lxh", "respondent")
    assert dialog.parties.list.count() == 2
    assert dialog.size().height() <= 728 and dialog.sizeHint().width() <= 1366
    with gui.waitSignal(page.ids_loaded, timeout=10000):
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1
    view = page.dialog
    gui.waitUntil(lambda: view.detail is not None, timeout=10000)
    assert "王大明" in view.details.text() and "李小红" in view.details.text()
    # the order of the steps: only 受理, 不予受理 and 上报 now
    assert {a for a, b in view.step_buttons.items() if b.isEnabled()} == {"accept", "reject", "escalate"}
    assert not view.save_record_button.isEnabled()
    assert view.step_buttons["archive"].toolTip()  # why not, in the tooltip

    step(gui, view, "accept")
    # 调查, then two sessions: Ctrl+Enter saves and keeps the form open with place and mediators
    assert view.kind.currentData() == "investigation" and view.save_record_button.isEnabled()
    view.held_on.setDate(dt.date.today())
    view.place.setText("纠纷现场")
    view.content.setPlainText("查看院墙现场，询问双方。")
    with gui.waitSignal(view.loaded, timeout=10000):
        gui.keyClick(view.content, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.isVisible() and view.content.toPlainText() == "" and view.records.count() == 1
    assert view.kind.currentData() == "session"
    view.place.setText("村调解室")
    for text in ("第一次调解：双方各执一词。", "第二次调解：双方同意以原界桩为准。"):
        view.content.setPlainText(text)
        with gui.waitSignal(view.loaded, timeout=10000):
            gui.keyClick(view.content, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert view.place.text() == "村调解室" and view.mediators.text() == "张德明"
    assert view.records.count() == 3
    step(gui, view, "agree", clauses=["双方宅基地界址以原界桩为准，各自不得越界建筑。"], performance="当场履行",
         performance_due=dt.date.today(), confirmation=False)
    step(gui, view, "fulfil", fulfilment="on_time")
    assert view.kind.currentData() == "visit"
    view.content.setPlainText("回访：双方关系和睦。")
    with gui.waitSignal(view.loaded, timeout=10000):
        gui.mouseClick(view.save_record_button, Qt.MouseButton.LeftButton)
    # the agreement as a PDF, from the case view
    view.document_kind.setCurrentIndex(view.document_kind.findData("mediation_agreement"))
    view.save_pdf(str(tmp_path / "agreement.pdf"))
    gui.waitUntil(lambda: (tmp_path / "agreement.pdf").exists(), timeout=10000)
    step(gui, view, "archive")
    assert {a for a, b in view.step_buttons.items() if b.isEnabled()} == {"reopen"}
    view.resize(view.sizeHint())
    assert view.sizeHint().height() <= 728 and view.sizeHint().width() <= 1366
    view.grab().save(str(tmp_path / "case.png"))

    with database.session() as session:
        case = session.exec(select(MediationCase)).one()
        assert case.state == mediation.ARCHIVED and case.outcome == mediation.AGREED
        assert case.number == f"（{dt.date.today().year}）青石人调字第1号"
        kinds = [r.kind for r in session.exec(select(MediationRecord).order_by(MediationRecord.created_at))]
        assert kinds == ["investigation", "session", "session", "visit"]
        shown = {r.shown for r in session.exec(select(MediationAccessLog))}
        assert shown == {"details", "attachments", "document:mediation_agreement"}  # the photo strip: logged too
    view.accept()
    gui.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row_object(0) is not None, timeout=10000)
    assert page.model.row_object(0).state == mediation.ARCHIVED


def test_other_roles_see_counts_only(sign_in, village, gui):
    from app.auth import CLERK, create_user

    database, admin = village
    with database.unit(admin) as session:
        create_user(session=session, actor=admin, username="wenshu", password="secret-pass-2", role=CLERK)
        mediation.register_case(session=session, actor=admin, form=mediation.CaseForm(
            title="秘密的案由", category="support", parties=(mediation.PartyForm(role="applicant", name="张三"),
                                                              mediation.PartyForm(role="respondent", name="李四"))))
    win = sign_in(database, "wenshu", "secret-pass-2")
    page = win.open_area("mediation")
    assert page.restricted  # the core says why: the clerk may not see mediation cases
    gui.waitUntil(lambda: "1" in page.summary.text(), timeout=10000)
    assert not page.table.isVisibleTo(page) and not page.new_button.isVisibleTo(page)
    assert "秘密的案由" not in page.summary.text() and "张三" not in page.summary.text()
    assert "抚养赡养" in page.summary.text()
    with database.session() as session:
        assert session.exec(select(MediationAccessLog)).all() == []  # nothing was read, nothing refused


def test_overdue_cases_stand_out(window, gui, qtmodeltester):
    win, database = window
    with database.unit() as session:
        from app.auth import SYSTEM

        old = mediation.register_case(session=session, actor=SYSTEM, form=mediation.CaseForm(
            title="欠款纠纷", registered_on=dt.date.today() - dt.timedelta(days=40),
            parties=(mediation.PartyForm(role="applicant", name="张三"), mediation.PartyForm(role="respondent",
                                                                                          name="李四"))))
        mediation.accept_case(session=session, actor=SYSTEM, case_id=old.id,
                              accepted_on=dt.date.today() - dt.timedelta(days=35))
        mediation.register_case(session=session, actor=SYSTEM, form=mediation.CaseForm(
            title="邻里纠纷", parties=(mediation.PartyForm(role="applicant", name="王五"),
                                       mediation.PartyForm(role="respondent", name="赵六"))))
    page = open_page(gui, win)
    qtmodeltester.check(page.model, force_py=True)
    assert page.model.id_at(0) == old.id
    colour = page.model.data(page.model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor) and colour.name() == "#c62828"
    assert "1" in page.summary.text()
    with gui.waitSignal(page.ids_loaded, timeout=10000):
        page.overdue_only.setChecked(True)
    assert page.model.ids() == [old.id]


def _case_with_parties(database, title="欠款纠纷"):
    from app.auth import SYSTEM

    with database.unit() as session:
        case = mediation.register_case(session=session, actor=SYSTEM, form=mediation.CaseForm(
            title=title, parties=(mediation.PartyForm(role="applicant", name="张三丰"),
                                  mediation.PartyForm(role="respondent", name="李四海"))))
        mediation.accept_case(session=session, actor=SYSTEM, case_id=case.id)
    return case


def test_a_clause_added_from_the_page_is_offered_in_the_agreement(window, gui):
    from ui.pages import mediation as page_module

    win, database = window
    case = _case_with_parties(database)
    page = open_page(gui, win)
    assert page.clause_button.isEnabled(), page.clause_button.toolTip()
    clause = "申请人于____年__月__日前归还借用的农具。"

    gui.mouseClick(page.clause_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, page_module.ClauseDialog)
    with gui.waitSignal(dialog.finished, timeout=10000):  # an empty clause is refused at its field
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        gui.waitUntil(lambda: dialog.form.error_text("text") != "", timeout=10000)
        assert dialog.isVisible()
        dialog.text.setPlainText(clause)
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "library" in page.message.text() or "条款" in page.message.text()

    page.open_item(case.id)  # the case view reads the library the agreement dialog offers
    view = page.dialog
    gui.waitUntil(lambda: view.detail is not None, timeout=10000)
    agreement = page_module.AgreementDialog(view, view.clauses)
    offered = [agreement.library.item(i).text() for i in range(agreement.library.count())]
    assert clause in offered
    agreement.add_clause(clause)
    assert agreement.values()["clauses"] == [clause]
    agreement.reject()
    view.accept()


def test_the_yearly_summary_goes_to_excel_without_names(window, gui, monkeypatch, tmp_path):
    import openpyxl

    from ui.pages import mediation as page_module

    win, database = window
    _case_with_parties(database, title="宅基地纠纷")
    page = open_page(gui, win)
    assert page.summary_button.isEnabled(), page.summary_button.toolTip()
    monkeypatch.setattr(page_module, "save_file_name", lambda _parent, _caption, name, _filters: str(tmp_path / name))
    with gui.waitSignal(page.exported, timeout=10000) as written:
        gui.mouseClick(page.summary_button, Qt.MouseButton.LeftButton)
    path = tmp_path / written.args[0]
    assert path.suffix == ".xlsx" and path.exists()
    text = " ".join(str(cell) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)
                    for cell in row if cell is not None)
    assert str(dt.date.today().year) in text
    for secret in ("张三丰", "李四海", "宅基地纠纷"):
        assert secret not in text
