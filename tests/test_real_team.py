"""The team step in a real terminal, keys sent in one burst the way tmux send-keys or
a laggy SSH link delivers them; what counts is what the database holds afterwards."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.terminal import Terminal, coachtui_command
from tests.test_kill import _env

DEADLINE = 30.0  # seconds: generous, for a loaded 2-core CI machine


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _until(app: Terminal, condition: Callable[[], bool], what: str) -> None:
    """Keep reading the screen until ``condition()`` holds (or the deadline passes)."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never happened; the screen shows:\n{app.text()}")
        app.pump(0.1)


def _wait_until_open(app: Terminal, db: Path) -> None:
    """Until the database is open in the app: today's backup is made straight after
    (a file a test can see), so from then on every key reaches an open database."""
    from coachtui.store.db.database import backup_folder

    folder = backup_folder(db)
    _until(app, lambda: folder.is_dir() and any(folder.iterdir()), "the database opening (today's backup)")


def _style_at(app: Terminal, text: str) -> tuple[object, ...]:
    """Colours and weight of the first character of ``text`` on screen (the team
    list's highlighted row is drawn differently when the list has the focus)."""
    lines = app.text().splitlines()
    y = next(i for i, line in enumerate(lines) if text in line)
    char = app.screen.buffer[y][lines[y].index(text)]
    return (char.fg, char.bg, char.bold, char.reverse)


def _alive(app: Terminal) -> bool:
    pid, _status = os.waitpid(app.pid, os.WNOHANG)
    return pid == 0


def _sessions_of(db: Path, team: str) -> int:
    return _rows(
        db, f"SELECT count(*) FROM coaching_session s JOIN team t ON t.id = s.team_id WHERE t.name = '{team}'"
    )[0][0]


@pytest.mark.slow
def test_a_new_team_typed_in_one_burst_at_start_is_created_once(tmp_path: Path) -> None:
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        app.wait_for("Type to find a team")  # the first frame: the database is still opening
        app.send("Ward 7\r")  # one burst, racing the database opening and the list's reload
        _until(app, lambda: _sessions_of(db, "Ward 7") >= 1, "a session for Ward 7")
        app.wait_for("Dilemma, in your words")
        assert _alive(app)
        assert _sessions_of(db, "Ward 7") == 1
        app.send("\x11")  # ctrl+q (the draft is still empty: it is not kept)
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise
    assert _rows(db, "SELECT name FROM team ORDER BY name") == [("Ward 4",), ("Ward 7",)]


@pytest.mark.slow
def test_typing_a_name_on_the_team_list_never_archives_or_renames(tmp_path: Path) -> None:
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        for name in ("Ward 7", "Year 9 maths", "Ward 4"):  # Ward 4 is the newest: top of the list
            store.create_team(name)
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        app.wait_for("Year 9 maths")
        _wait_until_open(app, db)
        unfocused = _style_at(app, "Ward 4")  # the top row, highlighted
        app.send("\t")  # to the list
        _until(app, lambda: _style_at(app, "Ward 4") != unfocused, "the list taking the focus")
        app.send("ward 7\r")  # a team's name typed on the list, in one burst
        _until(app, lambda: _sessions_of(db, "Ward 7") >= 1, "a session for Ward 7")
        app.wait_for("Dilemma, in your words")
        assert _alive(app)
        assert _sessions_of(db, "Ward 7") == 1
        app.send("\x11")
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise
    assert _rows(db, "SELECT name, archived FROM team ORDER BY name") == [
        ("Ward 4", 0), ("Ward 7", 0), ("Year 9 maths", 0)
    ]


@pytest.mark.slow
def test_archive_and_undo_in_one_burst(tmp_path: Path) -> None:
    """ctrl+o archives the highlighted team; ctrl+z straight after brings it back."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        for name in ("Ward 7", "Ward 4"):
            store.create_team(name)
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        app.wait_for("Ward 7")
        _wait_until_open(app, db)
        app.send("ward 7\x0f\x1a")  # filter, ctrl+o (archive), ctrl+z (undo), in one burst
        app.wait_for("Restored Ward 7")
        assert _rows(db, "SELECT name, archived FROM team ORDER BY name") == [("Ward 4", 0), ("Ward 7", 0)]
        app.send("\x0f")  # archive it again, for good this time
        app.wait_for("Archived Ward 7")
        _until(app, lambda: _rows(db, "SELECT archived FROM team WHERE name = 'Ward 7'") == [(1,)], "the archive")
        assert _alive(app)
        app.send("\x11")
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise
    assert _rows(db, "SELECT name, archived FROM team ORDER BY name") == [("Ward 4", 0), ("Ward 7", 1)]
