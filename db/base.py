"""Base classes and conventions shared by every table."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlmodel import Field, SQLModel

# Stable constraint names so that Alembic batch migrations on SQLite can find them again.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every table class is made with its pydantic validator and serializer left unbuilt: a table row is
# never validated (SQLModel constructs rows of a table without validating them) nor dumped by
# pydantic here, and building them was most of making a table class, ~3–10 ms each, at every start
# (issue 16: `print notice` made six; the GUI makes them all). Pydantic builds them on first use.
SQLModel.model_config["defer_build"] = True


#: ``Index.info`` key: a partial index's condition on PostgreSQL (:func:`postgresql_where`)
POSTGRESQL_WHERE = "postgresql_where"


def postgresql_where(condition: Any) -> dict[str, Any]:
    """``Index(…, sqlite_where=c, info=postgresql_where(c))``: a partial index's condition on
    PostgreSQL, kept in the index's ``info`` and given to SQLAlchemy as ``postgresql_where`` only
    when a PostgreSQL engine is made (:func:`postgresql_partial_indexes`). Naming it in the index
    makes SQLAlchemy import its whole PostgreSQL dialect (19 modules, ~2 MB) into every program
    that opens a SQLite store — the GUI before its sign-in among them."""
    return {POSTGRESQL_WHERE: condition}


def postgresql_partial_indexes(metadata: Any) -> None:
    """Every index of ``metadata`` with a :func:`postgresql_where` condition gets it as
    ``postgresql_where`` (for PostgreSQL's DDL and Alembic's comparisons). Imports the dialect."""
    for table in metadata.tables.values():
        for index in table.indexes:
            condition = index.info.get(POSTGRESQL_WHERE)
            if condition is not None and index.dialect_options["postgresql"]["where"] is None:
                index.dialect_kwargs["postgresql_where"] = condition


def utcnow() -> dt.datetime:
    """Now, time-zone aware. Every datetime column stores aware values (kept in UTC)."""
    return dt.datetime.now(dt.UTC)


def local_now() -> dt.datetime:
    """Now on this PC's clock, aware: for meeting times and anything a clerk types."""
    return dt.datetime.now().astimezone()


def new_id() -> str:
    return str(uuid.uuid4())


class SyncedModel(SQLModel):
    """Columns every row that travels to the township carries.

    ``rev``, ``created_at``, ``updated_at`` and ``village_code`` are stamped by
    :mod:`db.tracking` on flush; services never set them. Rows are never deleted: setting
    ``deleted_at`` (see :func:`soft_delete`) leaves a tombstone that travels like any change.
    """

    __append_only__: ClassVar[bool] = False  # ledgers: corrections are reversal entries, never edits
    __audit_redact__: ClassVar[frozenset[str]] = frozenset()

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    village_code: str = Field(default="", max_length=12, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    rev: int = Field(default=0, index=True)
    deleted_at: dt.datetime | None = Field(default=None)


class LocalModel(SQLModel):
    """Rows that never leave this PC (accounts, settings). Still audited, never synced."""

    __audit_redact__: ClassVar[frozenset[str]] = frozenset()


def soft_delete(row: SyncedModel) -> None:
    """Mark a synced row deleted; the tombstone travels to the township like any change."""
    if row.deleted_at is None:
        row.deleted_at = utcnow()
