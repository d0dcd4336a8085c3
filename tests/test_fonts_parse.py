"""Fonts are read in bulk, and only the ones a document uses (issue 16).

:class:`app.printing.fonts._BulkFace` must set what ReportLab's own parser sets, attribute for
attribute; a document registers (parses) a font only when it draws or measures with it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import ttfonts

from app.printing import fonts as font_registry

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted(Path(font_registry.FONTS_DIR).glob("*.tt[fc]"))
# loca format 0 and a (1, 0) format-6 subtable beside the chosen one, where the system has them
SYSTEM = [p for p in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-ExtraLight.ttf"),
                      Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")) if p.is_file()]


def _reportlab_face(path: Path) -> ttfonts.TTFontFace:
    """The face as ReportLab itself reads it: its own TTFontFace class, which ours replaced."""
    reportlab_class = font_registry._BulkFace.__mro__[1]
    assert reportlab_class.__module__ == "reportlab.pdfbase.ttfonts" and "extractInfo" not in vars(reportlab_class)
    face = reportlab_class(str(path))
    assert type(face).extractInfo is ttfonts.TTFontFile.extractInfo
    return face


@pytest.mark.parametrize("path", BUNDLED + SYSTEM, ids=lambda p: p.name)
def test_the_bulk_reader_reads_what_reportlab_reads(path):
    assert ttfonts.TTFontFace is font_registry._BulkFace  # the fonts this program registers are read so
    ours, theirs = font_registry._BulkFace(str(path)), _reportlab_face(path)
    assert set(vars(ours)) == set(vars(theirs))
    for name in vars(theirs):
        if name not in ("_pos", "_pdfScale"):  # a read cursor and a lambda
            assert getattr(ours, name) == getattr(theirs, name), name
    assert list(ours.charToGlyph) == list(theirs.charToGlyph)
    assert list(ours.glyphToChar) == list(theirs.glyphToChar)  # each glyph's characters, in order
    assert len(ours.charToGlyph) > 1000


def test_shared_glyphs_and_broken_maps_are_read_as_reportlab_reads_them():
    runs = [(range(0x41, 0x44), [5, 6, 5]), (range(0x61, 0x62), range(6, 7))]
    assert font_registry._glyph_maps(runs) == ({0x41: 5, 0x42: 6, 0x43: 5, 0x61: 6}, {5: [0x41, 0x43], 6: [0x42, 0x61]})
    overlapping = [(range(0x41, 0x43), [5, 6]), (range(0x42, 0x43), [7])]  # 'B' listed twice: ReportLab keeps both
    assert font_registry._glyph_maps(overlapping) == ({0x41: 5, 0x42: 7}, {5: [0x41], 6: [0x42], 7: [0x42]})


def _format4(glyph_ids: list[int], cut: int = 0) -> font_registry._BulkFace:
    """A face holding only a format-4 character map (segments 0–1 by delta, A–C through the glyph
    id array, and the closing U+FFFF), ``cut`` bytes short of its array when asked."""
    import struct

    starts, ends, deltas, offsets = [0x30, 0x41, 0xFFFF], [0x31, 0x43, 0xFFFF], [5, 2, 1], [0, 4, 0]
    body = struct.pack(">HHHH", 6, 0, 0, 0) + struct.pack(">3H", *ends) + b"\0\0" + struct.pack(">3H", *starts)
    body += struct.pack(">3h", *deltas) + struct.pack(">3H", *offsets) + struct.pack(">%dH" % len(glyph_ids), *glyph_ids)
    subtable = struct.pack(">HHH", 4, 6 + len(body) - cut, 0) + body
    face = font_registry._BulkFace.__new__(font_registry._BulkFace)
    face.table = {"cmap": {"offset": 0, "length": 12 + len(subtable)}}
    face._ttf_data = struct.pack(">HHHHL", 0, 1, 3, 1, 12) + subtable
    return face


def test_a_format_4_map_reads_the_glyph_id_array_as_reportlab_does():
    face = _format4([0, 7, 9])
    maps = font_registry._glyph_maps(face._character_map(face._ttf_data))[0]
    assert maps == {0x30: 0x35, 0x31: 0x36, 0x41: 0, 0x42: 9, 0x43: 11, 0xFFFF: 0}  # id 0 stays 0 (no glyph)
    face = _format4([3, 7, 9], cut=4)  # the array runs past the subtable's length: 0 there, as ReportLab reads it
    maps = font_registry._glyph_maps(face._character_map(face._ttf_data))[0]
    assert maps == {0x30: 0x35, 0x31: 0x36, 0x41: 5, 0x42: 0, 0x43: 0, 0xFFFF: 0}


PROBE = """
import json, sys, datetime as dt
from reportlab.pdfbase import pdfmetrics
from app.printing import Document, Para, Section, render
kind = sys.argv[1]
if kind == "official-plain":
    doc = Document(title="关于春耕用水的通知", blocks=[Para("各村民小组：三月起按片区轮灌。")], style="official",
                   date=dt.date(2026, 3, 1))
elif kind == "official-sections":
    doc = Document(title="关于春耕用水的通知", blocks=[Section("工作要求", [Section("时间安排", [Para("一月底前完成。")])])],
                   style="official")
else:
    doc = Document(title="停水通知", blocks=[Para("明天停水。")])
pdf = render(doc, fonts="bundled")
print(json.dumps({"registered": sorted(n for n in pdfmetrics.getRegisteredFontNames() if n.startswith("VD-")),
                  "used": list(pdf.fonts_used)}))
"""


@pytest.mark.parametrize("kind, parsed", [
    ("poster", ["VD-Hei"]),
    ("official-plain", ["VD-Song"]),  # no 一、 or （一） heading: neither 黑体 nor 楷体 is read
    ("official-sections", ["VD-Hei", "VD-Kai", "VD-Song"]),
])
def test_a_document_parses_only_the_fonts_it_uses(kind, parsed, tmp_path):
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "VILLAGEDESK_FONT_DIRS_ONLY": "1"}
    result = subprocess.run([sys.executable, "-c", PROBE, kind], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert data["registered"] == parsed
    assert sorted(data["used"]) == parsed


def test_reportlab_registers_our_font_when_it_first_asks_for_it():
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont("VD-Symbols")
    assert font is font_registry.register("VD-Symbols") and font.face.filename.endswith("DejaVuSans.ttf")
    with pytest.raises(KeyError):
        pdfmetrics.getFont("No-Such-Font")


def test_a_damaged_font_is_read_by_reportlab_itself_not_half_by_the_bulk_reader(tmp_path):
    """hhea says there are far more metrics than the file holds: the bulk reader gives the file to
    ReportLab's own reading, which then decides (the same refusal, in ReportLab's words, or the same
    face as ReportLab alone gives)."""
    import struct

    source = Path(font_registry.FONTS_DIR) / "DejaVuSans.ttf"
    data = bytearray(source.read_bytes())
    face = _reportlab_face(source)
    struct.pack_into(">H", data, face.get_table_pos("hhea")[0] + 34, 0xFFFF)  # numberOfHMetrics
    damaged = tmp_path / "damaged.ttf"
    damaged.write_bytes(bytes(data))

    def outcome(make):
        try:
            made = make(str(damaged))
        except Exception as exc:  # noqa: BLE001 - whatever ReportLab says
            return f"{type(exc).__name__}: {exc}"  # whose reading refused it shows in the words
        return {name: value for name, value in vars(made).items() if name not in ("_pos", "_pdfScale")}

    assert outcome(font_registry._BulkFace) == outcome(lambda p: _reportlab_face(Path(p)))
