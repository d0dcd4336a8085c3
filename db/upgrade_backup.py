"""The backup made before a schema upgrade.

The verified backup (manifest, attachments, rotation) lives in ``app.backup``, which ``db`` may
not import: ``app`` registers its function here when imported (as ``app.search`` registers its
keyer with :mod:`db.search_keys`). Without one (``db`` used alone) :func:`db.migrate.upgrade`
falls back to a plain online-backup copy, so no store is ever upgraded without a copy.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Maker = Callable[[Path, Path], Path]  # (store file, backup folder) → the backup written

_maker: Maker | None = None


def set_maker(maker: Maker | None) -> None:
    global _maker
    _maker = maker


def maker() -> Maker | None:
    return _maker
