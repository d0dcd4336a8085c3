"""积分制: the rule catalogue (versioned), the append-only ledger per household, proposals waiting
for approval, the 积美超市's goods, and the committee's decisions to name households on the 黑榜."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field

from db.base import postgresql_where, SyncedModel


class PointsRule(SyncedModel, table=True):
    """积分细则: one rule of the catalogue as it stands now. Every change bumps ``version`` and
    appends a :class:`PointsRuleVersion`; entries keep the version they were earned under."""

    __tablename__ = "points_rule"

    code: str = Field(default="", max_length=16, index=True)  # 1-03: category number and position
    category: str = Field(max_length=24, index=True)
    description: str = Field(max_length=200)
    points: int  # + earned, − deducted
    needs_approval: bool = Field(default=False)
    version: int = Field(default=1)
    active: bool = Field(default=True)


class PointsRuleVersion(SyncedModel, table=True):
    """One version of a rule, as it was from ``valid_from``: never changed once written."""

    __tablename__ = "points_rule_version"
    __append_only__: ClassVar[bool] = True
    __table_args__ = (
        Index("uq_points_rule_version_rule_version", "rule_id", "version", unique=True),
    )

    rule_id: str = Field(foreign_key="points_rule.id", max_length=36, index=True)
    version: int
    category: str = Field(max_length=24)
    description: str = Field(max_length=200)
    points: int
    needs_approval: bool = Field(default=False)
    active: bool = Field(default=True)
    valid_from: dt.date
    changed_by: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=500)


class PointsEntry(SyncedModel, table=True):
    """积分存折的一笔: points earned, deducted or spent by a household. Append-only: a correction is
    a reversal entry (``reverses_id``) with the opposite points; nothing is edited or deleted."""

    __tablename__ = "points_entry"
    __append_only__: ClassVar[bool] = True
    __table_args__ = (
        Index("uq_points_entry_village_seq", "village_code", "seq", unique=True),
        # a household's passbook and balance; the ranking of a period is summed from this index alone
        # (covering: the scope's deleted_at and village_code tests included), names joined after
        Index("ix_points_entry_household_date", "household_id", "entry_date", "seq"),
        Index("ix_points_entry_date_household", "entry_date", "household_id", "points", "goods_id", "deleted_at",
              "village_code"),
        # an entry is reversed at most once
        Index("uq_points_entry_reverses", "reverses_id", unique=True,
              sqlite_where=text("reverses_id IS NOT NULL"), info=postgresql_where(text("reverses_id IS NOT NULL"))),
    )

    seq: int  # 流水号: per village, in the order written (db.scope.next_number)
    household_id: str = Field(foreign_key="household.id", max_length=36)
    entry_date: dt.date
    kind: str = Field(max_length=16, index=True)  # earn | deduct | redeem | reversal
    rule_id: str | None = Field(default=None, foreign_key="points_rule.id", max_length=36)
    rule_version: int | None = None
    points: int
    note: str = Field(default="", max_length=500)  # evidence: what happened, where it is recorded
    source: str = Field(default="manual", max_length=16)  # manual | volunteer | meeting | shop
    recorded_by: str = Field(default="", max_length=64)
    approved_by: str = Field(default="", max_length=64)
    reverses_id: str | None = Field(default=None, foreign_key="points_entry.id", max_length=36)
    goods_id: str | None = Field(default=None, foreign_key="points_goods.id", max_length=36)
    quantity: int = Field(default=0)
    proposal_id: str | None = Field(default=None, foreign_key="points_proposal.id", max_length=36)


class PointsProposal(SyncedModel, table=True):
    """待审核积分: an entry proposed (a rule that needs approval, a volunteer's completed service,
    attendance at a meeting) and waiting for points.approve; approval writes the ledger entry."""

    __tablename__ = "points_proposal"
    __table_args__ = (
        # one proposal per source record (an assignment, an attendance)
        Index("uq_points_proposal_source", "village_code", "source", "source_id", unique=True,
              sqlite_where=text("source_id <> ''"), info=postgresql_where(text("source_id <> ''"))),
    )

    household_id: str = Field(foreign_key="household.id", max_length=36, index=True)
    proposed_on: dt.date
    rule_id: str = Field(foreign_key="points_rule.id", max_length=36)
    rule_version: int
    points: int
    note: str = Field(default="", max_length=500)
    source: str = Field(default="manual", max_length=16)
    source_id: str = Field(default="", max_length=36)
    proposed_by: str = Field(default="", max_length=64)
    state: str = Field(default="pending", max_length=16, index=True)  # pending | approved | rejected
    decided_by: str = Field(default="", max_length=64)
    decided_on: dt.date | None = None
    decision_note: str = Field(default="", max_length=500)
    entry_id: str | None = Field(default=None, max_length=36)


class PointsGoods(SyncedModel, table=True):
    """积美超市的商品: name, price in points and what is in stock."""

    __tablename__ = "points_goods"
    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)

    name: str = Field(max_length=64)
    unit: str = Field(default="", max_length=8)
    price: int  # points for one unit
    stock: int = Field(default=0)
    active: bool = Field(default=True)


class PointsBoardDecision(SyncedModel, table=True):
    """两委决定: to print the households on the 红黑榜 of a period by name, decided at a meeting.
    Without one, the board prints them de-identified."""

    __tablename__ = "points_board_decision"

    meeting_id: str = Field(foreign_key="meeting.id", max_length=36)
    decided_on: dt.date
    period_start: dt.date
    period_end: dt.date
    name_red: bool = Field(default=False)
    name_black: bool = Field(default=False)
    summary: str = Field(default="", max_length=500)
    recorded_by: str = Field(default="", max_length=64)
