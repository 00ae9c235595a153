"""Encryption at rest: an encrypted database works like a plain one and keeps nothing in clear.

Every check reads the real files: byte searches for the session's words, the standard
sqlite3 failing to read them, SQLCipher reading them with the passphrase.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

import pytest
from tests.encrypted import (
    NEEDLES,
    PASSPHRASE,
    WORDS,
    add_session,
    cipher_query,
    copy_database,
    digest,
    encrypted_database,
    key,
    plain_database,
    plain_text_in,
    readable_as_plain_sqlite,
)

from coachtui.store import NotCoachtuiDatabase, PassphraseNeeded, WrongPassphrase, open_store
from coachtui.store.db import crypto
from coachtui.store.db.database import HEAD_REVISION
from coachtui.store.types import SessionFilter
from coachtui.store.upkeep.encryption import (
    decrypt_database,
    encrypt_database,
    plain_backups,
    remove_plain_backups,
)


@pytest.fixture(autouse=True)
def no_env_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_PASSPHRASE, raising=False)


@pytest.fixture(scope="session")
def encrypted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An encrypted database holding one session with WORDS, made once per run."""
    path = tmp_path_factory.mktemp("encrypted") / "coach.db"
    encrypted_database(path)
    return path


@pytest.fixture
def locked(encrypted_template: Path):  # type: ignore[no-untyped-def]
    """``locked(path)``: put a copy of the encrypted template at ``path``."""
    return lambda path: copy_database(encrypted_template, path)


def _found(store: object, text: str) -> set[str]:
    return {row.title for row in store.search_sessions(SessionFilter(text)).rows}  # type: ignore[attr-defined]


# --- the "done when" list -----------------------------------------------------------------


def test_a_session_saved_into_an_encrypted_database_is_found_by_search(db_path: Path, locked) -> None:
    locked(db_path)  # one session saved while the database was plain (then encrypted)
    with open_store(str(db_path), passphrase=PASSPHRASE) as store:
        assert store.target.key is not None
        new_id = add_session(store, "Ward 12")  # and one saved into the encrypted database
        store.save_draft(new_id, title="Lantern rounds")
        assert _found(store, "zanzibarite") == {WORDS["title"], "Lantern rounds"}
        assert _found(store, "plumbrook") == {WORDS["title"], "Lantern rounds"}  # action text
        assert _found(store, "fennelg") == {WORDS["title"], "Lantern rounds"}  # note, as a prefix
        assert _found(store, "lantern") == {"Lantern rounds"}


def test_the_files_hold_none_of_the_text_and_are_not_plain_sqlite(db_path: Path, locked) -> None:
    locked(db_path)
    store = open_store(str(db_path), passphrase=PASSPHRASE)
    try:
        add_session(store, "Ward 12")
        wal = Path(f"{db_path}-wal")
        assert wal.stat().st_size > 0  # the new session is in the log, not yet checkpointed
        assert plain_text_in(wal) == []
        assert plain_text_in(Path(f"{db_path}-shm")) == []
        assert plain_text_in(db_path) == []
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY: no temp files
    finally:
        store.close()
    assert plain_text_in(db_path) == []
    assert not readable_as_plain_sqlite(db_path)
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)) == ["coach.db"]
    assert oct(db_path.stat().st_mode & 0o777) == "0o600"
    titles = cipher_query(db_path, "SELECT title FROM coaching_session ORDER BY title")
    assert titles == [(WORDS["title"],), (WORDS["title"],)]


def test_a_wrong_passphrase_fails_clearly_and_leaves_the_file_unchanged(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, locked
) -> None:
    locked(db_path)
    before = digest(db_path)
    files = sorted(p.name for p in db_path.parent.rglob("*"))
    with pytest.raises(WrongPassphrase) as wrong:
        open_store(str(db_path), passphrase="not it")
    assert str(wrong.value) == (
        f"wrong passphrase for {db_path} (or it is not a coachtui database); it was left untouched"
    )
    with pytest.raises(WrongPassphrase):
        open_store(str(db_path), passphrase="pasted\x00junk")  # cannot even be a passphrase
    with pytest.raises(PassphraseNeeded) as missing:
        open_store(str(db_path))
    assert str(missing.value) == (
        f"{db_path} is encrypted or not a coachtui database: give its passphrase with COACHTUI_PASSPHRASE; "
        "it was left untouched"
    )
    monkeypatch.setenv("COACHTUI_PASSPHRASE", "also not it")
    with pytest.raises(WrongPassphrase):
        open_store(str(db_path))
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.rglob("*")) == files
    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASSPHRASE)
    with open_store(str(db_path)) as store:
        assert _found(store, "marmalex") == {WORDS["title"]}


def test_random_pages_are_taken_for_a_possibly_encrypted_file_and_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(3 * crypto.PAGE_SIZE))
    before = digest(path)
    with pytest.raises(PassphraseNeeded, match=r"random\.db is encrypted or not a coachtui database"):
        open_store(str(path))
    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        open_store(str(path))
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["random.db"]


def test_another_programs_encrypted_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = crypto.connect(path, key(), mode="rwc")
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.close()
    before = digest(path)
    with pytest.raises(NotCoachtuiDatabase, match="an encrypted SQLite database of another program"):
        open_store(str(path), passphrase=PASSPHRASE)
    assert digest(path) == before


def test_encrypt_then_decrypt_keeps_every_record(tmp_path: Path) -> None:
    from coachtui.store.demo import generate_demo_data

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        generate_demo_data(store, sessions=60, teams=4, seed=3)
        add_session(store)

    def everything(query: object) -> dict[str, list[tuple[object, ...]]]:
        tables = [row[0] for row in query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]  # type: ignore[operator]
        assert "session_fts" in tables and "alembic_version" in tables
        return {table: sorted(query(f'SELECT * FROM "{table}"'), key=repr) for table in tables}  # type: ignore[operator]

    def plain(sql: str) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(db)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    original = everything(plain)
    header = plain("PRAGMA application_id") + plain("PRAGMA user_version")
    encrypt_database(db, key())
    assert everything(lambda sql: cipher_query(db, sql)) == original
    assert plain_text_in(db) == []
    decrypt_database(db, key())
    assert readable_as_plain_sqlite(db)
    assert everything(plain) == original
    assert plain("PRAGMA application_id") + plain("PRAGMA user_version") == header
    with open_store(str(db)) as store:
        assert store.target.key is None
        assert _found(store, "zanzibarite") == {WORDS["title"]}


def test_backups_of_an_encrypted_database_are_encrypted(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, locked
) -> None:
    from coachtui.cli import main

    locked(db_path)
    folder = db_path.parent / "coachtui-backups"
    before = set(folder.iterdir()) if folder.exists() else set()
    with open_store(str(db_path), passphrase=PASSPHRASE) as store:
        made = [
            store.ensure_daily_backup(),
            store.backup(),
            store.backup(tmp_path / "elsewhere.db"),
        ]
        report = store.restore(made[1])
        made.append(report.previous)
    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASSPHRASE)
    assert main(["--db", str(db_path), "backup", "-o", str(tmp_path / "by-command.db")]) == 0
    made.append(tmp_path / "by-command.db")
    assert all(path is not None for path in made)
    assert set(folder.iterdir()) - before == {p for p in made if p.parent == folder}
    for path in made:
        assert plain_text_in(path) == [], path
        assert not readable_as_plain_sqlite(path), path
        assert cipher_query(path, "SELECT title FROM coaching_session") == [(WORDS["title"],)], path
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    capsys.readouterr()


def test_an_encrypted_database_of_an_older_schema_is_backed_up_encrypted_then_migrated(
    tmp_path: Path, no_env_passphrase
) -> None:
    from tests.test_search_index import _database_at_0001

    db = tmp_path / "old.db"
    _database_at_0001(db, sessions=3)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE coaching_session SET context = 'marmalex was there'")
    conn.commit()
    conn.close()
    encrypt_database(db, key())
    assert cipher_query(db, "SELECT version_num FROM alembic_version") == [("0001",)]
    with open_store(str(db), passphrase=PASSPHRASE) as store:
        assert len(store.search_sessions(SessionFilter("marmalex")).rows) == 3
    (migration_backup,) = (tmp_path / "coachtui-backups").glob(f"old-before-{HEAD_REVISION}-*.db")
    assert plain_text_in(migration_backup) == []
    assert cipher_query(migration_backup, "SELECT version_num FROM alembic_version") == [("0001",)]


@pytest.fixture
def running_encrypted(db_path: Path, locked):  # type: ignore[no-untyped-def]
    locked(db_path)
    store = open_store(str(db_path), passphrase=PASSPHRASE)
    session_id = add_session(store, "Ward 12", complete=False)
    try:
        yield store, session_id
    finally:
        store.close()


def test_a_removed_encrypted_database_is_put_back_encrypted(running_encrypted, db_path: Path) -> None:
    from coachtui.store import DatabaseMissing

    store, session_id = running_encrypted
    db_path.unlink()
    with pytest.raises(DatabaseMissing, match="coachtui put back everything it had open"):
        store.save_draft(session_id, title="Typed after the file went")
    store.save_draft(session_id, title="Typed after the file went")
    assert store.get_session(session_id).title == "Typed after the file went"
    store.close()
    assert plain_text_in(db_path) == [] and not readable_as_plain_sqlite(db_path)
    assert ("Typed after the file went",) in cipher_query(db_path, "SELECT title FROM coaching_session")


def test_a_replaced_encrypted_database_is_rescued_encrypted(running_encrypted, db_path: Path, tmp_path: Path) -> None:
    from coachtui.store import DatabaseMissing

    store, session_id = running_encrypted
    other = tmp_path / "other" / "coach.db"
    other.parent.mkdir()
    plain_database(other)
    encrypt_database(other, key())
    os.replace(other, db_path)
    with pytest.raises(DatabaseMissing) as caught:
        store.list_teams()
    rescued = Path(str(caught.value).split("what coachtui had open is saved in ")[1].rstrip("."))
    assert rescued.parent == db_path.parent / "coachtui-backups"
    assert [t.name for t in store.list_teams()] == ["Ward 9"]  # goes on with the new file
    store.close()
    assert plain_text_in(rescued) == [] and not readable_as_plain_sqlite(rescued)
    assert len(cipher_query(rescued, f"SELECT id FROM coaching_session WHERE id = '{session_id}'")) == 1


# --- restore across encryption -----------------------------------------------------------------


def test_restore_between_plain_and_encrypted_keeps_the_databases_encryption(
    tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch, locked
) -> None:
    plain_db, locked_db = tmp_path / "plain" / "coach.db", tmp_path / "locked" / "coach.db"
    plain_db.parent.mkdir()
    locked_db.parent.mkdir()
    plain_database(plain_db, clock)
    locked(locked_db)
    with open_store(str(plain_db)) as store:
        plain_backup = store.backup(tmp_path / "plain-backup.db")
    with open_store(str(locked_db), passphrase=PASSPHRASE) as store:
        locked_backup = store.backup(tmp_path / "locked-backup.db")
        store.rename_team(store.find_team("Ward 9").id, "Renamed after the backup")  # type: ignore[union-attr]
        # A plain backup into the encrypted database: its rows are encrypted on the way in.
        # (The two were made apart, so each is another database to the other.)
        store.restore(plain_backup, another=True)
        assert [t.name for t in store.list_teams()] == ["Ward 9"]
        assert _found(store, "plumbrook") == {WORDS["title"]}
    assert plain_text_in(locked_db) == [] and not readable_as_plain_sqlite(locked_db)
    assert not any(p.name.endswith(".tmp") for p in locked_db.parent.iterdir())
    # An encrypted backup into the plain database: decrypted with its passphrase.
    with open_store(str(plain_db)) as store:
        store.create_team("Only in the plain one")
        store.restore(locked_backup, passphrase=PASSPHRASE, another=True)
        assert [t.name for t in store.list_teams()] == ["Ward 9"]
        assert store.target.key is None
    assert readable_as_plain_sqlite(plain_db)
    # An encrypted backup restored into a new place makes an encrypted database.
    from coachtui.store.db.backup import restore_database

    fresh = tmp_path / "fresh" / "coach.db"
    fresh.parent.mkdir()
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, PASSPHRASE)
    restore_database(fresh, locked_backup)
    assert plain_text_in(fresh) == [] and not readable_as_plain_sqlite(fresh)
    assert cipher_query(fresh, "SELECT name FROM team") == [("Ward 9",)]


def test_an_encrypted_backup_with_a_wrong_passphrase_is_not_restored(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locked
) -> None:
    other = tmp_path / "other" / "coach.db"
    other.parent.mkdir()
    locked(other)
    plain_database(db_path)
    before = digest(db_path)
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, "not it")
    with open_store(str(db_path)) as store, pytest.raises(WrongPassphrase, match="^Not restored: wrong passphrase"):
        store.restore(other)
    assert digest(db_path) == before


# --- vacuum, two threads, plaintext backups ------------------------------------------------


def test_vacuum_and_deletion_keep_the_file_encrypted(db_path: Path, locked) -> None:
    locked(db_path)
    with open_store(str(db_path), passphrase=PASSPHRASE) as store:
        store.delete_team(store.find_team("Ward 9").id)  # type: ignore[union-attr]
        add_session(store, "Ward 3")
        report = store.vacuum()
        assert report.optimized == ("session_fts",)
        assert _found(store, "quokkaline") == {WORDS["title"]}
    assert plain_text_in(db_path) == [] and not readable_as_plain_sqlite(db_path)
    assert cipher_query(db_path, "SELECT name FROM team") == [("Ward 3",)]


def test_worker_threads_share_an_encrypted_store(db_path: Path, locked) -> None:
    locked(db_path)
    errors: list[BaseException] = []
    with open_store(str(db_path), passphrase=PASSPHRASE) as store:

        def work(number: int) -> None:
            try:
                for i in range(5):
                    team = store.create_team(f"Team {number}-{i}")
                    store.search_sessions(SessionFilter("zanzibarite"))
                    store.list_teams()
                    assert store.get_team(team.id).name == f"Team {number}-{i}"
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(store.list_teams()) == 21


def test_plain_backups_are_listed_and_removed_only_once_the_database_is_encrypted(
    db_path: Path, no_env_passphrase
) -> None:
    from coachtui.store import BackupError

    plain_database(db_path)
    with open_store(str(db_path)) as store:
        daily = store.ensure_daily_backup(now=dt.datetime(2026, 11, 1, 9))
        dated = store.backup()
    unrelated = db_path.parent / "coachtui-backups" / "notes.db"
    unrelated.write_bytes(Path(daily).read_bytes())  # type: ignore[arg-type]
    with pytest.raises(BackupError, match="is not encrypted; its backups were kept"):
        remove_plain_backups(db_path, key())
    report = encrypt_database(db_path, key())
    assert plain_backups(db_path) == sorted([daily, dated, report.backup])  # type: ignore[type-var]
    with open_store(str(db_path), passphrase=PASSPHRASE) as store:
        encrypted_daily = store.ensure_daily_backup()
    assert encrypted_daily not in plain_backups(db_path)
    removed = remove_plain_backups(db_path, key())
    assert sorted(removed) == sorted([daily, dated, report.backup])  # type: ignore[type-var]
    assert plain_backups(db_path) == []
    assert unrelated.exists() and encrypted_daily.exists()  # type: ignore[union-attr]
    for path in (db_path.parent / "coachtui-backups").iterdir():
        if path != unrelated:
            assert plain_text_in(path) == [], path


def test_encrypting_refuses_a_database_another_process_has_open(db_path: Path) -> None:
    import subprocess
    import sys

    plain_database(db_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from coachtui.store import open_store; s = open_store(sys.argv[1]); "
            "s.list_teams(); print('open', flush=True); time.sleep(60)",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = digest(db_path)
        from coachtui.store import DatabaseBusy

        with pytest.raises(DatabaseBusy, match="is in use: quit every coachtui that has it open"):
            encrypt_database(db_path, key())
        assert digest(db_path) == before
        assert readable_as_plain_sqlite(db_path)
        assert not (db_path.parent / "coachtui-backups").exists()  # refused before any backup
    finally:
        holder.kill()
        holder.wait()
    encrypt_database(db_path, key())
    assert not readable_as_plain_sqlite(db_path)


def test_the_byte_search_finds_every_word_in_a_plain_database(db_path: Path) -> None:
    # The byte searches above could pass for the wrong reason if the words were never
    # written in a form they look for: in a plain database every one of them is found.
    plain_database(db_path)
    assert sorted(plain_text_in(db_path)) == sorted(NEEDLES)


def _index_in_step(path: Path) -> int:
    """The encrypted file's search index holds exactly what its tables say."""
    from coachtui.store.db import search_index

    expected = cipher_query(path, search_index.expected_rows_sql())
    assert cipher_query(path, search_index.indexed_rows_sql()) == expected
    return len(expected)


def test_the_search_index_stays_in_step_through_encryption(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        team = store.create_team("Ward 5")
        ids = []
        for word in ("alder", "birch", "cedar", "damson", "elder"):
            draft = store.start_session(team.id)
            store.save_draft(draft.id, title=word, dilemma=f"{word}wood is short")
            ids.append(draft.id)
        for gone in (ids[0], ids[2]):  # gaps in the sessions' rowids
            store.delete_session(gone)
    encrypt_database(db, key())
    assert _index_in_step(db) == 3
    with open_store(str(db), passphrase=PASSPHRASE) as store:
        assert _found(store, "damsonwood") == {"damson"} and _found(store, "cedarwood") == set()
    # The rebuild used when a copy renumbers rowids leaves the index as it should be.
    crypto.rebuild_search_index(db, key())
    assert _index_in_step(db) == 3


def test_a_log_left_by_a_crash_is_encrypted_with_the_rest_and_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    crashed = tmp_path / "coach.db"
    # A coachtui that saved a session and then died (as with kill -9): no checkpoint.
    code = (
        "import os, sys; from pathlib import Path; from coachtui.store import open_store; "
        "from tests.encrypted import add_session; add_session(open_store(sys.argv[1])); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(crashed)], check=True, cwd=Path(__file__).parents[1], timeout=60)
    assert sorted(plain_text_in(Path(f"{crashed}-wal"))) == sorted(NEEDLES)  # the session is in the log
    encrypt_database(crashed, key())
    assert sorted(p.name for p in crashed.parent.iterdir()) == ["coach.db", "coachtui-backups"]
    assert plain_text_in(crashed) == []
    assert cipher_query(crashed, "SELECT title FROM coaching_session") == [(WORDS["title"],)]
    assert _index_in_step(crashed) == 1
