"""The GUI: start-up, sign-in, every page's first open, searching through the UI, memory.

    .venv/bin/python -m bench --only gui

Start-up is measured in fresh processes (offscreen), from launching the interpreter until the main
window is shown (budget ≤ 1.0 s median), and until the store is open and the login form is ready.
The rest runs in two more fresh processes, each signed in through the login form:

- sign-in → 工作台 with figures: from pressing 登录 until every figure card is filled and painted
  (the password is typed once the store is open, as a clerk takes seconds to type it);
- residents page and search: a keystroke is a real key event into the search box, timed until the
  results for the text now in the box are painted (the query on the database worker, the model
  reset, the first screenful, the paint: whatever lies between). Since the page lists a search in
  two trips (ui/pages/register.py, ``first_screenful_first``), "the results painted" is the first
  screenful, its rows and the count painted: what the clerk sees. The whole list of ids follows
  on the worker, appended below without moving the view; the next key is typed once it is in
  (as before, when a keystroke was timed until everything was in), and keystroke → whole list in
  and the count final is its own figure (``ui_search_complete_*``: what ``ui_search_*`` measured
  before). ``ui_search_query_only_p95_ms`` is the database worker's part of the first screenful
  (the ids of the first screenful, the count, their rows), no longer that of the whole list. The
  residents page's open and sort figures still end when the whole list is in;
- every page of ``ui.pages.PAGES``, first open, in the navigation's order, until its first data
  is shown and painted; then the memory of that process (RSS and its peak) with every page visited.

The page figures are taken once the window has settled after sign-in (the 工作台's figures shown,
the pages' code loaded in the pauses: ui/warmup.py). Figures are printed, never asserted.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-1"  # the large demo's admin (bench/__main__.py builds it)
QUICK = bool(os.environ.get("VILLAGEDESK_BENCH_QUICK"))
STARTUP_RUNS = 3 if os.environ.get("VILLAGEDESK_BENCH_QUICK") else 7
SORTS = [("age", False), ("age", True), ("household", False), ("group", True), ("grid", False), ("name", True),
         ("status", False)]
QUERIES = ["zs", "zhang", "wang", "李", "ly", "oy", "shan", "138", "chen", "欧阳", "lw", "hx", "zeng", "wjg", "刘"]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = QWidget()
window.resize(800, 600)
window.show()
app.processEvents()
print("shown", flush=True)
"""


def bare_window(runs: int = STARTUP_RUNS) -> float:
    """Median seconds from launching a fresh interpreter to a bare PySide6 window shown: the
    yardstick issue 16 sets the login form against (≤ 4×, measured in the same run)."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", BARE_WINDOW], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("shown"):
                times.append(time.perf_counter() - start)
        process.wait(timeout=60)
    return statistics.median(times)


def startup(db_path: Path, runs: int = STARTUP_RUNS) -> dict[str, Any]:
    """Launch ``ui.app.main`` in fresh interpreters; time until shown and until the login is ready."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               VILLAGEDESK_BENCH_SHOWN="ready")
    code = "import sys; from ui.app import main; sys.exit(main([], sys.argv[1]))"
    shown, ready, shown_inside = [], [], []
    for _run in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", code, str(db_path)], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None
        for line in process.stdout:
            elapsed = time.perf_counter() - start
            parts = line.split()
            if parts[:1] == ["shown"]:
                shown.append(elapsed)
                shown_inside.append(float(parts[1]))
            elif parts[:1] == ["ready"]:
                ready.append(elapsed)
        process.wait(timeout=60)
    result: dict[str, Any] = {
        "startup_runs": runs,
        "window_shown_median_s": round(statistics.median(shown), 3),
        "window_shown_max_s": round(max(shown), 3),
        "window_shown_after_ui_import_median_s": round(statistics.median(shown_inside), 3),
        # The first run meets a store this home has not opened before: the loading card until it is
        # open (~2 s: the database layer's imports). Every later start shows the login form at once
        # and opens the store behind it (ui/start.py): that is the clerk's everyday start.
        "login_ready_first_start_s": round(ready[0], 3) if ready else None,
        "login_ready_median_s": round(statistics.median(ready[1:] or ready), 3) if ready else None,
    }
    bare = bare_window(runs)
    result["bare_window_median_s"] = round(bare, 3)
    if ready:
        result["login_ready_vs_bare_x"] = round(statistics.median(ready[1:] or ready) / bare, 2)
    return result


def signed_in_window(db_path: Path, password: str, size: tuple[int, int]) -> tuple[Any, Any]:
    """``(app, window)``: the real main window on ``db_path``, signed in as admin, every start-up
    read done (the page figures measure pages, not the sign-in).

    ``window.bench_sign_in_s``: from pressing 登录 until the 工作台 shows every figure card filled
    and painted (this process's first sign-in: argon2, the workspace and the 工作台 built). The
    password is typed once the store is open (a clerk takes seconds to type it; the window opens
    the store and loads the 工作台's code meanwhile)."""
    from ui.app import create_application

    app = create_application([])
    from ui.main_window import MainWindow
    from ui.ops import worker

    window = MainWindow(db_path)
    window.resize(*size)
    window.show()
    window.start()
    login = window.start_panel.login
    _spin(app, lambda: window.start_panel.current_card is login)
    _spin(app, lambda: worker().pending() == 0)  # the store opened behind the form (the clerk types meanwhile)
    login.username.setText("admin")
    login.password.setText(password)
    start = time.perf_counter()
    login.submit()
    _spin(app, lambda: window.workspace is not None)
    home = window.workspace.pages.get("dashboard")
    _spin(app, lambda: home is None or home.figures_loaded)
    _painted(app)
    window.bench_sign_in_s = time.perf_counter() - start
    _spin(app, lambda: worker().pending() == 0)
    # The pages are loaded in the pauses while the clerk reads the 工作台 (ui/warmup.py): the
    # page figures are taken after that, as a clerk who looks at the figures first meets them.
    warm = time.perf_counter()
    _spin(app, lambda: getattr(window, "warmup", None) is None or window.warmup.done)
    window.bench_warmup_s = time.perf_counter() - warm
    return app, window


def _spin(app: Any, condition: Any, timeout: float = 60.0) -> None:
    """Run the event loop until ``condition()``: the GUI thread sleeps in Qt's event loop between
    events, as under ``app.exec()``. (Polling with ``processEvents`` and a short sleep took
    Python's lock every half millisecond, slowing the database worker thread it waited for.)"""
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + timeout
    tick = QTimer()  # a wake-up now and then, for a condition no event announces
    tick.start(20)
    try:
        while not condition():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            if time.perf_counter() > end:
                raise TimeoutError("the GUI did not answer in time")
    finally:
        tick.stop()


def _click_nav(app: Any, window: Any, key: str) -> Any:
    """Open page ``key`` as the clerk does: a click on its line in the navigation (a real mouse press
    and release, through every application event filter), not a call into the window."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    from ui.pages import AREAS

    nav = window.workspace.nav
    item = nav.item(next(row for row, area in enumerate(AREAS) if area.key == key))
    nav.scrollToItem(item)
    where = QPointF(nav.visualItemRect(item).center())
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        app.sendEvent(nav.viewport(), QMouseEvent(kind, where, nav.viewport().mapToGlobal(where),
                                                  Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
                                                  Qt.KeyboardModifier.NoModifier))
    return window.workspace.pages[key]


def _search_settled(page: Any, text: str) -> bool:
    """The results for ``text`` are in the table: no query waiting or running for it (the first
    screenful of a page that lists a search in two trips: ``results_shown``)."""
    from ui.ops import worker

    if page.search.text() != text:
        return False
    if hasattr(page, "results_shown"):
        return page.shown_query == text and page.results_shown()
    if not page._loaded_once:
        return False
    if hasattr(page, "shown_query"):
        return page.shown_query == text and worker().pending() == 0
    debounce = getattr(page, "_debounce", None)  # the page before issue 16: a 150 ms typing pause
    return (debounce is None or not debounce.isActive()) and worker().pending() == 0


def _painted(app: Any, page: Any = None) -> None:
    """Let the window paint what changed (the table's first screenful…), once: the updates the
    widgets asked for are posted events, painted by the event loop (a forced repaint on top of
    them would count the paint twice)."""
    app.processEvents()
    app.processEvents()  # an update posted while the first pass delivered a result


def pages_and_search(db_path: Path) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.ops import shutdown_worker, worker

    app, window = signed_in_window(db_path, PASSWORD, (1280, 800))

    def open_residents(fresh: bool = True) -> tuple[float, Any]:
        """The residents page opened by a click: the first time as the clerk meets it (built and
        read in the pauses after sign-in: ui/warmup.py), then each time a page built afresh."""
        workspace = window.workspace
        old = workspace.pages.pop("residents", None) if fresh else None
        if old is not None:  # a fresh page each time: measure opening, not switching back
            workspace.open_area("dashboard")
            workspace.stack.removeWidget(old)
            old.deleteLater()
            _spin(app, lambda: worker().pending() == 0)  # the dashboard's figures are not part of it
        start = time.perf_counter()
        page = _click_nav(app, window, "residents")
        _spin(app, lambda: page._loaded_once)
        _painted(app, page)
        return time.perf_counter() - start, page

    first, page = open_residents(fresh=False)
    opens = [open_residents()[0] for _ in range(5)]
    page = window.workspace.pages["residents"]
    residents = page.model.rowCount()
    fetches_on_open = page.model.fetch_count

    # A keystroke, as the clerk types it: a real key event into the search box, timed until the
    # results for the text now in the box are painted, whatever lies between (a typing pause, the
    # query on the database worker, the model reset, the rows of the first screenful, the paint).
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtGui import QKeyEvent

    def type_key(char: str) -> None:  # what a keyboard (or an input method committing 李) sends
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(page.search, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))

    class PaintCounter(QObject):
        """Counts the table's paints: the results are painted once, by the event loop or by us."""
        count = 0

        def eventFilter(self, _watched: Any, event: Any) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = PaintCounter()
    page.table.viewport().installEventFilter(paints)
    keystrokes, queries_only, complete = [], [], []
    for _round in range(1 if QUICK else 3):
        for query in QUERIES:
            page.search.setText("")
            _spin(app, lambda: _search_settled(page, "") and worker().pending() == 0)
            _painted(app, page)  # nothing left to paint from before
            for char in query:
                before = paints.count
                start = time.perf_counter()
                type_key(char)
                typed = page.search.text()
                _spin(app, lambda typed=typed: _search_settled(page, typed))
                app.processEvents()  # the paint the results asked for
                if paints.count == before:
                    page.table.viewport().repaint()
                keystrokes.append(time.perf_counter() - start)
                queries_only.append((page.last_query_ms or 0) / 1000)
                # the whole list of ids and the count (the next key comes once they are in)
                _spin(app, lambda: worker().pending() == 0 and getattr(page, "ids_complete", True))
                _painted(app, page)
                complete.append(time.perf_counter() - start)
    page.search.setText("")
    _spin(app, lambda: _search_settled(page, ""))

    # The same searches set whole and started at once (Enter): no typing pause, for comparison.
    searches = []
    for query in QUERIES:
        _spin(app, lambda: worker().pending() == 0)  # the previous search's whole list is in
        _painted(app, page)
        before = paints.count
        start = time.perf_counter()
        page.search.setText(query)
        page._search_now()
        _spin(app, lambda q=query: _search_settled(page, q))
        app.processEvents()
        if paints.count == before:
            page.table.viewport().repaint()
        searches.append(time.perf_counter() - start)
    page.search.setText("")
    page._search_now()
    _spin(app, lambda: worker().pending() == 0)

    sorts = []  # a header click: the ids re-queried in that order, the first screenful painted
    for _round in range(3):
        for key, descending in SORTS:
            start = time.perf_counter()
            page.sort_by(key, descending)
            _spin(app, lambda: worker().pending() == 0)
            _painted(app, page)
            sorts.append(time.perf_counter() - start)
    page.sort_by("name")
    _spin(app, lambda: worker().pending() == 0)
    window.close()
    shutdown_worker()
    return {
        "sign_in_dashboard_s": round(window.bench_sign_in_s, 3),
        "residents": residents,
        "residents_page_first_open_ms": _ms(first),
        "residents_page_open_median_ms": _ms(statistics.median(opens)),
        "residents_page_open_max_ms": _ms(max(opens)),
        "row_pages_fetched_on_open": fetches_on_open,
        "ui_keystrokes": len(keystrokes),
        "ui_search_median_ms": _ms(statistics.median(keystrokes)),
        "ui_search_p95_ms": _ms(_p95(keystrokes)),
        "ui_search_max_ms": _ms(max(keystrokes)),
        "ui_search_query_only_p95_ms": _ms(_p95(queries_only)),
        "ui_search_complete_median_ms": _ms(statistics.median(complete)),
        "ui_search_complete_p95_ms": _ms(_p95(complete)),
        "ui_search_enter_p95_ms": _ms(_p95(searches)),
        "residents_sort_median_ms": _ms(statistics.median(sorts)),
        "residents_sort_max_ms": _ms(max(sorts)),
    }


def _memory_mb() -> tuple[float, float]:
    """(resident set, its peak) of this process in MB, from /proc (Linux)."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _sep, value = line.partition(":")
            fields[key] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


def every_page_unbuilt(db_path: Path) -> dict[str, Any]:
    """:func:`every_page` for a clerk who clicks before the pauses after sign-in built the pages
    (ui/warmup.py): each page is built by the click that opens it. The pages' warm reads have run
    (on the worker, beside the warm-up's imports: done ~1.5–1.9 s after the 工作台's figures on the
    large demo) and what they found is kept for each page's first read (``Workspace.take_warm``),
    as for a clerk whose first click comes after them; a page clicked before its warm read ran
    reads as usual (the figure for that is the residents page built afresh:
    ``residents_page_open_median_ms``).

    The 工作台 is never built by a click: it is built behind the login form while the password is
    typed and shown by signing in (its figure is the sign-in's, ``sign_in_dashboard_*``). Built
    afresh by a click here all the same, it is reported on its own line
    (``dashboard_built_by_a_click_ms``), not in the worst page's."""
    from ui.main_window import Workspace

    Workspace.prebuild = lambda _self, _key: None  # this process only
    result = every_page(db_path, rebuild_dashboard=True)
    opened = dict(result["page_first_open_ms"])
    dashboard = opened.pop("dashboard", None)
    worst = max(opened, key=opened.__getitem__)
    return {"page_unbuilt_first_open_worst_ms": opened[worst],
            "page_unbuilt_first_open_worst": worst,
            "page_unbuilt_first_open_ms": opened,
            "dashboard_built_by_a_click_ms": dashboard}


def every_page(db_path: Path, rebuild_dashboard: bool = False) -> dict[str, Any]:
    """Sign in, then open every page of ``ui.pages.PAGES`` for the first time, in the navigation's
    order, each until its first data is shown and painted (nothing left on the database worker);
    then the memory of the process with every page visited. The 工作台 is built and read at
    sign-in (its own line): its figure here is the clerk clicking back to it after the others
    (nothing saved meanwhile); ``rebuild_dashboard``: a fresh 工作台 built again instead."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.ops import shutdown_worker, worker
    from ui.pages import AREAS, PAGES

    app, window = signed_in_window(db_path, PASSWORD, (1366, 768))
    workspace = window.workspace
    opened: dict[str, float] = {}
    keys = [area.key for area in AREAS if area.key in PAGES and area.key in workspace.offered]
    for key in [k for k in keys if k != "dashboard"] + ["dashboard"]:
        if key == "dashboard" and rebuild_dashboard:
            old = workspace.pages.pop("dashboard")
            workspace.stack.removeWidget(old)
            old.deleteLater()
        _spin(app, lambda: worker().pending() == 0)
        start = time.perf_counter()
        _click_nav(app, window, key)
        _spin(app, lambda: worker().pending() == 0)
        _painted(app)
        opened[key] = time.perf_counter() - start
    rss, peak = _memory_mb()
    worst = max(opened, key=opened.__getitem__)
    window.close()
    shutdown_worker()
    return {
        "sign_in_dashboard_first_s": round(window.bench_sign_in_s, 3),
        "pages_warmed_after_sign_in_s": round(window.bench_warmup_s, 3),
        "page_first_open_worst_ms": _ms(opened[worst]),
        "page_first_open_worst": worst,
        "page_first_open_ms": {key: _ms(seconds) for key, seconds in opened.items()},
        "every_page_rss_mb": round(rss, 1),
        "every_page_peak_rss_mb": round(peak, 1),
    }


def _in_own_process(function: str, db_path: Path) -> dict[str, Any]:
    """Run ``bench.gui.<function>(db_path)`` in a fresh interpreter (one QApplication, a clean worker)."""
    import json

    code = (f"import json, sys; from pathlib import Path; from bench.gui import {function}; "
            f"print('RESULT ' + json.dumps({function}(Path(sys.argv[1]))))")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    out = subprocess.run([sys.executable, "-c", code, str(db_path)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        return {f"{function}_error": (out.stderr or out.stdout)[-2000:]}
    return json.loads(line[len("RESULT "):])


def run(db_path: Path) -> dict[str, Any]:
    results = startup(db_path)
    results.update(_in_own_process("pages_and_search", db_path))
    results.update(_in_own_process("every_page", db_path))
    results.update(_in_own_process("every_page_unbuilt", db_path))
    signs = [results.get(k) for k in ("sign_in_dashboard_first_s", "sign_in_dashboard_s")]
    signs = [v for v in signs if isinstance(v, float)]
    if signs:  # two fresh processes' first sign-in: the slower one is the figure
        results["sign_in_dashboard_worst_s"] = max(signs)
    for key, ms in (results.get("page_first_open_ms") or {}).items():
        results[f"page_first_open_{key}_ms"] = ms
    return results


if __name__ == "__main__":
    import json

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench-out" / "large.sqlite3"
    os.environ.setdefault("VILLAGEDESK_HOME", str(ROOT / "bench-out" / "home"))
    print(json.dumps(run(target), ensure_ascii=False, indent=2))
