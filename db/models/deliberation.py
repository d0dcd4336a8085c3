"""四议两公开 matters and their six steps."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field

from db.base import postgresql_where, SyncedModel


class DeliberationMatter(SyncedModel, table=True):
    """四议两公开事项: a major village matter walked through the six steps."""

    __tablename__ = "deliberation_matter"
    __table_args__ = (Index("ix_deliberation_matter_village_live", "village_code", "deleted_at"),)  # a township's counts

    title: str = Field(max_length=128)
    description: str = Field(default="", max_length=2000)
    state: str = Field(default="in_progress", max_length=16, index=True)  # in_progress | stopped | completed
    stop_reason: str = Field(default="", max_length=1000)
    joint_first_steps: bool = Field(default=False)  # 一肩挑: 提议 and 商议 held together
    started_on: dt.date | None = None


class DeliberationStep(SyncedModel, table=True):
    """One step of a matter: dated and linked to its meeting (and vote) or its notice."""

    __tablename__ = "deliberation_step"
    __table_args__ = (
        Index("uq_deliberation_step_matter_step", "matter_id", "step", unique=True,
              sqlite_where=text("deleted_at IS NULL"), info=postgresql_where(text("deleted_at IS NULL"))),
    )

    matter_id: str = Field(foreign_key="deliberation_matter.id", max_length=36, index=True)
    step: str = Field(max_length=24)  # app.deliberation.STEPS
    position: int = Field(default=0)
    held_on: dt.date
    meeting_id: str | None = Field(default=None, foreign_key="meeting.id", max_length=36)
    vote_id: str | None = Field(default=None, foreign_key="meeting_vote.id", max_length=36)
    notice_number: str = Field(default="", max_length=64)  # the public notice's number, for the two 公开 steps
    notice_id: str | None = Field(default=None, foreign_key="notice.id", max_length=36)  # the register's notice
    note: str = Field(default="", max_length=1000)
