"""照片与扫描件: photos and scans kept as evidence on a notice, a meeting, a concern or a case.

The row describes the file; the bytes live in the data folder beside the database, content
addressed (``attachments/<first two hex>/<sha256><ext>``), never in the database. The same picture
attached twice (or to two records) is stored once. Removing an attachment tombstones the row and
keeps the file: a backup, or a restore from the recycle bin, may still need it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field

from db.base import SyncedModel, utcnow


class Attachment(SyncedModel, table=True):
    """附件: one photo (张贴照片, 会议照片) or scan (签到表) of one record."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id"),)

    owner_kind: str = Field(max_length=16)  # notice | meeting | concern | mediation_case
    owner_id: str = Field(max_length=36)  # no foreign key: the owner is one of four tables
    sha256: str = Field(max_length=64, index=True)
    ext: str = Field(default="", max_length=8)  # .jpg | .png | .pdf
    original_name: str = Field(default="", max_length=255)
    mime: str = Field(default="", max_length=64)
    kind: str = Field(default="image", max_length=8)  # image | pdf
    byte_size: int = Field(default=0)
    width: int | None = None  # pixels (a PDF: its first page at 72 dpi)
    height: int | None = None
    pages: int | None = None  # a PDF's page count
    caption: str = Field(default="", max_length=200)
    taken_on: dt.date | None = None  # taken / posted (a notice's 张贴日期)
    added_by: str = Field(default="", max_length=64)
    added_at: dt.datetime = Field(default_factory=utcnow)
