"""Tests of change and the learning log, driven through the real app (issue 21)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coachtui.ui.modals import LearningPromptScreen, TextPromptScreen

from .helpers import painted, paste, query, ready, saved, screen_text, shows, type_text, wait_for

PREDICTION = "We expect under 2 missed huddles a week"


async def to_the_actions(pilot) -> None:  # type: ignore[no-untyped-def]
    """A new team, a dilemma title, then the Actions step."""
    app = await ready(pilot)
    await type_text(pilot, "Ward 4")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
    await paste(pilot, "Huddle clash")
    await pilot.press("ctrl+g", "6")
    await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_an_action_is_marked_a_test_of_change_with_its_prediction(make_app, db_path: Path, size) -> None:
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await to_the_actions(pilot)
        assert "^t Test" in screen_text(app).splitlines()[-1]  # the key, in the footer
        await paste(pilot, "Move the huddle to 21:45")
        await pilot.press("tab")
        await paste(pilot, "Sam")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "action-prediction")
        await pilot.press("enter")  # no prediction yet: refused, nothing added
        await shows(pilot, "A test of change needs a prediction")
        assert app.session.model.actions == []
        await paste(pilot, PREDICTION)
        await pilot.press("enter")
        await shows(pilot, "Test of change added.")
        await shows(pilot, "Test · Move the huddle")
        assert not app.query_one("#action-test-row").display  # the form is ready for the next one
        await paste(pilot, "Ask the porters")
        await pilot.press("enter")
        await shows(pilot, "Action added.")
        await saved(pilot)
    assert sorted(query(db_path, "SELECT text, owner, prediction FROM action")) == [
        ("Ask the porters", "", ""),
        ("Move the huddle to 21:45", "Sam", PREDICTION),
    ]


async def test_a_half_typed_prediction_comes_back_with_the_draft(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await to_the_actions(pilot)
        await paste(pilot, "Move the huddle")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "action-prediction")
        await paste(pilot, "We expect calm")
        await saved(pilot)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # resume the draft offered
        await wait_for(pilot, lambda: app.session.model is not None, what="the draft")
        await pilot.press("ctrl+g", "6")
        await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")
        await wait_for(pilot, lambda: app.query_one("#action-test-row").display, what="the prediction line")
        assert app.query_one("#action-prediction").value == "We expect calm"


@pytest.fixture
def tested(db_path: Path):  # type: ignore[no-untyped-def]
    """Ward 4 agreed a test of change and an ordinary action last time."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4", coach="Ana Ruiz")
        first = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(first.id, title="Huddle clash", dilemma="Night staff miss the huddle.")
        test = store.add_action(first.id, "Move the huddle to 21:45", "Sam", dt.date(2026, 11, 20), prediction=PREDICTION)
        plain = store.add_action(first.id, "Ask the porters", "Kim")
        store.complete_session(first.id)
        return {"team": team, "test": test, "plain": plain}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_reviewing_a_test_asks_what_happened_and_what_was_learned(make_app, tested, db_path: Path, size) -> None:
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # Ward 4
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Test · Move the huddle")
        row = next(i for i, item in enumerate(app.session.model.review_items) if item.action.is_test)
        await pilot.press(*["down"] * row, "d")
        await wait_for(pilot, lambda: isinstance(app.screen, LearningPromptScreen), what="the two questions")
        text = await shows(pilot, "We expected: " + PREDICTION)
        assert "What happened?" in text and "What did the team learn?" in text
        await paste(pilot, "One missed in three weeks")
        await pilot.press("enter")  # on to the learning
        await paste(pilot, "Before the drug round works")
        await saved(pilot)  # saved as typed, before the prompt closes
        assert query(db_path, "SELECT note, learning FROM action_review") == [
            ("One missed in three weeks", "Before the drug round works")
        ]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LearningPromptScreen), what="the prompt closed")
        await shows(pilot, "Learned: Before the drug round works")
        # the ordinary action asks nothing
        other = next(i for i, item in enumerate(app.session.model.review_items) if not item.action.is_test)
        await pilot.press(*(["down"] * (other - row) if other > row else ["up"] * (row - other)), "p")
        await pilot.pause()
        assert not isinstance(app.screen, LearningPromptScreen)
        # the summary shows prediction -> result -> learning
        await pilot.press("ctrl+g", "7")
        await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary")
        await shows(pilot, "What we learned: Before the drug round works")
        await saved(pilot)
    rows = query(db_path, "SELECT a.text, r.status, r.note, r.learning FROM action_review r JOIN action a ON a.id = r.action_id")
    assert sorted(rows) == [
        ("Ask the porters", "in_progress", "", ""),
        ("Move the huddle to 21:45", "done", "One missed in three weeks", "Before the drug round works"),
    ]


@pytest.fixture
def logged(tested, db_path: Path):  # type: ignore[no-untyped-def]
    """Ward 4's test was reviewed (what happened, what was learned); Ward 7 has one too."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        second = store.start_session(tested["team"].id, coach="Ana Ruiz")
        store.record_review(tested["test"].id, "done", "One missed in three weeks", session_id=second.id,
                            learning="Before the drug round works")
        store.save_draft(second.id, dilemma="Handover")
        store.complete_session(second.id)
        other = store.create_team("Ward 7")
        third = store.start_session(other.id, coach="Ana Ruiz")
        store.save_draft(third.id, dilemma="Noise")
        store.add_action(third.id, "Quiet hour", prediction="We expect calmer nights")
        store.complete_session(third.id)
    return tested


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_learning_log_from_history_and_the_palette(make_app, logged, size) -> None:
    from coachtui.ui.screens.history import HistoryScreen
    from coachtui.ui.screens.learning_log import LearningLogScreen

    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        await wait_for(pilot, lambda: app.screen.query_one("#history-table").row_count > 0, what="the list")
        await pilot.press("down")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "history-table", what="the list")
        await pilot.press("l")  # every team (no team filter)
        await wait_for(pilot, lambda: isinstance(app.screen, LearningLogScreen), what="the learning log")
        text = await shows(pilot, "2 tests of change")
        assert text.index("Quiet hour") < text.index("Move the huddle")  # newest first
        await shows(pilot, "What we learned: Before the drug round works")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="back to history")
        await pilot.press("f2")
        await pilot.press("enter")  # the most recent team (Ward 7): a session for it
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        assert app.session.model.team.name == "Ward 7"
        await pilot.press("ctrl+p")
        await type_text(pilot, "Learning log")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LearningLogScreen), what="the learning log")
        text = await shows(pilot, "1 test of change")  # this session's team only
        assert "Learning log — Ward 7" in text and "Quiet hour" in text and "Move the huddle" not in text


async def test_a_note_on_a_test_typed_before_its_mark_is_kept_and_saved_with_it(make_app, tested, db_path: Path) -> None:
    """n on a test of change not yet marked opened the two questions, and what was
    typed showed as saved while it was kept nowhere (a review is saved with a mark)."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # Ward 4
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Test · Move the huddle")
        row = next(i for i, item in enumerate(app.session.model.review_items) if item.action.is_test)
        await pilot.press(*["down"] * row, "n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await paste(pilot, "One missed in three weeks")
        await pilot.press("escape")
        await pilot.press("d")  # marked: the two questions, with the note as what happened
        await wait_for(pilot, lambda: isinstance(app.screen, LearningPromptScreen), what="the two questions")
        await saved(pilot)
        assert query(db_path, "SELECT status, note FROM action_review") == [("done", "One missed in three weeks")]


async def _a_note_waiting(pilot) -> None:  # type: ignore[no-untyped-def]
    """Ward 4's review, a note typed on "Ask the porters" before its mark."""
    app = await ready(pilot)
    await type_text(pilot, "Ward 4")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
    await shows(pilot, "Ask the porters")
    row = next(i for i, item in enumerate(app.session.model.review_items) if not item.action.is_test)
    await pilot.press(*["down"] * row, "n")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
    await paste(pilot, "Porters said yes to nights")
    await pilot.press("escape")
    await shows(pilot, "Note, saved once you mark how it went")


@pytest.mark.parametrize("way", ["new session", "another team", "another draft", "amend from history"])
async def test_a_note_waiting_for_its_mark_is_kept_when_leaving_the_session(
    make_app, tested, db_path: Path, way: str
) -> None:
    """A review note typed before its mark: a new session, another team, another
    draft or amending a session from history dropped it silently (and a crash lost
    it). It is kept in the session's draft as typed, and waits there for its mark
    when the draft is resumed."""
    from textual.command import CommandPalette

    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        other = store.create_team("Ward 9", coach="Ana Ruiz")
        draft = store.start_session(other.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Night rota")
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        from coachtui.ui.modals import ResumeScreen

        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the drafts offered")
        await pilot.press("n")
        await _a_note_waiting(pilot)
        session_id = app.session.model.session_id

        async def leave() -> None:
            if way == "another team":
                await pilot.press("ctrl+g", "1")
                await wait_for(pilot, lambda: app.session_screen.current_step == "team", what="the team step")
                await pilot.press("end", "ctrl+u")  # the filter still says "Ward 4"
                await type_text(pilot, "Ward 9")
                await pilot.press("enter")
                return
            if way == "amend from history":
                completed = query(db_path, "SELECT id FROM coaching_session WHERE status = 'completed'")[0][0]
                version = query(db_path, "SELECT version FROM coaching_session WHERE id = ?", completed)[0][0]
                app.drafts.amend(completed, version)
                return
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
            await type_text(pilot, "New session" if way == "new session" else "Resume a draft")
            await pilot.pause(0.3)
            await pilot.press("enter")
            if way == "another draft":
                await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the drafts")
                await pilot.press("enter")

        await leave()
        if way == "another team":  # Ward 9's draft is offered: carry on in it
            await shows(pilot, "Ward 9 has an unfinished session of yours")
            await pilot.press("r")
        await wait_for(
            pilot, lambda: app.session.model is None or app.session.model.session_id != session_id, what="left"
        )
        await saved(pilot)
        drafts = query(db_path, "SELECT review_draft FROM coaching_session WHERE id = ?", session_id)
        assert list(json.loads(drafts[0][0]).values()) == ["Porters said yes to nights"]
        assert query(db_path, "SELECT count(*) FROM action_review WHERE session_id = ?", session_id) == [(0,)]
        if way == "amend from history":
            return  # (the amended session is open: resuming the first is the other ways' part)
        app.drafts.resume(session_id)  # back to it: the note waits for its mark
        await wait_for(
            pilot, lambda: app.session.model is not None and app.session.model.session_id == session_id, what="back"
        )
        await pilot.press("ctrl+g", "2")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        row = next(i for i, item in enumerate(app.session.model.review_items) if not item.action.is_test)
        await pilot.press(*["down"] * row)
        await shows(pilot, "Note, saved once you mark how it went")
        await pilot.press("d")  # marked: saved with its note
        await saved(pilot)
    assert query(db_path, "SELECT status, note FROM action_review WHERE session_id = ?", session_id) == [
        ("done", "Porters said yes to nights")
    ]
    assert query(db_path, "SELECT review_draft FROM coaching_session WHERE id = ?", session_id) == [("",)]
