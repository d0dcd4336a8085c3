"""The charts of the last twelve months: defined once, printed in the 月报 and shown on the 工作台.

:func:`month_chart_blocks` says what each chart holds as a :class:`~app.printing.Chart` block (the
monthly report prints the first two); :func:`month_charts` draws all of them for the screen as
SVG documents with the same ReportLab code that draws them on paper
(:func:`app.printing.charts.chart_svg`). The 工作台 shows the SVG with QtSvg, so the program
carries no plotting library (pyqtgraph, numpy) for them. Counts only: no person is named.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session

from app.auth import Actor, require
from app.i18n import _
from app.meetings.codes import kind_label
from app.printing import Chart, ChartSeries
from app.printing.charts import chart_svg
from app.workbench.service import MonthSeries, month_label, month_series

# On screen, in SVG units (the 工作台 scales them, keeping the shape): the two charts with a legend
# share the upper row, the three single figures the lower one, at 1366×768 about one unit a pixel.
WIDE, NARROW = (540.0, 272.0), (360.0, 236.0)
SCREEN_FONT_SIZE = 12.0  # ticks and legend are 0.85 of it, the caption 1.25


@dataclasses.dataclass(frozen=True)
class ChartPicture:
    """One chart drawn for the screen: ``svg`` is a whole SVG document (UTF-8 text) whose viewBox
    is ``width`` × ``height``."""

    key: str
    title: str
    svg: str
    width: float
    height: float


@dataclasses.dataclass(frozen=True)
class MonthCharts:
    """The figures of the twelve months and their charts, in the order the 工作台 lays them out."""

    series: MonthSeries
    months: list[str]  # the charts' month labels (11月 / Nov), oldest first
    pictures: list[ChartPicture]


def month_chart_blocks(series: MonthSeries) -> dict[str, Chart]:
    """The charts of ``series``, by key: meetings held by kind (stacked), concerns raised and
    closed with 办结率, mediation cases, volunteer hours, points issued and redeemed. ``height``
    and ``min_height`` are for paper (mm); the screen gives its own size."""
    months = [month_label(k, short=True) for k in series.months]
    zeros = [0] * len(months)
    figures = series.figures
    return {
        "meetings": Chart(
            categories=months, stacked=True, height=52, min_height=32, caption=_("Meetings held, by kind"),
            series=[ChartSeries(kind_label(kind, short=True), values)
                    for kind, values in sorted(series.meetings_by_kind.items())]
            or [ChartSeries(_("Meetings held"), zeros)]),
        "concerns": Chart(
            categories=months, height=48, min_height=28, caption=_("Concerns raised and closed, and the closure rate"),
            series=[ChartSeries(_("Raised"), series.concerns_raised), ChartSeries(_("Closed"), series.concerns_closed),
                    ChartSeries(_("Closure rate (办结率)"), series.closure_rate, kind="rate")]),
        "mediation_cases": Chart(
            categories=months, caption=_("Mediation cases registered"),
            series=[ChartSeries(_("Mediation cases registered"), figures.get("mediation_cases", zeros))]),
        "volunteer_hours": Chart(
            categories=months, caption=_("Volunteer hours"),
            series=[ChartSeries(_("Volunteer hours"), figures.get("volunteer_hours", zeros))]),
        "points": Chart(
            categories=months, caption=_("Points issued and redeemed"),
            series=[ChartSeries(_("Points issued"), figures.get("points_issued", zeros)),
                    ChartSeries(_("Points redeemed"), figures.get("points_redeemed", zeros))]),
    }


def month_charts(*, session: Session, actor: Actor, end: dt.date | None = None) -> MonthCharts:
    """The twelve months ending with the month of ``end`` (default this one), each chart drawn as
    SVG for the screen: the two with a legend wide, the single figures narrow."""
    require(actor, "stats.view")
    series = month_series(session=session, actor=actor, end=end)
    pictures = []
    for key, block in month_chart_blocks(series).items():
        width, height = WIDE if key in ("meetings", "concerns") else NARROW
        if (width, height) == NARROW:
            # a narrow chart names every other month, ending with this one (twelve labels touch)
            last = len(block.categories) - 1
            block = dataclasses.replace(block, categories=[m if (last - i) % 2 == 0 else ""
                                                           for i, m in enumerate(block.categories)])
        pictures.append(ChartPicture(key=key, title=block.caption, width=width, height=height,
                                     svg=chart_svg(block, width=width, height=height, size=SCREEN_FONT_SIZE)))
    return MonthCharts(series=series, months=[month_label(k, short=True) for k in series.months], pictures=pictures)
