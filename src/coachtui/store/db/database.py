"""Opening a database: where it is, whether it is ours, engine set-up, migrations.

The checks on an existing SQLite file run through the standard library's ``sqlite3``
in read-only mode *before* SQLAlchemy opens it, so a file that turns out not to be a
coachtui database (random bytes, another program's SQLite, a newer coachtui's) is
never written to. An existing database that needs a schema change is first copied,
with SQLite's online backup API, to a timestamped file in ``coachtui-backups``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachtui.paths import data_dir, ensure_private_dir
from coachtui.store.db import crypto
from coachtui.store.db.crypto import Key

# Also importable from here, where they used to live.
from coachtui.store.db.target import Target, sqlite_uri
from coachtui.store.errors import DatabaseUnavailable, NewerDatabase, NotCoachtuiDatabase

if TYPE_CHECKING:
    import sqlalchemy as sa
    from alembic.config import Config

# Written into every coachtui SQLite file's header ("COAC"), so that a database of
# another program is recognised even when it happens to use Alembic too.
APPLICATION_ID = 0x434F4143
# The newest schema revision this coachtui knows: the newest migration's number, read
# from the file names in migrations/versions (each is ``<revision>_<what>.py``), so the
# common case (database already current) needs no Alembic import at all.
# tests/test_database.py checks that it is Alembic's head.
HEAD_REVISION = max(path.name.split("_", 1)[0] for path in (Path(__file__).parent / "migrations" / "versions").glob("[0-9]*_*.py"))
BUSY_TIMEOUT_MS = 5000
# How long to wait for a PostgreSQL server to answer before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10
BACKUP_FOLDER = "coachtui-backups"
# Deleted text is overwritten with zeros instead of lingering in free space until
# VACUUM. "ON" also clears freed overflow pages (long dilemmas); its cost on an
# autosave is measured by bench/secure_delete.py.
SECURE_DELETE = "ON"
# "saved ✓" means on disk: every commit (each autosave) syncs the write-ahead log, so a
# power cut just after a save loses nothing. NORMAL syncs only at checkpoints, and a
# power cut could take the last seconds of typing with it. The cost per save is
# measured by bench/run.py (autosave figure).
SYNCHRONOUS = "FULL"


# --- inspecting an existing SQLite file without writing to it ------------------------


@dataclass(frozen=True, slots=True)
class FileState:
    exists: bool
    empty: bool  # a new file, or an SQLite file with no tables at all
    revision: str | None
    key: Key | None = field(default=None, repr=False, compare=False)  # the key of an encrypted file


def refuse_missing(path: Path, state: FileState) -> None:
    """Refuse a database file that is not there (or empty) for a command that must
    not start a new one: a mistyped path would otherwise become a new database."""
    if not state.empty:
        return
    what = f"{path} is an empty file, not a coachtui database" if state.exists else f"there is no database at {path}"
    raise DatabaseUnavailable(
        f"{what}; check the path (the app, 'coachtui import' and 'coachtui demo-data' start a new one)"
    )


def _readonly(path: Path, *, immutable: bool = False, key: Key | None = None) -> Any:
    uri = sqlite_uri(path, "ro") + ("&immutable=1" if immutable else "")
    if key is not None:
        return crypto.connect(uri, key, timeout=BUSY_TIMEOUT_MS / 1000)
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


SIDE_FILES = ("-wal", "-shm", "-journal")


def side_files(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database: its write-ahead log, the log's
    shared-memory index and the rollback journal (whether they exist or not)."""
    return [path.with_name(path.name + suffix) for suffix in SIDE_FILES]


def quiet_reader(path: Path, key: Key | None = None) -> Any:
    """A read-only connection to a closed or open database file that adds nothing
    beside it.

    Even a read-only connection to a WAL database creates its ``-wal`` and ``-shm``
    files, and leaves them behind if it cannot remove them itself. When none of the
    side files exist, no program has the database open and all its content is in
    the file itself: it is then read as immutable, which creates nothing. Otherwise
    the side files are already there and are read the normal way (they may hold
    the latest writes).
    """
    if not any(side.exists() for side in side_files(path)):
        return _readonly(path, immutable=True, key=key)
    return _readonly(path, key=key)


def _inspect_connection(path: Path, key: Key | None = None) -> Any:
    """A read-only connection that can read the file's tables, adding no file beside
    it (see :func:`quiet_reader`): a file that is refused is left exactly as it was.

    A WAL database in a folder we cannot write to cannot be read normally (SQLite
    needs its ``-shm`` file); such a folder means nobody can be writing to it, so
    reading it as immutable is safe and lets the check give the right answer.
    """
    conn = quiet_reader(path, key=key)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except Exception as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "") not in {"SQLITE_READONLY_DIRECTORY", "SQLITE_CANTOPEN"}:
            raise
        conn = _readonly(path, immutable=True, key=key)
    return conn


def _read_identity(path: Path, key: Key | None = None) -> tuple[int, set[str], str | None]:
    """The file's application id, table names and Alembic revision, read-only."""
    conn = _inspect_connection(path, key)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    finally:
        conn.close()
    return app_id, tables, revision


# Errors that say the file could not be read right now (locked, unreadable folder,
# disk trouble), as opposed to "this is not a database we can use".
_CANNOT_READ_NOW = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_NOMEM")


def _is_database_error(exc: BaseException) -> bool:
    """A DB-API DatabaseError of sqlite3 or of sqlcipher3 (two unrelated class trees)."""
    return any(cls.__name__ == "DatabaseError" for cls in type(exc).__mro__)


def _inspect_error(path: Path, exc: BaseException) -> Exception:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(_CANNOT_READ_NOW) or not _is_database_error(exc):
        return DatabaseUnavailable(f"cannot open {path}: {exc}")
    if name == "SQLITE_NOTADB":
        return NotCoachtuiDatabase(f"{path} is not a coachtui database (not an SQLite file); it was left untouched")
    return NotCoachtuiDatabase(f"{path} is damaged or not a coachtui database ({exc}); it was left untouched")


def inspect_file(path: Path, passphrase: str | None = None, *, key: Key | None = None) -> FileState:
    """Decide, without writing, whether ``path`` is a usable coachtui database.

    The file is read only through SQLite (read-only), never with open()/close():
    closing any descriptor of a file drops every POSIX lock this process holds on it,
    including those of a store that has the database open right now.

    A file that is not SQLite but could be encrypted is tried with ``passphrase``,
    then ``COACHTUI_PASSPHRASE`` (see :func:`coachtui.store.db.crypto.unlock`). ``key``
    says the file is encrypted with it (a store's own open file): it is then read
    through SQLCipher only, never through the standard sqlite3 (see store/db/crypto.py).
    """
    if not path.exists():
        return FileState(exists=False, empty=True, revision=None)
    if not path.is_file():
        raise NotCoachtuiDatabase(f"{path} is not a file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        return FileState(exists=True, empty=True, revision=None)
    if key is not None:
        return crypto.unlock(path, key.passphrase, lambda k: _inspect_encrypted(path, k))
    try:
        app_id, tables, revision = _read_identity(path)
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            if crypto.could_be_encrypted(size):
                return crypto.unlock(path, passphrase, lambda k: _inspect_encrypted(path, k))
        raise _inspect_error(path, exc) from None
    return _file_state(path, app_id, tables, revision, None)


def _inspect_encrypted(path: Path, key: Key) -> FileState:
    """Read an encrypted file with ``key``; a wrong key raises SQLCipher's NOTADB error."""
    try:
        app_id, tables, revision = _read_identity(path, key)
    except crypto.errors() as exc:
        if crypto.is_wrong_key(exc):
            raise
        raise _inspect_error(path, exc) from None
    return _file_state(path, app_id, tables, revision, key)


def _file_state(path: Path, app_id: int, tables: set[str], revision: str | None, key: Key | None) -> FileState:
    if not tables and app_id in (0, APPLICATION_ID):
        return FileState(exists=True, empty=True, revision=None, key=key)
    if app_id != APPLICATION_ID or revision is None:
        kind = "an encrypted SQLite database" if key is not None else "an SQLite database"
        raise NotCoachtuiDatabase(f"{path} is {kind} of another program, not coachtui; it was left untouched")
    return FileState(exists=True, empty=False, revision=revision, key=key)


def create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only.

    Its folder must exist already, except coachtui's own data folder, which is made
    (0700) on first use: a ``--db`` in a folder that does not exist is most likely a
    typo, which must not become a new chain of folders with a database at its end.
    """
    folder = path.parent
    if not folder.is_dir():
        if folder.exists():
            raise DatabaseUnavailable(f"cannot create {path}: {folder} is not a folder")
        if folder.absolute() != data_dir().absolute():
            raise DatabaseUnavailable(f"cannot create {path}: the folder {folder} does not exist")
    try:
        ensure_private_dir(folder)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create {path}: {exc.strerror or exc}") from None
    os.close(fd)


def make_private(path: Path) -> None:
    """An existing empty file (and its side files) that coachtui adopts as a new
    database becomes readable and writable by its owner only, as a file coachtui
    creates is: coaching notes are about to go into it. Raises
    :class:`DatabaseUnavailable` when that cannot be done (another user's file)."""
    for name in (path, *side_files(path)):
        try:
            current = stat.S_IMODE(name.stat().st_mode)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot open {name}: {exc.strerror or exc}") from None
        if current & 0o177:
            try:
                os.chmod(name, current & 0o600)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot make {name} readable by you only ({exc.strerror or exc}); "
                    "coaching notes do not go into a file others can read"
                ) from None


def backup_folder(path: Path) -> Path:
    return path.parent / BACKUP_FOLDER


def timestamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")


# --- engine ----------------------------------------------------------------------------


def make_engine(target: Target) -> sa.Engine:
    import sqlalchemy as sa
    from sqlalchemy import event

    if not target.is_sqlite:
        return _server_engine(target)

    assert target.path is not None
    uri = sqlite_uri(target.path, "rw")
    key = target.key
    dbapi: Any = sqlite3

    def connect() -> sqlite3.Connection:
        # mode=rw: a connection never creates the file. If the database is removed
        # while coachtui runs, connecting fails instead of silently starting an
        # empty database (open_store creates new files itself).
        conn: sqlite3.Connection = dbapi.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        return conn

    if key is None:
        engine = sa.create_engine(target.url, creator=connect)
    else:
        dbapi = crypto.driver()
        # SQLAlchemy's SQLCipher dialect keys each new connection (PRAGMA key) before
        # the hook below runs; the URL object never shows the passphrase.
        url = sa.engine.URL.create("sqlite+pysqlcipher", password=key.passphrase, database=str(target.path))
        engine = sa.create_engine(url, creator=connect, poolclass=sa.pool.QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide where transactions start,
        # so DDL in migrations is transactional and writes can BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if key is not None:
                # Sorts, transient indices and VACUUM's copy stay in memory: on disk
                # they would be plaintext temporary files.
                cursor.execute("PRAGMA temp_store = MEMORY")
            with contextlib.suppress(dbapi.OperationalError):
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
            cursor.execute(f"PRAGMA secure_delete = {SECURE_DELETE}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Writers take the write lock up front: in WAL mode a reader that later
        # writes can fail with SQLITE_BUSY without waiting, an immediate one waits.
        if conn.get_execution_options().get("coachtui_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def _server_engine(target: Target) -> sa.Engine:
    """An engine for PostgreSQL (psycopg 3) that behaves like coachtui's SQLite one:
    a write transaction first takes the database's write lock, so writers take
    turns as they do on SQLite (``BEGIN IMMEDIATE``), waiting at most as long."""
    import sqlalchemy as sa
    from sqlalchemy import event

    try:
        engine = sa.create_engine(
            target.url,
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "coachtui",
                # notice a server that went away mid-transaction within a minute or so
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
            },
        )
    except ImportError:
        raise DatabaseUnavailable(
            "PostgreSQL needs the psycopg driver; install it from coachtui's source folder with: "
            "pip install -e '.[postgres]'"
        ) from None
    except sa.exc.ArgumentError as exc:
        raise DatabaseUnavailable(f"not a usable database URL: {exc}") from None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("coachtui_write"):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            # one lock per schema: databases of several coachtui networks (or tests)
            # in one PostgreSQL database do not wait for each other
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPLICATION_ID}, hashtext(current_schema()))")

    return engine


# Tables every coachtui schema has (migration 0001): a schema with an alembic_version
# table but without these belongs to another program that also uses Alembic.
CORE_TABLES = frozenset({"team", "coaching_session", "action"})


def inspect_server(engine: sa.Engine, shown: str) -> FileState:
    """Decide, without writing, whether a PostgreSQL database (its current schema)
    is empty, coachtui's, or another program's (refused)."""
    with engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        if schema is None:
            raise DatabaseUnavailable(
                f"{shown} has no schema for coachtui's tables (the search_path names none that exists)"
            )
        tables = set(
            conn.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").scalars()
        )
        revision = None
        if "alembic_version" in tables:
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        conn.rollback()
    if not tables:
        return FileState(exists=True, empty=True, revision=None)
    if revision is None or not CORE_TABLES <= tables:
        where = f" (schema {schema})" if schema != "public" else ""
        raise NotCoachtuiDatabase(
            f"{shown}{where} holds another program's tables, not coachtui's; it was left untouched"
        )
    return FileState(exists=True, empty=False, revision=revision)


# --- migrations --------------------------------------------------------------------------


def current_revision(conn: sa.Connection) -> str | None:
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(conn: sa.Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "coachtui.store.db:migrations")
    config.attributes["connection"] = conn
    return config


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "coachtui.store.db:migrations")
    return {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}


def upgrade(conn: sa.Connection) -> None:
    """Bring the schema on ``conn`` to the head revision, inside its transaction."""
    from alembic import command

    command.upgrade(_alembic_config(conn), "head")


def check_revision(revision: str | None, where: str) -> None:
    if revision is None or revision == HEAD_REVISION:
        return
    if revision not in known_revisions():
        raise NewerDatabase(
            f"{where} was written by a newer coachtui (schema {revision}); "
            "upgrade coachtui to open it. The database was left untouched."
        )
