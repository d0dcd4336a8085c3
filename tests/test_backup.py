"""Backups are verified copies; a restore checks everything first and keeps a safety copy.

These are the plain backups inside the data folder; encrypted ones: tests/test_backup_encryption.py."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlmodel import func, select

from app import auth, people
from app.backup import backup, restore, verify
from app.paths import backups_dir, data_dir
from app.errors import PermissionDenied, StorageError, VillageDeskError
from db.engine import Database
from db.models.people import Resident


def residents(database):
    with database.session() as session:
        return session.exec(select(func.count()).select_from(Resident).where(Resident.deleted_at.is_(None))).one()


def add(database, admin, name):
    with database.unit(admin) as session:
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name=name, gender="F"))


def test_backup_and_restore_round_trip(village, tmp_path):
    database, admin = village
    add(database, admin, "王一")
    info = backup(database=database, actor=admin, to_dir=backups_dir())
    manifest = json.loads(info.path.with_suffix(".vdbackup.json").read_text(encoding="utf-8"))
    assert manifest["village_code"] == "510112104201" and manifest["counts"]["resident"] == 1
    assert verify(info.path)["sha256"] == manifest["sha256"]

    add(database, admin, "王二")
    assert residents(database) == 2
    safety = restore(database=database, actor=admin, backup_file=info.path, safety_dir=data_dir() / "safety")
    reopened = Database(database.path)
    assert residents(reopened) == 1
    assert verify(safety)["counts"]["resident"] == 2  # what was there before is kept
    reopened.dispose()


def test_tampered_backup_is_refused_and_the_store_is_untouched(village, tmp_path):
    database, admin = village
    add(database, admin, "李一")
    info = backup(database=database, actor=admin, to_dir=backups_dir())
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    info.path.write_bytes(bytes(data))
    add(database, admin, "李二")
    with pytest.raises(VillageDeskError, match="校验"):
        restore(database=database, actor=admin, backup_file=info.path, safety_dir=data_dir() / "safety")
    assert residents(database) == 2
    assert not (data_dir() / "safety").exists()
    assert not list(data_dir().glob("backup-*"))  # no decrypted scratch left behind


def test_a_random_file_is_not_a_backup(village, tmp_path):
    database, admin = village
    junk = tmp_path / "junk.vdbackup"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(VillageDeskError):
        restore(database=database, actor=admin, backup_file=junk, safety_dir=data_dir() / "safety")


def test_another_villages_backup_needs_explicit_consent(village, tmp_path):
    database, admin = village
    info = backup(database=database, actor=admin, to_dir=backups_dir())
    other_path = tmp_path / "other.sqlite3"
    shutil.copyfile(info.path, other_path)
    other = Database(other_path)
    other.village_code = "510112104299"
    with pytest.raises(VillageDeskError, match="510112104201"):
        restore(database=other, actor=admin, backup_file=info.path, safety_dir=data_dir() / "safety")
    restore(database=other, actor=admin, backup_file=info.path, safety_dir=data_dir() / "safety", allow_other_village=True)


def test_failed_backup_leaves_no_partial_file(village, tmp_path):
    database, admin = village
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StorageError):
        backup(database=database, actor=admin, to_dir=blocker / "usb", passphrase="a long passphrase")
    assert residents(database) == 0


def test_only_office_roles_back_up_and_only_the_admin_restores(village, tmp_path):
    database, admin = village
    with database.unit(admin) as session:
        grid = auth.create_user(session=session, actor=admin, username="g", password="long-enough", role=auth.GRID_WORKER)
        clerk = auth.create_user(session=session, actor=admin, username="c", password="long-enough", role=auth.CLERK)
    with pytest.raises(PermissionDenied):
        backup(database=database, actor=grid, to_dir=backups_dir())
    info = backup(database=database, actor=clerk, to_dir=backups_dir())
    with pytest.raises(PermissionDenied):
        restore(database=database, actor=clerk, backup_file=info.path, safety_dir=data_dir() / "safety")
