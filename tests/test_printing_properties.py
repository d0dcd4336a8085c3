"""Property test: random paragraphs and tables never break a date or number across lines, never
start a line with closing punctuation, and never leave the closing block alone on a page."""
from __future__ import annotations

import datetime as dt
import re

from hypothesis import example, HealthCheck, given, settings
from hypothesis import strategies as st

from app.printing import Column, Table, render
from app.printing.flowables import Measure
from app.printing.linebreak import CLOSING, OPENING, wrap
from app.printing.pages import page_lines
from app.printing.templates import public_notice

WORDS = ["村民", "代表", "会议", "审议", "鱼塘", "发包", "公示", "低保", "对象", "名单", "，", "。", "、", "（", "）",
         "《", "》", "“", "”", "；"]
dates = st.builds(lambda y, m, d: f"{y}年{m}月{d}日", st.integers(2020, 2030), st.integers(1, 12), st.integers(1, 28))
phones = st.builds(lambda n: f"1{n:010d}", st.integers(3_000_000_000, 9_999_999_999))
numbers = st.builds(str, st.integers(0, 10_000_000))
tokens = st.one_of(st.sampled_from(WORDS), dates, phones, numbers)
paragraphs = st.lists(tokens, min_size=1, max_size=60).map("".join)
PROTECTED = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|1\d{10}|\d+")


def _runs(text: str) -> list[tuple[str, str]]:
    """Each protected run, and the unit a line must hold it in: with the opening punctuation right
    before it and the closing punctuation right after (neither may be left at a line's edge)."""
    found = []
    for m in PROTECTED.finditer(text):
        start, end = m.start(), m.end()
        # digits run on into a neighbouring number (tokens written together fuse into one), and
        # punctuation that may not end or begin a line goes with them
        while start > 0 and (text[start - 1] in OPENING or text[start - 1].isdigit()):
            start -= 1
        while end < len(text) and (text[end] in CLOSING or text[end].isdigit()):
            end += 1
        found.append((m.group(), text[start:end]))
    return found


@settings(max_examples=150, deadline=None)
@given(text=paragraphs, width=st.floats(60, 400))
@example(text="（1000002020年1月1日", width=60.0)  # "（" + the number is wider than the line: cut, not lost
@example(text="村民（2026年1月1日）", width=400.0)
@example(text="130000000001002020年1月1日", width=67.0)  # numbers written together: one unit
def test_wrapping_never_splits_a_date_or_number_nor_starts_a_line_with_closing_punctuation(text, width):
    measure = Measure(("VD-Hei",), 10)
    lines = [line.text for line in wrap(text, measure, width)]
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for number, line in enumerate(lines):
        if number:
            assert line[:1] not in CLOSING, lines
    for run, unit in _runs(text):
        if measure(unit) <= width:  # a unit wider than the line cannot stay whole: it is cut somewhere
            assert any(run in line for line in lines), (run, lines)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(paragraphs.map(lambda p: "村民" + p), min_size=1, max_size=8), rows=st.lists(st.tuples(dates, phones), max_size=20),
       style=st.sampled_from(["poster", "official"]))
def test_rendered_notices_keep_dates_whole_and_the_closing_block_company(body, rows, style):
    table = Table(columns=[Column("d", "日期"), Column("p", "电话")], rows=[list(r) for r in rows]) if rows else None
    notice = public_notice(title="关于鱼塘对外发包的公示", body=body, issuer="青石村民委员会", date=dt.date(2026, 8, 15),
                           table=table, publicity_start=dt.date(2026, 8, 15), publicity_end=dt.date(2026, 8, 21),
                           publicity_days=7, supervision_phone="02884851234", style=style)
    pages = page_lines(render(notice))
    lines = [re.sub(r"\s", "", line) for page in pages for line in page]
    text = "".join(lines)
    for date, phone in rows:
        assert date in text and phone in text
    for date, _phone in rows:
        assert any(date in line for line in lines)
    for line in lines[1:]:
        assert line[:1] not in "，。、；：！？）》", line
    last = [re.sub(r"\s", "", ln) for ln in pages[-1]]
    last = [ln for ln in last if ln and not re.fullmatch(r"—\d+—|第\d+页.*|Page.*", ln)]
    closing_start = next(i for i, ln in enumerate(last) if ln.startswith("公示期："))
    if len(pages) > 1:  # at least two lines or rows come before the closing block on its page
        assert closing_start >= 2, last
