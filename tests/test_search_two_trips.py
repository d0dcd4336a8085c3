"""A residents search in two trips (issue 16): the first screenful's ids and the count, then every id.

``people.resident_ids(limit=…)`` is the beginning of the whole list in every order and filter, and
``people.resident_count`` its length; the lazy model appends the rest below what it shows.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from app import people
from app.auth import GRID_WORKER, Actor
from app.pinyin import name_search_key
from db.models.people import Grid, Household, Resident
from test_ui_village import add_many_residents
from ui.table_model import Column, LazyTableModel


def prepare(database, admin) -> str:
    """120 residents; every third moved out or deceased, one with ID and phone numbers; half the
    households in a grid (returned)."""
    add_many_residents(database, admin, 120)
    with database.unit(admin) as session:
        grid = Grid(name="一网格")
        session.add(grid)
        session.flush()
        for number, home in enumerate(session.exec(select(Household).order_by(Household.number))):
            if number % 2:
                home.grid_id = grid.id
                session.add(home)
        for number, resident in enumerate(session.exec(select(Resident).order_by(Resident.name, Resident.id))):
            if number % 3 == 1:
                resident.status = "moved_out" if number % 2 else "deceased"
            if number == 7:
                resident.id_number, resident.phone = "510112199001011234", "13812345678"
            session.add(resident)
        session.add(Resident(name="单一", gender="M", birth_date=dt.date(1990, 1, 1),
                             search_key=name_search_key("单一")))  # no household
        return grid.id


SEARCHES = ["", "z", "zh", "w", "1", "138", "13812345678", "li", "单", "nothing-like-it"]


def test_the_first_ids_begin_the_whole_list_in_every_order_and_filter(village):
    database, admin = village
    grid_id = prepare(database, admin)
    grid_worker = Actor(user_id="", username="g", display_name="g", role=GRID_WORKER, grid_id=grid_id)
    with database.session() as session:
        homes = people.household_ids(session=session, actor=admin)
        checked = 0
        for actor in (admin, grid_worker):
            for query in SEARCHES:
                for order in ("name", "-name", "age", "household", "-group", "status"):
                    for filters in ({}, {"include_inactive": False}, {"household_id": homes[3]}):
                        whole = people.resident_ids(session=session, actor=actor, query=query, order=order, **filters)
                        for limit in (0, 1, 5, 19, 200):
                            assert people.resident_ids(session=session, actor=actor, query=query, order=order,
                                                       limit=limit, **filters) == whole[:limit]
                        assert people.resident_count(session=session, actor=actor, query=query,
                                                     **filters) == len(whole)
                        checked += bool(whole)
        everyone = people.resident_ids(session=session, actor=admin)
        theirs = people.resident_ids(session=session, actor=grid_worker)
        assert len(everyone) == 121 and 0 < len(theirs) < 121  # the grid worker's scope holds
        assert people.resident_count(session=session, actor=grid_worker) == len(theirs)
        # ID digits find the numbers for the office, never for a grid worker (masked for them)
        assert people.resident_count(session=session, actor=admin, query="13812345678") == 1
        assert people.resident_count(session=session, actor=grid_worker, query="13812345678") == 0
        assert people.resident_count(session=session, actor=admin, include_inactive=False) == 121 - 40
    assert checked > 100


@pytest.mark.postgres
def test_the_first_ids_begin_the_whole_list_on_postgresql(pg_village):
    database, admin = pg_village
    prepare(database, admin)
    with database.session() as session:
        for query in SEARCHES:
            for order in ("name", "-age", "household"):
                for filters in ({}, {"include_inactive": False}):
                    whole = people.resident_ids(session=session, actor=admin, query=query, order=order, **filters)
                    assert people.resident_ids(session=session, actor=admin, query=query, order=order, limit=19,
                                               **filters) == whole[:19]
                    assert people.resident_count(session=session, actor=admin, query=query, **filters) == len(whole)
        assert people.resident_count(session=session, actor=admin) == 121


class _Row:
    def __init__(self, row_id: str):
        self.id, self.name = row_id, f"name {row_id}"


def test_the_model_appends_the_rest_below_what_it_shows(qtmodeltester):
    ids = [f"id{n:04d}" for n in range(450)]
    asked: list[list[str]] = []

    def fetch(chunk):
        asked.append(list(chunk))
        return [_Row(i) for i in chunk]

    model = LazyTableModel([Column("Name", lambda row: row.name)], fetch, page_size=200)
    model.set_ids(ids[:3])  # the first screenful, its rows not given: its page is read when shown
    assert model.row_object(1).name == "name id0001"
    assert asked == [ids[:3]]
    inserted = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    resets = []
    model.modelReset.connect(lambda: resets.append(1))

    assert not model.extend_ids(["other"] + ids[1:])  # not the list shown: nothing changes
    assert model.ids() == ids[:3] and not inserted
    assert model.extend_ids(ids)
    assert inserted == [(3, 449)] and not resets and model.rowCount() == 450
    # the rows of the first page that were not there when it was read are read when shown
    assert model.row_object(150).name == "name id0150"
    assert asked[-1] == ids[3:200]
    assert model.row_object(449).name == "name id0449"
    assert model.extend_ids(ids) and inserted == [(3, 449)]  # the same list again: nothing to add
    qtmodeltester.check(model, force_py=True)


def test_an_empty_first_screenful_takes_the_whole_list(qtmodeltester):
    model = LazyTableModel([Column("Name", lambda row: row.name)], lambda chunk: [_Row(i) for i in chunk])
    model.set_ids([])
    assert model.extend_ids(["a", "b"]) and model.ids() == ["a", "b"]
    assert model.index(1, 0).data() == "name b"
    qtmodeltester.check(model, force_py=True)
