"""The program's version and build date, from one place: ``pyproject.toml``.

A built program (installers/villagedesk.spec) carries ``resources/build.json``, written at build
time from ``pyproject.toml`` with the build date; a source checkout reads ``pyproject.toml``
itself and says it is not a build.
"""
from __future__ import annotations

import json
import tomllib

from app.paths import RESOURCES, ROOT

BUILD_INFO = RESOURCES / "build.json"


def version_info() -> dict[str, str]:
    """``{"version": "0.1.0", "build_date": "2026-11-30"}``; ``build_date`` is "" from source."""
    if BUILD_INFO.is_file():
        data = json.loads(BUILD_INFO.read_text(encoding="utf-8"))
        return {"version": str(data["version"]), "build_date": str(data["build_date"])}
    pyproject = ROOT / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as fh:
            return {"version": str(tomllib.load(fh)["project"]["version"]), "build_date": ""}
    from importlib.metadata import PackageNotFoundError, version

    try:
        return {"version": version("villagedesk"), "build_date": ""}
    except PackageNotFoundError:
        return {"version": "unknown", "build_date": ""}


def version_line() -> str:
    """What ``villagedesk --version`` prints: ``VillageDesk 0.1.0 (built 2026-11-30)``."""
    info = version_info()
    built = f"built {info['build_date']}" if info["build_date"] else "source checkout"
    return f"VillageDesk {info['version']} ({built})"
