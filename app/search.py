"""One search rule for every list: Chinese text, full pinyin, initials, or a mix of them.

``chenlei``, ``cl`` and ``陈磊`` all find 陈磊; ``xiezr`` finds 谢志荣 (full syllables and initials
mixed); ``xiufu`` finds 道路修复. Names are read with :mod:`app.pinyin`'s surname table (曾 zēng,
单 shàn …); other text (titles, places) with pypinyin's usual readings.

How it matches: a text becomes its syllables, ``|dao|lu|xiu|fu|`` (digits and Latin letters kept
as tokens). A pinyin query matches when it can be cut into non-empty *prefixes of consecutive
syllables*, starting at any syllable: ``xiezr`` = ``xie`` + ``z`` + ``r``. That is one regular
expression per query (``\\|x(?:[a-z0-9]*\\|)?i…``), so a list of 6,000 titles is matched in a few
milliseconds once their syllables are known; syllables are cached by text, so only the first
search after start-up pays for pypinyin (a few hundred milliseconds on the large demo).
Any other query is matched as a plain, case-insensitive substring.

Concerns and meetings keep their syllables in a ``search_key`` column (:data:`KEYED`, filled on
save, by the demo's bulk inserts and by migration 0006 for older stores): computing them with
pypinyin for 6,000 concerns made the first search after start-up take more than a second. A row
whose key is empty (written by a path that does not fill it) is keyed on the fly.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.pinyin import normalize_query, syllables
from db.search_keys import set_keyer

_PINYIN_QUERY = re.compile(r"^[a-z0-9]+$")
_TOKENS = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """``|chen|lei|`` for 陈磊: the syllables of a personal name, surname read as a surname."""
    if not name or not _HAN.search(name):
        return text_key(name)
    return "|" + "|".join(syllables(name)) + "|"


@functools.lru_cache(maxsize=65536)
def text_key(text: str) -> str:
    """``|dao|lu|xiu|fu|2026|`` for 道路修复2026: syllables of Chinese, other words as tokens."""
    if not text:
        return "|"
    from pypinyin import Style, lazy_pinyin

    tokens: list[str] = []
    for chunk in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: [s]):
        tokens.extend(_TOKENS.findall(chunk.lower().replace("ü", "v")))
    return "|" + "|".join(tokens) + "|"


class Query:
    """A search box's text, compiled once and matched against many rows."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.needle = text.strip().lower()
        compact = normalize_query(text)
        self.pattern: re.Pattern[str] | None = None
        if compact and _PINYIN_QUERY.match(compact):
            parts = [r"\|", re.escape(compact[0])]
            for char in compact[1:]:
                parts.append(r"(?:[a-z0-9]*\|)?" + re.escape(char))
            self.pattern = re.compile("".join(parts))

    def __bool__(self) -> bool:
        return bool(self.needle)

    def matches(self, texts: Iterable[str | None] = (), names: Iterable[str | None] = ()) -> bool:
        """Whether any of ``texts`` (titles, places, numbers) or ``names`` (people) matches."""
        texts = [t for t in texts if t]
        names = [n for n in names if n]
        needle = self.needle
        if any(needle in value.lower() for value in (*texts, *names)):
            return True
        pattern = self.pattern
        if pattern is None:
            return False
        return any(pattern.search(text_key(t)) for t in texts) or any(pattern.search(name_key(n)) for n in names)


def compile_query(text: str) -> Query:
    return Query(text or "")


def matches(query: str, *, texts: Sequence[str | None] = (), names: Sequence[str | None] = ()) -> bool:
    """One-off match: whether ``query`` finds a row with these ``texts`` and ``names``."""
    return compile_query(query).matches(texts, names)


@functools.lru_cache(maxsize=65536)
def _row_keys(texts: tuple[str, ...], names: tuple[str, ...]) -> tuple[str, str]:
    """(the row's text in lower case, its syllables) with ``\n`` between fields, computed once per row."""
    raw = "\n".join(v.lower() for v in (*texts, *names) if v)
    keys = "\n".join([text_key(t) for t in texts if t] + [name_key(n) for n in names if n])
    return raw, keys


def filter_rows(rows: Iterable[Sequence[Any]], query: str, *, texts: Sequence[int], names: Sequence[int] = ()) -> list[Any]:
    """The first column (an id) of each row whose columns ``texts`` / ``names`` match ``query``,
    in the order given. An empty query keeps every row.

    Each row's keys are cached by its values (one dict look-up per row once warm), and a row costs
    one substring test and one regular-expression search.
    """
    compiled = compile_query(query)
    if not compiled:
        return [row[0] for row in rows]
    needle, pattern = compiled.needle, compiled.pattern
    found = []
    for row in rows:
        raw, keys = _row_keys(tuple(row[i] or "" for i in texts), tuple(row[i] or "" for i in names))
        if needle in raw or (pattern is not None and pattern.search(keys)):
            found.append(row[0])
    return found


# ---------------------------------------------------------------- stored keys

#: table → (its text fields, its name fields): what its ``search_key`` column holds
KEYED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "concern": (("title", "number"), ("raised_by", "assignee")),
    "meeting": (("title", "place"), ("host_name",)),
}


def row_key(texts: Sequence[str | None] = (), names: Sequence[str | None] = ()) -> str:
    """The syllables of a row's fields, one field a line: what its ``search_key`` column keeps."""
    return "\n".join([text_key(t) for t in texts if t] + [name_key(n) for n in names if n])


def stored_key(table: str, row: Mapping[str, Any] | Any) -> str:
    """The ``search_key`` of a row of ``table`` (a model instance or a mapping of its values)."""
    texts, names = KEYED[table]
    value = row.get if isinstance(row, Mapping) else (lambda field: getattr(row, field))
    return row_key([value(f) for f in texts], [value(f) for f in names])


def filter_keyed_rows(rows: Iterable[Sequence[Any]], query: str, *, texts: Sequence[int], names: Sequence[int] = (),
                      key: int) -> list[Any]:
    """:func:`filter_rows` for rows that carry their stored key in column ``key``: no pinyin is
    computed at search time (except for a row whose key is still empty)."""
    compiled = compile_query(query)
    if not compiled:
        return [row[0] for row in rows]
    needle, pattern = compiled.needle, compiled.pattern
    found = []
    for row in rows:
        if any(row[i] and needle in row[i].lower() for i in (*texts, *names)):
            found.append(row[0])
        elif pattern is not None:
            keys = row[key] or _row_keys(tuple(row[i] or "" for i in texts), tuple(row[i] or "" for i in names))[1]
            if pattern.search(keys):
                found.append(row[0])
    return found


set_keyer(stored_key)  # so that a migration can fill the keys of an older store
