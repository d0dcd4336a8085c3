"""audit chain: audit_log rows carry prev_hash/hash, audit_head remembers the newest, and the
database itself refuses UPDATE and DELETE of audit_log (SQLite triggers, a PostgreSQL trigger)

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_REFUSAL = "audit_log is append-only"


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_audit_log_hash'), ['hash'], unique=False)
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # Chain the rows already there, oldest first (before the triggers forbid the UPDATE).
    from db.tracking import audit_hash

    conn = op.get_bind()
    table = sa.table('audit_log', sa.column('id', sa.Integer), sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime),
                     sa.column('actor', sa.String), sa.column('action', sa.String), sa.column('table_name', sa.String),
                     sa.column('row_id', sa.String), sa.column('changes', sa.JSON), sa.column('prev_hash', sa.String),
                     sa.column('hash', sa.String))
    prev, last_id = "", 0
    rows = conn.execute(sa.select(table.c.id, table.c.at, table.c.actor, table.c.action, table.c.table_name,
                                  table.c.row_id, table.c.changes).order_by(table.c.id)).all()
    for row in rows:
        digest = audit_hash(id=row.id, at=row.at, actor=row.actor, action=row.action, table_name=row.table_name,
                            row_id=row.row_id, changes=row.changes, prev_hash=prev)
        conn.execute(table.update().where(table.c.id == row.id).values(prev_hash=prev, hash=digest))
        prev, last_id = digest, row.id
    conn.execute(sa.text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, :i, :h)"), {"i": last_id, "h": prev})

    if conn.dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                       f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END")
    elif conn.dialect.name == "postgresql":
        op.execute("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$")
        op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_hash'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
