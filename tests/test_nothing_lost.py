"""The fault suite of issue 15: no command, fault or typo may destroy a coach's notes.

Each test drives the real ``coachtui`` command in a subprocess (or the store where the
fault lives in the store, such as backup rotation) and then looks at the files on
disk: their bytes, modes and what sqlite3 finds in them, the exit code and the one
line on stderr. The database they start from is made once per run, by
``coachtui demo-data``, and copied for each test, so the suite stays quick.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coachtui.store.db import database

SESSIONS = 40


# --- helpers -------------------------------------------------------------------------------


def coachtui(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command with its own data and settings folders under ``home``."""
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "COACHTUI_DATA_DIR": str(home / "data"),
        "COACHTUI_CONFIG_DIR": str(home / "config"),
    }
    env.pop("COACHTUI_DB", None)
    env.pop("COACHTUI_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "coachtui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one-line error of a command that was refused (exit 1, nothing on stdout)."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("coachtui: "), result.stderr
    return lines[0]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The same command in this process (``main``), for the many variations of a case
    whose first example runs as a real process: quicker, same code path."""
    from coachtui.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, out, err)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def listing(folder: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every file under ``folder``: size, mode, modification time (ns), content digest."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        content = digest(path) if path.is_file() else ""
        found[str(path.relative_to(folder))] = (info.st_size, info.st_mode, info.st_mtime_ns, content)
    return found


def sessions_in(path: Path) -> int:
    # immutable: a read-only connection would leave -wal and -shm files beside a
    # closed WAL database, which the tests check never appear.
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        return int(conn.execute("SELECT count(*) FROM coaching_session").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed database of SESSIONS invented sessions, made once by ``coachtui demo-data``."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    result = coachtui(
        "--db", str(path), "demo-data", "--sessions", str(SESSIONS), "--teams", "4", "--as-of", "2026-11-01", "--no-set",
        home=folder / "home",
    )
    assert result.returncode == 0, result.stderr
    assert not path.with_name("template.db-wal").exists()
    return path


@pytest.fixture(scope="module")
def export_file(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON export of the template, for ``import``."""
    path = tmp_path_factory.mktemp("export") / "some.json"
    result = coachtui("--db", str(demo_template), "export", "-o", str(path), home=path.parent / "home")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def notes(tmp_path: Path, demo_template: Path) -> Path:
    """A coach's database, ``notes.db``, in its own folder (mode 0600, closed)."""
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "notes.db"
    shutil.copyfile(demo_template, path)
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


# --- 1. export never writes over the database, a backup or a file it did not write ---------


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_export_onto_the_database_itself_is_refused(notes: Path, home: Path, fmt: str) -> None:
    before = digest(notes)
    result = coachtui("--db", str(notes), "export", "--format", fmt, "-o", str(notes), home=home)
    assert refused(result) == (
        f"coachtui: not exported: {notes} is the database itself; choose another file name"
    )
    assert digest(notes) == before and sessions_in(notes) == SESSIONS
    assert sorted(p.name for p in notes.parent.iterdir()) == ["notes.db"]


def test_export_onto_the_database_by_another_name_is_refused(
    notes: Path, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative path, a symbolic link or a hard link to the database are the database."""
    link = notes.with_name("link.md")
    link.symlink_to(notes)
    hard = notes.with_name("hard.md")
    os.link(notes, hard)
    before = digest(notes)
    monkeypatch.chdir(notes.parent)
    for output in ("notes.db", str(link), str(hard), "../work/./notes.db"):
        result = cli(capsys, "--db", "notes.db", "export", "--format", "md", "-o", output)
        assert "is the database itself" in refused(result), output
    assert digest(notes) == before and sessions_in(notes) == SESSIONS


def test_export_onto_the_databases_side_files_and_backups_is_refused(
    notes: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from coachtui.store.db.backup import backup_database

    backup = backup_database(notes)
    backups = notes.parent / database.BACKUP_FOLDER
    assert backup.parent == backups
    elsewhere = notes.parent / "copy-for-safety.db"
    shutil.copyfile(backup, elsewhere)  # a backup the coach keeps elsewhere
    before = listing(notes.parent)
    result = coachtui("--db", str(notes), "export", "--format", "md", "-o", str(backup), "--force", home=home)
    assert refused(result) == f"coachtui: not exported: {backup} is in the backups folder; choose another folder"
    cases = {
        (f"{notes}-wal",): "is the database's own -wal file",
        (f"{notes}-shm",): "is the database's own -shm file",
        (f"{notes}-journal", "--force"): "is the database's own -journal file",
        (str(backups / "report.md"),): "is in the backups folder",
        (str(elsewhere), "--force"): "is a database",
        (f"{elsewhere}-wal", "--force"): f"belongs to the database {elsewhere}",
    }
    for args, reason in cases.items():
        result = cli(capsys, "--db", str(notes), "export", "--format", "md", "-o", *args)
        assert reason in refused(result), args
    assert listing(notes.parent) == before
    assert sessions_in(notes) == SESSIONS and sessions_in(backup) == SESSIONS and sessions_in(elsewhere) == SESSIONS


def test_export_onto_the_default_database_is_refused(
    notes: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Onto the coach's own database at the default place: from another database, and
    with no --db (when it is the database itself)."""
    default = home / "data" / "coachtui.db"
    default.parent.mkdir(parents=True)
    result = coachtui("--db", str(notes), "export", "--format", "md", "-o", str(default), home=home)
    assert refused(result) == f"coachtui: not exported: {default} is the default database; choose another file name"
    assert not default.exists()
    shutil.copyfile(notes, default)
    before = digest(default)
    result = cli(capsys, "--db", str(notes), "export", "--format", "csv", "-o", str(default), "--force")
    assert "is the default database" in refused(result)
    result = cli(capsys, "export", "--format", "json", "-o", str(default))
    assert "is the database itself" in refused(result)
    assert digest(default) == before and sessions_in(default) == SESSIONS


def test_export_does_not_replace_a_file_it_did_not_write_without_force(notes: Path, home: Path) -> None:
    own = notes.with_name("minutes.md")
    own.write_text("# Minutes of the network meeting\n\nTyped by hand, no copy anywhere else.\n")
    os.chmod(own, 0o644)
    before = digest(own)
    result = coachtui("--db", str(notes), "export", "-o", str(own), home=home)
    assert refused(result) == (
        f"coachtui: not exported: {own} already exists and is not an earlier coachtui Markdown export; "
        "choose another file name, or add --force to replace it"
    )
    assert digest(own) == before and mode(own) == 0o644
    result = coachtui("--db", str(notes), "export", "-o", str(own), "--force", home=home)
    assert result.returncode == 0, result.stderr
    assert own.read_text().startswith("# Coaching report\n") and mode(own) == 0o600
    assert sorted(p.name for p in notes.parent.iterdir()) == ["minutes.md", "notes.db"]


def test_an_earlier_export_of_the_same_kind_is_replaced_another_kind_is_not(
    notes: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = notes.parent
    report = folder / "report.md"
    assert coachtui("--db", str(notes), "export", "-o", str(report), home=home).returncode == 0
    again = coachtui("--db", str(notes), "export", "-o", str(report), home=home)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"Exported {SESSIONS} sessions of 4 teams to {report} as md.\n"
    for name in ("all.json", "tables.zip", "sessions.csv"):
        for _ in range(2):
            result = cli(capsys, "--db", str(notes), "export", "-o", str(folder / name))
            assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(folder / "tables.zip") as archive:
        assert archive.namelist() == ["sessions.csv", "actions.csv"]
    # A Markdown report is not replaced by JSON, nor a zip of tables by one table, unasked.
    before = listing(folder)
    for fmt, name in (("json", "report.md"), ("md", "all.json"), ("csv", "report.md"), ("md", "tables.zip"),
                      ("json", "sessions.csv")):
        result = cli(capsys, "--db", str(notes), "export", "--format", fmt, "-o", str(folder / name))
        assert "already exists and is not an earlier coachtui" in refused(result), (fmt, name)
    assert listing(folder) == before
    # No unfinished temporary file is ever left behind.
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_export_never_replaces_something_that_is_not_a_plain_file(
    notes: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A named pipe (reading it to see what it is would hang), even with --force."""
    pipe = notes.with_name("pipe.md")
    os.mkfifo(pipe)
    result = coachtui("--db", str(notes), "export", "-o", str(pipe), "--force", home=home)
    assert refused(result) == f"coachtui: not exported: cannot write {pipe}: it is not a regular file"
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


# --- 7. an unknown suffix without --format ----------------------------------------------------


def test_an_unknown_suffix_without_format_is_an_error(notes: Path, home: Path) -> None:
    out = notes.with_name("out.xlsx")
    result = coachtui("--db", str(notes), "export", "-o", str(out), home=home)
    assert refused(result) == (
        f"coachtui: cannot tell which format to write to {out}: name it .md, .json, .csv or .zip, "
        "or give --format md, csv or json"
    )
    assert not out.exists()
    ok = coachtui("--db", str(notes), "export", "-o", str(out), "--format", "json", home=home)
    assert ok.returncode == 0 and out.read_text().startswith("{")


# --- 4. an adopted empty file, and backup rotation --------------------------------------------


@pytest.mark.parametrize("kind", ["zero bytes", "empty SQLite"])
def test_an_adopted_empty_file_becomes_private(tmp_path: Path, home: Path, kind: str) -> None:
    path = tmp_path / "shared.db"
    if kind == "zero bytes":
        path.touch()
    else:
        sqlite3.connect(path).close()
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 0")
        conn.close()
    os.chmod(path, 0o644)
    result = coachtui("--db", str(path), "demo-data", "--sessions", "3", "--teams", "1", "--no-set", home=home)
    assert result.returncode == 0, result.stderr
    assert mode(path) == 0o600 and sessions_in(path) == 3
    for side in (path.with_name("shared.db-wal"), path.with_name("shared.db-shm")):
        assert not side.exists() or mode(side) == 0o600


def _day(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, 1, 9, 0).astimezone() + dt.timedelta(days=day)


def test_rotation_never_deletes_good_backups_because_of_a_new_empty_database(notes: Path) -> None:
    """The database is emptied (a zero-byte file, as after a bad copy); coachtui adopts it
    as a new database; weeks of daily backups of the new one never push out the old ones
    (the issue saw 14 of 14 go; 7 are kept here to keep the test quick)."""
    from coachtui.store import open_store

    keep = 7
    with open_store(str(notes)) as store:
        for day in range(keep):
            store.ensure_daily_backup(keep=keep, now=_day(day))
    folder = notes.parent / database.BACKUP_FOLDER
    good = {p.name: digest(p) for p in folder.iterdir()}
    assert len(good) == keep
    notes.write_bytes(b"")
    with open_store(str(notes)) as store:
        store.create_team("Starting again")
        for day in range(keep, 3 * keep):
            store.ensure_daily_backup(keep=keep, now=_day(day))
    after = {p.name: digest(p) for p in folder.iterdir()}
    assert {name: after.get(name) for name in good} == good
    new = sorted(set(after) - set(good))
    assert new == [f"notes-daily-{_day(day):%Y-%m-%d}.db" for day in range(2 * keep, 3 * keep)]
    for name in good:
        assert sessions_in(folder / name) == SESSIONS


def test_rotation_deletes_only_daily_backups_it_made(notes: Path) -> None:
    from coachtui.store import open_store

    folder = notes.parent / database.BACKUP_FOLDER
    folder.mkdir(mode=0o700)
    # Files with a daily backup's name that coachtui did not make: a copy the coach put
    # there by hand (of this very database) and another program's file.
    by_hand = folder / "notes-daily-2020-01-01.db"
    shutil.copyfile(notes, by_hand)
    foreign = folder / "notes-daily-2020-01-02.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    # A daily backup of this database that the coach renamed.
    with open_store(str(notes)) as store:
        made = store.ensure_daily_backup(keep=3, now=_day(0))
        assert made is not None
        renamed = folder / "notes-daily-2020-01-03.db"
        made.rename(renamed)
        kept = {p: digest(p) for p in (by_hand, foreign, renamed)}
        for day in range(1, 10):
            store.ensure_daily_backup(keep=3, now=_day(day))
    assert {p: digest(p) for p in kept} == kept
    daily = sorted(p.name for p in folder.iterdir() if p not in kept)
    assert daily == [f"notes-daily-{_day(day):%Y-%m-%d}.db" for day in range(7, 10)]


# --- 5. reading commands never create a database ---------------------------------------------


@pytest.mark.parametrize("command", [["search", "staff"], ["export"], ["info"]], ids=lambda c: c[0])
def test_a_reading_command_on_a_missing_database_is_an_error(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    typo = folder / "demo_typo.db"
    result = coachtui("--db", str(typo), *command, home=home)
    assert refused(result) == (
        f"coachtui: there is no database at {typo}; check the path "
        "(the app, 'coachtui import' and 'coachtui demo-data' start a new one)"
    )
    assert list(folder.iterdir()) == []
    deep = folder / "no" / "such" / "folder" / "notes.db"
    result = cli(capsys, "--db", str(deep), *command)
    assert f"there is no database at {deep};" in refused(result)
    assert list(folder.iterdir()) == []


def test_the_default_database_missing_is_an_error_for_a_reading_command(home: Path) -> None:
    result = coachtui("search", "staff", home=home)
    assert str(home / "data" / "coachtui.db") in refused(result)
    assert not (home / "data").exists()


@pytest.mark.parametrize("command", [["demo-data", "--sessions", "2"], ["import", "IMPORT"]], ids=lambda c: c[0])
def test_a_database_in_a_folder_that_does_not_exist_is_an_error(
    tmp_path: Path, export_file: Path, home: Path, command: list[str]
) -> None:
    command = [str(export_file) if word == "IMPORT" else word for word in command]
    missing = tmp_path / "typo" / "deeper" / "new.db"
    result = coachtui("--db", str(missing), *command, home=home)
    assert refused(result) == f"coachtui: cannot create {missing}: the folder {missing.parent} does not exist"
    assert not (tmp_path / "typo").exists()
    # In a folder that exists, they start a new database, as they always did.
    fresh = tmp_path / "fresh.db"
    result = coachtui("--db", str(fresh), *command, home=home)
    assert result.returncode == 0, result.stderr
    assert mode(fresh) == 0o600


# --- 6. a refused database and its folder are left exactly as they were ----------------------


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()


def _damaged(path: Path) -> None:
    """Overwrite the second page (a table's root) with garbage: the header still says
    SQLite in WAL mode, so the file is opened before it turns out to be damaged."""
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek(page)
        handle.write(b"\xff" * page)
    conn = sqlite3.connect(path)
    conn.close()


@pytest.mark.parametrize(
    ("fault", "command"),
    [
        ("newer", ["info"]),
        ("newer", ["import", "IMPORT"]),
        ("damaged", ["search", "staff"]),
        ("damaged", ["import", "IMPORT"]),
        ("damaged", ["backup"]),
    ],
    ids=lambda value: value if isinstance(value, str) else value[0],
)
def test_a_refused_database_and_its_folder_are_left_as_they_were(
    notes: Path, home: Path, export_file: Path, fault: str, command: list[str]
) -> None:
    (_newer if fault == "newer" else _damaged)(notes)
    with open(notes, "rb") as handle:
        assert handle.read(20)[18:20] == b"\x02\x02"  # the header says WAL
    before = listing(notes.parent)
    command = [str(export_file) if word == "IMPORT" else word for word in command]
    line = refused(coachtui("--db", str(notes), *command, home=home))
    assert ("newer coachtui" if fault == "newer" else "damaged") in line
    assert listing(notes.parent) == before


def test_a_damaged_backup_offered_to_restore_is_left_as_it_was(notes: Path, home: Path, tmp_path: Path) -> None:
    """Damage deep inside (a sessions page): the file opens, then fails its check."""
    backup = tmp_path / "usb" / "old-backup.db"
    backup.parent.mkdir()
    shutil.copyfile(notes, backup)
    conn = sqlite3.connect(backup)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(backup, "r+b") as handle:
        handle.seek(page * (pages // 2))
        handle.write(b"\xff" * page)
    before, database_before = listing(backup.parent), digest(notes)
    line = refused(coachtui("--db", str(notes), "restore", str(backup), home=home))
    assert line.startswith(f"coachtui: Not restored: {backup} is damaged")
    assert listing(backup.parent) == before
    assert digest(notes) == database_before


def test_rotation_of_an_encrypted_databases_daily_backups(tmp_path: Path) -> None:
    """Encrypted backups are read (with the database's key) to know they are its own."""
    pytest.importorskip("sqlcipher3")
    from tests.encrypted import PASSPHRASE, encrypted_database

    from coachtui.store import open_store

    path = tmp_path / "locked.db"
    encrypted_database(path)
    with open_store(str(path), passphrase=PASSPHRASE) as store:
        for day in range(5):
            store.ensure_daily_backup(keep=2, now=_day(day))
    folder = tmp_path / database.BACKUP_FOLDER
    daily = sorted(p.name for p in folder.iterdir() if "-daily-" in p.name)
    assert daily == [f"locked-daily-{_day(day):%Y-%m-%d}.db" for day in (3, 4)]
    assert not [p for p in folder.iterdir() if p.name.endswith(("-wal", "-shm"))]
