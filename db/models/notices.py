"""The notice register (公告/公示登记): every public document the office issues."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import JSON, Column, Field

from db.base import postgresql_where, SyncedModel


class Notice(SyncedModel, table=True):
    """公告: a notice from draft to taken down.

    Drafts are edited freely. Issuing gives the notice its number (one gap-free sequence per kind
    and year: 〔2026〕7号), fixes the publicity window, and freezes the exact document printed
    (``snapshot``) with the PDF's SHA-256, so a reprint is identical and checkable. An issued
    notice is never edited; a correction is a new notice whose ``corrects_id`` names it.
    """

    __tablename__ = "notice"
    __table_args__ = (
        Index("ix_notice_village_live", "village_code", "deleted_at"),  # a township's counts
        Index("uq_notice_village_kind_year_seq", "village_code", "kind", "year", "seq", unique=True,
              sqlite_where=text("seq IS NOT NULL"), info=postgresql_where(text("seq IS NOT NULL"))),
    )

    kind: str = Field(max_length=32, index=True)  # village_affairs | party_affairs | …
    state: str = Field(default="draft", max_length=16, index=True)  # draft | issued | posted | taken_down
    title: str = Field(max_length=200)
    body: str = Field(default="")
    table: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # {"columns": [...], "rows": [...]}
    issuer: str = Field(default="", max_length=128)
    supervision_phone: str = Field(default="", max_length=32)
    objection: str = Field(default="")  # how to object; empty = the standard sentence
    publicity_days: int = Field(default=7)
    working_days: bool = Field(default=False)  # count 公示期 in working days
    publicity_start: dt.date | None = None  # planned start (default: the issue date)
    publicity_end: dt.date | None = Field(default=None, index=True)
    style: str = Field(default="poster", max_length=16)  # poster | official
    paper: str = Field(default="A4", max_length=4)
    landscape: bool = Field(default=False)
    unmasked: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    corrects_id: str | None = Field(default=None, foreign_key="notice.id", max_length=36, index=True)
    year: int | None = None
    seq: int | None = None
    number: str = Field(default="", max_length=64, index=True)  # 青石村务〔2026〕7号
    issue_date: dt.date | None = None
    issued_at: dt.datetime | None = None
    issued_by: str = Field(default="", max_length=64)
    posted_on: dt.date | None = None
    taken_down_on: dt.date | None = None
    snapshot: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # document + render options
    file_sha256: str = Field(default="", max_length=64)
