"""Small building blocks shared by panels, pages and dialogs."""
from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from ui import style


def field_label(msgid: str, *, required: bool = False) -> str:
    """``村名：`` / ``Village name:`` — with a red star for required fields."""
    text = html.escape(_("{label}:").format(label=_(msgid)))
    return f'<span style="color:{style.ERROR}">*</span> {text}' if required else text


def primary_button(text: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setProperty("primary", True)
    button.setDefault(True)
    return button


class _Field:
    def __init__(self, key: str, msgid: str, editor: QWidget, label: QLabel, error: QLabel, required: bool,
                 hint_msgid: str | None, hint: QLabel | None):
        self.key, self.msgid, self.editor, self.label, self.error = key, msgid, editor, label, error
        self.required, self.hint_msgid, self.hint = required, hint_msgid, hint


class FieldForm:
    """A form layout in which each field carries its own error message, shown right under it.

    ``show_errors({field: message})`` (from ``ValidationError.errors``) marks the fields and returns
    the messages of keys that are not on this form, for a general message.
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
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        hint_label = None
        if hint:
            hint_label = QLabel()
            hint_label.setObjectName("hint")
            hint_label.setWordWrap(True)
            column.addWidget(hint_label)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setVisible(False)
        error.setAccessibleName(f"error:{key}")
        column.addWidget(error)
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setBuddy(editor)
        label.setFixedHeight(max(28, editor.sizeHint().height()))  # level with the editor, not the errors
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout.addRow(label, box)
        field = _Field(key, msgid, editor, label, error, required, hint, hint_label)
        self.fields[key] = field
        for alias in aliases:
            self.fields[alias] = field
        self._retranslate_field(field)
        return editor

    def editor(self, key: str) -> QWidget:
        return self.fields[key].editor

    def error_text(self, key: str) -> str:
        field = self.fields[key]
        return field.error.text() if not field.error.isHidden() else ""

    def clear_errors(self) -> None:
        for field in set(self.fields.values()):
            field.error.clear()
            field.error.setVisible(False)
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
            previous = field.error.text()  # two keys may share a field
            field.error.setText(f"{previous}\n{message}" if previous else message)
            field.error.setVisible(True)
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
