"""Counts and rates for ``villagedesk stats --json`` and the dashboard: one section per area that
declares ``stats`` in :mod:`app.areas`."""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth import Actor, require


def collect(*, session: Session, actor: Actor) -> dict[str, Any]:
    from app.areas import AREAS

    require(actor, "stats.view")
    return {area.key: area.stats(session=session, actor=actor) for area in AREAS if area.stats is not None}
