"""户籍: the household register page."""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMessageBox, QPushButton

from app import people
from app.i18n import N_, Nn_, _
from ui.dialogs.excel_import import import_excel_button
from ui.dialogs.household import HouseholdDialog
from ui.ops import DbOp
from ui.pages.register import Opening, RegisterPage
from ui.people_columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_WIDTHS
from ui.widgets import fill_combo


class HouseholdsPage(RegisterPage):
    title_msgid = N_("Households")
    description_msgid = N_("The household register: heads, addresses, groups, grids and tags.")
    search_placeholder_msgid = N_("Search: head's name, pinyin (zs), household no. or address")
    count_msgid = Nn_("Total: {n} household", "Total: {n} households")
    new_msgid = N_("New household")
    columns = HOUSEHOLD_COLUMNS
    export_kind = "households"  # 导出Excel…
    default_order = "number"
    column_widths = HOUSEHOLD_WIDTHS
    opening_filters = {"tag": None, "grid_id": None}  # warmed after sign-in

    def add_filters(self, toolbar: QHBoxLayout) -> None:
        self.tag_filter = QComboBox()
        self.tag_filter.setObjectName("tagFilter")
        self.tag_filter.setMinimumWidth(130)
        self.grid_filter = QComboBox()
        self.grid_filter.setObjectName("gridFilter")
        self.grid_filter.setMinimumWidth(130)
        self._grids: list[tuple[str, str]] = []
        self._groups: list[tuple[str, str]] = []
        self._fill_filters()
        self.tag_filter.currentIndexChanged.connect(lambda _i: self.filters_changed())
        self.grid_filter.currentIndexChanged.connect(lambda _i: self.filters_changed())
        toolbar.addWidget(self.tag_filter)
        toolbar.addWidget(self.grid_filter)

    def _read_choices(self, session: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        actor = self.context.actor  # a plain value: safe to read on the worker
        return (people.group_choices(session=session, actor=actor), people.grid_choices(session=session, actor=actor))

    def _load_choices(self) -> None:
        opening = self._opening()
        if opening is not None and opening.extra is not None:  # read with the warm read (kept for now)
            self._choices_loaded(opening.extra)
            return
        DbOp(self, self._read_choices, read_only=True, actor=self.context.actor).success(self._choices_loaded).run()

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Opening | None:
        choices = cls._read_choices(SimpleNamespace(context=SimpleNamespace(actor=actor)), session)
        opening = super().warm_reads(session, actor)
        return dataclasses.replace(opening, extra=choices) if opening is not None else None

    def page_shown(self) -> None:
        # groups and grids may have changed on the village page; read first (two short lists): the
        # filters are filled before the rows arrive, so the table is painted with its rows once
        self._load_choices()
        super().page_shown()

    def extra_buttons(self) -> list[QPushButton]:
        self.members_button = QPushButton()
        self.members_button.clicked.connect(self.show_members)
        self.import_button = import_excel_button(self)
        return [self.import_button, self.members_button]

    def preload(self) -> None:
        self._load_choices()
        super().preload()

    def _choices_loaded(self, choices: tuple[list[tuple[str, str]], list[tuple[str, str]]]) -> None:
        if tuple(choices) == (self._groups, self._grids):
            return  # read again on being shown, unchanged: the lists stay as they are
        self._groups, self._grids = choices
        self._fill_filters()

    def _fill_filters(self) -> None:
        fill_combo(self.tag_filter, [(None, _("All tags"))] + [(k, _(v)) for k, v in people.HOUSEHOLD_TAGS.items()])
        fill_combo(self.grid_filter, [(None, _("All grids"))] + self._grids)

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self._fill_filters()
        self.members_button.setText(_("Members"))
        self.import_button.setText(_("Import from Excel…"))

    def _update_buttons(self, *args: Any) -> None:
        super()._update_buttons(*args)
        if hasattr(self, "members_button"):
            self.members_button.setEnabled(self.current_id() is not None)
        if hasattr(self, "import_button"):
            refused = self._page_actions_now().get("import_excel", "")
            self.import_button.setEnabled(refused is None)
            self.import_button.setToolTip(refused or "")

    def filter_values(self) -> dict[str, Any]:
        return {"tag": self.tag_filter.currentData(), "grid_id": self.grid_filter.currentData()}

    def page_actions(self, session: Any) -> dict[str, str | None]:
        return people.allowed_actions(session=session, actor=self.context.actor, kind="household")

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        return people.household_ids(session=session, actor=self.context.actor, query=query, **filters)

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        return people.household_rows(session=session, actor=self.context.actor, ids=ids)

    # ------------------------------------------------------------ actions

    # The dialog's group and grid pickers are read afresh each time it opens.

    def create_item(self) -> None:
        DbOp(self, self._read_choices, read_only=True) \
            .success(lambda choices: (self._choices_loaded(choices), self._open_dialog(None, None))).run()

    def open_item(self, item_id: str) -> None:
        actor = self.context.actor

        def load(session: Any) -> tuple[people.HouseholdForm, Any]:
            return people.household_form(session=session, actor=actor, household_id=item_id), self._read_choices(session)

        DbOp(self, load, read_only=True) \
            .success(lambda loaded: (self._choices_loaded(loaded[1]), self._open_dialog(loaded[0], item_id))).run()

    def _open_dialog(self, form: people.HouseholdForm | None, household_id: str | None) -> HouseholdDialog:
        dialog = HouseholdDialog(self, groups=self._groups, grids=self._grids, form=form, household_id=household_id)
        dialog.saved.connect(self.saved)
        dialog.open()
        self.dialog = dialog
        return dialog

    def delete_item(self, item_id: str, row: Any) -> None:
        name = row.head_name if row is not None else ""
        answer = QMessageBox.question(
            self, _("Delete household"),
            _("Delete the household of {name}? It disappears from the register; the audit log keeps the record.")
            .format(name=name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        actor = self.context.actor
        DbOp(self, lambda s: people.delete_household(session=s, actor=actor, household_id=item_id)) \
            .success(lambda _r: (self.context.show_status(_("Household deleted.")), self.reload())).run()

    def show_members(self) -> None:
        item_id = self.current_id()
        if item_id is None:
            return
        row = self.model.row_object(self.model.row_of(item_id))
        self.context.open_area("residents", household=(item_id, row.number if row else "", row.head_name if row else ""))
