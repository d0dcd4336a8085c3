"""Demo mediation cases: ten years of a village mediation committee (``large``: ≈1,500 cases).

The mix follows published 人民调解 statistics for rural committees: 婚姻家庭 and 邻里 disputes are
the most common (together about half), then 房屋宅基地, 损害赔偿, 山林土地承包; nearly all cases
end in an agreement, almost all of them kept. Parties are residents of the register; records,
visits and the access log are generated like a committee's real paperwork. Rows go in through the
bulk path (:class:`db.tracking.BulkWriter`); the numbers' series are moved past what was used.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from sqlmodel import Session, select

from app.auth import Actor
from app.mediation import service as s
from app.mediation.queries import village_short_name
from db.base import local_now
from db.models.concerns import Concern
from db.models.mediation import MediationCase, MediationParty, MediationRecord
from db.models.people import Household, Resident
from db.scope import raise_number_to
from db.tracking import BulkWriter

PER_YEAR = {"large": 150, "small": 22}
YEARS = {"large": 10, "small": 2}
# weights per category (sum 100)
MIX: dict[str, float] = {
    "marriage": 11, "inheritance": 5, "support": 10, "neighbours": 26, "housing": 10, "land": 7, "damages": 8,
    "debt": 5, "contract": 3, "business": 3, "labour": 2, "village_affairs": 2, "expropriation": 2,
    "environment": 1, "traffic": 2, "medical": 0.5, "other": 2.5,
}
TITLES: dict[str, list[str]] = {
    "marriage": ["夫妻感情纠纷", "离婚财产分割纠纷", "婚约彩礼返还纠纷"],
    "inheritance": ["房屋继承纠纷", "遗产分割纠纷"],
    "support": ["老人赡养纠纷", "子女抚养费纠纷", "赡养费分担纠纷"],
    "neighbours": ["排水沟堵塞引发邻里纠纷", "通行道路纠纷", "树木遮挡采光纠纷", "家禽损坏庄稼纠纷", "噪声扰邻纠纷",
                   "柴草堆放占道纠纷"],
    "housing": ["宅基地界址纠纷", "建房滴水纠纷", "院墙越界纠纷"],
    "land": ["承包地界纠纷", "林地界址纠纷", "土地流转租金纠纷"],
    "damages": ["牲畜伤人赔偿纠纷", "施工损坏房屋赔偿纠纷", "打架致伤赔偿纠纷"],
    "debt": ["民间借贷纠纷", "欠款纠纷"],
    "contract": ["农机租赁合同纠纷", "房屋租赁合同纠纷"],
    "business": ["合伙养殖纠纷", "农资买卖纠纷"],
    "labour": ["务工工资纠纷", "工伤赔偿纠纷"],
    "village_affairs": ["集体收益分配纠纷", "组务管理纠纷"],
    "expropriation": ["征地补偿分配纠纷", "拆迁安置纠纷"],
    "environment": ["养殖污染纠纷", "焚烧秸秆烟尘纠纷"],
    "traffic": ["农用车刮擦纠纷", "电动车碰撞纠纷"],
    "medical": ["村卫生室诊疗纠纷"],
    "other": ["其他纠纷"],
}
CLAUSES: dict[str, list[str]] = {
    "neighbours": ["双方共同出资疏通排水沟，费用各半。", "双方今后和睦相处，互不追究，不得以任何理由再生事端。"],
    "housing": ["双方宅基地界址以原界桩为准，各自不得越界建筑。", "被申请人于一个月内拆除越界院墙，恢复原状。"],
    "support": ["子女每人每月支付父母赡养费300元，并轮流照料其生活。"],
    "damages": ["被申请人一次性支付申请人赔偿金2000元。"],
}
DEFAULT_CLAUSES = ["本协议履行完毕后，双方就此纠纷再无其他争议。"]
PLACES = ["村调解室", "村委会会议室", "当事人家中", "{group}活动室", "纠纷现场"]
MEDIATORS = ["张德明", "刘桂芳", "陈志强", "杨秀英"]


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(days, 1)))


def add_demo_data(*, session: Session, actor: Actor, rng: random.Random, size: str) -> None:
    today = local_now().date()
    years = YEARS.get(size, 2)
    per_year = PER_YEAR.get(size, 20)
    residents = session.exec(select(Resident.id, Resident.name, Resident.gender, Resident.birth_date,
                                    Resident.household_id, Resident.phone).where(Resident.status == "resident")
                             .order_by(Resident.id_number, Resident.name)).all()
    if len(residents) < 4:
        return
    addresses = dict(session.exec(select(Household.id, Household.address)).all())
    by_household: dict[str, list[Any]] = defaultdict(list)
    for r in residents:
        by_household[r.household_id].append(r)
    family_households = [hh for hh, people in by_household.items() if len(people) >= 2]
    concerns = session.exec(select(Concern.id, Concern.raised_on).where(Concern.category.in_(["neighbours", "land"]))
                            .order_by(Concern.raised_on, Concern.number)).all()
    concerns_by_year: dict[int, list[str]] = defaultdict(list)
    for cid, raised in concerns:
        concerns_by_year[raised.year].append(cid)
    short = village_short_name(session)
    categories, weights = list(MIX), list(MIX.values())
    bulk = BulkWriter(session, note="demo data")
    first_year = today.year - years + 1
    used_concerns: set[str] = set()
    for year in range(first_year, today.year + 1):
        start = dt.date(year, 1, 1)
        end = min(dt.date(year, 12, 31), today)
        if end < start:
            continue
        fraction = ((end - start).days + 1) / 365
        count = max(1, round(per_year * fraction * rng.uniform(0.85, 1.15)))
        days = sorted(_day(rng, start, (end - start).days + 1) for _ in range(count))
        for seq, registered in enumerate(days, start=1):
            category = rng.choices(categories, weights)[0]
            if category in s.FAMILY and family_households:
                people = rng.sample(by_household[rng.choice(family_households)], 2)
            else:
                people = rng.sample(residents, 2)
            age_days = (today - registered).days
            source = rng.choices(["applied", "initiative", "concern"], [70, 22, 8])[0]
            concern_id = None
            if source == "concern":
                choices = [c for c in concerns_by_year.get(year, []) if c not in used_concerns]
                if choices:
                    concern_id = rng.choice(choices)
                    used_concerns.add(concern_id)
                else:
                    source = "applied"
            people_involved = 2 if rng.random() < 0.8 else rng.choice([3, 3, 4, 4, 5, 6, 8, 12])
            mediators = "、".join(rng.sample(MEDIATORS, 2))
            values: dict[str, Any] = dict(
                number=f"（{year}）{short}人调字第{seq}号", year=year, seq=seq, title=rng.choice(TITLES[category]),
                category=category, source=source, concern_id=concern_id,
                facts=f"{people[0].name}与{people[1].name}因{rng.choice(TITLES[category])}发生争执，经多次协商未果。",
                people_involved=people_involved, mediators=mediators, registered_on=registered, agreement=[],
                state=s.REGISTERED)
            records: list[tuple[str, dt.date, str]] = []
            if age_days < 3:
                pass  # still waiting for the decision
            elif rng.random() < 0.02:
                values.update(state=s.REJECTED, outcome=s.REJECTED, concluded_on=registered + dt.timedelta(days=1),
                              rejection_reason="纠纷已诉至人民法院，不属于人民调解受理范围。")
            else:
                accepted = min(registered + dt.timedelta(days=rng.randint(0, 2)), today)
                values.update(state=s.ACCEPTED, accepted_on=accepted,
                              due_on=accepted + dt.timedelta(days=s.TIME_LIMIT_DAYS))
                took = rng.choice([3, 5, 7, 8, 10, 12, 15, 18, 21, 25, 28, 35])
                if age_days < 45 and rng.random() < 0.6:  # the committee's current work: still open
                    took = age_days + rng.randint(1, 20)
                concluded = accepted + dt.timedelta(days=took)
                investigated = accepted + dt.timedelta(days=min(1, took))
                if investigated <= today:
                    records.append(("investigation", investigated, "分别询问双方当事人及证人，查看现场，了解纠纷起因。"))
                    values["state"] = s.INVESTIGATING
                session_day = accepted + dt.timedelta(days=max(2, took // 2))
                if session_day <= today and took >= 2:
                    records.append(("session", session_day, "向双方讲解相关法律规定，释法明理，双方各自让步。"))
                    values["state"] = s.MEDIATING
                if took > 30 and concluded <= today:  # an old case that needed longer; open ones may be late
                    values.update(due_on=accepted + dt.timedelta(days=45),
                                  extension_reason=f"{(accepted + dt.timedelta(days=29)).isoformat()}：延长15天，"
                                                   "理由：当事人外出务工，需等待其返乡。")
                if concluded <= today:
                    roll = rng.random()
                    if people_involved >= s.GROUP_DISPUTE_PEOPLE and roll < 0.25:
                        values.update(state=s.ESCALATED, outcome=s.ESCALATED, escalated_to="justice_office",
                                      escalated_on=concluded, concluded_on=concluded,
                                      escalation_reason=f"涉及{people_involved}人，属群体性纠纷，报司法所处理。")
                    elif roll < 0.03:
                        values.update(state=s.FAILED, outcome=s.FAILED, concluded_on=concluded,
                                      outcome_reason="双方分歧较大，告知当事人可依法向人民法院起诉。")
                    elif roll < 0.05:
                        values.update(state=s.TERMINATED, outcome=s.TERMINATED, concluded_on=concluded,
                                      outcome_reason="申请人撤回调解申请。")
                    else:
                        due = concluded + dt.timedelta(days=rng.choice([0, 7, 15, 30]))
                        clauses = rng.sample(CLAUSES.get(category, []), k=min(1, len(CLAUSES.get(category, []))))
                        values.update(state=s.AGREED, outcome=s.AGREED, concluded_on=concluded,
                                      agreement=[*clauses, *DEFAULT_CLAUSES], performance="按协议约定方式履行。",
                                      performance_due=due, confirmation=rng.random() < 0.08)
                        if due + dt.timedelta(days=3) <= today:
                            fulfil = rng.choices(["on_time", "partly", "not"], [95, 4, 1])[0]
                            values.update(state=s.PERFORMED, fulfilment=fulfil, fulfilled_on=due,
                                          fulfilment_note="" if fulfil == "on_time" else "部分款项尚未支付，已督促。")
                            visit = due + dt.timedelta(days=rng.randint(10, 40))
                            if visit <= today:
                                records.append(("visit", visit, "回访双方，协议已履行，关系和睦。"))
                                values["state"] = s.VISITED
                    final = values["state"]
                    archive_on = (values.get("concluded_on") or concluded) + dt.timedelta(days=60)
                    if final in (s.VISITED, s.FAILED, s.TERMINATED, s.ESCALATED) and archive_on <= today:
                        values.update(state=s.ARCHIVED, archived_from=final, archived_on=archive_on)
            case_id = bulk.add(MediationCase, **values)
            for position, (person, role) in enumerate(zip(people, ("applicant", "respondent"), strict=True)):
                birth = person.birth_date
                age = registered.year - birth.year if birth else None
                bulk.add(MediationParty, case_id=case_id, role=role, position=position, resident_id=person.id,
                         name=person.name, gender=person.gender or "", ethnicity="汉族", age=age,
                         occupation="农民", phone=person.phone or "", address=addresses.get(person.household_id, ""),
                         request="请求调委会主持公道，依法解决纠纷。")
            for kind, day, content in records:
                bulk.add(MediationRecord, case_id=case_id, kind=kind, held_on=day,
                         place=rng.choice(PLACES).format(group="一组"), present=f"{people[0].name}、{people[1].name}",
                         mediators=mediators, content=content, recorder=MEDIATORS[0])
        raise_number_to(session, f"mediation-{year}", len(days))
    bulk.write(order=[MediationCase, MediationParty, MediationRecord])
