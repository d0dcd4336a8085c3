"""Realistic generated data for trying the program and for benchmarks (``villagedesk demo``).

Each area contributes one step: ``add_demo_data(*, session, actor, rng, size)`` in its own
module, listed in ``DEMO_STEPS`` in the order they depend on each other.
"""
from __future__ import annotations

import importlib
import random
from collections.abc import Callable

from sqlmodel import Session

from app.auth import Actor

SIZES = ("small", "large")

# "module:function" — imported only when demo data is generated.
DEMO_STEPS: list[str] = [
    "app.people_demo:add_demo_data",
    "app.meetings_demo:add_demo_data",
    "app.notices:add_demo_data",
]


def generate(*, session: Session, actor: Actor, size: str = "small", seed: int = 1,
             progress: Callable[[int, int, str], None] | None = None) -> None:
    if size not in SIZES:
        raise ValueError(size)
    rng = random.Random(seed)
    for index, step in enumerate(DEMO_STEPS):
        module_name, func_name = step.split(":")
        if progress:
            progress(index, len(DEMO_STEPS), module_name)
        getattr(importlib.import_module(module_name), func_name)(session=session, actor=actor, rng=rng, size=size)
        session.flush()
    if progress:
        progress(len(DEMO_STEPS), len(DEMO_STEPS), "")
