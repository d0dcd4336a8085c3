"""Automatic backups (issue 14, part 4): daily on start, before upgrades, imports and restores;
kept as 7 daily + 4 weekly + 12 monthly generations, pruned only after the new one verified;
attachments travel with every backup; a second folder gets backups encrypted to a recipient."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app import backup as backups
from app import people
from app.backup import backup, backup_before, backup_on_start, keep_generations, restore, verify
from app.errors import StorageError, ValidationError, VillageDeskError
from app.paths import backups_dir, data_dir

MORNING = dt.time(8, 0)


def day(text: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), MORNING)


def add(database, admin, name):
    with database.unit(admin) as session:
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name=name, gender="F"))


def names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if path.name.endswith((".vdbackup", ".vdbackup.age"))}


# ---------------------------------------------------------------- the rotation, a pure function


def test_pruning_over_400_simulated_days_keeps_exactly_the_expected_generations():
    """One automatic backup every morning from 2025-01-01, pruned after each (as the program
    does), for 400 days: what is left on the last day (Wednesday 2026-02-04) is written out by
    hand from the calendar — the last 7 days, the Sundays closing the 3 weeks before this one,
    and the last day of each of the 11 months before this one."""
    held: dict[str, dt.datetime] = {}
    start = dt.date(2025, 1, 1)
    for n in range(400):
        today = dt.datetime.combine(start + dt.timedelta(days=n), MORNING)
        held[today.date().isoformat()] = today
        kept = keep_generations(held)
        held = {key: held[key] for key in kept}
        assert len(held) <= 7 + 4 + 12
    expected = {
        # daily
        "2026-01-29", "2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04",
        # weekly (the week of 02-04 and the week ending 02-01 are already in)
        "2026-01-25", "2026-01-18",
        # monthly (February 2026 and January 2026 are already in)
        "2025-12-31", "2025-11-30", "2025-10-31", "2025-09-30", "2025-08-31", "2025-07-31", "2025-06-30",
        "2025-05-31", "2025-04-30", "2025-03-31",
    }
    assert set(held) == expected
    roles = keep_generations(held)
    assert roles["2025-03-31"] == {"monthly"} and roles["2026-01-18"] == {"weekly"}
    assert roles["2026-02-01"] == {"daily", "weekly"} and roles["2026-02-04"] == {"daily", "weekly", "monthly"}


def test_several_backups_a_day_keep_the_newest_of_the_day_and_the_newest_overall():
    made = {f"{hour:02}": dt.datetime(2026, 3, 2, hour) for hour in (8, 12, 17)}
    assert set(keep_generations(made)) == {"17"}
    assert keep_generations({}) == {}


# ---------------------------------------------------------------- on start, with real files


def test_the_automatic_backup_on_start_only_when_the_last_is_older_than_a_day(village):
    database, _admin = village
    first = backup_on_start(database, now=day("2026-03-02"))
    assert first is not None and first.manifest["reason"] == "auto"
    assert backup_on_start(database, now=day("2026-03-02") + dt.timedelta(hours=23)) is None
    assert backup_on_start(database, now=day("2026-03-03") + dt.timedelta(hours=1)) is not None
    assert len(names(backups_dir())) == 2


def test_a_command_that_writes_makes_the_daily_backup_and_a_reading_one_does_not(village, monkeypatch, capsys):
    from app import cli

    database, _admin = village
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    assert cli.main(["stats", "--db", str(database.path)]) == 0
    assert names(backups_dir()) == set()  # reading: no lock, no backup, nothing slowed
    monkeypatch.setenv("VILLAGEDESK_NEW_PASSWORD", "another-secret")
    assert cli.main(["user", "add", "clerk2", "--role", "clerk", "--db", str(database.path)]) == 0
    (made,) = names(backups_dir())
    assert "-auto." in made
    assert cli.main(["user", "add", "clerk3", "--role", "clerk", "--db", str(database.path)]) == 0
    assert names(backups_dir()) == {made}  # the next command within the day adds none


def test_daily_generations_on_disk_are_pruned_and_their_manifests_go_with_them(village):
    database, _admin = village
    for n in range(10):
        backup_on_start(database, now=day("2026-03-01") + dt.timedelta(days=n))
    left = names(backups_dir())
    days = sorted(name.split("-")[2] for name in left)
    # the last 7 days, plus Sunday 03-01 (the week before) — one of them also the month's newest
    assert days == ["20260301", "20260304", "20260305", "20260306", "20260307", "20260308", "20260309", "20260310"]
    assert {p.name for p in backups_dir().glob("*.json")} == {name + ".json" for name in left}


def test_a_failed_verify_never_deletes_an_older_good_one(village, monkeypatch):
    database, admin = village
    folder = backups_dir()
    for n in range(8):
        backup_on_start(database, now=day("2026-03-01") + dt.timedelta(days=n))
    before = names(folder)

    def broken(path, **_kw):
        raise VillageDeskError("damaged on the way to the disk")

    monkeypatch.setattr(backups, "verify", broken)
    assert backup_on_start(database, now=day("2026-03-20")) is None  # logged, the start goes on
    assert names(backups_dir()) == before  # nothing pruned, the bad one not kept
    with pytest.raises(StorageError):
        backup_before(database, reason="import", now=day("2026-03-20"))
    assert names(backups_dir()) == before
    monkeypatch.setattr(backups, "verify", verify)
    for name in before:
        verify(folder / name)


def test_backup_before_an_import_and_before_a_restore(village, monkeypatch):
    from app import sync

    database, admin = village
    add(database, admin, "王一")
    manual = backup(database=database, actor=admin, to_dir=backups_dir())
    # sync's import door makes one before writing (the bundle check itself is stubbed here)
    monkeypatch.setattr(sync._service, "import_bundle", lambda session, **kw: "imported")
    bundle = data_dir() / "bundle.vdbundle"
    bundle.write_bytes(b"x")
    with database.unit(admin) as session:
        assert sync.import_bundle(session=session, actor=admin, file=bundle, key=None) == "imported"
    (before_import,) = backups_dir().glob("*-before-import.vdbackup")
    assert verify(before_import)["live"]["resident"] == 1
    with database.unit(admin) as session:
        sync.import_bundle(session=session, actor=admin, file=bundle, key=None, dry_run=True)
    assert len(list(backups_dir().glob("*-before-import.vdbackup"))) == 1  # a dry run writes nothing
    add(database, admin, "王二")
    restore(database=database, actor=admin, backup_file=manual.path, safety_dir=backups_dir())
    (safety,) = backups_dir().glob("*-before-restore.vdbackup")
    assert verify(safety)["live"]["resident"] == 2


def test_an_upgrade_is_preceded_by_a_verified_generation(village, monkeypatch, tmp_path):
    import db.migrate as migrate

    database, _admin = village
    monkeypatch.setattr(migrate, "schema_state", lambda _engine: "older")
    monkeypatch.setattr(migrate.command, "upgrade", lambda config, rev: None)
    migrate.upgrade(database.engine, backup_dir=tmp_path / "upgrade-backups")
    (made,) = (tmp_path / "upgrade-backups").glob("*-before-upgrade.vdbackup")
    assert verify(made)["village_code"] == "510112104201"


# ---------------------------------------------------------------- attachments


def put_attachments(store: Path) -> dict[str, bytes]:
    import hashlib

    files = {}
    for content, ext in ((b"\x89PNG signed sign-in sheet", ".png"), (b"%PDF-1.4 scan of the minutes", ".pdf")):
        digest = hashlib.sha256(content).hexdigest()
        name = f"{digest[:2]}/{digest}{ext}"
        path = store.parent / "attachments" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        files[name] = content
    return files


@pytest.mark.parametrize("where", ["data folder", "usb"])
def test_attachments_round_trip_through_backup_and_restore(village, tmp_path, where):
    database, admin = village
    files = put_attachments(Path(database.path))
    passphrase = "a long passphrase" if where == "usb" else None
    info = backup(database=database, actor=admin, to_dir=backups_dir() if where == "data folder" else tmp_path / "usb",
                  passphrase=passphrase)
    assert set(info.manifest["attachments"]) == set(files)
    folder = Path(database.path).parent / "attachments"
    lost = next(iter(files))
    (folder / lost).unlink()
    added = folder / "ff" / "ffff-added-later.jpg"
    added.parent.mkdir()
    added.write_bytes(b"a photo taken after the backup")
    restore(database=database, actor=admin, backup_file=info.path, safety_dir=data_dir() / "safety", passphrase=passphrase)
    for name, content in files.items():
        assert (folder / name).read_bytes() == content
    assert added.read_bytes() == b"a photo taken after the backup"  # nothing is lost by a restore


def test_a_damaged_attachment_in_a_backup_is_refused_and_nothing_changes(village):
    database, admin = village
    put_attachments(Path(database.path))
    info = backup(database=database, actor=admin, to_dir=backups_dir())
    archive = info.path.with_name(info.path.name + ".attachments.zip")
    data = bytearray(archive.read_bytes())
    data[40] ^= 0xFF
    archive.write_bytes(bytes(data))
    add(database, admin, "李一")
    with pytest.raises(VillageDeskError, match="附件"):
        restore(database=database, actor=admin, backup_file=info.path, safety_dir=data_dir() / "safety")
    with database.session() as session:
        assert people.stats(session=session, actor=admin)["residents"] == 1


def test_a_truncated_backup_is_refused_and_the_database_is_untouched(village):
    database, admin = village
    info = backup(database=database, actor=admin, to_dir=backups_dir())
    add(database, admin, "李一")
    original = Path(database.path).read_bytes()
    info.path.write_bytes(info.path.read_bytes()[: info.path.stat().st_size // 2])
    with pytest.raises(VillageDeskError):
        restore(database=database, actor=admin, backup_file=info.path, safety_dir=data_dir() / "safety")
    assert Path(database.path).read_bytes() == original
    assert not (data_dir() / "safety").exists()


# ---------------------------------------------------------------- a second folder (a second drive)


def test_a_second_folder_gets_encrypted_backups_without_asking_a_passphrase(village, tmp_path):
    database, admin = village
    drive = tmp_path / "drive"
    drive.mkdir()
    with database.unit(admin) as session:
        with pytest.raises(ValidationError):
            backups.set_second_folder(session=session, actor=admin, folder=drive, passphrase=None)
    with database.unit(admin) as session:
        settings = backups.set_second_folder(session=session, actor=admin, folder=drive, passphrase="drive passphrase")
    assert settings["second_folder"] == str(drive.resolve()) and settings["encrypted"]
    put_attachments(Path(database.path))
    backup_on_start(database, now=day("2026-03-02"))
    (sealed,) = drive.glob("*-auto.vdbackup.age")
    raw = sealed.read_bytes()
    assert "青石村".encode() not in raw and b"X25519" in raw[:200]
    assert not list(drive.glob("*.json"))  # nothing readable beside it
    with pytest.raises(VillageDeskError):
        verify(sealed, passphrase="not the drive passphrase")
    found = verify(sealed, passphrase="drive passphrase")
    assert found["village_name"] == "青石村" and len(found["attachments"]) == 2
    # a new PC: the data folder's copy of the key is gone, the key file on the drive still opens it
    for key in (backups_dir() / "keys").glob("*.age"):
        key.unlink()
    assert verify(sealed, passphrase="drive passphrase")["sha256"] == found["sha256"]
    # choosing the same drive again keeps its key (older backups there stay readable)
    with database.unit(admin) as session:
        with pytest.raises(ValidationError):
            backups.set_second_folder(session=session, actor=admin, folder=drive, passphrase="another passphrase")
        again = backups.set_second_folder(session=session, actor=admin, folder=drive, passphrase="drive passphrase")
    assert again["encrypted"] and json.loads(json.dumps(again, default=str))


def test_a_missing_second_drive_does_not_stop_the_daily_backup(village, tmp_path):
    database, admin = village
    drive = tmp_path / "drive"
    drive.mkdir()
    with database.unit(admin) as session:
        backups.set_second_folder(session=session, actor=admin, folder=drive, passphrase="drive passphrase")
    drive.rename(tmp_path / "unplugged")
    assert backup_on_start(database, now=day("2026-03-02")) is not None
    assert len(names(backups_dir())) == 1


def test_generations_are_listed_with_kind_village_and_counts(village, tmp_path):
    database, admin = village
    add(database, admin, "王一")
    for n in range(9):
        backup_on_start(database, now=day("2026-03-01") + dt.timedelta(days=n))
    backup(database=database, actor=admin, to_dir=backups_dir())
    listed = backups.generations(actor=admin, folders=[backups_dir()])
    assert listed[0].kind == "manual"
    kinds = {g.made.date().isoformat(): g.kind for g in listed if g.reason == "auto"}
    assert kinds["2026-03-01"] == "weekly" and kinds["2026-03-09"] == "monthly" and kinds["2026-03-05"] == "daily"
    assert listed[1].village_name == "青石村" and listed[1].counts["resident"] == 1


def test_a_full_disk_during_an_automatic_backup_is_said_and_loses_nothing(village, monkeypatch):
    import errno

    database, admin = village
    backup_on_start(database, now=day("2026-03-01"))
    before = names(backups_dir())

    def full(source, dest):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "_snapshot", full)
    with pytest.raises(StorageError, match="磁盘已满"):
        backup_before(database, reason="import", now=day("2026-03-02"))
    with pytest.raises(StorageError, match="今天的自动备份"):
        backup_on_start(database, now=day("2026-03-03"), raise_errors=True)
    assert backup_on_start(database, now=day("2026-03-03")) is None  # a command goes on regardless
    assert names(backups_dir()) == before
    assert not [p for p in backups_dir().iterdir() if p.name.endswith(".partial")]
    assert not list(data_dir().glob("backup-*"))  # no scratch folder left behind


def test_backups_made_at_once_on_several_threads_never_remove_each_other(village):
    """The window's daily backup runs on a thread of its own while an import's runs on the database
    worker: one's pruning must not delete the other's generation before it is verified."""
    import threading

    database, admin = village
    add(database, admin, "王一")
    errors: list[BaseException] = []

    def make() -> None:
        try:
            for _ in range(3):
                backup_before(database, reason="import")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    (kept,) = backups_dir().glob("*-before-import.vdbackup")  # one a day is kept, and it verifies
    assert verify(kept)["live"]["resident"] == 1
