"""A corpus of bad files: each is refused in words by every command, and left byte-identical.

Kinds: empty, text, cut short at several offsets (inside the header, inside a page, at a page
boundary), the magic and the page size flipped in the header, b-tree page bytes flipped, another
program's SQLite database (with and without its own application id), a newer VillageDesk schema,
and a store whose ``-wal`` file was lost after commits (only ``check`` can tell that one).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli import main

SIDECARS = ("-wal", "-shm", "-journal", ".lock")


def _store(village, tmp_path) -> Path:
    database, _admin = village
    database.dispose()
    path = tmp_path / "good.sqlite3"
    conn = sqlite3.connect(database.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()  # (a `with` block would leave it open, and its -wal file with it)
    shutil.copyfile(database.path, path)
    return path


def _flip(data: bytes, offset: int, count: int = 1) -> bytes:
    return data[:offset] + bytes(b ^ 0xFF for b in data[offset:offset + count]) + data[offset + count:]


def _page_size(data: bytes) -> int:
    return int.from_bytes(data[16:18], "big")


def make_bad(kind: str, good: Path, target: Path) -> None:
    data = good.read_bytes()
    page = _page_size(data)
    if kind == "empty":
        target.write_bytes(b"")
    elif kind == "text":
        target.write_text("村民名单\n张三,510112198001011234\n" * 50, encoding="utf-8")
    elif kind == "cut-in-header":
        target.write_bytes(data[:60])
    elif kind == "cut-in-page":
        target.write_bytes(data[:page + 1000])
    elif kind == "cut-at-page":
        target.write_bytes(data[:page * (len(data) // page // 2)])
    elif kind == "magic-flipped":
        target.write_bytes(_flip(data, 3))
    elif kind == "page-size-flipped":
        target.write_bytes(_flip(data, 16))
    elif kind == "btree-bytes-flipped":
        # The header of a b-tree page past the schema: page type and cell counts become nonsense.
        pages = len(data) // page
        damaged = data
        for number in range(2, pages, max(1, pages // 8)):
            damaged = _flip(damaged, (number - 1) * page, 8)
        target.write_bytes(damaged)
    elif kind in ("foreign", "foreign-app-id"):
        conn = sqlite3.connect(target)
        if kind == "foreign-app-id":
            conn.execute("PRAGMA application_id = 1179601716")  # another program's id ('FOSS')
        conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('张三', '13800001111')")
        conn.commit()
        conn.close()
    elif kind == "newer-schema":
        shutil.copyfile(good, target)
        conn = sqlite3.connect(target)
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
        conn.commit()
        conn.close()
    else:  # pragma: no cover
        raise ValueError(kind)
    for suffix in SIDECARS:
        assert not Path(str(target) + suffix).exists()


KINDS = ["empty", "text", "cut-in-header", "cut-in-page", "cut-at-page", "magic-flipped", "page-size-flipped",
         "btree-bytes-flipped", "foreign", "foreign-app-id", "newer-schema"]

COMMANDS = [
    ["check"],
    ["stats", "--json"],
    ["user", "list"],
    ["print", "resident_roster", "--id", "latest", "--out", "{out}"],
    ["demo"],
    ["init", "--village-name", "青石村", "--village-code", "510112104201", "--township", "龙泉镇", "--admin", "admin"],
    ["user", "add", "wenshu", "--role", "clerk"],
    ["backup", "--to", "{backups}"],
]


def _fingerprint(path: Path) -> tuple:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns


def _run(argv, capsys) -> tuple[int, str]:
    code = main(argv)  # an exception escaping here is a traceback: the test fails
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize("kind", KINDS)
def test_bad_file_is_refused_by_every_command_and_left_unchanged(kind, village, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    monkeypatch.setenv("VILLAGEDESK_NEW_PASSWORD", "another-pass")
    good = _store(village, tmp_path)
    bad = tmp_path / f"{kind}.sqlite3"
    make_bad(kind, good, bad)
    before = _fingerprint(bad)
    refused = 0
    for command in COMMANDS:
        argv = [part.format(out=tmp_path / "out.pdf", backups=tmp_path / "backups") for part in command]
        code, err = _run([*argv, "--db", str(bad)], capsys)
        assert code != 0, (kind, argv)
        assert err.strip(), (kind, argv)
        assert "Traceback" not in err
        refused += 1
        assert _fingerprint(bad) == before, (kind, argv)
        for suffix in SIDECARS:
            assert not Path(str(bad) + suffix).exists(), (kind, argv, suffix)
    assert not (tmp_path / "out.pdf").exists()
    assert refused == len(COMMANDS)


def test_check_names_the_damage(village, tmp_path, capsys):
    good = _store(village, tmp_path)
    expected = {"empty": "空文件", "text": "不是数据库", "cut-in-page": "截断", "magic-flipped": "损坏",
                "foreign": "其他程序", "newer-schema": "更新"}
    for kind, words in expected.items():
        bad = tmp_path / f"{kind}.sqlite3"
        make_bad(kind, good, bad)
        code, err = _run(["check", "--db", str(bad)], capsys)
        assert code == 1 and words in err, (kind, err)


def test_a_lost_wal_file_is_noticed_by_check(village, tmp_path, capsys):
    """Commits made by the lock holder live in the -wal file until a checkpoint; a copy of the main
    file alone (as after the -wal file was deleted) lacks them, and ``check`` says so."""
    from app import people
    from db.engine import Database, mark_path

    good = _store(village, tmp_path)
    database = Database(good, lock=True)
    _db, admin = village
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三"))
    assert Path(str(good) + "-wal").stat().st_size > 0
    lost = tmp_path / "lost-wal.sqlite3"
    shutil.copyfile(good, lost)  # the main file only: the -wal file with the last commit is "deleted"
    shutil.copyfile(mark_path(good), mark_path(lost))
    database.dispose()
    before = _fingerprint(lost)
    code, err = _run(["check", "--db", str(good)], capsys)
    assert code == 0, err
    code, err = _run(["check", "--db", str(lost)], capsys)
    assert code == 1 and "-wal" in err, err
    assert _fingerprint(lost) == before
    for suffix in SIDECARS:
        assert not Path(str(lost) + suffix).exists()


def test_init_refuses_to_overwrite_a_set_up_store(village, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    good = _store(village, tmp_path)
    code, err = _run(["init", "--db", str(good), "--village-name", "别村", "--village-code", "510112104202",
                      "--township", "龙泉镇", "--admin", "boss"], capsys)
    assert code == 1 and err.strip()
    conn = sqlite3.connect(f"file:{good}?mode=ro", uri=True)
    assert conn.execute("SELECT name FROM village_profile").fetchall() == [("青石村",)]
    conn.close()


def test_a_missing_file_becomes_a_new_store_only_then(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    new = tmp_path / "new" / "v.sqlite3"
    code, err = _run(["init", "--db", str(new), "--village-name", "青石村", "--village-code", "510112104201",
                      "--township", "龙泉镇", "--admin", "admin"], capsys)
    assert code == 0, err
    conn = sqlite3.connect(f"file:{new}?mode=ro", uri=True)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x56444B31
    conn.close()
    assert os.path.getsize(new) > 0


def test_damage_met_while_working_stops_all_writing(village, tmp_path, monkeypatch):
    """A store too large for the quick check at opening: the first damage SQLite meets is told in
    words, and the store is not written again by this program run."""
    import db.identify
    from app import people
    from db.engine import Database
    from db.errors import DamagedStore

    monkeypatch.setattr(db.identify, "QUICK_CHECK_LIMIT", 0)
    _db, admin = village
    good = _store(village, tmp_path)
    conn = sqlite3.connect(good)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'household'").fetchone()[0]
    conn.close()
    data = good.read_bytes()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(_flip(data, (root - 1) * _page_size(data), 8))  # only the household table is damaged
    try:
        database = Database(bad, migrate=False)
    except DamagedStore:
        pytest.skip("the damage was already in what opening reads: refused outright")
    before = _fingerprint(bad)
    with pytest.raises(DamagedStore):
        for _ in range(3):
            with database.unit(admin) as session:
                people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三"))
                people.household_ids(session=session, actor=admin)
    with pytest.raises(DamagedStore), database.unit(admin) as session:
        pass
    database.dispose()
    assert _fingerprint(bad)[0] == before[0]


@pytest.mark.gui
@pytest.mark.parametrize("kind", ["text", "cut-in-page", "foreign", "empty"])
def test_the_window_says_what_is_wrong_with_a_bad_file(kind, gui, village, tmp_path):
    from ui.main_window import MainWindow

    good = _store(village, tmp_path)
    bad = tmp_path / f"{kind}.sqlite3"
    make_bad(kind, good, bad)
    before = _fingerprint(bad)
    window = MainWindow(bad)
    gui.addWidget(window)
    window.show()
    window.start()
    panel = window.start_panel
    gui.waitUntil(lambda: panel.current_card is panel.error, timeout=20000)
    assert str(bad) in panel.error.message.text() and "未做任何改动" in panel.error.message.text()
    window.close()
    assert _fingerprint(bad) == before
    for suffix in SIDECARS:
        assert not Path(str(bad) + suffix).exists()
