"""The store: the only code that talks to the database.

Importing this package is cheap and has no side effects: the SQLModel/SQLAlchemy
machinery loads on first use of :func:`open_store` or :class:`Store`, so the UI can
paint before the (slow) database imports finish.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coachtui.store.errors import (
    BackupError,
    Cancelled,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseNotEmpty,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFull,
    DuplicateName,
    EncryptionUnavailable,
    IncompleteSession,
    InvalidInput,
    NewerDatabase,
    NotCoachtuiDatabase,
    NotFound,
    PassphraseNeeded,
    StaleRecord,
    StoreError,
    SyncFailed,
    SyncStopped,
    WrongPassphrase,
)

if TYPE_CHECKING:
    from coachtui.store.api import Store, open_store

__all__ = [
    "BackupError",
    "Cancelled",
    "DatabaseBusy",
    "DatabaseDamaged",
    "DatabaseMissing",
    "DatabaseNotEmpty",
    "DatabaseReadOnly",
    "DatabaseUnavailable",
    "DiskFull",
    "DuplicateName",
    "EncryptionUnavailable",
    "IncompleteSession",
    "InvalidInput",
    "NewerDatabase",
    "NotCoachtuiDatabase",
    "NotFound",
    "PassphraseNeeded",
    "Store",
    "StaleRecord",
    "StoreError",
    "SyncFailed",
    "SyncStopped",
    "open_store",
    "WrongPassphrase",
]


def __getattr__(name: str) -> Any:
    if name in {"Store", "open_store"}:
        from coachtui.store import api

        return getattr(api, name)
    raise AttributeError(f"module 'coachtui.store' has no attribute {name!r}")
