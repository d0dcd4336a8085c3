"""Register order: ids re-queried in SQL by a whitelisted key, either direction, missing values last."""
from __future__ import annotations

import pytest

from app import people
from app.errors import ValidationError
from app.validation import id_check_digit


def make_id(birth: str, serial: str) -> str:
    first17 = "510112" + birth + serial
    return first17 + id_check_digit(first17)


@pytest.fixture
def register(village):
    """Three groups, grids, households with and without numbers, residents of every kind."""
    database, admin = village
    with database.unit(admin) as session:
        g2 = people.add_group(session=session, actor=admin, name="二组", number=2)
        g10 = people.add_group(session=session, actor=admin, name="十组", number=10)
        g1 = people.add_group(session=session, actor=admin, name="一组", number=1)
        grid_b = people.add_grid(session=session, actor=admin, name="B网格", group_id=g1.id)
        grid_a = people.add_grid(session=session, actor=admin, name="A网格", group_id=g10.id)
        homes = {}
        for number, head, group, grid in [("12", "张三", g10, grid_a), ("3", "安娜", g2, None), ("", "丁一", g1, grid_b),
                                          ("100", "曾小贤", None, None)]:
            homes[head] = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
                head_name=head, number=number, group_id=group.id if group else None,
                grid_id=grid.id if grid else None, phone="13800001111" if head == "丁一" else ""))
        # the register allocates a 户号 to every new household (issue 10); an imported one may have none
        from db.models.people import Household

        unnumbered = session.get(Household, homes["丁一"].id)
        unnumbered.number = ""
        session.add(unnumbered)
        session.flush()
        residents = [  # name, birth (None: no ID number), household, relation, party member, status
            ("张三", "19800101", "张三", "head", True, "resident"),
            ("张小明", "20100505", "张三", "son", False, "resident"),
            ("安娜", "19500303", "安娜", "head", False, "deceased"),
            ("丁一", "19900909", "丁一", "head", True, "resident"),
            ("曾小贤", None, "曾小贤", "head", False, "moved_out"),
            ("欧阳锋", "19700707", None, "", False, "resident"),
        ]
        for index, (name, birth, home, relation, party, status) in enumerate(residents):
            people.save_resident(session=session, actor=admin, form=people.ResidentForm(
                name=name, id_number=make_id(birth, f"00{index}") if birth else "", gender="" if birth else "M",
                household_id=homes[home].id if home else None, relation=relation, party_member=party,
                status=status))
    return database, admin


def names(database, admin, order, **kw):
    with database.session() as session:
        ids = people.resident_ids(session=session, actor=admin, order=order, **kw)
        return [r.name for r in people.resident_rows(session=session, actor=admin, ids=ids)]


def heads(database, admin, order, **kw):
    with database.session() as session:
        ids = people.household_ids(session=session, actor=admin, order=order, **kw)
        return [r.head_name for r in people.household_rows(session=session, actor=admin, ids=ids)]


def test_residents_default_to_pinyin_order_and_reverse(register):
    database, admin = register
    assert names(database, admin, "name") == ["安娜", "丁一", "欧阳锋", "曾小贤", "张三", "张小明"]
    with database.session() as session:
        assert people.resident_ids(session=session, actor=admin) == people.resident_ids(
            session=session, actor=admin, order="name")
    assert names(database, admin, "-name") == ["张小明", "张三", "曾小贤", "欧阳锋", "丁一", "安娜"]


def test_age_puts_the_youngest_first_and_unknown_ages_last_both_ways(register):
    database, admin = register
    assert names(database, admin, "age") == ["张小明", "丁一", "张三", "欧阳锋", "安娜", "曾小贤"]
    assert names(database, admin, "-age") == ["安娜", "欧阳锋", "张三", "丁一", "张小明", "曾小贤"]
    assert names(database, admin, "birth_date") == names(database, admin, "-age")


def test_residents_by_household_group_grid_relation_and_status(register):
    database, admin = register
    # household numbers in number order (3 < 12 < 100), then unnumbered households, then no household
    assert names(database, admin, "household") == ["安娜", "张三", "张小明", "曾小贤", "丁一", "欧阳锋"]
    assert names(database, admin, "-household") == ["曾小贤", "张三", "张小明", "安娜", "丁一", "欧阳锋"]
    assert names(database, admin, "group") == ["丁一", "安娜", "张三", "张小明", "欧阳锋", "曾小贤"]  # no group: pinyin
    assert names(database, admin, "-group")[:3] == ["张三", "张小明", "安娜"]
    # grids follow their group's number (一组's B网格 before 十组's A网格), no grid last
    assert names(database, admin, "grid")[:3] == ["丁一", "张三", "张小明"]
    assert names(database, admin, "relation")[:4] == ["安娜", "丁一", "曾小贤", "张三"]
    assert names(database, admin, "relation")[-1] == "欧阳锋"  # no relation recorded
    assert names(database, admin, "status")[-2:] == ["曾小贤", "安娜"]  # moved out, then deceased
    assert names(database, admin, "party_member")[:2] == ["丁一", "张三"]


def test_order_combines_with_search_and_filters(register):
    database, admin = register
    assert names(database, admin, "age", query="zh") == ["张小明", "张三"]
    assert names(database, admin, "-name", include_inactive=False) == ["张小明", "张三", "欧阳锋", "丁一"]


def test_households_by_number_members_group_grid_and_head(register):
    database, admin = register
    assert heads(database, admin, "number") == ["安娜", "张三", "曾小贤", "丁一"]  # 3, 12, 100, unnumbered
    assert heads(database, admin, "-number") == ["曾小贤", "张三", "安娜", "丁一"]
    with database.session() as session:
        assert people.household_ids(session=session, actor=admin) == people.household_ids(
            session=session, actor=admin, order="number")
    assert heads(database, admin, "head") == ["安娜", "丁一", "曾小贤", "张三"]
    assert heads(database, admin, "-members")[0] == "张三"
    assert heads(database, admin, "group") == ["丁一", "安娜", "张三", "曾小贤"]
    assert heads(database, admin, "grid") == ["丁一", "张三", "安娜", "曾小贤"]
    assert heads(database, admin, "phone")[0] == "丁一" and heads(database, admin, "-phone")[0] == "丁一"
    assert heads(database, admin, "-number", tag=None, query="z") == ["曾小贤", "张三"]


@pytest.mark.parametrize("order", ["height", "-", "--name", "name; drop table resident", "Name"])
def test_unknown_orders_are_refused(register, order):
    database, admin = register
    with database.session() as session:
        with pytest.raises(ValidationError) as info:
            people.resident_ids(session=session, actor=admin, order=order)
        assert set(info.value.errors) == {"order"}
        with pytest.raises(ValidationError):
            people.household_ids(session=session, actor=admin, order=order)


def test_every_whitelisted_key_runs_both_ways(register):
    database, admin = register
    with database.session() as session:
        everyone = set(people.resident_ids(session=session, actor=admin))
        for key in people.RESIDENT_ORDERS:
            for order in (key, f"-{key}"):
                assert set(people.resident_ids(session=session, actor=admin, order=order)) == everyone, order
        households = set(people.household_ids(session=session, actor=admin))
        for key in people.HOUSEHOLD_ORDERS:
            for order in (key, f"-{key}"):
                assert set(people.household_ids(session=session, actor=admin, order=order)) == households, order


def test_a_residents_search_reads_only_the_search_index_in_name_order(village):
    """The keystroke search (issue 16): SQLite answers it from ix_resident_search, already in pinyin
    order: no table rows read, no sort (migration 0011)."""
    from sqlalchemy import event

    database, admin = village
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT RESIDENT.ID \n") or statement.startswith("SELECT resident.id \n"):
            seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        with database.session() as session:
            people.resident_ids(session=session, actor=admin, query="zs")
            people.resident_ids(session=session, actor=admin, query="138")  # ID and phone digits too
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    assert len(seen) == 2
    with database.engine.connect() as conn:
        for statement, parameters in seen:
            plan = " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "COVERING INDEX ix_resident_search" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
