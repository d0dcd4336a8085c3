"""The reads of each page's first open, run in a pause after sign-in (issue 16, Page.warm_reads): a
page a click builds before the warm-up did finds its statements compiled (and what they found kept
for it: tests/test_warm_kept_gui.py). They only read, as the signed-in actor, through the same app
functions as the page."""
from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import func, select

from app import auth, people
from app.errors import PermissionDenied
from db.tracking import AuditEntry
from test_ui_village import add_many_residents
from ui.ops import worker
from ui.pages import PAGES

pytestmark = pytest.mark.gui

# the pages whose first open is warmed (mediation: its counts, years and actions, and its list's
# statements compiled without reading a case: tests/test_mediation_first_open_gui.py; 设置 reads a
# few short statements of plain SQL)
WARMED = ("village", "households", "residents", "meetings", "concerns", "deliberation", "mediation", "volunteers",
          "points", "awards", "notices", "sync")


def page_class(key: str):
    import importlib

    module_name, class_name = PAGES[key].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def settled(qtbot, window) -> None:
    """The warm-up done, the warm reads too, nothing left on the worker."""
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done and not window.workspace.warming_reads
                    and worker().pending() == 0, timeout=20000)


def filled(database, admin) -> None:
    add_many_residents(database, admin, 60)
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="三组")
        people.add_grid(session=session, actor=admin, name="三组第1网格", group_id=group.id)


def test_a_page_clicked_before_the_warm_up_built_it_compiles_nothing_new(village, sign_in, qtbot, monkeypatch,
                                                                          compiles):
    from ui.main_window import Workspace

    database, admin = village
    filled(database, admin)
    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)  # a clerk quicker than the warm-up
    window = sign_in(database)
    settled(qtbot, window)
    workspace = window.workspace
    assert not set(WARMED) & set(workspace.pages)  # none built: each is built by its click
    for key in WARMED:
        compiles.clear()
        page = window.open_area(key)
        qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
        qtbot.wait(20)
        qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
        if key == "residents":  # its search index, read after the first screenful, is not warmed
            compiles[:] = [line for line in compiles if "resident.search_key, resident.household_id" not in line]
        assert compiles == [], key
        assert workspace.pages[key] is page


def test_without_the_warm_reads_the_first_open_compiles_its_statements(village, sign_in, qtbot, monkeypatch,
                                                                        compiles):
    """The check above can fail: with the warm reads left out, the same clicks compile."""
    from ui.main_window import Workspace

    database, admin = village
    filled(database, admin)
    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)
    monkeypatch.setattr(Workspace, "warm_reads", lambda _self, _keys: None)
    window = sign_in(database)
    settled(qtbot, window)
    compiles.clear()
    window.open_area("households")
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    assert any("household" in line for line in compiles), compiles


def test_warm_reads_leave_the_store_untouched(village):
    database, admin = village
    filled(database, admin)
    watcher = sqlite3.connect(database.path)  # another connection sees every commit in data_version
    before = watcher.execute("PRAGMA data_version").fetchone()[0]
    with database.session() as session:
        audit = session.exec(select(func.count()).select_from(AuditEntry)).one()
    for key in WARMED:
        with database.session() as session:
            page_class(key).warm_reads(session, admin)
            assert not session.new and not session.dirty and not session.deleted
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
    with database.session() as session:
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audit
    watcher.close()


def test_warm_reads_read_as_the_actor_and_are_refused_as_the_page_is(village, sign_in, qtbot, monkeypatch,
                                                                      worker_submits):
    """A role that may not read an area (the points shop keeper) is refused by the same app function its page calls; the
    refusal is dropped quietly (the page says it when opened), and nothing is shown."""
    from PySide6.QtWidgets import QApplication

    database, admin = village
    filled(database, admin)
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="grid", password="long-enough",
                         role=auth.SHOP, display_name="超市管理员")
    with database.unit() as session:
        grid = auth.authenticate(session=session, username="grid", password="long-enough")
    refused = []
    for key in WARMED:
        with database.session() as session:
            try:
                page_class(key).warm_reads(session, grid)
            except PermissionDenied:
                refused.append(key)
    with database.session() as session:
        for key in refused:  # the page's own first read is refused too
            with pytest.raises(PermissionDenied):
                page_class(key).warm_reads(session, grid)
    assert "residents" in refused and "points" not in refused  # the shop keeper: the points shop only

    from ui.main_window import Workspace

    # no page built in the warm-up (their own reads while hidden are not what is checked here)
    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)
    submitted = worker_submits()
    window = sign_in(database, "grid", "long-enough")
    settled(qtbot, window)
    offered = [key for key in WARMED if key in window.workspace.offered]  # the pages the shop keeper sees
    assert "points" in offered and "residents" not in offered
    assert sum(name.endswith("warm_reads.<locals>.next_one.<locals>.read") for name in submitted) >= len(offered)
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() in ("errorBox", "bugBox") and w.isVisible()]


def test_a_page_whose_code_fails_to_load_is_skipped_and_the_others_are_warmed(village, sign_in, qtbot, monkeypatch,
                                                                               tmp_path, worker_submits):
    import sys

    (tmp_path / "warm_reads_broken.py").write_text("raise RuntimeError('broken on purpose')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "warm_reads_broken", raising=False)
    monkeypatch.setitem(PAGES, "awards", "warm_reads_broken:AwardsPage")
    database, admin = village
    filled(database, admin)
    submitted = worker_submits()
    window = sign_in(database)
    settled(qtbot, window)  # the warm reads ended (warming_reads is False again)
    warmed = sum(name.endswith("warm_reads.<locals>.next_one.<locals>.read") for name in submitted)
    assert warmed == len(window.workspace.offered) - 2  # every page but the 工作台 and the broken one
