"""The one text normaliser at the boundary: what a person types (or a file brings) is cleaned here
before any service stores it.

``clean_text`` makes a value NFC, removes NUL and other control characters (keeping line breaks and
tabs only in multi-line fields), bidi overrides and isolates (``\\u202e管理员`` would print
reversed), zero-width characters, trims it and enforces the column's length. A lone surrogate
cannot be stored in UTF-8 at all: it is refused with a field error, never a traceback.
``check_date`` keeps dates between 1900-01-01 and ten years from today.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from app.errors import ValidationError
from app.i18n import _

# Bidi embeddings/overrides (U+202A–U+202E), isolates (U+2066–U+2069), marks (U+200E/F, U+061C) and
# zero-width characters (U+200B–U+200D, U+2060 word joiner, U+FEFF BOM).
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u2060", "\ufeff"]
)
_SURROGATE = re.compile("[\ud800-\udfff]")
EARLIEST_DATE = dt.date(1900, 1, 1)
FUTURE_YEARS = 10


def _keep(ch: str, multiline: bool) -> bool:
    if ch in _INVISIBLE:
        return False
    if multiline and ch in "\n\t":
        return True
    # Cc: C0/C1 controls incl. NUL, DEL; Zl/Zp: line/paragraph separators; Cs handled before.
    return unicodedata.category(ch) not in ("Cc", "Zl", "Zp")


def column_length(model: type, column: str) -> int | None:
    """The ``max_length`` of a SQLModel string column (None when it has none)."""
    try:
        return getattr(model.__table__.columns[column].type, "length", None)
    except (AttributeError, KeyError):
        return None


def normalise(value: str, *, multiline: bool = False) -> str:
    """The cleaning without the checks: NFC, no controls/bidi/zero-width, trimmed. Idempotent."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in unicodedata.normalize("NFC", value) if _keep(ch, multiline))
    # removing characters can join pieces into a new composable pair: normalise again
    value = unicodedata.normalize("NFC", value)
    if multiline:
        value = "\n".join(line.rstrip() for line in value.split("\n"))
    return value.strip()


def clean_text(value: Any, *, field: str, max_length: int | None = None, multiline: bool = False,
               model: type | None = None, column: str | None = None) -> str:
    """``value`` cleaned for storing in ``field``, or :class:`ValidationError` naming the field.

    ``max_length`` defaults to the length of ``model``'s ``column`` (``column`` defaults to
    ``field``), so the limit is the one the table has.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    if max_length is None and model is not None:
        max_length = column_length(model, column or field)
    if max_length is not None and len(value) > 4 * max_length + 1024:
        # do not scan megabytes only to refuse them afterwards
        raise ValidationError({field: _("At most {n} characters.").format(n=max_length)})
    if _SURROGATE.search(value):
        raise ValidationError({field: _("The text holds characters that cannot be stored; type it again.")})
    cleaned = normalise(value, multiline=multiline)
    if max_length is not None and len(cleaned) > max_length:
        raise ValidationError({field: _("At most {n} characters.").format(n=max_length)})
    return cleaned


def clean_fields(values: dict[str, Any], limits: dict[str, int | None], *, multiline: tuple[str, ...] = ()
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """Clean several fields at once: (cleaned values, errors by field) — for services that report
    every field's error together."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        try:
            cleaned[name] = clean_text(value, field=name, max_length=limits.get(name), multiline=name in multiline)
        except ValidationError as exc:
            errors.update(exc.errors)
            cleaned[name] = ""
    return cleaned, errors


def latest_date(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def check_date(value: Any, *, field: str, today: dt.date | None = None) -> Any:
    """``value`` (a date or datetime, or None) when it lies between 1900-01-01 and today + 10 years,
    otherwise :class:`ValidationError` naming ``field``."""
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    if not isinstance(day, dt.date):
        raise ValidationError({field: _("Enter a date.")})
    latest = latest_date(today)
    if not EARLIEST_DATE <= day <= latest:
        raise ValidationError({field: _("Enter a date between {first} and {last}.").format(
            first=EARLIEST_DATE.isoformat(), last=latest.isoformat())})
    return value


DEFAULT_TEXT_LIMIT = 20000  # a multi-line column without its own length (a notice's body)


def clean_many(model: type, *, multiline: tuple[str, ...] = (), **values: Any) -> tuple[Any, ...]:
    """Clean several text arguments of a create/update service at once, in the order given, with
    the lengths of ``model``'s columns of the same names; every field's error is reported together.
    Values that are not strings (None, dates, lists) pass through unchanged."""
    cleaned: list[Any] = []
    errors: dict[str, str] = {}
    for name, value in values.items():
        if not isinstance(value, str):
            cleaned.append(value)
            continue
        limit = column_length(model, name) or (DEFAULT_TEXT_LIMIT if name in multiline else 255)
        try:
            cleaned.append(clean_text(value, field=name, max_length=limit, multiline=name in multiline))
        except ValidationError as exc:
            errors.update(exc.errors)
            cleaned.append("")
    if errors:
        raise ValidationError(errors)
    return tuple(cleaned)


def clean_dates(**values: Any) -> None:
    """:func:`check_date` for several dates at once; every error is reported together."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        try:
            check_date(value, field=name)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
