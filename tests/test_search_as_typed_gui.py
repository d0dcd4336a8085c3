"""The residents search answers each keystroke (issue 16): no typing pause, one query on the
database worker at a time (the newest text next), the first screenful read with the ids."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtWidgets import QApplication

from app import i18n, people
from test_ui_village import add_many_residents
from ui.ops import worker
from ui.pages.register import FIRST_ROWS

pytestmark = pytest.mark.gui


def open_residents(qtbot, window):
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    return page


def matching(database, admin, query: str) -> list[str]:
    with database.session() as session:
        return people.resident_ids(session=session, actor=admin, query=query)


def test_a_keystroke_queries_at_once_and_shows_what_matches_the_box(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))

    qtbot.keyClicks(page.search, "z")
    assert worker().pending() >= 1  # the query is on the worker already: no pause to wait out
    qtbot.waitUntil(lambda: page.shown_query == "z" and worker().pending() == 0, timeout=10000)
    expected = matching(database, admin, "z")
    assert 0 < len(expected) < 120
    assert page.model.ids() == expected

    qtbot.keyClicks(page.search, "h")
    qtbot.waitUntil(lambda: page.shown_query == "zh" and worker().pending() == 0, timeout=10000)
    assert page.model.ids() == matching(database, admin, "zh")
    page.search.clear()
    qtbot.waitUntil(lambda: page.shown_query == "" and worker().pending() == 0, timeout=10000)
    assert page.model.rowCount() == 120


def test_keys_typed_while_a_query_runs_are_searched_together_after_it(village, sign_in, qtbot, monkeypatch):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    monkeypatch.setattr(page, "searches_in_memory", False)  # the search in SQL (in memory: test_search_in_memory_gui)
    page.search_index = None
    asked: list[str] = []
    query_ids = page.query_ids

    def counting(session, query, filters):
        asked.append(query)
        return query_ids(session, query, filters)

    page.query_ids = counting
    gate = threading.Event()
    worker().submit(lambda _worker: gate.wait(10), mode="call", writes=False)  # the worker is busy
    qtbot.keyClicks(page.search, "zha")
    gate.set()
    qtbot.waitUntil(lambda: page.shown_query == "zha" and worker().pending() == 0, timeout=10000)
    assert asked == ["z", "zha"]  # "zh" was never queried: it was typed while "z" waited
    assert page.model.ids() == matching(database, admin, "zha")


def test_the_first_screenful_comes_with_the_ids_and_the_rest_is_read_when_shown(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 120)
    page = open_residents(qtbot, sign_in(database))
    QApplication.processEvents()
    assert page.model.fetch_count == 0  # the rows on screen were read on the worker, with the ids
    first = page.model.row_object(0)
    assert first is not None and first.id == page.model.id_at(0)
    assert page.model.fetch_count == 0

    far = FIRST_ROWS + 30
    row = page.model.row_object(far)  # beyond the first screenful: read now, once
    assert page.model.fetch_count == 1
    with database.session() as session:
        (expected,) = people.resident_rows(session=session, actor=admin, ids=[page.model.id_at(far)])
    assert row.name == expected.name and row.id == expected.id
    page.model.row_object(far + 1)
    assert page.model.fetch_count == 1


def test_figures_and_dates_follow_the_language_switch():
    try:
        i18n.set_language("zh_CN")
        chinese = i18n.format_date(dt.date(2026, 1, 2)), i18n.format_percent(0.5)
        i18n.set_language("en")
        english = i18n.format_date(dt.date(2026, 1, 2)), i18n.format_number(1234567)
    finally:
        i18n.set_language("zh_CN")
    assert chinese == ("2026年1月2日", "50.0%")
    assert english == ("January 2, 2026", "1,234,567")
    assert i18n.format_date(dt.date(2026, 1, 2)) == "2026年1月2日"
