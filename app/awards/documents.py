"""评选表彰 documents: the selection's 公示 (the nominees approved by the two committees, with the
publicity window and how to object) and the honours roll poster (光荣榜).

Both are public. The names they exist to publish — the nominees of the 公示, the honoured on
the roll — are printed in full by the template's own rule (``unmasked``); any other registered
name, phone or ID number in their text is still masked."""
from __future__ import annotations

from sqlmodel import Session, col, select

from app.auth import Actor, require
from app.awards import service as a
from app.errors import NotFound, StateError
from app.i18n import N_, _, official_date
from app.meetings import queries as meeting_queries
from app.meetings.documents import contact_line, joint_issuers
from app.printing import Column, Document, PrintKind, Table
from app.printing.model import NoticeParts
from app.printing.templates import PUBLICITY, public_notice
from db.models.awards import AwardCampaign, AwardHonour, AwardNomination

FACT = NoticeParts(publicity=False, objection=False, contact=True)


def _campaign(session: Session, ident: str, states: tuple[str, ...]) -> AwardCampaign:
    if ident in ("", "latest"):
        found = session.exec(select(AwardCampaign).where(col(AwardCampaign.state).in_(states))
                             .order_by(col(AwardCampaign.publicity_start).desc(), col(AwardCampaign.number).desc())
                             .limit(1)).first()
        if found is None:
            raise NotFound(_("No selection has reached this step yet."))
        return found
    found = session.exec(select(AwardCampaign).where((AwardCampaign.id == ident) | (AwardCampaign.number == ident))).first()
    if found is None:
        raise NotFound(_("No such selection."))
    if found.state not in states:
        raise StateError(_("The selection is “{state}”: this document is not printed for it.").format(
            state=a.state_label(found.state)))
    return found


def _publicity_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    """评选结果公示 (``ident``: the campaign's id or number, or latest)."""
    require(actor, "people.view")
    found = _campaign(session, ident, (a.PUBLICITY, a.CLOSED))
    approved = list(session.exec(select(AwardNomination).where(AwardNomination.campaign_id == found.id,
                                                                AwardNomination.review == "approved")
                                 .order_by(col(AwardNomination.votes_for).desc(), AwardNomination.position)))
    meeting = meeting_queries.get_meeting(session, found.vote_meeting_id) if found.vote_meeting_id else None
    # a household is printed by its head's name, so that the register's name is the one shown in full
    households = found.nominee_kind == "household"
    table = Table(columns=[Column("nominee", _("Household (head)") if households else _("Nominee"), "name",
                                  weight=1.2),
                           Column("channel", _("Nominated by way of"), weight=1.2),
                           Column("reason", _("Deeds"), weight=3), Column("votes", _("Votes for"), align="right")],
                  rows=[[n.name.removesuffix("户") if households else n.name, a.channel_label(n.channel).split(" (")[0].split("（")[0], n.reason,
                         str(n.votes_for or 0)] for n in approved], numbered=True)
    body = [_("In the {title}, after nomination, a vote of the villagers' representatives ({meeting}, {date}: "
              "{present} of {expected} present) and review by the two committees on {reviewed}, the following "
              "are proposed for the honour. They are published for comment.").format(
        title=found.title, meeting=meeting.title if meeting else "", date=official_date(found.voted_on),
        present=found.vote_present, expected=found.vote_expected, reviewed=official_date(found.reviewed_on))]
    notice = public_notice(title=_("Publicity of the {title} results").format(title=found.title), body=body,
                           table=table, issuer=joint_issuers(session), date=found.publicity_start, parts=PUBLICITY,
                           publicity_start=found.publicity_start, publicity_end=found.publicity_end,
                           publicity_days=found.publicity_days, working_days=found.working_days,
                           objection=_("During the publicity period, anyone who objects to a nominee may tell the "
                                       "village affairs supervision committee or the village office, in writing or "
                                       "in person, with facts; every objection is checked and answered."),
                           contact_line=contact_line(session))
    notice.unmasked = ["nominee"]  # the names this 公示 exists to publish
    notice.number = found.number
    notice.subject = _("Selection publicity")
    return notice


def _honours_poster(*, session: Session, actor: Actor, ident: str) -> Document:
    """光荣榜 of a closed selection (``ident``: the campaign's id or number, or latest)."""
    require(actor, "people.view")
    found = _campaign(session, ident, (a.CLOSED,))
    honours = list(session.exec(select(AwardHonour).where(AwardHonour.campaign_id == found.id)
                                .order_by(AwardHonour.place)))
    households = found.nominee_kind == "household"
    table = Table(columns=[Column("honoured", _("Household (head)") if households else _("Honoured"), "name",
                                  weight=1.5), Column("title", _("Honour"), weight=2)],
                  rows=[[h.name.removesuffix("户") if households else h.name, a.kind_label(h.kind).split(" (")[-1].rstrip(")")] for h in honours], numbered=True)
    body = [_("After nomination, a vote of the villagers' representatives, review by the two committees and "
              "publicity from {start} to {end}, the following are honoured in the {title}. Congratulations!").format(
        start=official_date(found.publicity_start), end=official_date(found.publicity_end), title=found.title)]
    notice = public_notice(title=_("Honours roll: {title}").format(title=found.title), body=body, table=table,
                           issuer=joint_issuers(session), date=found.closed_on, parts=FACT,
                           contact_line=contact_line(session))
    notice.unmasked = ["honoured"]
    notice.subject = _("Honours roll")
    return notice


PRINT_KINDS = (
    PrintKind("award_publicity", public=True, description=N_("Selection publicity notice (评选公示)"),
              builder=_publicity_notice, parts=PUBLICITY),
    PrintKind("award_honours", public=True, description=N_("Honours roll poster (光荣榜)"), builder=_honours_poster,
              parts=FACT),
)
