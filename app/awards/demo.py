"""Demo selections: last year's 最美庭院 (honours roll made), this year's 五星级文明户 in publicity,
and a 十大孝星 selection taking nominations — walked through the service, with the
representatives' meetings that voted."""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, select

from app import meetings
from app.auth import Actor
from app.awards import service as a
from db.base import local_now
from db.models.people import Household, Resident

REASONS = ("庭院干净整洁，房前屋后绿化美化，常年保持。", "孝敬老人，照顾瘫痪婆婆十余年如一日。",
           "遵纪守法，热心公益，带头参加志愿服务。", "家风淳朴，子女勤学上进，邻里关系和睦。",
           "带头移风易俗，婚事新办，不收高额彩礼。")


def _held_representatives_meeting(session: Session, actor: Actor, day: dt.date, title: str) -> str:
    tz = local_now().tzinfo
    meeting = meetings.plan_meeting(session=session, actor=actor, kind=meetings.REPRESENTATIVES_MEETING, title=title,
                                    starts_at=dt.datetime(day.year, day.month, day.day, 19, tzinfo=tz),
                                    place="村委会会议室")
    roll = meetings.attendance(session=session, actor=actor, meeting_id=meeting.id)
    present = [x.id for x in roll][: max(1, -(-len(roll) * 5 // 6))]  # five in six came: quorate
    meetings.sign_in(session=session, actor=actor, meeting_id=meeting.id, attendance_ids=present)
    meetings.mark_held(session=session, actor=actor, meeting_id=meeting.id, held_on=day)
    return meeting.id


def _walk(session: Session, actor: Actor, rng: random.Random, *, kind: str, title: str, start: dt.date,
          end: dt.date, places: int, candidates: list[tuple[str, str]], voted_on: dt.date | None,
          publicity_on: dt.date | None, roll_on: dt.date | None, nominee_kind: str = "household") -> None:
    campaign = a.start_campaign(session=session, actor=actor, kind=kind, title=title, period_start=start,
                                period_end=end, places=places, nominee_kind=nominee_kind)
    picks = []
    for index, (ident, _name) in enumerate(candidates):
        channel = ("organisation", "person", "self")[index % 3]
        picks.append(a.nominate(session=session, actor=actor, campaign_id=campaign.id, channel=channel,
                                household_id=ident if nominee_kind == "household" else None,
                                resident_id=ident if nominee_kind == "resident" else None,
                                nominated_by={"organisation": "村妇联", "person": "村民代表"}.get(channel, ""),
                                reason=rng.choice(REASONS)))
    if voted_on is None:
        return
    meeting_id = _held_representatives_meeting(session, actor, voted_on, f"{title}村民代表投票会")
    summary = meetings.attendance_summary(session=session, actor=actor, meeting_id=meeting_id)
    counts = sorted(rng.sample(range(summary.present // 2 + 1, summary.present + 1), min(len(picks), summary.present // 2)),
                    reverse=True)
    counts += [rng.randrange(0, summary.present // 2 + 1) for _ in range(len(picks) - len(counts))]
    tallies = {n.id: a.Tally(in_favour=c, against=summary.present - c) for n, c in zip(picks, counts)}
    results = a.record_votes(session=session, actor=actor, campaign_id=campaign.id, meeting_id=meeting_id,
                             tallies=tallies)
    elected = [r for r in results if r.elected]
    decisions = {r.nomination_id: a.Review(True, "经两委会复审，事迹属实，符合评选条件。") for r in elected}
    if len(elected) > 2:
        decisions[elected[-1].nomination_id] = a.Review(False, "经核查，该户今年有违规建房记录，暂缓评选。")
    a.review(session=session, actor=actor, campaign_id=campaign.id, decisions=decisions,
             reviewed_on=voted_on + dt.timedelta(days=3), note="两委会复审")
    if publicity_on is None:
        return
    shown = a.start_publicity(session=session, actor=actor, campaign_id=campaign.id, start=publicity_on, days=7)
    if roll_on is None:
        return
    objection = a.record_objection(session=session, actor=actor, campaign_id=campaign.id, raised_by="村民",
                                   text="反映该户门前有杂物堆放。", received_on=shown.publicity_start + dt.timedelta(days=2))
    a.resolve_objection(session=session, actor=actor, objection_id=objection.id, upheld=False,
                        resolution="经村务监督委员会实地核实，杂物已于当日清理，异议不成立。",
                        resolved_on=shown.publicity_start + dt.timedelta(days=4))
    a.make_roll(session=session, actor=actor, campaign_id=campaign.id, on=roll_on)


def add_demo_data(*, session: Session, actor: Actor, rng: random.Random, size: str) -> None:
    households = session.exec(select(Household.id, Household.head_name).order_by(Household.number)).all()
    residents = session.exec(select(Resident.id, Resident.name).where(Resident.relation == "head")
                         .order_by(Resident.id_number, Resident.name)).all()
    if len(households) < 12:
        return
    today = local_now().date()
    last = today.year - 1
    _walk(session, actor, rng, kind="courtyard", title=f"{last}年度最美庭院评选", start=dt.date(last, 1, 1),
          end=dt.date(last, 12, 31), places=5, candidates=rng.sample(list(households), 8),
          voted_on=dt.date(last, 12, 10), publicity_on=dt.date(last, 12, 16), roll_on=dt.date(last, 12, 28))
    voted = today - dt.timedelta(days=10)
    _walk(session, actor, rng, kind="five_star", title=f"{today.year}年度五星级文明户评选",
          start=dt.date(today.year, 1, 1), end=dt.date(today.year, 12, 31), places=3,
          candidates=rng.sample(list(households), 6), voted_on=voted, publicity_on=today - dt.timedelta(days=2),
          roll_on=None)
    _walk(session, actor, rng, kind="filial", title=f"{today.year}年度十大孝星评选", start=dt.date(today.year, 1, 1),
          end=dt.date(today.year, 12, 31), places=10, candidates=rng.sample(list(residents), 6), voted_on=None,
          publicity_on=None, roll_on=None, nominee_kind="resident")
