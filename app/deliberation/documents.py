"""四议两公开 documents: the resolution notice (决议公开) and the results notice (实施结果公开)."""
from __future__ import annotations

from sqlmodel import Session

from app import deliberation as d
from app.deliberation import queries as dq
from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _
from app.meetings.documents import village_profile
from app.notices import queries as notice_queries
from app.printing import Column, Document, PrintKind, Table
from app.printing.templates import public_notice
from db.base import local_now
from db.models.deliberation import DeliberationMatter


def _matter(session: Session, ident: str, reached: str) -> DeliberationMatter:
    if ident in ("", "latest"):
        matter_id = dq.latest_matter_id(session, reached=reached)
        if matter_id is None:
            raise NotFound(_("No matter has reached this step yet."))
        ident = matter_id
    return dq.get_matter(session, ident)


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
    content = d.notice_content(session=session, actor=actor, matter_id=matter.id, step=step)
    table = Table(columns=[Column("step", _("Step"), weight=2), Column("date", _("Date"), weight=1.4),
                           Column("detail", _("Meeting, vote or notice"), weight=3.5)],
                  rows=[list(row) for row in content.rows]) if content.rows else None
    date = publish_step.held_on if publish_step else local_now().date()
    profile = village_profile(session)
    notice = public_notice(title=content.title, body=content.paragraphs, issuer=content.issuer, date=date,
                           number=publish_step.notice_number if publish_step else "", table=table, objection="",
                           supervision_phone=profile.supervision_phone if profile else "",
                           addressee=_("To all villagers:"))
    notice.subject = _("四议两公开 notice")
    return notice


def _resolution_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    return _deliberation_notice(session, actor, ident, results=False)


def _results_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    return _deliberation_notice(session, actor, ident, results=True)


PRINT_KINDS = (
    PrintKind("deliberation_resolution", public=True, description=N_("四议两公开 resolution notice (决议公开)"),
              builder=_resolution_notice),
    PrintKind("deliberation_results", public=True,
              description=N_("四议两公开 implementation results notice (实施结果公开)"), builder=_results_notice),
)
