"""``villagedesk --self-test``: does this installed program work? (the installers' smoke test)

In a temporary folder (the user's data is never touched) it makes a small demo store through the
command line's own ``demo`` command, opens the main window on it (offscreen unless told
otherwise), signs in through the login form as a clerk would, opens every page of
``ui.pages.PAGES`` and exits 0. Any failure — a page that cannot be imported, an internal error
reported by a page, an exception that reaches the event loop, a step that never finishes — prints
what failed to stderr and exits 1. Each step's time is printed, so it doubles as a timing report.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

PASSWORD = "self-test-pass"
STEP_TIMEOUT = 60.0


class SelfTestFailed(Exception):
    pass


def _say(message: str) -> None:
    print(message, flush=True)


def run() -> int:
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="villagedesk-self-test-"))
    # Before anything reads the data folder: the settings, caches and store all go to the temporary one.
    os.environ["VILLAGEDESK_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        return _run(home, started)
    except SelfTestFailed as exc:
        print(f"self-test FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except Exception:  # noqa: BLE001 - the self-test reports every failure, it never crashes
        print("self-test FAILED with an internal error:\n" + traceback.format_exc(), file=sys.stderr, flush=True)
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _run(home: Path, started: float) -> int:
    from app.cli import main as cli_main

    store = home / "self-test.sqlite3"
    os.environ["VILLAGEDESK_PASSWORD"] = PASSWORD
    try:
        code = cli_main(["demo", "--db", str(store), "--size", "small"])
    finally:
        os.environ.pop("VILLAGEDESK_PASSWORD", None)
    if code != 0:
        raise SelfTestFailed(f"making the demo store failed (exit {code})")
    _say(f"self-test: demo store {time.perf_counter() - started:.2f} s")

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    import ui.ops
    from ui.app import create_application
    from ui.main_window import MainWindow
    from ui.pages import PAGES

    app = create_application([sys.argv[0]])
    problems: list[str] = []
    original_report = ui.ops.report_bug

    def report(parent, exc) -> None:  # noqa: ANN001 - the signature of ui.ops.report_bug
        problems.append("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        original_report(parent, exc)

    ui.ops.report_bug = report
    previous_hook = sys.excepthook
    sys.excepthook = lambda kind, value, tb: problems.append("".join(traceback.format_exception(kind, value, tb)))

    def settle() -> None:
        for _ in range(3):
            app.processEvents()
            ui.ops.worker().wait_idle(STEP_TIMEOUT)
            app.processEvents()
            if not ui.ops.worker().pending():
                break

    def wait_until(condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT
        while not condition():
            if problems:
                raise SelfTestFailed(f"{what}: internal error\n" + "\n".join(problems))
            if time.monotonic() > deadline:
                raise SelfTestFailed(f"{what}: not done after {STEP_TIMEOUT:.0f} s")
            app.processEvents()
            time.sleep(0.01)

    window = MainWindow(str(store))
    try:
        window.resize(1366, 740)
        window.show()
        window.start()
        login = window.start_panel.login
        wait_until(lambda: window.start_panel.current_card is login, "opening the store")
        _say(f"self-test: login form {time.perf_counter() - started:.2f} s")
        login.username.setText("admin")
        login.password.setText(PASSWORD)
        login.login_button.click()
        wait_until(lambda: window.workspace is not None, "signing in")
        _say(f"self-test: signed in {time.perf_counter() - started:.2f} s")
        for key, target in PAGES.items():
            before = time.perf_counter()
            try:
                page = window.open_area(key)
                settle()
            except Exception as exc:  # noqa: BLE001 - the page's own failure (in a slot) is in problems
                raise SelfTestFailed(f"page {key} ({target}) did not open: {exc!r}\n" + "\n".join(problems)) from exc
            expected = target.split(":")[1]
            if page is None or type(page).__name__ != expected:
                raise SelfTestFailed(f"page {key}: expected {expected}, got {type(page).__name__}")
            if window.current_page() is not page or not page.isVisible():
                raise SelfTestFailed(f"page {key}: not shown")
            if problems:
                raise SelfTestFailed(f"page {key}: internal error\n" + "\n".join(problems))
            _say(f"self-test: page {key} {time.perf_counter() - before:.2f} s")
    finally:
        sys.excepthook = previous_hook
        ui.ops.report_bug = original_report
        settle()
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        ui.ops.shutdown_worker()
    _say(f"self-test: OK, {len(PAGES)} pages in {time.perf_counter() - started:.2f} s")
    return 0
