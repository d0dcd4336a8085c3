"""The people register (户籍/人口台账): village profile, 村民小组, 网格, households and residents."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from app.auth import SECRETARY, Actor, create_user, require, user_count
from app.errors import NotFound, StateError, ValidationError
from app.i18n import N_, _
from app.pinyin import name_search_key, normalize_query
from app.validation import age_on, normalize_phone, parse_id_number, validate_village_code
from db.base import soft_delete
from db.models.people import Grid, Household, Resident, VillageGroup, VillageProfile

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


# ---------------------------------------------------------------- village profile


def get_profile(session: Session) -> VillageProfile | None:
    return session.exec(select(VillageProfile).where(col(VillageProfile.deleted_at).is_(None))).first()


def is_set_up(session: Session) -> bool:
    return get_profile(session) is not None and user_count(session) > 0


def _profile_errors(name: str, code: str, supervision_phone: str) -> tuple[dict[str, str], str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter the village's name.")
    elif len(name.strip()) > 64:
        errors["name"] = _("The name is too long.")
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


def setup_village(*, session: Session, name: str, code: str, township: str, committee_name: str = "",
                  supervision_phone: str = "", admin_username: str, admin_password: str,
                  admin_display_name: str = "") -> Actor:
    """First run: create the village profile and its first admin (书记/主任) in one go."""
    if get_profile(session) is not None or user_count(session) > 0:
        raise StateError(_("This database is already set up."))
    errors, code, phone = _profile_errors(name, code, supervision_phone)
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
                   supervision_phone: str) -> VillageProfile:
    require(actor, "village.edit")
    profile = get_profile(session)
    if profile is None:
        raise NotFound(_("The village is not set up yet."))
    errors, _code, phone = _profile_errors(name, profile.code, supervision_phone)
    if errors:
        raise ValidationError(errors)
    profile.name, profile.township = name.strip(), township.strip()
    profile.committee_name, profile.supervision_phone = committee_name.strip(), phone
    session.add(profile)
    session.flush()
    return profile


# ---------------------------------------------------------------- groups and grids


def list_groups(session: Session) -> list[VillageGroup]:
    return list(session.exec(select(VillageGroup).where(col(VillageGroup.deleted_at).is_(None))
                             .order_by(VillageGroup.number, VillageGroup.name)))


def list_grids(session: Session) -> list[Grid]:
    return list(session.exec(select(Grid).where(col(Grid.deleted_at).is_(None)).order_by(Grid.name)))


def add_group(*, session: Session, actor: Actor, name: str, number: int | None = None, leader_name: str = "") -> VillageGroup:
    require(actor, "village.edit")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the group's name.")})
    if any(g.name == name for g in list_groups(session)):
        raise ValidationError({"name": _("There is already a group called {name}.").format(name=name)})
    group = VillageGroup(name=name, number=number if number is not None else len(list_groups(session)) + 1,
                         leader_name=leader_name.strip())
    session.add(group)
    session.flush()
    return group


def add_grid(*, session: Session, actor: Actor, name: str, group_id: str | None = None, leader_name: str = "",
             leader_phone: str = "", area_leader_name: str = "") -> Grid:
    require(actor, "village.edit")
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Enter the grid's name.")
    elif any(g.name == name for g in list_grids(session)):
        errors["name"] = _("There is already a grid called {name}.").format(name=name)
    phone = ""
    if leader_phone.strip():
        try:
            phone = normalize_phone(leader_phone)
        except ValueError as exc:
            errors["leader_phone"] = str(exc)
    if group_id and session.get(VillageGroup, group_id) is None:
        errors["group_id"] = _("Choose a group from the list.")
    if errors:
        raise ValidationError(errors)
    grid = Grid(name=name, group_id=group_id or None, leader_name=leader_name.strip(), leader_phone=phone,
                area_leader_name=area_leader_name.strip())
    session.add(grid)
    session.flush()
    return grid


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


def _check_name(value: str, field: str, errors: dict[str, str], *, required: bool = True) -> str:
    value = value.strip()
    if not value:
        if required:
            errors[field] = _("Enter a name.")
    elif len(value) > MAX_NAME:
        errors[field] = _("A name has at most {n} characters.").format(n=MAX_NAME)
    elif any(ch.isdigit() for ch in value):
        errors[field] = _("A name has no digits.")
    return value


def validate_household(session: Session, form: HouseholdForm, *, household_id: str | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"head_name": _check_name(form.head_name, "head_name", errors)}
    clean["number"] = form.number.strip()
    if len(clean["number"]) > 32:
        errors["number"] = _("A household number has at most 32 characters.")
    elif clean["number"]:
        clash = session.exec(select(Household.id).where(Household.number == clean["number"],
                                                         col(Household.deleted_at).is_(None))).first()
        if clash and clash != household_id:
            errors["number"] = _("Household number {number} is already used.").format(number=clean["number"])
    clean["address"] = form.address.strip()
    if len(clean["address"]) > 128:
        errors["address"] = _("The address is too long.")
    clean["phone"] = ""
    if form.phone.strip():
        try:
            clean["phone"] = normalize_phone(form.phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if form.group_id and session.get(VillageGroup, form.group_id) is None:
        errors["group_id"] = _("Choose a group from the list.")
    if form.grid_id and session.get(Grid, form.grid_id) is None:
        errors["grid_id"] = _("Choose a grid from the list.")
    clean["group_id"], clean["grid_id"] = form.group_id or None, form.grid_id or None
    unknown = [t for t in form.tags if t not in HOUSEHOLD_TAGS]
    if unknown:
        errors["tags"] = _("Unknown tag: {tag}.").format(tag=unknown[0])
    clean["tags"] = sorted(set(form.tags), key=list(HOUSEHOLD_TAGS).index) if not unknown else []
    return errors, clean


def save_household(*, session: Session, actor: Actor, form: HouseholdForm, household_id: str | None = None) -> Household:
    """Add (``household_id=None``) or change a household; refused field by field when invalid."""
    require(actor, "people.edit")
    errors, clean = validate_household(session, form, household_id=household_id)
    if errors:
        raise ValidationError(errors)
    household = get_household(session, household_id) if household_id else Household()
    for key, value in clean.items():
        setattr(household, key, value)
    household.search_key = name_search_key(household.head_name, household.number, household.address)
    session.add(household)
    session.flush()
    return household


def get_household(session: Session, household_id: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted_at is not None:
        raise NotFound(_("That household no longer exists."))
    return household


def delete_household(*, session: Session, actor: Actor, household_id: str) -> None:
    require(actor, "people.edit")
    household = get_household(session, household_id)
    members = session.exec(select(func.count()).select_from(Resident).where(
        Resident.household_id == household_id, col(Resident.deleted_at).is_(None))).one()
    if members:
        raise StateError(_("The household still has {n} member(s); move or remove them first.").format(n=members))
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


def validate_resident(session: Session, form: ResidentForm, *, resident_id: str | None = None,
                      village_code: str = "") -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"name": _check_name(form.name, "name", errors)}
    clean["id_number"], clean["birth_date"], clean["gender"] = "", None, form.gender or ""
    if form.id_number.strip():
        try:
            parsed = parse_id_number(form.id_number)
        except ValueError as exc:
            errors["id_number"] = str(exc)
        else:
            clean["id_number"], clean["birth_date"] = parsed.value, parsed.birth_date
            if form.gender and form.gender != parsed.gender:
                errors["gender"] = _("The gender does not match the ID number.")
            clean["gender"] = parsed.gender
            query = select(Resident.id).where(Resident.id_number == parsed.value, col(Resident.deleted_at).is_(None))
            if village_code:
                query = query.where(Resident.village_code == village_code)
            clash = session.exec(query).first()
            if clash and clash != resident_id:
                errors["id_number"] = _("Another resident already has this ID number.")
    if clean["gender"] not in GENDERS and "id_number" not in errors:
        errors.setdefault("gender", _("Choose a gender, or enter the ID number."))
    clean["phone"] = ""
    if form.phone.strip():
        try:
            clean["phone"] = normalize_phone(form.phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if form.household_id and session.get(Household, form.household_id) is None:
        errors["household_id"] = _("Choose a household from the list.")
    clean["household_id"] = form.household_id or None
    if form.relation and form.relation not in RELATIONS:
        errors["relation"] = _("Choose a relation from the list.")
    clean["relation"] = form.relation
    if form.status not in STATUSES:
        errors["status"] = _("Choose a status from the list.")
    clean["status"] = form.status
    clean["party_member"], clean["representative"] = bool(form.party_member), bool(form.representative)
    clean["note"] = form.note.strip()[:255]
    return errors, clean


def save_resident(*, session: Session, actor: Actor, form: ResidentForm, resident_id: str | None = None) -> Resident:
    """Add (``resident_id=None``) or change a resident; refused field by field when invalid."""
    require(actor, "people.edit")
    errors, clean = validate_resident(session, form, resident_id=resident_id,
                                      village_code=str(session.info.get("village_code") or ""))
    if errors:
        raise ValidationError(errors)
    resident = get_resident(session, resident_id) if resident_id else Resident()
    for key, value in clean.items():
        setattr(resident, key, value)
    resident.search_key = name_search_key(resident.name)
    session.add(resident)
    if resident.relation == "head" and resident.household_id:
        household = session.get(Household, resident.household_id)
        if household is not None and household.head_name != resident.name:
            household.head_name = resident.name
            household.search_key = name_search_key(household.head_name, household.number, household.address)
            session.add(household)
    session.flush()
    return resident


def get_resident(session: Session, resident_id: str) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None or resident.deleted_at is not None:
        raise NotFound(_("That resident no longer exists."))
    return resident


def delete_resident(*, session: Session, actor: Actor, resident_id: str) -> None:
    require(actor, "people.edit")
    resident = get_resident(session, resident_id)
    soft_delete(resident)
    session.add(resident)
    session.flush()


# ---------------------------------------------------------------- search and listing


def _text_filter(query: str, key_column: Any, *extra_columns: Any) -> Any | None:
    needle = normalize_query(query)
    if not needle:
        return None
    pattern = f"%{needle}%"
    clauses = [key_column.like(pattern)]
    if needle.isdigit() or needle.endswith("x"):
        clauses.extend(column.like(pattern) for column in extra_columns)
    return or_(*clauses)


def resident_ids(*, session: Session, actor: Actor, query: str = "", household_id: str | None = None,
                 include_inactive: bool = True) -> list[str]:
    """Ids of residents matching a search (name, pinyin initials, full pinyin, ID or phone digits)."""
    require(actor, "people.view")
    statement = select(Resident.id).where(col(Resident.deleted_at).is_(None))
    condition = _text_filter(query, col(Resident.search_key), col(Resident.id_number), col(Resident.phone))
    if condition is not None:
        statement = statement.where(condition)
    if household_id:
        statement = statement.where(Resident.household_id == household_id)
    if not include_inactive:
        statement = statement.where(Resident.status == "resident")
    return list(session.exec(statement.order_by(Resident.search_key)))


def household_ids(*, session: Session, actor: Actor, query: str = "", tag: str | None = None,
                  grid_id: str | None = None) -> list[str]:
    """Ids of households matching a search (head's name, pinyin, number, address) and filters."""
    require(actor, "people.view")
    statement = select(Household.id).where(col(Household.deleted_at).is_(None))
    condition = _text_filter(query, col(Household.search_key), col(Household.number), col(Household.phone))
    if condition is not None:
        statement = statement.where(condition)
    if grid_id:
        statement = statement.where(Household.grid_id == grid_id)
    ids = list(session.exec(statement.order_by(Household.number, Household.head_name)))
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

    def age(self, today: dt.date | None = None) -> int | None:
        return age_on(self.birth_date, today or dt.date.today()) if self.birth_date else None


def resident_rows(*, session: Session, actor: Actor, ids: list[str]) -> list[ResidentRow]:
    """Rows for the given ids, in the same order (ids that vanished are skipped)."""
    require(actor, "people.view")
    if not ids:
        return []
    statement = (
        select(Resident, Household.number, Household.head_name, VillageGroup.name, Grid.name)
        .join(Household, col(Resident.household_id) == col(Household.id), isouter=True)
        .join(VillageGroup, col(Household.group_id) == col(VillageGroup.id), isouter=True)
        .join(Grid, col(Household.grid_id) == col(Grid.id), isouter=True)
        .where(col(Resident.id).in_(ids))
    )
    found: dict[str, ResidentRow] = {}
    for resident, number, head, group_name, grid_name in session.exec(statement):
        found[resident.id] = ResidentRow(
            id=resident.id, name=resident.name, gender=resident.gender, birth_date=resident.birth_date,
            id_number=resident.id_number, phone=resident.phone, household_number=number or "",
            household_head=head or "", group_name=group_name or "", grid_name=grid_name or "",
            relation=resident.relation, party_member=resident.party_member,
            representative=resident.representative, status=resident.status)
    return [found[i] for i in ids if i in found]


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


def household_rows(*, session: Session, actor: Actor, ids: list[str]) -> list[HouseholdRow]:
    require(actor, "people.view")
    if not ids:
        return []
    members = dict(session.exec(
        select(Resident.household_id, func.count()).where(col(Resident.household_id).in_(ids),
                                                          col(Resident.deleted_at).is_(None))
        .group_by(Resident.household_id)).all())
    statement = (
        select(Household, VillageGroup.name, Grid.name)
        .join(VillageGroup, col(Household.group_id) == col(VillageGroup.id), isouter=True)
        .join(Grid, col(Household.grid_id) == col(Grid.id), isouter=True)
        .where(col(Household.id).in_(ids))
    )
    found = {
        h.id: HouseholdRow(id=h.id, number=h.number, head_name=h.head_name, address=h.address,
                           group_name=group_name or "", grid_name=grid_name or "", phone=h.phone,
                           tags=tuple(h.tags or ()), members=members.get(h.id, 0))
        for h, group_name, grid_name in session.exec(statement)
    }
    return [found[i] for i in ids if i in found]


def resident_form(*, session: Session, actor: Actor, resident_id: str) -> ResidentForm:
    """The stored resident as a form, for the edit dialog."""
    require(actor, "people.view")
    r = get_resident(session, resident_id)
    return ResidentForm(name=r.name, id_number=r.id_number, gender=r.gender, phone=r.phone,
                        household_id=r.household_id, relation=r.relation, party_member=r.party_member,
                        representative=r.representative, status=r.status, note=r.note)


def household_form(*, session: Session, actor: Actor, household_id: str) -> HouseholdForm:
    require(actor, "people.view")
    h = get_household(session, household_id)
    return HouseholdForm(head_name=h.head_name, number=h.number, address=h.address, group_id=h.group_id,
                         grid_id=h.grid_id, phone=h.phone, tags=list(h.tags or []))


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    alive = col(Resident.deleted_at).is_(None)
    residents = session.exec(select(func.count()).select_from(Resident).where(alive, Resident.status == "resident")).one()
    party = session.exec(select(func.count()).select_from(Resident).where(alive, Resident.status == "resident",
                                                                         col(Resident.party_member).is_(True))).one()
    households = session.exec(select(func.count()).select_from(Household).where(col(Household.deleted_at).is_(None))).one()
    return {
        "households": households,
        "residents": residents,
        "party_members": party,
        "groups": len(list_groups(session)),
        "grids": len(list_grids(session)),
    }
