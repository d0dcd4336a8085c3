"""``villagedesk demo --seed N`` makes the same village every time: the same people, the same
nominees and honours, the same points ledger and shelf stock. Ids are random (uuid4) and
timestamps are the clock's, so those are left out; every other stored value must agree.

A demo step that iterates rows in id order, or sorts by an id, gives other names on each run
(the points ledger and the award nominees once did).
"""
from __future__ import annotations

import sqlite3

import pytest

from app import demo, people
from db.engine import Database

SKIPPED_TABLES = {"audit_log", "audit_head", "alembic_version", "rev_counter", "number_series"}
SKIPPED_COLUMNS = {"id", "rev", "search_key", "password_hash", "last_hash", "hash", "prev_hash", "row_hash",
                   "entry_hash", "signature", "payload", "value"}


def _make(folder) -> Database:
    db = Database(folder / "demo.sqlite3")
    with db.unit() as session:
        admin = people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                                     admin_username="admin", admin_password="secret-pass", admin_display_name="李书记")
    db.refresh_village_code()
    with db.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=11)
    db.dispose()
    return db


def _content(path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if r[0] not in SKIPPED_TABLES and not r[0].startswith("sqlite_")]
        content = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                       if r[1] not in SKIPPED_COLUMNS and not r[1].endswith(("_id", "_at"))]
            if columns:
                select = ", ".join(f'"{c}"' for c in columns)
                content[table] = sorted(repr(row) for row in conn.execute(f'SELECT {select} FROM "{table}"'))
        return content
    finally:
        conn.close()


@pytest.mark.slow
def test_the_same_seed_makes_the_same_village(tmp_path_factory):
    first = _make(tmp_path_factory.mktemp("one"))
    second = _make(tmp_path_factory.mktemp("two"))
    a, b = _content(first.path), _content(second.path)
    assert a.keys() == b.keys()
    for table in ("resident", "points_entry", "points_goods", "award_nomination", "award_honour",
                  "volunteer_assignment", "mediation_case"):
        assert a.get(table), f"the demo made no {table} rows"
    differing = {table: next(row for row in a[table] if row not in set(b[table]))
                 for table in a if a[table] != b[table]}
    assert not differing, differing
