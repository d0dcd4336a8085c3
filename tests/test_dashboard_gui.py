"""The 工作台 page offscreen: to-do items open their records by click and by Enter, the charts
show twelve months (SVG from the app layer, painted with QtSvg in the font it names, with no
plotting library loaded), the monthly report opens from its button."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import concerns, people, workbench
from db.base import local_now
from db.models.deliberation import DeliberationMatter
from db.models.meetings import Meeting

pytestmark = pytest.mark.gui
TODAY = workbench.today()
D = dt.timedelta


@pytest.fixture
def window(sign_in, village, monkeypatch):
    from ui import start_checks

    # no daily backup behind the 工作台 (it runs on a thread of its own): "no backup yet" stays true
    monkeypatch.setattr(start_checks, "_checks", lambda _database: [])
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id))
        late = concerns.raise_concern(session=session, actor=admin, title="路灯不亮", source="visit",
                                      raised_by="王大明", raised_on=TODAY - D(20), due_on=TODAY - D(2)).id
        soon = concerns.raise_concern(session=session, actor=admin, title="垃圾清运", source="visit",
                                      raised_by="王大明", raised_on=TODAY - D(20), due_on=TODAY + D(1)).id
        meeting = Meeting(title="三组坝坝会", kind="open_air", state="planned", starts_at=local_now() + D(days=2))
        matter = DeliberationMatter(title="修建村级活动室", state="in_progress", started_on=TODAY - D(3))
        session.add_all([meeting, matter])
        session.flush()
        ids = {"late": late, "soon": soon, "meeting": meeting.id, "matter": matter.id}
    return sign_in(database), ids


def dashboard(qtbot, win):
    page = win.open_area("dashboard")
    qtbot.waitUntil(lambda: page.todo_loaded and page.backup is not None, timeout=15000)
    return page


def row_of(page, record_id):
    return next(r for r in range(page.todo.count())
                if page.todo.item(r).data(Qt.ItemDataRole.UserRole).record_id == record_id)


def test_the_list_shows_what_to_do_most_urgent_first(window, gui):
    win, ids = window
    page = dashboard(gui, win)
    todo = page.todo.items()
    assert todo[0].severity == workbench.ALERT  # the overdue concern or the missing backup lead
    assert {i.record_id for i in todo} >= {ids["late"], ids["soon"], ids["meeting"], ids["matter"]}
    assert any(i.kind == "backup.none" for i in todo)
    assert "路灯不亮" in page.todo.item(row_of(page, ids["late"])).text()


def test_a_click_opens_the_concern(window, gui):
    win, ids = window
    page = dashboard(gui, win)
    item = page.todo.item(row_of(page, ids["late"]))
    rect = page.todo.visualItemRect(item)
    gui.mouseClick(page.todo.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    concerns_page = win.current_page()
    assert concerns_page.area_key == "concerns"
    gui.waitUntil(lambda: getattr(concerns_page, "dialog", None) is not None, timeout=5000)
    assert concerns_page.dialog.concern_id == ids["late"]
    gui.waitUntil(lambda: concerns_page.current_id() == ids["late"], timeout=10000)


def test_enter_opens_the_meeting_and_the_matter(window, gui):
    win, ids = window
    page = dashboard(gui, win)
    page.todo.setFocus()
    page.todo.setCurrentRow(row_of(page, ids["meeting"]))
    gui.keyClick(page.todo, Qt.Key.Key_Return)
    meetings_page = win.current_page()
    assert meetings_page.area_key == "meetings"
    gui.waitUntil(lambda: meetings_page.view is not None, timeout=5000)
    assert meetings_page.view.meeting_id == ids["meeting"]
    meetings_page.view.close()
    page = win.open_area("dashboard")
    page.todo.setCurrentRow(row_of(page, ids["matter"]))
    gui.keyClick(page.todo, Qt.Key.Key_Enter)
    matters = win.current_page()
    assert matters.area_key == "deliberation"
    gui.waitUntil(lambda: matters.current_id() == ids["matter"], timeout=10000)


def test_the_charts_show_twelve_months(window, gui):
    win, _ids = window
    page = dashboard(gui, win)
    assert page.charts is None  # not built until its tab is shown
    page.tabs.setCurrentIndex(1)
    gui.waitUntil(lambda: page.charts is not None and page.charts.series is not None, timeout=15000)
    series, charts = page.charts.series, page.charts.charts
    assert len(series.months) == 12 and series.concerns_raised[-1] + series.concerns_raised[-2] >= 2
    views = page.charts.views
    assert list(views) == ["meetings", "concerns", "mediation_cases", "volunteer_hours", "points"]
    concerns_svg = views["concerns"].svg
    assert concerns_svg == next(p.svg for p in charts.pictures if p.key == "concerns")
    months = [workbench.month_label(k, short=True) for k in series.months]
    assert [m for m in re.findall(r">([^<>]+)</text>", concerns_svg) if m in months] == months
    # one bar of the "raised" colour (its legend swatch is drawn last but two) per month with a concern
    fills = re.findall(r"<rect [^>]*fill: (rgb\([^)]*\));", concerns_svg)
    assert fills.count(fills[-3]) - 1 == sum(1 for n in series.concerns_raised if n)

    gui.waitUntil(lambda: views["concerns"].isVisible() and views["concerns"].width() > 300, timeout=5000)
    for view in views.values():  # each picture keeps its shape and fits its place
        box, drawn = view.renderer.viewBoxF(), view.picture_rect()
        assert abs(drawn.width() / drawn.height() - box.width() / box.height()) < 0.01
        assert drawn.width() <= view.width() + 0.5 and drawn.height() <= view.height() + 0.5
        assert max(drawn.width() / view.width(), drawn.height() / view.height()) > 0.99  # as large as it fits
    image = views["concerns"].grab().toImage()
    colours = [image.pixelColor(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)]
    blue = sum(1 for c in colours if abs(c.red() - 0x00) + abs(c.green() - 0x72) + abs(c.blue() - 0xB2) < 30)
    dark = sum(1 for c in colours if c.red() + c.green() + c.blue() < 200)
    assert blue > 150  # the bars (the legend's swatch alone is some 16 of these sampled pixels)
    assert dark > 100  # axes and labels
    assert page.charts.window().width() <= 1366


def _render(svg: str):
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(400, 240, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter)
    painter.end()
    return image


def test_the_charts_text_is_drawn_in_the_font_the_svg_names(gui):
    """The SVG's font-family is a family Qt has once the charts tab registered the bundled
    文泉驿微米黑, and QtSvg really draws with it: the same picture naming a family that does not
    exist comes out different (Qt's default face: boxes for Chinese on a PC without CJK fonts)."""
    from PySide6.QtGui import QFontDatabase

    from app.printing import Chart, ChartSeries
    from app.printing.charts import chart_svg
    from ui.dashboard_charts import register_chart_font

    register_chart_font()
    svg = chart_svg(Chart(categories=["11月"], caption="办结率 100%", series=[ChartSeries("受理", [1])]),
                    width=200, height=120)
    named = set(re.findall(r"font-family: '([^']+)';", svg))
    assert len(named) == 1 and QFontDatabase.hasFamily(next(iter(named)))
    family = next(iter(named))
    drawn = _render(svg)
    assert drawn != _render(svg.replace(family, "No Such Family"))
    assert drawn == _render(svg.replace(f"'{family}'", family))  # the quotes are not part of the name


NO_PLOTTING = r"""
import sys, time
from pathlib import Path
from ui.app import create_application
app = create_application([])
from ui import start_checks
start_checks._checks = lambda _database: []
from ui.main_window import MainWindow
from ui.ops import shutdown_worker

def spin(condition):
    end = time.monotonic() + 60
    while not condition():
        app.processEvents()
        time.sleep(0.002)
        if time.monotonic() > end:
            raise SystemExit("the window did not answer")

window = MainWindow(Path(sys.argv[1]))
window.resize(1366, 768)
window.show()
window.start()
login = window.start_panel.login
spin(lambda: window.start_panel.current_card is login)
login.username.setText("admin")
login.password.setText("secret-pass")
login.submit()
spin(lambda: window.workspace is not None)
page = window.open_area("dashboard")
page.tabs.setCurrentIndex(1)
spin(lambda: page.charts is not None and page.charts.series is not None)
page.charts.grab()
print("HEAVY", sorted(m for m in sys.modules if m.split(".")[0] in {"numpy", "pyqtgraph", "OpenGL"}
                      or m.startswith("PySide6.QtOpenGL")))
print("DRAWN", "ui.pages.dashboard" in sys.modules and "PySide6.QtSvg" in sys.modules and len(page.charts.views))
window.close()
shutdown_worker()
"""


def test_showing_the_charts_loads_no_plotting_library(village, tmp_path):
    """The 工作台 and its charts tab, shown in a fresh process (other tests' imports do not count),
    bring in neither numpy, pyqtgraph nor QtOpenGL: the built program need not carry them."""
    database, _admin = village
    database.dispose()
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VILLAGEDESK_HOME=str(tmp_path / "home"), PYTHONPATH=str(root))
    result = subprocess.run([sys.executable, "-c", NO_PLOTTING, str(database.path)], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300)
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if line.startswith(("HEAVY", "DRAWN")))
    assert lines.get("DRAWN") == "5", result.stdout + result.stderr[-3000:]
    assert lines["HEAVY"] == "[]"


def test_the_monthly_report_button_opens_the_report(window, gui):
    win, _ids = window
    page = dashboard(gui, win)
    assert page.print_button.isEnabled()
    gui.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.dialog is not None, timeout=5000)
    assert page.dialog.kind == "monthly-report"
    page.dialog.close()
