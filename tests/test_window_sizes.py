"""Everything fits a 1366×768 office screen with a taskbar, in Chinese and in English.

Each dialog's size hint and minimum size fit 1366×728; at the window's default size no table
header is cut (its text wider than its column) and no one-line label is narrower than its text.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QDialog, QHeaderView, QLabel, QTableView, QWidget

pytestmark = pytest.mark.gui

SCREEN_W, SCREEN_H = 1366, 728  # 768 less a taskbar


@pytest.fixture
def demo_window(sign_in, village, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from app import demo

    # Nothing here may block: Qt's own modal questions answer "no" at once.
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args, **kwargs: ("", False)))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.No))
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)

    database, admin = village
    with database.unit() as session:
        demo.generate(session=session, actor=admin, size="small", seed=1)
    from PySide6.QtGui import QFontDatabase

    from app.paths import RESOURCES
    from ui import style

    # Measure with the program's look and a CJK font (the offscreen platform has none of its own).
    QFontDatabase.addApplicationFont(str(RESOURCES / "fonts" / "wqy-microhei.ttc"))
    app = QApplication.instance()
    old_font, old_sheet, old_style = app.font(), app.styleSheet(), app.style().name()
    style.apply(app)
    win = sign_in(database)
    win.resize(1366, 728)
    yield win
    app.setStyleSheet(old_sheet)
    app.setFont(old_font)
    app.setStyle(old_style)


def settle(qtbot) -> None:
    """Database work done, its results shown, and the layouts (resize-to-contents columns) updated."""
    from ui.ops import worker

    for _ in range(3):
        QApplication.processEvents()
        worker().wait_idle()
        QApplication.processEvents()
    qtbot.wait(50)


def too_big(window: QWidget) -> list[str]:
    problems = []
    for what, size in (("size hint", window.sizeHint()), ("minimum size", window.minimumSize()),
                       ("minimum size hint", window.minimumSizeHint())):
        if size.width() > SCREEN_W or size.height() > SCREEN_H:
            problems.append(f"{type(window).__name__} {window.windowTitle()!r}: {what} "
                            f"{size.width()}×{size.height()}")
    return problems


def cut_headers(page: QWidget) -> list[str]:
    cut = []
    for table in page.findChildren(QTableView):
        if not table.isVisible():
            continue
        header = table.horizontalHeader()
        metrics = QFontMetrics(header.font())
        model = table.model()
        for column in range(model.columnCount()):
            if header.isSectionHidden(column) or (header.stretchLastSection() and column == model.columnCount() - 1):
                continue
            text = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            need = metrics.horizontalAdvance(text) + 12  # the header's padding (style sheet: 6 px each side)
            if need > header.sectionSize(column):
                cut.append(f"{type(page).__name__} column {text!r}: {header.sectionSize(column)} < {need}")
    return cut


def cut_labels(root: QWidget) -> list[str]:
    cut = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or label.wordWrap() or not label.text() or label.pixmap() and not label.pixmap().isNull():
            continue
        if label.width() + 1 < label.minimumSizeHint().width():
            cut.append(f"{type(root).__name__} label {label.text()[:40]!r}: {label.width()} < "
                       f"{label.minimumSizeHint().width()}")
    return cut


def squeezed(root: QWidget) -> list[str]:
    """Buttons, check boxes, fields and lists a layout had to make narrower than they can be: a
    row that does not fit squeezes them under their minimum, and they overlap their neighbours."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit

    problems = []
    for kind in (QAbstractButton, QComboBox, QLineEdit):
        for widget in root.findChildren(kind):
            if not widget.isVisible() or widget.parent() is None or type(widget).__name__ == "QToolButton":
                continue
            need = max(widget.minimumWidth(), widget.minimumSizeHint().width())
            if widget.width() + 1 < need:
                text = widget.text() if hasattr(widget, "text") else widget.objectName()
                problems.append(f"{type(root).__name__}: {type(widget).__name__} {str(text)[:30]!r} is "
                                f"{widget.width()} px wide, needs {need}")
    return problems


def open_windows(qtbot, page) -> list[QWidget]:
    """The page's 'new' dialog and its first record's window, as a clerk opens them."""
    before = {w for w in QApplication.topLevelWidgets() if w.isVisible()}
    opened: list[QWidget] = []
    if page.new_item():
        settle(qtbot)
        new = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in before]
        opened += new
        for window in new:
            window.hide()
    table = next((t for t in page.findChildren(QTableView) if t.isVisible() and t.model().rowCount()), None)
    if table is not None:
        table.selectionModel().setCurrentIndex(
            table.model().index(0, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        if page.open_current():
            settle(qtbot)
            shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in before]
            opened += shown
    return opened


def cut_choices(page) -> list[str]:
    """Columns of fixed values (kinds, states) show their longest value uncut."""
    columns, table = getattr(page, "columns", None), getattr(page, "table", None)
    if not columns or table is None:
        return []
    metrics = QFontMetrics(table.font())
    problems = []
    for number, spec in enumerate(columns):
        if spec.choices is None:
            continue
        for text in spec.choices():
            if metrics.horizontalAdvance(text) + 8 > table.columnWidth(number):
                problems.append(f"{type(page).__name__}: {text!r} is cut in column {spec.header!r}")
    return problems


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_page_and_window_fits_the_office_screen(demo_window, gui, language):
    from app import i18n
    from ui.pages import PAGES

    i18n.set_language(language)
    settle(gui)
    problems: list[str] = []
    for key in PAGES:
        page = demo_window.open_area(key)
        settle(gui)
        problems += cut_headers(page)
        problems += cut_choices(page)
        problems += cut_labels(demo_window)
        problems += squeezed(page)
        for window in open_windows(gui, page):
            problems += too_big(window)
            if isinstance(window, QDialog):
                window.done(0)
            else:
                window.close()
            settle(gui)
    nav = demo_window.workspace.nav
    metrics = QFontMetrics(nav.font())
    for row in range(nav.count()):
        item = nav.item(row)
        if metrics.horizontalAdvance(item.text()) + 24 > nav.viewport().width():
            problems.append(f"navigation {item.text()!r} is cut")
    assert not problems, "\n".join(problems)


def test_notice_preview_buttons_are_on_the_screen(demo_window, gui):
    """The notice preview used to need 760×820: 印发 and 打印… were below a 768-pixel screen."""
    from app import i18n

    for language in ("zh_CN", "en"):
        i18n.set_language(language)
        page = demo_window.open_area("notices")
        settle(gui)
        [view] = [w for w in open_windows(gui, page) if type(w).__name__ == "NoticeView"]
        assert not too_big(view)
        view.resize(view.sizeHint().boundedTo(view.maximumSize()).expandedTo(view.minimumSize()))
        settle(gui)
        for button in view.buttons.values():
            bottom = button.mapTo(view, button.rect().bottomRight())
            assert bottom.y() <= min(view.height(), SCREEN_H) and bottom.x() <= min(view.width(), SCREEN_W), \
                button.text()
        view.done(0)
        settle(gui)


def test_opening_a_page_keeps_the_keyboard_in_the_window(demo_window, gui):
    """No page flashes a widget of its own as a window while it is built (``setVisible(True)`` on
    a widget not yet in a layout does): the main window stays active, so Ctrl+N and Ctrl+F work
    right after a page opens."""
    from ui.pages import PAGES

    demo_window.activateWindow()
    gui.waitUntil(demo_window.isActiveWindow, timeout=5000)
    lost: list[str] = []
    current = {"key": ""}

    def changed(window) -> None:
        if window is None or window.objectName() != demo_window.windowHandle().objectName():
            lost.append(f"{current['key']}: {window.objectName() if window is not None else None}")

    QApplication.instance().focusWindowChanged.connect(changed)
    try:
        for key in PAGES:
            current["key"] = key
            demo_window.open_area(key)
            settle(gui)
    finally:
        QApplication.instance().focusWindowChanged.disconnect(changed)
    assert not lost, lost
    assert demo_window.isActiveWindow()
