"""The notices page, offscreen: write a notice, preview it, issue, post, take down, save PDFs."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from app import notices
from app.printing import sha256
from db.models.notices import Notice

pytestmark = pytest.mark.gui



@pytest.fixture
def window(sign_in, village):
    database, admin = village
    return sign_in(database), database, admin


def open_page(qtbot, win):
    page = win.open_area("notices")
    if not page._loaded_once:
        with qtbot.waitSignal(page.ids_loaded, timeout=10000):
            pass
    return page


def click(qtbot, view, key):
    button = view.buttons[key]
    assert button.isEnabled(), key
    with qtbot.waitSignal(view.loaded, timeout=15000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_write_preview_issue_post_and_take_down(window, gui, qtmodeltester, tmp_path, monkeypatch):
    win, database, admin = window
    page = open_page(gui, win)

    gui.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # empty: refused field by field
    gui.waitUntil(lambda: dialog.form.error_text("title") != "", timeout=10000)
    assert dialog.isVisible()
    dialog.title.setText("关于村道维护筹资筹劳的公示")
    dialog.text_edit.setPlainText("经村民代表会议讨论决定，村道维护按户筹劳，每户两个工日。\n\n联系人电话13812341234。")
    dialog.days.setValue(5)
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=15000)
    view = page.view
    assert view.record.state == "draft" and view.preview.page_count() >= 1
    view.grab().save(str(tmp_path / "draft.png"))

    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []  # 印发 takes the number for good: it asks first, naming the consequence
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, _title, text, *args: asked.append(text) or QMessageBox.StandardButton.Yes))
    click(gui, view, "issue")
    assert len(asked) == 1 and "不能再修改" in asked[0]
    assert f"印发后公告编号为青石村务〔{dt.date.today().year}〕1号" in asked[0]  # the number it really gets
    assert view.record.number == f"青石村务〔{dt.date.today().year}〕1号"
    assert not view.buttons["edit"].isEnabled()
    click(gui, view, "post")
    click(gui, view, "take_down")
    assert view.record.state == "taken_down"

    saved = tmp_path / "saved.pdf"
    from ui import widgets

    started: list[str] = []  # the shared helper: it opens in Documents (or the last folder used)
    monkeypatch.setattr("ui.widgets.QFileDialog.getSaveFileName",
                        lambda _parent, _caption, where, *a, **k: started.append(where) or (str(saved), ""))
    documents = widgets.start_folder()
    gui.mouseClick(view.buttons["save"], Qt.MouseButton.LeftButton)
    assert saved.read_bytes() == view.preview.data
    assert started == [str(Path(documents) / f"{view.record.number}.pdf")]
    assert widgets.start_folder() == str(tmp_path)  # remembered for the next file dialog
    with database.session() as session:
        notice = session.exec(select(Notice)).one()

        assert sha256(saved.read_bytes()) == notice.file_sha256
        assert "13812341234" not in str(notice.snapshot)

    gui.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(page.model, force_py=True)


def test_ending_soon_rows_are_highlighted_and_batches_run_off_the_gui_thread(window, gui, tmp_path, monkeypatch):
    win, database, admin = window
    today = dt.date.today()
    with database.unit(admin) as session:
        for title, days in (("快到期的公示", 2), ("还早的公示", 30)):
            n = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
                title=title, body="正文。", publicity_days=days))
            notices.issue_notice(session=session, actor=admin, notice_id=n.id, issue_date=today)
            notices.post_notice(session=session, actor=admin, notice_id=n.id, posted_on=today)
    page = open_page(gui, win)
    from ui.pages.notices import SOON

    colours = {page.model.index(r, 1).data(): page.model.index(r, 1).data(Qt.ItemDataRole.BackgroundRole)
               for r in range(page.model.rowCount())}
    assert colours == {"快到期的公示": SOON, "还早的公示": None}

    from ui import widgets

    (tmp_path / "last").mkdir()
    widgets.remember_folder(str(tmp_path / "last"))
    started: list[str] = []
    monkeypatch.setattr("ui.widgets.QFileDialog.getExistingDirectory",
                        lambda _parent, _caption, where, *a, **k: started.append(where) or str(tmp_path))
    statuses = []
    page.context.show_status = statuses.append
    gui.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: bool(statuses), timeout=20000)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(
        f"青石村务〔{today.year}〕{i}号.pdf" for i in (1, 2))
    assert started == [str(tmp_path / "last")]  # the folder dialog starts in the last folder used


def test_page_screenshot(window, gui, tmp_path):
    """Look at what a person sees: the list with a demo-like notice and its preview."""
    win, database, admin = window
    with database.unit(admin) as session:
        n = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="关于低保对象的公示", body="现将名单公示如下。", publicity_days=7))
    page = open_page(gui, win)
    page.open_item(n.id)
    gui.waitUntil(lambda: page.view.record is not None, timeout=15000)
    gui.wait(800)  # QPdfView renders pages in the background
    win.grab().save(str(tmp_path / "notices_page.png"))
    page.view.grab().save(str(tmp_path / "notice_view.png"))
    assert (tmp_path / "notice_view.png").stat().st_size > 5000
