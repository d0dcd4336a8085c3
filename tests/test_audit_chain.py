"""The audit trail is complete, append-only and hash-chained (issue 8, item 7)."""
from __future__ import annotations

import itertools
import sqlite3

import pytest
from sqlalchemy import text
from sqlmodel import select

from app import auth, people
from app.errors import AuthenticationFailed, PermissionDenied
from app.health import check_audit_chain, check_database
from app.printing import record_preview
from db.models.people import Resident
from db.tracking import AuditEntry, BulkWriter, TrackingError, chain_breaks


def add(database, admin, name):
    with database.unit(admin) as session:
        return people.save_resident(session=session, actor=admin, form=people.ResidentForm(name=name, gender="F"))


def entries(database, **where):
    with database.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEntry, key) == value)
        return list(session.exec(query))


def chain_problems(database):
    with database.engine.connect() as conn:
        return check_audit_chain(conn)


def raw(database):
    """What an attacker with the sqlite3 shell does: drop the guards, then edit."""
    database.dispose()
    conn = sqlite3.connect(database.path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    return conn


@pytest.fixture
def busy(village):
    database, admin = village
    for name in ("王一", "王二", "王三", "王四"):
        add(database, admin, name)
    return database, admin


def test_every_row_is_chained_to_the_one_before(busy):
    database, _admin = busy
    rows = entries(database)
    assert len(rows) >= 6
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == ""
    assert all(b.prev_hash == a.hash and len(b.hash) == 64 for a, b in itertools.pairwise(rows))
    assert chain_problems(database) == [] and check_database(database.path) == []


def test_the_orm_refuses_to_change_or_delete_audit_rows(busy):
    database, admin = busy
    with pytest.raises(TrackingError), database.unit(admin) as session:
        entry = session.get(AuditEntry, 3)
        entry.actor = "someone-else"
    with pytest.raises(TrackingError), database.unit(admin) as session:
        session.delete(session.get(AuditEntry, 3))
    assert chain_problems(database) == []


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x' WHERE id = 2", "DELETE FROM audit_log WHERE id = 2",
                                       "DELETE FROM audit_log"])
def test_raw_sql_cannot_change_or_delete_audit_rows(busy, statement):
    database, _admin = busy
    database.dispose()
    with sqlite3.connect(database.path) as conn, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(statement)
    with database.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text(statement))
    assert chain_problems(database) == []


def test_an_edited_row_is_reported(busy):
    database, _admin = busy
    conn = raw(database)
    with conn:
        conn.execute("UPDATE audit_log SET actor = 'nobody' WHERE id = 5")
    conn.close()
    problems = check_database(database.path)
    assert any("5" in p and "修改" in p for p in problems), problems


def test_a_deleted_row_in_the_middle_is_reported(busy):
    database, _admin = busy
    conn = raw(database)
    with conn:
        conn.execute("DELETE FROM audit_log WHERE id IN (4, 5)")
    conn.close()
    problems = chain_problems(database)
    assert any("4" in p and "5" in p and "删除" in p for p in problems), problems


def test_deleting_the_newest_rows_is_reported_against_the_remembered_head(busy):
    database, _admin = busy
    top = entries(database)[-1].id
    conn = raw(database)
    with conn:
        conn.execute("DELETE FROM audit_log WHERE id > ?", (top - 2,))
    conn.close()
    problems = chain_problems(database)
    assert any(str(top) in p and "删除" in p for p in problems), problems


def test_a_rewritten_row_with_a_fresh_hash_still_breaks_the_next_link(busy):
    database, _admin = busy
    from db.tracking import audit_hash

    conn = raw(database)
    row = conn.execute("SELECT id, at, actor, action, table_name, row_id, changes, prev_hash FROM audit_log WHERE id = 3").fetchone()
    forged = audit_hash(id=row[0], at=row[1], actor="nobody", action=row[3], table_name=row[4], row_id=row[5],
                        changes=row[6], prev_hash=row[7])
    with conn:
        conn.execute("UPDATE audit_log SET actor = 'nobody', hash = ? WHERE id = 3", (forged,))
    conn.close()
    with database.engine.connect() as c:
        assert [kind for kind, _ in chain_breaks(c)] == ["unlinked"]


def test_sign_ins_are_recorded_and_failures_with_the_name_but_never_the_password(village):
    database, _admin = village
    with database.unit() as session:
        auth.authenticate(session=session, username="admin", password="secret-pass")
    with pytest.raises(AuthenticationFailed), database.unit() as session:
        auth.authenticate(session=session, username="admin", password="wrong-guess-123")
    with pytest.raises(AuthenticationFailed), database.unit() as session:
        auth.authenticate(session=session, username="mallory", password="wrong-guess-456")
    assert [(e.action, e.actor) for e in entries(database, table_name="user") if e.action.startswith("sign_in")] == [
        ("sign_in", "admin"), ("sign_in_failed", "admin"), ("sign_in_failed", "mallory")]
    with database.session() as session:
        dump = str(session.connection().execute(text("SELECT * FROM audit_log")).all())
    assert "wrong-guess" not in dump and "secret-pass" not in dump
    assert chain_problems(database) == []


def test_a_refused_action_is_recorded_although_the_unit_rolls_back(village):
    database, admin = village
    with database.unit(admin) as session:
        grid = auth.create_user(session=session, actor=admin, username="grid", password="long-enough", role=auth.GRID_WORKER)
    before = len(entries(database))
    with pytest.raises(PermissionDenied), database.unit(grid) as session:
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="先写", gender="F"))
        auth.require(grid, "users.manage")
    refused = entries(database, action="refused")
    assert [(e.actor, e.row_id) for e in refused] == [("grid", "users.manage")]
    assert len(entries(database)) == before + 1  # the caller's resident was rolled back, the refusal kept
    with database.session() as session:
        assert session.exec(select(Resident).where(Resident.name == "先写")).first() is None
    assert chain_problems(database) == []


def test_a_refusal_in_a_read_session_is_recorded_too(village):
    database, admin = village
    with database.unit(admin) as session:
        grid = auth.create_user(session=session, actor=admin, username="grid", password="long-enough", role=auth.GRID_WORKER)
    with pytest.raises(PermissionDenied), database.session() as session:
        auth.list_users(session=session, actor=grid)
    assert [e.actor for e in entries(database, action="refused")] == ["grid"]


def test_bulk_rows_and_previews_are_chained_like_the_rest(village):
    database, admin = village
    from db.models.people import Household

    with database.unit(admin) as session:
        writer = BulkWriter(session, note="demo")
        for n in range(3):
            writer.add(Household, head_name=f"户主{n}", number=f"{n + 1:03d}")
        writer.write()
    with database.unit(admin) as session:
        record_preview(session, "people.roster", "latest", title="花名册")
    assert [e.action for e in entries(database, action="bulk")] == ["bulk"]
    assert [e.changes["note"] for e in entries(database, table_name="print")] == ["previewed"]
    assert chain_problems(database) == []


@pytest.mark.postgres
def test_on_postgresql_the_trigger_refuses_edits_and_the_chain_holds(pg_village):
    database, admin = pg_village
    add(database, admin, "王一")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(Exception, match="append-only"), database.engine.begin() as conn:
            conn.execute(text(statement))
    assert chain_problems(database) == []
    with database.engine.begin() as conn:  # the attacker with superuser rights
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        conn.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE id = 2"))
    assert any("2" in p for p in chain_problems(database))


def test_check_names_a_single_deleted_row_from_the_command_line(busy, capsys):
    database, _admin = busy
    conn = raw(database)
    with conn:
        conn.execute("DELETE FROM audit_log WHERE id = 3")
    conn.close()
    from app import cli

    assert cli.main(["check", "--db", str(database.path)]) == 1
    assert "审计日志第 3 条已被删除" in capsys.readouterr().err
