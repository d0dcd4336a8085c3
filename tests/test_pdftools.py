"""tests/pdftools.py reads back what ReportLab was told to draw: text, word boxes, fonts, pixels."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.printing import fonts as font_registry

import pdftools

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
SIZE = 20.0
KAI = "PdftoolsKai"
RARE = "王㑇"  # a name with a character from CJK Extension A (ReportLab's ToUnicode stops at U+FFFF)
# (text, x, baseline from the bottom, font) — in drawing order
LINES = [
    ("青石村民委员会", 100.0, 700.0, KAI),
    ("公示 名单", 100.0, 600.0, KAI),  # a space: two words
    (RARE, 100.0, 500.0, KAI),
    ("Page one", 100.0, 100.0, "Helvetica"),
]
SECOND_PAGE = ("第二页", 300.0, 400.0, KAI)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    if KAI not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(KAI, str(Path(font_registry.FONTS_DIR) / "VillageDeskKai.ttf")))
    path = tmp_path_factory.mktemp("pdftools") / "sample.pdf"
    canvas = Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=True)
    for text, x, y, font in LINES:
        canvas.setFont(font, SIZE)
        canvas.drawString(x, y, text)
    # two strings drawn edge to edge read as one word; a gap of half a character splits them
    canvas.setFont(KAI, SIZE)
    canvas.drawString(100, 300, "村道")
    canvas.drawString(100 + pdfmetrics.stringWidth("村道", KAI, SIZE), 300, "维护")
    canvas.drawString(300, 300, "低保")
    canvas.drawString(300 + pdfmetrics.stringWidth("低保", KAI, SIZE) + SIZE / 2, 300, "救助")
    canvas.showPage()
    text, x, y, font = SECOND_PAGE
    canvas.setFont(font, SIZE)
    canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return path


def expected_box(text: str, x: float, baseline: float, font: str) -> tuple[float, float, float, float]:
    """Where poppler text -bbox puts a word: advance across, ascent to descent down, top-left origin."""
    face = pdfmetrics.getFont(font).face
    return (x, PAGE_H - baseline - face.ascent / 1000 * SIZE,
            x + pdfmetrics.stringWidth(text, font, SIZE), PAGE_H - baseline - face.descent / 1000 * SIZE)


def test_text_is_every_page_ending_with_a_form_feed(sample):
    pages = pdftools.page_texts(sample)
    # one line per baseline, as poppler text prints it: words far apart on it are spaced
    assert pages == ["青石村民委员会\n公示 名单\n" + RARE + "\nPage one\n村道维护 低保 救助\n", "第二页\n"]
    assert pdftools.text(sample) == pages[0] + "\f" + pages[1] + "\f"
    assert pdftools.text(sample).split("\f")[-2] == "第二页\n"


def test_words_are_runs_of_characters_with_their_boxes(sample):
    found = pdftools.words(sample)
    assert [(w.page_index, w.text) for w in found] == [
        (0, "青石村民委员会"), (0, "公示"), (0, "名单"), (0, RARE), (0, "Page"), (0, "one"),
        (0, "村道维护"), (0, "低保"), (0, "救助"), (1, "第二页")]
    by_text = {w.text: w for w in found}
    for text, x, y, font in [*LINES[:1], LINES[2], SECOND_PAGE]:
        assert (by_text[text].x0, by_text[text].y0, by_text[text].x1, by_text[text].y1) == pytest.approx(
            expected_box(text, x, y, font), abs=1.0), text
    second_word_x = 100 + pdfmetrics.stringWidth("公示 ", KAI, SIZE)
    assert (by_text["名单"].x0, by_text["名单"].x1) == pytest.approx(
        (second_word_x, second_word_x + 2 * SIZE), abs=1.0)
    # CJK glyphs are one em wide: seven characters at 20 pt span 140 points
    assert by_text["青石村民委员会"].x1 - by_text["青石村民委员会"].x0 == pytest.approx(140, abs=0.5)


def test_fonts_tell_embedded_subsets_from_standard_fonts(sample):
    found = {font["name"].split("+")[-1]: font for font in pdftools.fonts(sample)}
    assert set(found) == {"VillageDeskKai-Regular", "Helvetica"}  # the TrueType's own PostScript name
    kai = found["VillageDeskKai-Regular"]
    assert kai["embedded"] and kai["subset"] and kai["type"] == "TrueType"
    assert re.fullmatch(r"[A-Z]{6}\+VillageDeskKai-Regular", kai["name"])
    assert found["Helvetica"] == {"name": "Helvetica", "type": "Type 1", "embedded": False, "subset": False}


def test_rendered_pages_are_ink_inside_the_word_boxes_and_white_elsewhere(sample, tmp_path):
    dpi = 144
    scale = dpi / 72
    pngs = pdftools.render_png(sample, tmp_path, dpi)
    assert [p.name for p in pngs] == ["page-1.png", "page-2.png"]
    only_second = pdftools.render_png(sample, tmp_path, 36, first=2, last=2, prefix="p")
    assert [p.name for p in only_second] == ["p-2.png"]
    words = pdftools.words(sample)
    for index, png in enumerate(pngs):
        image = Image.open(png).convert("L")
        assert image.size == (round(PAGE_W * scale), round(PAGE_H * scale))
        boxes = [(w.x0 * scale, w.y0 * scale, w.x1 * scale, w.y1 * scale) for w in words if w.page_index == index]
        assert boxes
        for x0, y0, x1, y1 in boxes:  # ink in every word box
            inside = image.crop((int(x0), int(y0), int(x1) + 1, int(y1) + 1))
            assert inside.getextrema()[0] < 128, (index, x0, y0)
        # and none outside them: blank the boxes (and a pixel of antialiasing around) and find white
        draw = ImageDraw.Draw(image)
        for x0, y0, x1, y1 in boxes:
            draw.rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), fill=255)
        assert image.getextrema()[0] >= 250, (index, image.getbbox())
