"""Realistic generated data for trying the program and for benchmarks (``villagedesk demo``).

Each area that has demo data declares ``demo`` in :mod:`app.areas`; the steps run in registry
order (people first, then what refers to them).
"""
from __future__ import annotations

import random
from collections.abc import Callable

from sqlmodel import Session, func, select

from app.auth import Actor, require
from app.errors import StateError
from app.i18n import _
from db.models.accounts import Setting, User

SIZES = ("small", "large")
DEMO_KEY = "demo_store"  # Setting: this store was filled with generated data


def is_demo_store(session: Session) -> bool:
    setting = session.get(Setting, DEMO_KEY)
    return bool(setting is not None and setting.value)


def is_empty_store(session: Session) -> bool:
    """No data beyond the village profile and a single (admin) account: nothing real to mix with."""
    from app.areas import AREAS
    from db.models.people import VillageProfile

    if session.exec(select(func.count()).select_from(User)).one() > 1:
        return False
    for area in AREAS:
        for model in area.models:
            if model is VillageProfile:
                continue
            if session.exec(select(func.count()).select_from(model)).one():
                return False
    return True


def check_demo_allowed(*, session: Session, actor: Actor) -> None:
    """Demo data adds accounts with a published password: only the admin may add it, and only
    to an empty store or one that is itself a demo."""
    require(actor, "users.manage")
    if not (is_demo_store(session) or is_empty_store(session)):
        raise StateError(_("This store holds real data: demo data can only be added to an empty store or to a "
                           "demo store. Use a new database file (--db) to try the program."))


def generate(*, session: Session, actor: Actor, size: str = "small", seed: int = 1,
             progress: Callable[[int, int, str], None] | None = None) -> None:
    from app.areas import AREAS

    if size not in SIZES:
        raise ValueError(size)
    from app.recycle import last_audit_id, mark_demo_data

    check_demo_allowed(session=session, actor=actor)
    setting = session.get(Setting, DEMO_KEY) or Setting(key=DEMO_KEY)
    setting.value = True
    session.add(setting)
    session.flush()
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
