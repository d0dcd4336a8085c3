"""Every budget the issues set, beside the figure that measures it.

``python -m bench`` prints this table after its JSON: one line per budget, the figure of this
run, the budget and whether it holds. Figures are reported, never asserted (a loaded machine is
slower; CI runs ``--quick`` to show the table, not to gate on it).
"""
from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class Budget:
    section: str
    key: str
    limit: float
    unit: str  # "ms", "s", "KB", "MB", "x" (a ratio), "rows/s" (at least)
    what: str
    at_least: bool = False  # a throughput: the figure must reach the limit

    def holds(self, figure: float) -> bool:
        return figure >= self.limit if self.at_least else figure <= self.limit


def _page_keys() -> list[str]:
    """Every built page, in the navigation's order (ui.pages imports no Qt: cheap)."""
    try:
        from ui.pages import AREAS, PAGES
    except ImportError:  # pragma: no cover - a checkout without the GUI
        return []
    return [area.key for area in AREAS if area.key in PAGES]


BUDGETS: list[Budget] = [
    # issue 16: what the clerk waits for
    Budget("gui", "login_ready_vs_bare_x", 4, "x", "launch → login form usable ÷ a bare PySide6 window"),
    Budget("gui", "login_ready_median_s", 0.37, "s", "launch → login form usable (0.37 s: 4× this morning's bare)"),
    Budget("gui", "window_shown_median_s", 1.0, "s", "launch → window shown"),
    Budget("gui", "ui_search_p95_ms", 16, "ms", "keystroke in residents search → painted, p95"),
    Budget("gui", "sign_in_dashboard_worst_s", 0.4, "s", "sign-in → 工作台 with figures (worst of 2)"),
    Budget("gui", "residents_page_first_open_ms", 50, "ms", "residents page, first open"),
    Budget("gui", "page_first_open_worst_ms", 50, "ms", "any page, first open (the worst)"),
    *[Budget("gui", f"page_first_open_{key}_ms", 50, "ms", f"  {key} page, first open (every page in turn)")
      for key in _page_keys()],
    Budget("gui", "page_unbuilt_first_open_worst_ms", 50, "ms",
           "any page, first open, clicked before the warm-up built it"),
    Budget("gui", "every_page_rss_mb", 200, "MB", "memory with every page visited (RSS)"),
    Budget("gui", "every_page_peak_rss_mb", 200, "MB", "memory with every page visited (peak RSS)"),
    Budget("people", "search_p95_ms", 16, "ms", "resident search query + first screenful, p95"),
    Budget("cli", "print_notice_s", 1.0, "s", "villagedesk print notice --id latest, whole process"),
    # earlier issues
    Budget("printing", "poster_warm_ms", 300, "ms", "one-page poster, warm"),
    Budget("printing", "poster_kb", 300, "KB", "one-page poster size"),
    Budget("printing", "roster_500_s", 3, "s", "500-row roster"),
    Budget("meetings", "closure_rate_by_month_10y_cold_ms", 100, "ms", "办结率 over ten years"),
    Budget("mediation", "case_list_ms", 50, "ms", "mediation case list"),
    Budget("mediation", "open_mediation_page_first_ms", 50, "ms", "mediation page, first open"),
    Budget("points", "balance_ms", 10, "ms", "a household's points balance"),
    Budget("points", "ranking_year_ms", 200, "ms", "ranking of every household for a year"),
    Budget("points", "open_points_page_first_ms", 50, "ms", "points page, first open"),
    Budget("sync", "full_export_s", 5, "s", "full bundle export"),
    Budget("sync", "incremental_export_s", 1, "s", "incremental bundle export"),
    Budget("sync", "import_to_plain_ratio", 0.5, "x", "bundle import speed vs plain upserts", at_least=True),
    Budget("township", "median_ms", 200, "ms", "township summary over 40 villages"),
    Budget("dashboard", "dashboard_todo_painted_median_ms", 50, "ms", "工作台: to-do list painted"),
    Budget("excel", "import_s", 10, "s", "9,000-row Excel import"),
    Budget("excel", "export_residents_s", 5, "s", "Excel export of every resident"),
]


def _figure(results: dict[str, Any], budget: Budget) -> float | None:
    section = results.get(budget.section)
    if not isinstance(section, dict):
        return None
    value = section.get(budget.key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def table(results: dict[str, Any]) -> str:
    """A plain-text table: what, figure, budget, verdict; budgets whose section did not run are left out."""
    lines = [f"{'what':<52} {'figure':>10} {'budget':>12}  ", "-" * 84]
    for budget in BUDGETS:
        if budget.section not in results:
            continue
        figure = _figure(results, budget)
        bound = f"{'≥' if budget.at_least else '≤'} {budget.limit:g} {budget.unit}"
        if figure is None:
            lines.append(f"{budget.what:<52} {'—':>10} {bound:>12}  not measured")
            continue
        verdict = "ok" if budget.holds(figure) else "OVER"
        lines.append(f"{budget.what:<52} {figure:>10g} {bound:>12}  {verdict}")
    return "\n".join(lines)
