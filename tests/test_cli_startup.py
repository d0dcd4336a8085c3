"""The command line's start (issue 16): the password is checked on a thread while the store's
libraries load, and full garbage collections are rare while a command runs.

The early check decides nothing: sign-in still reads the account through the ORM, counts failures
and honours a lockout, and takes the thread's answer only for exactly the hash it read and the
password it was given. A wrong password prints nothing and writes no file.
"""
from __future__ import annotations

import ast
import sqlite3
import threading
from pathlib import Path

import pytest

from app import auth, password_check
from app.errors import AuthenticationFailed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store_with_notice(village):
    from test_cli_imports import issue_a_notice

    database, admin = village
    issue_a_notice(database, admin)
    return database


@pytest.fixture
def verifications(monkeypatch):
    """Every argon2 verification, with the thread it ran on."""
    seen: list[tuple[str, str]] = []
    real = password_check.argon2_verify

    def spy(stored_hash: str, password: str) -> bool:
        seen.append((threading.current_thread().name, stored_hash))
        return real(stored_hash, password)

    monkeypatch.setattr(password_check, "argon2_verify", spy)
    yield seen
    password_check._pending = None  # nothing left pending for the next test


def _failed_logins(path: Path, username: str = "admin") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT failed_logins FROM user_account WHERE username = ?", (username,)).fetchone()[0]


def test_print_checks_the_password_once_on_the_thread(store_with_notice, verifications, tmp_path, monkeypatch, capsys):
    from app.cli import main

    out = tmp_path / "notice.pdf"
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    assert main(["print", "notice", "--id", "latest", "--out", str(out), "--db", str(store_with_notice.path)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert [thread for thread, _hash in verifications] == ["password-check"]  # not verified again after it
    assert capsys.readouterr().out.strip() == str(out)


def test_a_wrong_password_prints_nothing_and_writes_no_file(store_with_notice, verifications, tmp_path, monkeypatch,
                                                            capsys):
    from app.cli import main

    out = tmp_path / "notice.pdf"
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "wrong-pass-1")
    assert main(["print", "notice", "--id", "latest", "--out", str(out), "--db", str(store_with_notice.path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "密码" in captured.err
    assert not out.exists() and list(tmp_path.glob(".print-*")) == []
    assert [thread for thread, _hash in verifications] == ["password-check"]
    assert _failed_logins(store_with_notice.path) == 1  # the refusal is counted as before


def test_an_unknown_user_costs_one_verification_of_the_dummy_too(store_with_notice, verifications, tmp_path,
                                                                monkeypatch, capsys):
    from app.cli import main

    monkeypatch.setattr(auth, "ARGON2_PARAMS", _production_params())  # the dummy made with them is the constant
    monkeypatch.setattr(auth, "_DUMMY", {})
    out = tmp_path / "notice.pdf"
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    assert main(["print", "notice", "--user", "nobody", "--out", str(out), "--db", str(store_with_notice.path)]) == 1
    assert capsys.readouterr().out == "" and not out.exists()
    assert verifications == [("password-check", password_check.DUMMY_HASH)]


def test_a_check_counts_only_for_exactly_its_hash_and_password():
    right = auth.hash_password("secret-pass")
    other = auth.hash_password("other-pass-1")
    password_check.start(right, "secret-pass")
    assert password_check.result(other, "secret-pass") is None  # the account's hash changed meanwhile
    assert password_check.result(right, "secret-pass ") is None
    assert password_check.result(right, "secret-pass") is True
    assert password_check.result(right, "secret-pass") is None  # handed out once
    password_check.start(right, "wrong-pass-1")
    assert password_check.result(right, "wrong-pass-1") is False


def test_sign_in_does_not_take_a_check_of_a_hash_it_did_not_read(village):
    """A check started with a hash the account no longer has (or never had) cannot let anyone in."""
    database, _admin = village
    planted = auth.hash_password("planted-pass-1")
    password_check.start(planted, "planted-pass-1")
    with pytest.raises(AuthenticationFailed):
        with database.unit() as session:
            auth.authenticate(session=session, username="admin", password="planted-pass-1")
    password_check.result(planted, "planted-pass-1")


def test_the_store_is_read_without_writing_and_only_when_it_is_ours(store_with_notice, tmp_path):
    from db.early import stored_password_hash

    path = store_with_notice.path
    store_with_notice.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    before = (path.read_bytes(), sorted(p.name for p in path.parent.iterdir()))
    stored = stored_password_hash(path, role=password_check.FIRST_ADMIN_ROLE)
    assert stored and stored.startswith("$argon2id$")
    assert stored_password_hash(path, username="admin") == stored
    assert stored_password_hash(path, username="nobody") == ""
    assert (path.read_bytes(), sorted(p.name for p in path.parent.iterdir())) == before
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE user_account (username TEXT, role TEXT, created_at TEXT, password_hash TEXT)")
        conn.execute("INSERT INTO user_account VALUES ('admin', 'secretary', '2026', 'x')")
    assert stored_password_hash(foreign, username="admin") is None
    (tmp_path / "text.sqlite3").write_text("not a database")
    assert stored_password_hash(tmp_path / "text.sqlite3", username="admin") is None
    assert stored_password_hash(tmp_path / "missing.sqlite3", username="admin") is None


def _production_params() -> dict[str, int]:
    """ARGON2_PARAMS as app/auth.py sets them (the tests run with cheaper ones)."""
    tree = ast.parse((ROOT / "app" / "auth.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "ARGON2_PARAMS":
            return ast.literal_eval(node.value)
    raise AssertionError("ARGON2_PARAMS not found")


def test_the_constants_follow_the_sign_in_rules():
    from argon2 import extract_parameters

    params = _production_params()
    assert params == {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}  # the issue: must stay
    made = extract_parameters(password_check.DUMMY_HASH)
    assert {name: getattr(made, name) for name in params} == params
    assert password_check.FIRST_ADMIN_ROLE == auth.SECRETARY


def test_a_reading_command_collects_nothing_and_others_rarely(monkeypatch, tmp_path):
    import gc

    import app.cli as cli

    seen = {}
    monkeypatch.setattr(cli, "cmd_check", lambda args, ctx: seen.setdefault("check", (gc.isenabled(), gc.get_threshold())) and 0)
    monkeypatch.setattr(cli, "cmd_init", lambda args, ctx: seen.setdefault("init", (gc.isenabled(), gc.get_threshold())) and 0)
    before = gc.get_threshold()
    assert cli.main(["check", "--db", str(tmp_path / "v.sqlite3")]) == 0
    assert gc.isenabled() and gc.get_threshold() == before
    assert cli.main(["init", "--admin", "admin", "--db", str(tmp_path / "v.sqlite3")]) == 0
    assert gc.isenabled() and gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert seen["check"][0] is False  # reading: no collections while it runs
    enabled, threshold = seen["init"]
    assert enabled and threshold[:2] == before[:2] and threshold[2] >= cli.FULL_COLLECTION_EVERY > before[2]


def test_the_process_ends_without_collecting_what_it_made(village, tmp_path):
    """At exit every object moves to the collector's permanent generation (the interpreter's last
    collections of every imported module took longer than printing a notice); the output is whole."""
    import subprocess
    import sys

    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 10000))\n"
             "from ui.launcher import main\n"
             "sys.exit(main())\n")
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "VILLAGEDESK_LANG": "zh_CN"}
    database, _admin = village
    result = subprocess.run([sys.executable, "-c", probe, "check", "--db", str(database.path)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1] == "frozen True"
    assert "数据库" in result.stdout  # the command's own output came out before


def test_opening_a_store_builds_no_people_tables(village, tmp_path):
    """``user list`` imports the accounts' tables alone: the village code is read without the
    people register's classes, and still skips a deleted profile."""
    import json
    import subprocess
    import sys

    database, _admin = village
    path = database.path
    database.dispose()
    with sqlite3.connect(path) as conn:  # a deleted profile before the live one (in rowid and code order)
        row = conn.execute("SELECT * FROM village_profile").fetchone()
        columns = [c[1] for c in conn.execute("PRAGMA table_info(village_profile)")]
        old = dict(zip(columns, row), id="old-profile", code="510112104001", deleted_at="2026-01-01 00:00:00")
        conn.execute("DELETE FROM village_profile")
        conn.execute(f"INSERT INTO village_profile ({', '.join(old)}) VALUES ({', '.join('?' * len(old))})",
                     list(old.values()))
        conn.execute(f"INSERT INTO village_profile ({', '.join(columns)}) VALUES ({', '.join('?' * len(row))})", row)
    probe = ("import json, sys\n"
             "from ui.launcher import main\n"
             "code = main(sys.argv[1:])\n"
             "from db.engine import Database\n"
             "print(json.dumps({'code': code, 'people': 'db.models.people' in sys.modules,\n"
             "                  'village': Database(sys.argv[-1], read_only=True).village_code}))\n")
    env = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "VILLAGEDESK_PASSWORD": "secret-pass"}
    result = subprocess.run([sys.executable, "-c", probe, "user", "list", "--db", str(path)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.splitlines()[-1])
    assert report == {"code": 0, "people": False, "village": "510112104201"}
