"""Encrypting a plain coachtui database, and decrypting an encrypted one.

Both go the same way, for the commands ``coachtui encrypt`` and ``coachtui decrypt``:

1. **Take the database for ourselves.** One SQLCipher connection opens it in
   exclusive locking mode and takes the write lock. Every coachtui that has the
   database open holds a lock on it (WAL mode keeps one for as long as a connection
   is open), so if any does, this fails after a short wait and *nothing changes*: the
   rule is "quit every coachtui using the database first". From here until the end,
   nobody else can read or write it.
2. **Back it up** (into ``coachtui-backups``, as ``<name>-before-encrypt-<time>.db`` or
   ``…-before-decrypt-…``), through the same connection. Before encrypting the
   database is in clear, so this backup is in clear too; the command lists every
   plaintext backup afterwards and can remove them (:func:`remove_plain_backups`).
3. **Copy** everything into a new hidden file in the same folder with SQLCipher's
   ``sqlcipher_export`` (encrypted with the new key, or in clear), then **check** the
   copy (integrity check, every table's row count, the coachtui header).
4. **Swap**: the old file leaves WAL mode (its log is folded in and removed while we
   still hold the lock), the copy is made 0600 and synced, and ``os.replace`` gives it
   the database's name: at every moment the name holds either the whole old database
   or the whole new one. A failure before the swap removes the copy and leaves the
   database as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachtui.store.db import backup, crypto, database, faults
from coachtui.store.db.crypto import Key
from coachtui.store.errors import BackupError, DatabaseBusy, DatabaseDamaged, DatabaseUnavailable

# How long to wait for other programs to let go of the database before refusing.
LOCK_WAIT_SECONDS = 2.0
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class ConversionReport:
    """What ``encrypt_database`` / ``decrypt_database`` did."""

    database: Path
    backup: Path  # the copy made first: in clear before encrypting, encrypted before decrypting
    teams: int
    sessions: int


def looks_encrypted(path: Path) -> bool:
    """Whether ``path`` is not a plain SQLite file but could be an encrypted one.

    Reads through the standard sqlite3 only: call it when this process has no
    connection to ``path`` open (see store/db/crypto.py)."""
    import sqlite3

    try:
        size = path.stat().st_size
        database._read_identity(path)
    except OSError:
        return False
    except sqlite3.Error as exc:
        return getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB" and crypto.could_be_encrypted(size)
    return False


def encrypt_database(db: Path, key: Key, *, now: dt.datetime | None = None) -> ConversionReport:
    """Encrypt the plain coachtui database ``db`` with ``key`` (see the module docstring)."""
    return _convert(db, None, key, "encrypt", now)


def decrypt_database(db: Path, key: Key, *, now: dt.datetime | None = None) -> ConversionReport:
    """Turn the encrypted coachtui database ``db`` (opened with ``key``) into a plain one."""
    return _convert(db, key, None, "decrypt", now)


def _take(db: Path, key: Key | None) -> Any:
    """A connection holding ``db`` exclusively (see step 1), or DatabaseBusy."""
    conn = crypto.connect(db, key, mode="rw", timeout=LOCK_WAIT_SECONDS)
    try:
        # Before the first read: the lock taken is then kept until the connection closes.
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except crypto.errors() as exc:
        conn.close()
        if faults.is_busy(exc):
            raise DatabaseBusy(
                f"{db} is in use: quit every coachtui that has it open (and let any backup finish), "
                "then try again; nothing was changed"
            ) from None
        raise faults.describe(exc, db, str(db), writing=True) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _tables(conn: Any) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in rows]


def _count(conn: Any, table: str) -> int:
    return int(conn.execute(f'SELECT count(*) FROM "{table.replace(chr(34), chr(34) * 2)}"').fetchone()[0])


def _verify(source: Any, copy: Path, key: Key | None) -> None:
    """Refuse a copy that does not hold exactly what ``source`` holds."""
    check = crypto.connect(copy, key, mode="ro")
    try:
        verdict = check.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise DatabaseDamaged(f"the new copy failed its check ({verdict}); nothing was changed")
        tables = _tables(source)
        if _tables(check) != tables:
            raise DatabaseDamaged("the new copy does not have the same tables; nothing was changed")
        for table in tables:
            if _count(check, table) != _count(source, table):
                raise DatabaseDamaged(f"the new copy lost rows of {table}; nothing was changed")
        for pragma in ("application_id", "user_version"):
            if check.execute(f"PRAGMA {pragma}").fetchone() != source.execute(f"PRAGMA {pragma}").fetchone():
                raise DatabaseDamaged(f"the new copy has another {pragma}; nothing was changed")
    finally:
        check.close()


def _convert(db: Path, from_key: Key | None, to_key: Key | None, label: str, now: dt.datetime | None) -> ConversionReport:
    crypto.driver()
    conn = _take(db, from_key)
    new: Path | None = None
    try:
        teams = _count(conn, "team")
        sessions = _count(conn, "coaching_session")
        folder = backup.private_backup_folder(db)
        tmp = backup.write_copy(conn, folder, from_key)
        try:
            made = backup.publish_unique(tmp, folder / f"{db.stem}-before-{label}-{backup.local_now(now):%Y-%m-%d-%H%M%S}.db")
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        fd, name = tempfile.mkstemp(prefix=backup.TEMP_PREFIX, suffix=".tmp", dir=db.parent)
        os.close(fd)
        new = Path(name)
        crypto.export(conn, new, to_key)
        _verify(conn, new, to_key)
        os.chmod(new, 0o600)
        backup._fsync_path(new)
        # Out of WAL mode while we hold the lock: the log is checkpointed and deleted
        # now, so closing this connection later touches no file by name.
        conn.execute("PRAGMA journal_mode = MEMORY").fetchall()
        # A -shm file left by earlier connections indexes the old file's log; it holds
        # no data, but it must not be taken for the new file's.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{db}-shm")
        os.replace(new, db)
        new = None
        backup._fsync_path(db.parent, directory=True)
    except crypto.errors(OSError) as exc:
        if isinstance(exc, OSError):
            raise faults.from_os(exc, f"cannot {label} {db} (nothing was changed)") from None
        raise faults.describe(exc, db, str(db), writing=True) from None
    finally:
        if new is not None:
            backup._remove(new)
        conn.close()
    for folder in (db.parent, database.backup_folder(db)):
        backup.remove_abandoned_copies(folder)
    return ConversionReport(database=db, backup=made, teams=teams, sessions=sessions)


# --- plaintext backups ---------------------------------------------------------------------


def _backup_name(db: Path) -> re.Pattern[str]:
    """Names coachtui gives backups of ``db``: daily, dated, before a migration, a
    restore, an encryption or a decryption, rescued copies (``-2``… when taken)."""
    return re.compile(
        re.escape(db.stem) + r"-(daily-\d{4}-\d{2}-\d{2}|\d{4}-\d{2}-\d{2}-\d{6}|before-.+|rescued-.+)\.db"
    )


def _is_plain_sqlite(path: Path) -> bool:
    # Backups are never open in SQLite in this process, so reading them directly is safe.
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def plain_backups(db: Path) -> list[Path]:
    """The backups of ``db`` in its ``coachtui-backups`` folder that are in clear."""
    folder = database.backup_folder(db)
    pattern = _backup_name(db)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [
        entry
        for entry in entries
        if pattern.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink() and _is_plain_sqlite(entry)
    ]


def remove_plain_backups(db: Path, key: Key) -> list[Path]:
    """Delete the plaintext backups of ``db``, once ``db`` is encrypted and opens with
    ``key`` (so they are never the only readable copy). Returns what was deleted.

    Call it while this process has no connection to ``db`` open (the command line)."""
    state = database.inspect_file(db, key.passphrase)
    if state.key is None:
        raise BackupError(f"{db} is not encrypted; its backups were kept")
    removed = []
    for path in plain_backups(db):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise DatabaseUnavailable(f"Cannot remove {path}: {exc.strerror or exc}.") from None
        removed.append(path)
    for folder in (db.parent, database.backup_folder(db)):
        backup.remove_abandoned_copies(folder)
    return removed

