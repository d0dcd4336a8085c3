"""Look and feel: Fusion, a CJK-first font stack and one small style sheet.

A calm office look: white work area, light grey navigation, one accent colour (政务蓝), red only
for errors. Sizes follow what reads well on a 1366×768 office monitor.
"""
from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

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

ARROW = (RESOURCES / "ui" / "arrow-down.svg").as_posix()

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #ffffff; }}
#startBackground {{ background: #eef1f5; }}
#startCard {{ background: #ffffff; border: 1px solid {BORDER}; border-radius: 8px; }}
#appTitle {{ font-size: 22pt; font-weight: bold; color: {ACCENT}; }}
#appSubtitle {{ color: {MUTED}; font-size: 10.5pt; }}
#panelTitle {{ font-size: 14pt; font-weight: bold; color: #1d2530; }}
#pageTitle {{ font-size: 15pt; font-weight: bold; color: #1d2530; }}
#hint {{ color: {MUTED}; }}
#fieldError {{ color: {ERROR}; font-size: 9pt; }}
#formError {{ color: {ERROR}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 1px solid {ERROR}; }}
QLineEdit, QComboBox {{ min-height: 26px; padding: 1px 6px; border: 1px solid {BORDER}; border-radius: 3px; background: #ffffff; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; width: 20px; border: none; }}
QComboBox::down-arrow {{ image: url({ARROW}); width: 10px; height: 6px; margin-right: 6px; }}
QComboBox QAbstractItemView {{ border: 1px solid {BORDER}; selection-background-color: #dbe7f5; selection-color: #1d2530; }}
QLineEdit:focus, QComboBox:focus {{ border: 1px solid {ACCENT}; }}
QPushButton {{ min-height: 26px; padding: 2px 14px; border: 1px solid {BORDER}; border-radius: 3px; background: #ffffff; }}
QPushButton:hover {{ background: #f3f6fa; }}
QPushButton:disabled {{ color: #a0a7b1; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: #ffffff; border: 1px solid {ACCENT_DARK}; }}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[primary="true"]:disabled {{ background: #8fb0d6; color: #eef3f9; }}
#navPanel {{ background: {NAV_BG}; border-right: 1px solid {BORDER}; }}
#navTitle {{ font-size: 15pt; font-weight: bold; color: {ACCENT}; }}
#navVillage {{ color: {MUTED}; }}
#navList {{ background: {NAV_BG}; border: none; outline: 0; font-size: 10.5pt; }}
#navList::item {{ padding: 7px 14px; border-left: 3px solid transparent; }}
#navList::item:selected {{ background: #ffffff; color: {ACCENT}; border-left: 3px solid {ACCENT}; font-weight: bold; }}
#navList::item:hover:!selected {{ background: #e6eaf0; }}
QTableView {{ gridline-color: #e6e9ee; selection-background-color: #dbe7f5; selection-color: #1d2530;
              alternate-background-color: #f8f9fb; border: 1px solid {BORDER}; }}
QHeaderView::section {{ background: #f5f6f8; padding: 5px 6px; border: none; border-right: 1px solid #e3e6eb;
                        border-bottom: 1px solid {BORDER}; font-weight: bold; color: #38424f; }}
QStatusBar {{ background: #f5f6f8; color: {MUTED}; border-top: 1px solid {BORDER}; }}
QGroupBox {{ font-weight: bold; border: 1px solid {BORDER}; border-radius: 4px; margin-top: 12px; padding-top: 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #38424f; }}
#statCard {{ background: #f7f9fc; border: 1px solid {BORDER}; border-radius: 6px; }}
#statValue {{ font-size: 20pt; font-weight: bold; color: {ACCENT}; }}
#statLabel {{ color: {MUTED}; }}
#readOnlyBanner {{ background: #fff4c2; border-bottom: 1px solid #e0c45c; }}
#readOnlyBanner QLabel {{ color: #5c4300; }}
#readOnlyTitle {{ font-weight: bold; }}
#lockCover {{ background: #eef1f5; }}
#lockCoverText {{ font-size: 16pt; color: {MUTED}; }}
#lockCard {{ background: #ffffff; border: 1px solid {BORDER}; }}
"""


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


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    ensure_cjk_font()
    app.setFont(ui_font())
    palette = app.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f8f9fb"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#dbe7f5"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#1d2530"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)


def set_invalid(widget, invalid: bool) -> None:  # type: ignore[no-untyped-def]
    """Mark an editor red (style sheet property) and repolish it."""
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
