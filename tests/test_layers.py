"""The layers: ``ui → app → db``, never back; app/ and db/ are the headless core.

* ``db/`` imports neither ``app`` nor ``ui``; ``app/`` never imports ``ui``; neither imports Qt.
* The core imports and works with PySide6 unavailable.
* Every table belongs to one area of ``app.areas`` (or to the core), and every area has a page.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCK_QT = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'PyQt5', 'PyQt6'}:
            raise ImportError('Qt is blocked in this test: ' + name)
sys.meta_path.insert(0, Block())
"""

# layer → top-level packages it may not import
FORBIDDEN = {
    "db": {"app", "ui", "PySide6", "shiboken6"},
    "app": {"ui", "PySide6", "shiboken6"},
}


def imported_packages(source: str) -> set[str]:
    """Top-level packages a module imports (anywhere in it: deferred imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value.split(".")[0])
    return found


def layer_violations(root: Path = ROOT) -> list[str]:
    problems = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            if "migrations" in path.parts and layer == "db" and "versions" in path.parts:
                pass  # migrations are db code too: checked like the rest
            bad = imported_packages(path.read_text(encoding="utf-8")) & forbidden
            if bad:
                problems.append(f"{path.relative_to(root)} imports {', '.join(sorted(bad))}")
    return problems


def test_layers_import_one_way():
    assert layer_violations() == []


def test_the_layer_check_catches_a_violation(tmp_path):
    """A deliberate violation in each direction is reported (the check is not vacuous)."""
    for layer in ("app", "db", "ui"):
        (tmp_path / layer).mkdir()
    (tmp_path / "db" / "bad.py").write_text("def f():\n    from app.paths import data_dir\n")
    (tmp_path / "app" / "bad.py").write_text("import importlib\nimportlib.import_module('ui.app')\n")
    (tmp_path / "app" / "ok.py").write_text("from db.engine import Database\n")
    (tmp_path / "ui" / "fine.py").write_text("from app import people\n")
    assert sorted(layer_violations(tmp_path)) == ["app/bad.py imports ui", "db/bad.py imports app"]


def test_core_modules_import_without_qt(tmp_path):
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for folder in ("app", "db")
        for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts and p.name != "__main__.py"
    )
    assert "app.people.__init__" in modules and "db.engine" in modules and "app.areas" in modules
    script = BLOCK_QT + "import importlib\n" + "".join(
        f"importlib.import_module({m.removesuffix('.__init__')!r})\n" for m in modules)
    script += "assert not any(n.startswith('PySide6') for n in sys.modules)\nprint('ok')\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            env={"VILLAGEDESK_HOME": str(tmp_path), "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_block_really_blocks_qt():
    """Guard against a vacuous pass: the same script does fail on a Qt import."""
    result = subprocess.run([sys.executable, "-c", BLOCK_QT + "import PySide6.QtCore\n"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "blocked" in result.stderr


def test_every_table_belongs_to_one_area_or_the_core():
    from sqlmodel import SQLModel

    from app.areas import AREAS, CORE_MODELS
    from db.models import load_all

    load_all()

    owners: dict[str, list[str]] = {}
    for area in AREAS:
        for model in area.models:
            owners.setdefault(model.__tablename__, []).append(area.key)
    for model in CORE_MODELS:
        owners.setdefault(model.__tablename__, []).append("core")
    owners.setdefault("number_sequence", []).append("core (db.scope)")
    tables = set(SQLModel.metadata.tables) - {"alembic_version"}
    assert sorted(tables - set(owners)) == [], "tables no area declares"
    assert {t: o for t, o in owners.items() if len(o) > 1} == {}, "tables declared twice"


def test_every_permission_has_one_owner():
    from app.areas import AREAS, CORE_PERMISSIONS
    from app.auth import PERMISSIONS

    owners: dict[str, list[str]] = {p: ["core"] for p in CORE_PERMISSIONS}
    for area in AREAS:
        for permission in area.permissions:
            owners.setdefault(permission, []).append(area.key)
    unbuilt = {p for p in PERMISSIONS if p.split(".")[0] in {"volunteers", "points", "awards"}}
    assert sorted(set(PERMISSIONS) - set(owners) - unbuilt) == []
    assert sorted(p for p in owners if p not in PERMISSIONS) == []
    assert {p: o for p, o in owners.items() if len(o) > 1} == {}


def test_every_area_has_a_page_and_print_kinds_are_unique():
    from app.areas import AREAS, print_kinds
    from app.printing import kinds

    source = (ROOT / "ui" / "pages" / "__init__.py").read_text(encoding="utf-8")
    pages = next(node for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PAGES")
    page_keys = {k.value for k in pages.value.keys}
    assert sorted(a.key for a in AREAS if a.page not in page_keys) == []
    names = [k.name for k in print_kinds()]
    assert len(names) == len(set(names))
    assert {k.name for k in kinds()} >= set(names)
