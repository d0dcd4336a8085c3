"""The documents of a mediation case (人民调解文书), in the order the 卷宗 is bound.

Every kind is private: the builder reads the case through :func:`app.mediation.service.read_case`
(``mediation.view``, and an access-log row naming the document), and ``print_kind`` records the
printing in the audit log. ``ident`` is a case id, a case number, or ``latest``. The yearly
summary reads no case: it holds counts only.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth import Actor, require_any
from app.errors import NotFound, StateError
from app.i18n import N_, _, get_language, official_date
from app.mediation import service as s
from app.mediation.queries import committee_name, resolve_case_id
from app.printing import Column, Document, Heading, ItemList, Para, PrintKind, Table
from db.models.mediation import MediationCase, MediationParty, MediationRecord

BLANK = "＿" * 8
LONG_BLANK = "＿" * 9


def _load(session: Session, actor: Actor, ident: str, kind: str) -> MediationCase:
    case_id = resolve_case_id(session, ident) if actor.can("mediation.view") else ident
    return s.read_case(session, actor, case_id, f"document:{kind}")


def _gender(code: str) -> str:
    return {"M": _("male"), "F": _("female")}.get(code, "")


def particulars(party: MediationParty) -> str:
    """申请人：王大明，男，汉族，76岁，农民，住一组12号，联系电话13812345678。"""
    pieces = [party.name, _gender(party.gender), party.ethnicity,
              _("{n} years old").format(n=party.age) if party.age is not None else "", party.occupation,
              _("living at {address}").format(address=party.address) if party.address else "",
              _("phone {phone}").format(phone=party.phone) if party.phone else ""]
    # particulars are separated by commas in a legal form (申请人：王大明，男，汉族), not by 、
    comma = "，" if get_language().startswith("zh") else ", "
    return _("{role}: {details}.").format(role=s.party_role_label(party.role),
                                          details=comma.join(p for p in pieces if p))


def _party_paras(parties: list[MediationParty]) -> list[Para]:
    return [Para(particulars(p), indent=False, align="left") for p in parties]


def _sign_lines(parties: list[MediationParty], *, fingerprint: bool = True) -> list[Para]:
    label = _("(signature and fingerprint)") if fingerprint else _("(signature)")
    return [Para(_("{role} {name} {label}: {blank}").format(role=s.party_role_label(p.role), name=p.name, label=label,
                                                            blank=LONG_BLANK), indent=False, align="left")
            for p in parties]


def _base(session: Session, case: MediationCase, title: str, subject: str, **kw: Any) -> Document:
    return Document(title=title, number=case.number, style="official", subject=subject, **kw)


def _application(*, session: Session, actor: Actor, ident: str) -> Document:
    case = _load(session, actor, ident, "mediation_application")
    parties = s._parties(session, case.id)
    applicants = [p for p in parties if p.role == "applicant"]
    others = [p for p in parties if p.role != "applicant"]
    requests = [f"{p.name}：{p.request}" for p in applicants if p.request]
    blocks: list[Any] = [*_party_paras(applicants), *_party_paras(others),
                         Heading(_("Requests")), ItemList(requests or [case.title], ordered=True),
                         Heading(_("Facts and reasons")), Para(case.facts or case.title),
                         Para(_("Submitted to"), indent=True), Para(committee_name(session), indent=False),
                         *_sign_lines(applicants)]
    return _base(session, case, _("Application for people's mediation"), _("Mediation application"),
                 blocks=blocks, date=case.registered_on)


def _register(*, session: Session, actor: Actor, ident: str) -> Document:
    case = _load(session, actor, ident, "mediation_register")
    parties = s._parties(session, case.id)
    if case.state == s.REJECTED:
        opinion = _("Not accepted: {reason}").format(reason=case.rejection_reason)
    elif case.accepted_on:
        opinion = _("Accepted on {date}; to be concluded by {due}.").format(
            date=official_date(case.accepted_on), due=official_date(case.due_on) if case.due_on else "")
    else:
        opinion = _("Awaiting a decision.")
    rows = [
        [_("Case number"), case.number],
        [_("Registered on"), official_date(case.registered_on)],
        [_("Source"), s.source_label(case.source)],
        [_("Category"), s.category_label(case.category)],
        [_("Dispute (案由)"), case.title],
        [_("Parties"), "；".join(f"{s.party_role_label(p.role)}{p.name}" for p in parties)],
        [_("People involved"), str(case.people_involved)],
        [_("Summary of the dispute"), case.facts],
        [_("Mediators"), case.mediators],
        [_("Decision"), opinion],
    ]
    table = Table(columns=[Column("k", _("Item")), Column("v", _("Content"), weight=3)], rows=rows)
    return _base(session, case, _("Mediation case register"), _("Mediation register"), blocks=[table],
                 signature=[committee_name(session)], seal=True, date=case.accepted_on or case.registered_on)


RIGHTS = (
    N_("To choose or accept a people's mediator;"),
    N_("To accept mediation, refuse it, or ask for it to end;"),
    N_("To ask for the mediation to be held in public or not;"),
    N_("To express their wishes freely and reach an agreement of their own will."),
)
DUTIES = (
    N_("To state the facts of the dispute truthfully;"),
    N_("To keep order at the mediation and respect the people's mediators;"),
    N_("To respect the other party's exercise of their rights."),
)


def _rights(*, session: Session, actor: Actor, ident: str) -> Document:
    case = _load(session, actor, ident, "mediation_rights")
    parties = s._parties(session, case.id)
    blocks: list[Any] = [
        Para(_("In accordance with the People's Mediation Law of the People's Republic of China, the parties to a "
               "people's mediation have the following rights and duties.")),
        Heading(_("Rights of the parties")), ItemList([_(r) for r in RIGHTS], ordered=True),
        Heading(_("Duties of the parties")), ItemList([_(d) for d in DUTIES], ordered=True),
        Para(_("People's mediation is free of charge. An agreement reached is binding: the parties shall fulfil it. "
               "Within thirty days of its taking effect, the parties may jointly apply to the people's court for "
               "judicial confirmation.")),
        Para(_("I have been told these rights and duties.")),
        *_sign_lines(parties),
    ]
    return _base(session, case, _("Notice of rights and duties in people's mediation"), _("Rights and duties"),
                 addressee=_("{names}:").format(names="、".join(p.name for p in parties)), blocks=blocks,
                 signature=[committee_name(session)], seal=True, date=case.accepted_on or case.registered_on)


def _record_blocks(record: MediationRecord, present_label: str) -> list[Any]:
    rows = [[_("Date"), official_date(record.held_on)], [_("Place"), record.place or "—"],
            [present_label, record.present or "—"], [_("Mediators"), record.mediators or "—"],
            [_("Recorded by"), record.recorder or "—"]]
    return [Table(columns=[Column("k", _("Item")), Column("v", _("Content"), weight=3)], rows=rows),
            *[Para(line) for line in record.content.split("\n") if line.strip()]]


def _records(kind: str, title: str, subject: str, present_label: str, sign: str):
    def build(*, session: Session, actor: Actor, ident: str) -> Document:
        case = _load(session, actor, ident, f"mediation_{kind}")
        records = s._records(session, case.id, kind)
        if not records:
            raise NotFound(_("The case has no {kind} record yet.").format(kind=s.record_kind_label(kind)))
        blocks: list[Any] = [Para(_("Dispute: {title}").format(title=case.title), indent=False)]
        for number, record in enumerate(records, start=1):
            if len(records) > 1:
                blocks.append(Heading(_("Record {n}").format(n=number)))
            blocks.extend(_record_blocks(record, _(present_label)))
        blocks.append(Para(_(sign) + "：" + LONG_BLANK, indent=False, align="left"))
        blocks.append(Para(_("Mediators (signature):") + LONG_BLANK, indent=False, align="left"))
        return _base(session, case, _(title), _(subject), blocks=blocks, date=records[-1].held_on)
    return build


def _agreement_document(session: Session, case: MediationCase, parties: list[MediationParty]) -> Document:
    copies = len(parties) + 1
    labels = [_("Copy {n} of {total}, kept by {role} {name}").format(n=i, total=copies,
                                                                    role=s.party_role_label(p.role), name=p.name)
              for i, p in enumerate(parties, start=1)]
    labels.append(_("Copy {n} of {total}, kept by the mediation committee").format(n=copies, total=copies))
    requests = [Para(_("{name} asks: {request}").format(name=p.name, request=p.request)) for p in parties if p.request]
    performance = case.performance
    if case.performance_due:
        performance = _("{how}; to be fulfilled by {date}.").format(how=performance.rstrip("。；;."),
                                                                     date=official_date(case.performance_due))
    blocks: list[Any] = [
        *_party_paras(parties),
        Heading(_("Main facts of the dispute and the matters in dispute")),
        Para(case.facts or case.title), *requests,
        Heading(_("After mediation, the parties have voluntarily agreed as follows")),
        ItemList(list(case.agreement), ordered=True),
        Heading(_("Manner and time of fulfilment")), Para(performance),
        Para(_("This agreement takes effect when signed (or fingerprinted) by the parties, signed by the mediator "
               "and sealed by the people's mediation committee. It is made in {n} copies: one for each party and "
               "one kept by the people's mediation committee.").format(n=copies)),
    ]
    if case.confirmation:
        blocks.append(Para(_("The parties will jointly apply to the people's court for judicial confirmation of "
                             "this agreement within thirty days of its taking effect.")))
    blocks += [*_sign_lines(parties),
               Para(_("People's mediator (signature): {blank}").format(blank=LONG_BLANK), indent=False, align="left")]
    return _base(session, case, _("People's mediation agreement"), _("Mediation agreement"), blocks=blocks,
                 signature=[committee_name(session)], seal=True, date=case.concluded_on, copies=labels)


def _agreement(*, session: Session, actor: Actor, ident: str) -> Document:
    case = _load(session, actor, ident, "mediation_agreement")
    if case.outcome != s.AGREED:
        raise StateError(_("The case has no agreement: {state}.").format(state=s.state_label(case.state)))
    return _agreement_document(session, case, s._parties(session, case.id))


def _confirmation(*, session: Session, actor: Actor, ident: str) -> Document:
    case = _load(session, actor, ident, "mediation_confirmation")
    if case.outcome != s.AGREED:
        raise StateError(_("Only an agreement can be confirmed by a court; the case is {state}.").format(
            state=s.state_label(case.state)))
    parties = s._parties(session, case.id)
    blocks: list[Any] = [
        *_party_paras(parties),
        Heading(_("Request")),
        Para(_("The applicants ask the court to confirm as valid the people's mediation agreement they reached on "
               "{date} under the mediation of {committee} (agreement {number}).").format(
            date=official_date(case.concluded_on), committee=committee_name(session), number=case.number)),
        Heading(_("Facts and reasons")), Para(case.facts or case.title),
        Para(_("The agreement was reached voluntarily; its content does not violate the law, harm the interests of "
               "the state, the public or others, and the applicants jointly apply for its judicial confirmation.")),
        Para(_("Attached: the people's mediation agreement and the applicants' identity documents."), indent=False),
        *_sign_lines(parties),
    ]
    return _base(session, case, _("Application for judicial confirmation"), _("Judicial confirmation"),
                 addressee=_("To the people's court:"), blocks=blocks, date=case.concluded_on)


def _bound_contents(session: Session, case: MediationCase) -> list[list[str]]:
    """The 卷内目录: what the 卷宗 holds, in binding order, with dates and numbers of items."""
    counts = s._counts(session, case.id)
    rows = [[_("File cover"), "", "1"], [_("Contents list"), "", "1"]]
    if case.source == "applied":
        rows.append([_("Application for people's mediation"), official_date(case.registered_on), "1"])
    rows.append([_("Mediation case register"), official_date(case.accepted_on or case.registered_on), "1"])
    if case.accepted_on:
        rows.append([_("Notice of rights and duties in people's mediation"), official_date(case.accepted_on), "1"])
    for kind, label in (("investigation", _("Investigation records")), ("session", _("Mediation records"))):
        if counts.get(kind):
            rows.append([label, "", str(counts[kind])])
    if case.outcome == s.AGREED:
        rows.append([_("People's mediation agreement"), official_date(case.concluded_on), "1"])
        if case.confirmation:
            rows.append([_("Application for judicial confirmation"), official_date(case.concluded_on), "1"])
    if counts.get("visit"):
        rows.append([_("Follow-up visit records"), "", str(counts["visit"])])
    rows.append([_("Back cover"), "", "1"])
    return [[str(i), name, date, n, ""] for i, (name, date, n) in enumerate(rows, start=1)]


def _file_cover(*, session: Session, actor: Actor, ident: str) -> Document:
    case = _load(session, actor, ident, "mediation_file_cover")
    parties = s._parties(session, case.id)
    outcome = s.outcome_label(case.outcome) or s.state_label(case.state)
    cover = [[_("Dispute (案由)"), case.title], [_("Category"), s.category_label(case.category)],
             [_("Parties"), "、".join(p.name for p in parties)], [_("Mediators"), case.mediators or "—"],
             [_("Accepted on"), official_date(case.accepted_on) if case.accepted_on else "—"],
             [_("Concluded on"), official_date(case.concluded_on) if case.concluded_on else "—"],
             [_("Outcome"), outcome],
             [_("Archived on"), official_date(case.archived_on) if case.archived_on else "—"],
             [_("Kept for"), _("permanently") if case.people_involved >= s.GROUP_DISPUTE_PEOPLE else _("long term")]]
    blocks: list[Any] = [
        Table(columns=[Column("k", _("Item")), Column("v", _("Content"), weight=3)], rows=cover),
        Heading(_("Contents")),
        Table(columns=[Column("n", _("No.")), Column("what", _("Document"), weight=3), Column("date", _("Date")),
                       Column("count", _("Items")), Column("page", _("Pages"))],
              rows=_bound_contents(session, case)),
    ]
    return _base(session, case, _("People's mediation case file"), _("Case file cover"), blocks=blocks,
                 signature=[committee_name(session)], date=case.archived_on or case.concluded_on or case.registered_on)


def _yearly(*, session: Session, actor: Actor, ident: str) -> Document:
    """人民调解工作统计表: counts only (the form a 司法所 asks for); no case is read."""
    require_any(actor, "mediation.view", "stats.view")
    ident = (ident or "latest").strip()
    if ident == "latest":
        year = s.today().year
    elif ident.isdigit() and len(ident) == 4:
        year = int(ident)
    else:
        raise NotFound(_("Give a year (2026) or latest."))
    figures = s.statistics(session=session, actor=actor, year=year)
    blocks: list[Any] = [
        Table(columns=[Column("k", _("Item"), weight=3), Column("v", _("Figure"), align="right")],
              rows=[[label, str(value)] for label, value in lines], caption=heading)
        for heading, lines in s.summary_sections(figures)]
    return Document(title=_("People's mediation statistics {year}").format(year=year), style="official",
                    blocks=blocks, signature=[committee_name(session)], seal=True, date=s.today(),
                    subject=_("Mediation statistics"))


PRINT_KINDS = (
    PrintKind("mediation_application", public=False, description=N_("Mediation: application (人民调解申请书)"),
              builder=_application),
    PrintKind("mediation_register", public=False, description=N_("Mediation: case register (受理登记表)"),
              builder=_register),
    PrintKind("mediation_rights", public=False, description=N_("Mediation: rights and duties (权利义务告知书)"),
              builder=_rights),
    PrintKind("mediation_investigation", public=False, description=N_("Mediation: investigation records (调查记录)"),
              builder=_records("investigation", N_("Investigation record"), N_("Investigation record"),
                               N_("Persons questioned"), N_("Persons questioned (signature)"))),
    PrintKind("mediation_session", public=False, description=N_("Mediation: session records (调解记录)"),
              builder=_records("session", N_("Mediation record"), N_("Mediation record"), N_("Present at the session"),
                               N_("Parties (signature)"))),
    PrintKind("mediation_agreement", public=False, description=N_("Mediation: agreement (人民调解协议书)"),
              builder=_agreement),
    PrintKind("mediation_confirmation", public=False,
              description=N_("Mediation: application for judicial confirmation (司法确认申请书)"), builder=_confirmation),
    PrintKind("mediation_visit", public=False, description=N_("Mediation: follow-up visit records (回访记录)"),
              builder=_records("visit", N_("Follow-up visit record"), N_("Follow-up visit record"),
                               N_("Persons visited"), N_("Persons visited (signature)"))),
    PrintKind("mediation_file_cover", public=False, description=N_("Mediation: case file cover and contents (卷宗)"),
              builder=_file_cover),
    PrintKind("mediation_yearly", public=False, description=N_("Mediation: yearly statistics (人民调解工作统计表)"),
              builder=_yearly),
)
KIND_NAMES = tuple(kind.name for kind in PRINT_KINDS)
