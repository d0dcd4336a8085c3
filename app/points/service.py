"""积分制: published rules, an append-only ledger per household, approvals and the 积美超市.

What users of such systems complain about most — opaque points, hard redemption, edits that
silently change history, forced rankings — decides the shape:

* every entry names the rule *and the version* it was earned under, with its evidence, who
  recorded and who approved it; changing a rule appends a version and never touches an entry;
* the ledger is append-only (``db.tracking`` refuses edits): a mistake is corrected by a reversal
  entry that names the entry it reverses; a balance is always the sum of the ledger;
* a redemption checks the balance and the stock inside one unit of work, which holds the store's
  write lock from its first statement (``BEGIN IMMEDIATE``; a row lock on PostgreSQL), so two
  counters at once can never overdraw a household or sell the last item twice;
* rankings and the 红黑榜 are off until the village turns them on; the 黑榜 is printed
  de-identified unless the committee recorded a decision, at a meeting, to name.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, func, select

from app.auth import Actor, require, require_any
from app.errors import NotFound, StateError, ValidationError
from app.i18n import N_, _
from app.meetings import queries as meeting_queries
from app.pinyin import LIKE_ESCAPE, like_pattern, normalize_query
from app.points.queries import (
    BOARD_SETTING, DEFAULT_BOARD, balance_of, board_settings as _board_settings, get_entry, get_goods,
    get_household, get_rule,
)
from app.text import clean_dates, clean_many
from app.views import view, view_class
from app.volunteers import queries as volunteer_queries
from db.base import local_now
from db.models.accounts import Setting
from db.models.meetings import Attendance
from db.models.people import Household, Resident, VillageGroup
from db.models.points import (
    PointsBoardDecision, PointsEntry, PointsGoods, PointsProposal, PointsRule, PointsRuleVersion,
)
from db.scope import next_number
from db.tracking import audit_note

CATEGORIES: dict[str, str] = {
    "civility": N_("Civility and family virtue (文明新风)"),
    "environment": N_("Living environment (人居环境)"),
    "service": N_("Volunteer service (志愿服务)"),
    "participation": N_("Village affairs (参与村务)"),
    "safety": N_("Safety and order (平安建设)"),
    "other": N_("Other (其他)"),
}
EARN, DEDUCT, REDEEM, REVERSAL = "earn", "deduct", "redeem", "reversal"
KINDS: dict[str, str] = {EARN: N_("Earned"), DEDUCT: N_("Deducted"), REDEEM: N_("Redeemed"),
                         REVERSAL: N_("Reversal")}
SOURCES: dict[str, str] = {"manual": N_("Recorded"), "volunteer": N_("Volunteer service"),
                           "meeting": N_("Meeting attendance"), "shop": N_("Points shop")}
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
MAX_POINTS = 1000  # one rule never moves more than this
MAX_QUANTITY = 100

RuleView = view_class(PointsRule, "RuleView")
RuleVersionView = view_class(PointsRuleVersion, "RuleVersionView")
GoodsView = view_class(PointsGoods, "GoodsView")
DecisionView = view_class(PointsBoardDecision, "DecisionView")
EntryView = view_class(PointsEntry, "EntryView", extra={"household_name": "", "rule_text": "", "goods_name": "",
                                                        "reversed_by_seq": None, "reverses_seq": None})
ProposalView = view_class(PointsProposal, "ProposalView", extra={"household_name": "", "rule_text": ""})


def today() -> dt.date:
    return local_now().date()


def category_label(code: str) -> str:
    return _(CATEGORIES.get(code, code))


def kind_label(code: str) -> str:
    return _(KINDS.get(code, code))


def household_label(head_name: str, number: str = "") -> str:
    """王大明户 (0012): how a household is named in lists and on the passbook."""
    name = _("{head} household").format(head=head_name or "—")
    return f"{name} ({number})" if number else name


def _who(actor: Actor) -> str:
    return (actor.display_name or actor.username)[:64]


# --- rules ---------------------------------------------------------------------------------------


def rules(*, session: Session, actor: Actor, include_retired: bool = False) -> list[RuleView]:
    """The catalogue, by category and code: what earns and what loses points (the published rules)."""
    require(actor, "points.view")
    query = select(PointsRule)
    if not include_retired:
        query = query.where(PointsRule.active.is_(True))
    return [view(RuleView, r) for r in session.exec(query.order_by(PointsRule.category, PointsRule.code,
                                                                    PointsRule.created_at))]


def _check_rule(category: str, description: str, points: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    if category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if not description.strip():
        errors["description"] = _("Say what earns or loses the points.")
    if not isinstance(points, int) or isinstance(points, bool) or points == 0 or abs(points) > MAX_POINTS:
        errors["points"] = _("Points are a whole number, not zero, at most {n} either way.").format(n=MAX_POINTS)
    return errors


def add_rule(*, session: Session, actor: Actor, category: str, description: str, points: int,
             needs_approval: bool = False, code: str = "", valid_from: dt.date | None = None) -> RuleView:
    """A new rule (version 1). The catalogue is the village's published rules: the secretary's."""
    require(actor, "points.approve")
    description, code = clean_many(PointsRule, description=description, code=code)
    clean_dates(valid_from=valid_from)
    errors = _check_rule(category, description, points)
    if errors:
        raise ValidationError(errors)
    if not code:
        count = session.exec(select(func.count()).select_from(PointsRule)
                             .where(PointsRule.category == category)).one()
        code = f"{list(CATEGORIES).index(category) + 1}-{count + 1:02d}"
    rule = PointsRule(code=code, category=category, description=description, points=points,
                      needs_approval=bool(needs_approval), version=1)
    session.add(rule)
    session.flush()
    session.add(PointsRuleVersion(rule_id=rule.id, version=1, category=category, description=description,
                                  points=points, needs_approval=rule.needs_approval, valid_from=valid_from or today(),
                                  changed_by=_who(actor), reason=_("New rule")))
    session.flush()
    return view(RuleView, rule)


def change_rule(*, session: Session, actor: Actor, rule_id: str, reason: str, description: str | None = None,
                points: int | None = None, needs_approval: bool | None = None, active: bool | None = None,
                valid_from: dt.date | None = None) -> RuleView:
    """A new version of the rule from ``valid_from``. Entries already made keep the version, and
    the points, they were made under: nothing in the ledger changes."""
    require(actor, "points.approve")
    rule = get_rule(session, rule_id)
    (reason,) = clean_many(PointsRuleVersion, reason=reason)
    clean_dates(valid_from=valid_from)
    new_description = rule.description if description is None else clean_many(PointsRule, description=description)[0]
    new_points = rule.points if points is None else points
    errors = _check_rule(rule.category, new_description, new_points)
    if not reason.strip():
        errors["reason"] = _("Say why the rule changes (the committee's decision).")
    if errors:
        raise ValidationError(errors)
    new_approval = rule.needs_approval if needs_approval is None else bool(needs_approval)
    new_active = rule.active if active is None else bool(active)
    if (new_description, new_points, new_approval, new_active) == (rule.description, rule.points,
                                                                  rule.needs_approval, rule.active):
        raise ValidationError({"points": _("Nothing in the rule changes.")})
    rule.version += 1
    rule.description, rule.points, rule.needs_approval, rule.active = (new_description, new_points, new_approval,
                                                                       new_active)
    session.add(rule)
    session.add(PointsRuleVersion(rule_id=rule.id, version=rule.version, category=rule.category,
                                  description=new_description, points=new_points, needs_approval=new_approval,
                                  active=new_active, valid_from=valid_from or today(), changed_by=_who(actor),
                                  reason=reason))
    session.flush()
    return view(RuleView, rule)


def rule_history(*, session: Session, actor: Actor, rule_id: str) -> list[RuleVersionView]:
    require(actor, "points.view")
    get_rule(session, rule_id)
    return [view(RuleVersionView, v) for v in session.exec(
        select(PointsRuleVersion).where(PointsRuleVersion.rule_id == rule_id).order_by(PointsRuleVersion.version))]


# --- the ledger -----------------------------------------------------------------------------------


def _entry(session: Session, *, household_id: str, entry_date: dt.date, kind: str, points: int, actor: Actor,
           note: str = "", rule: PointsRule | None = None, rule_version: int | None = None, source: str = "manual",
           approved_by: str = "", reverses_id: str | None = None, goods_id: str | None = None, quantity: int = 0,
           proposal_id: str | None = None, recorded_by: str | None = None, rule_id: str | None = None) -> PointsEntry:
    entry = PointsEntry(seq=next_number(session, "points-entry"), household_id=household_id, entry_date=entry_date,
                        kind=kind, rule_id=rule.id if rule else rule_id,
                        rule_version=rule_version if rule_version is not None else (rule.version if rule else None),
                        points=points, note=note[:500], source=source,
                        recorded_by=recorded_by if recorded_by is not None else _who(actor),
                        approved_by=approved_by, reverses_id=reverses_id, goods_id=goods_id, quantity=quantity,
                        proposal_id=proposal_id)
    session.add(entry)
    session.flush()
    return entry


def _entry_views(session: Session, entries: Sequence[PointsEntry]) -> list[Any]:
    if not entries:
        return []
    household_ids = {e.household_id for e in entries}
    names = {hid: household_label(head, number) for hid, head, number in session.exec(
        select(Household.id, Household.head_name, Household.number).where(Household.id.in_(household_ids)))}
    versions = {(v.rule_id, v.version): v.description for v in session.exec(
        select(PointsRuleVersion).where(PointsRuleVersion.rule_id.in_({e.rule_id for e in entries if e.rule_id})))}
    goods = dict(session.exec(select(PointsGoods.id, PointsGoods.name)
                              .where(PointsGoods.id.in_({e.goods_id for e in entries if e.goods_id}))
                              .execution_options(include_deleted=True)).all())
    ids = [e.id for e in entries]
    reversed_by = dict(session.exec(select(PointsEntry.reverses_id, PointsEntry.seq)
                                    .where(PointsEntry.reverses_id.in_(ids))).all())
    reverses = dict(session.exec(select(PointsEntry.id, PointsEntry.seq)
                                 .where(PointsEntry.id.in_({e.reverses_id for e in entries if e.reverses_id}))).all())
    return [view(EntryView, e, household_name=names.get(e.household_id, ""),
                 rule_text=versions.get((e.rule_id, e.rule_version), ""), goods_name=goods.get(e.goods_id or "", ""),
                 reversed_by_seq=reversed_by.get(e.id), reverses_seq=reverses.get(e.reverses_id or ""))
            for e in entries]


@dataclasses.dataclass(frozen=True)
class Recorded:
    """What recording under a rule did: an entry in the ledger, or a proposal waiting for approval."""

    entry: Any = None  # EntryView
    proposal: Any = None  # ProposalView


def record_entry(*, session: Session, actor: Actor, household_id: str, rule_id: str,
                 entry_date: dt.date | None = None, note: str = "") -> Recorded:
    """Points for a household under a rule, at the rule's current version and points. A rule that
    needs approval makes a proposal, unless the one recording may approve (then it is approved)."""
    require(actor, "points.edit")
    (note,) = clean_many(PointsEntry, note=note, multiline=("note",))
    clean_dates(entry_date=entry_date)
    entry_date = entry_date or today()
    household = get_household(session, household_id)
    rule = get_rule(session, rule_id)
    errors: dict[str, str] = {}
    if not rule.active:
        errors["rule_id"] = _("This rule is no longer in force.")
    if entry_date > today():
        errors["entry_date"] = _("The date is in the future.")
    if rule.points < 0 and not note.strip():
        errors["note"] = _("A deduction needs its evidence: say what happened.")
    if errors:
        raise ValidationError(errors)
    if rule.needs_approval and not actor.can("points.approve"):
        proposal = PointsProposal(household_id=household.id, proposed_on=entry_date, rule_id=rule.id,
                                  rule_version=rule.version, points=rule.points, note=note, proposed_by=_who(actor))
        session.add(proposal)
        session.flush()
        return Recorded(proposal=_proposal_views(session, [proposal])[0])
    entry = _entry(session, household_id=household.id, entry_date=entry_date, kind=EARN if rule.points > 0 else DEDUCT,
                   points=rule.points, actor=actor, note=note, rule=rule,
                   approved_by=_who(actor) if rule.needs_approval else "")
    return Recorded(entry=_entry_views(session, [entry])[0])


def reverse_entry(*, session: Session, actor: Actor, entry_id: str, reason: str,
                  on: dt.date | None = None) -> EntryView:
    """冲正: an entry with the opposite points that names the one it reverses. A reversed
    redemption puts the goods back in stock (they were returned)."""
    require(actor, "points.edit")
    original = get_entry(session, entry_id)
    if original.goods_id:
        require(actor, "points.redeem")
    (reason,) = clean_many(PointsEntry, note=reason)
    clean_dates(on=on)
    on = on or today()
    if original.kind == REVERSAL:
        raise StateError(_("A reversal is not reversed; record the entry again instead."))
    if session.exec(select(PointsEntry.id).where(PointsEntry.reverses_id == original.id)).first():
        raise StateError(_("This entry has already been reversed."))
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why the entry is reversed.")
    if on < original.entry_date:
        errors["on"] = _("A reversal cannot be dated before the entry it reverses.")
    elif on > today():
        errors["on"] = _("The date is in the future.")
    if errors:
        raise ValidationError(errors)
    if original.goods_id:
        goods = _locked_goods(session, original.goods_id, include_deleted=True)
        goods.stock += original.quantity
        session.add(goods)
    entry = _entry(session, household_id=original.household_id, entry_date=on, kind=REVERSAL,
                   points=-original.points, actor=actor, note=reason, reverses_id=original.id,
                   goods_id=original.goods_id, quantity=-original.quantity if original.quantity else 0,
                   rule_version=original.rule_version, source=original.source, rule_id=original.rule_id)
    return _entry_views(session, [entry])[0]


def entries(*, session: Session, actor: Actor, household_id: str | None = None, start: dt.date | None = None,
            end: dt.date | None = None, limit: int = 200) -> list[EntryView]:
    """The newest entries (of one household, within dates), newest first."""
    require(actor, "points.view")
    query = select(PointsEntry)
    if household_id:
        query = query.where(PointsEntry.household_id == household_id)
    if start:
        query = query.where(PointsEntry.entry_date >= start)
    if end:
        query = query.where(PointsEntry.entry_date <= end)
    return _entry_views(session, list(session.exec(query.order_by(PointsEntry.seq.desc()).limit(limit))))


def balance(*, session: Session, actor: Actor, household_id: str) -> int:
    require(actor, "points.view")
    get_household(session, household_id)
    return balance_of(session, household_id)


@dataclasses.dataclass(frozen=True)
class PassbookLine:
    seq: int
    entry_date: dt.date
    kind: str
    description: str  # the rule as it was (its version), the goods, or what a reversal reverses
    points: int
    balance: int  # running balance after this line
    note: str
    recorded_by: str
    approved_by: str
    entry_id: str


@dataclasses.dataclass(frozen=True)
class Passbook:
    """积分存折: every movement of a household with a running balance."""

    household_id: str
    household_name: str
    number: str
    group: str
    opening: int  # balance before ``start``
    lines: tuple[PassbookLine, ...]
    closing: int
    earned: int
    spent: int


def passbook(*, session: Session, actor: Actor, household_id: str, start: dt.date | None = None,
             end: dt.date | None = None) -> Passbook:
    require(actor, "points.view")
    household = get_household(session, household_id)
    opening = 0
    if start:
        opening = int(session.exec(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.household_id == household_id, PointsEntry.entry_date < start)).one())
    query = select(PointsEntry).where(PointsEntry.household_id == household_id)
    if start:
        query = query.where(PointsEntry.entry_date >= start)
    if end:
        query = query.where(PointsEntry.entry_date <= end)
    rows = _entry_views(session, list(session.exec(query.order_by(PointsEntry.entry_date, PointsEntry.seq))))
    running = opening
    lines = []
    for e in rows:
        running += e.points
        if e.kind == REVERSAL:
            what = _("Reverses entry no. {seq}").format(seq=e.reverses_seq)
        elif e.goods_id:
            what = _("{goods} × {n}").format(goods=e.goods_name, n=e.quantity)
        else:
            what = _("{text} (version {version})").format(text=e.rule_text, version=e.rule_version)
        lines.append(PassbookLine(seq=e.seq, entry_date=e.entry_date, kind=e.kind, description=what, points=e.points,
                                  balance=running, note=e.note, recorded_by=e.recorded_by, approved_by=e.approved_by,
                                  entry_id=e.id))
    group = session.get(VillageGroup, household.group_id) if household.group_id else None
    return Passbook(household_id=household.id, household_name=household_label(household.head_name),
                    number=household.number, group=group.name if group else "", opening=opening, lines=tuple(lines),
                    closing=running, earned=sum(x.points for x in lines if x.points > 0 and x.kind != REVERSAL),
                    spent=-sum(x.points for x in lines if x.kind == REDEEM))


# --- proposals and approval -------------------------------------------------------------------------


def _proposal_views(session: Session, proposals: Sequence[PointsProposal]) -> list[Any]:
    if not proposals:
        return []
    names = {hid: household_label(head, number) for hid, head, number in session.exec(
        select(Household.id, Household.head_name, Household.number)
        .where(Household.id.in_({p.household_id for p in proposals})))}
    texts = {(v.rule_id, v.version): v.description for v in session.exec(
        select(PointsRuleVersion).where(PointsRuleVersion.rule_id.in_({p.rule_id for p in proposals})))}
    return [view(ProposalView, p, household_name=names.get(p.household_id, ""),
                 rule_text=texts.get((p.rule_id, p.rule_version), "")) for p in proposals]


def proposals(*, session: Session, actor: Actor, state: str = PENDING, limit: int = 500) -> list[ProposalView]:
    require(actor, "points.view")
    query = select(PointsProposal)
    if state:
        query = query.where(PointsProposal.state == state)
    return _proposal_views(session, list(session.exec(
        query.order_by(PointsProposal.proposed_on, PointsProposal.created_at).limit(limit))))


def _propose(session: Session, actor: Actor, *, household_id: str, rule: PointsRule, on: dt.date, source: str,
             source_id: str, note: str) -> PointsProposal | None:
    if session.exec(select(PointsProposal.id).where(PointsProposal.source == source,
                                                    PointsProposal.source_id == source_id)).first():
        return None  # proposed already (approved, rejected or waiting): never twice
    proposal = PointsProposal(household_id=household_id, proposed_on=on, rule_id=rule.id, rule_version=rule.version,
                              points=rule.points, note=note[:500], source=source, source_id=source_id,
                              proposed_by=_who(actor))
    session.add(proposal)
    return proposal


def _proposal_rule(session: Session, rule_id: str) -> PointsRule:
    rule = get_rule(session, rule_id)
    if not rule.active or rule.points <= 0:
        raise ValidationError({"rule_id": _("Choose a rule in force that earns points.")})
    return rule


def propose_from_volunteering(*, session: Session, actor: Actor, rule_id: str, start: dt.date,
                              end: dt.date) -> list[ProposalView]:
    """One proposal per completed volunteer assignment in [start, end] (for the volunteer's
    household), under ``rule_id``; assignments proposed before are skipped. Approval decides."""
    require(actor, "points.edit")
    clean_dates(start=start, end=end)
    rule = _proposal_rule(session, rule_id)
    made = []
    for service in volunteer_queries.completed_services(session, start=start, end=end):
        if not service.household_id:
            continue
        proposal = _propose(session, actor, household_id=service.household_id, rule=rule, on=service.served_on,
                            source="volunteer", source_id=service.assignment_id,
                            note=_("{name}: {title} on {date}, {minutes} minutes").format(
                                name=service.name, title=service.title, date=service.served_on.isoformat(),
                                minutes=service.minutes))
        if proposal is not None:
            made.append(proposal)
    session.flush()
    return _proposal_views(session, made)


def propose_from_meeting(*, session: Session, actor: Actor, meeting_id: str, rule_id: str) -> list[ProposalView]:
    """One proposal per household that attended the held meeting (signed in), under ``rule_id``."""
    require(actor, "points.edit")
    meeting = meeting_queries.get_meeting(session, meeting_id)
    if meeting.held_on is None:
        raise StateError(_("The meeting has not been held yet."))
    rule = _proposal_rule(session, rule_id)
    rows = session.exec(select(Attendance.id, Attendance.name, Attendance.household_id, Resident.household_id)
                        .join(Resident, Resident.id == Attendance.resident_id, isouter=True)
                        .where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True))
                        .order_by(Attendance.position)).all()
    seen: set[str] = set()
    made = []
    for attendance_id, name, household_id, resident_household in rows:
        household = household_id or resident_household
        if not household or household in seen:
            continue
        seen.add(household)
        proposal = _propose(session, actor, household_id=household, rule=rule, on=meeting.held_on, source="meeting",
                            source_id=attendance_id, note=_("{name} attended {title}").format(
                                name=name, title=meeting.title))
        if proposal is not None:
            made.append(proposal)
    session.flush()
    return _proposal_views(session, made)


def _pending(session: Session, proposal_id: str) -> PointsProposal:
    proposal = session.get(PointsProposal, proposal_id)
    if proposal is None or proposal.deleted_at is not None:
        raise NotFound(_("No such proposal."))
    if proposal.state != PENDING:
        raise StateError(_("The proposal has already been decided."))
    return proposal


def approve_proposal(*, session: Session, actor: Actor, proposal_id: str, note: str = "") -> EntryView:
    """审核通过: the entry goes into the ledger with the rule version and points of the proposal."""
    require(actor, "points.approve")
    proposal = _pending(session, proposal_id)
    (note,) = clean_many(PointsProposal, decision_note=note)
    rule = get_rule(session, proposal.rule_id)
    get_household(session, proposal.household_id)
    entry = _entry(session, household_id=proposal.household_id, entry_date=proposal.proposed_on,
                   kind=EARN if proposal.points > 0 else DEDUCT, points=proposal.points, actor=actor,
                   note=proposal.note, rule=rule, rule_version=proposal.rule_version, source=proposal.source,
                   approved_by=_who(actor), proposal_id=proposal.id, recorded_by=proposal.proposed_by)
    proposal.state, proposal.decided_by, proposal.decided_on = APPROVED, _who(actor), today()
    proposal.decision_note, proposal.entry_id = note, entry.id
    session.add(proposal)
    session.flush()
    return _entry_views(session, [entry])[0]


def reject_proposal(*, session: Session, actor: Actor, proposal_id: str, reason: str) -> ProposalView:
    require(actor, "points.approve")
    proposal = _pending(session, proposal_id)
    (reason,) = clean_many(PointsProposal, decision_note=reason)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is not approved.")})
    proposal.state, proposal.decided_by, proposal.decided_on, proposal.decision_note = (
        REJECTED, _who(actor), today(), reason)
    session.add(proposal)
    session.flush()
    return _proposal_views(session, [proposal])[0]


# --- the 积美超市 --------------------------------------------------------------------------------------


def goods(*, session: Session, actor: Actor, include_retired: bool = False) -> list[GoodsView]:
    require(actor, "points.view")
    query = select(PointsGoods)
    if not include_retired:
        query = query.where(PointsGoods.active.is_(True))
    return [view(GoodsView, g) for g in session.exec(query.order_by(PointsGoods.price, PointsGoods.name))]


def add_goods(*, session: Session, actor: Actor, name: str, price: int, stock: int = 0, unit: str = "") -> GoodsView:
    require(actor, "points.redeem")
    name, unit = clean_many(PointsGoods, name=name, unit=unit)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the goods.")
    if not isinstance(price, int) or isinstance(price, bool) or not 1 <= price <= 100_000:
        errors["price"] = _("The price is a whole number of points, 1 or more.")
    if not isinstance(stock, int) or isinstance(stock, bool) or not 0 <= stock <= 100_000:
        errors["stock"] = _("Stock is a whole number, zero or more.")
    if errors:
        raise ValidationError(errors)
    item = PointsGoods(name=name, unit=unit, price=price, stock=stock)
    session.add(item)
    session.flush()
    return view(GoodsView, item)


def _locked_goods(session: Session, goods_id: str, *, include_deleted: bool = False) -> PointsGoods:
    """The goods row, locked for this unit (PostgreSQL: ``FOR UPDATE``; SQLite: the unit already
    holds the write lock) and read fresh, never from the session's cache."""
    query = select(PointsGoods).where(PointsGoods.id == goods_id).with_for_update()
    if include_deleted:
        query = query.execution_options(include_deleted=True)
    item = session.exec(query.execution_options(populate_existing=True)).first()
    if item is None:
        raise NotFound(_("No such goods."))
    return item


def restock(*, session: Session, actor: Actor, goods_id: str, quantity: int) -> GoodsView:
    """进货 (or, negative, goods written off): the stock never goes below zero."""
    require(actor, "points.redeem")
    item = _locked_goods(session, goods_id)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity == 0 or abs(quantity) > 100_000:
        raise ValidationError({"quantity": _("Enter how many came in (or, negative, went out).")})
    if item.stock + quantity < 0:
        raise ValidationError({"quantity": _("Only {n} in stock.").format(n=item.stock)})
    item.stock += quantity
    session.add(item)
    session.flush()
    audit_note(session, table_name="points_goods", row_id=item.id, note="restocked", detail={"quantity": quantity})
    return view(GoodsView, item)


def change_goods(*, session: Session, actor: Actor, goods_id: str, name: str | None = None, price: int | None = None,
                 active: bool | None = None) -> GoodsView:
    """A new price applies from now on; past redemptions keep the points they cost."""
    require(actor, "points.redeem")
    item = get_goods(session, goods_id)
    if name is not None:
        (name,) = clean_many(PointsGoods, name=name)
        if not name:
            raise ValidationError({"name": _("Name the goods.")})
        item.name = name
    if price is not None:
        if not isinstance(price, int) or isinstance(price, bool) or not 1 <= price <= 100_000:
            raise ValidationError({"price": _("The price is a whole number of points, 1 or more.")})
        item.price = price
    if active is not None:
        item.active = bool(active)
    session.add(item)
    session.flush()
    return view(GoodsView, item)


def redeem(*, session: Session, actor: Actor, household_id: str, goods_id: str, quantity: int = 1,
           on: dt.date | None = None, note: str = "") -> EntryView:
    """兑换: ``quantity`` of the goods for the household's points. Balance and stock are read and
    changed in this one unit, under the store's write lock: neither can go below zero, even with
    two counters (two processes) redeeming at once."""
    require(actor, "points.redeem")
    (note,) = clean_many(PointsEntry, note=note)
    clean_dates(on=on)
    on = on or today()
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Redeem between 1 and {n} at a time.").format(n=MAX_QUANTITY)})
    if on > today():
        raise ValidationError({"on": _("The date is in the future.")})
    household = session.exec(select(Household).where(Household.id == household_id).with_for_update()).first()
    if household is None:
        raise NotFound(_("No such household."))
    item = _locked_goods(session, goods_id)
    if not item.active:
        raise StateError(_("{goods} is no longer offered.").format(goods=item.name))
    if item.stock < quantity:
        raise StateError(_("Only {n} of {goods} in stock.").format(n=item.stock, goods=item.name))
    cost = item.price * quantity
    have = balance_of(session, household.id)
    if have < cost:
        raise StateError(_("{household} has {have} points; {goods} × {n} costs {cost}.").format(
            household=household_label(household.head_name), have=have, goods=item.name, n=quantity, cost=cost))
    item.stock -= quantity
    session.add(item)
    entry = _entry(session, household_id=household.id, entry_date=on, kind=REDEEM, points=-cost, actor=actor,
                   note=note, source="shop", goods_id=item.id, quantity=quantity)
    return _entry_views(session, [entry])[0]


# --- choosing a household ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HouseholdChoice:
    household_id: str
    name: str  # 王大明户
    number: str
    group: str
    balance: int


def household_choices(*, session: Session, actor: Actor, query: str, limit: int = 20) -> list[HouseholdChoice]:
    """Households by head's name (pinyin initials too: ``wdm``), household number or a member's
    name, with their balance: the quick entry and the counter search with this."""
    require(actor, "points.view")
    text = query.strip()
    needle = normalize_query(text)
    if not needle and not text:
        return []
    found: list[str] = []
    if text.isdigit():
        found += list(session.exec(select(Household.id).where(Household.number.like(f"%{text}%"))
                                   .order_by(Household.number).limit(limit)))
    if needle and len(found) < limit:
        found += [h for h in session.exec(select(Household.id).where(Household.search_key.like(like_pattern(needle), escape=LIKE_ESCAPE))
                                          .order_by(Household.number).limit(limit)) if h not in found]
    if needle and len(found) < limit:
        found += [h for h in session.exec(select(Resident.household_id).where(Resident.search_key.like(like_pattern(needle), escape=LIKE_ESCAPE),
                                                                               Resident.household_id.is_not(None))
                                          .order_by(Resident.search_key).limit(limit)) if h not in found]
    found = found[:limit]
    if not found:
        return []
    rows = {hid: (head, number, group) for hid, head, number, group in session.exec(
        select(Household.id, Household.head_name, Household.number, VillageGroup.name)
        .join(VillageGroup, VillageGroup.id == Household.group_id, isouter=True).where(Household.id.in_(found)))}
    balances = dict(session.exec(select(PointsEntry.household_id, func.sum(PointsEntry.points))
                                 .where(PointsEntry.household_id.in_(found)).group_by(PointsEntry.household_id)).all())
    return [HouseholdChoice(household_id=hid, name=household_label(rows[hid][0]), number=rows[hid][1] or "",
                            group=rows[hid][2] or "", balance=int(balances.get(hid) or 0))
            for hid in found if hid in rows]


# --- rankings and the 红黑榜 --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BoardSettings:
    ranking: bool  # rankings may be shown and printed
    red_black: bool  # the 红黑榜 may be shown and printed
    red_count: int  # the 红榜: at most this many households …
    red_min: int  # … that earned at least this many points in the period
    black_deducted: int  # the 黑榜: households that lost at least this many points …
    black_count: int  # … at most this many


def board_settings(*, session: Session, actor: Actor) -> BoardSettings:
    require(actor, "points.view")
    return BoardSettings(**_board_settings(session))


def set_board_settings(*, session: Session, actor: Actor, ranking: bool, red_black: bool, red_count: int = 8,
                       red_min: int = 1, black_deducted: int = 5, black_count: int = 8) -> BoardSettings:
    """Turn rankings and the 红黑榜 on or off for this village, with its criteria (a committee
    choice: off by default)."""
    require(actor, "points.approve")
    values = {"red_count": red_count, "red_min": red_min, "black_deducted": black_deducted, "black_count": black_count}
    errors = {k: _("Enter a whole number from 1 to 1000.") for k, v in values.items()
              if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 1000}
    if errors:
        raise ValidationError(errors)
    setting = session.get(Setting, BOARD_SETTING) or Setting(key=BOARD_SETTING)
    setting.value = {**DEFAULT_BOARD, "ranking": bool(ranking), "red_black": bool(red_black), **values}
    session.add(setting)
    session.flush()
    return BoardSettings(**_board_settings(session))


@dataclasses.dataclass(frozen=True)
class RankRow:
    rank: int
    household_id: str
    name: str  # 王大明户
    head: str  # 王大明
    number: str
    group: str
    points: int  # earned less deducted in the period (spending at the shop does not count)


def _earned_by_household(session: Session, start: dt.date, end: dt.date, group_id: str | None = None) -> list[Any]:
    """(household, points, head, number, group) of every household that earned or lost points in
    the period. The ledger is summed per household first, from the covering index alone; names are
    joined to the few thousand sums after (not to every entry)."""
    earned = func.sum(PointsEntry.points).label("earned")
    sums = (select(PointsEntry.household_id.label("household_id"), earned)
            .where(PointsEntry.entry_date >= start, PointsEntry.entry_date <= end, PointsEntry.goods_id.is_(None))
            .group_by(PointsEntry.household_id).subquery())
    query = (select(sums.c.household_id, sums.c.earned, Household.head_name, Household.number, VillageGroup.name)
             .join(Household, Household.id == sums.c.household_id)
             .join(VillageGroup, VillageGroup.id == Household.group_id, isouter=True))
    if group_id:
        query = query.where(Household.group_id == group_id)
    return list(session.exec(query).all())


def _ranked(rows: Sequence[Any]) -> list[RankRow]:
    ordered = sorted(rows, key=lambda r: (-int(r[1] or 0), r[3] or "", r[0]))
    result, rank, last = [], 0, None
    for index, (hid, points, head, number, group) in enumerate(ordered, start=1):
        if points != last:
            rank, last = index, points  # 并列: equal points share a rank
        result.append(RankRow(rank=rank, household_id=hid, name=household_label(head), head=head or "",
                              number=number or "",
                              group=group or "", points=int(points or 0)))
    return result


def ranking(*, session: Session, actor: Actor, start: dt.date, end: dt.date, group_id: str | None = None,
            limit: int | None = None) -> list[RankRow]:
    """积分排名 of a period (and a villagers' group): only when the village has turned rankings on."""
    require(actor, "points.view")
    clean_dates(start=start, end=end)
    if not _board_settings(session)["ranking"]:
        raise StateError(_("Rankings are turned off for this village (a committee choice in the points settings)."))
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    rows = _ranked(_earned_by_household(session, start, end, group_id))
    return rows[:limit] if limit else rows


@dataclasses.dataclass(frozen=True)
class Board:
    """红黑榜 of a period, by the village's criteria; ``decision``: the committee's decision to name."""

    start: dt.date
    end: dt.date
    red: tuple[RankRow, ...]
    black: tuple[RankRow, ...]  # points: what was deducted (negative)
    name_red: bool
    name_black: bool
    decision: Any  # DecisionView | None


def board(*, session: Session, actor: Actor, start: dt.date, end: dt.date) -> Board:
    require(actor, "points.view")
    clean_dates(start=start, end=end)
    settings = _board_settings(session)
    if not settings["red_black"]:
        raise StateError(_("The 红黑榜 is turned off for this village (a committee choice in the points settings)."))
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    red = [r for r in _ranked(_earned_by_household(session, start, end)) if r.points >= settings["red_min"]]
    # a reversed deduction cancels it: sum deductions and reversals of deductions only
    black_rows = [r for r in _deductions(session, start, end) if -r[1] >= settings["black_deducted"]]
    black = sorted(_ranked(black_rows), key=lambda r: (r.points, r.number))
    decision = _decision_for(session, start, end)
    return Board(start=start, end=end, red=tuple(red[:settings["red_count"]]),
                 black=tuple(black[:settings["black_count"]]),
                 name_red=bool(decision and decision.name_red), name_black=bool(decision and decision.name_black),
                 decision=view(DecisionView, decision) if decision else None)


def _deductions(session: Session, start: dt.date, end: dt.date) -> list[Any]:
    """Per household: deductions in the period, less those reversed (their reversals' points)."""
    deduction_ids = select(PointsEntry.id).where(PointsEntry.kind == DEDUCT).scalar_subquery()
    total = func.sum(PointsEntry.points)
    return list(session.exec(
        select(PointsEntry.household_id, total, Household.head_name, Household.number, VillageGroup.name)
        .join(Household, Household.id == PointsEntry.household_id)
        .join(VillageGroup, VillageGroup.id == Household.group_id, isouter=True)
        .where(PointsEntry.entry_date >= start, PointsEntry.entry_date <= end,
               (PointsEntry.kind == DEDUCT) | ((PointsEntry.kind == REVERSAL) & PointsEntry.reverses_id.in_(deduction_ids)))
        .group_by(PointsEntry.household_id, Household.head_name, Household.number, VillageGroup.name)
        .having(total < 0)).all())


def _decision_for(session: Session, start: dt.date, end: dt.date) -> PointsBoardDecision | None:
    return session.exec(select(PointsBoardDecision).where(PointsBoardDecision.period_start <= start,
                                                          PointsBoardDecision.period_end >= end)
                        .order_by(PointsBoardDecision.decided_on.desc()).limit(1)).first()


def record_board_decision(*, session: Session, actor: Actor, meeting_id: str, period_start: dt.date,
                          period_end: dt.date, name_red: bool, name_black: bool, summary: str = "",
                          decided_on: dt.date | None = None) -> DecisionView:
    """The committee's decision, at a held meeting, to print the 红榜 and/or 黑榜 of a period by name."""
    require(actor, "points.approve")
    (summary,) = clean_many(PointsBoardDecision, summary=summary)
    clean_dates(period_start=period_start, period_end=period_end, decided_on=decided_on)
    meeting = meeting_queries.get_meeting(session, meeting_id)
    errors: dict[str, str] = {}
    if meeting.held_on is None:
        errors["meeting_id"] = _("Choose the meeting, already held, that decided it.")
    if period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if not (name_red or name_black):
        errors["name_black"] = _("A decision to name says which list it names.")
    if errors:
        raise ValidationError(errors)
    decision = PointsBoardDecision(meeting_id=meeting.id, decided_on=decided_on or meeting.held_on,
                                   period_start=period_start, period_end=period_end, name_red=bool(name_red),
                                   name_black=bool(name_black), summary=summary, recorded_by=_who(actor))
    session.add(decision)
    session.flush()
    return view(DecisionView, decision)


# --- the register's questions -----------------------------------------------------------------------


def allowed_actions(*, session: Session, actor: Actor, entry_id: str | None = None) -> dict[str, str | None]:
    """What ``actor`` may do now: with no entry, at the points page (record, approve, redeem, rules);
    with an entry, to it (reverse)."""
    require(actor, "points.view")
    if entry_id is None:
        return {"record": actor.refusal("points.edit"), "approve": actor.refusal("points.approve"),
                "redeem": actor.refusal("points.redeem"), "rules": actor.refusal("points.approve"),
                "goods": actor.refusal("points.redeem")}
    entry = get_entry(session, entry_id)
    refused = actor.refusal("points.redeem" if entry.goods_id else "points.edit")
    if refused is None and entry.goods_id:
        refused = actor.refusal("points.edit")
    if refused is None and entry.kind == REVERSAL:
        refused = _("A reversal is not reversed; record the entry again instead.")
    if refused is None and session.exec(select(PointsEntry.id).where(PointsEntry.reverses_id == entry.id)).first():
        refused = _("This entry has already been reversed.")
    return {"reverse": refused}


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    """Points issued (earned, net of reversals) and redeemed, households taking part, goods in stock."""
    require_any(actor, "points.view", "stats.view")
    plain = PointsEntry.goods_id.is_(None)
    # issued: earnings less their reversals; deducted: deductions as made; redeemed: net of returns
    issued, deducted, redeemed, households = session.exec(select(
        func.sum(case((plain & (PointsEntry.kind == EARN), PointsEntry.points),
                      (plain & (PointsEntry.kind == REVERSAL) & (PointsEntry.points < 0)
                       & PointsEntry.reverses_id.in_(select(PointsEntry.id).where(PointsEntry.kind == EARN)),
                       PointsEntry.points), else_=0)),
        func.sum(case((plain & (PointsEntry.kind == DEDUCT), -PointsEntry.points), else_=0)),
        func.sum(case((PointsEntry.goods_id.is_not(None), -PointsEntry.points), else_=0)),
        func.count(func.distinct(PointsEntry.household_id)))).one()
    pending = session.exec(select(func.count()).select_from(PointsProposal).where(PointsProposal.state == PENDING)).one()
    redemptions = session.exec(select(func.count()).select_from(PointsEntry).where(PointsEntry.kind == REDEEM)).one()
    return {"points_issued": int(issued or 0), "points_deducted": int(deducted or 0),
            "points_redeemed": int(redeemed or 0), "households_with_points": int(households or 0),
            "redemptions": int(redemptions or 0), "proposals_pending": int(pending or 0)}
