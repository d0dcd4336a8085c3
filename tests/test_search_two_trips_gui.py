"""The residents page lists a search in two trips (issue 16): the first screenful with the count at
once, then every id appended below without moving the view. What the clerk sees stays right: the
results of the text in the box, the count, the order and filters, the row selected."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QApplication

from app import people
from app.i18n import ngettext
from test_ui_village import add_many_residents
from ui.ops import worker
from ui.pages import register
from ui.pages.residents import ResidentsPage

pytestmark = pytest.mark.gui


def matching(database, admin, query: str = "", **filters) -> list[str]:
    with database.session() as session:
        return people.resident_ids(session=session, actor=admin, query=query, **filters)


def count_text(page, n: int) -> str:
    return ngettext(*page.count_msgid, n).format(n=n)


@pytest.fixture(autouse=True)
def first_trip_reads_the_first_screenful_only(monkeypatch):
    """The first trip reads the first screenful's ids only (not FIRST_IDS): a village of 120
    residents then needs the second trip."""
    monkeypatch.setattr(register, "FIRST_IDS", 0)
    # these follow the search in SQL (before the index is read, another order): tests/test_search_in_memory_gui.py
    monkeypatch.setattr(ResidentsPage, "searches_in_memory", False)


def open_residents(qtbot, window):
    # the warm-up done first: a page it builds meanwhile queues its reads behind a read held here
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done and not window.workspace.warming_reads,
                    timeout=20000)
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    return page


class Gate:
    """Holds the read of the whole list (``query_ids`` without a limit) on the worker until opened."""

    def __init__(self, page):
        self.opened = threading.Event()
        self.asked: list[tuple[str, bool]] = []  # (search, with a limit)
        real = page.query_ids

        def query_ids(session, query, filters):
            self.asked.append((query, "limit" in filters))
            if "limit" not in filters:
                self.opened.wait(10)
            return real(session, query, filters)

        page.query_ids = query_ids

    def open(self):
        self.opened.set()


def settle(qtbot, page, text: str) -> None:
    qtbot.waitUntil(lambda: page.shown_query == text and page.ids_complete and worker().pending() == 0,
                    timeout=10000)


def test_the_first_screenful_and_the_count_come_first_then_every_id(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    assert page.model.ids() == matching(database, admin) and page.ids_complete
    gate = Gate(page)
    loaded: list[int] = []
    page.ids_loaded.connect(loaded.append)

    page.search.setText("z")
    expected = matching(database, admin, "z")
    first = page.first_rows()
    assert len(expected) > first  # a search that needs the second trip
    qtbot.waitUntil(lambda: page.shown_query == "z" and page.results_shown(), timeout=10000)
    QApplication.processEvents()
    assert page.model.ids() == expected[:first]  # the first screenful, in order, its rows read with it
    assert page.model.fetch_count == 0
    assert page.count_label.text() == count_text(page, len(expected))  # the count is right already
    assert not page.ids_complete and loaded == []  # ids_loaded: once every id is in

    gate.open()
    settle(qtbot, page, "z")
    assert page.model.ids() == expected
    assert page.count_label.text() == count_text(page, len(expected))
    assert loaded == [len(expected)]
    assert gate.asked == [("z", True), ("z", False)]
    page.table.scrollToBottom()  # the end of the list: its rows are read and shown
    QApplication.processEvents()
    last = page.model.row_object(len(expected) - 1)
    with database.session() as session:
        (row,) = people.resident_rows(session=session, actor=admin, ids=[expected[-1]])
    assert last.name == row.name and page.model.index(len(expected) - 1, 0).data() == row.name


@pytest.mark.parametrize("first_ids", [0, 100])
def test_a_search_that_fits_the_first_trip_takes_one(village, sign_in, qtbot, monkeypatch, first_ids):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    monkeypatch.setattr(register, "FIRST_IDS", first_ids)
    gate = Gate(page)
    query = "zhao" if first_ids == 0 else "z"  # fits the first screenful / FIRST_IDS (not the screenful)
    expected = matching(database, admin, query)
    assert 0 < len(expected) < max(page.first_rows(), first_ids)
    assert (len(expected) > page.first_rows()) == bool(first_ids)
    with qtbot.waitSignal(page.ids_loaded, timeout=10000) as loaded:
        page.search.setText(query)
    assert loaded.args == [len(expected)] and page.ids_complete
    assert page.model.ids() == expected
    assert page.count_label.text() == count_text(page, len(expected))
    assert gate.asked == [(query, True)]  # no second trip
    QApplication.processEvents()
    assert page.model.fetch_count == 0  # the rows on screen came with the ids
    assert page.model.row_object(len(expected) - 1).id == expected[-1]  # the others are read when shown
    page.search.setText("nobody-at-all")
    settle(qtbot, page, "nobody-at-all")
    assert page.model.rowCount() == 0 and page.count_label.text() == count_text(page, 0)


def test_typing_while_the_whole_list_is_read_shows_only_the_newest_search(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    gate = Gate(page)
    loaded: list[int] = []
    page.ids_loaded.connect(loaded.append)
    page.search.setText("z")
    qtbot.waitUntil(lambda: page.shown_query == "z" and page.results_shown(), timeout=10000)
    page.search.setText("zh")  # while the whole list of "z" is read (held on the worker)
    page.search.setText("")
    assert not page.results_shown()
    gate.open()
    settle(qtbot, page, "")
    assert page.model.ids() == matching(database, admin)
    assert loaded == [120]  # the older searches' lists were never shown
    assert page.count_label.text() == count_text(page, 120)
    # "zh" was queried behind the whole list of "z" (dropped: read, or skipped if not started yet),
    # "" waited for it
    assert [asked for asked in gate.asked if asked != ("z", False)] == [("z", True), ("zh", True), ("", True),
                                                                        ("", False)]


def test_a_newer_search_cancels_the_whole_list_before_the_worker_reads_it(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    gate = Gate(page)
    gate.open()
    held = threading.Event()
    arrived = page._ids_arrived

    def hold_the_worker(*args, **kwargs):  # the whole list of "z" is queued behind a busy worker
        arrived(*args, **kwargs)
        if page.shown_query == "z":
            worker().submit(lambda _worker: held.wait(10), mode="call", writes=False)

    page._ids_arrived = hold_the_worker
    page.search.setText("z")
    qtbot.waitUntil(lambda: page.shown_query == "z", timeout=10000)
    page.search.setText("w")
    held.set()
    settle(qtbot, page, "w")
    assert page.model.ids() == matching(database, admin, "w")
    assert ("z", False) not in gate.asked  # cancelled before it was read: the worker did nothing for it
    assert page.count_label.text() == count_text(page, len(matching(database, admin, "w")))


def test_the_selected_resident_stays_selected_through_both_trips(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    everyone = page.model.ids()
    near, far = everyone[2], everyone[100]  # one in the first screenful, one far below it

    page.select_id(near)
    gate = Gate(page)
    page.reload()  # e.g. a save elsewhere
    qtbot.waitUntil(lambda: page.results_shown() and worker().pending() == 1, timeout=10000)
    assert page.current_id() == near  # kept with the first screenful already
    gate.open()
    settle(qtbot, page, "")
    assert page.current_id() == near

    gate.opened.clear()
    page.select_id(far)
    page.reload()
    qtbot.waitUntil(lambda: page.results_shown() and worker().pending() == 1, timeout=10000)
    assert page.current_id() is None  # not listed yet
    gate.open()
    settle(qtbot, page, "")
    assert page.current_id() == far  # selected again once the whole list is in, and shown
    index = page.model.index(page.model.row_of(far), 0)
    assert page.table.viewport().rect().intersects(page.table.visualRect(index))

    gate.opened.clear()  # the clerk picks another row between the trips: theirs is kept
    page.reload()
    qtbot.waitUntil(lambda: page.results_shown() and worker().pending() == 1, timeout=10000)
    page.table.selectRow(1)
    gate.open()
    settle(qtbot, page, "")
    assert page.current_id() == everyone[1]


def test_order_and_filters_hold_in_both_trips(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    with database.unit(admin) as session:  # a few moved out
        for resident_id in matching(database, admin)[::4]:
            form = people.resident_form(session=session, actor=admin, resident_id=resident_id)
            form.status = "moved_out"
            people.save_resident(session=session, actor=admin, form=form, resident_id=resident_id)
    page.sort_by("age", True)
    settle(qtbot, page, "")
    assert page.model.ids() == matching(database, admin, order="-age")
    page.inactive.setChecked(False)  # 含迁出 off
    settle(qtbot, page, "")
    expected = matching(database, admin, order="-age", include_inactive=False)
    assert page.model.ids() == expected and len(expected) == 90
    assert page.count_label.text() == count_text(page, 90)
    page.search.setText("l")
    settle(qtbot, page, "l")
    assert page.model.ids() == matching(database, admin, "l", order="-age", include_inactive=False)

    with database.session() as session:
        home = people.household_ids(session=session, actor=admin)[0]
    page.search.setText("")
    page.inactive.setChecked(True)
    page.apply_options(household=(home, "0001", "户主"))
    settle(qtbot, page, "")
    assert page.model.ids() == matching(database, admin, order="-age", household_id=home)
    assert page.count_label.text() == count_text(page, 6)


def test_a_change_between_the_trips_shows_the_list_afresh(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    gate = Gate(page)
    page.reload()
    qtbot.waitUntil(lambda: page.results_shown() and worker().pending() == 1, timeout=10000)
    page.table.selectRow(0)
    chosen = page.current_id()
    with database.unit(admin) as session:  # a resident who sorts first, written meanwhile
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="阿甲", gender="M"))
    gate.open()
    settle(qtbot, page, "")
    assert page.model.ids() == matching(database, admin) and page.model.rowCount() == 121
    assert page.model.index(0, 0).data() == "阿甲"
    assert page.current_id() == chosen
    assert page.count_label.text() == count_text(page, 121)


def test_the_whole_list_is_read_once_the_first_screenful_is_painted(village, sign_in, qtbot):
    from PySide6.QtCore import QEvent, QObject

    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    painted_at: list[str | None] = []  # what the table showed when each of its paints began

    class Paints(QObject):
        def eventFilter(self, _watched, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted_at.append(page.shown_query)
            return False

    paints = Paints()
    page.table.viewport().installEventFilter(paints)
    seen: list[list[str | None]] = []
    real = page.query_ids

    def query_ids(session, query, filters):
        if "limit" not in filters:
            seen.append(list(painted_at))  # the paints done when the worker starts reading every id
        return real(session, query, filters)

    page.query_ids = query_ids
    page.search.setText("z")
    settle(qtbot, page, "z")
    assert seen and "z" in seen[0]  # the results of "z" were painted first
    assert page.model.ids() == matching(database, admin, "z")
