"""Expected errors: each carries a message for the user, already in the user's language.

Anything else that escapes a service is a bug and is shown (and logged) as such.
"""
from __future__ import annotations

from db.errors import DamagedStore, ReadOnlyStore, SchemaTooNew, StorageError, ValidationError, VillageDeskError

__all__ = ["AuthenticationFailed", "ChangedMeanwhile", "DamagedStore", "NotFound", "PermissionDenied", "ReadOnlyStore",
           "SchemaTooNew", "StateError", "StorageError", "ValidationError", "VillageDeskError", "require_valid"]


class PermissionDenied(VillageDeskError):
    pass


class NotFound(VillageDeskError):
    pass


class StateError(VillageDeskError):
    """The action does not fit the record's state (locked minutes, skipped step, issued notice …)."""


class AuthenticationFailed(VillageDeskError):
    pass


class ChangedMeanwhile(VillageDeskError):
    """The record was changed (by another window, session, the command line or a sync) after the
    form was opened; saving would silently undo that change. ``name`` and ``at`` say who and when
    (already formatted for the user); the form should offer to reload the record."""

    def __init__(self, message: str, *, name: str = "", at: str = ""):
        super().__init__(message)
        self.name, self.at = name, at


def require_valid(errors: dict[str, str]) -> None:
    """Raise ``ValidationError`` when any field failed."""
    if errors:
        raise ValidationError(errors)
