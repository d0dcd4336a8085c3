"""The residents search held in memory (issue 16) answers exactly as the SQL search does.

``people.resident_search_index(...).match(query, …)`` must give ``resident_ids(order="name")`` (and
its first ``limit``) and ``resident_count`` for every search and filter, every scope, on SQLite and
on PostgreSQL. A search's ``%`` and ``_`` are the characters themselves, in SQL too.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from app import people
from app.auth import GRID_WORKER, MEDIATOR, Actor
from app.pinyin import name_search_key
from db.models.people import Household, Resident
from test_search_two_trips import prepare

QUERIES = ["", "z", "Z", "zh", "ZHANG", "zhao", "zs", "li", "L", "w", "单", "赵", "李伟", "欧阳", "oy", "1", "138",
           "13812345678", "5101", "x", "2x", "002X", "%", "_", "50%", "a_b", "a%b", "!", "!!", "\\", "ab c",
           "nothing-like-it", "户"]


def add_odd_ones(database, admin) -> None:
    """Residents whose keys hold LIKE's wildcards and escape, an upper-case key (written by hand:
    name_search_key writes lower case), an ID ending in X and a landline."""
    with database.unit(admin) as session:
        home = session.exec(select(Household).order_by(Household.number)).first()
        for name, key, id_number, phone in [
            ("百分", "baifen 50%off", "", ""),
            ("下划", "xiahua a_b", "", ""),
            ("像划", "xianghua axb", "", ""),  # a_b as LIKE's pattern would find it too
            ("叹号", "tanhao a!b !", "", ""),
            ("大写", "DAXIE Abc 大写", "", ""),
            ("欧阳娜娜", name_search_key("欧阳娜娜"), "11010519491231002X", "028-84851234"),
        ]:
            session.add(Resident(name=name, gender="F", birth_date=dt.date(1949, 12, 31), household_id=home.id,
                                 search_key=key, id_number=id_number, phone=phone))


def actors(admin, grid_id: str) -> list[Actor]:
    grid_worker = Actor(user_id="", username="g", display_name="g", role=GRID_WORKER, grid_id=grid_id)
    mediator = Actor(user_id="", username="m", display_name="m", role=MEDIATOR)  # numbers masked
    assert mediator.can("people.view") and not mediator.can("people.numbers")
    return [admin, grid_worker, mediator]


def check_every_search(session, actor, homes: list[str]) -> int:
    """Compare the index's answers with SQL's; returns how many searches found someone."""
    index = people.resident_search_index(session=session, actor=actor)
    assert list(index.ids) == people.resident_ids(session=session, actor=actor)  # name order, scoped
    found = 0
    for query in QUERIES:
        for filters in ({}, {"include_inactive": False}, {"household_id": homes[0]},
                        {"household_id": homes[1], "include_inactive": False}):
            whole = people.resident_ids(session=session, actor=actor, query=query, **filters)
            count = people.resident_count(session=session, actor=actor, query=query, **filters)
            assert count == len(whole)
            assert index.match(query, **filters) == (whole, count), (actor.role, query, filters)
            for limit in (0, 1, 19, 200):
                assert index.match(query, limit=limit, **filters) == (whole[:limit], count), (query, limit)
            found += bool(whole)
    return found


def every_search_checked(database, admin) -> int:
    """The village prepared with its odd names and numbers, then :func:`check_every_search` for
    every actor of :func:`actors`: how many of their searches found someone."""
    grid_id = prepare(database, admin)
    add_odd_ones(database, admin)
    homes = in_grid(database, admin, grid_id)
    with database.session() as session:
        return sum(check_every_search(session, actor, homes) for actor in actors(admin, grid_id))


def test_the_index_answers_as_sql_for_every_search_scope_and_filter(village):
    database, admin = village
    assert every_search_checked(database, admin) > 150


TYPED = ["zhang", "ZHao", "li wei", "oyn", "13812345678", "0028", "002x", "2x3", "x1", "5%", "a_b", "单", "李伟x",
         "zh", "z", ""]  # typed a letter at a time, then searches that are not an extension of the last


def test_a_search_typed_a_letter_at_a_time_answers_as_sql_at_every_letter(village):
    """Each letter narrows the last search's results (the index keeps them): the same answers as SQL
    for every prefix, every filter and every scope, numbers searched or not."""
    database, admin = village
    grid_id = prepare(database, admin)
    add_odd_ones(database, admin)
    homes = in_grid(database, admin, grid_id)
    with database.session() as session:
        for actor in actors(admin, grid_id):
            index = people.resident_search_index(session=session, actor=actor)
            for filters in ({}, {"include_inactive": False}, {"household_id": homes[0]}):
                narrowed = 0
                for word in TYPED:
                    for typed in [word[:end] for end in range(1, len(word) + 1)] or [""]:
                        before = list(index._last)
                        whole = people.resident_ids(session=session, actor=actor, query=typed, **filters)
                        assert index.match(typed, **filters) == (whole, len(whole)), (actor.role, typed, filters)
                        narrowed += bool(before) and before[3] is not None and before[1] in typed.lower()
                assert narrowed > 30  # most letters were searched among the last results only


def in_grid(database, admin, grid_id: str) -> list[str]:
    """The households, the first one put in the grid (where the odd ones live): the grid worker sees them."""
    with database.session() as session:
        homes = people.household_ids(session=session, actor=admin)
    with database.unit(admin) as session:
        home = session.get(Household, homes[0])
        home.grid_id = grid_id
        session.add(home)
    return homes


def test_wildcards_and_case_in_a_search_mean_themselves(village):
    database, admin = village
    prepare(database, admin)
    add_odd_ones(database, admin)
    mediator = actors(admin, "")[2]
    with database.session() as session:
        index = people.resident_search_index(session=session, actor=admin)

        def names(query: str, actor=admin) -> set[str]:
            ids = people.resident_ids(session=session, actor=actor, query=query)
            return {row.name for row in people.resident_rows(session=session, actor=admin, ids=ids)}

        assert names("a_b") == {"下划"}  # not 像划 (axb): "_" is not "any character"
        assert names("%") == {"百分"} and names("50%") == {"百分"}
        assert names("a%b") == set() and names("_") == {"下划"}
        assert names("!") == {"叹号"} and names("a!b") == {"叹号"}
        assert names("abc") == {"大写"}  # SQLite's LIKE folds A-Z: an upper-case key is found
        assert names("002x") == {"欧阳娜娜"} and names("84851234") == {"欧阳娜娜"}  # an ID's X found by x
        assert names("002x", mediator) == set()  # not by a role that sees numbers masked
        assert index.match("a_b") == (people.resident_ids(session=session, actor=admin, query="a_b"), 1)
        assert index.match("ABC")[1] == 1 and index.match("002X")[1] == 1


def test_households_search_takes_wildcards_literally(village):
    database, admin = village
    with database.unit(admin) as session:
        for number, head in [("0001", "张三"), ("0002", "李四")]:
            people.save_household(session=session, actor=admin, form=people.HouseholdForm(
                number=number, head_name=head, address="50%村" if number == "0001" else "五十村"))
    with database.session() as session:
        assert len(people.household_ids(session=session, actor=admin, query="%")) == 1
        assert len(people.household_ids(session=session, actor=admin, query="_")) == 0
        assert len(people.household_ids(session=session, actor=admin, query="")) == 2


def test_the_index_is_plain_data_in_name_order(village):
    database, admin = village
    prepare(database, admin)
    with database.session() as session:
        index = people.resident_search_index(session=session, actor=admin)
    assert isinstance(index, people.ResidentSearchIndex) and len(index) == 121
    assert all(type(part) is tuple for part in (index.ids, index.keys, index.households, index.active))
    with pytest.raises(dataclasses_frozen()):
        index.ids = ()  # type: ignore[misc]


def dataclasses_frozen():
    import dataclasses

    return dataclasses.FrozenInstanceError


@pytest.mark.postgres
def test_the_index_answers_as_sql_on_postgresql(pg_village):
    database, admin = pg_village
    found = every_search_checked(database, admin)
    with database.session() as session:
        # an ID's X is found by x on PostgreSQL too (its LIKE tells cases apart: numbers are lower()ed)
        assert people.resident_count(session=session, actor=admin, query="002x") == 1
        assert people.resident_count(session=session, actor=admin, query="a_b") == 1
    assert found > 150
