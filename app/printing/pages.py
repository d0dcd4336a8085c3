"""Rendered pages: a PDF as pictures (a notice for the village WeChat group) and as text with
character boxes (what tests and self-checks read), through pypdfium2 — no poppler needed.

A picture is rendered from the very PDF that is printed, so it is masked exactly as printed.
PDFium is not thread-safe: every call into it holds :data:`_PDFIUM_LOCK`.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from app.printing.model import Document


_PDFIUM_LOCK = threading.RLock()
_F = TypeVar("_F", bound=Callable[..., Any])


def _serialised(fn: _F) -> _F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _PDFIUM_LOCK:
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def _pdf(source: Document | bytes) -> bytes:
    if isinstance(source, Document):
        from app.printing.rendering import render

        return render(source)
    return bytes(source)


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


@_serialised
def page_count(data: bytes) -> int:
    pdf = _open(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def page_images(source: Document | bytes, dpi: float = 150) -> list[Any]:
    """Every page as a PIL image (RGB, white paper)."""
    return _images(_pdf(source), dpi)  # rendered before PDFium is locked


@_serialised
def _images(data: bytes, dpi: float) -> list[Any]:
    pdf = _open(data)
    try:
        images = []
        for index in range(len(pdf)):
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72)
            images.append(bitmap.to_pil().convert("RGB"))
            page.close()
        return images
    finally:
        pdf.close()


def write_png(source: Document | bytes, out: str | os.PathLike[str], *, mode: Literal["long", "pages"] = "long",
              dpi: float = 150, gap: int = 24) -> list[Path]:
    """Save a document (or its rendered PDF) as PNG: ``long`` stacks the pages into one tall image
    (pages ``gap`` pixels apart on light grey); ``pages`` writes ``out`` as ``name-1.png``,
    ``name-2.png`` … (a one-page document: ``out`` itself). Returns the files written."""
    from PIL import Image

    from app.printing.rendering import write_pdf

    images = page_images(source, dpi)
    out = Path(out)
    written: list[Path] = []

    def save(image: Any, target: Path) -> None:
        import io

        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        write_pdf(buffer.getvalue(), target)  # the same atomic write
        written.append(target)

    if mode == "long" or len(images) == 1:
        width = max(i.width for i in images)
        height = sum(i.height for i in images) + gap * (len(images) - 1)
        sheet = Image.new("RGB", (width, height), (230, 230, 230) if len(images) > 1 else (255, 255, 255))
        y = 0
        for image in images:
            sheet.paste(image, ((width - image.width) // 2, y))
            y += image.height + gap
        save(sheet, out)
    elif mode == "pages":
        for number, image in enumerate(images, start=1):
            save(image, out.with_name(f"{out.stem}-{number}{out.suffix or '.png'}"))
    else:
        raise ValueError(f"unknown PNG mode {mode!r}")
    return written


@dataclasses.dataclass(frozen=True)
class Char:
    """One character on a page with its box in PDF points (origin bottom left)."""

    page: int
    text: str
    left: float
    bottom: float
    right: float
    top: float


@_serialised
def page_texts(data: bytes) -> list[str]:
    pdf = _open(data)
    try:
        out = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


@_serialised
def page_chars(data: bytes) -> list[Char]:
    """Every drawn character with its box, page by page in drawing order."""
    import pypdfium2.raw as pdfium_c

    pdf = _open(data)
    chars: list[Char] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            count = textpage.count_chars()
            i = 0
            while i < count:
                unit = pdfium_c.FPDFText_GetUnicode(textpage, i)
                left, bottom, right, top = textpage.get_charbox(i, loose=True)
                step = 1
                if 0xD800 <= unit < 0xDC00 and i + 1 < count:
                    # a character beyond U+FFFF (𪚥 in a name) comes as a surrogate pair: one box
                    low = pdfium_c.FPDFText_GetUnicode(textpage, i + 1)
                    text = chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) if 0xDC00 <= low < 0xE000 else ""
                    step = 2
                else:
                    text = chr(unit) if unit and not 0xD800 <= unit < 0xE000 else ""
                i += step
                if not text.strip():
                    continue
                chars.append(Char(index + 1, text, left, bottom, right, top))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return chars


def page_lines(data: bytes, tolerance: float = 2.0) -> list[list[str]]:
    """The text of each page as visual lines (characters grouped by baseline, left to right)."""
    pages: dict[int, list[Char]] = {}
    for char in page_chars(data):
        pages.setdefault(char.page, []).append(char)
    result = []
    for number in range(1, page_count(data) + 1):
        rows: list[list[Char]] = []
        for char in sorted(pages.get(number, []), key=lambda c: (-c.bottom, c.left)):
            if rows and abs(rows[-1][0].bottom - char.bottom) <= tolerance:
                rows[-1].append(char)
            else:
                rows.append([char])
        result.append(["".join(c.text for c in sorted(row, key=lambda c: c.left)) for row in rows])
    return result
