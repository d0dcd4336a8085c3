"""The remaining paper defects of issue 9, checked on rendered pages (text and character boxes)."""
from __future__ import annotations

import datetime as dt
import re

from app.printing import Column, Document, Para, Table, render
from app.printing.pages import page_lines

CODE = re.compile(r"\d{4}-\d{4}")


def flat(lines: list[list[str]]) -> list[str]:
    return [re.sub(r"\s", "", line) for page in lines for line in page]


def test_codes_in_table_cells_are_never_split_and_their_column_fits_them():
    """A concern number (2026-0134) is one token however narrow its column is asked to be: its
    date-like head (2026-01) used to be protected alone and the rest went to the next line."""
    numbers = [f"2026-{134 + i:04d}" for i in range(8)]
    codes = ["A-12/0.5b", "XZ〔2026〕3号", "青石村务〔2026〕17号", "2026.11.05"]
    table = Table(columns=[Column("no", "编号", weight=0.4), Column("code", "档号", weight=0.4),
                           Column("what", "诉求内容", weight=4)],
                  rows=[[n, codes[i % len(codes)],
                         "通组路坑洼积水，出行不便，已组织人员填补坑洼并疏通边沟。" * 2] for i, n in enumerate(numbers)])
    lines = flat(page_lines(render(Document(title="诉求办理情况", blocks=[table]))))
    text = "".join(lines)
    for number in numbers:
        assert sum(line.count(number) for line in lines) == 1, number
    for code in ("XZ〔2026〕3号", "青石村务〔2026〕17号", "2026.11.05", "A-12/0.5b"):
        assert sum(line.count(code) for line in lines) == text.count(code) >= 1, code
    assert not any(re.search(r"2026-\d{2}$", line) for line in lines)
