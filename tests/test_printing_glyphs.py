"""Every character prints: glyphs are checked against the fonts' real outlines, and a page shows
ink in each character's box (a blank glyph would not)."""
from __future__ import annotations

import pytest

from app.printing import Column, Document, Para, Table, UnprintableCharacters, render
from app.printing import fonts as font_registry
from app.printing.pages import page_chars, page_images

SYMBOLS = "℃ ㎡ ㎜ № Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ Ⅵ Ⅶ Ⅷ Ⅸ Ⅹ Ⅺ Ⅻ " + " ".join(chr(c) for c in range(0x2460, 0x2474)) + " ☐ ☑ ℉ ·、“”《》"
NAMES = "𪚥 䶮 赟 堃 喆 昇"


def test_the_poster_font_has_blank_glyphs_that_are_not_trusted():
    for ch in "℃℉ⅤⅩ":
        assert ord(ch) in font_registry.register("VD-Hei").face.charToGlyph  # mapped …
        assert not font_registry.has_glyph("VD-Hei", ch)  # … but empty


def _ink_in_every_box(pdf: bytes, wanted: str) -> None:
    dpi = 144
    [image] = page_images(pdf, dpi)
    scale = dpi / 72
    gray = image.convert("L")
    seen = set()
    for char in page_chars(pdf):  # 𪚥 (beyond U+FFFF) is read back as itself: the text layer holds it
        if char.text not in wanted or not char.text.strip():
            continue
        box = (int(char.left * scale), int(image.height - char.top * scale),
               int(char.right * scale) + 1, int(image.height - char.bottom * scale) + 1)
        darkest = gray.crop(box).getextrema()[0]
        assert darkest < 128, f"{char.text!r} (U+{ord(char.text):04X}) prints blank"
        seen.add(char.text)
    assert seen == {ch for ch in wanted if ch.strip()}


@pytest.mark.parametrize("style", ["poster", "official"])
def test_symbols_and_rare_name_characters_are_never_blank(style):
    doc = Document(title="符号", style=style, fonts="bundled",
                   blocks=[Para(SYMBOLS, indent=False), Para(NAMES, indent=False),
                           Table(columns=[Column("n", "姓名", "name"), Column("t", "温度")],
                                 rows=[["王𪚥", "25℃"], ["李☑", "Ⅴ级"]])])
    pdf = render(doc, fonts="bundled")
    _ink_in_every_box(pdf, SYMBOLS + NAMES)
    used = pdf.fonts_used
    assert "VD-Rare" in used and "VD-Symbols" in used
    assert any("Hanazono" in name for name in pdf.font_names)


def test_a_character_no_font_has_is_refused_before_printing():
    with pytest.raises(UnprintableCharacters) as error:
        render(Document(title="名单", blocks=[Para("王\U000F0000")]))  # private use: no font has it
    assert "U+F0000" in str(error.value)


def test_official_style_without_system_fonts_uses_song_not_hei_and_kai(monkeypatch):
    monkeypatch.setenv("VILLAGEDESK_FONT_DIRS", "")
    pdf = render(Document(title="关于鱼塘对外发包的公示", style="official", blocks=[Para("正文内容。")]), fonts="bundled")
    assert pdf.fonts_used[:1] == ("VD-Song",)
    assert "VD-Kai" not in pdf.fonts_used and "VD-Hei" not in pdf.fonts_used


def test_installed_official_fonts_are_found_under_their_gb2312_names(tmp_path, monkeypatch):
    folder = tmp_path / "fonts" / "sub"
    folder.mkdir(parents=True)
    bundled = font_registry.FONTS_DIR
    for name, source in (("仿宋_GB2312.ttf", "gbsn00lp.ttf"), ("simkai.ttf", "VillageDeskKai.ttf"),
                         ("simhei.ttf", "wqy-microhei.ttc"), ("simsun.ttc", "gbsn00lp.ttf"),
                         ("FZXBSJW.TTF", "gbsn00lp.ttf")):
        (folder / name).symlink_to(bundled / source)
    monkeypatch.setenv("VILLAGEDESK_FONT_DIRS", str(tmp_path / "fonts"))
    assert font_registry.find_system_font("VD-WinFang").name == "仿宋_GB2312.ttf"
    fonts = font_registry.font_set("official")
    assert fonts.name == "official-windows" and fonts.title == "VD-SysXBS"
