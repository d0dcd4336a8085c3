"""Meetings (会议): sign-in, agenda items, votes, minutes and addenda.

Codes (kinds, states, methods) are stable English strings; labels live in the app layer.
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from db.base import postgresql_where, SyncedModel


class Meeting(SyncedModel, table=True):
    """会议: a meeting of one kind (坝坝会, 党员大会 …) from notice to publication."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_village_live", "village_code", "deleted_at"),)  # a township's counts

    title: str = Field(max_length=128)
    kind: str = Field(max_length=32, index=True)  # app.meetings.KINDS
    state: str = Field(default="planned", max_length=24, index=True)  # planned|held|minutes_approved|published|cancelled
    starts_at: dt.datetime = Field(index=True)
    place: str = Field(default="", max_length=128)  # a 微阵地 or any place
    scope: str = Field(default="village", max_length=16)  # village | group | grid
    group_id: str | None = Field(default=None, foreign_key="village_group.id", max_length=36)
    grid_id: str | None = Field(default=None, foreign_key="grid.id", max_length=36, index=True)
    host_name: str = Field(default="", max_length=32)  # 主持人
    recorder_name: str = Field(default="", max_length=32)  # 记录人
    description: str = Field(default="", max_length=2000)  # what the notice says
    # 应到: who should attend, counted in persons or households (村民会议 by household representation).
    attendance_mode: str = Field(default="roster", max_length=16)  # roster (per person) | head_count
    expected_unit: str = Field(default="persons", max_length=16)  # persons | households
    expected_count: int = Field(default=0)  # snapshot, frozen when the meeting is held
    head_count: int | None = Field(default=None)  # 实到 for open meetings counted by head
    held_on: dt.date | None = None
    cancel_reason: str = Field(default="", max_length=255)
    published_on: dt.date | None = None
    # title, place and host as pinyin syllables (app.search.stored_key), kept on save
    search_key: str = Field(default="")


class Attendance(SyncedModel, table=True):
    """签到: one invited person (or household) of a meeting, expected or a guest, present or not."""

    __tablename__ = "meeting_attendance"
    # Every column the 工作台's average attendance tests (by meeting, present and expected, live rows
    # of the village): counted from the index alone, without reading the table (migration 0012).
    __table_args__ = (Index("ix_meeting_attendance_counted", "meeting_id", "present", "expected", "deleted_at",
                            "village_code"),)

    meeting_id: str = Field(foreign_key="meeting.id", max_length=36, index=True)
    resident_id: str | None = Field(default=None, foreign_key="resident.id", max_length=36)
    household_id: str | None = Field(default=None, foreign_key="household.id", max_length=36)
    name: str = Field(max_length=64)  # the person's name, or a guest's free name and title
    expected: bool = Field(default=True)  # counts in 应到; guests (乡镇驻村干部 …) do not
    present: bool = Field(default=False)
    signed_in_at: dt.datetime | None = None
    note: str = Field(default="", max_length=64)  # 请假, 委托 …
    position: int = Field(default=0)


class AttendanceTally(SQLModel, table=True):
    """How many expected attendees were present at one meeting, counted from its live attendance
    rows of one village: the 工作台's average attendance sums these (888 rows on the large demo)
    instead of counting 152,000 attendance rows at every sign-in. Kept by triggers on
    ``meeting_attendance`` (migration 0013) in the transaction of every write to it — a page's
    save, a bulk write, a bundle merged by sync — so nothing in Python maintains it; it is not
    synced (each store derives its own). tests/test_workbench.py holds the figure equal to
    :func:`app.stats.collect`'s count."""

    __tablename__ = "meeting_attendance_tally"

    meeting_id: str = Field(primary_key=True, max_length=36)
    village_code: str = Field(primary_key=True, max_length=12)
    present: int = Field(default=0)  # rows with present, expected and no tombstone


class AgendaItem(SyncedModel, table=True):
    """议题: one item of a meeting's agenda, possibly a 四议两公开 matter."""

    __tablename__ = "agenda_item"

    meeting_id: str = Field(foreign_key="meeting.id", max_length=36, index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=128)
    description: str = Field(default="", max_length=2000)
    proposer_name: str = Field(default="", max_length=64)
    matter_id: str | None = Field(default=None, foreign_key="deliberation_matter.id", max_length=36, index=True)
    decision: str = Field(default="", max_length=1000)  # what was decided, in words


class Vote(SyncedModel, table=True):
    """表决: one vote on an agenda item, with the rule it was judged by. Never edited once recorded."""

    __tablename__ = "meeting_vote"
    __append_only__: ClassVar[bool] = True

    meeting_id: str = Field(foreign_key="meeting.id", max_length=36, index=True)
    agenda_item_id: str = Field(foreign_key="agenda_item.id", max_length=36, index=True)
    method: str = Field(max_length=16)  # show_of_hands | roll_call | secret_ballot
    expected: int  # 应到 at the vote
    present: int  # 实到 at the vote
    in_favour: int
    against: int
    abstain: int
    scrutineer: str = Field(default="", max_length=64)  # 监票人
    teller: str = Field(default="", max_length=64)  # 计票人
    rule_code: str = Field(max_length=32)  # app.rules rule applied
    approval_base: str = Field(max_length=16)  # expected | present (the rule set in force then)
    quorum_met: bool
    passed: bool
    voted_at: dt.datetime


class Ballot(SyncedModel, table=True):
    """记名投票: one named voter's ballot in a roll-call vote; the vote's counts are derived from these."""

    __tablename__ = "meeting_ballot"
    __append_only__: ClassVar[bool] = True

    vote_id: str = Field(foreign_key="meeting_vote.id", max_length=36, index=True)
    attendance_id: str | None = Field(default=None, foreign_key="meeting_attendance.id", max_length=36)
    resident_id: str | None = Field(default=None, foreign_key="resident.id", max_length=36)
    name: str = Field(max_length=64)
    choice: str = Field(max_length=16)  # for | against | abstain
    position: int = Field(default=0)


class Minutes(SyncedModel, table=True):
    """会议记录: draft, then approved and locked; later corrections go into addenda."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (
        Index("uq_meeting_minutes_meeting", "meeting_id", unique=True, sqlite_where=text("deleted_at IS NULL"),
              info=postgresql_where(text("deleted_at IS NULL"))),
    )

    meeting_id: str = Field(foreign_key="meeting.id", max_length=36)
    body: str = Field(default="", max_length=20000)
    state: str = Field(default="draft", max_length=16)  # draft | approved
    approved_by: str = Field(default="", max_length=64)
    approved_at: dt.datetime | None = None


class MinutesAddendum(SyncedModel, table=True):
    """补充记录: a later correction to approved minutes; the approved text never changes."""

    __tablename__ = "meeting_minutes_addendum"
    __append_only__: ClassVar[bool] = True

    minutes_id: str = Field(foreign_key="meeting_minutes.id", max_length=36, index=True)
    body: str = Field(max_length=5000)
    author: str = Field(default="", max_length=64)
    added_at: dt.datetime
