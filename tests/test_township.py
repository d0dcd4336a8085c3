"""Issue 11: township mode, receipts and the outbox (the stores and bundles of tests/test_sync.py)."""
from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.sync import signing

from test_sync import (PASSPHRASE, TOWNSHIP_CODE, VILLAGE_CODE, _checkpoint, _open, ack, export,  # noqa: F401
                       fingerprint_of_file, import_, live_count, rows, stores, templates)


def outbox(store):
    from app import sync

    database, admin = store
    with database.session() as session:
        return sync.outbox(session=session, actor=admin)


def test_store_kinds_and_what_each_refuses(stores, tmp_path):
    from app import sync
    from app.errors import StateError

    village, township, key = stores
    with village[0].session() as session:
        assert sync.store_kind(session=session) == "village"
    with township[0].session() as session:
        assert sync.store_kind(session=session) == "township"
    bundle = export(village, tmp_path / "usb")
    with pytest.raises(StateError, match="乡镇的数据库中导入"):
        import_(village, key, bundle.path)  # a village's store never takes other villages' rows
    with pytest.raises(StateError, match="村的数据库导出"):
        export(township, tmp_path / "usb")
    with township[0].unit(township[1]) as session, pytest.raises(StateError):
        sync.setup_township(session=session, name="另一个镇", code="510112105000", admin_username="x",
                            admin_password="secret-pass-2")


def test_the_outbox_keeps_a_bundle_until_the_township_acknowledges_it(stores, tmp_path):
    village, township, key = stores
    first = export(village, tmp_path / "usb")
    second = export(village, tmp_path / "usb")
    assert Path(first.copied_to).read_bytes() == Path(first.path).read_bytes()
    assert Path(first.path).parent.name == "outbox" and Path(first.copied_to).parent == tmp_path / "usb"
    assert [(e.bundle_id, e.state) for e in outbox(village)] == [(second.bundle_id, "queued"),
                                                                 (first.bundle_id, "queued")]
    result = ack(village, import_(township, key, second.path))
    assert result.acknowledged_rev == second.to_rev and not result.already
    states = {e.bundle_id: e for e in outbox(village)}
    # the older bundle is covered by the newer one: both are settled, and their outbox copies gone
    assert states[first.bundle_id].state == states[second.bundle_id].state == "acknowledged"
    assert not Path(first.path).exists() and not Path(second.path).exists()
    assert Path(first.copied_to).exists()  # the stick's copy is the clerk's


def test_a_receipt_imported_twice_changes_nothing_the_second_time(stores, tmp_path):
    village, township, key = stores
    summary = import_(township, key, export(village, tmp_path / "usb").path)
    ack(village, summary)
    _checkpoint(village[0].path)
    again = ack(village, summary)
    assert again.already


def test_the_same_bundle_twice_gets_the_same_receipt(stores, tmp_path):
    village, township, key = stores
    bundle = export(village, tmp_path / "usb")
    first = import_(township, key, bundle.path)
    second = import_(township, key, bundle.path)
    assert second.already_imported and not second.applied and second.receipt == first.receipt != b""


def _receipt_body(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("receipt.json"))


def _resigned(data: bytes, change, key) -> bytes:
    from app.sync import receipts

    body = _receipt_body(data)
    change(body)
    body = {k: v for k, v in body.items() if k not in ("format", "format_version")}
    return receipts.write_receipt(body, key=key)


def _township_signing_key(store):
    from app.sync import keys

    with store[0].session() as session:
        return keys.signing_key(session, create=False)


@pytest.mark.parametrize("kind", ["forged", "other_village", "unknown_bundle", "damaged", "not_a_zip", "newer"])
def test_a_bad_receipt_is_refused_and_nothing_is_written(stores, tmp_path, kind):
    from app import sync
    from app.sync import BundleRefused

    village, township, key = stores
    good = import_(township, key, export(village, tmp_path / "usb").path).receipt
    signer = _township_signing_key(township)
    bad = {
        "forged": lambda: _resigned(good, lambda b: b.update(to_rev=10**6), signing.new_key()),
        "other_village": lambda: _resigned(good, lambda b: b.update(village_code="510112104202"), signer),
        "unknown_bundle": lambda: _resigned(good, lambda b: b.update(bundle_id="0" * 8 + b["bundle_id"][8:]), signer),
        "damaged": lambda: good[: len(good) // 2],
        "not_a_zip": lambda: b"hello",
        "newer": lambda: b"",
    }[kind]()
    if kind == "newer":  # signed rightly; only the version is one this program does not know
        content = json.dumps({**_receipt_body(good), "format_version": 9}).encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("receipt.json", content)
            archive.writestr("signature", signing.sign(signer, content))
        bad = buffer.getvalue()
    path = tmp_path / "bad.vdreceipt"
    path.write_bytes(bad)
    _checkpoint(village[0].path)
    before = fingerprint_of_file(village[0])
    with village[0].unit(village[1]) as session, pytest.raises(BundleRefused) as refused:
        sync.import_receipt(session=session, actor=village[1], file=path)
    assert "bad.vdreceipt" in refused.value.message and "Traceback" not in refused.value.message
    assert fingerprint_of_file(village[0]) == before
    assert {e.state for e in outbox(village)} == {"queued"}


def test_the_receipt_brings_the_upload_address_and_token(stores, tmp_path):
    from app import sync

    village, township, key = stores
    with township[0].unit(township[1]) as session:
        sync.set_receiver_url(session=session, actor=township[1], url="https://xiang.example.invalid:8443")
    ack(village, import_(township, key, export(village, tmp_path / "usb").path))
    with township[0].session() as session:
        [enrolled] = sync.enrolled_villages(session=session, actor=township[1])
        assert sync.find_village_by_token(session=session, token=enrolled["token"]) == VILLAGE_CODE
        assert sync.find_village_by_token(session=session, token=enrolled["token"] + "x") is None
    with village[0].session() as session:
        assert sync.push_target(session=session, actor=village[1]) == ("https://xiang.example.invalid:8443",
                                                                      enrolled["token"])
        status = sync.sync_status(session=session, actor=village[1])
    assert status.push_url and status.has_token and status.pending_changes == 0
    # the token never reaches the audit trail
    for database in (village[0], township[0]):
        _checkpoint(database.path)
        with sqlite3.connect(database.path) as conn:
            audit = " ".join(row[0] for row in conn.execute("SELECT changes FROM audit_log"))
        assert enrolled["token"] not in audit


def test_the_township_summary_matches_the_village(stores, tmp_path):
    from app import concerns, people, sync
    from db.models.people import Resident

    village, township, key = stores
    ack(village, import_(township, key, export(village, tmp_path / "usb").path))
    with village[0].session() as session:
        expected = concerns.stats(session=session, actor=village[1])
        resident_id = session.execute(select(Resident.id)).scalars().first()
    with township[0].session() as session:
        summary = sync.township_summary(session=session, actor=township[1])
    [row] = summary["villages"]
    assert row["village_code"] == VILLAGE_CODE and row["name"] == "青石村"
    assert row["meetings"] == live_count(village[0], "meeting")
    assert row["concerns"] == expected["raised"] and row["concerns_closed"] == expected["closed"]
    assert row["closing_rate"] == expected["closure_rate"]
    assert row["residents"] == live_count(village[0], "resident") and row["notices"] == live_count(village[0], "notice")
    assert summary["totals"]["residents"] == row["residents"] and summary["totals"]["villages"] == 1
    # a deleted resident leaves the township's figures with the next bundle
    with village[0].unit(village[1]) as session:
        people.delete_resident(session=session, actor=village[1], resident_id=resident_id)
    import_(township, key, export(village, tmp_path / "usb").path)
    with township[0].session() as session:
        assert sync.township_summary(session=session, actor=township[1])["villages"][0]["residents"] == row["residents"] - 1


def test_a_village_s_records_read_only_without_personal_columns(stores, tmp_path):
    from app import sync
    from app.errors import NotFound, ValidationError

    village, township, key = stores
    import_(township, key, export(village, tmp_path / "usb").path)
    with township[0].session() as session:
        listing = sync.village_records(session=session, actor=township[1], village_code=VILLAGE_CODE, table="concern",
                                       limit=1000)
        assert len(listing["rows"]) == live_count(village[0], "concern")
        names = {name for name, _label in listing["columns"]}
        assert not names & {"raised_by", "assignee", "description", "resident_id"}
        found = sync.village_records(session=session, actor=township[1], village_code=VILLAGE_CODE, table="meeting",
                                     search="会")
        assert found["rows"] and all("会" in r["title"] or "会" in r["place"] for r in found["rows"])
        with pytest.raises(ValidationError):
            sync.village_records(session=session, actor=township[1], village_code=VILLAGE_CODE, table="resident")
        with pytest.raises(NotFound):
            sync.village_records(session=session, actor=township[1], village_code="510112104299", table="meeting")


def test_the_summary_exports_to_excel(stores, tmp_path):
    from openpyxl import load_workbook

    from app import sync
    from app.i18n import _

    village, township, key = stores
    import_(township, key, export(village, tmp_path / "usb").path)
    with township[0].session() as session:
        path = sync.export_summary_excel(session=session, actor=township[1], to_file=tmp_path / "汇总")
        summary = sync.township_summary(session=session, actor=township[1])
    assert path.suffix == ".xlsx" and not list(tmp_path.glob(".*.part"))
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header[0] == _("Village code") and _("Meetings") in header and _("Closure rate") in header
    village_row = [c.value for c in sheet[2]]
    assert village_row[0] == VILLAGE_CODE
    assert village_row[header.index(_("Meetings"))] == summary["villages"][0]["meetings"] > 0
    assert sheet.freeze_panes == "A2" and [c.value for c in sheet[3]][1] == _("Total") == "合计"


def test_migration_moves_enrolled_villages_out_of_the_settings(tmp_path, _migrated_template):
    """A store that enrolled villages before 0007 (in the setting table) keeps them, with a token."""
    from alembic import command

    from db.engine import make_engine
    from db.migrate import alembic_config

    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
    public = "A" * 43 + "="
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES (?, ?)", ("sync.village_keys", json.dumps(
            {VILLAGE_CODE: {"public": public, "fingerprint": "1234 5678 9012 3456 7890", "name": "青石村",
                            "enrolled_at": "2026-11-30T05:46:07+00:00"}})))
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES (?, ?)", (
            f"sync.imports.{VILLAGE_CODE}", json.dumps({"last_hash": "ab" * 32, "to_rev": 2189})))
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES (?, ?)", (
            f"sync.aggregates.{VILLAGE_CODE}", json.dumps({"resident": {"to_rev": 2189, "rows": [{"group": "一组",
                                                                                                   "count": 7}]}})))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.connect() as conn:
        village = conn.exec_driver_sql("SELECT name, public_key, to_rev, last_hash, token FROM township_village").one()
        aggregate = conn.exec_driver_sql("SELECT table_name, rows FROM township_aggregate").one()
        left = conn.exec_driver_sql("SELECT count(*) FROM setting WHERE key LIKE 'sync.%'").scalar()
    engine.dispose()
    assert village[:4] == ("青石村", public, 2189, "ab" * 32) and len(village[4]) >= 32
    assert aggregate[0] == "resident" and json.loads(aggregate[1]) == [{"group": "一组", "count": 7}]
    assert left == 0


def test_a_township_store_that_imported_a_village_is_healthy(stores, tmp_path):
    from test_sync import run

    village, township, key = stores
    import_(township, key, export(village, tmp_path / "usb").path)
    _checkpoint(township[0].path)
    result = run(["check", "--db", township[0].path], tmp_path / "home")
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_start_screen_knows_a_township_store(stores):
    from app import people

    village, township, _key = stores
    with township[0].session() as session:
        assert people.start_state(session=session) == {"set_up": True, "village_name": "龙泉镇", "kind": "township"}
    with village[0].session() as session:
        assert people.start_state(session=session) == {"set_up": True, "village_name": "青石村", "kind": "village"}


@pytest.mark.parametrize("on", ["2026-11-30", "2026-12-01", "2026-06-15", "2030-01-01"])
def test_the_kept_figures_give_the_same_rate_as_counting_every_concern(stores, tmp_path, on):
    import datetime as dt

    from app.sync import township as kept
    from db.models.concerns import Concern

    village, township, key = stores
    import_(township, key, export(village, tmp_path / "usb").path)
    day = dt.date.fromisoformat(on)
    with village[0].session() as session:
        concerns = session.execute(select(Concern)).scalars().all()
    due = [c for c in concerns if c.due_on <= day]
    on_time = [c for c in due if c.state == "closed" and c.closed_on and c.closed_on <= c.due_on]
    with township[0].session() as session:
        [row] = kept.township_summary(session, on=day)["villages"]
    assert (row["concerns_due"], row["concerns_closed_on_time"]) == (len(due), len(on_time))
    assert row["concerns"] == len(concerns)


def test_mediation_reaches_the_township_as_counts_by_category_and_outcome_only(stores, tmp_path):
    from app import sync
    from db.models.mediation import MediationCase

    village, township, key = stores
    with village[0].session() as session:
        cases = session.execute(select(MediationCase)).scalars().all()
    assert cases, "the small demo has mediation cases"
    import_(township, key, export(village, tmp_path / "usb").path)
    with township[0].session() as session:
        [entry] = sync.imported_villages(session=session, actor=township[1])
        [row] = sync.township_summary(session=session, actor=township[1])["villages"]
    counts = entry["aggregates"]["mediation_case"]
    assert sum(r["count"] for r in counts) == len(cases) == row["cases"]
    assert set(counts[0]) == {"month", "category", "source", "outcome", "count"}
    by_category = {}
    for r in counts:
        by_category[r["category"]] = by_category.get(r["category"], 0) + r["count"]
    assert by_category == {c: sum(1 for x in cases if x.category == c) for c in {x.category for x in cases}}
    assert rows(township[0], "mediation_case") == [] and rows(township[0], "mediation_party") == []


def test_changes_waiting_are_counted_across_every_table_up_to_a_cap(stores, tmp_path, monkeypatch):
    """The sync page's 待确认的更改: every synced table's rows after the acknowledged revision, in
    one statement, counted up to a cap (a village that never sent a bundle has all its rows waiting)."""
    from app import sync
    from app.sync import service

    village, township, key = stores
    database, admin = village

    def by_table(acked: int) -> int:  # the plain count, table by table
        with database.session() as session:
            code = session.info["village_code"]
            return sum(session.connection().execute(
                select(service.func.count()).select_from(m.__table__).where(
                    m.__table__.c.village_code == code, m.__table__.c.rev > acked)).scalar()
                for m in service._ordered_models())

    def status():
        with database.session() as session:
            return sync.sync_status(session=session, actor=admin)

    waiting = by_table(0)
    assert waiting > 3
    first = status()
    assert (first.pending_changes, first.pending_more) == (waiting, False)
    monkeypatch.setattr(service, "PENDING_COUNTED_UP_TO", 3)
    capped = status()
    assert (capped.pending_changes, capped.pending_more) == (3, True)
    monkeypatch.setattr(service, "PENDING_COUNTED_UP_TO", waiting)
    assert (status().pending_changes, status().pending_more) == (waiting, False)
    monkeypatch.undo()
    ack(village, import_(township, key, export(village, tmp_path / "usb").path))
    after = status()
    assert after.acknowledged_rev > 0 and after.pending_changes == by_table(after.acknowledged_rev) == 0
