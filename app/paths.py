"""Where VillageDesk finds its resources and keeps its data."""
from __future__ import annotations

import os
import sys
from pathlib import Path

# A built program (PyInstaller, one folder) keeps its files under sys._MEIPASS (``_internal/``);
# a source checkout is the folder above app/.
ROOT = Path(getattr(sys, "_MEIPASS", "")) if getattr(sys, "frozen", False) else Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
LOCALE_DIR = RESOURCES / "locale"
FONTS_DIR = RESOURCES / "fonts"

APP_NAME = "VillageDesk"


def data_dir() -> Path:
    """The user's data directory (platformdirs); ``VILLAGEDESK_HOME`` overrides it (tests, portable installs)."""
    override = os.environ.get("VILLAGEDESK_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "villagedesk.sqlite3"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path
