"""kill -9 while a coach is typing loses at most the last second of typing."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
import tomli_w
from tests.terminal import Terminal, coachtui_command


def _env(home: Path) -> dict[str, str]:
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(tomli_w.dumps({"coach_name": "Ana Ruiz", "name_asked": True}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(
        HOME=str(home),
        COACHTUI_CONFIG_DIR=str(config),
        COACHTUI_DATA_DIR=str(home / "data"),
        TERM="xterm-256color",
        COLUMNS="80",
        LINES="24",
    )
    return env


@pytest.mark.slow
def test_kill_9_mid_typing_keeps_the_draft(tmp_path: Path) -> None:
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
    env = _env(tmp_path / "home")

    app = Terminal(coachtui_command(db), env)
    try:
        app.wait_for("Ward 4")
        app.send("\r")
        app.wait_for("Dilemma, in your words")
        app.type("Rota chaos")
        app.send("\t", pause=0.2)
        kept = "The night team never sees the run chart and the huddle keeps moving."
        app.type(kept)
        time.sleep(1.2)  # more than a second passes: all of this must survive
        app.type(" Then the manager")  # still typing when the laptop dies
    finally:
        app.kill()

    conn = sqlite3.connect(db)
    title, dilemma, status = conn.execute("SELECT title, dilemma, status FROM coaching_session").fetchone()
    conn.close()
    assert (title, status) == ("Rota chaos", "draft")
    assert dilemma.startswith(kept)
    assert (kept + " Then the manager").startswith(dilemma)

    again = Terminal(coachtui_command(db), env)
    try:
        screen = again.wait_for("Unfinished sessions")
        assert "Rota chaos" in screen and "Ward 4" in screen
        again.send("\r")
        screen = again.wait_for("The night team never sees")
        assert "Dilemma, in your words" in screen
        again.send("\x11")  # ctrl+q
        assert again.wait_exit() == 0
    except BaseException:
        again.kill()
        raise
