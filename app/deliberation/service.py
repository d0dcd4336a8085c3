"""四议两公开: major village matters through six steps, in order, each dated and linked.

党支部提议 → 两委商议 → 党员大会审议 → 村民(代表)会议决议 → 决议公开 → 实施结果公开.

A step cannot be recorded before the previous one (nor dated earlier). The two voting steps need a
vote of the right meeting on an agenda item of this matter; a vote that is invalid (no quorum) or
fails stops the procedure, with the vote's reason. Where the secretary is also the committee head
(一肩挑, a village setting) the first two steps may be held together at one joint meeting.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, func, select

from app import meetings as m
from app import notices
from app.auth import Actor, require, require_any
from app.deliberation.codes import (COMPLETED, CONSULTATION, IN_PROGRESS, NOTICE_STEPS, PROPOSAL, PUBLISH_RESOLUTION,
                                    PUBLISH_RESULTS, RESOLUTION, STATES, STEP_MEETING_KINDS, STEP_ORDER, STEPS,
                                    STOPPED, VOTING_STEPS, YIJIANTIAO_KEY, step_label)
from app.deliberation.queries import get_matter, next_step, steps_of, yijiantiao
from app.errors import StateError, ValidationError
from app.i18n import _, official_date
from app.meetings import queries as mq
from app.meetings.queries import permission_refusal
from app.search import filter_rows as search_rows
from app.text import clean_dates, clean_many
from app.views import view, view_class
from db.base import local_now
from db.models.accounts import Setting
from db.models.meetings import AgendaItem, Meeting, Vote
from db.models.deliberation import DeliberationMatter, DeliberationStep
from db.models.notices import Notice
from db.models.people import VillageProfile
from db.tracking import audit_note

MatterView = view_class(DeliberationMatter, "DeliberationMatterView")
StepRowView = view_class(DeliberationStep, "DeliberationStepView")


def set_yijiantiao(*, session: Session, actor: Actor, value: bool) -> None:
    """Record whether the party secretary is also the committee head (书记、主任一肩挑)."""
    require(actor, "village.edit")
    setting = session.get(Setting, YIJIANTIAO_KEY) or Setting(key=YIJIANTIAO_KEY, value=False)
    setting.value = bool(value)
    session.add(setting)
    session.flush()


def matter(*, session: Session, actor: Actor, matter_id: str) -> MatterView:
    """One matter as it is now."""
    require(actor, "meetings.view")
    return view(MatterView, get_matter(session, matter_id))


def start_matter(*, session: Session, actor: Actor, title: str, description: str = "") -> MatterView:
    """A matter for 四议两公开 (a project, a use of collective funds, a land contract …)."""
    require(actor, "deliberation.edit")
    title, description = clean_many(DeliberationMatter, title=title, description=description,
                                    multiline=("description",))
    if not title.strip():
        raise ValidationError({"title": _("Enter the matter.")})
    matter = DeliberationMatter(title=title.strip()[:128], description=description.strip())
    session.add(matter)
    session.flush()
    return view(MatterView, matter)


def _check_meeting(session: Session, step: str, meeting_id: str | None, joint: bool, errors: dict[str, str]) -> Meeting | None:
    if step in NOTICE_STEPS:
        return session.get(Meeting, meeting_id) if meeting_id else None
    if not meeting_id:
        errors["meeting_id"] = _("Link the meeting at which this step was taken.")
        return None
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        errors["meeting_id"] = _("No such meeting.")
        return None
    kinds = STEP_MEETING_KINDS[step]
    if joint:
        kinds = (m.TWO_COMMITTEES, m.BRANCH_COMMITTEE)
    if meeting.kind not in kinds:
        errors["meeting_id"] = _("This step is taken at a {kinds}, not at a {kind}.").format(
            kinds=_(" or ").join(m.kind_label(k, short=True) for k in kinds), kind=m.kind_label(meeting.kind, short=True))
    elif meeting.state in (m.PLANNED, m.CANCELLED):
        errors["meeting_id"] = _("The meeting has not been held.")
    return meeting


def _check_vote(session: Session, matter: DeliberationMatter, meeting: Meeting | None, vote_id: str | None,
                errors: dict[str, str]) -> Vote | None:
    if not vote_id:
        errors["vote_id"] = _("Link the vote taken on this matter.")
        return None
    vote = session.get(Vote, vote_id)
    if vote is None or vote.deleted_at is not None:
        errors["vote_id"] = _("No such vote.")
        return None
    item = session.get(AgendaItem, vote.agenda_item_id)
    if meeting is not None and vote.meeting_id != meeting.id:
        errors["vote_id"] = _("The vote was taken at another meeting.")
    elif item is None or item.matter_id != matter.id:
        errors["vote_id"] = _("The vote was on another agenda item, not on this matter.")
    return vote


def _check_order(session: Session, matter: DeliberationMatter, step: str, joint: bool) -> None:
    """Refuse a step that is not the next one (or a joint step where 一肩挑 does not apply)."""
    if matter.state == STOPPED:
        raise StateError(_("The procedure was stopped: {reason}").format(reason=matter.stop_reason))
    if matter.state == COMPLETED:
        raise StateError(_("All six steps are done."))
    if step not in STEPS:
        raise ValidationError({"step": _("Unknown step.")})
    expected = next_step(session, matter)
    if joint:
        if not yijiantiao(session):
            raise StateError(_("Proposal and consultation are held together only where the party secretary is also "
                               "the committee head (一肩挑)."))
        if expected != PROPOSAL or step not in (PROPOSAL, CONSULTATION):
            raise StateError(_("Only the first two steps may be held together."))
    elif step != expected:
        raise StateError(_("The next step is {expected}; {step} cannot be recorded before it.").format(
            expected=step_label(expected), step=step_label(step)))


def _check_date(session: Session, matter: DeliberationMatter, held_on: Any, errors: dict[str, str]) -> None:
    previous = steps_of(session, matter.id)
    if not isinstance(held_on, dt.date):
        errors["held_on"] = _("Enter the date of this step.")
    elif previous and held_on < previous[-1].held_on:
        errors["held_on"] = _("This step cannot be dated before the previous one ({date}).").format(
            date=previous[-1].held_on.isoformat())
    elif held_on > local_now().date():
        errors["held_on"] = _("The date is in the future.")


def _check_notice(session: Session, notice_id: str | None, notice_number: str, errors: dict[str, str]) -> Notice | None:
    """A 公开 step names its notice: one issued from the register, or (when the register could not
    be used) the number of a notice issued elsewhere."""
    if not notice_id:
        if not notice_number.strip():
            errors["notice_number"] = _("Give the number of the public notice.")
        return None
    notice = session.get(Notice, notice_id)
    if notice is None or notice.deleted_at is not None:
        errors["notice_id"] = _("No such notice.")
        return None
    if notice.state == notices.DRAFT:
        errors["notice_id"] = _("The notice is still a draft: issue it first.")
    elif session.exec(select(DeliberationStep.id).where(DeliberationStep.notice_id == notice_id)).first():
        errors["notice_id"] = _("This notice already belongs to another step.")
    return notice


def record_step(*, session: Session, actor: Actor, matter_id: str, step: str, held_on: dt.date,
                meeting_id: str | None = None, vote_id: str | None = None, notice_number: str = "",
                notice_id: str | None = None, note: str = "", joint: bool = False) -> list[StepRowView]:
    """Record the next step of a matter. Returns the steps recorded (two for a joint 一肩挑 step).

    ``joint=True`` records 党支部提议 and 两委商议 together, at one joint meeting of the two
    committees, which only a village with 一肩挑 may do. The two 公开 steps link an issued notice
    of the register (``notice_id``; see :func:`publish_step_notice`) or, failing that, name a
    notice issued elsewhere (``notice_number``).
    """
    require(actor, "deliberation.edit")
    notice_number, note = clean_many(DeliberationStep, notice_number=notice_number, note=note, multiline=("note",))
    clean_dates(held_on=held_on)
    matter = get_matter(session, matter_id)
    _check_order(session, matter, step, joint)
    errors: dict[str, str] = {}
    _check_date(session, matter, held_on, errors)
    meeting = _check_meeting(session, step, meeting_id, joint, errors)
    vote = _check_vote(session, matter, meeting, vote_id, errors) if step in VOTING_STEPS else None
    notice = _check_notice(session, notice_id, notice_number, errors) if step in NOTICE_STEPS else None
    if errors:
        raise ValidationError(errors)
    if notice is not None:
        notice_number = notice.number
    recorded: list[DeliberationStep] = []
    for this in ((PROPOSAL, CONSULTATION) if joint else (step,)):
        row = DeliberationStep(matter_id=matter.id, step=this, position=STEP_ORDER.index(this) + 1, held_on=held_on,
                               meeting_id=meeting.id if meeting else None, vote_id=vote.id if vote else None,
                               notice_number=notice_number.strip()[:64], notice_id=notice.id if notice else None,
                               note=note.strip())
        session.add(row)
        recorded.append(row)
    if joint:
        matter.joint_first_steps = True
    if matter.started_on is None:
        matter.started_on = held_on
    if vote is not None:
        outcome = mq.vote_outcome(session, vote)
        if not outcome.passed:
            matter.state = STOPPED
            matter.stop_reason = outcome.reason()
    if recorded[-1].step == PUBLISH_RESULTS:
        matter.state = COMPLETED
    session.add(matter)
    session.flush()
    if matter.state == STOPPED:
        audit_note(session, table_name="deliberation_matter", row_id=matter.id, note="procedure stopped by a vote",
                   detail={"vote_id": vote.id if vote else None})
    return [view(StepRowView, row) for row in recorded]


# --- the two 公开 notices ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class NoticeContent:
    """What a 四议两公开 notice says: title, paragraphs, and the steps taken before it.

    ``kind`` is ``resolution`` (决议公告: only for a passed resolution), ``results`` (实施结果公告),
    ``vote_result`` (表决结果公告: the resolution vote failed) or ``stopped`` (终止说明: an earlier
    vote stopped the matter). ``issuers`` sign jointly: the Party branch and the villagers'
    committee, side by side, one seal each. ``publicity`` says whether the notice is a 公示 (with
    its 公示期, objection paragraph and contact line) or a statement of fact (contact line only).
    """

    title: str
    paragraphs: list[str]
    rows: list[tuple[str, str, str]]  # step, date, meeting / vote / notice
    issuers: tuple[str, ...]
    kind: str = "resolution"
    publicity: bool = True

    @property
    def issuer(self) -> str:
        """The issuers on one line per issuer (how the notice register keeps joint issuers)."""
        return "\n".join(self.issuers)


def _issuers(session: Session) -> tuple[str, ...]:
    profile = session.exec(select(VillageProfile)).first()
    village = profile.name if profile else ""
    committee = (profile.committee_name if profile and profile.committee_name else
                 _("{village} Villagers' Committee").format(village=village))
    return (_("{village} Party Branch").format(village=village), committee)


def _rows_before(progress_: Any, step: str | None) -> list[tuple[str, str, str]]:
    rows = []
    for shown in progress_.steps:
        if shown.step == step:
            break
        if shown.done:
            detail = "：".join(x for x in (shown.meeting_title, shown.vote_summary) if x) or shown.notice_number
            rows.append((shown.label, official_date(shown.held_on), detail))
    return rows


def notice_content(*, session: Session, actor: Actor, matter_id: str, step: str) -> NoticeContent:
    """The text of the notice for 公开 step ``step``, from the steps already taken.

    A document never says what did not happen: a stopped matter has no 决议公告 (nor results); it
    is refused with the reason, and :func:`outcome_content` writes what did happen."""
    require(actor, "meetings.view")
    if step not in NOTICE_STEPS:
        raise ValidationError({"step": _("Only the two 公开 steps have a notice.")})
    matter = get_matter(session, matter_id)
    if matter.state == STOPPED:
        raise StateError(_("{matter} was not resolved — {reason} There is no resolution to publish; print its "
                           "vote result or stop statement (deliberation_outcome) instead.").format(
                               matter=matter.title, reason=matter.stop_reason))
    progress_ = progress(session=session, actor=actor, matter_id=matter.id)
    done = {s.step: s for s in progress_.steps if s.done}
    needed = RESOLUTION if step == PUBLISH_RESOLUTION else PUBLISH_RESOLUTION
    if needed not in done:
        raise StateError(_("{matter} has not reached {step} yet.").format(matter=matter.title,
                                                                          step=step_label(needed)))
    resolution = done[RESOLUTION]
    if step == PUBLISH_RESULTS:
        title = _("Notice of the implementation results: {matter}").format(matter=matter.title)
        paragraphs = [_("Following the “four deliberations, two disclosures” procedure, the village resolved on "
                        "{matter} on {date}. The results of its implementation are made public as follows.").format(
                            matter=matter.title, date=official_date(resolution.held_on))]
        if matter.description:
            paragraphs.append(matter.description)
    else:
        title = _("Notice of the resolution: {matter}").format(matter=matter.title)
        paragraphs = [_("{matter} has gone through the party branch proposal, the two committees' consultation, the "
                        "party members' assembly review and the resolution of the villagers' (representatives) "
                        "meeting. The resolution is made public as follows.").format(matter=matter.title)]
        if matter.description:
            paragraphs.append(matter.description)
        if resolution.vote_summary:
            paragraphs.append(_("Vote at {meeting}: {vote}.").format(meeting=resolution.meeting_title,
                                                                     vote=resolution.vote_summary))
    return NoticeContent(title=title, paragraphs=paragraphs, rows=_rows_before(progress_, step),
                         issuers=_issuers(session), kind="results" if step == PUBLISH_RESULTS else "resolution")


def _meeting_kind(session: Session, step: Any) -> str:
    """村民代表会议 — the body that voted (the meeting's own title repeats the matter)."""
    meeting = session.get(Meeting, step.meeting_id) if step.meeting_id else None
    return m.kind_label(meeting.kind, short=True) if meeting is not None else step.meeting_title


def outcome_content(*, session: Session, actor: Actor, matter_id: str) -> NoticeContent:
    """What a stopped matter's notice says: 表决结果公告 when the villagers' (representatives')
    meeting voted it down (the counts and 未获通过), 终止说明 when an earlier vote stopped it (why).
    A matter that was not stopped has no such notice."""
    require(actor, "meetings.view")
    matter = get_matter(session, matter_id)
    if matter.state != STOPPED:
        raise StateError(_("{matter} was not stopped: there is no vote result or stop statement to print.").format(
            matter=matter.title))
    progress_ = progress(session=session, actor=actor, matter_id=matter.id)
    done = [s for s in progress_.steps if s.done]
    last = done[-1] if done else None
    if last is not None and last.step == RESOLUTION:
        title = _("Notice of the vote result: {matter}").format(matter=matter.title)
        paragraphs = [_("On {date}, {meeting} voted on {matter}: {vote}. The matter was not passed and will not be "
                        "carried out.").format(date=official_date(last.held_on), meeting=_meeting_kind(session, last),
                                               matter=matter.title, vote=last.vote_summary)]
        kind = "vote_result"
    else:
        title = _("Statement on stopping: {matter}").format(matter=matter.title)
        where = (_("at the step {step} ({date})").format(step=last.label, date=official_date(last.held_on))
                 if last is not None else "")
        paragraphs = [_("The “four deliberations, two disclosures” procedure for {matter} was stopped {where}: "
                        "{reason} The matter will not be put to the villagers for a resolution.").format(
                            matter=matter.title, where=where, reason=matter.stop_reason)]
        kind = "stopped"
    if matter.description:
        paragraphs.insert(1, _("The matter: {description}").format(description=matter.description))
    return NoticeContent(title=title, paragraphs=paragraphs, rows=_rows_before(progress_, None),
                         issuers=_issuers(session), kind=kind, publicity=False)


def notice_form(content: NoticeContent, *, publicity_days: int, working_days: bool,
                publicity_start: dt.date | None) -> notices.NoticeForm:
    """The notice register's form for ``content`` (a 村务公开 notice with the steps as its table)."""
    table = {"columns": [{"key": "step", "header": _("Step")}, {"key": "date", "header": _("Date")},
                         {"key": "detail", "header": _("Meeting, vote or notice")}],
             "rows": [list(row) for row in content.rows], "numbered": True}
    return notices.NoticeForm(kind="village_affairs", title=content.title, body="\n\n".join(content.paragraphs),
                              table=table if content.rows else None, issuer=content.issuer,
                              publicity_days=publicity_days, working_days=working_days,
                              publicity_start=publicity_start)


def publish_step_notice(*, session: Session, actor: Actor, matter_id: str, step: str, held_on: dt.date,
                        publicity_days: int = 7, working_days: bool = False, note: str = "") -> StepRowView:
    """决议公开 / 实施结果公开 through the notice register: write the notice from the steps taken,
    issue it on ``held_on`` (numbered, with its publicity window and file hash) and record the
    step linked to it. Everything is checked before the notice is numbered."""
    require(actor, "deliberation.edit")
    require(actor, "notices.edit")
    (note,) = clean_many(DeliberationStep, note=note, multiline=("note",))
    clean_dates(held_on=held_on)
    matter = get_matter(session, matter_id)
    _check_order(session, matter, step, False)
    if step not in NOTICE_STEPS:
        raise ValidationError({"step": _("Only the two 公开 steps have a notice.")})
    errors: dict[str, str] = {}
    _check_date(session, matter, held_on, errors)
    if not isinstance(publicity_days, int) or not 1 <= publicity_days <= notices.MAX_PUBLICITY_DAYS:
        errors["publicity_days"] = _("The publicity period is 1 to {n} days.").format(n=notices.MAX_PUBLICITY_DAYS)
    if errors:
        raise ValidationError(errors)
    content = notice_content(session=session, actor=actor, matter_id=matter.id, step=step)
    form = notice_form(content, publicity_days=publicity_days, working_days=working_days, publicity_start=held_on)
    notice = notices.create_notice(session=session, actor=actor, form=form)
    notices.issue_notice(session=session, actor=actor, notice_id=notice.id, issue_date=held_on)
    return record_step(session=session, actor=actor, matter_id=matter.id, step=step, held_on=held_on,
                       notice_id=notice.id, note=note)[0]


# --- views ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StepView:
    step: str
    label: str
    done: bool
    held_on: dt.date | None
    meeting_id: str | None
    meeting_title: str
    vote_summary: str
    notice_number: str
    note: str
    is_next: bool
    notice_id: str | None = None


@dataclasses.dataclass(frozen=True)
class MatterProgress:
    matter: Any  # MatterView
    steps: list[StepView]
    allowed: dict[str, str | None] = dataclasses.field(default_factory=dict)  # see allowed_actions

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)


def progress(*, session: Session, actor: Actor, matter_id: str) -> MatterProgress:
    """The six steps of a matter, each done (with date, meeting, vote, notice) or not yet."""
    require(actor, "meetings.view")
    matter = get_matter(session, matter_id)
    done = {s.step: s for s in steps_of(session, matter.id)}
    nxt = next_step(session, matter) if matter.state == IN_PROGRESS else None
    views = []
    for step in STEP_ORDER:
        row = done.get(step)
        meeting = session.get(Meeting, row.meeting_id) if row and row.meeting_id else None
        vote = session.get(Vote, row.vote_id) if row and row.vote_id else None
        vote_text = ""
        if vote is not None:
            outcome = mq.vote_outcome(session, vote)
            vote_text = _("{in_favour} for, {against} against, {abstain} abstaining — {result}").format(
                in_favour=vote.in_favour, against=vote.against, abstain=vote.abstain, result=outcome.result_label)
        views.append(StepView(step=step, label=step_label(step), done=row is not None,
                              held_on=row.held_on if row else None, meeting_id=meeting.id if meeting else None,
                              meeting_title=meeting.title if meeting else "", vote_summary=vote_text,
                              notice_number=row.notice_number if row else "", note=row.note if row else "",
                              is_next=step == nxt, notice_id=row.notice_id if row else None))
    return MatterProgress(matter=view(MatterView, matter), steps=views,
                          allowed=allowed_actions(session=session, actor=actor, matter_id=matter.id))


@dataclasses.dataclass(frozen=True)
class MeetingChoice:
    """A held meeting at which ``step`` could have been taken, with its votes on this matter."""

    meeting_id: str
    title: str
    held_on: dt.date | None
    votes: list[tuple[str, str]]  # (vote id, "18 for, 3 against … — passed")


def meeting_choices(*, session: Session, actor: Actor, matter_id: str, step: str, joint: bool = False,
                    limit: int = 30) -> list[MeetingChoice]:
    """Recent held meetings of the kind ``step`` needs (for the record-step form), newest first."""
    require(actor, "meetings.view")
    if step in NOTICE_STEPS or step not in STEPS:
        return []
    kinds = (m.TWO_COMMITTEES, m.BRANCH_COMMITTEE) if joint else STEP_MEETING_KINDS[step]
    rows = session.exec(select(Meeting).where(Meeting.kind.in_(kinds),
                                              Meeting.state.not_in([m.PLANNED, m.CANCELLED]))
                        .order_by(Meeting.starts_at.desc()).limit(limit)).all()
    votes: dict[str, list[tuple[str, str]]] = {}
    if step in VOTING_STEPS and rows:
        found = session.exec(select(Vote).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
                             .where(Vote.meeting_id.in_([r.id for r in rows]), AgendaItem.matter_id == matter_id).order_by(Vote.voted_at)).all()
        for vote in found:
            outcome = mq.vote_outcome(session, vote)
            votes.setdefault(vote.meeting_id, []).append((vote.id, _(
                "{in_favour} for, {against} against, {abstain} abstaining — {result}").format(
                in_favour=vote.in_favour, against=vote.against, abstain=vote.abstain, result=outcome.result_label)))
    return [MeetingChoice(meeting_id=r.id, title=r.title, held_on=r.held_on, votes=votes.get(r.id, []))
            for r in rows]


def matter_ids(*, session: Session, actor: Actor, state: str | None = None, search: str = "") -> list[str]:
    """Matters newest first; ``search`` finds titles by Chinese text, full pinyin or initials (app.search)."""
    require(actor, "meetings.view")
    query = select(DeliberationMatter.id)
    if state:
        query = query.where(DeliberationMatter.state == state)
    query = query.order_by(DeliberationMatter.created_at.desc(), DeliberationMatter.id)
    if not search.strip():
        return list(session.exec(query))
    return search_rows(session.execute(query.add_columns(DeliberationMatter.title)).all(), search, texts=(1,))


def matter_rows(*, session: Session, actor: Actor, ids: Sequence[str]) -> dict[str, tuple[MatterView, int]]:
    """Matters with the number of steps done, for the list."""
    require(actor, "meetings.view")
    if not ids:
        return {}
    counts = dict(session.exec(select(DeliberationStep.matter_id, func.count())
                               .where(DeliberationStep.matter_id.in_(list(ids)))
                               .group_by(DeliberationStep.matter_id)).all())
    return {x.id: (view(MatterView, x), counts.get(x.id, 0)) for x in session.exec(select(DeliberationMatter)
                                                                .where(DeliberationMatter.id.in_(list(ids))))}


def allowed_actions(*, session: Session, actor: Actor, matter_id: str | None = None) -> dict[str, str | None]:
    """What ``actor`` may do to the matter now: action → None when allowed, else why not.
    ``matter_id=None``: with the register (``new``: start a matter).

    ``record_step`` records the next step (at its meeting, or naming a notice issued elsewhere);
    ``publish_notice`` writes and issues the notice of a 公开 step through the notice register.
    """
    require(actor, "meetings.view")
    if matter_id is None:
        return {"new": permission_refusal(actor, "deliberation.edit")}
    matter = get_matter(session, matter_id)
    nxt = next_step(session, matter) if matter.state == IN_PROGRESS else None
    if matter.state == STOPPED:
        closed = _("The procedure was stopped: {reason}").format(reason=matter.stop_reason)
    elif matter.state == COMPLETED or nxt is None:
        closed = _("All six steps are done.")
    else:
        closed = None
    record = permission_refusal(actor, "deliberation.edit") or closed
    publish = record or permission_refusal(actor, "notices.edit") or (
        None if nxt in NOTICE_STEPS else _("The next step is {step}: it is taken at a meeting, not by a notice.")
        .format(step=step_label(nxt)))
    return {"record_step": record, "publish_notice": publish}


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    require_any(actor, "meetings.view", "stats.view")  # counts only: the township may read them
    rows = dict(session.exec(select(DeliberationMatter.state, func.count())
                             .group_by(DeliberationMatter.state)).all())
    return {state: rows.get(state, 0) for state in STATES}
