"""人民调解: mediation cases, their parties and records, and who read them.

Everything here is confidential: only the case table leaves the village, and only as counts
(``aggregate`` in :mod:`app.areas`); parties, records and the access log never do. The case
table has neither ``group_id`` nor ``household_id``, so nothing ties a count to a household.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import Index, text
from sqlmodel import JSON, Column, Field

from db.base import LocalModel, postgresql_where, SyncedModel, utcnow


class MediationCase(SyncedModel, table=True):
    """调解案件: one dispute from 登记 to 归档, numbered （2026）青石人调字第3号."""

    __tablename__ = "mediation_case"
    __table_args__ = (
        # one gap-free series per year and village (db.scope.next_number); two writers never share one
        Index("uq_mediation_case_village_year_seq", "village_code", "year", "seq", unique=True,
              sqlite_where=text("seq > 0"), info=postgresql_where(text("seq > 0"))),
        Index("ix_mediation_case_state_due", "state", "due_on"),
    )

    number: str = Field(default="", max_length=48)
    year: int = Field(default=0, index=True)
    seq: int = Field(default=0)
    title: str = Field(max_length=64)  # 案由: 宅基地界址纠纷
    category: str = Field(default="other", max_length=24, index=True)
    source: str = Field(default="applied", max_length=16)  # applied | initiative | concern
    concern_id: str | None = Field(default=None, foreign_key="concern.id", max_length=36, index=True)
    facts: str = Field(default="", max_length=4000)  # 纠纷主要事实、争议事项
    people_involved: int = Field(default=2)
    mediators: str = Field(default="", max_length=128)  # 调解员, 、-separated
    state: str = Field(default="registered", max_length=16, index=True)
    registered_on: dt.date = Field(index=True)
    accepted_on: dt.date | None = None
    due_on: dt.date | None = None  # 30 days from acceptance, later when extended
    extension_reason: str = Field(default="", max_length=1000)
    rejection_reason: str = Field(default="", max_length=1000)
    concluded_on: dt.date | None = None
    outcome: str = Field(default="", max_length=16, index=True)  # agreed | failed | terminated | rejected | escalated
    outcome_reason: str = Field(default="", max_length=1000)  # 未达成协议 / 终止: why
    agreement: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # clauses
    performance: str = Field(default="", max_length=1000)  # 履行方式、时限
    performance_due: dt.date | None = None
    confirmation: bool = Field(default=False)  # the parties ask for 司法确认
    fulfilment: str = Field(default="", max_length=16)  # on_time | partly | not
    fulfilment_note: str = Field(default="", max_length=1000)
    fulfilled_on: dt.date | None = None
    escalated_to: str = Field(default="", max_length=16)  # township | justice_office
    escalation_reason: str = Field(default="", max_length=1000)
    escalated_on: dt.date | None = None
    archived_on: dt.date | None = None
    archived_from: str = Field(default="", max_length=16)  # the state a reopened case goes back to
    reopen_reason: str = Field(default="", max_length=1000)


class MediationParty(SyncedModel, table=True):
    """当事人: a registered resident (by id, particulars copied when the case was registered) or
    someone from outside the register."""

    __tablename__ = "mediation_party"

    case_id: str = Field(foreign_key="mediation_case.id", max_length=36, index=True)
    role: str = Field(default="applicant", max_length=16)  # applicant | respondent | other
    position: int = Field(default=0)
    resident_id: str | None = Field(default=None, foreign_key="resident.id", max_length=36)
    name: str = Field(max_length=32)
    gender: str = Field(default="", max_length=1)  # M | F
    ethnicity: str = Field(default="", max_length=16)  # 民族
    age: int | None = None
    occupation: str = Field(default="", max_length=32)
    phone: str = Field(default="", max_length=20)
    address: str = Field(default="", max_length=128)
    request: str = Field(default="", max_length=1000)  # 申请事项 / 请求


class MediationRecord(SyncedModel, table=True):
    """调查记录 / 调解记录 / 回访记录: one investigation, session or follow-up visit. Records are
    kept as written: a correction is a further record."""

    __tablename__ = "mediation_record"
    __append_only__: ClassVar[bool] = True

    case_id: str = Field(foreign_key="mediation_case.id", max_length=36, index=True)
    kind: str = Field(max_length=16)  # investigation | session | visit
    held_on: dt.date
    place: str = Field(default="", max_length=64)
    present: str = Field(default="", max_length=255)  # 在场人 / 被调查人
    mediators: str = Field(default="", max_length=128)
    content: str = Field(max_length=4000)
    recorder: str = Field(default="", max_length=64)


class MediationAccessLog(LocalModel, table=True):
    """查阅记录: who read which case's details, when, and what was shown (never leaves the PC)."""

    __tablename__ = "mediation_access_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    username: str = Field(default="", max_length=64)
    role: str = Field(default="", max_length=16)
    case_id: str = Field(default="", max_length=36, index=True)
    case_number: str = Field(default="", max_length=48)
    shown: str = Field(default="", max_length=64)  # details | document:<kind> | refused:<permission>
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
