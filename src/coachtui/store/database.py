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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coachtui.paths import ensure_private_dir
from coachtui.store.errors import DatabaseUnavailable, NewerDatabase, NotCoachtuiDatabase

if TYPE_CHECKING:
    import sqlalchemy as sa

# Written into every coachtui SQLite file's header ("COAC"), so that a database of
# another program is recognised even when it happens to use Alembic too.
APPLICATION_ID = 0x434F4143
# The newest schema revision this coachtui knows. tests/test_migrations.py checks
# that it matches the head of store/migrations, so the common case (database already
# current) needs no Alembic import at all.
HEAD_REVISION = "0002"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
BACKUP_FOLDER = "coachtui-backups"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a database lives: a SQLAlchemy URL and, for SQLite files, the path."""

    url: str
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def display(self) -> str:
        if self.path is not None:
            return str(self.path)
        return _hide_password(self.url)


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def parse_target(value: str) -> Target:
    """A path or a SQLAlchemy URL. ``sqlite:///file`` URLs are treated as paths."""
    value = value.strip()
    if not value:
        raise DatabaseUnavailable("no database given")
    if "://" not in value:
        path = Path(value).expanduser().absolute()
        return Target(url=f"sqlite:///{path}", path=path)
    scheme = value.split("://", 1)[0].lower()
    if scheme.startswith("sqlite"):
        rest = value.split("://", 1)[1]
        file_part = rest[1:] if rest.startswith("/") else rest
        file_part = file_part.split("?", 1)[0]
        if not file_part or file_part == ":memory:":
            raise DatabaseUnavailable("an in-memory SQLite database would lose everything on exit; give a file")
        path = Path(file_part).expanduser().absolute()
        return Target(url=f"sqlite:///{path}", path=path)
    if scheme in {"postgresql", "postgresql+psycopg", "postgres"}:
        url = value if scheme == "postgresql+psycopg" else "postgresql+psycopg://" + value.split("://", 1)[1]
        return Target(url=url, path=None)
    raise DatabaseUnavailable(
        f"unsupported database URL scheme {scheme!r} (use a file path, sqlite:///PATH or postgresql://...)"
    )


# --- inspecting an existing SQLite file without writing to it ------------------------


@dataclass(frozen=True, slots=True)
class FileState:
    exists: bool
    empty: bool  # a new file, or an SQLite file with no tables at all
    revision: str | None


def _readonly(path: Path) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def inspect_file(path: Path) -> FileState:
    """Decide, without writing, whether ``path`` is a usable coachtui database."""
    if not path.exists():
        return FileState(exists=False, empty=True, revision=None)
    if not path.is_file():
        raise NotCoachtuiDatabase(f"{path} is not a file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read {path}: {exc.strerror or exc}") from None
    if not header:
        return FileState(exists=True, empty=True, revision=None)
    if header != SQLITE_HEADER:
        raise NotCoachtuiDatabase(f"{path} is not a coachtui database (not an SQLite file); it was left untouched")
    try:
        conn = _readonly(path)
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot open {path}: {exc}") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise NotCoachtuiDatabase(
            f"{path} is damaged or not a coachtui database ({exc}); it was left untouched"
        ) from None
    finally:
        conn.close()
    if not tables and app_id in (0, APPLICATION_ID):
        return FileState(exists=True, empty=True, revision=None)
    if app_id != APPLICATION_ID or revision is None:
        raise NotCoachtuiDatabase(
            f"{path} is an SQLite database of another program, not coachtui; it was left untouched"
        )
    return FileState(exists=True, empty=False, revision=revision)


def create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (folder 0700 if new)."""
    try:
        ensure_private_dir(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create {path}: {exc.strerror or exc}") from None
    os.close(fd)


def backup_folder(path: Path) -> Path:
    return path.parent / BACKUP_FOLDER


def backup_sqlite(source: Path, destination: Path) -> Path:
    """Copy a live SQLite database with the online backup API into a new 0600 file."""
    ensure_private_dir(destination.parent)
    fd = os.open(destination, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = sqlite3.connect(destination)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except BaseException:
        with contextlib.suppress(OSError):
            destination.unlink()
        raise
    return destination


def timestamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")


# --- engine ----------------------------------------------------------------------------


def make_engine(target: Target) -> sa.Engine:
    import sqlalchemy as sa
    from sqlalchemy import event

    if not target.is_sqlite:
        try:
            return sa.create_engine(target.url, pool_pre_ping=True)
        except ImportError:
            raise DatabaseUnavailable(
                "PostgreSQL needs the psycopg driver: pip install 'coachtui[postgres]'"
            ) from None
        except sa.exc.ArgumentError as exc:
            raise DatabaseUnavailable(f"not a usable database URL: {exc}") from None

    engine = sa.create_engine(
        target.url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide where transactions start,
        # so DDL in migrations is transactional and writes can BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            with contextlib.suppress(sqlite3.OperationalError):
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
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


# --- migrations --------------------------------------------------------------------------


def current_revision(conn: sa.Connection) -> str | None:
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(conn: sa.Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "coachtui.store:migrations")
    config.attributes["connection"] = conn
    return config


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "coachtui.store:migrations")
    return {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}


def upgrade(conn: sa.Connection) -> None:
    """Bring the schema on ``conn`` to the head revision, inside its transaction."""
    from alembic import command

    command.upgrade(_alembic_config(conn), "head")  # type: ignore[arg-type]


def check_revision(revision: str | None, where: str) -> None:
    if revision is None or revision == HEAD_REVISION:
        return
    if revision not in known_revisions():
        raise NewerDatabase(
            f"{where} was written by a newer coachtui (schema {revision}); "
            "upgrade coachtui to open it. The database was left untouched."
        )
