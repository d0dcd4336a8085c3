"""Start the desktop program: ``villagedesk`` with no sub-command ends up in :func:`main`.

Start-up is ordered for speed: Qt and the window first (≈0.3 s), the window is shown with a
"opening the database" card, and only then does the database worker import the database layer
(sqlmodel alone costs ~0.7 s) and open the store.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

_T0 = time.perf_counter()

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui._pyside_fix import answer_feature_scans_from_namespaces  # noqa: E402

answer_feature_scans_from_namespaces()

# For benchmarks: print when the window is shown, then quit ("quit"), or print again and quit once
# the store is open and the login form (or wizard) is ready ("ready").
BENCH_ENV = "VILLAGEDESK_BENCH_SHOWN"


def create_application(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtGui import QIcon

    from app.paths import APP_NAME, RESOURCES
    from ui import language, style

    app = QApplication.instance() or QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("")
    app.setDesktopFileName("villagedesk")  # the menu entry (installers/linux/villagedesk.desktop)
    icon = RESOURCES / "icons" / "villagedesk.png"  # drawn by installers/make_icon.py
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    style.apply(app)
    language.install()
    return app  # type: ignore[return-value]


def fit_to_screen(window: Any) -> None:
    """1280×800 where there is room; on a small office monitor (1366×768) the whole free area."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    width, height = min(1280, free.width()), min(800, free.height() - 40)  # room for the title bar
    window.resize(width, height)
    window.move(free.x() + (free.width() - width) // 2, free.y() + max(0, (free.height() - height - 40) // 2))


def claim_instance(db_target: Any) -> tuple[bool, Any]:
    """``(go on, server)``: False when a first window on the same store answered and came forward
    (this start then ends); otherwise this start listens for later ones (unless the first one is
    there but hangs: this start then opens read-only, as the writer lock decides)."""
    from ui import single_instance
    from ui.start import store_file

    path = store_file(db_target)
    if path is None:
        return True, None
    name = single_instance.server_name(path)
    found = single_instance.knock(name)
    if found == single_instance.ANSWERED:
        return False, None
    server = single_instance.InstanceServer(name)
    if found == single_instance.NO_SERVER and not server.listen(stale=True):
        logging.getLogger(__name__).warning("cannot listen for a second start on %s", name)
    return True, server


def main(argv: list[str] | None = None, db_target: Any = None) -> int:
    """Run the GUI on ``db_target`` (a path or SQLAlchemy URL; None → the default store)."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_application(argv)
    go_on, instance = claim_instance(db_target)
    if not go_on:
        return 0  # the window already open on this store came forward
    from ui.main_window import MainWindow
    from ui.ops import shutdown_worker
    from ui.single_instance import bring_forward

    window = MainWindow(db_target)
    if instance is not None:
        instance.setParent(app)
        instance.activation_requested.connect(lambda: bring_forward(window))
    fit_to_screen(window)
    window.show()
    bench = os.environ.get(BENCH_ENV)
    if bench:
        def shown() -> None:
            print(f"shown {time.perf_counter() - _T0:.4f}", flush=True)
            if bench == "quit":
                app.quit()

        said: list[str] = []

        def ready(what: str) -> None:
            if not said:  # the first of typing_ready / ready
                said.append(what)
                print(f"ready {time.perf_counter() - _T0:.4f} {what}", flush=True)
                app.quit()

        QTimer.singleShot(0, shown)
        window.start_panel.typing_ready.connect(ready)  # the login form takes typing (store maybe opening)
        window.start_panel.ready.connect(ready)
    # Open the store only after the window had its first turn of the event loop.
    QTimer.singleShot(0, window.start)
    try:
        return app.exec()
    finally:
        shutdown_worker()


if __name__ == "__main__":
    sys.exit(main(sys.argv, db_target=sys.argv[1] if len(sys.argv) > 1 else None))
