"""The command line as a whole process (issue 16: ``print notice --id latest`` ≤ 1.0 s).

Each run is a fresh interpreter started the way the installed ``villagedesk`` starts
(``ui.launcher:main``), timed from launch to exit: imports, opening the store, signing in,
building, rendering and writing the PDF. Median of 5 after one warm-up run (which compiles the
message catalog and the bytecode into this run's temporary folders, as an installed program has
them), on a copy of the bench store so the audit notes of printing stay out of it; ``--version``
beside it is the floor (an interpreter and the launcher).

    .venv/bin/python -m bench --only cli
"""
from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def _copy_store(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API: the -wal's pages too)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows: wall time only
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``villagedesk ARGS``; CPU time tells a slow program from a
    busy machine (the wall time of a single-threaded run on an idle machine is about its CPU time)."""
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run([sys.executable, "-c", "import sys; from ui.launcher import main; sys.exit(main())",
                             *args], cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=120)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"villagedesk {' '.join(args)}: {result.stderr[-500:]}")
    return elapsed, _children_cpu() - cpu


def _series(args: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    _timed(args, env)  # warm-up: catalog and bytecode caches, as an installed program has them
    timings = [_timed(args, env) for _ in range(runs)]
    return [wall for wall, _cpu in timings], [cpu for _wall, cpu in timings]


def run(db_path: Path, runs: int = RUNS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="villagedesk-bench-cli-") as scratch:
        folder = Path(scratch)
        store = folder / "store.sqlite3"
        _copy_store(db_path, store)
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env.update(VILLAGEDESK_HOME=str(folder / "home"), PYTHONPYCACHEPREFIX=str(folder / "pycache"),
                   VILLAGEDESK_PASSWORD=os.environ.get("VILLAGEDESK_BENCH_PASSWORD", "bench-pass-1"))
        printing, printing_cpu = _series(["print", "notice", "--id", "latest", "--out", str(folder / "notice.pdf"),
                                          "--db", str(store)], env, runs)
        version, version_cpu = _series(["--version"], env, runs)
    return {
        "runs": runs,
        "print_notice_s": round(statistics.median(printing), 3),
        "print_notice_min_s": round(min(printing), 3),
        "print_notice_max_s": round(max(printing), 3),
        "print_notice_cpu_s": round(statistics.median(printing_cpu), 3),
        "version_s": round(statistics.median(version), 3),
        "version_cpu_s": round(statistics.median(version_cpu), 3),
    }


if __name__ == "__main__":  # pragma: no cover - by hand: python bench/cli.py STORE (admin password bench-pass-1)
    import json

    print(json.dumps(run(Path(sys.argv[1])), indent=2))
