"""Fonts for printed documents: the TrueType fonts shipped in ``resources/fonts`` and, where
present, the official fonts installed on the PC (方正小标宋, 仿宋_GB2312 / 仿宋, 黑体, 楷体).

ReportLab embeds TrueType-outline fonts only, and always as subsets (only the glyphs a document
uses). A :class:`FontSet` names the font for each role in a document; a character the chosen
font cannot *draw* is drawn with the next font of the chain that can. "Can draw" means a glyph
with real outlines: a font may map a character to an empty glyph (文泉驿微米黑 does for
℃ ℉ Ⅴ Ⅹ), which prints as a blank, so the cmap alone is not trusted.

Where system fonts are looked for, in order (the first file found for a role wins):

1. the folders in ``VILLAGEDESK_FONT_DIRS`` (``os.pathsep``-separated);
2. Windows: ``%WINDIR%\\Fonts``, then the per-user ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``;
3. Linux: ``~/.fonts``, ``~/.local/share/fonts``, ``/usr/local/share/fonts``, ``/usr/share/fonts``
   (with their sub-folders).

``resources/fonts/README.md`` lists the file names tried for each role.
"""
from __future__ import annotations

import contextvars
import dataclasses
import os
import struct
import threading
import unicodedata
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from app.paths import FONTS_DIR


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap of a font subset, with characters beyond U+FFFF written as the
    UTF-16 surrogate pair a PDF reader expects. ReportLab writes ``<%04X>`` of the code point —
    five hex digits for 𪚥 (U+2A6A5), which readers take as U+2A6A — so a rare character in a name
    was drawn but could not be found, copied or read aloud from the PDF."""
    def utf16(code: int) -> str:
        if code <= 0xFFFF:
            return "%04X" % code
        code -= 0x10000
        return "%04X%04X" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname, "/Ordering (%s)" % fontname, "/Supplement 0", ">> def",
        "/CMapName /%s def" % fontname, "/CMapType 2 def", "1 begincodespacerange", "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange", "%d beginbfchar" % len(subset),
        *("<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


# ReportLab calls the module-level function when it writes each subset's font objects.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


class _BulkFace(ttfonts.TTFontFace):
    """ReportLab's TrueType face, with its three big tables — the character map, the widths
    (``hmtx``) and the glyph offsets (``loca``) — read with one ``struct`` call each instead of
    one call per number: 文泉驿微米黑's 34,600 characters and 49,500 glyphs in about a fifth of
    the time (issue 16: a notice printed from the command line parsed it for 0.1–0.2 s).

    What it sets is ReportLab's, attribute for attribute and in the same order
    (tests/test_fonts_parse.py compares every bundled font and a system one); a character map
    of a kind other than 4 or 12 is read by ReportLab itself."""

    def extractInfo(self, charInfo=1):  # noqa: N802 - ReportLab's name
        if not charInfo:
            return super().extractInfo(charInfo)
        try:
            return self._extract_in_bulk()
        except (struct.error, IndexError, KeyError, ValueError):  # a damaged or odd file: ReportLab's
            return super().extractInfo(charInfo)  # own reading, and its own error if it cannot either

    def _extract_in_bulk(self) -> None:
        super().extractInfo(0)  # names, head, OS/2, post, hhea, maxp: ReportLab's checks and fields
        data = self._ttf_data
        head = self.get_table_pos("head")[0]
        index_to_loc, glyph_data_format = struct.unpack_from(">HH", data, head + 50)
        number_of_hmetrics = struct.unpack_from(">H", data, self.get_table_pos("hhea")[0] + 34)[0]
        if glyph_data_format != 0:
            raise ttfonts.TTFError("Unknown glyph data format (%d)" % glyph_data_format)
        pairs = self._character_map(data)
        if pairs is None:  # a rare cmap format: ReportLab reads everything its own way
            return super().extractInfo(1)
        self.charToGlyph, self.glyphToChar = char_to_glyph, glyph_to_char = _glyph_maps(pairs)

        num_glyphs = self.numGlyphs
        offset = self.get_table_pos("hmtx")[0]
        metrics = struct.unpack_from(">%dH" % (2 * number_of_hmetrics), data, offset)
        if self.unitsPerEm == 1000:  # ReportLab's scale (self._pdfScale), without a call per glyph
            advances = list(metrics[0::2])
        else:
            per_em = 1000 / self.unitsPerEm
            advances = [aw * per_em for aw in metrics[0::2]]
        self.defaultWidth = advances[0]
        self.hmetrics = list(zip(metrics[0::2], metrics[1::2]))
        rest = max(num_glyphs - number_of_hmetrics, 0)
        if rest:  # ReportLab repeats the last advance, already scaled, for the glyphs past hhea's count
            last = advances[-1]
            self.hmetrics += [(last, lsb) for lsb in
                              struct.unpack_from(">%dH" % rest, data, offset + 4 * number_of_hmetrics)]
            advances += [last] * rest
        count = len(advances)
        if sum(map(len, glyph_to_char.values())) == len(char_to_glyph):  # each character has one glyph:
            # its width is its glyph's, read straight from the map (a quarter of the time of a loop
            # over the glyphs' lists; the same widths, in another order, which nothing reads)
            self.charWidths = char_widths = {char: advances[glyph] for char, glyph in char_to_glyph.items()
                                             if glyph < count}
        else:  # a character listed under two glyphs (a broken map): the last glyph's width, as ReportLab's loop
            self.charWidths = char_widths = {}
            for glyph, chars in glyph_to_char.items():
                if glyph < count:
                    width = advances[glyph]
                    for char in chars:
                        char_widths[char] = width

        if "loca" not in self.table:
            raise ttfonts.TTFError("missing location table")
        offset = self.get_table_pos("loca")[0]
        if index_to_loc == 0:
            self.glyphPos = [pos << 1 for pos in struct.unpack_from(">%dH" % (num_glyphs + 1), data, offset)]
        elif index_to_loc == 1:
            self.glyphPos = list(struct.unpack_from(">%dL" % (num_glyphs + 1), data, offset))
        else:
            raise ttfonts.TTFError("Unknown location table format (%d)" % index_to_loc)
        if 0x20 in char_to_glyph:
            char_to_glyph[0xa0] = char_to_glyph[0x20]
            char_widths[0xa0] = char_widths[0x20]
        elif 0xa0 in char_to_glyph:
            char_to_glyph[0x20] = char_to_glyph[0xa0]
            char_widths[0x20] = char_widths[0xa0]

    def _character_map(self, data: bytes) -> list[tuple[range, Any]] | None:
        """(characters, glyphs) runs of the subtable ReportLab picks, in its order; None for a
        format other than 4 and 12."""
        cmap = self.get_table_pos("cmap")[0]
        version, count = struct.unpack_from(">HH", data, cmap)
        if count == 0 and version != 0:
            count = version
        found, enc = None, 0
        for n in range(count):  # ReportLab's choice of subtable
            platform, encoding, offset = struct.unpack_from(">HHL", data, cmap + 4 + 8 * n)
            if platform == 3:
                enc, found = 1, offset
            elif platform == 1 and encoding == 0 and enc != 1:
                enc, found = 2, offset
            elif platform == 1 and encoding == 1:
                enc, found = 1, offset
            elif platform == 0 and encoding != 5:
                enc, found = 1, offset
        if found is None:
            raise ttfonts.TTFError("could not find a suitable cmap encoding")
        start = cmap + found
        fmt = struct.unpack_from(">H", data, start)[0]
        runs: list[tuple[range, Any]] = []
        if fmt == 12:
            groups = struct.unpack_from(">L", data, start + 12)[0]
            values = struct.unpack_from(">%dL" % (3 * groups), data, start + 16)
            for first, last, glyph in zip(values[0::3], values[1::3], values[2::3]):
                chars = range(first, last + 1)
                runs.append((chars, range(glyph, glyph + len(chars))))
            return runs
        if fmt != 4:
            return None
        limit = start + struct.unpack_from(">H", data, start + 2)[0]
        segments = struct.unpack_from(">H", data, start + 6)[0] // 2
        ends = struct.unpack_from(">%dH" % segments, data, start + 14)
        starts = struct.unpack_from(">%dH" % segments, data, start + 16 + 2 * segments)
        deltas = struct.unpack_from(">%dh" % segments, data, start + 16 + 4 * segments)
        range_start = start + 16 + 6 * segments
        range_offsets = struct.unpack_from(">%dH" % segments, data, range_start)
        for n in range(segments):
            chars = range(starts[n], ends[n] + 1)
            delta, range_offset = deltas[n], range_offsets[n]
            if range_offset == 0:
                runs.append((chars, [(char + delta) & 0xFFFF for char in chars]))
                continue
            first = range_start + 2 * n + range_offset
            if first + 2 * len(chars) <= min(limit, len(data)):
                raw = struct.unpack_from(">%dH" % len(chars), data, first)
            else:  # a broken font: ReportLab's reading, glyph by glyph (0 past the subtable)
                raw = [self.get_ushort(first + 2 * i) if first + 2 * i < limit else 0 for i in range(len(chars))]
            runs.append((chars, [(glyph + delta) & 0xFFFF if glyph else 0 for glyph in raw]))
        return runs


def _glyph_maps(runs: list[tuple[range, Any]]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """ReportLab's ``charToGlyph`` and ``glyphToChar`` (each glyph's characters in the map's
    order) of the (characters, glyphs) runs of a character map."""
    char_to_glyph: dict[int, int] = {}
    listed = 0
    for chars, glyphs in runs:
        char_to_glyph.update(zip(chars, glyphs))
        listed += len(chars)
    if listed != len(char_to_glyph):  # a character listed twice (a broken map): ReportLab's loop keeps both
        char_to_glyph, glyph_to_char = {}, {}
        for chars, glyphs in runs:
            for char, glyph in zip(chars, glyphs):
                char_to_glyph[char] = glyph
                glyph_to_char.setdefault(glyph, []).append(char)
        return char_to_glyph, glyph_to_char
    glyph_to_char = {glyph: [char] for char, glyph in char_to_glyph.items()}  # the last character of each glyph
    if len(glyph_to_char) != len(char_to_glyph):  # some glyphs draw several characters (兼容汉字 …)
        shared = {glyph for char, glyph in char_to_glyph.items() if glyph_to_char[glyph][0] != char}
        for glyph in shared:
            glyph_to_char[glyph] = []
        for char, glyph in char_to_glyph.items():
            if glyph in shared:
                glyph_to_char[glyph].append(char)
    return char_to_glyph, glyph_to_char


# Every TrueType font this program registers is read so (TTFont looks the face class up here).
ttfonts.TTFontFace = _BulkFace

# registered name → (file name, sub-font index for .ttc collections)
BUNDLED: dict[str, tuple[str, int]] = {
    "VD-Hei": ("wqy-microhei.ttc", 0),  # 文泉驿微米黑: posters, headings
    "VD-Kai": ("VillageDeskKai.ttf", 0),  # 霞鹜文楷 subset: 楷体-style sub-headings, CJK fallback
    "VD-Song": ("gbsn00lp.ttf", 0),  # AR PL SungtiL GB 文鼎简报宋: official title and body without system fonts
    "VD-Symbols": ("DejaVuSans.ttf", 0),  # ☐ ☑ ℉ and other signs the CJK fonts lack
    "VD-Rare": ("VillageDeskRareHan.ttf", 0),  # CJK Extension B–G characters with a reading (花园明朝B subset)
}
# The fonts an official document prefers when installed: registered name → file names tried in
# order. 方正小标宋 (title) and 仿宋_GB2312 (body) are what township offices use; 仿宋/黑体/楷体
# ship with every Windows.
SYSTEM: dict[str, tuple[str, ...]] = {
    "VD-SysXBS": ("FZXBSJW.TTF", "FZXBSK.TTF", "方正小标宋简体.ttf", "方正小标宋_GBK.ttf", "FZXiaoBiaoSong-B05S.ttf"),
    "VD-WinFang": ("仿宋_GB2312.ttf", "FS_GB2312.ttf", "fsgb2312.ttf", "simfang.ttf"),
    "VD-WinHei": ("simhei.ttf",),
    "VD-WinSong": ("simsun.ttc", "simsun.ttf"),
    "VD-WinKai": ("楷体_GB2312.ttf", "KAI_GB2312.ttf", "kaiti_gb2312.ttf", "simkai.ttf"),
}
# Kept for callers that named the Windows set: registered name → the first file name.
WINDOWS: dict[str, tuple[str, int]] = {name: (files[-1], 0) for name, files in SYSTEM.items() if name != "VD-SysXBS"}

# What a person calls each font (the print dialog says which fonts a document used).
DISPLAY_NAMES: dict[str, str] = {
    "VD-Hei": "文泉驿微米黑 WenQuanYi Micro Hei",
    "VD-Kai": "村务台楷体 VillageDesk Kai",  # a subset of 霞鹜文楷, renamed as the OFL asks
    "VD-Song": "文鼎简报宋 AR PL SungtiL GB",
    "VD-Symbols": "DejaVu Sans",
    "VD-Rare": "花园明朝B Hanazono Mincho B (subset)",
    "VD-SysXBS": "方正小标宋",
    "VD-WinFang": "仿宋",
    "VD-WinHei": "黑体",
    "VD-WinSong": "宋体",
    "VD-WinKai": "楷体",
}

_TAIL = ("VD-Symbols", "VD-Rare")


@dataclasses.dataclass(frozen=True)
class FontSet:
    """The font of each role in a document."""

    name: str
    title: str
    heading: str  # 一、 level
    subheading: str  # （一） level
    body: str
    page_number: str
    fallbacks: tuple[str, ...] = ("VD-Hei", "VD-Kai") + _TAIL
    title_bold: bool = False  # a light Song standing in for 小标宋 is drawn heavier

    def chain(self, primary: str) -> tuple[str, ...]:
        return (primary,) + tuple(f for f in self.fallbacks if f != primary)


FONT_SETS: dict[str, FontSet] = {
    "poster": FontSet("poster", title="VD-Hei", heading="VD-Hei", subheading="VD-Hei", body="VD-Hei",
                      page_number="VD-Hei"),
    # 宋体 title drawn heavier for 小标宋, 宋体 body for 仿宋 (both Song-derived; closer than 黑体/楷体)
    "official-bundled": FontSet("official-bundled", title="VD-Song", heading="VD-Hei", subheading="VD-Kai",
                                body="VD-Song", page_number="VD-Song", title_bold=True,
                                fallbacks=("VD-Kai", "VD-Hei") + _TAIL),
    "official-windows": FontSet("official-windows", title="VD-WinSong", heading="VD-WinHei",
                                subheading="VD-WinKai", body="VD-WinFang", page_number="VD-WinSong",
                                fallbacks=("VD-WinSong", "VD-Kai", "VD-Hei") + _TAIL, title_bold=True),
}

_lock = threading.RLock()
_registered: dict[str, TTFont] = {}
_drawable: dict[str, frozenset[int]] = {}
_found: dict[tuple[str, tuple[str, ...]], Path | None] = {}

# The fonts drawn with while one document renders (render() opens and reads it).
used_fonts: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("used_fonts", default=None)


def font_dirs() -> list[Path]:
    """Where system fonts are looked for, in order (see the module docstring)."""
    dirs = [Path(p) for p in os.environ.get("VILLAGEDESK_FONT_DIRS", "").split(os.pathsep) if p]
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    elif os.name == "nt":  # pragma: no cover - Windows only
        dirs.append(Path(r"C:\Windows\Fonts"))
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    if os.name != "nt" and not os.environ.get("VILLAGEDESK_FONT_DIRS_ONLY"):
        home = Path.home()
        dirs += [home / ".fonts", home / ".local/share/fonts", Path("/usr/local/share/fonts"),
                 Path("/usr/share/fonts")]
    return dirs


def _index_dir(folder: Path) -> dict[str, Path]:
    """Lower-cased file name → path, for one folder and its sub-folders (fonts only)."""
    found: dict[str, Path] = {}
    try:
        for root, _dirs, files in os.walk(folder):
            for file_name in files:
                if file_name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(file_name.lower(), Path(root) / file_name)
    except OSError:
        pass
    return found


_dir_index: dict[Path, dict[str, Path]] = {}


def _find(file_name: str) -> Path | None:
    for folder in font_dirs():
        if not folder.is_dir():
            continue
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
        index = _dir_index.get(folder)
        if index is None:
            index = _dir_index[folder] = _index_dir(folder)
        hit = index.get(file_name.lower())
        if hit is not None and hit.is_file():
            return hit
    return None


def find_system_font(name: str) -> Path | None:
    """The installed file for a system role (``VD-WinFang`` …), first in the search order."""
    key = (name, tuple(str(d) for d in font_dirs()))
    if key not in _found:
        _found[key] = next((p for f in SYSTEM[name] if (p := _find(f)) is not None), None)
    return _found[key]


def windows_fonts_available() -> bool:
    """仿宋, 黑体, 宋体 and 楷体 (or their _GB2312 forms) are all installed (a partial set is not used)."""
    return all(find_system_font(name) for name in ("VD-WinFang", "VD-WinHei", "VD-WinSong", "VD-WinKai"))


def font_set(style: str, choice: str = "auto") -> FontSet:
    """The font set for ``style``; ``choice`` is ``auto`` (the installed official fonts for official
    documents), ``bundled`` or ``windows``. 方正小标宋, when installed, sets the official title."""
    if style == "poster":
        return FONT_SETS["poster"]
    if choice == "windows" or (choice == "auto" and windows_fonts_available()):
        fonts = FONT_SETS["official-windows"]
        if find_system_font("VD-SysXBS"):
            fonts = dataclasses.replace(fonts, title="VD-SysXBS", title_bold=False)
        return fonts
    return FONT_SETS["official-bundled"]


def register(name: str) -> TTFont:
    """Register one font with ReportLab (once per process) and return it. ReportLab asks for it
    itself the first time a name of ours is drawn or measured (:func:`_find_and_register`), so a
    font file is parsed only when a document uses it."""
    with _lock:
        font = _registered.get(name)
        if font is not None:
            return font
        if name in BUNDLED:
            file_name, index = BUNDLED[name]
            path: Path | None = FONTS_DIR / file_name
        else:
            path = find_system_font(name)
            index = 0
            if path is None:
                raise FileNotFoundError(SYSTEM[name][0])
        font = TTFont(name, str(path), subfontIndex=index)
        pdfmetrics.registerFont(font)
        _registered[name] = font
        return font


def register_set(fonts: FontSet) -> None:
    """Register the fonts of every role now (rendering needs not: each is registered when first
    used, and a fallback when a character needs it)."""
    for name in {fonts.title, fonts.heading, fonts.subheading, fonts.body, fonts.page_number}:
        register(name)


_reportlab_find = pdfmetrics.findFontAndRegister


def _find_and_register(font_name: str):  # noqa: ANN202 - ReportLab's font types
    """ReportLab's look-up of a font not registered yet (``pdfmetrics.getFont``: every setFont
    and stringWidth): our names are registered then, any other as ReportLab does."""
    if font_name in BUNDLED or font_name in SYSTEM:
        return register(font_name)
    return _reportlab_find(font_name)


pdfmetrics.findFontAndRegister = _find_and_register


def drawable(name: str) -> frozenset[int]:
    """The code points ``name`` maps to a glyph with outlines (a blank glyph does not count)."""
    cached = _drawable.get(name)
    if cached is not None:
        return cached
    face = register(name).face
    positions = face.glyphPos  # the 'loca' table: an empty glyph has no bytes
    last = len(positions) - 1
    codes = frozenset(code for code, glyph in face.charToGlyph.items()
                      if glyph < last and positions[glyph + 1] > positions[glyph])
    _drawable[name] = codes
    return codes


def _invisible(ch: str) -> bool:
    """Spaces and format characters (zero-width space, BOM, variation selectors) need no glyph."""
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Mn") and not ("\u3000" <= ch <= "\u30ff")


def has_glyph(name: str, ch: str) -> bool:
    return ord(ch) in drawable(name)


def font_for(ch: str, chain: tuple[str, ...]) -> str | None:
    """The first font of ``chain`` that draws ``ch``; None when none does."""
    code = ord(ch)
    for name in chain:
        if code in drawable(name):
            return name
    return None


def runs(text: str, chain: tuple[str, ...]) -> list[tuple[str, str]]:
    """Cut ``text`` into (font, piece) runs: each character in the first font of ``chain`` that
    draws it (the primary font when none does; :func:`missing_glyphs` finds those first)."""
    if not text:
        return []
    first = drawable(chain[0])
    result: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        font = chain[0]
        if code not in first and not _invisible(ch):
            font = font_for(ch, chain[1:]) or chain[0]
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + ch)
        else:
            result.append((font, ch))
    used = used_fonts.get()
    if used is not None:
        used.update(font for font, _piece in result)
    return result


def single_font(text: str, chain: tuple[str, ...]) -> str | None:
    """The first font of ``chain`` that draws all of ``text`` (None: the text needs several)."""
    chars = {ord(ch) for ch in text if not _invisible(ch)}
    for name in chain:
        if chars <= drawable(name):
            return name
    return None


def missing_glyphs(text: str, chain: tuple[str, ...]) -> set[str]:
    """Characters of ``text`` that no font of ``chain`` can draw."""
    return {ch for ch in set(text) if not _invisible(ch) and font_for(ch, chain) is None}


def display_name(name: str) -> str:
    return DISPLAY_NAMES.get(name, name)
