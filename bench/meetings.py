"""Meetings and concerns: 办结率 over ten years of the large demo (≤ 100 ms), and opening the
meetings and concerns pages (≤ 150 ms, offscreen)."""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path


def _median_ms(func, rounds: int = 7) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return round(statistics.median(timings) * 1000, 1)


def run(db_path: Path, actor) -> dict[str, float]:
    from app import concerns, meetings
    from db.engine import Database

    database = Database(db_path)
    result: dict[str, float] = {}
    with database.session() as session:
        today = concerns.today()
        start = today.replace(year=today.year - 10)
        first = time.perf_counter()
        rows = concerns.closure_rates(session=session, actor=actor, by="month", start=start, on=today)
        result["closure_rate_by_month_10y_cold_ms"] = round((time.perf_counter() - first) * 1000, 1)
        result["months"] = len(rows)
        result["concerns_due"] = sum(r.due for r in rows)
        for by in concerns.GROUPINGS:
            result[f"closure_rate_by_{by}_10y_ms"] = _median_ms(
                lambda by=by: concerns.closure_rates(session=session, actor=actor, by=by, start=start, on=today))
        result["stats_ms"] = _median_ms(lambda: (meetings.stats(session=session, actor=actor),
                                                 concerns.stats(session=session, actor=actor)), rounds=3)
        result["meeting_ids_ms"] = _median_ms(lambda: meetings.meeting_ids(session=session, actor=actor))
        result["concern_ids_ms"] = _median_ms(lambda: concerns.concern_ids(session=session, actor=actor))
    database.dispose()
    result.update(_pages(db_path, actor))
    return result


def _pages(db_path: Path, actor) -> dict[str, float]:
    """Open each page on the large demo until its first screenful is fetched."""
    try:
        from ui.pages import concerns as concerns_page  # noqa: F401
        from ui.pages import meetings as meetings_page  # noqa: F401
    except ImportError:
        return {}
    from bench_pages_meetings import open_pages  # noqa: F401  (placeholder until the pages exist)

    return open_pages(db_path, actor)
