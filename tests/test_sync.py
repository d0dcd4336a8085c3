"""Issue 11 (core): bundles village → township — keys, export, verified import, a corpus of bad bundles.

The "township" here is an ordinary store of another village code (township mode comes later); the
village is a small demo village. Making and unlocking the township's age key costs seconds
(scrypt), so both stores are prepared once per module and copied for each test.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrage import x25519
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
VILLAGE_CODE, TOWNSHIP_CODE = "510112104201", "510112104000"
PASSPHRASE = "township key passphrase"


def _checkpoint(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _setup(path: Path, *, name: str, code: str):
    from app import people, sync
    from db.engine import Database

    database = Database(path, backup_dir=path.parent / "backups")
    with database.unit() as session:
        if code.endswith("000"):
            admin = sync.setup_township(session=session, name=name, code=code, admin_username="admin",
                                        admin_password="secret-pass", admin_display_name="乡镇管理员")
        else:
            admin = people.setup_village(session=session, name=name, code=code, township="龙泉镇",
                                         committee_name="", supervision_phone="028-84851234",
                                         admin_username="admin", admin_password="secret-pass",
                                         admin_display_name="李书记")
    database.refresh_village_code()
    return database, admin


@pytest.fixture(scope="module")
def templates(tmp_path_factory, _migrated_template):
    """(township store, its unlocked key, the key file, a demo village store that trusts it)."""
    from app import demo, sync

    folder = tmp_path_factory.mktemp("sync-templates")
    shutil.copyfile(_migrated_template, folder / "township.sqlite3")
    township, t_admin = _setup(folder / "township.sqlite3", name="龙泉镇", code=TOWNSHIP_CODE)
    with township.unit(t_admin) as session:
        sync.export_township_key(session=session, actor=t_admin, to_file=folder / "township.key.txt", name="龙泉镇",
                                 passphrase=PASSPHRASE)
    with township.session() as session:
        key = sync.unlock_township_key(session=session, actor=t_admin, passphrase=PASSPHRASE)
    township.dispose()
    shutil.copyfile(_migrated_template, folder / "village.sqlite3")
    village, v_admin = _setup(folder / "village.sqlite3", name="青石村", code=VILLAGE_CODE)
    with village.unit(v_admin) as session:
        demo.generate(session=session, actor=v_admin, size="small", seed=3, progress=None)
    with village.unit(v_admin) as session:
        sync.trust_township_key(session=session, actor=v_admin, file=folder / "township.key.txt")
    village.dispose()
    for name in ("township.sqlite3", "village.sqlite3"):
        _checkpoint(folder / name)
    return folder, key


def _open(template: Path, target: Path):
    from app.auth import authenticate
    from db.engine import Database

    shutil.copyfile(template, target)
    database = Database(target, backup_dir=target.parent / "backups")
    with database.unit() as session:
        admin = authenticate(session=session, username="admin", password="secret-pass")
    return database, admin


@pytest.fixture
def stores(templates, tmp_path):
    folder, key = templates
    village = _open(folder / "village.sqlite3", tmp_path / "village.sqlite3")
    township = _open(folder / "township.sqlite3", tmp_path / "township.sqlite3")
    yield village, township, key
    village[0].dispose()
    township[0].dispose()


def export(store, to: Path, *, full: bool = False):
    from app import sync

    database, admin = store
    with database.unit(admin) as session:
        return sync.export_bundle(session=session, actor=admin, to_dir=to, full=full)


def import_(store, key, path, *, enroll: bool = True, dry_run: bool = False):
    from app import sync

    database, admin = store
    with database.unit(admin) as session:
        return sync.import_bundle(session=session, actor=admin, file=path, key=key, enroll=enroll, dry_run=dry_run)


def ack(store, summary):
    """Carry the township's receipt for ``summary`` back to the village and import it there."""
    from app import sync

    database, admin = store
    with database.unit(admin) as session:
        return sync.import_receipt(session=session, actor=admin, data=summary.receipt)


def rows(database, table: str, village: str = VILLAGE_CODE) -> list[dict]:
    """Every row (tombstones too) of one village in a table, as JSON values, by id."""
    from db.scope import _synced_tables
    from db.tracking import _jsonable

    model = _synced_tables()[table]
    with database.session() as session:
        result = session.connection().execute(select(model.__table__).where(model.__table__.c.village_code == village)
                                              .order_by(model.__table__.c.id)).mappings()
        return [{k: _jsonable(v) for k, v in row.items()} for row in result]


def fingerprint_of_file(database) -> str:
    """SHA-256 of the store's main file after folding the WAL in (byte-for-byte comparison)."""
    _checkpoint(database.path)
    return hashlib.sha256(Path(database.path).read_bytes()).hexdigest()


def live_count(database, table: str) -> int:
    return sum(1 for row in rows(database, table) if row["deleted_at"] is None)


# ---------------------------------------------------------------- round trip


def test_round_trip_every_synced_table(stores, tmp_path):
    from app import sync
    from app.sync.service import export_policies

    village, township, key = stores
    result = export(village, tmp_path / "usb")
    assert Path(result.path).name.endswith(".vdbundle.age") and result.full and result.from_rev == 0
    assert not list((tmp_path / "usb").glob(".*part"))  # no temporary file left behind
    assert b"manifest" not in Path(result.path).read_bytes()  # encrypted: nothing readable on the stick
    summary = import_(township, key, result.path)
    assert summary.applied and summary.enrolled and summary.rejected == 0
    policies = export_policies()
    assert set(policies.values()) == {"full", "masked", "aggregate", "never"}
    for table, policy in policies.items():
        here, there = rows(village[0], table), rows(township[0], table)
        assert here or policy == "never", f"the demo village has no {table} rows: the round trip would prove nothing"
        if policy == "full":
            assert there == here, table
            assert summary.tables[table]["new"] == len(here)
        elif policy == "masked":
            assert [r["id"] for r in there] == [r["id"] for r in here]
            assert there != here
        else:
            assert there == [], f"{table} ({policy}) must not leave the village as rows"
    with township[0].session() as session:
        [entry] = sync.imported_villages(session=session, actor=township[1])
    assert entry["village_code"] == VILLAGE_CODE and entry["fingerprint"] == result.fingerprint
    for table in (t for t, p in policies.items() if p == "aggregate"):
        assert entry["totals"][table] == live_count(village[0], table)


def test_masked_concerns_keep_no_personal_details(stores, tmp_path):
    village, township, key = stores
    import_(township, key, export(village, tmp_path / "usb").path)
    here = {r["id"]: r for r in rows(village[0], "concern")}
    there = rows(township[0], "concern")
    with_person = [r for r in there if here[r["id"]]["resident_id"] or here[r["id"]]["household_id"]]
    assert with_person and all(r["resident_id"] is None and r["household_id"] is None for r in with_person)
    named = [r for r in there if len(here[r["id"]]["raised_by"]) >= 2]
    assert named and all("*" in r["raised_by"] and r["raised_by"] != here[r["id"]]["raised_by"] for r in named)
    assert all(r["title"] == here[r["id"]]["title"] or "*" in r["title"] for r in there)


def test_incremental_bundle_carries_an_edit_and_a_deletion(stores, tmp_path):
    from app import people, sync
    from db.models.notices import Notice
    from db.models.people import Resident

    village, township, key = stores
    first = export(village, tmp_path / "usb")
    ack(village, import_(township, key, first.path))
    with village[0].session() as session:
        resident_id = session.execute(select(Resident.id)).scalars().first()
        notice_id = session.execute(select(Notice.id)).scalars().first()
    database, admin = village
    with database.unit(admin) as session:
        session.get(Notice, notice_id).title = "关于修路的公告（更正）"
    with database.unit(admin) as session:
        people.delete_resident(session=session, actor=admin, resident_id=resident_id)
    second = export(village, tmp_path / "usb")
    assert not second.full and second.from_rev == first.to_rev
    assert second.counts["notice"] == 1 and second.counts["village_profile"] == 0
    summary = import_(township, key, second.path)
    assert summary.tables["notice"] == {"new": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    assert not summary.gap
    [notice] = [r for r in rows(township[0], "notice") if r["id"] == notice_id]
    assert notice["title"] == "关于修路的公告（更正）"
    with township[0].session() as session:
        [entry] = sync.imported_villages(session=session, actor=township[1])
    assert entry["totals"]["resident"] == live_count(village[0], "resident")
    assert entry["totals"]["resident"] == sum(1 for _ in rows(village[0], "resident")) - 1  # the deleted one is gone


def test_a_deletion_travels_as_a_tombstone(stores, tmp_path):
    from db.base import soft_delete
    from db.models.meetings import AgendaItem

    village, township, key = stores
    import_(township, key, export(village, tmp_path / "usb").path)
    database, admin = village
    with database.unit(admin) as session:
        item = session.execute(select(AgendaItem)).scalars().first()
        soft_delete(item)
        item_id = item.id
    import_(township, key, export(village, tmp_path / "usb").path)
    [there] = [r for r in rows(township[0], "agenda_item") if r["id"] == item_id]
    assert there["deleted_at"] is not None and there == [r for r in rows(database, "agenda_item") if r["id"] == item_id][0]


def test_importing_the_same_bundle_twice_changes_nothing(stores, tmp_path):
    village, township, key = stores
    bundle = export(village, tmp_path / "usb").path
    import_(township, key, bundle)
    before = fingerprint_of_file(township[0])
    again = import_(township, key, bundle)
    assert again.already_imported and not again.applied
    assert all(c["new"] == c["updated"] == 0 for c in again.tables.values())
    assert fingerprint_of_file(township[0]) == before


def test_dry_run_writes_nothing_and_summarises(stores, tmp_path):
    village, township, key = stores
    bundle = export(village, tmp_path / "usb").path
    before = fingerprint_of_file(township[0])
    summary = import_(township, key, bundle, dry_run=True)
    assert summary.dry_run and not summary.applied and summary.tables["meeting"]["new"] > 0
    assert fingerprint_of_file(township[0]) == before


def test_an_incremental_bundle_starts_from_what_the_township_acknowledged(stores, tmp_path):
    from db.models.notices import Notice

    village, township, key = stores
    first = export(village, tmp_path / "usb")
    again = export(village, tmp_path / "usb")
    assert again.full and again.from_rev == 0  # nothing acknowledged yet: everything again
    ack(village, import_(township, key, first.path))
    database, admin = village
    bundles = []
    for title in ("一", "二"):
        with database.unit(admin) as session:
            session.execute(select(Notice)).scalars().first().title = title
        bundles.append(export(village, tmp_path / "usb"))
    # both start from the acknowledged bundle: the second alone carries everything since
    assert [b.from_rev for b in bundles] == [first.to_rev, first.to_rev] and not bundles[1].full
    summary = import_(township, key, bundles[1].path)
    assert not summary.gap and summary.applied


def test_a_township_that_lost_a_bundle_sees_a_gap_and_asks_for_a_full_one(stores, templates, tmp_path):
    from db.models.notices import Notice

    village, township, key = stores
    ack(village, import_(township, key, export(village, tmp_path / "usb").path))
    _checkpoint(township[0].path)
    shutil.copyfile(township[0].path, tmp_path / "older-township.sqlite3")  # e.g. a restored old backup
    database, admin = village
    with database.unit(admin) as session:
        session.execute(select(Notice)).scalars().first().title = "一"
    ack(village, import_(township, key, export(village, tmp_path / "usb").path))
    with database.unit(admin) as session:
        session.execute(select(Notice)).scalars().first().title = "二"
    third = export(village, tmp_path / "usb")
    assert not third.full
    older = _open(tmp_path / "older-township.sqlite3", tmp_path / "older-copy.sqlite3")
    try:
        summary = import_(older, key, third.path)  # the second bundle never arrived here
        assert summary.gap and summary.applied
        result = ack(village, summary)
        assert result.full_requested
        fourth = export(village, tmp_path / "usb")
        assert fourth.full
        healed = import_(older, key, fourth.path)
        assert not healed.gap
        assert rows(older[0], "notice") == rows(database, "notice")
        assert not ack(village, healed).full_requested
    finally:
        older[0].dispose()


def test_every_few_incremental_bundles_the_next_is_full(stores, tmp_path, monkeypatch):
    from app.sync import service

    monkeypatch.setattr(service, "FULL_EVERY", 2)
    village, township, key = stores
    fulls = []
    for _ in range(7):
        bundle = export(village, tmp_path / "usb")
        ack(village, import_(township, key, bundle.path))
        fulls.append(bundle.full)
    assert fulls == [True, False, False, True, False, False, True]
    assert not export(village, tmp_path / "usb").full and export(village, tmp_path / "usb", full=True).full


# ---------------------------------------------------------------- out of order


@pytest.fixture
def edit_chain(stores, tmp_path):
    """A full bundle and five incremental ones, each editing or deleting notices and groups."""
    from db.base import soft_delete
    from db.models.notices import Notice
    from db.models.people import VillageGroup

    village, township, key = stores
    database, admin = village
    first = export(village, tmp_path / "usb")
    ack(village, import_(township, key, first.path))  # an acknowledged bundle leaves the outbox: keep the stick's copy
    chain = [first.copied_to]
    for step in range(5):
        with database.unit(admin) as session:
            notices = session.execute(select(Notice).order_by(Notice.id)).scalars().all()
            groups = session.execute(select(VillageGroup).order_by(VillageGroup.id)).scalars().all()
            notices[step % len(notices)].title = f"第{step}次修改"
            groups[step % len(groups)].leader_name = f"组长{step}"
            if step == 3:
                soft_delete(notices[-1])
        bundle = export(village, tmp_path / "usb")
        assert not bundle.full
        ack(village, import_(township, key, bundle.path))
        chain.append(bundle.copied_to)
    return chain, stores


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(6)))
def test_bundles_applied_in_any_order_converge(edit_chain, templates, tmp_path_factory, order):
    chain, (village, _township, key) = edit_chain
    folder, _key = templates
    target = _open(folder / "township.sqlite3", tmp_path_factory.mktemp("order") / "t.sqlite3")
    try:
        for index in order:
            import_(target, key, chain[index])
        for table in ("notice", "village_group"):
            assert rows(target[0], table) == rows(village[0], table)
    finally:
        target[0].dispose()


# ---------------------------------------------------------------- bad bundles


def _open_bundle(path: Path, key) -> tuple[dict, dict[str, bytes]]:
    plain = pyrage.decrypt(Path(path).read_bytes(), [key.identity])
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    return json.loads(members.pop("manifest.json")), members


def _seal(path: Path, manifest: dict, members: dict[str, bytes], *, signer, recipient: str,
          fix_checksums: bool = True, extra: dict[str, bytes] | None = None) -> Path:
    members = dict(members)
    members.pop("signature", None)
    if fix_checksums:
        for name, data in members.items():
            manifest["members"][name]["sha256"] = hashlib.sha256(data).hexdigest()
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("signature", signer.sign(manifest_bytes))
        for name, data in {**members, **(extra or {})}.items():
            zf.writestr(name, data)
    path.write_bytes(pyrage.encrypt(buffer.getvalue(), [x25519.Recipient.from_str(recipient)]))
    return path


def _village_key(database) -> Ed25519PrivateKey:
    """The village's stored key, as ``cryptography`` reads the same 32-byte seed: bundles this
    test signs with it were signed by another Ed25519 implementation than the program's."""
    from app.sync import keys, signing

    with database.session() as session:
        return Ed25519PrivateKey.from_private_bytes(signing.seed_bytes(keys.signing_key(session, create=False)))


def _jsonl(data: bytes, change) -> bytes:
    lines = [json.loads(line) for line in data.decode().splitlines()]
    return b"".join(json.dumps(change(row), ensure_ascii=False).encode() + b"\n" for row in lines)


def _bad(kind: str, good: Path, key, village_db, out: Path) -> tuple[Path, bool]:
    """A bad variant of ``good``; returns (file, whether the village is enrolled before)."""
    recipient = str(key.identity.to_public())
    manifest, members = _open_bundle(good, key)
    signer = _village_key(village_db)
    data = good.read_bytes()
    if kind == "truncated":
        out.write_bytes(data[: len(data) // 2])
    elif kind == "bit_flipped":
        flipped = bytearray(data)
        flipped[len(flipped) * 2 // 3] ^= 0x10
        out.write_bytes(bytes(flipped))
    elif kind == "wrong_township_key":
        _seal(out, manifest, members, signer=signer, recipient=str(x25519.Identity.generate().to_public()))
    elif kind == "wrong_signature":
        _seal(out, manifest, members, signer=Ed25519PrivateKey.generate(), recipient=recipient)
    elif kind == "changed_after_signing":
        members["notice.jsonl"] = _jsonl(members["notice.jsonl"], lambda r: {**r, "title": "篡改"})
        _seal(out, manifest, members, signer=signer, recipient=recipient, fix_checksums=False)
    elif kind == "unknown_village":
        shutil.copyfile(good, out)
        return out, False
    elif kind == "newer_format":
        manifest["format_version"] = 99
        _seal(out, manifest, members, signer=signer, recipient=recipient)
    elif kind == "newer_schema":
        manifest["schema_revision"] = "9999"
        _seal(out, manifest, members, signer=signer, recipient=recipient)
    elif kind == "zip_slip":
        _seal(out, manifest, members, signer=signer, recipient=recipient, extra={"../../evil.jsonl": b"{}\n"})
    elif kind == "unexpected_member":
        _seal(out, manifest, members, signer=signer, recipient=recipient, extra={"notes.txt": b"hello"})
    elif kind == "zip_bomb":
        _seal(out, manifest, members, signer=signer, recipient=recipient,
              extra={"bomb.jsonl": b"\n" * (64 * 1024 * 1024)})
    elif kind == "counts_do_not_match":
        manifest["members"]["notice.jsonl"]["rows"] += 1
        manifest["counts"]["notice"] += 1
        _seal(out, manifest, members, signer=signer, recipient=recipient)
    elif kind == "rows_of_another_village":
        members["notice.jsonl"] = _jsonl(members["notice.jsonl"], lambda r: {**r, "village_code": "510112104202"})
        _seal(out, manifest, members, signer=signer, recipient=recipient)
    elif kind == "replayed_as_another_village":
        manifest["village_code"] = TOWNSHIP_CODE[:-1] + "8"
        _seal(out, manifest, members, signer=Ed25519PrivateKey.generate(), recipient=recipient)
        return out, True
    elif kind == "manifest_missing_a_field":
        del manifest["to_rev"]
        _seal(out, manifest, members, signer=signer, recipient=recipient)
    elif kind == "member_marked_encrypted":  # zipfile raises RuntimeError reading it
        _seal(out, manifest, members, signer=signer, recipient=recipient)
        plain = pyrage.decrypt(out.read_bytes(), [key.identity])
        at = plain.index(b"PK\x03\x04", plain.index(b"notice.jsonl") - 40)
        central = plain.rindex(b"PK\x01\x02", 0, plain.rindex(b"notice.jsonl"))
        patched = bytearray(plain)
        patched[at + 6] |= 0x01  # local header: general purpose flag "encrypted"
        patched[central + 8] |= 0x01  # central directory entry: the same flag
        out.write_bytes(pyrage.encrypt(bytes(patched), [x25519.Recipient.from_str(recipient)]))
    elif kind == "orphans":  # an incremental bundle without its parents, on a township that has none
        return out, False
    else:  # pragma: no cover
        raise AssertionError(kind)
    return out, True


BAD = {
    "truncated": "无法用本乡镇的密钥解密", "bit_flipped": "无法用本乡镇的密钥解密",
    "wrong_township_key": "无法用本乡镇的密钥解密", "wrong_signature": "签名", "changed_after_signing": "校验",
    "unknown_village": "--enroll", "newer_format": "更新", "newer_schema": "更新", "zip_slip": "../../evil.jsonl",
    "unexpected_member": "notes.txt", "zip_bomb": "压缩", "counts_do_not_match": "清单", "rows_of_another_village": "其他村",
    "replayed_as_another_village": "--enroll", "orphans": "完整", "manifest_missing_a_field": "清单",
    "member_marked_encrypted": "已损坏",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_bundle_is_refused_and_nothing_is_written(stores, templates, tmp_path, kind):
    from app.sync import BundleRefused
    from db.base import soft_delete
    from db.models.meetings import AgendaItem

    village, township, key = stores
    good = Path(export(village, tmp_path / "usb").path)
    enroll_first = True
    if kind == "orphans":
        database, admin = village
        other = _open(templates[0] / "township.sqlite3", tmp_path / "other-township.sqlite3")
        try:  # another township acknowledged the full bundle: the next one is incremental
            ack(village, import_(other, key, good))
        finally:
            other[0].dispose()
        with database.unit(admin) as session:
            soft_delete(session.execute(select(AgendaItem)).scalars().first())
        bad = Path(export(village, tmp_path / "usb").path)
        enroll_first = False
    else:
        bad, enroll_first = _bad(kind, good, key, village[0], tmp_path / f"{kind}.vdbundle.age")
    if enroll_first:
        import_(township, key, good)
    before = fingerprint_of_file(township[0])
    with pytest.raises(BundleRefused) as refused:
        import_(township, key, bad, enroll=kind == "orphans")
    assert BAD[kind] in refused.value.message, refused.value.message
    assert "Traceback" not in refused.value.message
    assert fingerprint_of_file(township[0]) == before


def test_the_good_bundle_of_the_corpus_is_accepted(stores, tmp_path):
    """The corpus's tools make a bundle the importer accepts when nothing is wrong with it."""
    village, township, key = stores
    good = Path(export(village, tmp_path / "usb").path)
    import_(township, key, good)
    manifest, members = _open_bundle(good, key)
    resealed = _seal(tmp_path / "resealed.vdbundle.age", manifest, members, signer=_village_key(village[0]),
                     recipient=str(key.identity.to_public()))
    assert import_(township, key, resealed).already_imported


# ---------------------------------------------------------------- keys


def test_a_wrong_passphrase_does_not_unlock_the_township_key(templates, tmp_path):
    from app import sync

    folder, _key = templates
    database, admin = _open(folder / "township.sqlite3", tmp_path / "t.sqlite3")
    try:
        with database.session() as session, pytest.raises(sync.KeyRefused):
            sync.unlock_township_key(session=session, actor=admin, passphrase="not the passphrase")
    finally:
        database.dispose()


def test_the_private_keys_stay_out_of_the_audit_trail_and_the_key_file(templates, stores, tmp_path):
    import base64

    folder, _key = templates
    text = (folder / "township.key.txt").read_text(encoding="utf-8")
    assert "AGE-SECRET-KEY" not in text and text.strip().splitlines()[-1].startswith("age1")
    village, township, _ = stores
    export(village, tmp_path / "usb")  # the village's signing key is made now
    private = base64.b64encode(_village_key(village[0]).private_bytes_raw()).decode("ascii")
    audit = ""
    for database in (village[0], township[0]):
        _checkpoint(database.path)
        with sqlite3.connect(database.path) as conn:
            audit += " ".join(row[0] for row in conn.execute("SELECT changes FROM audit_log"))
            notes = [row[0] for row in conn.execute("SELECT changes FROM audit_log WHERE table_name = 'setting'")]
        assert any("fingerprint" in note for note in notes)  # the making of the key is recorded
    with sqlite3.connect(folder / "township.sqlite3") as conn:
        sealed = json.loads(conn.execute("SELECT value FROM setting WHERE key = 'sync.township_identity'").fetchone()[0])
    assert private not in audit and sealed["identity_age"] not in audit and "AGE-SECRET-KEY" not in audit
    assert b"AGE-SECRET-KEY" not in base64.b64decode(sealed["identity_age"])  # stored encrypted


# ---------------------------------------------------------------- command line


def run(args, home: Path, **env):
    environment = {"VILLAGEDESK_HOME": str(home), "PATH": "/usr/bin:/bin", "VILLAGEDESK_LANG": "zh_CN",
                   "VILLAGEDESK_PASSWORD": "secret-pass", "VILLAGEDESK_KEY_PASSPHRASE": PASSPHRASE, **env}
    return subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env=environment, stdin=subprocess.DEVNULL, timeout=300)


def test_usb_round_trip_on_the_command_line(templates, tmp_path):
    folder, _key = templates
    village, township = tmp_path / "v.sqlite3", tmp_path / "t.sqlite3"
    shutil.copyfile(folder / "village.sqlite3", village)
    home = tmp_path / "home"
    result = run(["init", "--db", township, "--kind", "township", "--township", "龙泉镇", "--township-code",
                  TOWNSHIP_CODE[:-3] + "001", "--admin", "admin"], home)
    assert result.returncode == 1 and "000" in result.stderr  # a village's code: refused
    result = run(["init", "--db", township, "--kind", "township", "--township", "龙泉镇", "--township-code",
                  TOWNSHIP_CODE, "--admin", "admin"], home)
    assert result.returncode == 0, result.stderr
    result = run(["keys", "export", "--db", township, "--to", tmp_path / "key.txt", "--name", "龙泉镇"], home)
    assert result.returncode == 0, result.stderr
    fingerprint = result.stdout.strip().splitlines()[-1].split("：")[-1].split(": ")[-1].strip()
    result = run(["keys", "trust", "--db", village, tmp_path / "key.txt"], home)
    assert result.returncode == 0 and fingerprint in result.stdout, result.stderr
    result = run(["export", "--db", village, "--to", tmp_path / "usb"], home)
    assert result.returncode == 0, result.stderr
    bundle = Path(result.stdout.strip())
    assert bundle.is_file()
    result = run(["import", "--db", township, bundle], home)  # not enrolled: refused, the fingerprint shown
    assert result.returncode == 1 and "--enroll" in json.loads(result.stdout)[0]["refused"]
    result = run(["import", "--db", township, "--dry-run", "--enroll", bundle], home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["applied"] is False
    result = run(["import", "--db", township, "--enroll", bundle], home)
    assert result.returncode == 0, result.stderr
    [summary] = json.loads(result.stdout)
    assert summary["applied"] and summary["tables"]["meeting"]["new"] > 0
    receipt = Path(summary["receipt"])
    assert receipt.parent == bundle.parent and receipt.suffix == ".vdreceipt"  # beside the bundle, on the stick
    (tmp_path / "junk.vdbundle.age").write_bytes(b"not a bundle")
    result = run(["import", "--db", township, bundle, tmp_path / "junk.vdbundle.age"], home)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    good, junk = json.loads(result.stdout)
    assert good["already_imported"] and junk["refused"]
    result = run(["receipt", "import", "--db", village, receipt], home)
    assert result.returncode == 0, result.stderr
    [marked] = json.loads(result.stdout)
    assert marked["bundle_id"] == summary["bundle_id"] and marked["acknowledged_rev"] == summary["to_rev"]
    result = run(["export", "--db", village, "--to", tmp_path / "usb"], home)  # nothing changed since: empty
    assert result.returncode == 0, result.stderr
    result = run(["import", "--db", township, Path(result.stdout.strip())], home)
    [second] = json.loads(result.stdout)
    assert not second["full"] and second["from_rev"] == summary["to_rev"] and not second["gap"]
    assert all(c["new"] == c["updated"] == 0 for c in second["tables"].values())


def test_summary_is_plain_data():
    from app.sync import ImportSummary

    assert dataclasses.is_dataclass(ImportSummary)


# ---------------------------------------------------------------- PostgreSQL township


@pytest.mark.postgres
def test_a_postgresql_township_imports_refuses_and_converges(templates, tmp_path, pg_url):
    from app import sync
    from app.sync import BundleRefused
    from app.sync.service import export_policies
    from db.base import soft_delete
    from db.engine import Database
    from db.models.meetings import AgendaItem

    folder, _key = templates
    village = _open(folder / "village.sqlite3", tmp_path / "village.sqlite3")
    township = _setup_any(pg_url, name="龙泉镇", code=TOWNSHIP_CODE)
    try:
        database, admin = township
        with database.unit(admin) as session:
            sync.export_township_key(session=session, actor=admin, to_file=tmp_path / "pg.key.txt",
                                     passphrase=PASSPHRASE)
        with database.session() as session:
            key = sync.unlock_township_key(session=session, actor=admin, passphrase=PASSPHRASE)
        with village[0].unit(village[1]) as session:
            sync.trust_township_key(session=session, actor=village[1], file=tmp_path / "pg.key.txt")
        first = export(village, tmp_path / "usb").copied_to
        other = _open(folder / "township.sqlite3", tmp_path / "other-township.sqlite3")
        try:  # another township acknowledged the full bundle: the next one is incremental
            with village[0].unit(village[1]) as session:  # (the village now trusts the PostgreSQL township's key)
                sync.trust_township_key(session=session, actor=village[1], file=folder / "township.key.txt")
            ack(village, import_(other, _key, export(village, tmp_path / "other").path))
            with village[0].unit(village[1]) as session:
                sync.trust_township_key(session=session, actor=village[1], file=tmp_path / "pg.key.txt")
        finally:
            other[0].dispose()
        with village[0].unit(village[1]) as session:
            soft_delete(session.execute(select(AgendaItem)).scalars().first())
        second = export(village, tmp_path / "usb").path
        with pytest.raises(BundleRefused, match="完整"):  # the incremental one first: its meeting is not there yet
            import_(township, key, second)
        assert rows(database, "agenda_item") == []
        import_(township, key, first)
        import_(township, key, second)
        assert import_(township, key, first).already_imported
        for table, policy in export_policies().items():
            if policy == "full":
                assert rows(database, table) == rows(village[0], table), table
        reopened = Database(pg_url)  # a township store holds the villages' profiles, yet scopes to none
        try:
            assert reopened.village_code == ""
            with reopened.session() as session:
                summary = sync.township_summary(session=session, actor=admin)
            [row] = summary["villages"]
            assert row["meetings"] == live_count(village[0], "meeting") and row["residents"] == live_count(
                village[0], "resident")
        finally:
            reopened.dispose()
    finally:
        village[0].dispose()
        township[0].dispose()


def _setup_any(url: str, *, name: str, code: str):
    from app import sync
    from db.engine import Database

    database = Database(url)
    with database.unit() as session:
        admin = sync.setup_township(session=session, name=name, code=code, admin_username="admin",
                                    admin_password="secret-pass")
    database.refresh_village_code()
    return database, admin


def test_a_bundle_replayed_under_another_enrolled_village_is_refused(stores, templates, tmp_path, _migrated_template):
    """Village A rewrites its bundle as if it came from village B (enrolled too): B's key does not verify it."""
    from app import sync
    from app.sync import BundleRefused

    folder, _ = templates
    village, township, key = stores
    shutil.copyfile(_migrated_template, tmp_path / "b.sqlite3")
    other = _setup(tmp_path / "b.sqlite3", name="白鹤村", code="510112104202")
    try:
        with other[0].unit(other[1]) as session:
            sync.trust_township_key(session=session, actor=other[1], file=folder / "township.key.txt")
        import_(township, key, export(other, tmp_path / "usb-b").path)
        good = Path(export(village, tmp_path / "usb").path)
        import_(township, key, good)
        manifest, members = _open_bundle(good, key)
        manifest["village_code"] = "510112104202"
        members = {name: _jsonl(data, lambda r: {**r, "village_code": "510112104202"}) if name.endswith(".jsonl")
                   and not name.endswith(".aggregate.jsonl") else data for name, data in members.items()}
        for name, data in members.items():
            if name in manifest["members"]:
                manifest["members"][name]["sha256"] = hashlib.sha256(data).hexdigest()
        forged = _seal(tmp_path / "forged.vdbundle.age", manifest, members, signer=_village_key(village[0]),
                       recipient=str(key.identity.to_public()))
        before = fingerprint_of_file(township[0])
        with pytest.raises(BundleRefused, match="签名"):
            import_(township, key, forged, enroll=True)
        assert fingerprint_of_file(township[0]) == before
    finally:
        other[0].dispose()


def test_the_aggregates_count_each_month_as_the_rows_times_say(stores):
    """A table with neither a group nor a household is counted per month of creation, in SQL (the
    stored time's "YYYY-MM"): the same counts as reading every row's time, on the demo village,
    including a row made in another month."""
    import datetime as dt

    from sqlalchemy import select, update
    from sqlmodel import SQLModel

    from app.sync import service

    (database, admin), _township, _key = stores
    village = database.village_code
    compared = 0
    with database.session() as session:
        for mapper in SQLModel._sa_registry.mappers:
            table = getattr(mapper.class_, "__table__", None)
            if (table is None or not {"created_at", "village_code", "deleted_at"} <= set(table.c.keys())
                    or "group_id" in table.c or "household_id" in table.c):
                continue
            live = (table.c.village_code == village) & table.c.deleted_at.is_(None)
            first = session.execute(select(table.c.id).where(live).limit(1)).scalar()
            if first is None:
                continue
            session.execute(update(table).where(table.c.id == first)
                            .values(created_at=dt.datetime(2019, 2, 28, 23, 59, 59, 999999, tzinfo=dt.timezone.utc)))
            counted: dict[str, int] = {}
            for (created,) in session.execute(select(table.c.created_at).where(live)):
                counted[created.strftime("%Y-%m")] = counted.get(created.strftime("%Y-%m"), 0) + 1
            found = service._aggregate(session, mapper.class_, village)
            assert found == [{"month": key, "count": n} for key, n in sorted(counted.items())], table.name
            assert {"month": "2019-02", "count": counted["2019-02"]} in found
            compared += 1
        session.rollback()
    assert compared >= 5
