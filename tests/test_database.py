"""Opening databases: new files, foreign or damaged files left untouched, permissions,
schema revisions, migrations with a backup first."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from coachtui.store import DatabaseUnavailable, NewerDatabase, NotCoachtuiDatabase, open_store
from coachtui.store.db import database
from coachtui.store.db.target import parse_target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_is_private_and_in_wal_mode(tmp_path: Path, isolated_home: Path) -> None:
    # Only coachtui's own data folder is made when missing (0700, with its parents).
    path = isolated_home / "data" / "coach.db"
    assert not path.parent.exists()
    with open_store(str(path)) as store:
        store.create_team("A")
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
        assert mode(path.parent.parent) == 0o700
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                assert mode(side) == 0o600
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA application_id").fetchone() == (database.APPLICATION_ID,)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (database.HEAD_REVISION,)
    finally:
        conn.close()


def test_a_database_in_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "coach.db"
    with pytest.raises(DatabaseUnavailable, match=r"cannot create .*coach\.db: the folder .*deeper does not exist$"):
        open_store(str(path))
    assert not (tmp_path / "new").exists()


def test_an_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    with open_store(str(folder / "c.db")):
        pass
    assert mode(folder) == 0o755
    assert mode(folder / "c.db") == 0o600


@pytest.mark.sqlite_only
def test_connection_pragmas(store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == database.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: "saved" means on disk


def test_random_bytes_are_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(5000))  # not whole 4096-byte pages: cannot be encrypted either
    before = digest(path)
    with pytest.raises(NotCoachtuiDatabase, match=r"random\.db is not a coachtui database \(not an SQLite file\)"):
        open_store(str(path))
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["random.db"]


def test_a_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n")
    with pytest.raises(NotCoachtuiDatabase):
        open_store(str(path))
    assert path.read_text() == "my shopping list\n"


def _other_app(path: Path, *, alembic: bool = False) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    if alembic:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('abc123')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("alembic", [False, True])
def test_another_programs_sqlite_is_refused_untouched(tmp_path: Path, alembic: bool) -> None:
    path = tmp_path / "other.db"
    _other_app(path, alembic=alembic)
    before = digest(path)
    with pytest.raises(NotCoachtuiDatabase, match="SQLite database of another program"):
        open_store(str(path))
    assert digest(path) == before
    assert not (tmp_path / database.BACKUP_FOLDER).exists()


def test_a_newer_coachtuis_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with open_store(str(path)) as store:
        store.create_team("Keep me")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = digest(path)
    with pytest.raises(NewerDatabase, match=r"written by a newer coachtui \(schema 9999\)"):
        open_store(str(path))
    assert digest(path) == before


def test_a_damaged_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    with open_store(str(path)) as store:
        store.create_team("A")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(NotCoachtuiDatabase, match="damaged or not a coachtui database"):
        open_store(str(path))
    assert digest(path) == before


def test_an_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with open_store(str(path)) as store:
        assert store.create_team("A").name == "A"


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(NotCoachtuiDatabase, match="is not a file"):
        open_store(str(tmp_path))


def test_an_impossible_location_fails_clearly(tmp_path: Path) -> None:
    # A path "inside" a regular file cannot be created, even by root.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable, match=r"cannot create .*a-file/c\.db"):
        open_store(str(blocker / "c.db"))
    assert blocker.read_text() == "x"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("mysql://x/y", "unsupported database URL scheme 'mysql'"),
        ("   ", "no database given"),
    ],
)
def test_unusable_targets(value: str, message: str) -> None:
    with pytest.raises(DatabaseUnavailable, match=message):
        open_store(value)


def test_sqlite_urls_and_paths_name_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with open_store(f"sqlite:///{path}") as store:
        store.create_team("Via URL")
    with open_store(str(path)) as store:
        assert [t.name for t in store.list_teams()] == ["Via URL"]


def test_passwords_are_hidden_in_messages() -> None:
    target = parse_target("postgresql://coach:s3cret@db.example/coaching")
    assert target.url == "postgresql+psycopg://coach:s3cret@db.example/coaching"
    assert "s3cret" not in target.display


def test_reopening_a_current_database_needs_no_migration_tooling(db_path: Path) -> None:
    import subprocess
    import sys

    with open_store(str(db_path)):
        pass
    code = (
        "import sys; from coachtui.store import open_store; "
        f"s = open_store({str(db_path)!r}); s.list_teams(); "
        "assert 'alembic' not in sys.modules, 'alembic imported'; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr


def test_head_revision_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "coachtui.store.db:migrations")
    assert ScriptDirectory.from_config(config).get_heads() == [database.HEAD_REVISION]


def test_migrations_build_exactly_the_models_schema(store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import coachtui.store.db.models  # registers the tables
    import coachtui.store.sync.tables  # noqa: F401  (sync's own tables, migration 0007)

    def not_search_index(name: str | None, type_: str, _parent: object) -> bool:
        # The search indexes are not models: FTS5's virtual table and its shadow
        # tables (SQLite), the tsvector table and its pending list (PostgreSQL).
        # Nor the tracker's expression index (migration 0014), which SQLAlchemy
        # cannot reflect on SQLite nor compare on PostgreSQL.
        if type_ == "index" and name == "ix_action_tracker":
            return False
        return not (type_ == "table" and name is not None and name.startswith(("session_fts", "session_search")))

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": not_search_index})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
