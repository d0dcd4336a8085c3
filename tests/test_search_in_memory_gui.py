"""A keystroke on the residents page is searched in memory (issue 16): its ids and count come from
``people.resident_search_index`` at once, only the rows of the first screenful are read, and the
whole list read from SQL after the paint stays the truth: a change made behind the page's back is
corrected and the index read again."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from app import people
from test_search_two_trips_gui import Gate, count_text, matching, settle
from test_ui_village import add_many_residents
from ui.ops import worker
from ui.pages import register

pytestmark = pytest.mark.gui


def open_with_index(qtbot, window):
    """The residents page, its first list read from SQL and its index read behind it."""
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and page.search_index is not None and worker().pending() == 0,
                    timeout=10000)
    return page


class Counts:
    """Records each ``count_ids`` call on the page."""

    def __init__(self, page):
        self.asked: list[str] = []
        real = page.count_ids

        def count_ids(session, query, filters):
            self.asked.append(query)
            return real(session, query, filters)

        page.count_ids = count_ids


def test_the_index_is_read_when_the_page_is_loaded(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 30)
    page = open_with_index(qtbot, sign_in(database))
    assert list(page.search_index.ids) == matching(database, admin)


def test_a_keystroke_is_answered_without_a_trip_for_ids_or_count(village, sign_in, qtbot, worker_submits):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_with_index(qtbot, sign_in(database))
    index = page.search_index
    gate, counts = Gate(page), Counts(page)
    loaded: list[int] = []
    page.ids_loaded.connect(loaded.append)
    jobs = worker_submits()

    qtbot.keyClicks(page.search, "z")
    expected = matching(database, admin, "z")
    assert len(expected) > page.first_rows()  # more than a screenful
    qtbot.waitUntil(lambda: page.shown_query == "z" and page.results_shown(), timeout=10000)
    QApplication.processEvents()
    # the ids and the count at once, from memory, the first screenful's rows read with them: no
    # trip to the worker before the paint, only the whole list from SQL after it
    assert page.model.ids() == expected
    assert page.count_label.text() == count_text(page, len(expected))
    assert gate.asked in ([], [("z", False)]) and counts.asked == []  # at most the whole list, once painted
    assert [job.rsplit(".", 3)[-3] for job in jobs] == ["_read_rest"]
    assert page.model.fetch_count == 0  # the rows shown came with the ids
    assert not page.ids_complete and loaded == []  # not yet confirmed by SQL

    gate.open()  # the truth: the whole list from SQL, after the paint
    settle(qtbot, page, "z")
    assert gate.asked == [("z", False)] and counts.asked == []
    assert page.model.ids() == expected and loaded == [len(expected)]
    assert page.search_index is index  # it agreed: kept

    page.search.setText("zhao")  # a search that finds fewer than a screenful: from memory too
    settle(qtbot, page, "zhao")
    assert page.model.ids() == matching(database, admin, "zhao")
    assert [asked for asked in gate.asked if asked[1]] == []  # never a query with a limit (the SQL path's first trip)


def test_filters_are_searched_in_memory_another_order_in_sql(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_with_index(qtbot, sign_in(database))
    with database.session() as session:
        home = people.household_ids(session=session, actor=admin)[2]
    with database.unit(admin) as session:  # a few moved out
        for resident_id in matching(database, admin, household_id=home)[::2]:
            form = people.resident_form(session=session, actor=admin, resident_id=resident_id)
            form.status = "moved_out"
            people.save_resident(session=session, actor=admin, form=form, resident_id=resident_id)
    worker().announce({"people"})  # as the window's own saves do
    qtbot.waitUntil(lambda: page.search_index is not None, timeout=10000)  # read again after the change
    gate = Gate(page)

    def shown_before_sql(change, query: str, **filters) -> None:
        """What the table shows from memory, before the whole list is read from SQL."""
        change()
        qtbot.waitUntil(lambda: page.shown_query == query and page.results_shown(), timeout=10000)
        assert page.model.ids() == matching(database, admin, query, **filters)
        gate.open()
        settle(qtbot, page, query)
        assert page.model.ids() == matching(database, admin, query, **filters)
        gate.opened.clear()

    shown_before_sql(lambda: page.apply_options(household=(home, "0003", "户主")), "", household_id=home)
    shown_before_sql(lambda: page.inactive.setChecked(False), "", household_id=home, include_inactive=False)
    shown_before_sql(lambda: page.search.setText("l"), "l", household_id=home, include_inactive=False)
    shown_before_sql(lambda: page.apply_options(household=None), "l", include_inactive=False)
    assert not any(limited for _query, limited in gate.asked)  # never the SQL path's first trip

    gate.open()
    page.sort_by("age", True)  # the index holds the name order only: this one is searched in SQL
    settle(qtbot, page, "l")
    assert page.model.ids() == matching(database, admin, "l", include_inactive=False, order="-age")
    assert ("l", True) in gate.asked


@pytest.mark.parametrize("first_ids", [200, 0])
def test_a_change_behind_the_pages_back_is_corrected_and_the_index_read_again(village, sign_in, qtbot, monkeypatch,
                                                                             first_ids):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_with_index(qtbot, sign_in(database))
    # 0: with the SQL path's first trip a first screenful (as with thousands of residents)
    monkeypatch.setattr(register, "FIRST_IDS", first_ids)
    page.search.setText("z")
    settle(qtbot, page, "z")
    chosen = page.model.id_at(3)
    page.select_id(chosen)
    stale = page.search_index
    # another window (or the command line) writes a resident: nothing tells this page
    with database.unit(admin) as session:
        added = people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="阿钊", gender="M"))
    gate = Gate(page)

    page.reload()  # the same search again (Enter)
    qtbot.waitUntil(lambda: page.shown_query == "z" and page.results_shown(), timeout=10000)
    assert added.id not in page.model.ids()  # memory did not know yet
    assert page.current_id() == chosen  # kept through the first trip
    gate.open()
    settle(qtbot, page, "z")
    expected = matching(database, admin, "z")
    assert added.id in expected and page.model.ids() == expected  # corrected by the whole list from SQL
    assert page.model.index(0, 0).data() == "阿钊"
    assert page.count_label.text() == count_text(page, len(expected))
    assert page.current_id() == chosen  # and the selection kept
    qtbot.waitUntil(lambda: page.search_index is not None and page.search_index is not stale, timeout=10000)
    assert added.id in page.search_index.ids  # the index read again

    page.search.setText("zh")  # the next keystroke is answered from the index read again
    qtbot.waitUntil(lambda: page.shown_query == "zh" and page.results_shown(), timeout=10000)
    shown, expected = page.model.ids(), matching(database, admin, "zh")
    assert shown and shown == expected[:len(shown)] and page.count_label.text() == count_text(page, len(expected))


def test_a_change_made_in_the_window_drops_the_index_until_it_is_read_again(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 40)
    page = open_with_index(qtbot, sign_in(database))
    with database.unit(admin) as session:
        added = people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="阿甲", gender="M"))
    worker().announce({"people"})  # as a save, an import or a sync merge in this window does
    assert page.search_index is None  # never answers from what it knew before the change
    qtbot.waitUntil(lambda: page.search_index is not None, timeout=10000)  # the page is shown: read again
    assert added.id in page.search_index.ids
    gate = Gate(page)
    page.search.setText("ajia")
    qtbot.waitUntil(lambda: page.shown_query == "ajia" and page.results_shown(), timeout=10000)
    assert page.model.ids() == [added.id] and gate.asked == []
    gate.open()
    settle(qtbot, page, "ajia")
    assert page.model.ids() == [added.id]


def test_rows_read_since_the_last_change_are_not_read_again(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_with_index(qtbot, sign_in(database))
    read: list[list[str]] = []
    real = page.fetch_rows

    def fetch_rows(session, ids):
        read.append(list(ids))
        return real(session, ids)

    page.fetch_rows = fetch_rows
    page.search.setText("z")
    settle(qtbot, page, "z")
    shown_z = page.model.ids()[:page.first_rows()]
    page.search.setText("")  # everyone: the top rows of "z" that begin this list too are kept
    settle(qtbot, page, "")
    first = page.model.ids()[:page.first_rows()]
    assert read[-1] == [item_id for item_id in first if item_id not in shown_z]
    page.search.setText("z")
    settle(qtbot, page, "z")
    reads = len(read)
    page.reload()  # the same search again (Enter): every row of its first screenful is held
    settle(qtbot, page, "z")
    assert len(read) == reads and page.model.fetch_count == 0

    # a change in this window: every row of the next first screenful is read again, and shown as it is now
    top = page.model.ids()[0]
    with database.unit(admin) as session:
        form = people.resident_form(session=session, actor=admin, resident_id=top)
        form.name = "赵改名"
        people.save_resident(session=session, actor=admin, form=form, resident_id=top)
    worker().announce({"people"})
    qtbot.waitUntil(lambda: page.search_index is not None, timeout=10000)  # searched in memory again
    read.clear()
    page.search.setText("zh")
    settle(qtbot, page, "zh")
    expected = matching(database, admin, "zh")
    assert page.model.ids() == expected
    assert read[0] == expected[:page.first_rows()]  # read afresh: nothing kept across the change
    row = page.model.row_of(top)
    assert row >= 0 and page.model.index(row, 0).data() == "赵改名"


def test_a_page_opened_by_a_click_reads_its_index_once_its_first_screenful_is_painted(village, sign_in, qtbot,
                                                                                     monkeypatch):
    """The index is ~30 ms of Python on the worker: a page built by the clerk's click (before the
    warm-up built it) shows its first screenful first, and reads the index after that paint."""
    from PySide6.QtCore import QEvent, QObject

    from ui.main_window import Workspace

    database, admin = village
    add_many_residents(database, admin, 40)
    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)  # no page built ahead
    monkeypatch.setattr(Workspace, "preload", lambda _self, _key: None)
    painted: list[object] = []

    class Paints(QObject):
        def eventFilter(self, watched, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.append(watched)
            return False

    asked: list[tuple[bool, bool]] = []  # (results shown, their view painted since) at each index read
    real = register.RegisterPage._load_index

    def load_index(self):
        if self.search_index is None and not self._index_loading:
            shown = self.results_shown()
            asked.append((shown, shown and self.table.viewport() in painted[self._painted_from:]))
        return real(self)

    real_arrived = register.RegisterPage._ids_arrived

    def ids_arrived(self, *args, **kwargs):
        self._painted_from = len(painted)
        return real_arrived(self, *args, **kwargs)

    monkeypatch.setattr(register.RegisterPage, "_load_index", load_index)
    monkeypatch.setattr(register.RegisterPage, "_ids_arrived", ids_arrived)
    window = sign_in(database)
    paints = Paints()
    QApplication.instance().installEventFilter(paints)
    try:
        page = window.open_area("residents")
        qtbot.waitUntil(lambda: page.search_index is not None, timeout=10000)
    finally:
        QApplication.instance().removeEventFilter(paints)
    assert asked == [(True, True)]
    assert list(page.search_index.ids) == matching(database, admin)
