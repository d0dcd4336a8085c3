"""ui.widgets.FieldForm: a field is its label and editor in a row of the form, its hint the row under
it, its error message the row under that, made with its first error (issue 16: each widget a page
makes from Python costs its first open)."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.widgets import FieldForm, line_edit

pytestmark = pytest.mark.gui


def shown_form(qtbot):
    root = QWidget()
    layout = QVBoxLayout(root)
    form = FieldForm()
    layout.addLayout(form.layout)
    name = form.add("name", "Village name", line_edit(), required=True)
    phone = form.add("phone", "Supervision phone", line_edit(), hint="Printed on public notices (监督电话).")
    code = form.add("code", "Village code", line_edit())
    layout.addStretch(1)
    root.resize(480, 320)
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    return root, form, name, phone, code


def test_a_form_makes_no_error_label_before_an_error(qtbot):
    root, form, name, phone, code = shown_form(qtbot)
    labels = root.findChildren(QLabel)
    assert len(labels) == 4  # three labels and one hint: no error labels, no boxes around the editors
    assert len(root.findChildren(QWidget)) == 7
    assert all(field.error is None for field in form.fields.values())
    assert name.parentWidget() is root and form.error_text("name") == ""
    form.clear_errors()  # nothing to clear: still nothing made
    assert all(field.error is None for field in form.fields.values())


def test_an_error_shows_under_its_editor_and_its_hint_and_goes_when_edited(qtbot):
    root, form, name, phone, code = shown_form(qtbot)
    code_top = code.geometry().top()
    hint = form.fields["phone"].hint
    assert form.show_errors({"phone": "号码不对", "name": "必填", "other": "别处的错"}) == ["别处的错"]
    QApplication.processEvents()
    error = form.fields["phone"].error
    assert error is not None and error.isVisible() and form.error_text("phone") == "号码不对"
    assert error.accessibleName() == "error:phone"
    assert error.geometry().left() == phone.geometry().left()  # in the editors' column
    assert hint.geometry().bottom() < error.geometry().top()  # under the hint, which is under the editor
    assert phone.geometry().bottom() < hint.geometry().top()
    assert code.geometry().top() > code_top  # the rows below made room
    name_error = form.fields["name"].error
    assert name.geometry().bottom() < name_error.geometry().top() < phone.geometry().top()
    assert root.focusWidget() is phone  # the first field in error
    assert name.property("invalid")

    qtbot.keyClicks(name, "Qingshi")  # typing clears that field's message and red border
    assert form.error_text("name") == "" and not name.property("invalid") and not name_error.isVisible()
    form.clear_errors()
    QApplication.processEvents()
    assert form.error_text("phone") == "" and not error.isVisible()
    assert code.geometry().top() == code_top  # hidden rows take no room
    form.show_errors({"phone": "又错了"})
    assert form.fields["phone"].error is error and form.error_text("phone") == "又错了"  # made once


def test_a_field_is_hidden_with_its_hint_and_error(qtbot):
    root, form, name, phone, code = shown_form(qtbot)
    code_top = code.geometry().top()
    form.show_errors({"phone": "号码不对"})
    form.set_field_visible("phone", False)
    QApplication.processEvents()
    field = form.fields["phone"]
    assert not any(widget.isVisible() for widget in (field.label, field.editor, field.hint, field.error))
    assert code.geometry().top() < code_top  # its rows take no room
    form.set_field_visible("phone", True)
    QApplication.processEvents()
    assert all(widget.isVisible() for widget in (field.label, field.editor, field.hint, field.error))
    form.clear_errors()
    form.set_field_visible("phone", False)
    form.set_field_visible("phone", True)
    assert not field.error.isVisible()  # no message: its row stays hidden
    assert isinstance(field.editor, QLineEdit)


def test_a_hint_and_an_error_are_as_wide_as_the_editor(qtbot):
    root, form, name, phone, code = shown_form(qtbot)
    form.show_errors({"phone": "A message long enough to be wrapped if it had only its own width to go on."})
    QApplication.processEvents()
    field = form.fields["phone"]
    assert field.hint.width() == phone.width() and field.error.width() == phone.width()
