"""Instructions the GUI thread runs for the click that builds a page (issue 16), counted by valgrind.

The bench's milliseconds move with this machine's speed (a third from one hour to the next); the
instructions a click costs do not (±0.1 % from run to run), so a change is judged by them and the
bench says what they come to in time. Each page is measured in a fresh process, as
``bench.gui.every_page_unbuilt`` clicks it: signed in on the large demo, the warm-up done but no
page built by it, the pages before it in the navigation clicked first; only the click on that page
(its build, its reads, its paint) is counted, on the GUI thread (the database worker's apart).

    .venv/bin/python tools/click_instructions.py                  # every page, in the navigation's order
    .venv/bin/python tools/click_instructions.py village mediation

Needs valgrind (callgrind and callgrind_control); ~40 s a page here. A developer's tool: nothing
runs it in CI.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(keys: list[str], db_path: Path) -> None:
    """In the process valgrind runs: sign in, click ``keys[:-1]``, count the click on ``keys[-1]``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("VILLAGEDESK_HOME", str(ROOT / "bench-out" / "home"))
    from bench.gui import PASSWORD, _click_nav, _painted, _spin, signed_in_window
    from ui.main_window import MainWindow, Workspace
    from ui.ops import worker

    Workspace.prebuild = lambda _self, _key: None  # this process only: each page built by its click
    # nor the start-up check and daily backup: valgrind runs the program ~50 times slower, and they
    # would start (on their thread, on a timer) in the middle of the clicks measured
    MainWindow._checks_when_quiet = lambda _self: None
    app, window = signed_in_window(db_path, PASSWORD, (1366, 768))
    for key in keys[:-1]:
        _click_nav(app, window, key)
        _spin(app, lambda: worker().pending() == 0)
        _painted(app)
    _spin(app, lambda: worker().pending() == 0)

    def control(*args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(os.getpid())], capture_output=True, check=False)

    control("-i", "on")
    time.sleep(0.2)
    _click_nav(app, window, keys[-1])
    _spin(app, lambda: worker().pending() == 0)
    _painted(app)
    control("-d")  # the counts so far, written out (the threads apart)
    control("-i", "off")
    os._exit(0)  # nothing after the click is counted, nor waited for


def measure(keys: list[str], db_path: Path) -> dict[int, int]:
    """Instructions of the click on ``keys[-1]``, by thread number (1: the GUI thread)."""
    folder = tempfile.mkdtemp(prefix="villagedesk-callgrind-")
    try:
        subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes", "--instr-atstart=no",
                        f"--callgrind-out-file={folder}/out.%p", sys.executable, __file__, "--child", ",".join(keys),
                        str(db_path)], cwd=ROOT, capture_output=True, check=False)
        counts: dict[int, int] = {}
        for dump in glob.glob(f"{folder}/out.*.1-*"):  # the dump asked for, one file a thread
            text = Path(dump).read_text(encoding="utf-8", errors="replace")
            total = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
            thread = re.search(r"^thread: (\d+)", text, re.MULTILINE)
            if total and thread and int(total.group(1)):
                counts[int(thread.group(1))] = counts.get(int(thread.group(1)), 0) + int(total.group(1))
        return counts
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1].split(","), Path(argv[2]))
        return 0
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("valgrind (with callgrind_control) is not installed here", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from ui.pages import AREAS, PAGES

    order = [area.key for area in AREAS if area.key in PAGES and area.key != "dashboard"]
    wanted = [key for key in argv if not key.startswith("--")] or order
    unknown = [key for key in wanted if key not in order]
    if unknown:
        print(f"no such page: {', '.join(unknown)} (pages: {', '.join(order)})", file=sys.stderr)
        return 2
    db_path = ROOT / "bench-out" / "large.sqlite3"
    if not db_path.exists():
        print(f"{db_path} is missing: run `python -m bench --only gui` once to build the large demo", file=sys.stderr)
        return 2
    print(f"{'page':<14}{'GUI thread':>14}{'others':>12}")
    for key in wanted:
        counts = measure(order[:order.index(key) + 1], db_path)
        gui = counts.pop(1, 0)
        print(f"{key:<14}{gui / 1e6:>12.1f} M{sum(counts.values()) / 1e6:>10.1f} M", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
