"""History, session detail, action tracker and themes, driven as a facilitator would,
checked against what the screens show and what the database holds."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from coachtui.ui.modals import ChoiceScreen, ConfirmScreen, PickerScreen, TextPromptScreen
from coachtui.ui.screens.detail import SessionDetailScreen
from coachtui.ui.screens.export import ExportScreen
from coachtui.ui.screens.history import HistoryScreen
from coachtui.ui.screens.tracker import TrackerScreen
from coachtui.ui.screens.trends import TrendsScreen

from .helpers import painted, paste, query, ready, saved, screen_text, shows, type_text, wait_for


async def started(pilot) -> None:  # type: ignore[no-untyped-def]
    """The app is ready, on the team step. (The demo's drafts belong to the sample
    coaches, so Ana is not offered them at start.)"""
    await ready(pilot)
    await wait_for(pilot, lambda: pilot.app.focused is not None and pilot.app.screen is pilot.app.session_screen,
                   what="the team step")
    await pilot.pause()

TODAY = dt.date.today()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coachtui.store import open_store
    from coachtui.store.demo import generate_demo_data

    path = tmp_path_factory.mktemp("facilitator") / "demo.db"
    with open_store(str(path)) as store:
        generate_demo_data(store, sessions=400, teams=8, seed=7, today=TODAY)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_db(demo_template: Path, db_path: Path) -> Path:
    shutil.copyfile(demo_template, db_path)
    os.chmod(db_path, 0o600)
    return db_path


def newest(db: Path, where: str = "1=1", *params: object) -> list[tuple]:
    return query(
        db,
        "SELECT s.id, t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id "
        f"WHERE {where} ORDER BY s.created_at DESC, s.id DESC",
        *params,
    )


async def open_history(pilot) -> HistoryScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await started(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
    screen = app.screen
    await wait_for(pilot, lambda: bool(screen.window.rows), what="the first page")
    return screen


async def test_history_lists_newest_first_and_pages_both_ways(make_app, demo_db: Path) -> None:
    rows = newest(demo_db)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        await shows(pilot, f"{len(rows):,} sessions")
        assert [r.id for r in history.window.rows] == [r[0] for r in rows[:50]]
        await pilot.press("down")  # into the list
        await pilot.press("end")
        await wait_for(pilot, lambda: history.window.rows[-1].id == rows[-1][0], what="the oldest page")
        assert len(history.window.rows) <= 200
        for _ in range(6):  # walk up from the end, beyond the window's top
            await pilot.press("pageup")
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: history.window.above is None or len(history.window.rows) > 50, what="more")
        ids = [r[0] for r in rows]
        window = [r.id for r in history.window.rows]
        start = ids.index(window[0])
        assert window == ids[start : start + len(window)]  # a contiguous, ordered slice
        await pilot.press("home")
        await wait_for(pilot, lambda: history.window.rows[0].id == rows[0][0], what="the newest page")


async def test_search_and_filters_narrow_the_list(make_app, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        await type_text(pilot, "rota")
        await wait_for(pilot, lambda: history.filters.text == "rota" and history.window.rows, what="results")
        total = query(demo_db, "SELECT count(*) FROM session_fts WHERE session_fts MATCH 'rota*'")[0][0]
        await shows(pilot, f"{total:,} session")
        await pilot.press("enter")  # to the list
        await pilot.press("x")  # clear the search, then filter by team
        await wait_for(pilot, lambda: not history.filters.text, what="the search cleared")
        team = query(demo_db, "SELECT id, name FROM team ORDER BY name_key LIMIT 1")[0]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the team picker")
        await paste(pilot, team[1])
        await pilot.press("enter")
        await wait_for(pilot, lambda: history.filters.team_id == team[0], what="the team filter")
        await pilot.pause(0.3)
        assert history.window.rows and {r.team_id for r in history.window.rows} == {team[0]}
        await shows(pilot, f"t Team: {team[1]}")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the category picker")
        await type_text(pilot, "relational")
        await pilot.press("enter")
        await wait_for(pilot, lambda: history.filters.category == "relational", what="the category filter")
        await pilot.pause(0.3)
        assert all(r.primary_category == "relational" for r in history.window.rows)
        await pilot.press("x")
        await wait_for(pilot, lambda: not history.filters.text and history.filters.team_id is None, what="clear")


async def test_words_typed_on_the_list_after_a_filter_search_instead_of_opening_pickers(
    make_app, demo_db: Path
) -> None:
    """Found by a tester: after picking a filter the list has the focus, and typing
    "rota handover" opened the Dates picker (the d) among other things. A letter that
    is no command on the list starts a search with it; the rest follows it there."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        await pilot.press("down")  # into the list
        await pilot.press("s")  # a filter: completed sessions
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the status picker")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is history, what="the list again")
        for key in "rota handover":  # one read of a fast typist
            app.post_message(events.Key("space" if key == " " else key, key))
        await wait_for(pilot, lambda: history.filters.text == "rota handover", what="the search")
        assert app.screen is history  # no picker opened on the way
        assert history.query_one("#history-search", Input).value == "rota handover"


async def test_a_search_shows_where_each_session_holds_the_words(make_app, demo_db: Path) -> None:
    """Issue 20, item 10: each row found by a search shows a piece of its text with
    the words in it (the title moves to the line below); a team's name finds its
    sessions."""
    team_id, team = query(demo_db, "SELECT id, name FROM team ORDER BY name_key LIMIT 1")[0]
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        await type_text(pilot, "rota ")
        await wait_for(pilot, lambda: history.filters.text == "rota " and history.window.rows, what="results")
        await wait_for(pilot, lambda: all(r.snippet for r in history.window.rows), what="snippets")
        assert {"rota"} == {r.snippet[a:b].casefold() for r in history.window.rows for a, b in r.highlights}
        await shows(pilot, "Found")
        app.save_screenshot("history-found.svg", str(demo_db.parent))
        await pilot.press(*["backspace"] * 5)
        await type_text(pilot, team + " ")
        await wait_for(pilot, lambda: history.filters.text == team + " ", what="the team's name typed")
        total = query(demo_db, "SELECT count(*) FROM coaching_session WHERE team_id = ?", team_id)[0][0]
        await shows(pilot, f"{total:,} session")


@pytest.mark.parametrize("typed", ['[bold]', '[/]', '"', "*", "-", "NEAR", 'rota" OR "x', "(", "^a:b"])
async def test_search_takes_any_text(make_app, demo_db: Path, typed: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        history = await open_history(pilot)
        await paste(pilot, typed)
        await wait_for(pilot, lambda: history.filters.text == typed, what="the search")
        await pilot.pause(0.5)
        text = screen_text(app)
        assert "Could not search" not in text and "Traceback" not in text
        assert typed in text  # the search box shows exactly what was typed


async def test_open_a_session_then_delete_it_for_good(make_app, demo_db: Path) -> None:
    target = newest(demo_db)[0]
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_history(pilot)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session")
        await shows(pilot, "Dilemma")
        assert target[2] in screen_text(app) or not target[2]
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="back in history")
        history = app.screen
        await wait_for(pilot, lambda: target[0] not in [r.id for r in history.window.rows], what="the refresh")
    assert query(demo_db, "SELECT count(*) FROM coaching_session WHERE id = ?", target[0]) == [(0,)]
    assert query(demo_db, "SELECT count(*) FROM action WHERE session_id = ?", target[0]) == [(0,)]
    assert query(demo_db, "SELECT count(*) FROM picked_question WHERE session_id = ?", target[0]) == [(0,)]


async def test_amending_reopens_a_completed_session_in_the_steps(make_app, demo_db: Path) -> None:
    target = newest(demo_db, "s.status = 'completed' AND s.title != ''")[0]
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        history.filters.text = target[2]
        history.query_one("#history-search").value = target[2]
        await wait_for(pilot, lambda: target[0] in [r.id for r in history.window.rows], what="the session")
        index = [r.id for r in history.window.rows].index(target[0])
        history.query_one("#history-table").move_cursor(row=index)
        history.query_one("#history-table").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session")
        await wait_for(pilot, lambda: app.screen.detail is not None, what="its text")
        await pilot.press("a")
        await wait_for(pilot, lambda: app.session.model is not None, what="the steps")
        assert app.session.model.session_id == target[0]
        await shows(pilot, "Reopened for amending")
        await pilot.press("ctrl+g", "3")
        title = app.query_one("#title")
        assert title.value == target[2]
        title.focus()
        title.action_end()
        await type_text(pilot, " (amended)")
        await saved(pilot)
    assert query(demo_db, "SELECT title, status FROM coaching_session WHERE id = ?", target[0]) == [
        (target[2] + " (amended)", "draft")
    ]


async def test_export_what_the_history_shows(make_app, demo_db: Path, tmp_path: Path) -> None:
    team = query(demo_db, "SELECT id, name FROM team ORDER BY name_key LIMIT 1")[0]
    expected = {r[0] for r in newest(demo_db, "s.team_id = ?", team[0])}
    out = tmp_path / "team.json"
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        history.filters.team_id, history.filters.team_name = team
        history.reload()
        await wait_for(pilot, lambda: {r.team_id for r in history.window.rows} == {team[0]}, what="the filter")
        await pilot.press("down", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
        await shows(pilot, f"the {len(expected):,} sessions this list shows")
        app.screen.query_one("#fmt-json").value = True
        await pilot.pause()
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(out)
        path_input.focus()
        await pilot.press("enter")
        await wait_for(pilot, out.exists, what="the file")
    data = json.loads(out.read_text())
    assert {s["id"] for s in data["sessions"]} == expected
    assert oct(out.stat().st_mode & 0o777) == "0o600"


async def test_a_report_from_history_names_the_search_it_was_made_from(make_app, demo_db: Path, tmp_path: Path) -> None:
    """Issue 20, item 10: "Selection: team … · matching “rota”", not "33 chosen sessions"."""
    team = query(demo_db, "SELECT id, name FROM team ORDER BY name_key LIMIT 1")[0]
    out = tmp_path / "report.md"
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        history.filters.team_id, history.filters.team_name = team
        history.filters.text = "the "
        history.reload()
        await wait_for(pilot, lambda: history.window.rows and {r.team_id for r in history.window.rows} == {team[0]},
                       what="the filter")
        shown = history.window.rows
        await pilot.press("down", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(out)
        path_input.focus()
        await pilot.press("enter")
        await wait_for(pilot, out.exists, what="the file")
    report = out.read_text()
    assert f"Selection: team {team[1]} · matching “the”" in report
    assert "chosen session" not in report
    assert all(f"#### {row.title}" in report for row in shown if row.title and row.status == "completed")


async def test_the_open_actions_go_to_a_calendar_from_the_export_dialog(make_app, demo_db: Path, tmp_path: Path) -> None:
    """Issue 20: the calendar (ics) is in the export dialog too, not only on the
    command line; an existing file that is not an earlier calendar is left alone."""
    team = query(demo_db, "SELECT id, name FROM team ORDER BY name_key LIMIT 1")[0]
    due = query(
        demo_db,
        "SELECT count(*) FROM action WHERE team_id = ? AND status IN ('open', 'in_progress', 'stuck') "
        "AND due_date IS NOT NULL",
        team[0],
    )[0][0]
    assert due > 0
    out = tmp_path / "actions.ics"
    notes = tmp_path / "notes.ics"
    notes.write_text("my own calendar\n")
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        history = await open_history(pilot)
        history.filters.team_id, history.filters.team_name = team
        history.reload()
        await wait_for(pilot, lambda: {r.team_id for r in history.window.rows} == {team[0]}, what="the filter")
        await pilot.press("down", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
        await shows(pilot, "Calendar: the open actions with a due date")
        app.screen.query_one("#fmt-ics").value = True
        await wait_for(pilot, lambda: app.screen.query_one("#export-path").value.endswith(".ics"), what="the name")
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(notes)
        path_input.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not an earlier coachtui calendar" in " ".join(str(app.screen.query_one("#export-error").render()).split()), what="the refusal")
        assert isinstance(app.screen, ExportScreen)
        path_input.value = str(out)
        await pilot.press("enter")
        await wait_for(pilot, out.exists, what="the file")
        await shows(pilot, f"Exported {due} open action")
    text = out.read_text()
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VTODO") == due
    assert notes.read_text() == "my own calendar\n"
    assert oct(out.stat().st_mode & 0o777) == "0o600"


async def on_the_tracker(pilot) -> TrackerScreen:  # type: ignore[no-untyped-def]
    """Started, then f4: the tracker with its actions listed."""
    app = pilot.app
    await started(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, TrackerScreen), what="the tracker")
    tracker: TrackerScreen = app.screen
    await wait_for(pilot, lambda: bool(tracker.rows), what="the actions")
    return tracker


async def test_the_tracker_lists_open_actions_overdue_first_and_records_a_mark(make_app, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        tracker = await on_the_tracker(pilot)
        assert all(a.is_open for a in tracker.rows)
        overdue = [a.is_overdue(TODAY) for a in tracker.rows]
        assert overdue == sorted(overdue, reverse=True)  # every overdue action comes first
        first = tracker.rows[0]
        await shows(pilot, "⚠ ")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await paste(pilot, "Waiting on the rota")
        await pilot.press("ctrl+s")
        await shows(pilot, "Recorded: stuck")
        await pilot.press("c")
        await wait_for(pilot, lambda: tracker.include_closed, what="closed shown")
        await shows(pilot, "c Closed: shown")
    assert query(demo_db, "SELECT status FROM action WHERE id = ?", first.id) == [("stuck",)]
    assert query(
        demo_db,
        "SELECT status, note, session_id FROM action_review WHERE action_id = ? ORDER BY created_at DESC LIMIT 1",
        first.id,
    ) == [("stuck", "Waiting on the rota", None)]


async def test_quitting_while_typing_a_tracker_note_asks_first(make_app, demo_db: Path) -> None:
    """Found by a tester: F4, s, a note typed, ctrl+q: the app quit at once, and the
    note and the mark were gone. A note in a dialog is words like any other."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        tracker = await on_the_tracker(pilot)
        first = tracker.rows[0]
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await paste(pilot, "Stuck because Sam is off sick")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question")
        await shows(pilot, "what you are typing in this dialog")
        assert app.is_running
        await pilot.press("escape")  # back to the note
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note again")
        await pilot.press("ctrl+s")
        await shows(pilot, "Recorded: stuck")
    assert query(
        demo_db,
        "SELECT status, note FROM action_review WHERE action_id = ? ORDER BY created_at DESC LIMIT 1",
        first.id,
    ) == [("stuck", "Stuck because Sam is off sick")]


async def test_esc_on_a_tracker_note_keeps_the_words(make_app, demo_db: Path) -> None:
    """Found by a tester: F4, d, a note typed, esc: nothing asked, nothing kept. Esc
    still cancels the mark, but the note is kept (and shown) for the next mark."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        tracker = await on_the_tracker(pilot)
        first = tracker.rows[0]
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await paste(pilot, "Sam sent the chart on Friday")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is tracker, what="the tracker again")
        await shows(pilot, "Your note is kept")
        await shows(pilot, "not recorded yet (mark to record it): Sam sent the chart on Friday")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note again")
        assert app.screen.query_one("#prompt-area").text == "Sam sent the chart on Friday"
        await pilot.press("ctrl+s")
        await shows(pilot, "Recorded: done")
    assert query(
        demo_db,
        "SELECT status, note FROM action_review WHERE action_id = ? ORDER BY created_at DESC LIMIT 1",
        first.id,
    ) == [("done", "Sam sent the chart on Friday")]


async def test_quitting_asks_about_a_tracker_note_kept_after_esc(make_app, demo_db: Path) -> None:
    """A note kept after esc is held in memory only: quitting asks about it, from
    any screen, as about words in a dialog (and once, when that note is open in its
    dialog again and being changed)."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        tracker = await on_the_tracker(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await paste(pilot, "Sam sent the chart on Friday")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is tracker, what="the tracker again")
        await shows(pilot, "Your note is kept")
        await pilot.press("f3")  # on another screen, the note is still held
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question")
        await shows(pilot, "Not saved: a tracker note not recorded yet (Sam sent the chart")
        await pilot.press("escape")  # stays
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history again")
        assert app.is_running
        await pilot.press("f4")
        await wait_for(pilot, lambda: app.screen is tracker, what="the tracker again")
        await pilot.press("d")  # the kept note, open again in its dialog and changed: asked about once
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note again")
        await paste(pilot, " at last")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question again")
        await shows(pilot, "Not saved: what you are typing in this dialog (Sam sent")
        assert "tracker note" not in screen_text(app)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")


async def test_themes_chart_flags_and_a_team_report(make_app, demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen), what="themes")
        text = await shows(pilot, "Recurring themes")
        month = TODAY.replace(day=1).strftime("%b %Y")
        await shows(pilot, month)
        assert "Improvement science capability" in text and "not sure" in text
        await shows(pilot, "completed sessions):")
        team = query(demo_db, "SELECT id, name FROM team ORDER BY name_key LIMIT 1")[0]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the team picker")
        await paste(pilot, team[1])
        await pilot.press("enter")
        await shows(pilot, f"t Team: {team[1]}")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(out)
        await pilot.press("enter")
        await wait_for(pilot, out.exists, what="the report")
    report = out.read_text()
    assert team[1] in report


async def test_each_area_by_key_and_from_the_palette(make_app, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await started(pilot)
        for key, kind in (("f3", HistoryScreen), ("f4", TrackerScreen), ("f5", TrendsScreen)):
            await pilot.press(key)
            await wait_for(pilot, lambda kind=kind: isinstance(app.screen, kind), what=kind.__name__)
        await pilot.press("f2")
        await shows(pilot, "Which team are you coaching?")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Session", "History", "Action tracker", "Trends"} <= set(titles)
        assert "Themes" not in titles  # the chart is not confused with the colour themes
        await pilot.press("f1")
        await shows(pilot, "Pick the team you are coaching now")
        await pilot.press("end")
        await shows(pilot, "the session / history / action tracker / trends")


async def test_a_teams_sessions_are_read_one_after_another_with_brackets(make_app, demo_db: Path) -> None:
    """From a session, ] shows the team's next older session and [ the newer one,
    without going back to the list; the status line says where in the team's history."""
    first = newest(demo_db)[0]
    team_sessions = newest(demo_db, "t.name = ?", first[1])
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_history(pilot)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session")
        detail = app.screen
        await wait_for(pilot, lambda: detail.detail is not None, what="its text")
        assert detail.detail.id == first[0]
        await shows(pilot, f"1 of {len(team_sessions)}: {first[1]}")
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: detail.detail is not None and detail.detail.id == team_sessions[1][0],
                       what="the next older session")
        await shows(pilot, f"2 of {len(team_sessions)}: {first[1]}")
        assert team_sessions[1][2] in screen_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: detail.detail is not None and detail.detail.id == first[0], what="back")
        await shows(pilot, "This is the team's newest session.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="back in history")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_session_footer_is_whole(make_app, demo_db: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await open_history(pilot)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session")
        await wait_for(pilot, lambda: app.screen.detail is not None, what="its text")
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        assert "] Older" in footer and "f1 Help" in footer and "palette" in footer, footer


async def test_the_tracker_shows_one_teams_actions_and_esc_shows_all_again(make_app, demo_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tracker = await on_the_tracker(pilot)
        everyone = {a.team_name for a in tracker.rows}
        team = sorted(everyone)[-1]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the team picker")
        await paste(pilot, team)
        await pilot.press("enter")
        await shows(pilot, f"t Team: {team}")
        await wait_for(pilot, lambda: {a.team_name for a in tracker.rows} == {team}, what="only that team's actions")
        await pilot.press("escape")
        await shows(pilot, "t Team: all")
        await wait_for(pilot, lambda: {a.team_name for a in tracker.rows} == everyone, what="every team's actions again")
