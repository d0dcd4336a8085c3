"""Issue 13, the GUI gaps: points proposed from volunteer service and from meeting attendance
(待审核), volunteer hours corrected by a reversal, and meeting pickers that reach any held meeting,
not only the newest fifty."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import meetings, points, volunteers
from db.models.volunteers import VolunteerHours

from test_meetings_support import at, populate
from test_points_gui import settle

pytestmark = pytest.mark.gui

DAY = dt.date(2025, 6, 14)


@pytest.fixture
def world(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        rule = points.add_rule(session=session, actor=admin, category="service", description="参加志愿服务一次",
                               points=2)
        team = volunteers.add_team(session=session, actor=admin, name="党员志愿服务队", kind="party")
        act = volunteers.add_activity(session=session, actor=admin, team_id=team.id, kind="micro_activity",
                                      title="清扫村道", starts_at=at(DAY, 8), ends_at=at(DAY, 11))
        served = volunteers.assign(session=session, actor=admin, activity_id=act.id, resident_id=pop.residents[1].id)
        volunteers.record_completion(session=session, actor=admin, assignment_id=served.id)
        # an old meeting, then sixty newer ones: the old one is reached by searching
        old_day = dt.date(2020, 3, 5)
        old = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="书记坝坝会（老）",
                                    starts_at=at(old_day), attendance_mode="roster")
        rows = meetings.attendance(session=session, actor=admin, meeting_id=old.id)
        present = [r.id for r in rows if r.expected][:3]
        meetings.sign_in(session=session, actor=admin, meeting_id=old.id, attendance_ids=present)
        meetings.mark_held(session=session, actor=admin, meeting_id=old.id, held_on=old_day)
        for n in range(60):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=n)
            m = meetings.plan_meeting(session=session, actor=admin, kind=meetings.EVENING_TALK,
                                      title=f"夜话会 {n}", starts_at=at(day))
            meetings.mark_held(session=session, actor=admin, meeting_id=m.id, held_on=day)
    households_present = {r.household_id for r in rows if r.id in present and r.household_id} or None
    return database, admin, pop, rule, served, old, households_present


def approvals(gui, win):
    page = win.open_area("points")
    settle(gui)
    page.tabs.setCurrentWidget(page.approvals)
    settle(gui)
    return page.approvals


def pending(database, admin):
    with database.session() as session:
        return points.proposals(session=session, actor=admin)


def propose_service_of(gui, tab, day) -> None:
    tab.from_service_button.click()
    dialog = tab.page.dialog
    gui.waitUntil(lambda: dialog.rule.count() == 1, timeout=5000)
    dialog.start.setDate(day)
    dialog.end.setDate(day)
    with gui.waitSignal(dialog.saved, timeout=5000):
        dialog.submit()
    settle(gui)


def test_points_are_proposed_from_volunteer_service(sign_in, world, gui):
    database, admin, pop, rule, served, *_rest = world
    tab = approvals(gui, sign_in(database))
    assert tab.from_service_button.isEnabled()
    propose_service_of(gui, tab, DAY)
    made = pending(database, admin)
    assert [(p.household_id, p.points, p.source) for p in made] == [(pop.residents[1].household_id, 2, "volunteer")]
    gui.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert "1" in tab.message.text()
    # the same service is not proposed twice
    propose_service_of(gui, tab, DAY)
    assert len(pending(database, admin)) == 1


def test_a_meeting_older_than_the_newest_sixty_is_found_and_proposes_points(sign_in, world, gui):
    database, admin, pop, rule, served, old, households_present = world
    tab = approvals(gui, sign_in(database))
    tab.from_meeting_button.click()
    dialog = tab.page.dialog
    picker = dialog.meeting
    gui.waitUntil(lambda: picker.results.count() == 20, timeout=5000)  # the newest, listed at once
    listed = [picker.results.item(i).data(Qt.ItemDataRole.UserRole).id for i in range(picker.results.count())]
    assert old.id not in listed
    gui.keyClicks(picker.edit, "2020-03")
    gui.waitUntil(lambda: picker.results.count() == 1, timeout=5000)
    gui.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.choice.id == old.id
    gui.waitUntil(lambda: dialog.rule.count() == 1, timeout=5000)
    with gui.waitSignal(dialog.saved, timeout=5000):
        dialog.submit()
    settle(gui)
    made = pending(database, admin)
    assert made and {p.source for p in made} == {"meeting"}
    assert {p.household_id for p in made} == households_present


def test_a_meeting_must_be_chosen(sign_in, world, gui):
    database, admin, *_rest = world
    tab = approvals(gui, sign_in(database))
    tab.from_meeting_button.click()
    dialog = tab.page.dialog
    gui.waitUntil(lambda: dialog.rule.count() == 1, timeout=5000)
    dialog.submit()
    settle(gui)
    assert dialog.isVisible()
    assert pending(database, admin) == []


def test_hours_are_corrected_from_the_activities_tab(sign_in, world, gui):
    database, admin, pop, rule, served, *_rest = world
    win = sign_in(database)
    page = win.open_area("volunteers")
    settle(gui)
    tab = page.activities
    gui.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    tab.table.selectRow(0)
    gui.waitUntil(lambda: tab.assignment_model.rowCount() == 1, timeout=5000)
    tab.assignments.selectRow(0)
    gui.waitUntil(lambda: tab.correct_button.isEnabled(), timeout=5000)
    assert not tab.complete_button.isEnabled()  # already completed
    tab.correct_button.click()
    dialog = page.dialog
    assert dialog.minutes.value() == 180
    dialog.minutes.setValue(120)
    dialog.submit()  # no reason: refused, nothing written
    settle(gui)
    assert dialog.isVisible()
    dialog.reason.setText("实际提前一小时结束")
    with gui.waitSignal(dialog.saved, timeout=5000):
        dialog.submit()
    settle(gui)
    with database.session() as session:
        rows = session.exec(VolunteerHours.__table__.select().where(
            VolunteerHours.assignment_id == served.id)).all()
    assert sorted(r.minutes for r in rows) == [-180, 120, 180]
    assert all(r.note == "实际提前一小时结束" for r in rows if r.minutes != 180)
