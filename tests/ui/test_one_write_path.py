"""Every write the app makes goes through the session layer's save queue (issue 17):
tracker marks, team changes, deleting and amending a session are shown in the status
bar, wait for a locked database instead of failing, are waited for on quit, and a
change another window or laptop saved first is asked about with the one conflict
question, never overwritten and never dropped unsaid.

Two stores on one file: the app's, and ``other`` (a second window, Bo's laptop).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from coachtui.store import open_store
from coachtui.ui.modals import TYPING_PAUSE, ConfirmScreen, ConflictScreen, TextPromptScreen
from coachtui.ui.screens.tracker import TrackerScreen

from .helpers import Notices, painted, query, ready, saved, screen_text, shows, type_text, wait_for

BO = "Bo Lind"


def _teams(db_path: Path) -> list[tuple[str, int]]:
    return query(db_path, "SELECT name, archived FROM team ORDER BY name")


@contextmanager
def _locked(app, db_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Another program holds the database's write lock (the app waits 0.1 s a try)."""
    event.listen(app.store.engine, "checkout", lambda conn, _r, _p: conn.execute("PRAGMA busy_timeout = 100"))
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def _tracker(pilot) -> TrackerScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await ready(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, TrackerScreen), what="the tracker")
    tracker = app.screen
    await wait_for(pilot, lambda: bool(tracker.rows), what="the actions")
    return tracker


async def _mark(pilot, key: str, note: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TextPromptScreen), what="the note")
    if note:
        pilot.app.screen.query_one("#prompt-area").insert(note)
    await pilot.press("ctrl+s")


# --- tracker marks -----------------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["reload", "keep"])
async def test_a_tracker_mark_refused_is_told_in_the_status_bar_and_settled_by_the_coach(
    make_app, seeded, db_path: Path, choice: str
) -> None:
    notices = Notices()
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notices) as pilot:
        tracker = await _tracker(pilot)
        action = tracker.rows[0]
        with open_store(str(db_path), coach=BO) as other:
            other.record_review(action.id, "stuck", "Waiting for the data", coach=BO)
        await _mark(pilot, "d", "Done on Friday")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
        # Told like any refused save: the status bar says it is not saved, and who.
        assert app.save_status.state == "conflict"
        assert app.save_status.message == f"{BO} changed this action first"
        assert query(db_path, "SELECT status FROM action WHERE id = ?", action.id) == [("stuck",)]
        if choice == "reload":
            await pilot.press("r")
            # The row shows the other coach's value, a notice names them, the note is kept.
            await shows(pilot, f"Reloaded: now stuck, as {BO} left it.")
            assert tracker.rows[0].status == "stuck"
            assert tracker.note_in_hand(action.id) == "Done on Friday"
            await wait_for(pilot, lambda: app.save_status.state != "conflict", what="the conflict settled")
            assert query(db_path, "SELECT status FROM action WHERE id = ?", action.id) == [("stuck",)]
        else:
            await pilot.press("k")
            await shows(pilot, "Recorded: done.")
            await saved(pilot)
            assert app.save_status.state == "saved"
            assert query(db_path, "SELECT status, updated_by FROM action WHERE id = ?", action.id) == [
                ("done", "Ana Ruiz")
            ]


async def test_a_tracker_mark_waits_out_a_locked_database_and_quitting_waits_for_it(
    make_app, seeded, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        tracker = await _tracker(pilot)
        action = tracker.rows[0]
        with _locked(app, db_path):
            await _mark(pilot, "x", "Nobody owns it")
            await shows(pilot, "NOT SAVED YET", timeout=20)  # retried, not refused
            assert app.saver.pending == 1
            await pilot.press("ctrl+q")
            await shows(pilot, "Saving before quitting")
            assert app.is_running
        await wait_for(pilot, lambda: not app.is_running, timeout=15, what="the app to quit")
    assert query(db_path, "SELECT status FROM action WHERE id = ?", action.id) == [("dropped",)]
    assert query(db_path, "SELECT note FROM action_review WHERE action_id = ?", action.id) == [("Nobody owns it",)]


# --- team changes --------------------------------------------------------------------------------


@pytest.fixture
def three_teams(db_path: Path) -> dict[str, str]:
    with open_store(str(db_path)) as store:
        return {name: store.create_team(name, coach="Ana Ruiz").id for name in ("Ward 7", "Year 9 maths", "Ward 4")}


async def _rename(pilot, name: str, to: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("ctrl+u")
    await type_text(pilot, name)
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the rename prompt")
    await pilot.press("ctrl+u")
    await type_text(pilot, to)
    await pilot.press("enter")


@pytest.mark.parametrize("choice", ["reload", "keep"])
async def test_renaming_a_team_another_coach_changed_asks_first(
    make_app, three_teams, db_path: Path, choice: str
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(app.query("#team-table")), what="the team list")
        with open_store(str(db_path), coach=BO) as other:
            other.rename_team(three_teams["Ward 7"], "Ward 7 North")
        await _rename(pilot, "Ward 7", "Ward Seven")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
        await pilot.pause(TYPING_PAUSE + 0.2)  # the coach typed a moment ago: keys are typing until a pause
        text = await shows(pilot, f"{BO} changed this team since you opened it")
        assert "Ward Seven" in text  # what the coach wanted
        assert app.save_status.state == "conflict"
        assert ("Ward 7 North", 0) in _teams(db_path)  # nothing overwritten
        if choice == "reload":
            await pilot.press("r")
            await shows(pilot, "Ward 7 North")
            await shows(pilot, BO)  # the notice names who changed it
            await wait_for(pilot, lambda: app.save_status.state != "conflict", what="the conflict settled")
            assert ("Ward 7 North", 0) in _teams(db_path)
        else:
            await pilot.press("k")
            await wait_for(pilot, lambda: ("Ward Seven", 0) in _teams(db_path), what="mine on top")
            await saved(pilot)
            assert app.save_status.state == "saved"


async def test_archiving_a_team_another_coach_renamed_asks_first(make_app, three_teams, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(app.query("#team-table")), what="the team list")
        with open_store(str(db_path), coach=BO) as other:
            other.rename_team(three_teams["Year 9 maths"], "Year 9 maths (Mr K)")
        await type_text(pilot, "Year 9")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
        await shows(pilot, "You archived it.")
        await pilot.pause(TYPING_PAUSE + 0.2)
        assert ("Year 9 maths (Mr K)", 0) in _teams(db_path)
        await pilot.press("k")
        await wait_for(pilot, lambda: ("Year 9 maths (Mr K)", 1) in _teams(db_path), what="archived on top")


async def test_creating_a_team_waits_out_a_locked_database(make_app, three_teams, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        with _locked(app, db_path):
            await type_text(pilot, "Pharmacy")
            await pilot.press("enter")
            await shows(pilot, "NOT SAVED YET", timeout=20)
            assert app.session.model is None
        await wait_for(pilot, lambda: app.session.model is not None, timeout=15, what="the new team's session")
        assert app.session.model.team.name == "Pharmacy"
        await saved(pilot)
    assert ("Pharmacy", 0) in _teams(db_path)


# --- deleting and amending a session -------------------------------------------------------------


def _completed(db_path: Path) -> str:
    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4", coach="Ana Ruiz")
        session = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(session.id, title="Rota gaps", dilemma="Staff keep moving.", primary_category="environment")
        store.add_action(session.id, "Map the rota gaps", "Kim")
        store.complete_session(session.id)
        return session.id


async def _detail(pilot, session_id: str):  # type: ignore[no-untyped-def]
    from coachtui.ui.screens.detail import SessionDetailScreen

    app = pilot.app
    await ready(pilot)
    app.push_screen(SessionDetailScreen(session_id))
    await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session")
    await wait_for(pilot, lambda: app.screen.detail is not None, what="its text")
    return app.screen


async def test_deleting_a_session_waits_out_a_locked_database(make_app, db_path: Path) -> None:
    session_id = _completed(db_path)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _detail(pilot, session_id)
        with _locked(app, db_path):
            await pilot.press("delete")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
            await pilot.press("y")
            await shows(pilot, "NOT SAVED YET", timeout=20)
            assert query(db_path, "SELECT count(*) FROM coaching_session") == [(1,)]
        await shows(pilot, "Session deleted for good", timeout=15)
        await saved(pilot)
    assert query(db_path, "SELECT count(*) FROM coaching_session") == [(0,)]


@pytest.mark.parametrize("choice", ["reload", "keep"])
async def test_amending_a_session_another_coach_changed_asks_first(
    make_app, db_path: Path, choice: str
) -> None:
    session_id = _completed(db_path)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _detail(pilot, session_id)
        with open_store(str(db_path), coach=BO) as other:
            other.save_draft(session_id, title="Rota gaps, as Bo sees them")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
        await shows(pilot, f"{BO} changed this session since you opened it")
        assert app.save_status.state == "conflict"
        assert query(db_path, "SELECT status FROM coaching_session") == [("completed",)]
        if choice == "reload":
            await pilot.press("r")
            await shows(pilot, "Rota gaps, as Bo sees them")  # the session as it is now
            await wait_for(pilot, lambda: app.save_status.state != "conflict", what="the conflict settled")
            assert app.session.model is None
            assert query(db_path, "SELECT status FROM coaching_session") == [("completed",)]
        else:
            await pilot.press("k")
            await wait_for(pilot, lambda: app.session.model is not None, what="the steps")
            assert app.session.model.title == "Rota gaps, as Bo sees them"
            await shows(pilot, "Reopened for amending")
            await saved(pilot)
            assert query(db_path, "SELECT status FROM coaching_session") == [("draft",)]
        assert "Traceback" not in screen_text(app)


async def test_a_change_from_the_coachs_other_window_is_not_said_in_their_own_name(
    make_app, seeded, db_path: Path
) -> None:
    """Found by a tester: "Ana Ruiz changed this action since you opened it", read by
    Ana Ruiz, whose other window had saved first."""
    app = make_app()
    notices = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notices) as pilot:
        tracker = await _tracker(pilot)
        action = tracker.rows[0]
        with open_store(str(db_path), coach="Ana Ruiz") as other_window:
            other_window.record_review(action.id, "stuck", "Waiting for the data", coach="Ana Ruiz")
        await _mark(pilot, "d", "Done on Friday")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
        await shows(pilot, "Changed in another window")
        message = " ".join(str(app.screen.query_one("#conflict-message").render()).split())
        assert message.startswith("This action was changed in another window (Ana Ruiz) since you opened it")
        assert app.save_status.message == "this action was changed in another window (Ana Ruiz) first"
        await pilot.press("r")
        said = "Reloaded: now stuck, as your other window left it."
        await wait_for(pilot, lambda: any(said in notice.message for notice in notices), what="the reload notice")
        assert "Ana Ruiz changed" not in screen_text(app)
