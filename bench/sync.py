"""Issue 11 budgets for the USB bundles, on a copy of the large demo village.

Full export ≤ 5 s and incremental export of a week's changes ≤ 0.5 s, with the register's policy
set to full rows (the worst case); import rows/s through the whole pipeline (decrypt, verify,
dry-run classification, upsert through BulkWriter, checks) against a plain ``executemany``
upsert of the same rows into the same schema with the store's own settings (WAL, foreign keys
on, ``synchronous=FULL``), measured in the same run: the ratio should be at least 0.5.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

WORST = {"household": "full", "resident": "full"}
PASSPHRASE = "bench-township-passphrase-1"


def _township(path: Path):
    from app import sync
    from db.engine import Database

    database = Database(path, backup_dir=path.parent / "backups")
    with database.unit() as session:
        admin = sync.setup_township(session=session, name="龙泉镇", code="510112104000", admin_username="admin",
                                    admin_password=PASSPHRASE)
    return database, admin


def _store(path: Path, *, code: str, name: str):
    from app import people
    from db.engine import Database

    database = Database(path, backup_dir=path.parent / "backups")
    with database.unit() as session:
        admin = people.setup_village(session=session, name=name, code=code, township="龙泉镇", committee_name="",
                                     supervision_phone="", admin_username="admin", admin_password=PASSPHRASE,
                                     admin_display_name="")
    database.refresh_village_code()
    return database, admin


def run(db_path: Path, actor) -> dict:
    from sqlalchemy import select

    from app import sync
    from app.sync import service
    from app.sync.bundle import read_bundle
    from db.engine import Database
    from db.models.meetings import Meeting
    from db.scope import _synced_tables

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copyfile(db_path, tmp / "village.sqlite3")
        village = Database(tmp / "village.sqlite3", backup_dir=tmp / "backups")
        township, t_admin = _township(tmp / "township.sqlite3")
        with township.unit(t_admin) as session:
            sync.export_township_key(session=session, actor=t_admin, to_file=tmp / "key.txt", passphrase=PASSPHRASE)
        with township.session() as session:
            key = sync.unlock_township_key(session=session, actor=t_admin, passphrase=PASSPHRASE)
        with village.unit(actor) as session:
            sync.trust_township_key(session=session, actor=actor, file=tmp / "key.txt")

        start = time.perf_counter()
        with village.unit(actor) as session:
            full = service.export_bundle(session, to_dir=tmp / "usb", full=True, policies=WORST)
        results["full_export_s"] = round(time.perf_counter() - start, 3)
        results["full_export_rows"] = sum(full.counts.values())
        results["full_export_mb"] = round(Path(full.path).stat().st_size / 1e6, 2)

        start = time.perf_counter()
        with township.unit(t_admin) as session:
            summary = sync.import_bundle(session=session, actor=t_admin, file=full.path, key=key, enroll=True)
        seconds = time.perf_counter() - start
        rows = sum(counts["new"] for counts in summary.tables.values())
        results["import_rows"] = rows
        results["import_rows_per_s"] = round(rows / seconds)
        township.dispose()
        with village.unit(actor) as session:  # the receipt comes back: the next bundle starts from there
            sync.import_receipt(session=session, actor=actor, data=summary.receipt)

        with village.unit(actor) as session:  # a busy week: 200 meetings edited
            for meeting in session.execute(select(Meeting).limit(200)).scalars():
                meeting.title = meeting.title + "。"
        start = time.perf_counter()
        with village.unit(actor) as session:
            week = service.export_bundle(session, to_dir=tmp / "usb", policies=WORST)
        results["incremental_export_s"] = round(time.perf_counter() - start, 3)
        results["incremental_export_rows"] = sum(week.counts.values())
        assert not week.full, "the week's bundle should be incremental"
        village.dispose()

        # the same rows, plain: one executemany upsert per table into a fresh store of the same schema
        bundle = read_bundle(Path(full.copied_to), identity=key.identity, known_tables=set(_synced_tables()),
                             trusted_key=lambda manifest: __import__("base64").b64decode(manifest["signing_key"]))
        plain, _admin = _store(tmp / "plain.sqlite3", code="510112104298", name="对照")
        plain.dispose()
        conn = sqlite3.connect(tmp / "plain.sqlite3", isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        written = 0
        for model in service._ordered_models():
            table_rows = bundle.rows.get(model.__tablename__)
            if not table_rows:
                continue
            columns = [column.name for column in model.__table__.columns]
            quoted = ", ".join(f'"{c}"' for c in columns)
            sql = (f'INSERT INTO "{model.__tablename__}" ({quoted}) VALUES ({", ".join("?" * len(columns))}) '
                   f'ON CONFLICT (id) DO UPDATE SET ' + ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
                   + f' WHERE "{model.__tablename__}".rev < excluded.rev')
            values = [[json.dumps(r.get(c), ensure_ascii=False) if isinstance(r.get(c), (list, dict)) else r.get(c)
                       for c in columns] for r in table_rows]
            conn.executemany(sql, values)
            written += len(values)
        conn.execute("COMMIT")
        plain_seconds = time.perf_counter() - start
        conn.close()
        results["plain_upsert_rows_per_s"] = round(written / plain_seconds)
        results["import_to_plain_ratio"] = round((rows / seconds) / (written / plain_seconds), 2)
    return results
