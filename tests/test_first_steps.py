"""Issue 10: the first-run checklist (开始使用) on the dashboard of a new village."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import auth, first_steps, notices, people
from app.auth import CLERK, GRID_WORKER
from app.errors import PermissionDenied
from app.notices import NoticeForm


def _done(database, actor) -> dict[str, bool]:
    with database.session() as session:
        return {s.key: s.done for s in first_steps.first_steps(session=session, actor=actor)}


def _group_and_grid(database, admin) -> None:
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        people.add_grid(session=session, actor=admin, name="一组第1网格", group_id=group.id)


def _household(database, admin) -> None:
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="王大明"))


def _user(database, admin) -> None:
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="wenshu", password="Wenshu-pass-1", role=CLERK,
                         display_name="张文书")


def _first_notice(database, admin) -> None:
    with database.unit(admin) as session:
        draft = notices.create_notice(session=session, actor=admin, form=NoticeForm(title="通知", body="明天开会。"))
    with database.unit(admin) as session:
        notices.issue_notice(session=session, actor=admin, notice_id=draft.id, issue_date=dt.date(2026, 1, 5))


def test_each_step_is_ticked_from_what_the_store_holds(village):
    database, admin = village
    assert _done(database, admin) == {"village": False, "households": False, "users": False, "notice": False}
    with database.unit(admin) as session:
        people.add_group(session=session, actor=admin, name="一组")
    assert not _done(database, admin)["village"]  # groups without grids are half the step
    with database.unit(admin) as session:
        people.add_grid(session=session, actor=admin, name="第1网格", group_id=None)
    assert _done(database, admin)["village"]
    _household(database, admin)
    assert _done(database, admin)["households"]
    _user(database, admin)
    assert _done(database, admin)["users"]
    with database.unit(admin) as session:
        notices.create_notice(session=session, actor=admin, form=NoticeForm(title="通知", body="明天开会。"))
    assert not _done(database, admin)["notice"]  # a draft is not a printed notice
    _first_notice(database, admin)
    assert all(_done(database, admin).values())


def test_the_checklist_needs_the_dashboard_permission(village):
    database, _admin = village
    nobody = auth.Actor(user_id="", username="x", display_name="x", role="nobody")
    with database.session() as session, pytest.raises(PermissionDenied):
        first_steps.first_steps(session=session, actor=nobody)
    worker = auth.Actor(user_id="", username="g", display_name="g", role=GRID_WORKER)
    with database.session() as session:
        assert len(first_steps.first_steps(session=session, actor=worker)) == 4


def click_in_view(gui, page, button) -> None:
    """Click the step's button as a person's click ends: ``clicked``. (A synthetic mouse click goes to
    whatever is under that point, and the box sits below the to-do list, which grows as its items
    arrive: the point can land on the list.)"""
    assert button.isVisible() and button.isEnabled(), button.toolTip()
    button.click()
    gui.wait(10)


def _marks(box) -> dict[str, str]:
    return {key: label.text() for key, label in box.marks.items()}


@pytest.mark.gui
def test_a_new_village_sees_the_steps_with_buttons_to_the_right_pages(village, sign_in, gui):
    database, admin = village
    _group_and_grid(database, admin)
    win = sign_in(database)
    page = win.current_page()
    box = page.first_steps
    gui.waitUntil(lambda: box.isVisible(), timeout=10000)
    assert box.title() == "开始使用"
    assert _marks(box) == {"village": "✔", "households": "○", "users": "○", "notice": "○"}
    assert [box.labels[k].text() for k in first_steps.STEPS] == [
        "设置村民小组和网格", "导入或新增住户", "添加使用村务台的用户", "印发第一份公告"]
    click_in_view(gui, page, box.buttons["households"])
    assert win.current_page().area_key == "households"
    win.open_area("dashboard")
    click_in_view(gui, page, box.buttons["notice"])
    assert win.current_page().area_key == "notices"
    win.open_area("dashboard")
    click_in_view(gui, page, box.buttons["users"])
    from ui.dialogs.users import UsersDialog

    assert isinstance(box.dialog, UsersDialog) and box.dialog.isVisible()
    box.dialog.reject()


@pytest.mark.gui
def test_the_steps_are_hidden_once_all_are_done(village, sign_in, gui):
    database, admin = village
    win = sign_in(database)
    box = win.current_page().first_steps
    gui.waitUntil(lambda: box.isVisible(), timeout=10000)
    _group_and_grid(database, admin)
    _household(database, admin)
    _user(database, admin)
    _first_notice(database, admin)
    win.open_area("notices")
    win.open_area("dashboard")
    gui.waitUntil(lambda: box.step_done("notice"), timeout=10000)
    assert not box.isVisible()


@pytest.mark.gui
def test_a_dismissed_list_stays_hidden_after_signing_in_again(village, sign_in, gui):
    database, _admin = village
    win = sign_in(database)
    box = win.current_page().first_steps
    gui.waitUntil(lambda: box.isVisible(), timeout=10000)
    gui.mouseClick(box.dismiss_button, Qt.MouseButton.LeftButton)
    assert not box.isVisible()
    win.close()
    again = sign_in(database)
    page = again.current_page()
    assert page.first_steps.dismissed()
    assert not page.first_steps.isVisible()
