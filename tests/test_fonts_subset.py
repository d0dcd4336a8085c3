"""The bundled 楷体 is a subset of 霞鹜文楷 1.250 (``tools/subset_fonts.py``): nothing that printed
before is lost. ``tests/data/lxgw-wenkai-1.250-drawable.txt`` holds the code points the whole font
drew (written once from it, by the same rule as ``fonts.drawable``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.printing import fonts as font_registry

WHOLE_FONT = Path(__file__).parent / "data" / "lxgw-wenkai-1.250-drawable.txt"


def _whole_wenkai() -> frozenset[int]:
    codes = set()
    for line in WHOLE_FONT.read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            first, _, last = line.partition("-")
            codes.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(codes)


def _gb2312_hanzi() -> set[str]:
    out = set()
    for first in range(0xB0, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                out.add(bytes((first, second)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def _chains() -> set[tuple[str, ...]]:
    """Every chain a document's role can print with, limited to the bundled fonts."""
    out = set()
    for fonts in font_registry.FONT_SETS.values():
        for primary in (fonts.title, fonts.heading, fonts.subheading, fonts.body, fonts.page_number):
            out.add(tuple(f for f in fonts.chain(primary) if f in font_registry.BUNDLED))
    return out


def test_the_record_of_the_whole_font_is_what_it_was():
    whole = _whole_wenkai()
    assert len(whole) == 28857 and {ord("赟"), ord("䶮"), ord("丂"), ord("A")} <= whole


@pytest.mark.parametrize("chain", sorted(_chains()))
def test_every_chain_draws_every_character_it_drew_with_the_whole_font(chain):
    before, after = set(), set()
    for name in chain:
        after |= font_registry.drawable(name)
        before |= _whole_wenkai() if name == "VD-Kai" else font_registry.drawable(name)
    lost = sorted(before - after)
    assert not lost, f"{len(lost)} characters no longer print, e.g. " + " ".join(f"U+{c:04X}" for c in lost[:20])


def test_every_gb2312_hanzi_and_every_non_ideograph_is_still_drawn_in_kai():
    kai = font_registry.drawable("VD-Kai")
    assert not {ch for ch in _gb2312_hanzi() if ord(ch) not in kai}  # sub-headings in 楷 stay 楷
    others = {c for c in _whole_wenkai() if not (0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF
                                                 or 0xF900 <= c <= 0xFAFF or c >= 0x20000)}
    assert others <= kai
    assert ord("䶮") in kai  # (赟 堃 喆 昇 are not GB 2312: in a 楷 sub-heading they print in 黑, as other fonts draw them)


def test_the_subset_carries_a_name_of_its_own():
    face = font_registry.register("VD-Kai").face
    assert face.name == b"VillageDeskKai-Regular"
    assert "霞鹜" not in font_registry.display_name("VD-Kai") and "LXGW" not in font_registry.display_name("VD-Kai")
    assert (font_registry.FONTS_DIR / "VillageDeskKai.COPYRIGHT-OFL-1.1.txt").is_file()
