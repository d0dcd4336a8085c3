"""The residents search held in memory (issue 16): every resident's search key, in name order, so that
a keystroke finds its ids and their count in the GUI without a trip to the database.

SQL stays the source of truth: :func:`resident_search_index` reads the index with the same scope
and order as :func:`app.people.resident_ids`, and :meth:`ResidentSearchIndex.match` answers
exactly as ``resident_ids``/``resident_count`` would have when it was read (the page reads the
whole list from SQL after each search anyway, and corrects the table if they differ).
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
import re
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.auth import Actor, require
from app.people.service import (
    _grid_scoped,
    _order_by,
    _resident_orders,
    _searches_numbers,
    full_numbers,
)
from app.pinyin import normalize_query
from db.models.people import Household, Resident
from db.scope import plain_rows

# SQLite's LIKE tells ASCII letters apart without their case, and no other letter: keys are folded
# the same way (A-Z only) to be matched with ``in``.
_ASCII_UPPER = re.compile("[A-Z]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# A search narrows the last one's results when they are fewer than one resident in this many: a loop
# in Python over more of them is slower than matching every key again in C (map, compress).
_NARROW_SHARE = 4


@dataclasses.dataclass(frozen=True, eq=False)
class ResidentSearchIndex:
    """The residents one actor may list, in name order (as ``resident_ids(order="name")``): their ids,
    search keys as LIKE compares them, household ids, whether each lives in the village (status
    "resident"), and — only for an actor who may search ID and phone numbers — their numbers.
    Plain data: tuples of strings, about 60 bytes a resident beyond the ids."""

    ids: tuple[str, ...]
    keys: tuple[str, ...]
    households: tuple[str | None, ...]
    active: tuple[bool, ...]
    numbers: tuple[str, ...] | None  # "id_number\\nphone", folded as LIKE compares them; None: not searched
    # the last search: (filters, needle, numbers searched, positions found), to narrow the next one
    _last: list[Any] = dataclasses.field(default_factory=list, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def match(self, query: str, *, household_id: str | None = None, include_inactive: bool = True,
              limit: int | None = None) -> tuple[list[str], int]:
        """``(ids, total)``: what ``resident_ids(query=…, order="name", limit=…)`` and
        ``resident_count`` answer with the same search and filters (a needle is matched anywhere
        in the key, literally; digits or a trailing x also in the numbers, for those who may).

        A search that extends the previous one (the clerk typed one more letter, same filters) looks
        only among the residents the previous one found: whoever holds "zha" holds "zh"."""
        needle = normalize_query(query)
        numbers = self.numbers is not None and _searches_numbers(needle)
        search = (household_id, include_inactive)
        last = self._last
        if last and last[0] == search and last[1] == needle and last[2] == numbers:
            positions = last[3]  # the same search again
        elif (last and last[0] == search and last[3] is not None and last[1] in needle and (last[2] or not numbers)
              and len(last[3]) * _NARROW_SHARE < len(self.ids)):
            positions = self._narrowed(last[3], needle, numbers)
        else:
            positions = self._positions(needle, numbers, household_id, include_inactive)
        self._last[:] = [search, needle, numbers, positions]
        ids = self.ids
        found = [ids[position] for position in positions] if positions is not None else list(ids)
        total = len(found)
        if limit is not None:
            del found[max(0, limit):]
        return found, total

    def _positions(self, needle: str, numbers: bool, household_id: str | None,
                   include_inactive: bool) -> list[int] | None:
        """The positions of the residents found, in name order (None: everyone)."""
        chosen: Any = None  # an iterator of booleans, one a resident; None: everyone
        if needle:
            chosen = map(operator.contains, self.keys, itertools.repeat(needle))
            if numbers:
                chosen = map(operator.or_, chosen, map(operator.contains, self.numbers, itertools.repeat(needle)))
        if household_id:
            theirs = map(operator.eq, self.households, itertools.repeat(household_id))
            chosen = theirs if chosen is None else map(operator.and_, chosen, theirs)
        if not include_inactive:
            chosen = self.active if chosen is None else map(operator.and_, chosen, self.active)
        return None if chosen is None else list(itertools.compress(range(len(self.ids)), chosen))

    def _narrowed(self, positions: list[int], needle: str, numbers: bool) -> list[int]:
        """Of ``positions`` (found by a search whose needle ``needle`` contains, with the same
        filters), those whose key — or numbers, when searched — holds ``needle``."""
        keys = self.keys
        if numbers:
            numbers_of = self.numbers
            return [at for at in positions if needle in keys[at] or needle in numbers_of[at]]  # type: ignore[index]
        return [at for at in positions if needle in keys[at]]


def resident_search_index(*, session: Session, actor: Actor) -> ResidentSearchIndex:
    """Every resident ``actor`` may list, for :meth:`ResidentSearchIndex.match` (``people.view``;
    a grid worker's own grid only; numbers only for the roles that see them in full)."""
    require(actor, "people.view")
    numbers = full_numbers(actor)
    statement = _index_statement(_grid_scoped(actor), numbers)
    result = plain_rows(session, statement, {"grid_id": actor.grid_id or ""})
    # read a column at a time, a thousand rows at a time: never every row object at once (the
    # process keeps the memory it peaked at)
    columns: list[list[Any]] = [[] for _column in range(6 if numbers else 4)]
    for part in result.partitions(1000):
        for column, values in zip(columns, zip(*part)):
            column.extend(values)
    ids, keys, households, statuses = columns[:4]
    sqlite = session.get_bind().dialect.name == "sqlite"
    # SQLite's LIKE (and lower()) fold A-Z only; PostgreSQL's LIKE tells cases apart. The keys are
    # lower case as written (name_search_key): folded only when one is not.
    keys = [key or "" for key in keys]
    if sqlite and _ASCII_UPPER.search("\n".join(keys)):
        keys = [_ascii_fold(key) for key in keys]
    numbers_folded: tuple[str, ...] | None = None
    if numbers:  # compared lower()ed on every store (_number_like): SQLite's lower() folds A-Z only
        numbers_folded = tuple(map("{}\n{}".format, _folded([number or "" for number in columns[4]], sqlite),
                                   _folded([phone or "" for phone in columns[5]], sqlite)))
    shared: dict[str, str] = {}  # one string per household, not one per resident
    return ResidentSearchIndex(
        ids=tuple(ids),
        keys=tuple(keys),
        households=tuple(shared.setdefault(home, home) if home is not None else None for home in households),
        active=tuple(status == "resident" for status in statuses),
        numbers=numbers_folded,
    )


def _folded(numbers: list[str], sqlite: bool) -> list[str]:
    """Numbers lower()ed as the store does it: A-Z only on SQLite (numbers are ASCII as validated:
    lower-cased at once, joined)."""
    joined = "\n".join(numbers)
    if joined.isascii() and joined.count("\n") == len(numbers) - 1:
        return joined.lower().split("\n") if numbers else []
    return [_ascii_fold(number) if sqlite else number.lower() for number in numbers]


def _ascii_fold(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


@functools.cache
def _index_statement(grid_scoped: bool, numbers: bool) -> Any:
    """The index's rows in the order of ``resident_ids(order="name")``, scoped as it is."""
    columns = [Resident.id, Resident.search_key, Resident.household_id, Resident.status]
    if numbers:
        columns += [Resident.id_number, Resident.phone]
    statement = select(*columns)
    if grid_scoped:
        statement = statement.where(col(Resident.household_id).in_(
            select(Household.id).where(col(Household.grid_id) == bindparam("grid_id"))))
    return _order_by(statement, "name", False, _resident_orders(), [col(Resident.search_key), col(Resident.id)])
