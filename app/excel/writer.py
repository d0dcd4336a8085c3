"""The one Excel writer: a table with Chinese headers, real date and number cells, column widths from
the content (a CJK character counts double), a frozen header row and an autofilter, written to a
temporary name in the target folder, fsynced and renamed — a failed write leaves no partial file."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.errors import StorageError
from app.i18n import _

MIN_WIDTH, MAX_WIDTH = 6, 60


def display_width(value: Any) -> int:
    """Characters a cell needs: wide (CJK, full-width) ones count double."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def add_table(book: Any, *, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Any:
    """A sheet of ``book`` holding the table: bold frozen header, autofilter, widths, date formats."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=_sheet_title(title, book))
    sheet.append(list(headers))
    widths = [display_width(h) for h in headers]
    count = 0
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        count += 1
        for index, value in enumerate(values):
            widths[index] = max(widths[index], display_width(value))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, _header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, widths[index - 1] + 2))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.isdigit() and len(cell.value) > 11:
                cell.number_format = "@"  # ID numbers stay text
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return sheet


def _sheet_title(title: str, book: Any) -> str:
    bad = set("[]:*?/\\")
    clean = "".join(ch for ch in title if ch not in bad)[:31] or "Sheet"
    name, n = clean, 2
    while name in book.sheetnames:
        name = f"{clean[:28]}({n})"
        n += 1
    return name


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)  # Excel has no time zones: local time
    return value


def new_book() -> Any:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def save_workbook(book: Any, target: Path) -> Path:
    """Write ``book`` to ``target`` (.xlsx) through a temporary file in the same folder, fsynced and
    renamed; nothing is left behind when writing fails."""
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise StorageError(_("Could not write in {folder}: {reason}.").format(
            folder=target.parent, reason=exc.strerror or exc)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            book.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise StorageError(_("Could not write {path}: {reason}.").format(path=target, reason=exc.strerror or exc)) from exc
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target
