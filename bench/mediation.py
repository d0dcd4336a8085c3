"""Mediation on the large demo (≈1,500 cases over ten years): the cases list (ids and the first
screenful of rows, ≤ 150 ms; the page offscreen too), a year's statistics (≤ 100 ms) and an
agreement PDF built and rendered warm (≤ 100 ms)."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

LIMITS = {"case_list_ms": 150.0, "yearly_statistics_ms": 100.0, "agreement_pdf_warm_ms": 100.0,
          "open_mediation_page_ms": 150.0}


from bench import median_ms as _median_ms  # noqa: E402


def run(db_path: Path, actor) -> dict[str, float]:
    from sqlmodel import select

    from app import mediation
    from app.printing import build_document, render
    from db.engine import Database
    from db.models.mediation import MediationCase

    database = Database(db_path)
    result: dict[str, float] = {}
    with database.session() as session:
        result["cases"] = mediation.counts(session=session, actor=actor).total
        year = mediation.today().year - 1  # the last full year

        def case_list() -> None:
            ids = mediation.case_ids(session=session, actor=actor)
            mediation.case_rows(session=session, actor=actor, ids=ids[:50])

        result["case_list_ms"] = _median_ms(case_list)
        result["case_list_filtered_ms"] = _median_ms(
            lambda: mediation.case_ids(session=session, actor=actor, category="family", year=year))
        result["yearly_statistics_ms"] = _median_ms(lambda: mediation.statistics(session=session, actor=actor,
                                                                                  year=year))
        result["all_years_statistics_ms"] = _median_ms(lambda: mediation.statistics(session=session, actor=actor))
        agreed = session.exec(select(MediationCase.id).where(MediationCase.outcome == mediation.AGREED)
                              .order_by(MediationCase.registered_on.desc())).first()
        session.info["read_only"] = True  # the benchmark reads: no access-log rows for its rounds

        def agreement() -> None:
            render(build_document("mediation_agreement", session=session, actor=actor, ident=agreed))

        agreement()  # cold: fonts registered, the printing model loaded
        result["agreement_pdf_warm_ms"] = _median_ms(agreement)
        result["yearly_summary_pdf_warm_ms"] = _median_ms(
            lambda: render(build_document("mediation_yearly", session=session, actor=actor, ident=str(year))), 3)
    database.dispose()
    result.update(_page(db_path, actor))
    result["within_limits"] = all(result.get(k, 0) <= v for k, v in LIMITS.items())
    return result


def _page(db_path: Path, actor) -> dict[str, float]:
    """Open the mediation page until its first screenful is fetched (offscreen, median of 5)."""
    try:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        from ui.ops import shutdown_worker, worker
        from ui.pages.base import PageContext
        from ui.pages.mediation import MediationPage
    except ImportError:
        return {}
    from db.engine import Database

    app = QApplication.instance() or QApplication([])
    worker().database = Database(db_path)
    context = PageContext(actor=actor, village_name="青石村")
    timings = []
    for _round in range(5):
        start = time.perf_counter()
        page = MediationPage(context, "mediation")
        page.resize(1100, 760)
        loop = QEventLoop()
        page.ids_loaded.connect(lambda _n, loop=loop: loop.quit())
        QTimer.singleShot(10000, loop.quit)
        page.show()
        page.page_shown()
        loop.exec()
        for row in range(min(30, page.model.rowCount())):
            for column in range(page.model.columnCount()):
                page.model.data(page.model.index(row, column))
        app.processEvents()
        timings.append(time.perf_counter() - start)
        page.close()
        page.deleteLater()
    shutdown_worker()
    return {"open_mediation_page_ms": round(statistics.median(timings) * 1000, 1),
            "open_mediation_page_first_ms": round(timings[0] * 1000, 1)}
