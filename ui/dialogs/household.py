"""Add or change a household (户); choose a household for a resident."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import people
from app.i18n import N_, _
from ui.dialogs.base import FormDialog
from ui.ops import DbOp, worker
from ui.people_columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_WIDTHS
from ui.table_model import LazyTableModel
from ui.widgets import fill_combo, line_edit


class HouseholdDialog(FormDialog):
    """户: number, head, address, group, grid, phone and tags."""

    def __init__(self, parent: QWidget | None, *, groups: list[tuple[str, str]], grids: list[tuple[str, str]],
                 form: people.HouseholdForm | None = None, household_id: str | None = None):
        super().__init__(parent, N_("Change household") if household_id else N_("New household"), width=560)
        self.household_id = household_id
        self._groups, self._grids = groups, grids
        f = self.form
        self.head_name = f.add("head_name", N_("Head of household"), line_edit(max_length=32), required=True)
        self.number = f.add("number", N_("Household no."), line_edit(max_length=32))
        self.address = f.add("address", N_("Address"), line_edit(max_length=128))
        self.group = f.add("group_id", N_("Villagers' group"), QComboBox())
        self.grid = f.add("grid_id", N_("Grid"), QComboBox())
        self.phone = f.add("phone", N_("Phone"), line_edit(max_length=20))
        tags_box = QWidget()
        grid = QGridLayout(tags_box)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(16)
        self.tag_boxes: dict[str, QCheckBox] = {}
        for index, key in enumerate(people.HOUSEHOLD_TAGS):
            box = QCheckBox()
            box.setObjectName(f"tag_{key}")
            self.tag_boxes[key] = box
            grid.addWidget(box, index // 2, index % 2)
        f.add("tags", N_("Tags"), tags_box)
        self._fill_choices()
        if form is not None:
            self.load(form)
        self.finish_layout()

    def load(self, form: people.HouseholdForm) -> None:
        self.rev = form.rev
        self.head_name.setText(form.head_name)
        self.number.setText(form.number)
        self.address.setText(form.address)
        self.phone.setText(form.phone)
        self.group.setCurrentIndex(max(self.group.findData(form.group_id), 0))
        self.grid.setCurrentIndex(max(self.grid.findData(form.grid_id), 0))
        for key, box in self.tag_boxes.items():
            box.setChecked(key in form.tags)

    def reload_op(self):  # type: ignore[no-untyped-def]
        household_id, actor = self.household_id, worker().actor
        if household_id is None:
            return None
        return lambda session: people.household_form(session=session, actor=actor, household_id=household_id)

    def _fill_choices(self) -> None:
        fill_combo(self.group, [(None, _("(none)"))] + [(gid, name) for gid, name in self._groups])
        fill_combo(self.grid, [(None, _("(none)"))] + [(gid, name) for gid, name in self._grids])

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self._fill_choices()
        for key, box in self.tag_boxes.items():
            box.setText(_(people.HOUSEHOLD_TAGS[key]))

    def current_form(self) -> people.HouseholdForm:
        return people.HouseholdForm(
            head_name=self.head_name.text(), number=self.number.text(), address=self.address.text(),
            group_id=self.group.currentData(), grid_id=self.grid.currentData(), phone=self.phone.text(),
            tags=[key for key, box in self.tag_boxes.items() if box.isChecked()], rev=self.rev)

    def save_op(self):  # type: ignore[no-untyped-def]
        form, household_id = self.current_form(), self.household_id
        actor = worker().actor
        return lambda session: people.save_household(session=session, actor=actor, form=form,
                                                     household_id=household_id).id


class ChooseHouseholdDialog(QDialog):
    """Pick the household a resident belongs to: search by head's name, pinyin, number or address."""

    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.setMinimumSize(720, 480)
        self.chosen: tuple[str, str, str] | None = None  # id, number, head
        self._token = 0
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        actor = worker().actor
        self.model = LazyTableModel(
            HOUSEHOLD_COLUMNS,
            lambda ids: worker().read_now(lambda s: people.household_rows(session=s, actor=actor, ids=ids)),
            parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(HOUSEHOLD_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(lambda _i: self.accept())
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.retranslate_ui()
        self.reload()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Choose a household"))
        self.search.setPlaceholderText(_("Search: head's name, pinyin initials, household no. or address"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Choose"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.model.retranslate()

    def reload(self) -> None:
        self._token += 1
        token, query, actor = self._token, self.search.text(), worker().actor
        DbOp(self, lambda s: people.household_ids(session=s, actor=actor, query=query), read_only=True) \
            .success(lambda ids: self._arrived(token, ids)).run()

    def _arrived(self, token: int, ids: list[str]) -> None:
        if token == self._token:
            self.model.set_ids(ids)
            if ids:
                self.table.selectRow(0)

    def accept(self) -> None:
        index = self.table.currentIndex()
        row: Any = self.model.row_object(index.row()) if index.isValid() else None
        if row is None:
            return
        self.chosen = (row.id, row.number, row.head_name)
        super().accept()

