"""Translation upkeep for the Babel catalogs in resources/locale.

    python tools/i18n.py missing              # msgids in the code that a language lacks (exit 1 if any)
    python tools/i18n.py add AREA PATH…       # append the msgids of PATH… (files or folders) that no
                                              # catalog has yet to AREA.po of every language: English
                                              # filled with the msgid, Chinese left empty to fill in
    python tools/i18n.py fill AREA LANG FILE  # set msgstr from a UTF-8 file of "msgid<TAB>msgstr" lines
                                              # (a plural entry: its singular msgid, then one msgstr
                                              # per plural form of LANG separated by tabs)
    python tools/i18n.py unused               # catalog entries no code uses any more

Each area keeps its own ``<area>.po`` per language, so areas are translated independently.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_file  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from app.i18n import LANGUAGES, read_catalog  # noqa: E402
from app.paths import LOCALE_DIR  # noqa: E402

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Nn_": (1, 2)}
SOURCE_DIRS = ("app", "db", "ui")


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts))
        elif path.suffix == ".py":
            found.append(path)
    return found


def extract(paths: list[Path] | None = None, plurals: dict[str, str] | None = None) -> dict[str, list[str]]:
    """msgid → ["file:line", …] for every translatable string in the given sources. A counted
    message (``ngettext``, ``Nn_``) is one entry under its singular; ``plurals`` (when given)
    receives singular → plural for those."""
    paths = paths or [ROOT / d for d in SOURCE_DIRS]
    messages: dict[str, list[str]] = {}
    for path in _files(paths):
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, strip_comment_tags=True
        ):
            if isinstance(message, tuple):
                message, plural = message[0], message[1]
                if plurals is not None and message and plural:
                    plurals[message] = plural
            if message:
                messages.setdefault(message, []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return messages


def missing() -> dict[str, list[str]]:
    used = extract()
    return {lang: sorted(m for m in used if m not in read_catalog(lang)) for lang in LANGUAGES}


def _po_path(lang: str, area: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{area}.po"


def add(area: str, paths: list[Path]) -> int:
    plurals: dict[str, str] = {}
    used = extract(paths, plurals)
    added = 0
    for lang in LANGUAGES:
        known = set(read_catalog(lang))
        path = _po_path(lang, area)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="VillageDesk", fuzzy=False)
        for msgid, locations in used.items():
            if msgid in plurals and msgid in catalog and not catalog[msgid].pluralizable:
                # a message that now counts: the entry becomes a plural one, keeping its translation
                old = catalog[msgid]
                forms = catalog.num_plurals
                strings = ((msgid, plurals[msgid]) + (plurals[msgid],) * (forms - 2))[:forms] if lang == "en" \
                    else (old.string,) * forms
                catalog.delete(msgid)
                catalog.add((msgid, plurals[msgid]), strings, locations=old.locations, flags=old.flags)
                continue
            if msgid in known or msgid in catalog:
                continue
            where = [(loc.rsplit(":", 1)[0], int(loc.rsplit(":", 1)[1])) for loc in locations[:3]]
            if msgid in plurals:
                ids = (msgid, plurals[msgid])
                forms = catalog.num_plurals
                strings = (ids + (ids[1],) * (forms - 2))[:forms] if lang == "en" else ("",) * forms
                catalog.add(ids, strings, locations=where)
            else:
                catalog.add(msgid, msgid if lang == "en" else "", locations=where)
            added += lang != "en"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=False)
    return added


def fill(area: str, lang: str, source: Path) -> int:
    path = _po_path(lang, area)
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    changed = 0
    for line in source.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        msgid, msgstr = line.split("\t", 1)
        msgid = msgid.encode().decode("unicode_escape") if "\\n" in msgid else msgid
        if msgid in catalog:
            forms = msgstr.split("\t")
            if catalog[msgid].pluralizable:
                forms = (forms + forms[-1:] * catalog.num_plurals)[:catalog.num_plurals]
                catalog[msgid].string = tuple(forms)
            else:
                catalog[msgid].string = msgstr
            catalog[msgid].flags.discard("fuzzy")
            changed += 1
        else:
            print(f"not in {path.name}: {msgid!r}", file=sys.stderr)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False)
    return changed


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    if argv[0] == "missing":
        gaps = missing()
        used = extract()
        for lang, ids in gaps.items():
            for msgid in ids:
                print(f"{lang}\t{used[msgid][0]}\t{msgid!r}")
        return 1 if any(gaps.values()) else 0
    if argv[0] == "add" and len(argv) >= 3:
        count = add(argv[1], [ROOT / p for p in argv[2:]])
        print(f"{count} new message(s) in {argv[1]}.po; fill in the Chinese msgstr lines.")
        return 0
    if argv[0] == "fill" and len(argv) == 4:
        print(f"{fill(argv[1], argv[2], Path(argv[3]))} translation(s) set.")
        return 0
    if argv[0] == "unused":
        used = extract()
        for lang in LANGUAGES:
            for msgid in sorted(set(read_catalog(lang)) - set(used)):
                print(f"{lang}\t{msgid!r}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
