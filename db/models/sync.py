"""Reports to the township: the village's outbox, and the township's villages, imports and aggregates.

Local tables (they never travel): a village keeps the bundles it wrote until the township
acknowledges them; a township keeps the villages it enrolled (their signing keys and upload
tokens), one row per imported bundle (with the receipt it answered, so a repeat gets the same
answer) and the newest aggregate counts each village sent.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlmodel import JSON, Column, Field, LargeBinary

from db.base import LocalModel, utcnow


class OutboxBundle(LocalModel, table=True):
    """A bundle this village wrote, and how far it got (queued → sending → delivered → acknowledged)."""

    __tablename__ = "sync_outbox"

    bundle_id: str = Field(primary_key=True, max_length=36)
    village_code: str = Field(max_length=12)
    file: str = Field(default="", max_length=1024)
    bundle_hash: str = Field(default="", max_length=64)
    from_rev: int = 0
    to_rev: int = Field(default=0, index=True)
    full: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow)
    state: str = Field(default="queued", max_length=16, index=True)
    attempts: int = 0
    error: str = Field(default="", max_length=1000)
    next_attempt_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class TownshipVillage(LocalModel, table=True):
    """A village enrolled on a township store: its signing key and the token its uploads carry."""

    __tablename__ = "township_village"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"token"})

    village_code: str = Field(primary_key=True, max_length=12)
    name: str = Field(default="", max_length=64)
    public_key: str = Field(max_length=64)  # base64 of the 32-byte Ed25519 key
    fingerprint: str = Field(max_length=32)
    token: str = Field(max_length=64, unique=True)
    enrolled_at: dt.datetime = Field(default_factory=utcnow)
    last_hash: str = Field(default="", max_length=64)
    to_rev: int = 0
    last_import_at: dt.datetime | None = None
    gap: bool = False  # a bundle went missing: the township waits for a full one
    last_error: str = Field(default="", max_length=1000)


class ImportedBundle(LocalModel, table=True):
    """One bundle imported on the township, and the signed receipt that answered it."""

    __tablename__ = "township_import"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"receipt"})

    bundle_id: str = Field(primary_key=True, max_length=36)
    village_code: str = Field(max_length=12, index=True)
    file: str = Field(default="", max_length=255)
    bundle_hash: str = Field(max_length=64)
    from_rev: int = 0
    to_rev: int = 0
    full: bool = False
    gap: bool = False
    imported_at: dt.datetime = Field(default_factory=utcnow, index=True)
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    receipt: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


class TownshipAggregate(LocalModel, table=True):
    """The newest counts a village sent for a table exported as aggregates (a whole snapshot)."""

    __tablename__ = "township_aggregate"

    village_code: str = Field(primary_key=True, max_length=12)
    table_name: str = Field(primary_key=True, max_length=64)
    to_rev: int = 0
    rows: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class TownshipFigures(LocalModel, table=True):
    """A village's figures for the township summary, recomputed by each import of its bundles.

    ``figures``: counts (meetings, notices, matters, concerns, concerns_closed) and, for 办结率,
    ``due_by_month``: due month → [concerns due that month, of them closed on time]. The summary
    adds the months before the current one from here and counts the current month live, so the
    rate is right on any day without reading every concern of forty villages."""

    __tablename__ = "township_figures"

    village_code: str = Field(primary_key=True, max_length=12)
    computed_at: dt.datetime = Field(default_factory=utcnow)
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
