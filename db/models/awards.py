"""评选表彰: campaigns (最美庭院, 五星级文明户 …), nominations, objections during the 公示 and the
final honours roll."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Index, text
from sqlmodel import Field

from db.base import postgresql_where, SyncedModel


class AwardCampaign(SyncedModel, table=True):
    """评选活动: 推荐 → 村民代表投票 → 两委复审 → 公示 → 表彰."""

    __tablename__ = "award_campaign"
    __table_args__ = (
        Index("uq_award_campaign_village_number", "village_code", "number", unique=True,
              sqlite_where=text("number <> ''"), info=postgresql_where(text("number <> ''"))),
    )

    number: str = Field(default="", max_length=16)  # 2026-02
    kind: str = Field(max_length=24)  # courtyard | five_star | filial | civilised_family | other
    title: str = Field(max_length=128)
    period_start: dt.date
    period_end: dt.date
    places: int
    nominee_kind: str = Field(default="household", max_length=16)  # household | resident
    state: str = Field(default="nominating", max_length=16, index=True)
    vote_meeting_id: str | None = Field(default=None, foreign_key="meeting.id", max_length=36)
    voted_on: dt.date | None = None
    vote_expected: int = Field(default=0)
    vote_present: int = Field(default=0)
    vote_rule: str = Field(default="", max_length=32)
    review_meeting_id: str | None = Field(default=None, foreign_key="meeting.id", max_length=36)
    reviewed_on: dt.date | None = None
    review_note: str = Field(default="", max_length=1000)
    publicity_start: dt.date | None = None
    publicity_end: dt.date | None = None
    publicity_days: int = Field(default=0)
    working_days: bool = Field(default=False)
    closed_on: dt.date | None = None


class AwardNomination(SyncedModel, table=True):
    """A household or resident put forward (组织推荐 / 个人推荐 / 自荐), with its votes and review."""

    __tablename__ = "award_nomination"

    campaign_id: str = Field(foreign_key="award_campaign.id", max_length=36, index=True)
    channel: str = Field(max_length=16)  # organisation | person | self
    household_id: str | None = Field(default=None, foreign_key="household.id", max_length=36)
    resident_id: str | None = Field(default=None, foreign_key="resident.id", max_length=36)
    name: str = Field(max_length=64)  # the nominee as printed (a resident, or 王大明户)
    nominated_by: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=1000)
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    vote_passed: bool | None = None
    elected: bool = Field(default=False)  # among the places by votes
    review: str = Field(default="", max_length=16)  # "" | approved | rejected
    review_reason: str = Field(default="", max_length=500)
    withdrawn: bool = Field(default=False)  # an upheld objection took it off
    position: int = Field(default=0)


class AwardObjection(SyncedModel, table=True):
    """异议: received during the 公示, and how it was resolved (upheld: the nominee is taken off)."""

    __tablename__ = "award_objection"

    campaign_id: str = Field(foreign_key="award_campaign.id", max_length=36, index=True)
    nomination_id: str | None = Field(default=None, foreign_key="award_nomination.id", max_length=36)
    received_on: dt.date
    raised_by: str = Field(default="", max_length=64)
    text: str = Field(max_length=1000)
    resolved_on: dt.date | None = None
    resolution: str = Field(default="", max_length=1000)
    upheld: bool | None = None


class AwardHonour(SyncedModel, table=True):
    """光荣榜: one name on a campaign's final honours roll. Written once, when the roll is made."""

    __tablename__ = "award_honour"
    __append_only__: ClassVar[bool] = True

    campaign_id: str = Field(foreign_key="award_campaign.id", max_length=36, index=True)
    # the nomination it came from, by id only: the roll travels to the township as full rows, the
    # nominations (with those not chosen) stay in the village
    nomination_id: str = Field(max_length=36)
    place: int
    name: str = Field(max_length=64)
    kind: str = Field(max_length=24)
    year: int
    honoured_on: dt.date
