"""Build (or reuse) the large demo database and measure what the issues budget.

    .venv/bin/python -m bench [--db bench-out/large.sqlite3] [--rebuild] [--only people,printing,…]
    .venv/bin/python -m bench --quick     # a small demo in a temporary folder, fewer repetitions (CI)

After the JSON of every section it prints the budgets table (bench/budgets.py): each budget the
issues set, this run's figure beside it. Figures are reported, never asserted.

Budgets (2-core machine): window shown ≤ 1.0 s median; search ≤ 30 ms p95; page open ≤ 150 ms;
one-page poster ≤ 300 ms warm and ≤ 300 KB; 500-row roster ≤ 3 s; 办结率 over ten years ≤ 100 ms.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-1"
SECTIONS = ["people", "gui", "printing", "meetings", "mediation", "points", "sync", "township", "excel", "dashboard", "cli"]
QUICK_SECTIONS = ["people", "gui", "printing", "meetings", "mediation", "points", "sync", "excel", "dashboard", "cli"]


def build(db_path: Path, size: str = "large") -> float:
    from app import demo, people
    from app.auth import authenticate
    from db.engine import Database

    start = time.perf_counter()
    database = Database(db_path)
    with database.unit() as session:
        people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                             committee_name="青石村民委员会", supervision_phone="028-84851234",
                             admin_username="admin", admin_password=PASSWORD, admin_display_name="李书记")
    database.refresh_village_code()
    with database.unit() as session:
        actor = authenticate(session=session, username="admin", password=PASSWORD)
    with database.unit(actor) as session:
        demo.generate(session=session, actor=actor, size=size, seed=2026)
    database.dispose()
    return time.perf_counter() - start


def bytecode() -> None:
    """Compile the project's modules before measuring, as the built program ships them: a machine
    that sets PYTHONDONTWRITEBYTECODE would otherwise compile every module from source in every
    measured process (tens of ms on a page's first open that no clerk ever waits for)."""
    import compileall

    for folder in ("app", "db", "ui", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--db", type=Path, default=ROOT / "bench-out" / "large.sqlite3")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", default=None)
    parser.add_argument("--quick", action="store_true",
                        help="small demo in a temporary folder, fewer repetitions: shows the table, proves it runs")
    args = parser.parse_args()
    if args.quick:
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="villagedesk-bench-"))
        args.db, args.rebuild = scratch / "quick.sqlite3", True
        os.environ["VILLAGEDESK_HOME"] = str(scratch / "home")
        os.environ["VILLAGEDESK_BENCH_QUICK"] = "1"
    only = args.only or ",".join(QUICK_SECTIONS if args.quick else SECTIONS)
    os.environ.setdefault("VILLAGEDESK_HOME", str(ROOT / "bench-out" / "home"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))

    bytecode()
    if args.rebuild or not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        size = "small" if args.quick else "large"
        print(f"building the {size} demo in {args.db} …", file=sys.stderr)
        print(f"build: {build(args.db, size):.1f} s", file=sys.stderr)

    from app.auth import authenticate
    from db.engine import Database

    database = Database(args.db)
    with database.unit() as session:
        actor = authenticate(session=session, username="admin", password=PASSWORD)
    database.dispose()

    results: dict[str, object] = {}
    for name in only.split(","):
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            results[name] = "not available in this checkout"
            continue
        run = module.run
        params = run.__code__.co_varnames[: run.__code__.co_argcount]
        kwargs = {k: v for k, v in {"db_path": args.db, "actor": actor}.items() if k in params}
        results[name] = run(**kwargs)
        print(f"{name}: {json.dumps(results[name], ensure_ascii=False)}", file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    from bench.budgets import table

    print(("\nbudgets (a small demo: figures are not comparable with the large one)\n" if args.quick else
           "\nbudgets\n") + table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
