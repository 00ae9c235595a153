"""The first screen of the installed ``coachtui`` on a real terminal, for every kind of
database it may meet (issue 19, item 2).

A plain database of the current schema shows its team list read with the standard
library before the store opens; a team picked from that list at once is coached in
the store opened behind it. Anything else takes the store's own path, with no
error: an older schema is migrated and then listed, an encrypted file asks for its
passphrase, a newer coachtui's database is refused in one line and left untouched.
What counts is the screen and what the database holds afterwards.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest
import tomli_w
from tests.terminal import Terminal

TITLE = "Rota chaos"


def _command(db: Path) -> list[str]:
    """The installed console script (as a coach runs it), else the module."""
    script = Path(sys.executable).with_name("coachtui")
    return [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "coachtui"]),
            "--db", str(db)]


def _env(home: Path) -> dict[str, str]:
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(tomli_w.dumps({"coach_name": "Ana Ruiz", "name_asked": True}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(HOME=str(home), COACHTUI_CONFIG_DIR=str(config), COACHTUI_DATA_DIR=str(home / "data"),
               TERM="xterm-256color")
    return env


def _sessions(db: Path, passphrase: str | None = None) -> list[tuple[str, str, str]]:
    sql = ("SELECT t.name, s.title, s.status FROM coaching_session AS s JOIN team AS t ON t.id = s.team_id "
           "WHERE s.title != '' ORDER BY t.name")
    if passphrase is not None:
        from tests.encrypted import cipher_query

        return [tuple(row) for row in cipher_query(db, sql, passphrase)]  # type: ignore[misc]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _coach_a_team(app: Terminal, team: str, *, to_review: bool = False) -> None:
    """Pick ``team`` from the list as soon as it shows, type a title, quit at once
    (past the review of earlier actions, when the team has some)."""
    app.wait_for(team, timeout=30)
    app.send("\r")  # the first team in the list: the most recently coached
    if to_review:
        app.wait_for("Actions from earlier sessions", timeout=30)
        app.send("\x0e")  # ctrl+n: the next step
    app.wait_for("Dilemma, in your words", timeout=30)
    app.type(TITLE)
    app.send("\x11")  # ctrl+q: the title is saved before the process ends
    assert app.wait_exit(timeout=30) == 0


def _current(db: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db)) as store:
        store.create_team("Maple Clinic")
        ward = store.create_team("Ward 4")
        store.start_session(ward.id, coach="Ana Ruiz")  # coached last: first in the list


@pytest.mark.slow
def test_a_current_database_lists_its_teams_and_a_team_picked_at_once_is_coached(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    _current(db)
    app = Terminal(_command(db), _env(tmp_path / "home"), size=(100, 30))
    try:
        screen = app.wait_for("Ward 4", timeout=30)
        assert "Maple Clinic" in screen
        _coach_a_team(app, "Ward 4")
    except BaseException:
        app.kill()
        raise
    assert _sessions(db) == [("Ward 4", TITLE, "draft")]


@pytest.mark.slow
def test_an_older_schema_is_migrated_behind_the_first_screen_then_listed(tmp_path: Path) -> None:
    from tests.test_search_index import _database_at_0001

    from coachtui.store.db import database

    db = tmp_path / "old.db"
    _database_at_0001(db, sessions=3)  # the team "Old ward", schema 0001
    app = Terminal(_command(db), _env(tmp_path / "home"), size=(100, 30))
    try:
        _coach_a_team(app, "Old ward")
    except BaseException:
        app.kill()
        raise
    assert _sessions(db) == [("Old ward", "Session 0", "completed"), ("Old ward", "Session 1", "completed"),
                             ("Old ward", "Session 2", "completed"), ("Old ward", TITLE, "draft")]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == database.HEAD_REVISION
    finally:
        conn.close()


@pytest.mark.slow
def test_an_encrypted_database_asks_for_its_passphrase_then_lists_its_teams(tmp_path: Path) -> None:
    from tests.encrypted import PASSPHRASE, encrypted_database

    db = tmp_path / "secret.db"
    encrypted_database(db)  # the team "Ward 9" with one completed session
    app = Terminal(_command(db), _env(tmp_path / "home"), size=(100, 30))
    try:
        app.wait_for("This database is encrypted", timeout=30)
        app.send(PASSPHRASE + "\r")
        _coach_a_team(app, "Ward 9", to_review=True)  # its session agreed an action
    except BaseException:
        app.kill()
        raise
    assert sorted(_sessions(db, PASSPHRASE)) == [("Ward 9", "Quokkaline handover muddle", "completed"),
                                                  ("Ward 9", TITLE, "draft")]


@pytest.mark.slow
def test_a_newer_coachtuis_database_is_refused_in_one_line_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    _current(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    app = Terminal(_command(db), _env(tmp_path / "home"), size=(100, 30))
    # Everything written, not just the final screen: the message is printed as the
    # full-screen app leaves, over whatever the emulator still shows.
    written = bytearray()
    feed = app.stream.feed

    def keep(data: bytes) -> None:
        written.extend(data)
        feed(data)

    app.stream.feed = keep  # type: ignore[method-assign]
    try:
        code = app.wait_exit(timeout=60)
    except BaseException:
        app.kill()
        raise
    shown = re.sub(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|.)", "", written.decode("utf-8", "replace"))
    shown = " ".join(shown.split())
    assert code == 1
    assert "written by a newer coachtui (schema 9999)" in shown
    assert "Traceback" not in shown
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
