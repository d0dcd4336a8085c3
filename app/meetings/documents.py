"""Print kinds of meetings (``villagedesk print KIND --id ID|latest``).

* ``meeting_notice`` (public poster): 会议通知 — time, place, who should attend, the agenda.
* ``sign_in_sheet`` (private): one line per invited person (or household) with a signature column.
* ``minutes`` (private, official style): 会议记录 with 时间, 地点, 主持人, 记录人, 应到, 实到, 议题,
  表决方式, 赞成/反对/弃权, 结果, 监票人/计票人, concerns raised, decisions, approval and addenda.

The 四议两公开 notices are in ``app.deliberation.documents``, the concerns progress notice in
``app.concerns.documents``; both use :func:`village_profile` and :func:`issuer_for` from here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from app import meetings as m
from app.meetings import queries as mq
from app.auth import Actor, require
from app.errors import NotFound, StateError
from app.i18n import N_, _, official_date
from app.printing import Column, Document, Heading, ItemList, Para, PrintKind, Section, Table
from app.printing.templates import NOTIFICATION, pretty_phone, public_notice, roster
from db.base import local_now
from db.models.meetings import Meeting, Minutes
from db.models.people import Grid, Household, VillageGroup, VillageProfile


def village_profile(session: Session) -> VillageProfile | None:
    return session.exec(select(VillageProfile)).first()


def committee_name(session: Session) -> str:
    profile = village_profile(session)
    village = profile.name if profile else ""
    return (profile.committee_name if profile and profile.committee_name else
            _("{village} Villagers' Committee").format(village=village))


def party_branch_name(session: Session) -> str:
    profile = village_profile(session)
    return _("{village} Party Branch").format(village=profile.name if profile else "")


def joint_issuers(session: Session) -> list[str]:
    """党支部 and 村委会 signing together (四议两公开, joint meetings): two names, side by side on
    the page, each with its own seal."""
    return [party_branch_name(session), committee_name(session)]


def issuers_for(session: Session, kind: str) -> list[str]:
    """Who signs a meeting's documents: the Party branch, both committees (jointly), or the
    villagers' committee."""
    if kind in (m.PARTY_ASSEMBLY, m.BRANCH_COMMITTEE):
        return [party_branch_name(session)]
    if kind == m.TWO_COMMITTEES:
        return joint_issuers(session)
    return [committee_name(session)]


def issuer_for(session: Session, kind: str) -> str:
    """The issuers of :func:`issuers_for` as one line (for lists and forms)."""
    return "　".join(issuers_for(session, kind))


def contact_line(session: Session) -> str:
    """The contact line of a public notice: the supervision phone, or — when the village has
    none — the village committee office, so a villager always knows where to go."""
    profile = village_profile(session)
    if profile and profile.supervision_phone:
        return _("Supervision phone: {phone}").format(phone=pretty_phone(profile.supervision_phone))
    return _("Contact: the office of {committee}.").format(committee=committee_name(session))


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(local_now().tzinfo)


def _when(value: dt.datetime) -> str:
    local = _local(value)
    return _("{date} {hour}:{minute:02d}").format(date=official_date(local.date()), hour=local.hour,
                                                  minute=local.minute)


def _meeting(session: Session, ident: str, *, states: tuple[str, ...] | None = None) -> Meeting:
    if ident in ("", "latest"):
        meeting_id = mq.latest_meeting_id(session, states=states)
        if meeting_id is None:
            raise NotFound(_("There is no meeting to print yet."))
        ident = meeting_id
    return mq.get_meeting(session, ident)


def _scope_words(session: Session, meeting: Meeting) -> str:
    if meeting.scope == "grid" and meeting.grid_id:
        grid = session.get(Grid, meeting.grid_id)
        return grid.name if grid else ""
    if meeting.scope == "group" and meeting.group_id:
        group = session.get(VillageGroup, meeting.group_id)
        return group.name if group else ""
    return ""


def _addressee(session: Session, meeting: Meeting) -> str:
    if meeting.kind == m.PARTY_ASSEMBLY:
        return _("To all Party members:")
    if meeting.kind == m.REPRESENTATIVES_MEETING:
        return _("To all villagers' representatives:")
    if meeting.kind in (m.TWO_COMMITTEES, m.BRANCH_COMMITTEE):
        return _("To all committee members:")
    scope = _scope_words(session, meeting)
    if scope:
        return _("To the villagers of {scope}:").format(scope=scope)
    return _("To all villagers:")


def _count_words(count: int, unit: str) -> str:
    """12人 / 12 persons."""
    return m.count_label(count, unit)


# --- 会议通知 --------------------------------------------------------------------------------------


def _meeting_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    require(actor, "meetings.view")
    # "latest" is the next meeting called (the notice on the board), else the last one.
    upcoming = mq.latest_meeting_id(session, states=(m.PLANNED,)) if ident in ("", "latest") else None
    meeting = _meeting(session, upcoming or ident)
    if meeting.state == m.CANCELLED:
        raise StateError(_("The meeting was cancelled; there is no notice to print."))
    items = m.agenda(session=session, actor=actor, meeting_id=meeting.id)
    body = [
        _("The village will hold a meeting ({kind}). Details:").format(kind=m.kind_label(meeting.kind, short=True)),
    ]
    blocks: list[Any] = []
    blocks.append(Para(_("Time: {when}").format(when=_when(meeting.starts_at)), indent=True))
    blocks.append(Para(_("Place: {place}").format(place=meeting.place or _("to be announced")), indent=True))
    if meeting.host_name:
        # Printed in full (verbatim: not masked): the host is named so that villagers know who calls
        # and answers for the meeting — often the secretary; 张*丰 would tell them nothing.
        blocks.append(Para(_("Host: {host}").format(host=meeting.host_name), indent=True, verbatim=True))
    if items:
        blocks.append(Para(_("Agenda:"), indent=True))
        blocks.append(ItemList([item.title for item in items], ordered=True))
    if meeting.description:
        blocks.append(Para(meeting.description))
    if meeting.kind in m.OPEN_KINDS:
        blocks.append(Para(_("Everyone is welcome: bring your questions and suggestions.")))
    else:
        blocks.append(Para(_("Please attend on time; if you cannot come, tell the village office in advance.")))
    # A 通知 asks people to come, not to object: no 公示期, no objection paragraph, no contact line.
    notice = public_notice(title=_("Notice of {title}").format(title=meeting.title), body=body, issuer=issuers_for(
        session, meeting.kind), date=_local(meeting.created_at).date(), addressee=_addressee(session, meeting),
        party=meeting.kind in (m.PARTY_ASSEMBLY, m.BRANCH_COMMITTEE), parts=NOTIFICATION)
    notice.blocks = notice.blocks + blocks
    notice.seal = True
    notice.subject = _("Meeting notice")
    return notice


# --- 签到表 ----------------------------------------------------------------------------------------


def _sign_in_sheet(*, session: Session, actor: Actor, ident: str) -> Document:
    require(actor, "meetings.view")
    meeting = _meeting(session, ident)
    if meeting.state == m.CANCELLED:
        raise StateError(_("The meeting was cancelled; there is no sign-in sheet to print."))
    rows: list[list[str]] = []
    if meeting.attendance_mode == "roster":
        lines = m.attendance(session=session, actor=actor, meeting_id=meeting.id)
    else:
        # Open meetings count heads, but the sheet still lists the households invited.
        lines = [m.Invitee(resident_id=i.resident_id, household_id=i.household_id, name=i.name) for i in
                 mq.expected_invitees(session, kind=meeting.kind, scope=meeting.scope, group_id=meeting.group_id,
                                     grid_id=meeting.grid_id, expected_unit=meeting.expected_unit,
                                     on=_local(meeting.starts_at).date())]
    household_ids = {line.household_id for line in lines if line.household_id}
    numbers = dict(session.exec(select(Household.id, Household.number).where(Household.id.in_(household_ids))).all()) \
        if household_ids else {}
    for line in lines:
        guest = getattr(line, "expected", True) is False  # roster lines of 列席 guests
        note = getattr(line, "note", "")
        rows.append([line.name, numbers.get(line.household_id or "", ""), "",
                     _("guest") if guest else note])
    title = _("Sign-in sheet: {title}").format(title=meeting.title)
    # one fact a line: a place name is never broken to justify a line of three facts
    facts = [Para(_("Time: {when}").format(when=_when(meeting.starts_at)), indent=False),
             Para(_("Place: {place}").format(place=meeting.place or _("to be announced")), indent=False),
             Para(_("Should attend: {expected}").format(
                 expected=_count_words(meeting.expected_count, meeting.expected_unit)), indent=False)]
    columns = [Column("name", _("Name") if meeting.expected_unit == "persons" else _("Head of household"), "name",
                      weight=2),
               Column("household", _("Household no."), weight=1.2),
               Column("signature", _("Signature"), weight=3),
               Column("note", _("Note"), weight=1.5)]
    sheet = roster(title=title, columns=columns, rows=rows, numbered=True, landscape=False,
                   notes=[_("Host: {host}    Recorder: {recorder}").format(host=meeting.host_name or "",
                                                                        recorder=meeting.recorder_name or "")],
                   subject=_("Sign-in sheet"))
    sheet.blocks[0:0] = facts
    return sheet


# --- 会议记录 --------------------------------------------------------------------------------------


def _squash(line: str) -> str:
    return " ".join(line.split())


def _discussion(session: Session, actor: Actor, meeting_id: str, body: str) -> list[str]:
    """The recorder's own paragraphs of the minutes. A draft started from
    :func:`app.meetings.draft_minutes` repeats what the printed minutes already state from the
    meeting's data — time, place, host, recorder, attendance, agenda, votes, concerns: those lines
    are left out, so each fact prints once (a fact line whose data changed since is left out too:
    the header states it as it is now)."""
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    if not paragraphs:
        return []
    generated = {_squash(line) for line in m.draft_minutes(session=session, actor=actor, meeting_id=meeting_id)
                 .split("\n") if line.strip()}
    labels = tuple(_(msgid).split("{")[0] for msgid in (
        "Time: {when}", "Place: {place}", "Host: {host}", "Recorder: {recorder}",
        "Should attend: {expected}    Present: {present}", "Absent: {names}", "Also attending: {names}"))
    return [p for p in paragraphs if _squash(p) not in generated and not p.startswith(labels)]


def _minutes(*, session: Session, actor: Actor, ident: str) -> Document:
    require(actor, "meetings.view")
    if ident in ("", "latest"):
        meeting_id = session.exec(select(Minutes.meeting_id).join(Meeting, Meeting.id == Minutes.meeting_id)
                                  .order_by(Meeting.starts_at.desc())
                                  .limit(1)).first()
        if meeting_id is None:
            raise NotFound(_("No minutes have been written yet."))
        ident = meeting_id
    record = m.meeting_record(session=session, actor=actor, meeting_id=mq.get_meeting(session, ident).id)
    meeting, att = record.meeting, record.attendance
    present = _count_words(att.present, att.unit)
    if att.rate is not None:
        present += _(" (attendance {rate})").format(rate=f"{att.rate:.1%}")
    facts = [
        _("Kind: {kind}").format(kind=m.kind_label(meeting.kind, short=True)),
        _("Time: {when}").format(when=_when(meeting.starts_at)),
        _("Place: {place}").format(place=meeting.place),
        _("Host: {host}").format(host=meeting.host_name),
        _("Recorder: {recorder}").format(recorder=meeting.recorder_name),
        _("Should attend: {expected}    Present: {present}").format(
            expected=_count_words(att.expected, att.unit), present=present),
    ]
    # one fact a line, set flush left: a fact that wraps (English attendance) is not justified into
    # wide gaps between its few words
    blocks: list[Any] = [Para(line, indent=False, align="left") for line in facts]
    if att.mode == "roster":
        lines = m.attendance(session=session, actor=actor, meeting_id=meeting.id)
        absent = [x.name + (f"（{x.note}）" if x.note else "") for x in lines if x.expected and not x.present]
        guests = [x.name for x in lines if not x.expected and x.present]
        if absent:
            blocks.append(Para(_("Absent: {names}").format(names="、".join(absent)), indent=False))
        if guests:
            blocks.append(Para(_("Also attending: {names}").format(names="、".join(guests)), indent=False))
    for item in record.agenda:
        section: list[Any] = []
        if item.proposer_name:
            section.append(Para(_("Proposed by: {name}").format(name=item.proposer_name), indent=False))
        if item.description:
            section.append(Para(item.description))
        for vote, outcome in record.votes.get(item.id, []):
            section.append(Table(
                columns=[Column("method", _("Voting method"), weight=1.6), Column("for", _("For"), align="center"),
                         Column("against", _("Against"), align="center"),
                         Column("abstain", _("Abstain"), align="center"),
                         Column("result", _("Result"), weight=1.3, align="center"),
                         Column("tellers", _("Scrutineer / teller"), weight=1.8)],
                rows=[[m.method_label(vote.method), str(vote.in_favour), str(vote.against), str(vote.abstain),
                       outcome.result_label, "／".join(x for x in (vote.scrutineer, vote.teller) if x) or "—"]]))
            section.append(Para(outcome.reason(), indent=False))
            named = record.ballots.get(vote.id, [])
            if named:
                by_choice = {code: "、".join(b.name for b in named if b.choice == code) or "—" for code in m.CHOICES}
                section.append(Para(_("Named ballots — for: {for_}; against: {against}; abstaining: {abstain}.").format(
                    for_=by_choice[m.FOR], against=by_choice[m.AGAINST], abstain=by_choice[m.ABSTAIN]), indent=False))
        if item.decision:
            section.append(Para(_("Decision: {text}").format(text=item.decision), indent=False))
        blocks.append(Section(title=_("Agenda item: {title}").format(title=item.title), blocks=section))
    discussion = _discussion(session, actor, meeting.id, record.minutes.body if record.minutes else "")
    if discussion:
        blocks.append(Heading(_("Record of the discussion"), level=1))
        blocks.extend(Para(p) for p in discussion)
    if record.concerns:
        blocks.append(Heading(_("Concerns raised"), level=1))
        blocks.append(Table(columns=[Column("number", _("Concern no."), weight=2.1),
                                     Column("who", _("Raised by"), "name", weight=1.3),
                                     Column("what", _("Concern"), weight=2.6), Column("who2", _("Handled by"), weight=1.6),
                                     Column("due", _("Due"), weight=3.0)],
                            rows=[[x.number, x.raised_by, x.title, x.assignee, official_date(x.due_on)]
                                  for x in record.concerns]))
    approved = record.minutes is not None and record.minutes.state == "approved"
    if approved:
        blocks.append(Para(_("Minutes approved by {who} on {date}.").format(
            who=record.minutes.approved_by, date=official_date(_local(record.minutes.approved_at).date())), indent=False))
    for addendum in record.addenda:
        blocks.append(Section(title=_("Addendum of {date} ({who})").format(
            date=official_date(_local(addendum.added_at).date()), who=addendum.author),
            blocks=[Para(addendum.body)]))
    signature = [_("Host (signature): ____________"), _("Recorder (signature): ____________")]
    return Document(title=_("Minutes of {title}").format(title=meeting.title), blocks=blocks, signature=signature,
                    date=meeting.held_on or _local(meeting.starts_at).date(), style="official",
                    watermark="" if approved else _("DRAFT"), subject=_("Meeting minutes"))


PRINT_KINDS = (
    PrintKind("meeting_notice", public=True, description=N_("Meeting notice poster (会议通知)"), builder=_meeting_notice),
    PrintKind("sign_in_sheet", public=False, description=N_("Meeting sign-in sheet (签到表)"), builder=_sign_in_sheet),
    PrintKind("minutes", public=False, description=N_("Meeting minutes (会议记录)"), builder=_minutes),
)
