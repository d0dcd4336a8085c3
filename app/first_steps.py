"""开始使用: the first-run checklist of a new village, computed from what the store holds.

The dashboard shows these steps until each is done (or the clerk dismisses the list): set up the
村民小组 and 网格, import or add households, add the other users, print a first notice. Each step
is ticked from the data itself, never from a flag, so a village that was set up some other way
(an Excel import, a restored backup) sees its steps ticked too.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.auth import Actor, require
from app.i18n import N_
from db.models.accounts import User
from db.models.notices import Notice
from db.models.people import Grid, Household, VillageGroup

#: step key → its label (msgid), in the order a new village does them
STEPS: dict[str, str] = {
    "village": N_("Set up the villagers' groups and grids"),
    "households": N_("Import or add households"),
    "users": N_("Add the users who work with VillageDesk"),
    "notice": N_("Print a first notice"),
}


@dataclasses.dataclass(frozen=True)
class FirstStep:
    key: str  # one of STEPS
    label: str  # msgid
    done: bool


def first_steps(*, session: Session, actor: Actor) -> list[FirstStep]:
    """The checklist's steps in order, each with whether the store shows it done."""
    require(actor, "stats.view")

    def count(model: type, *where: object) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    # one statement (each count a subquery, scoped like every query): the dashboard asks at every show
    groups, grids, households, users, notices = session.exec(select(
        count(VillageGroup), count(Grid), count(Household), count(User, col(User.active).is_(True)),
        count(Notice, col(Notice.seq).is_not(None)))).one()
    done = {
        "village": groups > 0 and grids > 0,
        "households": households > 0,
        # the first account made the village; a second one means the office has added its people
        "users": users > 1,
        "notice": notices > 0,
    }
    return [FirstStep(key, label, done[key]) for key, label in STEPS.items()]
