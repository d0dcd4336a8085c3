"""Demo points: the rule catalogue (one rule changed, so entries carry two versions), goods of the
积美超市, years of ledger entries (large: about 150,000) with redemptions that never overdraw and
a few reversals, written through the bulk path; a few proposals wait for approval."""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, select

from app.auth import Actor
from app.points import service as p
from db.base import local_now
from db.models.people import Household
from db.models.points import PointsEntry
from db.scope import raise_number_to
from db.tracking import BulkWriter

RULES = (
    ("civility", "孝老爱亲，事迹经核实", 10, True), ("civility", "邻里和睦，主动调解纠纷", 5, False),
    ("environment", "庭院整洁，门前三包落实", 3, False), ("environment", "垃圾分类投放到位", 2, False),
    ("environment", "乱堆乱放、乱倒垃圾", -3, False), ("service", "参加志愿服务一次", 2, False),
    ("participation", "参加村民会议或坝坝会", 1, False), ("participation", "按时缴纳医保", 2, False),
    ("safety", "违规燃放、焚烧秸秆", -5, False), ("safety", "参与防汛巡逻", 3, False),
    ("other", "获得镇级以上表彰", 20, True), ("civility", "大操大办、高额彩礼", -10, True),
)
GOODS = (("食用油", "桶", 60, 40), ("洗衣粉", "袋", 10, 200), ("大米", "袋", 80, 40), ("毛巾", "条", 8, 300),
         ("酱油", "瓶", 12, 150), ("牙膏", "支", 10, 200), ("鸡蛋", "盒", 25, 80), ("保温杯", "个", 50, 30))


def add_demo_data(*, session: Session, actor: Actor, rng: random.Random, size: str) -> None:
    large = size == "large"
    households = list(session.exec(select(Household.id).order_by(Household.number)))
    if not households:
        return
    today = local_now().date()
    years = 3 if large else 1
    start = today - dt.timedelta(days=365 * years)
    rules = [p.add_rule(session=session, actor=actor, category=c, description=d, points=n, needs_approval=a,
                        valid_from=start) for c, d, n, a in RULES]
    # the committee raised one rule half-way: entries before keep version 1 and its points
    changed_on = start + dt.timedelta(days=365 * years // 2)
    raised = p.change_rule(session=session, actor=actor, rule_id=rules[2].id, points=4, reason="两委会研究调整分值",
                           valid_from=changed_on)
    goods = [p.add_goods(session=session, actor=actor, name=n, unit=u, price=price, stock=stock * (10 if large else 1))
             for n, u, price, stock in GOODS]
    stock = {g.id: g.stock for g in goods}
    price = {g.id: g.price for g in goods}
    target = 150_000 if large else 1_200
    bulk = BulkWriter(session, note="demo data")
    events = sorted(((start + dt.timedelta(days=rng.randrange((today - start).days + 1)), rng.choice(households))
                     for _ in range(target)), key=lambda event: event[0])  # by day only: ids are random
    balance = dict.fromkeys(households, 0)
    seq = 0
    earning = [r for r in rules if r.points > 0]
    losing = [r for r in rules if r.points < 0]
    recent: list[tuple[str, str, int, dt.date]] = []
    for day, household in events:
        seq += 1
        if balance[household] >= 30 and rng.random() < 0.08:
            affordable = [g for g in goods if price[g.id] <= balance[household] and stock[g.id] > 0]
            if affordable:
                item = rng.choice(affordable)
                stock[item.id] -= 1
                balance[household] -= price[item.id]
                bulk.add(PointsEntry, seq=seq, household_id=household, entry_date=day, kind=p.REDEEM,
                         points=-price[item.id], goods_id=item.id, quantity=1, source="shop", recorded_by="超市管理员")
                continue
        rule = rng.choice(losing) if rng.random() < 0.06 else rng.choice(earning)
        version, points = (2, raised.points) if rule.id == raised.id and day >= changed_on else (1, rule.points)
        entry_id = bulk.add(PointsEntry, seq=seq, household_id=household, entry_date=day,
                            kind=p.EARN if points > 0 else p.DEDUCT, rule_id=rule.id, rule_version=version,
                            points=points, note="网格员核实" if points > 0 else "网格员巡查发现，照片存档",
                            source="manual", recorded_by="网格员", approved_by="李书记" if rule.needs_approval else "")
        balance[household] += points
        if points > 0:
            recent.append((entry_id, household, points, day))
    # a few entries recorded for the wrong household, reversed (the balance must allow it)
    for entry_id, household, points, day in rng.sample(recent, min(len(recent), 20 if large else 3)):
        if balance[household] >= points:
            seq += 1
            bulk.add(PointsEntry, seq=seq, household_id=household, entry_date=min(today, day + dt.timedelta(days=3)),
                     kind=p.REVERSAL, rule_id=None, points=-points, reverses_id=entry_id, note="记错户，冲正",
                     source="manual", recorded_by="王文书")
            balance[household] -= points
    bulk.write([PointsEntry])
    raise_number_to(session, "points-entry", seq)
    for item in goods:  # what is left on the shelves
        if stock[item.id] != item.stock:
            p.restock(session=session, actor=actor, goods_id=item.id, quantity=stock[item.id] - item.stock)
    p.set_board_settings(session=session, actor=actor, ranking=True, red_black=True)
    service_rule = next(r for r in rules if r.category == "service")
    p.propose_from_volunteering(session=session, actor=actor, rule_id=service_rule.id,
                                start=today - dt.timedelta(days=20), end=today)
