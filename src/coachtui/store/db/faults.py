"""Turning a failing database or disk into one line a coach can act on.

SQLite reports every fault as an error code (``SQLITE_BUSY``, ``SQLITE_FULL``,
``SQLITE_READONLY_DIRECTORY``...). :func:`describe` maps them to the store's error
classes, each with a plain message and a ``retryable`` flag, so neither the UI nor the
command line ever shows a SQLAlchemy traceback. Only the standard library is imported
here; SQLAlchemy's wrapped errors are recognised by their ``orig`` attribute.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from coachtui.store.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFull,
    StoreError,
)

# Below this much free space an unexplained I/O error is most likely a full disk.
NEARLY_FULL_BYTES = 1 << 20


def sqlite_error_name(exc: BaseException) -> str:
    """``SQLITE_BUSY``, ``SQLITE_READONLY_DIRECTORY``...; "" for other errors."""
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "sqlite_errorname", "") or ""


def detail(exc: BaseException) -> str:
    """The first line of the underlying error's own message."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError) and orig.strerror:
        return orig.strerror
    text = str(orig).strip()
    return text.splitlines()[0] if text else orig.__class__.__name__


def is_busy(exc: BaseException) -> bool:
    return sqlite_error_name(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


_DATA_ERRORS = frozenset({"IntegrityError", "ProgrammingError", "DataError", "NotSupportedError"})


def is_data_error(exc: BaseException) -> bool:
    """Errors about the data sent (constraints, SQL), not about the database's health.

    psycopg raises subclasses named after the SQLSTATE (``UniqueViolation`` is an
    ``IntegrityError``), so the DB-API class is looked for among the bases. A
    PostgreSQL permission error is a ``ProgrammingError`` by the DB-API, but it is
    about the database, not the data: it is described like a fault."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.DataError):
        return True
    if sqlstate(exc).startswith(("42501", "28", "3D", "3F")):
        return False
    return any(cls.__name__ in _DATA_ERRORS for cls in type(orig).__mro__)


def sqlstate(exc: BaseException) -> str:
    """PostgreSQL's five-character error code (``40P01``...); "" if there is none."""
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "sqlstate", None) or ""


def folder_is_writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder``, found by trying (``os.access`` is
    unreliable for root and on network filesystems). Used only after a failure."""
    try:
        fd, name = tempfile.mkstemp(prefix=".coachtui-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return True


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def describe(exc: BaseException, path: Path | None, shown: str, *, writing: bool) -> StoreError:
    """The store error to raise for a database failure on ``path`` (None: not SQLite)."""
    if path is None:
        return _describe_server(exc, shown, writing=writing)
    code = sqlite_error_name(exc)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseBusy(
            f"The database is busy: another program is keeping {shown} locked; try again in a moment."
        )
    if code == "SQLITE_READONLY_DIRECTORY":
        return _readonly_folder(path)
    if code == "SQLITE_READONLY_DBMOVED":
        return DatabaseMissing(f"The database file was removed or replaced: {shown}.")
    if code.startswith("SQLITE_READONLY"):
        return DatabaseReadOnly(
            f"The database is read-only: cannot save to {shown}; check the file's permissions."
        )
    if code == "SQLITE_FULL":
        return disk_full(f"cannot save to {shown}")
    if code.startswith("SQLITE_CANTOPEN"):
        if not path.exists():
            return DatabaseMissing(f"The database file was removed: {shown}.")
        if not folder_is_writable(path.parent):
            return _readonly_folder(path)
        return DatabaseUnavailable(f"Cannot open the database {shown}: {detail(exc)}.", retryable=True)
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return DatabaseDamaged(
            f"The database file is damaged: {shown} ({detail(exc)}); restore a backup with 'coachtui restore'."
        )
    if code.startswith("SQLITE_IOERR"):
        if _nearly_full(path.parent):
            return disk_full(f"cannot save to {shown}")
        return DatabaseUnavailable(f"The disk reported an error with {shown}: {detail(exc)}.", retryable=True)
    return DatabaseUnavailable(f"Cannot {'save to' if writing else 'read'} {shown}: {detail(exc)}.")


def _describe_server(exc: BaseException, shown: str, *, writing: bool) -> StoreError:
    """A PostgreSQL failure, by SQLSTATE class. The transaction it happened in was
    rolled back by the server (or died with the connection): nothing of it is kept."""
    code = sqlstate(exc)
    what = "save to" if writing else "read"
    if code in {"40001", "40P01", "55P03", "55006"}:
        # serialisation failure, deadlock, lock timeout, object in use
        return DatabaseBusy(f"The database is busy: another coach is saving to {shown}; try again in a moment.")
    if code == "53100":
        return disk_full(f"the server of {shown} cannot save")
    if code == "25006":
        return DatabaseReadOnly(f"The database is read-only: {shown} accepts no changes (a standby server?).")
    if code == "42501":
        return DatabaseUnavailable(f"The database user may not {what} {shown}: {detail(exc)}.")
    if code.startswith("28"):
        return DatabaseUnavailable(f"Cannot log in to {shown}: {detail(exc)}.")
    if code == "3D000":
        return DatabaseUnavailable(f"There is no such database: {shown}.")
    if code.startswith(("08", "57P", "53")) or (not code and _is_operational(exc)):
        # connection failure, server shutting down or restarting, out of resources,
        # or no answer at all (refused, unknown host, timed out, connection lost)
        return DatabaseUnavailable(f"Cannot reach the database at {shown}: {detail(exc)}.", retryable=True)
    return DatabaseUnavailable(f"Cannot {what} {shown}: {detail(exc)}.")


def _is_operational(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None) or exc
    return any(cls.__name__ in {"OperationalError", "InterfaceError"} for cls in type(orig).__mro__)


def _readonly_folder(path: Path) -> DatabaseReadOnly:
    return DatabaseReadOnly(
        f"The database folder is read-only: coachtui cannot create its working files in {path.parent}."
    )


def disk_full(what: str) -> DiskFull:
    return DiskFull(f"The disk is full: {what}; free some space and try again.")


def needs_new_connections(error: StoreError) -> bool:
    """Whether pooled connections must be dropped for the store to recover.

    A connection opened while the file was read-only stays read-only, and one that hit
    an I/O error may hold a broken file handle. A busy or full database leaves the
    connection fine; a removed file is handled by the store (it still needs the old
    connections to rescue the data)."""
    return not isinstance(error, DatabaseBusy | DiskFull | DatabaseMissing)


def from_os(exc: OSError, what: str) -> StoreError:
    """A one-line error for a file operation (``what``: "cannot write /x/y.db")."""
    if exc.errno in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}:
        return disk_full(what)
    reason = exc.strerror or str(exc)
    if exc.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        return DatabaseReadOnly(f"{what[:1].upper()}{what[1:]}: {reason}.")
    return DatabaseUnavailable(f"{what[:1].upper()}{what[1:]}: {reason}.", retryable=True)
