"""Lay a :class:`~app.printing.model.Document` out as PDF with ReportLab platypus.

Two styles:

``poster``
    For the 村务公开栏 / 党务公开栏: A4 or A3, portrait or landscape, type large enough to read
    from two metres (body 22 pt on A4, ×√2 on A3), 黑体-style font throughout.
``official``
    GB/T 9704-2012: A4, top margin 37 mm, binding (left) margin 28 mm, text block 156 × 225 mm
    holding 22 lines of 28 characters, title 2号 (22 pt), body 3号 (16 pt) 仿宋, page numbers
    4号 (14 pt) as "— 1 —" 7 mm below the text block on the outside edge (odd pages right, even
    pages left, one character in).

Output is deterministic (ReportLab's invariant mode): the same document renders to the same
bytes, which is what lets an issued notice be reprinted identically and checked by its hash.

One render at a time: ReportLab's TrueType subsetter reads each font file through one shared
cursor, so two threads subsetting the same face at once corrupt each other's glyph tables
(``KeyError`` in ``makeSubset``). :data:`_RENDER_LOCK` serialises :func:`render`.
"""
from __future__ import annotations

import dataclasses
import functools
import io
import math
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer

from app.i18n import _, official_date
from app.printing import fonts as font_registry
from app.printing.flowables import (
    CJKParagraph,
    ClosingGroup,
    GridTable,
    Measure,
    SignatureBlock,
    line_count,
)
from app.printing.linebreak import wrap
from app.printing.model import (
    CLOSING_ROLES,
    Chart,
    Document,
    Heading,
    ItemList,
    Para,
    Section,
    Table,
)

CHINESE_NUMERALS = "零一二三四五六七八九十"


@dataclasses.dataclass(frozen=True)
class Layout:
    """Page geometry and type sizes of one style on one paper."""

    style: str
    page: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float
    title_size: float
    body_size: float
    leading: float  # body line pitch
    heading_size: float
    table_size: float
    dense_table_size: float
    page_number_size: float
    tracking: float  # extra space after each body character (official: the 28-character grid)
    fonts: font_registry.FontSet
    seal_diameter: float = 42 * mm
    title_bold: bool = False

    @property
    def frame_width(self) -> float:
        return self.page[0] - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.page[1] - self.top - self.bottom

    @property
    def indent(self) -> float:
        """Two characters (首行缩进二字)."""
        return 2 * (self.body_size + self.tracking)


def resolved_fonts(document: Document, style: str | None = None) -> str:
    """The concrete font choice (``bundled`` or ``windows``) ``auto`` stands for on this PC."""
    if (style or document.style) != "official":
        return "bundled"
    return "windows" if font_registry.font_set("official", document.fonts).name == "official-windows" else "bundled"


def official_layout(fonts: str = "auto") -> Layout:
    width, height = A4
    text_w, text_h = 156 * mm, 225 * mm
    body = 16.0  # 3号
    return Layout(
        style="official", page=(width, height), left=28 * mm, right=width - 28 * mm - text_w,
        top=37 * mm, bottom=height - 37 * mm - text_h, title_size=22.0, body_size=body,
        leading=text_h / 22, heading_size=body, table_size=14.0, dense_table_size=10.5,
        page_number_size=14.0, tracking=text_w / 28 - body, fonts=font_registry.font_set("official", fonts),
    )


def poster_layout(paper: str = "A4", landscape: bool = False) -> Layout:
    base = A3 if paper == "A3" else A4
    page = landscape_size(base) if landscape else base
    scale = math.sqrt(2) if paper == "A3" else 1.0
    margin = 18 * mm * scale
    body = 22.0 * scale
    return Layout(
        style="poster", page=page, left=margin, right=margin, top=margin, bottom=margin + 6 * mm * scale,
        title_size=40.0 * scale, body_size=body, leading=body * 1.55, heading_size=26.0 * scale,
        table_size=16.0 * scale, dense_table_size=11.0 * scale, page_number_size=12.0 * scale, tracking=0.0,
        fonts=font_registry.font_set("poster"), seal_diameter=42 * mm, title_bold=True,
    )


def layout_for(document: Document, *, style: str | None = None, paper: str | None = None,
               landscape: bool | None = None, fonts: str | None = None) -> Layout:
    style = style or document.style
    if style == "official":
        return official_layout(fonts or document.fonts)
    if style != "poster":
        raise ValueError(f"unknown print style {style!r}")
    return poster_layout(paper or document.paper, document.landscape if landscape is None else landscape)


# ---------------------------------------------------------------------------------------------
# Story


class _Builder:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.fonts = layout.fonts

    def para(self, text: str, *, font: str | None = None, size: float | None = None,
             leading: float | None = None, align: str = "justify", indent: bool = False,
             space_before: float = 0.0, space_after: float = 0.0, keep_with_next: bool = False,
             bold: bool = False, left_indent: float = 0.0, first_indent: float | None = None,
             balance: bool = False) -> CJKParagraph:
        layout = self.layout
        size = size or layout.body_size
        font = font or self.fonts.body
        tracking = layout.tracking if size == layout.body_size else 0.0
        return CJKParagraph(
            text, chain=self.fonts.chain(font), size=size, leading=leading or layout.leading, align=align,
            left_indent=left_indent,
            first_indent=first_indent if first_indent is not None else (layout.indent if indent else 0.0),
            tracking=tracking, space_before=space_before, space_after=space_after,
            keep_with_next=keep_with_next, balance=balance,
            fake_bold=bold and (layout.style == "poster" or (font == self.fonts.title and self.fonts.title_bold)),
        )

    def story(self, document: Document) -> list[Any]:
        layout = self.layout
        line = layout.leading
        story: list[Any] = []
        title_leading = max(layout.title_size * 1.3, line if layout.style == "official" else 0)
        story.append(self.para(document.title, font=self.fonts.title, size=layout.title_size,
                               leading=title_leading, align="center", bold=layout.title_bold or self.fonts.title_bold,
                               balance=True,
                               space_after=line * (0.5 if document.number else 1.0)))
        if document.number:
            story.append(self.para(document.number, align="center", space_after=line * 0.5))
        if document.addressee:
            story.append(self.para(document.addressee, align="left", space_before=line * 0.5))
        elif not document.number:
            pass
        blocks = list(document.blocks)
        split = len(blocks)
        while split > 0 and isinstance(blocks[split - 1], Para) and blocks[split - 1].role in CLOSING_ROLES:
            split -= 1
        if split == len(blocks) and (document.signature or document.issuers or document.date):
            # a document that does not mark its closing paragraphs: its short last paragraphs are
            # its closing (公示期, how to object, the phone), so it never ends with a lone line
            while split > 1 and len(blocks) - split < 3 and isinstance(blocks[split - 1], Para) \
                    and len(blocks[split - 1].text) <= 120 and isinstance(blocks[split - 2], Para):
                split -= 1
        head = len(story)
        story.extend(self.blocks(blocks[:split], depth=0))
        closing: list[Any] = self.blocks(blocks[split:], depth=0)
        if document.signature or document.issuers or document.date:
            signature = SignatureBlock(document.signature, official_date(document.date) if document.date else "",
                                       chain=self.fonts.chain(self.fonts.body), size=layout.body_size,
                                       leading=line, right_chars=4 if layout.style == "official" else 2,
                                       seal=document.seal, seal_diameter=layout.seal_diameter,
                                       issuers=document.issuers)
            closing += [Spacer(1, line * (2 if document.seal else 1)), signature]
        if closing:
            while len(story) > head and isinstance(story[-1], Spacer):
                closing.insert(0, story.pop())
            # the closing keeps with at least the last two lines (or rows) before it: a one-line
            # paragraph (本记录经…审定。) takes the one before it along
            before: list[Any] = []
            while len(story) > head and sum(line_count(f, layout.frame_width, layout.frame_height)
                                            for f in before) < 2:
                before.insert(0, story.pop())
            story.append(ClosingGroup(before, closing, layout.frame_height))
        return story

    def blocks(self, blocks: list[Any], depth: int) -> list[Any]:
        out: list[Any] = []
        section_no = 0
        for block in blocks:
            if isinstance(block, Para):
                out.append(self.para(block.text, indent=block.indent, align=block.align, bold=block.bold))
            elif isinstance(block, Heading):
                out.append(self.heading(block.text, block.level))
            elif isinstance(block, Section):
                section_no += 1
                out.append(self.heading(self.section_label(section_no, depth) + block.title, depth + 1))
                out.extend(self.blocks(block.blocks, depth + 1))
            elif isinstance(block, ItemList):
                out.extend(self.item_list(block))
            elif isinstance(block, Table):
                out.extend(self.table(block))
            elif isinstance(block, Chart):
                out.extend(self.chart(block))
            else:  # pragma: no cover - the model has no other blocks
                raise TypeError(type(block))
        return out

    @staticmethod
    def section_label(number: int, depth: int) -> str:
        numeral = chinese_number(number)
        return (f"{numeral}、", f"（{numeral}）", f"{number}．")[min(depth, 2)]

    def heading(self, text: str, level: int) -> CJKParagraph:
        layout = self.layout
        font = {1: self.fonts.heading, 2: self.fonts.subheading}.get(level, self.fonts.body)
        size = layout.heading_size if level == 1 else layout.body_size
        if layout.style == "official":
            # GB/T 9704: headings sit in the body grid, indented two characters like paragraphs
            return self.para(text, font=font, size=layout.body_size, indent=True, keep_with_next=True)
        return self.para(text, font=font, size=size, leading=size * 1.5, align="left", bold=level == 1,
                         keep_with_next=True, space_before=layout.leading * 0.3)

    def item_list(self, block: ItemList) -> list[Any]:
        layout = self.layout
        out = []
        for number, item in enumerate(block.items, start=1):
            label = f"{number}．" if block.ordered else "●"
            label_width = Measure(self.fonts.chain(self.fonts.body), layout.body_size)(label) + layout.body_size * 0.3
            hang = layout.indent if layout.style == "official" else layout.body_size * 0.5
            para = self.para(label + ("" if block.ordered else " ") + item, left_indent=hang + label_width,
                             first_indent=-label_width, align="justify")
            out.append(para)
        return out

    def table(self, block: Table) -> list[Any]:
        layout = self.layout
        out: list[Any] = []
        if block.caption:
            out.append(self.para(block.caption, font=self.fonts.heading, align="center", keep_with_next=True, balance=True,
                                 space_before=layout.leading * 0.3, bold=layout.style == "poster"))
        out.append(build_table(block, layout, self.fonts))
        out.append(Spacer(1, layout.leading * 0.3))
        return out


    def chart(self, block: Chart) -> list[Any]:
        from app.printing.charts import ChartFlowable  # reportlab.graphics: only documents with a chart

        layout = self.layout
        return [Spacer(1, layout.leading * 0.3),
                ChartFlowable(block, width=layout.frame_width, font=self.fonts.heading, size=layout.dense_table_size)]


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers up to 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


SUMMARY_LABELS = frozenset({"合计", "总计", "小计", "合 计", "总 计", "Total", "Subtotal", "Totals"})


class TableTooWide(ValueError):
    """A table whose columns cannot fit the text block without splitting a date or a number."""

    def __init__(self, columns: int, fit: int):
        self.columns, self.fit = columns, fit
        super().__init__(_("The table has {columns} columns; only {fit} fit across the page without splitting "
                           "dates or numbers. Print it landscape or on A3, or leave out columns.")
                         .format(columns=columns, fit=fit))


def _short_word(text: str) -> bool:
    """A short cell (已办结, 序号, a name): broken, it would leave one character on a line."""
    return 0 < len(text) <= 4 and not any(ch.isspace() for ch in text)


def _unbreakable(text: str, name_like: bool) -> list[str]:
    """The pieces of a cell that may not be broken: dates, numbers, document numbers, Latin
    words (the 禁则 groups); a whole name or short word; names in a list split at their commas."""
    from app.printing.linebreak import groups

    if _short_word(text):
        return [text]
    if name_like:
        return [p for p in re.split(r"(?<=[、，,；;/])|\s+", text) if p]
    return groups(text)


def _column_widths(header: list[str], columns: list[list[str]], weights: list[float], name_like: list[bool],
                   measure: Callable[[str], float], head_measure: Callable[[str], float],
                   avail: float, pad: float) -> list[float]:
    """Widths from the content: every column at least as wide as its widest unbreakable piece
    (measured in the font), so a date, a phone number or a name is never split; what is left
    goes to the columns that can wrap (text), in proportion to how much they would like."""
    natural, minimum = [], []
    for col, texts in enumerate(columns):
        distinct = sorted(set(texts), key=measure, reverse=True)
        nat = max((measure(t) for t in distinct[:1]), default=0.0)
        least = 0.0
        for text in distinct:  # widest first: a text narrower than the minimum found cannot raise it
            if measure(text) <= least:
                break
            least = max([least] + [measure(p.strip()) for p in _unbreakable(text, name_like[col])])
        head = header[col]
        head_min = head_measure(head) if _short_word(head) else max(
            head_measure(head[: math.ceil(len(head) / 2)]),
            max((head_measure(p) for p in _unbreakable(head, False)), default=0.0))
        natural.append(max(nat, head_measure(head)) + 2 * pad)
        minimum.append(max(least, head_min) + 2 * pad)
    count = len(header)
    if sum(minimum) > avail + 1e-6:
        total, fit = 0.0, 0
        for width in sorted(minimum):
            total += width
            if total > avail:
                break
            fit += 1
        raise TableTooWide(count, fit)
    if any(weights):
        total = sum(w or 1.0 for w in weights)
        wanted = [avail * (w or 1.0) / total for w in weights]
        if all(w >= m for w, m in zip(wanted, minimum, strict=True)):
            return wanted
    if sum(natural) <= avail:
        spare = avail - sum(natural)
        return [n + spare * n / sum(natural) for n in natural]
    spare = avail - sum(minimum)
    flex = [max(n - m, 0.0) for n, m in zip(natural, minimum, strict=True)]
    total_flex = sum(flex) or 1.0
    return [m + spare * f / total_flex for m, f in zip(minimum, flex, strict=True)]


def cell_lines(text: str, measure: Callable[[str], float], width: float, name_like: bool = False) -> list[str]:
    """One cell broken into lines by the Chinese rules, its lines even (no lone last character)."""
    if not text:
        return [""]
    if "\n" in text:
        return [line for part in text.split("\n") for line in cell_lines(part, measure, width, name_like)]
    if measure(text) <= width + 1e-6:
        return [text]
    if name_like:
        pieces = _unbreakable(text, True)
        lines, current = [], ""
        for piece in pieces:
            if current and measure(current + piece) > width:
                lines.append(current)
                current = piece.lstrip()
            else:
                current += piece
        return lines + [current]
    lines = wrap(text, measure, width)
    if len(lines) > 1 and len(lines[-1].text) <= 1:
        # the narrowest width that needs no more lines spreads them evenly — never narrower than
        # the widest unbreakable piece (a date, a code), which would then be split
        from app.printing.linebreak import groups

        widest = max((measure(g.strip()) for g in groups(text)), default=0.0)
        low, high = max(width / 2, min(widest, width)), width
        for _ in range(10):
            middle = (low + high) / 2
            if len(wrap(text, measure, middle)) > len(lines):
                low = middle
            else:
                high = middle
        lines = wrap(text, measure, high)
    return [line.text for line in lines]


def build_table(block: Table, layout: Layout, fonts: font_registry.FontSet, dense: bool | None = None,
                allow_smaller: bool = True) -> GridTable:
    """A ruled table with cells pre-broken by the Chinese rules, columns sized from their
    content and the header repeated on every page. Raises :class:`TableTooWide` when even the
    dense size cannot hold the columns' unbreakable content."""
    header = [c.header for c in block.columns]
    rows = [[("" if v is None else str(v)) for v in r] + [""] * (len(header) - len(r)) for r in block.rows]
    aligns = [c.align for c in block.columns]
    weights = [c.weight for c in block.columns]
    name_like = [c.sensitive == "name" for c in block.columns]
    if block.numbered:
        header = [_("No.")] + header
        numbered_rows, number = [], 0
        for index, row in enumerate(rows):
            summary = index >= len(rows) - block.summary_rows or (row and row[0].strip() in SUMMARY_LABELS)
            if not summary:
                number += 1
            numbered_rows.append([("" if summary else str(number))] + row)  # 合计 gets no 序号
        rows = numbered_rows
        aligns = ["center"] + aligns
        weights = [0.5 if any(weights) else 0.0] + weights
        name_like = [False] + name_like
    dense = dense if dense is not None else len(rows) > 40
    sizes = [layout.dense_table_size if dense else layout.table_size]
    if allow_smaller and not dense:
        # the largest size at which the columns fit, down to the dense size
        step = layout.table_size
        while step - 1 > layout.dense_table_size:
            step -= 1
            sizes.append(step)
        sizes.append(layout.dense_table_size)
    chain = fonts.chain(fonts.body)
    head_chain = fonts.chain(fonts.heading)
    columns = [[r[c] for r in rows] for c in range(len(header))]
    for attempt, size in enumerate(sizes):
        pad = size * 0.35
        measure = Measure(chain, size)
        head_measure = Measure(head_chain, size)
        try:
            widths = _column_widths(header, columns, weights, name_like, measure, head_measure,
                                    layout.frame_width, pad)
            break
        except TableTooWide:
            if attempt == len(sizes) - 1:
                raise
    leading = size * 1.3
    head_cells = [cell_lines(t, head_measure, w - 2 * pad) for t, w in zip(header, widths, strict=True)]
    inner = [w - 2 * pad for w in widths]
    body = [[cell_lines(t, measure, inner[c], name_like[c]) for c, t in enumerate(row)] for row in rows]
    return GridTable(head_cells, body, widths=widths, aligns=aligns, size=size, leading=leading, pad=pad,
                     chain=chain, header_chain=head_chain, header_fill=Color(0.9, 0.9, 0.9))


# ---------------------------------------------------------------------------------------------
# Pages


class _DecoratedCanvas(Canvas):
    """Draws page numbers ("共 N 页" needs the total) and the watermark after all pages are laid."""

    def __init__(self, *args: Any, decorate: Callable[[Canvas, int, int], None], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            super().showPage()
        super().save()


class _CopyStart(Flowable):
    """Takes no room: notes the page on which copy ``index`` begins (for its label and numbering)."""

    def __init__(self, index: int, starts: dict[int, int]):
        super().__init__()
        self.index, self.starts = index, starts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.starts[self.index] = self.canv.getPageNumber()


def _copy_of(number: int, total: int, starts: dict[int, int]) -> tuple[int | None, int, int]:
    """(copy index or None, page number within the copy, pages of the copy)."""
    if not starts:
        return None, number, total
    index = max((i for i, first in starts.items() if first <= number), default=0)
    first = starts.get(index, 1)
    following = [p for i, p in starts.items() if p > first]
    last = (min(following) - 1) if following else total
    return index, number - first + 1, last - first + 1


def _decorator(document: Document, layout: Layout, starts: dict[int, int] | None = None
               ) -> Callable[[Canvas, int, int], None]:
    page_w, page_h = layout.page
    starts = starts if starts is not None else {}

    def decorate(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        size = layout.page_number_size
        copy, number, total = _copy_of(number, total, starts)
        if copy is not None and copy < len(document.copies):
            label = document.copies[copy]  # above the text block, at the right (a name may need a fallback font)
            chain = layout.fonts.chain(layout.fonts.body)
            text = canvas.beginText(page_w - layout.right - Measure(chain, size)(label), page_h - layout.top + size * 1.2)
            for font, piece in font_registry.runs(label, chain):
                text.setFont(font, size)
                text.textOut(piece)
            canvas.drawText(text)
        if layout.style == "official":
            label = f"— {number} —"
            canvas.setFont(layout.fonts.page_number, size)
            baseline = layout.bottom - 7 * mm - size * 0.8
            if number % 2:  # odd pages: right, one character in
                canvas.drawRightString(page_w - layout.right - size, baseline, label)
            else:
                canvas.drawString(layout.left + size, baseline, label)
        elif total > 1:
            canvas.setFont(layout.fonts.page_number, size)
            canvas.drawCentredString(page_w / 2, layout.bottom / 2,
                                     _("Page {page} of {total}").format(page=number, total=total))
        if document.watermark:
            canvas.setFillColor(Color(0.85, 0.1, 0.1))
            canvas.setFillAlpha(0.16)
            mark_size = min(page_w, page_h) / max(len(document.watermark), 2) * 0.75
            canvas.setFont(layout.fonts.title, mark_size)
            canvas.translate(page_w / 2, page_h / 2)
            canvas.rotate(math.degrees(math.atan2(page_h, page_w)))
            canvas.drawCentredString(0, -mark_size * 0.35, document.watermark)
        canvas.restoreState()

    return decorate


class UnprintableCharacters(ValueError):
    """Characters no shipped or installed font can draw: refused before printing, never blank."""

    def __init__(self, characters: set[str]):
        self.characters = sorted(characters)
        listing = "、".join(f"{ch}（U+{ord(ch):04X}）" for ch in self.characters)
        super().__init__(_("No font can print these characters: {characters}. Replace them (for a rare "
                           "character in a name, with the 拼音 or a common form) and print again.")
                         .format(characters=listing))


def document_text(document: Document) -> str:
    """Every piece of text a document prints."""
    parts = [document.title, document.number, document.addressee, *document.signature, *document.issuers,
             document.watermark, *document.copies]
    for block in document.text_blocks():
        if isinstance(block, (Para, Heading)):
            parts.append(block.text)
        elif isinstance(block, Section):
            parts.append(block.title)
        elif isinstance(block, ItemList):
            parts.extend(block.items)
        elif isinstance(block, Table):
            parts.append(block.caption)
            parts.extend(c.header for c in block.columns)
            parts.extend(str(v) for row in block.rows for v in row if v is not None)
        elif isinstance(block, Chart):
            parts.append(block.caption)
            parts.extend(block.categories)
            parts.extend(s.name for s in block.series)
    return "".join(parts)


def check_glyphs(document: Document, fonts: font_registry.FontSet) -> None:
    """Raise :class:`UnprintableCharacters` for a character that no font of the chain draws."""
    text = document_text(document)
    body = font_registry.drawable(fonts.body)
    rest = {ch for ch in set(text) if ord(ch) not in body}
    missing = font_registry.missing_glyphs("".join(rest), fonts.chain(fonts.body)) if rest else set()
    if missing:
        raise UnprintableCharacters(missing)


class RenderedPDF(bytes):
    """The bytes of a rendered PDF, with what the print dialog tells the clerk about it."""

    fonts_used: tuple[str, ...]  # registered names, in the order of the font chain
    pages: int
    body_size: float  # the body type size used (a shrunk poster says how far)
    landscape: bool

    @property
    def font_names(self) -> list[str]:
        """The fonts used, as a person names them (文泉驿微米黑 …)."""
        return [font_registry.display_name(name) for name in self.fonts_used]


# A poster is never shrunk below this body size. Read from two metres, 18 pt type (CJK glyphs
# about 5.7 mm tall) still meets the usual legibility rule for signs — 25 mm of character height
# per 10 m of reading distance, so 5 mm at 2 m; the regular 22 pt is the comfortable size.
POSTER_FLOOR_PT = 18.0
# Posters of up to this many pages are set smaller (down to the floor) when that saves a sheet;
# a long roster is not laid out again and again.
SHRINK_PAGES = 4


def _build(document: Document, layout: Layout, author: str) -> tuple[bytes, int, set[str]]:
    # the fonts register themselves when first drawn or measured (app.printing.fonts): a role
    # the document never uses (an official notice without （一） headings: 楷体) is never parsed
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=layout.page, leftMargin=layout.left, rightMargin=layout.right,
        topMargin=layout.top, bottomMargin=layout.bottom, title=document.title, author=author,
        subject=document.subject, creator="VillageDesk", invariant=1, pageCompression=1,
        # the canvas' initial font is named on every page: ours, not an unembedded Helvetica
        initialFontName=layout.fonts.body, initialFontSize=layout.body_size,
    )
    frame = Frame(layout.left, layout.bottom, layout.frame_width, layout.frame_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    used: set[str] = set()
    token = font_registry.used_fonts.set(used)
    try:
        starts: dict[int, int] = {}
        if document.copies:
            story: list[Any] = []
            for index in range(len(document.copies)):
                if index:
                    story.append(PageBreak())
                story.append(_CopyStart(index, starts))
                story.extend(_Builder(layout).story(document))
        else:
            story = _Builder(layout).story(document)
        pages: list[int] = []
        decorate = _decorator(document, layout, starts)

        def counting(canvas: Canvas, number: int, total: int) -> None:
            pages[:] = [total]
            decorate(canvas, number, total)

        doc.build(story, canvasmaker=functools.partial(_DecoratedCanvas, decorate=counting))
    finally:
        font_registry.used_fonts.reset(token)
    used.add(layout.fonts.page_number)
    return buffer.getvalue(), (pages[0] if pages else 1), used


def scaled(layout: Layout, body: float) -> Layout:
    """``layout`` with the body set at ``body`` pt and the other sizes in proportion."""
    factor = body / layout.body_size
    return dataclasses.replace(
        layout, body_size=body, leading=layout.leading * factor, title_size=layout.title_size * factor,
        heading_size=layout.heading_size * factor, table_size=layout.table_size * factor,
        dense_table_size=layout.dense_table_size * factor)


_RENDER_LOCK = threading.RLock()


def render(document: Document, *, style: str | None = None, paper: str | None = None,
           landscape: bool | None = None, fonts: str | None = None, author: str = "",
           fit_one_page: bool | None = None) -> RenderedPDF:
    """The PDF of ``document``. Same document and options → same bytes.

    ``style``, ``paper``, ``landscape`` and ``fonts`` override the document's own settings. A
    table too wide for a portrait poster turns the poster landscape; one too wide for the page
    raises :class:`TableTooWide` naming how many columns fit. A poster of up to
    :data:`SHRINK_PAGES` pages is set smaller, down to :data:`POSTER_FLOOR_PT`, when that saves a
    sheet — a notice that spills onto a second page comes onto one (official documents keep the
    GB/T 9704 sizes).
    """
    with _RENDER_LOCK:
        return _render(document, style=style, paper=paper, landscape=landscape, fonts=fonts,
                       author=author, fit_one_page=fit_one_page)


def _render(document: Document, *, style: str | None, paper: str | None, landscape: bool | None,
            fonts: str | None, author: str, fit_one_page: bool | None) -> RenderedPDF:
    layout = layout_for(document, style=style, paper=paper, landscape=landscape, fonts=fonts)
    check_glyphs(document, layout.fonts)
    try:
        data, pages, used = _build(document, layout, author)
    except TableTooWide:
        if layout.style != "poster" or layout.page[0] > layout.page[1]:
            raise
        layout = layout_for(document, style=style, paper=paper, landscape=True, fonts=fonts)
        data, pages, used = _build(document, layout, author)
    shrink = document.fit_one_page if fit_one_page is None else fit_one_page
    if shrink and 2 <= pages <= SHRINK_PAGES and layout.style == "poster":
        target = pages - 1  # one sheet fewer: a one-page notice, or a table without a lone last page
        floor = POSTER_FLOOR_PT * layout.body_size / 22.0 if layout.page[0] * layout.page[1] > A4[0] * A4[1] * 1.5 \
            else POSTER_FLOOR_PT
        sizes = [layout.body_size - step for step in (1, 2, 3, 4, 5, 6) if layout.body_size - step >= floor - 1e-6]
        # the largest size that fits: try the floor first (one more build when nothing helps)
        if sizes and _build(document, scaled(layout, sizes[-1]), author)[1] <= target:
            for body in sizes:
                attempt = _build(document, scaled(layout, body), author)
                if attempt[1] <= target:
                    data, pages, used = attempt
                    layout = scaled(layout, body)
                    break
    order = [layout.fonts.title, layout.fonts.body, layout.fonts.heading, layout.fonts.subheading,
             *layout.fonts.fallbacks]
    result = RenderedPDF(data)
    result.fonts_used = tuple(dict.fromkeys(f for f in order + sorted(used) if f in used))
    result.pages = pages
    result.body_size = layout.body_size
    result.landscape = layout.page[0] > layout.page[1]
    return result


def write_pdf(data: bytes, target: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``target`` atomically: a half-written file never replaces a good one."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".print-", suffix=".pdf", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a printed notice is an ordinary file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
