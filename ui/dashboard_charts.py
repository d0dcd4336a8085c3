"""The 工作台's charts of the last twelve months, shown as the SVG the app layer draws.

:func:`app.workbench.month_charts` draws each chart with the same ReportLab code as the printed
月报 and hands it over as SVG text; this module only lays the pictures out and paints them with
QtSvg (in ``pyside6-essentials``), keeping each one's shape. No plotting library: pyqtgraph and
numpy (~41 MB of the built program, with QtOpenGL ~9 MB more) are gone.

The SVG names its font by the family in the font file, "WenQuanYi Micro Hei"; the bundled
文泉驿微米黑 is registered with Qt here (a PC with 微软雅黑 has no need of it for the interface, so
:func:`ui.style.ensure_cjk_font` may not have), so the labels are drawn in the face ReportLab
measured them with, on any PC.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QRectF, QSize
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QWidget

from app.paths import FONTS_DIR

_font_registered = False


def register_chart_font() -> None:
    """The bundled 文泉驿微米黑, the face the charts' SVG names, registered with Qt once."""
    global _font_registered
    if not _font_registered:
        _font_registered = QFontDatabase.addApplicationFont(str(FONTS_DIR / "wqy-microhei.ttc")) >= 0


class ChartView(QWidget):
    """One chart: its SVG painted as large as the widget allows, in its own proportions, centred."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.setObjectName(f"chart_{key}")
        self.key = key
        self.svg = ""
        self.renderer = QSvgRenderer(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 100)

    def show_picture(self, picture: Any) -> None:
        self.svg = picture.svg
        self.renderer.load(QByteArray(picture.svg.encode("utf-8")))
        self.setAccessibleName(picture.title)
        self.setToolTip(picture.title)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        box = self.renderer.viewBoxF()
        return QSize(int(box.width()), int(box.height())) if self.renderer.isValid() else QSize(360, 240)

    def picture_rect(self) -> QRectF:
        """The largest rectangle of the viewBox's shape that fits the widget, centred in it."""
        box = self.renderer.viewBoxF()
        if box.width() <= 0 or box.height() <= 0:
            return QRectF(self.rect())
        scale = min(self.width() / box.width(), self.height() / box.height())
        width, height = box.width() * scale, box.height() * scale
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.renderer.isValid():
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            self.renderer.render(painter, self.picture_rect())
        painter.end()


class MonthCharts(QWidget):
    """Meetings held by kind (stacked bars) and concerns raised and closed with 办结率 side by side
    above; mediation cases, volunteer hours, and points issued and redeemed below. Twelve months."""

    WIDE = ("meetings", "concerns")

    def __init__(self) -> None:
        super().__init__()
        register_chart_font()
        self.setObjectName("monthCharts")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.views: dict[str, ChartView] = {}
        self.series: Any = None  # app.workbench.MonthSeries, once shown
        self.charts: Any = None  # app.workbench.MonthCharts, once shown

    def show_charts(self, charts: Any) -> None:
        self.charts, self.series = charts, charts.series
        wide = [p for p in charts.pictures if p.key in self.WIDE]
        narrow = [p for p in charts.pictures if p.key not in self.WIDE]
        # six columns: the wide charts three each in the upper row, the narrow ones two each below
        places = [(p, 0, i * 3, 3) for i, p in enumerate(wide)] + [(p, 1, i * 2, 2) for i, p in enumerate(narrow)]
        for picture, row, col, span in places:
            view = self.views.get(picture.key)
            if view is None:
                view = self.views[picture.key] = ChartView(picture.key)
                self.grid.addWidget(view, row, col, 1, span)
            view.show_picture(picture)
        self.grid.setRowStretch(0, int(max((p.height for p in wide), default=1)))
        self.grid.setRowStretch(1, int(max((p.height for p in narrow), default=1)))
