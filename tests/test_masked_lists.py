"""Issue 10, item 7: ID numbers and phones are masked in lists for every role; the full number is
in the record (the edit form) for the roles that may see it (people.numbers: the office)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import auth, people
from app.auth import CLERK

pytestmark = pytest.mark.gui


def test_the_clerk_sees_masked_numbers_in_the_list_and_full_ones_in_the_record(village, sign_in, gui):
    database, admin = village
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="wenshu", password="Wenshu-pass-1", role=CLERK)
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", phone="13812345678"))
        resident = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", id_number="11010519491231002X", phone="13812345678", household_id=household.id,
            relation="head"))
    win = sign_in(database, "wenshu", "Wenshu-pass-1")
    page = win.open_area("residents")
    gui.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    headers = [c.header for c in page.columns]
    row = {h: page.model.index(0, i).data(Qt.ItemDataRole.DisplayRole) for i, h in enumerate(headers)}
    assert row["ID number"] == "110105********002X"
    assert row["Phone"] == "138****5678"
    page.open_item(resident.id)
    gui.waitUntil(lambda: getattr(page, "dialog", None) is not None and page.dialog.isVisible(), timeout=10000)
    assert page.dialog.id_number.text() == "11010519491231002X"  # the record: in full for the clerk
    page.dialog.reject()

    houses = win.open_area("households")
    gui.waitUntil(lambda: houses.model.rowCount() == 1, timeout=10000)
    column = next(i for i, c in enumerate(houses.columns) if c.header == "Phone")
    assert houses.model.index(0, column).data(Qt.ItemDataRole.DisplayRole) == "138****5678"
