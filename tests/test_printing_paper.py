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


SIGNATURE = ["主持人（签字）：____________", "记录人（签字）：____________"]
CLOSING_LINES = ("主持人（签字）", "记录人（签字）", "2026年6月19日", "公示期", "监督电话", "青石村民委员会",
                 "2026年8月15日")


def _closing_page(pdf) -> list[str]:
    """The lines of the page that carries the 落款, page numbers left out."""
    pages = page_lines(pdf)
    page = next(p for p in pages if any("记录人（签字）" in ln or "青石村民委员会" in ln for ln in p))
    return [ln for ln in (re.sub(r"\s", "", x) for x in page)
            if ln and not re.fullmatch(r"—\d+—|第\d+页共\d+页", ln)]


def test_minutes_signatures_keep_two_lines_even_after_a_one_line_paragraph():
    """Minutes end with 本记录经…审定。 (one line): the 签字 lines and date used to take only it along
    onto the last page."""
    seen_two_pages = 0
    for sentences in range(14, 40):
        doc = Document(title="三组第1网格坝坝会会议记录", style="official", signature=SIGNATURE,
                       date=dt.date(2026, 6, 19),
                       blocks=[Para("会议内容：与会人员围绕议题充分发言，会议要求各网格抓好落实。" * sentences),
                               Para("本记录经徐玉云于2026年6月21日审定。", indent=False)])
        pdf = render(doc)
        if pdf.pages == 1:
            continue
        seen_two_pages += 1
        page = _closing_page(pdf)
        body = [ln for ln in page if not ln.startswith(CLOSING_LINES)]
        assert len(body) >= 2, (sentences, page)
    assert seen_two_pages > 5


def _concern_rows(count: int) -> list[list[str]]:
    return [[f"2026-{100 + i:04d}", "张*", "三组第1网格", "通组路坑洼积水，出行不便",
             "已组织人员填补坑洼并疏通边沟，组织党员志愿者清淤", "已于2026年10月8日办结"] for i in range(count)]


def test_a_closing_too_tall_for_what_is_left_never_leaves_the_seal_alone():
    """A closing block (公示期, objection, contact, 落款) that does not fit with the rows it keeps:
    the 落款 used to flow onto a page of its own."""
    from app.printing.templates import public_notice

    for count in range(1, 26):
        table = Table(columns=[Column("no", "编号"), Column("who", "反映人", "name"), Column("grid", "网格"),
                               Column("what", "诉求内容", weight=2.6), Column("how", "办理情况", weight=2.6),
                               Column("status", "状态")], rows=_concern_rows(count))
        notice = public_notice(title="群众诉求办理情况公示", body=["2026年10月群众反映的诉求办理情况如下。"],
                               table=table, issuer="青石村民委员会", date=dt.date(2026, 8, 15),
                               publicity_start=dt.date(2026, 8, 15), publicity_end=dt.date(2026, 8, 21),
                               publicity_days=7, supervision_phone="02884851234", landscape=True)
        notice.fit_one_page = False
        pdf = render(notice)
        page = _closing_page(pdf)
        before = page[:page.index("青石村民委员会")]
        assert len(before) >= 2, (count, page)  # the 落款 keeps with at least two lines
        for lines in page_lines(pdf):  # and no page is left with a title or a row or two
            assert len([ln for ln in lines if ln.strip()]) >= 4, (count, lines)


def test_evening_out_a_cell_never_splits_its_date():
    """已于2026年1月8日办结 in a column that leaves 结 alone on a third line: evening the lines out
    used to narrow the cell below the date's width and cut it (2026年1 / 月8日办结)."""
    table = Table(columns=[Column("status", "状态", weight=1.0), Column("what", "诉求内容", weight=2.65)],
                  rows=[["已于2026年1月8日办结", "通组路坑洼积水，出行不便"]] * 3)
    lines = flat(page_lines(render(Document(title="诉求", blocks=[table]))))
    assert sum(line.count("2026年1月8日") for line in lines) == 3, lines


def _gaps(pdf, run: str) -> list[list[float]]:
    from app.printing.pages import page_chars

    chars = page_chars(pdf)
    found = []
    for start in range(len(chars) - len(run) + 1):
        window = chars[start:start + len(run)]
        if "".join(c.text for c in window) == run and len({round(c.bottom) for c in window}) == 1:
            found.append([b.left - a.right for a, b in zip(window, window[1:])])
    return found


def test_a_label_in_a_justified_line_is_not_letter_spaced():
    """公示期：2026年11月30日至 / 2026年12月6日（共7天）。 — the dates leave few places to stretch a
    justified line, and 公 示 期 ： was spaced out to fill it."""
    from app.printing.templates import public_notice

    notice = public_notice(title="群众诉求办理情况公示", body=["2026年11月群众反映的诉求办理情况如下。"],
                           issuer="青石村民委员会", date=dt.date(2026, 11, 30),
                           publicity_start=dt.date(2026, 11, 30), publicity_end=dt.date(2026, 12, 6),
                           publicity_days=7, supervision_phone="02884851234")
    notice.fit_one_page = False
    pdf = render(notice)
    spaced = _gaps(pdf, "公示期：")
    assert spaced and all(max(gaps) < 22 * 0.12 for gaps in spaced), spaced
    lines = flat(page_lines(pdf))
    assert any(line.startswith("公示期：2026年11月30日") for line in lines)


def test_characters_beyond_the_basic_plane_are_in_the_text_layer():
    """𪚥 (U+2A6A5, CJK Extension B) in a name is drawn by the rare-character font; its text layer
    said U+2A6A, so the name could not be found or copied from the PDF."""
    from app.printing.pages import page_texts

    pdf = render(Document(title="名单", blocks=[Para("王𪚥同志，𠀀𡈽𤭢。", indent=False),
                                              Table(columns=[Column("n", "姓名", "name")], rows=[["李𪚥"]])]))
    text = "".join(page_texts(pdf))
    assert "王𪚥同志" in text and "李𪚥" in text and "𠀀𡈽𤭢" in text
    assert "\u2a6a" not in text


def test_joint_issuers_too_wide_for_one_row_never_overlap():
    """In English the Party branch is “CPC 青石村 Branch Committee”: beside 青石村村民委员会 the two
    names ran into each other. Each name now breaks to its share of the width."""
    from app.printing.pages import page_chars
    from app.printing.templates import public_notice

    notice = public_notice(title="Results", body=["The results are made public as follows."],
                           issuer=["CPC 青石村 Branch Committee", "青石村村民委员会"], date=dt.date(2026, 8, 15),
                           publicity_start=dt.date(2026, 8, 15), publicity_end=dt.date(2026, 8, 21),
                           publicity_days=7, supervision_phone="02884851234")
    pdf = render(notice)
    chars = page_chars(pdf)
    rows: dict[int, list] = {}
    for c in chars:
        rows.setdefault(round(c.bottom), []).append(c)
    for row in rows.values():
        row.sort(key=lambda c: c.left)
        for a, b in zip(row, row[1:]):
            assert b.left >= a.right - 2, ("".join(c.text for c in row), a.text, b.text)
    text = "".join(c.text for c in chars)
    assert "Committee" in text and "青石村村民委员会" in text
