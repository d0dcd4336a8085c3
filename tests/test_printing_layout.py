"""Layout rules on rendered pages (pypdfium2 text, character boxes and pixels; no poppler)."""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from app.printing import Column, Document, Para, Table, TableTooWide, render, write_png
from app.printing.flowables import Measure
from app.printing.linebreak import CLOSING
from app.printing.model import NOTIFICATION, PUBLICITY
from app.printing.pages import page_chars, page_count, page_images, page_lines
from app.printing.templates import public_notice
from app.printing.titles import balanced_lines

DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def flat(lines: list[list[str]]) -> list[str]:
    return [re.sub(r"\s", "", line) for page in lines for line in page]


def low_income(rows: int = 6, body: int = 1, fit_one_page: bool = True, **kwargs) -> Document:
    table = Table(columns=[Column("name", "姓名", "name"), Column("group", "所在小组"),
                           Column("date", "申请日期"), Column("done", "办结日期"), Column("phone", "联系电话", "phone"),
                           Column("amount", "月保障金（元）", align="right")],
                  rows=[[f"张*{i}", f"{i % 6 + 1}组", "2026年8月15日", "2026年11月21日", f"138****{1000 + i}",
                         str(400 + 20 * i)] for i in range(rows)], numbered=True)
    text = ("根据《社会救助暂行办法》和低保工作有关规定，经本人申请、入户调查、村民代表会议民主评议，"
            "现将2026年第一批城乡低保拟纳入对象名单予以公示。")
    return public_notice(title="关于2026年第一批城乡低保拟纳入对象的公示", body=[text] * body, issuer=issuer,
                         date=dt.date(2026, 8, 15), number="青石村务〔2026〕7号", table=table,
                         publicity_start=dt.date(2026, 8, 15), publicity_end=dt.date(2026, 8, 21), publicity_days=7,
                         supervision_phone="02884851234", **kwargs) if fit_one_page else \
        _no_fit(low_income(rows, body, True, **kwargs))


issuer = "青石村民委员会"


def _no_fit(doc: Document) -> Document:
    doc.fit_one_page = False
    return doc


def test_dates_in_table_cells_are_never_split():
    pdf = render(low_income(12))
    lines = flat(page_lines(pdf))
    joined = "".join(lines)
    assert joined.count("2026年8月15日") >= 12 and joined.count("2026年11月21日") == 12
    # every date stands whole on one visual line
    assert sum(line.count("2026年11月21日") for line in lines) == 12
    assert not any(re.search(r"2026年\d{1,2}月\d{0,2}$", line) for line in lines)


def test_a_wide_table_wraps_its_text_column_first_and_keeps_numbers_whole():
    table = Table(columns=[Column("n", "姓名", "name"), Column("id", "公民身份号码", "id_number"),
                           Column("p", "联系电话", "phone"), Column("d", "登记日期"),
                           Column("x", "情况说明")],
                  rows=[["欧阳**", "510112********1234", "138****1234", "2026年8月15日",
                         "家庭主要劳动力因病丧失劳动能力，子女在读，经村民代表会议评议同意纳入。"]] * 3, numbered=True)
    pdf = render(Document(title="名单", blocks=[table]))
    lines = flat(page_lines(pdf))
    assert sum(line.count("510112********1234") for line in lines) == 3
    assert sum(line.count("138****1234") for line in lines) == 3
    assert sum(line.count("欧阳**") for line in lines) == 3
    assert "序号" in "".join(lines) and "序" not in [line for line in lines]


def test_a_table_too_wide_for_portrait_goes_landscape_or_is_refused():
    columns = [Column(f"c{i}", f"身份证号{i}") for i in range(6)]
    rows = [["510112198001011234"] * 6]
    pdf = render(Document(title="宽表", blocks=[Table(columns=columns, rows=rows)]))
    assert pdf.landscape
    assert sum(flat(page_lines(pdf))[i].count("510112198001011234") for i in range(3)) >= 6 or \
        "".join(flat(page_lines(pdf))).count("510112198001011234") == 6
    wide = [Column(f"c{i}", f"号码{i}") for i in range(12)]
    with pytest.raises(TableTooWide) as error:
        render(Document(title="太宽", blocks=[Table(columns=wide, rows=[["510112198001011234"] * 12])]))
    assert error.value.columns == 12 and 0 < error.value.fit < 12
    with pytest.raises(TableTooWide):
        render(Document(title="太宽", style="official", blocks=[Table(columns=wide[:8], rows=[["510112198001011234"] * 8])]))


def test_a_short_notice_is_shrunk_onto_one_page_and_the_closing_block_stays_with_it():
    spilling = low_income(6, body=2)
    assert render(spilling, fit_one_page=False).pages == 2
    pdf = render(spilling)
    assert pdf.pages == 1 and page_count(pdf) == 1
    assert 18.0 <= pdf.body_size < 22.0
    text = "".join(flat(page_lines(pdf)))
    for piece in ("公示期", "监督电话", "青石村民委员会", "2026年8月15日"):
        assert piece in text


def test_the_closing_block_never_stands_alone_on_a_page():
    # official style is not shrunk: the closing must carry the last lines of the body with it
    for paragraphs in range(8, 16):
        doc = low_income(0, body=paragraphs, style="official")
        doc.blocks = [b for b in doc.blocks if not isinstance(b, Table)]
        pdf = render(doc)
        pages = page_lines(pdf)
        last = [re.sub(r"\s", "", line) for line in pages[-1] if not re.fullmatch(r"—\d+—", re.sub(r"\s", "", line))]
        assert "青石村民委员会" in "".join(last)
        if len(pages) > 1:
            # at least two lines of the body come before the closing on its page
            body_lines = [ln for ln in last if ln and not ln.startswith(("公示期", "公示期间", "监督电话", "青石村民委员会",
                                                                       "2026年8月15日"))]
            assert len(body_lines) >= 2, (paragraphs, last)


def test_no_lone_table_row_at_the_top_or_foot_of_a_page():
    for rows in range(20, 60, 3):
        pdf = render(low_income(rows, fit_one_page=False), fit_one_page=False)
        for page in page_lines(pdf):
            count = sum(1 for line in page if "138****" in line)
            assert count == 0 or count >= 2


def test_a_total_row_gets_no_number():
    table = Table(columns=[Column("item", "项目"), Column("amount", "金额（元）", align="right")],
                  rows=[["道路维修", "12000"], ["路灯电费", "800"], ["合计", "12800"]], numbered=True)
    lines = flat(page_lines(render(Document(title="财务收支公开", blocks=[table]))))
    assert any(line.startswith("1道路维修") for line in lines)
    assert any(line.startswith("2路灯电费") for line in lines)
    assert any(line.startswith("合计") for line in lines) and not any("3合计" in line for line in lines)


TITLES = ["关于鱼塘对外发包的公示", "关于召开村民代表会议审议鱼塘对外发包方案的通知", "第三季度村务公开",
          "“最美庭院”评选结果公示", "关于召开村民代表会议审议2026年度鱼塘对外发包方案的通知",
          "关于王小明同志为党员发展对象的公示"]
WORDS = ("鱼塘", "对外", "发包", "审议", "季度", "最美", "庭院", "村民", "代表", "会议", "方案", "2026年度",
         "同志", "党员", "发展", "对象")


@pytest.mark.parametrize("chars", [10, 12, 14])
def test_an_ordinal_stays_with_what_it_counts(chars):
    """关于召开五组第1网格夜话会的通知 printed as "…五组第1 / 网格夜话会…" on a real notice."""
    lines = balanced_lines("关于召开五组第1网格夜话会的通知", Measure(("VD-Hei",), 10), chars * 10 + 0.1, 10)
    assert len(lines) == 2 and any("第1网格" in line for line in lines), lines


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("chars", [7, 9, 12, 16])
def test_titles_break_between_words_in_even_lines(title, chars):
    measure = Measure(("VD-Hei",), 10)
    lines = balanced_lines(title, measure, chars * 10 + 0.1, 10)
    assert "".join(lines) == title
    for a, b in itertools.pairwise(lines):
        for word in WORDS:
            joined = a + b
            at = len(a)
            for match in re.finditer(re.escape(word), joined):
                assert not match.start() < at < match.end(), (lines, word)
    if len(lines) == 2:
        widths = [measure(line) for line in lines]
        assert abs(widths[0] - widths[1]) <= 4 * 10 + 1e-6, lines


def test_a_title_on_the_page_is_centred_and_broken_between_words():
    title = "关于召开村民代表会议审议2026年度鱼塘对外发包方案的通知"
    pdf = render(Document(title=title, blocks=[Para("正文。")]))
    chars = [c for c in page_chars(pdf) if c.text not in "正文。"]
    rows: dict[int, list] = {}
    for c in chars:
        key = next((k for k in rows if abs(k - c.bottom) < 8), round(c.bottom))
        rows.setdefault(key, []).append(c)
    assert len(rows) == 3
    texts = ["".join(c.text for c in sorted(r, key=lambda c: c.left)) for _y, r in sorted(rows.items(), reverse=True)]
    assert "".join(texts) == title
    for upper, lower in itertools.pairwise(texts):
        assert not any(upper.endswith(w[:1]) and lower.startswith(w[1:]) for w in WORDS if len(w) == 2)
    assert max(map(len, texts)) - min(map(len, texts)) <= 2
    for r in rows.values():  # centred: equal margins left and right
        left = min(c.left for c in r)
        right = max(c.right for c in r)
        assert abs(left - (595.28 - right)) < 4


def test_justified_lines_never_letter_space_numbers_urls_or_latin_words():
    text = ("请于报名截止前拨打电话13812345678或138****1234联系，详见https://www.example.gov.cn/n/26.html，"
            "英文名称 VillageDesk office 也可以。") * 3
    pdf = render(Document(title="说明", blocks=[Para(text)]))
    chars = [c for c in page_chars(pdf) if c.top < 700]
    size = 22.0
    for run in ("13812345678", "138****1234", "VillageDesk", "2026"):
        for start in range(len(chars) - len(run)):
            window = chars[start:start + len(run)]
            if "".join(c.text for c in window) == run and len({round(c.bottom) for c in window}) == 1:
                gaps = [b.left - a.right for a, b in itertools.pairwise(window)]
                assert max(gaps) < size * 0.12, (run, gaps)
    lines = flat(page_lines(pdf))
    url = "https://www.example.gov.cn/n/26.html"
    assert any(url in line for line in lines)
    assert not any(line and line[0] in CLOSING for line in lines)


def test_kinds_print_exactly_their_closing_paragraphs_once():
    notice = low_income(2, parts=PUBLICITY)
    text = "".join(flat(page_lines(render(notice))))
    assert text.count("公示期：") == 1 and text.count("异议") == 1
    assert text.count("监督电话") == 1
    meeting = public_notice(title="关于召开村民代表会议的通知", body="定于2026年8月15日上午9时召开村民代表会议。",
                            issuer="青石村民委员会", date=dt.date(2026, 8, 10), parts=NOTIFICATION,
                            supervision_phone="02884851234")
    text = "".join(flat(page_lines(render(meeting))))
    assert "公示期" not in text and "异议" not in text and "监督电话" not in text
    with pytest.raises(ValueError):
        public_notice(title="公示", body="x", issuer="村委会", date=None, parts=PUBLICITY)


def test_joint_issuers_print_side_by_side_each_with_a_seal():
    notice = public_notice(title="关于党员发展对象的公示", body="经支部委员会研究，现将发展对象公示如下。",
                           issuer=["中共青石村支部委员会", "青石村民委员会"], date=dt.date(2026, 8, 15),
                           publicity_start=dt.date(2026, 8, 15), publicity_end=dt.date(2026, 8, 21), publicity_days=7)
    assert notice.issuers == ["中共青石村支部委员会", "青石村民委员会"]
    pdf = render(notice)
    chars = page_chars(pdf)
    first = [c for c in chars if c.text == "中"][-1]
    second = [c for c in chars if c.text == "青" and abs(c.bottom - first.bottom) < 2]
    assert second and second[-1].left > first.left + 100  # same line, side by side
    # two seal circles: light grey rings around each issuer name
    image = page_images(pdf, dpi=72)[0]
    y = int(image.height - (first.bottom + first.top) / 2)
    row = [image.getpixel((x, y)) for x in range(image.width)]
    grey = [x for x, p in enumerate(row) if 150 < p[0] < 230 and abs(p[0] - p[1]) < 8 and abs(p[1] - p[2]) < 8]
    assert len(grey) >= 4


def test_png_export_long_and_per_page(tmp_path):
    doc = low_income(60, fit_one_page=False)
    pdf = render(doc, fit_one_page=False)
    pages = page_count(pdf)
    assert pages >= 2
    [long] = write_png(pdf, tmp_path / "notice.png", mode="long", dpi=40)
    each = write_png(pdf, tmp_path / "page.png", mode="pages", dpi=40)
    assert len(each) == pages
    from PIL import Image

    tall = Image.open(long)
    first = Image.open(each[0])
    assert tall.height > first.height * pages * 0.95 and tall.width == first.width
    assert first.getbbox() is not None
