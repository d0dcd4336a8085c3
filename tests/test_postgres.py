"""The same store on PostgreSQL (township / county scale): migrations, tracking, rules, search."""
from __future__ import annotations

import pytest
from sqlmodel import select

from app import people
from app.people import queries as people_queries
from app.errors import ValidationError
from db.engine import Database
from db.migrate import schema_state
from db.tracking import AuditEntry

pytestmark = pytest.mark.postgres


def test_people_register_on_postgresql(pg_village, pg_url):
    database, admin = pg_village
    assert schema_state(database.engine) == "current"
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin,
                                          form=people.HouseholdForm(head_name="单雄信", tags=["dibao"]))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="单雄信", id_number="11010519491231002X", household_id=household.id, relation="head"))
    with pytest.raises(ValidationError):
        with database.unit(admin) as session:
            people.save_resident(session=session, actor=admin,
                                 form=people.ResidentForm(name="重复", id_number="11010519491231002X"))
    with database.session() as session:
        ids = people.resident_ids(session=session, actor=admin, query="sxx")
        assert [r.name for r in people.resident_rows(session=session, actor=admin, ids=ids)] == ["单雄信"]
        assert people.household_ids(session=session, actor=admin, tag="dibao") == [household.id]
        audit = session.exec(select(AuditEntry).where(AuditEntry.table_name == "resident")).all()
        # the 户主 made by the household form, then completed with the ID number (issue 10)
        assert [a.action for a in audit] == ["insert", "update"] and {a.actor for a in audit} == {"admin"}
    database.dispose()
    # Reopening a current PostgreSQL store migrates nothing and keeps the data.
    again = Database(pg_url)
    with again.session() as session:
        assert people_queries.get_profile(session).code == "510112104201"
    again.dispose()


def test_the_workbench_cards_equal_the_statistics_on_postgresql(pg_village):
    """The meetings' average attendance sums a tally kept by a PL/pgSQL trigger (migration 0013)."""
    from test_workbench import cards_equal_statistics

    cards_equal_statistics(*pg_village)


def test_the_mediation_list_on_postgresql(pg_village):
    """The list's statements, built once per shape with their values bound (LIMIT NULL for the
    whole list on PostgreSQL)."""
    from app import people
    from test_mediation import list_shapes_hold

    database, admin = pg_village
    with database.unit(admin) as session:
        h1 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="王大明"))
        h2 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="李小红"))
        r1 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", gender="M", household_id=h1.id, relation="head"))
        r2 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="李小红", gender="F", household_id=h2.id, relation="head"))
    list_shapes_hold(database, admin, r1, r2)


def test_the_monthly_aggregate_is_counted_in_utc_on_postgresql(pg_village):
    """A bundle's per-month counts come from SQL (app.sync.service._aggregate): on PostgreSQL the
    month of the time in UTC, whatever the session's time zone, as on SQLite."""
    import datetime as dt

    from sqlalchemy import text, update

    from app.sync import service
    from db.models.people import VillageGroup

    database, admin = pg_village
    with database.unit(admin) as session:
        late = people.add_group(session=session, actor=admin, name="一组")
        people.add_group(session=session, actor=admin, name="二组")
    with database.session() as session:
        session.execute(update(VillageGroup).where(VillageGroup.id == late.id).values(
            created_at=dt.datetime(2019, 2, 28, 23, 30, tzinfo=dt.timezone.utc)))  # 1 March in Shanghai
        session.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
        months = {row["month"]: row["count"] for row in service._aggregate(session, VillageGroup, database.village_code)}
        session.rollback()
    assert months.get("2019-02") == 1 and "2019-03" not in months and sum(months.values()) == 2
