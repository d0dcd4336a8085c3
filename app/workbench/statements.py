"""The 工作台's statements, each built once (its dates and village bound when it runs): building a
statement again on every sign-in cost more than running it (issue 16). Keys are shared by the
to-do list (app.workbench.items) and the figure cards (app.workbench.cards)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

_statements: dict[str, Any] = {}


def built_once(key: str, build: Callable[[], Any]) -> Any:
    """The statement ``key``, built by ``build`` the first time it is asked for."""
    found = _statements.get(key)
    if found is None:
        found = _statements[key] = build()
    return found
