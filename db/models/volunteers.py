"""党员志愿服务队: teams and their members, activities (微活动/微服务), assignments of people to an
activity and the append-only ledger of hours served."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Index, text
from sqlmodel import Field

from db.base import postgresql_where, SyncedModel


class VolunteerTeam(SyncedModel, table=True):
    """志愿服务队."""

    __tablename__ = "volunteer_team"

    name: str = Field(max_length=64)
    kind: str = Field(default="party", max_length=16)  # party | youth | women | elders | other
    leader_id: str | None = Field(default=None, foreign_key="resident.id", max_length=36)
    description: str = Field(default="", max_length=500)
    founded_on: dt.date | None = None


class VolunteerMember(SyncedModel, table=True):
    """A resident in a team, from ``joined_on`` (until ``left_on``)."""

    __tablename__ = "volunteer_member"
    __table_args__ = (
        Index("uq_volunteer_member_team_resident", "team_id", "resident_id", unique=True,
              sqlite_where=text("deleted_at IS NULL"), info=postgresql_where(text("deleted_at IS NULL"))),
    )

    team_id: str = Field(foreign_key="volunteer_team.id", max_length=36, index=True)
    resident_id: str = Field(foreign_key="resident.id", max_length=36, index=True)
    joined_on: dt.date
    left_on: dt.date | None = None


class VolunteerActivity(SyncedModel, table=True):
    """微活动 / 微服务: what, when, where, organised by whom."""

    __tablename__ = "volunteer_activity"

    team_id: str | None = Field(default=None, foreign_key="volunteer_team.id", max_length=36, index=True)
    kind: str = Field(max_length=16)  # micro_activity | micro_service
    title: str = Field(max_length=128)
    held_on: dt.date = Field(index=True)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field(default="", max_length=128)
    organiser: str = Field(default="", max_length=64)
    description: str = Field(default="", max_length=1000)


class VolunteerAssignment(SyncedModel, table=True):
    """A person put on an activity for a time slot; completed (hours in the ledger) or a no-show."""

    __tablename__ = "volunteer_assignment"
    __table_args__ = (Index("ix_volunteer_assignment_resident_time", "resident_id", "starts_at", "ends_at"),)

    activity_id: str = Field(foreign_key="volunteer_activity.id", max_length=36, index=True)
    resident_id: str = Field(foreign_key="resident.id", max_length=36)
    team_id: str | None = Field(default=None, foreign_key="volunteer_team.id", max_length=36)
    starts_at: dt.datetime
    ends_at: dt.datetime
    scheduled_minutes: int
    state: str = Field(default="scheduled", max_length=16, index=True)  # scheduled | completed | no_show | cancelled


class VolunteerHours(SyncedModel, table=True):
    """服务时长台账: minutes served on one assignment. Append-only: a correction is a reversal row
    (negative minutes, ``reverses_id``), never an edit."""

    __tablename__ = "volunteer_hours"
    __append_only__: ClassVar[bool] = True
    __table_args__ = (
        Index("ix_volunteer_hours_served", "served_on", "team_id", "minutes"),
        Index("ix_volunteer_hours_resident", "resident_id", "served_on"),
        Index("uq_volunteer_hours_reverses", "reverses_id", unique=True,
              sqlite_where=text("reverses_id IS NOT NULL"), info=postgresql_where(text("reverses_id IS NOT NULL"))),
    )

    assignment_id: str = Field(foreign_key="volunteer_assignment.id", max_length=36, index=True)
    resident_id: str = Field(foreign_key="resident.id", max_length=36)
    team_id: str | None = Field(default=None, foreign_key="volunteer_team.id", max_length=36)
    activity_kind: str = Field(max_length=16)
    served_on: dt.date
    minutes: int
    reverses_id: str | None = Field(default=None, foreign_key="volunteer_hours.id", max_length=36)
    note: str = Field(default="", max_length=500)
    recorded_by: str = Field(default="", max_length=64)
