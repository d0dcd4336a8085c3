"""Realistic generated data for trying the program and for benchmarks (``villagedesk demo``).

Each area that has demo data declares ``demo`` in :mod:`app.areas`; the steps run in registry
order (people first, then what refers to them).
"""
from __future__ import annotations

import random
from collections.abc import Callable

from sqlmodel import Session

from app.auth import Actor

SIZES = ("small", "large")


def generate(*, session: Session, actor: Actor, size: str = "small", seed: int = 1,
             progress: Callable[[int, int, str], None] | None = None) -> None:
    from app.areas import AREAS

    if size not in SIZES:
        raise ValueError(size)
    from app.recycle import last_audit_id, mark_demo_data

    steps = [area for area in AREAS if area.demo is not None]
    rng = random.Random(seed)
    session.flush()
    before = last_audit_id(session)
    for index, area in enumerate(steps):
        if progress:
            progress(index, len(steps), area.key)
        area.demo(session=session, actor=actor, rng=rng, size=size)
        session.flush()
    mark_demo_data(session, after=before)  # app.recycle.remove_demo_data removes exactly these rows
    if progress:
        progress(len(steps), len(steps), "")
