"""从Excel导入: the import wizard for households and residents.

Steps: choose the file → say what each column holds (guessed from the headers, one combo box per
column, the sheet to read) → preview with the refused rows (saveable as a marked copy of the
sheet) → import on confirmation. Reading and writing run on the database worker with progress;
nothing is written before 导入 is confirmed.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import people
from app.i18n import N_, _, ngettext
from ui.ops import DbOp, show_error
from ui.widgets import open_file_name, save_file_name

FILTERS = "Excel (*.xlsx *.xls *.xlsm);;*"
PREVIEW_COLUMNS = [("row", N_("Row")), ("name", N_("Name")), ("gender", N_("Gender")), ("id_number", N_("ID number")),
                   ("phone", N_("Phone")), ("birth_date", N_("Date of birth")), ("head_name", N_("Head of household")),
                   ("group", N_("Group")), ("action", N_("Import as"))]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class ExcelImportDialog(QDialog):
    imported = Signal(object)  # the ImportResult

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent)
        self.setObjectName("excelImportDialog")
        self.actor = actor
        self.plan: people.ImportPlan | None = None
        self.sheet: str | None = None
        self.combos: list[QComboBox] = []
        self.setModal(True)
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.step_label = QLabel()
        self.step_label.setObjectName("pageTitle")
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)

        # 1: the file
        choose = QWidget()
        box = QVBoxLayout(choose)
        self.file_hint = QLabel()
        self.file_hint.setWordWrap(True)
        box.addWidget(self.file_hint)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("excelPath")
        self.path.textChanged.connect(lambda _t: self._update_buttons())
        self.browse = QPushButton()
        self.browse.setObjectName("excelBrowse")
        self.browse.clicked.connect(self.choose_file)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        box.addLayout(row)
        box.addStretch(1)
        self.stack.addWidget(choose)

        # 2: the columns
        columns = QWidget()
        box = QVBoxLayout(columns)
        sheet_row = QHBoxLayout()
        self.sheet_label = QLabel()
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("excelSheet")
        self.sheet_combo.activated.connect(lambda _i: self._sheet_chosen())
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch(1)
        box.addLayout(sheet_row)
        self.mapping_hint = QLabel()
        self.mapping_hint.setWordWrap(True)
        box.addWidget(self.mapping_hint)
        self.mapping_area = QScrollArea()
        self.mapping_area.setWidgetResizable(True)
        box.addWidget(self.mapping_area, 1)
        self.stack.addWidget(columns)

        # 3: the preview
        preview = QWidget()
        box = QVBoxLayout(preview)
        self.summary = QLabel()
        self.summary.setObjectName("excelSummary")
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        self.preview_model = QStandardItemModel(self)
        self.preview_view = self._table(self.preview_model, "excelPreview")
        box.addWidget(self.preview_view, 3)
        errors_row = QHBoxLayout()
        self.errors_label = QLabel()
        errors_row.addWidget(self.errors_label, 1)
        self.save_errors = QPushButton()
        self.save_errors.setObjectName("excelSaveErrors")
        self.save_errors.clicked.connect(self.save_error_report)
        errors_row.addWidget(self.save_errors)
        box.addLayout(errors_row)
        self.errors_model = QStandardItemModel(self)
        self.errors_view = self._table(self.errors_model, "excelErrors")
        box.addWidget(self.errors_view, 2)
        self.stack.addWidget(preview)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back_button = QPushButton()
        self.back_button.setObjectName("excelBack")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton()
        self.next_button.setObjectName("excelNext")
        self.next_button.setProperty("primary", True)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("excelCancel")
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.back_button, self.next_button, self.cancel_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.retranslate_ui()
        self._update_buttons()

    @staticmethod
    def _table(model: QStandardItemModel, name: str) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return view

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import from Excel"))
        steps = [_("1. Choose the Excel file"), _("2. What each column holds"), _("3. Check and import")]
        self.step_label.setText(steps[self.stack.currentIndex()])
        self.file_hint.setText(_("Households and residents from the register you keep in Excel or WPS (.xlsx or "
                                 ".xls). Title rows above the headers are skipped. Nothing is written before you "
                                 "confirm the import."))
        self.browse.setText(_("Choose…"))
        self.sheet_label.setText(_("Sheet:"))
        self.mapping_hint.setText(_("Guessed from the headers; correct what is wrong. Columns set to “Not imported” "
                                    "are left out. The choice is remembered for the next import."))
        self.save_errors.setText(_("Save error report…"))
        self.back_button.setText(_("Back"))
        self.cancel_button.setText(_("Cancel"))
        self.next_button.setText(_("Import") if self.stack.currentIndex() == 2 else _("Next"))

    def _update_buttons(self) -> None:
        step = self.stack.currentIndex()
        self.back_button.setEnabled(step > 0)
        if step == 0:
            self.next_button.setEnabled(bool(self.path.text().strip()))
        elif step == 2:
            self.next_button.setEnabled(bool(self.plan and (self.plan.new_residents or self.plan.new_households)))
        else:
            self.next_button.setEnabled(True)
        self.save_errors.setEnabled(bool(self.plan and self.plan.errors))
        self.retranslate_ui()

    # ------------------------------------------------------------ steps

    def choose_file(self) -> None:
        path = open_file_name(self, _("Choose the Excel file"), FILTERS)
        if path:
            self.path.setText(path)

    def _go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self._update_buttons()

    def back(self) -> None:
        self._go(max(0, self.stack.currentIndex() - 1))

    def next(self) -> None:
        step = self.stack.currentIndex()
        if step == 0:
            self.sheet = None
            self._read(None, then=1)
        elif step == 1:
            self._read(self.mapping(), then=2)
        else:
            self.confirm()

    def mapping(self) -> dict[str, str]:
        """Column (1-based, as text) → field, as the combo boxes say."""
        return {str(index + 1): combo.currentData() or "" for index, combo in enumerate(self.combos)}

    def _sheet_chosen(self) -> None:
        self.sheet = self.sheet_combo.currentText() or None
        self._read(None, then=1)

    def _read(self, mapping: dict[str, str] | None, *, then: int) -> None:
        actor, path, sheet = self.actor, self.path.text().strip(), self.sheet
        self.next_button.setEnabled(False)
        DbOp(self, lambda session, progress: people.plan_excel_import(
            session=session, actor=actor, path=path, mapping=mapping, sheet=sheet, progress=progress),
            read_only=True).with_progress(_("Reading the sheet…")) \
            .success(lambda plan: self._planned(plan, then)).failure(self._failed) \
            .finally_(self._update_buttons).run()

    def _failed(self, exc: Exception) -> None:
        show_error(self, getattr(exc, "message", str(exc)))

    def _planned(self, plan: people.ImportPlan, step: int) -> None:
        self.plan = plan
        self.sheet = plan.sheet
        self.sheet_combo.clear()
        self.sheet_combo.addItems(plan.sheets)
        self.sheet_combo.setCurrentText(plan.sheet)
        if step == 1:
            self._fill_mapping(plan)
        self._fill_preview(plan)
        self._go(step)

    def _fill_mapping(self, plan: people.ImportPlan) -> None:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setColumnStretch(2, 1)
        self.combos = []
        choices = [("", _("Not imported"))] + [(key, _(label)) for key, label in people.IMPORT_FIELDS.items()]
        for index, header in enumerate(plan.headers):
            grid.addWidget(QLabel(_column_letter(index)), index, 0)
            grid.addWidget(QLabel(header or _("(no header)")), index, 1)
            combo = QComboBox()
            combo.setObjectName(f"excelColumn{index + 1}")
            for key, label in choices:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(plan.mapping.get(index, ""))))
            grid.addWidget(combo, index, 2)
            self.combos.append(combo)
        grid.setRowStretch(len(plan.headers), 1)
        self.mapping_area.setWidget(holder)

    def _fill_preview(self, plan: people.ImportPlan) -> None:
        self.summary.setText(_("Sheet {sheet}, headers on row {row}: {valid} of {rows} rows can be imported — "
                               "{households} new households, {residents} new residents; {existing} already in the "
                               "register.").format(sheet=plan.sheet, row=plan.header_row, valid=plan.valid,
                                                   rows=plan.rows, households=plan.new_households,
                                                   residents=plan.new_residents, existing=plan.existing_residents))
        self.preview_model.clear()
        self.preview_model.setHorizontalHeaderLabels([_(label) for _key, label in PREVIEW_COLUMNS])
        for row in plan.preview:
            self.preview_model.appendRow([QStandardItem(row.get(key, "")) for key, _label in PREVIEW_COLUMNS])
        self.errors_model.clear()
        self.errors_model.setHorizontalHeaderLabels([_("Row"), _("Column"), _("Reason")])
        for error in plan.errors:
            self.errors_model.appendRow([QStandardItem(str(error.row)), QStandardItem(error.column),
                                         QStandardItem(error.reason)])
        count = len({e.row for e in plan.errors})
        self.errors_label.setText(ngettext("{n} row cannot be imported; it is listed below and left out.",
                                           "{n} rows cannot be imported; they are listed below and left out.",
                                           count).format(n=count) if count else _("Every row can be imported."))

    def save_error_report(self) -> None:
        if self.plan is None or not self.plan.errors:
            return
        target = save_file_name(self, _("Save error report"), _("{name}-errors.xlsx").format(
            name=self.plan.file_name.rsplit(".", 1)[0]), "Excel (*.xlsx)")
        if not target:
            return
        try:
            path = people.write_error_report(self.plan, target)
        except Exception as exc:  # noqa: BLE001 - an expected error (disk, folder) is shown; bugs go up
            if not hasattr(exc, "message"):
                raise
            self._failed(exc)
            return
        show_status = getattr(self.parent(), "context", None)
        if show_status is not None:
            show_status.show_status(_("Error report saved: {path}").format(path=path))

    def confirm(self) -> None:
        plan = self.plan
        if plan is None:
            return
        answer = QMessageBox.question(self, _("Import from Excel"), _(
            "Add {households} households and {residents} residents to the register? {errors} rows with errors are "
            "left out.").format(households=plan.new_households, residents=plan.new_residents,
                                errors=len({e.row for e in plan.errors})))
        if answer != QMessageBox.StandardButton.Yes:
            return
        actor, path, sheet, mapping = self.actor, self.path.text().strip(), plan.sheet, self.mapping()
        self.next_button.setEnabled(False)
        DbOp(self, lambda session, progress: people.import_excel(
            session=session, actor=actor, path=path, mapping=mapping, sheet=sheet, progress=progress)) \
            .with_progress(_("Importing…")).changes("people") \
            .success(self._done).failure(self._failed).finally_(self._update_buttons).run()

    def _done(self, result: people.ImportResult) -> None:
        self.result = result
        self.imported.emit(result)
        self.accept()


def open_import_wizard(page: Any) -> ExcelImportDialog:
    """The wizard over a people page; when it has imported, the page re-reads and says so."""
    dialog = ExcelImportDialog(page, page.context.actor)

    def imported(result: people.ImportResult) -> None:
        page.refresh_ids()
        page.context.show_status(_("Imported from Excel: {households} households and {residents} residents added; "
                                   "{existing} already in the register.").format(
            households=result.households, residents=result.residents, existing=result.existing_residents))

    dialog.imported.connect(imported)
    dialog.open()
    page.import_dialog = dialog
    return dialog


def import_excel_button(page: Any) -> QPushButton:
    """从Excel导入… on the residents and households pages."""
    button = QPushButton()
    button.setObjectName("importExcel")
    button.clicked.connect(lambda: open_import_wizard(page))
    return button
