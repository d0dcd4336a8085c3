"""The command line starts without the GUI's or unrelated areas' imports (issue 16).

``villagedesk print notice`` imports the notices area, printing and the store — not Qt, not the
Excel readers, not the other areas, not every table; ``check`` imports no area at all. The index
that makes this possible (:mod:`app.area_index`) must say exactly what :mod:`app.areas` says.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What no non-GUI command needs: Qt (and shiboken, which ui/_pyside_fix used to import), the Excel
# readers and writer, the pinyin tables, the backup encryption, the whole area registry.
NEVER = ("PySide6", "shiboken6", "openpyxl", "python_calamine", "pypinyin", "pyrage", "cryptography", "app.areas")
OTHER_TABLES = tuple(f"db.models.{area}" for area in ("meetings", "concerns", "deliberation", "mediation", "sync",
                                                     "volunteers", "points", "awards"))
OTHER_AREAS = ("app.meetings", "app.concerns", "app.deliberation", "app.mediation", "app.volunteers", "app.points",
               "app.awards", "app.sync", "app.excel", "app.workbench", "app.backup")

PROBE = """
import json, sys
from ui.launcher import main
code = main(sys.argv[2:])
i18n, notice = sys.modules.get("app.i18n"), sys.modules.get("db.models.notices")
with open(sys.argv[1], "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules), "catalogs": sorted(i18n._catalogs) if i18n else [],
               "notice_validator_built": notice.Notice.__pydantic_complete__ if notice else None}, fh)
"""


def run_entry_point(args: list[str], tmp_path: Path) -> tuple[int, set[str], str]:
    """``villagedesk ARGS`` as the installed entry point runs it (``ui.launcher:main``), in a fresh
    process: its exit status, the modules it imported and its stderr (:func:`probe`: what else the
    process held when it ended)."""
    data, stderr = probe(args, tmp_path)
    return data["code"], set(data["modules"]), stderr


def probe(args: list[str], tmp_path: Path) -> tuple[dict, str]:
    report = tmp_path / "modules.json"
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "VILLAGEDESK_LANG": "zh_CN",
           "VILLAGEDESK_PASSWORD": "secret-pass", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", PROBE, str(report), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(report.read_text()), result.stderr


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def issue_a_notice(database, admin) -> None:
    """One issued notice in ``database`` (what ``print notice --id latest`` prints)."""
    from app import notices

    form = notices.NoticeForm(kind="village_affairs", title="关于春耕用水的通知", body="各村民小组：三月起按片区轮灌。",
                              publicity_days=7)
    with database.unit(admin) as session:
        notice_id = notices.create_notice(session=session, actor=admin, form=form).id
    with database.unit(admin) as session:
        notices.issue_notice(session=session, actor=admin, notice_id=notice_id, issue_date=dt.date(2026, 3, 2))


@pytest.fixture
def store_with_notice(village):
    database, admin = village
    issue_a_notice(database, admin)
    path = database.path
    database.dispose()
    return path


def test_print_notice_imports_only_the_notices_area(store_with_notice, tmp_path):
    out = tmp_path / "notice.pdf"
    code, modules, err = run_entry_point(["print", "notice", "--id", "latest", "--out", str(out),
                                          "--db", str(store_with_notice)], tmp_path)
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")
    assert {"app.notices", "app.printing", "reportlab", "db.engine"} <= modules  # the probe sees imports
    assert loaded(modules, NEVER) == []
    assert loaded(modules, OTHER_AREAS) == []
    assert loaded(modules, OTHER_TABLES) == []
    # a store at this program's revision opens without Alembic; a reading command takes no lock
    assert loaded(modules, ("alembic", "filelock")) == []


def test_print_notice_translates_nothing_and_builds_no_table_validator(store_with_notice, tmp_path):
    """Given its password, ``print notice`` shows no prompt and prints no message, so it reads no
    message catalog; it writes a PDF, so the picture code stays out, and it reads a notice, so the
    register's rules stay out; the tables it uses are made without their pydantic validators
    (db/base.py: a row of a table is never validated)."""
    out = tmp_path / "notice.pdf"
    data, err = probe(["print", "notice", "--id", "latest", "--out", str(out), "--db", str(store_with_notice)],
                      tmp_path)
    assert data["code"] == 0, err
    assert out.read_bytes().startswith(b"%PDF")
    assert data["catalogs"] == []
    assert loaded(set(data["modules"]), ("app.printing.pages", "pypdfium2", "PIL.PngImagePlugin")) == []
    assert "app.notices.service" not in data["modules"]  # the print kind reads; the register's rules stay out
    assert "app.search" not in data["modules"]  # no search key is made (app/__init__.py registers a door)
    assert data["notice_validator_built"] is False


def test_the_notices_rules_load_when_first_asked_for():
    import app.notices

    assert "create_notice" in dir(app.notices) and callable(app.notices.create_notice)
    from app.notices.service import create_notice, stats

    assert app.notices.create_notice is create_notice and app.notices.stats is stats
    with pytest.raises(AttributeError):
        app.notices.no_such_rule  # noqa: B018


SEARCH_KEY_DOOR = """
import sys
import app
from db.search_keys import keyer
assert "app.search" not in sys.modules
row = {"title": "灌溉渠堵塞", "number": "2026-0012", "raised_by": "王大明"}
made = keyer()("concern", row)
from app.search import stored_key
assert "app.search" in sys.modules and made == stored_key("concern", row) and made
print(made)
"""


def test_the_core_registers_a_search_key_door_that_makes_app_searchs_keys(tmp_path):
    """A migration that fills search keys finds app.search's function through the door the core
    registers (app/__init__.py), which imports app.search only when a key is made."""
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", SEARCH_KEY_DOOR], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wang" in result.stdout


def test_a_table_row_validates_when_asked_although_its_validator_was_deferred():
    from db.models.accounts import Setting

    row = Setting.model_validate({"key": "store.kind", "value": {"kind": "village"}})
    assert (row.key, row.value) == ("store.kind", {"kind": "village"}) and Setting.__pydantic_complete__
    assert Setting(key="a", value=1).model_dump() == {"key": "a", "value": 1}


def test_check_imports_no_area_and_no_printing(store_with_notice, tmp_path):
    code, modules, err = run_entry_point(["check", "--db", str(store_with_notice)], tmp_path)
    assert code == 0, err
    assert loaded(modules, NEVER) == []
    assert loaded(modules, OTHER_AREAS + ("app.notices", "app.people", "app.printing", "reportlab")) == []


def test_help_still_names_every_command(tmp_path):
    from app.areas import AREAS, CORE_CLI
    from app.cli import CORE_COMMANDS

    full = argparse.ArgumentParser()
    sub = full.add_subparsers(dest="command")
    for register in [area.cli for area in AREAS if area.cli] + list(CORE_CLI):
        register(sub, argparse.ArgumentParser(add_help=False))
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "ui.launcher", "--help"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("positional arguments:")[1]
    for command in list(CORE_COMMANDS) + list(sub.choices):
        assert f"\n    {command} " in listed or f"\n    {command}\n" in listed, command


def test_the_area_index_says_what_the_registry_says():
    from app.area_index import COMMANDS, PRINT_KINDS
    from app.areas import AREAS, CORE_CLI, print_kinds

    expected: dict[str, str] = {}
    for register in [area.cli for area in AREAS if area.cli] + list(CORE_CLI):
        sub = argparse.ArgumentParser().add_subparsers()
        register(sub, argparse.ArgumentParser(add_help=False))
        expected.update(dict.fromkeys(sub.choices, register.__module__))
    assert COMMANDS == expected
    kinds = {kind.name: kind for kind in print_kinds()}
    assert set(PRINT_KINDS) == set(kinds)
    for name, module in PRINT_KINDS.items():
        assert any(kind is kinds[name] for kind in importlib.import_module(module).PRINT_KINDS), name


def test_db_models_names_every_table_and_loads_them_all():
    from sqlmodel import SQLModel

    import db.models
    from app.areas import AREAS, CORE_MODELS

    db.models.load_all()
    tables = {cls.__name__: cls for cls in _table_classes(SQLModel)}
    assert set(db.models.MODULES) == set(tables)
    assert {m.__name__ for area in AREAS for m in area.models} | {m.__name__ for m in CORE_MODELS} <= set(tables)
    for name, cls in tables.items():
        assert getattr(db.models, name) is cls and cls.__module__ == db.models.MODULES[name]
    assert set(SQLModel.metadata.tables) == {cls.__tablename__ for cls in tables.values()}


def _table_classes(base: type) -> list[type]:
    found, todo = [], list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls, "__table__", None) is not None:
            found.append(cls)
    return found


def test_the_revisions_read_without_alembic_are_alembics():
    from db import migrate, revisions

    assert revisions.known_revisions() == migrate.known_revisions()
    assert revisions.head_revision() == migrate.head_revision()


def test_a_script_that_is_not_plain_sends_the_reading_to_alembic(tmp_path, monkeypatch):
    from db import revisions

    for name, down in (("0001_a.py", "None"), ("0002_b.py", "'0001'"), ("0003_merge.py", "('0001', '0002')")):
        (tmp_path / name).write_text(f"revision = '{name[:4]}'\ndown_revision = {down}\n")
    monkeypatch.setattr(revisions, "VERSIONS", tmp_path)
    revisions.script_revisions.cache_clear()
    try:
        assert revisions.head_revision() is None and revisions.known_revisions() is None
        (tmp_path / "0003_merge.py").unlink()
        revisions.script_revisions.cache_clear()
        assert revisions.head_revision() == "0002" and revisions.known_revisions() == {"0001", "0002"}
    finally:
        revisions.script_revisions.cache_clear()


def test_the_command_word_is_found_past_common_options_and_not_for_help():
    from app.cli import command_word

    assert command_word(["print", "notice", "--id", "latest"]) == "print"
    assert command_word(["--db", "print", "check"]) == "check"  # a path called "print" is the --db value
    assert command_word(["--lang", "en", "user", "list"]) == "user"
    assert command_word(["export-excel", "residents"]) == "export-excel"
    for argv in (["--help", "print"], ["nonsense"], [], ["--db"], ["--lang", "xx", "print"]):
        assert command_word(argv) is None, argv


def test_a_lazily_found_print_kind_is_the_registered_one():
    from app.printing import registry

    lazily = registry._indexed("notice")
    assert lazily is not None and lazily is {kind.name: kind for kind in registry.kinds()}["notice"]
    assert registry._indexed("no_such_kind") is None


def test_the_village_scope_holds_with_only_some_tables_loaded(store_with_notice, tmp_path):
    """A process that loaded the notices' table alone (as ``print notice`` does) still never sees a
    deleted row: the scope covers every table a statement touches, loaded or not."""
    import sqlite3

    code = """
import sys
from sqlmodel import select
from db.engine import Database
from db.models.notices import Notice
database = Database(sys.argv[1], read_only=True)
with database.session() as session:
    print(len(session.exec(select(Notice)).all()), "db.models.meetings" in sys.modules)
"""
    with sqlite3.connect(store_with_notice) as conn:
        conn.execute("UPDATE notice SET deleted_at = '2026-03-03 00:00:00'")
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code, str(store_with_notice)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["0", "False"]


def test_the_window_and_every_page_load_no_renderer_migrations_or_excel():
    """The GUI imports every area (the registry) and, while the clerk works, every page module:
    none of that brings ReportLab, Pillow, Alembic, the Excel libraries or the encryption and
    signing libraries, which load when a document is first rendered, a picture read, a schema
    upgraded, a sheet opened or a key or bundle first used (memory: the sign-in's argon2 adds its
    64 MiB on top of what is loaded by then)."""
    probe = """
import importlib, json, sys
import app.areas, ui.main_window, ui.pages, ui.warmup
for target in ui.pages.PAGES.values():
    importlib.import_module(target.split(":")[0])
for name in ui.warmup.SIGN_IN_MODULES:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "PySide6.QtWidgets" in loaded and "app.mediation" in loaded  # the probe really loaded the GUI
    heavy = {"reportlab", "PIL", "alembic", "mako", "openpyxl", "python_calamine", "cryptography", "pyrage", "nacl"}
    assert not heavy & {name.split(".")[0] for name in loaded}
