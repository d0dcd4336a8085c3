"""ui/_pyside_fix.py keeps a GUI session alive on Python 3.11 with shiboken6 6.12.

shiboken6 6.12 hands out borrowed references to None for every void method; on Python 3.11 (where
None is not immortal) enough calls free None and abort the interpreter. The control run shows the
bug is real on this machine; the fixed run makes far more calls than a working day and survives.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CALLS = 400_000

LOOP = f"""
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range({CALLS}):
    label.setText("x")
print("survived")
"""


def run(prefix: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", prefix + LOOP], cwd=ROOT, capture_output=True, text=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}, timeout=300)


@pytest.mark.gui
def test_many_void_qt_calls_do_not_kill_the_program():
    result = run("import ui\n")
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "survived"


@pytest.mark.gui
def test_without_the_fix_the_affected_versions_really_crash():
    from ui._pyside_fix import _affected

    if not _affected():
        pytest.skip("this Python/shiboken combination does not have the bug")
    result = run("")
    assert result.returncode != 0 and "dealloc" in result.stderr


SCAN_PROBE = """
import json, linecache, sys
sys.path.insert(0, sys.argv[1])
import PySide6.QtCore
import shibokensupport.feature as feature
original = feature._mod_uses_pyside
import ui.app  # answers shiboken's per-import question from each module's names
if sys.argv[2] == "control":  # shiboken's own scan put back
    feature._mod_uses_pyside = original
import feature_uses_qt, feature_plain
print(json.dumps({"uses": feature.pyside_feature_dict.get("feature_uses_qt"),
                  "plain": feature.pyside_feature_dict.get("feature_plain"),
                  "sources_kept": sorted(name for name in linecache.cache if "feature_" in name)}))
"""


@pytest.mark.gui
def test_shiboken_s_import_scan_keeps_no_module_sources_in_memory(tmp_path):
    """shiboken6 read every imported module's source into linecache (31 MB in this program) to learn
    whether the module uses PySide6: answered from the module's names, with the same answers."""
    import json

    (tmp_path / "feature_uses_qt.py").write_text("from PySide6.QtCore import QObject\n" + "# line\n" * 2000)
    (tmp_path / "feature_plain.py").write_text("import json\n" + "# line\n" * 2000)
    answers = {}
    for mode in ("fixed", "control"):
        result = subprocess.run([sys.executable, "-c", SCAN_PROBE, str(tmp_path), mode], cwd=ROOT,
                                capture_output=True, text=True, timeout=120,
                                env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
        assert result.returncode == 0, result.stderr[-1500:]
        answers[mode] = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["control"]["sources_kept"]  # the bug: both modules' sources held in memory
    assert answers["fixed"]["sources_kept"] == []
    for mode in answers:
        assert (answers[mode]["uses"], answers[mode]["plain"]) == (0, -1)
