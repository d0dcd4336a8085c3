"""The start-up check (``PRAGMA quick_check`` and the daily backup, ui/start_checks.py) waits for
the pages to be warmed and for a pause in the clerk's clicks, so that a page opened right after
sign-in is built and read without it beside (issue 16); it still runs, and says what it found."""
from __future__ import annotations

import threading
import time

import pytest

pytestmark = pytest.mark.gui


def slow_to_start(monkeypatch, *, quiet: float, latest: float) -> threading.Event:
    from ui import main_window, start_checks

    started = threading.Event()

    def checks(_database):
        started.set()
        return ["今日自动备份未能完成：测试"]

    monkeypatch.setattr(start_checks, "_checks", checks)
    monkeypatch.setattr(main_window, "CHECKS_QUIET_S", quiet)
    monkeypatch.setattr(main_window, "CHECKS_LATEST_S", latest)
    return started


def test_the_check_waits_while_the_clerk_opens_pages_then_runs_and_says_what_it_found(sign_in, gui, village,
                                                                                       monkeypatch):
    database, _admin = village
    started = slow_to_start(monkeypatch, quiet=1.5, latest=60)
    window = sign_in(database)
    gui.waitUntil(lambda: window.warmup is not None and window.warmup.done, timeout=30000)
    keys = ["village", "households", "residents", "settings"]
    end = time.monotonic() + 2.5
    while time.monotonic() < end:  # a page every 0.2 s: never a pause of 1.5 s
        window.open_area(keys[0])
        keys.append(keys.pop(0))
        gui.wait(200)
        assert not started.is_set()
    gui.waitUntil(started.is_set, timeout=5000)  # the clerk paused
    gui.waitUntil(lambda: window.health_banner.isVisible(), timeout=5000)
    assert "测试" in window.health_banner.reason.text()


def test_the_check_runs_at_the_latest_after_a_while_however_busy_the_clerk_is(sign_in, gui, village, monkeypatch):
    database, _admin = village
    started = slow_to_start(monkeypatch, quiet=1000, latest=1.5)  # never quiet enough
    window = sign_in(database)
    gui.waitUntil(started.is_set, timeout=10000)
    gui.waitUntil(lambda: window.health_banner.isVisible(), timeout=5000)


def test_the_check_waits_for_the_warm_up_then_for_a_pause_after_it(sign_in, gui, village, monkeypatch):
    """While the pages are still being warmed the check does not start, however long the clerk
    waits; once they are, it waits for a pause counted from then (the clerk may start clicking
    the moment the pages are ready)."""
    from ui import warmup

    database, _admin = village
    started = slow_to_start(monkeypatch, quiet=1.2, latest=60)
    monkeypatch.setattr(warmup.PageWarmup, "start", lambda self: None)  # the warm-up never gets going
    window = sign_in(database)
    gui.waitUntil(lambda: window.warmup is not None, timeout=20000)
    gui.wait(2000)  # longer than the pause, counted from the last page opened (the 工作台)
    assert not started.is_set()
    window.warmup.done = True
    gui.wait(600)
    assert not started.is_set()
    gui.waitUntil(started.is_set, timeout=5000)
