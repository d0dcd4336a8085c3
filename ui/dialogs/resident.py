"""Add or change a resident (村民)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from app import people
from app.i18n import N_, _
from ui.dialogs.base import FormDialog
from ui.dialogs.household import ChooseHouseholdDialog
from ui.ops import worker
from ui.people_columns import household_label
from ui.widgets import fill_combo, line_edit


class HouseholdField(QWidget):
    """The household a resident belongs to: shown as text, chosen from a searchable list."""

    def __init__(self):
        super().__init__()
        self.household_id: str | None = None
        self._number, self._head = "", ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.display = QLineEdit()
        self.display.setReadOnly(True)
        row.addWidget(self.display, 1)
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose)
        row.addWidget(self.choose_button)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(lambda: self.set_household(None))
        row.addWidget(self.clear_button)
        self.retranslate_ui()

    def set_household(self, household_id: str | None, number: str = "", head: str = "") -> None:
        self.household_id, self._number, self._head = household_id, number, head
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.choose_button.setText(_("Choose…"))
        self.clear_button.setText(_("Clear"))
        self.display.setText(household_label(self._number, self._head) if self.household_id else "")
        self.display.setPlaceholderText(_("No household"))

    def choose(self) -> None:
        dialog = ChooseHouseholdDialog(self.window())
        if dialog.exec() and dialog.chosen:
            self.set_household(*dialog.chosen)


def load_resident(session: Any, actor: Any, resident_id: str) -> tuple[people.ResidentForm, tuple[str, str, str] | None]:
    """The stored resident as a form and its household as (id, number, head) for the dialog
    (runs on the worker)."""
    form = people.resident_form(session=session, actor=actor, resident_id=resident_id)
    household = None
    if form.household_id:
        rows = people.household_rows(session=session, actor=actor, ids=[form.household_id])
        if rows:
            household = (rows[0].id, rows[0].number, rows[0].head_name)
    return form, household


class ResidentDialog(FormDialog):
    """村民: name, ID number (gives birth date and gender), phone, household, relation, status."""

    def __init__(self, parent: QWidget | None, *, form: people.ResidentForm | None = None,
                 resident_id: str | None = None, household: tuple[str, str, str] | None = None):
        super().__init__(parent, N_("Change resident") if resident_id else N_("New resident"), width=580)
        self.resident_id = resident_id
        f = self.form
        self.name = f.add("name", N_("Name"), line_edit(max_length=32), required=True)
        self.id_number = f.add("id_number", N_("ID number"), line_edit(max_length=18),
                               hint=N_("18 digits; the birth date and gender are read from it."))
        self.gender = f.add("gender", N_("Gender"), QComboBox())
        self.phone = f.add("phone", N_("Phone"), line_edit(max_length=20))
        self.household = f.add("household_id", N_("Household"), HouseholdField())
        self.relation = f.add("relation", N_("Relation to head"), QComboBox())
        self.status = f.add("status", N_("Status"), QComboBox())
        flags = QWidget()
        flags_row = QHBoxLayout(flags)
        flags_row.setContentsMargins(0, 0, 0, 0)
        self.party_member = QCheckBox()
        self.party_member.setObjectName("party_member")
        self.representative = QCheckBox()
        self.representative.setObjectName("representative")
        flags_row.addWidget(self.party_member)
        flags_row.addWidget(self.representative)
        flags_row.addStretch(1)
        f.add("party_member", N_("Political status"), flags, aliases=("representative",))
        self.note = f.add("note", N_("Note"), line_edit(max_length=255))
        self._fill_choices()
        if form is not None:
            self.load((form, household))
        elif household is not None:
            self.household.set_household(*household)
        self.finish_layout()

    def load(self, loaded: tuple[people.ResidentForm, tuple[str, str, str] | None]) -> None:
        form, household = loaded
        self.rev = form.rev
        self.name.setText(form.name)
        self.id_number.setText(form.id_number)
        self.phone.setText(form.phone)
        self.gender.setCurrentIndex(max(self.gender.findData(form.gender or ""), 0))
        self.relation.setCurrentIndex(max(self.relation.findData(form.relation or ""), 0))
        self.status.setCurrentIndex(max(self.status.findData(form.status), 0))
        self.party_member.setChecked(form.party_member)
        self.representative.setChecked(form.representative)
        self.note.setText(form.note)
        self.household.set_household(*(household or (None,)))

    def reload_op(self):  # type: ignore[no-untyped-def]
        resident_id, actor = self.resident_id, worker().actor
        return (lambda session: load_resident(session, actor, resident_id)) if resident_id else None

    def _fill_choices(self) -> None:
        fill_combo(self.gender, [("", _("(from the ID number)"))] + [(k, _(v)) for k, v in people.GENDERS.items()])
        fill_combo(self.relation, [("", _("(not given)"))] + [(k, _(v)) for k, v in people.RELATIONS.items()])
        fill_combo(self.status, [(k, _(v)) for k, v in people.STATUSES.items()])

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self._fill_choices()
        self.party_member.setText(_("Party member"))
        self.representative.setText(_("Villagers' representative"))

    def current_form(self) -> people.ResidentForm:
        return people.ResidentForm(
            name=self.name.text(), id_number=self.id_number.text(), gender=self.gender.currentData() or "",
            phone=self.phone.text(), household_id=self.household.household_id,
            relation=self.relation.currentData() or "", party_member=self.party_member.isChecked(),
            representative=self.representative.isChecked(), status=self.status.currentData() or "resident",
            note=self.note.text(), rev=self.rev)

    def save_op(self):  # type: ignore[no-untyped-def]
        form, resident_id, actor = self.current_form(), self.resident_id, worker().actor
        return lambda session: people.save_resident(session=session, actor=actor, form=form,
                                                    resident_id=resident_id).id
