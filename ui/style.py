"""Look and feel: Fusion drawn the program's way (OfficeStyle), a CJK-first font stack.

A calm office look: white work area, light grey navigation, one accent colour (政务蓝), red only
for errors. Sizes follow what reads well on a 1366×768 office monitor.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QPalette, QPen, QPixmap, QPolygonF, QTransform
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QProxyStyle,
    QPushButton,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionButton,
    QWidget,
)

from app.paths import RESOURCES

ACCENT = "#1f5fa8"
ACCENT_DARK = "#184b86"
ERROR = "#c62828"
NAV_BG = "#f2f4f7"
BORDER = "#d5d9e0"
MUTED = "#5f6b7a"

# Chinese UI fonts first; each platform finds its own.
FONT_FAMILIES = [
    "Microsoft YaHei UI", "Microsoft YaHei",  # Windows
    "PingFang SC", "Hiragino Sans GB",  # macOS
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",  # Linux
    "Segoe UI", "Helvetica Neue", "Arial",
]


# Widgets styled by their object name (OfficeStyle.polish): text colour, point size, bold.
TEXT_ROLES: dict[str, tuple[str | None, float | None, bool]] = {
    "appTitle": (ACCENT, 22.0, True),
    "appSubtitle": (MUTED, 10.5, False),
    "panelTitle": ("#1d2530", 14.0, True),
    "pageTitle": ("#1d2530", 15.0, True),
    "hint": (MUTED, None, False),
    "fieldError": (ERROR, 9.0, False),
    "formError": (ERROR, None, False),
    "navTitle": (ACCENT, 15.0, True),
    "navVillage": (MUTED, None, False),
    "statValue": (ACCENT, 20.0, True),
    "statLabel": (MUTED, None, False),
    "readOnlyTitle": (None, None, True),
    "lockCoverText": (MUTED, 16.0, False),
}
# Panels drawn by their object name (OfficeStyle, PE_Widget): fill, border colour, corner radius,
# which sides have the border ("" none, "all", "right", "bottom", "top"), the text colour inside.
PANELS: dict[str, tuple[str, str | None, float, str, str | None]] = {
    "startBackground": ("#eef1f5", None, 0, "", None),
    "startCard": ("#ffffff", BORDER, 8, "all", None),
    "navPanel": (NAV_BG, BORDER, 0, "right", None),
    "statCard": ("#f7f9fc", BORDER, 6, "all", None),
    "readOnlyBanner": ("#fff4c2", "#e0c45c", 0, "bottom", "#5c4300"),
    "lockCover": ("#eef1f5", None, 0, "", None),
    "lockCard": ("#ffffff", BORDER, 0, "all", None),
}
EDITOR_HEIGHT = 30  # line edits and drop-downs: a 26-pixel line, its padding and border
BUTTON_HEIGHT = 32


class OfficeStyle(QProxyStyle):
    """Fusion with the program's look: flat white editors and buttons with a thin grey border and
    a blue one with the focus, the accent-blue primary button, light table headers, titles and
    hints by object name, the navigation's and cards' panels.

    It replaced an application style sheet (issue 16): Qt's style-sheet style matched its rules
    against every widget as it was made and painted each through them, a third of the time a page
    took to be built and painted on its first click. Only what it changes is overridden here, in
    the calls made once per widget or per control, never in the metrics and hints Qt asks for
    thousands of times a paint."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))  # type: ignore[arg-type]
        self._arrow = QPolygonF([QPointF(0.5, 0.5), QPointF(5, 5), QPointF(9.5, 0.5)])

    # ------------------------------------------------------------------ per widget
    def polish(self, target):  # type: ignore[no-untyped-def, override]  # noqa: ANN001
        """A widget's look by its object name (a colour or font of its own is kept: a card's
        figure in red); a line edit's margins, an editor's and a button's height, a primary
        button's white text. Polished once, before it is first shown (again after
        :func:`restyle`)."""
        if not isinstance(target, QWidget):
            return super().polish(target)
        super().polish(target)
        name = target.objectName()
        if name:
            role = TEXT_ROLES.get(name)
            if role is not None:
                _text_role(target, role)
                return None
            panel = PANELS.get(name)
            if panel is not None:
                target.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
                if panel[4] is not None and not target.palette().isBrushSet(_ACTIVE, _WINDOW_TEXT):
                    palette = target.palette()  # the text inside (its labels inherit it)
                    palette.setColor(_WINDOW_TEXT, QColor(panel[4]))
                    target.setPalette(palette)
                return None
        if isinstance(target, QLineEdit):
            if target.hasFrame():  # not the line edit inside a spin box, a date or a drop-down
                target.setTextMargins(4, 0, 4, 0)
                target.setMinimumHeight(max(target.minimumHeight(), EDITOR_HEIGHT))
        elif isinstance(target, QComboBox):
            target.setMinimumHeight(max(target.minimumHeight(), EDITOR_HEIGHT))
        elif isinstance(target, QPushButton) and not target.isFlat():
            target.setMinimumHeight(max(target.minimumHeight(), BUTTON_HEIGHT))
            if target.property("primary"):
                palette = target.palette()
                palette.setColor(QPalette.ColorRole.ButtonText, QColor("#ffffff"))
                palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#eef3f9"))
                target.setPalette(palette)
        return None

    # ------------------------------------------------------------------ drawing
    def drawPrimitive(self, element, option, painter, widget=None):  # type: ignore[no-untyped-def]  # noqa: N802, ANN001
        if element == _PANEL_LINE_EDIT:
            if option.lineWidth > 0:
                self._editor_frame(option, painter, widget)
                return
        elif element == _PANEL_BUTTON:
            if not (option.features & _FLAT):  # a flat button (the sign-out link) as Fusion draws it
                self._button(option, painter, widget)
            elif option.state & (_SUNKEN | _MOUSE_OVER):
                super().drawPrimitive(element, option, painter, widget)
            return
        elif element == _FRAME:
            _rect_lines(painter, option.rect, BORDER, "all")
            return
        elif element == _FRAME_GROUP_BOX:
            _rounded(painter, option.rect, _BORDER, None, 4)
            return
        elif element == _STATUS_BAR:
            painter.fillRect(option.rect, QColor("#f5f6f8"))
            _rect_lines(painter, option.rect, BORDER, "top")
            return
        elif element == _FOCUS_RECT and isinstance(widget, QPushButton):
            return  # a button with the focus has a blue border (_button)
        elif element == _WIDGET and widget is not None:
            panel = PANELS.get(widget.objectName())
            if panel is not None:
                _panel(painter, option.rect, panel)
                return
        super().drawPrimitive(element, option, painter, widget)

    def drawComplexControl(self, control, option, painter, widget=None):  # type: ignore[no-untyped-def]  # noqa: N802, ANN001
        if control == _COMBO_BOX and option.frame:
            self._editor_frame(option, painter, widget)
            arrow = self.subControlRect(control, option, QStyle.SubControl.SC_ComboBoxArrow, widget)
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(QColor(MUTED if option.state & _ENABLED else "#a0a7b1"), 1.4))
            painter.translate(arrow.center().x() - 6, arrow.center().y() - 3)
            painter.drawPolyline(self._arrow)
            painter.restore()
            return
        if control == _SCROLL_BAR:
            self._scroll_bar(option, painter, widget)
            return
        super().drawComplexControl(control, option, painter, widget)

    def _scroll_bar(self, option, painter, widget) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
        """A flat scroll bar: a light groove, a grey handle (darker under the pointer and while
        dragged), small arrows at its ends. Fusion's gradients were drawn anew for each new size
        of bar (each table's, on its page's first paint)."""
        painter.fillRect(option.rect, _GROOVE)
        state, active = option.state, option.activeSubControls
        enabled = bool(state & _ENABLED)
        handle = self.subControlRect(_SCROLL_BAR, option, _SLIDER, widget)
        if enabled and handle.isValid() and not handle.isEmpty():
            if active & _SLIDER and state & _SUNKEN:
                colour = _HANDLE_DOWN
            elif active & _SLIDER and state & _MOUSE_OVER:
                colour = _HANDLE_OVER
            else:
                colour = _HANDLE
            _rounded(painter, handle.adjusted(2, 2, -2, -2), None, colour, 3)
        horizontal = option.orientation == Qt.Orientation.Horizontal
        for sub, arrow in ((_SUB_LINE, _PE.PE_IndicatorArrowLeft if horizontal else _PE.PE_IndicatorArrowUp),
                           (_ADD_LINE, _PE.PE_IndicatorArrowRight if horizontal else _PE.PE_IndicatorArrowDown)):
            rect = self.subControlRect(_SCROLL_BAR, option, sub, widget)
            if not rect.isValid() or rect.isEmpty():
                continue
            if active & sub and state & _SUNKEN:
                painter.fillRect(rect, _HANDLE)
            button = QStyleOption(option)
            button.rect = rect.adjusted(3, 3, -3, -3)
            super().drawPrimitive(arrow, button, painter, widget)  # Fusion's small arrow, in the text colour

    def _editor_frame(self, option, painter, widget) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
        enabled = bool(option.state & _ENABLED)
        if widget is not None and widget.property("invalid"):
            border = ERROR
        elif option.state & _HAS_FOCUS and enabled:
            border = ACCENT
        else:
            border = BORDER
        _rounded(painter, option.rect, _colour(border),
                 option.palette.color(QPalette.ColorRole.Base) if enabled else _colour("#f5f6f8"), 3)

    def _button(self, option, painter, widget) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
        state = option.state
        enabled, down, over = bool(state & _ENABLED), bool(state & (_SUNKEN | _ON)), bool(state & _MOUSE_OVER)
        if widget is not None and widget.property("primary"):
            fill = (ACCENT_DARK if down or over else ACCENT) if enabled else "#8fb0d6"
            border = ACCENT_DARK if enabled else "#8fb0d6"
        else:
            fill = "#e8edf3" if down else "#f3f6fa" if over and enabled else "#ffffff"
            border = BORDER
        if state & _HAS_FOCUS and enabled:
            border = ACCENT
        _rounded(painter, option.rect, _colour(border), _colour(fill), 3)
        if state & _HAS_FOCUS and enabled and widget is not None and widget.property("primary"):
            _rounded(painter, option.rect.adjusted(2, 2, -2, -2), _colour("#ffffff"), None, 2)  # blue on blue: a white inner line


_ACTIVE, _WINDOW_TEXT = QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText
_PE = QStyle.PrimitiveElement
_PANEL_LINE_EDIT = _PE.PE_PanelLineEdit
_PANEL_BUTTON = _PE.PE_PanelButtonCommand
_FRAME = _PE.PE_Frame
_FRAME_GROUP_BOX = _PE.PE_FrameGroupBox
_STATUS_BAR = _PE.PE_PanelStatusBar
_FOCUS_RECT = _PE.PE_FrameFocusRect
_WIDGET = _PE.PE_Widget
_COMBO_BOX = QStyle.ComplexControl.CC_ComboBox
_SCROLL_BAR = QStyle.ComplexControl.CC_ScrollBar
_SC = QStyle.SubControl
_SLIDER, _SUB_LINE, _ADD_LINE = _SC.SC_ScrollBarSlider, _SC.SC_ScrollBarSubLine, _SC.SC_ScrollBarAddLine
_GROOVE, _HANDLE = QColor("#f3f5f8"), QColor("#c5cbd3")
_HANDLE_OVER, _HANDLE_DOWN = QColor("#aab2bd"), QColor("#8f99a6")

_FLAT = QStyleOptionButton.ButtonFeature.Flat
_TRANSLATE = QTransform.TransformationType.TxTranslate.value
_SF = QStyle.StateFlag
_ENABLED, _HAS_FOCUS, _SUNKEN, _ON, _MOUSE_OVER = _SF.State_Enabled, _SF.State_HasFocus, _SF.State_Sunken, _SF.State_On, _SF.State_MouseOver


def _text_role(widget: QWidget, role: tuple[str | None, float | None, bool]) -> None:
    colour, size, bold = role
    if colour is not None and not widget.palette().isBrushSet(_ACTIVE, _WINDOW_TEXT):
        palette = widget.palette()
        palette.setColor(_WINDOW_TEXT, QColor(colour))
        palette.setColor(QPalette.ColorRole.Text, QColor(colour))
        widget.setPalette(palette)
    if (size is not None or bold) and not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
        font = QFont(widget.font())
        if size is not None:
            font.setPointSizeF(size)
        if bold:
            font.setBold(True)
        widget.setFont(font)


def restyle(widget: QWidget) -> None:
    """``widget`` renamed (a note become an error): its look by its new name."""
    widget.setPalette(QPalette())
    widget.setFont(QFont())
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _rect_lines(painter: QPainter, rect: QRect, colour: str, sides: str) -> None:
    """1-pixel lines on the inside of ``rect``: ``all`` sides, or one."""
    painter.save()
    painter.setPen(QPen(QColor(colour), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if sides == "all":
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
    elif sides == "right":
        painter.drawLine(rect.topRight(), rect.bottomRight())
    elif sides == "bottom":
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
    elif sides == "top":
        painter.drawLine(rect.topLeft(), rect.topRight())
    painter.restore()


def _panel(painter: QPainter, rect: QRect, panel: tuple[str, str | None, float, str, str | None]) -> None:
    fill, border, radius, sides, _text = panel
    if radius:
        _rounded(painter, rect, _colour(border) if border else None, _colour(fill), radius)
        return
    painter.fillRect(rect, QColor(fill))
    if border and sides:
        _rect_lines(painter, rect, border, sides)


_COLOURS: dict[str, QColor] = {}
_BORDER = QColor(BORDER)


def _colour(name: str) -> QColor:
    found = _COLOURS.get(name)
    if found is None:
        found = _COLOURS[name] = QColor(name)
    return found


# The corners of each kind of rounded rectangle drawn so far, antialiased: (border, fill, radius) →
# the picture of a small one, its corner's size and its straight edges' colours (top, left,
# bottom, right: the border, or the fill's half-covered edge).
_CORNERS: dict[tuple[int | None, int | None, float], tuple[QPixmap, int, tuple[QColor, ...]]] = {}


def _rounded(painter: QPainter, rect: QRect, border: QColor | None, fill: QColor | None, radius: float) -> None:
    """What ``drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)`` draws,
    antialiased, with a 1-pixel ``border`` pen (None: none) and a ``fill`` brush (None: none): the
    corners from a small picture drawn once that way, the straight edges and the inside as plain
    rectangles. Qt strokes and fills a rounded rectangle's curves anew each time (~0.1 ms, 18 of
    them on 村情 at its first paint: its editors, buttons, frames and scroll bars); this is the
    same pixels, within a rounding step of the blending. Drawn the plain way where the picture
    would not sit on whole pixels (a scaled or rotated painter, a high-density screen) or the
    rectangle is smaller than its corners."""
    corner = int(radius) + 2  # the antialiased curve lies within this many pixels of each corner
    transform = painter.deviceTransform()  # the world's, the screen's density and the widget's place
    if (rect.width() < 2 * corner + 1 or rect.height() < 2 * corner + 1 or transform.type().value > _TRANSLATE
            or transform.dx() != int(transform.dx()) or transform.dy() != int(transform.dy())):
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(border, 1) if border is not None else Qt.PenStyle.NoPen)
        painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.restore()
        return
    key = (border.rgba() if border is not None else None, fill.rgba() if fill is not None else None, radius)
    found = _CORNERS.get(key)
    if found is None:
        size = 2 * corner + 1
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        drawing = QPainter(image)
        drawing.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        drawing.setPen(QPen(border, 1) if border is not None else Qt.PenStyle.NoPen)
        drawing.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        drawing.drawRoundedRect(QRectF(0, 0, size, size).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        drawing.end()
        edges = tuple(image.pixelColor(x, y) for x, y in ((corner, 0), (0, corner), (corner, size - 1), (size - 1, corner)))
        found = _CORNERS[key] = (QPixmap.fromImage(image), corner, edges)
    picture, corner, (top, left, bottom, right) = found
    x, y, width, height = rect.x(), rect.y(), rect.width(), rect.height()
    fill_rect, draw = painter.fillRect, painter.drawPixmap
    if fill is not None:
        fill_rect(x + corner, y + 1, width - 2 * corner, height - 2, fill)
        fill_rect(x + 1, y + corner, corner - 1, height - 2 * corner, fill)
        fill_rect(x + width - corner, y + corner, corner - 1, height - 2 * corner, fill)
    fill_rect(x + corner, y, width - 2 * corner, 1, top)
    fill_rect(x, y + corner, 1, height - 2 * corner, left)
    fill_rect(x + corner, y + height - 1, width - 2 * corner, 1, bottom)
    fill_rect(x + width - 1, y + corner, 1, height - 2 * corner, right)
    far = corner + 1
    draw(x, y, picture, 0, 0, corner, corner)
    draw(x + width - corner, y, picture, far, 0, corner, corner)
    draw(x, y + height - corner, picture, 0, far, corner, corner)
    draw(x + width - corner, y + height - corner, picture, far, far, corner, corner)


BUNDLED_UI_FONT = RESOURCES / "fonts" / "wqy-microhei.ttc"  # WenQuanYi Micro Hei (Apache-2.0), also in PDFs


def ensure_cjk_font() -> bool:
    """A machine with none of the stack's Chinese fonts (a bare Linux desktop) gets the bundled one,
    so the interface never shows empty boxes. Returns whether a Chinese family is there now."""
    if any(QFontDatabase.hasFamily(family) for family in FONT_FAMILIES):
        return True
    return QFontDatabase.addApplicationFont(str(BUNDLED_UI_FONT)) >= 0


def ui_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(10.0 if sys.platform != "darwin" else 13.0)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


_STYLE: list[OfficeStyle] = []  # the application's style, kept alive with it


def apply(app: QApplication) -> None:
    style = OfficeStyle()
    _STYLE[:] = [style]
    app.setStyle(style)
    ensure_cjk_font()
    app.setFont(ui_font())
    palette = app.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f8f9fb"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#dbe7f5"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#1d2530"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#a0a7b1"))
    app.setPalette(palette)
    header_font = QFont(app.font())  # table headers: bold, dark grey (class defaults: set as each is made)
    header_font.setBold(True)
    app.setFont(header_font, "QHeaderView")
    header_palette = QPalette(palette)  # Fusion's header sections, drawn from the button colour: near flat
    header_palette.setColor(QPalette.ColorRole.Button, QColor("#f5f6f8"))
    header_palette.setColor(QPalette.ColorRole.ButtonText, QColor("#38424f"))
    app.setPalette(header_palette, "QHeaderView")
    status_palette = QPalette(palette)
    status_palette.setColor(_WINDOW_TEXT, QColor(MUTED))
    app.setPalette(status_palette, "QStatusBar")


def set_invalid(widget, invalid: bool) -> None:  # type: ignore[no-untyped-def]
    """Mark an editor red (its border: OfficeStyle) or not."""
    widget.setProperty("invalid", invalid)
    widget.update()
