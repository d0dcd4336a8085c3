"""Every enabled button on every page, with a row selected, clicked once: no internal error.

Each page of ``ui.pages.PAGES`` is opened on a small demo store; the first row of every table is
selected and every enabled push/tool button (and every enabled toolbar action) is clicked. A window
or dialog that a click opens is walked the same way (one level deep) and then answered: once with
Cancel (Esc), once with OK (its default / accept button). Qt's static dialogs answer from the
monkeypatches below. The test fails when ``ui.ops.report_bug`` is called or an exception escapes
into the Qt event loop (pytest-qt reports those as failures).
"""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QProgressDialog,
    QRadioButton,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

pytestmark = pytest.mark.gui

# Buttons whose click ends the session or the program: they are exercised by their own tests.
SKIP_NAMES = {"sign_out_button"}


class Answers:
    """What Qt's static dialogs answer: ``accept`` flips between the Cancel and the OK pass."""

    def __init__(self, tmp_path):
        self.accept = False
        self.tmp = tmp_path
        self.count = 0

    def button(self, *_args, **_kwargs):
        self.count += 1
        return QMessageBox.StandardButton.Yes if self.accept else QMessageBox.StandardButton.No

    def ok(self, *_args, **_kwargs):
        self.count += 1
        return QMessageBox.StandardButton.Ok

    def text(self, *_args, **_kwargs):
        self.count += 1
        return ("点击测试", True) if self.accept else ("", False)

    def item(self, _parent, _title, _label, items, *args, **kwargs):
        self.count += 1
        return (items[0] if items else "", self.accept)

    def integer(self, _parent, _title, _label, value=0, *args, **kwargs):
        self.count += 1
        return (value, self.accept)

    def save_file(self, _parent=None, _caption="", directory="", *args, **kwargs):
        self.count += 1
        if not self.accept:
            return ("", "")
        name = str(directory).rsplit("/", 1)[-1] or "file.pdf"
        return (str(self.tmp / f"{self.count}-{name}"), "")

    def open_file(self, *_args, **_kwargs):
        self.count += 1
        return ("", "")  # no file of ours to open in a generic walk

    def directory(self, *_args, **_kwargs):
        self.count += 1
        if not self.accept:
            return ""
        folder = self.tmp / f"dir{self.count}"
        folder.mkdir()
        return str(folder)


@pytest.fixture
def answers(monkeypatch, tmp_path):
    from PySide6.QtPrintSupport import QPrintDialog

    answers = Answers(tmp_path)
    for name in ("question", "warning"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(answers.button))
    for name in ("information", "critical", "about"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(answers.ok))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answers.text))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(answers.text))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(answers.item))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(answers.integer))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answers.save_file))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answers.open_file))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(answers.directory))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    # A blocking exec() of one of our dialogs (a chooser) would stop the walk: it answers Cancel.
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    return answers


@pytest.fixture
def bugs(monkeypatch):
    import ui.ops

    found: list[str] = []
    original = ui.ops.report_bug

    def report(parent, exc):
        found.append(f"{type(exc).__name__}: {exc}")
        original(parent, exc)

    monkeypatch.setattr(ui.ops, "report_bug", report)
    return found


@pytest.fixture
def demo_store(village):
    from app import demo

    database, admin = village
    with database.unit() as session:
        demo.generate(session=session, actor=admin, size="small", seed=1)
    return database


def settle(qtbot) -> None:
    """Let queued database work finish and its results arrive on the GUI thread."""
    from ui.ops import worker

    for _ in range(3):
        QApplication.processEvents()
        worker().wait_idle()
        QApplication.processEvents()
        if not worker().pending():
            break
    qtbot.wait(5)


def top_levels() -> set[QWidget]:
    """The visible windows a click may have opened. Progress dialogs are not answered: they belong
    to the work they show and close (and are deleted) when it ends, under the walker's feet."""
    return {w for w in QApplication.topLevelWidgets()
            if w.isVisible() and not isinstance(w, (QMessageBox, QProgressDialog))}


def close_message_boxes() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.done(0)


def select_first_rows(root: QWidget) -> None:
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if isinstance(view, QHeaderView) or not view.isVisible() or model is None or model.rowCount() == 0:
            continue
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        view.selectionModel().setCurrentIndex(model.index(0, 0), flags)


def clickables(root: QWidget) -> list[QAbstractButton | QAction]:
    found: list[QAbstractButton | QAction] = []
    for button in root.findChildren(QAbstractButton):
        if isinstance(button, (QCheckBox, QRadioButton)) or not isinstance(button, (QPushButton, QToolButton)):
            continue
        if button.objectName() in SKIP_NAMES or any(
                getattr(owner, name, None) is button for owner in (root,) for name in SKIP_NAMES):
            continue
        if isinstance(button.parent(), QDialogButtonBox):
            continue  # the dialog's own OK / Cancel: answered below, once each
        if button.parent() is not None and type(button.parent()).__name__ == "QTabBar":
            continue  # tab scroll arrows
        found.append(button)
    for bar in root.findChildren(QToolBar):
        found.extend(a for a in bar.actions() if not a.isSeparator())
    return found


def alive(obj) -> bool:
    from shiboken6 import isValid

    return isValid(obj)


def click(qtbot, target) -> None:
    if isinstance(target, QAction):
        target.trigger()
    elif target.menu() is not None:
        for action in target.menu().actions():
            if action.isEnabled() and not action.isSeparator():
                action.trigger()
    else:
        target.click()
    settle(qtbot)


def answer(qtbot, window: QWidget, accept: bool) -> None:
    """Answer a window that a click opened: OK / its default button, or Esc."""
    if not alive(window) or not window.isVisible():
        return
    if accept and isinstance(window, QDialog):
        boxes = [b for b in window.findChildren(QDialogButtonBox) if b.window() is window and b.isVisible()]
        box, ok = (boxes[-1] if boxes else None), None
        if box is not None:
            for role in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole,
                         QDialogButtonBox.ButtonRole.ApplyRole):
                ok = next((b for b in box.buttons() if box.buttonRole(b) == role and b.isEnabled()), None)
                if ok is not None:
                    break
        if ok is not None:
            ok.click()
        else:
            window.accept()
        settle(qtbot)
        close_message_boxes()
    if alive(window) and window.isVisible():
        qtbot.keyClick(window, Qt.Key.Key_Escape)
        settle(qtbot)
        close_message_boxes()
    if alive(window) and window.isVisible():
        window.close()
        settle(qtbot)
        close_message_boxes()


def walk(qtbot, root: QWidget, answers: Answers, depth: int, deadline: float, log: list[str]) -> None:
    if not alive(root):
        return  # a window that went while another was walked (a progress dialog whose work finished)
    click_all(qtbot, root, root, answers, depth, deadline, log)
    if not alive(root):
        return
    for tabs in root.findChildren(QTabWidget):  # the buttons of every tab, not only the first
        if not alive(tabs) or not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            if not alive(tabs) or not tabs.isEnabled() or not tabs.isTabEnabled(index):
                continue
            tabs.setCurrentIndex(index)
            settle(qtbot)
            click_all(qtbot, root, tabs.widget(index), answers, depth, deadline, log)


def back_to(root: QWidget) -> None:
    """A click that moved to another page (家庭成员 opens the residents): go back to ``root``."""
    from ui.pages.base import Page

    if isinstance(root, Page) and alive(root) and not root.isVisible():
        root.context.open_area(root.area_key)


def click_all(qtbot, root: QWidget, part: QWidget, answers: Answers, depth: int, deadline: float,
              log: list[str]) -> None:
    if not alive(root) or not alive(part):
        return  # a window that closed itself meanwhile (a progress dialog whose work finished)
    select_first_rows(root)
    settle(qtbot)
    if not alive(root) or not alive(part):
        return
    for target in clickables(part):
        if time.monotonic() > deadline:
            return
        if not alive(target) or not alive(root) or not root.isVisible():
            continue
        enabled = target.isEnabled() if isinstance(target, QAction) else (target.isEnabled() and target.isVisible())
        if not enabled:
            continue
        label = target.text() or target.toolTip() or target.objectName()
        for accept in (False, True):
            if not alive(target) or not target.isEnabled() or not alive(root):
                break
            answers.accept = accept
            before, asked = top_levels(), answers.count
            log.append(f"{'  ' * (3 - depth)}{type(root).__name__}: {label} ({'ok' if accept else 'cancel'})")
            click(qtbot, target)
            close_message_boxes()
            opened = [w for w in top_levels() - before if alive(w)]
            for window in opened:
                if depth > 0:
                    walk(qtbot, window, answers, depth - 1, deadline, log)
                answers.accept = accept
                answer(qtbot, window, accept)
            back_to(root)
            if not opened and answers.count == asked:
                break  # nothing asked: once is enough
            if alive(root) and root.isVisible():
                select_first_rows(root)
                settle(qtbot)


def test_click_every_enabled_button(sign_in, demo_store, answers, bugs, gui):
    from ui.pages import PAGES

    win = sign_in(demo_store)
    started = time.monotonic()
    log: list[str] = []
    for key in PAGES:
        if key == "settings":
            continue  # walked last: its buttons change the language and the store
        page = win.open_area(key)
        settle(gui)
        walk(gui, page, answers, depth=1, deadline=started + 80, log=log)
        for window in top_levels() - {win}:
            answer(gui, window, False)
        assert not bugs, f"internal errors on the {key} page: {bugs}\n" + "\n".join(log[-15:])
    page = win.open_area("settings")
    settle(gui)
    walk(gui, page, answers, depth=1, deadline=started + 85, log=log)
    assert not bugs, f"internal errors on the settings page: {bugs}\n" + "\n".join(log[-15:])
    assert win.workspace is not None
    assert len(log) > 40, "\n".join(log)
    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
