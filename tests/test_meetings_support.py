"""Helpers shared by the meetings, concerns and 四议两公开 tests (no tests here).

Builds a small population straight into the tables: the rules under test are about counting
people, not about the register's validation (tested in test_people.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.base import local_now
from db.models.people import Grid, Household, Resident, VillageGroup

MEETING_DAY = dt.date(2025, 6, 14)


def at(day: dt.date = MEETING_DAY, hour: int = 19) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=local_now().tzinfo)


@dataclass
class Population:
    groups: list[VillageGroup] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)

    def party(self) -> list[Resident]:
        return [r for r in self.residents if r.party_member]

    def representatives(self) -> list[Resident]:
        return [r for r in self.residents if r.representative]


def populate(session, *, households_per_grid: tuple[int, ...] = (6, 4), party: int = 5, representatives: int = 4,
             minors_per_household: int = 1) -> Population:
    """Grids of households; each household has two adults (head, spouse) and some children.

    The first ``party`` adults are party members and the first ``representatives`` heads are
    村民代表. Ages: adults born 1970, children born 2015.
    """
    pop = Population()
    group = VillageGroup(name="一组", number=1)
    session.add(group)
    session.flush()
    pop.groups.append(group)
    n = 0
    for g, count in enumerate(households_per_grid, start=1):
        grid = Grid(name=f"第{g}网格", group_id=group.id)
        session.add(grid)
        session.flush()
        pop.grids.append(grid)
        for h in range(count):
            n += 1
            hh = Household(number=f"{n:04d}", head_name=f"户主{n}", group_id=group.id, grid_id=grid.id)
            session.add(hh)
            session.flush()
            pop.households.append(hh)
            people = [Resident(name=f"户主{n}", gender="M", birth_date=dt.date(1970, 3, 1), household_id=hh.id,
                               relation="head"),
                      Resident(name=f"配偶{n}", gender="F", birth_date=dt.date(1972, 5, 1), household_id=hh.id,
                               relation="spouse")]
            people += [Resident(name=f"孩子{n}-{c}", gender="F", birth_date=dt.date(2015, 1, 1), household_id=hh.id,
                                relation="child") for c in range(minors_per_household)]
            session.add_all(people)
            pop.residents.extend(people)
    adults = [r for r in pop.residents if r.relation != "child"]
    for r in adults[:party]:
        r.party_member = True
    heads = [r for r in pop.residents if r.relation == "head"]
    for r in heads[:representatives]:
        r.representative = True
    session.flush()
    return pop


def add_representatives(session, count: int) -> list[Resident]:
    """``count`` 村民代表 in one household (enough for the boundary tests)."""
    hh = Household(number=f"R{count}-{dt.datetime.now().timestamp()}", head_name="代表户")
    session.add(hh)
    session.flush()
    reps = [Resident(name=f"代表{i:02d}", birth_date=dt.date(1975, 1, 1), household_id=hh.id, representative=True)
            for i in range(count)]
    session.add_all(reps)
    session.flush()
    return reps


def add_party_members(session, count: int) -> list[Resident]:
    hh = Household(number=f"P{count}-{dt.datetime.now().timestamp()}", head_name="党员户")
    session.add(hh)
    session.flush()
    members = [Resident(name=f"党员{i:02d}", birth_date=dt.date(1965, 1, 1), household_id=hh.id, party_member=True)
               for i in range(count)]
    session.add_all(members)
    session.flush()
    return members
