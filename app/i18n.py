"""Translations and locale-aware formatting.

Message ids are English; Simplified Chinese (``zh_CN``) is the default language. Catalogs are
Babel/gettext ``.po`` files under ``resources/locale/<lang>/LC_MESSAGES/<area>.po`` — one file per
area so that areas can be translated independently — merged into one catalog per language.
Compiled ``.mo`` files are cached beside the user's data and rebuilt when the ``.po`` files differ.
A built program (installers/) ships no ``.po`` files: each language's catalog is compiled at build
time into ``<lang>/LC_MESSAGES/villagedesk.mo`` (:func:`compile_catalog`) and read from there.

Import ``_`` explicitly (``from app.i18n import _``); it is never put into builtins.
Module-level strings are marked with ``N_`` and translated with ``_`` where they are shown.

A message with a count goes through ``ngettext(singular, plural, n)`` (``"{n} person"`` /
``"{n} people"``): the catalogs keep it as one ``msgid``/``msgid_plural`` entry with one
``msgstr[i]`` per plural form of the language (English two, Chinese one), compiled with the
language's ``Plural-Forms``. A module-level one is marked with ``Nn_(singular, plural)`` and
shown with ``ngettext(*marked, n)``.
"""
from __future__ import annotations

import datetime as _dt
import functools
import gettext
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.paths import LOCALE_DIR

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}

_lock = threading.Lock()
_catalogs: dict[str, gettext.NullTranslations] = {}
_current = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []


def po_files(language: str) -> list[Path]:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def read_catalog(language: str) -> dict[str, str]:
    """All translated messages of one language, merged over its area files (for checks and tools)."""
    from babel.messages.pofile import read_po

    merged: dict[str, str] = {}
    for path in po_files(language):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        for message in catalog:
            if message.id and translated(message) and not message.fuzzy:
                key = message.id if isinstance(message.id, str) else message.id[0]
                merged.setdefault(key, message.string if isinstance(message.string, str) else message.string[0])
    return merged


def translated(message: object) -> bool:
    """Whether a catalog message has its translation, every plural form of it for a plural one."""
    string = getattr(message, "string", "")
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


def _mo_cache(language: str) -> Path:
    from app.paths import data_dir

    folder = data_dir() / "cache" / "locale"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{language}.mo"


BUNDLED_CATALOG = "villagedesk.mo"


def bundled_catalog(language: str) -> Path:
    """Where a built program keeps the compiled catalog of ``language`` (installers/villagedesk.spec)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / BUNDLED_CATALOG


def compile_catalog(language: str, target: Path) -> None:
    """Merge the area catalogs of ``language`` into one compiled ``.mo`` file at ``target``."""
    _compile(language, target)


def _compile(language: str, target: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language)
    for path in po_files(language):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=language):
                if message.id and translated(message) and not message.fuzzy and message.id not in merged:
                    merged[message.id] = message
    tmp = target.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, merged)
    tmp.replace(target)


def _load(language: str) -> gettext.NullTranslations:
    sources = po_files(language)
    if not sources:
        bundled = bundled_catalog(language)
        if bundled.is_file():  # a built program: compiled at build time
            with bundled.open("rb") as fh:
                return gettext.GNUTranslations(fh)
        return gettext.NullTranslations()
    target = _mo_cache(language)
    # The cache is keyed on which catalogs it was made from (where, how big, when changed), not only
    # on being newer: another copy of the program (an older install, a second checkout) shares the
    # data folder, and its catalogs may be older than the cache yet differ from ours.
    identity = "\n".join(f"{p.resolve()}\t{p.stat().st_size}\t{p.stat().st_mtime_ns}" for p in sources)
    listing = target.with_suffix(".list")
    stale = not target.exists() or not listing.exists() or listing.read_text(encoding="utf-8") != identity
    if stale:
        _compile(language, target)
        listing.write_text(identity, encoding="utf-8")
    with target.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def translations(language: str | None = None) -> gettext.NullTranslations:
    language = language or _current
    found = _catalogs.get(language)  # loaded: no lock (a page's build translates hundreds of texts)
    if found is not None:
        return found
    with _lock:
        if language not in _catalogs:
            _catalogs[language] = _load(language)
        return _catalogs[language]


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for ``n`` in the current language (``{n}`` is left to format)."""
    return translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 (gettext's naming)
    """Mark a counted message for extraction; show it with ``ngettext(*marked, n)``."""
    return singular, plural


def get_language() -> str:
    return _current


def set_language(language: str) -> None:
    """Switch the language for everything translated from now on and tell the listeners."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _current = language
    for listener in list(_listeners):
        listener(language)


def on_language_changed(listener: Callable[[str], None]) -> Callable[[], None]:
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def babel_locale(language: str | None = None) -> str:
    return (language or _current).replace("-", "_")


_babel_locales: dict[str, Any] = {}


def _locale(language: str | None = None) -> Any:
    """The babel ``Locale`` of the language, parsed once: handing babel the name instead makes it
    parse (and look for files on disk) at every call, ~4 ms per figure on a 工作台 of 19 cards."""
    name = babel_locale(language)
    found = _babel_locales.get(name)
    if found is None:
        from babel import Locale

        found = _babel_locales[name] = Locale.parse(name)
    return found


def format_date(value: _dt.date | None, *, style: str = "long") -> str:
    """A date for the screen in the current language (``2026年11月23日`` / ``November 23, 2026``)."""
    if value is None:
        return ""
    if type(value) is not _dt.date:  # a datetime (its date part), or a subclass: not remembered
        return _format_date(value, style, _current)
    return _remembered_date(value, style, _current)


def _format_date(value: _dt.date, style: str, language: str) -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=style, locale=_locale(language))


# a list's dates repeat (a page of activities: 300 rows, a few dozen days), and babel takes ~30 µs
# for each: each date is formatted once per style and language
_remembered_date = functools.lru_cache(maxsize=4096)(_format_date)


def format_time(value: _dt.time | _dt.datetime | None) -> str:
    """A time of day to the minute (``19:30`` / ``7:30 PM``): nobody meets at 7:30:48."""
    if value is None:
        return ""
    from babel.dates import format_time as babel_format_time

    return babel_format_time(value, format="short", locale=_locale())


def format_datetime(value: _dt.datetime | None, *, seconds: bool = False) -> str:
    """Date and time to the minute (``2026年11月30日 19:30`` / ``Nov 30, 2026, 7:30 PM``);
    ``seconds=True`` for the rare place that needs them (a log line)."""
    if value is None:
        return ""
    if seconds:
        from babel.dates import format_datetime as babel_format_datetime

        return babel_format_datetime(value, format="medium", locale=_locale())
    from babel.dates import get_datetime_format

    pattern = str(get_datetime_format("medium", locale=_locale()))
    return pattern.replace("{1}", format_date(value.date(), style="medium")).replace("{0}", format_time(value))


def format_number(value: float | int) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale())


def format_percent(value: float | None) -> str:
    if value is None:
        return "—"
    from babel.numbers import format_percent as babel_format_percent

    return babel_format_percent(value, format="#,##0.0%", locale=_locale())


def official_date(value: _dt.date) -> str:
    """GB/T 9704-2012 date for formal documents: Arabic numerals, no leading zeros (2026年1月5日)."""
    return f"{value.year}年{value.month}月{value.day}日"


def _connect_store_messages() -> None:
    """Messages raised by ``db/`` (which cannot import this module) come through ``_`` too."""
    from db.errors import set_translator

    set_translator(_)


_connect_store_messages()
