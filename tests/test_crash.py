"""Nothing reported committed is ever lost: a writer is SIGKILLed at random moments, over and over.

A driver process (this file run as a script) imports the program once, then for each round forks
a child that opens the store (taking the store lock, as the CLI's writers do), saves households
through the real service and prints each committed id to its pipe, flushed, right after the
commit returns. The driver kills it 20–150 ms after it started writing, then checks that every id
the child reported is in the store, that ``check`` finds nothing wrong (including the commit mark
beside the file), and that the lock died with the child. (The random delay starts at the child's
first commit, so every kill lands while it is writing, even on a busy machine.) ``VILLAGEDESK_QUICK=1``: 10 kills instead
of 100.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(path: Path, write_fd: int) -> None:
    from app import people
    from app.auth import actor_of
    from db.engine import Database
    from db.models.accounts import User
    from sqlmodel import select

    database = Database(path, lock=True)
    with database.session() as session:
        admin = actor_of(session.exec(select(User)).first())
    out = os.fdopen(write_fd, "w", buffering=1)
    out.write("ready\n")
    n = 0
    while True:
        n += 1
        with database.unit(admin) as session:
            view = people.save_household(session=session, actor=admin,
                                         form=people.HouseholdForm(head_name="张三", address=f"一组{n}"))
        out.write(view.id + "\n")
        out.flush()


def drive(path: Path, kills: int, seed: int) -> dict:
    from app import people
    from app.health import check_database
    from db.engine import Database
    from db.lock import StoreLock

    rng = random.Random(seed)
    database = Database(path)
    with database.unit() as session:
        people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                             committee_name="青石村民委员会", supervision_phone="028-84851234",
                             admin_username="admin", admin_password="secret-pass", admin_display_name="李书记")
    database.refresh_village_code()
    from app.auth import actor_of
    from db.models.accounts import User
    from sqlmodel import select

    with database.unit() as session:  # one write here loads every module a save needs before forking
        admin = actor_of(session.exec(select(User)).first())
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="李四"))
    database.dispose()
    reported: list[str] = []
    lost: list[str] = []
    problems: list[str] = []
    lock_stuck = 0
    for _ in range(kills):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: write until killed
            os.close(read_fd)
            try:
                _child(path, write_fd)
            finally:
                os._exit(3)
        os.close(write_fd)
        reader = os.fdopen(read_fd)
        assert reader.readline().strip() == "ready"
        first = reader.readline().strip()  # it is writing now: the kill lands among its commits
        reported.append(first)
        time.sleep(rng.uniform(0.020, 0.150))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        ids = [line.strip() for line in reader.read().splitlines() if len(line.strip()) > 8]
        reader.close()
        reported.extend(ids)
        ids.append(first)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        present = {row[0] for row in conn.execute("SELECT id FROM household")}
        conn.close()
        lost.extend(i for i in ids if i not in present)
        problems.extend(check_database(path))
        lock = StoreLock(path)
        if lock.is_held_elsewhere():
            lock_stuck += 1
    return {"kills": kills, "reported": len(reported), "lost": len(lost), "check_problems": problems,
            "lock_stuck": lock_stuck}


def test_sigkill_during_writes_loses_nothing_reported_committed(tmp_path):
    kills = 10 if os.environ.get("VILLAGEDESK_QUICK") else 100
    started = time.monotonic()
    result = subprocess.run([sys.executable, __file__, str(tmp_path / "v.sqlite3"), str(kills), "8"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "VILLAGEDESK_HOME": str(tmp_path / "home")})
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"crash test: {summary}, {time.monotonic() - started:.1f} s")
    assert summary["kills"] == kills
    assert summary["reported"] > kills  # the children did commit between kills
    assert summary["lost"] == 0
    assert summary["check_problems"] == []
    assert summary["lock_stuck"] == 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from app import auth

    auth.ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    print(json.dumps(drive(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
