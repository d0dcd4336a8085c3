"""The one change-tracking mechanism: rev, timestamps, audit rows, tombstones, ledgers."""
from __future__ import annotations

from typing import ClassVar

import pytest
from sqlmodel import Field, select

from app import people
from db.base import SyncedModel, soft_delete
from db.models.people import Household, Resident
from db.tracking import AuditEntry, TrackingError, current_rev


def audit_rows(database, table, row_id):
    with database.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
                                 .order_by(AuditEntry.id)))


def test_insert_update_delete_are_audited_with_old_and_new_values(village):
    database, admin = village
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin,
                                          form=people.HouseholdForm(head_name="王五", address="一组1号"))
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, household_id=household.id,
                               form=people.HouseholdForm(head_name="王五", address="二组7号"))
    with database.unit(admin) as session:
        people.delete_household(session=session, actor=admin, household_id=household.id)

    rows = audit_rows(database, "household", household.id)
    assert [r.action for r in rows] == ["insert", "update", "delete"]
    assert all(r.actor == "admin" for r in rows)
    assert rows[0].changes["head_name"] == [None, "王五"]
    assert rows[1].changes["address"] == ["一组1号", "二组7号"]
    # unchanged fields and the stamps are not listed (the search key includes the address)
    assert set(rows[1].changes) == {"address", "search_key"}
    assert rows[2].changes["deleted_at"][0] is None and rows[2].changes["deleted_at"][1]


def test_rev_strictly_increases_and_marks_every_change(village):
    database, admin = village
    revs = []
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="甲"))
        revs.append(household.rev)
    for address in ("一组", "二组", "三组"):
        with database.unit(admin) as session:
            h = people.save_household(session=session, actor=admin, household_id=household.id,
                                      form=people.HouseholdForm(head_name="甲", address=address))
            revs.append(h.rev)
    assert revs == sorted(revs) and len(set(revs)) == len(revs)
    with database.session() as session:
        assert current_rev(session) == revs[-1]
        stored = session.get(Household, household.id)
        assert stored.updated_at > stored.created_at


def test_rows_in_one_flush_get_distinct_revs(village):
    database, admin = village
    with database.unit(admin) as session:
        rows = [Household(head_name=f"户{i}") for i in range(5)]
        session.add_all(rows)
        session.flush()
        assert len({r.rev for r in rows}) == 5


def test_village_code_is_stamped(village):
    database, admin = village
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="乙"))
    assert household.village_code == "510112104201"


def test_hard_delete_of_a_synced_row_is_refused_and_nothing_changes(village):
    database, admin = village
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="丙"))
    with pytest.raises(TrackingError):
        with database.unit(admin) as session:
            session.delete(session.get(Household, household.id))
    with database.session() as session:
        assert session.get(Household, household.id).deleted_at is None


def test_tombstones_keep_the_row(village):
    database, admin = village
    with database.unit(admin) as session:
        resident = people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="丁一", gender="M"))
    with database.unit(admin) as session:
        people.delete_resident(session=session, actor=admin, resident_id=resident.id)
    with database.session() as session:
        row = session.get(Resident, resident.id, execution_options={"include_deleted": True})
        assert row is not None and row.deleted_at is not None and row.rev > resident.rev


def test_append_only_rows_cannot_be_edited(tmp_path):
    from sqlmodel import Session, SQLModel

    from db.engine import make_engine
    from db.tracking import AuditHead, RevCounter

    # A throwaway append-only table, defined here so it never joins the schema other tests see.
    class LedgerEntry(SyncedModel, table=True):
        __tablename__ = "test_ledger_entry"
        __append_only__: ClassVar[bool] = True
        points: int = Field(default=0)

    try:
        engine = make_engine(tmp_path / "ledger.sqlite3")
        SQLModel.metadata.create_all(engine, tables=[LedgerEntry.__table__, AuditEntry.__table__, AuditHead.__table__, RevCounter.__table__])
        with Session(engine) as session:
            entry = LedgerEntry(points=5)
            session.add(entry)
            session.commit()
            entry.points = 50
            with pytest.raises(TrackingError):
                session.commit()
            session.rollback()
            assert session.get(LedgerEntry, entry.id).points == 5
    finally:
        SQLModel.metadata.remove(LedgerEntry.__table__)


def test_password_hashes_are_not_written_to_the_audit_log(village):
    database, _admin = village
    with database.session() as session:
        rows = list(session.exec(select(AuditEntry).where(AuditEntry.table_name == "user_account")))
    assert rows and all(r.changes.get("password_hash", [None, "***"])[1] == "***" for r in rows)
    assert "argon2" not in str([r.changes for r in rows])


def test_failed_unit_of_work_leaves_nothing_behind(village):
    database, admin = village
    with pytest.raises(RuntimeError):
        with database.unit(admin) as session:
            people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="戊"))
            raise RuntimeError("power cut")
    with database.session() as session:
        assert session.exec(select(Household)).all() == []
        assert session.exec(select(AuditEntry).where(AuditEntry.table_name == "household")).all() == []
