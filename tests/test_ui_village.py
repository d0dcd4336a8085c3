"""The 村情 page, register sorting and the dashboard, offscreen with qtbot."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlmodel import func, select

from app import auth, i18n, people
from app.people import queries as people_queries
from app.i18n import format_number, format_percent
from app.pinyin import name_search_key
from db.models.people import Grid, Household, Resident, VillageGroup, VillageProfile
from ui import style

pytestmark = pytest.mark.gui



def live(database, model) -> int:
    with database.session() as session:
        return session.exec(select(func.count()).select_from(model).where(model.deleted_at.is_(None))).one()


@pytest.fixture
def window_for(sign_in):
    """``window_for(database, username, password)``: the main window, signed in (conftest ``sign_in``)."""
    return sign_in


def open_village(qtbot, window):
    page = window.open_area("village")
    qtbot.waitUntil(lambda: page.overview is not None and not page._loading, timeout=10000)
    return page


def save_dialog(qtbot, page, dialog):
    """Press Save; wait until the dialog closed (saved) or shows an error (refused)."""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
    if not dialog.isVisible():
        qtbot.waitUntil(lambda: not page._loading, timeout=10000)


def error_box_text(qtbot) -> str:
    qtbot.waitUntil(lambda: any(w.objectName() == "errorBox" and w.isVisible() for w in QApplication.topLevelWidgets()),
                    timeout=10000)
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible())
    text = box.text()
    box.close()
    return text


# ---------------------------------------------------------------- 村情


def test_a_new_village_gets_its_groups_grids_and_profile_through_the_gui(village, window_for, qtbot, monkeypatch):
    from ui.ops import worker

    database, _admin = village
    window = window_for(database)
    page = open_village(qtbot, window)
    assert page.groups.model.rowCount() == 0 and page.grids.model.rowCount() == 0
    assert page.groups.empty.isVisible()  # says what to do on an empty village
    assert page.code.isReadOnly() and page.code.text() == "510112104201"
    assert not page.save_button.isEnabled()  # nothing typed yet

    # Profile: refused field by field, nothing saved; then saved, and the window shows the new name.
    page.name.clear()
    qtbot.keyClicks(page.supervision_phone, "9")
    page.supervision_phone.setText("12")
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.profile_form.error_text("name")), timeout=10000)
    assert page._right_form.error_text("supervision_phone")
    assert page.name.property("invalid") is True
    with database.session() as session:
        assert people_queries.get_profile(session).name == "青石村" and people_queries.get_profile(session).supervision_phone == "02884851234"
    page.name.setText("青石社区")
    page.supervision_phone.setText("13800001111")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "青石社区" in window.windowTitle(), timeout=10000)
    assert not page.profile_form.error_text("name") and not page.save_button.isEnabled()
    assert "青石社区" in window.village_label.text() and window.workspace.nav_village.text() == "青石社区"
    with database.session() as session:
        assert people_queries.get_profile(session).supervision_phone == "13800001111"

    # Groups: an empty name is refused next to the field; then two groups; a clashing number is refused.
    dialog = page.edit_group(None)
    save_dialog(qtbot, page, dialog)
    assert dialog.isVisible() and dialog.form.error_text("name")
    dialog.name.setText("一组")
    dialog.leader_name.setText("李明")
    save_dialog(qtbot, page, dialog)
    assert not dialog.isVisible()
    dialog = page.edit_group(None)
    dialog.name.setText("二组")
    save_dialog(qtbot, page, dialog)
    assert [(r.number, r.name, r.leader_name) for r in page.groups.model.rows()] == [(1, "一组", "李明"), (2, "二组", "")]
    assert not page.groups.empty.isVisible()
    page.groups.select_id(page.groups.model.rows()[1].id)
    dialog = page.edit_group(page.groups.current_row())
    dialog.number.setText("1")
    save_dialog(qtbot, page, dialog)
    assert "一组" in dialog.form.error_text("number") and dialog.number.text() == "1"
    dialog.reject()
    assert live(database, VillageGroup) == 2
    with database.session() as session:
        assert session.get(VillageGroup, page.groups.model.rows()[1].id).number == 2

    # A grid in 一组 (the selected group is proposed), with its leader's phone checked.
    page.groups.select_id(page.groups.model.rows()[0].id)
    dialog = page.edit_grid(None)
    assert dialog.group.currentText() == "一组"
    dialog.name.setText("一组第1网格")
    dialog.leader_name.setText("王五")
    dialog.leader_phone.setText("1380000")
    save_dialog(qtbot, page, dialog)
    assert dialog.form.error_text("leader_phone") and live(database, Grid) == 0
    dialog.leader_phone.setText("13800002222")
    dialog.area_leader_name.setText("赵六")
    save_dialog(qtbot, page, dialog)
    assert [(r.name, r.group_name, r.leader_phone, r.area_leader_name) for r in page.grids.model.rows()] == [
        ("一组第1网格", "一组", "13800002222", "赵六")]
    assert page.groups.model.rows()[0].grids == 1

    # The household dialog offers what was just created …
    households = window.open_area("households")
    # its first list in first: the signal awaited below is the one the save's reload sends
    qtbot.waitUntil(lambda: households._loaded_once and worker().pending() == 0, timeout=10000)
    households.new_item()
    qtbot.waitUntil(lambda: getattr(households, "dialog", None) is not None and households.dialog.isVisible(),
                    timeout=10000)
    hdialog = households.dialog
    assert [hdialog.group.itemText(i) for i in range(hdialog.group.count())][1:] == ["一组", "二组"]
    assert [hdialog.grid.itemText(i) for i in range(hdialog.grid.count())][1:] == ["一组第1网格"]
    hdialog.head_name.setText("张三")
    hdialog.group.setCurrentIndex(1)
    hdialog.grid.setCurrentIndex(1)
    with qtbot.waitSignal(households.ids_loaded, timeout=10000):
        qtbot.mouseClick(hdialog.save_button, Qt.MouseButton.LeftButton)
    assert households.model.row_object(0).group_name == "一组"

    # … and a renamed group shows in the register and the next household dialog.
    page = open_village(qtbot, window)
    page.groups.select_id(page.groups.model.rows()[0].id)
    dialog = page.edit_group(page.groups.current_row())
    dialog.name.setText("第一组")
    save_dialog(qtbot, page, dialog)
    assert page.groups.model.rows()[0].households == 1
    households = window.open_area("households")
    qtbot.waitUntil(lambda: households.model.row_object(0) is not None
                    and households.model.row_object(0).group_name == "第一组", timeout=10000)
    households.new_item()
    qtbot.waitUntil(lambda: households.dialog is not hdialog and households.dialog.isVisible(), timeout=10000)
    assert households.dialog.group.itemText(1) == "第一组"
    households.dialog.reject()

    # A group with a household is not deleted: the message says why; the empty one goes.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = open_village(qtbot, window)
    page.groups.select_id(page.groups.model.rows()[0].id)
    page.delete_group()
    assert "第一组" in error_box_text(qtbot)
    assert live(database, VillageGroup) == 2
    page.grids.select_id(page.grids.model.rows()[0].id)
    page.delete_grid()
    assert "1" in error_box_text(qtbot)
    page.groups.select_id(page.groups.model.rows()[1].id)
    page.delete_group()
    qtbot.waitUntil(lambda: page.groups.model.rowCount() == 1, timeout=10000)
    assert live(database, VillageGroup) == 1
    assert live(database, VillageProfile) == 1


def test_village_page_is_read_only_for_a_grid_worker(village, window_for, qtbot):
    database, admin = village
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="grid", password="long-enough", role=auth.GRID_WORKER)
        people.add_group(session=session, actor=admin, name="一组")
    window = window_for(database, "grid", "long-enough")
    page = open_village(qtbot, window)
    assert page.name.isReadOnly() and page.read_only_hint.isVisibleTo(page)
    page.groups.select_id(page.groups.model.rows()[0].id)
    assert page.groups.current_row() is not None
    assert not page.groups.new_button.isEnabled() and not page.groups.edit_button.isEnabled()
    assert not page.groups.delete_button.isEnabled() and not page.grids.new_button.isEnabled()
    assert page.edit_group(None) is None


def test_opened_by_the_click_that_builds_it_the_page_shows_its_rows_at_once(village, window_for, qtbot,
                                                                           worker_submits):
    """Built by the click that opens it (before the pauses after sign-in built it), 村情 reads its
    overview right away: the page is first painted with its rows and counts (no second measuring
    and painting), with nothing queued on the database worker for it; shown again, it reads on
    the worker as before."""
    from ui.ops import worker

    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        grid = people.add_grid(session=session, actor=admin, name="一组第1网格", group_id=group.id)
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id, grid_id=grid.id))
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王小明", number="010002", group_id=group.id))
    window = window_for(database)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=20000)
    drop_page(window, "village")  # as a clerk who clicks before the warm-up built it
    reads = worker_submits()
    page = window.open_area("village")
    assert page.overview is not None and not page._loading  # no turn of the event loop yet
    assert [(r.name, r.households, r.grids) for r in page.groups.model.rows()] == [("一组", 2, 1)]
    assert [(r.name, r.group_name, r.households) for r in page.grids.model.rows()] == [("一组第1网格", "一组", 1)]
    assert not page.groups.empty.isVisibleTo(page)
    assert not [name for name in reads if name.startswith("VillagePage")]
    window.open_area("households")
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    reads.clear()
    window.open_area("village")
    assert [name for name in reads if name.startswith("VillagePage.reload")]
    qtbot.waitUntil(lambda: not page._loading, timeout=10000)


def test_village_models_pass_the_model_tester(village, window_for, qtbot, qtmodeltester):
    database, admin = village
    with database.unit(admin) as session:
        one = people.add_group(session=session, actor=admin, name="一组", leader_name="李明")
        people.add_group(session=session, actor=admin, name="二组")
        people.add_grid(session=session, actor=admin, name="一号网格", group_id=one.id, leader_phone="13800001111")
        people.add_grid(session=session, actor=admin, name="无组网格")
    window = window_for(database)
    page = open_village(qtbot, window)
    assert page.groups.model.rowCount() == 2 and page.grids.model.rowCount() == 2
    qtmodeltester.check(page.groups.model, force_py=True)
    qtmodeltester.check(page.grids.model, force_py=True)
    assert page.grids.model.data(page.grids.model.index(1, 1)) == ""  # no group: an empty cell


# ---------------------------------------------------------------- sorting


def drop_page(window, key: str) -> None:
    """Forget page ``key`` if the warm-up built it: the next open builds it, as a clerk's click
    before the warm-up does."""
    workspace = window.workspace
    old = workspace.pages.pop(key, None)
    if old is not None:
        workspace.stack.removeWidget(old)
        old.deleteLater()


def add_many_residents(database, admin, count: int) -> None:
    """Residents written straight into the store (the rules are tested elsewhere): fast and varied."""
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    with database.unit(admin) as session:
        for group_number in (1, 2):
            session.add(VillageGroup(name=f"{'一二'[group_number - 1]}组", number=group_number))
        session.flush()
        groups = list(session.exec(select(VillageGroup).order_by(VillageGroup.number)))
        homes = [Household(number=f"{i + 1:04d}", head_name="户主", group_id=groups[i % 2].id) for i in range(20)]
        session.add_all(homes)
        session.flush()
        for i in range(count):
            name = surnames[i % 20] + given[(i * 7) % 20] + given[(i * 3) % 20]
            session.add(Resident(name=name, gender="MF"[i % 2], birth_date=dt.date(1940 + i % 70, 1 + i % 12, 1 + i % 28),
                                 household_id=homes[i % 20].id, search_key=name_search_key(name)))


def click_header(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_clicking_a_header_re_queries_in_that_order_and_stays_lazy(village, window_for, qtbot, qtmodeltester):
    database, admin = village
    add_many_residents(database, admin, 650)
    window = window_for(database)
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once, timeout=10000)
    assert page.model.rowCount() == 650
    with database.session() as session:
        assert page.model.ids() == people.resident_ids(session=session, actor=admin)  # pinyin order by default
    assert page.model.headerData(0, Qt.Orientation.Horizontal).endswith("▲")

    age = next(i for i, c in enumerate(page.columns) if c.sort_key == "age")
    fetched = page.model.fetch_count
    with qtbot.waitSignal(page.ids_loaded, timeout=10000):
        click_header(qtbot, page.table, age)
    assert page.order() == "age"
    page.table.scrollToTop()
    QApplication.processEvents()
    births = [page.model.row_object(r).birth_date for r in range(5)]
    assert births == sorted(births, reverse=True)  # youngest first
    assert page.model.headerData(age, Qt.Orientation.Horizontal).endswith("▲")
    assert not page.model.headerData(0, Qt.Orientation.Horizontal).endswith("▲")
    # lazy: only the pages painted (or read above) were fetched, not all four
    assert page.model.fetch_count - fetched <= 2 and len(page.model._loaded_pages) <= 2

    with qtbot.waitSignal(page.ids_loaded, timeout=10000):
        click_header(qtbot, page.table, age)  # again: the other way round
    assert page.order() == "-age"
    assert page.model.row_object(0).birth_date == min(page.model.row_object(r).birth_date for r in range(200))
    assert page.model.headerData(age, Qt.Orientation.Horizontal).endswith("▼")
    with database.session() as session:
        assert page.model.ids() == people.resident_ids(session=session, actor=admin, order="-age")

    # a search keeps the order; the model still passes the tester after re-sorting through it
    with qtbot.waitSignal(page.ids_loaded, timeout=10000):
        page.search.setText("zhao")
    births = [page.model.row_object(r).birth_date for r in range(page.model.rowCount())]
    assert births and births == sorted(births)
    with qtbot.waitSignal(page.ids_loaded, timeout=10000):
        page.model.sort(0, Qt.SortOrder.DescendingOrder)
    assert page.order() == "-name"
    qtmodeltester.check(page.model, force_py=True)


def test_households_sort_by_group_and_an_unsortable_column_does_nothing(village, window_for, qtbot):
    database, admin = village
    add_many_residents(database, admin, 40)
    window = window_for(database)
    page = window.open_area("households")
    qtbot.waitUntil(lambda: page._loaded_once, timeout=10000)
    assert [page.model.row_object(r).number for r in range(3)] == ["0001", "0002", "0003"]
    group = next(i for i, c in enumerate(page.columns) if c.sort_key == "group")
    with qtbot.waitSignal(page.ids_loaded, timeout=10000):
        click_header(qtbot, page.table, group)
    names = [page.model.row_object(r).group_name for r in range(page.model.rowCount())]
    assert names == ["一组"] * 10 + ["二组"] * 10
    with qtbot.waitSignal(page.ids_loaded, timeout=10000):
        click_header(qtbot, page.table, group)
    assert page.model.row_object(0).group_name == "二组"
    tags = next(i for i, c in enumerate(page.columns) if c.sort_key is None)
    with qtbot.assertNotEmitted(page.ids_loaded, wait=300):
        click_header(qtbot, page.table, tags)
    assert page.order() == "-group"


# ---------------------------------------------------------------- dashboard


def card_texts(page) -> dict[tuple[str, str], str]:
    return {key: card.text() for key, card in page.cards.items()}


def test_dashboard_shows_the_collected_figures_and_cards_open_their_page(village, window_for, qtbot):
    database, admin = village
    add_many_residents(database, admin, 30)
    window = window_for(database)
    page = window.workspace.pages["dashboard"]
    from app import stats

    with database.session() as session:
        figures = stats.collect(session=session, actor=admin)
    # the cards are filled by one read (app.workbench.figures): wait for every group shown here
    filled = [("people", "Residents living in the village"), ("meetings", "Meetings recorded"),
              ("concerns", "Overdue"), ("notices", "On the notice board")]
    qtbot.waitUntil(lambda: all(page.card(*key).figure is not None for key in filled), timeout=10000)
    assert page.card("people", "Residents living in the village").text() == format_number(figures["people"]["residents"])
    assert page.card("people", "Number of households").text() == "20"
    assert page.card("people", "Villagers' groups").text() == "2"
    assert page.card("meetings", "Meetings recorded").text() == format_number(figures["meetings"]["meetings"])
    assert page.card("concerns", "Overdue").text() == format_number(figures["concerns"]["overdue"])
    assert figures["concerns"]["closure_rate_last_12_months"] is None  # nothing due yet …
    assert page.card("concerns", "Closure rate, last 12 months (办结率)").text() == "—"  # … so no made-up rate
    assert page.card("notices", "On the notice board").text() == format_number(figures["notices"]["posted"])
    for section in ("people", "meetings", "concerns", "notices"):
        assert page.section_boxes[section].isVisibleTo(page)

    page.card("people", "Villagers' groups").clicked.emit()
    assert window.current_page().area_key == "village"
    window.open_area("dashboard")
    qtbot.mouseClick(page.card("concerns", "Overdue"), Qt.MouseButton.LeftButton)
    assert window.current_page().area_key == "concerns"


def test_dashboard_maps_each_figure_and_leaves_out_what_the_statistics_lack(village, window_for, qtbot, monkeypatch):
    from app import workbench

    figures = {
        "people": {"households": 3000, "residents": 9508, "party_members": 621, "groups": 12, "grids": 72},
        "meetings": {"meetings": 41, "held": 38, "attendance_rate": 0.8137},
        "concerns": {"raised": 120, "closed": 100, "escalated": 5, "overdue": 4, "closure_rate": 0.9,
                     "closure_rate_last_12_months": 0.934},
    }  # no "notices" section
    monkeypatch.setattr(workbench, "figures", lambda **_kw: figures)  # the cards' figures (app.workbench.cards)
    database, _admin = village
    window = window_for(database)
    page = window.workspace.pages["dashboard"]
    qtbot.waitUntil(lambda: page.card("people", "Number of households").figure == 3000, timeout=10000)
    texts = card_texts(page)
    assert texts[("people", "Number of households")] == "3,000"
    assert texts[("meetings", "Meetings held")] == "38"
    assert texts[("meetings", "Average attendance")] == format_percent(0.8137) == "81.4%"
    assert texts[("concerns", "Being handled")] == "15"  # 120 raised − 100 closed − 5 escalated
    assert texts[("concerns", "Closure rate, last 12 months (办结率)")] == "93.4%"
    overdue = page.card("concerns", "Overdue").value.palette().color(QPalette.ColorRole.WindowText)
    assert overdue == QColor(style.ERROR)  # overdue work stands out in red
    assert page.card("concerns", "Being handled").value.palette().color(QPalette.ColorRole.WindowText) != overdue
    assert not page.section_boxes["notices"].isVisibleTo(page)
    assert texts[("notices", "On the notice board")] == "—"
    i18n.set_language("en")
    assert page.section_titles["concerns"].text() == "Villagers' concerns"
    assert page.card("concerns", "Being handled").label.text() == "Being handled"


def test_registers_without_an_order_keep_plain_headers(village, window_for, qtbot):
    """Other areas' register pages (notices, meetings …) query without ``order``; their headers do nothing."""
    database, _admin = village
    window = window_for(database)
    page = window.open_area("notices")
    qtbot.waitUntil(lambda: page._loaded_once, timeout=10000)
    assert "▲" not in (page.model.headerData(0, Qt.Orientation.Horizontal) or "")
    with qtbot.assertNotEmitted(page.ids_loaded, wait=200):
        click_header(qtbot, page.table, 0)
        page.model.sort(0, Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(page.ids_loaded, timeout=10000):
        page.reload()  # still answers: no ``order`` reached its query
    assert not any(w.objectName() == "bugBox" and w.isVisible() for w in QApplication.topLevelWidgets())
