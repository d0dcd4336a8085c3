"""Issue 11 item 7: the 数据报送 page, both sides, through the window as a clerk uses it.

A village exports to a "USB stick" (a folder), its outbox shows the bundle 待发送, and the
township's receipt turns it 已确认. A township imports a village's bundle through the dry run, the
fingerprint check and the confirmation; its summary shows the village's figures, the upload
token is masked, and the page fits the office screen in both languages. The stores are prepared
once per module (scrypt makes the township key slow) and copied for each test.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_click_everything import answers, bugs  # noqa: F401  (fixtures: Qt's dialogs answered, bugs caught)

pytestmark = pytest.mark.gui

VILLAGE_CODE, TOWNSHIP_CODE = "510112104201", "510112104000"
PASSPHRASE = "township key passphrase"
SCREEN_W, SCREEN_H = 1366, 728  # 768 less a taskbar


def _checkpoint(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="module")
def templates(tmp_path_factory, _migrated_template):
    """A township store with its key, and a small demo village that trusts that key."""
    from app import demo, people, sync
    from db.engine import Database

    folder = tmp_path_factory.mktemp("sync-gui")
    shutil.copyfile(_migrated_template, folder / "township.sqlite3")
    township = Database(folder / "township.sqlite3", backup_dir=folder / "backups")
    with township.unit() as session:
        t_admin = sync.setup_township(session=session, name="龙泉镇", code=TOWNSHIP_CODE, admin_username="admin",
                                      admin_password="secret-pass", admin_display_name="乡镇管理员")
    township.refresh_village_code()
    with township.unit(t_admin) as session:
        sync.export_township_key(session=session, actor=t_admin, to_file=folder / "township.key.txt", name="龙泉镇",
                                 passphrase=PASSPHRASE)
    with township.session() as session:
        key = sync.unlock_township_key(session=session, actor=t_admin, passphrase=PASSPHRASE)
    township.dispose()
    shutil.copyfile(_migrated_template, folder / "village.sqlite3")
    village = Database(folder / "village.sqlite3", backup_dir=folder / "backups")
    with village.unit() as session:
        v_admin = people.setup_village(session=session, name="青石村", code=VILLAGE_CODE, township="龙泉镇",
                                       committee_name="", supervision_phone="028-84851234", admin_username="admin",
                                       admin_password="secret-pass", admin_display_name="李书记")
    village.refresh_village_code()
    with village.unit(v_admin) as session:
        demo.generate(session=session, actor=v_admin, size="small", seed=3, progress=None)
    with village.unit(v_admin) as session:
        sync.trust_township_key(session=session, actor=v_admin, file=folder / "township.key.txt")
    village.dispose()
    for name in ("township.sqlite3", "village.sqlite3"):
        _checkpoint(folder / name)
    return folder, key


def _store(template: Path, target: Path):
    """A copy of a template store, opened, with its admin signed in (for work done behind the GUI)."""
    from app.auth import authenticate
    from db.engine import Database

    shutil.copyfile(template, target)
    database = Database(target, backup_dir=target.parent / "backups")
    with database.unit() as session:
        admin = authenticate(session=session, username="admin", password="secret-pass")
    return database, admin


@pytest.fixture
def village_store(templates, tmp_path):
    folder, _key = templates
    database, admin = _store(folder / "village.sqlite3", tmp_path / "village.sqlite3")
    yield database, admin
    database.dispose()


@pytest.fixture
def township_store(templates, tmp_path):
    folder, _key = templates
    database, admin = _store(folder / "township.sqlite3", tmp_path / "township.sqlite3")
    yield database, admin
    database.dispose()


def settle(qtbot) -> None:
    from ui.ops import worker

    for _ in range(4):
        QApplication.processEvents()
        worker().wait_idle()
        QApplication.processEvents()
    qtbot.wait(20)


def cell(table, row: int, column_header: str) -> str:
    model = table.model()
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == column_header:
            return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
    raise AssertionError(f"no column {column_header!r}")


def live_count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL").fetchone()[0]


def stick(monkeypatch, folder: Path) -> None:
    """The drives the export tab lists: a USB stick at ``folder`` and a data drive (never the real ones)."""
    from ui.pages.sync import drives

    found = [drives.Drive(root=str(folder), name="KINGSTON", free_bytes=8 * 10**9, total_bytes=16 * 10**9,
                          removable=True),
             drives.Drive(root=str(folder.parent), name="DATA", free_bytes=10**11, total_bytes=5 * 10**11,
                          removable=False)]
    monkeypatch.setattr(drives, "drives", lambda: list(found))


def open_sync(gui, win):
    page = win.open_area("sync")
    gui.waitUntil(lambda: page.body is not None, timeout=30000)
    settle(gui)
    return page


# ---------------------------------------------------------------- the village


def test_village_exports_to_a_stick_and_a_receipt_acknowledges_it(sign_in, gui, village_store, township_store,
                                                                  templates, tmp_path, monkeypatch):
    from app import sync
    from ui.pages.sync import village as village_view

    _folder, key = templates
    win = sign_in(village_store[0])
    page = open_sync(gui, win)
    view = page.body
    assert type(view).__name__ == "VillageSync"
    assert view.township_fingerprint.isVisibleTo(view) and len(view.township_fingerprint.text().split()) == 5
    assert view.state_values["pending_changes"].text() not in ("", "0")

    usb = tmp_path / "usb"
    usb.mkdir()
    stick(monkeypatch, usb)
    view.tabs.setCurrentIndex(1)
    view.refresh_drives_button.click()
    assert view.drive_model.rowCount() == 2 and not view.no_drive.isVisibleTo(view)
    assert cell(view.drive_table, 0, "磁盘") == "KINGSTON" and cell(view.drive_table, 0, "U盘") == "是"
    assert view.drive_table.selectionModel().isRowSelected(0)  # the stick is chosen for the clerk
    gui.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: view.last_export is not None, timeout=30000)
    settle(gui)
    [bundle] = usb.glob("*.vdbundle.age")
    assert str(bundle) in view.export_result.text()
    assert view.outbox_model.rowCount() == 1
    assert cell(view.outbox_table, 0, "状态") == "待发送"
    assert cell(view.outbox_table, 0, "类型") == "全量"
    made = view.state_values["village_fingerprint"]  # the village's key, made by the export: in big digits
    assert len(made.text().split()) == 5 and "18pt" in made.styleSheet()

    # the township imports it and answers with a receipt, carried back on the stick
    database, admin = township_store
    with database.unit(admin) as session:
        summary = sync.import_bundle(session=session, actor=admin, file=bundle, key=key, enroll=True)
    receipt = usb / "receipt.vdreceipt"
    receipt.write_bytes(summary.receipt)
    monkeypatch.setattr(village_view, "open_file_name", lambda *_args: str(receipt))
    view.tabs.setCurrentIndex(2)
    gui.mouseClick(view.receipt_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: view.last_receipt is not None, timeout=30000)
    settle(gui)
    assert cell(view.outbox_table, 0, "状态") == "已确认"
    assert view.state_values["pending_changes"].text() == "0"
    assert view.state_values["acknowledged_rev"].text() == view.state_values["current_rev"].text()


def test_village_without_a_township_key_is_refused_in_words_then_trusts_one(sign_in, gui, village, templates,
                                                                             tmp_path, monkeypatch):
    from ui.pages.sync import village as village_view

    win = sign_in(village[0])
    view = open_sync(gui, win).body
    assert not view.township_fingerprint.isVisibleTo(view)
    assert view.trust_button.text() == "导入乡镇公钥…"
    placeholder = view.state_values["village_fingerprint"]  # no key yet: said in plain text, not big digits
    assert placeholder.text() == "首次导出时生成" and placeholder.styleSheet() == ""
    monkeypatch.setattr(village_view, "existing_directory", lambda *_args: str(tmp_path))
    view.tabs.setCurrentIndex(1)
    view.other_folder_button.click()
    gui.waitUntil(lambda: "乡镇" in view.export_result.text() and view.export_result.objectName() == "formError",
                  timeout=30000)
    assert not list(tmp_path.glob("*.vdbundle.age"))
    assert view.outbox_model.rowCount() == 0

    key_file = templates[0] / "township.key.txt"
    monkeypatch.setattr(village_view, "open_file_name", lambda *_args: str(key_file))
    view.tabs.setCurrentIndex(0)
    gui.mouseClick(view.trust_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: view.township_fingerprint.isVisibleTo(view), timeout=30000)
    assert view.township_fingerprint.text() in key_file.read_text(encoding="utf-8")  # "# fingerprint: …"
    assert view.township_label.text() == "乡镇：龙泉镇" and "打电话" in view.key_hint.text()


def test_send_now_runs_the_push_helper_and_says_how_it_went(sign_in, gui, village_store, monkeypatch):
    """立即发送 waits for an address, then hands the outbox to the push helper on the worker (a
    stand-in here: the helper and the receiver are tested in test_sync_network) and says what it
    answered; the progress dialog's Cancel reaches the helper as its cancel event."""
    from app import sync

    database, admin = village_store
    with database.unit(admin) as session:
        sync.export_bundle(session=session, actor=admin)
    calls: list[dict] = []

    def push_outbox(database, actor, **kwargs):
        calls.append({"database": database, "actor": actor, **kwargs})
        assert not kwargs["cancel"].is_set() and not kwargs["cancel"].wait(0.01)
        return [{"bundle_id": "b", "state": "error", "error": "乡镇接收端没有应答。"}]

    from app.sync import push as push_module  # the page imports it when the clerk pushes

    monkeypatch.setattr(push_module, "push_outbox", push_outbox)
    win = sign_in(database)
    view = open_sync(gui, win).body
    view.tabs.setCurrentIndex(2)
    assert not view.push_button.isEnabled() and view.push_button.toolTip() == "需要乡镇接收地址"
    view.url_edit.setText("https://xiang.example.cn")
    view.url_edit.setModified(True)
    gui.mouseClick(view.url_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(view.push_button.isEnabled, timeout=30000)
    assert view.state_values["push_url"].text() == "https://xiang.example.cn"
    gui.mouseClick(view.push_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: "没有应答" in view.outbox_result.text(), timeout=30000)
    assert calls and calls[0]["actor"].username == "admin" and calls[0]["force"]
    assert view.outbox_result.objectName() == "formError"


def test_send_now_over_a_real_receiver_ends_acknowledged(sign_in, gui, village_store, township_store, templates):
    """The whole way: enrolled over USB (its receipt brings the upload token), a new change, the
    township's address typed in, 立即发送 → the receiver imports it and its receipt marks it 已确认."""
    from app import sync
    from test_sync_network import new_notice, receiver

    key = templates[1]
    database, admin = village_store
    t_database, t_admin = township_store
    with database.unit(admin) as session:
        first = sync.export_bundle(session=session, actor=admin)
    with t_database.unit(t_admin) as session:
        summary = sync.import_bundle(session=session, actor=t_admin, file=Path(first.path), key=key, enroll=True)
    with database.unit(admin) as session:
        sync.import_receipt(session=session, actor=admin, data=summary.receipt)
    new_notice(village_store, "关于清理河道的通知")
    with database.unit(admin) as session:
        second = sync.export_bundle(session=session, actor=admin)
    assert not second.full

    with receiver(township_store, key) as url:
        win = sign_in(database)
        view = open_sync(gui, win).body
        view.tabs.setCurrentIndex(2)
        assert cell(view.outbox_table, 0, "状态") == "待发送"
        view.url_edit.setText(url)
        view.url_edit.setModified(True)
        gui.mouseClick(view.url_button, Qt.MouseButton.LeftButton)
        gui.waitUntil(view.push_button.isEnabled, timeout=30000)
        gui.mouseClick(view.push_button, Qt.MouseButton.LeftButton)
        gui.waitUntil(lambda: view.outbox_result.text() == "已发送 1 个数据包。", timeout=30000)
        settle(gui)
    assert [cell(view.outbox_table, row, "状态") for row in range(2)] == ["已确认", "已确认"]
    assert view.state_values["pending_changes"].text() == "0"


def test_roles_without_the_right_see_why_and_nothing_else(sign_in, gui, village_store):
    from app import auth

    database, admin = village_store
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="grid", password="long-enough", role=auth.GRID_WORKER)
    win = sign_in(database, "grid", "long-enough")
    view = open_sync(gui, win).body
    assert view.no_right.isVisibleTo(view) and "书记和文书" in view.no_right.text()
    assert not view.tabs.isEnabled() and view.outbox_model.rowCount() == 0


# ---------------------------------------------------------------- the township


def test_township_imports_through_the_dry_run_and_shows_the_summary(sign_in, gui, village_store, township_store,
                                                                    tmp_path, monkeypatch):
    from app import sync
    from ui.pages.sync import township_import

    database, admin = village_store
    usb = tmp_path / "usb"
    usb.mkdir()
    with database.unit(admin) as session:
        sync.export_bundle(session=session, actor=admin, to_dir=usb)
    asked: list[str] = []
    typed = iter(["not the passphrase", PASSPHRASE])
    monkeypatch.setattr(township_import, "existing_directory", lambda *_args: str(usb))
    monkeypatch.setattr(township_import, "ask_key_passphrase", lambda *_args, **_kw: asked.append("key") or next(typed))
    fingerprints: list[str] = []
    monkeypatch.setattr(township_import, "fingerprint_matches",
                        lambda *_args, fingerprint, **_kw: fingerprints.append(fingerprint) or True)
    questions: list[str] = []
    monkeypatch.setattr(township_import, "confirm", lambda _parent, title, _text: questions.append(title) or True)

    win = sign_in(township_store[0])
    assert [win.workspace.nav.item(r).data(Qt.ItemDataRole.UserRole) for r in range(win.workspace.nav.count())
            if not win.workspace.nav.item(r).isHidden()] == ["sync", "settings"]
    page = win.current_page()
    assert page.area_key == "sync"
    gui.waitUntil(lambda: page.body is not None, timeout=30000)
    view = page.body
    assert type(view).__name__ == "TownshipSync"
    tab = view.import_tab

    gui.mouseClick(tab.folder_button, Qt.MouseButton.LeftButton)  # a wrong passphrase: said so, nothing checked
    gui.waitUntil(lambda: tab.message.objectName() == "formError", timeout=30000)
    assert "口令" in tab.message.text() and tab.key is None and not tab.items
    gui.mouseClick(tab.folder_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: bool(tab.items), timeout=30000)
    settle(gui)
    [item] = tab.items
    assert item.state == "new_village" and item.summary.dry_run and item.total("new") > 0
    assert "新村" in cell(tab.table, 0, "结果")
    assert item.summary.fingerprint in tab.detail.text()
    assert live_count(Path(township_store[0].path), "meeting") == 0  # a dry run writes nothing

    gui.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: item.state == "imported", timeout=30000)
    settle(gui)
    assert fingerprints == [item.summary.fingerprint]
    assert asked == ["key", "key"]  # asked again after the wrong one, then kept for the sign-in
    assert questions == ["导入数据包", "写回执"]
    assert len(list(usb.glob("*.vdreceipt"))) == 1
    assert cell(tab.table, 0, "结果") == "已导入"

    view.tabs.setCurrentIndex(2)
    settle(gui)
    village_file = Path(database.path)
    assert view.summary_model.rowCount() == 2  # the village and the total
    assert cell(view.summary_table, 0, "村庄") == "青石村"
    for header, table in (("会议", "meeting"), ("群众诉求", "concern"), ("公告公示", "notice")):
        assert cell(view.summary_table, 0, header) == f"{live_count(village_file, table):,}", header
        assert cell(view.summary_table, 1, header) == f"{live_count(village_file, table):,}", header
    assert cell(view.summary_table, 0, "人口") == f"{live_count(village_file, 'resident'):,}"
    assert cell(view.summary_table, 1, "村庄") == "合计"

    # the same folder again: checked, seen as imported before, imported without a change
    gui.mouseClick(tab.folder_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: tab.items and tab.items[0] is not item, timeout=30000)
    settle(gui)
    assert asked == ["key", "key"]
    assert tab.items[0].state == "ready" and tab.items[0].summary.already_imported


def test_villages_token_masked_summary_to_excel_records_in_words(sign_in, gui, village_store, township_store,
                                                                  templates, tmp_path, monkeypatch):
    from app import meetings, sync
    from ui.pages.sync import township as township_view

    _folder, key = templates
    database, admin = village_store
    with database.unit(admin) as session:
        result = sync.export_bundle(session=session, actor=admin)
    t_database, t_admin = township_store
    with t_database.unit(t_admin) as session:
        sync.import_bundle(session=session, actor=t_admin, file=Path(result.path), key=key, enroll=True)
    with t_database.session() as session:
        [enrolled] = sync.enrolled_villages(session=session, actor=t_admin)
    token = enrolled["token"]
    assert len(token) >= 16

    win = sign_in(t_database)
    assert win.village_label.text().startswith("乡镇")  # the status bar names a township as one
    view = open_sync(gui, win).body
    view.tabs.setCurrentIndex(1)
    settle(gui)
    shown = cell(view.village_table, 0, "上传口令")
    assert shown and token not in shown and token[4:12] not in shown
    view.village_table.selectRow(0)
    gui.mouseClick(view.copy_token_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == token

    monkeypatch.setattr(township_view, "save_file_name", lambda _parent, _caption, name, _filters: str(tmp_path / name))
    view.tabs.setCurrentIndex(2)
    gui.mouseClick(view.excel_button, Qt.MouseButton.LeftButton)
    # the file is there before the worker's answer reaches the page: wait for both
    gui.waitUntil(lambda: bool(list(tmp_path.glob("*.xlsx"))) and str(tmp_path) in view.summary_message.text(),
                  timeout=30000)
    [workbook] = tmp_path.glob("*.xlsx")
    assert "汇总" in workbook.name and str(workbook) in view.summary_message.text()

    view.tabs.setCurrentIndex(3)  # 村级记录: the first village's meetings, without a click
    gui.waitUntil(lambda: view.records_model.rowCount() > 0, timeout=30000)
    assert view.records_model.rowCount() == live_count(Path(database.path), "meeting")
    kinds = {cell(view.records_view, row, "类型") for row in range(view.records_model.rowCount())}
    assert kinds <= {meetings.kind_label(code) for code in meetings.KINDS} and kinds


def test_a_township_viewer_reads_the_township_side(sign_in, gui, township_store):
    from app import auth

    database, admin = township_store
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="kezhang", password="long-enough", role=auth.TOWNSHIP)
    win = sign_in(database, "kezhang", "long-enough")
    view = open_sync(gui, win).body
    assert view.tabs.isEnabled() and not view.no_right.isVisibleTo(view)
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() in ("errorBox", "bugBox") and w.isVisible()]


# ---------------------------------------------------------------- the office screen


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_both_sides_fit_the_office_screen(sign_in, gui, village_store, township_store, language):
    from PySide6.QtGui import QFontDatabase

    from app import i18n
    from app.paths import RESOURCES
    from ui import style
    from test_window_sizes import cut_headers, cut_labels

    QFontDatabase.addApplicationFont(str(RESOURCES / "fonts" / "wqy-microhei.ttc"))
    app = QApplication.instance()
    old_font, old_sheet = app.font(), app.styleSheet()
    style.apply(app)
    try:
        i18n.set_language(language)
        for database in (village_store[0], township_store[0]):
            win = sign_in(database)
            win.resize(SCREEN_W, SCREEN_H)
            page = open_sync(gui, win)
            for tabs in (page.body.tabs,):
                for index in range(tabs.count()):
                    tabs.setCurrentIndex(index)
                    settle(gui)
                    hint = win.minimumSizeHint()
                    assert hint.width() <= SCREEN_W and hint.height() <= SCREEN_H, (index, hint)
                    stack = win.workspace.stack
                    assert page.minimumSizeHint().width() <= stack.width(), index
                    assert page.minimumSizeHint().height() <= stack.height(), index
                    assert not cut_headers(page), cut_headers(page)
                    assert not cut_labels(win), cut_labels(win)
            win.close()
            settle(gui)
    finally:
        app.setStyleSheet(old_sheet)
        app.setFont(old_font)


# ---------------------------------------------------------------- every button


@pytest.mark.parametrize("side", ["village", "township"])
def test_every_button_of_both_sides_survives_a_click(sign_in, gui, village_store, township_store, answers, bugs,
                                                     side, tmp_path, monkeypatch):
    """The walk of test_click_everything (which sees only a village without a township key) on a
    village that trusts one and on a township store: Cancel and OK to everything, no internal error."""
    import time

    from test_click_everything import walk

    (tmp_path / "stick").mkdir()
    stick(monkeypatch, tmp_path / "stick")  # the walk exports to the chosen drive: never to a real one
    win = sign_in((village_store if side == "village" else township_store)[0])
    page = open_sync(gui, win)
    log: list[str] = []
    walk(gui, page, answers, depth=1, deadline=time.monotonic() + 60, log=log)
    assert not bugs, f"{bugs}\n" + "\n".join(log[-15:])
    assert len(log) > 8, "\n".join(log)
    if side == "village":
        assert list((tmp_path / "stick").glob("*.vdbundle.age"))


def test_drives_list_sticks_first_and_leave_the_system_out(monkeypatch):
    from PySide6.QtCore import QByteArray

    from ui.pages.sync import drives

    class Volume:
        def __init__(self, root, filesystem="ext4", ready=True, read_only=False):
            self.root, self.filesystem, self.ready, self.read_only = root, filesystem, ready, read_only

        def isValid(self):  # noqa: N802 (Qt's names)
            return True

        def isReady(self):  # noqa: N802
            return self.ready

        def isReadOnly(self):  # noqa: N802
            return self.read_only

        def rootPath(self):  # noqa: N802
            return self.root

        def fileSystemType(self):  # noqa: N802
            return QByteArray(self.filesystem.encode())

        def displayName(self):  # noqa: N802
            return self.root.rsplit("/", 1)[-1] or self.root

        def name(self):
            return ""

        def bytesAvailable(self):  # noqa: N802
            return 2 * 10**9

        def bytesTotal(self):  # noqa: N802
            return 8 * 10**9

    volumes = [Volume("/"), Volume("/home"), Volume("/boot/efi", "vfat"), Volume("/run/user/1000", "tmpfs"),
               Volume("/media/li/KINGSTON", "vfat"), Volume("/media/li/CDROM", "iso9660", read_only=True),
               Volume("/mnt/usb", "exfat", ready=False), Volume("/run/media/li/SANDISK", "vfat")]
    monkeypatch.setattr(drives.QStorageInfo, "mountedVolumes", staticmethod(lambda: volumes))
    monkeypatch.setattr(drives.os, "access", lambda _path, _mode: True)
    monkeypatch.setattr(drives.sys, "platform", "linux")
    found = drives.drives()
    assert [(d.root, d.removable) for d in found] == [
        ("/media/li/KINGSTON", True), ("/run/media/li/SANDISK", True), ("/home", False)]
    assert drives.size_text(found[0].free_bytes) == "2 GB"
    assert drives.size_text(850 * 10**6) == "850 MB"
