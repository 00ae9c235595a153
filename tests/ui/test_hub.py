"""The shared hub, driven through the real app: coach filters on the tracker and the
themes, and two coaches changing the same actions at once (one app, and another coach
writing through their own store), on SQLite and on PostgreSQL.

Nothing a coach typed is lost when another coach saved first: they are told who,
the database keeps the other change, and after a reload they can apply theirs again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from coachtui.config import Settings
from coachtui.store import open_store
from coachtui.ui.app import CoachApp, create_app
from coachtui.ui.modals import (
    TYPING_PAUSE,
    ChoiceScreen,
    ConfirmScreen,
    ConflictScreen,
    PickerScreen,
    TextPromptScreen,
)
from coachtui.ui.screens.export import ExportScreen
from coachtui.ui.screens.tracker import TrackerScreen
from coachtui.ui.screens.trends import TrendsScreen

from .conftest import FAST_SAVES
from .helpers import painted, paste, ready, saved, screen_text, shows, type_text, wait_for

TODAY = dt.date.today()
CONFLICT = "Bo Ng changed this action since you opened it; reload it to see"


@pytest.fixture
def hub_app(database_url: str, tmp_path: Path) -> Callable[..., CoachApp]:
    """Ana's app on the test's database (a SQLite file or a PostgreSQL schema)."""

    def make(coach: str = "Ana Ruiz") -> CoachApp:
        return create_app(
            database_url,
            settings=Settings(coach_name=coach, name_asked=True),
            settings_path=tmp_path / f"settings-{coach}.json",
            save_delays=FAST_SAVES,
        )

    return make


@pytest.fixture
def bo(database_url: str) -> Iterator[Any]:
    """Another coach, Bo, writing to the same database through their own store."""
    with open_store(database_url, coach="Bo Ng") as store:
        yield store


@pytest.fixture
def network(bo: Any) -> dict[str, Any]:
    """Two teams: Ward 4 coached by Bo (two open actions), Clinic B by Ana (one)."""
    ward = bo.create_team("Ward 4", coach="Bo Ng")
    clinic = bo.create_team("Clinic B", coach="Ana Ruiz")
    first = bo.start_session(ward.id, coach="Bo Ng")
    bo.save_draft(first.id, title="Falls at night", dilemma="Nobody reads the run chart.",
                  primary_category="capability")
    plot = bo.add_action(first.id, "Plot ten more points", owner="Sam", due=TODAY - dt.timedelta(days=3),
                         coach="Bo Ng")
    ask = bo.add_action(first.id, "Ask for protected time", owner="Lee", due=TODAY + dt.timedelta(days=5),
                        coach="Bo Ng")
    bo.complete_session(first.id)
    other = bo.start_session(clinic.id, coach="Ana Ruiz")
    bo.save_draft(other.id, title="Rota gaps", dilemma="Staff keep moving.", primary_category="environment")
    rota = bo.add_action(other.id, "Map the rota gaps", owner="Kim", due=TODAY + dt.timedelta(days=9),
                         coach="Ana Ruiz")
    bo.complete_session(other.id)
    return {"ward": ward, "clinic": clinic, "plot": plot, "ask": ask, "rota": rota,
            "bo_session": first, "ana_session": other}


async def _tracker(pilot) -> TrackerScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await ready(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, TrackerScreen), what="the tracker")
    tracker = app.screen
    await wait_for(pilot, lambda: bool(tracker.rows), what="the actions")
    return tracker


async def _pick(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen), what="the picker")
    await paste(pilot, text)
    await pilot.press("enter")


# --- coach filters ---------------------------------------------------------------------------


async def test_the_tracker_filters_by_coach_and_esc_clears_it(hub_app, network) -> None:  # type: ignore[no-untyped-def]
    app = hub_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        tracker = await _tracker(pilot)
        assert {a.id for a in tracker.rows} == {network["plot"].id, network["ask"].id, network["rota"].id}
        await shows(pilot, "a Coach: all")
        assert "esc clear" not in screen_text(app)  # nothing to clear yet
        await pilot.press("a")
        await _pick(pilot, "Bo Ng")
        await shows(pilot, "a Coach: Bo Ng")
        await wait_for(pilot, lambda: len(tracker.rows) == 2, what="Bo's actions only")
        assert {a.coach for a in tracker.rows} == {"Bo Ng"}
        assert "Map the rota gaps" not in screen_text(app)
        await shows(pilot, "a Coach: Bo Ng  c Closed: hidden  esc clear")
        assert "f1 Help" in screen_text(app)  # the footer keeps its room at 80 columns
        await pilot.press("escape")
        await shows(pilot, "a Coach: all")
        await wait_for(pilot, lambda: len(tracker.rows) == 3, what="every action again")


async def test_themes_filter_by_coach_and_the_report_holds_only_their_sessions(
    hub_app, network, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.md"
    app = hub_app()
    async with app.run_test(size=(100, 50), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen), what="themes")
        await shows(pilot, "(2 completed sessions)")
        await pilot.press("o")
        await _pick(pilot, "Ana Ruiz")
        await shows(pilot, "o Coach: Ana Ruiz")
        text = await shows(pilot, "(1 completed sessions)")
        assert "Environmental conditions: 1 (100%)" in text
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
        assert "sessions with Ana Ruiz" in screen_text(app)
        app.screen.query_one("#export-path").value = str(out)
        await pilot.press("enter")
        await wait_for(pilot, out.exists, what="the report")
        await pilot.press("x")
        await shows(pilot, "o Coach: all")
        await shows(pilot, "(2 completed sessions)")
    report = out.read_text()
    assert "Rota gaps" in report
    assert "Falls at night" not in report


# --- conflicts in the tracker --------------------------------------------------------------


@pytest.mark.parametrize("choice", ["reload", "keep"])
async def test_a_tracker_mark_on_an_action_another_coach_changed(
    hub_app, network, bo, db, choice: str
) -> None:  # type: ignore[no-untyped-def]
    plot = network["plot"]
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        tracker = await _tracker(pilot)
        assert tracker.rows[0].id == plot.id  # the overdue one comes first
        # Bo marks it from his laptop while it is on Ana's screen.
        bo.record_review(plot.id, "stuck", "Waiting for the data", coach="Bo Ng")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await paste(pilot, "Done on Friday")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict")
        text = await shows(pilot, CONFLICT)
        assert "Your mark: done — “Done on Friday”" in text
        # Nothing of Ana's was written over Bo's change.
        assert db.rows("SELECT status FROM action WHERE id = ?", plot.id) == [("stuck",)]
        assert db.rows("SELECT coach, status, note FROM action_review WHERE action_id = ?", plot.id) == [
            ("Bo Ng", "stuck", "Waiting for the data")
        ]
        if choice == "reload":
            await pilot.press("r")
            await shows(pilot, "Reloaded: now stuck, as Bo Ng left it.")
            text = await shows(pilot, "Last note: Waiting for the data")
            assert "! stuck" in text
            assert db.rows("SELECT status FROM action WHERE id = ?", plot.id) == [("stuck",)]
            # Marking it again offers Ana's note, kept from before.
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
            assert app.screen.query_one("#prompt-area").text == "Done on Friday"
            await pilot.press("ctrl+s")
        else:
            await pilot.press("k")
        await shows(pilot, "Recorded: done.")
        assert tracker.rows[0].status == "done"
    assert db.rows("SELECT status, updated_by FROM action WHERE id = ?", plot.id) == [("done", "Ana Ruiz")]
    reviews = db.rows("SELECT coach, status, note FROM action_review WHERE action_id = ? ORDER BY created_at",
                      plot.id)
    assert reviews == [("Bo Ng", "stuck", "Waiting for the data"), ("Ana Ruiz", "done", "Done on Friday")]


async def test_two_apps_mark_the_same_action(hub_app, network, db) -> None:  # type: ignore[no-untyped-def]
    """Two coaches' apps on one database: the second mark is told, and lands after a reload."""
    plot = network["plot"]
    ana, bos = hub_app("Ana Ruiz"), hub_app("Bo Ng")
    async with ana.run_test(size=(100, 30), notifications=True) as pa, bos.run_test(
        size=(100, 30), notifications=True
    ) as pb:
        tracker_a = await _tracker(pa)
        tracker_b = await _tracker(pb)
        assert tracker_a.rows[0].id == tracker_b.rows[0].id == plot.id
        await pb.press("s")
        await wait_for(pb, lambda: isinstance(bos.screen, TextPromptScreen), what="Bo's note")
        await paste(pb, "Waiting for the data")
        await pb.press("ctrl+s")
        await shows(pb, "Recorded: stuck.")
        await pa.press("d")
        await wait_for(pa, lambda: isinstance(ana.screen, TextPromptScreen), what="Ana's note")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: isinstance(ana.screen, ConflictScreen), what="the conflict")
        await shows(pa, CONFLICT)
        assert db.rows("SELECT status FROM action WHERE id = ?", plot.id) == [("stuck",)]
        await pa.press("r")
        await shows(pa, "Last note: Waiting for the data")
        await pa.press("d")
        await wait_for(pa, lambda: isinstance(ana.screen, TextPromptScreen), what="Ana's note")
        await pa.press("ctrl+s")
        await shows(pa, "Recorded: done.")
        # Bo's screen still shows his version: his next mark is told in turn.
        await pb.press("p")
        await wait_for(pb, lambda: isinstance(bos.screen, TextPromptScreen), what="Bo's note")
        await pb.press("ctrl+s")
        await wait_for(pb, lambda: isinstance(bos.screen, ConflictScreen), what="Bo's conflict")
        await shows(pb, "Ana Ruiz changed this action since you opened it")
        await pb.press("escape")  # esc reloads: it overwrites nothing
        await shows(pb, "Reloaded: now done, as Ana Ruiz left it.")
    assert db.rows("SELECT status, updated_by FROM action WHERE id = ?", plot.id) == [("done", "Ana Ruiz")]


# --- conflicts in the session steps ------------------------------------------------------------


async def _open_team(pilot, name: str, step: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await ready(pilot)
    await type_text(pilot, name)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == step, what=f"the {step} step")


async def _new_session_with_an_action(pilot, text: str) -> str:  # type: ignore[no-untyped-def]
    """A new session of Team A with one action agreed; its id."""
    await _open_team(pilot, "Team A", "dilemma")
    await pilot.press("ctrl+g", "6")
    await type_text(pilot, text)
    await pilot.press("enter")
    await saved(pilot)
    return pilot.app.session.model.actions[0].id


@pytest.mark.parametrize("choice", ["reload", "keep"])
async def test_the_review_step_tells_who_marked_an_action_first(
    hub_app, network, bo, db, choice: str
) -> None:  # type: ignore[no-untyped-def]
    plot = network["plot"]
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _open_team(pilot, "Ward 4", "review")
        await shows(pilot, "Plot ten more points")
        session_id = app.session.model.session_id
        bo.record_review(plot.id, "stuck", "Waiting for the data", coach="Bo Ng")
        await pilot.press("d")  # the first row: Plot ten more points
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict")
        await shows(pilot, CONFLICT)
        assert app.save_status.state == "conflict"
        assert app.save_status.message == "Bo Ng changed this action first"
        assert db.rows("SELECT status FROM action WHERE id = ?", plot.id) == [("stuck",)]
        assert db.rows("SELECT count(*) FROM action_review WHERE session_id = ?", session_id) == [(0,)]
        if choice == "reload":
            await pilot.press("r")
            text = await shows(pilot, "Now: stuck, marked by Bo Ng — Waiting for the data")
            assert "Not saved (yours): done" in text
            await wait_for(pilot, lambda: app.save_status.state != "conflict", what="the conflict settled")
            await pilot.press("d")  # mark it again
        else:
            await pilot.press("k")
        await saved(pilot)
        await shows(pilot, "saved ✓")
    assert db.rows("SELECT status FROM action_review WHERE session_id = ? AND action_id = ?",
                   session_id, plot.id) == [("done",)]
    assert db.rows("SELECT status, updated_by FROM action WHERE id = ?", plot.id) == [("done", "Ana Ruiz")]


async def test_an_edit_refused_by_a_conflict_keeps_the_wording_in_the_form(
    hub_app, bo, db
) -> None:  # type: ignore[no-untyped-def]
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        action_id = await _new_session_with_an_action(pilot, "First")
        bo.update_action(action_id, text="First, as Bo put it")
        await pilot.press("tab", "tab", "tab")
        assert app.focused is not None and app.focused.id == "action-table"
        await pilot.press("e")
        await pilot.press("ctrl+u")
        await paste(pilot, "First, as Ana put it")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict")
        await shows(pilot, CONFLICT)
        assert db.rows("SELECT text FROM action WHERE id = ?", action_id) == [("First, as Bo put it",)]
        # Ana typed a moment ago: keys are her typing until she pauses to read this.
        await pilot.pause(TYPING_PAUSE + 0.2)
        await pilot.press("r")
        text = await shows(pilot, "Reloaded Bo Ng's version. Yours is in the form")
        assert "First, as Bo put it" in text  # the list shows Bo's change
        assert app.query_one("#action-text").value == "First, as Ana put it"
        app.query_one("#action-text").focus()
        await pilot.press("enter")
        await saved(pilot)
        await shows(pilot, "Action updated.")
    assert db.rows("SELECT text, updated_by FROM action WHERE id = ?", action_id) == [
        ("First, as Ana put it", "Ana Ruiz")
    ]


async def test_a_removal_refused_by_a_conflict_brings_the_action_back_or_removes_it_anyway(
    hub_app, bo, db
) -> None:  # type: ignore[no-untyped-def]
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        action_id = await _new_session_with_an_action(pilot, "Only")
        bo.update_action(action_id, owner="Kim")
        await pilot.press("tab", "tab", "tab", "delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="remove it?")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict")
        await shows(pilot, "You removed it.")
        assert db.rows("SELECT owner FROM action WHERE id = ?", action_id) == [("Kim",)]
        await pilot.press("r")
        text = await shows(pilot, "Not removed: Bo Ng changed it")
        assert "Kim" in text  # back in the list, with Bo's change
        assert app.focused is not None and app.focused.id == "action-table"
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="remove it?")
        await pilot.press("y")
        await saved(pilot)
        await shows(pilot, "Action removed.")
    assert db.rows("SELECT count(*) FROM action WHERE id = ?", action_id) == [(0,)]


@pytest.mark.parametrize("choice", ["reload", "keep"])
async def test_deleting_a_session_another_coach_changed_asks_first(
    hub_app, network, bo, db, choice: str
) -> None:  # type: ignore[no-untyped-def]
    from coachtui.ui.screens.detail import SessionDetailScreen
    from coachtui.ui.screens.history import HistoryScreen

    target = network["ana_session"]
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        history = app.screen
        await wait_for(pilot, lambda: bool(history.window.rows), what="the sessions")
        assert history.window.rows[0].id == target.id
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session")
        await shows(pilot, "Rota gaps")
        bo.save_draft(target.id, title="Rota gaps, as Bo sees them")
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict")
        await shows(pilot, "Bo Ng changed this session since you opened it")
        await shows(pilot, "Delete anyway (k)")
        assert db.rows("SELECT title FROM coaching_session WHERE id = ?", target.id) == [
            ("Rota gaps, as Bo sees them",)
        ]
        if choice == "reload":
            await pilot.press("r")
            await shows(pilot, "Rota gaps, as Bo sees them")  # the detail shows Bo's change
            await pilot.press("delete")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
            await pilot.press("y")
        else:
            await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="back in history")
    assert db.rows("SELECT count(*) FROM coaching_session WHERE id = ?", target.id) == [(0,)]


async def test_quitting_with_a_conflict_unsettled_asks_first(hub_app, network, bo, db) -> None:  # type: ignore[no-untyped-def]
    plot = network["plot"]
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _open_team(pilot, "Ward 4", "review")
        await shows(pilot, "Plot ten more points")
        bo.record_review(plot.id, "stuck", "Waiting for the data", coach="Bo Ng")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question")
        await shows(pilot, "Quit and lose it (q)")
        text = " ".join(screen_text(app).split())
        assert "Not saved: Bo Ng changed this action first." in text
        assert "Copy to a file (s)" in text  # the copy the quit dialog offers
        await pilot.press("escape")  # stay: back to the choice about the conflict
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict again")
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question again")
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert db.rows("SELECT status FROM action WHERE id = ?", plot.id) == [("stuck",)]


async def test_only_the_coachs_own_drafts_are_offered_at_start(hub_app, network, bo) -> None:  # type: ignore[no-untyped-def]
    from textual.command import CommandPalette

    from coachtui.ui.modals import ResumeScreen

    mine = bo.start_session(network["clinic"].id, coach="Ana Ruiz")
    bo.save_draft(mine.id, title="Ana's half-done huddle")
    theirs = bo.start_session(network["ward"].id, coach="Bo Ng")
    bo.save_draft(theirs.id, title="Bo's half-done huddle")
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        text = await shows(pilot, "Ana's half-done huddle")
        assert "Bo's half-done huddle" not in text
        await pilot.press("n")
        # every draft, the other coaches' too, is one palette command away
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await type_text(pilot, "Resume a draft")
        await shows(pilot, "Carry on with an unfinished session")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="every draft")
        text = await shows(pilot, "Bo's half-done huddle")
        assert "Ana's half-done huddle" in text


async def test_a_learning_typed_before_a_review_conflict_is_kept_to_apply_again(
    hub_app, bo, db
) -> None:  # type: ignore[no-untyped-def]
    """What happened and what was learned on a test of change, refused because Bo
    marked it meanwhile: reload kept the note to apply again, but not the learning."""
    from coachtui.ui.modals import LearningPromptScreen

    lab = bo.create_team("Lab 7", coach="Bo Ng")
    first = bo.start_session(lab.id, coach="Bo Ng")
    bo.save_draft(first.id, title="Huddle clash", dilemma="Nights miss it.")
    test = bo.add_action(first.id, "Move the huddle", owner="Sam", coach="Bo Ng", prediction="Nights join")
    bo.complete_session(first.id)
    app = hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _open_team(pilot, "Lab 7", "review")
        await shows(pilot, "Test · Move the huddle")
        session_id = app.session.model.session_id
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, LearningPromptScreen), what="the two questions")
        await paste(pilot, "Two of three nights came")
        await pilot.press("enter")
        await saved(pilot)
        bo.record_review(test.id, "stuck", "Bo's view", coach="Bo Ng")
        await type_text(pilot, "Put nights in the plan")  # no r, k or enter: keys typed on
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), timeout=30, what="the conflict")
        await pilot.pause(TYPING_PAUSE + 0.2)
        await pilot.press("r")
        await shows(pilot, "Reloaded: now stuck")
        if isinstance(app.screen, LearningPromptScreen):
            await pilot.press("escape")
        await wait_for(pilot, lambda: app.save_status.state != "conflict", what="the conflict settled")
        await pilot.press("d")  # mark it again: both answers come back with it
        await wait_for(pilot, lambda: isinstance(app.screen, LearningPromptScreen), what="the two questions")
        assert app.screen.query_one("#test-result").value == "Two of three nights came"
        assert app.screen.query_one("#test-learning").value == "Put nights in the plan"
        await pilot.press("escape")
        await saved(pilot)
    assert db.rows("SELECT status, note, learning FROM action_review WHERE session_id = ?", session_id) == [
        ("done", "Two of three nights came", "Put nights in the plan")
    ]
