"""De-identification for anything that goes on a public board (个人信息保护法 最小必要).

Rules (DESIGN.md): names 张*丰 / 张* (compound surnames are kept whole: 欧阳**), phones
138****1234, ID numbers keep the first 6 and the last 4 characters, addresses no finer than the
villager group (三组). Every function is idempotent: masking a masked value changes nothing, so
a document may pass through :func:`mask_document` more than once.

Names written in free text (paragraphs, list items, headings, captions, plain table cells) are
found by looking up the names in the people register (:func:`registered_names`): only whole
registered names of two or more characters match, longest first, so an ordinary word that merely
begins with a one-character surname (王牌, 张家湾) is left alone. A registered name that is also
a word (a villager called 高峰) is masked wherever it is written: privacy comes first, and the
clerk sees it in the preview.

Showing a field unmasked is a choice made on one notice (``app.notices.set_unmasked``) and
recorded in the audit trail; this module only applies the rules.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from app.pinyin import COMPOUND_SURNAMES
from app.printing.model import Block, Document, Heading, ItemList, Para, Section, Table

MASK = "*"

FIELDS = ("name", "phone", "id_number", "address")
# Keys of ``Document.unmasked`` for free text: "text" shows ID and phone numbers written in the
# body, "names" shows the names of registered people written in the body.
TEXT_FIELDS = ("text", "names")

_DIGITS = re.compile(r"\d")
# 三组, 3组, 第三村民小组, 十二社, 上坝组 — up to and including the group word
_GROUP = re.compile(r"^(.*?(?:第?[〇零一二三四五六七八九十百\d]+(?:村民小组|小组|组|社)|[\u4e00-\u9fff]{1,3}(?:村民小组|组|社)))")
_VILLAGE = re.compile(r"^(.*?(?:村|社区|居委会))")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![0-9])")


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳娜娜 → 欧阳**, 欧阳明 → 欧阳*."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2] + MASK * (len(name) - 2)
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; 028-84851234 → 028-****1234; short numbers keep 2 digits."""
    phone = (phone or "").strip()
    if not phone or MASK in phone:
        return phone  # empty or already masked
    digits = "".join(_DIGITS.findall(phone))
    if not digits:
        return phone  # not a number
    if digits.startswith("0") and 10 <= len(digits) <= 12:  # landline: area code stays
        area = 3 if digits[1] in "12" else 4  # 010 and 02x have three digits, others four
        number = digits[area:]
        return f"{digits[:area]}-{MASK * (len(number) - 4)}{number[-4:]}"
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]  # +86 country code
    if len(digits) >= 11:
        return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]
    if len(digits) >= 7:
        return MASK * (len(digits) - 4) + digits[-4:]
    return MASK * max(len(digits) - 2, 1) + digits[-2:] if len(digits) > 2 else MASK * len(digits)


def mask_id_number(id_number: str) -> str:
    """Keep the first 6 and the last 4 characters: 510112********1234."""
    value = (id_number or "").strip().upper()
    if len(value) <= 10:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_address(address: str, group: str = "") -> str:
    """No finer than the villager group: 青石村三组15号 → 青石村三组.

    ``group`` (the household's group name), when known, is used as it is. An address without a
    recognisable group is cut back to its village, or hidden.
    """
    if group:
        return group
    address = (address or "").strip()
    if not address:
        return address
    match = _GROUP.match(address)
    if match:
        return match.group(1)
    match = _VILLAGE.match(address)
    if match:
        return match.group(1)
    return MASK * 2


def mask_text(text: str, names: NameFinder | None = None) -> str:
    """Mask ID numbers and mobile numbers found in free text, and — given a :class:`NameFinder`
    over the people register — the registered names in it."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text or "")
    text = _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}{MASK * 4}{m.group(3)}", text)
    return names.mask(text) if names else text


class NameFinder:
    """Finds whole registered names in free text, longest first (欧阳娜娜 before 欧阳娜).

    Names shorter than two characters are ignored: a lone surname is an ordinary character
    (王 in 王牌, 高 in 高峰期) and cannot be told from one.
    """

    def __init__(self, names: Iterable[str]):
        found = {n.strip() for n in names if n and MASK not in n}
        self.names = frozenset(n for n in found if len(n) >= 2)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)
        # only where a name could begin is it looked for (a register of thousands, texts by the thousand)
        firsts = sorted({n[0] for n in self.names})
        self._starts = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]") if firsts else None

    def __bool__(self) -> bool:
        return bool(self.names)

    def mask(self, text: str) -> str:
        """Left to right, the longest registered name starting at each place is masked."""
        if not self.names or not text or self._starts is None:
            return text
        out: list[str] = []
        done = 0  # text[:done] is settled
        for match in self._starts.finditer(text):
            i = match.start()
            if i < done:
                continue  # inside a name already masked
            for length in self.lengths:
                candidate = text[i:i + length]
                if len(candidate) == length and candidate in self.names:
                    out.append(text[done:i])
                    out.append(mask_name(candidate))
                    done = i + length
                    break
        out.append(text[done:])
        return "".join(out)


def registered_names(session: Any) -> NameFinder:
    """The names of the people register — residents (any status: a moved-out villager keeps
    their privacy) and household heads — as a :class:`NameFinder`."""
    from sqlmodel import col, select

    from db.models.people import Household, Resident

    names = set(session.exec(select(Resident.name).where(col(Resident.deleted_at).is_(None))))
    names |= set(session.exec(select(Household.head_name).where(col(Household.deleted_at).is_(None))))
    return NameFinder(names)


MASKERS = {"name": mask_name, "phone": mask_phone, "id_number": mask_id_number, "address": mask_address}


def mask_value(kind: str, value: str) -> str:
    masker = MASKERS.get(kind)
    return masker(value) if masker else value


def mask_document(document: Document, *, unmasked: list[str] | tuple[str, ...] | set[str] | None = None,
                  names: NameFinder | Iterable[str] | None = None) -> Document:
    """A copy of a public ``Document`` with personal data masked.

    Table columns marked ``sensitive`` are masked by their kind unless their key (or their kind)
    is in ``unmasked`` (default: the document's own ``unmasked`` list). In free text — the
    title, headings, paragraphs, list items, captions and unmarked table cells — ID and mobile
    numbers are masked unless ``"text"`` is unmasked, and the registered ``names`` (see
    :func:`registered_names`) unless ``"names"`` is unmasked; ``verbatim`` paragraphs (the
    office's contact line) are left as written.

    The copy is marked ``deidentified``: a frozen, issued document is not masked again, so its
    reprint stays identical even after the register changes. Private documents are returned
    unchanged.
    """
    if not document.public or document.deidentified:
        return document
    keep = set(document.unmasked if unmasked is None else unmasked)
    finder = names if isinstance(names, NameFinder) else NameFinder(names or ())
    if "names" in keep:
        finder = NameFinder(())
    # The names a 公示 exists to publish (a name column shown in full: the candidates, the winners)
    # are printed in full wherever the notice names them — in their column, which is not run
    # through the register's names, and in the title or body (关于王小华等同志…的公示). Other
    # registered names and every ID or phone number are still masked.
    published = {part.strip() for b in document.text_blocks() if isinstance(b, Table)
                 for i, c in enumerate(b.columns) if c.sensitive == "name" and (c.key in keep or "name" in keep)
                 for row in b.rows if i < len(row) and row[i]
                 for part in re.split(r"[、，,；;/\s]+", str(row[i])) if part.strip()}
    if published and finder:
        finder = NameFinder(finder.names - published)

    def text(value: str) -> str:
        if "text" in keep:
            return finder.mask(value)
        return mask_text(value, finder)

    def block(b: Block) -> Block:
        if isinstance(b, Para):
            return b if b.verbatim else dataclasses.replace(b, text=text(b.text))
        if isinstance(b, Heading):
            return dataclasses.replace(b, text=text(b.text))
        if isinstance(b, ItemList):
            return dataclasses.replace(b, items=[text(i) for i in b.items])
        if isinstance(b, Section):
            return Section(title=text(b.title), blocks=[block(x) for x in b.blocks])
        if isinstance(b, Table):
            kinds = [c.sensitive if c.sensitive and c.key not in keep and c.sensitive not in keep else ""
                     for c in b.columns]
            # a name column shown in full prints its names as they are: the register's names are not
            # looked for inside them (陈宇 would otherwise mask the published 陈宇华 as 陈*华)
            shown = [c.sensitive == "name" and not kinds[i] for i, c in enumerate(b.columns)]

            def cell(i: int, v: str) -> str:
                if i < len(kinds) and kinds[i]:
                    return mask_value(kinds[i], v)
                if i < len(shown) and shown[i]:
                    return v if "text" in keep else mask_text(v)
                return text(v)

            rows = [[cell(i, v) for i, v in enumerate(row)] for row in b.rows]
            return dataclasses.replace(b, rows=rows, caption=text(b.caption))
        return b

    return dataclasses.replace(document, title=text(document.title), blocks=[block(b) for b in document.blocks],
                               deidentified=True)
