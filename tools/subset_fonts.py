"""Make ``resources/fonts/VillageDeskKai.ttf``, the bundled 楷体, from 霞鹜文楷 LXGW WenKai 1.250.

    pip install --target /tmp/ft fonttools      # not a run-time dependency of VillageDesk
    git show 53405f3:resources/fonts/LXGWWenKai-Regular.ttf > /tmp/LXGWWenKai-Regular.ttf
    PYTHONPATH=/tmp/ft:. python tools/subset_fonts.py /tmp/LXGWWenKai-Regular.ttf

(the source is ``LXGWWenKai-Regular.ttf`` of the upstream release v1.250, 15.7 MB, sha256 below; it
was bundled whole until this subset replaced it.)

Kept, 14,126 of its 28,872 characters (15.7 → 5.8 MB):

* every GB 2312 hanzi (6,763): what a 楷体_GB2312 has, so a sub-heading set in 楷 stays 楷;
* every character no other bundled font draws (文泉驿微米黑, 文鼎简报宋, DejaVu Sans, VillageDesk
  Rare Han; 2,276 — 赟 堃 喆 䶮 and other name characters, bopomofo, radicals …), so no chain
  prints fewer characters than before (``tests/test_fonts_subset.py`` checks this against
  ``tests/data/lxgw-wenkai-1.250-drawable.txt``, the code points the whole font drew, written once
  by ``--coverage``);
* every character that is not a CJK ideograph (Latin, Greek, Cyrillic, kana, punctuation, signs).

"Draws" is what the app counts (``app.printing.fonts.drawable``): a glyph with outline data; a blank
glyph does not count. Outlines are kept exactly (the script compares every kept glyph's points,
flags and contour ends with the source's and stops on a difference); the layout tables (GSUB:
ReportLab does no shaping) and glyph names go, as for VillageDesk Rare Han; WenKai has no hinting.
The SIL OFL 1.1 reserves the names "霞鹜" and "LXGW" for the original, so the modified font is
renamed "VillageDesk Kai" / "村务台楷体" (family, full, unique and PostScript names); the copyright,
licence and version records stay. The output is byte-identical from run to run (no timestamp):
sha256 7e41a6ef99f6effe8b9cc21a38b53cdd30be645b273b01d264975ff5235f812f (fontTools 4.68.0).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "resources" / "fonts"
SOURCE_SHA256 = "bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8"
OTHERS = ("wqy-microhei.ttc", "gbsn00lp.ttf", "DejaVuSans.ttf", "VillageDeskRareHan.ttf")
COVERAGE = ROOT / "tests" / "data" / "lxgw-wenkai-1.250-drawable.txt"
FAMILY, FAMILY_ZH, POSTSCRIPT = "VillageDesk Kai", "村务台楷体", "VillageDeskKai-Regular"


def drawable(font: TTFont) -> set[int]:
    """Code points mapped to a glyph with outline data (the 'loca' span is not empty)."""
    loca = font["loca"]
    order = font.getGlyphOrder()
    index = {name: i for i, name in enumerate(order)}
    return {code for code, name in font.getBestCmap().items() if loca[index[name] + 1] > loca[index[name]]}


def is_ideograph(code: int) -> bool:
    """CJK Unified Ideographs (with Extension A and B–G) and the compatibility ideographs."""
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3FFFF)


def gb2312_hanzi() -> set[int]:
    out = set()
    for first in range(0xB0, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


def ranges(codes: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for code in sorted(codes):
        if out and out[-1][1] == code - 1:
            out[-1] = (out[-1][0], code)
        else:
            out.append((code, code))
    return out


def kept_codes(source: TTFont) -> set[int]:
    others: set[int] = set()
    for name in OTHERS:
        others |= drawable(TTFont(FONTS / name, fontNumber=0, lazy=True))
    mine = drawable(source)
    return gb2312_hanzi() | (mine - others) | {c for c in source.getBestCmap() if not is_ideograph(c)}


def rename(font: TTFont) -> None:
    version = font["name"].getDebugName(5).split(";")[0].replace("Version ", "")
    names = {1: FAMILY, 3: f"{FAMILY}:Version {version}:subset", 4: FAMILY, 6: POSTSCRIPT}
    for record in font["name"].names:
        if record.nameID in names:
            chinese = (record.platformID, record.langID) in ((3, 0x0804), (1, 33))
            record.string = FAMILY_ZH if chinese and record.nameID in (1, 4) else names[record.nameID]
    for record in font["name"].names:
        text = record.toUnicode()
        if record.nameID not in (0, 7, 13) and ("LXGW" in text or "霞鹜" in text):
            raise SystemExit(f"name {record.nameID} still says {text!r}")


def same_outlines(source: TTFont, result: TTFont, codes: set[int]) -> None:
    before, after = source.getBestCmap(), result.getBestCmap()
    glyf_before, glyf_after = source["glyf"], result["glyf"]
    for code in sorted(codes):
        old, new = glyf_before[before[code]], glyf_after[after[code]]
        if old.numberOfContours != new.numberOfContours:
            raise SystemExit(f"U+{code:04X}: contours changed")
        coords_old, ends_old, flags_old = old.getCoordinates(glyf_before)  # components resolved
        coords_new, ends_new, flags_new = new.getCoordinates(glyf_after)
        same = (list(coords_old) == list(coords_new) and list(ends_old) == list(ends_new)
                and [f & 1 for f in flags_old] == [f & 1 for f in flags_new])
        if not same or source["hmtx"][before[code]] != result["hmtx"][after[code]]:
            raise SystemExit(f"U+{code:04X}: outline or advance changed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="LXGWWenKai-Regular.ttf (release 1.250)")
    parser.add_argument("--out", type=Path, default=FONTS / "VillageDeskKai.ttf")
    parser.add_argument("--coverage", type=Path, nargs="?", const=COVERAGE,
                        help=f"also write the code points the source draws, as ranges (default {COVERAGE})")
    args = parser.parse_args(argv)
    digest = hashlib.sha256(args.source.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{args.source}: sha256 {digest}, not LXGW WenKai 1.250's {SOURCE_SHA256}")
    source = TTFont(args.source)
    codes = kept_codes(source)
    options = subset.Options()
    options.layout_features = []  # ReportLab does no shaping
    options.drop_tables += ["GSUB", "GPOS"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    options.recalc_timestamp = False
    result = TTFont(args.source, recalcTimestamp=False)  # no build time in head.modified: reproducible
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(result)
    rename(result)
    result.save(args.out, reorderTables=True)
    result = TTFont(args.out)
    same_outlines(source, result, codes)
    if drawable(result) != drawable(source) & codes:
        raise SystemExit("the subset does not draw exactly the kept characters")
    if args.coverage:
        args.coverage.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{a:04X}" if a == b else f"{a:04X}-{b:04X}" for a, b in ranges(drawable(source))]
        args.coverage.write_text(
            "# Code points LXGW WenKai 1.250 (LXGWWenKai-Regular.ttf) drew: written by tools/subset_fonts.py\n"
            + "\n".join(lines) + "\n", encoding="ascii")
    print(f"{args.out}: {len(codes)} characters, {args.out.stat().st_size / 1e6:.1f} MB "
          f"(from {args.source.stat().st_size / 1e6:.1f} MB), sha256 "
          f"{hashlib.sha256(args.out.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
