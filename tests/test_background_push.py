"""The outbox is sent in the background: who it runs for, what it reports, and that closing stops it."""
from __future__ import annotations

import threading
import time

import pytest

from app.auth import Actor

pytestmark = pytest.mark.gui

CLERK = Actor(user_id="1", username="wenshu", display_name="文书", role="clerk")
GRID = Actor(user_id="2", username="wangge", display_name="网格员", role="grid_worker")


class FakeDatabase:
    read_only = False


@pytest.fixture
def calls(monkeypatch):
    from app.sync import push

    seen: list[dict] = []
    behaviour = {"results": [{"state": "acknowledged"}, {"state": "error"}], "block": False}

    def fake_push(database, actor, **options):
        seen.append({"database": database, "actor": actor, **options})
        if behaviour["block"]:
            options["cancel"].wait(30)
            return []
        return behaviour["results"]

    monkeypatch.setattr(push, "push_outbox", fake_push)
    return seen, behaviour


def test_a_village_clerk_s_outbox_is_sent_after_sign_in_and_reported(qtbot, calls):
    from ui.background_push import BackgroundPush, describe

    seen, _behaviour = calls
    pusher = BackgroundPush(first_ms=10, interval_ms=60_000)
    database = FakeDatabase()
    with qtbot.waitSignal(pusher.finished, timeout=10_000) as finished:
        pusher.start(database, CLERK, "village")
    assert finished.args[0] == [{"state": "acknowledged"}, {"state": "error"}]
    assert seen[0]["database"] is database and seen[0]["actor"] is CLERK
    assert not seen[0].get("force")  # failed bundles wait for their own next attempt
    text = describe(finished.args[0])
    assert "1" in text and text.count("。") == 2  # one sent, one to try again (in Chinese)
    pusher.schedule_next()
    assert pusher.timer.isActive() and pusher.timer.interval() == 60_000
    pusher.stop()
    assert not pusher.timer.isActive()


@pytest.mark.parametrize("actor, kind, read_only", [(GRID, "village", False), (CLERK, "township", False),
                                                     (CLERK, "village", True)])
def test_nothing_is_sent_for_other_roles_a_township_or_a_read_only_store(qtbot, calls, actor, kind, read_only):
    from ui.background_push import BackgroundPush

    seen, _behaviour = calls
    pusher = BackgroundPush(first_ms=10)
    database = FakeDatabase()
    database.read_only = read_only
    pusher.start(database, actor, kind)
    qtbot.wait(200)
    assert not pusher.timer.isActive() and seen == []
    pusher.run_now()
    assert seen == []


def test_closing_ends_a_send_under_way_at_once(qtbot, calls):
    from ui.background_push import BackgroundPush

    seen, behaviour = calls
    behaviour["block"] = True
    pusher = BackgroundPush(first_ms=10)
    pusher.start(FakeDatabase(), CLERK, "village")
    qtbot.waitUntil(lambda: pusher.running, timeout=10_000)
    cancel = seen[0]["cancel"]
    started = time.perf_counter()
    pusher.stop()
    assert cancel.is_set() and time.perf_counter() - started < 3 and not pusher.running


def test_an_error_in_a_run_is_logged_and_the_program_goes_on(qtbot, monkeypatch):
    from app.errors import StateError
    from app.sync import push
    from ui.background_push import BackgroundPush

    def no_target(database, actor, **options):
        raise StateError("没有接收地址")

    monkeypatch.setattr(push, "push_outbox", no_target)
    pusher = BackgroundPush(first_ms=10)
    with qtbot.waitSignal(pusher.finished, timeout=10_000) as finished:
        pusher.start(FakeDatabase(), CLERK, "village")
    assert finished.args[0] == []
    assert threading.active_count() >= 1
    pusher.stop()
