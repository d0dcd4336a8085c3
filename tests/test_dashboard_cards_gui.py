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
