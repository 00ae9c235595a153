"""What a coach types reaches the database, or the coach is told: in a real terminal.

Each test drives ``python -m coachtui`` on a pseudo-terminal (keys sent in bursts,
as tmux send-keys or a laggy link sends them) and then reads the SQLite file.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.terminal import Terminal, coachtui_command
from tests.test_kill import _env

from coachtui.ui.modals import TYPING_PAUSE

pytestmark = pytest.mark.slow



def _rows(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _everything(db: Path) -> str:
    """All the text the database file holds (wherever the app chose to keep it)."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def _until(condition: Callable[[], bool], what: str, timeout: float = 15.0, *, drawing: tuple[Terminal, ...] = ()) -> None:
    """Wait for ``condition``, reading what the ``drawing`` terminals draw meanwhile
    (as a terminal would: an app whose output nobody reads stops when the pty is full)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for terminal in drawing:
            terminal.pump(0.05)
        if not drawing:
            time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _draft(db: Path, title: str = "Rota chaos", dilemma: str = "Night shift misses the huddle.") -> str:
    """A team with one draft on its dilemma step (as if started earlier)."""
    from coachtui.store import open_store

    with open_store(str(db)) as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(session.id, title=title, dilemma=dilemma, step="dilemma")
        return session.id


def _go(app: Terminal, step: str) -> None:
    """ctrl+g, then the step's number once the picker shows."""
    app.send("\x07")
    app.wait_for("Go to step")
    app.send(step)


def _resume(app: Terminal) -> None:
    app.wait_for("Unfinished sessions")
    app.send("\r")
    app.wait_for("Ward 4 — Rota chaos")


def _kill_all(*apps: Terminal) -> None:
    """A failed test leaves no app running (one may have exited already)."""
    for app in apps:
        try:
            app.kill()
        except OSError:
            pass


def _both_open(first: Terminal, second: Terminal) -> None:
    """Both windows show the draft, opened at the same moment; the coach types at
    once (test_two_windows_opening_one_draft_at_the_same_moment_then_typing_at_once)."""
    for app in (first, second):
        app.wait_for("Unfinished sessions")
    for app in (first, second):
        app.send("\r")
    for app in (first, second):
        app.wait_for("Ward 4 — Rota chaos")


# --- item 5: everything typed is a draft within a second -------------------------------------


def test_an_action_half_typed_survives_kill_9_and_is_offered_again(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    _draft(db)
    env = _env(tmp_path / "home")
    app = Terminal(coachtui_command(db), env)
    typed = "Ask the night team to run the huddle on Thursday at 7"
    try:
        _resume(app)
        _go(app, "6")
        app.wait_for("New action")
        app.send(typed)
        app.wait_for("Thursday at 7")
        # Typed, not added: the database must hold it within a second or so.
        _until(lambda: typed in _everything(db), "the typed action")
    finally:
        app.kill()

    again = Terminal(coachtui_command(db), env)
    try:
        _resume(again)
        _go(again, "6")
        again.wait_for("Ask the night team")
        again.send("\r")  # enter adds it, as if never interrupted
        _until(lambda: _rows(db, "SELECT text FROM action") == [(typed,)], "the action")
        again.send("\x11")
        assert again.wait_exit() == 0
    except BaseException:
        again.kill()
        raise
    # Once added, it is no longer kept as half-typed: a restart offers an empty form.
    assert _rows(db, "SELECT action_draft FROM coaching_session") == [("",)]


def test_a_question_note_typed_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    session_id = _draft(db)
    env = _env(tmp_path / "home")
    app = Terminal(coachtui_command(db), env)
    note = "They said the handover sheet is never read after 3am"
    try:
        _resume(app)
        _go(app, "5")
        app.wait_for("Picked (0)")
        app.send("\r")  # picks the highlighted question
        app.wait_for("Picked (1)")
        app.send("\t")  # tab from the filter: straight to the picked list
        app.wait_for("n note")  # the hint under the picked list
        app.send("n")
        app.wait_for("Note beside")
        app.send(note)
        app.wait_for("after 3am")
        _until(
            lambda: _rows(db, "SELECT note FROM picked_question WHERE session_id = ?", session_id) == [(note,)],
            "the note in the database",
        )
    finally:
        app.kill()


# --- item 4: two windows on one draft ----------------------------------------------------------


def test_a_second_window_on_the_same_draft_is_told_not_overwritten(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    session_id = _draft(db)
    env_a = _env(tmp_path / "home-a")
    env_b = _env(tmp_path / "home-b")

    def dilemma() -> str:
        return _rows(db, "SELECT title || '|' || dilemma FROM coaching_session WHERE id = ?", session_id)[0][0]

    first = Terminal(coachtui_command(db), env_a)
    second = Terminal(coachtui_command(db), env_b)
    try:
        _both_open(first, second)
        first.send("AAA from window one ")
        _until(lambda: "AAA from window one" in dilemma(), "window one's typing", drawing=(first, second))
        second.send("BBB from window two ")
        screen = second.wait_for("changed in another window")
        assert "saved ✓" not in screen
        second.wait_for("Changed in another window")  # asked once the typing pauses
        # Nothing of window one's text was written over.
        assert "AAA from window one" in dilemma() and "BBB" not in dilemma()
        # The coach stops typing and reads the question (until then, keys are their
        # typing, not answers), then keeps theirs: saved on top of window one's change.
        time.sleep(TYPING_PAUSE + 0.2)
        second.send("k")
        _until(lambda: "BBB from window two" in dilemma(), "window two's text kept on top", drawing=(first, second))
        # Window one is now behind, and is told in turn when it types.
        first.send("CCC ")
        first.wait_for("Changed in another window")
        assert "CCC" not in dilemma()
        time.sleep(TYPING_PAUSE + 0.2)  # reads it
        first.send("r")  # reload: window one now shows window two's text
        first.wait_for("BBB from window two")
        for app in (first, second):
            app.send("\x11")
            assert app.wait_exit() == 0
    except BaseException:
        _kill_all(first, second)
        raise


# --- item 3: the open draft deleted under the coach ---------------------------------------------


def _delete_elsewhere(db: Path, session_id: str) -> None:
    """Another coach (another process on the shared file) deletes the draft."""
    from coachtui.store import open_store

    with open_store(str(db)) as store:
        store.coach = "Bo Lind"
        store.delete_session(session_id)


def test_open_draft_deleted_elsewhere_then_typed_is_kept_as_a_new_draft(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    session_id = _draft(db)
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        _resume(app)
        _delete_elsewhere(db, session_id)
        app.send("Still typing after it went ")
        screen = app.wait_for("New draft (n)")
        assert "saved ✓" not in screen
        app.send("n")
        _until(lambda: "Still typing after it went" in _everything(db), "a new draft with the text")
        rows = _rows(db, "SELECT id, title, dilemma, status FROM coaching_session")
        assert len(rows) == 1
        new_id, title, text, status = rows[0]
        assert new_id != session_id and title == "Rota chaos" and status == "draft"
        assert "Night shift misses the huddle." in text
        app.send("more ")
        _until(lambda: "more " in _rows(db, "SELECT dilemma FROM coaching_session")[0][0], "typing saved again")
        app.send("\x11")
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise


def test_quit_never_passes_unsaved_text_of_a_deleted_draft(tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    session_id = _draft(db)
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        _resume(app)
        _delete_elsewhere(db, session_id)
        app.send("Words nobody saved ")
        app.wait_for("New draft (n)")
        app.send("\x1b")  # not now
        app.send("\x11")  # ctrl+q must not drop the text silently
        screen = app.wait_for("Quit and lose it (q)")
        assert "New draft (n)" in screen and "Keep my text as" in screen
        app.send("n")
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise
    dilemmas = [d for (d,) in _rows(db, "SELECT dilemma FROM coaching_session WHERE status = 'draft'")]
    assert any("Words nobody saved" in d for d in dilemmas)


def test_quit_after_the_draft_was_deleted_elsewhere_asks_though_nothing_was_typed_since(tmp_path: Path) -> None:
    """The words were saved, then another coach deleted the draft for good; this
    window typed nothing after, so no save was refused: ctrl+q still asks."""
    db = tmp_path / "coach.db"
    session_id = _draft(db)
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        _resume(app)
        app.send("Typed before it went. ")
        _until(
            lambda: "Typed before it went." in "".join(d for (d,) in _rows(db, "SELECT dilemma FROM coaching_session")),
            "the typing saved", drawing=(app,),
        )
        _delete_elsewhere(db, session_id)
        app.send("\x11")
        screen = app.wait_for("Quit and lose it (q)")
        assert "New draft (n)" in screen and "Copy to a file (s)" in screen and "Bo Lind" in screen
        app.send("\x1b", pause=0.5)  # stay
        app.send("Still here.")
        app.wait_for("Still here.")
        app.send("\x11")
        app.wait_for("Quit and lose it (q)")
        app.send("n")  # a new draft, then quit
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise
    rows = _rows(db, "SELECT id, title, dilemma, status FROM coaching_session")
    assert len(rows) == 1, rows  # one draft kept, not two
    new_id, title, text, status = rows[0]
    assert new_id != session_id and (title, status) == ("Rota chaos", "draft")
    assert text == "Night shift misses the huddle.Typed before it went. Still here."


def test_restore_while_the_app_is_open_then_typing_is_not_lost(tmp_path: Path) -> None:
    """`coachtui restore` of a backup made before the draft existed, with the app open
    on that draft: typing is not silently dropped, and the coach keeps it."""

    from coachtui.store import open_store
    from coachtui.store.db.backup import backup_database

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 7")
    backup = backup_database(db, tmp_path / "before.db")
    _draft(db)
    env = _env(tmp_path / "home")
    app = Terminal(coachtui_command(db), env)
    try:
        _resume(app)
        restored = subprocess.run(
            [*coachtui_command(db), "restore", str(backup)], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert restored.returncode == 0, restored.stderr
        app.send("Typed after the restore ")
        app.wait_for("New draft (n)")
        app.send("n")
        _until(
            lambda: any("Typed after the restore" in d for (d,) in _rows(db, "SELECT dilemma FROM coaching_session")),
            "the text kept as a new draft",
        )
        assert sorted(n for (n,) in _rows(db, "SELECT name FROM team")) == ["Ward 4", "Ward 7"]
        app.send("\x11")
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise


def test_the_file_replaced_while_the_app_is_open_then_typing_is_not_lost(tmp_path: Path) -> None:
    """Another coachtui database moved over the open one (a synced folder, a copy
    put back by hand): the typing is kept as a new draft in the file now there."""
    import os
    import shutil

    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    other = tmp_path / "other.db"
    with open_store(str(other)) as store:
        store.create_team("Ward 9")
    _draft(db)
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        _resume(app)
        shutil.copyfile(other, tmp_path / "incoming.db")
        os.replace(tmp_path / "incoming.db", db)
        app.send("Typed after the swap ")
        app.wait_for("New draft (n)")
        app.send("n")
        _until(lambda: "Typed after the swap" in _everything(db), "the text kept in the file now in place")
        assert sorted(n for (n,) in _rows(db, "SELECT name FROM team")) == ["Ward 4", "Ward 9"]
        app.send("\x11")
        assert app.wait_exit() == 0
    except BaseException:
        app.kill()
        raise


def test_two_windows_opening_one_draft_at_the_same_moment_then_typing_at_once(tmp_path: Path) -> None:
    """Found last session: a second window opened on the same draft worked out its
    suggestion and saved it; the first window's typing straight after was refused,
    "Ana Ruiz changed this session first", and a conflict question came up over
    words nobody else had touched."""
    db = tmp_path / "coach.db"
    session_id = _draft(db)
    first = Terminal(coachtui_command(db), _env(tmp_path / "home-a"))
    second = Terminal(coachtui_command(db), _env(tmp_path / "home-b"))

    def dilemma() -> str:
        return _rows(db, "SELECT dilemma FROM coaching_session WHERE id = ?", session_id)[0][0]

    try:
        for app in (first, second):
            app.wait_for("Unfinished sessions")
        for app in (first, second):
            app.send("\r")  # both open it at the same moment...
        first.wait_for("Ward 4 — Rota chaos")
        first.send(" We start at seven.")  # ...and the coach types at once, while the other still opens
        _until(lambda: dilemma().endswith("We start at seven."), "window one's typing", drawing=(first, second))
        _until(lambda: "saved ✓" in first.text(), "window one to say saved", drawing=(first, second))
        assert "Changed in another window" not in first.text() + second.text()
        # The suggestion either window worked out is kept with the words.
        assert _rows(db, "SELECT suggested_category IS NOT NULL FROM coaching_session") == [(1,)]
        for app in (first, second):
            app.send("\x11")
            assert app.wait_exit() == 0
        assert dilemma() == "Night shift misses the huddle. We start at seven."
    except BaseException:
        _kill_all(first, second)
        raise


# --- found by trying to break it: a power cut while the coach has not yet answered -------------


def test_typing_while_a_refused_save_waits_for_an_answer_is_in_a_file_before_a_kill(tmp_path: Path) -> None:
    """Another window saved the draft first; until this coach answers (reload or keep
    mine), the database refuses their saves. What they type meanwhile must still be
    on disk somewhere private, within a second: a kill -9 before answering loses nothing."""
    db = tmp_path / "coach.db"
    session_id = _draft(db)
    first = Terminal(coachtui_command(db), _env(tmp_path / "home-a"))
    second = Terminal(coachtui_command(db), _env(tmp_path / "home-b"))
    try:
        _both_open(first, second)
        first.send("AAA from window one ")
        _until(
            lambda: "AAA" in _rows(db, "SELECT dilemma FROM coaching_session WHERE id = ?", session_id)[0][0],
            "window one's typing",
            drawing=(first, second),
        )
        second.send("BBB typed after the other window saved ")
        second.wait_for("changed in another window")
        unsaved = tmp_path / "home-b" / "data" / "unsaved"

        def kept() -> bool:
            return any("BBB typed after the other window saved" in p.read_text("utf-8") for p in unsaved.glob("*.md"))

        _until(kept, "the refused text in a private file", drawing=(first, second))
        assert all(p.stat().st_mode & 0o077 == 0 for p in unsaved.glob("*.md"))
        second.send("and more ")  # typed later, still unanswered: the same file follows
        _until(lambda: any("and more" in p.read_text("utf-8") for p in unsaved.glob("*.md")), "the later typing", drawing=(first, second))
        assert len(list(unsaved.glob("*.md"))) == 1
        second.kill()
        first.send("\x11")
        assert first.wait_exit() == 0
    except BaseException:
        _kill_all(first, second)
        raise


# --- the open draft changed on disk by another process (another window, coachtui sync) -----------


def test_a_change_made_in_a_shell_is_shown_before_the_coach_types_on(tmp_path: Path) -> None:
    """The app shows the draft; another process (as `coachtui sync` settling a conflict
    with "both" does) writes the dilemma with the other laptop's text after a blank
    line. While the coach is not typing the app shows it; what they type next is
    saved on top, with both texts kept and no question asked."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    session_id = _draft(db)
    app = Terminal(coachtui_command(db), _env(tmp_path / "home"))
    try:
        _resume(app)
        with open_store(str(db), coach="Bo Lind") as other:
            other.save_draft(session_id, dilemma="Night shift misses the huddle.\n\nDay staff cover it (laptop B).")
        app.wait_for("Day staff cover it (laptop B).")
        app.send(" Mine")
        _until(
            lambda: "Mine" in _rows(db, "SELECT dilemma FROM coaching_session WHERE id = ?", session_id)[0][0],
            "the typing saved", drawing=(app,),
        )
        assert _rows(db, "SELECT dilemma FROM coaching_session WHERE id = ?", session_id) == [
            ("Night shift misses the huddle. Mine\n\nDay staff cover it (laptop B).",)
        ]
        app.send("\x11")
        assert app.wait_exit() == 0
    except BaseException:
        _kill_all(app)
        raise
