"""The 积美超市 counter with the keyboard alone: household number → Enter → goods → Enter → quantity →
Enter redeems; balance and stock change and are shown before and after. A refused redemption (not
enough points) says why and changes nothing."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import points

from test_meetings_support import populate

pytestmark = pytest.mark.gui


def settle(qtbot) -> None:
    from ui.ops import worker

    for _ in range(3):
        QApplication.processEvents()
        worker().wait_idle()
        QApplication.processEvents()
    qtbot.wait(20)


@pytest.fixture
def shop(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        tidy = points.add_rule(session=session, actor=admin, category="environment", description="庭院整洁", points=5)
        points.add_goods(session=session, actor=admin, name="香皂", price=10, stock=5, unit="块")
        soap = points.add_goods(session=session, actor=admin, name="洗衣粉", price=15, stock=3, unit="袋")
        rich, poor = pop.households[2], pop.households[3]
        for _ in range(8):
            points.record_entry(session=session, actor=admin, household_id=rich.id, rule_id=tidy.id, note="巡查")
        points.record_entry(session=session, actor=admin, household_id=poor.id, rule_id=tidy.id, note="巡查")
    return database, admin, rich, poor, soap


def state(database, admin, household_id, goods_id):
    with database.session() as session:
        balance = points.balance(session=session, actor=admin, household_id=household_id)
        stock = next(g.stock for g in points.goods(session=session, actor=admin) if g.id == goods_id)
    return balance, stock


def choose_household(gui, counter, number: str) -> None:
    counter.picker.edit.setFocus()
    gui.keyClicks(counter.picker.edit, number)
    gui.keyClick(counter.picker.edit, Qt.Key.Key_Return)  # before the search finished: takes the first match
    gui.waitUntil(lambda: counter.household is not None and counter.household.number == number, timeout=5000)
    settle(gui)


def test_redeem_with_the_keyboard_alone(sign_in, shop, gui):
    database, admin, rich, poor, soap = shop
    assert state(database, admin, rich.id, soap.id) == (40, 3)
    win = sign_in(database)
    page = win.open_area("points")
    settle(gui)
    counter = page.counter
    assert page.tabs.currentWidget() is counter
    gui.waitUntil(lambda: counter.goods_model.rowCount() == 2, timeout=5000)

    choose_household(gui, counter, rich.number)
    assert counter.goods_table.hasFocus()
    assert counter.balance_before.text() == "40"
    gui.keyClick(counter.goods_table, Qt.Key.Key_Down)  # 香皂 → 洗衣粉 (by name)
    row = counter.goods_model.row_object(counter.goods_table.currentIndex().row())
    if row.id != soap.id:
        gui.keyClick(counter.goods_table, Qt.Key.Key_Up)
    assert counter.goods_model.row_object(counter.goods_table.currentIndex().row()).id == soap.id
    gui.keyClick(counter.goods_table, Qt.Key.Key_Return)
    assert counter.quantity.hasFocus()
    gui.keyClicks(counter.quantity, "2")
    assert (counter.balance_after.text(), counter.stock_before.text(), counter.stock_after.text()) == ("10", "3", "1")
    with gui.waitSignal(page.redeemed, timeout=5000):
        gui.keyClick(counter.quantity, Qt.Key.Key_Return)
    settle(gui)
    assert state(database, admin, rich.id, soap.id) == (10, 1)
    message = counter.message.text()
    assert "40 → 10" in message and "3 → 1" in message, message
    assert counter.household.balance == 10
    assert counter.picker.edit.hasFocus()  # ready for the next villager


def test_refused_redemption_says_why_and_changes_nothing(sign_in, shop, gui):
    database, admin, rich, poor, soap = shop
    win = sign_in(database)
    page = win.open_area("points")
    settle(gui)
    counter = page.counter
    gui.waitUntil(lambda: counter.goods_model.rowCount() == 2, timeout=5000)
    choose_household(gui, counter, poor.number)
    counter.goods_table.selectRow(counter.goods_model.row_of(soap.id))
    gui.keyClick(counter.goods_table, Qt.Key.Key_Return)
    assert counter.balance_before.text() == "5" and counter.balance_after.text() == "-10"
    with gui.waitSignal(page.counter_refused, timeout=5000) as refused:
        gui.keyClick(counter.quantity, Qt.Key.Key_Return)
    settle(gui)
    assert "5" in refused.args[0] and "15" in refused.args[0]
    assert counter.message.isVisible() and refused.args[0] in counter.message.text()
    assert state(database, admin, poor.id, soap.id) == (5, 3)
    assert counter.household.balance == 5


def board_settings(database, admin):
    with database.session() as session:
        return points.board_settings(session=session, actor=admin)


def open_rules(gui, win):
    page = win.open_area("points")
    settle(gui)
    page.tabs.setCurrentWidget(page.rules)
    settle(gui)
    gui.waitUntil(lambda: page.rules.settings is not None, timeout=5000)
    return page.rules


def test_secretary_turns_rankings_on_and_off(sign_in, shop, gui):
    database, admin, *_rest = shop
    assert not board_settings(database, admin).ranking  # off by default
    rules = open_rules(gui, sign_in(database))
    assert rules.board_group.isEnabled() and rules.decision_button.isEnabled()
    assert not rules.ranking_check.isChecked()
    assert not rules.ranking_button.isEnabled() and rules.ranking_button.toolTip()

    rules.ranking_check.click()
    gui.waitUntil(lambda: board_settings(database, admin).ranking, timeout=5000)
    settle(gui)
    assert rules.ranking_button.isEnabled() and not rules.board_button.isEnabled()
    assert not board_settings(database, admin).red_black

    rules.ranking_check.click()
    gui.waitUntil(lambda: not board_settings(database, admin).ranking, timeout=5000)
    settle(gui)
    assert not rules.ranking_button.isEnabled()


def test_clerk_sees_the_board_settings_disabled_and_why(sign_in, shop, gui):
    from app import auth

    database, admin, *_rest = shop
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="wenshu", password="demo-pass-123",
                         role=auth.CLERK, display_name="王文书")
    rules = open_rules(gui, sign_in(database, "wenshu", "demo-pass-123"))
    assert not rules.board_group.isEnabled()
    assert rules.board_group.toolTip()
    assert not rules.decision_button.isEnabled() and rules.decision_button.toolTip()


def test_secretary_records_a_decision_to_name_the_black_list(sign_in, shop, gui):
    import datetime as dt

    from app import meetings

    from test_meetings_support import at

    database, admin, *_rest = shop
    yesterday = points.service.today() - dt.timedelta(days=1)
    with database.unit(admin) as session:
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.TWO_COMMITTEES, title="两委会",
                                        starts_at=at(yesterday))
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id, held_on=yesterday)
        points.set_board_settings(session=session, actor=admin, ranking=False, red_black=True)
    rules = open_rules(gui, sign_in(database))
    assert rules.red_black_check.isChecked() and rules.board_button.isEnabled()
    rules.decision_button.click()
    dialog = rules.page.dialog
    gui.waitUntil(lambda: dialog.meeting.results.count() == 1, timeout=5000)
    dialog.meeting.results.itemClicked.emit(dialog.meeting.results.item(0))
    assert dialog.meeting.choice.id == meeting.id
    dialog.summary.setText("经两委会研究，黑榜实名公布")
    start, end = dialog.start.date().toPython(), dialog.end.date().toPython()
    with gui.waitSignal(dialog.saved, timeout=5000):
        dialog.submit()
    settle(gui)
    with database.session() as session:
        shown = points.board(session=session, actor=admin, start=start, end=end)
    assert shown.name_black and not shown.name_red and shown.decision.meeting_id == meeting.id


def test_the_shops_goods_are_painted_by_the_view_as_the_style_paints_them(sign_in, shop, gui):
    """The community pages' tables (ui.pages.community.make_table) have the registers' look: rows in
    alternating colours, no grid, one line a cell; their plain cells painted by the view itself in
    one call (a grid left each cell to a call into Python), the same pixels as the style's."""
    from test_table_paint_gui import assert_same_list_pixels

    database, admin, rich, poor, soap = shop
    win = sign_in(database)
    page = win.open_area("points")
    settle(gui)
    table = page.counter.goods_table
    gui.waitUntil(lambda: page.counter.goods_model.rowCount() == 2, timeout=5000)
    assert not table.showGrid() and table.alternatingRowColors() and not table.wordWrap()
    ours = assert_same_list_pixels(table)  # the view planned its plain cells (plain_paints grew)
    assert ours._texts
