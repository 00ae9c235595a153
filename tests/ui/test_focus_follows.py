"""Keys typed in one burst go where the focus goes, in order: findings of a tester
who drove the installed app in tmux without reading the code.

Each test queues the whole burst before the app handles any of it (``burst``), as a
fast typist, a paste or a laggy SSH link delivers keys, then checks what the screen
and the database hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.ui.modals import LearningPromptScreen

from .helpers import query, ready, saved, shows, wait_for
from .test_keys import burst
from .test_learning import tested  # noqa: F401 - a fixture
from .test_question_bank import _questions_step
from .test_team_step import three_teams  # noqa: F401 - a fixture


@pytest.mark.parametrize("opened_first", [False, True])
async def test_what_happened_enter_and_the_learning_in_one_burst(
    make_app, tested, db_path: Path, opened_first: bool  # noqa: F811
) -> None:
    """'p', 'Started Monday', enter, 'Timer helps' at once stored "Started MondayT"
    and "imer helps" (or everything under "What happened"); enter after the learning
    closes the dialog, and the keys after it reach the list (the next action marked)."""
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # Ward 4
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Test · Move the huddle")
        row = next(i for i, item in enumerate(app.session.model.review_items) if item.action.is_test)
        await pilot.press(*["down"] * row)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "review-table", what="the list")
        if opened_first:
            burst(app, "p")
            await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "test-result", what="the dialog")
        other = "up" if row else "down"
        burst(app, *([] if opened_first else ["p"]), *"Started Monday", "enter", *"Timer helps", "enter", other, "x")
        await wait_for(
            pilot, lambda: len(query(db_path, "SELECT id FROM action_review")) == 2, what="both actions marked"
        )
        await saved(pilot)
        assert not isinstance(app.screen, LearningPromptScreen)
    rows = query(db_path, "SELECT a.text, r.status, r.note, r.learning FROM action_review r JOIN action a ON a.id = r.action_id")
    assert sorted(rows) == [
        ("Ask the porters", "dropped", "", ""),
        ("Move the huddle to 21:45", "in_progress", "Started Monday", "Timer helps"),
    ]


async def test_tab_and_typing_on_the_team_list_keep_their_order(make_app, three_teams) -> None:  # noqa: F811
    """'abc' tab 'def' tab 'ghi' in one burst showed "abcghidef": the letters typed on
    the list went to the filter after the ones typed on it later."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(app.query("#team-table")), what="the team list")
        burst(app, *"abc", "tab", *"def", "tab", *"ghi")
        field = app.session_screen.query_one("#team-filter")
        await wait_for(pilot, lambda: len(field.value) == 9, what="nine letters in the filter")
        assert field.value == "abcdefghi"
        assert app.focused is field


async def test_tab_from_the_question_filter_and_words_typed_on(make_app, db_path: Path) -> None:
    """tab then 'how do we know' stored "howdo we know": the space reached the list
    (where it picks) before the first letter had moved the focus back to the filter.
    And the hint's "tab to the picked list" is one tab from the filter."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        burst(app, "tab", *"how do we know")
        field = app.session_screen.query_one("#question-filter")
        await wait_for(pilot, lambda: field.value.endswith("know"), what="the words in the filter")
        assert field.value == "how do we know"
        assert app.session.model.questions == []
        field.value = ""
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "picked"
        await saved(pilot)
    assert query(db_path, "SELECT text FROM picked_question") == []


async def test_a_paste_on_the_team_list_goes_to_the_filter_in_order(make_app, three_teams) -> None:  # noqa: F811
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(app.query("#team-table")), what="the team list")
        burst(app, "tab")
        app.post_message(events.Paste("Ward"))
        burst(app, *" 4")
        field = app.session_screen.query_one("#team-filter")
        await wait_for(pilot, lambda: field.value.endswith("4"), what="the filter")
        assert field.value == "Ward 4"
