"""Backups, restore, vacuum, and the store's guard against a failing disk or database.

Methods here are mixed into :class:`coachtui.store.service.Store`. Every store call
runs inside :meth:`MaintenanceMixin._guard`, which

* notices, before touching the database, that its file was removed or replaced while
  coachtui runs (SQLite would otherwise keep writing to the removed file, and all of
  it would vanish when coachtui exits), and rescues what the store still has open;
* turns database failures into one-line :class:`StoreError` subclasses (see
  ``store/faults.py``) and drops pooled connections that cannot recover by themselves
  (one opened while the file was read-only stays read-only), so the next call works as
  soon as the fault is cleared.

**A removed file.** The store's open connections still see the removed file. On the
next call the store copies it (backup API) and puts the copy back at the same path,
then raises :class:`DatabaseMissing` saying so; the retried call works and nothing is
lost. If a different file has taken the path meanwhile, what the store had open is
saved to the backups folder as ``<name>-rescued-<time>.db`` and the store goes on with
the new file (if it is a coachtui database). Without open connections there is nothing
to rescue: every call says the file was removed until one is put back (for instance
with ``coachtui restore``). To wipe the database on purpose, quit coachtui first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from coachtui.paths import ensure_private_dir
from coachtui.store import backup, crypto, database, faults
from coachtui.store.errors import BackupError, DatabaseMissing, DatabaseReadOnly, StoreError

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.orm import SessionTransaction
    from sqlmodel import Session

# A write waits up to BUSY_TIMEOUT_MS for the lock, and once more after a short random
# pause. Two processes saving flat out for 30 s never needed the second wait
# (tests/test_two_processes.py), but SQLite's busy handler polls, and a writer in a
# tight loop could keep winning the lock; the pause breaks that rhythm.
WRITE_ATTEMPTS = 2
_FILE_KEY = "coachtui_file"
_READ_ONLY_KEY = "coachtui_read_only"
_SIDES_KEY = "coachtui_side_files"

FileIdentity = tuple[int, int]


@dataclass(frozen=True, slots=True)
class VacuumReport:
    """What ``vacuum`` did. Sizes count the database file and its ``-wal`` file."""

    before_bytes: int
    after_bytes: int
    optimized: tuple[str, ...]  # full-text (FTS5) tables whose index was rebuilt compactly
    wal_cleared: bool  # False: another program kept reading, the -wal file could not be emptied


def _identity(path: Path, shown: str) -> FileIdentity | None:
    """(device, inode) of the file now at ``path``; None if there is none."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise faults.from_os(exc, f"cannot reach the database {shown}") from None
    return (st.st_dev, st.st_ino)


def _side_files(path: Path) -> tuple[Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def _owner_writable(path: Path) -> bool | None:
    """The owner-write bit of ``path`` (None: no such file).

    Only metadata is read: opening and closing a database file would drop every POSIX
    lock this process's SQLite connections hold on it."""
    try:
        return bool(os.stat(path).st_mode & stat.S_IWUSR)
    except OSError:
        return None


def _looks_read_only(path: Path | None) -> bool:
    """Whether SQLite probably opened (or would open) the database read-only: the file
    or its ``-wal``/``-shm`` file is not writable by its owner. coachtui's files are
    owner-only, so the owner bit is the one that counts."""
    if path is None:
        return False
    return any(_owner_writable(p) is False for p in (path, *_side_files(path)))


def _repair_side_files(path: Path) -> None:
    """Give ``-wal``/``-shm`` files the database file's permissions again.

    SQLite creates them with the database file's mode: ones made while the file was
    read-only stay read-only after the coach makes the file writable again, and would
    keep every new connection read-only."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return
    if not mode & stat.S_IWUSR:
        return
    for side in _side_files(path):
        if _owner_writable(side) is False:
            with contextlib.suppress(OSError):
                os.chmod(side, mode)


def _file_size(path: Path) -> int:
    total = 0
    for name in (path, Path(f"{path}-wal")):
        with contextlib.suppress(OSError):
            total += name.stat().st_size
    return total


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class MaintenanceMixin:
    """Mixed into Store."""

    engine: sa.Engine
    target: database.Target
    location: str

    def _init_maintenance(self) -> None:
        # Held by every write (SQLite serialises writers anyway) and by a rescue, so no
        # write of this process can slip into a removed file while it is copied.
        self._write_lock = threading.RLock()
        self._file_identity: FileIdentity | None = None
        if self.target.path is not None:
            self._file_identity = _identity(self.target.path, self.location)
            event.listen(self.engine, "checkout", self._tag_connection)

    def _tag_connection(self, dbapi: Any, record: Any, _proxy: Any) -> None:
        # Remember which file each pooled connection opened (to know later whether it
        # can still read a file that has since been removed) and whether SQLite had to
        # open it read-only (it stays so after the coach fixes the permissions).
        path = self.target.path
        if _FILE_KEY not in record.info and path is not None:
            # A first read opens the write-ahead log (creating -wal/-shm if missing), so
            # the side files recorded are the ones this connection uses: a database
            # opened when it had none (just encrypted, restored, or left in rollback
            # mode) would otherwise record none, and after a replacement its old log
            # would be left to be applied to the new file.
            with contextlib.suppress(*crypto.errors()):
                dbapi.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            record.info[_FILE_KEY] = _identity(path, self.location)
            record.info[_READ_ONLY_KEY] = _looks_read_only(path)
            record.info[_SIDES_KEY] = tuple(_identity(side, self.location) for side in _side_files(path))

    # --- the guard around every store call ---------------------------------------------

    @contextlib.contextmanager
    def _guard(self, *, writing: bool) -> Iterator[None]:
        with self._write_lock if writing else contextlib.nullcontext():
            self._check_file()
            try:
                yield
            except (sa_exc.DBAPIError, *crypto.errors()) as exc:
                if faults.is_data_error(exc):
                    raise
                raise self._fault(exc, writing=writing) from exc

    def _fault(self, exc: BaseException, *, writing: bool) -> StoreError:
        error = faults.describe(exc, self.target.path, self.location, writing=writing)
        if isinstance(error, DatabaseReadOnly) and self.target.path is not None:
            _repair_side_files(self.target.path)
        if faults.needs_new_connections(error):
            self.engine.dispose()
        return error

    def _begin_write(self, session: Session) -> SessionTransaction:
        """Start the write transaction now (BEGIN IMMEDIATE), so that waiting for the
        lock happens before any work and can be retried.

        A pooled connection that SQLite opened read-only (the file was read-only then)
        stays read-only after the coach fixes the permissions: if the file is writable
        now, such a connection is replaced by a fresh one.
        """
        path = self.target.path
        attempts, reopened = 0, False
        while True:
            transaction = session.begin()
            try:
                connection = session.connection()
            except sa_exc.OperationalError as exc:
                session.rollback()
                attempts += 1
                if faults.is_busy(exc) and attempts < WRITE_ATTEMPTS:
                    time.sleep(random.uniform(0.005, 0.05))
                    continue
                if faults.sqlite_error_name(exc) == "SQLITE_READONLY" and not reopened and path is not None:
                    _repair_side_files(path)
                    self.engine.dispose()
                    reopened = True
                    continue
                raise
            if path is not None and connection.connection.info.get(_READ_ONLY_KEY) and not reopened:
                _repair_side_files(path)
                if not _looks_read_only(path):
                    connection.invalidate()
                    session.rollback()
                    self.engine.dispose()  # the other pooled connections are read-only too
                    reopened = True
                    continue
            return transaction

    def _check_file(self) -> None:
        path = self.target.path
        if path is None or _identity(path, self.location) == self._file_identity:
            return
        with self._write_lock:
            current = _identity(path, self.location)
            if current == self._file_identity:
                return  # another thread has dealt with it
            if current is None:
                raise self._put_back_removed_file()
            self._adopt_replaced_file()

    def _copy_of_open_file(self, folder: Path) -> tuple[Path | None, tuple[FileIdentity | None, ...]]:
        """A finished copy (hidden name, in ``folder``) of the file the store opened,
        read through a connection that still has it open, and the identities of the
        ``-wal``/``-shm`` files that connection uses; (None, ()) if none has it open."""
        if self.engine.pool.checkedin() == 0:  # type: ignore[attr-defined]
            # Nothing open any more. A new connection would open whatever file is at
            # the path now, and even connecting writes to it (WAL mode).
            return None, ()
        try:
            raw = self.engine.raw_connection()
        except (sa_exc.DBAPIError, *crypto.errors()):
            return None, ()
        try:
            if raw.info.get(_FILE_KEY) != self._file_identity:
                return None, ()
            copy = backup.write_copy(raw.driver_connection, folder, self.target.key)
            return copy, raw.info.get(_SIDES_KEY, ())
        finally:
            raw.close()

    def _put_back_removed_file(self) -> DatabaseMissing:
        path, shown = self.target.path, self.location
        assert path is not None
        try:
            ensure_private_dir(path.parent)
            copy, _sides = self._copy_of_open_file(path.parent)
        except (OSError, *crypto.errors(), StoreError) as exc:
            return DatabaseMissing(
                f"The database file was removed: {shown}; coachtui could not put it back "
                f"({faults.detail(exc)}) but still holds its data: keep coachtui open and try again."
            )
        if copy is None:
            self.engine.dispose()
            return DatabaseMissing(
                f"The database file was removed: {shown}; restore a backup with 'coachtui restore' "
                f"(backups are in {database.backup_folder(path)})."
            )
        # The old -wal and -shm files belong to the removed file and are in the copy;
        # left in place, SQLite would apply them to the new file.
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
        try:
            backup.publish(copy, path)
        except FileExistsError:
            os.unlink(copy)
            self._adopt_replaced_file()
            return DatabaseMissing(f"The database file was replaced while coachtui was running: {shown}.")
        # The old connections see that their file has moved: closing them neither
        # checkpoints into it nor deletes the new file's -wal.
        self.engine.dispose()
        self._file_identity = _identity(path, shown)
        return DatabaseMissing(
            f"The database file was removed while coachtui was running: {shown}; "
            "coachtui put back everything it had open, so saving works again."
        )

    def _adopt_replaced_file(self) -> None:
        """Another file has taken the database's path: keep a copy of what the store had
        open, then go on with the new file if it is a coachtui database."""
        path, shown = self.target.path, self.location
        assert path is not None
        saved, sides = None, ()
        with contextlib.suppress(OSError, *crypto.errors(), StoreError):
            folder = backup.private_backup_folder(path)
            copy, sides = self._copy_of_open_file(folder)
            if copy is not None:
                stamp = backup.local_now().strftime("%Y-%m-%d-%H%M%S")
                saved = backup.publish_unique(copy, folder / f"{path.stem}-rescued-{stamp}.db")
        # -wal/-shm files still at the path that are the ones the old file used would be
        # applied by SQLite to the new file; they are in the copy, so they can go. Files
        # made since (by a coachtui using the new file) are left alone.
        for side, old in zip(_side_files(path), sides, strict=False):
            if old is not None and _identity(side, shown) == old:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(side)
        self.engine.dispose()
        kept = f"; what coachtui had open is saved in {saved}" if saved else ""
        key = self.target.key
        try:
            # Another file: no connection of this process has it open, so it may be
            # probed with either SQLite library.
            state = database.inspect_file(path, key.passphrase if key is not None else None)
            database.check_revision(state.revision, shown)
            if (state.key is None) != (key is None):
                how = "encrypted" if state.key is not None else "not encrypted"
                raise DatabaseMissing(f"it is {how}, unlike the one coachtui opened; restart coachtui")
            from coachtui.store.service import _prepare_schema

            _prepare_schema(self.engine, self.target, state)
        except StoreError as exc:
            raise DatabaseMissing(
                f"The database file was replaced by one coachtui cannot use ({exc}){kept}."
            ) from None
        self._file_identity = _identity(path, shown)
        if saved:
            raise DatabaseMissing(f"The database file was replaced while coachtui was running: {shown}{kept}.")

    # --- backups -------------------------------------------------------------------------

    def _sqlite_path(self, what: str, instead: str) -> Path:
        if self.target.path is None:
            raise BackupError(f"{what} works on SQLite database files; on PostgreSQL use {instead}.")
        return self.target.path

    def ensure_daily_backup(self, *, keep: int = backup.DAILY_KEEP_DEFAULT, now: dt.datetime | None = None) -> Path | None:
        """Make today's backup (local date of ``now``) unless there is one; keep the
        newest ``keep`` daily backups. Returns the new backup, or None if none was made
        (already done today, ``keep`` < 1, or a PostgreSQL database: its backups are
        the server's business). Call it at start-up, in a worker thread."""
        if self.target.path is None:
            return None
        self._check_file()
        return backup.daily_backup(self.target.path, keep=keep, now=now, key=self.target.key)

    def backup(self, destination: Path | None = None, *, now: dt.datetime | None = None) -> Path:
        """Back up the database now (see :func:`coachtui.store.backup.backup_database`)."""
        path = self._sqlite_path("Backup", "pg_dump")
        self._check_file()
        return backup.backup_database(path, destination, now=now, key=self.target.key)

    def restore(
        self, source: Path, *, now: dt.datetime | None = None, passphrase: str | None = None
    ) -> backup.RestoreReport:
        """Replace the database's contents with the backup ``source`` (the current state
        is backed up first), then migrate it if it is of an older schema. An encrypted
        backup is opened with ``passphrase``, this database's, or COACHTUI_PASSPHRASE."""
        path = self._sqlite_path("Restore", "pg_restore")
        with self._write_lock:
            self._check_file()
            report = backup.restore_database(path, source, now=now, key=self.target.key, passphrase=passphrase)
            self.engine.dispose()
            self._file_identity = _identity(path, self.location)
            from coachtui.store.service import _prepare_schema

            _prepare_schema(self.engine, self.target, database.inspect_file(path, key=self.target.key))
        return report

    # --- deleting for good ------------------------------------------------------------------

    def vacuum(self) -> VacuumReport:
        """Leave no trace of deleted text in the database's files.

        Empties the write-ahead log (old page images live there), merges each FTS5
        full-text index (deleted words stay in old index segments until then), then
        rebuilds the file with VACUUM, rebuilds the search index (VACUUM may renumber
        the rowids it is keyed by) and empties the log again. Backups are not touched.
        """
        path = self._sqlite_path("Vacuum", "VACUUM FULL")
        with self._guard(writing=True):
            before = _file_size(path)
            raw = self.engine.raw_connection()
            try:
                conn: sqlite3.Connection = raw.driver_connection
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                tables = tuple(
                    row[0]
                    for row in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND lower(sql) LIKE 'create virtual table%using fts5%' ORDER BY name"
                    )
                )
                if tables:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        for name in tables:
                            conn.execute(f"INSERT INTO {_quote(name)}({_quote(name)}) VALUES ('optimize')")
                        conn.execute("COMMIT")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                conn.execute("VACUUM")
            finally:
                raw.close()
            # VACUUM may renumber the implicit rowids that key the search index
            # to its sessions: build the index afresh from the sessions.
            if tables:
                self.rebuild_search_index()
            raw = self.engine.raw_connection()
            try:
                busy = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                raw.close()
            return VacuumReport(before, _file_size(path), tables, wal_cleared=busy == 0)
