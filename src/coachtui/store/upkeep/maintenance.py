"""Backups, restore and vacuum of an open database (the SQLite file's upkeep).

The file work is in ``store/db/backup.py``; these calls hold the store's write lock and
check its file first (:meth:`coachtui.store.db.engine.Database.check_file`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from coachtui.store.db import backup
from coachtui.store.db.engine import Database
from coachtui.store.errors import BackupError
from coachtui.store.queries import rebuild_search_index


@dataclass(frozen=True, slots=True)
class VacuumReport:
    """What ``vacuum`` did. Sizes count the database file and its ``-wal`` file."""

    before_bytes: int
    after_bytes: int
    optimized: tuple[str, ...]  # full-text (FTS5) tables whose index was rebuilt compactly
    wal_cleared: bool  # False: another program kept reading, the -wal file could not be emptied


def _file_size(path: Path) -> int:
    total = 0
    for name in (path, Path(f"{path}-wal")):
        with contextlib.suppress(OSError):
            total += name.stat().st_size
    return total


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_path(db: Database, what: str, instead: str) -> Path:
    if db.target.path is None:
        raise BackupError(f"{what} works on SQLite database files; on PostgreSQL use {instead}.")
    path: Path = db.target.path
    return path


def ensure_daily_backup(
    db: Database, *, keep: int = backup.DAILY_KEEP_DEFAULT, now: dt.datetime | None = None
) -> Path | None:
    if db.target.path is None:
        return None
    db.check_file()
    return backup.daily_backup(db.target.path, keep=keep, now=now, key=db.target.key)


def backup_now(db: Database, destination: Path | None = None, *, now: dt.datetime | None = None) -> Path:
    path = _sqlite_path(db, "Backup", "pg_dump")
    db.check_file()
    return backup.backup_database(path, destination, now=now, key=db.target.key)


def restore(
    db: Database,
    source: Path,
    *,
    now: dt.datetime | None = None,
    passphrase: str | None = None,
    another: bool = False,
) -> backup.RestoreReport:
    path = _sqlite_path(db, "Restore", "pg_restore")
    with db.write_lock:
        db.check_file()
        report = backup.restore_database(
            path, source, now=now, key=db.target.key, passphrase=passphrase, another=another
        )
        db.adopt_restored_file()
    return report


def vacuum(db: Database) -> VacuumReport:
    path = _sqlite_path(db, "Vacuum", "VACUUM FULL")
    with db.guard(writing=True):
        before = _file_size(path)
        raw = db.engine.raw_connection()
        try:
            conn = cast(sqlite3.Connection, raw.driver_connection)
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
            rebuild_search_index(db)
        raw = db.engine.raw_connection()
        try:
            busy = cast(sqlite3.Connection, raw.driver_connection).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            raw.close()
        return VacuumReport(before, _file_size(path), tables, wal_cleared=busy == 0)
