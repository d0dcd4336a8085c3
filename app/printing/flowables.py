"""ReportLab flowables that set Chinese text by :mod:`app.printing.linebreak` rules."""
from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import Color, black
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.printing import fonts as font_registry
from app.printing.linebreak import Line, wrap

# Where the baseline sits in a CJK em box (ideographic glyphs fill ~0.88 em above it).
_ASCENT = 0.86


class Measure:
    """Width of a string set in ``size`` with ``tracking`` (extra space after every character),
    each character in the first font of ``chain`` that has it."""

    def __init__(self, chain: tuple[str, ...], size: float, tracking: float = 0.0):
        self.chain, self.size, self.tracking = chain, size, tracking
        self._simple = len(chain) == 1
        self._cache: dict[str, float] = {}

    def __call__(self, text: str) -> float:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if self._simple:
            width = stringWidth(text, self.chain[0], self.size)
        else:
            width = sum(stringWidth(piece, font, self.size) for font, piece in font_registry.runs(text, self.chain))
        width += self.tracking * len(text)
        if len(self._cache) < 4096:
            self._cache[text] = width
        return width


class CJKParagraph(Flowable):
    """A paragraph broken by the Chinese rules and justified, optionally on a fixed line grid.

    ``first_indent`` is added to ``left_indent`` on the first line (negative: hanging indent).
    """

    def __init__(self, text: str, *, chain: tuple[str, ...], size: float, leading: float,
                 align: str = "justify", left_indent: float = 0.0, first_indent: float = 0.0,
                 tracking: float = 0.0, color: Color = black, space_before: float = 0.0,
                 space_after: float = 0.0, keep_with_next: bool = False, fake_bold: bool = False,
                 balance: bool = False, _lines: list[Line] | None = None, _continued: bool = False):
        super().__init__()
        self.text = text
        self.chain, self.size, self.leading = chain, size, leading
        self.align, self.left_indent, self.first_indent = align, left_indent, first_indent
        self.tracking, self.color = tracking, color
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.keepWithNext = keep_with_next
        self.fake_bold = fake_bold
        self.balance = balance  # titles: lines of even length (梯形/菱形), never one lonely character
        self.measure = Measure(chain, size, tracking)
        self._lines = _lines
        self._continued = _continued  # a later part of a split paragraph: no first-line indent
        self._avail = 0.0

    def _copy(self, lines: list[Line], continued: bool, space_before: float, space_after: float) -> CJKParagraph:
        part = CJKParagraph(self.text, chain=self.chain, size=self.size, leading=self.leading, align=self.align,
                            left_indent=self.left_indent, first_indent=self.first_indent, tracking=self.tracking,
                            color=self.color, space_before=space_before, space_after=space_after,
                            fake_bold=self.fake_bold, balance=self.balance, _lines=lines, _continued=continued)
        part._avail = self._avail
        return part

    def _first_offset(self) -> float:
        return self.left_indent + (0.0 if self._continued else self.first_indent)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._lines is None or abs(availWidth - self._avail) > 1e-6:
            self._lines = self._wrap(availWidth)
        self._avail = availWidth
        self.width = availWidth
        self.height = self.leading * len(self._lines)
        return availWidth, self.height

    def _wrap(self, avail: float) -> list[Line]:
        def lines_at(width: float) -> list[Line]:
            return wrap(self.text, self.measure, width - self.left_indent, first_width=width - self._first_offset())

        lines = lines_at(avail)
        if not self.balance or len(lines) < 2:
            return lines
        # the narrowest measure that still needs no more lines gives the most even lines
        low, high = avail / len(lines), avail
        for _ in range(12):
            middle = (low + high) / 2
            if len(lines_at(middle)) > len(lines):
                low = middle
            else:
                high = middle
        return lines_at(high)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        fits = int((availHeight + 1e-6) // self.leading)
        if fits >= len(self._lines):
            return [self]
        if fits <= 0 or (fits == 1 and len(self._lines) > 2):
            return []  # do not leave a single line behind (orphan): move the paragraph
        if len(self._lines) - fits == 1 and fits > 1:
            fits -= 1  # nor carry a single line over (widow)
        return [self._copy(self._lines[:fits], self._continued, self.spaceBefore, 0.0),
                self._copy(self._lines[fits:], True, 0.0, self.spaceAfter)]

    def draw(self) -> None:
        canvas = self.canv
        assert self._lines is not None
        canvas.setFillColor(self.color)
        if self.fake_bold:
            canvas.setStrokeColor(self.color)
            canvas.setLineWidth(self.size * 0.03)
        baseline_drop = (self.leading - self.size) / 2 + self.size * _ASCENT
        for index, line in enumerate(self._lines):
            if not line.text:
                continue
            offset = self._first_offset() if index == 0 else self.left_indent
            room = self.width - offset
            natural = line.width - self.tracking  # no tracking after the last character
            char_space, word_space = self.tracking, 0.0
            x = offset
            if self.align == "center":
                x += (room - natural) / 2
            elif self.align == "right":
                x += room - natural
            elif self.align == "justify" and not line.last and len(line.text) > 1:
                extra = room - natural
                spaces = line.text.count(" ")
                # a long number pushed to the next line can leave a wide gap: stretch moderately
                if 0 < extra <= max(3 * self.size, room * 0.3):
                    if spaces:  # Latin text: widen the spaces between words, not the letters
                        word_space = extra / spaces
                    else:
                        char_space += extra / (len(line.text) - 1)
            y = self.height - index * self.leading - baseline_drop
            self._draw_line(line.text, x, y, char_space, word_space)

    def _draw_line(self, line: str, x: float, y: float, char_space: float, word_space: float) -> None:
        canvas = self.canv
        words = line.split(" ") if word_space else [line]
        space = self.measure(" ") + word_space
        for number, word in enumerate(words):
            if word:
                text = canvas.beginText(x, y)
                text.setCharSpace(char_space)
                if self.fake_bold:
                    text.setTextRenderMode(2)  # fill and stroke: heavier strokes for fonts without bold
                for font, piece in font_registry.runs(word, self.chain):
                    text.setFont(font, self.size)
                    text.textOut(piece)
                canvas.drawText(text)
            if number < len(words) - 1:
                x += self.measure(word) + space

    def lines(self) -> list[str]:
        return [line.text for line in self._lines or []]


class SignatureBlock(Flowable):
    """落款: issuing body and date at the right, date indented ``right_chars`` characters, the
    issuer centred over the date; optionally a dashed circle where the seal goes."""

    def __init__(self, lines: list[str], date_text: str, *, chain: tuple[str, ...], size: float,
                 leading: float, right_chars: float = 4.0, seal: bool = False, seal_diameter: float = 0.0):
        super().__init__()
        self.lines_, self.date_text = [ln for ln in lines if ln], date_text
        self.chain, self.size, self.leading = chain, size, leading
        self.right_chars, self.seal, self.seal_diameter = right_chars, seal, seal_diameter
        self.measure = Measure(chain, size)
        self.keepWithNext = False

    def _rows(self) -> list[str]:
        return self.lines_ + ([self.date_text] if self.date_text else [])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.leading * len(self._rows())
        return availWidth, self.height

    def draw(self) -> None:
        canvas = self.canv
        rows = self._rows()
        if not rows:
            return
        right = self.width - self.right_chars * self.size
        widths = [self.measure(r) for r in rows]
        anchor = widths[-1] if self.date_text else max(widths)
        centre = right - anchor / 2
        baseline_drop = (self.leading - self.size) / 2 + self.size * _ASCENT
        canvas.setFillColor(black)
        for index, (row, width) in enumerate(zip(rows, widths, strict=True)):
            x = centre - width / 2
            if x + width > self.width:  # a long issuer name: keep it inside the text block
                x = self.width - width
            y = self.height - index * self.leading - baseline_drop
            text = canvas.beginText(x, y)
            for font, piece in font_registry.runs(row, self.chain):
                text.setFont(font, self.size)
                text.textOut(piece)
            canvas.drawText(text)
        if self.seal and self.seal_diameter:
            canvas.saveState()
            canvas.setStrokeColor(Color(0.75, 0.75, 0.75))
            canvas.setLineWidth(0.6)
            canvas.setDash(3, 3)
            canvas.circle(centre, self.height / 2, self.seal_diameter / 2, stroke=1, fill=0)
            canvas.restoreState()


def measure_for(chain: tuple[str, ...], size: float) -> Callable[[str], float]:
    return Measure(chain, size)
