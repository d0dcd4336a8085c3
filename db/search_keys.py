"""Search keys kept on rows of tables searched by pinyin (concerns, meetings).

The key is computed in ``app`` (pinyin and the surname readings live in :mod:`app.pinyin`), which
``db`` may not import: ``app.search`` registers its function here when imported, as ``app.i18n``
registers its translator with :mod:`db.errors`, so a migration can backfill the keys. Without one
(``db`` used alone), rows keep an empty key and the search computes it for them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Keyer = Callable[[str, Mapping[str, Any]], str]  # (table, row's values) → its search key

_keyer: Keyer | None = None


def set_keyer(keyer: Keyer) -> None:
    global _keyer
    _keyer = keyer


def keyer() -> Keyer | None:
    return _keyer
