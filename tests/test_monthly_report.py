"""月报 (issue 14, part 3): the dashboard's figures as one A4 page, read back from the PDF and looked at."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from app import concerns, i18n, people, workbench
from app.auth import CLERK, SHOP, Actor
from app.errors import NotFound, PermissionDenied
from app.printing import print_kind
from db.base import local_now
from db.models.meetings import Meeting

ROOT = Path(__file__).resolve().parent.parent
TODAY = workbench.today()


def actor(role: str) -> Actor:
    return Actor(user_id="", username=f"u-{role}", display_name=role, role=role)


def squeezed(path) -> str:
    import pdftools

    return "".join(pdftools.text(path).split())


@pytest.fixture
def world(village):
    """This month: 3 concerns raised (1 closed), 2 open-air meetings and 1 two-committees meeting held."""
    database, admin = village
    zone = local_now().tzinfo
    first = TODAY.replace(day=1)
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id))
        ids = [concerns.raise_concern(session=session, actor=admin, title=f"诉求{n}", source="visit",
                                      raised_by="王大明", raised_on=first).id for n in range(3)]
        concerns.close_concern(session=session, actor=admin, concern_id=ids[0], resolution="已解决", closed_on=first)
        for kind in ("open_air", "open_air", "two_committees"):
            session.add(Meeting(title="会议", kind=kind, state="held", held_on=first,
                                starts_at=dt.datetime.combine(first, dt.time(19), tzinfo=zone)))
    return database, admin


def test_the_report_says_the_months_figures_on_one_page(world, tmp_path):
    import pdftools

    database, _admin = world
    month = f"{TODAY.year:04d}-{TODAY.month:02d}"
    with database.unit(actor(CLERK)) as session:
        data = print_kind("monthly-report", session=session, actor=actor(CLERK), ident=month, out=tmp_path / "r.pdf")
    assert data.pages == 1 and len(pdftools.page_texts(tmp_path / "r.pdf")) == 1
    text = squeezed(tmp_path / "r.pdf")
    assert f"青石村{TODAY.year}年{TODAY.month}月工作月报" in text
    # the table: meetings held 3, concerns raised 3 and closed 1 (this month and the twelve months), 办结率 33.3%
    assert "已召开会议33" in text and "群众反映的诉求33" in text and "已办结诉求11" in text
    assert "办结率33.3%33.3%" in text
    # the charts: their titles, the kinds in the legend, twelve month labels ending with this one
    assert "各类会议召开次数" in text and "坝坝会" in text and "两委会" in text
    assert "群众诉求受理与办结情况及办结率" in text
    assert text.count(f"{TODAY.month}月") >= 2
    fonts = pdftools.fonts(tmp_path / "r.pdf")
    assert fonts and all(f["embedded"] for f in fonts)


def test_the_page_shows_the_bars(world, tmp_path):
    """Looked at: the bars of this month are drawn in the chart colours, in the lower half of the page."""
    import pdftools
    from PIL import Image

    database, admin = world
    month = f"{TODAY.year:04d}-{TODAY.month:02d}"
    with database.unit(admin) as session:
        print_kind("monthly-report", session=session, actor=admin, ident=month, out=tmp_path / "r.pdf")
    [png] = pdftools.render_png(tmp_path / "r.pdf", tmp_path, 72)
    image = Image.open(png).convert("RGB")
    width, height = image.size
    lower = image.crop((0, height // 3, width, height))
    colours = {colour for _count, colour in lower.getcolors(1_000_000)}

    def near(hex_colour: str) -> bool:
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return any(abs(r - c[0]) + abs(g - c[1]) + abs(b - c[2]) < 12 for c in colours)

    from app.printing.charts import PALETTE, RATE_COLOUR

    assert near(PALETTE[0]) and near(PALETTE[1]) and near(RATE_COLOUR)
    # the right third of the lower half holds this month's bars: coloured, not only white and grey
    right = image.crop((int(width * 0.72), height // 3, int(width * 0.88), int(height * 0.85)))
    assert any(max(c) - min(c) > 80 for _n, c in right.getcolors(1_000_000))


def test_english_latest_and_refusals(world, tmp_path):
    database, admin = world
    i18n.set_language("en")
    with database.unit(admin) as session:
        print_kind("monthly-report", session=session, actor=admin, ident="latest", out=tmp_path / "en.pdf")
        with pytest.raises(NotFound):
            print_kind("monthly-report", session=session, actor=admin, ident="2026-13", out=tmp_path / "x.pdf")
        with pytest.raises(PermissionDenied):
            print_kind("monthly-report", session=session, actor=actor(SHOP), ident="latest", out=tmp_path / "x.pdf")
    last = workbench.month_of("latest")
    text = squeezed(tmp_path / "en.pdf")
    assert "monthlyreport" in text and f"{last:%B}{last.year}" in text
    assert "Meetingsheld,bykind" in text


def test_the_command_line_prints_a_month(tmp_path):
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "VILLAGEDESK_LANG": "zh_CN",
           "VILLAGEDESK_PASSWORD": "secret-pass"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True,
                              env=env, stdin=subprocess.DEVNULL, timeout=300)

    db = str(tmp_path / "v.sqlite3")
    assert run("init", "--db", db, "--village-name", "青石村", "--village-code", "510112104201",
               "--township", "龙泉镇", "--admin", "admin").returncode == 0
    result = run("print", "monthly-report", "--db", db, "--month", "2026-11", "--out", str(tmp_path / "m.pdf"))
    assert result.returncode == 0, result.stderr
    assert "青石村2026年11月工作月报" in squeezed(tmp_path / "m.pdf")
    listed = run("print", "--list", "--db", db)
    assert any(line.startswith("monthly-report\tprivate") for line in listed.stdout.splitlines())


def test_a_chart_block_keeps_through_the_json_form_and_shrinks_to_stay_on_the_page():
    from app.printing import Chart, ChartSeries, Document, Para, render
    from app.printing.model import Document as Model

    chart = Chart(categories=["1月", "2月"], caption="图", height=60, min_height=30,
                  series=[ChartSeries("受理", [1, 2]), ChartSeries("办结率", [None, 0.5], kind="rate")])
    document = Document(title="测试", style="official", blocks=[chart])
    assert Model.from_dict(document.to_dict()) == document
    # seventeen lines of text under the title leave about two lines: a fixed 60 mm chart goes over, one that may shrink stays
    filler = [Para("一行文字。") for _ in range(17)]
    fixed = Document(title="测试", style="official", blocks=filler + [Chart(**{**chart.__dict__, "min_height": 0})])
    shrinking = Document(title="测试", style="official", blocks=filler + [Chart(**{**chart.__dict__, "min_height": 12})])
    assert render(fixed).pages == 2 and render(shrinking).pages == 1


@pytest.mark.parametrize("language, words", [("zh_CN", "这几个月没有记录"), ("en", "Nothing recorded in these months")])
def test_a_chart_with_nothing_in_it_says_so_on_screen_and_paper(language, words):
    from app import i18n
    from app.printing import Chart, ChartSeries
    from app.printing.charts import chart_svg

    months = [f"{m}月" for m in range(1, 13)]
    empty = Chart(categories=months, series=[ChartSeries("调解", [0] * 12), ChartSeries("办结率", [None] * 12, "rate")])
    some = Chart(categories=months, series=[ChartSeries("调解", [0] * 11 + [2]), ChartSeries("办结率", [None] * 12, "rate")])
    i18n.set_language(language)
    try:
        assert words in chart_svg(empty, width=360, height=236, size=12)
        assert words not in chart_svg(some, width=360, height=236, size=12)
    finally:
        i18n.set_language("zh_CN")
