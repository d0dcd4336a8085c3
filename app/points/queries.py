"""Points: reads that other modules of ``app`` need without an actor. Not for ``ui/``."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, func, select

from app.errors import NotFound
from app.i18n import _
from db.models.accounts import Setting
from db.models.people import Household
from db.models.points import PointsEntry, PointsGoods, PointsRule

BOARD_SETTING = "points.board"
# 红黑榜 and rankings are off until the village turns them on (the 2023 网信办 guidance warns
# against forced rankings); the criteria are the village's own.
DEFAULT_BOARD = {"ranking": False, "red_black": False, "red_count": 8, "red_min": 1, "black_deducted": 5,
                 "black_count": 8}


def get_rule(session: Session, rule_id: str) -> PointsRule:
    rule = session.get(PointsRule, rule_id)
    if rule is None or rule.deleted_at is not None:
        raise NotFound(_("No such points rule."))
    return rule


def get_entry(session: Session, entry_id: str) -> PointsEntry:
    entry = session.get(PointsEntry, entry_id)
    if entry is None:
        raise NotFound(_("No such points entry."))
    return entry


def get_goods(session: Session, goods_id: str) -> PointsGoods:
    goods = session.get(PointsGoods, goods_id)
    if goods is None or goods.deleted_at is not None:
        raise NotFound(_("No such goods."))
    return goods


def get_household(session: Session, household_id: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted_at is not None:
        raise NotFound(_("No such household."))
    return household


def balance_of(session: Session, household_id: str) -> int:
    """The household's balance: the sum of its ledger (never a stored figure)."""
    return int(session.exec(select(func.coalesce(func.sum(PointsEntry.points), 0))
                            .where(PointsEntry.household_id == household_id)).one())


def board_settings(session: Session) -> dict[str, Any]:
    setting = session.get(Setting, BOARD_SETTING)
    value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    return {**DEFAULT_BOARD, **{k: v for k, v in value.items() if k in DEFAULT_BOARD}}


def latest_entry_household(session: Session) -> str | None:
    return session.exec(select(PointsEntry.household_id).order_by(PointsEntry.seq.desc()).limit(1)).first()


def latest_entry_date(session: Session) -> dt.date | None:
    return session.exec(select(func.max(PointsEntry.entry_date))).one()
