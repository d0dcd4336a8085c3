"""数据报送 and 四议两公开 built by a click (issue 16) show what their warm reads found after sign-in
(the status and the outbox; the matters) without a trip to the worker, while nothing was saved
since; 数据报送's parts are translated once as they are built."""
from __future__ import annotations

import pytest

from ui.ops import worker

pytestmark = pytest.mark.gui


def settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done and not window.workspace.warming_reads
                    and worker().pending() == 0, timeout=20000)


@pytest.fixture
def quick_clerk(monkeypatch):
    """No page built in the pauses after sign-in: each is built by the click that opens it."""
    from ui.main_window import Workspace

    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)


def test_sync_clicked_before_the_warm_up_shows_its_warm_read_without_the_worker(village, sign_in, qtbot,
                                                                                quick_clerk, worker_submits):
    from app import sync

    database, admin = village
    with database.session() as session:
        status = sync.sync_status(session=session, actor=admin)
    window = sign_in(database)
    settled(qtbot, window)
    assert "sync" not in window.workspace.pages
    submitted = worker_submits()
    page = window.open_area("sync")
    assert submitted == []  # nothing read on the worker: the warm read's status and outbox are shown
    body = page.body
    assert body.status == status
    assert body.state_values["current_rev"].text() == str(status.current_rev)


def test_sync_reads_again_when_something_was_saved_since_its_warm_read(village, sign_in, qtbot, quick_clerk,
                                                                       worker_submits):
    from app import people

    database, admin = village
    window = sign_in(database)
    settled(qtbot, window)
    done = []
    worker().submit(lambda session: people.add_group(session=session, actor=admin, name="九组"),
                    on_success=done.append, on_failure=done.append)
    qtbot.waitUntil(lambda: bool(done) and worker().pending() == 0, timeout=10000)
    submitted = worker_submits()
    page = window.open_area("sync")
    assert submitted == ["VillageSync.reload.<locals>.read"]
    qtbot.waitUntil(lambda: worker().pending() == 0 and page.body.status is not None, timeout=10000)


def test_the_sync_page_is_translated_once_as_it_is_built(village, sign_in, qtbot, quick_clerk, monkeypatch):
    from ui.pages.sync.village import VillageSync

    calls = []
    original = VillageSync.retranslate_ui
    monkeypatch.setattr(VillageSync, "retranslate_ui", lambda self: (calls.append(self), original(self)))
    database, _admin = village
    window = sign_in(database)
    settled(qtbot, window)
    page = window.open_area("sync")
    assert calls == [page.body]
    window.workspace.pages["sync"].retranslate_ui()  # a language switch translates it again
    assert calls == [page.body, page.body]


def test_deliberation_clicked_before_the_warm_up_shows_its_warm_read_without_the_worker(village, sign_in, qtbot,
                                                                                        quick_clerk, worker_submits):
    from app import deliberation

    database, admin = village
    with database.unit(admin) as session:
        for title in ("修村道", "建文化广场"):
            deliberation.start_matter(session=session, actor=admin, title=title)
    window = sign_in(database)
    settled(qtbot, window)
    assert "deliberation" not in window.workspace.pages
    submitted = worker_submits()
    page = window.open_area("deliberation")
    assert [name for name in submitted if "reload" in name] == []  # the list shown from the warm read
    assert page._loaded_once and page.model.rowCount() == 2
    shown = {page.model.index(row, column).data() for row in range(2) for column in range(page.model.columnCount())}
    assert {"修村道", "建文化广场"} <= shown and page.new_button.isEnabled()
