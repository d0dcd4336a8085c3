"""Issue 8, item 8: lockout, constant-time refusal, the password rule, change and reset, the demo
guard, the idle-lock setting."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlmodel import select

from app import auth, demo, people
from app.auth import (
    CLERK,
    GRID_WORKER,
    MEDIATOR,
    authenticate,
    change_password,
    create_user,
    lockout_seconds,
    password_hint,
    password_problem,
    reset_password,
    user_rows,
)
from app.errors import (
    AuthenticationFailed,
    PermissionDenied,
    StateError,
    ValidationError,
)
from db.base import utcnow
from db.models.accounts import User


def _add(database, admin, name="wenshu", role=CLERK, password="good-pass-1", **kw):
    with database.unit(admin) as session:
        return create_user(session=session, actor=admin, username=name, password=password, role=role, **kw)


def _try(database, name, password, now=None):
    with database.unit() as session:
        return authenticate(session=session, username=name, password=password, now=now)


# ---------------------------------------------------------------- lockout


def test_lockout_grows_and_says_how_long(village):
    database, admin = village
    _add(database, admin)
    start = utcnow()
    for _ in range(4):
        with pytest.raises(AuthenticationFailed, match="用户名或密码错误"):
            _try(database, "wenshu", "wrong-pass-1", now=start)
    with pytest.raises(AuthenticationFailed) as refused:
        _try(database, "wenshu", "wrong-pass-1", now=start)  # the fifth failure locks for 30 s
    assert "30" in str(refused.value)
    # even the right password is refused while locked, with the time left
    with pytest.raises(AuthenticationFailed) as locked:
        _try(database, "wenshu", "good-pass-1", now=start + dt.timedelta(seconds=10))
    assert "20" in str(locked.value) and "wenshu" in str(locked.value)
    # after the wait a further failure doubles it
    later = start + dt.timedelta(seconds=31)
    with pytest.raises(AuthenticationFailed) as again:
        _try(database, "wenshu", "wrong-pass-1", now=later)
    assert "60" in str(again.value)
    with database.session() as session:
        user = session.exec(select(User).where(User.username == "wenshu")).one()
        assert user.failed_logins == 6
    # the admin sees the locked account
    with database.session() as session:
        row = next(r for r in user_rows(session=session, actor=admin) if r.username == "wenshu")
    assert row.failed_logins == 6 and row.locked_seconds > 0
    # a success after the wait resets the count
    actor = _try(database, "wenshu", "good-pass-1", now=later + dt.timedelta(seconds=61))
    assert actor.username == "wenshu"
    with database.session() as session:
        assert session.exec(select(User).where(User.username == "wenshu")).one().failed_logins == 0


def test_lockout_schedule_doubles_and_is_capped():
    assert [lockout_seconds(n) for n in range(1, 9)] == [0, 0, 0, 0, 30, 60, 120, 240]
    assert lockout_seconds(100) == auth.LOCKOUT_MAX


def test_failed_count_survives_the_rollback_of_the_unit(village):
    """The GUI's operation rolls back on an exception: the count must be committed anyway."""
    database, admin = village
    _add(database, admin)
    with pytest.raises(AuthenticationFailed):
        _try(database, "wenshu", "nope-nope-1")
    with database.session() as session:
        assert session.exec(select(User).where(User.username == "wenshu")).one().failed_logins == 1


def test_cli_user_list_shows_locked_accounts(village, capsys, monkeypatch):
    from app.cli import main

    database, admin = village
    _add(database, admin)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            _try(database, "wenshu", "wrong-pass-1")
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    assert main(["user", "list", "--db", str(database.path)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("wenshu"))
    assert "锁定" in line and "5" in line


def _timed(database, name, password, rounds=6):
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        with pytest.raises(AuthenticationFailed):
            _try(database, name, password)
        best = min(best, time.perf_counter() - started)
    return best


def test_unknown_user_costs_as_much_as_a_wrong_password(village, monkeypatch):
    """0.2 ms against 127 ms before: now both paths verify an argon2 hash of the same cost."""
    database, admin = village
    monkeypatch.setattr(auth, "ARGON2_PARAMS", {"time_cost": 2, "memory_cost": 16384, "parallelism": 1})
    _add(database, admin, name="known")
    monkeypatch.setattr(auth, "LOCKOUT_AFTER", 10 ** 6)  # time the refusal, not the lockout
    auth._dummy_hash()
    known = _timed(database, "known", "wrong-pass-1")
    unknown = _timed(database, "nobody-here", "wrong-pass-1")
    assert unknown >= 0.5 * known, (unknown, known)
    assert known > 0.002  # the hash really was verified (16 MiB argon2id takes milliseconds)


def test_refusals_do_not_tell_which_part_was_wrong(village):
    database, admin = village
    _add(database, admin)
    messages = set()
    for name, password in (("wenshu", "wrong-pass-1"), ("ghost", "wrong-pass-1")):
        with pytest.raises(AuthenticationFailed) as refused:
            _try(database, name, password)
        messages.add(str(refused.value))
    assert len(messages) == 1


# ---------------------------------------------------------------- the password rule


@pytest.mark.parametrize("password", ["12345678", "        ", "password", "11111111", "88888888", "qwertyui",
                                      "1qaz2wsx", "abc12345", "woaini1314", "short1!", "abcdefghij",
                                      "wenshu", "Wen Shu12", "WENSHU12", "zhang san", "aaaaaaaa1"])
def test_weak_passwords_are_refused(password):
    assert password_problem(password, username="wenshu12", display_name="Zhang San") is not None


def test_own_name_is_refused_case_and_space_insensitively():
    assert password_problem("Wen Shu 12", username="wenshu12") is not None
    assert password_problem("ZhangSan", username="x", display_name="zhang san") is not None


@pytest.mark.parametrize("password", ["secret-pass", "qingshi2026", "青石村2026年", "Tea&Rice-9"])
def test_sensible_passwords_pass(password):
    assert password_problem(password, username="wenshu", display_name="文书") is None


def test_password_hint_grades():
    assert password_hint("12345678").startswith("弱")
    assert password_hint("qingshi2026").startswith("中")
    assert password_hint("Qingshi-2026-spring").startswith("强")


def test_create_user_applies_the_rule_and_cleans_the_name(village):
    database, admin = village
    with pytest.raises(ValidationError) as refused:
        _add(database, admin, name="wenshu", password="12345678")
    assert "password" in refused.value.errors
    with pytest.raises(ValidationError):
        _add(database, admin, name="wenshu", password="wenshu2026x"[:6] + "  ")
    created = _add(database, admin, name="\u202e\u200bwenshu\x00")
    assert created.username == "wenshu"


# ---------------------------------------------------------------- change and reset


def test_every_user_changes_their_own_password(village):
    database, admin = village
    clerk = _add(database, admin)
    with database.unit(clerk) as session, pytest.raises(ValidationError) as wrong:
        change_password(session=session, actor=clerk, old_password="not-it-123", new_password="new-pass-22")
    assert "old_password" in wrong.value.errors
    with database.unit(clerk) as session, pytest.raises(ValidationError) as weak:
        change_password(session=session, actor=clerk, old_password="good-pass-1", new_password="12345678")
    assert "new_password" in weak.value.errors
    with database.unit(clerk) as session:
        change_password(session=session, actor=clerk, old_password="good-pass-1", new_password="new-pass-22")
    assert _try(database, "wenshu", "new-pass-22").username == "wenshu"
    with pytest.raises(AuthenticationFailed):
        _try(database, "wenshu", "good-pass-1")


def test_admin_resets_a_password_and_lifts_the_lockout(village):
    database, admin = village
    clerk = _add(database, admin)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            _try(database, "wenshu", "wrong-pass-1")
    with database.unit(clerk) as session, pytest.raises(PermissionDenied):
        reset_password(session=session, actor=clerk, username="admin", new_password="taken-over-1")
    with database.unit(admin) as session:
        reset_password(session=session, actor=admin, username="wenshu", new_password="fresh-pass-3")
    assert _try(database, "wenshu", "fresh-pass-3").username == "wenshu"


def test_cli_passwd_and_reset(village, capsys, monkeypatch):
    from app.cli import main

    database, admin = village
    _add(database, admin)
    db = ["--db", str(database.path)]
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "good-pass-1")
    monkeypatch.setenv("VILLAGEDESK_NEW_PASSWORD", "12345678")
    assert main(["user", "passwd", "--user", "wenshu", *db]) == 1
    monkeypatch.setenv("VILLAGEDESK_NEW_PASSWORD", "changed-pass-4")
    assert main(["user", "passwd", "--user", "wenshu", *db]) == 0
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "changed-pass-4")
    monkeypatch.setenv("VILLAGEDESK_NEW_PASSWORD", "by-admin-5x")
    assert main(["user", "reset", "admin", "--user", "wenshu", *db]) == 1  # a clerk may not
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    assert main(["user", "reset", "wenshu", *db]) == 0
    assert _try(database, "wenshu", "by-admin-5x").username == "wenshu"


# ---------------------------------------------------------------- demo only on an empty or demo store


def test_demo_refused_on_a_real_store_and_for_a_clerk(village):
    database, admin = village
    clerk = _add(database, admin)
    with database.unit(clerk) as session, pytest.raises(PermissionDenied):
        demo.generate(session=session, actor=clerk, size="small")
    # a real store: one household of real data is enough to refuse
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="王大明"))
    with database.unit(admin) as session, pytest.raises(StateError, match="演示数据"):
        demo.generate(session=session, actor=admin, size="small")


def test_demo_runs_on_an_empty_store_and_again_on_a_demo_store(village):
    database, admin = village
    with database.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=3)
    with database.session() as session:
        assert demo.is_demo_store(session)
        worker = session.exec(select(User).where(User.username == "wangge")).one()
        assert worker.role == GRID_WORKER and worker.grid_id  # the demo grid worker has a grid
    with database.unit(admin) as session:
        demo.check_demo_allowed(session=session, actor=admin)  # a demo store may get more


def test_an_extra_account_makes_the_store_real(village):
    database, admin = village
    _add(database, admin, name="tiaojie", role=MEDIATOR)
    with database.unit(admin) as session, pytest.raises(StateError):
        demo.check_demo_allowed(session=session, actor=admin)


# ---------------------------------------------------------------- idle lock setting


def test_idle_lock_setting(village):
    database, admin = village
    clerk = _add(database, admin)
    with database.session() as session:
        assert auth.idle_lock_minutes(session=session, actor=clerk) == 15
    with database.unit(clerk) as session, pytest.raises(PermissionDenied):
        auth.set_idle_lock_minutes(session=session, actor=clerk, minutes=0)
    with database.unit(admin) as session, pytest.raises(ValidationError):
        auth.set_idle_lock_minutes(session=session, actor=admin, minutes=-1)
    with database.unit(admin) as session:
        auth.set_idle_lock_minutes(session=session, actor=admin, minutes=5)
    with database.session() as session:
        assert auth.idle_lock_minutes(session=session, actor=clerk) == 5


def test_grid_only_for_grid_workers(village):
    database, admin = village
    with database.unit(admin) as session:
        grid = people.add_grid(session=session, actor=admin, name="一组第1网格")
    with pytest.raises(ValidationError):
        _add(database, admin, name="wenshu", role=CLERK, grid_id=grid.id)
    worker = _add(database, admin, name="wangge", role=GRID_WORKER, grid_id=grid.id)
    assert worker.grid_id == grid.id
