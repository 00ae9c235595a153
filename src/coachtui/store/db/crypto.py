"""Encryption at rest with SQLCipher: keys, connections, and recognising an encrypted file.

An encrypted coachtui database is a SQLCipher 4 file: every page, of the database and
of its ``-wal`` file, is encrypted (AES-256) with a key derived from the coach's
passphrase, so the file looks like random bytes. SQLCipher can only tell such a file
from random bytes by trying a passphrase: :func:`unlock` tries the one given, then
``COACHTUI_PASSPHRASE``, then (in the command line only) asks on the terminal.

SQLCipher comes from the optional ``sqlcipher3`` package (``pip install -e
'.[encrypt]'`` in coachtui's source folder); it is imported only when an encrypted
file is met, so plain databases never load it.

**One SQLite library per file.** ``sqlcipher3`` bundles its own copy of SQLite. POSIX
file locks belong to a process, not to a connection, so when one SQLite library
unlocks or closes a file it drops the locks the *other* library's connections hold on
it. This process therefore reads a plain file only through the standard ``sqlite3``
and an encrypted file only through ``sqlcipher3``, and a store that has an encrypted
file open passes its :class:`Key` down, so nothing probes that file with ``sqlite3``.

**No plaintext on disk.** Connections set ``temp_store = MEMORY`` (SQLite's temporary
files for sorts, indices and VACUUM stay in memory), and backups of an encrypted
database are written encrypted from their first byte.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from coachtui.store.db import search_index
from coachtui.store.db.target import parse_target, sqlite_uri
from coachtui.store.errors import (
    EncryptionUnavailable,
    InvalidInput,
    PassphraseNeeded,
    StoreError,
    WrongPassphrase,
)

ENV_PASSPHRASE = "COACHTUI_PASSPHRASE"
INSTALL_HINT = "install it from coachtui's source folder with: pip install -e '.[encrypt]'"
# SQLCipher 4's default page size, the one coachtui's encrypted files use. An encrypted
# file is always a whole number of pages long.
PAGE_SIZE = 4096
_BUSY_TIMEOUT_S = 5.0
_quiet = False

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Key:
    """A passphrase, kept in memory only. Its repr never shows it."""

    passphrase: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.passphrase:
            raise InvalidInput("The passphrase is empty.", field="passphrase")
        if "\x00" in self.passphrase:
            raise InvalidInput("A passphrase cannot contain a NUL character.", field="passphrase")
        try:
            self.passphrase.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput("The passphrase is not valid text (check the terminal's encoding).") from None


def driver() -> ModuleType:
    """The ``sqlcipher3`` module, or :class:`EncryptionUnavailable` saying how to get it."""
    try:
        import sqlcipher3
    except ImportError:
        raise EncryptionUnavailable(f"encryption needs SQLCipher, which is not installed; {INSTALL_HINT}") from None
    global _quiet
    if not _quiet:
        # SQLCipher logs every failed decryption (a wrong passphrase) to stderr, which
        # would scribble over the TUI and break one-line errors. The level is global.
        conn = sqlcipher3.connect(":memory:")
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
        finally:
            conn.close()
        _quiet = True
    module: ModuleType = sqlcipher3
    return module


def available() -> bool:
    try:
        driver()
    except EncryptionUnavailable:
        return False
    return True


def errors(*also: type[BaseException]) -> tuple[type[BaseException], ...]:
    """The driver error classes that can be raised now (``sqlcipher3``'s only once
    loaded), after ``also``: ``except crypto.errors(OSError):``."""
    found: list[type[BaseException]] = [*also, sqlite3.Error]
    module = sys.modules.get("sqlcipher3")
    if module is not None and isinstance(getattr(module, "Error", None), type):
        found.append(module.Error)
    return tuple(found)


def quote(text: str) -> str:
    """An SQL string literal (``PRAGMA key`` takes no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def could_be_encrypted(size: int) -> bool:
    """Whether a file that SQLite says is not a database could be an encrypted one."""
    return size > 0 and size % PAGE_SIZE == 0


def may_be_encrypted(database_value: str) -> bool:
    """Whether the database at a path or URL is a file that could be encrypted (not an
    SQLite header, a whole number of pages long). A cheap first look for the UI,
    reading 16 bytes: call it only while this process has no connection to the file."""
    try:
        path = parse_target(database_value).path
        if path is None or not could_be_encrypted(path.stat().st_size):
            return False
        with path.open("rb") as handle:
            return handle.read(16) != b"SQLite format 3\x00"
    except (StoreError, OSError):
        return False


def connect(target: Path | str, key: Key | None, *, mode: str = "rw", timeout: float = _BUSY_TIMEOUT_S) -> Any:
    """A ``sqlcipher3`` connection to ``target`` (a path, or a ready ``file:`` URI),
    keyed with ``key`` (None: a plain file, read through SQLCipher's SQLite)."""
    uri = target if isinstance(target, str) else sqlite_uri(target, mode)
    conn = driver().connect(uri, uri=True, timeout=timeout, check_same_thread=False, isolation_level=None)
    try:
        if key is not None:
            conn.execute(f"PRAGMA key = {quote(key.passphrase)}")
        conn.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        conn.close()
        raise
    return conn


def is_wrong_key(exc: BaseException) -> bool:
    """SQLCipher's answer to a wrong key (and to a file that is not a database)."""
    return getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB"


def connect_like(source: Any, path: Path, key: Key | None) -> Any:
    """A connection to ``path`` from the same SQLite library as ``source`` (the backup
    API only copies between connections of one library), keyed with ``key``."""
    if isinstance(source, sqlite3.Connection) and key is None:
        return sqlite3.connect(path)
    return connect(path, key, mode="rwc")


# --- finding the passphrase ------------------------------------------------------------

_ask: Callable[[Path], str | None] | None = None
_entered: list[str] = []


@contextlib.contextmanager
def asking(ask: Callable[[Path], str | None]) -> Iterator[None]:
    """While active, a passphrase the store needs and was not given is asked for with
    ``ask(path)`` (the command line's masked terminal prompt; None: cannot ask).
    Passphrases entered are tried on further files (a backup of the same database)
    and forgotten when the block ends."""
    global _ask
    previous = _ask
    _ask = ask
    try:
        yield
    finally:
        _ask = previous
        _entered.clear()


def env_passphrase() -> str | None:
    return os.environ.get(ENV_PASSPHRASE) or None


def _candidates(passphrase: str | None) -> list[str]:
    found: list[str] = []
    for value in (passphrase, env_passphrase(), *_entered):
        if value and value not in found:
            found.append(value)
    return found




def _try(passphrase: str, opens: Callable[[Key], T]) -> tuple[T] | None:
    """``(opens(Key(passphrase)),)``, or None when it is not the passphrase (a string
    that cannot be a passphrase at all is just as wrong)."""
    try:
        key = Key(passphrase)
    except InvalidInput:
        return None
    try:
        return (opens(key),)
    except errors() as exc:
        if not is_wrong_key(exc):
            raise
    return None


def unlock(path: Path, passphrase: str | None, opens: Callable[[Key], T]) -> T:
    """``opens(key)`` with the first passphrase that opens the encrypted file ``path``:
    ``passphrase``, then ``COACHTUI_PASSPHRASE``, then one typed in (command line).

    ``opens`` raises an error for which :func:`is_wrong_key` is true when the key is
    wrong. Raises :class:`PassphraseNeeded` (none to try) or :class:`WrongPassphrase`.
    """
    try:
        driver()
    except EncryptionUnavailable:
        raise EncryptionUnavailable(
            f"{path} is encrypted or not a coachtui database; to open an encrypted database, "
            f"{INSTALL_HINT}; it was left untouched"
        ) from None
    tried = False
    for value in _candidates(passphrase):
        found = _try(value, opens)
        if found is not None:
            return found[0]
        tried = True
    if _ask is not None:
        answer = _ask(path)
        if answer:
            found = _try(answer, opens)
            if found is not None:
                _entered.append(answer)
                return found[0]
            tried = True
    if tried:
        raise WrongPassphrase(f"wrong passphrase for {path} (or it is not a coachtui database); it was left untouched")
    raise PassphraseNeeded(
        f"{path} is encrypted or not a coachtui database: give its passphrase with {ENV_PASSPHRASE}; "
        "it was left untouched"
    )


# --- copying between a plain and an encrypted file ------------------------------------

_EXPORT_SCHEMA = "coachtui_export"


def export(conn: Any, destination: Path, key: Key | None) -> None:
    """Copy everything in ``conn``'s main database (a ``sqlcipher3`` connection) into
    the new, empty file ``destination``, encrypted with ``key`` (None: in clear). The
    caller fsyncs ``destination`` before giving it a name.

    SQLCipher's ``sqlcipher_export`` copies the schema (tables, the full-text index,
    triggers) and every row; the header fields coachtui relies on are copied too. The
    search index is keyed by the sessions' implicit rowids, which the copy keeps in
    practice (SQLite's transfer optimisation) but SQLite does not promise: if any
    differ, the copy's index is rebuilt from its sessions.
    """
    conn.execute(f"ATTACH DATABASE ? AS {_EXPORT_SCHEMA} KEY ?", (str(destination), key.passphrase if key else ""))
    try:
        conn.execute(f"PRAGMA {_EXPORT_SCHEMA}.journal_mode = DELETE")
        # sqlcipher_export commits table by table; a sync after each made it 5-40x
        # slower. The new file is unnamed until the caller syncs and publishes it.
        conn.execute(f"PRAGMA {_EXPORT_SCHEMA}.synchronous = OFF")
        conn.execute(f"SELECT sqlcipher_export('{_EXPORT_SCHEMA}')").fetchall()
        for pragma in ("application_id", "user_version"):
            value = int(conn.execute(f"PRAGMA main.{pragma}").fetchone()[0])
            conn.execute(f"PRAGMA {_EXPORT_SCHEMA}.{pragma} = {value}")
        renumbered = _rowids_differ(conn)
    finally:
        conn.execute(f"DETACH DATABASE {_EXPORT_SCHEMA}")
    if renumbered:
        rebuild_search_index(destination, key)


def _rowids_differ(conn: Any) -> bool:
    tables = {row[0] for row in conn.execute(f"SELECT name FROM {_EXPORT_SCHEMA}.sqlite_master WHERE type = 'table'")}
    if search_index.TABLE not in tables:
        return False
    query = "SELECT rowid, id FROM {}.coaching_session ORDER BY rowid"
    return bool(conn.execute(query.format("main")).fetchall() != conn.execute(query.format(_EXPORT_SCHEMA)).fetchall())


def rebuild_search_index(path: Path, key: Key | None) -> None:
    """Fill the full-text index of the database file ``path`` afresh from its sessions."""
    conn = connect(path, key)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"DELETE FROM {search_index.TABLE}")
        conn.execute(search_index.fill_sql())
        conn.execute(f"INSERT INTO {search_index.TABLE}({search_index.TABLE}) VALUES ('optimize')")
        conn.execute("COMMIT")
    finally:
        conn.close()
