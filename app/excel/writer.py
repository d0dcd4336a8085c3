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
    """A sheet of ``book`` (made by :func:`new_book`: write-only, fast) holding the table: bold frozen
    header, autofilter, widths from the content, date and text formats set cell by cell."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    table = [[_cell(v) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for values in table:
        for index, value in enumerate(values):
            width = display_width(value)
            if width > widths[index]:
                widths[index] = width
    sheet = book.create_sheet(title=_sheet_title(title, book))
    for index, width in enumerate(widths, start=1):  # write-only: everything above the rows comes first
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(table) + 1}"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in table:
        sheet.append([_typed(sheet, v, WriteOnlyCell) for v in values])
    return sheet


def _typed(sheet: Any, value: Any, cell_type: Any) -> Any:
    """Dates as dates (shown as dates), long digit strings (ID numbers) as text; the rest as is."""
    if isinstance(value, dt.datetime):
        cell = cell_type(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = cell_type(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str) and len(value) > 11 and value[:-1].isdigit():
        cell = cell_type(sheet, value=value)
        cell.number_format = "@"
        return cell
    return value


def _sheet_title(title: str, book: Any) -> str:
    bad = set("[]:*?/\\")
    clean = "".join(ch for ch in title if ch not in bad)[:31] or "Sheet"
    name, n = clean, 2
    while name in book.sheetnames:
        name = f"{clean[:28]}({n})"
        n += 1
    return name


def _cell(value: Any) -> Any:
    if value == "":
        return None  # an empty cell is not written at all (a fifth of a register is empty)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)  # Excel has no time zones: local time
    return value


def new_book() -> Any:
    """A write-only workbook: add sheets with :func:`add_table`, save with :func:`save_workbook`."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


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
