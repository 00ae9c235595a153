"""Keys typed in one burst past a question, a picker or a step's own keys: the key
that answers goes to what it answers, and the words after it land where the answer
leads (found by a tester driving the installed app in tmux; real-terminal versions
are in tests/test_real_burst_answers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.ui.modals import ChoiceScreen

from .helpers import query, ready, saved, screen_text, shows, wait_for
from .test_keys import burst


def alpha_with_a_draft(db_path: Path) -> str:
    """Team Alpha with an unfinished, untitled session of Ana's (and team Beta)."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Alpha")
        store.create_team("Beta")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, dilemma="Night shifts", step="dilemma")
    return draft.id


async def _on_the_team_list(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ResumeScreen", what="the offer at start")
    await pilot.press("escape")  # not now: on to the team list
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "team-filter", what="the filter")


# --- 1. "Alpha has an unfinished session…": r or n typed ahead of it --------------------------


@pytest.mark.parametrize("answer", ["r", "n"])
async def test_the_answer_typed_ahead_of_the_draft_question_answers_it(make_app, db_path: Path, answer: str) -> None:
    """'Alpha', enter, 'r' and a title in one burst: the question about Alpha's
    unfinished session kept every key (typed before it was painted) and the title
    stayed empty. The first key typed after enter answers it (r resumes, n starts a
    new one) and the words after it are the title of the session it leads to."""
    draft = alpha_with_a_draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _on_the_team_list(pilot, app)
        burst(app, *"Alpha", "enter", answer, *"Rota slips again")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Rota slips again",
                       what="the title")
        assert not isinstance(app.screen, ChoiceScreen)
        assert app.session_screen.current_step == "dilemma" and app.focused is not None and app.focused.id == "title"
        assert "Rota slips again" in screen_text(app)
        assert (app.session.model.session_id == draft) == (answer == "r")
        await saved(pilot)
    rows = query(db_path, "SELECT s.title, s.dilemma FROM coaching_session s JOIN team t ON t.id = s.team_id "
                 "WHERE t.name = 'Alpha' ORDER BY s.dilemma DESC")
    if answer == "r":
        assert rows == [("Rota slips again", "Night shifts")]
    else:
        assert rows == [("", "Night shifts"), ("Rota slips again", "")]
    assert [name for (name,) in query(db_path, "SELECT name FROM team ORDER BY name")] == ["Alpha", "Beta"]


async def test_a_title_typed_ahead_of_the_draft_question_goes_where_the_answer_leads(
    make_app, db_path: Path
) -> None:
    """'Alpha', enter and a title at once, the coach answering r once the question is
    on the screen: the title (typed before the question was painted, answering
    nothing) goes into the resumed session's title, not into a toast."""
    draft = alpha_with_a_draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _on_the_team_list(pilot, app)
        burst(app, *"Alpha", "enter", *"Rota slips again")
        await shows(pilot, "has an unfinished session of yours")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ChoiceScreen)  # 'R' answers nothing: still asking
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Rota slips again",
                       what="the title")
        assert app.session.model.session_id == draft
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session") == [("Rota slips again", "Night shifts")]


async def test_a_letter_after_a_title_typed_ahead_does_not_answer_the_draft_question(make_app, db_path: Path) -> None:
    """Only the first key after enter answers the question before it is seen: the n
    in 'Late nights' typed ahead neither starts a new session nor is lost."""
    alpha_with_a_draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _on_the_team_list(pilot, app)
        burst(app, *"Alpha", "enter", *"Late nights")
        await shows(pilot, "has an unfinished session of yours")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Late nights",
                       what="the title")
        await saved(pilot)
    assert sorted(query(db_path, "SELECT title, dilemma FROM coaching_session")) == [
        ("", "Night shifts"), ("Late nights", "")
    ]
