"""One writer per store: the lock, a second opener going read-only, and restore refused while
another process has the store open (nothing that process committed is lost)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import select

from app import people
from app.backup import backup, restore
from app.cli import main
from db.engine import Database
from db.errors import ReadOnlyStore, StoreLocked
from db.lock import StoreLock
from db.tracking import AuditEntry

PASSPHRASE = "a long enough passphrase"  # backups outside the data folder are encrypted

ROOT = Path(__file__).resolve().parent.parent

WRITER = textwrap.dedent("""
    import sys
    from app import auth, people
    auth.ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    from app.auth import actor_of
    from db.engine import Database
    from db.models.accounts import User
    from sqlmodel import select

    database = Database(sys.argv[1], lock=True)
    with database.session() as session:
        admin = actor_of(session.exec(select(User)).first())
    with database.unit(admin) as session:  # load what a save needs before saying ready
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="李四"))
    print("ready", flush=True)
    for n in range(int(sys.argv[2])):
        with database.unit(admin) as session:
            view = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三"))
        print(view.id, flush=True)
    sys.stdin.readline()  # hold the store open until told to go
    database.dispose()
""")


def _household_ids(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM household")}
    finally:
        conn.close()


def test_a_second_writer_is_refused_and_the_lock_dies_with_its_process(village, tmp_path):
    database, _admin = village
    first = Database(database.path, lock=True)
    with pytest.raises(StoreLocked) as refused:
        Database(database.path, lock=True)
    assert "村务台" in refused.value.message
    Database(database.path).dispose()  # opening without the lock (tests, reading) still works
    first.dispose()
    Database(database.path, lock=True).dispose()  # released with the object

    holder = subprocess.Popen([sys.executable, "-c", "import sys; from db.lock import StoreLock; "
                               "lock = StoreLock(sys.argv[1]).acquire(); print('held', flush=True); sys.stdin.read()",
                               str(database.path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    assert StoreLock(database.path).is_held_elsewhere()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert not StoreLock(database.path).is_held_elsewhere()


def test_the_gui_opens_read_only_while_another_holds_the_lock(village):
    from app.store import describe, open_store

    database, admin = village
    writer = open_store(database.path)
    assert writer.lock is not None and writer.lock.held and not writer.read_only_reason
    second = open_store(database.path)
    try:
        assert second.read_only and "只读" in second.read_only_reason and "只读" in describe(second)
        with second.session() as session:
            assert people.stats(session=session, actor=admin)["households"] == 0
        with pytest.raises(ReadOnlyStore), second.unit(admin) as session:
            people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三"))
    finally:
        second.dispose()
        writer.dispose()


def test_restore_is_refused_while_another_process_writes_and_nothing_it_committed_is_lost(village, tmp_path, capsys,
                                                                                        monkeypatch):
    database, admin = village
    info = backup(database=database, actor=admin, to_dir=tmp_path / "backups", passphrase=PASSPHRASE)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database.path), "150"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "VILLAGEDESK_HOME": str(tmp_path / "home")})
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        reported = [writer.stdout.readline().strip() for _ in range(5)]  # it is writing now
        with pytest.raises(StoreLocked) as refused:
            restore(database=database, actor=admin, backup_file=info.path, safety_dir=tmp_path / "safety", passphrase=PASSPHRASE)
        assert "未恢复" in refused.value.message
        monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
        monkeypatch.setenv("VILLAGEDESK_BACKUP_PASSPHRASE", PASSPHRASE)
        assert main(["restore", str(info.path), "--db", str(database.path)]) == 1
        assert "未恢复" in capsys.readouterr().err
        reported += [writer.stdout.readline().strip() for _ in range(145)]
    finally:
        writer.stdin.write("\n")
        writer.stdin.flush()
        writer.wait(timeout=120)
    assert writer.returncode == 0, writer.stderr.read()
    assert len(reported) == 150 and set(reported) <= _household_ids(database.path)
    assert not list((tmp_path / "safety").glob("*")) if (tmp_path / "safety").exists() else True


def test_restore_takes_the_lock_and_is_recorded_in_the_restored_audit_trail(village, tmp_path):
    import hashlib

    database, admin = village
    info = backup(database=database, actor=admin, to_dir=tmp_path / "backups", passphrase=PASSPHRASE)
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三"))
    restore(database=database, actor=admin, backup_file=info.path, safety_dir=tmp_path / "safety", passphrase=PASSPHRASE)
    assert database.lock is not None and database.lock.held  # held until the store is closed
    with database.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "restore")).one()
        assert people.stats(session=session, actor=admin)["households"] == 0
    assert entry.actor == "admin"
    assert entry.changes["sha256"] == hashlib.sha256(info.path.read_bytes()).hexdigest()
    assert entry.changes["file"] == str(info.path.resolve())
    database.dispose()
    assert not StoreLock(database.path).is_held_elsewhere()
