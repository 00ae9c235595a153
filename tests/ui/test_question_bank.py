"""The question bank: enter picks the first match, adding a question is a choice of its
own, and the coach's own questions can be edited and deleted."""

from __future__ import annotations

from pathlib import Path

from coachtui.ui.modals import ConfirmScreen, TextPromptScreen
from coachtui.ui.screens.session import SessionScreen

from .helpers import painted, paste, query, ready, saved, shows, type_text, wait_for

SMALLEST = "What is the smallest test the team could run this week that would still teach them something?"


async def _questions_step(pilot, team: str = "Ward 4") -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await ready(pilot)
    await type_text(pilot, team)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session.model is not None, what="a session")
    await wait_for(pilot, lambda: app.session_screen.current_step in ("review", "dilemma"), what="the session")
    await pilot.press("ctrl+g", "5")
    await wait_for(pilot, lambda: app.session_screen.current_step == "questions", what="the questions step")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "question-filter", what="the filter")


def _picked(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [q.text for q in app.session.model.questions]


async def test_enter_on_a_filter_picks_the_first_match(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        await paste(pilot, "smallest test")
        await pilot.press("enter")
        assert _picked(app) == [SMALLEST]
        await saved(pilot)
    assert query(db_path, "SELECT text FROM picked_question") == [(SMALLEST,)]
    assert query(db_path, "SELECT count(*) FROM custom_question") == [(0,)]


async def test_adding_a_new_question_is_a_choice_of_its_own(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        await paste(pilot, "What would the night nurses say?")
        await pilot.press("enter")  # nothing matches: enter alone adds nothing
        await shows(pilot, "+ Add")
        assert _picked(app) == []
        await pilot.press("up", "enter")  # the "+ Add as a new question" row, chosen
        await wait_for(pilot, lambda: _picked(app) == ["What would the night nurses say?"], what="the new question")
        await saved(pilot)
        # With matches too, the "+ Add" row is there but never the default.
        await paste(pilot, "smallest")
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: len(_picked(app)) == 2, what="the second new question")
        await saved(pilot)
    assert query(db_path, "SELECT text FROM custom_question ORDER BY created_at") == [
        ("What would the night nurses say?",), ("smallest",)
    ]


async def test_the_coachs_own_question_can_be_edited(make_app, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        mine = store.add_custom_question("Who decides the rotta?", coach="Ana Ruiz")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        await type_text(pilot, "rotta")
        await pilot.press("enter")  # picked in this session
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the edit prompt")
        await pilot.press("ctrl+u")
        await paste(pilot, "Who decides the rota?")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the bank")
        await shows(pilot, "Who decides the rota?")
        assert _picked(app) == ["Who decides the rota?"]
        await saved(pilot)
    assert query(db_path, "SELECT id, text FROM custom_question") == [(mine.id, "Who decides the rota?")]
    assert query(db_path, "SELECT text FROM picked_question") == [("Who decides the rota?",)]


async def test_a_bank_question_cannot_be_edited_or_deleted(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        await paste(pilot, "smallest test")
        await pilot.press("ctrl+r")
        await shows(pilot, "Only your own questions")
        await pilot.press("ctrl+d")
        assert not isinstance(app.screen, ConfirmScreen)


async def test_the_coachs_own_question_can_be_deleted(make_app, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.add_custom_question("Who decides the rota?", coach="Ana Ruiz")
        store.add_custom_question("What does the porter see?", coach="Ana Ruiz")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        await type_text(pilot, "rota")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await shows(pilot, "Deleted your question")
        await saved(pilot)
        assert "Who decides the rota?" not in [q.text for q in app.session.custom_questions]
    assert query(db_path, "SELECT text FROM custom_question") == [("What does the porter see?",)]
    assert query(db_path, "SELECT count(*) FROM tombstone WHERE kind = 'custom_questions'") == [(1,)]


async def test_letters_typed_on_the_bank_list_go_to_the_filter(make_app, db_path: Path) -> None:
    """The coach clicked (or tabbed) into the list and started typing: the words used
    to vanish; now they filter, and enter picks the first match, as on the field."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        app.session_screen.query_one("#bank").focus()
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "bank", what="the list")
        await pilot.press(*"smallest tesx", "backspace", "t")  # a burst, a typo put right
        filter_field = app.session_screen.query_one("#question-filter")
        await wait_for(pilot, lambda: filter_field.value == "smallest test", what="the filter to hold the words")
        assert app.focused is filter_field
        await pilot.press("enter")
        await wait_for(pilot, lambda: _picked(app) == [SMALLEST], what="the first match picked")
        await saved(pilot)
    assert query(db_path, "SELECT text FROM picked_question") == [(SMALLEST,)]


async def test_space_on_the_bank_list_still_picks(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _questions_step(pilot)
        await paste(pilot, "smallest test")
        app.session_screen.query_one("#bank").focus()
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "bank", what="the list")
        await pilot.press("space")
        await wait_for(pilot, lambda: _picked(app) == [SMALLEST], what="space to pick")
        assert app.session_screen.query_one("#question-filter").value == "smallest test"
