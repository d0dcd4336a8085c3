"""Issue 11 budget: the township summary over 40 villages ≤ 200 ms, on SQLite and on PostgreSQL.

The township is generated from the large demo village: its bundle is imported once through the
real pipeline, then its rows are copied 39 times under other village codes (ids and references
re-keyed), as if forty villages of that size had reported. PostgreSQL runs when its server
binaries are installed (a throwaway cluster on loopback, like the tests').
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

VILLAGES = 40
RUNS = 7


def _codes() -> list[str]:
    return [f"5101121042{i:02d}" for i in range(1, VILLAGES + 1)]


def _clone(engine, tables) -> int:
    """Copy village 01's rows of ``tables`` as villages 02…40 (ids and references re-keyed)."""
    from sqlalchemy import func, literal, select

    codes = _codes()
    written = 0
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # every reference is re-keyed too
        else:
            conn.exec_driver_sql("SET session_replication_role = replica")
        for table in tables:
            for index, code in enumerate(codes[1:], start=2):
                suffix = f"{index:06d}"

                def rekey(column):
                    return func.substr(column, 1, 30).concat(literal(suffix))

                values = []
                for column in table.columns:
                    if column.name == "id" or column.foreign_keys:
                        values.append(rekey(column).label(column.name))
                    elif column.name == "village_code":
                        values.append(literal(code).label(column.name))
                    else:
                        values.append(column)
                query = select(*values).where(table.c.village_code == codes[0])
                written += conn.execute(table.insert().from_select([c.name for c in table.columns], query)).rowcount
    return written


def _villages(engine, admin_name: str = "") -> None:
    """Enrol the 39 generated villages beside the real one (their aggregates copied too)."""
    from sqlalchemy import select

    from db.models.sync import TownshipAggregate, TownshipFigures, TownshipVillage

    codes = _codes()
    with engine.begin() as conn:
        first = conn.execute(select(TownshipVillage.__table__).where(
            TownshipVillage.village_code == codes[0])).mappings().one()
        aggregates = conn.execute(select(TownshipAggregate.__table__).where(
            TownshipAggregate.village_code == codes[0])).mappings().all()
        figures = conn.execute(select(TownshipFigures.__table__).where(
            TownshipFigures.village_code == codes[0])).mappings().one()  # an import keeps them; the clones are alike
        for index, code in enumerate(codes[1:], start=2):
            conn.execute(TownshipVillage.__table__.insert().values(
                {**first, "village_code": code, "name": f"第{index}村", "token": f"bench-token-{index}"}))
            for row in aggregates:
                conn.execute(TownshipAggregate.__table__.insert().values({**row, "village_code": code}))
            conn.execute(TownshipFigures.__table__.insert().values({**figures, "village_code": code}))


def _time_summary(database, actor) -> dict:
    from app import sync

    times = []
    summary = None
    for _ in range(RUNS + 1):
        with database.session() as session:
            start = time.perf_counter()
            summary = sync.township_summary(session=session, actor=actor)
            times.append(time.perf_counter() - start)
    times = times[1:]  # the first warms the caches
    return {"villages": summary["totals"]["villages"], "concerns": summary["totals"]["concerns"],
            "median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


def run(db_path: Path, actor) -> dict:
    from app import sync
    from app.sync import service
    from bench.sync import PASSPHRASE, _township
    from db.engine import Database
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
            # the village is 510112104201: the first of the generated codes
            bundle = service.export_bundle(session, to_dir=tmp / "usb", full=True)
        village.dispose()
        with township.unit(t_admin) as session:
            sync.import_bundle(session=session, actor=t_admin, file=bundle.path, key=key, enroll=True)
        tables = [model.__table__ for model in service._ordered_models()]
        start = time.perf_counter()
        copied = _clone(township.engine, tables)
        _villages(township.engine)
        results["generate_s"] = round(time.perf_counter() - start, 2)
        results["rows_copied"] = copied
        results["sqlite"] = _time_summary(township, t_admin)

        try:
            import sys

            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests.pg import Cluster

            cluster = Cluster()
        except (ImportError, FileNotFoundError) as exc:
            results["postgresql"] = f"skipped: {exc}"
            township.dispose()
            return results
        url = cluster.start()
        try:
            pg = Database(url)
            # the same rows, table by table, in dependency order
            from sqlalchemy import select

            synced = set(_synced_tables())
            names = [t.name for t in __import__("sqlmodel").SQLModel.metadata.sorted_tables
                     if t.name in synced or t.name in ("township_village", "township_aggregate", "township_figures",
                                                       "setting", "user_account")]
            from sqlmodel import SQLModel

            with township.engine.connect() as source, pg.engine.begin() as target:
                target.exec_driver_sql("SET session_replication_role = replica")
                for name in names:
                    table = SQLModel.metadata.tables[name]
                    target.execute(table.delete())
                    rows = [dict(r) for r in source.execute(select(table)).mappings()]
                    for start_at in range(0, len(rows), 5000):
                        if rows[start_at:start_at + 5000]:
                            target.execute(table.insert(), rows[start_at:start_at + 5000])
                target.exec_driver_sql("ANALYZE")
            pg.dispose()
            pg = Database(url)
            results["postgresql"] = _time_summary(pg, t_admin)
            pg.dispose()
        finally:
            cluster.stop()
        township.dispose()
    return results
