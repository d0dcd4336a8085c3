"""公告: the notice register — list with state and publicity end (those ending soon stand out),
new from template, edit drafts, preview inside the app, issue, post, take down, correct, print
through the system dialog, save as PDF, and save many at once off the GUI thread.

Every read and write goes through :class:`ui.ops.DbOp` to :mod:`app.notices`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import notices
from app.i18n import N_, _, format_date
from ui.dialogs.base import FormDialog
from ui.ops import DbOp, show_error
from ui.pages.register import RegisterPage
from ui.pdf_preview import PdfPreview, print_pdf
from ui.table_model import Column, LazyTableModel
from ui.widgets import fill_combo, line_edit

SOON = QColor("#fff1d6")  # background of notices whose publicity period ends soon


def _end(row: Any) -> str:
    return format_date(row.publicity_end, style="medium") if row.publicity_end else ""


NOTICE_COLUMNS = [
    Column(N_("Number"), lambda r: r.number or "—"),
    Column(N_("Notice title"), lambda r: r.title),
    Column(N_("Kind"), lambda r: notices.kind_label(r.kind)),
    Column(N_("State"), lambda r: notices.state_label(r.state)),
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


class NoticesPage(RegisterPage):
    title_msgid = N_("Notices")
    description_msgid = N_("村务公开 and 党务公开 notices: write, issue with a number, post, take down.")
    search_placeholder_msgid = N_("Search: title or number")
    count_msgid = N_("{n} notices")
    new_msgid = N_("New notice")
    columns = NOTICE_COLUMNS
    column_widths = [170, 320, 110, 80, 110, 110]

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self.can_edit = context.actor.can("notices.edit")
        self.model = NoticeTableModel(self.columns, self._fetch_rows_now, parent=self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.dialog: NoticeDialog | None = None
        self.view: NoticeView | None = None
        self._update_buttons()

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
        return [self.batch_button]

    def retranslate_ui(self) -> None:
        fill_combo(self.state_filter, [(None, _("All states"))] + [(s, notices.state_label(s)) for s in notices.STATES])
        fill_combo(self.kind_filter, [(None, _("All kinds"))] + [(k, notices.kind_label(k))
                                                                 for k in notices.NOTICE_KINDS])
        self.batch_button.setText(_("Save shown as PDF…"))
        super().retranslate_ui()
        self.delete_button.setText(_("Delete draft"))
        self.edit_button.setText(_("View"))

    def _update_buttons(self, *_args: Any) -> None:
        super()._update_buttons()
        item = self.current_id()
        row = self.model.row_object(self.model.row_of(item)) if item else None
        self.delete_button.setEnabled(bool(row and row.state == notices.DRAFT and self.can_edit))

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
        folder = QFileDialog.getExistingDirectory(self, _("Save the notices shown as PDF into"))
        if not folder:
            return
        self.batch_folder = folder
        DbOp(self, lambda session, progress: save_notices(session, self.context.actor, ids, Path(folder), progress),
             read_only=True).with_progress(_("Saving notices as PDF…")) \
            .success(lambda written: self.context.show_status(
                _("{n} notices saved in {folder}.").format(n=len(written), folder=folder))).run()


def save_notices(session: Any, actor: Any, ids: list[str], folder: Path, progress: Any = None) -> list[Path]:
    """Runs on the worker: one PDF per notice (named by number, or title for drafts)."""
    from app.printing import write_pdf

    written = []
    for done, notice_id in enumerate(ids):
        if progress is not None:
            progress.update(done, len(ids))
        notice = notices.get_notice(session, notice_id)
        name = (notice.number or f"{_('Draft')}-{notice.title}")[:80]
        name = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name)
        written.append(write_pdf(notices.notice_pdf(session=session, actor=actor, notice_id=notice_id),
                                 folder / f"{name}.pdf"))
    if progress is not None:
        progress.update(len(ids), len(ids))
    return written


class NoticeDialog(FormDialog):
    """A new notice from the 村务公开 / 党务公开 template, or a draft's changes."""

    def __init__(self, parent: QWidget | None, actor: Any, notice_id: str | None = None,
                 form: notices.NoticeForm | None = None):
        super().__init__(parent, N_("Change notice") if notice_id else N_("New notice"), width=640)
        self.actor, self.notice_id = actor, notice_id
        self.table_data = form.table if form else None
        self.kind = QComboBox()
        for kind in notices.NOTICE_KINDS:
            self.kind.addItem(notices.kind_label(kind), kind)
        self.form.add("kind", N_("Kind"), self.kind, required=True)
        self.title = line_edit(max_length=200)
        self.form.add("title", N_("Notice title"), self.title, required=True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setMinimumHeight(160)
        self.form.add("body", N_("Text"), self.text_edit, hint=N_("Separate paragraphs with an empty line."))
        self.days = QSpinBox()
        self.days.setRange(1, notices.MAX_PUBLICITY_DAYS)
        self.days.setValue(7)
        self.form.add("publicity_days", N_("Publicity period (days)"), self.days)
        self.working = QCheckBox()
        self.form.add("working_days", N_("Count working days only"), self.working)
        self.objection = line_edit()
        self.form.add("objection", N_("How to object"), self.objection,
                      hint=N_("Empty: the standard sentence for this kind of notice."))
        self.layout_combo = QComboBox()
        self.layout_combo.addItem(_("Poster (notice board)"), "poster")
        self.layout_combo.addItem(_("Official document (GB/T 9704)"), "official")
        self.form.add("style", N_("Layout"), self.layout_combo)
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A3"])
        self.form.add("paper", N_("Paper"), self.paper)
        self.landscape = QCheckBox()
        self.form.add("landscape", N_("Landscape"), self.landscape)
        self.finish_layout()
        if form is not None:
            self.kind.setCurrentIndex(self.kind.findData(form.kind))
            self.title.setText(form.title)
            self.text_edit.setPlainText(form.body)
            self.days.setValue(form.publicity_days)
            self.working.setChecked(form.working_days)
            self.objection.setText(form.objection)
            self.layout_combo.setCurrentIndex(self.layout_combo.findData(form.style))
            self.paper.setCurrentText(form.paper)
            self.landscape.setChecked(form.landscape)

    def values(self) -> notices.NoticeForm:
        return notices.NoticeForm(
            kind=self.kind.currentData(), title=self.title.text(), body=self.text_edit.toPlainText(), table=self.table_data,
            objection=self.objection.text(), publicity_days=self.days.value(), working_days=self.working.isChecked(),
            style=self.layout_combo.currentData(), paper=self.paper.currentText(), landscape=self.landscape.isChecked())

    def save_op(self):
        form, actor, notice_id = self.values(), self.actor, self.notice_id
        if notice_id:
            return lambda session: notices.update_notice(session=session, actor=actor, notice_id=notice_id, form=form)
        return lambda session: notices.create_notice(session=session, actor=actor, form=form)


class NoticeView(QDialog):
    """One notice: its preview and what can be done with it in its state."""

    changed = Signal(str)
    loaded = Signal()

    def __init__(self, parent: QWidget, actor: Any, notice_id: str):
        super().__init__(parent)
        self.actor, self.notice_id = actor, notice_id
        self.record: Any = None
        self.setMinimumSize(760, 820)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("noticeSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key in ("edit", "issue", "post", "take_down", "correct", "print", "save"):
            button = QPushButton()
            button.setObjectName(key)
            button.clicked.connect(getattr(self, f"do_{key}"))
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        labels = {"edit": _("Edit"), "issue": _("Issue"), "post": _("Mark as posted"),
                  "take_down": _("Mark as taken down"), "correct": _("Correct…"), "print": _("Print…"),
                  "save": _("Save as PDF…")}
        for key, text in labels.items():
            self.buttons[key].setText(text)

    def reload(self) -> None:
        actor, notice_id = self.actor, self.notice_id

        def load(session: Any) -> tuple[Any, bytes]:
            row = notices.notice_rows(session=session, actor=actor, ids=[notice_id])[0]
            return row, notices.notice_pdf(session=session, actor=actor, notice_id=notice_id)

        DbOp(self, load, read_only=True).success(self._loaded).run()

    def _loaded(self, result: tuple[Any, bytes]) -> None:
        self.record, data = result
        row = self.record
        self.setWindowTitle(row.number or row.title)
        parts = [notices.kind_label(row.kind), notices.state_label(row.state)]
        if row.number:
            parts.append(row.number)
        if row.publicity_end:
            parts.append(_("publicity ends {date}").format(date=format_date(row.publicity_end)))
        if row.corrects_number:
            parts.append(_("corrects {number}").format(number=row.corrects_number))
        self.summary.setText(" · ".join(parts))
        self.preview.set_pdf(data)
        edit = self.actor.can("notices.edit")
        state = row.state
        self.buttons["edit"].setEnabled(edit and state == notices.DRAFT)
        self.buttons["issue"].setEnabled(edit and state == notices.DRAFT)
        self.buttons["post"].setEnabled(edit and state == notices.ISSUED)
        self.buttons["take_down"].setEnabled(edit and state == notices.POSTED)
        self.buttons["correct"].setEnabled(edit and state != notices.DRAFT)
        self.loaded.emit()

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

    def do_issue(self) -> None:
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
        if self.preview.page_count():
            print_pdf(self, self.preview.document)

    def do_save(self) -> None:
        if not self.preview.data:
            return
        name = (self.record.number or self.record.title) if self.record else "notice"
        path, _filter = QFileDialog.getSaveFileName(self, _("Save as PDF"), f"{name}.pdf", "PDF (*.pdf)")
        if not path:
            return
        from app.printing import write_pdf

        try:
            write_pdf(self.preview.data, path)
        except OSError as exc:
            show_error(self, _("Could not write {path}: {error}").format(path=path, error=exc.strerror or exc))

