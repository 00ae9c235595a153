"""Backups: one a day, rotated, private, single-file; restore brings back exactly what
was saved and refuses anything else without touching the current database."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from coachtui.cli import main
from coachtui.store import BackupError, open_store
from coachtui.store.db import database
from coachtui.store.types import PickedQuestionInfo
from permissions import can_write, permission_bits_apply, read_only


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    conn = sqlite3.connect(database.sqlite_uri(db, "ro"), uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def team_names(db: Path) -> list[str]:
    conn = sqlite3.connect(database.sqlite_uri(db, "ro"), uri=True)
    try:
        return sorted(row[0] for row in conn.execute("SELECT name FROM team"))
    finally:
        conn.close()


def local(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour).astimezone()


def fill(store, clock, team: str = "Ward 9") -> str:
    """A team with a completed session (questions, actions) and a draft reviewing it."""
    info = store.create_team(team)
    first = store.start_session(info.id, coach="Sam")
    store.save_draft(first.id, title="Handovers", dilemma="Shift handovers lose details.", primary_category="learning")
    store.set_questions(first.id, [PickedQuestionInfo("q1", "What did we learn?", "general", "Ask the night shift")])
    action = store.add_action(first.id, "Pilot a handover checklist", owner="Ana", due=dt.date(2026, 11, 20))
    store.complete_session(first.id)
    clock.advance(days=7)
    second = store.start_session(info.id, coach="Sam")
    store.record_review(action.id, "in_progress", "Half the shifts use it", session_id=second.id)
    store.add_custom_question("Who is not in the room?", category="relational")
    return second.id


# --- daily backups -----------------------------------------------------------------------


def test_a_daily_backup_is_made_once_per_local_day(store, db_path: Path, clock) -> None:
    fill(store, clock)
    folder = db_path.parent / database.BACKUP_FOLDER
    made = store.ensure_daily_backup(now=local(2026, 11, 2, 8))
    assert made == folder / "coach-daily-2026-11-02.db"
    assert mode(made) == 0o600 and mode(folder) == 0o700
    assert snapshot(made) == snapshot(db_path)
    # A self-contained single file: no -wal needed, rollback journal mode in its header.
    assert made.read_bytes()[18:20] == b"\x01\x01"
    store.create_team("Added later that day")
    assert store.ensure_daily_backup(now=local(2026, 11, 2, 18)) is None
    assert "Added later that day" not in team_names(made)
    next_day = store.ensure_daily_backup(now=local(2026, 11, 3, 7))
    assert next_day == folder / "coach-daily-2026-11-03.db"
    assert "Added later that day" in team_names(next_day)
    assert sorted(p.name for p in folder.iterdir()) == ["coach-daily-2026-11-02.db", "coach-daily-2026-11-03.db"]


def test_two_databases_named_alike_in_one_folder_keep_their_own_daily_backups(tmp_path: Path) -> None:
    """x.db and x.sqlite shared one backup name: x.sqlite's day went unbacked (found
    by a tester)."""
    for name, team in (("x.db", "Only in x.db"), ("x.sqlite", "Only in x.sqlite")):
        with open_store(str(tmp_path / name)) as store:
            store.create_team(team)
            made = store.ensure_daily_backup(now=local(2026, 11, 2, 8))
        assert made is not None and team_names(made) == [team]
    folder = tmp_path / database.BACKUP_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == ["x-daily-2026-11-02.db", "x.sqlite-daily-2026-11-02.db"]


def test_an_existing_backups_folder_is_made_private(store, db_path: Path) -> None:
    store.create_team("Private")
    folder = db_path.parent / database.BACKUP_FOLDER
    folder.mkdir()
    os.chmod(folder, 0o755)
    store.ensure_daily_backup(now=local(2026, 11, 2))
    assert mode(folder) == 0o700


def test_the_day_of_a_backup_is_the_local_day(store, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.create_team("Night owls")
    monkeypatch.setenv("TZ", "NZT-13")  # a POSIX zone 13 hours ahead of UTC: needs no tz files
    time.tzset()
    try:
        made = store.ensure_daily_backup(now=dt.datetime(2026, 11, 2, 20, 0, tzinfo=dt.UTC))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert made is not None and made.name == "coach-daily-2026-11-03.db"


def test_rotation_keeps_the_newest_daily_backups_and_nothing_else_is_touched(store, db_path: Path) -> None:
    store.create_team("Rotation")
    folder = db_path.parent / database.BACKUP_FOLDER
    folder.mkdir(mode=0o700)
    others = {
        "coach-before-0002-20260101T000000000000Z.db": b"pre-migration backup",
        "coach-2026-01-01-120000.db": b"a backup the coach asked for",
        "coach-before-restore-2026-01-02-080000.db": b"state before a restore",
        "notes.txt": b"the coach's own notes",
        "coach-daily-notes.db": b"looks similar, is not a daily backup",
        "coach-daily-26-1-1.db": b"not a date we write",
        "other-daily-2025-01-01.db": b"another database's daily backup",
        "coach-daily-2025-01-01.db.txt": b"different suffix",
    }
    for name, content in others.items():
        (folder / name).write_bytes(content)
    (folder / "coach-daily-2024-12-31.db").mkdir()  # a folder with a daily backup's name
    for day in range(1, 21):
        store.ensure_daily_backup(keep=5, now=local(2026, 3, day))
    daily = sorted(p.name for p in folder.glob("coach-daily-2026-*.db"))
    assert daily == [f"coach-daily-2026-03-{day:02d}.db" for day in range(16, 21)]
    for name, content in others.items():
        assert (folder / name).read_bytes() == content
    assert (folder / "coach-daily-2024-12-31.db").is_dir()
    # keep below 1 turns daily backups off and deletes nothing.
    assert store.ensure_daily_backup(keep=0, now=local(2026, 3, 21)) is None
    assert len(list(folder.glob("coach-daily-2026-*.db"))) == 5
    # A smaller keep takes effect on the next start, even when today's backup exists.
    assert store.ensure_daily_backup(keep=2, now=local(2026, 3, 20, 17)) is None
    assert sorted(p.name for p in folder.glob("coach-daily-2026-*.db")) == [
        "coach-daily-2026-03-19.db",
        "coach-daily-2026-03-20.db",
    ]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_abandoned_unfinished_copies_are_cleaned_up(store, db_path: Path) -> None:
    store.create_team("Crashed once")
    folder = db_path.parent / database.BACKUP_FOLDER
    folder.mkdir(mode=0o700)
    old = [folder / ".coachtui-k3j4.tmp", db_path.parent / ".coachtui-x9.tmp", folder / ".coachtui-k3j4.tmp-journal"]
    fresh = folder / ".coachtui-now.tmp"  # may be another coachtui's copy in progress
    mine = folder / ".coachtui-notes.txt"
    for path in [*old, fresh, mine]:
        path.write_text("a copy of the notes")
    an_hour_and_more = time.time() - 3700
    for path in [*old, mine]:
        os.utime(path, (an_hour_and_more, an_hour_and_more))
    store.ensure_daily_backup(now=local(2026, 7, 1))
    assert not any(path.exists() for path in old)
    assert fresh.exists() and mine.exists()


def test_two_coachtuis_starting_together_make_one_daily_backup(db_path: Path) -> None:
    with open_store(str(db_path)) as first:
        first.create_team("Shared")
    stores = [open_store(str(db_path)) for _ in range(4)]
    results: list[Path | None] = []
    try:
        threads = [
            threading.Thread(target=lambda s=s: results.append(s.ensure_daily_backup(now=local(2026, 5, 4))))
            for s in stores
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for s in stores:
            s.close()
    folder = db_path.parent / database.BACKUP_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == ["coach-daily-2026-05-04.db"]
    assert not [p for p in db_path.parent.iterdir() if p.name.startswith(".")]
    assert [r for r in results if r is not None] == [folder / "coach-daily-2026-05-04.db"]


def test_a_daily_backup_that_cannot_be_written_says_so(store, db_path: Path) -> None:
    store.create_team("Kept")
    folder = db_path.parent / database.BACKUP_FOLDER
    folder.mkdir(mode=0o700)
    with permission_bits_apply(), read_only(folder):
        assert not can_write(folder)
        with pytest.raises(BackupError) as caught:
            store.ensure_daily_backup(now=local(2026, 6, 1))
    assert str(caught.value) == (
        f"Cannot write the backup {folder / 'coach-daily-2026-06-01.db'}: Permission denied."
    )
    assert caught.value.retryable
    assert list(folder.iterdir()) == []
    assert store.ensure_daily_backup(now=local(2026, 6, 1)) == folder / "coach-daily-2026-06-01.db"


# --- coachtui backup ----------------------------------------------------------------------


def test_backup_command_writes_a_private_dated_copy(store, db_path: Path, clock, capsys) -> None:
    fill(store, clock)
    assert main(["--db", str(db_path), "backup"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"Backed up {db_path} to {db_path.parent / database.BACKUP_FOLDER}/coach-")
    written = Path(out.split(" to ", 1)[1])
    assert mode(written) == 0o600 and snapshot(written) == snapshot(db_path)
    assert not Path(f"{written}-wal").exists()
    with open_store(str(written)) as copy:
        assert [t.name for t in copy.list_teams()] == ["Ward 9"]
    # Twice in the same second: a second file, not an overwrite.
    assert main(["--db", str(db_path), "backup"]) == 0
    again = Path(capsys.readouterr().out.strip().split(" to ", 1)[1])
    assert again != written and again.exists()


def test_backup_to_a_file_or_into_a_folder(store, db_path: Path, tmp_path: Path, capsys) -> None:
    store.create_team("Exported")
    target = tmp_path / "usb" / "coach-copy.db"
    target.parent.mkdir()
    assert main(["--db", str(db_path), "backup", "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"Backed up {db_path} to {target}"
    assert team_names(target) == ["Exported"] and mode(target) == 0o600
    assert main(["--db", str(db_path), "backup", "-o", str(target.parent)]) == 0
    dated = Path(capsys.readouterr().out.strip().split(" to ", 1)[1])
    assert dated.parent == target.parent and dated.name.startswith("coach-") and team_names(dated) == ["Exported"]


def test_a_backup_is_a_consistent_snapshot_while_another_program_writes(store, db_path: Path, tmp_path: Path) -> None:
    store.create_team("Committed")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE team SET name = 'Half-saved' WHERE name = 'Committed'")
    try:
        assert main(["--db", str(db_path), "backup", "-o", str(tmp_path / "during.db")]) == 0
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert team_names(tmp_path / "during.db") == ["Committed"]
    assert team_names(db_path) == ["Half-saved"]


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def test_backup_errors_are_one_line(store, db_path: Path, tmp_path: Path, capsys) -> None:
    store.create_team("Safe")
    existing = tmp_path / "taken.db"
    existing.write_text("keep me")
    assert main(["--db", str(db_path), "backup", "-o", str(existing)]) == 1
    assert one_error_line(capsys) == f"coachtui: {existing} already exists; give a new file name."
    assert existing.read_text() == "keep me"
    missing = tmp_path / "no-such-folder" / "b.db"
    assert main(["--db", str(db_path), "backup", "-o", str(missing)]) == 1
    assert one_error_line(capsys) == f"coachtui: Cannot write {missing}: the folder {missing.parent} does not exist."
    locked = tmp_path / "locked"
    locked.mkdir()
    with permission_bits_apply(), read_only(locked):
        assert not can_write(locked)
        assert main(["--db", str(db_path), "backup", "-o", str(locked / "b.db")]) == 1
    assert one_error_line(capsys) == f"coachtui: Cannot write the backup {locked / 'b.db'}: Permission denied."
    assert list(locked.iterdir()) == []
    nothing = tmp_path / "never-made.db"
    assert main(["--db", str(nothing), "backup"]) == 1
    assert one_error_line(capsys) == f"coachtui: There is no database at {nothing} yet; there is nothing to back up."
    assert not nothing.exists()
    assert main(["--db", "postgresql://coach@db.example/coaching", "backup"]) == 1
    assert one_error_line(capsys).startswith("coachtui: coachtui backup works on SQLite database files")


# --- restore ---------------------------------------------------------------------------------


def test_restore_brings_back_exactly_what_was_saved(store, db_path: Path, tmp_path: Path, clock, capsys) -> None:
    draft_id = fill(store, clock)
    saved = store.backup(tmp_path / "monday.db")
    at_backup = snapshot(db_path)
    team = store.list_teams()[0]
    store.rename_team(team.id, "Ward 9 (renamed)")
    store.delete_session(draft_id)
    store.create_team("Made after the backup")
    before_restore = snapshot(db_path)

    # The app (this store) stays open while the command restores.
    assert main(["--db", str(db_path), "restore", str(saved)]) == 0
    out = capsys.readouterr().out.strip()
    prefix = f"Restored {saved} (1 team, 2 sessions) into {db_path}; the previous database was saved as "
    assert out.startswith(prefix) and out.endswith(".")
    previous = Path(out.removeprefix(prefix).removesuffix("."))
    assert previous.parent == db_path.parent / database.BACKUP_FOLDER and mode(previous) == 0o600
    assert snapshot(db_path) == at_backup
    assert snapshot(previous) == before_restore
    # The open store sees the restored data and keeps saving.
    assert [t.name for t in store.list_teams()] == ["Ward 9"]
    store.save_draft(draft_id, dilemma="Saved after the restore")
    assert store.get_session(draft_id).dilemma == "Saved after the restore"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_store_restore_api(store, db_path: Path, tmp_path: Path, clock) -> None:
    fill(store, clock)
    saved = store.backup(tmp_path / "b.db")
    at_backup = snapshot(db_path)
    store.create_team("Gone after the restore")
    report = store.restore(saved)
    assert (report.source, report.database, report.teams, report.sessions) == (saved, db_path, 1, 2)
    assert report.previous is not None and "Gone after the restore" in team_names(report.previous)
    assert snapshot(db_path) == at_backup
    assert [t.name for t in store.list_teams()] == ["Ward 9"]


def test_restore_into_a_new_place_creates_the_database(store, db_path: Path, tmp_path: Path, capsys) -> None:
    store.create_team("Moved")
    saved = store.backup(tmp_path / "b.db")
    fresh = tmp_path / "new-laptop" / "coach.db"
    fresh.parent.mkdir()
    assert main(["--db", str(fresh), "restore", str(saved)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"Restored {saved} (1 team, 0 sessions) into {fresh}; there was no previous database to save."
    )
    assert mode(fresh) == 0o600
    with open_store(str(fresh)) as moved:
        assert [t.name for t in moved.list_teams()] == ["Moved"]


def test_restore_of_a_backup_with_another_page_size(store, db_path: Path, tmp_path: Path) -> None:
    store.create_team("Big pages")
    saved = store.backup(tmp_path / "b.db")
    conn = sqlite3.connect(saved)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    conn.close()
    store.create_team("Not in the backup")
    store.restore(saved)
    assert team_names(db_path) == ["Big pages"]
    assert [t.name for t in store.list_teams()] == ["Big pages"]
    store.create_team("After")
    assert not [p for p in db_path.parent.iterdir() if p.name.startswith(".coachtui-")]


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipe (name TEXT)")
    conn.execute("INSERT INTO recipe VALUES ('soup')")
    conn.commit()
    conn.close()


def _newer_coachtui(path: Path, source: Path) -> None:
    with open_store(str(source)) as other:
        other.create_team("From the future")
    conn = sqlite3.connect(source)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.execute("VACUUM INTO ?", (str(path),))
    conn.close()


def _damaged(path: Path, source: Path) -> None:
    with open_store(str(source)) as other:
        team = other.create_team("Damaged")
        draft = other.start_session(team.id)
        for i in range(300):
            other.add_action(draft.id, f"Action number {i} with some words to fill the pages")
    conn = sqlite3.connect(source)
    conn.execute("VACUUM INTO ?", (str(path),))
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : len(data) - page] = os.urandom(len(data) - page * 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing", "there is no file {src}; {db} is unchanged."),
        ("folder", "{src} is a folder, not a backup file; {db} is unchanged."),
        ("empty", "{src} is empty, not a coachtui backup; {db} is unchanged."),
        ("random bytes", "{src} is not a coachtui database (not an SQLite file); {db} is unchanged."),
        ("text", "{src} is not a coachtui database (not an SQLite file); {db} is unchanged."),
        ("other program", "{src} is an SQLite database of another program, not coachtui; {db} is unchanged."),
        (
            "newer coachtui",
            "{src} was written by a newer coachtui (schema 9999); upgrade coachtui to restore it. {db} is unchanged.",
        ),
        ("damaged", "{src} is damaged"),
        ("itself", "{src} is the database itself."),
    ],
)
def test_a_restore_that_is_refused_changes_nothing(
    db_path: Path, tmp_path: Path, clock, capsys, kind: str, expected: str
) -> None:
    with open_store(str(db_path), clock=clock) as store:
        fill(store, clock)
    src = tmp_path / "candidate.db"
    if kind == "folder":
        src.mkdir()
    elif kind == "empty":
        src.touch()
    elif kind == "random bytes":
        src.write_bytes(os.urandom(8192 + 100))
    elif kind == "text":
        src.write_text("SQLite format 3 is what this line starts with, but it is a note\n" * 50)
    elif kind == "other program":
        _other_program(src)
    elif kind == "newer coachtui":
        _newer_coachtui(src, tmp_path / "future.db")
    elif kind == "damaged":
        _damaged(src, tmp_path / "whole.db")
    elif kind == "itself":
        src = db_path
    files = {p.name: digest(p) for p in db_path.parent.iterdir() if p.is_file()}
    assert main(["--db", str(db_path), "restore", str(src)]) == 1
    line = one_error_line(capsys)
    message = expected.format(src=src, db=db_path)
    assert line.startswith(f"coachtui: Not restored: {message}")
    if kind == "damaged":
        assert line.endswith(f"{db_path} is unchanged.")
    assert {p.name: digest(p) for p in db_path.parent.iterdir() if p.is_file()} == files
    assert not (db_path.parent / database.BACKUP_FOLDER).exists()


def test_restore_never_writes_over_another_programs_database(tmp_path: Path, capsys) -> None:
    with open_store(str(tmp_path / "good.db")) as good:
        good.create_team("Good")
    target = tmp_path / "recipes.db"
    _other_program(target)
    before = digest(target)
    assert main(["--db", str(target), "restore", str(tmp_path / "good.db")]) == 1
    assert one_error_line(capsys) == (
        f"coachtui: Not restored: {target} is not a coachtui database, so coachtui will not write over it."
    )
    assert digest(target) == before
