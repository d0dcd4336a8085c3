"""月报: the dashboard's figures of one month and the eleven before it, on one A4 page.

``villagedesk print monthly-report --month 2026-11`` (or ``--id latest``: last month, the last
whole one). A table of the month's figures against the twelve months' totals, then the charts:
meetings held by kind (stacked bars), concerns raised and closed with 办结率 (bars and a line),
and each area's key figure. Counts only: no person, party or case is named.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth import Actor, require
from app.i18n import N_, _, format_number, format_percent
from app.meetings.documents import village_profile
from app.printing import Column, Document, Para, PrintKind, Table
from app.workbench.charts import month_chart_blocks
from app.workbench.service import MonthSeries, month_label, month_of, month_series


def figure_lines(series: MonthSeries) -> list[tuple[str, str, str]]:
    """(what, this month, the twelve months) for the table; the month is the last of the series."""
    def count(values: list[Any]) -> tuple[str, str]:
        return format_number(values[-1]), format_number(round(sum(values), 1))

    meetings = [sum(v[i] for v in series.meetings_by_kind.values()) for i in range(len(series.months))]
    raised = sum(series.concerns_raised)
    year_rate = None
    if raised:
        # the twelve months' 办结率: of the concerns raised in them, the share closed by now
        done = sum(round((r or 0) * n) for r, n in zip(series.closure_rate, series.concerns_raised, strict=True))
        year_rate = done / raised
    rate = series.closure_rate[-1]
    lines = [
        (_("Meetings held"), *count(meetings)),
        (_("Concerns raised"), *count(series.concerns_raised)),
        (_("Concerns closed"), *count(series.concerns_closed)),
        (_("Closure rate (办结率)"), format_percent(rate) if rate is not None else "—",
         format_percent(year_rate) if year_rate is not None else "—"),
    ]
    labels = {"mediation_cases": N_("Mediation cases registered"), "volunteer_hours": N_("Volunteer hours"),
              "points_issued": N_("Points issued"), "points_redeemed": N_("Points redeemed")}
    for key, values in series.figures.items():
        lines.append((_(labels.get(key, key)), *count(values)))
    return lines


def _monthly_report(*, session: Session, actor: Actor, ident: str) -> Document:
    require(actor, "stats.view")
    first = month_of(ident)
    series = month_series(session=session, actor=actor, end=first)
    profile = village_profile(session)
    village = profile.name if profile else ""
    period = _("{first} to {last}").format(first=month_label(series.months[0]), last=month_label(series.months[-1]))
    lines = figure_lines(series)
    charts = month_chart_blocks(series)
    half = (len(lines) + 1) // 2
    # two figures a row (what, this month, twelve months; twice): the page keeps room for the charts
    rows = [list(left) + (list(lines[half + i]) if half + i < len(lines) else ["", "", ""])
            for i, left in enumerate(lines[:half])]
    columns = []
    for side in ("a", "b"):
        columns += [Column(f"what_{side}", _("Item"), weight=3.0),
                    Column(f"month_{side}", _("This month"), align="right", weight=1.0),
                    Column(f"year_{side}", _("12 months"), align="right", weight=1.15)]
    blocks: list[Any] = [
        Para(_("Twelve months: {period}").format(period=period), indent=False, align="center"),
        Table(columns=columns, rows=rows),
        # the same charts the 工作台 shows (app.workbench.charts): meetings by kind, concerns with 办结率
        *(charts[key] for key in ("meetings", "concerns")),
    ]
    return Document(title=_("{village} monthly report, {month}").format(village=village,
                                                                        month=month_label(series.months[-1])),
                    # no 落款 block: a working report of counts, made by the program (a signature
                    # block would take the space of a chart: the page is one A4 sheet)
                    style="official", blocks=blocks,
                    subject=_("Monthly report"), fit_one_page=True)


PRINT_KINDS = (
    PrintKind("monthly-report", public=False, description=N_("Monthly report of the dashboard's figures (月报)"),
              builder=_monthly_report),
)
