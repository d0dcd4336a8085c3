"""application id: mark the SQLite file as VillageDesk's ('VDK1'), so any other file is recognised and refused

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

APPLICATION_ID = 0x56444B31  # db.identify.APPLICATION_ID, fixed here as migrations are history


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA application_id = 0")
