"""评选表彰: 最美庭院, 五星级文明户, 十大孝星, 文明家庭 …, walked step by step.

推荐 (组织推荐 / 个人推荐 / 自荐) → 村民代表投票 (the tallies are judged by the meetings' own quorum
and majority rules, :mod:`app.rules` through the meeting's rule) → 两委复审 with a reason for
each → 公示 (its window counted like a notice's, working days and the village's calendar
included) with objections recorded and resolved → 光荣榜. The roll cannot be made before the
window has ended, nor while an objection is unresolved; an upheld objection takes the nominee off.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, func, select

from app import meetings as meetings_door
from app import rules
from app.auth import Actor, require, require_any
from app.errors import NotFound, StateError, ValidationError
from app.i18n import N_, _
from app.meetings import queries as meeting_queries
from app.notices.model import MAX_PUBLICITY_DAYS, publicity_end
from app.notices.queries import get_calendar
from app.text import clean_dates, clean_many
from app.views import view, view_class
from db.base import local_now
from db.models.awards import AwardCampaign, AwardHonour, AwardNomination, AwardObjection
from db.models.people import Household, Resident
from db.scope import next_number

KINDS: dict[str, str] = {"courtyard": N_("Most beautiful courtyard (最美庭院)"),
                         "five_star": N_("Five-star civilised household (五星级文明户)"),
                         "filial": N_("Filial piety stars (十大孝星)"),
                         "civilised_family": N_("Civilised family (文明家庭)"), "other": N_("Other selection")}
CHANNELS: dict[str, str] = {"organisation": N_("Recommended by an organisation (组织推荐)"),
                            "person": N_("Recommended by a person (个人推荐)"), "self": N_("Self-nominated (自荐)")}
NOMINEE_KINDS: dict[str, str] = {"household": N_("Households"), "resident": N_("Residents")}
NOMINATING, VOTED, REVIEWED, PUBLICITY, CLOSED = "nominating", "voted", "reviewed", "publicity", "closed"
STATES: dict[str, str] = {NOMINATING: N_("Taking nominations"), VOTED: N_("Voted by representatives"),
                          REVIEWED: N_("Reviewed by the two committees"), PUBLICITY: N_("In publicity (公示)"),
                          CLOSED: N_("Honours roll made")}
STEP_ORDER = (NOMINATING, VOTED, REVIEWED, PUBLICITY, CLOSED)
DEFAULT_PUBLICITY_DAYS = 7

CampaignView = view_class(AwardCampaign, "CampaignView", extra={"nominations": 0, "unresolved": 0})
NominationView = view_class(AwardNomination, "NominationView")
ObjectionView = view_class(AwardObjection, "ObjectionView")
HonourView = view_class(AwardHonour, "HonourView")


def today() -> dt.date:
    return local_now().date()


def kind_label(code: str) -> str:
    return _(KINDS.get(code, code))


def channel_label(code: str) -> str:
    return _(CHANNELS.get(code, code))


def state_label(code: str) -> str:
    return _(STATES.get(code, code))


def _get(session: Session, campaign_id: str) -> AwardCampaign:
    found = session.get(AwardCampaign, campaign_id)
    if found is None or found.deleted_at is not None:
        raise NotFound(_("No such selection."))
    return found


def _in_state(campaign: AwardCampaign, state: str) -> None:
    if campaign.state != state:
        raise StateError(_("This step comes when the selection is “{wanted}”; it is “{now}”.").format(
            wanted=state_label(state), now=state_label(campaign.state)))


def _nominations(session: Session, campaign_id: str) -> list[AwardNomination]:
    return list(session.exec(select(AwardNomination).where(AwardNomination.campaign_id == campaign_id)
                             .order_by(AwardNomination.position)))


def _unresolved(session: Session, campaign_id: str) -> int:
    return session.exec(select(func.count()).select_from(AwardObjection).where(
        AwardObjection.campaign_id == campaign_id, AwardObjection.resolved_on.is_(None))).one()


def _view(session: Session, campaign: AwardCampaign) -> Any:
    count = session.exec(select(func.count()).select_from(AwardNomination)
                         .where(AwardNomination.campaign_id == campaign.id)).one()
    return view(CampaignView, campaign, nominations=count, unresolved=_unresolved(session, campaign.id))


# --- campaigns -------------------------------------------------------------------------------------


def start_campaign(*, session: Session, actor: Actor, kind: str, title: str, period_start: dt.date,
                   period_end: dt.date, places: int, nominee_kind: str = "household") -> CampaignView:
    require(actor, "awards.edit")
    (title,) = clean_many(AwardCampaign, title=title)
    clean_dates(period_start=period_start, period_end=period_end)
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of selection.")
    if not title:
        errors["title"] = _("Give the selection a title.")
    if period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if not isinstance(places, int) or isinstance(places, bool) or not 1 <= places <= 100:
        errors["places"] = _("Places: a whole number from 1 to 100.")
    if nominee_kind not in NOMINEE_KINDS:
        errors["nominee_kind"] = _("Households or residents are nominated.")
    if errors:
        raise ValidationError(errors)
    year = period_end.year
    campaign = AwardCampaign(number=f"{year}-{next_number(session, f'award-{year}'):02d}", kind=kind, title=title,
                             period_start=period_start, period_end=period_end, places=places,
                             nominee_kind=nominee_kind)
    session.add(campaign)
    session.flush()
    return _view(session, campaign)


def campaigns(*, session: Session, actor: Actor) -> list[CampaignView]:
    require(actor, "people.view")
    return [_view(session, c) for c in session.exec(select(AwardCampaign).order_by(
        AwardCampaign.period_end.desc(), AwardCampaign.number.desc()))]


def campaign(*, session: Session, actor: Actor, campaign_id: str) -> CampaignView:
    require(actor, "people.view")
    return _view(session, _get(session, campaign_id))


# --- 推荐 -------------------------------------------------------------------------------------------


def nominate(*, session: Session, actor: Actor, campaign_id: str, channel: str, household_id: str | None = None,
             resident_id: str | None = None, nominated_by: str = "", reason: str = "") -> NominationView:
    """组织推荐, 个人推荐 or 自荐 of a household (王大明户) or a resident, with the reason."""
    require(actor, "awards.edit")
    found = _get(session, campaign_id)
    _in_state(found, NOMINATING)
    nominated_by, reason = clean_many(AwardNomination, nominated_by=nominated_by, reason=reason,
                                      multiline=("reason",))
    errors: dict[str, str] = {}
    if channel not in CHANNELS:
        errors["channel"] = _("Say how the nominee was put forward.")
    name = ""
    if found.nominee_kind == "household":
        household = session.get(Household, household_id) if household_id else None
        if household is None:
            errors["household_id"] = _("Choose the household.")
        else:
            name = f"{household.head_name}户"  # stored and printed as the roll says it (document data)
        resident_id = None
    else:
        resident = session.get(Resident, resident_id) if resident_id else None
        if resident is None:
            errors["resident_id"] = _("Choose the resident.")
        else:
            name, household_id = resident.name, resident.household_id
    if not reason:
        errors["reason"] = _("Say why (the deeds the nomination rests on).")
    if channel == "self":
        nominated_by = name
    elif channel in CHANNELS and not nominated_by:
        errors["nominated_by"] = _("Say who recommends.")
    if errors:
        raise ValidationError(errors)
    existing = session.exec(select(AwardNomination.id).where(
        AwardNomination.campaign_id == found.id,
        (AwardNomination.resident_id == resident_id) if resident_id else (AwardNomination.household_id == household_id))
    ).first()
    if existing:
        raise ValidationError({"household_id" if found.nominee_kind == "household" else "resident_id":
                               _("{name} is already nominated.").format(name=name)})
    position = session.exec(select(func.count()).select_from(AwardNomination)
                            .where(AwardNomination.campaign_id == found.id)).one() + 1
    nomination = AwardNomination(campaign_id=found.id, channel=channel, household_id=household_id,
                                 resident_id=resident_id, name=name[:64], nominated_by=nominated_by, reason=reason,
                                 position=position)
    session.add(nomination)
    session.flush()
    return view(NominationView, nomination)


def nominations(*, session: Session, actor: Actor, campaign_id: str) -> list[NominationView]:
    require(actor, "people.view")
    _get(session, campaign_id)
    return [view(NominationView, n) for n in _nominations(session, campaign_id)]


# --- 村民代表投票 -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Tally:
    """One nominee's votes at the representatives' meeting."""

    in_favour: int
    against: int = 0
    abstain: int = 0


@dataclasses.dataclass(frozen=True)
class VoteResult:
    nomination_id: str
    name: str
    in_favour: int
    passed: bool
    elected: bool
    reason: str  # the rule applied and its arithmetic, in words


def record_votes(*, session: Session, actor: Actor, campaign_id: str, meeting_id: str,
                 tallies: Mapping[str, Tally]) -> list[VoteResult]:
    """The 村民代表会议's votes on every nominee. The meeting must be held and quorate under its
    rule; a nominee passes by the rule's majority; the ``places`` passing with most votes are
    elected. A tie for the last place is refused (vote again between them)."""
    require(actor, "awards.edit")
    found = _get(session, campaign_id)
    _in_state(found, NOMINATING)
    meeting = meeting_queries.get_meeting(session, meeting_id)
    errors: dict[str, str] = {}
    if meeting.kind != meetings_door.REPRESENTATIVES_MEETING:
        errors["meeting_id"] = _("The votes are cast at a villagers' representatives meeting (村民代表会议).")
    elif meeting.held_on is None:
        errors["meeting_id"] = _("The meeting has not been held yet.")
    elif meeting.held_on < found.period_start:
        errors["meeting_id"] = _("The meeting was held before the selection's period.")
    listed = _nominations(session, found.id)
    if not listed:
        errors["tallies"] = _("Nobody has been nominated.")
    elif set(tallies) != {n.id for n in listed}:
        errors["tallies"] = _("Give the votes of every nominee, and of nominees only.")
    if errors:
        raise ValidationError(errors)
    attendance = meeting_queries.summary(session, meeting)
    rule = meeting_queries.rule_of(session, meeting)
    outcomes = {}
    for nomination in listed:
        tally = tallies[nomination.id]
        try:
            outcomes[nomination.id] = rules.evaluate(
                rule, expected=attendance.expected, present=attendance.present, in_favour=tally.in_favour,
                against=tally.against, abstain=tally.abstain, expected_unit=attendance.unit)
        except ValidationError as exc:
            raise ValidationError({"tallies": _("{name}: {problem}").format(
                name=nomination.name, problem="; ".join(exc.errors.values()))}) from exc
    first = next(iter(outcomes.values()))
    if not first.quorum_met:
        raise StateError(first.reason())
    passing = sorted((n for n in listed if outcomes[n.id].passed), key=lambda n: -tallies[n.id].in_favour)
    elected = passing[:found.places]
    if len(passing) > found.places and tallies[passing[found.places].id].in_favour == tallies[
            elected[-1].id].in_favour:
        tied = [n.name for n in passing if tallies[n.id].in_favour == tallies[elected[-1].id].in_favour]
        raise StateError(_("{names} are tied for the last place: vote again between them.").format(
            names="、".join(tied)))
    chosen = {n.id for n in elected}
    for nomination in listed:
        tally = tallies[nomination.id]
        nomination.votes_for, nomination.votes_against, nomination.votes_abstain = (
            tally.in_favour, tally.against, tally.abstain)
        nomination.vote_passed = outcomes[nomination.id].passed
        nomination.elected = nomination.id in chosen
        session.add(nomination)
    found.state, found.vote_meeting_id, found.voted_on = VOTED, meeting.id, meeting.held_on
    found.vote_expected, found.vote_present, found.vote_rule = attendance.expected, attendance.present, rule.code
    session.add(found)
    session.flush()
    return [VoteResult(nomination_id=n.id, name=n.name, in_favour=tallies[n.id].in_favour,
                       passed=outcomes[n.id].passed, elected=n.id in chosen, reason=outcomes[n.id].reason())
            for n in listed]


# --- 两委复审 ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Review:
    approved: bool
    reason: str


def review(*, session: Session, actor: Actor, campaign_id: str, decisions: Mapping[str, Review],
           reviewed_on: dt.date | None = None, meeting_id: str | None = None, note: str = "") -> CampaignView:
    """两委复审: each elected nominee approved or not, every decision with its reason."""
    require(actor, "awards.approve")
    found = _get(session, campaign_id)
    _in_state(found, VOTED)
    clean_dates(reviewed_on=reviewed_on)
    (note,) = clean_many(AwardCampaign, review_note=note, multiline=("review_note",))
    reviewed_on = reviewed_on or today()
    elected = [n for n in _nominations(session, found.id) if n.elected]
    errors: dict[str, str] = {}
    if set(decisions) != {n.id for n in elected}:
        errors["decisions"] = _("Decide on every elected nominee, and on them only.")
    elif not any(d.approved for d in decisions.values()):
        errors["decisions"] = _("Nobody is approved: the selection cannot go to publicity.")
    for nomination in elected:
        decision = decisions.get(nomination.id)
        if decision is not None and not clean_many(AwardNomination, review_reason=decision.reason)[0]:
            errors["decisions"] = _("Give the reason for the decision on {name}.").format(name=nomination.name)
    if found.voted_on and reviewed_on < found.voted_on:
        errors["reviewed_on"] = _("The review cannot come before the vote.")
    elif reviewed_on > today():
        errors["reviewed_on"] = _("The date is in the future.")
    if meeting_id:
        meeting = meeting_queries.get_meeting(session, meeting_id)
        if meeting.kind != meetings_door.TWO_COMMITTEES:
            errors["meeting_id"] = _("The review is made at a two committees meeting (两委会).")
    if errors:
        raise ValidationError(errors)
    for nomination in elected:
        decision = decisions[nomination.id]
        nomination.review = "approved" if decision.approved else "rejected"
        nomination.review_reason = clean_many(AwardNomination, review_reason=decision.reason)[0]
        session.add(nomination)
    found.state, found.reviewed_on, found.review_meeting_id, found.review_note = (
        REVIEWED, reviewed_on, meeting_id or None, note)
    session.add(found)
    session.flush()
    return _view(session, found)


# --- 公示 and objections ------------------------------------------------------------------------------


def start_publicity(*, session: Session, actor: Actor, campaign_id: str, start: dt.date | None = None,
                    days: int = DEFAULT_PUBLICITY_DAYS, working_days: bool = False) -> CampaignView:
    """公示 of the approved nominees from ``start`` for ``days`` (calendar or working days, by the
    notice register's calendar)."""
    require(actor, "awards.edit")
    found = _get(session, campaign_id)
    _in_state(found, REVIEWED)
    clean_dates(start=start)
    start = start or today()
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_PUBLICITY_DAYS:
        raise ValidationError({"days": _("The publicity period lasts 1 to {n} days.").format(n=MAX_PUBLICITY_DAYS)})
    if found.reviewed_on and start < found.reviewed_on:
        raise ValidationError({"start": _("The publicity cannot begin before the review.")})
    found.publicity_start, found.publicity_days, found.working_days = start, days, bool(working_days)
    found.publicity_end = publicity_end(start, days, working_days=bool(working_days), calendar=get_calendar(session))
    found.state = PUBLICITY
    session.add(found)
    session.flush()
    return _view(session, found)


def record_objection(*, session: Session, actor: Actor, campaign_id: str, text: str, raised_by: str = "",
                     nomination_id: str | None = None, received_on: dt.date | None = None) -> ObjectionView:
    """异议, received during the publicity period (about one nominee, or the selection as a whole)."""
    require(actor, "awards.edit")
    found = _get(session, campaign_id)
    _in_state(found, PUBLICITY)
    text, raised_by = clean_many(AwardObjection, text=text, raised_by=raised_by, multiline=("text",))
    clean_dates(received_on=received_on)
    received_on = received_on or today()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Write down the objection.")
    if received_on < found.publicity_start or received_on > found.publicity_end:
        errors["received_on"] = _("An objection is received during the publicity period ({start} to {end}).").format(
            start=found.publicity_start.isoformat(), end=found.publicity_end.isoformat())
    if nomination_id:
        nomination = session.get(AwardNomination, nomination_id)
        if nomination is None or nomination.campaign_id != found.id or nomination.review != "approved":
            errors["nomination_id"] = _("Choose one of the nominees in publicity.")
    if errors:
        raise ValidationError(errors)
    objection = AwardObjection(campaign_id=found.id, nomination_id=nomination_id or None, received_on=received_on,
                               raised_by=raised_by, text=text)
    session.add(objection)
    session.flush()
    return view(ObjectionView, objection)


def resolve_objection(*, session: Session, actor: Actor, objection_id: str, upheld: bool, resolution: str,
                      resolved_on: dt.date | None = None) -> ObjectionView:
    """核实: upheld takes the nominee off the roll; dismissed keeps them. Either way, say why."""
    require(actor, "awards.approve")
    objection = session.get(AwardObjection, objection_id)
    if objection is None:
        raise NotFound(_("No such objection."))
    if objection.resolved_on is not None:
        raise StateError(_("The objection has already been resolved."))
    found = _get(session, objection.campaign_id)
    _in_state(found, PUBLICITY)
    (resolution,) = clean_many(AwardObjection, resolution=resolution, multiline=("resolution",))
    clean_dates(resolved_on=resolved_on)
    resolved_on = resolved_on or today()
    if not resolution:
        raise ValidationError({"resolution": _("Say what was found and decided.")})
    if resolved_on < objection.received_on:
        raise ValidationError({"resolved_on": _("It cannot be resolved before it was received.")})
    if upheld and objection.nomination_id:
        nomination = session.get(AwardNomination, objection.nomination_id)
        nomination.withdrawn = True
        session.add(nomination)
    objection.resolved_on, objection.resolution, objection.upheld = resolved_on, resolution, bool(upheld)
    session.add(objection)
    session.flush()
    return view(ObjectionView, objection)


def objections(*, session: Session, actor: Actor, campaign_id: str) -> list[ObjectionView]:
    require(actor, "people.view")
    _get(session, campaign_id)
    return [view(ObjectionView, o) for o in session.exec(select(AwardObjection).where(
        AwardObjection.campaign_id == campaign_id).order_by(AwardObjection.received_on, AwardObjection.created_at))]


# --- 光荣榜 ------------------------------------------------------------------------------------------


def _roll_refusal(session: Session, found: AwardCampaign, on: dt.date) -> str | None:
    if found.state != PUBLICITY:
        return _("This step comes when the selection is “{wanted}”; it is “{now}”.").format(
            wanted=state_label(PUBLICITY), now=state_label(found.state))
    if on <= found.publicity_end:
        return _("The publicity period runs until {end}; the roll is made after it has ended.").format(
            end=found.publicity_end.isoformat())
    if _unresolved(session, found.id):
        return _("An objection is not resolved yet.")
    return None


def make_roll(*, session: Session, actor: Actor, campaign_id: str, on: dt.date | None = None) -> list[HonourView]:
    """光荣榜: the approved nominees not taken off by an objection, by votes. Only after the
    publicity period has ended and every objection is resolved."""
    require(actor, "awards.approve")
    found = _get(session, campaign_id)
    clean_dates(on=on)
    on = on or today()
    if on > today():
        raise ValidationError({"on": _("The date is in the future.")})
    refused = _roll_refusal(session, found, on)
    if refused:
        raise StateError(refused)
    winners = sorted((n for n in _nominations(session, found.id) if n.review == "approved" and not n.withdrawn),
                     key=lambda n: (-(n.votes_for or 0), n.position))
    honours = []
    for place, nomination in enumerate(winners, start=1):
        honour = AwardHonour(campaign_id=found.id, nomination_id=nomination.id, place=place, name=nomination.name,
                             kind=found.kind, year=found.period_end.year, honoured_on=on)
        session.add(honour)
        honours.append(honour)
    found.state, found.closed_on = CLOSED, on
    session.add(found)
    session.flush()
    return [view(HonourView, h) for h in honours]


def honours(*, session: Session, actor: Actor, campaign_id: str) -> list[HonourView]:
    require_any(actor, "people.view", "stats.view")
    return [view(HonourView, h) for h in session.exec(select(AwardHonour).where(
        AwardHonour.campaign_id == campaign_id).order_by(AwardHonour.place))]


def allowed_actions(*, session: Session, actor: Actor, campaign_id: str | None = None) -> dict[str, str | None]:
    """Each step of the selection: None when ``actor`` may take it now, else why not."""
    require(actor, "people.view")
    edit, approve = actor.refusal("awards.edit"), actor.refusal("awards.approve")
    if campaign_id is None:
        return {"new": edit}
    found = _get(session, campaign_id)

    def step(state: str, refused: str | None) -> str | None:
        if refused:
            return refused
        if found.state != state:
            return _("This step comes when the selection is “{wanted}”; it is “{now}”.").format(
                wanted=state_label(state), now=state_label(found.state))
        return None

    return {"nominate": step(NOMINATING, edit), "vote": step(NOMINATING, edit), "review": step(VOTED, approve),
            "publicity": step(REVIEWED, edit), "objection": step(PUBLICITY, edit),
            "resolve": step(PUBLICITY, approve), "roll": approve or _roll_refusal(session, found, today())}


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    require_any(actor, "people.view", "stats.view")
    by_state = dict(session.exec(select(AwardCampaign.state, func.count()).group_by(AwardCampaign.state)).all())
    return {"award_campaigns": sum(by_state.values()), "award_campaigns_closed": by_state.get(CLOSED, 0),
            "award_campaigns_open": sum(by_state.values()) - by_state.get(CLOSED, 0),
            "honours": session.exec(select(func.count()).select_from(AwardHonour)).one()}
