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
"""
from __future__ import annotations

import dataclasses
import functools
import io
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A3, A4, landscape as landscape_size
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from app.i18n import _, official_date
from app.printing import fonts as font_registry
from app.printing.flowables import CJKParagraph, Measure, SignatureBlock
from app.printing.linebreak import wrap
from app.printing.model import Document, Heading, ItemList, Para, Section, Table

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
            keep_with_next=keep_with_next, fake_bold=bold and layout.style == "poster", balance=balance,
        )

    def story(self, document: Document) -> list[Any]:
        layout = self.layout
        line = layout.leading
        story: list[Any] = []
        title_leading = max(layout.title_size * 1.3, line if layout.style == "official" else 0)
        story.append(self.para(document.title, font=self.fonts.title, size=layout.title_size,
                               leading=title_leading, align="center", bold=layout.title_bold, balance=True,
                               space_after=line * (0.5 if document.number else 1.0)))
        if document.number:
            story.append(self.para(document.number, align="center", space_after=line * 0.5))
        if document.addressee:
            story.append(self.para(document.addressee, align="left", space_before=line * 0.5))
        elif not document.number:
            pass
        story.extend(self.blocks(document.blocks, depth=0))
        if document.signature or document.date:
            signature = SignatureBlock(document.signature, official_date(document.date) if document.date else "",
                                       chain=self.fonts.chain(self.fonts.body), size=layout.body_size,
                                       leading=line, right_chars=4 if layout.style == "official" else 2,
                                       seal=document.seal, seal_diameter=layout.seal_diameter)
            tail = [Spacer(1, line * (2 if document.seal else 1)), signature]
            # the 落款 never stands alone on a page: the last body block goes with it, and so do
            # the closing paragraphs before it (公示期, how to object, supervision phone), so a
            # notice does not end with a lone phone line over its signature
            closing = [story.pop()] if len(story) > 1 else []
            while len(closing) < 3 and len(story) > 1 and isinstance(story[-1], CJKParagraph) \
                    and isinstance(closing[0], CJKParagraph):
                closing.insert(0, story.pop())
            story.append(KeepTogether(closing + tail))
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


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers up to 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def _column_widths(header: list[str], rows: list[list[str]], weights: list[float], measure: Callable[[str], float],
                   avail: float, pad: float) -> list[float]:
    """Natural widths from the content (sampled), at least the widest unbreakable piece, scaled
    to fill the text block."""
    from app.printing.linebreak import groups

    count = len(header)
    sample = rows[:200]
    natural, minimum = [], []
    for col in range(count):
        texts = [header[col]] + [r[col] for r in sample if col < len(r)]
        natural.append(max(measure(t) for t in texts) + 2 * pad)
        minimum.append(max((measure(g) for t in texts for g in groups(t) if g.strip()), default=0) + 2 * pad)
    floor = measure("字字") + 2 * pad
    minimum = [min(max(m, floor), avail / count) for m in minimum]
    if any(weights):
        total = sum(w or 1.0 for w in weights)
        return [avail * (w or 1.0) / total for w in weights]
    if sum(natural) <= avail:
        scale = avail / sum(natural)
        return [w * scale for w in natural]
    spare = avail - sum(minimum)
    flex = [max(n - m, 0.0) for n, m in zip(natural, minimum, strict=True)]
    total_flex = sum(flex) or 1.0
    return [m + spare * f / total_flex for m, f in zip(minimum, flex, strict=True)]


def build_table(block: Table, layout: Layout, fonts: font_registry.FontSet, dense: bool | None = None) -> RLTable:
    """A ReportLab table with cells pre-broken by the Chinese rules and the header repeated."""
    header = [c.header for c in block.columns]
    rows = [[("" if v is None else str(v)) for v in r] + [""] * (len(header) - len(r)) for r in block.rows]
    aligns = [c.align for c in block.columns]
    weights = [c.weight for c in block.columns]
    if block.numbered:
        header = [_("No.")] + header
        rows = [[str(i)] + r for i, r in enumerate(rows, start=1)]
        aligns = ["center"] + aligns
        weights = [0.5 if any(weights) else 0.0] + weights
    dense = dense if dense is not None else len(rows) > 40
    size = layout.dense_table_size if dense else layout.table_size
    leading = size * 1.3
    pad = size * 0.35
    chain = fonts.chain(fonts.body)
    measure = Measure(chain, size)
    head_measure = Measure(fonts.chain(fonts.heading), size)
    widths = _column_widths(header, rows, weights, measure, layout.frame_width, pad)

    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.body, size, leading),
        ("FONT", (0, 0), (-1, 0), fonts.heading, size, leading),
        ("GRID", (0, 0), (-1, -1), 0.6, black),
        ("BACKGROUND", (0, 0), (-1, 0), Color(0.9, 0.9, 0.9)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6), ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
    ]
    for col, align in enumerate(aligns):
        if align in ("center", "right"):
            commands.append(("ALIGN", (col, 1), (col, -1), align.upper()))

    def cell(text: str, col: int, row: int, m: Measure, primary: str) -> str:
        # a character the cell font lacks (生僻字): draw the whole cell in a font that has it
        missing = font_registry.missing_glyphs(text, (primary,)) if text else set()
        if missing:
            for alternative in fonts.chain(primary)[1:]:
                if not font_registry.missing_glyphs(text, (alternative,)):
                    commands.append(("FONTNAME", (col, row), (col, row), alternative))
                    m = Measure((alternative,), size)
                    break
        if m(text) <= widths[col] - 2 * pad:
            return text
        return "\n".join(line.text for line in wrap(text, m, widths[col] - 2 * pad))

    data = [[cell(t, c, 0, head_measure, fonts.heading) for c, t in enumerate(header)]]
    data += [[cell(t, c, r, measure, fonts.body) for c, t in enumerate(row)] for r, row in enumerate(rows, start=1)]
    table = RLTable(data, colWidths=widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table


# ---------------------------------------------------------------------------------------------
# Pages


class _DecoratedCanvas(Canvas):
    """Draws page numbers ("共 N 页" needs the total) and the watermark after all pages are laid."""

    def __init__(self, *args: Any, decorate: Callable[[Canvas, int, int], None], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab API
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            super().showPage()
        super().save()


def _decorator(document: Document, layout: Layout) -> Callable[[Canvas, int, int], None]:
    page_w, page_h = layout.page

    def decorate(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        size = layout.page_number_size
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


def render(document: Document, *, style: str | None = None, paper: str | None = None,
           landscape: bool | None = None, fonts: str | None = None, author: str = "") -> bytes:
    """The PDF of ``document``. Same document and options → same bytes.

    ``style``, ``paper``, ``landscape`` and ``fonts`` override the document's own settings.
    """
    layout = layout_for(document, style=style, paper=paper, landscape=landscape, fonts=fonts)
    font_registry.register_set(layout.fonts)
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
    story = _Builder(layout).story(document)
    doc.build(story, canvasmaker=functools.partial(_DecoratedCanvas, decorate=_decorator(document, layout)))
    return buffer.getvalue()


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
