"""Small building blocks shared by panels, pages and dialogs."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from app.i18n import _
from ui import style


# html.escape's table: the module (with the 2,000 entities of html.entities it loads, ~0.5 MB) is
# not imported before signing in for the labels of the login form
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def field_label(msgid: str, *, required: bool = False) -> str:
    """``村名：`` / ``Village name:`` — with a red star for required fields: rich text (markup) for a
    required field, plain text for the others (a rich-text label lays out a text document on its
    first paint and has its form laid out and painted again after it: issue 16)."""
    text = _("{label}:").format(label=_(msgid))
    return f'<span style="color:{style.ERROR}">*</span> {text.translate(_HTML_ESCAPES)}' if required else text


def primary_button(text: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setProperty("primary", True)
    button.setDefault(True)
    return button


class _Field:
    def __init__(self, key: str, msgid: str, editor: QWidget, label: QLabel, required: bool,
                 hint_msgid: str | None, hint: QLabel | None):
        self.key, self.msgid, self.editor, self.label = key, msgid, editor, label
        self.required, self.hint_msgid, self.hint = required, hint_msgid, hint
        self.error: QLabel | None = None  # made with the field's first error (FieldForm._error_label)


class FieldForm:
    """A form layout in which each field carries its own error message, shown right under it.

    ``show_errors({field: message})`` (from ``ValidationError.errors``) marks the fields and returns
    the messages of keys that are not on this form, for a general message.

    A field is its label and its editor, a row of the form; its hint is the row under it, and its
    error message the row under that, made the first time it has one (a hidden row takes no room).
    Each widget a page makes from Python costs it (PySide looks up every virtual call on it, the
    first time, for a Python override): a field used to be seven, in a box and a column of its own,
    with an error label made for each field whether it ever had an error or not (issue 16).
    """

    def __init__(self, parent_layout: QLayout | None = None):
        self.layout = QFormLayout()
        self.layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.layout.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.layout.setHorizontalSpacing(12)
        self.layout.setVerticalSpacing(6)
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        if parent_layout is not None:
            parent_layout.addItem(self.layout)  # type: ignore[arg-type]
        self.fields: dict[str, _Field] = {}

    def add(self, key: str, msgid: str, editor: QWidget, *, required: bool = False,
            hint: str | None = None, aliases: tuple[str, ...] = ()) -> QWidget:
        if isinstance(editor, QComboBox):
            editor.setMinimumWidth(220)
            editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText if required else Qt.TextFormat.PlainText)
        label.setBuddy(editor)
        label.setFixedHeight(max(28, editor.sizeHint().height()))  # level with the editor, not the errors
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout.addRow(label, editor)
        hint_label = None
        if hint:
            hint_label = QLabel()
            hint_label.setObjectName("hint")
            hint_label.setWordWrap(True)
            hint_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # the editor's width
            self.layout.addRow(None, hint_label)  # under the editor, in its column
        tab_moves_focus(editor)
        field = _Field(key, msgid, editor, label, required, hint, hint_label)
        _on_edit(editor, lambda field=field: self.clear_error(field))
        self.fields[key] = field
        for alias in aliases:
            self.fields[alias] = field
        self._retranslate_field(field)
        return editor

    def editor(self, key: str) -> QWidget:
        return self.fields[key].editor

    def error_text(self, key: str) -> str:
        error = self.fields[key].error
        return error.text() if error is not None and not error.isHidden() else ""

    def set_field_visible(self, key: str, visible: bool) -> None:
        """Show or hide field ``key``'s rows: its label, editor, hint and error message (hidden rows
        take no room)."""
        field = self.fields[key]
        for widget in (field.label, field.editor, field.hint):
            if widget is not None:
                widget.setVisible(visible)
        if field.error is not None:
            field.error.setVisible(visible and bool(field.error.text()))

    def _error_label(self, field: _Field) -> QLabel:
        """The field's error message: a row under its editor (and its hint), made the first time."""
        if field.error is None:
            error = QLabel()
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            error.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            error.setVisible(False)
            error.setAccessibleName(f"error:{field.key}")
            row, _role = self.layout.getWidgetPosition(field.hint if field.hint is not None else field.editor)
            self.layout.insertRow(row + 1, None, error)
            field.error = error
        return field.error

    def clear_errors(self) -> None:
        for field in set(self.fields.values()):
            self.clear_error(field)

    @staticmethod
    def clear_error(field: _Field) -> None:
        """The person changed the field: its red message and border go (the next save checks again)."""
        error = field.error
        if error is None or (error.isHidden() and not error.text()):
            return
        error.clear()
        error.setVisible(False)
        style.set_invalid(field.editor, False)

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        self.clear_errors()
        unplaced: list[str] = []
        first: QWidget | None = None
        for key, message in errors.items():
            field = self.fields.get(key)
            if field is None:
                unplaced.append(message)
                continue
            error = self._error_label(field)
            previous = error.text()  # two keys may share a field
            error.setText(f"{previous}\n{message}" if previous else message)
            error.setVisible(True)
            style.set_invalid(field.editor, True)
            first = first or field.editor
        if first is not None:
            first.setFocus()
        return unplaced

    def _retranslate_field(self, field: _Field) -> None:
        field.label.setText(field_label(field.msgid, required=field.required))
        if field.hint is not None and field.hint_msgid:
            field.hint.setText(_(field.hint_msgid))

    def retranslate(self) -> None:
        for field in set(self.fields.values()):
            self._retranslate_field(field)


def fill_combo(combo: QComboBox, items: list[tuple[str | None, str]], *, keep: bool = True) -> None:
    """Replace a combo's items (data, text), keeping the current choice when it still exists."""
    current = combo.currentData() if keep else None
    combo.blockSignals(True)
    combo.clear()
    for data, text in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def retranslate_combo(combo: QComboBox, label_for: Callable[[object], str]) -> None:
    """Re-label a combo's items in place (same data, same choice)."""
    for index in range(combo.count()):
        combo.setItemText(index, label_for(combo.itemData(index)))


def line_edit(*, max_length: int | None = None, placeholder: str = "", password: bool = False) -> QLineEdit:
    edit = QLineEdit()
    if max_length:
        edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def check_box() -> QCheckBox:
    return QCheckBox()


def _on_edit(editor: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` when the person changes ``editor`` (not when the program fills it in)."""
    if isinstance(editor, QLineEdit):
        editor.textEdited.connect(lambda _text: callback())
    elif isinstance(editor, (QPlainTextEdit, QTextEdit)):
        editor.textChanged.connect(lambda: callback() if editor.hasFocus() else None)
    elif isinstance(editor, QComboBox):
        editor.activated.connect(lambda _index: callback())
        if editor.isEditable() and editor.lineEdit() is not None:
            editor.lineEdit().textEdited.connect(lambda _text: callback())
    elif isinstance(editor, QAbstractSpinBox):
        editor.editingFinished.connect(lambda: callback() if editor.hasFocus() else None)
        if editor.lineEdit() is not None:
            editor.lineEdit().textEdited.connect(lambda _text: callback())
    elif isinstance(editor, QCheckBox):
        editor.clicked.connect(lambda _checked: callback())


class _TabMovesFocus(QObject):
    """Tab leaves a date-time field (not five stops through its sections) or a text box (no tab typed)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            _move_focus(watched, forward)
            return True
        return False


_tab_filter: _TabMovesFocus | None = None


def _move_focus(widget: QWidget, forward: bool) -> None:
    """Focus the next (previous) widget in the tab chain that is not inside ``widget``."""
    candidate = widget
    for _step in range(500):
        candidate = candidate.nextInFocusChain() if forward else candidate.previousInFocusChain()
        if candidate is None or candidate is widget:
            return
        if (candidate.focusPolicy() & Qt.FocusPolicy.TabFocus) == Qt.FocusPolicy.TabFocus and \
                candidate.isVisible() and candidate.isEnabled() and not widget.isAncestorOf(candidate) and \
                candidate.window() is widget.window() and candidate.focusProxy() is None:
            candidate.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
            return


def tab_moves_focus(editor: QWidget) -> None:
    """Make Tab move to the next field for date-time fields and plain text boxes."""
    global _tab_filter
    if isinstance(editor, QPlainTextEdit | QTextEdit):
        editor.setTabChangesFocus(True)
    elif isinstance(editor, QDateTimeEdit):
        if _tab_filter is None:
            _tab_filter = _TabMovesFocus()
        editor.installEventFilter(_tab_filter)
        if editor.lineEdit() is not None:
            editor.lineEdit().installEventFilter(_tab_filter)


class LazyTabs(QObject):
    """The pages of a QTabWidget built the first time they are shown or asked for (Frescobaldi
    builds each panel on first show): a page of five tabs opens with one built, not five.

    ``add(build)`` adds a tab whose widget ``build()`` makes later; until then the tab holds an
    empty stand-in. ``widget(index)`` builds it now (a page's ``self.rules`` property), and the
    built widget takes the stand-in's place in the tab widget, so ``currentWidget()`` and
    ``setCurrentWidget(widget)`` work as for any tab. Create it before connecting anything else to
    ``tabs.currentChanged``: the tab is built before the other slots see it."""

    def __init__(self, tabs: QTabWidget):
        super().__init__(tabs)
        self.tabs = tabs
        self._slots: list[tuple[QWidget, Callable[[], QWidget] | None]] = []
        tabs.currentChanged.connect(self._shown)

    def add(self, build: Callable[[], QWidget], *, now: bool = False) -> int:
        """A tab whose widget ``build()`` makes (``now``: made now, e.g. the tab shown first)."""
        if now:
            widget = build()
            self._slots.append((widget, None))
            return self.tabs.addTab(widget, "")
        stand_in = QWidget()
        self._slots.append((stand_in, build))
        return self.tabs.addTab(stand_in, "")

    def widget(self, index: int) -> QWidget:
        """Tab ``index``'s widget, built now if it was not yet."""
        widget, build = self._slots[index]
        if build is None:
            return widget
        built = build()
        self._slots[index] = (built, None)
        self._replace(index, widget, built)
        return built

    def built(self) -> list[QWidget]:
        """The tabs' widgets built so far, in tab order (a language switch retranslates these; the
        others are built in the language of the day)."""
        return [widget for widget, build in self._slots if build is None]

    def _shown(self, index: int) -> None:
        if 0 <= index < len(self._slots):
            self.widget(index)

    def _replace(self, index: int, stand_in: QWidget, built: QWidget) -> None:
        tabs = self.tabs
        focus = tabs.window().focusWidget()
        focus_was_here = focus is not None and (focus is stand_in or stand_in.isAncestorOf(focus))
        current = tabs.currentIndex()
        text, tip, enabled = tabs.tabText(index), tabs.tabToolTip(index), tabs.isTabEnabled(index)
        was_blocked = tabs.blockSignals(True)  # one tab swapped for another: no tab was chosen
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, built, text)
            tabs.setTabToolTip(index, tip)
            tabs.setTabEnabled(index, enabled)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(was_blocked)
        stand_in.deleteLater()
        if focus_was_here:  # the tab was chosen from inside the tabs: focus moves into it
            _focus_first(built)


def _focus_first(page: QWidget) -> None:
    """Focus ``page``'s first widget that Tab reaches, as QStackedLayout does when a tab is chosen
    while the focus is on the tab before (else the page itself)."""
    widget = page.nextInFocusChain()
    while widget is not page and page.isAncestorOf(widget):
        if (widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value and widget.focusProxy() is None
                and widget.isVisibleTo(page) and widget.isEnabled()):
            widget.setFocus()
            return
        widget = widget.nextInFocusChain()
    page.setFocus()


def set_message(label: QLabel, text: str, *, error: bool) -> None:
    """A status line that reads as an error (red) or as a plain note (saved, printed …)."""
    name = "formError" if error else "hint"
    if label.objectName() != name:
        label.setObjectName(name)
        style.restyle(label)
    label.setText(text)
    label.setVisible(bool(text))


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask before a step that cannot be undone; ``text`` names the consequence."""
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


# ---------------------------------------------------------------- file dialogs


def _settings():
    from ui.language import settings

    return settings()


def start_folder() -> str:
    """Where a file dialog opens: the last folder used, else the Documents folder."""
    last = _settings().value("files/last_folder", "")
    if last and os.path.isdir(str(last)):
        return str(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and os.path.isdir(documents) else str(Path.home())


def remember_folder(path: str) -> None:
    if not path:
        return
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    if folder:
        store = _settings()
        store.setValue("files/last_folder", folder)
        store.sync()


def save_file_name(parent: QWidget | None, caption: str, name: str, filters: str) -> str:
    """Ask where to save ``name``, starting in the last folder used; "" when cancelled."""
    path, _filter = QFileDialog.getSaveFileName(parent, caption, os.path.join(start_folder(), name), filters)
    remember_folder(path)
    return path


def open_file_name(parent: QWidget | None, caption: str, filters: str) -> str:
    path, _filter = QFileDialog.getOpenFileName(parent, caption, start_folder(), filters)
    remember_folder(path)
    return path


def existing_directory(parent: QWidget | None, caption: str) -> str:
    folder = QFileDialog.getExistingDirectory(parent, caption, start_folder())
    remember_folder(folder)
    return folder
