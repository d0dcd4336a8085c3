"""A record dialog: fields with their own error messages, Save / Cancel, saving through the worker.

Esc or Cancel after typing asks before the typed text is thrown away.

The service refuses bad input with ``ValidationError({field: message})``; each message is shown
right under its field, nothing is saved, and the dialog stays open with what was typed.

An edit dialog carries the record's ``rev`` from the form it was opened with back to the save.
When the record was changed meanwhile (another window, the command line, a sync), the save is
refused with ``ChangedMeanwhile`` (who and when); the dialog asks: 重新载入 refills the fields from
the store (what was typed is discarded), 取消 keeps the dialog open with the typed text.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import ChangedMeanwhile, ValidationError
from app.i18n import _
from ui.ops import DbOp, ask_reload
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
        self.buttons.rejected.connect(self.cancel)
        self.body = layout
        self.saving = False
        self.rev: int | None = None  # the record's rev when the form was read; the save carries it
        self.changed_box: QMessageBox | None = None  # the "changed meanwhile" question while it is open

    # ------------------------------------------------------------ closing

    def typed_text(self) -> bool:
        """Has the person typed into a text field of this dialog (not text the program filled in)?"""
        for edit in self.findChildren(QLineEdit):
            parent = edit.parentWidget()
            if isinstance(parent, QAbstractSpinBox | QComboBox):
                continue  # a date or a choice is quickly chosen again
            if edit.isModified() and edit.text().strip():
                return True
        for box in self.findChildren(QPlainTextEdit) + self.findChildren(QTextEdit):
            if box.document().isModified() and not box.isReadOnly() and box.toPlainText().strip():
                return True
        return False

    def may_discard(self) -> bool:
        """Nothing typed, or the person agrees to throw it away."""
        if self.saving or not self.isVisible() or not self.typed_text():
            return True
        answer = QMessageBox.question(
            self, _(self._title_msgid), _("Discard what you typed? It has not been saved."),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer in (QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Yes)

    def cancel(self) -> None:
        """Esc, Cancel or the window's close box: the person's own "never mind" asks first."""
        if self.may_discard():
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt)
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        if event.spontaneous() and not self.may_discard():  # the title bar's ×, not the program closing it
            event.ignore()
            return
        super().closeEvent(event)

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

    # ------------------------------------------------------------ changed meanwhile

    def reload_op(self) -> Callable[[Any], Any] | None:
        """The operation that reads the record afresh for :meth:`load` (runs on the worker; read
        widgets before), or None when this dialog cannot reload (a new record)."""
        return None

    def load(self, loaded: Any) -> None:
        """Fill the fields from what :meth:`reload_op` read, its ``rev`` included."""
        raise NotImplementedError

    def _changed_meanwhile(self, exc: ChangedMeanwhile) -> None:
        self.form.clear_errors()
        op = self.reload_op()
        if op is None:
            self._general(str(exc))
            return
        self._general("")
        self.changed_box = ask_reload(self, str(exc), lambda: self._reload(op))
        self.changed_box.finished.connect(lambda _result: setattr(self, "changed_box", None))

    def _reload(self, op: Callable[[Any], Any]) -> None:
        DbOp(self, op, read_only=True).success(self._reloaded).run()

    def _reloaded(self, loaded: Any) -> None:
        self.load(loaded)
        for edit in self.findChildren(QLineEdit):
            edit.setModified(False)
        for box in self.findChildren(QPlainTextEdit) + self.findChildren(QTextEdit):
            box.document().setModified(False)
        self._general(_("Reloaded: this is the record as stored now. Make your changes again and save."))

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, ChangedMeanwhile):
            self._changed_meanwhile(exc)
        elif isinstance(exc, ValidationError):
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
