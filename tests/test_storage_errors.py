"""Environment errors are classified once and told in words: disk full, read-only, busy, I/O,
damaged, cannot open; reading commands work on a read-only store; a duplicate that slips past a
service check is a field error."""
from __future__ import annotations

import errno
import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, text

from app import people
from app.cli import main
from db import errors
from db.engine import Database
from db.models.people import Household, Resident


def _code_error(code: int) -> sqlite3.Error:
    exc = sqlite3.OperationalError("x")
    exc.sqlite_errorcode = code
    return exc


@pytest.mark.parametrize("code, kind", [
    (13, errors.DiskFull), (8, errors.ReadOnlyStore), (8 | (1 << 8), errors.ReadOnlyStore), (5, errors.StoreBusy),
    (6, errors.StoreBusy), (10, errors.StorageIOError), (10 | (12 << 8), errors.StorageIOError),
    (11, errors.DamagedStore), (26, errors.DamagedStore), (14, errors.CannotOpen),
])
def test_sqlite_codes_are_classified(code, kind):
    found = errors.classify(_code_error(code))
    assert isinstance(found, kind) and isinstance(found, errors.StorageError) and found.message


def test_os_errors_and_bugs_are_told_apart():
    assert isinstance(errors.classify(OSError(errno.ENOSPC, "full")), errors.DiskFull)
    assert isinstance(errors.classify(OSError(errno.EROFS, "ro")), errors.ReadOnlyStore)
    assert errors.classify(sqlite3.OperationalError("no such column: nonsense")) is None  # a bug: traceback


def _fingerprint(path: Path) -> tuple:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _checkpointed(database) -> Path:
    database.dispose()
    conn = sqlite3.connect(database.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()  # (a `with` block would leave it open, and its -wal file with it)
    return Path(database.path)


def test_reading_commands_work_on_a_read_only_store(village, tmp_path, capsys, monkeypatch):
    database, admin = village
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三"))
    path = _checkpointed(database)
    before = _fingerprint(path)
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    roster = tmp_path / "roster.pdf"
    for argv in (["stats", "--json"], ["user", "list"], ["check"], ["print", "resident_roster", "--out", str(roster)]):
        assert main([*argv, "--db", str(path), "--read-only"]) == 0, capsys.readouterr().err
    assert roster.read_bytes().startswith(b"%PDF")  # printed, though the print could not be recorded
    out = capsys.readouterr().out
    assert '"households": 1' in out and "admin" in out
    monkeypatch.setenv("VILLAGEDESK_NEW_PASSWORD", "another-pass")
    assert main(["user", "add", "wenshu", "--role", "clerk", "--db", str(path), "--read-only"]) == 1
    err = capsys.readouterr().err
    assert "无法写入" in err and "Traceback" not in err
    assert _fingerprint(path) == before
    assert not Path(str(path) + "-wal").exists() and not Path(str(path) + "-shm").exists()


def test_sign_in_on_a_read_only_store_does_not_write(village):
    from app.auth import authenticate

    database, _admin = village
    path = _checkpointed(database)
    before = _fingerprint(path)
    store = Database(path, read_only=True)
    with store.unit() as session:
        actor = authenticate(session=session, username="admin", password="secret-pass")
    assert actor.username == "admin"
    store.dispose()
    assert _fingerprint(path) == before


def test_a_full_disk_is_a_storage_error_and_nothing_is_saved(village):
    database, admin = village
    with database.session() as session:
        pages = session.execute(text("PRAGMA page_count")).scalar()
    database.engine.dispose()
    event.listen(database.engine, "connect", lambda conn, _r: conn.execute(f"PRAGMA max_page_count = {pages + 1}"))
    with pytest.raises(errors.DiskFull) as full, database.unit(admin) as session:
        for n in range(400):
            people.save_household(session=session, actor=admin,
                                  form=people.HouseholdForm(head_name="张三", address="一组" + "长" * 100 + str(n)))
    assert "磁盘已满" in full.value.message
    with database.session() as session:
        assert people.stats(session=session, actor=admin)["households"] == 0


def test_a_duplicate_past_the_service_check_is_a_field_error(village):
    database, admin = village
    id_number = "11010519491231002X"
    with database.unit(admin) as session:
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="张三", id_number=id_number))
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三", number="0101"))
    # A second writer whose check ran before the first committed: the unique index refuses it.
    with pytest.raises(errors.ValidationError) as duplicate, database.unit(admin) as session:
        session.add(Resident(name="李四", id_number=id_number, gender="male"))
    assert set(duplicate.value.errors) == {"id_number"} and "身份证" in duplicate.value.errors["id_number"]
    with pytest.raises(errors.ValidationError) as duplicate, database.unit(admin) as session:
        session.add(Household(head_name="李四", number="0101"))
    assert set(duplicate.value.errors) == {"number"}


def test_print_to_a_directory_is_refused_in_words(village, tmp_path, capsys, monkeypatch):
    database, _admin = village
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    target = tmp_path / "a-folder"
    target.mkdir()
    code = main(["print", "resident_roster", "--id", "latest", "--out", str(target), "--db", str(database.path)])
    err = capsys.readouterr().err
    assert code == 1 and err.strip() and "Traceback" not in err
    assert list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".print-") or p.suffix == ".partial"] == []
