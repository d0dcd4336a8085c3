"""The people register (村情, 户籍, 人口台账): village profile, groups, grids, households, residents.

This package's public API is what is imported here; ``service`` holds the rules, ``demo`` the
generated village, ``queries`` what only other areas may use.
"""
from app.people.service import (  # noqa: F401
    HOUSEHOLD_TAGS, RELATIONS, GENDERS, STATUSES, MAX_NAME, get_profile, is_set_up, setup_village,
    update_profile, list_groups, list_grids, get_group, get_grid, add_group, update_group, delete_group,
    add_grid, update_grid, delete_grid, GroupRow, GridRow, VillageOverview, village_overview, HouseholdForm,
    validate_household, save_household, get_household, delete_household, ResidentForm, validate_resident,
    save_resident, get_resident, delete_resident, Orders, GridGroup, RESIDENT_ORDERS, HOUSEHOLD_ORDERS,
    resident_ids, household_ids, ResidentRow, resident_rows, HouseholdRow, household_rows, resident_form,
    household_form, stats,
)
