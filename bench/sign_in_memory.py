"""What the process holds when the password check starts (issue 16: the memory peak is argon2's
64 MiB on top of it). Signs in through the login form as ``bench.gui`` does and prints, at the
instant argon2 starts and when it ends, the resident set and its peak, /proc/self/smaps_rollup,
the largest mappings (anonymous memory, the heap, each library and font file), SQLite's own
memory and Python's small-object arenas; ``--trace`` adds tracemalloc's top allocating files
(slower, and its own memory shows in the figures).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.sign_in_memory [STORE] [--trace]

Linux only (it reads /proc). Figures are printed, never asserted.
"""
from __future__ import annotations

import collections
import ctypes
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def status() -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    from bench.gui import _memory_mb

    return _memory_mb()


def rollup() -> dict[str, int]:
    """/proc/self/smaps_rollup, in MB."""
    found = {}
    with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            parts = line.split()
            if parts[0].endswith(":") and len(parts) >= 2 and parts[1].isdigit():
                found[parts[0][:-1]] = int(parts[1]) // 1024
    return found


def mappings() -> tuple[collections.Counter, collections.Counter]:
    """Resident kB by mapping name ([anon], [heap], a library or font file), and the anonymous part."""
    resident: collections.Counter = collections.Counter()
    anonymous: collections.Counter = collections.Counter()
    name = ""
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if "-" in parts[0] and not parts[0].endswith(":"):
                name = parts[5] if len(parts) > 5 else "[anon]"
                name = name.split("/site-packages/")[-1]
            elif parts[0] == "Rss:":
                resident[name] += int(parts[1])
            elif parts[0] == "Anonymous:":
                anonymous[name] += int(parts[1])
    return resident, anonymous


def sqlite_memory_mb() -> float | None:
    """sqlite3_memory_used() of the SQLite library this process loaded (page caches, schemas)."""
    import _sqlite3  # noqa: F401 - loads the library

    with open("/proc/self/maps", encoding="utf-8") as fh:
        paths = {line.split()[-1] for line in fh if "libsqlite3" in line}
    if not paths:
        return None
    library = ctypes.CDLL(sorted(paths)[0])
    library.sqlite3_memory_used.restype = ctypes.c_int64
    return library.sqlite3_memory_used() / 2**20


def pymalloc_arenas() -> str:
    """Python's small-object arenas (sys._debugmallocstats, written to stderr by C)."""
    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)
    try:
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(write)
        os.close(saved)
    text = os.read(read, 1 << 20).decode()
    os.close(read)
    return "; ".join(" ".join(line.split()) for line in text.splitlines()
                     if line.startswith(("# arenas allocated current", "# bytes in allocated blocks")))


def main(argv: list[str]) -> None:
    trace = "--trace" in argv
    args = [a for a in argv if not a.startswith("--")]
    if trace:
        import tracemalloc

        tracemalloc.start()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app import password_check

    seen: dict[str, Any] = {}
    samples: list[float] = []
    real = password_check.argon2_verify

    def sample() -> None:
        while "end" not in seen:
            samples.append(status()[0])
            time.sleep(0.003)

    def verify(stored_hash: str, password: str) -> bool:
        if "start" not in seen:
            quick = (status(), sqlite_memory_mb(), len(sys.modules))  # argon2 is starting
            seen["start"] = (quick[0], rollup(), mappings(), quick[1], pymalloc_arenas(), quick[2])
            if trace:
                import tracemalloc

                seen["trace"] = tracemalloc.take_snapshot().statistics("filename")[:25]
            threading.Thread(target=sample, daemon=True).start()
        try:
            return real(stored_hash, password)
        finally:
            seen.setdefault("end", (status(), sqlite_memory_mb()))

    password_check.argon2_verify = verify
    from bench.gui import PASSWORD, signed_in_window
    from ui.ops import shutdown_worker

    store = Path(args[0]) if args else ROOT / "bench-out" / "large.sqlite3"
    _app, window = signed_in_window(store, PASSWORD, (1366, 768))
    (rss, hwm), roll, (resident, anonymous), sqlite_mb, arenas, modules = seen["start"]
    (rss_end, hwm_end), sqlite_end = seen["end"]
    print(f"sign-in → 工作台: {window.bench_sign_in_s:.3f} s; modules loaded when argon2 started: {modules}")
    print(f"argon2 starts: RSS {rss:.1f} MB (peak so far {hwm:.1f}); SQLite {sqlite_mb:.2f} MB; pymalloc: {arenas}")
    print("  smaps_rollup (MB):", {k: roll[k] for k in ("Rss", "Pss_Anon", "Pss_File", "Private_Dirty") if k in roll})
    print(f"argon2 ends: RSS {rss_end:.1f} MB, peak {hwm_end:.1f} MB (sampled {max(samples or [0]):.1f}); "
          f"SQLite {sqlite_end:.2f} MB")
    print(f"signed in, pages warmed: RSS {status()[0]:.1f} MB, peak {status()[1]:.1f} MB")
    print(f"resident when argon2 started, by mapping (kB; total {sum(resident.values())}):")
    for name, kb in resident.most_common(30):
        print(f"  {kb:8d}  anonymous {anonymous[name]:8d}  {name}")
    for stat in seen.get("trace", []):
        print("  ", stat)
    window.close()
    shutdown_worker()


if __name__ == "__main__":
    os.environ.setdefault("VILLAGEDESK_HOME", str(ROOT / "bench-out" / "home"))
    main(sys.argv[1:])
