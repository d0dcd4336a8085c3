"""人口: the resident register page."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QMessageBox, QPushButton

from app import people
from app.i18n import N_, Nn_, _
from ui.dialogs.excel_import import import_excel_button
from ui.dialogs.resident import ResidentDialog, load_resident
from ui.ops import DbOp
from ui.pages.register import RegisterPage
from ui.people_columns import RESIDENT_COLUMNS, RESIDENT_WIDTHS, household_label


class ResidentsPage(RegisterPage):
    title_msgid = N_("Residents")
    description_msgid = N_("The resident register: find anyone by name, pinyin, ID number or phone.")
    search_placeholder_msgid = N_("Search: name, pinyin initials (zs), full pinyin, ID number or phone")
    count_msgid = Nn_("{n} resident", "{n} residents")
    new_msgid = N_("New resident")
    columns = RESIDENT_COLUMNS
    export_kind = "residents"  # 导出Excel…
    default_order = "name"
    column_widths = RESIDENT_WIDTHS
    first_screenful_first = True  # a one-letter search finds thousands: the first screenful comes first
    searches_in_memory = True  # in name order, a keystroke's ids and count come from people.resident_search_index
    opening_filters = {"household_id": None, "include_inactive": True}  # warmed after sign-in

    def add_filters(self, toolbar: QHBoxLayout) -> None:
        self.household_filter: tuple[str, str, str] | None = None
        self.household_chip = QPushButton()
        self.household_chip.setObjectName("householdChip")
        self.household_chip.setVisible(False)
        self.household_chip.clicked.connect(lambda: self.apply_options(household=None))
        toolbar.addWidget(self.household_chip)
        self.inactive = QCheckBox()
        self.inactive.setObjectName("includeInactive")
        self.inactive.setChecked(True)
        self.inactive.toggled.connect(lambda _on: self.filters_changed())
        toolbar.addWidget(self.inactive)

    def extra_buttons(self) -> list[QPushButton]:
        self.import_button = import_excel_button(self)
        return [self.import_button]

    def _update_buttons(self, *args: Any) -> None:
        super()._update_buttons(*args)
        if not hasattr(self, "import_button"):
            return
        refused = self._page_actions_now().get("import_excel", "")
        self.import_button.setEnabled(refused is None)
        self.import_button.setToolTip(refused or "")

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.import_button.setText(_("Import from Excel…"))
        self.inactive.setText(_("Include moved out and deceased"))
        if self.household_filter:
            _id, number, head = self.household_filter
            self.household_chip.setText(_("{household} ✕").format(household=household_label(number, head)))
            self.household_chip.setToolTip(_("Show residents of all households"))

    def apply_options(self, *, household: tuple[str, str, str] | None = None, **_other: Any) -> None:
        """Opened from the households page: show one household's members (or everyone again)."""
        self.household_filter = household
        self.household_chip.setVisible(household is not None)
        self.retranslate_ui()
        self.reload()

    def filter_values(self) -> dict[str, Any]:
        return {"household_id": self.household_filter[0] if self.household_filter else None,
                "include_inactive": self.inactive.isChecked()}

    def page_actions(self, session: Any) -> dict[str, str | None]:
        return people.allowed_actions(session=session, actor=self.context.actor, kind="resident")

    def query_ids(self, session: Any, query: str, filters: dict[str, Any]) -> list[str]:
        return people.resident_ids(session=session, actor=self.context.actor, query=query, **filters)

    def count_ids(self, session: Any, query: str, filters: dict[str, Any]) -> int:
        return people.resident_count(session=session, actor=self.context.actor, query=query,
                                     household_id=filters.get("household_id"),
                                     include_inactive=filters.get("include_inactive", True))

    def read_search_index(self, session: Any) -> people.ResidentSearchIndex:
        return people.resident_search_index(session=session, actor=self.context.actor)

    def match_in_memory(self, index: people.ResidentSearchIndex, query: str,
                        filters: dict[str, Any]) -> tuple[list[str], int] | None:
        if filters.get("order", "name") != "name":  # the index holds the name order only
            return None
        return index.match(query, household_id=filters.get("household_id"),
                           include_inactive=filters.get("include_inactive", True))

    def fetch_rows(self, session: Any, ids: list[str]) -> list[Any]:
        return people.resident_rows(session=session, actor=self.context.actor, ids=ids)

    # ------------------------------------------------------------ actions

    def create_item(self) -> None:
        self._open_dialog(None, None, self.household_filter)

    def open_item(self, item_id: str) -> None:
        actor = self.context.actor
        DbOp(self, lambda session: load_resident(session, actor, item_id), read_only=True) \
            .success(lambda loaded: self._open_dialog(loaded[0], item_id, loaded[1])).run()

    def _open_dialog(self, form: people.ResidentForm | None, resident_id: str | None,
                     household: tuple[str, str, str] | None) -> ResidentDialog:
        dialog = ResidentDialog(self, form=form, resident_id=resident_id, household=household)
        dialog.saved.connect(self.saved)
        dialog.open()
        self.dialog = dialog
        return dialog

    def delete_item(self, item_id: str, row: Any) -> None:
        name = row.name if row is not None else ""
        answer = QMessageBox.question(
            self, _("Delete resident"),
            _("Delete {name} from the register? Use the status “moved out” or “deceased” for people who left; "
              "delete only records entered by mistake.").format(name=name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        actor = self.context.actor
        DbOp(self, lambda s: people.delete_resident(session=s, actor=actor, resident_id=item_id)) \
            .success(lambda _r: (self.context.show_status(_("Resident deleted.")), self.reload())).run()
