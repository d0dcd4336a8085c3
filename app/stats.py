"""Counts and rates for ``villagedesk stats --json`` and the dashboard: one section per area that
declares ``stats`` in :mod:`app.areas`."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlmodel import Session

from app.auth import Actor, require


def collect(*, session: Session, actor: Actor, only: Collection[str] | None = None) -> dict[str, Any]:
    """Every area's figures, or those of the areas in ``only`` (the dashboard asks for its cards' sections
    one by one, so that a slow area's figures do not hold up the others)."""
    from app.areas import AREAS

    require(actor, "stats.view")
    return {area.key: area.stats(session=session, actor=actor) for area in AREAS
            if area.stats is not None and (only is None or area.key in only)}
