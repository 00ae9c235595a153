"""The store when the disk or the database fails: a read-only file or folder, a full
disk, another program holding the lock, the file removed or replaced while coachtui
runs. Each test checks the coach sees one clear line, the data written before is
intact, and saving works again once the fault is cleared."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from coachtui.store import (
    DatabaseBusy,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFull,
    InvalidInput,
    NotFound,
    StoreError,
    open_store,
)
from coachtui.store.db import database
from permissions import can_write, permission_bits_apply, read_only


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(database.sqlite_uri(db, "ro"), uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dilemma_of(db: Path, session_id: str) -> str:
    return query(db, "SELECT dilemma FROM coaching_session WHERE id = ?", session_id)[0][0]


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text and "sqlalchemy" not in text.lower()
    return text


def seed(db: Path) -> tuple[str, str]:
    """A closed database holding a team and a draft; returns (team id, session id)."""
    with open_store(str(db)) as store:
        team = store.create_team("Ward 7 huddle")
        draft = store.start_session(team.id)
        store.save_draft(draft.id, title="Handover", dilemma="Written before the fault")
        store.add_action(draft.id, "Try the new handover sheet")
    return team.id, draft.id


def test_error_classes_tell_retry_later_from_permanent() -> None:
    assert DatabaseBusy("x").retryable and DiskFull("x").retryable
    assert DatabaseReadOnly("x").retryable and DatabaseMissing("x").retryable
    assert not InvalidInput("x").retryable and not NotFound("x").retryable
    assert not DatabaseUnavailable("x").retryable
    assert DatabaseUnavailable("x", retryable=True).retryable
    assert issubclass(DiskFull, DatabaseUnavailable) and issubclass(DatabaseBusy, StoreError)


# --- read-only database file -----------------------------------------------------------


def test_a_read_only_database_file_reads_refuses_writes_then_recovers(db_path: Path) -> None:
    team_id, session_id = seed(db_path)
    with permission_bits_apply():
        with read_only(db_path):
            assert not can_write(db_path)
            store = open_store(str(db_path))
            try:
                assert [t.name for t in store.list_teams()] == ["Ward 7 huddle"]
                with pytest.raises(DatabaseReadOnly) as caught:
                    store.save_draft(session_id, dilemma="Typed while read-only")
                assert one_line(caught.value) == (
                    f"The database is read-only: cannot save to {db_path}; check the file's permissions."
                )
                assert caught.value.retryable
                with pytest.raises(DatabaseReadOnly):
                    store.create_team("Another")
                # Reading still works after the failed write.
                assert store.get_session(session_id).dilemma == "Written before the fault"
            except BaseException:
                store.close()
                raise
        # The coach fixes the permissions: the same store saves again.
        try:
            store.save_draft(session_id, dilemma="Saved after the fix")
            store.create_team("Another")
        finally:
            store.close()
    assert dilemma_of(db_path, session_id) == "Saved after the fix"
    assert query(db_path, "SELECT text FROM action") == [("Try the new handover sheet",)]
    assert sorted(r[0] for r in query(db_path, "SELECT name FROM team")) == ["Another", "Ward 7 huddle"]
    assert query(db_path, "SELECT id FROM team WHERE name = 'Ward 7 huddle'") == [(team_id,)]


# --- read-only folder ------------------------------------------------------------------


def test_a_read_only_folder_is_named_and_the_store_recovers(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "coach.db"
    _, session_id = seed(db)
    assert sorted(p.name for p in folder.iterdir()) == ["coach.db"]  # no -wal/-shm left
    with permission_bits_apply():
        with read_only(folder):
            assert not can_write(folder)
            store = open_store(str(db))  # only reads the file to check it
            try:
                expected = (
                    f"The database folder is read-only: coachtui cannot create its working files in {folder}."
                )
                with pytest.raises(DatabaseReadOnly) as caught:
                    store.list_teams()
                assert one_line(caught.value) == expected
                with pytest.raises(DatabaseReadOnly) as caught:
                    store.save_draft(session_id, dilemma="Typed while the folder was read-only")
                assert one_line(caught.value) == expected
            except BaseException:
                store.close()
                raise
        try:
            store.save_draft(session_id, dilemma="Saved once the folder was writable")
            assert [t.name for t in store.list_teams()] == ["Ward 7 huddle"]
        finally:
            store.close()
    assert dilemma_of(db, session_id) == "Saved once the folder was writable"


# --- full disk -------------------------------------------------------------------------


def test_a_full_disk_loses_nothing_and_leaves_no_transaction_open(store, db_path: Path) -> None:
    team = store.create_team("Night shift")
    draft = store.start_session(team.id)
    store.save_draft(draft.id, dilemma="Written before the disk filled up")
    pages = query(db_path, "PRAGMA page_count")[0][0]
    # SQLite's own size limit gives a real SQLITE_FULL, the error a full disk gives.
    limit = [pages + 2]

    @event.listens_for(store.engine, "checkout")
    def _cap(dbapi_conn, _record, _proxy) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {limit[0]}")

    big = "A long paste that needs many new pages. " * 5000
    with pytest.raises(DiskFull) as caught:
        store.save_draft(draft.id, dilemma=big)
    assert one_line(caught.value) == (
        f"The disk is full: cannot save to {db_path}; free some space and try again."
    )
    assert caught.value.retryable
    with pytest.raises(DiskFull):
        store.add_action(draft.id, "Order a bigger disk " * 3000)
    assert store.get_session(draft.id).dilemma == "Written before the disk filled up"
    # No transaction was left open: another program can take the write lock at once.
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    limit[0] = 1_000_000_000  # space freed
    store.save_draft(draft.id, dilemma=big)
    store.add_action(draft.id, "Order a bigger disk")
    assert dilemma_of(db_path, draft.id) == big
    assert query(db_path, "SELECT text FROM action") == [("Order a bigger disk",)]


# --- another program holds the lock --------------------------------------------------------

LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE team SET coach = 'the other program'")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


def test_a_lock_held_beyond_the_timeout_is_busy_then_saving_resumes(store, db_path: Path) -> None:
    team = store.create_team("Theatre team")
    draft = store.start_session(team.id)
    store.save_draft(draft.id, dilemma="Saved before the lock")

    @event.listens_for(store.engine, "connect")
    def _short_wait(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout = 150")  # the real one is 5 s

    store.engine.dispose()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseBusy) as caught:
            store.save_draft(draft.id, dilemma="Typed while another program held the lock")
        assert one_line(caught.value) == (
            f"The database is busy: another program is keeping {db_path} locked; try again in a moment."
        )
        assert caught.value.retryable
        # Reading is not blocked by a writer (WAL).
        assert store.get_session(draft.id).dilemma == "Saved before the lock"
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
    store.save_draft(draft.id, dilemma="Saved after the lock was released")
    assert dilemma_of(db_path, draft.id) == "Saved after the lock was released"
    assert query(db_path, "SELECT coach FROM team") == [("the other program",)]


# --- the database file removed or replaced while running ---------------------------------


@pytest.fixture
def running(db_path: Path) -> Iterator[tuple[object, str]]:
    store = open_store(str(db_path))
    team = store.create_team("Outpatients")
    draft = store.start_session(team.id)
    store.save_draft(draft.id, title="Waiting times", dilemma="Written before the file went")
    store.add_action(draft.id, "Map the waiting room")
    try:
        yield store, draft.id
    finally:
        store.close()


@pytest.mark.parametrize("what", ["file", "file and its -wal/-shm", "whole folder"])
def test_a_removed_database_is_put_back_with_everything(running, db_path: Path, what: str) -> None:
    store, session_id = running
    if what == "whole folder":
        shutil.rmtree(db_path.parent)
    else:
        db_path.unlink()
        if what != "file":
            for suffix in ("-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink()
    assert not db_path.exists()
    with pytest.raises(DatabaseMissing) as caught:
        store.save_draft(session_id, dilemma="Typed after the file went")
    assert one_line(caught.value) == (
        f"The database file was removed while coachtui was running: {db_path}; "
        "coachtui put back everything it had open, so saving works again."
    )
    assert caught.value.retryable
    # The file is back, with everything written before.
    assert dilemma_of(db_path, session_id) == "Written before the file went"
    assert query(db_path, "SELECT text FROM action") == [("Map the waiting room",)]
    assert os.stat(db_path).st_mode & 0o777 == 0o600
    # The retried save works and lands in the file on disk.
    store.save_draft(session_id, dilemma="Typed after the file went")
    store.add_action(session_id, "Count the chairs")
    assert dilemma_of(db_path, session_id) == "Typed after the file went"
    assert sorted(r[0] for r in query(db_path, "SELECT text FROM action")) == ["Count the chairs", "Map the waiting room"]
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    store.close()
    with open_store(str(db_path)) as again:
        assert again.get_session(session_id).dilemma == "Typed after the file went"


def test_a_read_notices_the_removal_too(running, db_path: Path) -> None:
    store, session_id = running
    db_path.unlink()
    with pytest.raises(DatabaseMissing, match="was removed while coachtui was running"):
        store.list_teams()
    assert [t.name for t in store.list_teams()] == ["Outpatients"]


def test_a_replaced_database_is_used_and_the_old_one_kept(running, db_path: Path, tmp_path: Path) -> None:
    store, session_id = running
    other = tmp_path / "other.db"
    with open_store(str(other)) as second:
        second.create_team("From another laptop")
    os.replace(other, db_path)  # e.g. a sync tool puts its version in place
    with pytest.raises(DatabaseMissing) as caught:
        store.save_draft(session_id, dilemma="Typed after the swap")
    message = one_line(caught.value)
    assert message.startswith(f"The database file was replaced while coachtui was running: {db_path}; ")
    rescued = Path(message.split("what coachtui had open is saved in ")[1].rstrip("."))
    assert rescued.parent == db_path.parent / database.BACKUP_FOLDER
    assert dilemma_of(rescued, session_id) == "Written before the file went"
    # The store goes on with the file now at the path.
    assert [t.name for t in store.list_teams()] == ["From another laptop"]
    with pytest.raises(NotFound):
        store.save_draft(session_id, dilemma="Typed after the swap")


def test_a_replacement_that_is_not_coachtui_is_never_written(running, db_path: Path, tmp_path: Path) -> None:
    store, session_id = running
    foreign = tmp_path / "recipes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE recipe (name TEXT)")
    conn.commit()
    conn.close()
    os.replace(foreign, db_path)
    before = db_path.read_bytes()
    for _ in range(2):
        with pytest.raises(DatabaseMissing, match="replaced by one coachtui cannot use"):
            store.save_draft(session_id, dilemma="Typed after the swap")
    assert db_path.read_bytes() == before


def test_a_removed_file_without_open_connections_waits_for_a_restore(running, db_path: Path, tmp_path: Path) -> None:
    store, session_id = running
    kept = store.backup(tmp_path / "kept.db")
    store.engine.dispose()  # nothing open any more: nothing to rescue from
    db_path.unlink()
    for _ in range(2):
        with pytest.raises(DatabaseMissing) as caught:
            store.get_session(session_id)
        assert one_line(caught.value) == (
            f"The database file was removed: {db_path}; restore a backup with 'coachtui restore' "
            f"(backups are in {db_path.parent / database.BACKUP_FOLDER})."
        )
    assert not db_path.exists()  # nothing was created in its place
    from coachtui.cli import main

    assert main(["--db", str(db_path), "restore", str(kept)]) == 0
    assert store.get_session(session_id).dilemma == "Written before the file went"
    store.save_draft(session_id, dilemma="Saved after the restore")
    assert dilemma_of(db_path, session_id) == "Saved after the restore"


# --- checking a file never disturbs a store that has it open -------------------------------

SWITCH_TO_ROLLBACK_JOURNAL = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=0)
try:
    print(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0])
except sqlite3.OperationalError as exc:
    print(exc)
"""


def test_checking_and_backing_up_keep_the_open_stores_locks(store, db_path: Path, tmp_path: Path) -> None:
    """Closing any descriptor of a file drops all of this process's POSIX locks on it.
    If checking the file (open_store of a second store, backup, restore) did that, another
    program could take the database out of WAL mode under the running store."""

    def other_program_switches_journal() -> str:
        result = subprocess.run(
            [sys.executable, "-c", SWITCH_TO_ROLLBACK_JOURNAL, str(db_path)], capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    store.create_team("Open")
    assert other_program_switches_journal() == "database is locked"
    database.inspect_file(db_path)
    open_store(str(db_path)).close()
    store.backup(tmp_path / "b.db")
    store.ensure_daily_backup()
    assert other_program_switches_journal() == "database is locked"
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]
