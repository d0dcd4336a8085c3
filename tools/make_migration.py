"""Regenerate the initial migration from the models (allowed only before the first release).

    .venv/bin/python tools/make_migration.py          # rewrite 0001_initial.py
    .venv/bin/python tools/make_migration.py "message" # add a new revision on top (after release)
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402

from db.engine import make_engine  # noqa: E402
from db.migrate import MIGRATIONS, alembic_config  # noqa: E402


def main() -> None:
    versions = MIGRATIONS / "versions"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Path(tmp) / "blank.sqlite3")
        config = alembic_config(engine)
        if len(sys.argv) > 1:
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.revision(config, message=sys.argv[1], autogenerate=True)
            return
        for old in versions.glob("0001_*.py"):
            old.unlink()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.revision(config, message="initial schema", autogenerate=True, rev_id="0001", head="base")
        produced = next(versions.glob("0001_*.py"))
        produced.rename(versions / "0001_initial.py")
        print(versions / "0001_initial.py")


if __name__ == "__main__":
    main()
