"""Meetings and concerns: 办结率 over ten years of the large demo (≤ 100 ms), opening the
meetings and concerns pages (≤ 150 ms, offscreen), and searching them (≤ 30 ms p95; the first
search of a fresh process too, since that is the one a clerk waits for after start-up)."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SEARCHES = ["chenlei", "xiezr", "修路", "lg", "wang", "dl", "yhw", "2025", "路灯", "zs"]


from bench import median_ms as _median_ms  # noqa: E402


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
    result.update(_first_search(db_path, actor))
    result.update(_pages(db_path, actor))
    return result


def searches(db_path: Path, username: str) -> dict[str, float]:
    """In a fresh interpreter: the first concern and meeting search, then the warm p95 of many."""
    from app import concerns, meetings
    from app.auth import Actor
    from db.engine import Database

    actor = Actor(user_id="", username=username, display_name=username, role="secretary")
    database = Database(db_path)
    result: dict[str, float] = {}
    with database.session() as session:
        for name, search in (("concern", lambda q: concerns.concern_ids(session=session, actor=actor, search=q)),
                             ("meeting", lambda q: meetings.meeting_ids(session=session, actor=actor, search=q))):
            start = time.perf_counter()
            search(SEARCHES[0])
            result[f"{name}_search_first_ms"] = round((time.perf_counter() - start) * 1000, 1)
            timings = []
            for _round in range(3):
                for query in SEARCHES:
                    start = time.perf_counter()
                    search(query)
                    timings.append(time.perf_counter() - start)
            timings.sort()
            result[f"{name}_search_p95_ms"] = round(timings[int(len(timings) * 0.95) - 1] * 1000, 1)
    database.dispose()
    return result


def _first_search(db_path: Path, actor) -> dict[str, float]:
    code = ("import json, sys; from pathlib import Path; from bench.meetings import searches; "
            "print('RESULT ' + json.dumps(searches(Path(sys.argv[1]), sys.argv[2])))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code, str(db_path), actor.username], cwd=root, env=dict(os.environ),
                         capture_output=True, text=True, timeout=600)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        return {"search_error": (out.stderr or out.stdout)[-2000:]}
    return json.loads(line[len("RESULT "):])


def _pages(db_path: Path, actor) -> dict[str, float]:
    """Open each page on the large demo until its first screenful is fetched (offscreen, median of 5)."""
    try:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        from ui.ops import shutdown_worker, worker
        from ui.pages.base import PageContext
        from ui.pages.concerns import ConcernsPage
        from ui.pages.deliberation import DeliberationPage
        from ui.pages.meetings import MeetingsPage
    except ImportError:
        return {}
    from db.engine import Database

    app = QApplication.instance() or QApplication([])
    worker().database = Database(db_path)
    context = PageContext(actor=actor, village_name="青石村")
    result: dict[str, float] = {}
    for name, page_class in (("meetings", MeetingsPage), ("concerns", ConcernsPage),
                             ("deliberation", DeliberationPage)):
        timings = []
        for _round in range(5):
            start = time.perf_counter()
            page = page_class(context, name)
            page.resize(1100, 760)
            loop = QEventLoop()
            page.ids_loaded.connect(lambda _n, loop=loop: loop.quit())
            QTimer.singleShot(10000, loop.quit)
            page.show()
            page.page_shown()
            loop.exec()
            for row in range(min(30, page.model.rowCount())):  # the first screenful, as the view paints it
                for column in range(page.model.columnCount()):
                    page.model.data(page.model.index(row, column))
            app.processEvents()
            timings.append(time.perf_counter() - start)
            page.close()
            page.deleteLater()
        result[f"open_{name}_page_ms"] = round(statistics.median(timings) * 1000, 1)
        result[f"open_{name}_page_first_ms"] = round(timings[0] * 1000, 1)
    shutdown_worker()
    return result
