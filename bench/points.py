"""Points on the large demo: a household's balance (≤ 10 ms), the year's ranking of all households
(≤ 200 ms), its passbook, the 红黑榜, the counter's household search, and opening the points page
until its counter is ready (≤ 150 ms, offscreen)."""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path


from bench import median_ms as _median_ms  # noqa: E402


def run(db_path: Path, actor) -> dict[str, float]:
    from sqlmodel import func, select

    from app import points
    from db.engine import Database
    from db.models.points import PointsEntry

    database = Database(db_path)
    result: dict[str, float] = {}
    with database.session() as session:
        entries = session.exec(select(func.count()).select_from(PointsEntry)).one()
        result["entries"] = int(entries)
        # the busiest household: the worst case for a balance and a passbook
        busiest = session.exec(select(PointsEntry.household_id).group_by(PointsEntry.household_id)
                               .order_by(func.count().desc()).limit(1)).first()
        if busiest is None:
            database.dispose()
            return {"error": "the store has no points entries (build it with --rebuild)"}
        last = session.exec(select(func.max(PointsEntry.entry_date))).one()
        start, end = dt.date(last.year, 1, 1), dt.date(last.year, 12, 31)
        first = time.perf_counter()
        rows = points.ranking(session=session, actor=actor, start=start, end=end)
        result["ranking_year_cold_ms"] = round((time.perf_counter() - first) * 1000, 1)
        result["ranked_households"] = len(rows)
        result["ranking_year_ms"] = _median_ms(lambda: points.ranking(session=session, actor=actor, start=start,
                                                                      end=end))
        result["ranking_year_top20_ms"] = _median_ms(lambda: points.ranking(session=session, actor=actor,
                                                                            start=start, end=end, limit=20))
        result["balance_ms"] = _median_ms(lambda: points.balance(session=session, actor=actor,
                                                                 household_id=busiest), rounds=21)
        book = points.passbook(session=session, actor=actor, household_id=busiest)
        result["passbook_lines"] = len(book.lines)
        result["passbook_ms"] = _median_ms(lambda: points.passbook(session=session, actor=actor,
                                                                   household_id=busiest))
        result["board_year_ms"] = _median_ms(lambda: points.board(session=session, actor=actor, start=start,
                                                                  end=end))
        result["household_search_ms"] = _median_ms(lambda: points.household_choices(session=session, actor=actor,
                                                                                     query="wang"))
    database.dispose()
    result.update(_page(db_path, actor))
    return result


def _page(db_path: Path, actor) -> dict[str, float]:
    """Open the points page until the counter's goods are shown (offscreen, median of 5)."""
    try:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        from ui.ops import shutdown_worker, worker
        from ui.pages.base import PageContext
        from ui.pages.points import PointsPage
    except ImportError:
        return {}
    from db.engine import Database

    app = QApplication.instance() or QApplication([])
    worker().database = Database(db_path)
    context = PageContext(actor=actor, village_name="青石村")
    timings = []
    for _round in range(5):
        start = time.perf_counter()
        page = PointsPage(context, "points")
        page.resize(1100, 700)
        loop = QEventLoop()
        page.loaded.connect(loop.quit)
        QTimer.singleShot(10000, loop.quit)
        page.show()
        page.page_shown()
        loop.exec()
        app.processEvents()
        timings.append(time.perf_counter() - start)
        page.close()
        page.deleteLater()
    shutdown_worker()
    return {"open_points_page_ms": round(statistics.median(timings) * 1000, 1),
            "open_points_page_first_ms": round(timings[0] * 1000, 1)}
