"""Two coachtui windows on one session, in two tmux panes (the tester's setup: keys
sent in bursts with ``tmux send-keys``), both writing a review note on the same
earlier action. Whoever keeps theirs, neither window's words are lost: the other
window's note is merged in or kept in a rescue file.

tmux runs on a private socket of its own (``-L``), never the default server.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.terminal import coachtui_command
from tests.test_kill import _env

from coachtui.ui.modals import TYPING_PAUSE
from coachtui.ui.typeahead import REACTION

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux"),
]


class Panes:
    """Two panes of one tmux window, on a private server."""

    def __init__(self, commands: list[str]) -> None:
        self.socket = f"coachtui-test-{uuid.uuid4().hex[:12]}"
        self.tmux("new-session", "-d", "-s", "t", "-x", "200", "-y", "30", commands[0])
        self.tmux("split-window", "-h", "-t", "t", commands[1])
        self.tmux("select-layout", "-t", "t", "even-horizontal")
        self.path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], check=False, capture_output=True, text=True, timeout=20)
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def text(self, pane: int) -> str:
        return self.tmux("capture-pane", "-p", "-t", f"t.{pane}")

    def keys(self, pane: int, text: str) -> None:
        """``text`` typed in one burst, as ``send-keys -l`` does."""
        self.tmux("send-keys", "-t", f"t.{pane}", "-l", text)

    def key(self, pane: int, *names: str) -> None:
        self.tmux("send-keys", "-t", f"t.{pane}", *names)

    def wait_for(self, pane: int, text: str, timeout: float = 20.0) -> None:
        """Until ``text`` is in the pane, and as long again as a person takes to react to
        it (typeahead.REACTION: a key sooner than that was typed before they saw it)."""
        _until(lambda: text in self.text(pane), f"{text!r} in pane {pane}", timeout, lambda: self.text(pane))
        time.sleep(REACTION)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True, timeout=20)
        self.path.unlink(missing_ok=True)  # the server leaves its socket behind


def _until(condition: Callable[[], bool], what: str, timeout: float = 20.0, shown: Callable[[], str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f"; the pane shows:\n{shown()}" if shown else ""))


def _waiting_notes(db: Path, session_id: str) -> dict[str, str]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        row = conn.execute("SELECT review_draft FROM coaching_session WHERE id = ?", (session_id,)).fetchone()
    finally:
        conn.close()
    return json.loads(row[0]) if row and row[0] else {}


def _session(db: Path) -> tuple[str, str]:
    """Ward 4 had a session that agreed an action; a draft reviewing it is open."""
    from coachtui.store import open_store

    with open_store(str(db)) as store:
        team = store.create_team("Ward 4")
        first = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(first.id, title="Falls at night", dilemma="Nobody reads the run chart.")
        action = store.add_action(first.id, "Ask matron for protected time", owner="Lee")
        store.complete_session(first.id)
        draft = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(draft.id, title="Rota chaos", step="review")
        return draft.id, action.id


def test_review_notes_typed_in_two_tmux_panes_are_both_kept(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    session_id, action_id = _session(db)
    homes = [tmp_path / "home-a", tmp_path / "home-b"]
    commands = []
    for home in homes:
        env = _env(home)
        env.update(COLUMNS="100", LINES="30")
        commands.append(shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *coachtui_command(db)]))
    panes = Panes(commands)
    try:
        for pane in (0, 1):
            panes.wait_for(pane, "Unfinished sessions")
            panes.key(pane, "Enter")
        for pane in (0, 1):
            panes.wait_for(pane, "Ask matron")
        panes.key(1, "n")  # window two opens the note and leaves it open
        panes.wait_for(1, "Note on")
        panes.key(0, "n")
        panes.wait_for(0, "Note on")
        panes.keys(0, "AAA from window one")
        panes.key(0, "Escape")
        _until(lambda: "AAA" in _waiting_notes(db, session_id).get(action_id, ""), "window one's note saved")
        panes.keys(1, "BBB from window two")
        # refused (window one saved first): asked once the typing pauses, unless
        # window two had shown window one's note already (then its words follow it)
        _until(
            lambda: "Changed in another window" in panes.text(1)
            or "BBB" in _waiting_notes(db, session_id).get(action_id, ""),
            "the question or window two's note saved",
        )
        if "Changed in another window" in panes.text(1):
            time.sleep(TYPING_PAUSE + 0.2)  # reads the question
            panes.key(1, "k")
        _until(lambda: "BBB from window two" in _waiting_notes(db, session_id).get(action_id, ""), "window two's note")
        note = _waiting_notes(db, session_id)[action_id]
        rescued = " ".join(p.read_text("utf-8") for p in (homes[1] / "data" / "unsaved").glob("*-theirs-*.md"))
        assert "AAA from window one" in note or "AAA from window one" in rescued, (note, rescued)
    finally:
        panes.close()
