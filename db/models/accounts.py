"""Local accounts and settings: they stay on this PC and never travel."""
from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlmodel import JSON, Column, Field

from db.base import LocalModel, new_id, utcnow


class User(LocalModel, table=True):
    """An account: a person who signs in, with one role."""

    __tablename__ = "user_account"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"password_hash"})

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=64)
    role: str = Field(max_length=32)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_login_at: dt.datetime | None = None
    # the grid (网格) a grid worker works on; other roles have none
    grid_id: str | None = Field(default=None, max_length=36)
    # lockout after repeated failed sign-ins: the count since the last success, and until when
    failed_logins: int = Field(default=0)
    locked_until: dt.datetime | None = None


class Setting(LocalModel, table=True):
    """A named setting of this village's store (rule set, language, holidays …) as JSON."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: Any = Field(default=None, sa_column=Column(JSON))
