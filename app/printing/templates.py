"""Ready-made documents: the roster/listing every area reuses and the public notices of the
村务公开栏 and 党务公开栏. Each returns a :class:`~app.printing.model.Document`; nothing here
touches the database (the areas' ``documents`` modules do, and call these).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any


from app.i18n import _, official_date
from app.printing.model import (  # noqa: F401 (NOTIFICATION, PUBLICITY, NoticeParts re-exported)
    NOTIFICATION,
    PUBLICITY,
    Block,
    Column,
    Document,
    NoticeParts,
    Para,
    Table,
)


def roster(*, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], public: bool = False,
           intro: str = "", notes: Sequence[str] = (), caption: str = "", signature: Sequence[str] = (),
           date: dt.date | None = None, numbered: bool = True, style: str = "poster", paper: str = "A4",
           landscape: bool | None = None, subject: str = "") -> Document:
    """A listing (名册/花名册/明细表): a title, an optional lead paragraph, one table whose
    header repeats on every page, notes under it and an optional 落款.

    Mark personal-data columns ``sensitive`` so public copies are masked. Wide tables (more
    than six columns) are laid out landscape unless told otherwise.
    """
    columns = list(columns)
    blocks: list[Block] = []
    if intro:
        blocks.append(Para(intro))
    blocks.append(Table(columns=columns, rows=[["" if v is None else str(v) for v in r] for r in rows],
                        caption=caption, numbered=numbered))
    blocks.extend(Para(n, indent=False) for n in notes)
    return Document(title=title, blocks=blocks, signature=list(signature), date=date, public=public,
                    style=style, paper=paper, landscape=len(columns) > 6 if landscape is None else landscape,
                    subject=subject or _("Roster"))


def pretty_phone(phone: str) -> str:
    """02884851234 → 028-84851234 (area codes 010 and 02x have three digits, others four)."""
    digits = phone.strip()
    if not digits.isdigit() or not digits.startswith("0") or len(digits) < 10:
        return phone
    area = 3 if digits[1] in "12" else 4
    return f"{digits[:area]}-{digits[area:]}"


def publicity_sentence(start: dt.date, end: dt.date, days: int, working_days: bool) -> str:
    """公示期：2026年1月5日至2026年1月11日（共7天）。"""
    if working_days:
        text = _("Publicity period: {start} to {end} ({days} working days).")
    else:
        text = _("Publicity period: {start} to {end} ({days} days).")
    return text.format(start=official_date(start), end=official_date(end), days=days)


def public_notice(*, title: str, body: str | Sequence[str], issuer: str | Sequence[str], date: dt.date | None,
                  number: str = "", table: Table | None = None, publicity_start: dt.date | None = None,
                  publicity_end: dt.date | None = None, publicity_days: int = 0, working_days: bool = False,
                  objection: str = "", supervision_phone: str = "", party: bool = False, addressee: str = "",
                  corrects: str = "", style: str = "poster", paper: str = "A4", landscape: bool = False,
                  parts: NoticeParts | None = None, contact_line: str = "") -> Document:
    """A 村务公开 (``party=False``) or 党务公开 (``party=True``) notice: title, number, body, an
    optional table, the publicity window, how to object, the supervision phone, issuer and date.

    ``body`` is text (paragraphs separated by blank lines) or a list of paragraphs. ``issuer``
    may name joint issuers (``["中共青石村支部委员会", "青石村民委员会"]``): they print side by
    side, each with its own seal.

    ``parts`` (the kind's :class:`NoticeParts`) makes the notice print exactly those closing
    paragraphs, once each: the publicity window (its dates are then required), the objection
    paragraph and the contact line (``supervision_phone`` or ``contact_line``). Without
    ``parts`` the old rule holds: each is printed when its data is given.
    """
    paragraphs = body if not isinstance(body, str) else [p.strip() for p in body.replace("\r", "").split("\n\n")]
    blocks: list[Block] = []
    if corrects:
        blocks.append(Para(corrects))
    blocks.extend(Para(" ".join(p.split("\n"))) for p in paragraphs if p.strip())
    if table is not None:
        blocks.append(table)
    want_publicity = parts.publicity if parts else bool(publicity_start and publicity_end)
    want_objection = parts.objection if parts else objection is not None
    want_contact = parts.contact if parts else bool(supervision_phone or contact_line)
    if want_publicity:
        if not (publicity_start and publicity_end):
            raise ValueError("this kind of notice has a publicity period: give its start and end")
        blocks.append(Para(publicity_sentence(publicity_start, publicity_end, publicity_days, working_days),
                           role="publicity"))
    if want_objection:
        default = (_("During the publicity period, party members and villagers who object may tell the village "
                     "Party branch or the township Party committee, in writing or in person.") if party else
                   _("During the publicity period, villagers who object may tell the village affairs supervision "
                     "committee, in writing or in person."))
        text = objection or default
        # once: a body that already says how to object is not followed by the same paragraph
        if not any(isinstance(b, Para) and b.text.strip() == text.strip() for b in blocks):
            blocks.append(Para(text, role="objection"))
    if want_contact:
        if supervision_phone:
            blocks.append(Para(_("Supervision phone: {phone}").format(phone=pretty_phone(supervision_phone)),
                               verbatim=True, role="contact"))
        elif contact_line:
            blocks.append(Para(contact_line, verbatim=True, role="contact"))
        elif parts is not None:
            raise ValueError("this kind of notice has a contact line: give the supervision phone or a contact line")
    issuers = [issuer] if isinstance(issuer, str) else [i for i in issuer if i]
    joint = len(issuers) > 1
    return Document(title=title, number=number, addressee=addressee, blocks=blocks,
                    signature=[] if joint else [i for i in issuers if i], issuers=issuers if joint else [],
                    date=date, seal=True, public=True, style=style, paper=paper, landscape=landscape,
                    subject=_("Party affairs notice") if party else _("Village affairs notice"))


# ---------------------------------------------------------------------------------------------
# Print kind: the residents' roster (private: full details, for the office)
