"""The residents page's first open reads the whole list and the search index in one trip (issue 16):
the index is read from SQL in the scope and order of the ids, so the whole list is its answer for
the search (or ``query_ids``' when it cannot answer), and every resident is read once, not twice."""
from __future__ import annotations

import threading

import pytest

from test_search_two_trips_gui import count_text, matching
from test_ui_village import add_many_residents
from ui.ops import worker
from ui.pages import register
from ui.pages.residents import ResidentsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def clicked_first(monkeypatch):
    """No page built or read in the warm-up (the residents page is built, shown and read by its
    click: no warm read kept for it, tests/test_warm_kept_gui.py), and a first trip of the first
    screenful only (120 residents need the second)."""
    from ui.main_window import Workspace

    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)
    monkeypatch.setattr(Workspace, "warm_reads", lambda _self, _keys: None)
    monkeypatch.setattr(register, "FIRST_IDS", 0)


def open_residents(qtbot, window):
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done and worker().pending() == 0,
                    timeout=20000)
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and page.search_index is not None and worker().pending() == 0,
                    timeout=10000)
    return page


def jobs_of(names: list[str]) -> list[str]:
    return [name for name in names if "RegisterPage" in name or "ResidentsPage" in name]


def test_the_whole_list_and_the_index_come_in_one_trip(village, sign_in, qtbot, clicked_first, worker_submits):
    database, admin = village
    add_many_residents(database, admin, 120)
    window = sign_in(database)
    jobs = worker_submits()
    page = open_residents(qtbot, window)
    expected = matching(database, admin)
    assert len(expected) == 120 and page.model.ids() == expected and page.ids_complete
    assert page.count_label.text() == count_text(page, 120)
    assert list(page.search_index.ids) == expected
    with database.session() as session:
        from app import people

        read = people.resident_search_index(session=session, actor=admin)
    assert page.search_index.keys == read.keys and page.search_index.households == read.households
    assert jobs_of(jobs) == ["RegisterPage.reload.<locals>.op", "RegisterPage._read_rest_with_index.<locals>.op"]
    assert not page._index_loading and page._reading_rest == 0


def test_a_search_the_index_cannot_answer_is_read_with_query_ids(village, sign_in, qtbot, clicked_first,
                                                                  monkeypatch):
    database, admin = village
    add_many_residents(database, admin, 120)
    monkeypatch.setattr(ResidentsPage, "match_in_memory", lambda _self, _index, _query, _filters: None)
    page = open_residents(qtbot, sign_in(database))
    assert page.model.ids() == matching(database, admin) and page.ids_complete
    assert page.search_index is not None


def test_people_changed_while_it_was_read_the_index_is_read_again(village, sign_in, qtbot, clicked_first,
                                                                   monkeypatch, worker_submits):
    database, admin = village
    add_many_residents(database, admin, 120)
    window = sign_in(database)
    started, release = threading.Event(), threading.Event()
    real = ResidentsPage.read_search_index
    reads: list[int] = []

    def held(self, session):
        reads.append(1)
        if len(reads) == 1:
            started.set()
            release.wait(10)
        return real(self, session)

    monkeypatch.setattr(ResidentsPage, "read_search_index", held)
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done and worker().pending() == 0,
                    timeout=20000)
    jobs = worker_submits()
    page = window.open_area("residents")
    qtbot.waitUntil(started.is_set, timeout=10000)
    first = page.search_index
    page._drop_index()  # what a change to people does meanwhile
    release.set()
    qtbot.waitUntil(lambda: page.ids_complete and page.search_index is not None and worker().pending() == 0,
                    timeout=10000)
    assert first is None and len(reads) == 2  # the index read during the change dropped, read again
    assert [name.rsplit(".", 1)[-1] for name in jobs][-1] == "held"  # on its own, after the whole list
    assert list(page.search_index.ids) == matching(database, admin) == page.model.ids()
