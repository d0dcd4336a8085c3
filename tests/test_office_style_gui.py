"""The program's look without a style sheet (ui.style.OfficeStyle, issue 16): what the style sheet
gave, by object name and by property, drawn by the style: checked on the pixels drawn."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui import style
from ui.widgets import primary_button, set_message

pytestmark = pytest.mark.gui


_SHOWN: list[QWidget] = []  # kept alive until the test ends


@pytest.fixture
def office(qapp):
    app = QApplication.instance()
    before = app.style().name()
    app.setStyle(style.OfficeStyle())
    yield app
    for root in _SHOWN:
        root.close()
    _SHOWN.clear()
    app.setStyle(before)


def shown(qtbot, *widgets: QWidget) -> QWidget:
    root = QWidget()
    layout = QVBoxLayout(root)
    for widget in widgets:
        layout.addWidget(widget)
    root.resize(320, 60 * len(widgets))
    root.show()
    qtbot.waitExposed(root)
    _SHOWN.append(root)
    return root


def pixel(widget: QWidget, x: int, y: int) -> QColor:
    return widget.grab().toImage().pixelColor(QPoint(x, y))


def near(colour: QColor, expected: str, tolerance: int = 40) -> bool:
    want = QColor(expected)
    return all(abs(a - b) <= tolerance for a, b in ((colour.red(), want.red()), (colour.green(), want.green()),
                                                    (colour.blue(), want.blue())))


def text_colour(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


def test_no_style_sheet_is_left_on_the_application(qapp):
    app = QApplication.instance()
    before = (app.style().name(), app.styleSheet())
    try:
        style.apply(app)
        assert app.styleSheet() == ""
        assert isinstance(app.style(), style.OfficeStyle)
    finally:
        app.setStyle(before[0])
        app.setStyleSheet(before[1])


def test_titles_and_hints_by_object_name(office, qtbot):
    title, hint, plain = QLabel("人口"), QLabel("可按姓名查找"), QLabel("姓名")
    title.setObjectName("pageTitle")
    hint.setObjectName("hint")
    shown(qtbot, title, hint, plain)
    assert title.font().bold() and title.font().pointSizeF() == 15.0
    assert text_colour(hint) == QColor(style.MUTED)
    assert text_colour(plain) != QColor(style.MUTED) and not plain.font().bold()


def test_a_colour_given_before_the_style_is_kept(office, qtbot):
    figure = QLabel("33")
    figure.setObjectName("statValue")
    palette = figure.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(style.ERROR))  # an overdue figure, in red
    figure.setPalette(palette)
    shown(qtbot, figure)
    assert text_colour(figure) == QColor(style.ERROR)
    assert figure.font().pointSizeF() == 20.0  # its size from the style all the same


def test_a_message_turned_into_an_error_and_back(office, qtbot):
    message = QLabel()
    message.setObjectName("hint")
    shown(qtbot, message)
    set_message(message, "保存失败", error=True)
    assert text_colour(message) == QColor(style.ERROR)
    set_message(message, "已保存", error=False)
    assert text_colour(message) == QColor(style.MUTED)


def test_an_editor_shows_its_state_in_its_border(office, qtbot):
    plain, wrong = QLineEdit(), QLineEdit()
    shown(qtbot, plain, wrong)
    style.set_invalid(wrong, True)
    middle = plain.height() // 2
    assert plain.height() >= style.EDITOR_HEIGHT
    assert near(pixel(plain, 0, middle), style.BORDER, 12)
    assert near(pixel(wrong, 0, middle), style.ERROR)
    style.set_invalid(wrong, False)
    assert near(pixel(wrong, 0, middle), style.BORDER, 12)
    plain.setFocus()
    qtbot.waitUntil(plain.hasFocus)
    assert near(pixel(plain, 0, middle), style.ACCENT)


def test_the_primary_button_is_accent_blue_with_white_text(office, qtbot):
    save, cancel = primary_button("保存"), QPushButton("取消")
    shown(qtbot, save, cancel)
    assert save.height() >= style.BUTTON_HEIGHT
    assert save.palette().color(QPalette.ColorRole.ButtonText) == QColor("#ffffff")
    assert near(pixel(save, 4, save.height() // 2), style.ACCENT)
    assert near(pixel(cancel, 4, cancel.height() // 2), "#ffffff", 8)
    save.setEnabled(False)
    assert near(pixel(save, 4, save.height() // 2), "#8fb0d6")


def test_panels_by_object_name(office, qtbot):
    card = QFrame()
    card.setObjectName("statCard")
    card.setMinimumHeight(40)
    other = QFrame()
    other.setMinimumHeight(40)
    shown(qtbot, card, other)
    assert near(pixel(card, card.width() // 2, card.height() // 2), "#f7f9fc", 3)
    assert near(pixel(card, card.width() // 2, 0), style.BORDER, 12)  # its border
    assert not near(pixel(other, other.width() // 2, other.height() // 2), "#f7f9fc", 1)


def test_a_flat_scroll_bar_with_its_handle(office, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QScrollBar, QStyle, QStyleOptionSlider

    bar = QScrollBar(Qt.Orientation.Vertical)
    bar.setRange(0, 100)
    bar.setPageStep(20)
    bar.setFixedSize(16, 240)
    shown(qtbot, bar)
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    handle = bar.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, option,
                                        QStyle.SubControl.SC_ScrollBarSlider, bar)
    assert near(pixel(bar, handle.center().x(), handle.center().y()), "#c5cbd3", 6)  # the handle
    below = handle.bottom() + 20
    assert near(pixel(bar, 1, below), "#f3f5f8", 3)  # the groove, flat
    bar.setValue(100)
    assert near(pixel(bar, handle.center().x(), handle.center().y()), "#f3f5f8", 3)  # the handle moved down


def test_the_primary_button_shows_the_focus(office, qtbot):
    """Blue on blue: a white inner line while it has the keyboard focus (Tab reaches it)."""
    save, other = primary_button("保存"), QPushButton("取消")
    shown(qtbot, save, other)
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    middle = save.height() // 2
    assert near(pixel(save, 2, middle), style.ACCENT)
    save.setFocus()
    qtbot.waitUntil(save.hasFocus)
    assert near(pixel(save, 2, middle), "#ffffff", 60)


def test_line_edits_inside_other_editors_keep_their_margins(office, qtbot):
    from PySide6.QtWidgets import QSpinBox

    spin, edit = QSpinBox(), QLineEdit()
    shown(qtbot, spin, edit)
    assert edit.textMargins().left() == 4
    assert spin.findChild(QLineEdit).textMargins().left() == 0


def _difference(first, second) -> int:
    worst = 0
    for y in range(first.height()):
        for x in range(first.width()):
            a, b = first.pixelColor(x, y), second.pixelColor(x, y)
            worst = max(worst, abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()),
                        abs(a.alpha() - b.alpha()))
    return worst


def test_rounded_rectangles_from_their_corners_are_the_antialiased_ones(office):
    """style._rounded draws a rounded rectangle from corners drawn once and plain edges: the pixels
    of Qt's antialiased drawRoundedRect with a 1-pixel pen, within a rounding step of the blending,
    bordered or not, filled or not, at any place; a scaled painter (a high-density screen) and a
    rectangle smaller than its corners are drawn the antialiased way itself."""
    from PySide6.QtCore import QRect, QRectF
    from PySide6.QtGui import QImage, QPainter, QPen

    def draw(way, rect, border, fill, radius, scale=1.0):
        image = QImage(rect.right() + 12, rect.bottom() + 12, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("#eef1f5"))
        painter = QPainter(image)
        painter.translate(3, 2)
        painter.scale(scale, scale)
        if way == "corners":
            style._rounded(painter, rect, border, fill, radius)
        else:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(border, 1) if border is not None else Qt.PenStyle.NoPen)
            painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.end()
        return image

    style._CORNERS.clear()
    cases = [(QColor(style.BORDER), QColor("#ffffff")), (QColor(style.ACCENT), QColor(style.ACCENT)),
             (QColor(style.BORDER), None), (None, QColor("#c5cbd3"))]
    for border, fill in cases:
        for radius in (2, 3, 4, 8):
            for rect in (QRect(0, 0, 80, 32), QRect(5, 7, 301, 29), QRect(1, 1, 2 * radius + 5, 2 * radius + 5)):
                ours, qts = draw("corners", rect, border, fill, radius), draw("qt", rect, border, fill, radius)
                assert ours != draw("corners", rect.adjusted(1, 0, 1, 0), border, fill, radius)  # it draws, where asked
                assert _difference(ours, qts) <= 2, (border, fill, radius, rect)
    assert len(style._CORNERS) == len(cases) * 4  # drawn from their corners: one picture a kind
    style._CORNERS.clear()
    small = QRect(0, 0, 6, 6)
    assert draw("corners", small, cases[0][0], cases[0][1], 4) == draw("qt", small, cases[0][0], cases[0][1], 4)
    scaled = QRect(0, 0, 80, 32)
    assert draw("corners", scaled, cases[0][0], cases[0][1], 3, 1.25) == draw("qt", scaled, cases[0][0], cases[0][1], 3, 1.25)
    assert not style._CORNERS
