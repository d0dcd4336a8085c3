"""村情, 志愿服务, 评选表彰 and 积分 clicked before the warm-up built them (issue 16): each shows what its
warm read kept for it (``Page.take_warm``, ``community.KeptRead``) without asking the store
anything, on the worker or on the GUI thread, and shows what a fresh read finds. After a save, or
once the kept read is held too long, the page reads as usual and shows what the store holds now."""
from __future__ import annotations

import pytest

from app import awards, demo, people, points
from app import volunteers as v
from test_warm_reads_gui import settled
from ui import main_window
from ui.ops import DatabaseWorker, worker
from ui.pages.community import KeptRead

pytestmark = pytest.mark.gui

# the classes whose reads are the page's own (the window's start-up check and backup are not)
OWN = {"village": ("VillagePage",), "volunteers": ("VolunteersPage", "ActivitiesTab"),
       "awards": ("AwardsPage",), "points": ("PointsPage", "CounterTab")}


@pytest.fixture
def unbuilt(monkeypatch):
    """A clerk quicker than the warm-up: no page is built in the pauses after sign-in."""
    monkeypatch.setattr(main_window.Workspace, "prebuild", lambda _self, _key: None)


@pytest.fixture
def demo_village(village):
    database, admin = village
    with database.unit() as session:
        demo.generate(session=session, actor=admin, size="small", seed=1)
    return database, admin


@pytest.fixture
def reads(monkeypatch):
    """``watch()``: the qualified names of what is read from now on, on the worker (``submit``)
    or right on the GUI thread (``read_now``)."""

    def watch() -> list[str]:
        names: list[str] = []
        submit, read_now = DatabaseWorker.submit, DatabaseWorker.read_now

        def submitting(self, fn, **kwargs):
            names.append(getattr(fn, "__qualname__", ""))
            return submit(self, fn, **kwargs)

        def reading(self, fn):
            names.append(getattr(fn, "__qualname__", ""))
            return read_now(self, fn)

        monkeypatch.setattr(DatabaseWorker, "submit", submitting)
        monkeypatch.setattr(DatabaseWorker, "read_now", reading)
        return names

    return watch


def own(names: list[str], key: str) -> list[str]:
    return [name for name in names if name.split(".")[0] in OWN[key]]


def open_and_wait(qtbot, window, key: str):
    page = window.open_area(key)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    qtbot.wait(30)  # a read started by what arrived (the first selection's progress …)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    return page


def ids(rows) -> list[str]:
    return [row.id for row in rows]


def shown(page, key: str) -> dict:
    """What the page shows of its first read."""
    if key == "village":
        return {"groups": ids(page.groups.model.rows()), "grids": ids(page.grids.model.rows()),
                "name": page.name.text(), "code": page.code.text(), "can_edit": page.can_edit}
    if key == "volunteers":
        tab = page.activities
        return {"activities": ids(tab.model.rows()), "teams": ids(tab.team_rows), "actions": page.actions(),
                "new": tab.new_button.isEnabled()}
    if key == "awards":
        return {"campaigns": ids(page.model.rows()), "chosen": page.campaign.id if page.campaign else None,
                "nominations": ids(page.nomination_model.rows()), "objections": ids(page.objection_model.rows()),
                "actions": page.actions, "register": page.register_actions(),
                "buttons": {k: b.isEnabled() for k, b in page.buttons.items()}}
    return {"goods": ids(page.counter.goods_model.rows()), "actions": page.actions()}


def fresh(database, admin, key: str) -> dict:
    """The same, read now from the store through the app functions."""
    with database.session() as s:
        if key == "village":
            o = people.village_overview(session=s, actor=admin)
            return {"groups": ids(o.groups), "grids": ids(o.grids), "name": o.name, "code": o.code,
                    "can_edit": people.allowed_actions(session=s, actor=admin, kind="village").get("edit", "") is None}
        if key == "volunteers":
            actions = v.allowed_actions(session=s, actor=admin)
            return {"activities": ids(v.activities(session=s, actor=admin, limit=300)),
                    "teams": ids(v.teams(session=s, actor=admin)), "actions": actions,
                    "new": actions.get("new_activity", "") is None}
        if key == "awards":
            rows = awards.campaigns(session=s, actor=admin)
            first = rows[0].id
            return {"campaigns": ids(rows), "chosen": first,
                    "nominations": ids(awards.nominations(session=s, actor=admin, campaign_id=first)),
                    "objections": ids(awards.objections(session=s, actor=admin, campaign_id=first)),
                    "actions": awards.allowed_actions(session=s, actor=admin, campaign_id=first),
                    "register": awards.allowed_actions(session=s, actor=admin), "buttons": None}
        return {"goods": ids(points.goods(session=s, actor=admin)),
                "actions": points.allowed_actions(session=s, actor=admin)}


def same(page_shows: dict, store_has: dict) -> None:
    store_has = {k: value for k, value in store_has.items() if value is not None}
    assert {k: value for k, value in page_shows.items() if k in store_has} == store_has


@pytest.mark.parametrize("key", list(OWN))
def test_a_page_clicked_before_the_warm_up_shows_its_kept_read_without_reading(demo_village, sign_in, qtbot, unbuilt,
                                                                               reads, key):
    database, admin = demo_village
    window = sign_in(database)
    settled(qtbot, window)
    assert key in window.workspace._kept and key not in window.workspace.pages
    names = reads()
    page = open_and_wait(qtbot, window, key)
    assert own(names, key) == []  # shown from the kept read: nothing read, on the worker or here
    expected = fresh(database, admin, key)
    assert any(value for name, value in expected.items() if name in ("groups", "activities", "campaigns", "goods"))
    same(shown(page, key), expected)
    assert key not in window.workspace._kept  # taken once


@pytest.mark.parametrize("key", list(OWN))
def test_the_same_page_read_as_usual_shows_the_same(demo_village, sign_in, qtbot, unbuilt, monkeypatch, reads, key):
    """The check above can fail: without a kept read the page reads, and shows what it shows with one."""
    monkeypatch.setattr(main_window.Workspace, "take_warm", lambda _self, _key: None)
    database, admin = demo_village
    window = sign_in(database)
    settled(qtbot, window)
    names = reads()
    page = open_and_wait(qtbot, window, key)
    assert own(names, key)
    same(shown(page, key), fresh(database, admin, key))


@pytest.mark.parametrize("key", list(OWN))
def test_after_a_save_the_page_reads_afresh(demo_village, sign_in, qtbot, unbuilt, reads, key):
    database, admin = demo_village
    window = sign_in(database)
    settled(qtbot, window)
    assert key in window.workspace._kept

    def save(session):  # a save in this window after the warm read (as a dialog's DbOp does)
        group = people.add_group(session=session, actor=admin, name="九组")
        people.add_grid(session=session, actor=admin, name="九组第1网格", group_id=group.id)

    failed: list = []
    worker().submit(save, actor=admin, on_failure=failed.append)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    assert failed == []
    names = reads()
    page = open_and_wait(qtbot, window, key)
    assert own(names, key)  # read as usual
    expected = fresh(database, admin, key)
    same(shown(page, key), expected)
    if key == "village":
        assert "九组" in [row.name for row in page.groups.model.rows()]


def test_a_kept_read_held_too_long_is_not_shown(demo_village, sign_in, qtbot, unbuilt, monkeypatch, reads):
    """A page built in the warm-up takes its kept read when built and shows it when preloaded; held
    longer than KeptRead.HELD_S, the page reads as usual."""
    monkeypatch.setattr(KeptRead, "HELD_S", -1.0)
    database, admin = demo_village
    window = sign_in(database)
    settled(qtbot, window)
    names = reads()
    page = open_and_wait(qtbot, window, "points")
    assert own(names, "points")
    same(shown(page, "points"), fresh(database, admin, "points"))


def test_the_activities_dates_are_formatted_on_the_worker(demo_village, sign_in, qtbot, unbuilt, monkeypatch):
    """志愿服务's table measures every activity's date when its rows arrive: they were formatted with
    the read, on the database worker (format_date remembers them), not by babel on the GUI thread."""
    import threading

    import babel.dates

    from app import i18n

    i18n._remembered_date.cache_clear()
    formatted_here: list = []
    original = babel.dates.format_date

    def watched(*args, **kwargs):
        if threading.current_thread() is threading.main_thread():
            formatted_here.append(args[0] if args else kwargs.get("date"))
        return original(*args, **kwargs)

    monkeypatch.setattr(babel.dates, "format_date", watched)
    database, admin = demo_village
    window = sign_in(database)
    settled(qtbot, window)
    formatted_here.clear()
    page = open_and_wait(qtbot, window, "volunteers")
    rows = page.activities.model.rows()
    assert len({row.held_on for row in rows}) > 5
    assert formatted_here == []
    # and through the usual read too (after a save, nothing is kept)
    i18n._remembered_date.cache_clear()
    page.activities.reload()
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    assert formatted_here == []


def add_group_and_grid(admin):
    def save(session):  # a save in this window after the warm read (as a dialog's DbOp does)
        group = people.add_group(session=session, actor=admin, name="九组")
        people.add_grid(session=session, actor=admin, name="九组第1网格", group_id=group.id)

    failed: list = []
    worker().submit(save, actor=admin, on_failure=failed.append)
    return failed


@pytest.mark.parametrize("key", list(OWN))
def test_a_page_built_with_its_kept_read_is_filled_before_it_is_shown(demo_village, sign_in, qtbot, unbuilt, reads,
                                                                      key):
    """Filled as it is built (laid out and painted once, with its rows); shown soon after, it reads
    nothing more. 村情 built so, then a save before it is shown: it reads again and shows the save."""
    database, admin = demo_village
    window = sign_in(database)
    settled(qtbot, window)
    workspace = window.workspace
    names = reads()
    page = workspace._create_page(key)  # as the warm-up builds it, hidden
    workspace.pages[key] = page
    workspace.stack.addWidget(page)
    assert not page.isVisible()
    same(shown(page, key), fresh(database, admin, key))
    assert own(names, key) == []
    if key != "village":
        return
    failed = add_group_and_grid(admin)
    qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    assert failed == []
    open_and_wait(qtbot, window, key)
    assert own(names, key)
    assert "九组" in [row.name for row in page.groups.model.rows()]
    same(shown(page, key), fresh(database, admin, key))
