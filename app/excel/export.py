"""Excel export of every register and report table (导出Excel).

Each area declares its table(s) below as an :class:`ExcelTable`: its permission, its columns (an
English msgid for the header and, for personal numbers, how they are masked) and how its rows are
read. One writer (:mod:`app.excel.writer`) gives every file the same shape.

Masking is the choice printing makes: what leaves the office is de-identified by default (ID
numbers 510112********1234, phones 138****5678, as every list shows them); the full numbers only
for the roles that may see them (``people.numbers``), and only when asked for (``full=True``).
Each export is recorded in the audit trail (what, how many rows, masked or full).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.auth import Actor, require
from app.errors import NotFound, PermissionDenied
from app.i18n import N_, _
from app.privacy import mask_id_number, mask_phone
from app.excel.writer import add_table, new_book, save_workbook
from db.tracking import audit_note


@dataclasses.dataclass(frozen=True)
class ExcelColumn:
    header: str  # English msgid
    mask: str = ""  # "" | "id" | "phone"


@dataclasses.dataclass(frozen=True)
class ExcelTable:
    kind: str  # typed on the command line: residents, households …
    area: str  # the area's key (app.areas), for the page that offers it
    title: str  # English msgid: the sheet's and the file's name
    permission: str
    columns: tuple[ExcelColumn, ...]
    rows: Callable[[Session], list[list[Any]]]


@dataclasses.dataclass(frozen=True)
class ExportKind:
    kind: str
    area: str
    title: str  # translated


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    masked: bool


def _label(labels: dict[str, Any], code: str) -> str:
    value = labels.get(code, code)
    return _(getattr(value, "label", value)) if value else ""


def _names(session: Session, model: Any, field: str = "name") -> dict[str, str]:
    return {row.id: getattr(row, field) for row in session.exec(select(model)).all()}


def _yes(value: Any) -> str:
    return _("Yes") if value else ""


# ---------------------------------------------------------------- the areas' tables


def _residents(session: Session) -> list[list[Any]]:
    from app.people import RELATIONS, STATUSES
    from db.models.people import Household, Resident, VillageGroup

    households = {h.id: h for h in session.exec(select(Household)).all()}
    groups = _names(session, VillageGroup)
    rows = []
    for r in session.exec(select(Resident).order_by(Resident.search_key)).all():
        h = households.get(r.household_id or "")
        rows.append([r.name, _label({"M": N_("Male"), "F": N_("Female")}, r.gender), r.id_number, r.birth_date,
                     r.phone, h.number if h else "", h.head_name if h else "", _label(RELATIONS, r.relation),
                     groups.get(h.group_id or "", "") if h else "", _yes(r.party_member), _yes(r.representative),
                     _label(STATUSES, r.status), r.note])
    return rows


def _households(session: Session) -> list[list[Any]]:
    from app.people import HOUSEHOLD_TAGS
    from db.models.people import Grid, Household, Resident, VillageGroup

    groups, grids = _names(session, VillageGroup), _names(session, Grid)
    members: dict[str, int] = {}
    for hid in session.exec(select(Resident.household_id).where(Resident.status == "resident")).all():
        members[hid or ""] = members.get(hid or "", 0) + 1
    return [[h.number, h.head_name, groups.get(h.group_id or "", ""), grids.get(h.grid_id or "", ""), h.address,
             h.phone, members.get(h.id, 0), "、".join(_label(HOUSEHOLD_TAGS, t) for t in h.tags)]
            for h in session.exec(select(Household).order_by(Household.number)).all()]


def _meetings(session: Session) -> list[list[Any]]:
    from app.meetings import KINDS, STATES
    from db.models.meetings import Meeting

    return [[m.title, _label(KINDS, m.kind), _label(STATES, m.state), m.starts_at, m.place, m.host_name,
             m.recorder_name, m.expected_count or None, m.head_count, m.held_on]
            for m in session.exec(select(Meeting).order_by(col(Meeting.starts_at).desc())).all()]


def _concerns(session: Session) -> list[list[Any]]:
    from app.concerns import CATEGORIES, SATISFACTION, SOURCES, STATES
    from db.models.concerns import Concern

    return [[c.number, c.title, _label(CATEGORIES, c.category), _label(SOURCES, c.source), c.raised_by, c.raised_on,
             c.assignee, c.due_on, _label(STATES, c.state), c.closed_on, c.resolution, _label(SATISFACTION, c.satisfaction)]
            for c in session.exec(select(Concern).order_by(Concern.raised_on, Concern.number)).all()]


def _deliberation(session: Session) -> list[list[Any]]:
    from app.deliberation import STATES, STEPS
    from db.models.deliberation import DeliberationMatter, DeliberationStep

    last: dict[str, DeliberationStep] = {}
    for step in session.exec(select(DeliberationStep).order_by(DeliberationStep.position)).all():
        last[step.matter_id] = step
    rows = []
    for m in session.exec(select(DeliberationMatter).order_by(DeliberationMatter.started_on)).all():
        step = last.get(m.id)
        rows.append([m.title, _label(STATES, m.state), m.started_on, _label(STEPS, step.step) if step else "",
                     step.held_on if step else None, m.stop_reason])
    return rows


def _notices(session: Session) -> list[list[Any]]:
    from app.notices import NOTICE_KINDS, STATES
    from db.models.notices import Notice

    return [[n.number, n.title, _label(NOTICE_KINDS, n.kind), _label(STATES, n.state), n.issue_date,
             n.publicity_start, n.publicity_end, n.posted_on, n.taken_down_on, n.issued_by]
            for n in session.exec(select(Notice).order_by(Notice.issue_date, Notice.number)).all()]


def _cases(session: Session) -> list[list[Any]]:
    from app.mediation import CATEGORIES, OUTCOMES, SOURCES, STATES
    from db.models.mediation import MediationCase

    return [[c.number, c.title, _label(CATEGORIES, c.category), _label(SOURCES, c.source), c.people_involved,
             c.mediators, _label(STATES, c.state), c.registered_on, c.accepted_on, c.due_on, c.concluded_on,
             _label(OUTCOMES, c.outcome)]
            for c in session.exec(select(MediationCase).order_by(MediationCase.year, MediationCase.seq)).all()]


def _points(session: Session) -> list[list[Any]]:
    from app.points import KINDS, SOURCES
    from db.models.people import Household
    from db.models.points import PointsEntry, PointsRule

    households = {h.id: h for h in session.exec(select(Household)).all()}
    rules = _names(session, PointsRule, "description")
    rows = []
    for e in session.exec(select(PointsEntry).order_by(PointsEntry.seq)).all():
        h = households.get(e.household_id)
        rows.append([e.seq, e.entry_date, h.number if h else "", h.head_name if h else "", _label(KINDS, e.kind),
                     rules.get(e.rule_id or "", ""), e.points, _label(SOURCES, e.source), e.note, e.recorded_by,
                     e.approved_by])
    return rows


def _hours(session: Session) -> list[list[Any]]:
    from app.volunteers import ACTIVITY_KINDS
    from db.models.people import Resident
    from db.models.volunteers import VolunteerHours, VolunteerTeam

    people, teams = _names(session, Resident), _names(session, VolunteerTeam)
    return [[h.served_on, people.get(h.resident_id, ""), teams.get(h.team_id or "", ""),
             _label(ACTIVITY_KINDS, h.activity_kind), round(h.minutes / 60, 2), h.note, h.recorded_by]
            for h in session.exec(select(VolunteerHours).order_by(VolunteerHours.served_on)).all()]


def _honours(session: Session) -> list[list[Any]]:
    from app.awards import KINDS
    from db.models.awards import AwardCampaign, AwardHonour

    campaigns = _names(session, AwardCampaign, "title")
    return [[h.year, campaigns.get(h.campaign_id, ""), _label(KINDS, h.kind), h.place, h.name, h.honoured_on]
            for h in session.exec(select(AwardHonour).order_by(AwardHonour.year, AwardHonour.place)).all()]


C = ExcelColumn
TABLES: tuple[ExcelTable, ...] = (
    ExcelTable("residents", "residents", N_("Residents"), "people.view", (
        C(N_("Name")), C(N_("Gender")), C(N_("ID number"), "id"), C(N_("Date of birth")), C(N_("Phone"), "phone"),
        C(N_("Household number")), C(N_("Head of household")), C(N_("Relation to the head")), C(N_("Group")),
        C(N_("Party member")), C(N_("Villagers' representative")), C(N_("Status")), C(N_("Note"))), _residents),
    ExcelTable("households", "households", N_("Households"), "people.view", (
        C(N_("Household number")), C(N_("Head of household")), C(N_("Group")), C(N_("Grid")), C(N_("Address")),
        C(N_("Phone"), "phone"), C(N_("Members")), C(N_("Tags"))), _households),
    ExcelTable("meetings", "meetings", N_("Meetings"), "meetings.view", (
        C(N_("Title")), C(N_("Kind")), C(N_("State")), C(N_("Starts at")), C(N_("Place")), C(N_("Host")),
        C(N_("Recorder")), C(N_("Expected")), C(N_("Counted present")), C(N_("Held on"))), _meetings),
    ExcelTable("concerns", "concerns", N_("Concerns"), "concerns.view", (
        C(N_("Number")), C(N_("Title")), C(N_("Category")), C(N_("Source")), C(N_("Raised by")), C(N_("Raised on")),
        C(N_("Assignee")), C(N_("Due on")), C(N_("State")), C(N_("Closed on")), C(N_("Resolution")),
        C(N_("Satisfaction"))), _concerns),
    ExcelTable("deliberation", "deliberation", N_("Four deliberations, two disclosures"), "meetings.view", (
        C(N_("Matter")), C(N_("State")), C(N_("Started on")), C(N_("Last step")), C(N_("Last step on")),
        C(N_("Reason stopped"))), _deliberation),
    ExcelTable("notices", "notices", N_("Notices"), "notices.view", (
        C(N_("Number")), C(N_("Title")), C(N_("Kind")), C(N_("State")), C(N_("Issued on")),
        C(N_("Publicity from")), C(N_("Publicity until")), C(N_("Posted on")), C(N_("Taken down on")),
        C(N_("Issued by"))), _notices),
    ExcelTable("cases", "mediation", N_("Mediation cases"), "mediation.view", (
        C(N_("Number")), C(N_("Dispute")), C(N_("Category")), C(N_("Source")), C(N_("People involved")),
        C(N_("Mediators")), C(N_("State")), C(N_("Registered on")), C(N_("Accepted on")), C(N_("Due on")),
        C(N_("Concluded on")), C(N_("Outcome"))), _cases),
    ExcelTable("points", "points", N_("Points ledger"), "points.view", (
        C(N_("Serial number")), C(N_("Date")), C(N_("Household number")), C(N_("Head of household")), C(N_("Kind")),
        C(N_("Rule")), C(N_("Points")), C(N_("Source")), C(N_("Note")), C(N_("Recorded by")),
        C(N_("Approved by"))), _points),
    ExcelTable("hours", "volunteers", N_("Volunteer hours"), "people.view", (
        C(N_("Date")), C(N_("Volunteer")), C(N_("Team")), C(N_("Kind")), C(N_("Hours")), C(N_("Note")),
        C(N_("Recorded by"))), _hours),
    ExcelTable("honours", "awards", N_("Honours rolls"), "stats.view", (
        C(N_("Year")), C(N_("Selection")), C(N_("Kind")), C(N_("Place")), C(N_("Honoured")), C(N_("Honoured on"))),
     _honours),
)
TABLES_BY_KIND = {table.kind: table for table in TABLES}


def _table(kind: str) -> ExcelTable:
    table = TABLES_BY_KIND.get(kind)
    if table is None:
        raise NotFound(_("No table “{kind}” to export; tables are: {kinds}.").format(
            kind=kind, kinds=", ".join(TABLES_BY_KIND)))
    return table


def export_kinds(*, session: Session | None = None, actor: Actor) -> list[ExportKind]:
    """The tables this role may export (what ``export-excel`` and the pages offer): the role alone
    decides, nothing is read (``session`` is not needed)."""
    return [ExportKind(t.kind, t.area, _(t.title)) for t in TABLES if actor.can(t.permission)]


def may_export_full(*, session: Session | None = None, actor: Actor) -> bool:
    """Whether the role may export full ID and phone numbers (the office: people.numbers): the
    role alone decides (``session`` is not needed)."""
    return actor.can("people.numbers")


def export_table(*, session: Session, actor: Actor, kind: str, to_file: str | Path, full: bool = False) -> ExportResult:
    """Write table ``kind`` to ``to_file`` (.xlsx). Personal numbers are masked unless ``full``,
    which only the roles that may see them may ask for."""
    table = _table(kind)
    require(actor, table.permission)
    if full:
        if not actor.can("people.numbers"):
            raise PermissionDenied(_("Your role ({role}) may export this table only with ID and phone numbers "
                                     "masked.").format(role=actor.role_label))
    rows = table.rows(session)
    masks = [c.mask for c in table.columns]
    if not full and any(masks):
        rows = [[(mask_id_number(v) if m == "id" else mask_phone(v)) if m and isinstance(v, str) and v else v
                 for v, m in zip(row, masks, strict=True)] for row in rows]
    book = new_book()
    add_table(book, title=_(table.title), headers=[_(c.header) for c in table.columns], rows=rows)
    path = save_workbook(book, Path(to_file))
    audit_note(session, table_name=kind, row_id="*", note="excel export",
               detail={"rows": len(rows), "full": bool(full), "file": path.name})
    return ExportResult(path=str(path), rows=len(rows), masked=not full)


def default_file_name(kind: str, on: dt.date | None = None) -> str:
    table = _table(kind)
    return f"{_(table.title)}-{(on or dt.date.today()):%Y%m%d}.xlsx"
