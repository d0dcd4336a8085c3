"""Checks for the numbers a clerk types: 公民身份号码, phone numbers, 统计用区划代码."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from app.i18n import _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Province-level codes (GB/T 2260), the first two digits of ID numbers and 区划代码.
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
})


@dataclass(frozen=True)
class IdNumber:
    """A verified 18-digit 公民身份号码 and what it says."""

    value: str
    birth_date: dt.date
    gender: str  # "M" | "F"

    @property
    def region(self) -> str:
        return self.value[:6]


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


_SEPARATORS = re.compile(r"[\s\-.()·]")
_DIGITS = re.compile(r"[0-9]*", re.ASCII)


def typed_number(raw: str) -> str:
    """What a clerk typed as a number, the way it is stored: full-width digits and letters made
    ASCII (NFKC: ``１３８`` → ``138``, ``ｘ`` → ``x``), separators (spaces, ``-``, ``.``,
    brackets, ``·``) dropped, letters upper-cased."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


def _ascii_digits(value: str) -> bool:
    return _DIGITS.fullmatch(value) is not None


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Verify an ID number (GB 11643-1999) or raise ``ValueError`` with a message for the user.

    Full-width digits and an ID written in groups (``510112 19800101 1234``) are accepted."""
    value = typed_number(raw)
    if len(value) == 15 and _ascii_digits(value):
        raise ValueError(_("This is an old 15-digit ID number: enter the 18-digit number from the current ID card."))
    if len(value) != 18:
        raise ValueError(_("An ID number has 18 characters; this one has {n}.").format(n=len(value)))
    if not _ascii_digits(value[:17]) or not (_ascii_digits(value[17]) or value[17] == "X"):
        raise ValueError(_("An ID number is 17 digits followed by a digit or X."))
    if value[:2] not in PROVINCES:
        raise ValueError(_("The ID number does not start with a known province code."))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError(_("The birth date in the ID number ({digits}) is not a real date.").format(digits=value[6:14])) from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1890:
        raise ValueError(_("The birth date in the ID number ({digits}) is impossible.").format(digits=value[6:14]))
    if id_check_digit(value[:17]) != value[17]:
        raise ValueError(_("The ID number's check digit is wrong: check for a mistyped digit."))
    return IdNumber(value=value, birth_date=birth, gender="M" if int(value[16]) % 2 else "F")


_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_LANDLINE = re.compile(r"0[0-9]{2,3}[0-9]{7,8}", re.ASCII)


def normalize_phone(raw: str) -> str:
    """A mobile (11 digits) or landline (area code + number) without separators, or ``ValueError``.

    Full-width digits, separators and the country code (``+86``, ``0086``, ``86`` before a mobile
    number) are accepted and dropped."""
    value = typed_number(raw)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    if len(value) == 13 and value.startswith("86") and _MOBILE.fullmatch(value[2:]):
        value = value[2:]
    if _MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value):
        return value
    raise ValueError(_("Enter an 11-digit mobile number or a landline with its area code."))


def validate_village_code(raw: str) -> str:
    """A 12-digit 统计用区划代码 naming a village (province, city, county, township, village)."""
    value = typed_number(raw)
    if len(value) != 12 or not _ascii_digits(value):
        raise ValueError(_("A village code (统计用区划代码) has exactly 12 digits."))
    if value[:2] not in PROVINCES:
        raise ValueError(_("The village code does not start with a known province code."))
    if value[6:9] == "000" or value[9:12] == "000":
        raise ValueError(_("This code names a county or township, not a village."))
    return value


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
