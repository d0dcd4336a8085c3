"""Linux only: shrink the ICU data library that Qt brings (``libicudata.so.NN``, 32 MB) to the
languages VillageDesk speaks, in a built program, and prove that Qt behaves the same with it.

    python installers/icu_data.py dist/villagedesk/_internal/PySide6/Qt/lib/libicudata.so.73

Qt's Linux wheels link ICU (QtCore needs ``libicuuc``/``libicui18n``/``libicudata``) and ICU's data
library holds the locale data of every language: names of languages, countries, currencies, units
and time zones, collation and number spelling for ~800 locales. Qt takes its own locale data
(QLocale: dates, numbers, month names) from tables of its own, not from ICU; it asks ICU for
collation (QCollator), locale-aware case mapping, time-zone names and legacy text codecs.

What is removed: (1) the ``.res`` bundles named after a locale that is not ``root``, English or
Chinese (``en``, ``en_001``, ``en_US``, ``zh``, ``zh_Hans``, ``zh_Hans_CN``, ``zh_CN``), in every
tree (locales, collation, currencies, languages, regions, units, zones); (2) the data of ICU
services Qt never calls — Qt's libraries import only case mapping, calendar/time-zone names,
converters and collation (``QT_ICU_FAMILIES``; the build stops if a newer Qt imports more), so
break iteration (``brkitr/``, with its dictionaries), transliteration, number spelling and the
character-name table go; (3) the legacy converters (``*.cnv``, ``cnvalias.icu``: GB18030, GBK,
Big5, Shift_JIS, EBCDIC …, 5 MB): Qt reads them only for ``QStringConverter``/``QStringDecoder``
with a legacy encoding name, which VillageDesk never calls — Python does every conversion, and
Qt's own UTF-8/UTF-16/UTF-32/Latin-1 converters need no ICU data. Everything else stays: the
Unicode properties and normalization, the collation root (UCA) and the Chinese tailorings (pinyin,
stroke …), the time-zone database and ``res_index`` (a language that is gone falls back to
``root``, as ICU does for any language it lacks). Result: 32 MB → 4 MB.

How: the data is the symbol ``icudtNN_dat`` of the library (an ICU common-data package). It is
cut out, filtered with ICU's own ``icupkg -r`` (Debian ``icu-devtools``; the package format has
not changed since ICU 4), and linked back into a library with the same soname and symbol (``cc``
with an ``.incbin``). Then the check: a child Python loads PySide6 once with the original and once
with the new library first (``LD_PRELOAD``) and must print the same answers to every ICU-backed
call Qt makes for these languages (collation of Chinese names by pinyin and of English words,
QLocale case mapping, time zones and their names, Qt's own UTF and Latin-1 codecs, line and word
breaking of mixed Chinese text; not the legacy codecs, which are removed on purpose). Any difference, or a tool missing, leaves the original in place:
exit status 0 with a message when a tool is missing (``--require`` makes that an error too), 1
when the check finds a difference (a bug to look at, never silently shipped).

Reproducible: the same input library and tools give byte-identical output (icupkg writes items in
sorted order; the link has no timestamps).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_LOCALES = {"root", "en", "en_001", "en_US", "zh", "zh_Hans", "zh_Hans_CN", "zh_CN"}
# Qt calls four families of ICU functions (read from QtCore's imports, checked below): case mapping
# (u_strToUpper/u_strToLower), calendars and time-zone names (ucal_*), converters (ucnv_*) and
# collation (ucol_*). Data that only other ICU services read goes whole: break iteration (ubrk_*:
# rules and the CJK/Thai/Khmer dictionaries, 3.4 MB), transliteration (utrans_*), number spelling
# (rule-based number format) and Unicode character names (u_charName).
QT_ICU_FAMILIES = ("u_strToUpper", "u_strToLower", "ucal_", "ucnv_", "ucol_")
DROPPED_TREES = ("brkitr/", "translit/", "rbnf/")
DROPPED_ITEMS = {"unames.icu", "cnvalias.icu"}
# The legacy converters: Qt's ucnv_* calls serve QStringConverter with a non-UTF encoding name only.
# VillageDesk never asks Qt for one (no QStringConverter/QStringDecoder/QTextCodec in app/ or ui/;
# Python reads and writes every encoding), so they go with the converter alias table.
DROPPED_SUFFIXES = (".cnv",)
# a .res item named like a locale: language (2–3 letters), then script/region/variant parts
LOCALE_ITEM = re.compile(r"(?:[a-z0-9]+/)?([a-z]{2,3}(?:_[A-Za-z0-9]*)*)\.res")  # de__PHONEBOOK: de_.res


class Skip(Exception):
    """A tool is missing: the library stays as it is."""


def removed_items(items: list[str]) -> list[str]:
    """The package items to drop: locale bundles of languages the app does not speak."""
    out = []
    for item in items:
        if item.startswith(DROPPED_TREES) or item in DROPPED_ITEMS or item.endswith(DROPPED_SUFFIXES):
            out.append(item)
            continue
        match = LOCALE_ITEM.fullmatch(item)
        if match and match.group(1) not in KEEP_LOCALES and match.group(1) != "res_index":  # a list, not a locale
            out.append(item)
    return out


def read_symbol(library: Path) -> tuple[str, bytes]:
    """``(name, bytes)`` of the library's ``icudtNN_dat`` symbol (ELF64 little-endian)."""
    blob = library.read_bytes()
    if blob[:4] != b"\x7fELF" or blob[4] != 2 or blob[5] != 1:
        raise SystemExit(f"{library}: not a 64-bit little-endian ELF library")
    shoff, = struct.unpack_from("<Q", blob, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", blob, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", blob, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link]
        for at in range(offset, offset + size, entsize):
            st_name, _st_info, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", blob, at)
            start = strings[4] + st_name
            name = blob[start:blob.index(b"\0", start)].decode()
            if re.fullmatch(r"icudt\d+_dat", name) and shndx:
                target = sections[shndx]
                position = target[4] + (value - target[3])
                return name, blob[position:position + st_size]
    raise SystemExit(f"{library}: no icudtNN_dat symbol (not an ICU data library)")


def _dynamic_symbols(library: Path) -> list[tuple[str, int]]:
    """``(name, section index)`` of every dynamic symbol (index 0: imported from elsewhere)."""
    blob = library.read_bytes()
    shoff, = struct.unpack_from("<Q", blob, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", blob, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", blob, shoff + i * shentsize) for i in range(shnum)]
    out = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind == 11:  # SHT_DYNSYM
            strings = sections[link][4]
            for at in range(offset, offset + size, entsize):
                st_name, _st_info, _other, shndx, _value, _st_size = struct.unpack_from("<IBBHQQ", blob, at)
                out.append((blob[strings + st_name:blob.index(b"\0", strings + st_name)].decode(), shndx))
    return out


def qt_icu_calls(qt_lib_dir: Path) -> set[str]:
    """The ICU functions Qt's libraries import (``ucol_open_73`` → ``ucol_open``)."""
    calls = set()
    for library in sorted(qt_lib_dir.glob("libQt6*.so*")):
        for name, shndx in _dynamic_symbols(library):
            match = re.fullmatch(r"(u[a-z]*_\w+?)_\d{2,3}", name)
            if shndx == 0 and match:
                calls.add(match.group(1))
    return calls


def build(library: Path, work: Path) -> tuple[Path, int, int]:
    """The filtered library in ``work``, with the number of items kept and removed."""
    for tool in ("icupkg", "cc"):
        if shutil.which(tool) is None:
            raise Skip(f"`{tool}` is not installed (apt-get install icu-devtools gcc)")
    symbol, data = read_symbol(library)
    calls = qt_icu_calls(library.parent) if any(library.parent.glob("libQt6Core.so*")) else None
    if calls is not None:
        if not any(c.startswith("ucol_") for c in calls):
            raise SystemExit(f"no ICU call found in {library.parent}/libQt6Core: cannot tell what Qt reads")
        other = sorted(c for c in calls if not c.startswith(QT_ICU_FAMILIES))
        if other:  # a newer Qt reads ICU data this filter may remove: look before shipping it
            raise SystemExit(f"Qt now calls ICU functions this filter does not know: {' '.join(other)}")
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or b"CmnD" not in data[:header_size]:
        raise SystemExit(f"{library}: {symbol} is not an ICU common-data package")
    version = re.fullmatch(r"icudt(\d+)_dat", symbol).group(1)
    package = work / f"icudt{version}l.dat"
    package.write_bytes(data)
    listed = subprocess.run(["icupkg", "-l", str(package)], capture_output=True, text=True, check=True)
    items = listed.stdout.split()
    drop = removed_items(items)
    (work / "remove.txt").write_text("\n".join(drop) + "\n", encoding="ascii")
    filtered = work / "filtered" / package.name  # (icupkg names the items after the file: icudt73l/…)
    filtered.parent.mkdir()
    done = subprocess.run(["icupkg", "-r", str(work / "remove.txt"), str(package), str(filtered)],
                          capture_output=True, text=True)
    if done.returncode != 0:  # e.g. a kept item needs a removed one: a rule to fix here
        raise SystemExit(f"icupkg refused the filtered package: {done.stderr.strip()[:2000]}")
    kept = subprocess.run(["icupkg", "-l", str(filtered)], capture_output=True, text=True, check=True).stdout.split()
    assert sorted(kept) == sorted(set(items) - set(drop)), "icupkg did not remove exactly the listed items"
    source = work / "icudata.S"
    source.write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n{symbol}:\n'
        f'\t.incbin "{filtered}"\n\t.size {symbol}, .-{symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
    output = work / library.name
    subprocess.run(["cc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-Wl,--build-id=none",
                    "-Wl,-z,noexecstack", "-s", "-o", str(output), source.name], cwd=work, check=True)
    if read_symbol(output) != (symbol, filtered.read_bytes()):
        raise SystemExit("the linked library does not hold the filtered data")
    return output, len(kept), len(drop)


# What Qt asks ICU for, for the two languages of the app: printed, then compared between the
# original data and the filtered one.
PROBE = r'''
import sys
from PySide6.QtCore import (QCollator, QLocale, QStringDecoder, QStringEncoder, QTextBoundaryFinder,
                            QTimeZone, QDateTime, QDate, QTime, QByteArray)
out = []
names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴昊", "徐丽", "孙涛",
         "胡军", "朱婷", "高峰", "林琳", "何平", "郭靖", "马超", "罗兰", "阿宝", "𪚥", "龙泉镇", "青石村",
         "Zhang", "apple", "Éclair", "éclair", "zebra", "Apple", "10", "9", "二", "十"]
for tag in ("zh_CN", "zh_Hans_CN", "en_US", "C"):
    for numeric in (False, True):
        c = QCollator(QLocale(tag)); c.setNumericMode(numeric)
        out.append(f"sort {tag} {numeric}: " + " ".join(sorted(names, key=c.sortKey)))
        out.append(f"cmp {tag} {numeric}: " + " ".join(str(c.compare(a, b)) for a, b in zip(names, names[1:])))
    c = QCollator(QLocale(tag)); c.setCaseSensitivity(c.caseSensitivity().__class__(0))
    out.append(f"nocase {tag}: " + " ".join(str(c.compare(a, b)) for a, b in [("apple", "Apple"), ("é", "E")]))
for tag in ("zh_CN", "en_US", "tr_TR", "C"):
    loc = QLocale(tag)
    out.append(f"case {tag}: {loc.toUpper('straße ǆ iı ﬁ 村务台')} {loc.toLower('İSTANBUL ΣΑΣ Ǆ')}")
    out.append(f"qlocale {tag}: {loc.name()} {loc.nativeLanguageName()} {loc.nativeTerritoryName()} "
               f"{loc.toString(1234567.891, 'f', 2)} {loc.toString(QDate(2026, 11, 30), QLocale.FormatType.LongFormat)} "
               f"{loc.dayName(1)} {loc.monthName(11)} {loc.currencySymbol()} {loc.amText()} {loc.quoteString('x')}")
for zone in (b"Asia/Shanghai", b"Asia/Urumqi", b"UTC", b"Europe/London", b"America/New_York"):
    tz = QTimeZone(zone)
    moment = QDateTime(QDate(2026, 7, 1), QTime(12, 0), QTimeZone(b"UTC"))
    out.append(f"tz {zone.decode()}: {tz.isValid()} {tz.offsetFromUtc(moment)} {tz.isDaylightTime(moment)} "
               f"{tz.abbreviation(moment)} " + " | ".join(
                   tz.displayName(moment, kind, QLocale(tag)) for tag in ("zh_CN", "en_US")
                   for kind in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName,
                                QTimeZone.NameType.OffsetName)))
out.append("zones: " + str(len(QTimeZone.availableTimeZoneIds())) + " " + str(QTimeZone.systemTimeZoneId().size() > 0))
winter = QDateTime(QDate(2026, 1, 15), QTime(12, 0), QTimeZone(b"UTC"))
for zone in QTimeZone.availableTimeZoneIds():  # every zone's names, in both languages
    tz = QTimeZone(zone)
    out.append(f"zone {zone.data().decode()}: " + " | ".join(
        tz.displayName(winter, kind, QLocale(tag)) for tag in ("zh_CN", "en_US")
        for kind in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName)))
text = "村务台：龙泉镇青石村，2026年11月30日召开村民会议。Meeting at 9:30 a.m., “第一”条；𪚥字。"
# The legacy codecs (GB18030, GBK, Big5 … : QStringConverter.availableCodecs) are not compared:
# their data is removed on purpose, the app never asks Qt for them. Qt's built-in ones must stay.
for name in ("UTF-8", "UTF-16", "UTF-16LE", "UTF-32", "ISO-8859-1", "Latin1"):
    out.append(f"codec {name}: {QStringEncoder(name).isValid()} {QStringDecoder(name).isValid()} "
               f"{QStringEncoder(name).name()}")
for kind in (QTextBoundaryFinder.BoundaryType.Line, QTextBoundaryFinder.BoundaryType.Word,
             QTextBoundaryFinder.BoundaryType.Grapheme, QTextBoundaryFinder.BoundaryType.Sentence):
    finder = QTextBoundaryFinder(kind, text)
    positions = []
    while (at := finder.toNextBoundary()) != -1:
        positions.append(at)
    out.append(f"break {kind.name}: {positions}")
print("\n".join(out))
'''


def probe(python: str, preload: Path | None) -> str:
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8", "TZ": "Asia/Shanghai"}
    if preload:
        env["LD_PRELOAD"] = str(preload)
    done = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"the ICU check could not run: {done.stderr[-2000:]}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="the built program's libicudata.so.NN (replaced in place)")
    parser.add_argument("--original", type=Path, help="the library as Qt ships it, for the check "
                        "(default: the one given, before it is replaced)")
    parser.add_argument("--python", default=sys.executable, help="a Python with PySide6, for the check")
    parser.add_argument("--require", action="store_true", help="a missing tool is an error, not a skip")
    args = parser.parse_args(argv)
    library = args.library.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        original = work / "original" / library.name
        original.parent.mkdir()
        shutil.copy2(args.original or library, original)
        try:
            filtered, kept, dropped = build(original, work)
        except Skip as why:
            print(f"icu_data: the full ICU data stays ({original.stat().st_size // 2**20} MB): {why}")
            return 1 if args.require else 0
        before, after = probe(args.python, original), probe(args.python, filtered)
        if before != after:
            import difflib

            sys.stderr.write("icu_data: Qt answers differently with the filtered ICU data; the full data "
                             "stays:\n" + "".join(list(difflib.unified_diff(before.splitlines(True),
                                                                            after.splitlines(True)))[:60]))
            return 1
        os.chmod(filtered, library.stat().st_mode & 0o777)
        shutil.copyfile(filtered, library)
        print(f"icu_data: {library.name} {original.stat().st_size / 2**20:.1f} MB → "
              f"{library.stat().st_size / 2**20:.1f} MB ({kept} items kept, {dropped} removed: other languages' bundles, "
              f"legacy converters, data Qt never reads; Qt's collation, case, time zones, UTF codecs and breaking checked: "
              f"{len(before.splitlines())} answers identical)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
