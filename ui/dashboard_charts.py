"""The 工作台's charts of the last twelve months, drawn with pyqtgraph.

Imported only when the charts tab is first shown (pyqtgraph and numpy stay off the start-up path).
The figures come from :func:`app.workbench.month_series` as plain lists; this module only draws.
Text is set in the bundled 文泉驿微米黑 (resources/fonts, the printing engine's 黑体 face), so
Chinese axis labels and titles render on a PC without Chinese system fonts.
"""
from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app import meetings
from app.i18n import _
from app.paths import FONTS_DIR

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#999999", "#666666")
RATE = "#C62828"
_family: str | None = None


def chart_font(size: float = 9.0) -> QFont:
    """The bundled CJK face, registered with Qt once."""
    global _family
    if _family is None:
        ident = QFontDatabase.addApplicationFont(str(FONTS_DIR / "wqy-microhei.ttc"))
        families = QFontDatabase.applicationFontFamilies(ident) if ident >= 0 else []
        _family = families[0] if families else ""
    font = QFont(_family) if _family else QFont()
    font.setPointSizeF(size)
    return font


class MonthCharts(QWidget):
    """Meetings held by kind (stacked bars), concerns raised and closed, 办结率, and each area's key
    figure (cases, volunteer hours, points issued and redeemed): six small plots, twelve months."""

    def __init__(self) -> None:
        super().__init__()
        pg.setConfigOptions(antialias=True, background="w", foreground="#38424f")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setObjectName("monthCharts")
        layout.addWidget(self.view)
        self.plots: dict[str, Any] = {}
        self.series: Any = None

    def show_series(self, series: Any, month_labels: list[str]) -> None:
        self.series = series
        self.view.clear()
        self.plots.clear()
        x = list(range(len(series.months)))
        labelled = list(zip(x, month_labels, strict=True))
        ticks = [labelled]
        # a plot one column wide names every third month (ending with this one); the rest are marks
        sparse = [[t for t in labelled if (len(x) - 1 - t[0]) % 3 == 0], [t for t in labelled if (len(x) - 1 - t[0]) % 3]]

        def plot(key: str, title: str, row: int, col: int, colspan: int = 1) -> Any:
            item = self.view.addPlot(row=row, col=col, colspan=colspan)
            item.setTitle(f"<span style='font-family:\"{chart_font().family()}\";font-size:10pt'>{title}</span>")
            for side in ("bottom", "left"):
                axis = item.getAxis(side)
                axis.setTickFont(chart_font(8.0))
            item.getAxis("bottom").setTicks(ticks if colspan > 1 else sparse)
            item.showGrid(y=True, alpha=0.25)
            item.setMouseEnabled(x=False, y=False)
            item.hideButtons()
            item.setMenuEnabled(False)
            self.plots[key] = item
            return item

        def legend(item: Any, columns: int = 1) -> Any:
            box = item.addLegend(offset=(4, 2), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 210),
                                 colCount=columns, verSpacing=-6)
            return box

        # meetings held, by kind: stacked bars, two plots wide (ten kinds in the legend above them)
        item = plot("meetings", _("Meetings held, by kind"), 0, 0, colspan=2)
        names = [meetings.kind_label(kind, short=True) for kind in series.meetings_by_kind]
        widest = max((QFontMetrics(chart_font(8.0)).horizontalAdvance(n) for n in names), default=0)
        # as many legend columns as the plot's width holds (English names are longer than Chinese)
        columns = max(1, min(5, int((max(self.view.width(), 900) / 2 - 60) // (widest + 40))))
        box = legend(item, columns=columns)
        base = [0.0] * len(x)
        for index, (kind, values) in enumerate(sorted(series.meetings_by_kind.items())):
            colour = PALETTE[index % len(PALETTE)]
            bars = pg.BarGraphItem(x=x, height=values, y0=base, width=0.7, brush=colour, pen=pg.mkPen(None))
            item.addItem(bars)
            box.addItem(bars, meetings.kind_label(kind, short=True))
            base = [b + v for b, v in zip(base, values, strict=True)]
        rows = -(-len(series.meetings_by_kind) // columns)
        item.setYRange(0, max(max(base, default=0), 4) * (1.15 + 0.22 * rows))

        # concerns raised vs closed: grouped bars
        item = plot("concerns", _("Concerns raised and closed"), 0, 2, colspan=2)
        box = legend(item)
        for offset, (label, values, colour) in ((-0.18, (_("Raised"), series.concerns_raised, PALETTE[0])),
                                                (0.18, (_("Closed"), series.concerns_closed, PALETTE[2]))):
            bars = pg.BarGraphItem(x=[v + offset for v in x], height=values, width=0.34, brush=colour,
                                   pen=pg.mkPen(None))
            item.addItem(bars)
            box.addItem(bars, label)
        item.setYRange(0, max(max(series.concerns_raised + series.concerns_closed, default=0), 4) * 1.3)

        # 办结率: a line in percent (months with no concern raised are left out)
        item = plot("closure_rate", _("Closure rate (办结率), %"), 1, 0)
        points = [(i, r * 100) for i, r in zip(x, series.closure_rate, strict=True) if r is not None]
        if points:
            item.plot([p[0] for p in points], [p[1] for p in points], pen=pg.mkPen(RATE, width=2),
                      symbol="o", symbolSize=6, symbolBrush=RATE, symbolPen=None)
        item.setYRange(0, 105)
        item.setXRange(-0.5, len(x) - 0.5)

        # each area's key figure
        figures = series.figures
        for col, (key, title, colour) in enumerate((("mediation_cases", _("Mediation cases registered"), PALETTE[3]),
                                                   ("volunteer_hours", _("Volunteer hours"), PALETTE[1]))):
            values = figures.get(key, [0] * len(x))
            item = plot(key, title, 1, col + 1)
            item.addItem(pg.BarGraphItem(x=x, height=values, width=0.7, brush=colour, pen=pg.mkPen(None)))
            item.setYRange(0, max(max(values, default=0), 4) * 1.15)
        item = plot("points", _("Points issued and redeemed"), 1, 3)
        box = legend(item)
        issued, redeemed = figures.get("points_issued", [0] * len(x)), figures.get("points_redeemed", [0] * len(x))
        for offset, label, values, colour in ((-0.18, _("Points issued"), issued, PALETTE[4]),
                                              (0.18, _("Points redeemed"), redeemed, PALETTE[5])):
            bars = pg.BarGraphItem(x=[v + offset for v in x], height=values, width=0.34, brush=colour,
                                   pen=pg.mkPen(None))
            item.addItem(bars)
            box.addItem(bars, label)
        item.setYRange(0, max(max(issued + redeemed, default=0), 4) * 1.35)
        for plot_item in self.plots.values():
            plot_item.setXRange(-0.6, len(x) - 0.4, padding=0)
        self.view.setBackground(QColor("#ffffff"))
