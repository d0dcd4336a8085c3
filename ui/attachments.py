"""The photos and scans of one record: a strip of thumbnails with 添加照片…, 查看, 说明…, 移除.

One widget, placed on the notice, meeting, concern and mediation case views. It asks
:mod:`app.attachments` what the user may do (the owning record's permissions) and holds no rule of
its own. Files are added with the file dialog or dropped on the strip; a photo opens larger in
:class:`AttachmentViewer` (a scan in the PDF view), sized for a 1366×768 screen.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import attachments
from app.i18n import _, format_date, ngettext
from ui.ops import DbOp
from ui.widgets import confirm, line_edit, open_file_name, set_message

ICON_SIDE = 80  # the 160 px thumbnails, drawn at half size (sharp on a high-dpi screen)
NO_DATE = QDate(2000, 1, 1)  # the date edit's "no date" (shown as —)


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def describe(item: Any) -> str:
    """Name, date, pixels, size and who added it: the tooltip and the viewer's line."""
    parts = [item.original_name]
    if item.taken_on:
        parts.append(format_date(item.taken_on))
    if item.kind == "pdf" and item.pages:
        parts.append(ngettext("{n} page", "{n} pages", item.pages).format(n=item.pages))
    elif item.width and item.height:
        parts.append(f"{item.width}×{item.height}")
    parts.append(_size_label(item.byte_size or 0))
    if item.added_by:
        parts.append(_("added by {name}").format(name=item.added_by))
    return " · ".join(parts)


class AttachmentsStrip(QWidget):
    """照片与扫描件 of one record (``owner_kind`` is ``notice``, ``meeting``, ``concern`` or
    ``mediation_case``). Call :meth:`reload` once the record is shown."""

    changed = Signal()
    loaded = Signal()

    def __init__(self, parent: QWidget | None, actor: Any, owner_kind: str, owner_id: str):
        super().__init__(parent)
        self.actor, self.owner_kind, self.owner_id = actor, owner_kind, owner_id
        self.items: list[Any] = []
        self.allowed: dict[str, str | None] = {}
        self.viewer: AttachmentViewer | None = None
        self.caption_dialog: CaptionDialog | None = None
        self.setObjectName("attachmentsStrip")
        self.setAcceptDrops(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        self.title = QLabel()
        self.title.setObjectName("attachmentsTitle")
        outer.addWidget(self.title)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("attachmentsList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.list.setGridSize(QSize(ICON_SIDE + 28, ICON_SIDE + 30))
        self.list.setFixedHeight(ICON_SIDE + 46)
        self.list.setAcceptDrops(False)
        self.list.viewport().setAcceptDrops(False)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemActivated.connect(lambda _item: self.view_selected())
        row.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        buttons.setSpacing(2)
        self.add_button = self._button("addAttachment", self.add_file)
        self.view_button = self._button("viewAttachment", self.view_selected)
        self.caption_button = self._button("captionAttachment", self.edit_caption)
        self.remove_button = self._button("removeAttachment", self.remove_selected)
        for button in (self.add_button, self.view_button, self.caption_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        outer.addLayout(row)
        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list, activated=self.remove_selected)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)  # not while typing elsewhere in the window
        self.retranslate_ui()
        self._update_buttons()

    def _button(self, name: str, slot: Any) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def retranslate_ui(self) -> None:
        title = _("Photos and scans ({n})").format(n=len(self.items))
        if self.allowed.get("add", "") is None:
            title += "  " + _("(drop files here to add them)")
        self.title.setText(title)
        self.add_button.setText(_("Add photo…"))
        self.view_button.setText(_("View"))
        self.caption_button.setText(_("Caption…"))
        self.remove_button.setText(_("Remove"))
        self.list.setToolTip(_("Double-click a picture to see it larger."))

    # ------------------------------------------------------------ loading

    def _writes(self) -> bool:
        """A case's pictures are read through the access log, which is a write."""
        return self.owner_kind == "mediation_case"

    def reload(self) -> None:
        actor, kind, owner_id = self.actor, self.owner_kind, self.owner_id

        def read(session: Any) -> tuple[dict[str, str | None], list[Any]]:
            allowed = attachments.allowed_actions(session=session, actor=actor, owner_kind=kind)
            if allowed["view"] is not None:
                return allowed, []
            return allowed, attachments.attachments(session=session, actor=actor, owner_kind=kind, owner_id=owner_id)

        DbOp(self, read, read_only=not self._writes()).success(self._show) \
            .failure(lambda exc: self._say(str(exc))).run()

    def _show(self, result: tuple[dict[str, str | None], list[Any]]) -> None:
        self.allowed, self.items = result
        selected = self.selected_id()
        self.list.clear()
        for item in self.items:
            entry = QListWidgetItem(self._icon(item), self._label(item))
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setToolTip(describe(item) + (("\n" + item.caption) if item.caption else ""))
            entry.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.list.addItem(entry)
            if item.id == selected:
                entry.setSelected(True)
        self.setVisible(self.allowed.get("view") is None)
        self.retranslate_ui()
        self._update_buttons()
        self.loaded.emit()

    def _label(self, item: Any) -> str:
        text = item.caption or item.original_name
        if len(text) > 9:
            text = text[:8] + "…"
        return text + ("\n" + item.taken_on.isoformat() if item.taken_on else "")

    def _icon(self, item: Any) -> QIcon:
        pixmap = QPixmap()
        if item.thumbnail and pixmap.loadFromData(bytes(item.thumbnail)):
            return QIcon(pixmap)
        standard = QStyle.StandardPixmap.SP_MessageBoxWarning if item.missing else QStyle.StandardPixmap.SP_FileIcon
        return self.style().standardIcon(standard)

    def _say(self, text: str) -> None:
        self.message.setVisible(bool(text))
        set_message(self.message, text, error=True)

    def selected_id(self) -> str | None:
        chosen = self.list.selectedItems()
        return chosen[0].data(Qt.ItemDataRole.UserRole) if chosen else None

    def selected(self) -> Any:
        ident = self.selected_id()
        return next((item for item in self.items if item.id == ident), None)

    def _update_buttons(self) -> None:
        picked = self.selected_id() is not None
        for button, key, needs_pick in ((self.add_button, "add", False), (self.view_button, "view", True),
                                        (self.caption_button, "edit", True), (self.remove_button, "remove", True)):
            reason = self.allowed.get(key, "")
            button.setEnabled(reason is None and (picked or not needs_pick))
            button.setToolTip(reason or "")

    # ------------------------------------------------------------ actions

    def add_file(self) -> None:
        patterns = attachments.FILE_FILTER_PATTERNS
        path = open_file_name(self, _("Add photo or scan"),
                              _("Photos and scans ({patterns})").format(patterns=patterns) + ";;" +
                              _("All files (*)"))
        if path:
            self.add_files([path])

    def add_files(self, paths: list[str]) -> None:
        """Attach each file in turn (one operation each: a refused file does not stop the others)."""
        if self.allowed.get("add", "") is not None or not paths:
            return
        actor, kind, owner_id = self.actor, self.owner_kind, self.owner_id
        self._say("")
        remaining = list(paths)

        def next_one(_result: Any = None) -> None:
            if not remaining:
                self.changed.emit()
                self.reload()
                return
            path = remaining.pop(0)
            DbOp(self, lambda s: attachments.attach(session=s, actor=actor, owner_kind=kind, owner_id=owner_id,
                                                    file=path)) \
                .success(next_one).failure(lambda exc: (self._refused(path, exc), next_one())).run()

        next_one()

    def _refused(self, path: str, exc: Exception) -> None:
        from pathlib import Path

        errors = getattr(exc, "errors", None)
        text = "；".join(errors.values()) if isinstance(errors, dict) and errors else str(exc)
        self._say(_("{name}: {reason}").format(name=Path(path).name, reason=text))

    def view_selected(self) -> None:
        item = self.selected()
        if item is None or self.allowed.get("view", "") is not None:
            return
        actor = self.actor
        DbOp(self, lambda s: attachments.attachment_file(session=s, actor=actor, attachment_id=item.id),
             read_only=not self._writes()).success(self._open_viewer).run()

    def _open_viewer(self, opened: Any) -> None:
        self.viewer = AttachmentViewer(self, opened)
        self.viewer.open()

    def edit_caption(self) -> None:
        item = self.selected()
        if item is None:
            return
        self.caption_dialog = CaptionDialog(self, self.actor, item)
        self.caption_dialog.saved.connect(lambda: (self.changed.emit(), self.reload()))
        self.caption_dialog.open()

    def remove_selected(self) -> None:
        item = self.selected()
        if item is None or self.allowed.get("remove", "") is not None:
            return
        if not confirm(self, _("Remove"), _("Remove “{name}” from this record? It goes to the recycle bin; the file "
                                            "stays in the data folder.").format(name=item.caption or item.original_name)):
            return
        actor = self.actor
        DbOp(self, lambda s: attachments.remove_attachment(session=s, actor=actor, attachment_id=item.id)) \
            .success(lambda _r: (self.changed.emit(), self.reload())).run()

    # ------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: Any) -> None:  # noqa: N802 (Qt)
        if self.allowed.get("add", "") is None and event.mimeData().hasUrls() and any(
                url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:  # noqa: N802 (Qt)
        self.dragEnterEvent(event)

    def dropEvent(self, event: Any) -> None:  # noqa: N802 (Qt)
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and self.allowed.get("add", "") is None:
            event.acceptProposedAction()
            self.add_files(paths)
        else:
            event.ignore()


class CaptionDialog(QDialog):
    """说明 and the date a photo was taken (a notice's 张贴日期)."""

    saved = Signal()

    def __init__(self, parent: QWidget, actor: Any, item: Any):
        super().__init__(parent)
        self.actor, self.item = actor, item
        self.setWindowTitle(_("Caption"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.caption = line_edit(max_length=200)
        self.caption.setObjectName("attachmentCaption")
        self.caption.setMinimumWidth(320)
        self.caption.setText(item.caption or "")
        form.addRow(_("Caption"), self.caption)
        self.date = QDateEdit()
        self.date.setObjectName("attachmentDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMinimumDate(NO_DATE)
        self.date.setSpecialValueText("—")
        self.date.setDate(QDate(item.taken_on) if item.taken_on else NO_DATE)
        label = _("Date posted") if item.owner_kind == "notice" else _("Date taken")
        form.addRow(label, self.date)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.caption.setFocus()

    def chosen_date(self) -> dt.date | None:
        value = self.date.date()
        return None if value == NO_DATE else dt.date(value.year(), value.month(), value.day())

    def save(self) -> None:
        actor, ident, caption, taken_on = self.actor, self.item.id, self.caption.text(), self.chosen_date()

        def failed(exc: Exception) -> None:
            errors = getattr(exc, "errors", None)
            set_message(self.message, "；".join(errors.values()) if isinstance(errors, dict) else str(exc), error=True)

        DbOp(self, lambda s: attachments.update_attachment(session=s, actor=actor, attachment_id=ident,
                                                           caption=caption, taken_on=taken_on)) \
            .success(lambda _r: (self.saved.emit(), self.accept())).failure(failed).run()


class AttachmentViewer(QDialog):
    """One photo, fitted to the window (1366×768 screens), or a scan in the PDF view."""

    def __init__(self, parent: QWidget | None, opened: Any):
        super().__init__(parent)
        item = opened.attachment
        self.item = item
        self.setObjectName("attachmentViewer")
        self.setWindowTitle(item.caption or item.original_name)
        self.resize(1100, 660)
        layout = QVBoxLayout(self)
        self.info = QLabel(describe(item) + (("\n" + item.caption) if item.caption else ""))
        self.info.setObjectName("attachmentInfo")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.pixmap = QPixmap()
        self.picture: QLabel | None = None
        self.preview: Any = None
        if item.kind == "pdf":
            from ui.pdf_preview import PdfPreview

            self.preview = PdfPreview(self)
            self.preview.set_pdf(opened.data)
            layout.addWidget(self.preview, 1)
        else:
            self.pixmap.loadFromData(opened.data)
            self.picture = QLabel()
            self.picture.setObjectName("attachmentPicture")
            self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.picture)
            layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._fit()

    def _fit(self) -> None:
        if self.picture is None or self.pixmap.isNull():
            if self.picture is not None:
                self.picture.setText(_("The picture cannot be shown."))
            return
        room = self.size() - QSize(60, 110)
        self.picture.setPixmap(self.pixmap.scaled(room.boundedTo(self.pixmap.size()),
                                                  Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._fit()
