"""This program's schema revisions, read from the migration scripts' headers without Alembic.

Every open of a store compares the store's revision with this program's (``db.identify``, then
``db.engine.Database``); importing Alembic for that costs ~0.15 s, which the command line
(``villagedesk print notice``, ≤ 1 s in all) cannot spare. Each script in ``migrations/versions``
says ``revision = '0007'`` and ``down_revision = '0006'`` on lines of their own: that is read here.
Anything else (a merge's tuple, a script without those lines, no scripts on disk) gives None and
the caller asks Alembic (``db.migrate``) as before. tests/test_cli_imports.py checks that both
readings agree.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_LINE = re.compile(r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*(None|'([^']+)'|"([^"]+)")\s*$""", re.MULTILINE)


@lru_cache(maxsize=1)
def script_revisions() -> dict[str, str | None] | None:
    """revision → the revision it follows (None for the first); None when a script is not plain."""
    try:
        scripts = sorted(p for p in VERSIONS.glob("*.py") if not p.name.startswith(("_", ".#")))
    except OSError:
        return None
    graph: dict[str, str | None] = {}
    for script in scripts:
        try:
            text = script.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        found: dict[str, list[str | None]] = {"revision": [], "down_revision": []}
        for match in _LINE.finditer(text):
            found[match.group(1)].append(None if match.group(2) == "None" else match.group(3) or match.group(4))
        if len(found["revision"]) != 1 or len(found["down_revision"]) != 1 or found["revision"][0] is None:
            return None
        revision = found["revision"][0]
        if revision in graph:
            return None
        graph[revision] = found["down_revision"][0]
    return graph or None


def known_revisions() -> set[str] | None:
    graph = script_revisions()
    return None if graph is None else set(graph)


def head_revision() -> str | None:
    """The one revision no other follows; None when there is not exactly one (or no plain reading)."""
    graph = script_revisions()
    if graph is None:
        return None
    heads = set(graph) - set(graph.values())
    return next(iter(heads)) if len(heads) == 1 else None
