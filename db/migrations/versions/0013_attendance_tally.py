"""attendance tally: each meeting's present count, kept by triggers (issue 16)

The 工作台's 平均到会率 (present against expected at held meetings) counted every present and
expected attendance row of every held meeting at each sign-in: 152,000 rows on the large demo,
50–64 ms even from the covering index of 0012, the longest part of the first read. The count is
now kept per meeting and village in ``meeting_attendance_tally`` by triggers on
``meeting_attendance``, in the transaction of every write to it (a page's save, a bulk write, a
bundle merged by sync: SQLite and PostgreSQL fire row triggers for each of them), and the figure
sums ~900 rows (~3 ms). A row counts while it is present, expected (a guest is not) and not
tombstoned, for its own meeting and village, exactly as the count it replaces; the table is
filled from the rows already stored.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 19:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COUNTED = "{row}.present AND {row}.expected AND {row}.deleted_at IS NULL"
WATCHED = "meeting_id, village_code, present, expected, deleted_at"  # the columns that move a row's count
ADD = ("INSERT INTO meeting_attendance_tally (meeting_id, village_code, present) "
       "VALUES (NEW.meeting_id, NEW.village_code, 1) "
       "ON CONFLICT (meeting_id, village_code) DO UPDATE SET present = meeting_attendance_tally.present + 1")
TAKE = ("UPDATE meeting_attendance_tally SET present = present - 1 "
        "WHERE meeting_id = OLD.meeting_id AND village_code = OLD.village_code")

SQLITE_TRIGGERS = {
    "trg_meeting_attendance_tally_insert":
        f"AFTER INSERT ON meeting_attendance WHEN {COUNTED.format(row='NEW')} BEGIN {ADD}; END",
    "trg_meeting_attendance_tally_delete":
        f"AFTER DELETE ON meeting_attendance WHEN {COUNTED.format(row='OLD')} BEGIN {TAKE}; END",
    "trg_meeting_attendance_tally_update_old":
        f"AFTER UPDATE OF {WATCHED} ON meeting_attendance WHEN {COUNTED.format(row='OLD')} BEGIN {TAKE}; END",
    "trg_meeting_attendance_tally_update_new":
        f"AFTER UPDATE OF {WATCHED} ON meeting_attendance WHEN {COUNTED.format(row='NEW')} BEGIN {ADD}; END",
}

POSTGRES_FUNCTION = f"""
CREATE FUNCTION meeting_attendance_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF {COUNTED.format(row='OLD')} THEN
            {TAKE};
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF {COUNTED.format(row='NEW')} THEN
            {ADD};
        END IF;
    END IF;
    RETURN NULL;
END
$$"""


def upgrade() -> None:
    op.create_table('meeting_attendance_tally',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('village_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('meeting_id', 'village_code', name=op.f('pk_meeting_attendance_tally'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute("CREATE TRIGGER trg_meeting_attendance_tally AFTER INSERT OR UPDATE OR DELETE ON "
                   "meeting_attendance FOR EACH ROW EXECUTE FUNCTION meeting_attendance_tally_change()")
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO meeting_attendance_tally (meeting_id, village_code, present) "
               f"SELECT meeting_id, village_code, count(*) FROM meeting_attendance WHERE {COUNTED.format(row='meeting_attendance')} "
               "GROUP BY meeting_id, village_code")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER trg_meeting_attendance_tally ON meeting_attendance")
        op.execute("DROP FUNCTION meeting_attendance_tally_change()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('meeting_attendance_tally')
