"""attendance count index: the 工作台's average attendance counted from an index (issue 16)

The meetings card's 平均到会率 counts the present and expected attendance rows of every held
meeting (152,000 rows on the large demo): the longest read of the 工作台 after sign-in. The index
on (meeting_id, present) becomes (meeting_id, present, expected, deleted_at, village_code): every
column that count tests, so SQLite answers it from the index without reading the table (~105 →
~37 ms CPU on the large demo). Lookups by meeting and by meeting and presence use the same prefix.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 17:20:00.000000
"""
from __future__ import annotations

from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_attendance_meeting_present')
        batch_op.create_index('ix_meeting_attendance_counted',
                              ['meeting_id', 'present', 'expected', 'deleted_at', 'village_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_attendance_counted')
        batch_op.create_index('ix_meeting_attendance_meeting_present', ['meeting_id', 'present'], unique=False)
