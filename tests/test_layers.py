"""app/ and db/ are the headless core: they import and work with PySide6 unavailable."""
from __future__ import annotations

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


def test_core_modules_import_without_qt(tmp_path):
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for folder in ("app", "db")
        for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts and p.name != "__main__.py"
    )
    assert "app.people" in modules and "db.engine" in modules
    script = BLOCK_QT + "import importlib\n" + "".join(
        f"importlib.import_module({m.removesuffix('.__init__')!r})\n" for m in modules)
    script += "assert not any(n.startswith('PySide6') for n in sys.modules)\nprint('ok')\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            env={"VILLAGEDESK_HOME": str(tmp_path), "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_core_sources_never_mention_qt():
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("app", "db")
        for p in (ROOT / folder).rglob("*.py")
        if any(line.lstrip().startswith(("import PySide6", "from PySide6", "import shiboken6"))
               for line in p.read_text(encoding="utf-8").splitlines())
    ]
    assert offenders == []


def test_the_block_really_blocks_qt():
    """Guard against a vacuous pass: the same script does fail on a Qt import."""
    result = subprocess.run([sys.executable, "-c", BLOCK_QT + "import PySide6.QtCore\n"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "blocked" in result.stderr
