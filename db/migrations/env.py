"""Alembic environment: always driven from db.migrate with a live connection."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from db.models import load_all

load_all()  # fills the metadata

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from db.engine import make_engine

        connection = make_engine(config.get_main_option("sqlalchemy.url")).connect()
    if connection.dialect.name == "postgresql":  # a connection handed in: its indexes' conditions too
        from db.base import postgresql_partial_indexes

        postgresql_partial_indexes(target_metadata)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        user_module_prefix="sqlmodel.sql.sqltypes.",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
