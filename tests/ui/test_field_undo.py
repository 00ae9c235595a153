"""ctrl+z / ctrl+y in the one-line fields (title, action, owner), as in the dilemma.

Found by a tester: ctrl+u, ctrl+k, ctrl+w or select-all and a letter wiped a title,
ctrl+z did nothing, and the empty title was saved. Textual's Input has no undo;
LiteralInput keeps one: a run of typed characters is one step, a deletion of a word
or of the line is one step, and what is undone is saved like anything typed."""

from __future__ import annotations

import json
from pathlib import Path

from textual.app import App, ComposeResult

from coachtui.ui.widgets.literal import LiteralInput

from .helpers import query, saved, type_text, wait_for
from .test_keys import on_the_dilemma
from .test_saves import _draft, _go, _resume


async def test_a_title_cleared_with_ctrl_u_comes_back_with_ctrl_z_and_is_saved(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        title = app.query_one("#title", LiteralInput)
        await type_text(pilot, "Rota gaps")
        await saved(pilot)
        await pilot.press("ctrl+u")  # everything left of the cursor: all of it
        await saved(pilot)
        assert query(db_path, "SELECT title FROM coaching_session") == [("",)]
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: title.value == "Rota gaps", what="the title back")
        assert title.cursor_position == len("Rota gaps")
        await saved(pilot)
        assert query(db_path, "SELECT title FROM coaching_session") == [("Rota gaps",)]
        await pilot.press("ctrl+y")  # redo: cleared again, and saved so
        await wait_for(pilot, lambda: title.value == "", what="the title cleared again")
        await saved(pilot)
        assert query(db_path, "SELECT title FROM coaching_session") == [("",)]
        await pilot.press("ctrl+z")
        await saved(pilot)
    assert query(db_path, "SELECT title FROM coaching_session") == [("Rota gaps",)]


async def test_ctrl_k_ctrl_w_and_select_all_then_typing_are_each_one_step(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        title = app.query_one("#title", LiteralInput)
        await type_text(pilot, "Rota at night")
        await pilot.press("ctrl+w")  # the last word
        assert title.value == "Rota at "
        await pilot.press("home", "right", "right", "ctrl+k")  # the rest of the line
        assert title.value == "Ro"
        await pilot.press("ctrl+shift+a", *"Huddle")  # select all, type over it
        assert title.value == "Huddle"
        await pilot.press("ctrl+z")  # the typing over the selection: one step
        assert title.value == "Ro"
        await pilot.press("ctrl+z")
        assert title.value == "Rota at "
        await pilot.press("ctrl+z")
        assert title.value == "Rota at night"
        await pilot.press("ctrl+z")  # the whole run typed first
        assert title.value == ""
        await pilot.press("ctrl+y", "ctrl+y")
        assert title.value == "Rota at "
        await pilot.press(*"day")  # a new edit: nothing left to redo
        await pilot.press("ctrl+y")
        assert title.value == "Rota at day"
        await pilot.press("backspace", "backspace", "backspace")  # a run of backspaces: one step
        await pilot.press("ctrl+z")
        assert title.value == "Rota at day"


async def test_the_action_and_owner_fields_undo_and_the_draft_action_is_saved(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        await _go(pilot, app, "actions")
        step = app.session_screen.pane("actions")
        await wait_for(pilot, lambda: app.focused is step.query_one("#action-text"), what="the action field")
        await type_text(pilot, "Ask the night team")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("ctrl+u")
        await pilot.press("shift+tab", "ctrl+shift+a", "backspace")
        assert (step.query_one("#action-text").value, step.query_one("#action-owner").value) == ("", "")
        await pilot.press("ctrl+z", "tab", "ctrl+z")
        await saved(pilot)
    (stored,) = query(db_path, "SELECT action_draft FROM coaching_session WHERE id = ?", session_id)[0]
    assert json.loads(stored) == {"text": "Ask the night team", "owner": "Sam", "due": "", "editing": None}


class _OneField(App[None]):
    def compose(self) -> ComposeResult:
        yield LiteralInput("Ward 4", id="field")


async def test_a_value_shown_by_the_app_is_not_undone_into_the_one_before() -> None:
    """load() (another session's title) and a value the app sets itself (the form
    cleared after an action is added) start a new history: ctrl+z never brings back
    a value from before them."""
    app = _OneField()
    async with app.run_test() as pilot:
        field = app.query_one(LiteralInput)
        field.focus()
        await pilot.press("ctrl+z")
        assert field.value == "Ward 4"  # nothing typed: nothing to undo
        await pilot.press("end", *"7")
        field.load("Another session's title")
        await pilot.press("ctrl+z")
        assert field.value == "Another session's title"
        await pilot.press(*"!")
        field.value = ""
        await pilot.press("ctrl+z")
        assert field.value == ""
