"""Expected errors: each carries a message for the user, already in the user's language.

Anything else that escapes a service is a bug and is shown (and logged) as such.
"""
from __future__ import annotations


class VillageDeskError(Exception):
    """An expected failure with a message fit for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ValidationError(VillageDeskError):
    """A form or command was refused; ``errors`` maps each bad field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()) if self.errors else "")


class PermissionDenied(VillageDeskError):
    pass


class NotFound(VillageDeskError):
    pass


class StateError(VillageDeskError):
    """The action does not fit the record's state (locked minutes, skipped step, issued notice …)."""


class AuthenticationFailed(VillageDeskError):
    pass


class SchemaTooNew(VillageDeskError):
    """The database was written by a newer VillageDesk; opening it could lose data."""


class StorageError(VillageDeskError):
    """The environment failed (disk full, read-only, locked) rather than the program."""


def require_valid(errors: dict[str, str]) -> None:
    """Raise ``ValidationError`` when any field failed."""
    if errors:
        raise ValidationError(errors)
