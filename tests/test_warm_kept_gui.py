"""A warm read's result kept for the page's first read (issue 16, ``Workspace.take_warm``): a page a
click builds before the warm-up did shows what its warm read found without a trip to the database
worker, but only while nothing that may write was submitted since, for at most WARM_KEPT_S, and
once. Otherwise the page reads as usual, and shows what the store holds now."""
from __future__ import annotations

import pytest

from app import people
from test_search_two_trips_gui import count_text, matching
from test_ui_village import add_many_residents
from test_warm_reads_gui import filled, settled
from ui import main_window
from ui.ops import worker

pytestmark = pytest.mark.gui


@pytest.fixture
def unbuilt(monkeypatch):
    """A clerk quicker than the warm-up: no page is built in the pauses after sign-in."""
    monkeypatch.setattr(main_window.Workspace, "prebuild", lambda _self, _key: None)


def page_jobs(names: list[str]) -> list[str]:
    """The jobs a page submitted (not the window's own: the start-up check, the backup …)."""
    return [name for name in names if "Page" in name]


def open_and_wait(qtbot, window, key: str):
    page = window.open_area(key)
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    return page


def save_then_open_reads_afresh(qtbot, window, database, admin, worker_submits):
    """A resident saved in this window after the warm read (as a dialog's DbOp does): the residents
    page opened then reads as usual and shows the new resident. Returns the page."""
    with database.session() as session:
        household = people.household_ids(session=session, actor=admin)[0]

    def save(session):
        people.save_resident(session=session, actor=admin,
                             form=people.ResidentForm(name="新来者", gender="F", household_id=household))

    failed: list = []
    worker().submit(save, actor=admin, on_failure=failed.append)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    assert failed == []
    jobs = worker_submits()
    page = open_and_wait(qtbot, window, "residents")
    assert page_jobs(jobs)  # read as usual
    expected = matching(database, admin)
    assert len(expected) == 31 and page.model.ids() == expected
    return page


def test_a_register_clicked_before_the_warm_up_shows_the_kept_read_without_the_worker(village, sign_in, qtbot,
                                                                                        unbuilt, worker_submits):
    database, admin = village
    add_many_residents(database, admin, 120)
    window = sign_in(database)
    settled(qtbot, window)
    assert "residents" in window.workspace._kept and "residents" not in window.workspace.pages
    jobs = worker_submits()
    page = open_and_wait(qtbot, window, "residents")
    assert page_jobs(jobs) == []  # shown from the kept read: nothing asked of the worker
    expected = matching(database, admin)
    assert len(expected) == 120 and page.model.ids() == expected and page.ids_complete
    assert page.count_label.text() == count_text(page, 120)
    with database.session() as session:
        fresh = people.resident_search_index(session=session, actor=admin)
    assert page.search_index.keys == fresh.keys and list(page.search_index.ids) == expected
    assert page._page_actions_now() == page._register_actions and page._register_actions is not None
    assert "residents" not in window.workspace._kept  # taken once
    assert window.workspace.take_warm("residents") is None


def test_after_a_save_the_page_reads_afresh_and_shows_it(village, sign_in, qtbot, unbuilt, worker_submits):
    database, admin = village
    add_many_residents(database, admin, 30)
    window = sign_in(database)
    settled(qtbot, window)
    assert "residents" in window.workspace._kept
    save_then_open_reads_afresh(qtbot, window, database, admin, worker_submits)


def test_a_kept_read_is_not_shown_once_it_is_old(village, sign_in, qtbot, unbuilt, monkeypatch, worker_submits):
    database, admin = village
    add_many_residents(database, admin, 10)
    window = sign_in(database)
    settled(qtbot, window)
    monkeypatch.setattr(main_window, "WARM_KEPT_S", -1.0)  # every kept read is older than that
    jobs = worker_submits()
    page = open_and_wait(qtbot, window, "households")
    assert page_jobs(jobs)
    with database.session() as session:
        assert page.model.ids() == people.household_ids(session=session, actor=admin, query="", order="number")


def test_the_kept_household_choices_and_rows_are_those_a_fresh_read_finds(village, sign_in, qtbot, unbuilt,
                                                                          worker_submits):
    database, admin = village
    filled(database, admin)  # residents, and a group with its grid (三组第1网格)
    window = sign_in(database)
    settled(qtbot, window)
    jobs = worker_submits()
    page = open_and_wait(qtbot, window, "households")
    assert page_jobs(jobs) == []
    with database.session() as session:
        assert page.model.ids() == people.household_ids(session=session, actor=admin, query="", order="number")
        grids = people.grid_choices(session=session, actor=admin)
    assert [page.grid_filter.itemText(i) for i in range(1, page.grid_filter.count())] == [name for _id, name in grids]
    assert "三组第1网格" in [page.grid_filter.itemText(i) for i in range(page.grid_filter.count())]


def test_a_language_switch_drops_what_was_kept(village, sign_in, qtbot, unbuilt):
    database, admin = village
    add_many_residents(database, admin, 10)
    window = sign_in(database)
    settled(qtbot, window)
    assert "residents" in window.workspace._kept
    window.workspace.retranslate_ui()  # what switching the language does to the workspace
    assert window.workspace.take_warm("residents") is None and window.workspace._kept == {}


@pytest.mark.parametrize("key", ["residents", "households", "meetings", "concerns", "notices"])
def test_a_register_built_with_its_kept_read_reads_nothing_on_the_gui_thread(village, sign_in, qtbot, unbuilt,
                                                                            monkeypatch, worker_submits, key):
    """Its actions and its Excel export choice came with the warm read: building and showing it asks
    nothing synchronously (read_now), and nothing of the worker; the buttons are as a fresh read says."""
    from ui.ops import DatabaseWorker
    from ui.pages.register import export_choice

    database, admin = village
    add_many_residents(database, admin, 10)
    window = sign_in(database)
    settled(qtbot, window)
    asked: list[str] = []
    real = DatabaseWorker.read_now

    def read_now(self, fn):
        asked.append(getattr(fn, "__qualname__", repr(fn)))
        return real(self, fn)

    monkeypatch.setattr(DatabaseWorker, "read_now", read_now)
    jobs = worker_submits()
    page = open_and_wait(qtbot, window, key)
    assert asked == [] and page_jobs(jobs) == []
    with database.session() as session:
        assert page._register_actions == page.page_actions(session)
        choice = export_choice(session, admin, page.export_kind)
    assert page.export_button.isEnabled() == (choice is not None)


def test_a_register_built_before_a_save_reads_afresh_when_it_is_shown(village, sign_in, qtbot, monkeypatch,
                                                                      worker_submits):
    """A register built in the warm-up takes its kept read as it is built (its buttons ask for its
    actions); a save submitted before it is shown means that read may be old: it reads afresh."""
    real_prebuild = main_window.Workspace.prebuild
    monkeypatch.setattr(main_window.Workspace, "prebuild", lambda _self, _key: None)
    database, admin = village
    add_many_residents(database, admin, 30)
    window = sign_in(database)
    settled(qtbot, window)
    real_prebuild(window.workspace, "residents")  # built hidden, as the warm-up builds it
    built = window.workspace.pages["residents"]
    assert "residents" not in window.workspace._kept  # taken as it was built
    assert save_then_open_reads_afresh(qtbot, window, database, admin, worker_submits) is built
