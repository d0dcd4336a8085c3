"""The window's page stack (ui.main_window.PageStack) never asks its pages for a height for a
width: Qt's own asked every page built so far, shown or not, whenever the shown one had a
word-wrapped label (issue 16: a quarter of the mediation page's first open)."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ui.main_window import PageStack

pytestmark = pytest.mark.gui


class CountingPage(QWidget):
    def __init__(self, text: str):
        super().__init__()
        self.asked = 0
        layout = QVBoxLayout(self)
        self.label = QLabel(text)
        self.label.setWordWrap(True)  # the page has a height for each width
        layout.addWidget(self.label)
        layout.addStretch(1)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        self.asked += 1
        return super().heightForWidth(width)


def shown_stack(qtbot, stack_class):
    window = QWidget()
    layout = QVBoxLayout(window)
    stack = stack_class()
    layout.addWidget(stack)
    pages = [CountingPage("第一页 " * 40), CountingPage("第二页 " * 40)]
    for page in pages:
        stack.addWidget(page)
    window.resize(500, 400)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    stack.setCurrentWidget(pages[1])
    QApplication.processEvents()
    for page in pages:
        page.asked = 0
    for width in (480, 420, 520):  # the clerk resizes the window
        window.resize(width, 400)
        QApplication.processEvents()
    return window, stack, pages


def test_the_page_stack_asks_no_page_for_a_height_for_a_width(qtbot):
    window, stack, (hidden, shown) = shown_stack(qtbot, PageStack)
    assert not stack.hasHeightForWidth() and stack.heightForWidth(400) == -1
    assert hidden.asked == 0 and shown.asked == 0
    assert shown.label.isVisible() and shown.label.height() >= 2 * shown.label.fontMetrics().height()  # wrapped
    assert shown.height() == stack.height() > 300  # the page has the window's height


def test_qts_own_stack_asked_the_hidden_pages(qtbot):
    """Why PageStack exists: with QStackedWidget the hidden page was asked as well."""
    _window, _stack, (hidden, _shown) = shown_stack(qtbot, QStackedWidget)
    assert hidden.asked > 0
