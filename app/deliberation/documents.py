"""四议两公开 documents: the resolution notice (决议公告), the results notice (实施结果公告) and,
for a matter that was stopped, its own notice — 表决结果公告 (the resolution vote failed: the
counts and 未获通过) or 终止说明 (an earlier vote stopped it: why). A 决议公告 is never printed
for a matter that was not resolved.

Every notice is signed jointly by the Party branch and the villagers' committee (side by side, a
seal each). The 公开 notices are 公示: a 公示期 line, the objection paragraph and a contact line;
the outcome notices state a fact and carry only the contact line.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from app import deliberation as d
from app.deliberation import queries as dq
from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _
from app.meetings.documents import contact_line
from app.notices import queries as notice_queries
from app.notices.model import publicity_end
from app.printing import Column, Document, PrintKind, Table
from app.printing.model import NoticeParts
from app.printing.templates import PUBLICITY, public_notice
from db.base import local_now
from db.models.deliberation import DeliberationMatter, DeliberationStep

PUBLICITY_DAYS = 7  # the window printed on a notice written from the steps (the register's default)
FACT = NoticeParts(publicity=False, objection=False, contact=True)  # 表决结果公告 / 终止说明


def _matter(session: Session, ident: str, reached: str) -> DeliberationMatter:
    if ident in ("", "latest"):
        # the newest matter that reached the step and was not stopped: "latest" never picks a
        # failed vote for a resolution notice
        matter_id = session.exec(
            select(DeliberationMatter.id).join(DeliberationStep, DeliberationStep.matter_id == DeliberationMatter.id)
            .where(DeliberationStep.step == reached, DeliberationMatter.state != d.STOPPED)
            .order_by(col(DeliberationStep.held_on).desc()).limit(1)).first()
        if matter_id is None:
            raise NotFound(_("No matter has reached this step yet."))
        ident = matter_id
    return dq.get_matter(session, ident)


def _steps_table(content: d.NoticeContent) -> Table | None:
    if not content.rows:
        return None
    return Table(columns=[Column("step", _("Step"), weight=2), Column("date", _("Date"), weight=1.4),
                          Column("detail", _("Meeting, vote or notice"), weight=3.5)],
                 rows=[list(row) for row in content.rows])


def _write(session: Session, content: d.NoticeContent, *, date: dt.date, number: str = "") -> Document:
    start = date
    end = publicity_end(start, PUBLICITY_DAYS, calendar=notice_queries.get_calendar(session))
    notice = public_notice(title=content.title, body=content.paragraphs, issuer=list(content.issuers), date=date,
                           number=number, table=_steps_table(content), parts=PUBLICITY if content.publicity else FACT,
                           publicity_start=start, publicity_end=end, publicity_days=PUBLICITY_DAYS,
                           contact_line=contact_line(session), addressee=_("To all villagers:"))
    notice.subject = _("四议两公开 notice")
    return notice


def _deliberation_notice(session: Session, actor: Actor, ident: str, *, results: bool) -> Document:
    """The 公开 notice of a matter: exactly as issued when it came from the notice register; otherwise
    written from the steps (with the number of a notice issued elsewhere, or none yet)."""
    require(actor, "meetings.view")
    step = d.PUBLISH_RESULTS if results else d.PUBLISH_RESOLUTION
    reached = d.PUBLISH_RESOLUTION if results else d.RESOLUTION
    matter = _matter(session, ident, reached)
    progress = d.progress(session=session, actor=actor, matter_id=matter.id)
    publish_step = next((s for s in progress.steps if s.step == step and s.done), None)
    if publish_step is not None and publish_step.notice_id:
        return notice_queries.document_of(session, notice_queries.get_notice(session, publish_step.notice_id))
    content = d.notice_content(session=session, actor=actor, matter_id=matter.id, step=step)  # refuses a stopped one
    date = publish_step.held_on if publish_step else local_now().date()
    return _write(session, content, date=date, number=publish_step.notice_number if publish_step else "")


def _resolution_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    return _deliberation_notice(session, actor, ident, results=False)


def _results_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    return _deliberation_notice(session, actor, ident, results=True)


def _outcome_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    """表决结果公告 or 终止说明 of a stopped matter (``latest``: the newest stopped one)."""
    require(actor, "meetings.view")
    if ident in ("", "latest"):
        matter_id = session.exec(select(DeliberationMatter.id).where(DeliberationMatter.state == d.STOPPED)
                                 .order_by(col(DeliberationMatter.created_at).desc()).limit(1)).first()
        if matter_id is None:
            raise NotFound(_("No matter has been stopped."))
        ident = matter_id
    matter = dq.get_matter(session, ident)
    content = d.outcome_content(session=session, actor=actor, matter_id=matter.id)
    return _write(session, content, date=local_now().date())


PRINT_KINDS = (
    PrintKind("deliberation_resolution", public=True, description=N_("四议两公开 resolution notice (决议公开)"),
              builder=_resolution_notice),
    PrintKind("deliberation_results", public=True,
              description=N_("四议两公开 implementation results notice (实施结果公开)"), builder=_results_notice),
    PrintKind("deliberation_outcome", public=True,
              description=N_("四议两公开 vote result or stop statement of a stopped matter (表决结果公告／终止说明)"),
              builder=_outcome_notice),
)
