"""Fonts for printed documents: the TrueType fonts shipped in ``resources/fonts`` and, where
present, the Windows system fonts (仿宋, 黑体, 宋体, 楷体) for the official style.

ReportLab embeds TrueType-outline fonts only, and always as subsets (only the glyphs a document
uses). A :class:`FontSet` names the font for each role in a document; a character the chosen
font lacks (a rare character in a name, 生僻字) is drawn with the next font that has it.
"""
from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.paths import FONTS_DIR

# registered name → (file name, sub-font index for .ttc collections)
BUNDLED: dict[str, tuple[str, int]] = {
    "VD-Hei": ("wqy-microhei.ttc", 0),  # 文泉驿微米黑: posters, headings
    "VD-Kai": ("LXGWWenKai-Regular.ttf", 0),  # 霞鹜文楷: official body without Windows fonts
}
WINDOWS: dict[str, tuple[str, int]] = {
    "VD-WinFang": ("simfang.ttf", 0),  # 仿宋: official body (GB/T 9704 3号仿宋)
    "VD-WinHei": ("simhei.ttf", 0),  # 黑体: first-level headings
    "VD-WinSong": ("simsun.ttc", 0),  # 宋体: title, page numbers
    "VD-WinKai": ("simkai.ttf", 0),  # 楷体: second-level headings
}


@dataclasses.dataclass(frozen=True)
class FontSet:
    """The font of each role in a document."""

    name: str
    title: str
    heading: str  # 一、 level
    subheading: str  # （一） level
    body: str
    page_number: str
    fallbacks: tuple[str, ...] = ("VD-Hei", "VD-Kai")

    def chain(self, primary: str) -> tuple[str, ...]:
        return (primary,) + tuple(f for f in self.fallbacks if f != primary)


FONT_SETS: dict[str, FontSet] = {
    "poster": FontSet("poster", title="VD-Hei", heading="VD-Hei", subheading="VD-Hei", body="VD-Hei",
                      page_number="VD-Hei"),
    "official-bundled": FontSet("official-bundled", title="VD-Hei", heading="VD-Hei", subheading="VD-Kai",
                                body="VD-Kai", page_number="VD-Kai"),
    "official-windows": FontSet("official-windows", title="VD-WinSong", heading="VD-WinHei",
                                subheading="VD-WinKai", body="VD-WinFang", page_number="VD-WinSong",
                                fallbacks=("VD-WinSong", "VD-Hei", "VD-Kai")),
}

_lock = threading.Lock()
_registered: dict[str, TTFont] = {}


def font_dirs() -> list[Path]:
    """Where system fonts are looked for: ``VILLAGEDESK_FONT_DIRS`` (os.pathsep-separated), then
    the Windows fonts folder."""
    dirs = [Path(p) for p in os.environ.get("VILLAGEDESK_FONT_DIRS", "").split(os.pathsep) if p]
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    elif os.name == "nt":  # pragma: no cover - Windows only
        dirs.append(Path(r"C:\Windows\Fonts"))
    return dirs


def _find(file_name: str) -> Path | None:
    for folder in font_dirs():
        for candidate in (folder / file_name, folder / file_name.upper()):
            if candidate.is_file():
                return candidate
    return None


def windows_fonts_available() -> bool:
    """仿宋, 黑体, 宋体 and 楷体 are all installed (a partial set is not used)."""
    return all(_find(file_name) for file_name, _index in WINDOWS.values())


def font_set(style: str, choice: str = "auto") -> FontSet:
    """The font set for ``style``; ``choice`` is ``auto`` (Windows fonts for official documents
    when installed), ``bundled`` or ``windows``."""
    if style == "poster":
        return FONT_SETS["poster"]
    if choice == "windows" or (choice == "auto" and windows_fonts_available()):
        return FONT_SETS["official-windows"]
    return FONT_SETS["official-bundled"]


def register(name: str) -> TTFont:
    """Register one font with ReportLab (once per process) and return it."""
    with _lock:
        font = _registered.get(name)
        if font is not None:
            return font
        if name in BUNDLED:
            file_name, index = BUNDLED[name]
            path: Path | None = FONTS_DIR / file_name
        else:
            file_name, index = WINDOWS[name]
            path = _find(file_name)
            if path is None:
                raise FileNotFoundError(file_name)
        font = TTFont(name, str(path), subfontIndex=index)
        pdfmetrics.registerFont(font)
        _registered[name] = font
        return font


def register_set(fonts: FontSet) -> None:
    for name in {fonts.title, fonts.heading, fonts.subheading, fonts.body, fonts.page_number, *fonts.fallbacks}:
        register(name)


def has_glyph(name: str, ch: str) -> bool:
    return ord(ch) in register(name).face.charToGlyph


def runs(text: str, chain: tuple[str, ...]) -> list[tuple[str, str]]:
    """Cut ``text`` into (font, piece) runs: each character in the first font of ``chain`` that
    has it (the primary font when none has it)."""
    if not text:
        return []
    maps = [register(name).face.charToGlyph for name in chain]
    result: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        font = chain[0]
        if code not in maps[0] and not ch.isspace():
            for name, cmap in zip(chain[1:], maps[1:], strict=True):
                if code in cmap:
                    font = name
                    break
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + ch)
        else:
            result.append((font, ch))
    return result


def missing_glyphs(text: str, chain: tuple[str, ...]) -> set[str]:
    """Characters of ``text`` that no font of ``chain`` can draw."""
    maps = [register(name).face.charToGlyph for name in chain]
    return {ch for ch in set(text) if not ch.isspace() and all(ord(ch) not in m for m in maps)}
