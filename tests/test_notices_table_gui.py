"""The notice dialog's table editor and the 'ending soon' setting, offscreen."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from sqlmodel import select

from app import notices
from app.notices import queries as notice_queries
from db.models.notices import Notice

pytestmark = pytest.mark.gui

EXCEL = ("姓名\t联系电话\t身份证号\t金额（元）\r\n"
         "张三丰\t13812341234\t51011219900101123X\t600\r\n"
         '欧阳娜娜\t13998765432\t\t"800\r\n（两人）"\r\n')


@pytest.fixture
def page(gui, sign_in, village):
    database, admin = village
    page = sign_in(database).open_area("notices")
    gui.waitUntil(lambda: page._loaded_once and page.soon_days.isEnabled(), timeout=10000)
    return page, database, admin


def type_heading(editor, text):
    """What typing into the column-heading box does (QTest cannot type Chinese characters)."""
    editor.heading.setText(text)
    editor.heading.textEdited.emit(text)


def notices_in(database):
    with database.session() as session:
        return list(session.exec(select(Notice)))


def test_table_model_edits_rows_columns_and_pasted_blocks(gui, qtmodeltester):
    from ui.notice_table import NoticeTableModel

    model = NoticeTableModel()
    qtmodeltester.check(model, force_py=True)  # and it keeps checking every change below
    model.paste(notices.parse_pasted_table(EXCEL), 0, 0)  # empty table: the first line gives the headings
    assert [(c["header"], c["sensitive"]) for c in model.columns] == [
        ("姓名", "name"), ("联系电话", "phone"), ("身份证号", "id_number"), ("金额（元）", "")]
    assert model.rows[1] == ["欧阳娜娜", "13998765432", "", "800\n（两人）"]
    model.paste([["王五", "x", "y", "z", "备注"]], 1, 0)  # a wider block adds a column, overwrites row 2
    assert model.columnCount() == 5 and model.rows[1][:1] == ["王五"] and model.rows[1][4] == "备注"
    model.insert_rows(0)
    model.remove_columns([1, 2])
    model.set_header(2, "户主姓名")  # an unmarked column takes the kind its heading announces
    model.set_sensitive(0, "")  # a kind chosen by hand is kept when the heading changes
    model.set_header(0, "申请人姓名")
    model.setData(model.index(0, 0), "赵六")
    data = model.to_data()
    assert [(c["header"], c["sensitive"]) for c in data["columns"]] == [
        ("申请人姓名", ""), ("金额（元）", ""), ("户主姓名", "name")]
    assert data["rows"] == [["赵六", "", ""], ["张三丰", "600", ""], ["王五", "z", "备注"]]
    assert len({c["key"] for c in data["columns"]}) == 3
    model.remove_rows([0, 1, 2])
    model.remove_columns([0, 1, 2])
    assert model.to_data() is None


def test_write_a_table_in_the_dialog_paste_from_excel_and_print_it_masked(page, gui):
    page, database, admin = page
    gui.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    editor = dialog.table_editor
    dialog.title.setText("关于临时救助对象的公示")
    QGuiApplication.clipboard().setText(EXCEL)
    editor.view.setFocus()
    gui.mouseClick(editor.buttons["paste"], Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == 2 and editor.model.columnCount() == 4
    # a fifth column typed by hand after the last one: heading through the column editor
    editor.view.setCurrentIndex(editor.model.index(0, 3))
    gui.mouseClick(editor.buttons["add_column"], Qt.MouseButton.LeftButton)
    assert editor.model.columnCount() == 5 and editor._chosen_column() == 4 and editor.heading.isEnabled()
    type_heading(editor, "门牌")  # a heading announcing personal data marks the column itself
    assert editor.sensitive.currentData() == "address"
    editor.sensitive.setCurrentIndex(editor.sensitive.findData("name"))
    editor.sensitive.activated.emit(editor.sensitive.currentIndex())
    editor.sensitive.setCurrentIndex(editor.sensitive.findData("address"))
    editor.sensitive.activated.emit(editor.sensitive.currentIndex())
    editor.model.setData(editor.model.index(0, 4), "青石村三组15号")
    with gui.waitSignal(dialog.saved, timeout=15000):
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (notice,) = notices_in(database)
    assert [(c["header"], c["sensitive"]) for c in notice.table["columns"]] == [
        ("姓名", "name"), ("联系电话", "phone"), ("身份证号", "id_number"), ("金额（元）", ""), ("门牌", "address")]
    assert notice.table["rows"][0] == ["张三丰", "13812341234", "51011219900101123X", "600", "青石村三组15号"]
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=15000)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.view.preview.data)).pages).replace("\n", "")
    for secret in ("张三丰", "欧阳娜娜", "13812341234", "51011219900101123X", "三组15号"):
        assert secret not in text
    for masked in ("张*丰", "欧阳**", "138****1234", "510112********123X", "青石村三组"):
        assert masked in text


def test_a_bad_table_is_refused_cell_by_cell_and_nothing_is_saved(page, gui):
    page, database, admin = page
    with database.unit(admin) as session:
        notice = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="原标题", body="正文。", table={"columns": [{"key": "a", "header": "姓名", "sensitive": "name"},
                                                          {"key": "b", "header": "金额"}],
                                               "rows": [["张三丰", "600"]]}))
        before = notice.table
    from ui.pages.notices import NoticeDialog

    with database.session() as session:
        form = notices.notice_form(session=session, actor=admin, notice_id=notice.id)
    dialog = NoticeDialog(page, page.context.actor, notice.id, form)
    gui.addWidget(dialog)
    dialog.show()
    editor = dialog.table_editor
    assert editor.model.rows == [["张三丰", "600"]]
    dialog.title.setText("新标题")
    editor.view.setCurrentIndex(editor.model.index(0, 1))
    type_heading(editor, "")  # the clerk empties the heading of 金额
    editor.model.setData(editor.model.index(0, 0), "长" * 201)
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: dialog.form.error_text("table") != "", timeout=10000)
    assert dialog.form.error_text("table") == "第2列没有填写列名。\n第1行“姓名”列：最多200个字。"
    assert dialog.form.error_text("title") == "" and dialog.isVisible()
    assert set(editor.model.problems) == {(None, 1), (0, 0)}
    assert editor.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "第1行“姓名”列：最多200个字。"
    # the refused heading is the column being edited, its editor marked
    assert editor._chosen_column() == 1 and editor.heading.property("invalid") is True
    with database.session() as session:
        stored = session.get(Notice, notice.id)
        assert (stored.title, stored.table) == ("原标题", before)
    type_heading(editor, "金额（元）")
    editor.model.setData(editor.model.index(0, 0), "张三丰")
    assert editor.model.problems == {}
    with gui.waitSignal(dialog.saved, timeout=15000):
        gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with database.session() as session:
        assert session.get(Notice, notice.id).table["columns"][1]["header"] == "金额（元）"


def test_the_ending_soon_window_is_shown_and_changed_on_the_page(page, gui, tmp_path):
    page, database, admin = page
    today = dt.date.today()
    with database.unit(admin) as session:
        n = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="五天后到期", body="正文。", publicity_days=6))
        notices.issue_notice(session=session, actor=admin, notice_id=n.id, issue_date=today)
        notices.post_notice(session=session, actor=admin, notice_id=n.id, posted_on=today)
    page.refresh_ids()
    gui.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert page.soon_days.value() == 3 and page.soon_days.text() == "3 天内"
    assert "公示期结束前" in page.soon_label.text()
    assert page.model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None  # ends in five days
    with gui.waitSignal(page.ending_soon_saved, timeout=10000):
        page.soon_days.setValue(5)
    gui.waitUntil(lambda: page.model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is not None, timeout=10000)
    with database.session() as session:
        assert notice_queries.ending_soon_days(session) == 5
    page.grab().save(str(tmp_path / "notices_page.png"))
    assert (tmp_path / "notices_page.png").stat().st_size > 5000
