"""志愿服务时长公示: a team's roster with each member's hours of a year, for the board.

Public: names are de-identified like every public notice (张*丰) — the hours are what is
published, and a member who wants to check their own asks the office."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _
from app.meetings.documents import committee_name, contact_line
from app.notices.model import publicity_end
from app.notices.queries import get_calendar
from app.printing import Column, Document, PrintKind, Table
from app.printing.templates import PUBLICITY, public_notice
from app.volunteers import service as v
from db.models.people import Resident
from db.models.volunteers import VolunteerHours, VolunteerMember, VolunteerTeam

PUBLICITY_DAYS = 7


def _hours_publicity(*, session: Session, actor: Actor, ident: str) -> Document:
    """``ident``: a year (2025), ``latest`` (the newest year with hours) or a team's id (this year)."""
    require(actor, "people.view")
    team_ids: list[str] | None = None
    if ident in ("", "latest"):
        last = session.exec(select(func.max(VolunteerHours.served_on))).one()
        if last is None:
            raise NotFound(_("No volunteer hours have been recorded yet."))
        year = last.year
    elif ident.isdigit() and len(ident) == 4:
        year = int(ident)
    else:
        team = session.get(VolunteerTeam, ident)
        if team is None:
            raise NotFound(_("No such volunteer team."))
        team_ids, year = [team.id], v.today().year
    teams = list(session.exec(select(VolunteerTeam).order_by(VolunteerTeam.name)))
    if team_ids:
        teams = [t for t in teams if t.id in team_ids]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    minutes = {(t or "", r): int(m) for t, r, m in session.exec(
        select(VolunteerHours.team_id, VolunteerHours.resident_id, func.sum(VolunteerHours.minutes))
        .where(VolunteerHours.served_on >= start, VolunteerHours.served_on <= end)
        .group_by(VolunteerHours.team_id, VolunteerHours.resident_id)).all()}
    services = {(t or "", r): int(n) for t, r, n in session.exec(
        select(VolunteerHours.team_id, VolunteerHours.resident_id, func.count(func.distinct(VolunteerHours.assignment_id)))
        .where(VolunteerHours.served_on >= start, VolunteerHours.served_on <= end, VolunteerHours.minutes > 0)
        .group_by(VolunteerHours.team_id, VolunteerHours.resident_id)).all()}
    rows, total = [], 0
    for team in teams:
        members = session.exec(select(Resident.id, Resident.name).join(
            VolunteerMember, VolunteerMember.resident_id == Resident.id).where(VolunteerMember.team_id == team.id)
            .order_by(Resident.name)).all()
        for resident_id, name in members:
            served = minutes.get((team.id, resident_id), 0)
            total += served
            rows.append([team.name, name, str(services.get((team.id, resident_id), 0)), f"{served / 60:.1f}"])
    if not rows:
        raise NotFound(_("No team has members yet."))
    table = Table(columns=[Column("team", _("Team"), weight=1.6), Column("name", _("Volunteer"), "name"),
                           Column("services", _("Services"), align="right"),
                           Column("hours", _("Hours"), align="right")], rows=rows, numbered=True)
    today = v.today()
    body = [_("The volunteer service hours of {year} are published below ({people} volunteers, {hours} hours in all). "
              "Hours count only service actually given; a volunteer who did not come earns none.").format(
        year=year, people=len(rows), hours=f"{total / 60:.1f}")]
    notice = public_notice(title=_("Volunteer service hours of {year}").format(year=year), body=body, table=table,
                           issuer=committee_name(session), date=today, parts=PUBLICITY, publicity_start=today,
                           publicity_end=publicity_end(today, PUBLICITY_DAYS, calendar=get_calendar(session)),
                           publicity_days=PUBLICITY_DAYS,
                           objection=_("During the publicity period, volunteers who find their hours wrong may tell "
                                       "their team leader or the village office; hours are corrected by a "
                                       "recorded correction."),
                           contact_line=contact_line(session))
    notice.subject = _("Volunteer hours notice")
    return notice


PRINT_KINDS = (
    PrintKind("volunteer_hours", public=True,
              description=N_("Volunteer roster and hours publicity (志愿服务时长公示)"), builder=_hours_publicity),
)
