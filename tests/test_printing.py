"""Rendering: page geometry per style, embedded subset fonts, pagination, text, determinism."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from pypdf import PdfReader

from app.printing import Column, Document, ItemList, Para, Section, Table, render
from app.printing import fonts as font_registry
from app.printing.linebreak import check_lines
from app.printing.templates import roster

import pdftools

MM = 72 / 25.4
BODY = ("为进一步加强村务公开，保障村民的知情权、参与权、表达权和监督权，根据《中华人民共和国村民委员会组织法》"
        "和上级有关要求，经村“两委”会议研究，现将有关情况公示如下：联系电话028-84851234，"
        "公示时间自2026年1月5日起（共7天）。请各位村民相互转告！")

def write(tmp_path: Path, data: bytes, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def official_document(paragraphs: int = 6) -> Document:
    return Document(title="青石村民委员会关于村道维护的决定", number="青石村委〔2026〕3号", addressee="各村民小组：",
                    blocks=[Para(BODY) for _ in range(paragraphs)] + [
                        Section("工作要求", [Para("各小组要认真组织实施。"), Section("时间安排", [Para("一月底前完成。")])]),
                        ItemList(["第一项", "第二项"], ordered=True)],
                    signature=["青石村民委员会"], date=dt.date(2026, 1, 5), seal=True, style="official")


def test_official_page_geometry_follows_gb_t_9704(tmp_path):
    path = write(tmp_path, render(official_document(), fonts="bundled"))
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    left, right = 28 * MM, (28 + 156) * MM
    top, bottom = 37 * MM, (37 + 225) * MM
    page_numbers = []
    for word in pdftools.words(path):
        if re.fullmatch(r"—|\d+", word.text) and word.y0 > bottom:
            page_numbers.append(word)
            continue
        assert word.x0 >= left - 1 and word.x1 <= right + 1.5, word
        assert word.y0 >= top - 2 and word.y1 <= bottom + 2, word
    # "— 1 —" 4号 below the text block: odd pages at the right, even pages at the left
    first = [w for w in page_numbers if w.page_index == 0]
    second = [w for w in page_numbers if w.page_index == 1]
    assert first and second
    assert min(w.x0 for w in first) > 150 * MM and max(w.x1 for w in first) <= right
    assert max(w.x1 for w in second) < 60 * MM and min(w.x0 for w in second) >= left
    assert all(bottom + 5 * MM < w.y0 < bottom + 14 * MM for w in page_numbers)
    text = pdftools.text(path)
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    last_page = text.split("\f")[-2]
    assert "青石村民委员会" in last_page and "第二项" in last_page  # the 落款 is not alone on its page


def test_official_body_sits_on_a_grid_of_28_characters_and_22_lines(tmp_path):
    cjk = "村民委员会议事决定公开财务党支部通知低保救助道路硬化集体经济合作社" * 40
    doc = Document(title="标题", blocks=[Para(cjk, indent=False)], style="official")
    path = write(tmp_path, render(doc, fonts="bundled"))
    text = pdftools.text(path)
    body_lines = [ln for ln in text.splitlines() if len(ln) > 10]
    assert {len(ln) for ln in body_lines[:-1]} == {28}
    # the second page is body only: exactly 22 lines fill it
    rows = {round(w.y0) for w in pdftools.words(path) if w.page_index == 1 and not re.fullmatch(r"—|\d+", w.text)}
    assert len(rows) == 22


def test_poster_sizes_and_orientation(tmp_path):
    doc = Document(title="停水通知", blocks=[Para(BODY)], signature=["青石村民委员会"], date=dt.date(2026, 3, 1))
    for paper, landscape, size in (("A4", False, (595, 842)), ("A3", False, (842, 1191)), ("A3", True, (1191, 842)),
                                   ("A4", True, (842, 595))):
        reader = PdfReader(io.BytesIO(render(doc, paper=paper, landscape=landscape)))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


def test_poster_type_is_large_enough_to_read_from_two_metres(tmp_path):
    doc = Document(title="停水通知", blocks=[Para("明天停水。")])
    path = write(tmp_path, render(doc))
    heights = {w.text: w.y1 - w.y0 for w in pdftools.words(path)}
    assert heights["停水通知"] >= 40 * 0.9 and heights["明天停水。"] >= 22 * 0.9  # points; 22 pt ≈ 7.8 mm glyphs


def test_every_font_is_embedded_and_subset(tmp_path):
    path = write(tmp_path, render(official_document(2), fonts="bundled"))
    poster = write(tmp_path, render(roster(title="名册", columns=[Column("n", "姓名")], rows=[["张三"]])), "p.pdf")
    for pdf in (path, poster):
        used = pdftools.fonts(pdf)
        assert used
        for font in used:
            assert font["embedded"] and font["subset"], font
            assert re.match(r"[A-Z]{6}\+", font["name"]), font  # subset prefix


def test_rendering_is_deterministic():
    doc = official_document(1)
    assert render(doc, fonts="bundled") == render(doc, fonts="bundled")


def test_lines_in_the_pdf_keep_the_punctuation_rules(tmp_path):
    text = ("村民代表会议于2026年3月15日召开，会议审议了《青石村村规民约（修订稿）》、《村道维护方案》，"
            "与会代表一致同意：“实行‘一事一议’，由村民自愿筹资筹劳。”联系人：王主任（13812345678）。") * 8
    for style in ("official", "poster"):
        path = write(tmp_path, render(Document(title="纪要", blocks=[Para(text)], style=style), fonts="bundled"))
        lines = [ln for ln in pdftools.text(path).splitlines()
                 if ln.strip() and ln.strip() != "纪要" and not re.fullmatch(r"—\s*\d+\s*—|第.*页", ln.strip())]
        assert len(lines) > 8
        assert check_lines(lines) == []
        joined = "\n".join(lines)
        assert joined.count("2026年3月15日") == 8 and joined.count("13812345678") == 8


def test_a_500_row_roster_paginates_with_repeated_headers(tmp_path):
    rows = [[f"村民{i:03d}", "男" if i % 2 else "女", f"{i % 6 + 1}组", f"青石村{i % 6 + 1}组{i}号"] for i in range(1, 501)]
    doc = roster(title="青石村村民花名册", columns=[Column("name", "姓名"), Column("g", "性别", align="center"),
                                                 Column("group", "小组"), Column("addr", "住址")], rows=rows)
    path = write(tmp_path, render(doc))
    reader = PdfReader(path)
    total = len(reader.pages)
    assert total > 5
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "姓名" in text and "住址" in text, number  # the header row on every page
        assert f"第 {number} 页 共 {total} 页" in text
    everything = pdftools.text(path)
    assert all(f"村民{i:03d}" in everything for i in range(1, 501))


def test_pages_render_to_png(tmp_path):
    doc = official_document(2)
    doc.watermark = "草稿"
    path = write(tmp_path, render(doc, fonts="bundled"))
    pdftools.render_png(path, tmp_path, 40)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(PdfReader(path).pages)
    assert all(p.stat().st_size > 3000 for p in pngs)
    # the watermark, drawn rotated on every page (read in drawing order: poppler's reading order
    # interleaves a rotated word with the lines it crosses)
    assert all("草稿" in re.sub(r"\s", "", page.extract_text()) for page in PdfReader(path).pages)


def test_a_character_missing_from_the_poster_font_comes_from_the_fallback(tmp_path):
    rare = "㑇"
    assert not font_registry.has_glyph("VD-Hei", rare) and font_registry.has_glyph("VD-Kai", rare)
    doc = Document(title="名单", blocks=[Para(f"王{rare}同志"),
                                        Table(columns=[Column("n", "姓名")], rows=[[f"王{rare}"]])])
    path = write(tmp_path, render(doc))
    assert pdftools.text(path).count(f"王{rare}") == 2
    assert any("VillageDeskKai" in font["name"] for font in pdftools.fonts(path))


def test_windows_fonts_are_offered_for_the_official_style(tmp_path, monkeypatch):
    folder = tmp_path / "Fonts"
    folder.mkdir()
    bundled = Path(font_registry.FONTS_DIR)
    for name, source in (("simfang.ttf", "VillageDeskKai.ttf"), ("simkai.ttf", "VillageDeskKai.ttf"),
                         ("simhei.ttf", "wqy-microhei.ttc"), ("simsun.ttc", "wqy-microhei.ttc")):
        (folder / name).symlink_to(bundled / source)
    monkeypatch.delenv("WINDIR", raising=False)
    assert font_registry.font_set("official").name == "official-bundled"
    monkeypatch.setenv("VILLAGEDESK_FONT_DIRS", str(folder))
    assert font_registry.windows_fonts_available()
    assert font_registry.font_set("official").name == "official-windows"
    assert font_registry.font_set("official", "bundled").name == "official-bundled"
    assert font_registry.font_set("poster").name == "poster"
    pdf = render(official_document(1))
    assert "青石村民委员会" in pdftools.text(write(tmp_path, pdf))


def test_document_round_trips_through_json():
    doc = official_document(1)
    doc.blocks.append(Table(columns=[Column("n", "姓名", "name")], rows=[["张三"]], caption="名单"))
    assert Document.from_dict(doc.to_dict()) == doc


def test_renders_on_several_threads_at_once_do_not_corrupt_each_other():
    """The GUI renders on a worker thread while a database operation renders a preview: ReportLab's
    font subsetter shares one file cursor per face, so unserialised renders lose glyphs."""
    import random
    import threading

    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]

    def text(seed: int) -> Document:
        pick = random.Random(seed)
        return Document(title="公告", blocks=[Para("".join(pick.choice(chars) for _ in range(400)))])

    seeds = [[thread * 10 + k for k in range(3)] for thread in range(3)]
    results: dict[int, bytes] = {}
    errors: list[str] = []

    def worker(batch: list[int]) -> None:
        for seed in batch:
            try:
                results[seed] = bytes(render(text(seed)))
            except Exception as error:  # noqa: BLE001 - the test reports every failure
                errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(batch,)) for batch in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for seed in (0, 21):  # and each is the document a lone render makes
        assert results[seed] == bytes(render(text(seed)))
