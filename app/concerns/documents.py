"""群众诉求办理情况公示: the de-identified progress notice of villagers' concerns."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from app import concerns as c
from app import meetings as m
from app.meetings import queries as mq
from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _, official_date
from app.meetings.documents import contact_line, issuers_for
from app.notices.model import publicity_end
from app.notices.queries import get_calendar
from app.printing import Column, Document, PrintKind, Table
from app.printing.templates import PUBLICITY, public_notice
from db.models.concerns import Concern
from db.models.people import Grid


PUBLICITY_DAYS = 7


def _concerns_progress(*, session: Session, actor: Actor, ident: str) -> Document:
    require(actor, "concerns.view")
    query = select(Concern)
    if ident in ("", "latest"):
        last = session.exec(select(Concern.raised_on)
                            .order_by(Concern.raised_on.desc()).limit(1)).first()
        if last is None:
            raise NotFound(_("No concerns have been recorded yet."))
        ident = f"{last.year:04d}-{last.month:02d}"
    if len(ident) == 7 and ident[4] == "-" and ident.replace("-", "").isdigit():
        year, month = int(ident[:4]), int(ident[5:])
        if not 1 <= month <= 12:
            raise NotFound(_("No such month: {ident}.").format(ident=ident))
        first = dt.date(year, month, 1)
        after = dt.date(year + month // 12, month % 12 + 1, 1)
        query = query.where(Concern.raised_on >= first, Concern.raised_on < after)
        heading = _("Concerns raised in month {month} of {year}").format(year=year, month=month)
    else:
        meeting = mq.get_meeting(session, ident)
        query = query.where(Concern.meeting_id == meeting.id)
        heading = _("Concerns raised at {title}").format(title=meeting.title)
    items = list(session.exec(query.order_by(Concern.number)))
    grid_names = dict(session.exec(select(Grid.id, Grid.name)).all())
    today = c.today()
    rows = []
    for x in items:
        if x.state == c.CLOSED:
            status = _("Closed on {date}").format(date=official_date(x.closed_on))
        elif x.state == c.ESCALATED:
            status = _("Escalated to the township")
        elif c.is_overdue(x, today):
            status = _("Overdue, being handled")
        else:
            status = _("Being handled, due {date}").format(date=official_date(x.due_on))
        rows.append([x.number, x.raised_by, grid_names.get(x.grid_id or "", ""), x.title,
                     x.resolution or "", status])
    closed = sum(1 for x in items if x.state == c.CLOSED)
    # 办结率 as in app.concerns.closure_rates: of the concerns whose due date has come, those closed
    # by it. One closed early but not yet due is not counted on either side.
    now_due = [x for x in items if x.due_on <= today]
    due = len(now_due)
    on_time = sum(1 for x in now_due if x.state == c.CLOSED and x.closed_on <= x.due_on)
    summary = _("{heading}: {total} in all, {closed} closed; {on_time} of the {due} now due were closed on time "
                "(closure rate {rate}).").format(heading=heading, total=len(items), closed=closed, on_time=on_time,
                                                  due=due, rate=f"{on_time / due:.1%}" if due else "—")
    # numbers, names and the status (a date) are sized from their content and never split; the two
    # text columns take the rest and wrap
    table = Table(columns=[Column("number", _("Concern no.")), Column("who", _("Raised by"), "name"),
                           Column("grid", _("Grid")), Column("what", _("Concern"), weight=2.6),
                           Column("how", _("How it was handled"), weight=2.6), Column("status", _("Status"))],
                  rows=rows, numbered=False)
    # A 公示: it is posted for a week from today, and says so, before "during the publicity period".
    end = publicity_end(today, PUBLICITY_DAYS, calendar=get_calendar(session))
    notice = public_notice(title=_("Progress of villagers' concerns"), body=[summary], table=table,
                           issuer=issuers_for(session, m.OPEN_AIR), date=today, parts=PUBLICITY,
                           publicity_start=today, publicity_end=end, publicity_days=PUBLICITY_DAYS,
                           objection=_("During the publicity period, villagers who are not satisfied with how a "
                                       "concern was handled may tell the village office or the supervision "
                                       "committee."),
                           contact_line=contact_line(session))
    notice.subject = _("Concerns progress notice")
    return notice


PRINT_KINDS = (
    PrintKind("concerns_progress", public=True,
              description=N_("Villagers' concerns progress notice (诉求办理情况公示)"), builder=_concerns_progress),
)
