"""Tabs built the first time they are opened (issue 16): ui/widgets.py LazyTabs, used by the points
and volunteers pages. A page opens with its first tab built; each other tab is built when chosen
(or asked for), takes its stand-in's place, is translated and read, and gets the focus as a tab
built before would."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTabWidget, QVBoxLayout, QWidget

from app import i18n, points
from test_meetings_support import populate
from ui.ops import worker
from ui.pages.points import ApprovalsTab, CounterTab, LedgerTab, PassbookTab, RulesTab
from ui.pages.volunteers import ActivitiesTab, HoursTab, TeamsTab
from ui.widgets import LazyTabs

pytestmark = pytest.mark.gui


class Tab(QWidget):
    made = 0

    def __init__(self, name: str):
        super().__init__()
        Tab.made += 1
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(name))
        self.edit = QLineEdit()
        layout.addWidget(self.edit)


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        worker().wait_idle()
        QApplication.processEvents()
    qtbot.wait(20)


def test_a_tab_is_built_when_chosen_and_takes_its_stand_ins_place(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    tabs = QTabWidget(window)
    lazy = LazyTabs(tabs)
    Tab.made = 0
    lazy.add(lambda: Tab("first"), now=True)
    lazy.add(lambda: Tab("second"))
    lazy.add(lambda: Tab("third"))
    for index, text in enumerate(("A", "B", "C")):
        tabs.setTabText(index, text)
    tabs.setTabToolTip(2, "the third")
    tabs.setTabEnabled(1, False)
    seen = []
    tabs.currentChanged.connect(lambda index: seen.append(tabs.widget(index)))
    window.show()
    qtbot.waitExposed(window)
    assert Tab.made == 1 and lazy.built() == [tabs.widget(0)] and not isinstance(tabs.widget(2), Tab)

    tabs.widget(0).edit.setFocus()
    tabs.setCurrentIndex(2)
    third = tabs.widget(2)
    assert Tab.made == 2 and isinstance(third, Tab) and seen == [third]  # the slots after it see the tab built
    assert tabs.currentWidget() is third and third.isVisible() and tabs.count() == 3
    assert [tabs.tabText(i) for i in range(3)] == ["A", "B", "C"] and tabs.tabToolTip(2) == "the third"
    assert not tabs.isTabEnabled(1) and tabs.isTabEnabled(2)
    assert window.focusWidget() is third.edit  # the focus was on the tab before: it moves in

    second = lazy.widget(1)  # asked for (a page's property): built, not shown
    assert isinstance(second, Tab) and tabs.widget(1) is second and tabs.currentWidget() is third
    assert lazy.widget(1) is second and Tab.made == 3  # built once
    assert lazy.built() == [tabs.widget(0), second, third]


@pytest.fixture
def shop(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        tidy = points.add_rule(session=session, actor=admin, category="environment", description="庭院整洁", points=5)
        points.record_entry(session=session, actor=admin, household_id=pop.households[2].id, rule_id=tidy.id,
                            note="巡查")
    return database, admin


def test_the_points_page_opens_with_the_counter_alone_and_builds_a_tab_when_it_is_chosen(sign_in, shop, qtbot):
    database, _admin = shop
    window = sign_in(database)
    page = window.open_area("points")
    settle(qtbot)
    assert [type(tab) for tab in page.lazy_tabs.built()] == [CounterTab]
    assert not page.findChildren(LedgerTab) and not page.findChildren(RulesTab)

    page.counter.picker.edit.setFocus()
    page.tabs.setCurrentIndex(1)
    settle(qtbot)
    ledger = page.tabs.currentWidget()
    assert isinstance(ledger, LedgerTab) and page.ledger is ledger
    assert ledger.record_button.text() == "记录"  # translated when built
    assert ledger.model.rowCount() == 1  # read when shown, as before
    assert QApplication.focusWidget() is ledger.picker.edit

    # a language switch translates the tabs built; the others are built in the new language
    i18n.set_language("en")
    try:
        page.retranslate_ui()
        assert ledger.record_button.text() == "Record"
        page.tabs.setCurrentWidget(page.rules)
        settle(qtbot)
        assert isinstance(page.tabs.currentWidget(), RulesTab)
        assert page.tabs.tabText(3) == "Rules"
        assert [type(tab) for tab in page.lazy_tabs.built()] == [CounterTab, LedgerTab, RulesTab]
        assert not page.findChildren(PassbookTab) and not page.findChildren(ApprovalsTab)
    finally:
        i18n.set_language("zh_CN")


def test_the_volunteers_page_opens_with_the_activities_alone(sign_in, village, qtbot):
    database, _admin = village
    window = sign_in(database)
    page = window.open_area("volunteers")
    settle(qtbot)
    assert [type(tab) for tab in page.lazy_tabs.built()] == [ActivitiesTab]
    assert not page.findChildren(TeamsTab) and not page.findChildren(HoursTab)
    page.tabs.setCurrentIndex(2)
    settle(qtbot)
    assert isinstance(page.tabs.currentWidget(), HoursTab) and page.hours is page.tabs.currentWidget()
    assert not page.findChildren(TeamsTab)


def test_the_meetings_calendar_is_built_the_first_time_it_is_shown(sign_in, village, qtbot):
    from ui.pages.meetings.page import MeetingCalendar

    database, _admin = village
    window = sign_in(database)
    page = window.open_area("meetings")
    settle(qtbot)
    assert not page.findChildren(MeetingCalendar) and not page.in_calendar()
    page.calendar_button.click()
    settle(qtbot)
    (calendar,) = page.findChildren(MeetingCalendar)
    assert page.in_calendar() and page.stack.currentWidget() is calendar is page.calendar and calendar.isVisible()
    assert calendar.locale().language().name == "Chinese"
    page.list_button.click()
    assert not page.in_calendar() and page.stack.currentWidget() is page.table
