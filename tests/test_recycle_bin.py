"""Issue 10, admin screens: the recycle bin (deleted records of the last 90 days, restore) and
removing the demo data."""
from __future__ import annotations

import datetime as dt

import pytest

from app import concerns, demo, people, recycle
from app.auth import Actor
from app.errors import PermissionDenied, StateError
from db.models.people import Household, Resident
from sqlmodel import select

from test_meetings_support import populate

CLERK = Actor(user_id="", username="wenshu", display_name="王文书", role="clerk")
GRID_WORKER = Actor(user_id="", username="wangge", display_name="网格员", role="grid_worker")


def test_deleted_records_are_listed_with_who_deleted_them_and_can_be_restored(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(2,))
        household = pop.households[0]
        members = [r for r in pop.residents if r.household_id == household.id]
        household_id, member_ids, title = household.id, [m.id for m in members], household.head_name
    with database.unit(CLERK) as session:
        for rid in member_ids:
            people.delete_resident(session=session, actor=CLERK, resident_id=rid)
        people.delete_household(session=session, actor=CLERK, household_id=household_id)
    with database.session() as session:
        bin_ = recycle.deleted_records(session=session, actor=admin)
        with pytest.raises(PermissionDenied):
            recycle.deleted_records(session=session, actor=GRID_WORKER)
    assert {(r.table, r.record_id) for r in bin_} == {("household", household_id)} | {
        ("resident", rid) for rid in member_ids}
    line = next(r for r in bin_ if r.table == "household")
    assert line.title == title and line.deleted_by == "wenshu" and line.kind == "户"
    assert all(r.deleted_at > dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5) for r in bin_)

    with database.unit(CLERK) as session:
        with pytest.raises(StateError):  # its household is still deleted
            recycle.restore_record(session=session, actor=CLERK, table="resident", record_id=member_ids[0])
    with database.unit(CLERK) as session:
        recycle.restore_record(session=session, actor=CLERK, table="household", record_id=household_id)
        recycle.restore_record(session=session, actor=CLERK, table="resident", record_id=member_ids[0])
        with pytest.raises(StateError):
            recycle.restore_record(session=session, actor=CLERK, table="household", record_id=household_id)
    with database.session() as session:
        assert session.get(Household, household_id) is not None
        assert session.get(Resident, member_ids[0]) is not None
        left = recycle.deleted_records(session=session, actor=admin)
        assert {(r.table, r.record_id) for r in left} == {("resident", rid) for rid in member_ids[1:]}
        from db.tracking import AuditEntry
        notes = session.exec(select(AuditEntry).where(AuditEntry.row_id == household_id,
                                                      AuditEntry.action == "note")).all()
        assert notes and notes[-1].actor == "wenshu"


def test_only_the_last_days_are_listed(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(1,), minors_per_household=0)
        old, recent = [r for r in pop.residents]
        for row, days in ((old, 120), (recent, 3)):
            row.deleted_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
            session.add(row)
        session.flush()
        ids = {r.record_id for r in recycle.deleted_records(session=session, actor=admin)}
        assert ids == {recent.id}
        assert {r.record_id for r in recycle.deleted_records(session=session, actor=admin, days=365)} == {old.id,
                                                                                                        recent.id}


def test_remove_demo_data_removes_only_demo_rows_and_refuses_when_real_data_refers_to_them(village):
    database, admin = village
    with database.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=3)
        real = people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="陈磊", gender="M"))
        demo_resident = session.exec(select(Resident).where(Resident.id != real.id)).first()
        worry = concerns.raise_concern(session=session, actor=admin, title="路灯不亮", source="visit",
                                       resident_id=demo_resident.id, raised_on=concerns.today())
    with database.unit(admin) as session:
        with pytest.raises(PermissionDenied):
            recycle.remove_demo_data(session=session, actor=CLERK)
        with pytest.raises(StateError) as err:  # a real concern refers to a demo villager
            recycle.remove_demo_data(session=session, actor=admin)
        assert "1" in str(err.value)
    with database.unit(admin) as session:
        # the clerk changes the concern to a free name: it no longer refers to demo rows
        from db.models.concerns import Concern
        row = session.get(Concern, worry.id)
        row.resident_id = row.household_id = row.grid_id = None
        session.add(row)
        session.flush()
        removed = recycle.remove_demo_data(session=session, actor=admin)
        assert removed.counts["resident"] > 10 and removed.counts["household"] > 5
    with database.session() as session:
        assert [r.id for r in session.exec(select(Resident)).all()] == [real.id]
        assert session.exec(select(Household)).all() == []
        assert session.get(Concern, worry.id) is not None
        assert len(concerns.concern_ids(session=session, actor=admin)) == 1
    with database.unit(admin) as session:
        with pytest.raises(StateError):
            recycle.remove_demo_data(session=session, actor=admin)
