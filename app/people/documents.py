"""The residents' roster (村民花名册) of a group or the whole village (private: full names, for the office)."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _, official_date
from app.printing.model import Column, Document
from app.printing.registry import PrintKind
from app.printing.templates import roster


def _resident_roster(*, session: Session, actor: Actor, ident: str) -> Document:
    from app.people.queries import get_profile
    from db.models.people import Household, Resident, VillageGroup

    require(actor, "people.view")
    require(actor, "people.numbers")  # the full private roster: the office only (docs/roles.md)
    query = (select(Resident, Household, VillageGroup)
             .join(Household, col(Resident.household_id) == Household.id, isouter=True)
             .join(VillageGroup, col(Household.group_id) == VillageGroup.id, isouter=True)
             .where(Resident.status == "resident"))
    group_name = ""
    if ident not in ("latest", "all", ""):
        group = session.exec(select(VillageGroup).where(
            (VillageGroup.id == ident) | (VillageGroup.name == ident))).first()
        if group is None:
            raise NotFound(_("No villager group {ident}.").format(ident=ident))
        query = query.where(Household.group_id == group.id)
        group_name = group.name
    rows = []
    for resident, household, group in session.exec(query.order_by(VillageGroup.number, Household.number,
                                                                  Resident.name)):
        gender = {"M": _("Male"), "F": _("Female")}.get(resident.gender, "")
        rows.append([resident.name, gender, resident.id_number, resident.phone,
                     household.head_name if household else "", group.name if group else "",
                     _("Yes") if resident.party_member else ""])
    profile = get_profile(session)
    village = profile.name if profile else ""
    title = _("Residents of {village} {group}").format(village=village, group=group_name).strip()
    columns = [Column("name", _("Name"), "name"), Column("gender", _("Gender"), align="center"),
               Column("id_number", _("ID number"), "id_number"), Column("phone", _("Phone"), "phone"),
               Column("head", _("Head of household"), "name"), Column("group", _("Group")),
               Column("party", _("Party member"), align="center")]
    return roster(title=title, columns=columns, rows=rows, landscape=True,
                  notes=[_("{count} residents. Printed {date}; contains personal information: keep it in the "
                           "office.").format(count=len(rows), date=official_date(dt.date.today()))])


PRINT_KINDS = (
    PrintKind("resident_roster", public=False, description=N_("Residents' roster of a group or the village"),
              builder=_resident_roster),
)
