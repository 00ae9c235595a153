"""Backups and restores of a coachtui SQLite database, with SQLite's online backup API.

A live database is never copied as a file: a file copy taken while coachtui (or a
second coachtui) is writing can be torn, and would miss what is still in the ``-wal``
file. The backup API copies a consistent snapshot, page by page, through SQLite.

Every copy is written to a hidden temporary file in the folder it belongs in, made a
self-contained single file (rollback journal, no ``-wal``), synced, and only then given
its name with a hard link, which never replaces an existing file. A crash, a full disk
or ``kill -9`` therefore never leaves half a backup under a backup's name. Files are
0600; the ``coachtui-backups`` folder is 0700.

Only the standard library is used here, so the ``backup`` and ``restore`` commands do
not load SQLAlchemy.

**Encrypted databases** (see ``store/db/crypto.py``) are read and copied through
SQLCipher, and every copy of one (daily, dated, before a migration or a restore,
rescued) is encrypted with the same passphrase from its first byte: the backup API
encrypts each page as it writes it. A ``key`` argument says "this file is encrypted
with this key" (a store's own open file); without one the file is inspected and its
passphrase found as :func:`coachtui.store.db.crypto.unlock` says.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachtui.paths import ensure_private_dir
from coachtui.store.db import crypto, database, faults
from coachtui.store.db.crypto import Key
from coachtui.store.db.target import sqlite_uri
from coachtui.store.errors import (
    BackupError,
    DatabaseBusy,
    DatabaseDamaged,
    EncryptionUnavailable,
    NewerDatabase,
    NotCoachtuiDatabase,
    PassphraseNeeded,
    StoreError,
)

# How long a backup or restore waits for another program's write lock, in total.
LOCK_WAIT_SECONDS = 15.0
DAILY_KEEP_DEFAULT = 14
# Unfinished copies (a crash or kill -9 while copying) are full copies of the coach's
# notes: they are removed once they are clearly abandoned.
TEMP_PREFIX = ".coachtui-"
ABANDONED_AFTER_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What ``restore`` did: which file went where, and where the old state is kept."""

    source: Path
    database: Path
    previous: Path | None  # the database as it was before, saved in the backups folder
    teams: int
    sessions: int


# --- writing one copy -------------------------------------------------------------------


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a folder; the data itself was synced
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(OSError):
            name.unlink()


def _waiting_for_lock(what: str) -> Callable[[int, int, int], None]:
    """A backup progress callback that gives up after LOCK_WAIT_SECONDS of SQLITE_BUSY
    (Python's ``backup`` would otherwise retry for ever)."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise DatabaseBusy(f"The database is busy: another program kept it locked; {what} was not made.")

    return progress


def copy_into(source: sqlite3.Connection, destination: sqlite3.Connection, what: str) -> None:
    """Copy ``source`` over ``destination`` in one step (one consistent snapshot)."""
    source.backup(destination, pages=-1, progress=_waiting_for_lock(what))


def connect(path: Path, mode: str, key: Key | None) -> Any:
    """A connection to a database file: the standard sqlite3 for a plain file,
    SQLCipher keyed with ``key`` for an encrypted one."""
    if key is not None:
        return crypto.connect(path, key, mode=mode, timeout=database.BUSY_TIMEOUT_MS / 1000)
    return sqlite3.connect(sqlite_uri(path, mode), uri=True, timeout=database.BUSY_TIMEOUT_MS / 1000)


def _mark(copy: Any, day: dt.date | None) -> None:
    """Record in a fresh copy whether it is the daily backup of ``day``, in its header
    (``user_version`` YYYYMMDD; 0 for any other copy), so that its tables stay exactly
    the database's. Rotation deletes only files that say they are the daily backup
    of the day their name says (see :func:`_rotate`)."""
    copy.execute(f"PRAGMA user_version = {_day_mark(day)}")


def _day_mark(day: dt.date | None) -> int:
    return 0 if day is None else int(f"{day:%Y%m%d}")


def write_copy(source: Any, folder: Path, key: Key | None = None, *, daily: dt.date | None = None) -> Path:
    """A complete, synced, single-file copy of ``source`` under a hidden name in ``folder``,
    encrypted with ``key`` (None: as plain as the source); ``daily``: the day whose
    daily backup it is going to be (see :func:`_mark`)."""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        dst = crypto.connect_like(source, tmp, key)
        try:
            copy_into(source, dst, "the copy")
            _mark(dst, daily)
            # The copy inherits the WAL flag; a backup should be one file on its own.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        os.chmod(tmp, 0o600)
        _fsync_path(tmp)
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def publish(tmp: Path, destination: Path) -> Path:
    """Give the finished copy ``tmp`` its name; never replaces an existing file.

    Raises FileExistsError (leaving ``tmp`` for the caller) when ``destination`` exists.
    """
    try:
        os.link(tmp, destination)
    except FileExistsError:
        raise
    except OSError:
        # Filesystems without hard links (some USB sticks): check, then rename.
        if destination.exists():
            raise FileExistsError(destination) from None
        os.replace(tmp, destination)
    else:
        tmp.unlink()
    _fsync_path(destination.parent, directory=True)
    return destination


def publish_unique(tmp: Path, destination: Path) -> Path:
    """Like :func:`publish`, adding ``-2``, ``-3``... to the name while it is taken."""
    candidate, number = destination, 1
    while True:
        try:
            return publish(tmp, candidate)
        except FileExistsError:
            number += 1
            candidate = destination.with_name(f"{destination.stem}-{number}{destination.suffix}")


# --- backups of a database file ---------------------------------------------------------


def private_backup_folder(db: Path) -> Path:
    """The backups folder, created 0700 if missing; an existing one loses any access
    for group and others (never gains any)."""
    folder = database.backup_folder(db)
    ensure_private_dir(folder)
    with contextlib.suppress(OSError):
        current = stat.S_IMODE(folder.stat().st_mode)
        if current & 0o077:
            os.chmod(folder, current & 0o700)
    return folder


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (default: the current time) in the computer's local time zone."""
    # A naive ``now`` is taken to be local time already (that is what astimezone does).
    return (now or dt.datetime.now()).astimezone()


def _stamp(now: dt.datetime | None) -> str:
    return local_now(now).strftime("%Y-%m-%d-%H%M%S")


def _open_source(
    db: Path, key: Key | None = None, state: database.FileState | None = None
) -> tuple[Any, Key | None]:
    """A read-only connection to the coachtui database ``db``, checked first (unless
    its ``state`` is given), and the key it is encrypted with (None: plain)."""
    if state is None:
        state = database.inspect_file(db, key=key)
    if not state.exists:
        raise BackupError(f"There is no database at {db} yet; there is nothing to back up.")
    if state.empty:
        raise BackupError(f"The database {db} is empty; there is nothing to back up.")
    return connect(db, "ro", state.key), state.key


def _backup_error(exc: BaseException, target: Path, db: Path) -> StoreError:
    """One line for a backup that failed: the disk, the place written to, or the database."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError):
        if exc.errno in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}:
            return faults.disk_full(f"cannot write the backup {target}")
        return BackupError(f"Cannot write the backup {target}: {exc.strerror or exc}.", retryable=True)
    if faults.sqlite_error_name(exc) == "SQLITE_FULL":
        return faults.disk_full(f"cannot write the backup {target}")
    return faults.describe(exc, db, str(db), writing=False)


def copy_file(db: Path, destination: Path, key: Key | None = None) -> Path:
    """Back up ``db`` to exactly ``destination`` (its folder is created, 0700);
    ``key``: ``db`` is encrypted with it, and so is the copy."""
    ensure_private_dir(destination.parent)
    source = connect(db, "ro", key)
    try:
        tmp = write_copy(source, destination.parent, key)
    finally:
        source.close()
    try:
        return publish(tmp, destination)
    except BaseException:
        _remove(tmp)
        raise


def backup_database(
    db: Path, destination: Path | None = None, *, now: dt.datetime | None = None, key: Key | None = None
) -> Path:
    """Back up the coachtui database ``db``; returns where the backup was written.

    ``destination`` None: a dated file in the backups folder. An existing folder: a
    dated file in it. Otherwise the new file to write (an existing file is never
    replaced).
    """
    name = f"{db.stem}-{_stamp(now)}.db"
    if destination is None:
        target, unique = database.backup_folder(db) / name, True
    else:
        destination = destination.expanduser().absolute()
        if destination.is_dir():
            target, unique = destination / name, True
        else:
            target, unique = destination, False
            if destination.exists() or destination.is_symlink():
                raise BackupError(f"{destination} already exists; give a new file name.")
            if not destination.parent.is_dir():
                raise BackupError(f"Cannot write {destination}: the folder {destination.parent} does not exist.")
    source, key = _open_source(db, key)
    tmp = None
    try:
        folder = private_backup_folder(db) if destination is None else target.parent
        tmp = write_copy(source, folder, key)
        return publish_unique(tmp, target) if unique else publish(tmp, target)
    except FileExistsError:
        raise BackupError(f"{target} already exists; give a new file name.") from None
    except crypto.errors(OSError, StoreError) as exc:
        raise _backup_error(exc, target, db) from None
    finally:
        source.close()
        if tmp is not None and tmp.exists():
            _remove(tmp)


def remove_abandoned_copies(folder: Path, *, now: float | None = None) -> list[Path]:
    """Delete unfinished copies coachtui left in ``folder`` (hidden ``.coachtui-*.tmp``
    files, and their journals) more than an hour old; younger ones may be in progress."""
    removed: list[Path] = []
    limit = (time.time() if now is None else now) - ABANDONED_AFTER_SECONDS
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(TEMP_PREFIX) and ".tmp" in name):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file() and not entry.is_symlink() and entry.stat().st_mtime < limit:
                entry.unlink()
                removed.append(entry)
    return removed


def _daily_base(db: Path) -> str:
    """What a database's daily backups are named after: "coach" for coach.db, the
    whole name for any other ("x.sqlite"), so x.db and x.sqlite in one folder never
    share, and overwrite, one day's backup."""
    return db.stem if db.suffix.lower() == ".db" else db.name


def daily_name(db: Path, day: dt.date) -> str:
    return f"{_daily_base(db)}-daily-{day:%Y-%m-%d}.db"


def _named_daily(db: Path) -> list[tuple[dt.date, Path]]:
    """Files named like this database's daily backups, with the day their name says."""
    folder = database.backup_folder(db)
    pattern = re.compile(re.escape(_daily_base(db)) + r"-daily-(\d{4}-\d{2}-\d{2})\.db")
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file() and not entry.is_symlink():
            with contextlib.suppress(ValueError):
                found.append((dt.date.fromisoformat(match.group(1)), entry))
    return sorted(found)


def _identity(conn: Any) -> tuple[str | None, int]:
    """A coachtui database's ``database_id`` (None: not a coachtui database, or one
    without an id) and its daily-backup mark (see :func:`_mark`)."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != database.APPLICATION_ID:
        return None, 0
    mark = int(conn.execute("PRAGMA user_version").fetchone()[0])
    row = conn.execute("SELECT value FROM coachtui_meta WHERE key = 'database_id'").fetchone()
    return (str(row[0]) if row else None), mark


def _database_id(db: Path, key: Key | None) -> str | None:
    """The live database's own id (None: it cannot be read now, or it has none)."""
    try:
        conn = connect(db, "ro", key)
        try:
            return _identity(conn)[0]
        finally:
            conn.close()
    except crypto.errors(OSError):
        return None


def _made_as_daily(path: Path, day: dt.date, database_id: str, key: Key | None) -> bool:
    """Whether ``path`` is a daily backup coachtui made of the database ``database_id``
    on ``day`` (the day its name says). Read without adding any file beside it; a
    file that cannot be read (another program's, damaged, another passphrase) is not
    one."""
    try:
        conn = database.quiet_reader(path, key)
        try:
            found, mark = _identity(conn)
        finally:
            conn.close()
    except crypto.errors(OSError):
        return False
    return found == database_id and mark == _day_mark(day)


def _rotate(db: Path, keep: int, key: Key | None) -> list[Path]:
    """Delete this database's oldest daily backups beyond the newest ``keep``.

    Only the daily backups coachtui made of this very database count, and only they
    are ever deleted: a file that merely has a daily backup's name, a renamed backup,
    or a backup of an earlier database at this path (before it was emptied or
    replaced: a new database has a new id) is never touched and never pushes out one
    of this database's own backups."""
    candidates = _named_daily(db)
    if len(candidates) <= keep:
        return []
    own = _database_id(db, key)
    if own is None:
        return []
    mine = [path for day, path in candidates if _made_as_daily(path, day, own, key)]
    removed: list[Path] = []
    for old in mine[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
            removed.append(old)
    return removed


def daily_backup(
    db: Path, *, keep: int = DAILY_KEEP_DEFAULT, now: dt.datetime | None = None, key: Key | None = None
) -> Path | None:
    """Make today's backup if there is none yet, and keep only the newest ``keep``.

    Returns the backup made, or None (already made today, nothing to back up, or
    ``keep`` below 1, which turns daily backups off without deleting any). "Today" is
    the local date of ``now``. Only daily backups coachtui made of this very database
    are ever deleted (see :func:`_rotate`).
    """
    if keep < 1:
        return None
    target = database.backup_folder(db) / daily_name(db, local_now(now).date())
    made = None
    if not target.exists():
        state = database.inspect_file(db, key=key)
        if state.empty:
            return None
        source, key = _open_source(db, state.key, state)
        tmp = None
        try:
            tmp = write_copy(source, private_backup_folder(db), key, daily=local_now(now).date())
            made = publish(tmp, target)
        except FileExistsError:
            pass  # another coachtui made today's backup a moment ago
        except crypto.errors(OSError, StoreError) as exc:
            raise _backup_error(exc, target, db) from None
        finally:
            source.close()
            if tmp is not None and tmp.exists():
                _remove(tmp)
    _rotate(db, keep, key)
    for folder in (db.parent, database.backup_folder(db)):
        remove_abandoned_copies(folder)
    return made


# --- restore ---------------------------------------------------------------------------


def _check_backup(source: Path, db: Path, passphrase: str | None = None) -> tuple[int, int, Key | None]:
    """Refuse anything but a healthy coachtui database this coachtui can read.

    Returns its (teams, sessions, key); an encrypted backup is tried with
    ``passphrase`` (the database's) first."""
    unchanged = f"{db} is unchanged"
    if not source.exists():
        raise BackupError(f"Not restored: there is no file {source}; {unchanged}.")
    if source.is_dir():
        raise BackupError(f"Not restored: {source} is a folder, not a backup file; {unchanged}.")
    if db.exists() and os.path.samefile(source, db):
        raise BackupError(f"Not restored: {source} is the database itself.")
    try:
        state = database.inspect_file(source, passphrase)
    except (NotCoachtuiDatabase, PassphraseNeeded, EncryptionUnavailable) as exc:
        reason = str(exc).removesuffix("; it was left untouched")
        raise type(exc)(f"Not restored: {reason}; {unchanged}.") from None
    if state.empty:
        raise BackupError(f"Not restored: {source} is empty, not a coachtui backup; {unchanged}.")
    try:
        database.check_revision(state.revision, str(source))
    except NewerDatabase:
        raise NewerDatabase(
            f"Not restored: {source} was written by a newer coachtui (schema {state.revision}); "
            f"upgrade coachtui to restore it. {unchanged}."
        ) from None
    conn = database.quiet_reader(source, state.key)  # a refused backup is left exactly as it was
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise DatabaseDamaged(f"Not restored: {source} is damaged ({verdict}); {unchanged}.")
        teams = conn.execute("SELECT count(*) FROM team").fetchone()[0]
        sessions = conn.execute("SELECT count(*) FROM coaching_session").fetchone()[0]
    except crypto.errors() as exc:
        raise DatabaseDamaged(f"Not restored: {source} is damaged ({exc}); {unchanged}.") from None
    finally:
        conn.close()
    return teams, sessions, state.key


def _check_target(db: Path, passphrase: str | None, key: Key | None) -> database.FileState:
    try:
        state = database.inspect_file(db, passphrase, key=key)
        database.check_revision(state.revision, str(db))
    except NotCoachtuiDatabase:
        raise NotCoachtuiDatabase(
            f"Not restored: {db} is not a coachtui database, so coachtui will not write over it."
        ) from None
    except NewerDatabase:
        raise NewerDatabase(
            f"Not restored: {db} was written by a newer coachtui; use that version to restore into it."
        ) from None
    return state


def _matching_page_size(source: Any, page_size: int, folder: Path) -> tuple[Any, Path]:
    """A temporary copy of ``source`` with ``page_size`` (a WAL database cannot take
    pages of another size through the backup API)."""
    tmp = write_copy(source, folder)
    conn = sqlite3.connect(tmp)
    conn.execute(f"PRAGMA page_size = {int(page_size)}")
    conn.execute("VACUUM")
    return conn, tmp


def _converted(source: Path, source_key: Key | None, key: Key | None, folder: Path) -> Path:
    """A hidden copy of the backup ``source`` in ``folder``, encrypted with ``key``
    (None: in clear), made with SQLCipher's ``sqlcipher_export``: the backup API cannot
    copy between a plain and an encrypted database."""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        conn = crypto.connect(source, source_key, mode="ro")
        try:
            crypto.export(conn, tmp, key)
        finally:
            conn.close()
        os.chmod(tmp, 0o600)
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def restore_database(
    db: Path,
    source: Path,
    *,
    now: dt.datetime | None = None,
    key: Key | None = None,
    passphrase: str | None = None,
    another: bool = False,
) -> RestoreReport:
    """Replace the contents of the database ``db`` with the backup ``source``.

    A ``source`` that is another database (its ``database_id`` is not ``db``'s: not a
    backup of it) is refused unless ``another``; even then ``db`` keeps its own id, so
    two laptops never sync as one.

    Checks the backup first (a coachtui database, not newer, not damaged) and refuses
    to write over a file that is not a coachtui database; either way nothing changes
    then. The current database is first backed up to the backups folder. The restore
    itself goes through the backup API into the live file, as one transaction, so a
    coachtui that has it open sees the restored data, and a failure changes nothing.
    A backup of an older schema is migrated the next time the database is opened.

    ``key``: ``db`` is encrypted with it (a store's own open file); ``passphrase``: try
    this one first on an encrypted backup (then ``key``'s). The database keeps
    its encryption: a plain backup restored into an encrypted database is encrypted
    with the database's key on the way in, an encrypted backup restored into a plain
    database is decrypted (it needs its passphrase). Restored into a new place, the
    database is encrypted when the backup is.
    """
    source = source.expanduser().absolute()
    own = key.passphrase if key is not None else None
    teams, sessions, source_key = _check_backup(source, db, passphrase or own)
    state = _check_target(db, own or (source_key.passphrase if source_key else None), key)
    # A new database takes the backup's encryption; an existing one keeps its own.
    target_key = source_key if not state.exists or db.stat().st_size == 0 else state.key
    own_id = None if state.empty else _database_id(db, state.key)
    if own_id is not None and not another:
        source_id = _database_id(source, source_key)
        if source_id != own_id:
            raise BackupError(
                f"Not restored: {source} is another database, not a backup of {db}; to replace this "
                f"database's contents with it anyway, add --from-another-database. {db} is unchanged."
            )
    previous = None
    if not state.empty:
        name = f"{db.stem}-before-restore-{_stamp(now)}.db"
        try:
            folder = private_backup_folder(db)
            src, _key = _open_source(db, state.key, state)
            try:
                tmp = write_copy(src, folder, state.key)
            finally:
                src.close()
            previous = publish_unique(tmp, folder / name)
        except crypto.errors(OSError, StoreError) as exc:
            error = _backup_error(exc, database.backup_folder(db) / name, db)
            raise type(error)(f"Not restored: {error}", retryable=error.retryable) from None
    elif not state.exists:
        database.create_private_file(db)
    else:
        database.make_private(db)  # an empty file becomes the database: owner-only
    converted: Path | None = None
    backup_conn = live = None
    try:
        if (source_key is None) != (target_key is None):
            converted = _converted(source, source_key, target_key, db.parent)
            backup_conn = connect(converted, "ro", target_key)
        else:
            backup_conn = connect(source, "ro", source_key)
        live = connect(db, "rw", target_key)
        live_mode = live.execute("PRAGMA journal_mode").fetchone()[0]
        live_size = live.execute("PRAGMA page_size").fetchone()[0]
        if state.exists and not state.empty and live_mode == "wal" and target_key is None:
            if backup_conn.execute("PRAGMA page_size").fetchone()[0] != live_size:
                converted_conn, resized = _matching_page_size(backup_conn, live_size, db.parent)
                backup_conn.close()
                backup_conn = converted_conn
                if converted is not None:
                    _remove(converted)
                converted = resized
        copy_into(backup_conn, live, "the restore")
        if own_id is not None:  # the contents come, this database's identity stays
            with live:
                live.execute("UPDATE coachtui_meta SET value = ? WHERE key = 'database_id'", (own_id,))
        with contextlib.suppress(*crypto.errors()):
            live.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except crypto.errors(OSError, StoreError) as exc:
        error = _backup_error(exc, db, db)
        raise type(error)(f"Not restored: {error}", retryable=error.retryable) from None
    finally:
        for conn in (backup_conn, live):
            if conn is not None:
                conn.close()
        if converted is not None:
            _remove(converted)
    return RestoreReport(source=source, database=db, previous=previous, teams=teams, sessions=sessions)
