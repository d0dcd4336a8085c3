"""Villagers' concerns (群众诉求) and their progress notes."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Index, text
from sqlmodel import Field

from db.base import postgresql_where, SyncedModel


class Concern(SyncedModel, table=True):
    """群众诉求: a concern raised by a villager at a meeting, on a visit or at the office."""

    __tablename__ = "concern"
    __table_args__ = (
        Index("ix_concern_due_state", "due_on", "state"),
        # a township's summary counts each village's concerns from this index alone
        Index("ix_concern_village_summary", "village_code", "deleted_at", "state", "due_on", "closed_on"),
        # numbers are per village (db.scope.next_number); two writers can never share one
        Index("uq_concern_village_number", "village_code", "number", unique=True,
              sqlite_where=text("number <> ''"), info=postgresql_where(text("number <> ''"))),
    )

    number: str = Field(default="", max_length=16, index=True)  # 2026-0012
    title: str = Field(max_length=128)
    description: str = Field(default="", max_length=2000)
    category: str = Field(default="other", max_length=24, index=True)
    source: str = Field(default="meeting", max_length=16)  # meeting | visit | office
    meeting_id: str | None = Field(default=None, foreign_key="meeting.id", max_length=36, index=True)
    resident_id: str | None = Field(default=None, foreign_key="resident.id", max_length=36)
    household_id: str | None = Field(default=None, foreign_key="household.id", max_length=36)
    raised_by: str = Field(default="", max_length=64)  # name as told (a resident's or a household head's)
    grid_id: str | None = Field(default=None, foreign_key="grid.id", max_length=36, index=True)
    raised_on: dt.date = Field(index=True)
    assignee: str = Field(default="", max_length=64)  # 责任人
    due_on: dt.date = Field(index=True)
    state: str = Field(default="open", max_length=16, index=True)  # open | escalated | closed
    closed_on: dt.date | None = None
    resolution: str = Field(default="", max_length=2000)
    satisfaction: str = Field(default="", max_length=16)  # satisfied | basically | unsatisfied
    escalated_on: dt.date | None = None
    escalation_reason: str = Field(default="", max_length=1000)
    # title, number, raiser and assignee as pinyin syllables (app.search.stored_key), kept on save;
    # it spells the raiser's name, so a masked export must leave it out (or key the masked values)
    search_key: str = Field(default="")


class ConcernNote(SyncedModel, table=True):
    """办理进展: one progress note on a concern."""

    __tablename__ = "concern_note"
    __append_only__: ClassVar[bool] = True

    concern_id: str = Field(foreign_key="concern.id", max_length=36, index=True)
    noted_on: dt.date
    text: str = Field(max_length=1000)
    author: str = Field(default="", max_length=64)
