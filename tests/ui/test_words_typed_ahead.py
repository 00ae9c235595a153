"""Words a coach typed in a burst that were waiting for their turn when something
else happened (found by a tester driving the installed app in tmux; the real-terminal
versions are in tests/test_real_typeahead.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.ui.modals import ChoiceScreen, ConfirmScreen, TextPromptScreen

from .helpers import (
    painted,
    query,
    reads_the_question,
    ready,
    saved,
    screen_text,
    shows,
    type_text,
    wait_for,
)
from .test_keys import burst


@pytest.fixture
def north_set(db_path: Path) -> Path:
    """North leads: a set with two members."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("North leads")
        for name in ("Asha", "Ben"):
            team = store.add_member(team.id, name)
    return db_path


def members(db: Path) -> str:
    (row,) = query(db, "SELECT members FROM team WHERE name = 'North leads'")
    return str(row[0])


async def test_ctrl_q_while_mark_as_left_is_asked_keeps_the_names_typed_after_it(make_app, north_set: Path) -> None:
    """f8, 'Cy', '-Asha' and 'Dee' in one burst: "Mark Asha as having left?" came up
    with Dee waiting behind it, and ctrl+q then quit without a word: Dee was lost.
    Quitting asks, as it does about words typed in a dialog; esc goes back to them."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "North")
        burst(app, "f8", "C", "y", "enter", "-", "A", "s", "h", "a", "enter", "D", "e", "e", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await shows(pilot, "Mark Asha as having left")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the quit question")
        text = await shows(pilot, "Not saved")
        assert "Dee" in text, text
        assert app.is_running
        await pilot.press("escape")  # back to it
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question again")
        await shows(pilot, "Mark Asha as having left")
        await reads_the_question(pilot, app.screen)
        await pilot.press("y")
        await shows(pilot, "Dee joined")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the members prompt again")
        await saved(pilot)
    held = members(north_set)
    assert '"name": "Dee", "left": ""' in held and '"name": "Cy", "left": ""' in held
    assert '"name": "Asha", "left": "20' in held


async def test_ctrl_q_and_quit_losing_them_quits(make_app, north_set: Path) -> None:
    """The coach who says so loses the waiting names: the app quits."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "North")
        burst(app, "f8", "-", "B", "e", "n", "enter", "Z", "o", "e", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the quit question")
        assert "Zoe" in screen_text(app)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert '"name": "Zoe"' not in members(north_set)
    assert '"name": "Ben", "left": ""' in members(north_set)


@pytest.fixture
def alpha_draft(db_path: Path) -> Path:
    """Teams Alpha and Bravo; the coach's draft for Alpha is open on its dilemma."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Bravo")
        alpha = store.create_team("Alpha")
        draft = store.start_session(alpha.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota", dilemma="Night shifts", step="dilemma")
    return db_path


async def on_the_team_list_from_alpha(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await shows(pilot, "Unfinished sessions")
    await pilot.press("enter")  # resume Alpha's draft
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
    await pilot.press("ctrl+g", "1")
    await wait_for(pilot, lambda: app.session_screen.current_step == "team", what="the team list")


async def test_stay_then_another_name_never_makes_a_team_of_both_names(make_app, alpha_draft: Path) -> None:
    """Alpha's draft open, on the team list: 'Bravo' enter, "Start a new session with
    Bravo?", Stay; then 'Charlie' enter made a team "BravoCharlie": the name used for
    Bravo stayed in the filter and 'Charlie' was typed on after it."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_team_list_from_alpha(pilot, app)
        await type_text(pilot, "Bravo")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await shows(pilot, "Start a new session with Bravo?")
        await reads_the_question(pilot, app.screen)
        await pilot.press("n")  # Stay
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="the team list again")
        await type_text(pilot, "Charlie")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await shows(pilot, "Start a new session with Charlie?")
        await reads_the_question(pilot, app.screen)
        await pilot.press("n")  # Stay
        await saved(pilot)
    assert query(alpha_draft, "SELECT name FROM team ORDER BY name") == [("Alpha",), ("Bravo",), ("Charlie",)]
    assert query(alpha_draft, "SELECT title FROM coaching_session") == [("Rota",)]


async def test_a_name_typed_straight_after_ctrl_g_1_takes_the_place_of_words_left_in_the_filter(
    make_app, alpha_draft: Path
) -> None:
    """'Bravo' typed in the filter and left there (ctrl+g 3 back to the dilemma); later
    ctrl+g 1, 'Charlie' and enter in one burst, before the list was on the screen: the
    words left there are selected as the list comes back, and 'Charlie' takes their place."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_team_list_from_alpha(pilot, app)
        await type_text(pilot, "Bravo")
        await pilot.press("ctrl+g", "3")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        burst(app, "ctrl+g", "1", "C", "h", "a", "r", "l", "i", "e", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await shows(pilot, "Start a new session with Charlie?")
        await reads_the_question(pilot, app.screen)
        await pilot.press("n")  # Stay
        await saved(pilot)
    assert query(alpha_draft, "SELECT name FROM team ORDER BY name") == [("Alpha",), ("Bravo",), ("Charlie",)]


async def test_an_n_typed_on_after_a_note_is_a_letter_and_a_deliberate_n_opens_the_note(
    make_app, db_path: Path
) -> None:
    """On the questions step: a note typed, esc and 'night shift' in one burst
    reopened the note at the n and put "ight shift" in it. Letters typed on, without
    a pause, are words for the filter as on any list here; n after tab, or after the
    coach has stopped to look at the list, still opens the picked question's note."""
    from coachtui.ui.modals import TYPING_PAUSE

    from .test_saves import _draft, _go, _resume

    _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        await _go(pilot, app, "questions")
        await pilot.press("enter")  # the highlighted question
        await shows(pilot, "Picked (1)")
        burst(app, "tab", "n", *"Trust is low")  # tab, n: its note, and the words in it
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await wait_for(pilot, lambda: app.screen.query_one("#prompt-area").text == "Trust is low", what="the note's words")
        burst(app, "escape", *"night shift")
        await shows(pilot, "✎ Trust is low")
        filter_ = app.query_one("#question-filter")
        await wait_for(pilot, lambda: filter_.value == "night shift", what="the words in the filter")
        assert not isinstance(app.screen, TextPromptScreen)
        await saved(pilot)
        assert query(db_path, "SELECT note FROM picked_question") == [("Trust is low",)]
        await pilot.press("tab")  # back on the picked list
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "picked", what="the picked list")
        await reads_the_question(pilot, app.screen)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note again")
        burst(app, *" at night", "escape")
        await shows(pilot, "✎ Trust is low at night")
        await pilot.pause(TYPING_PAUSE + 0.2)  # the coach stops and looks at the list
        await reads_the_question(pilot, app.screen)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note once more")
        assert app.screen.query_one("#prompt-area").text == "Trust is low at night"
        await pilot.press("escape")
        await saved(pilot)
        assert filter_.value == "night shift"
    assert query(db_path, "SELECT note FROM picked_question") == [("Trust is low at night",)]
