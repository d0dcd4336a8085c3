"""The interface's font shows Chinese on any machine: where none of the usual Chinese fonts is
installed (a bare Linux desktop, this CI machine), the bundled WenQuanYi Micro Hei is added."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase, QFontMetrics

from ui import style

pytestmark = pytest.mark.gui


def test_the_ui_font_has_chinese_glyphs(qapp):
    assert style.ensure_cjk_font()
    assert any(QFontDatabase.hasFamily(family) for family in style.FONT_FAMILIES)
    metrics = QFontMetrics(style.ui_font())
    for char in "村务台调解积分户主":
        assert metrics.inFontUcs4(ord(char)), char
