"""Errors the store raises for things a user can act on.

``str(error)`` is always one line that can be shown as is, on stderr or in the UI.

``error.retryable`` tells the UI what to do with the coach's unsaved text: when it is
True the same call, with the same values, can succeed later (the disk was full, the
file read-only, another program held the lock...), so keep the text and try again;
when it is False, retrying the same call cannot help (bad input, a record that is gone,
a damaged file).
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class: a problem with the database a user can understand and act on."""

    retryable: bool = False

    def __init__(self, message: str = "", *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class NotCoachtuiDatabase(StoreError):
    """The file exists but is not a coachtui database; it was left untouched."""


class NewerDatabase(StoreError):
    """The database was written by a newer coachtui; it was left untouched."""


class DatabaseUnavailable(StoreError):
    """The database cannot be opened or written (permissions, locks, missing disk...)."""


class DatabaseBusy(DatabaseUnavailable):
    """Another program kept the database locked longer than coachtui waits.

    Clears by itself: retry in a few seconds without bothering the coach."""

    retryable = True


class DatabaseReadOnly(DatabaseUnavailable):
    """The database file, or the folder it is in, cannot be written. Reading may work."""

    retryable = True


class DiskFull(DatabaseUnavailable):
    """The disk (or the database's size limit) is full; nothing of this save was kept."""

    retryable = True


class DatabaseMissing(DatabaseUnavailable):
    """The database file was removed or replaced while coachtui was running.

    The message says what coachtui did about it (put back what it still had open, or
    where it saved it)."""

    retryable = True


class DatabaseDamaged(DatabaseUnavailable):
    """SQLite found the file damaged; restore a backup."""


class BackupError(StoreError):
    """A backup or restore could not be made (missing file, unwritable place...)."""


class InvalidInput(StoreError):
    """A value a user typed is not acceptable; ``field`` names which one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class DuplicateName(InvalidInput):
    """Another team already has this name (ignoring case)."""


class NotFound(StoreError):
    """The record asked for does not exist (any more). ``kind`` ("session",
    "action", ...) and ``record_id`` say which, when known."""

    def __init__(self, message: str = "", *, kind: str = "", record_id: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


class IncompleteSession(StoreError):
    """A session cannot be completed yet; ``missing`` lists what it still needs."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = list(missing)
        super().__init__("Cannot complete the session yet: it needs " + " and ".join(missing) + ".")


class ImportRefused(StoreError):
    """A file offered for import is not a usable coachtui export (bad JSON, unknown
    format version, wrong types, a reference to a missing record, a name clash).
    Nothing was written: the import is validated before its one transaction."""


class ExportFailed(StoreError):
    """An export could not be written to its file; an existing file there is untouched."""


class DatabaseNotEmpty(StoreError):
    """Refused to add demo data to a database that already holds teams or sessions."""


class Cancelled(StoreError):
    """A query was stopped because the caller no longer wanted its result."""


class StaleRecord(StoreError):
    """The record changed since the caller read it: another coach, window or laptop
    saved it first. Nothing was written.

    Raised by the calls that take ``expected_version`` (the ``version`` the caller
    read). ``kind`` is what it is ("action", "session", "team"), ``record_id`` its
    id, ``current_version`` the version now in the database, ``changed_by`` the
    coach who made the latest change ("" if unknown) and ``changed_at`` when;
    ``by_you`` says that coach is the one writing now (their other window or
    laptop saved first), and the message says so. The UI should offer to reload the record and let the coach redo the edit on top.
    """

    def __init__(
        self,
        kind: str,
        record_id: str,
        *,
        expected_version: int,
        current_version: int,
        changed_by: str = "",
        changed_at: object = None,
        by_you: bool = False,
    ) -> None:
        self.kind = kind
        self.record_id = record_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.by_you = by_you
        who = " ".join(changed_by.split()) or "Someone else"
        if by_you:
            changed = f"This {kind} was changed in another window ({who})"
        else:
            changed = f"{who} changed this {kind}"
        super().__init__(f"{changed} since you opened it; reload it to see the change.")


class SyncFailed(StoreError):
    """A sync could not finish. The message says which side is unchanged; a retry
    is safe (sync is idempotent)."""

    retryable = True


class SyncStopped(SyncFailed):
    """The coach stopped a sync (ctrl+c, or cancelling in the app). The batches moved
    so far are kept on both sides; the next sync continues from there."""


class PassphraseNeeded(StoreError):
    """The database file looks encrypted and no passphrase was given (or none was
    right). It was only read, never written. The UI asks for one; scripts set
    ``COACHTUI_PASSPHRASE``."""


class WrongPassphrase(PassphraseNeeded):
    """The passphrase given does not open the encrypted database; it was left untouched."""


class EncryptionUnavailable(StoreError):
    """Encryption needs SQLCipher (the ``encrypt`` extra), which is not installed."""
