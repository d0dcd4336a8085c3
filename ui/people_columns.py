"""Columns of the household and resident tables (shared by the pages and the household chooser)."""
from __future__ import annotations

from typing import Any

from app.i18n import N_, _
from app.people import GENDERS, HOUSEHOLD_TAGS, RELATIONS, STATUSES
from ui.table_model import CENTER, RIGHT, Column


def _label(table: dict[str, str], key: str) -> str:
    return _(table[key]) if key in table else key


def _yes(value: bool) -> str:
    return _("Yes") if value else ""


def tag_labels(tags: Any) -> str:
    return _(", ").join(_label(HOUSEHOLD_TAGS, t) for t in tags)


# ``sort_key``: the order key of app.people.household_ids / resident_ids a header click asks for.
HOUSEHOLD_COLUMNS: list[Column] = [
    Column(N_("Household no."), lambda r: r.number, sort_key="number"),
    Column(N_("Head of household"), lambda r: r.head_name, sort_key="head"),
    Column(N_("Persons"), lambda r: r.members, RIGHT, sort_key="members"),
    Column(N_("Villagers' group"), lambda r: r.group_name, sort_key="group"),
    Column(N_("Grid"), lambda r: r.grid_name, sort_key="grid"),
    Column(N_("Phone"), lambda r: r.phone, sort_key="phone"),
    Column(N_("Tags"), lambda r: tag_labels(r.tags), tooltip=lambda r: tag_labels(r.tags)),
    Column(N_("Address"), lambda r: r.address, tooltip=lambda r: r.address, sort_key="address"),
]
HOUSEHOLD_WIDTHS = [100, 100, 56, 100, 120, 120, 200, 240]

RESIDENT_COLUMNS: list[Column] = [
    Column(N_("Name"), lambda r: r.name, sort_key="name"),
    Column(N_("Gender"), lambda r: _label(GENDERS, r.gender), CENTER, sort_key="gender"),
    Column(N_("Age"), lambda r: r.age(), RIGHT, sort_key="age"),
    Column(N_("ID number"), lambda r: r.id_number, sort_key="id_number"),
    Column(N_("Phone"), lambda r: r.phone, sort_key="phone"),
    Column(N_("Household no."), lambda r: r.household_number, sort_key="household"),
    Column(N_("Relation to head"), lambda r: _label(RELATIONS, r.relation) if r.relation else "", sort_key="relation"),
    Column(N_("Villagers' group"), lambda r: r.group_name, sort_key="group"),
    Column(N_("Grid"), lambda r: r.grid_name, sort_key="grid"),
    Column(N_("Party member"), lambda r: _yes(r.party_member), CENTER, sort_key="party_member"),
    Column(N_("Representative"), lambda r: _yes(r.representative), CENTER, sort_key="representative"),
    Column(N_("Status"), lambda r: _label(STATUSES, r.status), sort_key="status"),
]
RESIDENT_WIDTHS = [80, 46, 46, 168, 112, 80, 90, 80, 110, 50, 70, 60]


def household_label(number: str, head_name: str) -> str:
    """How a household is named in a field: ``0012号 张三户``."""
    if number:
        return _("No. {number}, household of {head}").format(number=number, head=head_name)
    return _("Household of {head}").format(head=head_name)
