"""Code loaded while the clerk is busy elsewhere (issue 16): ui/warmup.py."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication

from app import people
from test_ui_village import add_many_residents
from ui import warmup
from ui.pages import PAGES
from ui.ops import worker

pytestmark = pytest.mark.gui


def test_the_warmup_imports_each_module_once_and_survives_a_broken_one(qtbot, tmp_path, monkeypatch, caplog):
    (tmp_path / "warm_first.py").write_text("LOADED = True\n", encoding="utf-8")
    (tmp_path / "warm_broken.py").write_text("raise RuntimeError('broken on purpose')\n", encoding="utf-8")
    (tmp_path / "warm_last.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("warm_first", "warm_broken", "warm_last"):
        monkeypatch.delitem(sys.modules, name, raising=False)

    job = warmup.PageWarmup(["warm_first", "warm_broken", "warm_first", "warm_last"])
    assert not job.done and "warm_first" not in sys.modules  # nothing before it is started
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert job.done
    assert sys.modules["warm_first"].LOADED and sys.modules["warm_last"].LOADED
    assert "warm_broken" not in sys.modules
    assert "warming up warm_broken" in caplog.text


def test_page_modules_follow_the_registry():
    pages = {"a": "ui.pages.a:APage", "b": "ui.pages.b:BPage"}
    assert warmup.page_modules(["b", "x", "a"], pages) == ["ui.pages.b", "ui.pages.a"]
    # with what a page loads when it is built, for the kind of store
    assert warmup.page_modules(["sync"], PAGES) == ["ui.pages.sync", "ui.pages.sync.village"]
    assert warmup.page_modules(["sync"], PAGES, "township") == ["ui.pages.sync", "ui.pages.sync.township"]


def test_a_page_built_by_a_click_after_the_warm_up_loads_no_code(village, sign_in, qtbot, monkeypatch):
    """The warm-up loaded every module a page loads when it is built (数据报送's part for the store,
    设置's administration box): a click that builds the page imports nothing."""
    from ui.main_window import Workspace

    database, _admin = village
    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)  # a clerk quicker than the warm-up
    window = sign_in(database)
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done and worker().pending() == 0,
                    timeout=20000)
    for key in window.workspace.offered:
        if key in window.workspace.pages:
            continue
        loaded = set(sys.modules)
        window.open_area(key)
        qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
        assert set(sys.modules) - loaded == set(), key


def test_after_sign_in_the_pages_not_opened_are_loaded_and_still_show_their_data(village, sign_in, qtbot):
    database, admin = village
    add_many_residents(database, admin, 30)
    window = sign_in(database)
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done, timeout=20000)
    workspace = window.workspace
    # Every page is built and hidden; those that read only on their first show have read it (reads
    # only), except the mediation cases, read only when the mediator opens the page.
    assert set(workspace.pages) == set(workspace.offered)
    assert workspace.current_page() is workspace.pages["dashboard"]
    for key in workspace.offered:
        assert all(name in sys.modules for name in warmup.page_modules([key], PAGES))
        assert key == "dashboard" or not workspace.pages[key].isVisible()
    assert workspace.pages["residents"]._loaded_once and workspace.pages["residents"].model.rowCount() == 30
    assert not workspace.pages["mediation"]._loaded_once and workspace.pages["mediation"].model.rowCount() == 0
    assert worker().pending() == 0
    fetches = workspace.pages["residents"].model.fetch_count
    page = window.open_area("residents")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    qtbot.wait(50)
    assert page.model.fetch_count == fetches  # opened: painted from what was read, nothing read again
    with database.session() as session:
        expected = people.resident_ids(session=session, actor=admin)
    assert len(expected) == 30 and page.model.ids() == expected
    with database.session() as session:
        (first,) = people.resident_rows(session=session, actor=admin, ids=expected[:1])
    assert page.model.row_object(0).name == first.name


def test_the_widget_types_are_made_in_the_warm_up_not_on_the_first_page():
    """PySide6 makes a widget class's Python type, with a batch of enums, the first time one is
    built: after the warm-up's first step, building the widgets of a page makes none."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = """
import enum, json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
made = {"n": 0}
original = enum.EnumMeta.__new__
def counting(metacls, *args, **kwargs):
    made["n"] += 1
    return original(metacls, *args, **kwargs)
enum.EnumMeta.__new__ = counting
if sys.argv[1] == "warm":
    from ui import warmup
    warmup.make_widget_types()
before = made["n"]
from PySide6.QtWidgets import QComboBox, QSplitter, QTableView, QTabWidget
widgets = [QTabWidget(), QTableView(), QSplitter(), QComboBox()]
print(json.dumps({"warm_up": before, "page": made["n"] - before}))
"""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    counts = {}
    for mode in ("cold", "warm"):
        result = subprocess.run([sys.executable, "-c", probe, mode], cwd=root, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        counts[mode] = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["cold"]["page"] >= 10  # without the warm-up the page pays for them
    assert counts["warm"]["warm_up"] >= 10 and counts["warm"]["page"] == 0


def test_the_enum_types_warmed_up_exist_and_are_made_by_the_warm_up():
    """Each enum the warm-up makes is there under its name (a wrong name would be skipped quietly),
    and is an enum type once the step has run."""
    import enum
    import importlib

    warmup.make_enum_types()
    for module_name, class_name, names in warmup.ENUM_TYPES:
        cls = getattr(importlib.import_module(f"PySide6.{module_name}"), class_name)
        for name in names:
            assert isinstance(getattr(cls, name), enum.EnumMeta), (class_name, name)


def test_a_page_built_in_the_warm_up_is_the_one_opened_and_a_failing_build_waits_for_the_click(
        village, sign_in, qtbot, monkeypatch, caplog):
    database, _admin = village
    from ui.pages.awards import AwardsPage

    def broken(*_args, **_kwargs):
        raise RuntimeError("built wrong on purpose")

    monkeypatch.setattr(AwardsPage, "__init__", broken)
    window = sign_in(database)
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done, timeout=20000)
    workspace = window.workspace
    assert "awards" not in workspace.pages and "warming up" in caplog.text  # logged, the rest built
    built = workspace.pages["meetings"]
    assert window.open_area("meetings") is built and workspace.stack.currentWidget() is built
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)


def test_a_step_that_cannot_run_yet_is_tried_again_in_a_later_pause(qtbot):
    """A page's preload waits while the database worker is busy (the clerk's own work goes first)."""
    calls, after = [], []

    def busy_twice() -> bool:
        calls.append(1)
        return len(calls) >= 3

    job = warmup.PageWarmup([], builds=[busy_twice, lambda: after.append(len(calls))])
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert len(calls) == 3 and after == [3]  # in order: the next step only once it ran


def test_what_the_warm_up_loaded_is_kept_out_of_the_garbage_collectors_full_passes(village, sign_in, qtbot,
                                                                                   monkeypatch):
    import gc

    frozen: list[bool] = []
    window = None
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(window is not None and window.warmup is not None
                                                            and window.warmup.done))
    database, _admin = village
    window = sign_in(database)
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done, timeout=20000)
    qtbot.waitUntil(lambda: True in frozen, timeout=5000)  # once at sign-in, again when the pages are loaded


def test_every_character_of_the_interface_is_drawn_once_in_the_pauses(qtbot):
    """The glyphs of the interface's texts are drawn in the warm-up's pauses, a chunk at a time, the
    most used first: each character of the language's catalogue once."""
    import functools

    from app import i18n

    chars = warmup.interface_characters("zh_CN")
    assert len(set(chars)) == len(chars) > 500 and not any(char.isspace() for char in chars)
    catalog = i18n.translations("zh_CN")
    for message in ("Sign in", "Residents", "Export Excel…", "Households"):
        assert set(catalog.gettext(message)) - {" "} <= set(chars)
    assert chars.index("村") < chars.index("婿")  # 村 is everywhere, 婿 in one relation's name
    job = warmup.PageWarmup([])
    drawn = [step.args[0] for step in job._todo
             if isinstance(step, functools.partial) and step.func is warmup.draw_glyphs]
    assert "".join(drawn) == warmup.interface_characters()
    assert all(len(chunk) <= warmup.GLYPHS_PER_STEP for chunk in drawn)
    with qtbot.waitSignal(job.finished, timeout=10000):
        job.start()
    assert len(warmup.interface_characters("en")) < len(chars) / 2  # Latin, and the Chinese terms it keeps


def test_glyphs_are_drawn_where_the_pages_draw_them(qtbot, monkeypatch):
    """A Chinese character (a whole number of pixels wide) is drawn on a pixel's edge, where a label
    or a cell starts; a letter or digit (a fraction of a pixel wide) at each quarter of a pixel, the
    places Qt keeps a glyph's picture for. Each in the font that draws it (a fallback's glyph for a
    character the first font lacks), regular and bold."""
    from PySide6.QtGui import QFont, QPainter, QRawFont

    from ui import style

    style.ensure_cjk_font()
    monkeypatch.setattr(QApplication, "font", staticmethod(style.ui_font))
    calls = []
    monkeypatch.setattr(QPainter, "drawGlyphRun", lambda _painter, origin, run: calls.append(
        (run.rawFont().weight() >= QFont.Weight.DemiBold, list(run.glyphIndexes()),
         {(position.x() + origin.x(), position.y() + origin.y()) for position in run.positions()},
         run.rawFont())))
    text = "村李Ag7"
    warmup.draw_glyphs(text)

    def places(char: str, bold: bool) -> set[float]:
        font = style.ui_font()
        font.setBold(bold)
        found = set()
        for is_bold, glyphs, positions, raw in calls:
            if is_bold == bold and raw.supportsCharacter(char) and raw.glyphIndexesForString(char)[0] in glyphs:
                found |= {x for x, _y in positions}
        return found

    metrics = QRawFont.fromFont(style.ui_font())
    for bold in (False, True):
        for char in "村李":
            assert places(char, bold) == {0.0}
        for char in "Ag7":
            advance = metrics.advancesForGlyphIndexes(metrics.glyphIndexesForString(char))[0].x()
            assert places(char, bold) == ({0.0, 0.25, 0.5, 0.75} if advance != int(advance) else {0.0})
    assert any(places(char, False) == {0.0, 0.25, 0.5, 0.75} for char in "Ag7")  # the font has such letters
    assert set(text) <= warmup.DRAWN[False] and set(text) <= warmup.DRAWN[True]


def test_the_texts_of_a_warm_read_are_those_a_screen_shows():
    """Names and titles in a page's warm read, as deep as a row's fields, the first rows of a list
    only, short texts only; a language's spaces and the dict keys are not drawn."""
    import dataclasses

    @dataclasses.dataclass
    class Row:
        name: str
        phone: str
        note: str
        tags: tuple[str, ...]

    @dataclasses.dataclass
    class Opening:
        actions: dict[str, str | None]
        rows: list[Row]

    rows = [Row("李明", "138", "长" * (warmup.LONGEST_TEXT + 1), ("低保",))]
    rows += [Row("王五", "", "", ())] * (warmup.ROWS_LOOKED_AT - 1) + [Row("赵六", "", "", ())]
    found = warmup.characters_of(Opening({"编辑": None}, rows))
    assert set("李明138低保王五") <= found
    assert "长" not in found and "赵" not in found and "编" not in found and " " not in found
    assert warmup.texts_of(Opening({}, rows)) == {"李明", "138", "低保", "王五", ""}


def test_a_warm_read_kept_has_its_characters_drawn_and_its_texts_measured(village, sign_in, qtbot, monkeypatch):
    """Each warm read a page keeps for its first open (ui.main_window.Workspace.warm_reads) has its
    names drawn and measured in a pause: a group's name no interface text has; the village page
    a click builds then fits its columns from those measures."""
    from PySide6.QtGui import QFontMetricsF

    from ui import main_window, table_model

    database, admin = village
    with database.unit(admin) as session:
        people.add_group(session=session, actor=admin, name="鑫淼组", leader_name="燚犇")
    from test_warm_reads_gui import settled

    monkeypatch.setattr(warmup, "DRAWN", {False: set(), True: set()})
    monkeypatch.setattr(table_model, "_ADVANCES", {})
    monkeypatch.setattr(main_window.Workspace, "prebuild", lambda _self, _key: None)  # built by the click
    drawn: list[str] = []
    real = warmup.draw_glyphs
    monkeypatch.setattr(warmup, "draw_glyphs", lambda text, weights=(False, True): (drawn.append(text),
                                                                                     real(text, weights)))
    window = sign_in(database)
    settled(qtbot, window)
    qtbot.waitUntil(lambda: set("鑫淼燚犇") <= warmup.DRAWN[False], timeout=5000)
    assert any("鑫" in text for text in drawn)
    assert not any("鑫" in char for char in warmup.interface_characters())
    metrics, advances = table_model.advances_in(QApplication.font())
    assert advances["鑫淼组"] == QFontMetricsF(QApplication.font()).horizontalAdvance("鑫淼组")
    advances["鑫淼组"] = 500.0  # a width only this cache knows
    page = window.open_area("village")
    qtbot.waitUntil(lambda: page.overview is not None and worker().pending() == 0, timeout=10000)
    QApplication.processEvents()
    table = page.groups.table
    assert table.font().key() == QApplication.font().key()
    assert table.columnWidth(1) == 500 + table.itemDelegate()._double_margin
