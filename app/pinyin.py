"""Pinyin search keys for Chinese names: ``zs`` and ``zhangsan`` both find 张三.

pypinyin reads every character with its most common reading, which is wrong for many surnames
(单 is shàn, not dān; 曾 is zēng, not céng). Surnames are read from our own table first.
"""
from __future__ import annotations

import re

# Compound surnames first: they are matched before single characters.
# Compound surnames, matched before single characters; readings as space-separated syllables.
COMPOUND_SURNAMES: dict[str, str] = {
    "尉迟": "yu chi", "欧阳": "ou yang", "司马": "si ma", "诸葛": "zhu ge", "上官": "shang guan",
    "东方": "dong fang", "皇甫": "huang fu", "令狐": "ling hu", "公孙": "gong sun", "慕容": "mu rong",
    "长孙": "zhang sun", "万俟": "mo qi", "澹台": "tan tai", "宇文": "yu wen", "夏侯": "xia hou",
    "轩辕": "xuan yuan", "单于": "chan yu", "南宫": "nan gong", "司徒": "si tu", "司空": "si kong",
    "西门": "xi men", "呼延": "hu yan", "端木": "duan mu", "申屠": "shen tu", "赫连": "he lian",
    "闻人": "wen ren", "濮阳": "pu yang", "淳于": "chun yu", "太史": "tai shi", "公冶": "gong ye",
}

SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao",
    "盖": "ge", "尉": "yu", "繁": "po", "覃": "qin", "秘": "bi", "缪": "miao", "谌": "chen",
    "翟": "zhai", "种": "chong", "员": "yun", "乐": "yue", "召": "shao", "重": "chong", "折": "she",
    "那": "na", "黑": "he", "能": "nai", "冼": "xian", "纪": "ji", "曲": "qu", "蕃": "pi", "逄": "pang",
    "隗": "wei", "眭": "sui", "句": "gou", "阚": "kan", "燕": "yan", "柏": "bai", "薄": "bo",
    "长": "chang", "沈": "shen", "石": "shi", "褚": "chu", "费": "fei", "恽": "yun", "卜": "bu",
    "宓": "mi", "莘": "shen", "校": "xiao", "应": "ying", "於": "yu", "相": "xiang", "都": "du",
    "尧": "yao", "殷": "yin", "廖": "liao", "阿": "a", "匡": "kuang", "万": "wan", "邪": "ye",
}


def split_surname(name: str) -> tuple[str, str]:
    """``("欧阳", "娜娜")`` for 欧阳娜娜; a single-character surname otherwise."""
    name = name.strip()
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def syllables(name: str) -> list[str]:
    """Pinyin syllables (no tones) of a personal name, the surname read as a surname."""
    from pypinyin import Style, lazy_pinyin

    name = name.strip()
    if not name:
        return []
    surname, given = split_surname(name)
    if surname in COMPOUND_SURNAMES:
        head = COMPOUND_SURNAMES[surname].split()
    elif surname in SURNAME_READINGS:
        head = [SURNAME_READINGS[surname]]
    else:
        head = lazy_pinyin(surname, style=Style.NORMAL, errors="ignore")
    tail = lazy_pinyin(given, style=Style.NORMAL, errors="ignore") if given else []
    return [s.lower().replace("ü", "v") for s in head + tail if s]


def name_search_key(name: str, *extra: str) -> str:
    """``"zhangsan 张三 zs"`` plus any extra text (numbers, addresses), lower case.

    Full pinyin comes first so that ordering by the key lists people in pinyin (dictionary) order,
    the order a clerk expects; search matches any part.
    """
    parts = syllables(name)
    full = "".join(parts)
    initials = "".join(p[0] for p in parts)
    pieces = [full, name.strip(), initials, *(e.strip() for e in extra if e and e.strip())]
    return " ".join(p for p in pieces if p).lower()[:255]


_QUERY_CLEAN = re.compile(r"[\s'’·]+")


def normalize_query(query: str) -> str:
    """What a search box's text is matched with: lower case, no spaces or apostrophes."""
    return _QUERY_CLEAN.sub("", query).lower()


# LIKE's escape character: a search for "50%" or "a_b" means those characters, not LIKE's wildcards
LIKE_ESCAPE = "!"


def like_pattern(needle: str) -> str:
    """``%needle%`` for ``LIKE … ESCAPE '!'``: the needle's own ``%``, ``_`` and ``!`` stand for themselves."""
    escaped = needle.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"
