"""One window per store: a second start brings the first window forward; when the first does not
answer, the second opens read-only with a banner that says why, and refuses saves in those words."""
from __future__ import annotations

import uuid

import pytest
from PySide6.QtWidgets import QMainWindow

from app import people
from ui import single_instance

pytestmark = pytest.mark.gui


def _name() -> str:
    return f"villagedesk-test-{uuid.uuid4().hex[:12]}"


def test_the_server_name_is_the_same_for_every_spelling_of_the_path_and_differs_per_store(tmp_path):
    store = tmp_path / "village.sqlite3"
    assert single_instance.server_name(store) == single_instance.server_name(tmp_path / "." / "village.sqlite3")
    assert single_instance.server_name(store) != single_instance.server_name(tmp_path / "other.sqlite3")


def test_a_second_start_reaches_the_first_and_is_answered(gui):
    name = _name()
    first = single_instance.InstanceServer(name)
    assert first.listen(stale=True)
    try:
        second = single_instance.Knock(name, timeout_ms=5000)
        with gui.waitSignal(first.activation_requested, timeout=5000), \
                gui.waitSignal(second.finished, timeout=5000) as answered:
            second.start()
        assert answered.args == [single_instance.ANSWERED]
    finally:
        first.close()


def test_a_second_start_with_nobody_listening_goes_on(gui):
    knock = single_instance.Knock(_name(), timeout_ms=5000)
    with gui.waitSignal(knock.finished, timeout=5000) as found:
        knock.start()
    assert found.args == [single_instance.NO_SERVER]


def test_a_first_window_that_does_not_answer_lets_the_second_go_on(gui):
    from PySide6.QtNetwork import QLocalServer

    name = _name()
    hung = QLocalServer()  # accepts the connection at the system level, never answers
    assert hung.listen(name)
    try:
        knock = single_instance.Knock(name, timeout_ms=200)
        with gui.waitSignal(knock.finished, timeout=5000) as found:
            knock.start()
        assert found.args == [single_instance.NO_ANSWER]
    finally:
        hung.close()


def test_the_first_window_comes_forward_unminimised(gui):
    window = QMainWindow()
    gui.addWidget(window)
    window.showMinimized()
    gui.waitUntil(window.isMinimized, timeout=5000)
    single_instance.bring_forward(window)
    assert not window.isMinimized() and window.isVisible()


def _open_window(gui, target):
    from ui.main_window import MainWindow

    window = MainWindow(target)
    gui.addWidget(window)
    window.resize(1366, 740)
    window.show()
    window.start()
    return window


def test_a_store_another_window_holds_opens_read_only_with_a_banner_and_refuses_saves(sign_in, gui, village):
    from app.store import open_store
    from ui.ops import DbOp

    database, _admin = village
    holder = open_store(database.path)  # "the other window": holds the store's writer lock
    try:
        assert holder.lock is not None and holder.lock.held
        window = sign_in(database)
        banner = window.read_only_banner
        assert banner.isVisible() and "只读" in banner.reason.text() and "另一个" in banner.reason.text()
        assert banner.title.text() == "只读："
        refused: list[Exception] = []
        actor = window.actor
        DbOp(window, lambda s: people.save_household(session=s, actor=actor, form=people.HouseholdForm(head_name="张三"))) \
            .failure(refused.append).run()
        gui.waitUntil(lambda: bool(refused), timeout=20000)
        assert "未保存" in str(refused[0]) and "另一个" in str(refused[0])
        with holder.session() as session:
            assert people.stats(session=session, actor=actor)["households"] == 0
    finally:
        holder.dispose()


def test_a_writable_store_shows_no_banner(sign_in, gui, village):
    database, _admin = village
    window = sign_in(database)
    assert not window.read_only_banner.isVisible() and window.read_only_reason == ""


def test_a_second_gui_start_on_the_same_store_ends_after_the_first_came_forward(gui, tmp_path):
    from ui.app import claim_instance

    store = tmp_path / "village.sqlite3"
    go_on, first = claim_instance(store)  # the first start listens
    assert go_on and first is not None and first.is_listening()
    try:
        with gui.waitSignal(first.activation_requested, timeout=5000):
            go_on_again, second = claim_instance(str(store))
        assert not go_on_again and second is None
        go_on_elsewhere, other = claim_instance(tmp_path / "other.sqlite3")  # another store: its own window
        assert go_on_elsewhere and other.is_listening()
        other.close()
    finally:
        first.close()


def test_a_store_on_read_only_media_shows_the_banner_too(sign_in, gui, village, monkeypatch):
    import db.engine

    database, _admin = village
    monkeypatch.setattr(db.engine, "_writable", lambda _path: False)  # as on a write-protected stick (root may write anyway)
    window = sign_in(database)
    banner = window.read_only_banner
    assert banner.isVisible() and "只读介质" in banner.reason.text()
