"""A record dialog: fields with their own error messages, Save / Cancel, saving through the worker.

The service refuses bad input with ``ValidationError({field: message})``; each message is shown
right under its field, nothing is saved, and the dialog stays open with what was typed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import ValidationError
from app.i18n import _
from ui.ops import DbOp
from ui.widgets import FieldForm


class FormDialog(QDialog):
    saved = Signal(object)  # whatever the save op returned (the record)

    def __init__(self, parent: QWidget | None, title_msgid: str, *, width: int = 520):
        super().__init__(parent)
        self._title_msgid = title_msgid
        self.setModal(True)
        self.setMinimumWidth(width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        layout.setSpacing(10)
        self.form = FieldForm()
        layout.addLayout(self.form.layout)
        self.general_error = QLabel()
        self.general_error.setObjectName("formError")
        self.general_error.setWordWrap(True)
        self.general_error.setVisible(False)
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setProperty("primary", True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = layout
        self.saving = False

    def finish_layout(self) -> None:
        self.body.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_(self._title_msgid))
        self.form.retranslate()
        # Qt's own buttons follow Qt's translator; set ours explicitly so both languages read well.
        self.save_button.setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    # ------------------------------------------------------------ saving

    def save_op(self) -> Callable[[Any], Any]:
        """The operation that saves the typed values (runs on the worker; read widgets before)."""
        raise NotImplementedError

    def submit(self) -> None:
        if self.saving:
            return
        try:
            op = self.save_op()
        except ValidationError as exc:  # refused before reaching the store (e.g. a local check)
            self.show_errors(exc.errors)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        DbOp(self, op).success(self._saved).failure(self._refused).finally_(self._done).run()

    def _done(self) -> None:
        self.saving = False
        self.save_button.setEnabled(True)

    def _saved(self, record: Any) -> None:
        self.saved.emit(record)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
        else:
            self.form.clear_errors()
            self._general(str(exc))

    def show_errors(self, errors: dict[str, str]) -> None:
        rest = self.form.show_errors(errors)
        self._general("\n".join(rest))

    def _general(self, message: str) -> None:
        self.general_error.setText(message)
        self.general_error.setVisible(bool(message))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to fit messages that appeared (a wrapped message would otherwise cover the next field)."""
        layout = self.layout()
        layout.activate()
        need = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                else layout.totalSizeHint().height())
        if need > self.height():
            self.resize(self.width(), need)
