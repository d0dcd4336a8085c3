"""Expected errors of the store, and the base of every expected error of the program.

``db/`` imports nothing from ``app/``; messages raised here are English msgids passed through
:func:`translate`, which the app's i18n layer connects to its catalogs when it is imported
(:func:`set_translator`). ``app.errors`` re-exports these classes and adds the service errors.
"""
from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str], str] = lambda message: message  # noqa: E731


def set_translator(translator: Callable[[str], str]) -> None:
    """Called once by ``app.i18n``: messages raised by ``db/`` then come in the user's language."""
    global _translator
    _translator = translator


def translate(message: str) -> str:
    return _translator(message)


class VillageDeskError(Exception):
    """An expected failure with a message fit for the user (already in the user's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class SchemaTooNew(VillageDeskError):
    """The database was written by a newer VillageDesk, or is not ours; opening it could lose data."""


class StorageError(VillageDeskError):
    """The environment failed (disk full, read-only, locked) rather than the program."""
