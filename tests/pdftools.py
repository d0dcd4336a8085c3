"""What the tests read from a PDF — text, word boxes, fonts, page pictures — without poppler.

The tests used to run poppler text, ``poppler text -bbox``, poppler font list and poppler page render; a fresh machine has
only Python, so these helpers give the equivalent answers from pypdfium2 (PDFium, the engine
Chrome uses) and pypdf. Each function says which poppler output it stands for and how it gets
there. Where they differ: text and words come in drawing order, not poppler's reading order
(it reorders columns); a turned word gets an upright box; and a standard font drawn without a
font descriptor (Helvetica …) gets PDFium's taller built-in ascent and descent.
"""
from __future__ import annotations

import ctypes
import math
import re
from pathlib import Path
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

# poppler text -bbox (poppler's TextOutputDev) ends a word at a gap wider than this many font sizes,
# or where the next character starts this far back over the previous one.
WORD_BREAK_GAP = 0.1
WORD_BREAK_OVERLAP = 0.2
# poppler's ascent and descent when a font descriptor gives none (or nonsense).
DEFAULT_ASCENT, DEFAULT_DESCENT = 0.95, -0.35


class Word(NamedTuple):
    """One run of characters, its box in points with the origin at the page's top left."""

    page_index: int  # from 0
    text: str
    x0: float
    y0: float  # top
    x1: float
    y1: float  # bottom


def page_texts(path: Path | str) -> list[str]:
    """Each page's text in drawing order, one ``\\n`` after every line (poppler text, per page)."""
    pdf = pdfium.PdfDocument(Path(path))
    try:
        texts = []
        for page in pdf:
            # get_text_bounded, not get_text_range: the latter stops at UCS-2 (rare names need more)
            text = page.get_textpage().get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")
            texts.append(text if not text or text.endswith("\n") else text + "\n")
        return texts
    finally:
        pdf.close()


def text(path: Path | str) -> str:
    """The whole document as poppler text prints it: every page ends with a form feed."""
    return "".join(page + "\f" for page in page_texts(path))


def words(path: Path | str) -> list[Word]:
    """Every word with its page and box, as ``poppler text -bbox`` gives them.

    Poppler's rules, applied to PDFium's characters: a word ends at white space, where the
    baseline moves by more than half a point, where the font size or the direction changes, and
    at a gap wider than a tenth of the font size (so an unspaced CJK line is one word). A
    horizontal word spans its characters' advances across, and from baseline - ascent to
    baseline - descent of its first font (the font descriptor's values) down. A turned word (a
    watermark), which poppler measures along its own axes, gets the upright box around its glyphs.
    """
    pdf = pdfium.PdfDocument(Path(path))
    try:
        found: list[Word] = []
        for index, page in enumerate(pdf):
            found += _page_words(index, page)
        return found
    finally:
        pdf.close()


class _Char(NamedTuple):
    code: str
    x: float  # origin, PDF user space (bottom-left origin)
    y: float
    advance: float  # horizontal text only: across the page
    size: float
    angle: float  # of the baseline, counter-clockwise from the page's x axis
    text_object: int  # which text object drew it
    ascent: float  # in points above the baseline
    descent: float  # in points, negative below it
    glyph_box: tuple[float, float, float, float]  # left, bottom, right, top


def _page_words(index: int, page: pdfium.PdfPage) -> list[Word]:
    height = page.get_height()
    textpage = page.get_textpage()
    found: list[Word] = []
    run: list[_Char] = []

    def end_word() -> None:
        if run:
            found.append(_word(index, height, run))
            run.clear()

    for i in range(textpage.count_chars()):
        char = _char(textpage, i)
        if char is None:
            end_word()
            continue
        if run and _breaks(run[-1], char):
            end_word()
        run.append(char)
    end_word()
    return found


def _char(textpage: pdfium.PdfTextPage, i: int) -> _Char | None:
    """A drawn character, or None for white space and PDFium's own inserted spaces and line ends."""
    if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
        return None
    code = chr(pdfium_c.FPDFText_GetUnicode(textpage, i))
    if code.isspace() or code == "\x00":
        return None
    x, y = ctypes.c_double(), ctypes.c_double()
    if not pdfium_c.FPDFText_GetCharOrigin(textpage, i, x, y):
        return None
    # the text object's matrix on the page (without the font size): direction and scale
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(textpage, i, matrix):
        matrix.a, matrix.b, matrix.c, matrix.d = 1, 0, 0, 1
    angle = math.atan2(matrix.b, matrix.a)
    size = pdfium_c.FPDFText_GetFontSize(textpage, i) * (math.hypot(matrix.c, matrix.d) or 1.0)
    # PDFium's loose box is the advance wide (it is what poppler's xMax adds to the origin)
    left, _bottom, right, _top = textpage.get_charbox(i, loose=True)
    obj = pdfium_c.FPDFText_GetTextObject(textpage, i)
    ascent, descent = _font_metrics(obj, size)
    return _Char(code, x.value, y.value, right - left, size, angle, ctypes.cast(obj, ctypes.c_void_p).value or 0,
                 ascent, descent, textpage.get_charbox(i))


def _font_metrics(text_object, size: float) -> tuple[float, float]:
    """Ascent and descent in points as poppler takes them (descriptor values, sane ones only)."""
    ascent, descent = DEFAULT_ASCENT, DEFAULT_DESCENT
    font = pdfium_c.FPDFTextObj_GetFont(text_object) if text_object else None
    if font:
        value = ctypes.c_float()
        if pdfium_c.FPDFFont_GetAscent(font, 1000.0, value):
            a = abs(value.value) / 1000
            ascent = a if 0 < a < 3 else ascent
        if pdfium_c.FPDFFont_GetDescent(font, 1000.0, value):
            d = -abs(value.value) / 1000
            descent = d if -3 < d < 0 else descent
    return ascent * size, descent * size


def _horizontal(char: _Char) -> bool:
    return abs(char.angle) < 1e-3


def _breaks(last: _Char, char: _Char) -> bool:
    if abs(last.size - char.size) > 0.01 or abs(last.angle - char.angle) > 1e-3:
        return True
    cos, sin = math.cos(char.angle), math.sin(char.angle)
    dx, dy = char.x - last.x, char.y - last.y
    if abs(-dx * sin + dy * cos) > 0.5:  # off the baseline
        return True
    if not _horizontal(char):
        # PDFium gives no advance along a turned baseline: a turned word is what one text
        # object draws without a space (poppler would also join across objects that touch)
        return char.text_object != last.text_object or dx * cos + dy * sin <= 0
    gap = dx - last.advance
    return gap > WORD_BREAK_GAP * last.size or gap < -WORD_BREAK_OVERLAP * last.size


def _word(index: int, page_height: float, run: list[_Char]) -> Word:
    raw = "".join(c.code for c in run)
    word = raw.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")  # rejoin split pairs
    first = run[0]
    if all(_horizontal(c) for c in run):
        x0, x1 = first.x, max(c.x + c.advance for c in run)
        top, bottom = first.y + first.ascent, first.y + first.descent
    else:
        x0 = min(c.glyph_box[0] for c in run)
        x1 = max(c.glyph_box[2] for c in run)
        bottom = min(c.glyph_box[1] for c in run)
        top = max(c.glyph_box[3] for c in run)
    return Word(index, word, x0, page_height - top, x1, page_height - bottom)


# poppler font list' names for a font's type, by its /Subtype (a Type0 font by its descendant's) and by
# the kind of font program embedded (FontFile3's /Subtype).
_FONT_TYPES = {
    ("/Type1", None): "Type 1", ("/MMType1", None): "Type 1", ("/Type1", "/Type1C"): "Type 1C",
    ("/MMType1", "/Type1C"): "Type 1C", ("/Type1", "/OpenType"): "Type 1C (OT)",
    ("/Type3", None): "Type 3",
    ("/TrueType", None): "TrueType", ("/TrueType", "/OpenType"): "TrueType (OT)",
    ("/CIDFontType0", None): "CID Type 0", ("/CIDFontType0", "/CIDFontType0C"): "CID Type 0C",
    ("/CIDFontType0", "/OpenType"): "CID Type 0C (OT)",
    ("/CIDFontType2", None): "CID TrueType", ("/CIDFontType2", "/OpenType"): "CID TrueType (OT)",
}
_SUBSET_TAG = re.compile(r"[A-Z]{6}\+.")


def fonts(path: Path | str) -> list[dict]:
    """Every font the pages use, once each, as poppler font list lists them: ``name`` (the BaseFont,
    ``[none]`` without one), ``type``, ``embedded`` (a font program in the descriptor; a Type 3
    font is its own program) and ``subset`` (the name carries a ``ABCDEF+`` tag).

    Like poppler font list, looks in each page's resources, in the forms and patterns they draw and in
    the annotations' appearances.
    """
    reader = PdfReader(Path(path))
    seen: set = set()
    found: list[dict] = []

    def visit_resources(resources, depth: int = 0) -> None:
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject) or depth > 20:
            return
        for ref in _resolve(resources.get("/Font", {})).values():
            key = _key(ref)
            if key not in seen:
                seen.add(key)
                font = _resolve(ref)
                found.append(_font_entry(font))
                if "/Resources" in font:  # a Type 3 font's glyphs may draw with other fonts
                    visit_resources(font["/Resources"], depth + 1)
        for group in ("/XObject", "/Pattern"):
            for ref in _resolve(resources.get(group, {})).values():
                key = ("res", _key(ref))
                if key in seen:
                    continue
                seen.add(key)
                inner = _resolve(ref)
                if isinstance(inner, DictionaryObject) and "/Resources" in inner:
                    visit_resources(inner["/Resources"], depth + 1)

    for page in reader.pages:
        visit_resources(page.get("/Resources"))
        for annotation in _resolve(page.get("/Annots")) or []:
            for appearance in _appearances(_resolve(annotation)):
                visit_resources(appearance.get("/Resources"), 1)
    return found


def _appearances(annotation: DictionaryObject) -> list[StreamObject]:
    """An annotation's /AP streams: /N, /R, /D each one stream or one per state."""
    streams = []
    for ref in (_resolve(annotation.get("/AP")) or {}).values():
        entry = _resolve(ref)
        if isinstance(entry, StreamObject):
            streams.append(entry)
        elif isinstance(entry, DictionaryObject):
            streams += [s for s in map(_resolve, entry.values()) if isinstance(s, StreamObject)]
    return streams


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _key(ref) -> object:
    return (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)


def _font_entry(font: DictionaryObject) -> dict:
    subtype = str(font.get("/Subtype", ""))
    name = str(font["/BaseFont"])[1:] if "/BaseFont" in font else "[none]"
    described = font
    if subtype == "/Type0":
        descendants = _resolve(font.get("/DescendantFonts", []))
        described = _resolve(descendants[0]) if descendants else font
        subtype = str(described.get("/Subtype", ""))
    descriptor = _resolve(described.get("/FontDescriptor", {})) or {}
    program = next((_resolve(descriptor[k]) for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor),
                   None)
    program_kind = str(program["/Subtype"]) if program is not None and "/Subtype" in program else None
    kind = _FONT_TYPES.get((subtype, program_kind)) or _FONT_TYPES.get((subtype, None), "unknown")
    return {"name": name, "type": kind, "embedded": subtype == "/Type3" or program is not None,
            "subset": bool(_SUBSET_TAG.match(name))}


def render_png(path: Path | str, out_dir: Path | str, dpi: float, *, first: int | None = None,
               last: int | None = None, prefix: str = "page") -> list[Path]:
    """Pages ``first``…``last`` (counted from 1, both included, like poppler page render's -f/-l) drawn on
    white at ``dpi`` and saved as ``prefix-N.png``; returns the files in page order."""
    out_dir = Path(out_dir)
    pdf = pdfium.PdfDocument(Path(path))
    try:
        count = len(pdf)
        first, last = first or 1, min(last or count, count)
        written = []
        for number in range(first, last + 1):
            image = pdf[number - 1].render(scale=dpi / 72, fill_color=(255, 255, 255, 255)).to_pil()
            target = out_dir / f"{prefix}-{number}.png"
            image.save(target, format="PNG")
            written.append(target)
        return written
    finally:
        pdf.close()
