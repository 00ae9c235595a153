"""Bursts past a question, a picker or a step's own keys, in a real terminal (keys
~10 ms apart, as tmux send-keys delivers them): the answer key answers, the words
after it land where it leads. Pilot versions: tests/ui/test_burst_answers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.test_real_keys import ENTER, ESC, coach
from tests.test_real_typeahead import typed

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("answer", ["r", "n"])
def test_the_answer_typed_ahead_of_the_draft_question_answers_it(tmp_path: Path, answer: str) -> None:
    """'Ward 4', enter, r (or n) and a title at tmux speed: the question about the
    team's unfinished session kept every key, and the title stayed empty."""
    with coach(tmp_path, drafts=({"dilemma": "Night shifts", "step": "dilemma"},)) as app:
        app.shows("Unfinished sessions")
        app.send(ESC)  # not now
        app.shows("Which team are you coaching?")
        app.holds("SELECT count(*) FROM coaching_session", (1,))
        typed(app, *"Ward 4", ENTER, answer, *"Rota slips again")
        expected = [("Rota slips again", "Night shifts")] if answer == "r" else [("", "Night shifts"),
                                                                                   ("Rota slips again", "")]
        app.holds("SELECT title, dilemma FROM coaching_session ORDER BY dilemma DESC", expected)
        app.shows("Rota slips again")
        assert "has an unfinished session" not in app.term.text()
        assert app.rows("SELECT name FROM team") == [("Ward 4",)]
        app.quit()
