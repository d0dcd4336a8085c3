"""The 工作台 paints its to-do list before building the figure cards (issue 16): the cards are made
with the first figures, and then every card shows the figure the statistics give."""
from __future__ import annotations

import threading

import pytest

from app import stats
from test_ui_village import add_many_residents
from ui.ops import worker
from ui.pages.dashboard import SECTIONS

pytestmark = pytest.mark.gui


def test_cards_are_built_with_the_first_figures_and_show_them(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 30)
    window = sign_in(database)
    page = window.workspace.pages["dashboard"]
    qtbot.waitUntil(lambda: page.figures_loaded and worker().pending() == 0, timeout=20000)

    gate = threading.Event()
    worker().submit(lambda _worker: gate.wait(10), mode="call", writes=False)  # figures wait behind it
    window.open_area("settings")
    old = window.workspace.pages.pop("dashboard")
    window.workspace.stack.removeWidget(old)
    old.deleteLater()
    page = window.open_area("dashboard")
    assert page.cards == {} and not page.figures_loaded  # the to-do list and cards wait for their reads
    gate.set()
    qtbot.waitUntil(lambda: page.figures_loaded, timeout=20000)

    with database.session() as session:
        figures = stats.collect(session=session, actor=admin)
    expected = {(section.key, spec.label) for section in SECTIONS for spec in section.cards}
    assert set(page.cards) == expected
    for section in SECTIONS:
        for spec in section.cards:
            card = page.card(section.key, spec.label)
            assert card.figure == (spec.value(figures) if section.key in figures else None), spec.label
    assert page.card("people", "Residents living in the village").figure == 30


def test_shown_again_it_reads_again_only_after_something_was_saved(village, sign_in, qtbot, monkeypatch, worker_submits):
    """Back on the 工作台 after looking at other pages, with nothing saved meanwhile, it shows the
    to-do list and figures it read (only 开始使用 and the backup's age are looked at again); after a save anywhere in the window, or once its figures are old, it
    reads again."""
    from ui.ops import worker

    database, _admin = village
    window = sign_in(database)
    home = window.workspace.pages["dashboard"]
    qtbot.waitUntil(lambda: home.figures_loaded and home.todo_loaded and worker().pending() == 0, timeout=20000)
    reads = worker_submits()

    def back_to_the_dashboard() -> list[str]:
        reads.clear()
        window.open_area("village")
        qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
        reads.clear()
        window.open_area("dashboard")
        qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
        return [name for name in reads if name.startswith(("DashboardPage.load_todo", "DashboardPage.load_figures"))]

    assert back_to_the_dashboard() == []
    worker().announce({"backups"})  # the daily backup made: neither the to-do list nor a figure changed
    assert back_to_the_dashboard() == []
    worker().announce({"concerns"})  # a save somewhere in the window
    assert any("load_figures" in name for name in back_to_the_dashboard())
    assert back_to_the_dashboard() == []
    monkeypatch.setattr(type(home), "UNCHANGED_FOR_S", 0.0)  # its figures are old
    assert any("load_todo" in name for name in back_to_the_dashboard())
