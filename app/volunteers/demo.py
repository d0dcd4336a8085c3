"""Demo volunteers: four teams, years of activities (微活动/微服务) and their assignments and hours
(large: about 60,000 assignments), written through the bulk path."""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, select

from app.auth import Actor
from db.base import local_now
from db.models.people import Resident
from db.models.volunteers import (
    VolunteerActivity, VolunteerAssignment, VolunteerHours, VolunteerMember, VolunteerTeam,
)
from db.tracking import BulkWriter

TEAMS = (("党员志愿服务队", "party"), ("青年志愿者服务队", "youth"), ("巾帼志愿服务队", "women"),
         ("银龄志愿服务队", "elders"))
ACTIVITIES = {
    "micro_activity": ("清扫村道", "河道清漂", "文明劝导", "植树护绿", "垃圾分类宣传", "防溺水巡逻", "文艺演出"),
    "micro_service": ("探访独居老人", "代购药品", "义务理发", "帮助秋收", "留守儿童作业辅导", "家电义务维修", "政策宣讲"),
}
PLACES = ("村委会门前", "文化广场", "党群服务中心", "一组院坝", "三组河堤", "村小学", "卫生室")
SLOTS = ((8, 120), (14, 120), (19, 90))  # start hour, minutes: never overlapping within a day


def add_demo_data(*, session: Session, actor: Actor, rng: random.Random, size: str) -> None:
    large = size == "large"
    residents = session.exec(select(Resident.id, Resident.name, Resident.party_member, Resident.birth_date)
                             .where(Resident.status == "resident").order_by(Resident.id_number, Resident.name)).all()
    today = local_now().date()
    tz = local_now().tzinfo
    adults = [r for r in residents if r.birth_date and r.birth_date.year <= today.year - 18]
    if len(adults) < 20:
        return
    bulk = BulkWriter(session, note="demo data")
    per_team = 60 if large else 12
    teams: list[tuple[str, list[str]]] = []
    party = [r for r in adults if r.party_member]
    for name, kind in TEAMS:
        pool = party if kind == "party" and len(party) >= 5 else adults
        chosen = rng.sample(pool, min(per_team, len(pool)))
        team_id = bulk.add(VolunteerTeam, name=name, kind=kind, leader_id=chosen[0].id,
                           founded_on=today.replace(year=today.year - 4, month=3, day=5),
                           description=f"{name}，常态化开展微活动、微服务。")
        for r in chosen:
            bulk.add(VolunteerMember, team_id=team_id, resident_id=r.id, joined_on=today.replace(year=today.year - 4,
                                                                                                month=3, day=5))
        teams.append((team_id, [r.id for r in chosen]))
    days = 3 * 365 if large else 120
    per_activity = 30 if large else 5
    activities = 2000 if large else 40
    chosen_days = sorted(rng.sample(range(days), min(days, activities // 2 + 1)) * 2)[:activities]
    used: set[tuple[int, int]] = set()
    for offset in chosen_days:
        day = today - dt.timedelta(days=offset - (0 if large else 10))  # small: a few still to come
        slot = next((s for s in range(len(SLOTS)) if (offset, s) not in used), None)
        if slot is None:
            continue
        used.add((offset, slot))
        hour, minutes = SLOTS[slot]
        starts = dt.datetime(day.year, day.month, day.day, hour, tzinfo=tz)
        ends = starts + dt.timedelta(minutes=minutes)
        kind = rng.choice(list(ACTIVITIES))
        team_id, members = rng.choice(teams)
        activity_id = bulk.add(VolunteerActivity, team_id=team_id, kind=kind, title=rng.choice(ACTIVITIES[kind]),
                               held_on=day, starts_at=starts, ends_at=ends, place=rng.choice(PLACES),
                               organiser="", description="")
        for resident_id in rng.sample(members, min(per_activity, len(members))):
            future = day > today
            state = "scheduled" if future else ("no_show" if rng.random() < 0.08 else "completed")
            assignment_id = bulk.add(VolunteerAssignment, activity_id=activity_id, resident_id=resident_id,
                                     team_id=team_id, starts_at=starts, ends_at=ends, scheduled_minutes=minutes,
                                     state=state)
            if state == "completed":
                served = minutes if rng.random() < 0.9 else rng.choice((30, 60, minutes - 30))
                bulk.add(VolunteerHours, assignment_id=assignment_id, resident_id=resident_id, team_id=team_id,
                         activity_kind=kind, served_on=day, minutes=served, recorded_by="demo")
    bulk.write([VolunteerTeam, VolunteerMember, VolunteerActivity, VolunteerAssignment, VolunteerHours])
