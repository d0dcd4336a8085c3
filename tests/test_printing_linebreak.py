"""Chinese line breaking (禁则): unit cases and a property test over generated paragraphs."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.printing.linebreak import CLOSING, OPENING, atoms, check_lines, groups, wrap


def grid(text: str) -> float:
    """Every character one unit wide, like a fixed CJK grid (Latin half width)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def texts(lines) -> list[str]:
    return [line.text for line in lines]


def test_closing_punctuation_never_starts_a_line():
    # 8 characters per line: the comma would fall at the start of line 2
    lines = texts(wrap("一二三四五六七八，九十", grid, 8))
    assert lines == ["一二三四五六七", "八，九十"]
    assert check_lines(lines) == []


def test_opening_punctuation_never_ends_a_line():
    lines = texts(wrap("一二三四五六七《八九》十", grid, 8))
    assert lines[0] == "一二三四五六七"
    assert lines[1].startswith("《八")


def test_runs_of_closing_marks_stay_with_the_word():
    lines = texts(wrap("一二三四五六七八。”」十", grid, 8))
    assert lines[1].startswith("八。”」")


def test_ellipsis_and_dash_pairs_are_not_split():
    assert "……" in atoms("他说……好")
    assert "——" in atoms("村道——硬化")
    for width in range(3, 12):
        for line in texts(wrap("今天我们讨论村道——硬化问题……大家说说看", grid, width)):
            assert not line.startswith("—") and not line.startswith("…")


def test_phone_id_and_dates_are_atoms():
    text = "电话13812345678身份证51011219900101123X日期2026年1月5日座机028-84851234掩码138****5678"
    found = atoms(text)
    for token in ("13812345678", "51011219900101123X", "2026年1月5日", "028-84851234", "138****5678"):
        assert token in found


def test_protected_tokens_are_never_split_across_lines():
    text = "请于2026年12月31日前拨打13812345678或028-84851234联系，身份证号码为51011219900101123X的村民。"
    for width in range(10, 30):
        joined = "\n".join(texts(wrap(text, grid, width)))
        for token in ("2026年12月31日", "13812345678", "028-84851234", "51011219900101123X"):
            assert token in joined, (width, joined)


def test_first_line_width_and_spaces():
    lines = texts(wrap("Hello world, this is a test of Latin words", grid, 10, first_width=8))
    assert all(not line.startswith(" ") and not line.endswith(" ") for line in lines)
    assert grid(lines[0]) <= 8
    assert " ".join(lines) == "Hello world, this is a test of Latin words"


def test_a_group_longer_than_a_line_is_cut_without_breaking_the_rules():
    lines = texts(wrap("一" * 30 + "，。", grid, 7))
    assert all(grid(line) <= 7 for line in lines)
    assert "".join(lines) == "一" * 30 + "，。"
    assert check_lines(lines) == []


def test_empty_text_gives_one_empty_line():
    assert texts(wrap("", grid, 10)) == [""]


# --- property test ----------------------------------------------------------------------------

CJK = "村民委员会公开财务党支部议事决定通知低保救助道路硬化集体经济合作社"
PROTECTED = ["13812345678", "510112199001011234", "2026年1月5日", "12月31日", "028-84851234", "〔2026〕7号"]
TOKENS = (
    st.sampled_from(list(CJK))
    | st.sampled_from(sorted(CLOSING - {"—", "…"}))
    | st.sampled_from(sorted(OPENING))
    # figures written next to each other would read as one number: real text separates them
    | st.sampled_from(PROTECTED).map(lambda token: token + "的")
    | st.sampled_from(["……", "——", "abc的", "1,234.50元", " "])
)


@st.composite
def paragraphs(draw):
    parts = draw(st.lists(TOKENS, min_size=1, max_size=120))
    # keep runs of punctuation realistic (no more than 3 in a row), or no rule could hold
    text, run = "", 0
    for part in parts:
        punct = part[0] in CLOSING or part[0] in OPENING
        run = run + 1 if punct else 0
        if run > 3:
            continue
        text += part
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=paragraphs(), width=st.integers(min_value=12, max_value=40))
def test_property_no_line_breaks_a_rule(text, width):
    lines = texts(wrap(text, grid, width))
    assert check_lines(lines) == []
    assert all(grid(line) <= width + 1e-9 for line in lines)
    # nothing is lost but spaces at line ends
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", text)
    joined = "\n".join(lines)
    for token in PROTECTED:
        assert joined.count(token) == text.count(token)


@settings(max_examples=200, deadline=None)
@given(text=paragraphs())
def test_property_groups_rejoin_to_the_text(text):
    assert "".join(groups(text)) == text
