"""The 工作台 page offscreen: to-do items open their records by click and by Enter, the charts
show twelve months, the monthly report opens from its button."""
from __future__ import annotations

import datetime as dt

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
    series = page.charts.series
    assert len(series.months) == 12 and series.concerns_raised[-1] + series.concerns_raised[-2] >= 2
    assert set(page.charts.plots) == {"meetings", "concerns", "closure_rate", "mediation_cases", "volunteer_hours",
                                      "points"}
    ticks = page.charts.plots["concerns"].getAxis("bottom")._tickLevels[0]
    assert len(ticks) == 12 and ticks[-1][1] == workbench.month_label(series.months[-1], short=True)
    bars = [i for i in page.charts.plots["concerns"].items if type(i).__name__ == "BarGraphItem"]
    assert len(bars) == 2 and list(bars[0].opts["height"]) == series.concerns_raised


def test_the_monthly_report_button_opens_the_report(window, gui):
    win, _ids = window
    page = dashboard(gui, win)
    assert page.print_button.isEnabled()
    gui.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.dialog is not None, timeout=5000)
    assert page.dialog.kind == "monthly-report"
    page.dialog.close()
