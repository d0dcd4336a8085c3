"""The service boundary holds: an area's door is its package, and every door checks who knocks.

* Every public function of an area (what its ``__init__`` exports) that touches the store takes
  keyword-only ``session`` and ``actor`` and returns plain data — never an ORM row.
* ``ui/`` imports areas only through their package (never ``service``, ``queries``, ``demo``,
  ``documents`` modules or ``db``), and uses no private name of ``app``.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRIVATE_MODULES = {"service", "queries", "demo", "documents"}


def _table_names() -> set[str]:
    from sqlmodel import SQLModel

    from db.models import load_all

    load_all()

    names = set()
    todo = list(SQLModel.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls, "__table__", None) is not None:
            names.add(cls.__name__)
    return names


def _mentions(annotation: str, names: set[str]) -> set[str]:
    tokens = set(annotation.replace("[", " ").replace("]", " ").replace(",", " ").replace("|", " ").replace(".", " ")
                 .replace("(", " ").replace(")", " ").split())
    return tokens & names


def area_violations() -> list[str]:
    from app.areas import AREAS, SHARED_DOORS

    tables = _table_names()
    problems = []
    for key in [area.key for area in AREAS] + list(SHARED_DOORS):
        package = __import__(f"app.{key}", fromlist=["_"])
        for name in sorted(dir(package)):  # dir: a package's names loaded on first use too (app.notices)
            value = getattr(package, name)
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if not value.__module__.startswith(f"app.{key}"):
                continue
            params = inspect.signature(value).parameters
            where = f"app.{key}.{name}"
            if "session" in params or "database" in params:
                for needed in ("session", "actor"):
                    if needed not in params:
                        problems.append(f"{where}: no {needed}")
                    elif params[needed].kind is not inspect.Parameter.KEYWORD_ONLY:
                        problems.append(f"{where}: {needed} is not keyword-only")
                returned = _mentions(str(inspect.signature(value).return_annotation), tables)
                if returned:
                    problems.append(f"{where}: returns ORM rows ({', '.join(sorted(returned))})")
    return problems


def ui_violations(root: Path = ROOT) -> list[str]:
    problems = []
    for path in sorted((root / "ui").rglob("*.py")):
        rel = path.relative_to(root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                if parts[0] == "db" and node.module not in ("db.errors",):
                    problems.append(f"{rel}: imports {node.module}")
                if parts[0] == "app" and len(parts) >= 3 and parts[2] in PRIVATE_MODULES:
                    problems.append(f"{rel}: imports {node.module}")
                if parts[0] == "app":
                    problems.extend(f"{rel}: imports private {node.module}.{a.name}" for a in node.names
                                    if a.name.startswith("_") and a.name != "_" )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == "db" or (parts[0] == "app" and len(parts) >= 3 and parts[2] in PRIVATE_MODULES):
                        problems.append(f"{rel}: imports {alias.name}")
    return problems


def ui_calls_without_actor(root: Path = ROOT) -> list[str]:
    """``people.something(session=…)`` in ui/ where ``something`` takes no actor."""
    from app.areas import AREAS

    keys = {a.key for a in AREAS}
    problems = []
    for path in sorted((root / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "app":
                for a in node.names:
                    if a.name in keys:
                        aliases[a.asname or a.name] = a.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases):
                package = __import__(f"app.{aliases[node.value.id]}", fromlist=["_"])
                target = getattr(package, node.attr, None)
                where = f"{path.relative_to(root)}: {aliases[node.value.id]}.{node.attr}"
                if node.attr.startswith("_") or target is None:
                    problems.append(f"{where} is not public")
                elif inspect.isfunction(target):
                    params = inspect.signature(target).parameters
                    if ("session" in params or "database" in params) and "actor" not in params:
                        problems.append(f"{where} takes no actor")
    return sorted(set(problems))


def test_every_area_function_that_reads_or_writes_takes_an_actor_and_returns_plain_data():
    assert area_violations() == []


def test_ui_goes_through_the_doors_only():
    assert ui_violations() == []
    assert ui_calls_without_actor() == []


def test_the_boundary_checks_catch_violations(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "bad.py").write_text(
        "from app.people.service import _live\nfrom db.models.people import Resident\nfrom app import people\n"
        "def f(s):\n    return people.get_profile(s), people._profile_errors\n")
    assert ui_violations(tmp_path) == ["ui/bad.py: imports app.people.service", "ui/bad.py: imports private app.people.service._live",
                                       "ui/bad.py: imports db.models.people"]
    assert ui_calls_without_actor(tmp_path) == ["ui/bad.py: people._profile_errors is not public"] + (
        ["ui/bad.py: people.get_profile takes no actor"] if hasattr(__import__("app.people", fromlist=["_"]), "get_profile")
        and "actor" not in inspect.signature(__import__("app.people", fromlist=["_"]).get_profile).parameters else [])
