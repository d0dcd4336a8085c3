"""The photos-and-scans strip, offscreen: attach a photo to a notice by the file dialog and by
dropping it, see its thumbnail, open it larger, caption it, remove it; a case's strip for a mediator."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app import notices
from app.notices import NoticeForm

pytestmark = pytest.mark.gui

SHOTS = os.environ.get("VILLAGEDESK_SHOTS")  # a folder: keep the screenshots to look at


def photo(path: Path, size=(1600, 1200), color=(200, 30, 30)) -> Path:
    image = Image.new("RGB", size, color)
    image.paste((20, 40, 220), (size[0] // 2, 0, size[0], size[1]))
    image.save(path, "JPEG")
    return path


@pytest.fixture
def window(sign_in, village):
    database, admin = village
    with database.unit(admin) as session:
        notice = notices.create_notice(session=session, actor=admin, form=NoticeForm(
            title="关于村道维护筹资筹劳的公示", body="经村民代表会议讨论决定，村道维护按户筹劳。"))
    return sign_in(database), database, admin, notice.id


def open_notice(gui, win, notice_id):
    page = win.open_area("notices")
    if not page._loaded_once:
        with gui.waitSignal(page.ids_loaded, timeout=10000):
            pass
    page.open_item(notice_id)
    strip = page.view.attachments
    gui.waitUntil(lambda: page.view.record is not None and bool(strip.allowed), timeout=15000)
    return page.view, strip


def test_attach_a_photo_to_a_notice_see_its_thumbnail_and_open_it(window, gui, tmp_path, monkeypatch):
    win, database, admin, notice_id = window
    view, strip = open_notice(gui, win, notice_id)
    assert strip.list.count() == 0 and strip.add_button.isEnabled() and not strip.view_button.isEnabled()
    source = photo(tmp_path / "IMG_2031.jpg")
    monkeypatch.setattr("ui.widgets.QFileDialog.getOpenFileName",
                        lambda *_a, **_k: (str(source), ""))
    with gui.waitSignal(strip.loaded, timeout=15000):
        gui.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert strip.list.count() == 1
    icon = strip.list.item(0).icon()
    assert not icon.isNull()
    pixmap = icon.pixmap(160, 160)
    assert max(pixmap.width(), pixmap.height()) == 160  # the real thumbnail, not a stock icon
    colour = pixmap.toImage().pixelColor(10, pixmap.height() // 2)
    assert colour.red() > 150 and colour.blue() < 100
    assert "IMG_2031.jpg" in strip.list.item(0).toolTip()
    assert "（1）" in strip.title.text() or "(1)" in strip.title.text()
    if SHOTS:
        win.resize(1366, 768)
        view.resize(1100, 720)
        view.grab().save(str(Path(SHOTS) / "notice-with-photo.png"))

    strip.list.item(0).setSelected(True)
    assert strip.view_button.isEnabled() and strip.remove_button.isEnabled()
    gui.mouseClick(strip.view_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: strip.viewer is not None and strip.viewer.isVisible(), timeout=15000)
    viewer = strip.viewer
    shown = viewer.picture.pixmap()
    assert not shown.isNull() and shown.width() > 600  # larger than the thumbnail, within the window
    assert shown.width() <= viewer.width() and shown.height() <= viewer.height()
    size = viewer.sizeHint().expandedTo(viewer.size())
    assert size.width() <= 1366 and size.height() <= 728
    if SHOTS:
        viewer.grab().save(str(Path(SHOTS) / "viewer.png"))
    viewer.reject()

    # a second picture, dropped on the strip
    dropped = photo(tmp_path / "公示栏.jpg", color=(30, 160, 30))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(dropped))])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(strip, enter)  # Qt delivers a drop to the widget that accepted the drag
    assert enter.isAccepted()
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with gui.waitSignal(strip.loaded, timeout=15000):
        QApplication.sendEvent(strip, event)
    assert strip.list.count() == 2

    # caption it, then remove it (to the recycle bin; the file stays)
    strip.list.clearSelection()
    strip.list.item(1).setSelected(True)
    gui.mouseClick(strip.caption_button, Qt.MouseButton.LeftButton)
    dialog = strip.caption_dialog
    dialog.caption.setText("张贴于村委会公示栏")
    with gui.waitSignal(strip.loaded, timeout=15000):
        dialog.save()
    assert "张贴于村委会公示栏" in strip.list.item(1).toolTip()
    removed = strip.items[1]
    monkeypatch.setattr("ui.widgets.QMessageBox.question", staticmethod(
        lambda *_a, **_k: __import__("PySide6.QtWidgets", fromlist=["x"]).QMessageBox.StandardButton.Yes))
    with gui.waitSignal(strip.loaded, timeout=15000):
        gui.mouseClick(strip.remove_button, Qt.MouseButton.LeftButton)
    assert strip.list.count() == 1 and Path(removed.path).is_file()


def test_a_refused_file_says_why_under_the_strip(window, gui, tmp_path, monkeypatch):
    win, database, admin, notice_id = window
    view, strip = open_notice(gui, win, notice_id)
    text = tmp_path / "notes.txt"
    text.write_text("会议记录", encoding="utf-8")
    monkeypatch.setattr("ui.widgets.QFileDialog.getOpenFileName", lambda *_a, **_k: (str(text), ""))
    with gui.waitSignal(strip.loaded, timeout=15000):
        gui.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert strip.list.count() == 0
    assert strip.message.isVisible() and "notes.txt" in strip.message.text() and "PDF" in strip.message.text()
