"""The :class:`~app.printing.model.Chart` block drawn with ReportLab's own charts (``reportlab.graphics``).

The caption is drawn above the plot; bars share a value axis on the left (side by side, or
stacked); a ``rate`` series is a line with markers on a 0–100 % axis drawn at the right; the
legend sits under the plot. Text is set in one
of the document's fonts (registered before the story is built), so CJK labels print.

:func:`chart_svg` draws the same chart as an SVG document for the screen (the 工作台's charts): one
chart definition for paper and screen, and no plotting library in the program.
"""
from __future__ import annotations

import math
from typing import Any

from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.i18n import _
from app.printing import fonts as font_registry
from app.printing.model import Chart

# Distinct in print and for the common colour-blindnesses (Okabe–Ito), then greys
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#999999", "#666666")
RATE_COLOUR = "#C62828"


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 × 10ⁿ, at least 1) that covers ``top`` in about ``ticks`` steps."""
    raw = max(top / ticks, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


class ChartFlowable(Flowable):
    """The chart (its caption drawn above it) at its height, or lower (down to ``min_height``) when
    that keeps it on this page."""

    def __init__(self, block: Chart, *, width: float, font: str, size: float):
        super().__init__()
        self.block, self.width, self.font, self.size = block, width, font, size
        self.height = block.height * mm
        self.drawing: Drawing | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        height = self.block.height * mm
        if availHeight < height and self.block.min_height and availHeight >= self.block.min_height * mm:
            height = availHeight
        if self.drawing is None or height != self.height:
            self.height = height
            self.drawing = chart_drawing(self.block, width=self.width, font=self.font, size=self.size, height=height)
        return self.width, self.height

    def draw(self) -> None:
        if self.drawing is None:
            self.wrap(self.width, self.height)
        renderPDF.draw(self.drawing, self.canv, 0, 0)


def chart_drawing(block: Chart, *, width: float, font: str, size: float, height: float | None = None) -> Drawing:
    used = font_registry.used_fonts.get()
    if used is not None:
        used.add(font)
    bars = [s for s in block.series if s.kind == "bar"]
    rates = [s for s in block.series if s.kind == "rate"]
    height = height if height is not None else block.height * mm
    left, right = size * 3.2, size * (3.6 if rates else 1.0)
    # up to four legend columns under the plot, as many as keep the last column's names inside the
    # drawing (ReportLab's Legend spaces its columns by the widest name at least: swatch, 10 + 5 gap)
    widest = max((stringWidth(s.name, font, size * 0.85) for s in block.series), default=0.0)
    swatch = size * 0.7 + 10
    columns = next((c for c in (4, 3, 2) if left + (c - 1) * max(widest + swatch + 5, (width - left - right) / c)
                    + swatch + widest <= width), 1)
    legend_rows = math.ceil(len(block.series) / columns) if len(block.series) > 1 else 0
    legend_h = legend_rows * size * 1.5
    bottom = size * 2.2 + legend_h
    title_h = size * 2.2 if block.caption else size * 0.8
    plot_w, plot_h = width - left - right, height - bottom - title_h
    drawing = Drawing(width, height)
    if block.caption:
        drawing.add(String(width / 2, height - size * 1.3, block.caption, fontName=font, fontSize=size * 1.25,
                           textAnchor="middle"))
    # the renderer starts from these (ReportLab's default would name an unembedded Helvetica)
    drawing.initialFontName, drawing.initialFontSize = font, size
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = left, bottom, plot_w, plot_h
    chart.data = [[float(v or 0) for v in s.values] for s in bars] or [[0.0] * len(block.categories)]
    chart.categoryAxis.categoryNames = list(block.categories)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = size * 0.85
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = size * 0.85
    chart.valueAxis.valueMin = 0
    totals = ([sum(float(s.values[i] or 0) for s in bars) for i in range(len(block.categories))] if block.stacked
              else [float(v or 0) for s in bars for v in s.values])
    step = _nice_step(max(totals, default=0))
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * max(1, math.ceil(max(totals, default=0) / step))
    chart.valueAxis.labelTextFormat = lambda v: f"{v:g}"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.barSpacing = 0 if block.stacked else 0.5
    chart.groupSpacing = 4
    chart.bars.strokeColor = None
    if block.stacked:
        chart.categoryAxis.style = "stacked"
    for index in range(len(chart.data)):
        chart.bars[index].fillColor = colors.HexColor(PALETTE[index % len(PALETTE)])
    drawing.add(chart)
    if not any(float(v or 0) for s in bars for v in s.values) and all(v is None for s in rates for v in s.values):
        # nothing happened in these months: say so, rather than leave an empty grid to be puzzled over
        drawing.add(String(left + plot_w / 2, bottom + plot_h / 2, _("Nothing recorded in these months"),
                           fontName=font, fontSize=size, textAnchor="middle", fillColor=colors.HexColor("#777777")))
    pairs: list[tuple[Any, str]] = [(colors.HexColor(PALETTE[i % len(PALETTE)]), s.name) for i, s in enumerate(bars)]
    if rates:
        # the rate line, drawn over the bars' category centres; a month without a rate (nothing
        # raised) breaks the line rather than dropping to zero
        count = max(len(block.categories), 1)
        for rate in rates:
            colour = colors.HexColor(RATE_COLOUR)
            run: list[float] = []
            for i, value in enumerate(list(rate.values) + [None]):
                if value is None:
                    if len(run) >= 4:
                        drawing.add(PolyLine(run, strokeColor=colour, strokeWidth=1.4))
                    run = []
                    continue
                px, py = left + (i + 0.5) * plot_w / count, bottom + plot_h * max(0.0, min(1.0, float(value)))
                run += [px, py]
                drawing.add(Circle(px, py, 1.8, fillColor=colour, strokeColor=None))
        axis_x = left + plot_w
        drawing.add(Line(axis_x, bottom, axis_x, bottom + plot_h, strokeColor=colors.HexColor(RATE_COLOUR),
                         strokeWidth=0.6))
        for percent in (0, 25, 50, 75, 100):
            y = bottom + plot_h * percent / 100
            drawing.add(Line(axis_x, y, axis_x + 3, y, strokeColor=colors.HexColor(RATE_COLOUR), strokeWidth=0.6))
            drawing.add(String(axis_x + 5, y - size * 0.3, f"{percent}%", fontName=font, fontSize=size * 0.8,
                               fillColor=colors.HexColor(RATE_COLOUR)))
        pairs += [(colors.HexColor(RATE_COLOUR), s.name) for s in rates]
    if legend_rows:
        legend = Legend()
        legend.x, legend.y = left, legend_h - size * 0.2
        legend.fontName, legend.fontSize = font, size * 0.85
        legend.alignment = "right"
        legend.columnMaximum = legend_rows
        legend.boxAnchor = "nw"
        legend.dx = legend.dy = size * 0.7
        legend.deltax = plot_w / columns
        legend.colorNamePairs = pairs
        legend.strokeColor = None
        drawing.add(legend)
    return drawing


def chart_svg(block: Chart, *, width: float, height: float, font: str = "VD-Hei", size: float = 9.0) -> str:
    """The chart as an SVG document, ``width`` × ``height`` units (its ``viewBox``): the drawing
    :func:`chart_drawing` makes for paper, rendered by ReportLab's SVG renderer.

    The text's ``font-family`` is the family named in the font file itself (文泉驿微米黑 is
    "WenQuanYi Micro Hei"), which is what an SVG renderer (QtSvg, a browser) looks up, not
    ReportLab's registered name ("VD-Hei"). One family, no fallback list: QtSvg 6 takes
    ``'A', sans-serif`` as the name of one family that does not exist. Text placed by its middle or
    end is positioned with this font's widths, so the screen should draw it in the same font.
    ReportLab writes an unfilled line (the 办结率) as ``fill: None``, which is not SVG: a renderer
    keeps the default black fill and draws a black wedge under the line, so it is written ``none``.
    """
    face = font_registry.register(font).face
    family = face.familyName.decode("utf-8", "replace") if isinstance(face.familyName, bytes) else str(face.familyName)
    drawing = chart_drawing(block, width=width, font=font, size=size, height=height)
    # useClip: the page's clip as an attribute; QtSvg drew the <clipPath> rectangle itself, in black
    svg = renderSVG.drawToString(drawing, useClip=True, fontHacks={font: {"family": f"'{family}'"}})
    return svg.replace("fill: None;", "fill: none;")
