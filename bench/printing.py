"""Printing: one-page poster warm render (≤ 300 ms) and file size (≤ 300 KB), a 500-row roster
(≤ 3 s), a 9,500-row roster side by side with plain ReportLab laying out the same rows in the same
font as page-sized tables (ratio ≤ 3); with the large demo database also a real notice and the
whole village's roster.

    .venv/bin/python -m bench --only printing      # with the large demo
    .venv/bin/python bench/printing.py             # the synthetic figures alone
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BODY = ("根据《社会救助暂行办法》和低保工作有关规定，经本人申请、入户调查、村民代表会议民主评议，"
        "现将2026年第一批城乡低保拟纳入对象名单予以公示。公示期间，村民如有异议，可以书面或当面形式"
        "向村务监督委员会反映。")


def _poster():
    from app.printing import Column, Document, Para, Table

    table = Table(columns=[Column("name", "姓名", "name"), Column("group", "所在小组"),
                          Column("phone", "联系电话", "phone"), Column("amount", "月保障金（元）", align="right")],
                  rows=[[f"张*{i}", f"{i % 6 + 1}组", f"138****{1000 + i}", str(400 + 20 * i)] for i in range(6)],
                  numbered=True)
    return Document(title="关于2026年第一批城乡低保拟纳入对象的公示", number="青石村务〔2026〕7号",
                    blocks=[Para(BODY), table, Para("公示期：2026年1月5日至2026年1月11日（共7天）。"),
                            Para("监督电话：028-84851234", verbatim=True)],
                    signature=["青石村民委员会"], date=dt.date(2026, 1, 5), seal=True, public=True)


def _roster(rows: int = 500):
    from app.printing import Column
    from app.printing.templates import roster

    data = [[f"村民{i:04d}", "男" if i % 2 else "女", f"5101121980{i % 12 + 1:02d}{i % 28 + 1:02d}{i:04d}"[:18],
             f"139{i:08d}", f"{i % 6 + 1}组", "是" if i % 9 == 0 else ""] for i in range(1, rows + 1)]
    return roster(title="青石村村民花名册", columns=[
        Column("name", "姓名", "name"), Column("gender", "性别", align="center"),
        Column("id", "公民身份号码", "id_number"), Column("phone", "联系电话", "phone"),
        Column("group", "小组"), Column("party", "党员", align="center")], rows=data)


def _plain_reportlab(rows: list[list[str]], header: list[str]) -> bytes:
    """The same rows laid out by plain ReportLab as page-sized tables with fixed column widths
    and row heights, in the same font and size as our roster (the yardstick of issue 9)."""
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from app.printing import fonts as font_registry

    font_registry.register("VD-Hei")
    size = 11.0
    page = landscape(A4)
    margin = 18 * mm
    frame_h = page[1] - 2 * margin - 6 * mm
    row_h = size * 1.3 + 1.4 * size * 0.35
    per_page = int(frame_h // row_h) - 2
    width = (page[0] - 2 * margin) / len(header)
    style = TableStyle([("FONT", (0, 0), (-1, -1), "VD-Hei", size), ("GRID", (0, 0), (-1, -1), 0.6, (0, 0, 0))])
    story = []
    for start in range(0, len(rows), per_page):
        chunk = [header] + rows[start:start + per_page]
        table = Table(chunk, colWidths=[width] * len(header), rowHeights=[row_h] * len(chunk))
        table.setStyle(style)
        story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                      bottomMargin=margin + 6 * mm, invariant=1).build(story)
    return buffer.getvalue()


def compare_roster(rows: int = 9500) -> dict[str, float]:
    """Our whole-village roster against plain ReportLab, side by side in one run."""
    import io

    from pypdf import PdfReader

    from app.printing import render

    document = _roster(rows)
    document.landscape = True  # like the village roster
    table = document.blocks[0]
    header = ["序号"] + [c.header for c in table.columns]
    plain_rows = [[str(i)] + r for i, r in enumerate(table.rows, start=1)]
    render(_roster(50))  # fonts registered and warm for both
    _plain_reportlab(plain_rows[:50], header)
    ours_s, ours = _timed(lambda: render(document))
    plain_s, plain = _timed(lambda: _plain_reportlab(plain_rows, header))
    return {
        f"roster_{rows}_ours_s": round(ours_s, 2),
        f"roster_{rows}_ours_pages": len(PdfReader(io.BytesIO(ours)).pages),
        f"roster_{rows}_plain_reportlab_s": round(plain_s, 2),
        f"roster_{rows}_plain_reportlab_pages": len(PdfReader(io.BytesIO(plain)).pages),
        f"roster_{rows}_ratio": round(ours_s / plain_s, 2),  # goal ≤ 3
    }


def _timed(func) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def run(db_path: Path | None = None, actor: Any = None) -> dict[str, float]:
    from pypdf import PdfReader

    from app.printing import render

    poster = _poster()
    cold, data = _timed(lambda: render(poster))
    warm = [_timed(lambda: render(poster))[0] for _ in range(9)]
    roster_doc = _roster(500)
    roster_times = []
    for _ in range(3):
        seconds, roster_pdf = _timed(lambda: render(roster_doc))
        roster_times.append(seconds)
    import io

    result: dict[str, float] = {
        "poster_cold_ms": round(cold * 1000, 1),
        "poster_warm_ms": round(statistics.median(warm) * 1000, 1),  # budget 300
        "poster_kb": round(len(data) / 1024, 1),  # budget 300
        "roster_500_s": round(statistics.median(roster_times), 2),  # budget 3
        "roster_500_pages": len(PdfReader(io.BytesIO(roster_pdf)).pages),
        "roster_500_kb": round(len(roster_pdf) / 1024, 1),
    }
    result.update(compare_roster(9500))
    if db_path is not None and actor is not None:
        from app.printing import print_kind
        from db.engine import Database

        database = Database(db_path)
        try:
            with database.session() as session:
                try:
                    seconds, pdf = _timed(lambda: print_kind("notice", session=session, actor=actor, ident="latest"))
                    result["demo_notice_ms"] = round(seconds * 1000, 1)
                    result["demo_notice_kb"] = round(len(pdf) / 1024, 1)
                except Exception:  # no notices in an old demo database
                    pass
                seconds, pdf = _timed(lambda: print_kind("resident_roster", session=session, actor=actor, ident="all"))
                result["village_roster_s"] = round(seconds, 2)
                result["village_roster_pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
        finally:
            database.dispose()
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for key, value in run().items():
        print(f"{key}\t{value}")
