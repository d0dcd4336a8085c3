"""village scope: per-village number series (notices' series move in), unique household and concern numbers

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_sequence',
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('village_code', 'name', name=op.f('pk_number_sequence'))
    )
    # Series continue from the numbers already given.
    conn = op.get_bind()
    for village, number in conn.execute(sa.text("SELECT village_code, max(number) FROM concern "
                                                "WHERE number <> '' GROUP BY village_code, substr(number, 1, 4)")):
        year, seq = number.split("-")
        conn.execute(sa.text("INSERT INTO number_sequence (village_code, name, value) VALUES (:v, :n, :x)"),
                     {"v": village, "n": f"concern-{year}", "x": int(seq)})
    village = conn.execute(sa.text("SELECT code FROM village_profile WHERE deleted_at IS NULL")).scalar() or ""
    for kind, year, last in conn.execute(sa.text("SELECT kind, year, last FROM notice_sequence")):
        conn.execute(sa.text("INSERT INTO number_sequence (village_code, name, value) VALUES (:v, :n, :x)"),
                     {"v": village, "n": f"notice-{kind}-{year}", "x": int(last)})
    op.drop_table('notice_sequence')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index('uq_household_village_number', ['village_code', 'number'], unique=True,
                              sqlite_where=sa.text("deleted_at IS NULL AND number <> ''"),
                              postgresql_where=sa.text("deleted_at IS NULL AND number <> ''"))
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index('uq_concern_village_number', ['village_code', 'number'], unique=True,
                              sqlite_where=sa.text("number <> ''"), postgresql_where=sa.text("number <> ''"))


def downgrade() -> None:
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index('uq_concern_village_number')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('uq_household_village_number')
    op.create_table('notice_sequence',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year', name=op.f('pk_notice_sequence'))
    )
    op.drop_table('number_sequence')
