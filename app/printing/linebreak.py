"""Chinese line breaking (禁则) for printed documents.

ReportLab's CJK wrapping breaks anywhere. Chinese typesetting (GB/T 15834, the rules in
DESIGN.md) wants:

* no line begins with closing punctuation — ，。、：；！？）》」』】〕…’” and their full-width /
  half-width forms;
* no line ends with opening punctuation — （《「『【〔“‘;
* phone numbers, ID numbers, dates, times, document numbers and Latin words or figures are
  never split; nor is any code made of digits, Latin letters and the signs - / . 〔 〕 (a concern
  number 2026-0134, a file number A-12/3, 〔2026〕7号), with a 号 that follows its digits.

The text is cut into *atoms* (one CJK character, or one protected run), atoms are glued into
unbreakable *groups* (closing punctuation sticks to what precedes it, opening punctuation to
what follows), and groups are filled greedily into lines. A character pushed to the next line
leaves the previous line short; the renderer justifies it.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

# Must not begin a line.
CLOSING = frozenset(
    "，。、：；！？）》」』】〕〉〗〙〛…’”％‰℃·・—～々〃ー"
    "！＂％＇），．：；？］｝～｠｣"
    ",.;:!?)]}%"
)
# Must not end a line.
OPENING = frozenset("（《「『【〔〈〖〘〚“‘（［｛｟｢([{")
# Straight quotes (" ' ＂ ＇) cannot tell opening from closing: they are treated as closing only.

_PROTECTED = re.compile(
    r"""
      (?:https?://|www\.)[!-~]+?(?=[，。；！？、）》”’\s]|[.,;!?)]?(?:$|[^!-~])) # a URL, up to what ends it
    | [\u4e00-\u9fff]{0,5}〔\d{4}〕\d+号                # 文号 〔2026〕7号, 青石〔2026〕7号 (with its prefix)
    | \d{4}年度                                       # 2026年度
    | \d+(?:\.\d+)?(?:个工作日|个月|天|日|人|户|元|名|万元|亩|平方米|米|㎡|％|%)(?!\d)  # 7天, 12800元
    | \d{4}年\d{1,2}月(?:\d{1,2}日)?                   # 2026年1月5日
    | \d{1,2}月\d{1,2}日
    | \d{4}[-./]\d{1,2}(?:[-./]\d{1,2})?               # 2026-01-05
    | \d{1,2}(?:时|点)(?:\d{1,2}分|半)?                 # 8时30分
    | [0-9][0-9*]{16}[0-9Xx*](?![0-9])                # 18-位 ID number, plain or masked
    | (?:[（(]0\d{2,3}[）)]|0\d{2,3}-)\d{7,8}(?:-\d{1,5})?   # landline (028)84851234, 028-84851234
    | 1[3-9]\d[-\x20]?[0-9*]{4}[-\x20]?\d{4}            # mobile 138 1234 5678, 138****5678
    """,
    re.VERBOSE,
)
# A run of Latin letters, digits and the signs that live inside figures and addresses.
_WORD = re.compile(r"[A-Za-z0-9０-９Ａ-Ｚａ-ｚ_@#&+\-*/\\.,:%'’$€¥￥=~^]+")
_SPACE = re.compile(r"[ \t\u3000]+")
# What a code (编号, 文号, 档号) is made of: a protected run or a word that is all code characters
# goes on through the code characters that follow it, so "2026-0134" is not cut after the date-like
# "2026-01".
_CODE_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_CODE_SIGNS = frozenset("-/.〔〕")
_CODE_CHARS = _CODE_ALNUM | _CODE_SIGNS


def _code_end(text: str, start: int, end: int) -> int:
    """Where the code that begins with ``text[start:end]`` ends (``end`` when it is no code)."""
    if not all(ch in _CODE_CHARS for ch in text[start:end]) and not text[start:end].endswith("号"):
        return end
    n, first_end = len(text), end
    while end < n and not text[end - 1] == "号":
        ch = text[end]
        if ch in _CODE_ALNUM:
            end += 1
        elif ch in _CODE_SIGNS and end + 1 < n and (text[end + 1] in _CODE_ALNUM or text[end + 1] in "〔〕"):
            end += 1
        elif ch == "〕" and any(c == "〔" for c in text[start:end]):
            end += 1
        elif ch == "号" and text[end - 1].isdigit():
            end += 1
        else:
            break
    # only a code with a sign in it (or a number with its 号) runs on: two numbers written
    # together (a phone, then a date) stay two
    if end > first_end and not (any(ch in _CODE_SIGNS for ch in text[start:end]) or text[end - 1] == "号"):
        return first_end
    return end


@dataclasses.dataclass
class Line:
    text: str
    width: float  # natural width (without justification)
    last: bool  # last line of the paragraph (not justified)


def atoms(text: str) -> list[str]:
    """Split ``text`` into atoms: protected runs, Latin words, spaces and single characters."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        for pattern in (_PROTECTED, _WORD, _SPACE):
            match = pattern.match(text, i)
            if match and match.end() > i:
                end = match.end()
                if pattern is _WORD:
                    # "%2026年1月5日": a protected run may begin inside a word after a sign
                    end = next((j for j in range(i + 1, end) if text[j].isdigit() and not text[j - 1].isalnum()
                                and _PROTECTED.match(text, j)), end)
                if pattern is not _SPACE:
                    end = _code_end(text, i, end)
                out.append(text[i:end])
                i = end
                break
        else:
            # Runs of ellipsis or dash (…… ——) are one sign and stay together.
            ch = text[i]
            j = i + 1
            if ch in "…—":
                while j < n and text[j] == ch:
                    j += 1
            out.append(text[i:j])
            i = j
    return out


def _is_space(atom: str) -> bool:
    return bool(atom) and not atom.strip(" \t\u3000")


def groups(text: str) -> list[str]:
    """Atoms glued into groups that may not be broken apart."""
    result: list[str] = []
    pending = ""  # opening punctuation waiting for what follows it
    for atom in atoms(text):
        if _is_space(atom):
            if pending:
                pending += atom  # "( x": the space after an opening mark is no place to break
            else:
                result.append(atom)
            continue
        if atom[0] in CLOSING and not pending and result:
            if _is_space(result[-1]) and len(result) > 1:
                space = result.pop()  # "x ,": nor is the space before a closing mark
                result[-1] += space
            result[-1] += atom
        elif atom[-1] in OPENING:
            pending += atom
        else:
            result.append(pending + atom)
            pending = ""
    if pending:
        if result and not _is_space(result[-1]):
            result[-1] += pending  # nothing follows: keep it at the end of the last group
        else:
            result.append(pending)
    return result


def _split_long(group: str, width: Callable[[str], float], max_width: float) -> list[str]:
    """Break one group wider than a whole line, preferring cuts that respect the 禁则."""
    pieces: list[str] = []
    current = ""
    for index, ch in enumerate(group):
        if current and width(current + ch) > max_width:
            cut = len(current)
            # step back so that the next piece does not start with closing punctuation and
            # this one does not end with opening punctuation
            while cut > 1 and (current[cut - 1] in OPENING or (current + ch)[cut] in CLOSING):
                cut -= 1
            pieces.append(current[:cut])
            current = current[cut:] + ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, width: Callable[[str], float], max_width: float,
         first_width: float | None = None) -> list[Line]:
    """Lay ``text`` into lines no wider than ``max_width`` (``first_width`` for the first line).

    ``width(s)`` measures a string in the same unit. Spaces at line ends vanish.
    """
    limits = [first_width if first_width is not None else max_width, max_width]
    lines: list[Line] = []
    parts: list[str] = []
    current = 0.0
    tolerance = 1e-6

    def limit() -> float:
        return limits[0] if not lines else limits[1]

    def finish(last: bool) -> None:
        nonlocal parts, current
        while parts and _is_space(parts[-1]):
            parts.pop()
        line = "".join(parts)
        lines.append(Line(line, width(line) if line else 0.0, last))
        parts, current = [], 0.0

    queue: list[str] = list(reversed(groups(text)))
    while queue:
        group = queue.pop()
        if _is_space(group) and not parts:
            continue  # no line begins with a space
        w = width(group)
        if current + w <= limit() + tolerance:
            parts.append(group)
            current += w
            continue
        if parts:
            finish(last=False)
            queue.append(group)
            continue
        # an empty line and still too wide: the group itself is longer than a line
        pieces = _split_long(group, width, limit())
        for piece in reversed(pieces[1:]):
            queue.append(piece)
        parts.append(pieces[0])
        current = width(pieces[0])
        if len(pieces) > 1:
            finish(last=False)
    if parts or not lines:
        finish(last=True)
    else:
        lines[-1].last = True
    return lines


def check_lines(lines: Sequence[str]) -> list[str]:
    """The 禁则 violations in already broken lines (for tests and self-checks)."""
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number > 1 and line and line[0] in CLOSING:
            problems.append(f"line {number} begins with {line[0]!r}: {line!r}")
        if number < len(lines) and line and line[-1] in OPENING:
            problems.append(f"line {number} ends with {line[-1]!r}: {line!r}")
    return problems
