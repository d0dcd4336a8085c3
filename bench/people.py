"""People register: search latency over the large demo (~9,000 residents)."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

QUERIES = ["zs", "zhang", "wang", "李", "ly", "oy", "shan", "138", "chen", "欧阳", "lw", "hx", "zeng", "wjg", "刘"]


def run(db_path: Path, actor) -> dict[str, float]:
    from app import people
    from db.engine import Database

    database = Database(db_path)
    timings = []
    with database.session() as session:
        people.resident_ids(session=session, actor=actor, query="warm")
        for _round in range(5):
            for query in QUERIES:
                start = time.perf_counter()
                ids = people.resident_ids(session=session, actor=actor, query=query)
                people.resident_rows(session=session, actor=actor, ids=ids[:60])  # the first screenful
                timings.append(time.perf_counter() - start)
        residents = len(people.resident_ids(session=session, actor=actor))
    database.dispose()
    timings.sort()
    return {
        "residents": residents,
        "search_median_ms": round(statistics.median(timings) * 1000, 1),
        "search_p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 1),
        "search_max_ms": round(timings[-1] * 1000, 1),
    }
