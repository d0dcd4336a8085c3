"""Backups off the machine are encrypted; restore checks the manifest, checksum and audit chain
(issue 8, items 7 and 11)."""
from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile

import pytest
from sqlmodel import func, select

from app import people
from app.backup import backup, needs_encryption, restore, verify
from app.errors import ValidationError, VillageDeskError
from app.paths import backups_dir, data_dir
from db.engine import Database
from db.models.people import Resident
from db.tracking import AuditEntry

PASS = "correct horse battery staple"


def residents(database):
    with database.session() as session:
        return session.exec(select(func.count()).select_from(Resident).where(Resident.deleted_at.is_(None))).one()


def add(database, admin, name, id_number=""):
    with database.unit(admin) as session:
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name=name, gender="F", id_number=id_number))


def notes(database, note):
    with database.session() as session:
        return [e for e in session.exec(select(AuditEntry).where(AuditEntry.table_name == "backup").order_by(AuditEntry.id))
                if e.changes.get("note") == note]


def test_a_backup_outside_the_data_folder_is_encrypted_and_leaks_nothing(village, tmp_path):
    database, admin = village
    add(database, admin, "王秀英", "11010519491231002X")
    assert needs_encryption(tmp_path / "usb") and not needs_encryption(backups_dir())
    info = backup(database=database, actor=admin, to_dir=tmp_path / "usb", passphrase=PASS)
    assert info.path.name.endswith(".vdbackup.age")
    assert [p.name for p in (tmp_path / "usb").iterdir()] == [info.path.name]  # no manifest beside, no plain copy
    data = info.path.read_bytes()
    assert data.startswith(b"age-encryption.org/v1")
    for secret in ("11010519491231002X", "王秀英", "青石村", "SQLite format"):
        assert secret.encode("utf-8") not in data
    assert not list(data_dir().glob("backup-*"))  # the scratch copy is gone
    found = verify(info.path, passphrase=PASS)
    assert found["counts"]["resident"] == 1 and found["encrypted"] is True
    assert found["audit_head"]["last_id"] > 0


def test_an_encrypted_backup_needs_a_passphrase_of_some_length(village, tmp_path):
    database, admin = village
    for passphrase in (None, "", "short"):
        with pytest.raises(ValidationError):
            backup(database=database, actor=admin, to_dir=tmp_path / "usb", passphrase=passphrase)
    assert not (tmp_path / "usb").exists()


def test_round_trip_with_the_passphrase_and_both_are_recorded(village, tmp_path):
    database, admin = village
    add(database, admin, "王一")
    info = backup(database=database, actor=admin, to_dir=tmp_path / "usb", passphrase=PASS)
    add(database, admin, "王二")
    restore(database=database, actor=admin, backup_file=info.path, safety_dir=backups_dir(), passphrase=PASS)
    reopened = Database(database.path)
    assert residents(reopened) == 1
    assert notes(reopened, "restored")  # the note of the backup itself was written after the copy was taken
    with reopened.engine.connect() as conn:
        from app.health import check_audit_chain

        assert check_audit_chain(conn) == []
    reopened.dispose()


def test_a_wrong_passphrase_is_a_clear_error_and_changes_nothing(village, tmp_path):
    database, admin = village
    add(database, admin, "李一")
    info = backup(database=database, actor=admin, to_dir=tmp_path / "usb", passphrase=PASS)
    add(database, admin, "李二")
    before = database.path.read_bytes()
    with pytest.raises(VillageDeskError, match="密码"):
        restore(database=database, actor=admin, backup_file=info.path, safety_dir=backups_dir(), passphrase="not the passphrase")
    with pytest.raises(ValidationError):
        restore(database=database, actor=admin, backup_file=info.path, safety_dir=backups_dir())
    assert residents(database) == 2 and database.path.read_bytes() == before
    assert not list(backups_dir().glob("*before-restore*"))


def test_a_flipped_byte_in_an_encrypted_backup_is_refused(village, tmp_path):
    database, admin = village
    info = backup(database=database, actor=admin, to_dir=tmp_path / "usb", passphrase=PASS)
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    info.path.write_bytes(bytes(data))
    with pytest.raises(VillageDeskError):
        verify(info.path, passphrase=PASS)


def test_a_plain_backup_without_its_manifest_is_refused(village, tmp_path):
    database, admin = village
    info = backup(database=database, actor=admin, to_dir=backups_dir())
    info.path.with_suffix(".vdbackup.json").unlink()
    with pytest.raises(VillageDeskError, match="清单"):
        restore(database=database, actor=admin, backup_file=info.path, safety_dir=backups_dir())


def test_a_hand_edited_backup_that_replaced_the_log_is_refused(village, tmp_path):
    """The attacker edits the backup's audit log with sqlite3 and writes a fresh checksum into the manifest."""
    database, admin = village
    add(database, admin, "张一")
    info = backup(database=database, actor=admin, to_dir=backups_dir())
    conn = sqlite3.connect(info.path)
    with conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE id > 1")
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    manifest_path = info.path.with_suffix(".vdbackup.json")
    from app.backup import _sha256

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["sha256"] = _sha256(info.path)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(VillageDeskError, match="审计"):
        restore(database=database, actor=admin, backup_file=info.path, safety_dir=backups_dir())
    assert residents(database) == 1


def test_an_encrypted_backup_resealed_with_an_edited_log_is_refused(village, tmp_path):
    """Even with the passphrase, a store whose log was cut is refused by the chain and the manifest's head."""
    import pyrage

    database, admin = village
    add(database, admin, "赵一")
    info = backup(database=database, actor=admin, to_dir=tmp_path / "usb", passphrase=PASS)
    work = tmp_path / "work"
    work.mkdir()
    zipfile.ZipFile(__import__("io").BytesIO(pyrage.passphrase.decrypt(info.path.read_bytes(), PASS))).extractall(work)
    store = work / "villagedesk.sqlite3"
    conn = sqlite3.connect(store)
    with conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
        conn.execute("UPDATE audit_head SET last_id = last_id - 1")
    conn.close()
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    from app.backup import _sha256

    manifest["sha256"] = _sha256(store)
    (work / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    buffer = __import__("io").BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(work / "manifest.json", "manifest.json")
        archive.write(store, "villagedesk.sqlite3")
    forged = tmp_path / "forged.vdbackup.age"
    forged.write_bytes(pyrage.passphrase.encrypt(buffer.getvalue(), PASS))
    with pytest.raises(VillageDeskError, match="审计"):
        verify(forged, passphrase=PASS)


def test_the_cli_reads_the_passphrase_from_the_environment(village, tmp_path, monkeypatch):
    database, _admin = village
    from app import cli

    database.dispose()
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    monkeypatch.setenv("VILLAGEDESK_BACKUP_PASSPHRASE", PASS)
    assert cli.main(["backup", "--db", str(database.path), "--to", str(tmp_path / "usb")]) == 0
    (written,) = (tmp_path / "usb").glob("*.vdbackup.age")
    assert cli.main(["restore", "--db", str(database.path), str(written)]) == 0
    monkeypatch.setenv("VILLAGEDESK_BACKUP_PASSPHRASE", "wrong passphrase here")
    assert cli.main(["restore", "--db", str(database.path), str(written)]) != 0
    shutil.rmtree(tmp_path / "usb")
