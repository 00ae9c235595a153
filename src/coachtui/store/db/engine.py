"""The engine and its transactions: the one place that opens database sessions.

Every store call runs inside :meth:`Database.guard`, which

* notices, before touching the database, that its file was removed or replaced while
  coachtui runs (SQLite would otherwise keep writing to the removed file, and all of
  it would vanish when coachtui exits), and rescues what the store still has open;
* turns database failures into one-line :class:`StoreError` subclasses (see
  ``store/db/faults.py``) and drops pooled connections that cannot recover by themselves
  (one opened while the file was read-only stays read-only), so the next call works as
  soon as the fault is cleared.

Reads use :meth:`Database.read`, writes :meth:`Database.write`: one short ORM session
each, so a store can be used from worker threads. Writes take SQLite's write lock up
front (``BEGIN IMMEDIATE``) and commit as one transaction.

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
import dataclasses
import datetime as dt
import os
import random
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from coachtui.paths import ensure_private_dir
from coachtui.store.db import backup, crypto, database, dialects, faults
from coachtui.store.db.models import utcnow
from coachtui.store.db.target import Target, parse_target
from coachtui.store.errors import (
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    StoreError,
)

# A write waits up to BUSY_TIMEOUT_MS for the lock, and once more after a short random
# pause. Two processes saving flat out for 30 s never needed the second wait
# (tests/test_two_processes.py), but SQLite's busy handler polls, and a writer in a
# tight loop could keep winning the lock; the pause breaks that rhythm.
WRITE_ATTEMPTS = 2
_FILE_KEY = "coachtui_file"
_READ_ONLY_KEY = "coachtui_read_only"
_SIDES_KEY = "coachtui_side_files"

FileIdentity = tuple[int, int]


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



# How long closing waits for a background reader to give its connection back.
CLOSE_WAIT_S = 1.0


class Database:
    """An open coachtui database: its engine, what it is (``target``), the clock and
    coach that stamp changes, and the transactions every store module works in.
    Made by :func:`open_database`."""

    def __init__(
        self,
        engine: sa.Engine,
        target: Target,
        clock: Callable[[], dt.datetime] = utcnow,
        coach: str = "",
    ) -> None:
        self.engine = engine
        self.target = target
        self.clock = clock
        # The coach using this store: named on the changes and deletions they make
        # (``updated_by``, tombstones) when a call does not name one.
        self.coach = coach
        # False: history search matches words as substrings instead of through the
        # full-text index (slow; kept to check the indexes against).
        self.full_text_search = True
        self.writer = engine.execution_options(coachtui_write=True)
        # What differs between SQLite and PostgreSQL (store/db/dialects/), chosen once.
        self.dialect = dialects.of(engine)
        # Held by every write (SQLite serialises writers anyway) and by a rescue, so no
        # write of this process can slip into a removed file while it is copied.
        self.write_lock = threading.RLock()
        self._file_identity: FileIdentity | None = None
        # SQLite connections checked out of the pool now (a reader in another thread)
        self._out: dict[int, Any] = {}
        self._out_lock = threading.Lock()
        self._closed = False
        if self.target.path is not None:
            self._file_identity = _identity(self.target.path, self.location)
            event.listen(self.engine, "checkout", self._tag_connection)
            event.listen(self.engine, "checkout", self._lent)
            event.listen(self.engine, "checkin", self._returned)

    def close(self) -> None:
        """Close every connection, so SQLite checkpoints and removes the -wal and -shm
        files: a closed database is its one file. A background reader still holding
        one (it only ever reads ahead) has its statement interrupted, and its
        connection is closed by its own thread as it gives it back: closing it from
        here while a statement runs on it can crash the process. Waits up to
        ``CLOSE_WAIT_S`` for them; a reader still busy after that closes its own later."""
        self._closed = True
        self.engine.dispose()
        with self._out_lock:
            held = list(self._out.values())
        for dbapi in held:
            with contextlib.suppress(*crypto.errors(), AttributeError):
                dbapi.interrupt()  # thread-safe (sqlite3_interrupt): its read fails at once
        deadline = time.monotonic() + CLOSE_WAIT_S
        while held and time.monotonic() < deadline:
            with self._out_lock:
                if not self._out:
                    break
            time.sleep(0.005)

    def _lent(self, dbapi: Any, _record: Any, _proxy: Any) -> None:
        if self._closed:  # a reader after close: refused, and its connection not kept
            with contextlib.suppress(*crypto.errors()):
                dbapi.close()
            raise sa.exc.DisconnectionError("the database is closed")
        with self._out_lock:
            self._out[id(dbapi)] = dbapi

    def _returned(self, dbapi: Any, _record: Any) -> None:
        with self._out_lock:
            self._out.pop(id(dbapi), None)
        if self._closed:  # given back after close, by the thread that used it: safe to close
            with contextlib.suppress(*crypto.errors()):
                dbapi.close()

    @property
    def location(self) -> str:
        return self.target.display

    def now(self) -> dt.datetime:
        return self.clock()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """An ORM session for reading, inside :meth:`guard`."""
        with self.guard(writing=False), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """An ORM session in one write transaction, committed when the block ends."""
        with self.guard(writing=True), Session(self.writer, expire_on_commit=False) as session:
            with self.begin_write(session):
                yield session
                self.finish_write(session)

    def finish_write(self, session: Session) -> None:
        """Last step of every write transaction: on PostgreSQL, bring the search
        index up to date with what the transaction changed (``store/db/pg_search.py``)."""
        self.dialect.after_write(session)

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

    @contextlib.contextmanager
    def guard(self, *, writing: bool) -> Iterator[None]:
        with self.write_lock if writing else contextlib.nullcontext():
            self.check_file()
            try:
                yield
            except crypto.errors(sa_exc.DBAPIError) as exc:
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

    def begin_write(self, session: Session) -> SessionTransaction:
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

    def check_file(self) -> None:
        path = self.target.path
        if path is None or _identity(path, self.location) == self._file_identity:
            return
        with self.write_lock:
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
        # a file's engine pools its connections (QueuePool), which can say how many are idle
        if cast(QueuePool, self.engine.pool).checkedin() == 0:
            # Nothing open any more. A new connection would open whatever file is at
            # the path now, and even connecting writes to it (WAL mode).
            return None, ()
        try:
            raw = self.engine.raw_connection()
        except crypto.errors(sa_exc.DBAPIError):
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
        except crypto.errors(OSError, StoreError) as exc:
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
        saved: Path | None = None
        sides: tuple[FileIdentity | None, ...] = ()
        with contextlib.suppress(*crypto.errors(OSError, StoreError)):
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
            prepare_schema(self.engine, self.target, state)
        except StoreError as exc:
            raise DatabaseMissing(f"The database file was replaced by one coachtui cannot use ({exc}){kept}.") from None
        self._file_identity = _identity(path, shown)
        if saved:
            raise DatabaseMissing(f"The database file was replaced while coachtui was running: {shown}{kept}.")

    def adopt_restored_file(self) -> None:
        """After the file was replaced on purpose (a restore, holding
        :attr:`write_lock`): drop the old connections and bring the new file's schema
        up to date."""
        path = self.target.path
        assert path is not None
        self.engine.dispose()
        self._file_identity = _identity(path, self.location)
        prepare_schema(self.engine, self.target, database.inspect_file(path, key=self.target.key))


def _one_line_error(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc) or exc.__class__.__name__)
    return text.splitlines()[0] if text else exc.__class__.__name__


def open_database(
    database_value: str,
    *,
    clock: Callable[[], dt.datetime] = utcnow,
    coach: str = "",
    passphrase: str | None = None,
    create: bool = True,
) -> Database:
    """The open :class:`Database` behind :func:`coachtui.store.api.open_store`, which
    says what the arguments mean and what is raised (sync opens its hub with this)."""
    target = parse_target(database_value)
    state = None
    if target.path is not None:
        path = target.path
        state = database.inspect_file(path, passphrase)
        database.check_revision(state.revision, str(path))
        if state.key is not None:
            target = dataclasses.replace(target, key=state.key)
        if not create:
            database.refuse_missing(path, state)
        if not state.exists:
            database.create_private_file(path)
        elif state.empty:
            database.make_private(path)
    engine = database.make_engine(target)
    try:
        if target.path is None:
            state = database.inspect_server(engine, target.display)
            database.check_revision(state.revision, target.display)
        prepare_schema(engine, target, state)
    except StoreError:
        engine.dispose()
        raise
    except sa_exc.DBAPIError as exc:
        engine.dispose()
        raise faults.describe(exc, target.path, target.display, writing=True) from exc
    except sa_exc.SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"cannot open {target.display}: {_one_line_error(exc)}") from exc
    except OSError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"cannot open {target.display}: {exc.strerror or exc}") from exc
    return Database(engine, target, clock=clock, coach=coach)


def prepare_schema(engine: sa.Engine, target: Target, state: database.FileState | None) -> None:
    if state is not None and state.revision == database.HEAD_REVISION:
        return
    writer = engine.execution_options(coachtui_write=True)
    with writer.begin() as conn:
        revision = database.current_revision(conn)
        if revision == database.HEAD_REVISION:
            return
        database.check_revision(revision, target.display)
        if target.path is not None and revision is not None:
            # An existing database is about to change shape: keep a copy first.
            folder = database.backup_folder(target.path)
            name = f"{target.path.stem}-before-{database.HEAD_REVISION}-{database.timestamp()}.db"
            backup.copy_file(target.path, folder / name, key=target.key)
        database.upgrade(conn)
        dialects.of(conn).after_migrate(conn)
