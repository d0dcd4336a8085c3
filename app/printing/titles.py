"""Breaking a title between words, in lines of even length (GB/T 9704: 词意完整, 排列对称).

A dictionary segmenter (jieba) costs ~0.7 s to load, more than the whole one-page print may
take, so titles are broken with cheap rules instead, which fit how notice titles are written:

* never inside a date, number, document number or quotation mark pair (the 禁则 groups);
* gladly after 关于 / 的 / 和 / 与 / 及 / 暨, around quotes and punctuation, before the kind
  word that ends a title (公示, 通知, 公告, 决定 …) and around dates and numbers;
* never inside a word of :data:`WORDS` (words notices use, and the 3–5 character names of
  village bodies that would throw off the next rule);
* elsewhere, at an even offset from the last boundary: most Chinese words have two characters,
  so "鱼塘对外发包" breaks as 鱼塘|对外|发包, never 鱼|塘对.

Among the breaks that keep the fewest lines, the one with the most even lines and the best
boundaries wins.
"""
from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable

from app.printing.linebreak import CLOSING, OPENING, groups

# After these, a break reads naturally.
_AFTER = ("关于", "的", "和", "与", "及", "暨")
# Before these (the kind of the document, and what a title says it is about).
_BEFORE = ("的", "公示", "公告", "通知", "通报", "决定", "决议", "报告", "结果", "名单", "情况", "方案",
           "办法", "规定", "制度", "意见", "说明", "请示", "批复", "会议", "工作", "活动", "评选", "公开")
# Words whose inside is no place to break (3+ characters, or two-character words after which
# the even-offset rule would go wrong).
WORDS = frozenset(["村民委员会", "村委会", "党支部", "党总支", "居委会", "监委会", "合作社", "经济合作社", "股份经济合作社", "村务监督委员会", "村民代表", "村民小组", "村民代表会议", "村民会议", "党员大会", "两委", "四议两公开", "低保户", "五保户", "特困户", "困难户", "脱贫户", "监测户", "一事一议", "筹资筹劳", "最美庭院", "文明家庭", "星级文明户", "好婆婆", "好媳妇", "积分制", "红黑榜", "人居环境", "乡村振兴", "新农合", "新农保", "医疗保险", "养老保险", "宅基地", "承包地", "集体经济", "农村集体", "第一批", "第二批", "第三批", "第一季度", "第二季度", "第三季度", "第四季度", "上半年", "下半年", "全年度", "村务公开", "党务公开", "财务公开", "公示期", "公告栏", "公开栏", "监督电话", "同志", "党员发展对象", "入党积极分子", "预备党员"])
_ORDINAL = re.compile(r"第[0-9０-９一二三四五六七八九十百零两]+[\u4e00-\u9fff]{1,2}")
_STRONG, _GOOD, _EVEN, _PLAIN, _ODD, _INSIDE = 0.0, 0.5, 1.0, 3.0, 6.0, 40.0


def break_costs(text: str) -> dict[int, float]:
    """Cost of a break before character ``i`` (1 ≤ i < len): missing = not allowed."""
    costs: dict[int, float] = {}
    pos = 0
    starts = []
    for group in groups(text):
        starts.append(pos)
        pos += len(group)
    allowed = set(starts[1:])
    inside_word: set[int] = set()
    for size in range(2, 8):
        for i in range(len(text) - size + 1):
            if text[i:i + size] in WORDS:
                inside_word.update(range(i + 1, i + size))
    # An ordinal stays with what it counts: 第1网格, 第3季度, 第十二届 (not 第1 | 网格).
    for match in _ORDINAL.finditer(text):
        inside_word.update(range(match.start() + 1, match.end()))
    strong: set[int] = set()
    for i in range(1, len(text)):
        before, after = text[:i], text[i:]
        if before.endswith(_AFTER) or after.startswith(_BEFORE):
            strong.add(i)
        prev, nxt = text[i - 1], text[i]
        if (prev in CLOSING or nxt in OPENING or prev.isascii() != nxt.isascii()) and i not in inside_word:
            strong.add(i)
    anchor = 0
    for i in range(1, len(text)):
        if i in strong:
            anchor = i
        if i not in allowed:
            continue
        if i in inside_word:
            cost = _INSIDE
        elif i in strong:
            cost = _STRONG
        else:
            # the last boundary we know of: a strong one or the end of a known word
            last = max([anchor] + [j for j in range(anchor, i) if j not in inside_word and _word_end(text, j)])
            cost = _EVEN if (i - last) % 2 == 0 else _ODD
        costs[i] = cost
    return costs


def _word_end(text: str, j: int) -> bool:
    """A known word ends at ``j``."""
    return any(text[j - size:j] in WORDS for size in range(2, 8) if j - size >= 0)


def balanced_lines(text: str, measure: Callable[[str], float], width: float, size: float = 0.0) -> list[str]:
    """``text`` in the fewest lines no wider than ``width``, broken between words, lines even."""
    if not text or measure(text) <= width:
        return [text]
    em = size or measure("字")
    costs = break_costs(text)
    candidates = sorted(costs)
    # the fewest lines: greedy over the allowed breaks
    count, start = 1, 0
    previous = None
    for i in candidates + [len(text)]:
        if measure(text[start:i]) > width and previous is not None:
            count += 1
            start = previous
        previous = i
    count = max(count, math.ceil(measure(text) / width))
    for lines in range(count, count + 3):
        best = _best(text, candidates, costs, lines, measure, width, em)
        if best is not None:
            return best
    from app.printing.linebreak import wrap  # nothing fits between words: the 禁则 wrap

    return [line.text for line in wrap(text, measure, width)]


def _best(text: str, candidates: list[int], costs: dict[int, float], lines: int,
          measure: Callable[[str], float], width: float, em: float) -> list[str] | None:
    if lines == 1:
        return [text] if measure(text) <= width else None
    if lines > 5 or len(candidates) > 80:
        return None
    best, best_score = None, math.inf
    for cuts in itertools.combinations(candidates, lines - 1):
        bounds = (0, *cuts, len(text))
        parts = [text[a:b] for a, b in itertools.pairwise(bounds)]
        widths = [measure(p) for p in parts]
        if max(widths) > width + 1e-6:
            continue
        score = sum(costs[c] for c in cuts) + (max(widths) - min(widths)) / em
        if score < best_score:
            best, best_score = parts, score
    return best
