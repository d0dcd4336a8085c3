"""concern and meeting search keys: stored pinyin syllables, filled for the rows already there

The first search of the concerns list computed pypinyin for every row (over a second on the large
demo); the keys are now kept on save. This revision adds the column and fills it with the function
``app.search`` registers in :mod:`db.search_keys` (the program always imports it before opening a
store); without one, rows keep an empty key and the search computes it for them.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from db.search_keys import keyer

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# table → the columns its key is made of (app.search.KEYED says how)
KEY_COLUMNS = {"concern": ("title", "number", "raised_by", "assignee"), "meeting": ("title", "place", "host_name")}


def upgrade() -> None:
    for table in KEY_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                          server_default=''))
    key_of = keyer()
    if key_of is None:
        return
    conn = op.get_bind()
    for table, columns in KEY_COLUMNS.items():
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).mappings().all()
        if rows:
            conn.execute(sa.text(f"UPDATE {table} SET search_key = :key WHERE id = :id"),
                         [{"id": row["id"], "key": key_of(table, row)} for row in rows])


def downgrade() -> None:
    for table in reversed(list(KEY_COLUMNS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_key')
