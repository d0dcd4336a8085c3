"""The process's memory peak is the password check (issue 16): argon2 holds its 64 MiB while the rest
of the program waits. What is not needed before the check is not loaded or kept before it:

- SQLAlchemy's PostgreSQL dialect (19 modules, ~2 MB) for a SQLite store: the tables name a partial
  index's PostgreSQL condition in its ``info`` (db.base.postgresql_where), given to SQLAlchemy when a
  PostgreSQL engine is made;
- the pages the 工作台's warm-up reads (its rows are dropped): SQLite's page cache stays small;
- no read beside the check: the 工作台's first read waits behind it (ui/start.py, SignInTicket);
- the ``html`` module (with html.entities) for the login form's field labels;
- the area registry (every area's commands, demo data, documents: ~1.5 MB): the 工作台's to-do list,
  read right behind the check, finds the areas' ``todo`` entries through app.area_index; the registry is
  loaded after the check;
- the sync package (bundles, signing, keys): the store's kind is read with its state (ui/start.py).

The GUI's sign-in is checked in a fresh process (the test process has loaded everything already).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# loaded before the password check on a SQLite store: never
NOT_BEFORE_THE_CHECK = ("sqlalchemy.dialects.postgresql", "html", "app.areas", "app.excel", "app.printing.cli",
                        "app.sync")


def loaded(modules, names) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_the_tables_do_not_import_the_postgresql_dialect():
    code = ("import json, sys\nfrom db.models import load_all\nload_all()\n"
            "import app.store, app.auth, app.workbench\nprint(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set(json.loads(result.stdout.splitlines()[-1]))
    assert "db.models.meetings" in modules and "sqlalchemy.dialects.sqlite" in modules
    assert loaded(modules, ["sqlalchemy.dialects.postgresql"]) == []


def partial_indexes():
    from sqlmodel import SQLModel

    from db.models import load_all

    load_all()
    return [index for table in SQLModel.metadata.tables.values() for index in table.indexes
            if index.dialect_options["sqlite"]["where"] is not None]


def test_on_postgresql_every_partial_index_has_the_condition_it_has_on_sqlite():
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex
    from sqlmodel import SQLModel

    from db.base import postgresql_partial_indexes

    indexes = partial_indexes()
    assert len(indexes) >= 12
    postgresql_partial_indexes(SQLModel.metadata)
    for index in indexes:
        on_sqlite = str(CreateIndex(index).compile(dialect=sqlite.dialect()))
        on_postgresql = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
        assert " WHERE " in on_postgresql, index.name
        assert on_postgresql.split(" WHERE ", 1)[1] == on_sqlite.split(" WHERE ", 1)[1], index.name


def test_a_postgresql_engine_gives_the_tables_their_partial_indexes(monkeypatch):
    pytest.importorskip("psycopg")
    from db import base
    from db.engine import make_engine

    seen = []
    monkeypatch.setattr(base, "postgresql_partial_indexes", seen.append)
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")  # made, never connected
    assert [m.tables.keys() >= {"resident", "meeting_minutes"} for m in seen] == [True]
    engine.dispose()


def test_the_workbench_warm_up_keeps_none_of_the_pages_it_reads(village, monkeypatch):
    from app.workbench import cards

    database, _admin = village
    sizes = []
    real = cards.figures

    def figures(*, session, **kw):
        sizes.append(session.connection().exec_driver_sql("PRAGMA cache_size").scalar())
        return real(session=session, **kw)

    monkeypatch.setattr(cards, "figures", figures)
    with database.session() as session:
        before = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
        cards.warm_up_reads(session=session)
        after = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
    assert len(sizes) == 1 and -256 <= sizes[0] < 0  # KiB when negative: a few pages, not SQLite's 2 MB
    assert after == before  # the connection's own size again for the reads that follow


@pytest.mark.parametrize("kind", ["village", "township", "new"])
def test_the_start_state_says_the_kind_app_sync_says(kind, database):
    from app import people, sync
    from ui.start import _store_state

    with database.unit() as session:
        if kind == "village":
            people.setup_village(session=session, name="青山村", code="510112104201", township="龙泉镇",
                                 admin_username="admin", admin_password="secret-pass")
        elif kind == "township":
            sync.setup_township(session=session, name="龙泉镇", code="510112104000", admin_username="admin",
                                admin_password="secret-pass")
    with database.session() as session:
        state = _store_state(session)
        assert state["kind"] == sync.store_kind(session=session)
        assert state["set_up"] == (kind != "new")


def test_the_to_do_index_says_what_the_registry_says():
    from app.area_index import todo_sources
    from app.areas import AREAS

    assert todo_sources() == [area.todo for area in AREAS if area.todo is not None]


PROBE = """
import json, sys
from pathlib import Path
from app import password_check

seen = {}
real = password_check.argon2_verify


def verify(stored_hash, password):
    seen.setdefault("modules", sorted(sys.modules))
    try:
        return real(stored_hash, password)
    finally:
        seen.setdefault("after", sorted(sys.modules))


password_check.argon2_verify = verify
from bench.gui import _spin, signed_in_window
from ui.ops import shutdown_worker, worker

app, window = signed_in_window(Path(sys.argv[1]), "secret-pass", (1366, 768))
ok = window.workspace is not None and window.actor is not None and window.actor.username == "admin"
window.close()
shutdown_worker()
seen["settled"] = sorted(sys.modules)
Path(sys.argv[2]).write_text(json.dumps({"signed_in": ok, **seen}))
"""


@pytest.mark.gui
def test_the_gui_loads_none_of_it_before_the_password_check(village, tmp_path):
    import os

    database, _admin = village
    database.dispose()
    report = tmp_path / "report.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VILLAGEDESK_HOME=str(tmp_path / "home"),
               PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", PROBE, str(database.path), str(report)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(report.read_text())
    assert data["signed_in"]
    modules = set(data["modules"])
    assert "argon2" in modules and "app.workbench" in modules  # the probe saw the check start
    assert loaded(modules, NOT_BEFORE_THE_CHECK) == []
    assert loaded(set(data["after"]), NOT_BEFORE_THE_CHECK) == []  # nor beside it (the 工作台's first read)
    assert "app.areas" in data["settled"]  # loaded once signed in, before the pages are warmed up
