"""The people register (户籍/人口台账): village, groups, grids, households, residents."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import JSON, Column, Field

from db.base import postgresql_where, SyncedModel


class VillageProfile(SyncedModel, table=True):
    """村情: the village this store belongs to."""

    __tablename__ = "village_profile"

    name: str = Field(max_length=64)
    code: str = Field(max_length=12, index=True)  # 12-digit 统计用区划代码
    township: str = Field(default="", max_length=64)
    committee_name: str = Field(default="", max_length=128)  # e.g. XX村民委员会
    supervision_phone: str = Field(default="", max_length=32)  # 监督电话 on notices


class VillageGroup(SyncedModel, table=True):
    """村民小组."""

    __tablename__ = "village_group"

    name: str = Field(max_length=32)
    number: int = Field(default=0)
    leader_name: str = Field(default="", max_length=32)


class Grid(SyncedModel, table=True):
    """网格: 30–50 households looked after by a 网格长 / 片长."""

    __tablename__ = "grid"

    name: str = Field(max_length=32)
    group_id: str | None = Field(default=None, foreign_key="village_group.id", max_length=36)
    leader_name: str = Field(default="", max_length=32)  # 网格长
    leader_phone: str = Field(default="", max_length=20)
    area_leader_name: str = Field(default="", max_length=32)  # 片长


class Household(SyncedModel, table=True):
    """户: a household with its head, address, group, grid and tags (低保, 五保 …)."""

    __tablename__ = "household"
    __table_args__ = (
        # 户号 is unique per village among live households (allocated by db.scope.next_number).
        Index("uq_household_village_number", "village_code", "number", unique=True,
              sqlite_where=text("deleted_at IS NULL AND number <> ''"),
              info=postgresql_where(text("deleted_at IS NULL AND number <> ''"))),
    )

    number: str = Field(default="", max_length=32, index=True)  # 户号
    head_name: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=128)
    group_id: str | None = Field(default=None, foreign_key="village_group.id", max_length=36, index=True)
    grid_id: str | None = Field(default=None, foreign_key="grid.id", max_length=36, index=True)
    phone: str = Field(default="", max_length=20)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    search_key: str = Field(default="", max_length=255)  # head name + pinyin forms, for search


# What a residents search reads (its text, numbers, filters and scope), in pinyin order: SQLite
# answers a search from this index alone, never reading the table or sorting (migration 0011).
RESIDENT_SEARCH_COLUMNS = ("search_key", "id", "village_code", "deleted_at", "id_number", "phone", "household_id",
                           "status")


class Resident(SyncedModel, table=True):
    """村民: a person of a household."""

    __tablename__ = "resident"
    __table_args__ = (
        Index(
            "uq_resident_village_id_number",
            "village_code",
            "id_number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND id_number <> ''"),
            info=postgresql_where(text("deleted_at IS NULL AND id_number <> ''")),
        ),
        # the residents search: a scan of this index, in pinyin order, answers it (migration 0011)
        Index("ix_resident_search", *RESIDENT_SEARCH_COLUMNS),
    )

    name: str = Field(max_length=32, index=True)
    gender: str = Field(default="", max_length=1)  # M | F
    id_number: str = Field(default="", max_length=18)  # 公民身份号码 (GB 11643)
    birth_date: dt.date | None = None
    phone: str = Field(default="", max_length=20)
    party_member: bool = Field(default=False)
    representative: bool = Field(default=False)  # 村民代表
    household_id: str | None = Field(default=None, foreign_key="household.id", max_length=36, index=True)
    relation: str = Field(default="", max_length=16)  # relation to head: head, spouse, child …
    status: str = Field(default="resident", max_length=16)  # resident | moved_out | deceased
    search_key: str = Field(default="", max_length=255)  # name, full pinyin, initials
    note: str = Field(default="", max_length=255)
