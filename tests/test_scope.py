"""The store scopes itself (db/scope.py): tombstones hidden, one village per session, references to
deleted rows refused, numbers per village that two writers can never share, one bulk write path."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import func, select

from db.models.people import Grid, Household, Resident, VillageGroup
from db.scope import NumberSequence, ReferenceRefused, including_deleted, next_number
from db.tracking import AuditEntry, BulkWriter

ROOT = Path(__file__).resolve().parent.parent


def _count(session, model, **options):
    return session.exec(select(func.count()).select_from(model).execution_options(**options)).one()


def test_tombstones_are_hidden_from_every_kind_of_query(village):
    database, admin = village
    with database.unit(admin) as session:
        group = VillageGroup(name="一组", number=1)
        session.add(group)
        session.flush()
        alive = Household(number="0101", head_name="张三", group_id=group.id)
        gone = Household(number="0102", head_name="李四", group_id=group.id)
        session.add_all([alive, gone])
        session.flush()
        gone.deleted_at = alive.created_at
    with database.session() as session:
        assert _count(session, Household) == 1
        assert [h.head_name for h in session.exec(select(Household))] == ["张三"]
        assert session.get(Household, gone.id) is None
        joined = session.exec(select(Household.head_name, VillageGroup.name)
                              .join(VillageGroup, Household.group_id == VillageGroup.id)).all()
        assert joined == [("张三", "一组")]
        # opting in, per statement or per session
        assert _count(session, Household, include_deleted=True) == 2
        assert session.get(Household, gone.id, execution_options={"include_deleted": True}).deleted_at is not None
    with database.session() as session, including_deleted(session):
        assert _count(session, Household) == 2


def test_a_session_sees_only_its_village(village):
    database, admin = village
    own = database.village_code
    with database.unit(admin) as session:
        session.add(Household(number="0001", head_name="本村户"))
        other = Household(number="0001", head_name="邻村户", village_code="510112104202")
        session.add(other)
    with database.session() as session:
        assert [h.head_name for h in session.exec(select(Household))] == ["本村户"]
        assert session.get(Household, other.id) is None
        assert _count(session, Household, all_villages=True) == 2
        session.info["village_code"] = "510112104202"
        assert [h.head_name for h in session.exec(select(Household))] == ["邻村户"]
    assert own and own != "510112104202"


def test_a_reference_to_a_deleted_or_foreign_row_is_refused(village):
    database, admin = village
    with database.unit(admin) as session:
        home = Household(number="0001", head_name="张三")
        foreign = Household(number="0002", head_name="外村", village_code="510112104202")
        session.add_all([home, foreign])
    with database.unit(admin) as session:
        session.get(Household, home.id).deleted_at = home.created_at
    with pytest.raises(ReferenceRefused):
        with database.unit(admin) as session:
            session.add(Resident(name="王五", household_id=home.id))
    with pytest.raises(ReferenceRefused):
        with database.unit(admin) as session:
            session.add(Resident(name="赵六", household_id=foreign.id))
    with database.session() as session:
        assert _count(session, Resident, include_deleted=True) == 0


def test_a_reference_to_a_row_made_earlier_in_the_same_unit_is_accepted(village):
    database, admin = village
    with database.unit(admin) as session:
        grid_group = VillageGroup(name="二组", number=2)
        session.add(grid_group)
        session.flush()
        session.add(Grid(name="二组第1网格", group_id=grid_group.id))
    with database.session() as session:
        assert _count(session, Grid) == 1


def test_number_series_are_per_village_and_gap_free(village):
    database, admin = village
    with database.unit(admin) as session:
        assert [next_number(session, "concern-2026") for _ in range(3)] == [1, 2, 3]
        session.info["village_code"] = "510112104202"
        assert next_number(session, "concern-2026") == 1
    with pytest.raises(RuntimeError):
        with database.unit(admin) as session:
            assert next_number(session, "concern-2026") == 4
            raise RuntimeError("the unit fails: the number goes back")
    with database.unit(admin) as session:
        assert next_number(session, "concern-2026") == 4
    with database.session() as session:
        values = {(r.village_code, r.value) for r in session.exec(select(NumberSequence))}
    assert values == {(database.village_code, 4), ("510112104202", 1)}


WRITER = textwrap.dedent("""
    import sys
    from app import concerns
    from app.auth import authenticate
    from db.engine import Database
    database = Database(sys.argv[1])
    with database.unit() as session:
        actor = authenticate(session=session, username="admin", password="correct-horse-1")
    numbers = []
    for i in range(int(sys.argv[2])):
        with database.unit(actor) as session:
            numbers.append(concerns.raise_concern(session=session, actor=actor, title=f"路灯不亮{i}",
                                                  source="office", raised_by="张三").number)
    print(" ".join(numbers))
""")


@pytest.mark.slow
def test_two_processes_never_share_a_concern_number(village, tmp_path):
    database, _admin = village
    with database.unit() as session:
        from app.auth import hash_password
        from db.models.accounts import User

        session.exec(select(User).where(User.username == "admin")).one().password_hash = hash_password("correct-horse-1")
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {"VILLAGEDESK_HOME": str(tmp_path), "PATH": "", "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), str(database.path), "40"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=240) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _out, err in outputs]
    numbers = [n for out, _err in outputs for n in out.split()]
    assert len(numbers) == 80 and len(set(numbers)) == 80
    year = numbers[0].split("-")[0]
    assert sorted(numbers) == [f"{year}-{i:04d}" for i in range(1, 81)]


def test_the_bulk_path_stamps_like_the_flush_and_audits_the_batch(village):
    database, admin = village
    with database.unit(admin) as session:
        bulk = BulkWriter(session, note="test import")
        ids = [bulk.add(Household, number=f"9{i:03d}", head_name=f"户{i}") for i in range(5)]
        assert bulk.write() == {"household": 5}
    with database.session() as session:
        rows = session.exec(select(Household).order_by(Household.rev)).all()
        assert [r.id for r in rows] == ids
        assert all(r.village_code == database.village_code and r.created_at and r.deleted_at is None for r in rows)
        revs = [r.rev for r in rows]
        assert revs == list(range(revs[0], revs[0] + 5)) and revs[0] > 0
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "bulk")).one()
        assert audit.actor == "admin" and audit.table_name == "household"
        assert audit.changes["ids"] == ids and audit.changes["count"] == 5


def test_plain_rows_are_scoped_exactly_as_the_orm_queries(village):
    """db.scope.plain_rows (a search's ids without an ORM row each) hides tombstones and other
    villages in the statement's own table, its joins and its subqueries, as the hook does."""
    from db.scope import plain_rows

    database, admin = village
    with database.unit(admin) as session:
        group = VillageGroup(name="一组", number=1)
        gone_group = VillageGroup(name="二组", number=2)
        session.add_all([group, gone_group])
        session.flush()
        home = Household(number="0101", head_name="张三", group_id=group.id)
        gone_home = Household(number="0102", head_name="李四", group_id=gone_group.id)
        foreign = Household(number="0103", head_name="王五", village_code="510112104202")
        session.add_all([home, gone_home, foreign])
        session.flush()
        alive = Resident(name="张三", household_id=home.id)
        in_gone_home = Resident(name="李四", household_id=gone_home.id)
        dead = Resident(name="赵六", household_id=home.id)
        session.add_all([alive, in_gone_home, dead])
        session.flush()
        dead.deleted_at = gone_home.deleted_at = gone_group.deleted_at = alive.created_at
    statements = [
        select(Resident.id, Household.head_name, VillageGroup.name)
        .join(Household, Resident.household_id == Household.id, isouter=True)
        .join(VillageGroup, Household.group_id == VillageGroup.id, isouter=True).order_by(Resident.name),
        select(Resident.id).where(Resident.household_id.in_(select(Household.id))).order_by(Resident.name),
        select(Household.head_name).order_by(Household.number),
    ]
    with database.session() as session:
        for statement in statements:
            assert [tuple(row) for row in plain_rows(session, statement)] == \
                [tuple(row) for row in session.execute(statement)]
        assert [tuple(row) for row in plain_rows(session, statements[0])] == \
            [(alive.id, "张三", "一组"), (in_gone_home.id, None, None)]
        assert plain_rows(session, statements[1]).scalars().all() == [alive.id]
        assert plain_rows(session, statements[2]).scalars().all() == ["张三"]
        assert len(plain_rows(session, statements[2].execution_options(include_deleted=True, all_villages=True))
                   .all()) == 3
    with database.unit(admin) as session:  # unsaved changes are seen, as by the ORM (autoflush)
        session.add(Household(number="0104", head_name="孙七"))
        assert plain_rows(session, statements[2]).scalars().all() == ["张三", "孙七"]
