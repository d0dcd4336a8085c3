"""The one small document model every printed page is built from.

A :class:`Document` holds what a notice, a roster or a formal letter says — title, document
number, body blocks, the signature block (落款), the seal area and the date — and nothing about
how it looks: :mod:`app.printing.rendering` lays it out in the ``poster`` or ``official`` style.

Documents are plain data. ``to_dict``/``from_dict`` give a JSON form so that an issued notice
can keep the exact document it printed and print it again identically.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal, Union

Align = Literal["justify", "left", "center", "right"]
Sensitive = Literal["", "name", "phone", "id_number", "address"]
# Paragraphs that belong to the closing block (公示期, how to object, the contact line): they are
# kept with the 落款 and the last lines before them, never alone on a page.
Role = Literal["", "publicity", "objection", "contact", "closing"]
CLOSING_ROLES = frozenset({"publicity", "objection", "contact", "closing"})

STYLES = ("poster", "official")
PAPERS = ("A4", "A3")


@dataclasses.dataclass(frozen=True)
class NoticeParts:
    """Which closing paragraphs a kind of notice has. A 公示 has a publicity window, an objection
    paragraph and a contact line; a 通知 has none of them (it asks nobody to object)."""

    publicity: bool = True
    objection: bool = True
    contact: bool = True


PUBLICITY = NoticeParts()
NOTIFICATION = NoticeParts(publicity=False, objection=False, contact=False)


@dataclasses.dataclass
class Para:
    """A paragraph. ``indent`` opens it with two full-width spaces' worth (首行缩进二字).

    ``verbatim`` paragraphs (the office's own contact line) are never masked on public notices.
    """

    text: str
    indent: bool = True
    align: Align = "justify"
    bold: bool = False
    verbatim: bool = False
    role: Role = ""  # publicity | objection | contact | closing: part of the closing block


@dataclasses.dataclass
class Heading:
    """A heading inside the body: level 1 一、 (黑体), level 2 （一） (楷体), level 3 1. (body font)."""

    text: str
    level: int = 1


@dataclasses.dataclass
class Column:
    """A table column. ``sensitive`` names the personal data it holds, so public copies mask it."""

    key: str
    header: str
    sensitive: Sensitive = ""
    weight: float = 0.0  # relative width; 0 = from the content
    align: Align = "left"


@dataclasses.dataclass
class Table:
    """A table whose header row repeats on every page."""

    columns: list[Column]
    rows: list[list[str]]
    caption: str = ""
    numbered: bool = False  # prepend a 序号 column
    summary_rows: int = 0  # the last rows are totals (合计): they get no 序号

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclasses.dataclass
class ItemList:
    """A list: ordered lists count 1. 2. 3.; unordered ones use a bullet."""

    items: list[str]
    ordered: bool = False


@dataclasses.dataclass
class Section:
    """A headed section: a heading followed by its own blocks (sections may nest)."""

    title: str
    blocks: list[Block]


@dataclasses.dataclass
class ChartSeries:
    """One series of a :class:`Chart`: a value per category. ``bar`` series share the left axis;
    a ``rate`` series (fractions 0–1, a 办结率) is a line over them on a percent axis at the right."""

    name: str
    values: list[float | None]
    kind: Literal["bar", "rate"] = "bar"


@dataclasses.dataclass
class Chart:
    """A small chart of figures per category (a month each): bars side by side or ``stacked``,
    with an optional rate line and a legend. Drawn with ReportLab's own charts, ``height`` mm tall
    across the text block (or as low as ``min_height`` when that keeps it on the page: a one-page
    report); it holds counts and labels only, never a person's data."""

    categories: list[str]
    series: list[ChartSeries]
    caption: str = ""
    stacked: bool = False
    height: float = 55.0
    min_height: float = 0.0  # mm: drawn lower, down to this, rather than moved to the next page (0: never)


Block = Union[Para, Heading, Table, ItemList, Section, Chart]


@dataclasses.dataclass
class Document:
    """What one printed document says.

    ``addressee`` is the 主送 line (``全体村民：``); ``signature`` the 落款 lines (issuing body
    first); ``seal`` leaves a marked area for the stamp over signature and date. ``public``
    documents go on a board: :func:`app.privacy.mask_document` de-identifies them, except the
    table columns listed in ``unmasked`` (``"text"``/``"names"``: numbers/names in free text).
    ``watermark`` (``草稿``) is drawn across every page. ``issuers`` names joint issuers (党支部
    and 村委会): they print side by side, each with its own seal area (``signature`` may then
    hold nothing or further lines). ``copies`` labels the copies of a document printed several
    times over (an agreement: one per party and one kept).
    """

    title: str
    blocks: list[Block] = dataclasses.field(default_factory=list)
    number: str = ""
    addressee: str = ""
    signature: list[str] = dataclasses.field(default_factory=list)
    date: dt.date | None = None
    seal: bool = False
    public: bool = False
    unmasked: list[str] = dataclasses.field(default_factory=list)
    watermark: str = ""
    style: str = "poster"
    paper: str = "A4"
    landscape: bool = False
    subject: str = ""  # PDF metadata: the kind of document
    fonts: str = "auto"  # auto | bundled | windows (an issued notice keeps the fonts it was printed with)
    issuers: list[str] = dataclasses.field(default_factory=list)  # joint issuers, side by side, one seal each
    fit_one_page: bool = True  # a poster that spills over a little is set a little smaller instead
    deidentified: bool = False  # set by app.privacy.mask_document; a frozen copy is never masked again
    # 一式N份: the whole document printed once per label (第1份 申请人执 …), each copy starting on a
    # new page with its label at the top and its own page numbers; empty: one copy, no label
    copies: list[str] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["blocks"] = [_block_to_dict(b) for b in self.blocks]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        values = dict(data)
        values["date"] = dt.date.fromisoformat(values["date"]) if values.get("date") else None
        values["blocks"] = [_block_from_dict(b) for b in values.get("blocks", [])]
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    def text_blocks(self) -> list[Block]:
        """Every block, sections flattened (for checks and search)."""
        return list(_walk(self.blocks))


def _walk(blocks: list[Block]):
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from _walk(block.blocks)


_BLOCK_TYPES: dict[str, type] = {"para": Para, "heading": Heading, "table": Table, "list": ItemList, "section": Section,
                                 "chart": Chart}


def _block_to_dict(block: Block) -> dict[str, Any]:
    kind = next(name for name, cls in _BLOCK_TYPES.items() if isinstance(block, cls))
    if isinstance(block, Section):
        return {"type": kind, "title": block.title, "blocks": [_block_to_dict(b) for b in block.blocks]}
    return {"type": kind, **dataclasses.asdict(block)}


def _block_from_dict(data: dict[str, Any]) -> Block:
    values = dict(data)
    kind = values.pop("type")
    if kind == "section":
        return Section(title=values["title"], blocks=[_block_from_dict(b) for b in values.get("blocks", [])])
    if kind == "table":
        columns = [Column(**c) for c in values.pop("columns")]
        return Table(columns=columns, rows=[list(r) for r in values.pop("rows")], **values)
    if kind == "chart":
        series = [ChartSeries(**s) for s in values.pop("series")]
        return Chart(series=series, **values)
    return _BLOCK_TYPES[kind](**values)
