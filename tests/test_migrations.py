"""Schema only through Alembic: from empty, refusing newer, backing up before upgrading older."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from app.errors import SchemaTooNew
from db.engine import Database, make_engine
from db.migrate import schema_state, upgrade
from db.models import load_all

load_all()  # every table in SQLModel.metadata


def test_migration_from_empty_creates_every_model_table(tmp_path):
    database = Database(tmp_path / "new.sqlite3")
    tables = set(inspect(database.engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert schema_state(database.engine) == "current"


def test_migrated_schema_matches_the_models(tmp_path):
    """No drift: autogenerate against a freshly migrated store finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = Database(tmp_path / "drift.sqlite3")
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def test_sqlite_pragmas_are_set(tmp_path):
    database = Database(tmp_path / "p.sqlite3")
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.sqlite3"
    Database(path).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as info:
        Database(path)
    assert "ffff_from_the_future" in info.value.message
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "ffff_from_the_future"
    assert path.read_bytes()[:100] == before[:100]


def test_a_foreign_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(SchemaTooNew):
        Database(path)


def test_older_schema_is_backed_up_then_upgraded(tmp_path, monkeypatch):
    """Simulate an older store by pointing it at a base revision the script knows."""
    import db.migrate as migrate

    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE keepme (id INTEGER)"))
        conn.execute(text("INSERT INTO keepme VALUES (42)"))
    monkeypatch.setattr(migrate, "schema_state", lambda _engine: "older")
    calls = []
    from alembic import command

    monkeypatch.setattr(command, "upgrade", lambda config, rev: calls.append(rev))
    upgrade(engine, backup_dir=tmp_path / "backups")
    backups = list((tmp_path / "backups").glob("old-before-upgrade-*.sqlite3"))
    assert len(backups) == 1 and calls == ["head"]
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT id FROM keepme").fetchone() == (42,)
