#!/usr/bin/env python3
"""Bootstrap and run VillageDesk from a source checkout with nothing but Python 3.11+.

    python3 dev.py app  [villagedesk args…]   open the app (or run any CLI sub-command)
    python3 dev.py test [pytest args…]        run the whole test suite

The first run creates ``.venv`` and installs the locked dependencies (``requirements.lock``);
later runs reinstall only when the lock file or pyproject.toml changed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".villagedesk-installed"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.check_call([str(a) for a in args], cwd=ROOT, env=env)


def _install(python: Path) -> None:
    """uv when it works (fast); plain pip otherwise (it honours the machine's pip configuration).
    Both leave the libraries compiled to bytecode, as pip does by default and the built program
    ships them: uv does not unless asked, and on a machine that sets PYTHONDONTWRITEBYTECODE (CI,
    containers) every process then compiled SQLAlchemy & co. from source again (~1 s of a command
    such as ``print notice``, and the tests' subprocesses)."""
    env = {**os.environ, "UV_SYSTEM_CERTS": "1"}  # the operating system's certificate store
    try:
        _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv")
        _run(python, "-m", "uv", "pip", "install", "--python", python, "--compile-bytecode", "-r", LOCK, env=env)
        _run(python, "-m", "uv", "pip", "install", "--python", python, "--no-deps", "-e", ".", env=env)
    except subprocess.CalledProcessError:
        print("uv failed; installing with pip …", flush=True)
        _run(python, "-m", "pip", "install", "--disable-pip-version-check", "-r", LOCK)
        _run(python, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", "-e", ".")


def ensure_env() -> Path:
    if sys.version_info < (3, 11):
        sys.exit("VillageDesk needs Python 3.11 or newer.")
    python = _python()
    if not python.exists():
        print("创建虚拟环境 (.venv) …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != _fingerprint():
        print("安装依赖 (requirements.lock) …", flush=True)
        _install(python)
        STAMP.write_text(_fingerprint())
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test"}:
        print(__doc__)
        return 2
    python = ensure_env()
    command, rest = argv[0], argv[1:]
    env = dict(os.environ)
    if command == "app":
        return subprocess.call([str(python), "-m", "ui", *rest], cwd=ROOT, env=env)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
