"""ctrl+q does not wait for work that has nothing to save (issue 19).

After the store opens, the app reads the category model and learns from past
sessions in a background thread: only reading. Quitting while that runs must end
the process straight away, and still leave every typed word in the database.

The test makes that reading last a minute (a sitecustomize module on the child's
PYTHONPATH wraps ``load_model``: it marks a file when the read starts, then sleeps)
so the quit is caught while it runs on any machine, however loaded.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from tests.terminal import Terminal, coachtui_command

SLOW_MODEL = """
import os, time
import coachtui.catalog.classifier as classifier

_load = classifier.load_model

def load_model():
    with open(os.environ["SLOW_MODEL_MARK"], "w") as mark:
        mark.write("reading")
    time.sleep(60)
    return _load()

classifier.load_model = load_model
"""


def _env(home: Path, sitecustomize: str) -> dict[str, str]:
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(tomli_w.dumps({"coach_name": "Ana Ruiz", "name_asked": True}))
    site = home / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(sitecustomize)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(
        HOME=str(home),
        COACHTUI_CONFIG_DIR=str(config),
        COACHTUI_DATA_DIR=str(home / "data"),
        TERM="xterm-256color",
        PYTHONPATH=str(site),
        SLOW_MODEL_MARK=str(home / "model-read-started"),
    )
    return env


def _wait_for_file(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def _type_and_quit(tmp_path: Path, sitecustomize: str, started: Callable[[Path], None] | None = None) -> list[tuple]:
    """A coach starts a session of Ward 4, types a title and presses ctrl+q at once,
    in a coachtui slowed by ``sitecustomize`` (``started(home)`` once the team list is
    up): the app must quit well within the minute the slowed work lasts. The
    sessions the database holds afterwards (title, status)."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
    home = tmp_path / "home"
    env = _env(home, sitecustomize)

    app = Terminal(coachtui_command(db), env)
    try:
        app.wait_for("Ward 4")
        if started is not None:
            started(home)
        app.send("\r")
        app.wait_for("Dilemma, in your words")
        app.type("Rota chaos")
        app.send("\x11")  # ctrl+q at once: the title is still on its way to the database
        # Far less than the minute the slowed work lasts.
        assert app.wait_exit(timeout=30) == 0
    except BaseException:
        app.kill()
        raise

    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT title, status FROM coaching_session").fetchall()
    conn.close()
    return rows


@pytest.mark.slow
def test_quit_does_not_wait_for_reading_work_and_keeps_what_was_typed(tmp_path: Path) -> None:
    # the store is open once the model read has started (and sleeps)
    rows = _type_and_quit(tmp_path, SLOW_MODEL, lambda home: _wait_for_file(home / "model-read-started"))
    assert rows == [("Rota chaos", "draft")]


# The terminal's input thread selects with a 0.1 s timeout; this stretches every
# such timeout of the selector it uses (SelectSelector: asyncio's loop uses another)
# to a minute, so a quit that waits for the timeout is caught on any machine.
SLOW_SELECT = """
import selectors

_select = selectors.SelectSelector.select

def select(self, timeout=None):
    return _select(self, 60 if timeout else timeout)

selectors.SelectSelector.select = select
"""


@pytest.mark.slow
def test_quit_does_not_wait_for_the_terminal_reader_to_time_out(tmp_path: Path) -> None:
    assert _type_and_quit(tmp_path, SLOW_SELECT) == [("Rota chaos", "draft")]
