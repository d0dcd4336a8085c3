"""ReportLab flowables that set Chinese text by :mod:`app.printing.linebreak` rules."""
from __future__ import annotations

import re
from collections.abc import Callable

from reportlab.lib.colors import Color, black
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.printing import fonts as font_registry
from app.printing.linebreak import Line, atoms, wrap

# Where the baseline sits in a CJK em box (ideographic glyphs fill ~0.88 em above it).
_ASCENT = 0.86


def is_cjk(ch: str) -> bool:
    """An ideograph, kana, or a full-width sign: what justification may stretch around."""
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x20000 <= code <= 0x3FFFF or 0x2000 <= code <= 0x206F and ch in "—…“”‘’")


def stretchable(left: str, right: str) -> bool:
    """May a justified line widen the gap between these two atoms? At spaces, and next to a CJK
    character; never between the letters or digits of one word, number or URL."""
    if not left.strip() or not right.strip():
        return True
    return is_cjk(left[-1]) or is_cjk(right[0])


class Measure:
    """Width of a string set in ``size`` with ``tracking`` (extra space after every character),
    each character in the first font of ``chain`` that has it."""

    def __init__(self, chain: tuple[str, ...], size: float, tracking: float = 0.0):
        self.chain, self.size, self.tracking = chain, size, tracking
        self._simple = len(chain) == 1
        font_registry.register(chain[0])
        self._cache: dict[str, float] = {}

    def __call__(self, text: str) -> float:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        font = self.chain[0] if self._simple else font_registry.single_font(text, self.chain)
        if font is not None:
            width = stringWidth(text, font, self.size)
        else:
            width = sum(stringWidth(piece, font, self.size) for font, piece in font_registry.runs(text, self.chain))
        width += self.tracking * len(text)
        if len(self._cache) < 4096:
            self._cache[text] = width
        return width


_LABEL = re.compile(r"[^\s\d：:，。；]{1,8}[：:]")


def _label_atoms(pieces: list[str]) -> int:
    """How many atoms at the start of a line form a label (公示期：, 联系方式：, 主持人：): a
    justified line is not stretched inside it, nor right after its colon."""
    match = _LABEL.match("".join(pieces[:10]))
    if not match:
        return 0
    length, count = 0, 0
    for piece in pieces:
        if length >= match.end():
            break
        length += len(piece)
        count += 1
    return count


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
        # titles and captions: broken between words, in lines of even length (GB/T 9704 词意完整, 排列对称)
        from app.printing.titles import balanced_lines

        parts = balanced_lines(self.text, self.measure, avail - self.left_indent, self.size)
        return [Line(p, self.measure(p), i == len(parts) - 1) for i, p in enumerate(parts)]

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
            x = offset
            if self.align == "center":
                x += (room - natural) / 2
            elif self.align == "right":
                x += room - natural
            extra = 0.0
            if self.align == "justify" and not line.last and len(line.text) > 1:
                extra = room - natural
                # a long number pushed to the next line can leave a wide gap: stretch moderately
                if not 0 < extra <= max(3 * self.size, room * 0.3):
                    extra = 0.0
            y = self.height - index * self.leading - baseline_drop
            self._draw_line(line.text, x, y, extra)

    def _draw_line(self, line: str, x: float, y: float, extra: float) -> None:
        """Draw one line; ``extra`` is shared out between CJK characters and at spaces only —
        never inside a number, a Latin word, a URL or a masked phone (138****1234)."""
        pieces = atoms(line) if extra else [line]
        label = _label_atoms(pieces)
        gaps = [i for i in range(label, len(pieces) - 1) if stretchable(pieces[i], pieces[i + 1])]
        share = extra / len(gaps) if gaps else 0.0
        if share > self.size * 0.3:
            # gaps wider than about a third of a character read as letter-spacing (公 示 期 ：) or
            # holes: leave the line short
            share = 0.0
        gap_set = set(gaps)
        canvas = self.canv
        segment, start_x = "", x
        for i, piece in enumerate(pieces):
            segment += piece
            x += self.measure(piece)
            if i in gap_set or i == len(pieces) - 1:
                self._draw_text(segment, start_x, y)
                x += share
                segment, start_x = "", x
        del canvas

    def _draw_text(self, text_: str, x: float, y: float) -> None:
        if not text_.strip():
            return
        canvas = self.canv
        text = canvas.beginText(x, y)
        text.setCharSpace(self.tracking)
        if self.fake_bold:
            text.setTextRenderMode(2)  # fill and stroke: heavier strokes for fonts without bold
        for font, piece in font_registry.runs(text_, self.chain):
            text.setFont(font, self.size)
            text.textOut(piece)
        canvas.drawText(text)

    def lines(self) -> list[str]:
        return [line.text for line in self._lines or []]


class SignatureBlock(Flowable):
    """落款: issuing body and date at the right, date indented ``right_chars`` characters, the
    issuer centred over the date; optionally a dashed circle where the seal goes."""

    def __init__(self, lines: list[str], date_text: str, *, chain: tuple[str, ...], size: float,
                 leading: float, right_chars: float = 4.0, seal: bool = False, seal_diameter: float = 0.0,
                 issuers: list[str] | None = None):
        super().__init__()
        self.lines_, self.date_text = [ln for ln in lines if ln], date_text
        # joint issuers (党支部 + 村委会): side by side on one row, each under its own seal
        self.issuers = [i for i in (issuers or []) if i]
        if len(self.issuers) > 1:
            self.lines_ = [" ".join(self.issuers)] + [ln for ln in self.lines_ if ln not in self.issuers]
        self.chain, self.size, self.leading = chain, size, leading
        self.right_chars, self.seal, self.seal_diameter = right_chars, seal, seal_diameter
        self.measure = Measure(chain, size)
        self.keepWithNext = False

    def _joint_blocks(self, width: float) -> list[list[str]]:
        """Each joint issuer's name as lines: one line each when they fit side by side; otherwise
        (CPC 青石村 Branch Committee beside 青石村村民委员会 in English) each broken to its share of
        the width, so the names never run into each other."""
        right = width - self.right_chars * self.size
        widths = [self.measure(n) for n in self.issuers]
        gaps = (len(self.issuers) - 1) * 2 * self.size
        if sum(widths) + gaps <= right:
            return [[n] for n in self.issuers]
        share = (width - gaps) / len(self.issuers)
        return [[line.text for line in wrap(n, self.measure, share)] for n in self.issuers]

    def _draw_joint(self, rows: list[str], widths: list[float], right: float, baseline_drop: float) -> None:
        canvas = self.canv
        blocks = self._joint_blocks(self.width)
        name_widths = [max(self.measure(line) for line in block) for block in blocks]
        date_width = widths[-1] if self.date_text else 0.0
        last_centre = right - max(date_width, name_widths[-1]) / 2
        if last_centre + name_widths[-1] / 2 > self.width:
            last_centre = self.width - name_widths[-1] / 2
        count = len(blocks)
        gap = max(max(name_widths) + 2 * self.size, self.seal_diameter + self.size)
        centres = [last_centre - gap * (count - 1 - k) for k in range(count)]
        if centres[0] - name_widths[0] / 2 < 0:  # too wide for the gap: spread from the left edge
            first = name_widths[0] / 2
            step = (last_centre - first) / max(count - 1, 1)
            centres = [first + step * k for k in range(count)]
        name_rows = max(len(block) for block in blocks)
        for index in range(name_rows):
            y = self.height - index * self.leading - baseline_drop
            for block, centre in zip(blocks, centres, strict=True):
                if index < len(block):
                    self._text(block[index], centre - self.measure(block[index]) / 2, y)
        for index, row in enumerate(rows[1:], start=name_rows):
            y = self.height - index * self.leading - baseline_drop
            width = self.measure(row)
            self._text(row, (last_centre - width / 2) if row == self.date_text else right - width, y)
        if self.seal and self.seal_diameter:
            canvas.saveState()
            canvas.setStrokeColor(Color(0.75, 0.75, 0.75))
            canvas.setLineWidth(0.6)
            canvas.setDash(3, 3)
            for centre in centres:
                canvas.circle(centre, self.height / 2, self.seal_diameter / 2, stroke=1, fill=0)
            canvas.restoreState()

    def _text(self, row: str, x: float, y: float) -> None:
        text = self.canv.beginText(x, y)
        for font, piece in font_registry.runs(row, self.chain):
            text.setFont(font, self.size)
            text.textOut(piece)
        self.canv.drawText(text)

    def _rows(self) -> list[str]:
        return self.lines_ + ([self.date_text] if self.date_text else [])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        rows = len(self._rows())
        if len(self.issuers) > 1:
            rows += max(len(block) for block in self._joint_blocks(availWidth)) - 1
        self.height = self.leading * rows
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
        if len(self.issuers) > 1:
            self._draw_joint(rows, widths, right, baseline_drop)
            return
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


class GridTable(Flowable):
    """A ruled table whose cells are already broken into lines, with fixed column widths and row
    heights: laying out a page is adding heights, so a 400-page roster is as quick as plain
    ReportLab's page-sized tables. The header row repeats on every page; a page never starts or
    ends a table with a single row (orphan/widow rows) when the table has more.

    ``cells[r][c]`` is a list of lines; ``fonts[r][c]`` None means the row's default font
    (``header_font`` for row 0), otherwise a font chain for per-character fallback.
    """

    def __init__(self, header: list[list[str]], rows: list[list[list[str]]], *, widths: list[float],
                 aligns: list[str], size: float, leading: float, pad: float, chain: tuple[str, ...],
                 header_chain: tuple[str, ...], header_fill: Color | None = None, line_width: float = 0.6,
                 min_rows: int = 2, _heights: list[float] | None = None, _fonts: dict | None = None):
        super().__init__()
        self.header, self.rows = header, rows
        self.widths, self.aligns = widths, aligns
        self.size, self.leading, self.pad = size, leading, pad
        self.chain, self.header_chain = chain, header_chain
        self.header_fill = header_fill
        self.line_width = line_width
        self.min_rows = min_rows
        self.header_height = self._row_height(header)
        self.heights = _heights if _heights is not None else [self._row_height(r) for r in rows]
        self._fonts: dict[tuple[str, tuple[str, ...]], str | None] = _fonts if _fonts is not None else {}
        self.width = sum(widths)
        self.height = self.header_height + sum(self.heights)

    def _row_height(self, row: list[list[str]]) -> float:
        lines = max((len(cell) for cell in row), default=1) or 1
        return lines * self.leading + 1.4 * self.pad

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def _part(self, start: int, end: int | None = None) -> GridTable:
        return GridTable(self.header, self.rows[start:end], widths=self.widths, aligns=self.aligns, size=self.size,
                         leading=self.leading, pad=self.pad, chain=self.chain, header_chain=self.header_chain,
                         header_fill=self.header_fill, line_width=self.line_width, min_rows=self.min_rows,
                         _heights=self.heights[start:end], _fonts=self._fonts)

    def rows_fitting(self, availHeight: float) -> int:
        room = availHeight - self.header_height + 1e-6
        count = 0
        for height in self.heights:
            if height > room:
                break
            room -= height
            count += 1
        return count

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = self.rows_fitting(availHeight)
        total = len(self.rows)
        if fits >= total:
            return [self]
        keep = min(self.min_rows, total)
        if total - fits < keep:
            fits = total - keep  # no lone row carried over to the next page
        if fits < keep:
            return []  # nor a lone row left at the foot of this one: the table moves on
        return [self._part(0, fits), self._part(fits)]

    def draw(self) -> None:
        canvas = self.canv
        y = self.height
        ascent = self.size * _ASCENT
        canvas.saveState()
        if self.header_fill is not None:
            canvas.setFillColor(self.header_fill)
            canvas.rect(0, y - self.header_height, self.width, self.header_height, stroke=0, fill=1)
        canvas.setFillColor(black)
        lines_used = set()
        for row_index, (row, height) in enumerate(zip([self.header, *self.rows],
                                                      [self.header_height, *self.heights], strict=True)):
            chain = self.header_chain if row_index == 0 else self.chain
            x = 0.0
            for col, (cell, width) in enumerate(zip(row, self.widths, strict=True)):
                if cell:
                    align = "center" if row_index == 0 else self.aligns[col]
                    block = len(cell) * self.leading
                    top = y - (height - block) / 2  # vertically centred
                    for number, text in enumerate(cell):
                        if not text:
                            continue
                        baseline = top - number * self.leading - (self.leading - self.size) / 2 - ascent
                        self._draw_cell_line(text, x, width, baseline, align, chain)
                x += width
            y -= height
            lines_used.add(y)
        canvas.setStrokeColor(black)
        canvas.setLineWidth(self.line_width)
        path = canvas.beginPath()
        y = self.height
        for height in [self.header_height, *self.heights]:
            path.moveTo(0, y)
            path.lineTo(self.width, y)
            y -= height
        path.moveTo(0, 0)
        path.lineTo(self.width, 0)
        x = 0.0
        for width in [0.0, *self.widths]:
            x += width
            path.moveTo(x, 0)
            path.lineTo(x, self.height)
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()

    def _draw_cell_line(self, text: str, x: float, width: float, baseline: float, align: str,
                        chain: tuple[str, ...]) -> None:
        canvas = self.canv
        key = (text, chain)
        if key in self._fonts:
            font = self._fonts[key]
        else:
            font = self._fonts[key] = font_registry.single_font(text, chain)
        if font is not None:
            used = font_registry.used_fonts.get()
            if used is not None:
                used.add(font)
            canvas.setFont(font, self.size)
            if align == "center":
                canvas.drawCentredString(x + width / 2, baseline, text)
            elif align == "right":
                canvas.drawRightString(x + width - self.pad, baseline, text)
            else:
                canvas.drawString(x + self.pad, baseline, text)
            return
        runs = font_registry.runs(text, chain)
        natural = sum(stringWidth(piece, f, self.size) for f, piece in runs)
        start = {"center": x + (width - natural) / 2, "right": x + width - self.pad - natural}.get(align, x + self.pad)
        text_object = canvas.beginText(start, baseline)
        for f, piece in runs:
            text_object.setFont(f, self.size)
            text_object.textOut(piece)
        canvas.drawText(text_object)


def line_count(flowable: Flowable, width: float, height: float) -> int:
    """How many lines (table rows) a flowable shows: what the closing block keeps with. Spacers
    show none; a flowable of another kind counts as enough."""
    if isinstance(flowable, CJKParagraph):
        flowable.wrap(width, height)
        return len(flowable.lines())
    if isinstance(flowable, GridTable):
        return len(flowable.rows)
    if isinstance(flowable, SignatureBlock):
        return len(flowable._rows())
    if flowable.__class__.__name__ == "Spacer":
        return 0
    return 2


class ClosingGroup(Flowable):
    """The closing block (公示期, how to object, contact line, 落款, seal, date) with the last
    lines before it (``before``: the trailing flowables that show at least two lines or rows):
    the closing never stands alone on a page.

    When the whole does not fit, the first flowable before is split — where the page ends, or,
    when it fits but the closing does not, just before its last lines (its own split keeps two
    together) — so the page is filled and only that tail goes over with the closing. A group that
    would leave more than half a page empty behind it, or is too tall for any page, lets its
    closing paragraphs flow and keeps only the 落款 (with the seal and date) with the last two
    lines before it."""

    def __init__(self, before: Flowable | list[Flowable] | None, closing: list[Flowable], frame_height: float):
        super().__init__()
        if before is None:
            before = []
        self.before = before if isinstance(before, list) else [before]
        self.closing, self.frame_height = closing, frame_height

    def _children(self) -> list[Flowable]:
        return self.before + self.closing

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        total = 0.0
        self._sizes = []
        for index, child in enumerate(self._children()):
            _w, h = child.wrap(availWidth, availHeight)
            before = child.getSpaceBefore() if index else 0.0
            after = child.getSpaceAfter()
            self._sizes.append((before, h, after))
            total += before + h + after
        self.height = total
        return availWidth, total

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight + 1e-6:
            return [self]
        at_top = availHeight >= self.frame_height - 1e-3
        if self.before:
            first = self.before[0]
            _b, height, after = self._sizes[0]
            # where the page ends; or, when the first block fits but the closing does not, just
            # before its last lines, so that only they go over with the closing
            room = availHeight if height + after > availHeight else height - 1e-3
            parts = first.split(availWidth, room) if room > 0 else []
            if len(parts) == 2:
                return [parts[0], ClosingGroup([parts[1], *self.before[1:]], self.closing, self.frame_height)]
        if not at_top and self.height <= self.frame_height - 1e-3 and availHeight < self.frame_height / 2:
            return []  # move on: the next page holds it, and this one is more than half full
        # taller than a page: the closing paragraphs flow; the 落款 keeps with two lines before it
        signature = self.closing[-1:] if isinstance(self.closing[-1:][0] if self.closing else None,
                                                    SignatureBlock) else []
        if signature and len(self.closing) > 1 and self.closing[-2].__class__.__name__ == "Spacer":
            signature = self.closing[-2:]
        lead = self._children()[: len(self._children()) - len(signature)]
        if not signature or len(lead) <= len(self.before):
            return self._children()
        tail: list[Flowable] = []
        while lead and sum(line_count(f, availWidth, availHeight) for f in tail) < 2:
            tail.insert(0, lead.pop())
        result = [*lead, ClosingGroup(tail, signature, self.frame_height)]
        # what comes first must fit where it goes (ReportLab places it as it is)
        _w, height = result[0].wrap(availWidth, availHeight)
        if height > availHeight + 1e-6:
            parts = result[0].split(availWidth, availHeight)
            if len(parts) != 2:
                return self._children() if at_top else []
            result[:1] = parts
        return result

    def draw(self) -> None:
        y = self.height
        for child, (before, h, after) in zip(self._children(), self._sizes, strict=True):
            y -= before + h
            child.drawOn(self.canv, 0, y)
            y -= after
