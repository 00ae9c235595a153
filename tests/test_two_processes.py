"""Two coachtui processes saving into one SQLite file at the same time lose nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coachtui.store import open_store

# How long both processes hammer the database together.
CONTENTION_SECONDS = 30
WRITER = Path(__file__).with_name("concurrent_writer.py")


def read_log(path: Path) -> tuple[str, list[int], dict[str, int]]:
    session_id, drafts, actions = "", [], {}
    for line in path.read_text("utf-8").splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "session":
            session_id = rest
        elif kind == "draft":
            drafts.append(int(rest))
        elif kind == "action":
            action_id, number = rest.split()
            actions[action_id] = int(number)
    return session_id, drafts, actions


@pytest.mark.slow
def test_two_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    open_store(str(db)).close()
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writers = {}
    for name in ("A", "B"):
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, str(WRITER), str(db), str(log), name, str(CONTENTION_SECONDS), str(go)],
            env=env,
        )
        writers[name] = (process, log)
    go.touch()
    for name, (process, log) in writers.items():
        status = process.wait(timeout=CONTENTION_SECONDS + 120)
        assert status == 0, f"writer {name} failed:\n{log.read_text('utf-8')}"

    conn = sqlite3.connect(db)
    try:
        for name, (_process, log) in writers.items():
            lines = log.read_text("utf-8").splitlines()
            assert lines[-1] == "done" and not any(line.startswith("error") for line in lines)
            session_id, drafts, actions = read_log(log)
            assert drafts and actions, f"writer {name} saved nothing"
            assert drafts == list(range(len(drafts)))
            last = drafts[-1]
            assert conn.execute(
                "SELECT title, dilemma FROM coaching_session WHERE id = ?", (session_id,)
            ).fetchone() == (f"{name} title {last}", f"{name} dilemma {last}\n" * 20)
            stored = dict(
                conn.execute("SELECT id, text FROM action WHERE session_id = ?", (session_id,)).fetchall()
            )
            # Every confirmed action is there with its text, and nothing else is.
            assert stored == {ident: f"{name} action {number}" for ident, number in actions.items()}
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
