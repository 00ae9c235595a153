"""Whole coaching sessions driven through the real app, checked against the database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from coachtui.config import Settings, load_settings
from coachtui.ui.modals import ConfirmScreen, ResumeScreen, TextPromptScreen
from coachtui.ui.screens.session import SessionScreen

from .helpers import painted, paste, query, ready, saved, screen_text, shows, type_text, wait_for


async def test_first_run_asks_the_name_then_goes_straight_to_creating_a_team(
    make_app, db_path: Path, settings_path: Path
) -> None:
    app = make_app(settings=Settings())
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the name prompt")
        await type_text(pilot, "Ana Ruiz")
        await pilot.press("enter")
        await ready(pilot)
        await pilot.pause()
        await shows(pilot, "Welcome! Create your first team")
        assert app.focused is not None and app.focused.id == "team-filter"
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        await saved(pilot)
        assert query(db_path, "SELECT status, coach FROM coaching_session") == [("draft", "Ana Ruiz")]
    assert load_settings(settings_path).coach_name == "Ana Ruiz"
    assert query(db_path, "SELECT name FROM team") == [("Ward 4",)]
    assert query(db_path, "SELECT count(*) FROM coaching_session") == [(0,)]  # left empty: not kept


async def test_skipping_the_name_is_remembered(make_app, settings_path: Path) -> None:
    app = make_app(settings=Settings())
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the name prompt")
        await pilot.press("escape")
        await ready(pilot)
    assert load_settings(settings_path).name_asked is True
    second = make_app(settings=load_settings(settings_path))
    async with second.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert not isinstance(second.screen, TextPromptScreen)


async def test_a_complete_session_with_a_new_team(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        # No earlier actions: the review step says so and moves on to the dilemma.
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await paste(pilot, "Falls at night")
        await pilot.press("tab")
        await paste(pilot, "Nobody can read the run chart\nand the manager cancels huddles.")
        await pilot.press("tab")
        await paste(pilot, "Matron present")
        await saved(pilot)
        assert query(db_path, "SELECT title, dilemma, context FROM coaching_session") == [
            ("Falls at night", "Nobody can read the run chart\nand the manager cancels huddles.", "Matron present")
        ]

        await pilot.press("ctrl+n")  # category
        await shows(pilot, "Suggested: Improvement science capability")
        await pilot.press("1")
        await pilot.press("down", "right", "s")  # environment card as secondary

        await pilot.press("ctrl+n")  # questions
        await pilot.press("enter")  # picks the first capability question
        await paste(pilot, "smallest test")
        await pilot.press("enter")  # picks the first match
        await pilot.press("ctrl+u")
        await paste(pilot, "What would the night nurses say?")
        await pilot.press("up", "enter")  # "+ Add as a new question": keeps it and picks it
        await pilot.press("tab")  # tab from the filter: straight to the picked list
        assert app.focused is not None and app.focused.id == "picked"
        await pilot.press("n")
        await paste(pilot, "They said: ask us")
        await pilot.press("ctrl+s")

        await pilot.press("ctrl+n")  # actions
        await paste(pilot, "Plot ten more points")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("tab")
        await type_text(pilot, "+7d")
        await pilot.press("enter")
        await paste(pilot, "Ask for protected time")
        await pilot.press("tab", "tab")
        await type_text(pilot, "banana")
        await pilot.press("enter")
        await shows(pilot, "Not a date I understand: 'banana'")
        await pilot.press("ctrl+u")
        await pilot.press("enter")  # no due date is fine

        await pilot.press("ctrl+n")  # summary
        await wait_for(pilot, lambda: "Nobody can read the run chart" in screen_text(app), what="the summary")
        await pilot.press("end")  # scroll to the bottom, where the actions are
        await wait_for(pilot, lambda: "Plot ten more points" in screen_text(app), what="the actions")
        await pilot.press("c")
        await saved(pilot)
        await shows(pilot, "Completed and saved")

    session = query(
        db_path,
        "SELECT status, primary_category, secondary_category, suggested_category, suggestion_reasons "
        "FROM coaching_session",
    )
    assert session[0][:4] == ("completed", "capability", "environment", "capability")
    assert json.loads(session[0][4])
    picked = query(db_path, "SELECT question_id, text, note, position FROM picked_question ORDER BY position")
    assert [row[0] for row in picked[:2]] == ["cap-01", "cap-03"]
    assert picked[2][1:] == ("What would the night nurses say?", "", 2)
    assert picked[0][2] == "They said: ask us"
    assert query(db_path, "SELECT text, category FROM custom_question") == [
        ("What would the night nurses say?", "capability")
    ]
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert query(db_path, "SELECT text, owner, due_date, status FROM action ORDER BY position") == [
        ("Plot ten more points", "Sam", due, "open"),
        ("Ask for protected time", "", None, "open"),
    ]


async def test_an_existing_team_reviews_its_earlier_actions(make_app, seeded, db_path: Path) -> None:
    a1, a2, a3 = seeded["actions"]
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "Ward 4" in text and "Year 9 maths" in text
        await pilot.press("enter")  # the most recent team (Ward 4) is highlighted
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        # The last session's summary beside the list is Markdown, drawn a moment later.
        text = await shows(pilot, "Falls at night")
        assert "Plot ten more points" in text and "Ask matron for protected time" in text
        await pilot.press("d")  # first row: done
        await pilot.press("down", "s")  # second row: stuck
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
        await paste(pilot, "No cover this month")
        await pilot.press("ctrl+s")
        await pilot.press("down", "x", "u")  # third: dropped, then undone
        await saved(pilot)
        session_id = app.session.model.session_id

    reviews = dict(
        (row[0], row[1:])
        for row in query(db_path, "SELECT action_id, status, note, session_id FROM action_review")
    )
    assert reviews == {
        a1.id: ("done", "", session_id),
        a2.id: ("stuck", "No cover this month", session_id),
    }
    statuses = dict(query(db_path, "SELECT id, status FROM action"))
    assert statuses == {a1.id: "done", a2.id: "stuck", a3.id: "open"}


async def test_resuming_an_interrupted_draft(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        draft = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Half done", dilemma="We were talking about", step="dilemma")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        await shows(pilot, "Half done")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="the resumed session")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        assert app.query_one("#dilemma-text").text == "We were talking about"
        area = app.query_one("#dilemma-text")
        area.focus()
        area.move_cursor(area.document.end)
        await type_text(pilot, " the rota")
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session WHERE id = ?", draft.id) == [
        ("We were talking about the rota",)
    ]


async def test_discarding_a_draft_asks_first(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        draft = store.start_session(seeded["team"].id)
        store.save_draft(draft.id, title="Throw me away")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        await pilot.press("d")
        await shows(pilot, "Discard the draft")
        await pilot.press("n")  # keep it after all
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the session screen")
        await saved(pilot)
    assert query(db_path, "SELECT count(*) FROM coaching_session WHERE id = ?", draft.id) == [(0,)]


async def test_steps_can_be_skipped_and_completing_says_what_is_missing(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+n")
        await shows(pilot, "Pick or create a team")
        await type_text(pilot, "Clinic B")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await pilot.press("ctrl+g", "7")  # jump straight to the summary
        assert app.session_screen.current_step == "summary"
        await shows(pilot, "needs a dilemma")
        await pilot.press("c")
        await shows(pilot, "Not completed: the session")
        await pilot.press("ctrl+b", "ctrl+b", "ctrl+b", "ctrl+b")
        assert app.session_screen.current_step == "dilemma"
        await pilot.press("tab")
        await type_text(pilot, "Short one")
        await pilot.press("ctrl+g", "7", "c")
        await shows(pilot, "No category is chosen")  # asked once before completing
        await pilot.press("y")
        await saved(pilot)
    assert query(db_path, "SELECT status, dilemma FROM coaching_session") == [("completed", "Short one")]


async def test_team_name_validation_is_inline(make_app, seeded, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await paste(pilot, "x" * 81)
        await shows(pilot, "That name is 81 characters; keep it to 80.")
        await pilot.press("enter")
        assert app.session.model is None
        await pilot.press("ctrl+u")
        await type_text(pilot, "WARD 4")
        await pilot.press("enter")  # an exact match (ignoring case) opens the existing team
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        assert app.session.model.team.id == seeded["team"].id
    assert query(db_path, "SELECT count(*) FROM team") == [(2,)]


async def test_an_empty_draft_moves_to_another_team(make_app, seeded, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        first_id = app.session.model.session_id
        await pilot.press("ctrl+g", "1")
        await pilot.press("ctrl+u")
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model.team.name == "Ward 4", what="the move")
        assert app.session.model.session_id == first_id
        await saved(pilot)
        assert query(db_path, "SELECT team_id FROM coaching_session WHERE id = ?", first_id) == [
            (seeded["team"].id,)
        ]


async def test_a_draft_with_content_is_kept_when_starting_another_team(make_app, seeded, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await type_text(pilot, "Keep me")
        await pilot.press("ctrl+g", "1", "ctrl+u")
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.session.model.team.name == "Ward 4", what="the new session")
        await saved(pilot)
        titles = query(db_path, "SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id "
                                "WHERE s.status = 'draft' ORDER BY t.name")
        assert titles == [("Ward 4", ""), ("Year 9 maths", "Keep me")]


async def test_editing_and_removing_actions(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Team A")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await pilot.press("ctrl+g", "6")
        for text in ("First", "Second"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("tab", "tab", "tab")
        assert app.focused is not None and app.focused.id == "action-table"
        await pilot.press("e")
        assert app.focused.id == "action-text"
        await pilot.press("ctrl+u")
        await paste(pilot, "First, reworded")
        await pilot.press("tab")
        await type_text(pilot, "Kim")
        await pilot.press("enter")
        await pilot.press("tab", "tab", "tab", "down", "delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await saved(pilot)
    assert query(db_path, "SELECT text, owner FROM action") == [("First, reworded", "Kim")]


async def test_help_and_the_command_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await shows(pilot, "Pick the team you are coaching now")
        await pilot.press("escape")
        await pilot.press("tab")  # to the team list, where "?" is not text
        await pilot.press("question_mark")
        await shows(pilot, "Pick the team you are coaching now")
        await pilot.press("escape")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Go to step 4: Category", "New session", "Resume a draft", "Complete session",
                      "Copy summary", "Save summary to a file", "Your name"):
            assert title in commands


async def test_cursor_blinking_can_be_switched_off_and_is_remembered(make_app, settings_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert app.query_one("#team-filter").cursor_blink is True
        app.preferences.toggle_blink()
        await pilot.pause()
        assert app.query_one("#team-filter").cursor_blink is False
        assert app.query_one("#dilemma-text").cursor_blink is False
    assert load_settings(settings_path).cursor_blink is False
    again = make_app(settings=load_settings(settings_path))
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert again.query_one("#action-text").cursor_blink is False


async def test_the_chosen_theme_is_saved(make_app, settings_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.theme = "textual-light"
        await pilot.pause()
    assert load_settings(settings_path).theme == "textual-light"
    again = make_app(settings=load_settings(settings_path))
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


async def test_a_database_that_is_not_coachtuis_ends_with_one_line(make_app, tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"not a database at all" * 10)
    app = make_app(database=foreign)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.return_code == 1, what="the app to stop")
    assert foreign.read_bytes() == b"not a database at all" * 10


async def test_the_summary_exports_this_session_to_a_private_file(make_app, tmp_path: Path) -> None:
    from coachtui.ui.screens.export import ExportScreen

    target = tmp_path / "out" / "summary.md"
    target.parent.mkdir()
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Team [bold]A[/]")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await pilot.press("tab")
        await paste(pilot, "*stars* and [red]markup[/]")
        await pilot.press("ctrl+g", "7", "f")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
        await pilot.press("ctrl+u")
        await paste(pilot, str(target))
        await pilot.press("enter")
        await wait_for(pilot, target.exists, what="the file")
        await shows(pilot, "Exported 1 session")
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    text = target.read_text()
    assert "\\*stars\\* and \\[red\\]markup\\[/\\]" in text
    assert "Team \\[bold\\]A\\[/\\]" in text


async def test_tabbing_into_a_field_never_replaces_what_is_there(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Team A")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await type_text(pilot, "Rota")
        await pilot.press("tab", "shift+tab")  # away and back into the title
        await type_text(pilot, "s")
        await saved(pilot)
    assert query(db_path, "SELECT title FROM coaching_session") == [("Rotas",)]


async def test_keys_typed_ahead_of_a_step_change_land_on_the_new_step(make_app, db_path: Path) -> None:
    """A terminal delivers ``ctrl+g 6`` (or ``ctrl+n`` and the next letters) in one
    read when the coach types fast: the digit must pick the step, not land in the
    field the coach is leaving, and letters typed after ctrl+n belong to the next step."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 7")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await paste(pilot, "Night handover")
        # both keys are queued before either is handled, as when they arrive together
        app.post_message(events.Key("ctrl+g", None))
        app.post_message(events.Key("6", "6"))
        await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")
        # back to the dilemma, then on to the category with its number typed straight after
        await pilot.press("ctrl+g", "3")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        app.post_message(events.Key("ctrl+n", None))
        app.post_message(events.Key("3", "3"))
        await wait_for(pilot, lambda: app.session_screen.current_step == "category", what="the category step")
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma, primary_category FROM coaching_session") == [("Night handover", "", "relational")]


async def test_the_database_opening_while_the_app_closes_is_closed_quietly(make_app, db_path: Path) -> None:
    """Found by a test that left at once: the store opened (in its worker) while the
    app was closing, and handing it to the session screen, already taken down,
    raised KeyError at quit. Now the late store is closed and nothing is shown."""
    from coachtui.store import open_store
    from coachtui.ui.messages import StoreReady

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
    late = open_store(str(db_path))
    closed: list[bool] = []
    late.close = lambda: closed.append(True)  # type: ignore[method-assign]
    app.on_store_ready(StoreReady(late, [], [], []))
    assert closed == [True]
    assert app.store is not late
    late.db.close()
