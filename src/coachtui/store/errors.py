"""Errors the store raises for things a user can act on.

``str(error)`` is always one line that can be shown as is, on stderr or in the UI.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class: a problem with the database a user can understand and act on."""


class NotCoachtuiDatabase(StoreError):
    """The file exists but is not a coachtui database; it was left untouched."""


class NewerDatabase(StoreError):
    """The database was written by a newer coachtui; it was left untouched."""


class DatabaseUnavailable(StoreError):
    """The database cannot be opened or written (permissions, locks, missing disk...)."""


class InvalidInput(StoreError):
    """A value a user typed is not acceptable; ``field`` names which one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class DuplicateName(InvalidInput):
    """Another team already has this name (ignoring case)."""


class NotFound(StoreError):
    """The record asked for does not exist (any more)."""


class IncompleteSession(StoreError):
    """A session cannot be completed yet; ``missing`` lists what it still needs."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = list(missing)
        super().__init__("Cannot complete the session yet: it needs " + " and ".join(missing) + ".")


class DatabaseNotEmpty(StoreError):
    """Refused to add demo data to a database that already holds teams or sessions."""


class Cancelled(StoreError):
    """A query was stopped because the caller no longer wanted its result."""
