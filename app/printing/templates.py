"""Ready-made documents: the roster/listing every area reuses and the public notices of the
村务公开栏 and 党务公开栏. Each returns a :class:`~app.printing.model.Document`; nothing here
touches the database except the ``resident_roster`` print kind at the end.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, col, select

from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _, official_date
from app.printing.model import (  # noqa: F401 (re-exported)
    NOTIFICATION,
    PUBLICITY,
    Block,
    Column,
    Document,
    NoticeParts,
    Para,
    Table,
)
from app.printing.registry import register_kind


def roster(*, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], public: bool = False,
           intro: str = "", notes: Sequence[str] = (), caption: str = "", signature: Sequence[str] = (),
           date: dt.date | None = None, numbered: bool = True, style: str = "poster", paper: str = "A4",
           landscape: bool | None = None, subject: str = "") -> Document:
    """A listing (名册/花名册/明细表): a title, an optional lead paragraph, one table whose
    header repeats on every page, notes under it and an optional 落款.

    Mark personal-data columns ``sensitive`` so public copies are masked. Wide tables (more
    than six columns) are laid out landscape unless told otherwise.
    """
    columns = list(columns)
    blocks: list[Block] = []
    if intro:
        blocks.append(Para(intro))
    blocks.append(Table(columns=columns, rows=[["" if v is None else str(v) for v in r] for r in rows],
                        caption=caption, numbered=numbered))
    blocks.extend(Para(n, indent=False) for n in notes)
    return Document(title=title, blocks=blocks, signature=list(signature), date=date, public=public,
                    style=style, paper=paper, landscape=len(columns) > 6 if landscape is None else landscape,
                    subject=subject or _("Roster"))


def pretty_phone(phone: str) -> str:
    """02884851234 → 028-84851234 (area codes 010 and 02x have three digits, others four)."""
    digits = phone.strip()
    if not digits.isdigit() or not digits.startswith("0") or len(digits) < 10:
        return phone
    area = 3 if digits[1] in "12" else 4
    return f"{digits[:area]}-{digits[area:]}"


def publicity_sentence(start: dt.date, end: dt.date, days: int, working_days: bool) -> str:
    """公示期：2026年1月5日至2026年1月11日（共7天）。"""
    if working_days:
        text = _("Publicity period: {start} to {end} ({days} working days).")
    else:
        text = _("Publicity period: {start} to {end} ({days} days).")
    return text.format(start=official_date(start), end=official_date(end), days=days)


def public_notice(*, title: str, body: str | Sequence[str], issuer: str | Sequence[str], date: dt.date | None,
                  number: str = "", table: Table | None = None, publicity_start: dt.date | None = None,
                  publicity_end: dt.date | None = None, publicity_days: int = 0, working_days: bool = False,
                  objection: str = "", supervision_phone: str = "", party: bool = False, addressee: str = "",
                  corrects: str = "", style: str = "poster", paper: str = "A4", landscape: bool = False,
                  parts: NoticeParts | None = None, contact_line: str = "") -> Document:
    """A 村务公开 (``party=False``) or 党务公开 (``party=True``) notice: title, number, body, an
    optional table, the publicity window, how to object, the supervision phone, issuer and date.

    ``body`` is text (paragraphs separated by blank lines) or a list of paragraphs. ``issuer``
    may name joint issuers (``["中共青石村支部委员会", "青石村民委员会"]``): they print side by
    side, each with its own seal.

    ``parts`` (the kind's :class:`NoticeParts`) makes the notice print exactly those closing
    paragraphs, once each: the publicity window (its dates are then required), the objection
    paragraph and the contact line (``supervision_phone`` or ``contact_line``). Without
    ``parts`` the old rule holds: each is printed when its data is given.
    """
    paragraphs = body if not isinstance(body, str) else [p.strip() for p in body.replace("\r", "").split("\n\n")]
    blocks: list[Block] = []
    if corrects:
        blocks.append(Para(corrects))
    blocks.extend(Para(" ".join(p.split("\n"))) for p in paragraphs if p.strip())
    if table is not None:
        blocks.append(table)
    want_publicity = parts.publicity if parts else bool(publicity_start and publicity_end)
    want_objection = parts.objection if parts else objection is not None
    want_contact = parts.contact if parts else bool(supervision_phone or contact_line)
    if want_publicity:
        if not (publicity_start and publicity_end):
            raise ValueError("this kind of notice has a publicity period: give its start and end")
        blocks.append(Para(publicity_sentence(publicity_start, publicity_end, publicity_days, working_days),
                           role="publicity"))
    if want_objection:
        default = (_("During the publicity period, party members and villagers who object may tell the village "
                     "Party branch or the township Party committee, in writing or in person.") if party else
                   _("During the publicity period, villagers who object may tell the village affairs supervision "
                     "committee, in writing or in person."))
        text = objection or default
        # once: a body that already says how to object is not followed by the same paragraph
        if not any(isinstance(b, Para) and b.text.strip() == text.strip() for b in blocks):
            blocks.append(Para(text, role="objection"))
    if want_contact:
        if supervision_phone:
            blocks.append(Para(_("Supervision phone: {phone}").format(phone=pretty_phone(supervision_phone)),
                               verbatim=True, role="contact"))
        elif contact_line:
            blocks.append(Para(contact_line, verbatim=True, role="contact"))
        elif parts is not None:
            raise ValueError("this kind of notice has a contact line: give the supervision phone or a contact line")
    issuers = [issuer] if isinstance(issuer, str) else [i for i in issuer if i]
    joint = len(issuers) > 1
    return Document(title=title, number=number, addressee=addressee, blocks=blocks,
                    signature=[] if joint else [i for i in issuers if i], issuers=issuers if joint else [],
                    date=date, seal=True, public=True, style=style, paper=paper, landscape=landscape,
                    subject=_("Party affairs notice") if party else _("Village affairs notice"))


# ---------------------------------------------------------------------------------------------
# Print kind: the residents' roster (private: full details, for the office)


def _resident_roster(*, session: Session, actor: Actor, ident: str) -> Document:
    from app.people import get_profile
    from db.models.people import Household, Resident, VillageGroup

    require(actor, "people.view")
    query = (select(Resident, Household, VillageGroup)
             .join(Household, col(Resident.household_id) == Household.id, isouter=True)
             .join(VillageGroup, col(Household.group_id) == VillageGroup.id, isouter=True)
             .where(col(Resident.deleted_at).is_(None), Resident.status == "resident"))
    group_name = ""
    if ident not in ("latest", "all", ""):
        group = session.exec(select(VillageGroup).where(
            col(VillageGroup.deleted_at).is_(None),
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


register_kind("resident_roster", public=False, description=N_("Residents' roster of a group or the village"),
              builder=_resident_roster)
