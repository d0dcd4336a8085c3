"""从模板新建: choose a notice template from the gallery (:mod:`app.notices.gallery`), see it as it
would print (rendered on the worker, shown in the in-app PDF view with the fonts it used), and
create a draft pre-filled from it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.i18n import N_, _
from app.notices import gallery
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.pdf_preview import PdfPreview


class GalleryDialog(FormDialog):
    """The template list on the left, the live preview on the right; Save creates the draft."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("New notice from a template"), width=900)
        self.actor = actor
        row = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setMinimumWidth(300)
        self.list.setWordWrap(True)
        for template in gallery.templates():
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, template.key)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(lambda _row: self._preview())
        left.addWidget(self.list, 1)
        self.hint = QLabel()
        self.hint.setObjectName("templateHint")
        self.hint.setWordWrap(True)
        left.addWidget(self.hint)
        row.addLayout(left, 2)
        self.preview = PdfPreview(self)
        self.preview.setObjectName("templatePreview")
        self.preview.setMinimumSize(QSize(420, 360))
        row.addWidget(self.preview, 3)
        self.body.addLayout(row, 1)
        self.finish_layout()
        self.resize(1040, 640)  # fits the office screen (1366×728 above the taskbar)
        self.list.setCurrentRow(0)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(1040, 640)

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.save_button.setText(_("Create draft"))
        self.hint.setText(_("The words in 【】 are for you to replace. Names and phone numbers print masked "
                            "unless the notice exists to name the people (candidates, award winners)."))
        for index, template in enumerate(gallery.templates()):
            self.list.item(index).setText(_(template.name))

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _preview(self) -> None:
        key = self.current_key()
        if key is None:
            return
        actor = self.actor

        def op(session: Any) -> tuple[str, bytes]:
            from app.printing import render

            return key, render(gallery.preview(session=session, actor=actor, key=key))

        DbOp(self, op, read_only=True).success(self._show).run()

    def _show(self, result: tuple[str, bytes]) -> None:
        key, data = result
        if key == self.current_key():  # a later choice is not overwritten by an earlier render
            self.preview.set_pdf(data)

    def save_op(self) -> Callable[[Any], Any]:
        key, actor = self.current_key(), self.actor
        if key is None:
            from app.errors import ValidationError
            raise ValidationError({"template": _("Choose a template.")})
        return lambda session: gallery.create_draft(session=session, actor=actor, key=key)
