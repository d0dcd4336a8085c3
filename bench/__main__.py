"""Build (or reuse) the large demo database and measure what the issues budget.

    .venv/bin/python -m bench [--db bench-out/large.sqlite3] [--rebuild] [--only people,printing,…]

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
SECTIONS = ["people", "gui", "printing", "meetings", "mediation", "points", "sync", "township", "dashboard"]


def build(db_path: Path) -> float:
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
        demo.generate(session=session, actor=actor, size="large", seed=2026)
    database.dispose()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--db", type=Path, default=ROOT / "bench-out" / "large.sqlite3")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", default=",".join(SECTIONS))
    args = parser.parse_args()
    os.environ.setdefault("VILLAGEDESK_HOME", str(ROOT / "bench-out" / "home"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))

    if args.rebuild or not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        print(f"building the large demo in {args.db} …", file=sys.stderr)
        print(f"build: {build(args.db):.1f} s", file=sys.stderr)

    from app.auth import authenticate
    from db.engine import Database

    database = Database(args.db)
    with database.unit() as session:
        actor = authenticate(session=session, username="admin", password=PASSWORD)
    database.dispose()

    results: dict[str, object] = {}
    for name in args.only.split(","):
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
