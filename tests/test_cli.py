"""The command-line contract: init, demo, check, stats --json, user add/list, errors without tracebacks."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(args, tmp_path, password="secret-pass", **env):
    environment = {"VILLAGEDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "VILLAGEDESK_LANG": "zh_CN"}
    if password is not None:
        environment["VILLAGEDESK_PASSWORD"] = password
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env=environment, stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture
def initialized(tmp_path):
    db = tmp_path / "v.sqlite3"
    result = run(["init", "--db", str(db), "--village-name", "青石村", "--village-code", "510112104201",
                  "--township", "龙泉镇", "--admin", "admin"], tmp_path)
    assert result.returncode == 0, result.stderr
    return db


def test_init_demo_check_stats(initialized, tmp_path):
    db = str(initialized)
    result = run(["demo", "--db", db, "--size", "small", "--seed", "7"], tmp_path)
    assert result.returncode == 0, result.stderr
    result = run(["check", "--db", db], tmp_path)
    assert result.returncode == 0, result.stderr
    result = run(["stats", "--json", "--db", db], tmp_path)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["people"]["households"] == 120
    assert 300 < stats["people"]["residents"] < 500
    assert 0 < stats["people"]["party_members"] < stats["people"]["residents"]


def test_demo_is_reproducible_by_seed(tmp_path):
    names = []
    for attempt in ("a", "b"):
        db = tmp_path / f"{attempt}.sqlite3"
        assert run(["demo", "--db", str(db), "--seed", "3"], tmp_path).returncode == 0
        with sqlite3.connect(db) as conn:
            names.append([r[0] for r in conn.execute("SELECT name FROM resident ORDER BY id_number")])
    assert names[0] == names[1] and len(names[0]) > 300


def test_demo_ids_are_valid_and_unique(initialized, tmp_path):
    from app.validation import parse_id_number

    assert run(["demo", "--db", str(initialized)], tmp_path).returncode == 0
    with sqlite3.connect(initialized) as conn:
        ids = [r[0] for r in conn.execute("SELECT id_number FROM resident")]
    assert len(ids) == len(set(ids))
    for value in ids:
        parse_id_number(value)


def test_wrong_password_is_refused_in_chinese_without_traceback(initialized, tmp_path):
    result = run(["stats", "--json", "--db", str(initialized)], tmp_path, password="nope")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "密码" in result.stderr


def test_missing_password_without_terminal_is_a_clear_error(initialized, tmp_path):
    result = run(["stats", "--db", str(initialized)], tmp_path, password=None)
    assert result.returncode == 1 and "VILLAGEDESK_PASSWORD" in result.stderr and "Traceback" not in result.stderr


def test_user_add_and_list_and_role_refusal(initialized, tmp_path):
    db = str(initialized)
    result = run(["user", "add", "wangge", "--role", "grid_worker", "--db", db], tmp_path,
                 VILLAGEDESK_NEW_PASSWORD="grid-pass-1")
    assert result.returncode == 0, result.stderr
    listing = run(["user", "list", "--db", db], tmp_path)
    assert listing.returncode == 0
    assert [line.split("\t")[:2] for line in listing.stdout.splitlines()] == [["admin", "secretary"], ["wangge", "grid_worker"]]
    refused = run(["user", "list", "--db", db, "--user", "wangge"], tmp_path, password="grid-pass-1")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and refused.stderr.strip()


def test_init_with_bad_input_names_each_field(tmp_path):
    db = tmp_path / "bad.sqlite3"
    result = run(["init", "--db", str(db), "--village-name", "青石村", "--village-code", "123",
                  "--township", "龙泉镇", "--admin", "admin"], tmp_path, password="short")
    assert result.returncode == 1
    assert "code:" in result.stderr and "admin_password:" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_an_unhealthy_database(initialized, tmp_path):
    with sqlite3.connect(initialized) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("INSERT INTO resident (id, village_code, created_at, updated_at, rev, name, gender, id_number, "
                     "phone, party_member, representative, household_id, relation, status, search_key, note) VALUES "
                     "('r1', '510112104201', '2026-01-01', '2026-01-01', 1, '孤儿', 'M', '', '', 0, 0, 'no-such-household', "
                     "'', 'resident', '', '')")
    result = run(["check", "--db", str(initialized)], tmp_path)
    assert result.returncode == 1 and "resident" in result.stderr


def test_check_refuses_a_newer_schema(initialized, tmp_path):
    with sqlite3.connect(initialized) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zz99'")
    result = run(["check", "--db", str(initialized)], tmp_path)
    assert result.returncode == 1 and "zz99" in result.stderr
