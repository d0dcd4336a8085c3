"""What other areas (meetings, concerns, deliberation, notices, printing) read from the people
register without an actor: ORM rows inside their own unit of work. ``ui/`` may not import this
module (tests/test_boundary.py); the GUI goes through :mod:`app.people`.

Tombstones and other villages are hidden by the store itself (:mod:`db.scope`); the check in
:func:`live` is for rows already in the session's identity map, which ``session.get`` returns
without a query.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.auth import user_count
from app.errors import NotFound
from app.i18n import _
from db.models.people import Grid, Household, Resident, VillageGroup, VillageProfile


def get_profile(session: Session) -> VillageProfile | None:
    """The profile of the session's village (None before the first run)."""
    return session.exec(select(VillageProfile)).first()


def is_set_up(session: Session) -> bool:
    return get_profile(session) is not None and user_count(session) > 0


def list_groups(session: Session) -> list[VillageGroup]:
    return list(session.exec(select(VillageGroup).order_by(VillageGroup.number, VillageGroup.name)))


def list_grids(session: Session) -> list[Grid]:
    """Grids in the order of their group (grids without a group last), then by name."""
    statement = (select(Grid).join(VillageGroup, col(Grid.group_id) == col(VillageGroup.id), isouter=True)
                 .order_by(col(VillageGroup.number).is_(None), VillageGroup.number, Grid.name))
    return list(session.exec(statement))


def live(session: Session, model: type[Any], row_id: str | None, missing: str) -> Any:
    """The row with this id unless it is absent or a tombstone; ``NotFound(missing)`` otherwise."""
    row = session.get(model, row_id) if row_id else None
    if row is None or row.deleted_at is not None:
        raise NotFound(missing)
    return row


def get_group(session: Session, group_id: str) -> VillageGroup:
    return live(session, VillageGroup, group_id, _("That villagers' group no longer exists."))


def get_grid(session: Session, grid_id: str) -> Grid:
    return live(session, Grid, grid_id, _("That grid no longer exists."))


def get_household(session: Session, household_id: str) -> Household:
    return live(session, Household, household_id, _("That household no longer exists."))


def get_resident(session: Session, resident_id: str) -> Resident:
    return live(session, Resident, resident_id, _("That resident no longer exists."))
