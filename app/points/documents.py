"""积分制 documents: the ranking poster (积分排名), the 红黑榜 poster and a household's passbook.

The two posters are public and de-identified (王*明户): a ranking publishes points, not people,
and the 黑榜 names a household only when the committee recorded a decision to name, at a meeting
(that decision is printed on the poster). The passbook is the household's own copy: private.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _, official_date
from app.meetings import queries as meeting_queries
from app.meetings.documents import committee_name, contact_line
from app.points import service as p
from app.points.queries import latest_entry_date, latest_entry_household
from app.printing import Column, Document, Para, PrintKind, Table
from app.printing.model import NoticeParts
from app.printing.templates import public_notice, roster
from db.models.people import Household

FACT = NoticeParts(publicity=False, objection=False, contact=True)


def _year(session: Session, ident: str) -> int:
    if ident in ("", "latest"):
        last = latest_entry_date(session)
        if last is None:
            raise NotFound(_("No points have been recorded yet."))
        return last.year
    if ident.isdigit() and len(ident) == 4:
        return int(ident)
    raise NotFound(_("Give a year (2026) or latest."))


def _period(session: Session, year: int) -> tuple[dt.date, dt.date]:
    end = min(dt.date(year, 12, 31), p.today())
    return dt.date(year, 1, 1), end


def _household_column(key: str = "name") -> Column:
    return Column(key, _("Head of household"), "name", weight=1.4)


def _ranking_poster(*, session: Session, actor: Actor, ident: str) -> Document:
    """积分排名: the households of a year by points earned (``ident``: the year or latest)."""
    year = _year(session, ident)
    start, end = _period(session, year)
    ranked = p.ranking(session=session, actor=actor, start=start, end=end, limit=15)  # one sheet
    if not ranked:
        raise NotFound(_("No points were earned in {year}.").format(year=year))
    table = Table(columns=[Column("rank", _("Rank"), align="right"), _household_column(), Column("group", _("Group")),
                           Column("points", _("Score"), align="right")],
                  rows=[[str(r.rank), r.head, r.group, str(r.points)] for r in ranked])
    body = [_("Points earned from {start} to {end} under the published points rules (spending at the points "
              "shop does not count). Every household may see its own entries in its passbook at the office.").format(
        start=official_date(start), end=official_date(end))]
    notice = public_notice(title=_("Points ranking of {year}").format(year=year), body=body, table=table,
                           issuer=committee_name(session), date=p.today(), parts=FACT,
                           contact_line=contact_line(session))
    notice.subject = _("Points ranking")
    return notice


def _board_poster(*, session: Session, actor: Actor, ident: str) -> Document:
    """红黑榜 of a year (``ident``: the year or latest)."""
    year = _year(session, ident)
    start, end = _period(session, year)
    shown = p.board(session=session, actor=actor, start=start, end=end)
    # one sheet: the 红榜 and the 黑榜 side by side, the groups left out (a board, not a register)
    red_rows = [[r.head, str(r.points)] for r in shown.red]
    black_rows = [[r.head, str(-r.points)] for r in shown.black]
    count = max(len(red_rows), len(black_rows), 1)
    rows = [[str(n + 1)] + (red_rows[n] if n < len(red_rows) else ["—" if n == 0 else "", ""])
            + (black_rows[n] if n < len(black_rows) else ["—" if n == 0 else "", ""]) for n in range(count)]
    table = Table(columns=[Column("rank", _("No."), align="center"),
                           Column("red", _("Red list (红榜)"), "name", weight=1.4),
                           Column("red_points", _("Points earned"), align="right"),
                           Column("black", _("Black list (黑榜)"), "name", weight=1.4),
                           Column("black_points", _("Points deducted"), align="right")], rows=rows)
    body = [_("By the village's published points rules, from {start} to {end}.").format(
        start=official_date(start), end=official_date(end))]
    unmasked = []
    if shown.decision is not None:
        meeting = meeting_queries.get_meeting(session, shown.decision.meeting_id)
        named = [_("the red list") if shown.name_red else "", _("the black list") if shown.name_black else ""]
        body.append(_("By decision of {meeting} on {date}, {lists} is published by name.").format(
            meeting=meeting.title, date=official_date(shown.decision.decided_on),
            lists=_(" and ").join(x for x in named if x)))
        unmasked = [key for key, named_ in (("red", shown.name_red), ("black", shown.name_black)) if named_]
    else:
        body.append(_("Households are shown de-identified."))
    notice = public_notice(title=_("Red and black list of {year}").format(year=year), body=body, table=None,
                           issuer=committee_name(session), date=p.today(), parts=FACT,
                           contact_line=contact_line(session))
    notice.blocks[len(body):len(body)] = [table]
    notice.unmasked = unmasked
    notice.subject = _("Red and black list")
    return notice


def _passbook(*, session: Session, actor: Actor, ident: str) -> Document:
    """积分存折 of a household (``ident``: the household's id or number, or latest)."""
    require(actor, "points.view")
    if ident in ("", "latest"):
        household_id = latest_entry_household(session)
        if household_id is None:
            raise NotFound(_("No points have been recorded yet."))
    else:
        household_id = session.exec(select(Household.id).where(
            (Household.id == ident) | (Household.number == ident))).first()
        if household_id is None:
            raise NotFound(_("No such household."))
    book = p.passbook(session=session, actor=actor, household_id=household_id)
    rows = [[str(line.seq), official_date(line.entry_date), p.kind_label(line.kind), line.description,
             f"{line.points:+d}", str(line.balance), line.recorded_by, line.approved_by] for line in book.lines]
    document = roster(title=_("Points passbook"), columns=[
        Column("seq", _("No."), align="right"), Column("date", _("Date")), Column("kind", _("Kind")),
        Column("what", _("What for"), weight=2.5), Column("points", _("+/− points"), align="right"),
        Column("balance", _("Balance"), align="right"), Column("by", _("Recorded by")),
        Column("approved", _("Approved by"))], rows=rows, numbered=False,
        intro=_("{household}, household no. {number}, {group}. Balance: {balance} points (earned {earned}, "
                "redeemed {spent}).").format(household=book.household_name, number=book.number or "—",
                                              group=book.group or "—", balance=book.closing, earned=book.earned,
                                              spent=book.spent),
        notes=[_("Entries are never changed: a correction is a reversal entry that names the entry it reverses.")],
        date=p.today(), subject=_("Points passbook"))
    document.blocks.append(Para(_("Printed by {office}.").format(office=committee_name(session)), indent=False))
    return document


PRINT_KINDS = (
    PrintKind("points_ranking", public=True, description=N_("Points ranking poster (积分排名)"),
              builder=_ranking_poster, parts=FACT),
    PrintKind("points_board", public=True, description=N_("Red and black list poster (红黑榜)"),
              builder=_board_poster, parts=FACT),
    PrintKind("points_passbook", public=False, description=N_("Household points passbook (积分存折)"),
              builder=_passbook),
)
