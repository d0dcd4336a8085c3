"""The people register (户籍/人口台账): village profile, 村民小组, 网格, households and residents."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Any

from sqlalchemy import bindparam, case, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.auth import (
    GRID_WORKER,
    SECRETARY,
    Actor,
    create_user,
    require,
    require_any,
    user_count,
)
from app.errors import NotFound, PermissionDenied, StateError, ValidationError
from app.i18n import N_, _, ngettext
from app.people import queries
from app.people.queries import (
    get_grid,
    get_group,
    get_household,
    get_resident,
    is_set_up,
    list_grids,
    list_groups,
)
from app.pinyin import LIKE_ESCAPE, like_pattern, name_search_key, normalize_query
from app.privacy import mask_id_number, mask_phone
from app.revisions import check_rev
from app.text import clean_text, column_length
from app.validation import (
    age_on,
    normalize_phone,
    parse_id_number,
    validate_village_code,
)
from app.views import view, view_class
from db.base import soft_delete
from db.engine import STORE_KIND_KEY
from db.models.accounts import Setting
from db.models.people import Grid, Household, Resident, VillageGroup, VillageProfile
from db.scope import next_number, plain_rows, raise_number_to

HOUSEHOLD_TAGS: dict[str, str] = {
    "dibao": N_("Subsistence allowance (低保)"),
    "wubao": N_("Five guarantees (五保)"),
    "elderly_alone": N_("Elderly living alone"),
    "left_behind_children": N_("Left-behind children"),
    "disabled": N_("Disabled member"),
    "poverty_alleviated": N_("Lifted out of poverty"),
    "monitored": N_("Under poverty monitoring"),
    "military": N_("Military family"),
}

RELATIONS: dict[str, str] = {
    "head": N_("Head of household"),
    "spouse": N_("Spouse"),
    "son": N_("Son"),
    "daughter": N_("Daughter"),
    "parent": N_("Parent"),
    "grandchild": N_("Grandchild"),
    "child_in_law": N_("Son- or daughter-in-law"),
    "sibling": N_("Sibling"),
    "other": N_("Other"),
}

GENDERS: dict[str, str] = {"M": N_("Male"), "F": N_("Female")}

STATUSES: dict[str, str] = {
    "resident": N_("Living in the village"),
    "moved_out": N_("Moved out"),
    "deceased": N_("Deceased"),
}

MAX_NAME = 32

# Plain data handed out by the public functions (same attribute names as the rows).
ProfileView = view_class(VillageProfile, "ProfileView")
GroupView = view_class(VillageGroup, "GroupView")
GridView = view_class(Grid, "GridView")
HouseholdView = view_class(Household, "HouseholdView")
ResidentView = view_class(Resident, "ResidentView")


# ---------------------------------------------------------------- role scope (docs/roles.md)


def full_numbers(actor: Actor) -> bool:
    """Whether ``actor`` sees full ID and phone numbers; every other role gets them masked."""
    return actor.can("people.numbers")


def _masked(actor: Actor, value: str, kind: str) -> str:
    if not value or full_numbers(actor):
        return value
    return _listed(value, kind)


def _listed(value: str, kind: str) -> str:
    """A number as every list shows it, whoever looks: masked (110105********002X, 138****5678).
    The full number is only in the record (its form), for the roles that may see it."""
    if not value:
        return value
    return mask_id_number(value) if kind == "id" else mask_phone(value)


def _grid_scoped(actor: Actor) -> bool:
    """A grid worker works on the households (and their residents) of their own grid only."""
    return actor.role == GRID_WORKER


def _in_scope(actor: Actor, household: Household | None) -> bool:
    if not _grid_scoped(actor):
        return True
    return household is not None and actor.grid_id is not None and household.grid_id == actor.grid_id


def _out_of_scope() -> str:
    return _("A grid worker works only on the households of their own grid.")


def _check_scope(actor: Actor, household: Household | None) -> None:
    if not _in_scope(actor, household):
        raise PermissionDenied(_out_of_scope())


def _household_of(session: Session, resident: Resident) -> Household | None:
    return session.get(Household, resident.household_id) if resident.household_id else None


def _text(value: Any) -> str:
    """For comparisons only (stored values go through :func:`_field`)."""
    return value.strip() if isinstance(value, str) else ""


def _field(value: Any, field: str, errors: dict[str, str], max_length: int | None, *,
           multiline: bool = False) -> str:
    """``value`` through the text normaliser (app.text); its error, if any, goes to ``errors``."""
    try:
        return clean_text(value, field=field, max_length=max_length, multiline=multiline)
    except ValidationError as exc:
        errors.update(exc.errors)
        return ""


def _kept_number(actor: Actor, submitted: str, stored: str, kind: str) -> str:
    """A masked role sends back the masked number it was shown: that means "unchanged"."""
    if stored and not full_numbers(actor) and submitted.strip() == _masked(actor, stored, kind):
        return stored
    return submitted


# ---------------------------------------------------------------- village profile


def _profile_errors(name: str, code: str, supervision_phone: str) -> tuple[dict[str, str], str, str]:
    errors: dict[str, str] = {}
    name = _field(name, "name", errors, 64)
    supervision_phone = _field(supervision_phone, "supervision_phone", errors, 64)
    code = _field(code, "code", errors, 64)
    if "name" in errors:
        pass
    elif not name:
        errors["name"] = _("Enter the village's name.")
    try:
        code = validate_village_code(code)
    except ValueError as exc:
        errors["code"] = str(exc)
    phone = ""
    if supervision_phone.strip():
        try:
            phone = normalize_phone(supervision_phone)
        except ValueError as exc:
            errors["supervision_phone"] = str(exc)
    return errors, code, phone


def start_state(*, session: Session, actor: Actor | None = None) -> dict[str, Any]:
    """Before anyone signs in (``actor`` is None then): is the store set up, and for which village
    (or, on a township's store, which township: ``kind`` says). Names nothing but the village, so
    it needs no permission."""
    township = session.get(Setting, STORE_KIND_KEY)
    if township is not None and isinstance(township.value, dict) and township.value.get("kind") == "township":
        return {"set_up": user_count(session) > 0, "village_name": str(township.value.get("name", "")),
                "kind": "township"}
    profile = queries.get_profile(session)
    return {"set_up": is_set_up(session), "village_name": profile.name if profile else "", "kind": "village"}


def village_profile(*, session: Session, actor: Actor) -> ProfileView | None:
    """The village profile (None before the first run)."""
    require_any(actor, "people.view", "notices.view", "stats.view")
    return view(ProfileView, queries.get_profile(session))


get_profile = village_profile  # the name other code knows; same door


def setup_village(*, session: Session, actor: Actor | None = None, name: str, code: str, township: str, committee_name: str = "",
                  supervision_phone: str = "", admin_username: str, admin_password: str,
                  admin_display_name: str = "") -> Actor:
    """First run: create the village profile and its first admin (书记/主任) in one go. Nobody is
    signed in yet (``actor`` is None); a signed-in caller needs ``users.manage``. Refused once the
    store is set up."""
    if actor is not None:
        require(actor, "users.manage")
    if queries.get_profile(session) is not None or user_count(session) > 0:
        raise StateError(_("This database is already set up."))
    errors, code, phone = _profile_errors(name, code, supervision_phone)
    name = _field(name, "name", errors, 64)
    township = _field(township, "township", errors, column_length(VillageProfile, "township"))
    committee_name = _field(committee_name, "committee_name", errors, column_length(VillageProfile, "committee_name"))
    try:
        admin = create_user(session=session, actor=None, username=admin_username, password=admin_password,
                            role=SECRETARY, display_name=admin_display_name)
    except ValidationError as exc:
        errors.update({f"admin_{k}": v for k, v in exc.errors.items()})
        admin = None
    if errors:
        raise ValidationError(errors)
    session.info["actor"] = admin.username
    session.info["village_code"] = code
    session.add(VillageProfile(name=name.strip(), code=code, village_code=code, township=township.strip(),
                               committee_name=committee_name.strip() or _("{name} Villagers' Committee").format(name=name.strip()),
                               supervision_phone=phone))
    session.flush()
    return admin


def update_profile(*, session: Session, actor: Actor, name: str, township: str, committee_name: str,
                   supervision_phone: str, rev: int | None = None) -> ProfileView:
    """Change the village profile. The 12-digit code never changes: every row carries it.
    ``rev``: the profile's rev when it was read (a newer change is refused); None: no check."""
    require(actor, "village.edit")
    profile = queries.get_profile(session)
    if profile is None:
        raise NotFound(_("The village is not set up yet."))
    check_rev(session, profile, rev)
    errors, _code, phone = _profile_errors(name, profile.code, supervision_phone)
    name = _field(name, "name", errors, 64)
    township = _field(township, "township", errors, column_length(VillageProfile, "township"))
    committee_name = _field(committee_name, "committee_name", errors, column_length(VillageProfile, "committee_name"))
    if errors:
        raise ValidationError(errors)
    profile.name, profile.township = name.strip(), township.strip()
    profile.committee_name = committee_name.strip() or _("{name} Villagers' Committee").format(name=name.strip())
    profile.supervision_phone = phone
    session.add(profile)
    session.flush()
    return view(ProfileView, profile)


# ---------------------------------------------------------------- groups and grids


def _live_group(session: Session, group_id: str | None) -> bool:
    group = session.get(VillageGroup, group_id) if group_id else None
    return group is not None and group.deleted_at is None


def _live_household(session: Session, household_id: str | None) -> bool:
    household = session.get(Household, household_id) if household_id else None
    return household is not None and household.deleted_at is None


def _live_grid(session: Session, grid_id: str | None) -> bool:
    grid = session.get(Grid, grid_id) if grid_id else None
    return grid is not None and grid.deleted_at is None


def _check_label(value: str, field: str, errors: dict[str, str], *, empty_msg: str, max_length: int = 32) -> str:
    """A group's or grid's name: required, short (names such as 一组 or 三组第2网格 may hold digits)."""
    value = _field(value, field, errors, max_length)
    if field in errors:
        pass
    elif not value:
        errors[field] = empty_msg
    elif len(value) > max_length:
        errors[field] = _("A name has at most {n} characters.").format(n=max_length)
    return value


def _group_errors(session: Session, *, name: str, number: Any, leader_name: str,
                  group_id: str | None) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    others = [g for g in list_groups(session) if g.id != group_id]
    clean: dict[str, Any] = {"name": _check_label(name, "name", errors, empty_msg=_("Enter the group's name."))}
    if clean["name"] and any(g.name == clean["name"] for g in others):
        errors["name"] = _("There is already a group called {name}.").format(name=clean["name"])
    if number is None or (isinstance(number, str) and not number.strip()):
        clean["number"] = max((g.number for g in others), default=0) + 1
    else:
        try:
            clean["number"] = int(str(number).strip())
        except ValueError:
            clean["number"] = None
        if clean["number"] is None or not 1 <= clean["number"] <= 999:
            errors["number"] = _("The group number is a whole number from 1 to 999.")
        else:
            clash = next((g for g in others if g.number == clean["number"]), None)
            if clash is not None:
                errors["number"] = _("Number {number} is already used by {name}.").format(
                    number=clean["number"], name=clash.name)
    clean["leader_name"] = _check_name(leader_name, "leader_name", errors, required=False)
    return errors, clean


def add_group(*, session: Session, actor: Actor, name: str, number: int | str | None = None,
              leader_name: str = "") -> GroupView:
    """A new 村民小组; its number defaults to the next free one."""
    require(actor, "village.edit")
    errors, clean = _group_errors(session, name=name, number=number, leader_name=leader_name, group_id=None)
    if errors:
        raise ValidationError(errors)
    group = VillageGroup(**clean)
    session.add(group)
    session.flush()
    return view(GroupView, group)


def update_group(*, session: Session, actor: Actor, group_id: str, name: str, number: int | str | None,
                 leader_name: str = "", rev: int | None = None) -> GroupView:
    """Rename or renumber a 村民小组, or change its 组长. ``rev``: the group's rev when it was read
    (a newer change is refused); None: no check."""
    require(actor, "village.edit")
    group = get_group(session, group_id)
    check_rev(session, group, rev)
    errors, clean = _group_errors(session, name=name, number=number, leader_name=leader_name, group_id=group_id)
    if errors:
        raise ValidationError(errors)
    for key, value in clean.items():
        setattr(group, key, value)
    session.add(group)
    session.flush()
    return view(GroupView, group)


def _live_count(session: Session, model: Any, column: Any, value: str) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(column == value)).one())


def delete_group(*, session: Session, actor: Actor, group_id: str) -> None:
    """Remove a 村民小组 (soft). Refused while households or grids still belong to it."""
    require(actor, "village.edit")
    group = get_group(session, group_id)
    households = _live_count(session, Household, col(Household.group_id), group_id)
    if households:
        raise StateError(_("{name} still has {n} household(s); move them to another group first.").format(
            name=group.name, n=households))
    grids = _live_count(session, Grid, col(Grid.group_id), group_id)
    if grids:
        raise StateError(_("{name} still has {n} grid(s); move them to another group or delete them first.").format(
            name=group.name, n=grids))
    soft_delete(group)
    session.add(group)
    session.flush()


def _grid_errors(session: Session, *, name: str, group_id: str | None, leader_name: str, leader_phone: str,
                 area_leader_name: str, grid_id: str | None) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"name": _check_label(name, "name", errors, empty_msg=_("Enter the grid's name."))}
    if clean["name"] and any(g.name == clean["name"] and g.id != grid_id for g in list_grids(session)):
        errors["name"] = _("There is already a grid called {name}.").format(name=clean["name"])
    if group_id and not _live_group(session, group_id):
        errors["group_id"] = _("Choose a group from the list.")
    clean["group_id"] = group_id or None
    clean["leader_name"] = _check_name(leader_name, "leader_name", errors, required=False)
    clean["leader_phone"] = ""
    leader_phone = _field(leader_phone, "leader_phone", errors, 64)
    if leader_phone:
        try:
            clean["leader_phone"] = normalize_phone(leader_phone)
        except ValueError as exc:
            errors["leader_phone"] = str(exc)
    clean["area_leader_name"] = _check_name(area_leader_name, "area_leader_name", errors, required=False)
    return errors, clean


def add_grid(*, session: Session, actor: Actor, name: str, group_id: str | None = None, leader_name: str = "",
             leader_phone: str = "", area_leader_name: str = "") -> GridView:
    """A new 网格 with its 网格长 (and phone) and 片长."""
    require(actor, "village.edit")
    errors, clean = _grid_errors(session, name=name, group_id=group_id, leader_name=leader_name,
                                 leader_phone=leader_phone, area_leader_name=area_leader_name, grid_id=None)
    if errors:
        raise ValidationError(errors)
    grid = Grid(**clean)
    session.add(grid)
    session.flush()
    return view(GridView, grid)


def update_grid(*, session: Session, actor: Actor, grid_id: str, name: str, group_id: str | None = None,
                leader_name: str = "", leader_phone: str = "", area_leader_name: str = "",
                rev: int | None = None) -> GridView:
    """Change a 网格: its name, group, 网格长 and phone, 片长. ``rev``: the grid's rev when it was
    read (a newer change is refused); None: no check."""
    require(actor, "village.edit")
    grid = get_grid(session, grid_id)
    check_rev(session, grid, rev)
    errors, clean = _grid_errors(session, name=name, group_id=group_id, leader_name=leader_name,
                                 leader_phone=leader_phone, area_leader_name=area_leader_name, grid_id=grid_id)
    if errors:
        raise ValidationError(errors)
    for key, value in clean.items():
        setattr(grid, key, value)
    session.add(grid)
    session.flush()
    return view(GridView, grid)


def delete_grid(*, session: Session, actor: Actor, grid_id: str) -> None:
    """Remove a 网格 (soft). Refused while households still belong to it."""
    require(actor, "village.edit")
    grid = get_grid(session, grid_id)
    households = _live_count(session, Household, col(Household.grid_id), grid_id)
    if households:
        raise StateError(_("{name} still has {n} household(s); move them to another grid first.").format(
            name=grid.name, n=households))
    soft_delete(grid)
    session.add(grid)
    session.flush()


@dataclasses.dataclass(frozen=True)
class GroupRow:
    """One line of the groups table on the village page."""

    id: str
    number: int
    name: str
    leader_name: str
    households: int
    grids: int
    rev: int | None = None  # for the edit dialog: update_group(rev=…)


@dataclasses.dataclass(frozen=True)
class GridRow:
    """One line of the grids table on the village page."""

    id: str
    name: str
    group_id: str | None
    group_name: str
    leader_name: str
    leader_phone: str
    area_leader_name: str
    households: int
    rev: int | None = None  # for the edit dialog: update_grid(rev=…)


@dataclasses.dataclass(frozen=True)
class VillageOverview:
    """村情: the profile, groups and grids, as the village page shows them."""

    name: str
    code: str
    township: str
    committee_name: str
    supervision_phone: str
    groups: list[GroupRow]
    grids: list[GridRow]
    rev: int | None = None  # the profile's, for update_profile(rev=…)


def village_overview(*, session: Session, actor: Actor) -> VillageOverview:
    """The profile, the groups and the grids with their households: four statements of columns
    (no ORM rows), the households counted once by group and grid together (one pass over them)."""
    require(actor, "people.view")
    profile = session.exec(select(VillageProfile.name, VillageProfile.code, VillageProfile.township,
                                  VillageProfile.committee_name, VillageProfile.supervision_phone,
                                  VillageProfile.rev)).first()
    if profile is None:
        raise NotFound(_("The village is not set up yet."))
    by_group: dict[str, int] = {}
    by_grid: dict[str, int] = {}
    for group_id, grid_id, n in session.exec(
            select(Household.group_id, Household.grid_id, func.count())
            .where(or_(col(Household.group_id).is_not(None), col(Household.grid_id).is_not(None)))
            .group_by(Household.group_id, Household.grid_id)).all():
        if group_id is not None:
            by_group[group_id] = by_group.get(group_id, 0) + n
        if grid_id is not None:
            by_grid[grid_id] = by_grid.get(grid_id, 0) + n
    groups = session.exec(select(VillageGroup.id, VillageGroup.number, VillageGroup.name, VillageGroup.leader_name,
                                 VillageGroup.rev).order_by(VillageGroup.number, VillageGroup.name)).all()
    names = {g.id: g.name for g in groups}
    grids = session.exec(  # in the order of their group (grids without a group last), then by name
        select(Grid.id, Grid.name, Grid.group_id, Grid.leader_name, Grid.leader_phone, Grid.area_leader_name,
               Grid.rev).join(VillageGroup, col(Grid.group_id) == col(VillageGroup.id), isouter=True)
        .order_by(col(VillageGroup.number).is_(None), VillageGroup.number, Grid.name)).all()
    grids_per_group: dict[str, int] = {}
    for grid in grids:
        if grid.group_id:
            grids_per_group[grid.group_id] = grids_per_group.get(grid.group_id, 0) + 1
    return VillageOverview(
        name=profile.name, code=profile.code, township=profile.township, committee_name=profile.committee_name,
        supervision_phone=profile.supervision_phone,
        groups=[GroupRow(id=g.id, number=g.number, name=g.name, leader_name=g.leader_name,
                         households=by_group.get(g.id, 0), grids=grids_per_group.get(g.id, 0), rev=g.rev)
                for g in groups],
        grids=[GridRow(id=g.id, name=g.name, group_id=g.group_id, group_name=names.get(g.group_id or "", ""),
                       leader_name=g.leader_name, leader_phone=g.leader_phone, area_leader_name=g.area_leader_name,
                       households=by_grid.get(g.id, 0), rev=g.rev) for g in grids],
        rev=profile.rev)


# ---------------------------------------------------------------- households


@dataclasses.dataclass
class HouseholdForm:
    """What the household dialog (or an import) submits."""

    head_name: str = ""
    number: str = ""
    address: str = ""
    group_id: str | None = None
    grid_id: str | None = None
    phone: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    # 户主 as a person: an existing resident chosen by id, or one created from these fields
    head_resident_id: str | None = None
    head_gender: str = ""
    head_id_number: str = ""
    rev: int | None = None  # the household's rev when the form was read; None: saved without a check


HOUSEHOLD_SERIES = "household"  # db.scope.next_number series of 户号


def _check_name(value: str, field: str, errors: dict[str, str], *, required: bool = True) -> str:
    value = _field(value, field, errors, MAX_NAME)
    if field in errors:
        pass
    elif not value:
        if required:
            errors[field] = _("Enter a name.")
    elif len(value) > MAX_NAME:
        errors[field] = _("A name has at most {n} characters.").format(n=MAX_NAME)
    elif any(ch.isdigit() for ch in value):
        errors[field] = _("A name has no digits.")
    return value


def _validate_household(session: Session, form: HouseholdForm, *, household_id: str | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"head_name": _check_name(form.head_name, "head_name", errors)}
    clean["number"] = _field(form.number, "number", errors, column_length(Household, "number") or 32)
    if "number" in errors:
        pass
    elif clean["number"]:
        clash = session.exec(select(Household.id).where(Household.number == clean["number"])).first()
        if clash and clash != household_id:
            errors["number"] = _("Household number {number} is already used.").format(number=clean["number"])
    clean["address"] = _field(form.address, "address", errors, column_length(Household, "address") or 128)
    clean["phone"] = ""
    phone = _field(form.phone, "phone", errors, 64)
    if phone:
        try:
            clean["phone"] = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if form.group_id and not _live_group(session, form.group_id):
        errors["group_id"] = _("Choose a group from the list.")
    if form.grid_id and not _live_grid(session, form.grid_id):
        errors["grid_id"] = _("Choose a grid from the list.")
    elif form.grid_id and form.group_id and "group_id" not in errors:
        grid = session.get(Grid, form.grid_id)
        if grid is not None and grid.group_id and grid.group_id != form.group_id:
            errors["grid_id"] = _("This grid belongs to another group; choose a grid of the chosen group.")
    clean["group_id"], clean["grid_id"] = form.group_id or None, form.grid_id or None
    unknown = [t for t in form.tags if t not in HOUSEHOLD_TAGS]
    if unknown:
        errors["tags"] = _("Unknown tag: {tag}.").format(tag=unknown[0])
    clean["tags"] = sorted(set(form.tags), key=list(HOUSEHOLD_TAGS).index) if not unknown else []
    return errors, clean


def _head_of(session: Session, household_id: str) -> Resident | None:
    return session.exec(select(Resident).where(Resident.household_id == household_id, Resident.relation == "head")
                        .order_by(Resident.created_at)).first()


def _free_number(session: Session) -> str:
    """The village's next 户号 (0001, 0002 …), skipping numbers typed in by hand."""
    while True:
        number = f"{next_number(session, HOUSEHOLD_SERIES):04d}"
        if session.exec(select(Household.id).where(Household.number == number)).first() is None:
            return number


def _head_errors(session: Session, form: HouseholdForm, household_id: str | None) -> dict[str, str]:
    if not form.head_resident_id:
        return {}
    chosen = session.get(Resident, form.head_resident_id)
    if chosen is None:
        return {"head_resident_id": _("Choose the head of household from the register.")}
    if chosen.relation == "head" and chosen.household_id and chosen.household_id != household_id:
        return {"head_resident_id": _("{name} is the head of another household; choose someone else, or change "
                                      "that household first.").format(name=chosen.name)}
    return {}


def save_household(*, session: Session, actor: Actor, form: HouseholdForm, household_id: str | None = None) -> HouseholdView:
    """Add (``household_id=None``) or change a household; refused field by field when invalid.

    户主 is a person: ``form.head_resident_id`` moves an existing resident into the household as its
    head; otherwise a new household gets a resident made from ``head_name``, ``head_gender`` and
    ``head_id_number`` (errors on ``head_gender`` / ``head_id_number``). A household always has
    exactly one member with relation 户主 (a former head becomes a member without a relation).
    户号 left empty is allocated per village (0001 …); a typed one must be free. The grid must
    belong to the chosen group.
    """
    require(actor, "people.edit")
    household = get_household(session, household_id) if household_id else Household()
    if household_id:
        _check_scope(actor, household)
        check_rev(session, household, form.rev)
        form = dataclasses.replace(form, phone=_kept_number(actor, _text(form.phone), household.phone, "phone"))
    if _grid_scoped(actor) and (form.grid_id or None) != actor.grid_id:
        raise ValidationError({"grid_id": _out_of_scope()})
    errors, clean = _validate_household(session, form, household_id=household_id)
    errors.update(_head_errors(session, form, household_id))
    chosen = (session.get(Resident, form.head_resident_id)
              if form.head_resident_id and "head_resident_id" not in errors else None)
    if chosen is not None:
        clean["head_name"] = chosen.name
        errors.pop("head_name", None)
    new_head: Resident | None = None
    if household_id is None and chosen is None and "head_name" not in errors:
        head_errors, head_clean = _validate_resident(
            session, ResidentForm(name=clean["head_name"], gender=form.head_gender, id_number=form.head_id_number,
                                  relation="head"),
            village_code=str(session.info.get("village_code") or ""))
        if not form.head_gender.strip() and not form.head_id_number.strip():
            head_errors.pop("gender", None)  # not known yet: the resident's record is completed later
        errors.update({f"head_{key}" if key in ("gender", "id_number") else "head_name": message
                       for key, message in head_errors.items()})
        if not head_errors:
            new_head = Resident(**head_clean)
    if errors:
        raise ValidationError(errors)
    if not clean["number"]:  # allocated before the row is written: no autoflush of an empty 户号
        clean["number"] = household.number or _free_number(session)
    for key, value in clean.items():
        setattr(household, key, value)
    if household.number.isdigit():
        raise_number_to(session, HOUSEHOLD_SERIES, int(household.number))
    household.search_key = name_search_key(household.head_name, household.number, household.address)
    session.add(household)
    session.flush()
    head = new_head or chosen
    if head is not None:
        former = _head_of(session, household.id)
        if former is not None and former.id != head.id:
            former.relation = ""
            session.add(former)
        head.household_id = household.id
        head.relation = "head"
        head.search_key = name_search_key(head.name)
        session.add(head)
        session.flush()
    return _household_view(actor, household)


def _household_view(actor: Actor, household: Household) -> Any:
    return dataclasses.replace(view(HouseholdView, household), phone=_masked(actor, household.phone, "phone"))


def _resident_view(actor: Actor, resident: Resident) -> Any:
    return dataclasses.replace(view(ResidentView, resident), id_number=_masked(actor, resident.id_number, "id"),
                               phone=_masked(actor, resident.phone, "phone"))


def delete_household(*, session: Session, actor: Actor, household_id: str) -> None:
    require(actor, "people.delete")
    household = get_household(session, household_id)
    members = session.exec(select(Resident).where(Resident.household_id == household_id)).all()
    others = [m for m in members if m.relation != "head"]
    if len(others) == 0 and len(members) == 1:
        soft_delete(members[0])  # a household and its 户主 alone go together (save_household made both)
        session.add(members[0])
        members = []
    members = len(members)
    if members:
        raise StateError(ngettext("The household still has {n} member; move or remove them first.",
                                 "The household still has {n} members; move or remove them first.", members).format(n=members))
    soft_delete(household)
    session.add(household)
    session.flush()


# ---------------------------------------------------------------- residents


@dataclasses.dataclass
class ResidentForm:
    """What the resident dialog (or an import) submits."""

    name: str = ""
    id_number: str = ""
    gender: str = ""  # derived from the ID number when empty
    phone: str = ""
    household_id: str | None = None
    relation: str = ""
    party_member: bool = False
    representative: bool = False
    status: str = "resident"
    note: str = ""
    rev: int | None = None  # the resident's rev when the form was read; None: saved without a check


def _validate_resident(session: Session, form: ResidentForm, *, resident_id: str | None = None,
                      village_code: str = "") -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"name": _check_name(form.name, "name", errors)}
    clean["id_number"], clean["birth_date"], clean["gender"] = "", None, form.gender or ""
    id_number = _field(form.id_number, "id_number", errors, 64)
    if id_number:
        try:
            parsed = parse_id_number(id_number)
        except ValueError as exc:
            errors["id_number"] = str(exc)
        else:
            clean["id_number"], clean["birth_date"] = parsed.value, parsed.birth_date
            if form.gender and form.gender != parsed.gender:
                errors["gender"] = _("The gender does not match the ID number.")
            clean["gender"] = parsed.gender
            query = select(Resident.id).where(Resident.id_number == parsed.value)
            if village_code:
                query = query.where(Resident.village_code == village_code)
            clash = session.exec(query).first()
            if clash and clash != resident_id:
                errors["id_number"] = _("Another resident already has this ID number.")
    if clean["gender"] not in GENDERS and "id_number" not in errors:
        errors.setdefault("gender", _("Choose a gender, or enter the ID number."))
    clean["phone"] = ""
    phone = _field(form.phone, "phone", errors, 64)
    if phone:
        try:
            clean["phone"] = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if form.household_id and not _live_household(session, form.household_id):
        errors["household_id"] = _("Choose a household from the list.")
    clean["household_id"] = form.household_id or None
    if form.relation and form.relation not in RELATIONS:
        errors["relation"] = _("Choose a relation from the list.")
    clean["relation"] = form.relation
    if form.status not in STATUSES:
        errors["status"] = _("Choose a status from the list.")
    clean["status"] = form.status
    clean["party_member"], clean["representative"] = bool(form.party_member), bool(form.representative)
    clean["note"] = _field(form.note, "note", errors, column_length(Resident, "note") or 255, multiline=True)
    return errors, clean


def save_resident(*, session: Session, actor: Actor, form: ResidentForm, resident_id: str | None = None) -> ResidentView:
    """Add (``resident_id=None``) or change a resident; refused field by field when invalid.

    Adding the head of a household by the name the household form gave (its 户主 record made by
    :func:`save_household`, still without an ID number) completes that record instead of adding
    the same person twice.
    """
    require(actor, "people.edit")
    if resident_id is None and form.household_id:
        head = _head_of(session, form.household_id)
        if head is not None and head.name == form.name.strip() and not head.id_number:
            resident_id = head.id
            form = dataclasses.replace(form, relation="head")
    resident = get_resident(session, resident_id) if resident_id else Resident()
    if resident_id:
        _check_scope(actor, _household_of(session, resident))
        check_rev(session, resident, form.rev)
        form = dataclasses.replace(
            form, id_number=_kept_number(actor, _text(form.id_number), resident.id_number, "id"),
            phone=_kept_number(actor, _text(form.phone), resident.phone, "phone"))
    if _grid_scoped(actor):
        target = session.get(Household, form.household_id) if form.household_id else None
        if not _in_scope(actor, target):
            raise ValidationError({"household_id": _out_of_scope()})
    errors, clean = _validate_resident(session, form, resident_id=resident_id,
                                      village_code=str(session.info.get("village_code") or ""))
    if errors:
        raise ValidationError(errors)
    for key, value in clean.items():
        setattr(resident, key, value)
    resident.search_key = name_search_key(resident.name)
    session.add(resident)
    if resident.relation == "head" and resident.household_id:
        former = _head_of(session, resident.household_id)
        if former is not None and former.id != resident.id:  # exactly one 户主 per household
            former.relation = ""
            session.add(former)
        household = session.get(Household, resident.household_id)
        if household is not None and household.head_name != resident.name:
            household.head_name = resident.name
            household.search_key = name_search_key(household.head_name, household.number, household.address)
            session.add(household)
    session.flush()
    return _resident_view(actor, resident)


def delete_resident(*, session: Session, actor: Actor, resident_id: str) -> None:
    require(actor, "people.delete")
    resident = get_resident(session, resident_id)
    soft_delete(resident)
    session.add(resident)
    session.flush()


# ---------------------------------------------------------------- search and listing


def _searches_numbers(needle: str) -> bool:
    """Whether a search also looks in ID and phone numbers: digits, or an ID's last character x."""
    return bool(needle) and (needle.isdigit() or needle.endswith("x"))


def _number_like(column: Any, pattern: Any) -> Any:
    """A number column matched as SQLite matches it on every store: an ID's X found by x
    (PostgreSQL's LIKE tells cases apart, SQLite's does not for ASCII)."""
    return func.lower(column).like(pattern, escape=LIKE_ESCAPE)


def _text_filter(query: str, key_column: Any, *extra_columns: Any) -> Any | None:
    needle = normalize_query(query)
    if not needle:
        return None
    pattern = like_pattern(needle)
    clauses = [key_column.like(pattern, escape=LIKE_ESCAPE)]
    if _searches_numbers(needle):
        clauses.extend(_number_like(column, pattern) for column in extra_columns)
    return or_(*clauses)


def _rank(column: Any, keys: list[str]) -> Any:
    """An ORDER BY expression that ranks a coded column in the order of ``keys`` (a label table)."""
    return case({key: index for index, key in enumerate(keys)}, value=column, else_=len(keys))


# Sort keys the registers accept: key → ([(expression, reversed), …], "missing" expression(s) or None).
# ``reversed`` columns sort the other way round (an older birth date is a higher age). Missing
# values (no birth date, no household, empty phone …) stay at the end in both directions. Ties are
# broken by the name's pinyin, then the id, so every order is stable.
Orders = dict[str, tuple[list[tuple[Any, bool]], Any]]


@functools.cache
def _resident_orders() -> Orders:
    """Built once: the expressions are immutable, and building them cost ~1 ms a search."""
    return {
        "name": ([(col(Resident.search_key), False)], None),
        "gender": ([(col(Resident.gender), False)], col(Resident.gender) == ""),
        "age": ([(col(Resident.birth_date), True)], col(Resident.birth_date).is_(None)),
        "birth_date": ([(col(Resident.birth_date), False)], col(Resident.birth_date).is_(None)),
        "id_number": ([(col(Resident.id_number), False)], col(Resident.id_number) == ""),
        "phone": ([(col(Resident.phone), False)], col(Resident.phone) == ""),
        "household": ([(func.length(Household.number), False), (col(Household.number), False),
                       (col(Household.search_key), False)], [col(Household.id).is_(None), col(Household.number) == ""]),
        "relation": ([(_rank(col(Resident.relation), list(RELATIONS)), False)], col(Resident.relation) == ""),
        "group": ([(col(VillageGroup.number), False), (col(VillageGroup.name), False)], col(VillageGroup.id).is_(None)),
        "grid": ([(col(GridGroup.number), False), (col(Grid.name), False)], col(Grid.id).is_(None)),
        "party_member": ([(col(Resident.party_member), True)], None),
        "representative": ([(col(Resident.representative), True)], None),
        "status": ([(_rank(col(Resident.status), list(STATUSES)), False)], None),
    }


@functools.cache
def _household_orders() -> Orders:
    members = (select(func.count()).select_from(Resident)
               .where(col(Resident.household_id) == col(Household.id))
               .correlate(Household).scalar_subquery())
    return {
        "number": ([(func.length(Household.number), False), (col(Household.number), False)],
                   col(Household.number) == ""),
        "head": ([(col(Household.search_key), False)], None),
        "members": ([(members, False)], None),
        "group": ([(col(VillageGroup.number), False), (col(VillageGroup.name), False)], col(VillageGroup.id).is_(None)),
        "grid": ([(col(GridGroup.number), False), (col(Grid.name), False)], col(Grid.id).is_(None)),
        "phone": ([(col(Household.phone), False)], col(Household.phone) == ""),
        "address": ([(col(Household.address), False)], col(Household.address) == ""),
    }


GridGroup = aliased(VillageGroup, name="grid_group")  # the group a grid belongs to, for ordering by grid

RESIDENT_ORDERS = frozenset(_resident_orders())
HOUSEHOLD_ORDERS = frozenset(_household_orders())


def _parse_order(order: str, allowed: Orders) -> tuple[str, bool]:
    """``"age"`` / ``"-age"`` (descending) → (key, descending); anything else is refused."""
    descending = order.startswith("-")
    key = order[1:] if descending else order
    if key not in allowed:
        raise ValidationError({"order": _("Unknown sort order: {order}.").format(order=order)})
    return key, descending


def _order_by(statement: Any, key: str, descending: bool, orders: Orders, tie_breakers: list[Any]) -> Any:
    primary, missing = orders[key]
    # False (present) sorts before True (missing)
    clauses = [] if missing is None else list(missing) if isinstance(missing, list) else [missing]
    clauses += [expression.desc() if reverse != descending else expression.asc() for expression, reverse in primary]
    # a tie breaker that is the primary column already adds nothing to the order (and ORDER BY
    # search_key, search_key, id kept SQLite from reading ix_resident_search in its order)
    ties = [tie for tie in tie_breakers if not any(tie is expression for expression, _reverse in primary)]
    return statement.order_by(*clauses, *ties)


def _joins_for(statement: Any, key: str, household_column: Any) -> Any:
    """Outer joins a sort key needs (none for the keys of the row's own table)."""
    if key in ("household", "group", "grid") and household_column is not None:
        statement = statement.join(Household, household_column == col(Household.id), isouter=True)
    if key == "group":
        statement = statement.join(VillageGroup, col(Household.group_id) == col(VillageGroup.id), isouter=True)
    if key == "grid":
        statement = (statement.join(Grid, col(Household.grid_id) == col(Grid.id), isouter=True)
                     .join(GridGroup, col(Grid.group_id) == col(GridGroup.id), isouter=True))
    return statement


def resident_ids(*, session: Session, actor: Actor, query: str = "", household_id: str | None = None,
                 include_inactive: bool = True, order: str = "name", limit: int | None = None) -> list[str]:
    """Ids of residents matching a search (name, pinyin initials, full pinyin, ID or phone digits).

    ``order`` is one of :data:`RESIDENT_ORDERS`, ``-`` in front for descending; the default lists
    people in pinyin order. ``limit``: only the first ones in that order (the first screenful of
    a search: in name order SQLite stops reading its index once it has them, where the whole list
    of a one-letter search is thousands of ids); :func:`resident_count` says how many there are.
    """
    require(actor, "people.view")
    key, descending = _parse_order(order, _resident_orders())
    statement, params = _resident_search(actor, query, household_id, include_inactive, key, descending,
                                         limited=limit is not None)
    if limit is not None:
        params["limit"] = max(0, limit)
    return plain_rows(session, statement, params).scalars().all()  # scoped as every query; no ORM row per id


def resident_count(*, session: Session, actor: Actor, query: str = "", household_id: str | None = None,
                   include_inactive: bool = True) -> int:
    """How many residents :func:`resident_ids` finds with the same search and filters."""
    require(actor, "people.view")
    statement, params = _resident_search(actor, query, household_id, include_inactive, None, False, limited=False)
    return int(plain_rows(session, statement, params).scalar_one())


def _resident_search(actor: Actor, query: str, household_id: str | None, include_inactive: bool, key: str | None,
                     descending: bool, *, limited: bool) -> tuple[Any, dict[str, Any]]:
    """The residents search's statement (its ids in order ``key``, or their number for ``None``)
    and the values it binds."""
    needle = normalize_query(query)
    numbers = _searches_numbers(needle) and full_numbers(actor)
    statement = _resident_ids_statement(key, descending, text=bool(needle), numbers=numbers,
                                        household=bool(household_id), grid_scoped=_grid_scoped(actor),
                                        active_only=not include_inactive, limited=limited)
    return statement, {"pattern": like_pattern(needle), "household_id": household_id, "grid_id": actor.grid_id or ""}


@functools.cache
def _resident_ids_statement(key: str | None, descending: bool, *, text: bool, numbers: bool, household: bool,
                            grid_scoped: bool, active_only: bool, limited: bool = False) -> Any:
    """The residents search of one shape (the same filters as :func:`_text_filter`'s), built once:
    the values are bound when it runs (``pattern``, ``household_id``, ``grid_id``, ``limit``).
    Building the statement anew cost ~0.3 ms a keystroke. ``key`` None: the count of the matches."""
    statement = select(Resident.id) if key is not None else select(func.count(col(Resident.id)))
    if text:
        pattern = bindparam("pattern")
        clauses = [col(Resident.search_key).like(pattern, escape=LIKE_ESCAPE)]
        if numbers:
            clauses += [_number_like(col(Resident.id_number), pattern), _number_like(col(Resident.phone), pattern)]
        statement = statement.where(or_(*clauses))
    if household:
        statement = statement.where(col(Resident.household_id) == bindparam("household_id"))
    if grid_scoped:
        statement = statement.where(col(Resident.household_id).in_(
            select(Household.id).where(col(Household.grid_id) == bindparam("grid_id"))))
    if active_only:
        statement = statement.where(Resident.status == "resident")
    if key is None:
        return statement
    statement = _joins_for(statement, key, col(Resident.household_id))
    statement = _order_by(statement, key, descending, _resident_orders(), [col(Resident.search_key), col(Resident.id)])
    return statement.limit(bindparam("limit")) if limited else statement


def household_ids(*, session: Session, actor: Actor, query: str = "", tag: str | None = None,
                  grid_id: str | None = None, order: str = "number") -> list[str]:
    """Ids of households matching a search (head's name, pinyin, number, address) and filters.

    ``order`` is one of :data:`HOUSEHOLD_ORDERS`, ``-`` in front for descending; the default is the
    household number (户号) with unnumbered households last in the pinyin order of their heads.
    """
    require(actor, "people.view")
    orders = _household_orders()
    key, descending = _parse_order(order, orders)
    statement = select(Household.id)
    numbers = (col(Household.number), col(Household.phone)) if full_numbers(actor) else (col(Household.number),)
    condition = _text_filter(query, col(Household.search_key), *numbers)
    if condition is not None:
        statement = statement.where(condition)
    if grid_id:
        statement = statement.where(Household.grid_id == grid_id)
    if _grid_scoped(actor):
        statement = statement.where(Household.grid_id == (actor.grid_id or ""))
    statement = _joins_for(statement, key, None)
    statement = _order_by(statement, key, descending, orders, [col(Household.search_key), col(Household.id)])
    ids = list(session.exec(statement))
    if tag:  # JSON list column: filter in Python, portable across SQLite and PostgreSQL
        wanted = set(ids)
        rows = session.exec(select(Household.id, Household.tags).where(col(Household.id).in_(wanted)))
        tagged = {row_id for row_id, tags in rows if tag in (tags or [])}
        ids = [i for i in ids if i in tagged]
    return ids


@dataclasses.dataclass(frozen=True)
class ResidentRow:
    """One line of the residents table, ready to show."""

    id: str
    name: str
    gender: str
    birth_date: dt.date | None
    id_number: str
    phone: str
    household_number: str
    household_head: str
    group_name: str
    grid_name: str
    relation: str
    party_member: bool
    representative: bool
    status: str
    actions: dict[str, str | None] = dataclasses.field(default_factory=dict, compare=False)  # see allowed_actions

    def age(self, today: dt.date | None = None) -> int | None:
        return age_on(self.birth_date, today or dt.date.today()) if self.birth_date else None


def resident_rows(*, session: Session, actor: Actor, ids: list[str]) -> list[ResidentRow]:
    """Rows for the given ids, in the same order (ids that vanished are skipped)."""
    require(actor, "people.view")
    if not ids:
        return []
    found: dict[str, ResidentRow] = {}
    actions = _actions(actor, kind="resident", record=True)
    statement = _resident_rows_statement(_grid_scoped(actor))
    params = {"ids": ids, "grid_id": actor.grid_id or ""}
    for (resident_id, name, gender, birth_date, id_number, phone, relation, party_member, representative, status,
         number, head, group_name, grid_name) in plain_rows(session, statement, params):
        found[resident_id] = ResidentRow(
            id=resident_id, name=name, gender=gender, birth_date=birth_date,
            id_number=_listed(id_number, "id"), phone=_listed(phone, "phone"),
            household_number=number or "",
            household_head=head or "", group_name=group_name or "", grid_name=grid_name or "",
            relation=relation, party_member=party_member,
            representative=representative, status=status, actions=dict(actions))
    return [found[i] for i in ids if i in found]


@functools.cache
def _resident_rows_statement(grid_scoped: bool) -> Any:
    """The rows' statement, built once (``ids`` and ``grid_id`` bound when it runs). The columns a
    row shows, not whole Resident objects: loading ORM objects (identity map, every column) was
    most of the time of the first screenful read with each keystroke."""
    statement = (
        select(Resident.id, Resident.name, Resident.gender, Resident.birth_date, Resident.id_number, Resident.phone,
               Resident.relation, Resident.party_member, Resident.representative, Resident.status,
               Household.number, Household.head_name, VillageGroup.name, Grid.name)
        .join(Household, col(Resident.household_id) == col(Household.id), isouter=True)
        .join(VillageGroup, col(Household.group_id) == col(VillageGroup.id), isouter=True)
        .join(Grid, col(Household.grid_id) == col(Grid.id), isouter=True)
        .where(col(Resident.id).in_(bindparam("ids", expanding=True)))
    )
    if grid_scoped:
        statement = statement.where(col(Household.grid_id) == bindparam("grid_id"))
    return statement


@dataclasses.dataclass(frozen=True)
class HouseholdRow:
    id: str
    number: str
    head_name: str
    address: str
    group_name: str
    grid_name: str
    phone: str
    tags: tuple[str, ...]
    members: int
    actions: dict[str, str | None] = dataclasses.field(default_factory=dict, compare=False)  # see allowed_actions


def household_rows(*, session: Session, actor: Actor, ids: list[str]) -> list[HouseholdRow]:
    require(actor, "people.view")
    if not ids:
        return []
    members = dict(session.exec(
        select(Resident.household_id, func.count()).where(col(Resident.household_id).in_(ids))
        .group_by(Resident.household_id)).all())
    lone_heads = set(session.exec(select(Resident.household_id).where(
        col(Resident.household_id).in_(ids), Resident.relation == "head")).all())
    statement = (
        select(Household, VillageGroup.name, Grid.name)
        .join(VillageGroup, col(Household.group_id) == col(VillageGroup.id), isouter=True)
        .join(Grid, col(Household.grid_id) == col(Grid.id), isouter=True)
        .where(col(Household.id).in_(ids))
    )
    if _grid_scoped(actor):
        statement = statement.where(Household.grid_id == (actor.grid_id or ""))
    found = {
        h.id: HouseholdRow(id=h.id, number=h.number, head_name=h.head_name, address=h.address,
                           group_name=group_name or "", grid_name=grid_name or "", phone=_listed(h.phone, "phone"),
                           tags=tuple(h.tags or ()), members=members.get(h.id, 0),
                           actions=_actions(actor, kind="household", record=True,
                                            members=_blocking(members.get(h.id, 0), h.id in lone_heads)))
        for h, group_name, grid_name in session.exec(statement)
    }
    return [found[i] for i in ids if i in found]


def resident_form(*, session: Session, actor: Actor, resident_id: str) -> ResidentForm:
    """The stored resident as a form, for the edit dialog."""
    require(actor, "people.view")
    r = get_resident(session, resident_id)
    _check_scope(actor, _household_of(session, r))
    return ResidentForm(name=r.name, id_number=_masked(actor, r.id_number, "id"), gender=r.gender,
                        phone=_masked(actor, r.phone, "phone"),
                        household_id=r.household_id, relation=r.relation, party_member=r.party_member,
                        representative=r.representative, status=r.status, note=r.note, rev=r.rev)


def household_form(*, session: Session, actor: Actor, household_id: str) -> HouseholdForm:
    require(actor, "people.view")
    h = get_household(session, household_id)
    _check_scope(actor, h)
    return HouseholdForm(head_name=h.head_name, number=h.number, address=h.address, group_id=h.group_id,
                         grid_id=h.grid_id, phone=_masked(actor, h.phone, "phone"), tags=list(h.tags or []),
                         rev=h.rev)


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    require_any(actor, "people.view", "stats.view")
    residents = session.exec(select(func.count()).select_from(Resident).where(Resident.status == "resident")).one()
    party = session.exec(select(func.count()).select_from(Resident).where(Resident.status == "resident",
                                                                         col(Resident.party_member).is_(True))).one()
    households = session.exec(select(func.count()).select_from(Household)).one()
    return {
        "households": households,
        "residents": residents,
        "party_members": party,
        "groups": len(list_groups(session)),
        "grids": len(list_grids(session)),
    }


# ---------------------------------------------------------------- for the GUI


def group_choices(*, session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(id, name) of every 村民小组, in their order, for choosers."""
    require_any(actor, "people.view", "village.edit")
    return [(g.id, g.name) for g in list_groups(session)]


def grid_choices(*, session: Session, actor: Actor, group_id: str | None = None) -> list[tuple[str, str]]:
    """(id, name) of every 网格, in the order of their groups, for choosers; only the grids of
    ``group_id`` (and grids of no group) when a group is chosen."""
    require_any(actor, "people.view", "village.edit")
    return [(g.id, g.name) for g in list_grids(session) if not group_id or g.group_id in (group_id, None)]


def _refusal(actor: Actor, permission: str) -> str | None:
    """None when ``actor`` holds ``permission``, else why not (in the user's language)."""
    try:
        require(actor, permission)
    except PermissionDenied as exc:
        return str(exc)
    return None


def _blocking(members: int, has_head: bool) -> int:
    """Members that stop a household from being deleted: a 户主 alone goes with the household."""
    return 0 if members == 1 and has_head else members


def _actions(actor: Actor, *, kind: str, record: bool, members: int = 0, in_scope: bool = True) -> dict[str, str | None]:
    permission = "village.edit" if kind in ("group", "grid", "village") else "people.edit"
    may = _refusal(actor, permission)
    if kind == "village":
        return {"edit": may}
    actions: dict[str, str | None] = {"new": may}
    if kind in ("resident", "household") and not record:
        from app.people.excel_import import import_refusal

        actions["import_excel"] = import_refusal(actor)
    if record:
        actions["open"] = None
        actions["edit"] = may if may is not None or in_scope else _out_of_scope()
        actions["delete"] = may if kind in ("group", "grid") else _refusal(actor, "people.delete")
        if actions["delete"] is None and kind == "household" and members:
            actions["delete"] = ngettext("The household still has {n} member; move or remove them first.",
                                 "The household still has {n} members; move or remove them first.", members).format(n=members)
    return actions


def allowed_actions(*, session: Session, actor: Actor, record_id: str | None = None,
                    kind: str = "resident") -> dict[str, str | None]:
    """What ``actor`` may do with a resident, household, group or grid (``kind``; ``record_id``
    None: with the register itself, e.g. ``new``), or with the village profile (``kind="village"``):
    action → None when allowed, otherwise the reason in the user's language. Without a record it
    tells only what the role may do, so any signed-in role may ask."""
    if actor is None or record_id is not None:
        require_any(actor, "people.view", "village.edit")
    if kind not in ("resident", "household", "group", "grid", "village"):
        raise ValueError(kind)
    members = 0
    in_scope = True
    if record_id is not None and kind != "village":
        getter = {"resident": get_resident, "household": get_household, "group": get_group, "grid": get_grid}[kind]
        row = getter(session, record_id)
        if kind in ("resident", "household"):
            in_scope = _in_scope(actor, row if kind == "household" else _household_of(session, row))
        if kind == "household":
            members = int(session.exec(select(func.count()).select_from(Resident)
                                       .where(Resident.household_id == record_id)).one())
            has_head = session.exec(select(Resident.id).where(Resident.household_id == record_id,
                                                              Resident.relation == "head")).first() is not None
            members = _blocking(members, has_head)
    return _actions(actor, kind=kind, record=record_id is not None and kind != "village", members=members,
                    in_scope=in_scope)
