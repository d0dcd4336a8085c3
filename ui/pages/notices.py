"""公告: the notice register — list with state and publicity end (those ending soon stand out),
new from template, edit drafts, preview inside the app, issue, post, take down, correct, print
through the system dialog, save as PDF, and save many at once off the GUI thread.

Every read and write goes through :class:`ui.ops.DbOp` to :mod:`app.notices`.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import notices
from app.i18n import N_, Nn_, _, format_date, ngettext
from ui.attachments import AttachmentsStrip
from ui.dialogs.base import FormDialog
from ui.dialogs.gallery import GalleryDialog
from ui.dialogs.unmask import UnmaskDialog
from ui.notice_table import NoticeTableEditor
from ui.ops import DbOp, show_error
from ui.pages.register import Opening, RegisterPage
from ui.pdf_preview import PdfPreview, print_pdf
from ui.render import RenderOp
from ui.table_model import STYLED, Column, LazyTableModel
from ui.widgets import existing_directory, fill_combo, line_edit, save_file_name

SOON = QColor("#fff1d6")  # background of notices whose publicity period ends soon


def _end(row: Any) -> str:
    return format_date(row.publicity_end, style="medium") if row.publicity_end else ""


NOTICE_COLUMNS = [
    Column(N_("Number"), lambda r: r.number or "—"),
    Column(N_("Notice title"), lambda r: r.title),
    Column(N_("Kind"), lambda r: notices.kind_label(r.kind),
           choices=lambda: [notices.kind_label(k) for k in notices.NOTICE_KINDS]),
    Column(N_("State"), lambda r: notices.state_label(r.state),
           choices=lambda: [notices.state_label(s) for s in notices.STATES]),
    Column(N_("Issued on"), lambda r: format_date(r.issue_date, style="medium") if r.issue_date else ""),
    Column(N_("Publicity ends"), _end,
           tooltip=lambda r: _("The publicity period ends soon: take the notice down after it.") if r.ending_soon else ""),
]


class NoticeTableModel(LazyTableModel):
    """The lazy model, with the rows whose publicity period ends soon highlighted."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            row = self.row_object(index.row())
            return SOON if row is not None and row.ending_soon else None
        return super().data(index, role)

    def row_colours(self, row_number: int) -> Any:  # as data() colours them (CellDelegate paints them)
        row = self.row_object(row_number)
        if row is None:
            return STYLED
        return (None, SOON) if row.ending_soon else None


class NoticesPage(RegisterPage):
    ending_soon_saved = Signal(int)
    title_msgid = N_("Notices")
    description_msgid = N_("村务公开 and 党务公开 notices: write, issue with a number, post, take down.")
    search_placeholder_msgid = N_("Search: title or number")
    count_msgid = Nn_("{n} notice", "{n} notices")
    new_msgid = N_("New notice")
    columns = NOTICE_COLUMNS
    export_kind = "notices"  # 导出Excel…
    column_widths = [170, 320, 150, 90, 110, 110]
    opening_filters = {"state": None, "kind": None}  # warmed after sign-in

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self.model = NoticeTableModel(self.columns, self._fetch_rows_now, parent=self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.dialog: NoticeDialog | GalleryDialog | None = None
        self.view: NoticeView | None = None
        self._add_ending_soon_setting()
        self._update_buttons()

    # ------------------------------------------------------------ the "ending soon" window

    def _add_ending_soon_setting(self) -> None:
        """In the footer, after the count: the highlight colour and how many days before the end
        of the publicity period it applies (a setting of this store)."""
        page_layout = self.layout()
        footer = page_layout.itemAt(page_layout.count() - 1).layout()  # RegisterPage's footer: the count
        self.soon_swatch = QLabel()
        self.soon_swatch.setObjectName("soonSwatch")
        self.soon_swatch.setFixedSize(16, 16)
        self.soon_swatch.setStyleSheet(f"background: {SOON.name()}; border: 1px solid #e0c48f; border-radius: 2px;")
        self.soon_label = QLabel()
        self.soon_label.setObjectName("hint")
        self.soon_days = QSpinBox()
        self.soon_days.setObjectName("endingSoonDays")
        self.soon_days.setRange(0, notices.MAX_ENDING_SOON_DAYS)
        self.soon_days.setValue(notices.ENDING_SOON_DAYS)
        self.soon_days.setEnabled(False)  # until the stored value has arrived
        self.soon_days.setKeyboardTracking(False)  # typing "12" saves 12, not 1 then 12
        self.soon_days.valueChanged.connect(self._ending_soon_changed)
        if footer is not None:
            for widget in (self.soon_swatch, self.soon_label, self.soon_days):
                footer.addWidget(widget)
        self._retranslate_soon()
        opening = self._opening()
        if opening is not None and opening.extra is not None:  # read with the warm read (kept for now)
            self._ending_soon_loaded(opening.extra)
            return
        actor = self.context.actor
        DbOp(self, lambda s: notices.ending_soon_window(session=s, actor=actor), read_only=True) \
            .success(self._ending_soon_loaded).run()

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Opening | None:
        opening = super().warm_reads(session, actor)
        days = notices.ending_soon_window(session=session, actor=actor)
        return dataclasses.replace(opening, extra=days) if opening is not None else None

    def _ending_soon_loaded(self, days: int) -> None:
        self.soon_days.blockSignals(True)
        self.soon_days.setValue(days)
        self.soon_days.blockSignals(False)
        self.soon_days.setEnabled(self.register_actions().get("settings", "") is None)

    def _ending_soon_changed(self, days: int) -> None:
        actor = self.context.actor
        DbOp(self, lambda session: notices.set_ending_soon_days(session=session, actor=actor, days=days)) \
            .success(lambda _d: (self.refresh_ids(), self.ending_soon_saved.emit(days))).run()

    def _retranslate_soon(self) -> None:
        if not hasattr(self, "soon_days"):
            return  # the base class translates before the footer exists
        self.soon_label.setText(_("Highlight notices on the board whose publicity ends within"))
        prefix, _sep, suffix = _("{n} days").partition("{n}")
        self.soon_days.setPrefix(prefix)
        self.soon_days.setSuffix(suffix)
        tip = _("Posted notices whose publicity period ends within this many days (or has ended) are "
                "highlighted, so they are taken down on time.")
        for widget in (self.soon_swatch, self.soon_label, self.soon_days):
            widget.setToolTip(tip)

    def add_filters(self, toolbar: QHBoxLayout) -> None:
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("stateFilter")
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        for combo in (self.state_filter, self.kind_filter):
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed())
            toolbar.addWidget(combo)

    def extra_buttons(self) -> list[QPushButton]:
        self.batch_button = QPushButton()
        self.batch_button.setObjectName("saveAll")
        self.batch_button.clicked.connect(self.save_all)
        self.gallery_button = QPushButton()
        self.gallery_button.setObjectName("newFromTemplate")
        self.gallery_button.clicked.connect(lambda: self.create_from_template())
        return [self.batch_button, self.gallery_button]

    def retranslate_ui(self) -> None:
        fill_combo(self.state_filter, [(None, _("All states"))] + [(s, notices.state_label(s)) for s in notices.STATES])
        fill_combo(self.kind_filter, [(None, _("All kinds"))] + [(k, notices.kind_label(k))
                                                                 for k in notices.NOTICE_KINDS])
        self.batch_button.setText(_("Save shown as PDF…"))
        self.gallery_button.setText(_("New from template…"))
        super().retranslate_ui()
        self.delete_button.setText(_("Delete draft"))
        self.edit_button.setText(_("View"))
        self._retranslate_soon()

    def register_actions(self) -> dict[str, str | None]:
        return self._page_actions_now() or {}

    def page_actions(self, session: Any) -> dict[str, str | None]:
        return notices.allowed_actions(session=session, actor=self.context.actor)

    def _update_buttons(self, *_args: Any) -> None:
        super()._update_buttons()
        if self.current_id() is None:
            self.delete_button.setEnabled(False)  # rows say the rest (a draft, and who may delete it)
        self.gallery_button.setEnabled(self.new_button.isEnabled())
        self.gallery_button.setToolTip(self.new_button.toolTip())

    def filter_values(self) -> dict[str, Any]:
        return {"state": self.state_filter.currentData(), "kind": self.kind_filter.currentData()}

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        return notices.notice_ids(session=session, actor=self.context.actor, query=query, **filters)

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        return notices.notice_rows(session=session, actor=self.context.actor, ids=ids)

    def create_item(self) -> None:
        self.dialog = NoticeDialog(self, self.context.actor)
        self.dialog.saved.connect(lambda notice: (self.saved(notice.id), self.open_item(notice.id)))
        self.dialog.open()

    def create_from_template(self) -> None:
        """从模板新建: choose a gallery template (with its preview) and open the draft made from it."""
        self.dialog = GalleryDialog(self, self.context.actor)
        self.dialog.saved.connect(lambda notice: (self.saved(notice.id), self.open_item(notice.id)))
        self.dialog.open()

    def open_item(self, item_id: str) -> None:
        if self.view is not None:
            self.view.close()
        self.view = NoticeView(self, self.context.actor, item_id)
        self.view.changed.connect(self._view_changed)
        self.view.show()
        self.view.reload()

    def _view_changed(self, notice_id: str) -> None:
        self.saved(notice_id)

    def delete_item(self, item_id: str, row: Any) -> None:
        actor = self.context.actor
        DbOp(self, lambda session: notices.delete_draft(session=session, actor=actor, notice_id=item_id)) \
            .success(lambda _r: self.refresh_ids()).run()

    def save_all(self) -> None:
        """Write the PDF of every notice shown into a folder, on the worker, with progress."""
        ids = self.model.ids()
        if not ids:
            return
        folder = existing_directory(self, _("Save the notices shown as PDF into"))
        if not folder:
            return
        self.batch_folder = folder
        actor = self.context.actor

        def build(session: Any, progress: Any) -> list[tuple[str, Any]]:
            return build_notices(session, actor, ids, progress)

        def write_all(documents: list[tuple[str, Any]]) -> None:
            RenderOp(self, lambda progress: render_notices(documents, Path(folder), progress)) \
                .with_progress(_("Saving notices as PDF…")) \
                .success(lambda written: self.context.show_status(
                    ngettext("{n} notice saved in {folder}.", "{n} notices saved in {folder}.", len(written))
                    .format(n=len(written), folder=folder))).run()

        DbOp(self, build, read_only=True).with_progress(_("Saving notices as PDF…")).success(write_all).run()


def build_notices(session: Any, actor: Any, ids: list[str], progress: Any = None) -> list[tuple[str, Any]]:
    """On the database worker: each notice's file name (number, or title for drafts) and document."""
    from app.printing import build_document

    documents = []
    for done, notice_id in enumerate(ids):
        if progress is not None:
            progress.update(done, len(ids))
        notice = notices.notice_view(session=session, actor=actor, notice_id=notice_id)
        name = (notice.number or f"{_('Draft')}-{notice.title}")[:80]
        name = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name)
        documents.append((name, build_document("notice", session=session, actor=actor, ident=notice_id)))
    return documents


def render_notices(documents: list[tuple[str, Any]], folder: Path, progress: Any = None) -> list[Path]:
    """On the render thread: one PDF per notice."""
    from app.printing import render, write_pdf

    written = []
    for done, (name, document) in enumerate(documents):
        if progress is not None:
            progress.update(done, len(documents))
        written.append(write_pdf(render(document), folder / f"{name}.pdf"))
    if progress is not None:
        progress.update(len(documents), len(documents))
    return written


class NoticeDialog(FormDialog):
    """A new notice from the 村务公开 / 党务公开 template, or a draft's changes: text, an optional
    table (edited here or pasted from Excel/WPS), the publicity period and the print layout.

    Refused input is shown under its field (for the table, the refused cells are marked too);
    nothing is saved until the service accepts everything.
    """

    def __init__(self, parent: QWidget | None, actor: Any, notice_id: str | None = None,
                 form: notices.NoticeForm | None = None):
        super().__init__(parent, N_("Change notice") if notice_id else N_("New notice"), width=820)
        self.actor, self.notice_id = actor, notice_id
        self.kind = QComboBox()
        for kind in notices.NOTICE_KINDS:
            self.kind.addItem(notices.kind_label(kind), kind)
        self.form.add("kind", N_("Kind"), self.kind, required=True)
        self.title = line_edit(max_length=200)
        self.form.add("title", N_("Notice title"), self.title, required=True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setMinimumHeight(96)
        self.text_edit.setMaximumHeight(170)  # leave room for the table; long texts scroll inside
        self.text_edit.setTabChangesFocus(True)
        self.form.add("body", N_("Text"), self.text_edit, hint=N_("Separate paragraphs with an empty line."))
        self.table_editor = NoticeTableEditor()
        self.table_editor.setObjectName("tableEditor")
        self.form.add("table", N_("Table"), self.table_editor,
                      hint=N_("Optional. Columns marked as personal data, and the names of registered villagers "
                              "anywhere in the notice, are masked when printed."))
        self.days = QSpinBox()
        self.days.setRange(1, notices.MAX_PUBLICITY_DAYS)
        self.days.setValue(7)
        self.working = QCheckBox()
        self.form.add("publicity_days", N_("Publicity period (days)"), _row(self.days, self.working),
                      aliases=("working_days",))
        self.objection = line_edit()
        self.form.add("objection", N_("How to object"), self.objection,
                      hint=N_("Empty: the standard sentence for this kind of notice."))
        self.layout_combo = QComboBox()
        self.layout_combo.addItem("", "poster")
        self.layout_combo.addItem("", "official")
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A3"])
        self.landscape = QCheckBox()
        self.form.add("style", N_("Layout"), _row(self.layout_combo, self.paper, self.landscape),
                      aliases=("paper", "landscape"))
        for key in ("body", "table"):  # tall fields: their label stays level with the first line
            label = self.form.fields[key].label
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setContentsMargins(0, 5, 0, 0)
        self._fit_in_screen()
        self.finish_layout()
        if form is not None:
            self.load(form)

    def load(self, form: notices.NoticeForm) -> None:
        self.rev = form.rev
        self.kind.setCurrentIndex(self.kind.findData(form.kind))
        self.title.setText(form.title)
        self.text_edit.setPlainText(form.body)
        self.table_editor.set_table(form.table)
        self.days.setValue(form.publicity_days)
        self.working.setChecked(form.working_days)
        self.objection.setText(form.objection)
        self.layout_combo.setCurrentIndex(self.layout_combo.findData(form.style))
        self.paper.setCurrentText(form.paper)
        self.landscape.setChecked(form.landscape)

    def reload_op(self):  # type: ignore[no-untyped-def]
        actor, notice_id = self.actor, self.notice_id
        if notice_id is None:
            return None
        return lambda session: notices.notice_form(session=session, actor=actor, notice_id=notice_id)

    def _fit_in_screen(self) -> None:
        """Put the fields in a scroll area so the dialog fits a 1366×768 screen whatever the table."""
        self.body.removeItem(self.form.layout)
        fields = QWidget()
        fields.setObjectName("noticeFields")
        fields.setLayout(self.form.layout)
        scroll = QScrollArea()
        scroll.setObjectName("noticeScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(fields)
        self.body.insertWidget(0, scroll, 1)
        self.scroll = scroll
        screen = self.screen().availableGeometry() if self.screen() else None
        height = min(820, screen.height() - 60) if screen else 760
        self.resize(max(self.minimumWidth(), 860), max(height, 480))

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.layout_combo.setItemText(0, _("Poster (notice board)"))
        self.layout_combo.setItemText(1, _("Official document (GB/T 9704)"))
        self.working.setText(_("Count working days only"))
        self.landscape.setText(_("Landscape"))
        self.table_editor.retranslate_ui()

    def values(self) -> notices.NoticeForm:
        return notices.NoticeForm(
            kind=self.kind.currentData(), title=self.title.text(), body=self.text_edit.toPlainText(),
            table=self.table_editor.table(), objection=self.objection.text(), publicity_days=self.days.value(),
            working_days=self.working.isChecked(), style=self.layout_combo.currentData(),
            paper=self.paper.currentText(), landscape=self.landscape.isChecked(), rev=self.rev)

    def show_errors(self, errors: dict[str, str]) -> None:
        super().show_errors(errors)
        problems = notices.table_problems(self.table_editor.table()) if "table" in errors else []
        self.table_editor.show_problems(problems)
        if "table" in errors:
            self.scroll.ensureWidgetVisible(self.table_editor)

    def save_op(self):
        form, actor, notice_id = self.values(), self.actor, self.notice_id
        if notice_id:
            return lambda session: notices.update_notice(session=session, actor=actor, notice_id=notice_id, form=form)
        return lambda session: notices.create_notice(session=session, actor=actor, form=form)


def _row(*widgets: QWidget) -> QWidget:
    """Several small editors on one form line."""
    box = QWidget()
    line = QHBoxLayout(box)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(12)
    for widget in widgets:
        line.addWidget(widget)
    line.addStretch(1)
    return box


class NoticeView(QDialog):
    """One notice: its preview and what can be done with it in its state."""

    changed = Signal(str)
    loaded = Signal()

    def __init__(self, parent: QWidget, actor: Any, notice_id: str):
        super().__init__(parent)
        self.actor, self.notice_id = actor, notice_id
        self.record: Any = None
        self.options: list[notices.UnmaskOption] = []
        # The preview shrinks (it scrolls); the buttons stay in a fixed bar at the bottom, on a 1366×768 screen too.
        self.setMinimumSize(720, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("noticeSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        self.attachments = AttachmentsStrip(self, actor, "notice", notice_id)  # 张贴照片
        layout.addWidget(self.attachments)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key in ("edit", "unmask", "issue", "post", "take_down", "correct", "print", "save"):
            button = QPushButton()
            button.setObjectName(key)
            button.clicked.connect(getattr(self, f"do_{key}"))
            buttons.addWidget(button)
            self.buttons[key] = button
        self.buttons["unmask"].setEnabled(False)  # until the notice has loaded
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        labels = {"edit": _("Edit"), "unmask": _("Show unmasked information…"), "issue": _("Issue"), "post": _("Mark as posted"),
                  "take_down": _("Mark as taken down"), "correct": _("Correct…"), "print": _("Print…"),
                  "save": _("Save as PDF…")}
        for key, text in labels.items():
            self.buttons[key].setText(text)
        self._unmask_tooltip()

    def reload(self) -> None:
        actor, notice_id = self.actor, self.notice_id

        def load(session: Any) -> tuple[Any, Any, list[notices.UnmaskOption]]:
            from app.printing import preview_document

            row = notices.notice_rows(session=session, actor=actor, ids=[notice_id])[0]
            return (row, preview_document("notice", session=session, actor=actor, ident=notice_id),
                    notices.unmask_options(session=session, actor=actor, notice_id=notice_id))

        def render(result: tuple[Any, Any, list[notices.UnmaskOption]]) -> None:
            from app.printing import render as render_pdf

            row, document, options = result
            RenderOp(self, lambda: render_pdf(document)).success(lambda data: self._loaded((row, data, options))).run()

        DbOp(self, load, read_only=True).success(render).run()
        self.attachments.reload()

    def _loaded(self, result: tuple[Any, bytes, list[notices.UnmaskOption]]) -> None:
        self.record, data, self.options = result
        row = self.record
        self.setWindowTitle(row.number or row.title)
        parts = [notices.kind_label(row.kind), notices.state_label(row.state)]
        if row.number:
            parts.append(row.number)
        if row.publicity_end:
            parts.append(_("publicity ends {date}").format(date=format_date(row.publicity_end)))
        if row.corrects_number:
            parts.append(_("corrects {number}").format(number=row.corrects_number))
        shown = [o.label for o in self.options if o.unmasked]
        if shown:
            parts.append(_("shown in full: {fields}").format(fields="、".join(shown)))
        self.summary.setText(" · ".join(parts))
        self.preview.set_pdf(data)
        for key in ("edit", "issue", "post", "take_down", "correct", "unmask"):  # as the service allows
            reason = row.actions.get(key, "")
            self.buttons[key].setEnabled(reason is None)
            self.buttons[key].setToolTip(reason or "")
        self._unmask_tooltip()
        self.loaded.emit()

    def _unmask_tooltip(self) -> None:
        """Why the unmask control is disabled, or what it does."""
        reason = self.record.actions.get("unmask") if self.record is not None else None
        if reason:
            tip = reason
        else:
            tip = _("Choose what personal information this draft prints in full; every choice is recorded in "
                    "the audit trail.")
        self.buttons["unmask"].setToolTip(tip)

    def _act(self, op) -> None:
        DbOp(self, op).success(lambda _r: (self.changed.emit(self.notice_id), self.reload())).run()

    def do_edit(self) -> None:
        actor, notice_id = self.actor, self.notice_id

        def opened(form: notices.NoticeForm) -> None:
            self.dialog = NoticeDialog(self, actor, notice_id, form)
            self.dialog.saved.connect(lambda _n: (self.changed.emit(notice_id), self.reload()))
            self.dialog.open()

        DbOp(self, lambda s: notices.notice_form(session=s, actor=actor, notice_id=notice_id), read_only=True) \
            .success(opened).run()

    def do_unmask(self) -> None:
        self.unmask_dialog = UnmaskDialog(self, self.actor, self.notice_id, self.options)
        self.unmask_dialog.saved.connect(lambda _n: (self.changed.emit(self.notice_id), self.reload()))
        self.unmask_dialog.open()

    def do_issue(self) -> None:
        """印发 takes the number for good: ask first, naming the number it will get."""
        actor, notice_id = self.actor, self.notice_id
        DbOp(self, lambda s: notices.next_number_preview(session=s, actor=actor, notice_id=notice_id),
             read_only=True).success(self._confirm_issue).run()

    def _confirm_issue(self, number: str) -> None:
        from ui.widgets import confirm

        if not confirm(self, _("Issue"), _(
                "After issuing, the notice's number is {number} and its text can no longer be changed (a mistake "
                "is put right by a correction notice). Issue it now?").format(number=number)):
            return
        actor, notice_id = self.actor, self.notice_id
        self._act(lambda s: notices.issue_notice(session=s, actor=actor, notice_id=notice_id))

    def do_post(self) -> None:
        actor, notice_id = self.actor, self.notice_id
        self._act(lambda s: notices.post_notice(session=s, actor=actor, notice_id=notice_id))

    def do_take_down(self) -> None:
        actor, notice_id = self.actor, self.notice_id
        self._act(lambda s: notices.take_down(session=s, actor=actor, notice_id=notice_id))

    def do_correct(self) -> None:
        actor, notice_id = self.actor, self.notice_id
        parent = self.parent()

        def made(correction: Any) -> None:
            self.changed.emit(correction.id)
            if isinstance(parent, NoticesPage):
                parent.open_item(correction.id)

        DbOp(self, lambda s: notices.correct_notice(session=s, actor=actor, notice_id=notice_id)).success(made).run()

    def do_print(self) -> None:
        if self.preview.page_count() and print_pdf(self, self.preview.document):
            self._record_print(printer=True)

    def _record_print(self, **where: Any) -> None:
        """The audit log keeps what went to paper or to a file (the hash of the very bytes)."""
        from app.printing import record_print

        notice_id, data = self.notice_id, bytes(self.preview.data or b"")
        title = (self.record.number or self.record.title) if self.record else ""
        DbOp(self, lambda s: record_print(s, "notice", notice_id, title=title, data=data, **where)).run()

    def do_save(self) -> None:
        if not self.preview.data:
            return
        name = (self.record.number or self.record.title) if self.record else "notice"
        path = save_file_name(self, _("Save as PDF"), f"{name}.pdf", "PDF (*.pdf)")
        if not path:
            return
        from app.printing import write_pdf

        try:
            write_pdf(self.preview.data, path)
        except OSError as exc:
            show_error(self, _("Could not write {path}: {error}").format(path=path, error=exc.strerror or exc))
            return
        self._record_print(file=str(path))

