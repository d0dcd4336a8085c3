"""Counts and rates for ``villagedesk stats --json`` and the dashboard.

Each area contributes ``stats(*, session, actor) -> dict`` in its own module, listed here.
"""
from __future__ import annotations

import importlib
from typing import Any

from sqlmodel import Session

from app.auth import Actor, require

STATS_SECTIONS: dict[str, str] = {
    "people": "app.people:stats",
    "meetings": "app.meetings:stats",
    "concerns": "app.concerns:stats",
    "notices": "app.notices:stats",
}


def collect(*, session: Session, actor: Actor) -> dict[str, Any]:
    require(actor, "stats.view")
    result: dict[str, Any] = {}
    for name, target in STATS_SECTIONS.items():
        module_name, func_name = target.split(":")
        result[name] = getattr(importlib.import_module(module_name), func_name)(session=session, actor=actor)
    return result
