"""人民调解: dispute cases from 登记 to 归档, confidential by default.

Lifecycle (one step at a time; skipping a step or going back is refused with a message)::

    登记 registered ─┬─ 不予受理 rejected ───────────────────────────────┐
                     └─ 受理 accepted → 调查 investigating → 调解 mediating │
                           ├─ 达成协议 agreed → 履行 performed → 回访 visited ─┤→ 归档 archived
                           ├─ 未达成协议 failed (回访 optional) ──────────────┤   (reopen: explicit,
                           └─ 终止 terminated (also before 调解) ────────────┘    with a reason)
    上报 escalated (乡镇 / 司法所, with a reason) from 登记 to 调解 and after a failure → 归档

The time limit is 30 days from 受理; an extension needs a reason. Cases near it (≤ 5 days left)
or over it stand out (:func:`deadline_of`).

Confidentiality: a case's parties, facts and records are read only through :func:`read_case`,
which checks ``mediation.view`` (secretary and mediators), and writes one row of the access log
per read (who, when, which case, what was shown); a refusal is logged too. Everybody else gets
counts and categories (:func:`counts`, :func:`statistics`).
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, bindparam
from sqlalchemy import case as sql_case
from sqlmodel import Session, func, select

from app.auth import Actor, require, require_any
from app.concerns.queries import get_concern
from app.errors import NotFound, PermissionDenied, StateError, ValidationError
from app.i18n import N_, _
from app.mediation.queries import case_number_for_concern, get_case, village_short_name
from app.pinyin import LIKE_ESCAPE, like_pattern, normalize_query
from app.search import filter_rows
from app.text import clean_dates, clean_many
from app.views import view, view_class
from db.base import local_now, soft_delete
from db.models.accounts import Setting
from db.models.mediation import MediationAccessLog, MediationCase, MediationParty, MediationRecord
from db.models.people import Household, Resident
from db.scope import next_number, plain_rows
from db.tracking import audit_note

# --- codes -------------------------------------------------------------------------------------------

# The national list of dispute kinds (人民调解案件分类); 婚姻家庭 has three sub-kinds.
CATEGORIES: dict[str, str] = {
    "marriage": N_("Family: marriage (婚姻家庭·婚姻)"),
    "inheritance": N_("Family: inheritance (婚姻家庭·继承)"),
    "support": N_("Family: support of children and parents (婚姻家庭·抚养赡养)"),
    "housing": N_("Houses and house sites (房屋宅基地)"),
    "land": N_("Forest and land contracts (山林土地承包)"),
    "debt": N_("Debts (债务)"),
    "contract": N_("Contracts (合同)"),
    "business": N_("Production and business (生产经营)"),
    "neighbours": N_("Neighbours (邻里)"),
    "damages": N_("Compensation for damage (损害赔偿)"),
    "labour": N_("Labour disputes (劳动争议)"),
    "village_affairs": N_("Village management (村务管理)"),
    "expropriation": N_("Land requisition and demolition (征地拆迁)"),
    "environment": N_("Environmental protection (环境保护)"),
    "traffic": N_("Traffic accidents (交通事故)"),
    "medical": N_("Doctors and patients (医患)"),
    "other": N_("Other (其他)"),
}
FAMILY = ("marriage", "inheritance", "support")  # 婚姻家庭
SOURCES: dict[str, str] = {
    "applied": N_("Applied for by a party (当事人申请)"),
    "initiative": N_("Taken up by the committee (调委会主动调解)"),
    "concern": N_("From a villager's concern (转自群众诉求)"),
}
PARTY_ROLES: dict[str, str] = {"applicant": N_("Applicant (申请人)"), "respondent": N_("Respondent (被申请人)"),
                               "other": N_("Other party (其他当事人)")}
RECORD_KINDS: dict[str, str] = {"investigation": N_("Investigation (调查)"), "session": N_("Mediation session (调解)"),
                                "visit": N_("Follow-up visit (回访)")}
GENDERS: dict[str, str] = {"M": N_("Male"), "F": N_("Female")}

REGISTERED, REJECTED, ACCEPTED, INVESTIGATING, MEDIATING = "registered", "rejected", "accepted", "investigating", "mediating"
AGREED, FAILED, TERMINATED, PERFORMED, VISITED = "agreed", "failed", "terminated", "performed", "visited"
ESCALATED, ARCHIVED = "escalated", "archived"
STATES: dict[str, str] = {
    REGISTERED: N_("Registered (登记)"), REJECTED: N_("Not accepted (不予受理)"), ACCEPTED: N_("Accepted (受理)"),
    INVESTIGATING: N_("Investigating (调查)"), MEDIATING: N_("Mediating (调解)"),
    AGREED: N_("Agreement reached (达成协议)"), FAILED: N_("No agreement (未达成协议)"),
    TERMINATED: N_("Terminated (终止)"), PERFORMED: N_("Fulfilment recorded (履行)"), VISITED: N_("Visited (回访)"),
    ESCALATED: N_("Escalated (上报)"), ARCHIVED: N_("Archived (归档)"),
}
OUTCOMES: dict[str, str] = {AGREED: N_("Agreement reached"), FAILED: N_("No agreement"),
                            TERMINATED: N_("Terminated"), REJECTED: N_("Not accepted"), ESCALATED: N_("Escalated")}
FULFILMENT: dict[str, str] = {"on_time": N_("Fulfilled on time (按期履行)"), "partly": N_("Partly fulfilled (部分履行)"),
                              "not": N_("Not fulfilled (未履行)")}
ESCALATION_TARGETS: dict[str, str] = {"township": N_("The township (乡镇)"),
                                      "justice_office": N_("The judicial office (司法所)")}

ACTIVE = (ACCEPTED, INVESTIGATING, MEDIATING)  # the 30-day clock runs
OPEN_STATES = (REGISTERED, *ACTIVE)
TIME_LIMIT_DAYS = 30  # 人民调解: 一般应在受理之日起三十日内调结
NEAR_DAYS = 5  # "near the limit" from this many days before it
MAX_EXTENSION_DAYS = 30
GROUP_DISPUTE_PEOPLE = 5  # 群体性纠纷: this many people or more: consider escalating

# the step each state and action stands at (for "going back" against "skipping")
_STEP = {REGISTERED: 0, ACCEPTED: 1, REJECTED: 1, INVESTIGATING: 2, MEDIATING: 3, AGREED: 4, FAILED: 4,
         TERMINATED: 4, ESCALATED: 4, PERFORMED: 5, VISITED: 6, ARCHIVED: 7}

CLAUSES_KEY = "mediation.clauses"
DEFAULTS_KEY = "mediation.session_defaults"
DEFAULT_CLAUSES: tuple[str, ...] = (
    "被申请人于____年__月__日前一次性支付申请人赔偿金额____元。",
    "赔偿金额____元，分__期支付，每期____元，于每月__日前支付。",
    "双方宅基地界址以____为准，各自不得越界建筑。",
    "被申请人于____年__月__日前拆除越界部分，恢复原状。",
    "子女____每月__日前支付父母赡养费____元，并轮流照料其生活。",
    "双方今后和睦相处，互不追究，不得以任何理由再生事端。",
    "本协议履行完毕后，双方就此纠纷再无其他争议。",
)


def category_label(code: str, *, short: bool = False) -> str:
    label = _(CATEGORIES.get(code, code))
    if short and "(" in label:
        label = label[: label.index("(")].strip()
    return label


def state_label(code: str) -> str:
    return _(STATES.get(code, code))


def source_label(code: str) -> str:
    return _(SOURCES.get(code, code))


def outcome_label(code: str) -> str:
    return _(OUTCOMES[code]) if code in OUTCOMES else ""


def fulfilment_label(code: str) -> str:
    return _(FULFILMENT[code]) if code in FULFILMENT else ""


def party_role_label(code: str) -> str:
    return _(PARTY_ROLES.get(code, code))


def record_kind_label(code: str) -> str:
    return _(RECORD_KINDS.get(code, code))


def escalation_label(code: str) -> str:
    return _(ESCALATION_TARGETS[code]) if code in ESCALATION_TARGETS else ""


def today() -> dt.date:
    return local_now().date()


def deadline_of(case: Any, on: dt.date | None = None) -> str:
    """``overdue`` (past the time limit), ``near`` (≤ :data:`NEAR_DAYS` left) or ``""``: only while
    the 30-day clock runs (accepted, investigating, mediating)."""
    if case.state not in ACTIVE or case.due_on is None:
        return ""
    on = on or today()
    if case.due_on < on:
        return "overdue"
    if (case.due_on - on).days <= NEAR_DAYS:
        return "near"
    return ""


_Probe = collections.namedtuple("_Probe", "state due_on")


def _overdue(on: dt.date) -> Any:
    return MediationCase.state.in_(ACTIVE) & (MediationCase.due_on < on)


def _near(on: dt.date) -> Any:
    return (MediationCase.state.in_(ACTIVE) & (MediationCase.due_on >= on)
            & (MediationCase.due_on <= on + dt.timedelta(days=NEAR_DAYS)))


# --- plain data ----------------------------------------------------------------------------------------

CaseView = view_class(MediationCase, "MediationCaseView", extra={"deadline": "", "days_left": None})
PartyView = view_class(MediationParty, "MediationPartyView")
RecordView = view_class(MediationRecord, "MediationRecordView")


@dataclasses.dataclass(frozen=True)
class PartyForm:
    """当事人 as entered: a resident of the register (``resident_id``; name, gender, age, phone and
    address come from the register unless given) or an outsider with their particulars."""

    role: str = "applicant"
    resident_id: str | None = None
    name: str = ""
    gender: str = ""
    ethnicity: str = "汉族"
    age: int | None = None
    occupation: str = ""
    phone: str = ""
    address: str = ""
    request: str = ""


@dataclasses.dataclass(frozen=True)
class CaseForm:
    """What the intake form holds (also pre-filled from a concern)."""

    title: str = ""
    category: str = "neighbours"
    source: str = "applied"
    facts: str = ""
    people_involved: int = 2
    mediators: str = ""
    registered_on: dt.date | None = None
    concern_id: str | None = None
    parties: tuple[PartyForm, ...] = ()


@dataclasses.dataclass(frozen=True)
class RecordForm:
    """One investigation, session or visit."""

    content: str = ""
    held_on: dt.date | None = None
    place: str = ""
    present: str = ""
    mediators: str = ""


@dataclasses.dataclass(frozen=True)
class CaseDetail:
    """Everything about one case: what only mediators and the secretary may read (logged)."""

    case: Any  # CaseView
    parties: tuple[Any, ...]  # PartyView
    records: tuple[Any, ...]  # RecordView, by date
    concern_number: str
    warnings: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class CaseRow:
    """A line of the cases list: no parties, no facts."""

    id: str
    number: str
    title: str
    category: str
    source: str
    state: str
    registered_on: dt.date
    accepted_on: dt.date | None
    due_on: dt.date | None
    deadline: str
    mediators: str
    people_involved: int


@dataclasses.dataclass(frozen=True)
class AccessRow:
    """One line of the access log."""

    at: dt.datetime
    username: str
    role: str
    case_id: str
    case_number: str
    shown: str


@dataclasses.dataclass(frozen=True)
class PartyChoice:
    """A resident the party picker offers."""

    resident_id: str
    name: str
    gender: str
    age: int | None
    address: str
    detail: str


# --- the one door to a case's details --------------------------------------------------------------------


def _log_row(actor: Actor | None, case_id: str, number: str, shown: str, detail: dict[str, Any] | None = None
             ) -> dict[str, Any]:
    return {"username": actor.username if actor else "", "role": actor.role if actor else "", "case_id": case_id or "",
            "case_number": number or "", "shown": shown[:64], "detail": detail or {}}


def read_case(session: Session, actor: Actor, case_id: str, shown: str, detail: dict[str, Any] | None = None
              ) -> MediationCase:
    """THE read of a case's details: checks ``mediation.view`` and logs who read which case, when,
    and what was shown (``details``, ``document:<kind>`` …). A refusal is logged as well (with the
    audit log's refusal, after the caller's unit rolled back). A read-only store shows the case and
    records nothing, as it does with printing."""
    try:
        require(actor, "mediation.view")
    except PermissionDenied as refusal:
        record = getattr(refusal, "audit_record", None)
        if record is not None:
            record["rows"] = [(MediationAccessLog, _log_row(actor, case_id, "", "refused:" + shown))]
        raise
    found = get_case(session, case_id)
    if not session.info.get("read_only"):
        session.add(MediationAccessLog(**_log_row(actor, found.id, found.number, shown, detail)))
        session.flush()
    return found


def _records(session: Session, case_id: str, kind: str | None = None) -> list[MediationRecord]:
    query = select(MediationRecord).where(MediationRecord.case_id == case_id)
    if kind:
        query = query.where(MediationRecord.kind == kind)
    return list(session.exec(query.order_by(MediationRecord.held_on, MediationRecord.created_at)))


def _parties(session: Session, case_id: str) -> list[MediationParty]:
    return list(session.exec(select(MediationParty).where(MediationParty.case_id == case_id)
                             .order_by(MediationParty.position, MediationParty.created_at)))


def _case_view(case: MediationCase, on: dt.date | None = None) -> Any:
    on = on or today()
    days_left = (case.due_on - on).days if case.due_on and case.state in ACTIVE else None
    return view(CaseView, case, deadline=deadline_of(case, on), days_left=days_left)


def _warnings(case: MediationCase, on: dt.date) -> tuple[str, ...]:
    found = []
    status = deadline_of(case, on)
    if status == "overdue":
        found.append(_("Over the 30-day time limit since {date}: conclude the case or extend the limit with a reason.")
                     .format(date=case.due_on.isoformat()))
    elif status == "near":
        found.append(_("{n} days left of the time limit (until {date}).").format(
            n=(case.due_on - on).days, date=case.due_on.isoformat()))
    if case.people_involved >= GROUP_DISPUTE_PEOPLE and case.state in OPEN_STATES and not case.escalated_to:
        found.append(_("{n} people are involved: a group dispute (群体性纠纷) should be reported to the township "
                       "or the judicial office.").format(n=case.people_involved))
    return tuple(found)


def case_detail(*, session: Session, actor: Actor, case_id: str) -> CaseDetail:
    """One case with its parties and records, for the case view (logged as ``details``)."""
    found = read_case(session, actor, case_id, "details")
    on = today()
    concern_number = ""
    if found.concern_id:
        try:
            concern_number = get_concern(session, found.concern_id).number
        except NotFound:
            concern_number = ""
    return CaseDetail(case=_case_view(found, on), parties=tuple(view(PartyView, p) for p in _parties(session, found.id)),
                      records=tuple(view(RecordView, r) for r in _records(session, found.id)),
                      concern_number=concern_number, warnings=_warnings(found, on))


# --- the state machine: one table of refusals ---------------------------------------------------------------

ACTIONS = ("edit", "accept", "reject", "investigate", "session", "agree", "fail", "terminate", "fulfil", "visit",
           "escalate", "extend", "archive", "reopen")
_ALLOWED: dict[str, tuple[str, ...]] = {
    "edit": OPEN_STATES,
    "accept": (REGISTERED,),
    "reject": (REGISTERED,),
    "investigate": (ACCEPTED, INVESTIGATING),
    "session": (INVESTIGATING, MEDIATING),
    "agree": (MEDIATING,),
    "fail": (MEDIATING,),
    "terminate": ACTIVE,
    "fulfil": (AGREED,),
    "visit": (PERFORMED, VISITED, FAILED, TERMINATED),
    "escalate": (REGISTERED, *ACTIVE, FAILED),
    "extend": ACTIVE,
    "archive": (REJECTED, FAILED, TERMINATED, VISITED, ESCALATED),
    "reopen": (ARCHIVED,),
}
_ACTION_STEP = {"edit": 0, "accept": 1, "reject": 1, "investigate": 2, "session": 3, "agree": 4, "fail": 4,
                "terminate": 4, "fulfil": 5, "visit": 6, "escalate": 4, "extend": 1, "archive": 7, "reopen": 8}


def _state_refusal(case: MediationCase, action: str, counts: dict[str, int]) -> str | None:
    """Why ``action`` cannot be taken on ``case`` now (None when it can): the one place the order
    of the steps is decided."""
    state = case.state
    if state in _ALLOWED[action]:
        if action == "session" and state == INVESTIGATING and not counts.get("investigation"):
            return _("Record the investigation (调查) first: mediation follows it.")
        if action in ("agree", "fail") and not counts.get("session"):
            return _("Record a mediation session first.")
        return None
    now = state_label(state)
    if state == ARCHIVED:
        return _("The case is archived; reopen it first (with a reason).")
    if action == "reopen":
        return _("Only an archived case can be reopened.")
    if state == REJECTED:
        return _("The case was not accepted; it can only be archived.")
    if state == ESCALATED:
        return _("The case was escalated to {to}; it can only be archived.").format(to=escalation_label(case.escalated_to))
    if action == "archive":
        if state == AGREED:
            return _("Record how the agreement was fulfilled (履行) and a follow-up visit (回访) before archiving.")
        if state == PERFORMED:
            return _("Record a follow-up visit (回访) before archiving.")
        return _("A case still being handled cannot be archived; conclude it first.")
    if action == "fulfil" and state in (FAILED, TERMINATED):
        return _("There is no agreement to fulfil: the case ended as {state}.").format(state=now)
    if action == "visit" and state == AGREED:
        return _("Record how the agreement was fulfilled (履行) first.")
    if _STEP.get(state, 0) > _ACTION_STEP[action]:
        return _("The case is at {state}; it cannot go back to an earlier step.").format(state=now)
    if action == "session" and state == ACCEPTED:
        return _("Record the investigation (调查) first: mediation follows it.")
    needed = {
        "investigate": _("Accept the case (受理) first."),
        "session": _("Accept the case and record the investigation (调查) first."),
        "agree": _("Mediate (调解) first: record a session."),
        "fail": _("Mediate (调解) first: record a session."),
        "terminate": _("Accept the case (受理) first."),
        "extend": _("The time limit starts when the case is accepted (受理)."),
        "fulfil": _("Reach an agreement first."),
        "visit": _("A follow-up visit comes after the case is concluded."),
    }.get(action)
    return needed or _("This cannot be done while the case is {state}.").format(state=now)


def _counts(session: Session, case_id: str) -> dict[str, int]:
    return {kind: n for kind, n in session.exec(
        select(MediationRecord.kind, func.count()).where(MediationRecord.case_id == case_id)
        .group_by(MediationRecord.kind)).all()}


def _check(session: Session, case: MediationCase, action: str) -> None:
    refusal = _state_refusal(case, action, _counts(session, case.id))
    if refusal:
        raise StateError(refusal)


def allowed_actions(*, session: Session, actor: Actor, case_id: str | None = None) -> dict[str, str | None]:
    """What ``actor`` may do now: action → None when allowed, else why not.

    ``case_id=None`` (any role may ask; it tells nothing about a case): ``view`` (read case details),
    ``new`` (register a case), ``access_log`` (the secretary's log of reads), ``clause`` (add to the
    clause library), ``summary`` (export the de-identified yearly summary)."""
    if case_id is None:
        summary = None if actor.can("mediation.view") or actor.can("stats.view") else actor.refusal("mediation.view")
        return {"view": actor.refusal("mediation.view"), "new": actor.refusal("mediation.edit"),
                "access_log": actor.refusal("users.manage"), "clause": actor.refusal("mediation.edit"),
                "summary": summary}
    require(actor, "mediation.view")
    found = get_case(session, case_id)
    refused = actor.refusal("mediation.edit")
    counts = _counts(session, found.id)
    return {action: refused or _state_refusal(found, action, counts) for action in ACTIONS}


# --- intake --------------------------------------------------------------------------------------------------


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _party_rows(session: Session, parties: Sequence[PartyForm], on: dt.date, errors: dict[str, str]
                ) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if not any(p.role == "applicant" for p in parties):
        errors["parties"] = _("Name at least one applicant (申请人).")
    elif not any(p.role == "respondent" for p in parties):
        errors["parties"] = _("Name at least one respondent (被申请人).")
    for index, party in enumerate(parties):
        field = f"parties.{index}"
        if party.role not in PARTY_ROLES:
            errors[field] = _("Choose the party's role.")
            continue
        name, ethnicity, occupation, phone, address, request = clean_many(
            MediationParty, name=party.name, ethnicity=party.ethnicity, occupation=party.occupation, phone=party.phone,
            address=party.address, request=party.request, multiline=("request",))
        gender, age = party.gender, party.age
        resident = None
        if party.resident_id:
            resident = session.get(Resident, party.resident_id)
            if resident is None:
                errors[field] = _("No such resident.")
                continue
            household = session.get(Household, resident.household_id) if resident.household_id else None
            name = name or resident.name
            gender = gender or resident.gender
            age = age if age is not None else _age(resident.birth_date, on)
            phone = phone or resident.phone or (household.phone if household else "")
            address = address or (household.address if household else "")
        if not name:
            errors[field] = _("Give each party's name, or pick the resident from the register.")
            continue
        if gender not in ("", "M", "F"):
            errors[field] = _("Gender is 男 or 女.")
            continue
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130):
            errors[field] = _("Enter an age between 0 and 130.")
            continue
        rows.append({"role": party.role, "position": index, "resident_id": resident.id if resident else None,
                     "name": name, "gender": gender, "ethnicity": ethnicity, "age": age, "occupation": occupation,
                     "phone": phone, "address": address, "request": request})
    return rows


def _clean_case(session: Session, form: CaseForm, errors: dict[str, str]) -> dict[str, Any]:
    title, facts, mediators = clean_many(MediationCase, title=form.title, facts=form.facts, mediators=form.mediators,
                                         multiline=("facts",))
    clean_dates(registered_on=form.registered_on)
    if not title:
        errors["title"] = _("Say what the dispute is about (案由).")
    if form.category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if form.source not in SOURCES:
        errors["source"] = _("Say how the case came to the committee.")
    if form.source == "concern" and not form.concern_id:
        errors["source"] = _("Choose the concern the case comes from.")
    people = form.people_involved
    if isinstance(people, bool) or not isinstance(people, int) or not 2 <= people <= 10000:
        errors["people_involved"] = _("A dispute involves at least two people.")
    if form.concern_id:
        try:
            get_concern(session, form.concern_id)
        except NotFound:
            errors["concern_id"] = _("No such concern.")
    return {"title": title, "facts": facts, "mediators": mediators}


def register_case(*, session: Session, actor: Actor, form: CaseForm) -> Any:
    """登记: a new case with its parties, numbered （2026）青石人调字第N号 (one gap-free series per
    year and village, claimed in this transaction)."""
    require(actor, "mediation.edit")
    errors: dict[str, str] = {}
    text = _clean_case(session, form, errors)
    on = form.registered_on or today()
    if on > today():
        errors["registered_on"] = _("The date is in the future.")
    parties = _party_rows(session, form.parties, on, errors)
    if errors:
        raise ValidationError(errors)
    seq = next_number(session, f"mediation-{on.year}")
    case = MediationCase(number=f"（{on.year}）{village_short_name(session)}人调字第{seq}号", year=on.year, seq=seq,
                         category=form.category, source=form.source if not form.concern_id else "concern",
                         concern_id=form.concern_id or None, people_involved=form.people_involved, state=REGISTERED,
                         registered_on=on, **text)
    session.add(case)
    session.flush()
    for row in parties:
        session.add(MediationParty(case_id=case.id, **row))
    session.flush()
    return _case_view(case)


def update_case(*, session: Session, actor: Actor, case_id: str, form: CaseForm) -> Any:
    """Correct what was registered (案由, category, facts, people, mediators and the parties) while
    the case is open. Parties not in ``form`` are removed (soft: the removal is kept)."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "edit")
    errors: dict[str, str] = {}
    text = _clean_case(session, dataclasses.replace(form, source=case.source, concern_id=case.concern_id), errors)
    if form.category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    parties = _party_rows(session, form.parties, case.registered_on, errors) if form.parties else None
    if errors:
        raise ValidationError(errors)
    for key, value in text.items():
        setattr(case, key, value)
    case.category = form.category
    case.people_involved = form.people_involved
    session.add(case)
    if parties is not None:
        for old in _parties(session, case.id):
            soft_delete(old)
            session.add(old)
        for row in parties:
            session.add(MediationParty(case_id=case.id, **row))
    session.flush()
    return _case_view(case)


def case_form_from_concern(*, session: Session, actor: Actor, concern_id: str) -> CaseForm:
    """A new case pre-filled from the concern it comes from (转自群众诉求): 案由, facts, the villager
    who raised it as the applicant."""
    require(actor, "mediation.edit")
    concern = get_concern(session, concern_id)
    mapping = {"neighbours": "neighbours", "land": "land", "environment": "environment",
               "roads_water": "village_affairs", "welfare": "village_affairs", "farming": "business"}
    applicant = PartyForm(role="applicant", resident_id=concern.resident_id,
                          name="" if concern.resident_id else concern.raised_by)
    return CaseForm(title=concern.title[:64], category=mapping.get(concern.category, "other"), source="concern",
                    facts=concern.description, concern_id=concern.id, parties=(applicant,),
                    mediators=_defaults(session).get("mediators", ""))


def party_choices(*, session: Session, actor: Actor, query: str, limit: int = 20) -> list[PartyChoice]:
    """Residents matching ``query`` by name, pinyin initials or full pinyin (``zs`` → 张三)."""
    require(actor, "mediation.edit")
    needle = normalize_query(query)
    if not needle:
        return []
    on = today()
    rows = session.exec(
        select(Resident.id, Resident.name, Resident.gender, Resident.birth_date, Household.address, Household.number)
        .join(Household, Household.id == Resident.household_id, isouter=True)
        .where(Resident.search_key.like(like_pattern(needle), escape=LIKE_ESCAPE))
        .order_by(Resident.search_key, Resident.id).limit(limit)).all()
    return [PartyChoice(resident_id=rid, name=name, gender=gender or "", age=_age(birth, on), address=address or "",
                        detail=_("household {number}").format(number=number or "—"))
            for rid, name, gender, birth, address, number in rows]


# --- the steps ------------------------------------------------------------------------------------------------


def _date(value: dt.date | None, field: str, not_before: dt.date | None, errors: dict[str, str]) -> dt.date:
    clean_dates(**{field: value})
    value = value or today()
    if value > today():
        errors[field] = _("The date is in the future.")
    elif not_before is not None and value < not_before:
        errors[field] = _("The date cannot be before {date}.").format(date=not_before.isoformat())
    return value


def _reason(value: str, field: str, message: str, errors: dict[str, str], column: str = "outcome_reason") -> str:
    (value,) = clean_many(MediationCase, **{column: value}, multiline=(column,))
    if not value:
        errors[field] = message
    return value


def accept_case(*, session: Session, actor: Actor, case_id: str, accepted_on: dt.date | None = None) -> Any:
    """受理: the 30-day time limit starts."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "accept")
    errors: dict[str, str] = {}
    on = _date(accepted_on, "accepted_on", case.registered_on, errors)
    if errors:
        raise ValidationError(errors)
    case.state, case.accepted_on = ACCEPTED, on
    case.due_on = on + dt.timedelta(days=TIME_LIMIT_DAYS)
    session.add(case)
    session.flush()
    return _case_view(case)


def reject_case(*, session: Session, actor: Actor, case_id: str, reason: str, on: dt.date | None = None) -> Any:
    """不予受理, with the reason told to the applicant."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "reject")
    errors: dict[str, str] = {}
    reason = _reason(reason, "reason", _("Say why the case is not accepted."), errors, "rejection_reason")
    day = _date(on, "on", case.registered_on, errors)
    if errors:
        raise ValidationError(errors)
    case.state, case.outcome, case.rejection_reason, case.concluded_on = REJECTED, REJECTED, reason, day
    session.add(case)
    session.flush()
    return _case_view(case)


def _add_record(session: Session, actor: Actor, case: MediationCase, kind: str, form: RecordForm,
                not_before: dt.date | None) -> Any:
    errors: dict[str, str] = {}
    content, place, present, mediators = clean_many(MediationRecord, content=form.content, place=form.place,
                                                    present=form.present, mediators=form.mediators,
                                                    multiline=("content",))
    held_on = _date(form.held_on, "held_on", not_before, errors)
    if not content:
        errors["content"] = _("Write down what was said and found.")
    if kind == "session" and not place:
        errors["place"] = _("Say where the session was held.")
    if errors:
        raise ValidationError(errors)
    record = MediationRecord(case_id=case.id, kind=kind, held_on=held_on, place=place, present=present,
                             mediators=mediators or case.mediators, content=content,
                             recorder=actor.display_name or actor.username)
    session.add(record)
    if kind == "session":  # remembered for the next session's form
        setting = session.get(Setting, DEFAULTS_KEY) or Setting(key=DEFAULTS_KEY, value={})
        setting.value = {"place": place, "mediators": record.mediators}
        session.add(setting)
    session.flush()
    return view(RecordView, record)


def record_investigation(*, session: Session, actor: Actor, case_id: str, form: RecordForm) -> Any:
    """调查记录: the first one moves an accepted case to 调查."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "investigate")
    record = _add_record(session, actor, case, "investigation", form, case.accepted_on)
    if case.state == ACCEPTED:
        case.state = INVESTIGATING
        session.add(case)
        session.flush()
    return record


def record_session(*, session: Session, actor: Actor, case_id: str, form: RecordForm) -> Any:
    """调解记录: one session (date, place, present, record); the first one moves the case to 调解."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "session")
    record = _add_record(session, actor, case, "session", form, case.accepted_on)
    if case.state == INVESTIGATING:
        case.state = MEDIATING
        session.add(case)
        session.flush()
    return record


def record_visit(*, session: Session, actor: Actor, case_id: str, form: RecordForm) -> Any:
    """回访记录: after the agreement's fulfilment (or a failure or termination)."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "visit")
    record = _add_record(session, actor, case, "visit", form, case.concluded_on)
    if case.state == PERFORMED:
        case.state = VISITED
        session.add(case)
        session.flush()
    return record


def conclude_case(*, session: Session, actor: Actor, case_id: str, outcome: str, on: dt.date | None = None,
                  reason: str = "", clauses: Sequence[str] = (), performance: str = "",
                  performance_due: dt.date | None = None, confirmation: bool = False) -> Any:
    """达成协议 (the clauses, 履行方式、时限, whether the parties want 司法确认), 未达成协议 or 终止
    (each with a reason)."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    action = {AGREED: "agree", FAILED: "fail", TERMINATED: "terminate"}.get(outcome)
    if action is None:
        raise ValidationError({"outcome": _("The outcome is an agreement, no agreement, or termination.")})
    _check(session, case, action)
    errors: dict[str, str] = {}
    day = _date(on, "on", case.accepted_on, errors)
    text: list[str] = []
    if outcome == AGREED:
        for index, clause in enumerate(clauses):
            (cleaned,) = clean_many(MediationRecord, content=clause)
            if "____" in cleaned:
                errors[f"clauses.{index}"] = _("Fill in the blanks (____) of the clause.")
            if cleaned:
                text.append(cleaned)
        if not text:
            errors["clauses"] = _("Write what the parties agreed, clause by clause.")
        (performance,) = clean_many(MediationCase, performance=performance, multiline=("performance",))
        clean_dates(performance_due=performance_due)
        if not performance:
            errors["performance"] = _("Say how and by when the agreement is fulfilled (履行方式、时限).")
        if performance_due is not None and performance_due < day:
            errors["performance_due"] = _("The fulfilment date cannot be before the agreement.")
    else:
        reason = _reason(reason, "reason", _("Say why the case ends this way."), errors)
    if errors:
        raise ValidationError(errors)
    case.state, case.outcome, case.concluded_on = outcome, outcome, day
    if outcome == AGREED:
        case.agreement, case.performance, case.performance_due = text, performance, performance_due
        case.confirmation = bool(confirmation)
    else:
        case.outcome_reason = reason
    session.add(case)
    session.flush()
    return _case_view(case)


def record_fulfilment(*, session: Session, actor: Actor, case_id: str, fulfilment: str, note: str = "",
                      on: dt.date | None = None) -> Any:
    """履行: on time, partly, or not."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "fulfil")
    errors: dict[str, str] = {}
    if fulfilment not in FULFILMENT:
        errors["fulfilment"] = _("Fulfilment is on time, partly, or not.")
    (note,) = clean_many(MediationCase, fulfilment_note=note, multiline=("fulfilment_note",))
    if fulfilment in ("partly", "not") and not note:
        errors["note"] = _("Say what was not fulfilled and what the parties were told.")
    day = _date(on, "on", case.concluded_on, errors)
    if errors:
        raise ValidationError(errors)
    case.state, case.fulfilment, case.fulfilment_note, case.fulfilled_on = PERFORMED, fulfilment, note, day
    session.add(case)
    session.flush()
    return _case_view(case)


def escalate_case(*, session: Session, actor: Actor, case_id: str, to: str, reason: str,
                  on: dt.date | None = None) -> Any:
    """上报 the township or the 司法所 (a 群体性 dispute, one beyond the village), with a reason."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "escalate")
    errors: dict[str, str] = {}
    if to not in ESCALATION_TARGETS:
        errors["to"] = _("Escalate to the township or the judicial office.")
    reason = _reason(reason, "reason", _("Say why the case goes up."), errors, "escalation_reason")
    day = _date(on, "on", case.registered_on, errors)
    if errors:
        raise ValidationError(errors)
    case.state, case.outcome, case.escalated_to, case.escalation_reason, case.escalated_on = (
        ESCALATED, ESCALATED, to, reason, day)
    case.concluded_on = case.concluded_on or day
    session.add(case)
    session.flush()
    return _case_view(case)


def extend_deadline(*, session: Session, actor: Actor, case_id: str, days: int, reason: str) -> Any:
    """延长调解期限: a later time limit, only with a reason (kept with the earlier ones)."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "extend")
    errors: dict[str, str] = {}
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = _("Extend by 1 to {n} days.").format(n=MAX_EXTENSION_DAYS)
    (reason,) = clean_many(MediationCase, extension_reason=reason, multiline=("extension_reason",))
    if not reason:
        errors["reason"] = _("An extension needs a reason.")
    if errors:
        raise ValidationError(errors)
    case.due_on = (case.due_on or today()) + dt.timedelta(days=days)
    line = _("{date}: extended by {n} days to {due}: {reason}").format(
        date=today().isoformat(), n=days, due=case.due_on.isoformat(), reason=reason)
    combined = f"{case.extension_reason}\n{line}" if case.extension_reason else line
    case.extension_reason = combined[-1000:]
    session.add(case)
    session.flush()
    return _case_view(case)


def archive_case(*, session: Session, actor: Actor, case_id: str, on: dt.date | None = None) -> Any:
    """归档: the 卷宗 is bound; nothing changes any more unless the case is reopened."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "archive")
    errors: dict[str, str] = {}
    day = _date(on, "on", case.concluded_on or case.registered_on, errors)
    if errors:
        raise ValidationError(errors)
    case.archived_from, case.state, case.archived_on = case.state, ARCHIVED, day
    session.add(case)
    session.flush()
    return _case_view(case)


def reopen_case(*, session: Session, actor: Actor, case_id: str, reason: str) -> Any:
    """Reopen an archived case (a party comes back, the agreement is not kept): explicit, with a
    reason, and noted in the audit log besides the change itself."""
    require(actor, "mediation.edit")
    case = get_case(session, case_id)
    _check(session, case, "reopen")
    errors: dict[str, str] = {}
    (reason,) = clean_many(MediationCase, reopen_reason=reason, multiline=("reopen_reason",))
    if not reason:
        errors["reason"] = _("Say why the archived case is reopened.")
    if errors:
        raise ValidationError(errors)
    back_to = case.archived_from or VISITED
    case.state, case.archived_on, case.archived_from, case.reopen_reason = back_to, None, "", reason
    session.add(case)
    audit_note(session, table_name="mediation_case", row_id=case.id, note="reopened",
               detail={"number": case.number, "reason": reason, "state": back_to})
    session.flush()
    return _case_view(case)


# --- minimal typing: the clause library and the last session's place and mediators ----------------------------


def _defaults(session: Session) -> dict[str, str]:
    setting = session.get(Setting, DEFAULTS_KEY)
    return dict(setting.value) if setting is not None and isinstance(setting.value, dict) else {}


def session_defaults(*, session: Session, actor: Actor) -> RecordForm:
    """The next session's form: the last place and mediators, today's date."""
    require(actor, "mediation.edit")
    values = _defaults(session)
    return RecordForm(held_on=today(), place=str(values.get("place", "")), mediators=str(values.get("mediators", "")))


def clause_library(*, session: Session, actor: Actor) -> list[str]:
    """常用协议条款: the defaults and what the committee added (blanks ____ to fill in)."""
    require(actor, "mediation.view")
    setting = session.get(Setting, CLAUSES_KEY)
    added = [c for c in (setting.value if setting is not None and isinstance(setting.value, list) else [])
             if isinstance(c, str)]
    return list(DEFAULT_CLAUSES) + [c for c in added if c not in DEFAULT_CLAUSES]


def add_clause(*, session: Session, actor: Actor, text: str) -> list[str]:
    """Add a clause to the committee's library."""
    require(actor, "mediation.edit")
    (text,) = clean_many(MediationRecord, content=text)
    if not text:
        raise ValidationError({"text": _("Write the clause.")})
    setting = session.get(Setting, CLAUSES_KEY) or Setting(key=CLAUSES_KEY, value=[])
    current = list(setting.value) if isinstance(setting.value, list) else []
    if text not in current and text not in DEFAULT_CLAUSES:
        setting.value = [*current, text][-100:]
        session.add(setting)
        session.flush()
    return clause_library(session=session, actor=actor)


# --- the list -------------------------------------------------------------------------------------------------


def case_ids(*, session: Session, actor: Actor, state: str | None = None, category: str | None = None,
             year: int | None = None, overdue_only: bool = False, search: str = "",
             on: dt.date | None = None, limit: int | None = None) -> list[str]:
    """Ids for the cases list: over the time limit first, then near it, then newest; the first
    ``limit`` only, if given. ``limit=0`` reads none and compiles the list's statement (the page's
    warm read: its first open then only runs it)."""
    require(actor, "mediation.view")
    on = on or today()
    shape = (("open" if state == "open" else "one") if state else "",
             ("family" if category == "family" else "one") if category else "", bool(year), overdue_only)
    params = {"state": state, "category": category, "year": year, "on": on,
              "near_until": on + dt.timedelta(days=NEAR_DAYS)}
    if not search.strip():
        # always a LIMIT (a bound value: one statement, compiled once, whatever the limit)
        params["limit"] = _no_limit(session) if limit is None else limit
        return [row[0] for row in plain_rows(session, _case_ids_statement(*shape, searched=False), params)]
    rows = plain_rows(session, _case_ids_statement(*shape, searched=True), params).all()
    found = filter_rows(rows, search, texts=(1, 2), names=(3,))  # the ids (each row's first column)
    return found if limit is None else found[:limit]


@functools.cache
def _case_ids_statement(state: str, category: str, year: bool, overdue_only: bool, *, searched: bool) -> Any:
    """The list's statement of one shape (``state``: "", "open" or "one"; ``category``: "", "family"
    or "one"), built once: the values are bound when it runs (``state``, ``category``, ``year``,
    ``on``, ``near_until``, ``limit``). Built anew, with its cache key computed again, it cost ~3 ms
    of each read of the list. ``searched``: with the columns a search filters on, no limit."""
    on, near_until = bindparam("on", type_=Date()), bindparam("near_until", type_=Date())
    active = MediationCase.state.in_(ACTIVE)
    overdue = _overdue(on)
    near = active & (MediationCase.due_on >= on) & (MediationCase.due_on <= near_until)
    query = select(MediationCase.id)
    if searched:
        query = query.add_columns(MediationCase.number, MediationCase.title, MediationCase.mediators)
    if state == "open":
        query = query.where(MediationCase.state.in_(OPEN_STATES))
    elif state:
        query = query.where(MediationCase.state == bindparam("state"))
    if category == "family":
        query = query.where(MediationCase.category.in_(FAMILY))
    elif category:
        query = query.where(MediationCase.category == bindparam("category"))
    if year:
        query = query.where(MediationCase.year == bindparam("year"))
    if overdue_only:
        query = query.where(overdue)
    query = query.order_by(sql_case((overdue, 0), (near, 1), else_=2), MediationCase.registered_on.desc(),
                           MediationCase.year.desc(), MediationCase.seq.desc())
    return query if searched else query.limit(bindparam("limit"))


def _no_limit(session: Session) -> int | None:
    """The LIMIT that limits nothing: -1 in SQLite, NULL (LIMIT ALL) in PostgreSQL."""
    return None if session.get_bind().dialect.name == "postgresql" else -1


def case_rows(*, session: Session, actor: Actor, ids: Sequence[str]) -> dict[str, CaseRow]:
    """The list's lines (number, 案由, category, state, dates, mediators): no parties, no facts."""
    require(actor, "mediation.view")
    if not ids:
        return {}
    on = today()
    columns = (MediationCase.id, MediationCase.number, MediationCase.title, MediationCase.category,
               MediationCase.source, MediationCase.state, MediationCase.registered_on, MediationCase.accepted_on,
               MediationCase.due_on, MediationCase.mediators, MediationCase.people_involved)
    found = {}
    for row in session.exec(select(*columns).where(MediationCase.id.in_(list(ids)))).all():
        (cid, number, title, category, source, state, registered, accepted, due, mediators, people) = row
        probe = _Probe(state, due)
        found[cid] = CaseRow(id=cid, number=number, title=title, category=category, source=source, state=state,
                             registered_on=registered, accepted_on=accepted, due_on=due,
                             deadline=deadline_of(probe, on), mediators=mediators, people_involved=people)
    return found


def case_years(*, session: Session, actor: Actor) -> list[int]:
    """The years that have cases (newest first), for the list's filter."""
    require_any(actor, "mediation.view", "stats.view")
    return [y for y in session.exec(select(MediationCase.year).distinct().order_by(MediationCase.year.desc()))]


def concern_link(*, session: Session, actor: Actor, concern_id: str) -> str | None:
    """The number of the case a concern was turned into, for the concern's view (no details)."""
    require(actor, "concerns.view")
    get_concern(session, concern_id)
    return case_number_for_concern(session, concern_id)


# --- the access log ---------------------------------------------------------------------------------------------


def access_log(*, session: Session, actor: Actor, case_id: str | None = None, limit: int = 500) -> list[AccessRow]:
    """Who read which case's details, newest first (the secretary's view; refusals included)."""
    require(actor, "users.manage")
    query = select(MediationAccessLog)
    if case_id:
        query = query.where(MediationAccessLog.case_id == case_id)
    rows = session.exec(query.order_by(MediationAccessLog.id.desc()).limit(max(1, min(int(limit), 5000))))
    return [AccessRow(at=r.at, username=r.username, role=r.role, case_id=r.case_id, case_number=r.case_number,
                      shown=r.shown) for r in rows]


# --- counts and statistics (de-identified: what every role may see) -------------------------------------------


@dataclasses.dataclass(frozen=True)
class MediationCounts:
    """What roles without ``mediation.view`` see: counts, never a case."""

    total: int
    open: int
    overdue: int
    near: int
    this_year: int
    by_category: dict[str, int]
    by_state: dict[str, int]


def counts(*, session: Session, actor: Actor) -> MediationCounts:
    require_any(actor, "mediation.view", "stats.view")
    on = today()
    # one pass over the cases, counted by category and state (three statements before: 6 ms → 2 ms
    # on the large demo's 1,508 cases, the mediation page's first open waits for it)
    rows = session.exec(
        select(MediationCase.category, MediationCase.state, func.count(),
               func.sum(sql_case((_overdue(on), 1), else_=0)), func.sum(sql_case((_near(on), 1), else_=0)),
               func.sum(sql_case((MediationCase.year == on.year, 1), else_=0)))
        .group_by(MediationCase.category, MediationCase.state)).all()
    total = open_ = overdue = near = this_year = 0
    by_category: dict[str, int] = {}
    by_state: dict[str, int] = {}
    for category, state, n, over, near_limit, this in rows:
        total += n
        open_ += n if state in OPEN_STATES else 0
        overdue, near, this_year = overdue + int(over or 0), near + int(near_limit or 0), this_year + int(this or 0)
        by_category[category] = by_category.get(category, 0) + n
        by_state[state] = by_state.get(state, 0) + n
    return MediationCounts(total=total, open=open_, overdue=overdue, near=near, this_year=this_year,
                           by_category=dict(sorted(by_category.items())), by_state=dict(sorted(by_state.items())))


@dataclasses.dataclass(frozen=True)
class MediationStatistics:
    """调解统计 of one year (or all years): the de-identified figures a 司法所 asks for."""

    year: int | None
    cases: int
    by_category: dict[str, int]
    by_source: dict[str, int]
    by_outcome: dict[str, int]
    by_month: dict[str, int]  # month of registration (YYYY-MM)
    concluded: int  # agreed + failed + terminated
    agreed: int
    success_rate: float | None  # agreed / concluded
    fulfilment_recorded: int
    fulfilled_on_time: int
    fulfilment_rate: float | None  # on time / recorded
    escalations: int
    average_days_to_close: float | None  # 受理 → 结案
    overdue: int
    group_disputes: int


def _month(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def _days_between(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return later - earlier
    return func.julianday(later) - func.julianday(earlier)


def statistics(*, session: Session, actor: Actor, year: int | None = None) -> MediationStatistics:
    require_any(actor, "mediation.view", "stats.view")
    where = [MediationCase.year == year] if year else []
    concluded_outcomes = (AGREED, FAILED, TERMINATED)

    def grouped(column: Any) -> dict[str, int]:
        return {str(k or ""): n for k, n in session.exec(select(column, func.count()).where(*where)
                                                         .group_by(column).order_by(column)).all()}

    on = today()
    row = session.exec(select(
        func.count(),
        func.sum(sql_case((MediationCase.outcome.in_(concluded_outcomes), 1), else_=0)),
        func.sum(sql_case((MediationCase.outcome == AGREED, 1), else_=0)),
        func.sum(sql_case((MediationCase.fulfilment != "", 1), else_=0)),
        func.sum(sql_case((MediationCase.fulfilment == "on_time", 1), else_=0)),
        func.sum(sql_case((MediationCase.escalated_to != "", 1), else_=0)),
        func.avg(sql_case((MediationCase.outcome.in_(concluded_outcomes),
                           _days_between(session, MediationCase.concluded_on, MediationCase.accepted_on)), else_=None)),
        func.sum(sql_case((_overdue(on), 1), else_=0)),
        func.sum(sql_case((MediationCase.people_involved >= GROUP_DISPUTE_PEOPLE, 1), else_=0)),
    ).select_from(MediationCase).where(*where)).one()
    cases, concluded, agreed, recorded, on_time, escalations, average, overdue, group = (
        int(v or 0) if i != 6 else v for i, v in enumerate(row))
    return MediationStatistics(
        year=year, cases=cases, by_category=grouped(MediationCase.category), by_source=grouped(MediationCase.source),
        by_outcome={k: v for k, v in grouped(MediationCase.outcome).items() if k},
        by_month=grouped(_month(session, MediationCase.registered_on)), concluded=concluded, agreed=agreed,
        success_rate=round(agreed / concluded, 4) if concluded else None, fulfilment_recorded=recorded,
        fulfilled_on_time=on_time, fulfilment_rate=round(on_time / recorded, 4) if recorded else None,
        escalations=escalations, average_days_to_close=round(float(average), 1) if average is not None else None,
        overdue=overdue, group_disputes=group)


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    """For ``villagedesk stats --json`` and the dashboard: counts by category and outcome, rates."""
    require_any(actor, "mediation.view", "stats.view")
    every = statistics(session=session, actor=actor)
    this_year = counts(session=session, actor=actor)
    return {
        "cases": every.cases, "open": this_year.open, "overdue": this_year.overdue, "near_limit": this_year.near,
        "this_year": this_year.this_year, "by_category": every.by_category, "by_outcome": every.by_outcome,
        "by_source": every.by_source, "success_rate": every.success_rate, "fulfilment_rate": every.fulfilment_rate,
        "escalations": every.escalations, "average_days_to_close": every.average_days_to_close,
    }


def export_yearly_summary(*, session: Session, actor: Actor, year: int, to_file: Any) -> Any:
    """The de-identified yearly summary (人民调解工作统计表) as .xlsx: counts only, no case, no name."""
    import os
    import tempfile
    from pathlib import Path

    from openpyxl import Workbook
    from openpyxl.styles import Font

    figures = statistics(session=session, actor=actor, year=year)
    target = Path(to_file)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    sheet.append([_("People's mediation statistics {year}").format(year=year)])
    sheet["A1"].font = Font(bold=True)
    for heading, lines in summary_sections(figures):
        sheet.append([heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for line in lines:
            sheet.append(list(line))
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 14
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".summary-", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    audit_note(session, table_name="mediation_case", row_id="*", note="exported yearly summary",
               detail={"year": year, "file": str(target)})
    return target


def summary_sections(figures: MediationStatistics) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The yearly summary as sections of (label, value) lines (the printed table and the Excel sheet)."""
    def pct(value: float | None) -> str:
        return f"{value:.1%}" if value is not None else "—"

    overall: list[tuple[str, Any]] = [
        (_("Cases"), figures.cases), (_("Concluded (agreement, no agreement, terminated)"), figures.concluded),
        (_("Agreements reached"), figures.agreed), (_("Success rate"), pct(figures.success_rate)),
        (_("Fulfilment recorded"), figures.fulfilment_recorded), (_("Fulfilled on time"), figures.fulfilled_on_time),
        (_("Fulfilment rate"), pct(figures.fulfilment_rate)), (_("Escalated"), figures.escalations),
        (_("Group disputes"), figures.group_disputes),
        (_("Average days to close"), figures.average_days_to_close if figures.average_days_to_close is not None
         else "—"),
    ]
    return [
        (_("Overall"), overall),
        (_("By category"), [(category_label(code), figures.by_category.get(code, 0)) for code in CATEGORIES]),
        (_("By source"), [(source_label(code), figures.by_source.get(code, 0)) for code in SOURCES]),
        (_("By outcome"), [(outcome_label(code), figures.by_outcome.get(code, 0)) for code in OUTCOMES]),
        (_("By month"), sorted(figures.by_month.items())),
    ]
