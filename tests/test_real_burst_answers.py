"""Bursts past a question, a picker or a step's own keys, in a real terminal (keys
~10 ms apart, as tmux send-keys delivers them): the answer key answers, the words
after it land where it leads. Pilot versions: tests/ui/test_burst_answers.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.test_real_keys import CTRL_G, ENTER, ESC, TAB, Coach, coach, resumed
from tests.test_real_team import _wait_until_open
from tests.test_real_typeahead import F9, typed

from coachtui.ui.typeahead import ANSWER_PAUSE, TYPING_PAUSE

pytestmark = pytest.mark.slow

CTRL_D = "\x04"


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


def test_f9_a_digit_or_a_name_in_a_set_of_more_than_nine(tmp_path: Path) -> None:
    """A set of twelve: f9, 3 and a title went into the list's filter and were lost.
    The digit picks at once; letters filter, enter picks; the title follows either."""
    from tests.ui.test_burst_answers import big_set

    db = tmp_path / "coach.db"
    big_set(db)
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Big set")
        app.send("Big set" + ENTER)
        app.shows("Dilemma, in your words")
        typed(app, F9, "3", *"Voice")
        app.holds("SELECT presenter, title FROM coaching_session ORDER BY turn", [("Member C", "Voice")])
        typed(app, F9, *"zara", ENTER, *"Beds")
        app.holds("SELECT presenter, title FROM coaching_session ORDER BY turn",
                  [("Member C", "Voice"), ("Zara Quinn", "Beds")])
        app.shows("2/2")
        app.quit()
    finally:
        app.close()


@pytest.mark.parametrize("burst", ["one", "keys"])
def test_ctrl_g_and_a_digit_inside_a_question_note(tmp_path: Path, burst: str) -> None:
    """ctrl+g 3 in an open question note typed "3" into the note; it goes to step 3
    as it does outside the note, and the note keeps what was typed."""
    with resumed(tmp_path, "Rota", "Night team") as app:
        app.send(CTRL_G + "5")
        app.shows("Type to filter (enter picks)")
        app.send(ENTER)  # the highlighted question
        app.holds("SELECT count(*) FROM picked_question", (1,))
        keys = (TAB, "n", *"Team said", CTRL_G, "3", "!")
        if burst == "one":
            app.send("".join(keys))
        else:
            typed(app, *keys)
        app.holds("SELECT s.title, q.note FROM coaching_session s JOIN picked_question q ON q.session_id = s.id",
                  ("Rota!", "Team said"))
        app.shows("Dilemma, in your words")
        assert "Note beside" not in app.term.text()
        app.quit()


@pytest.mark.parametrize("burst", ["one", "keys"])
def test_words_typed_on_arriving_at_the_summary_are_what_we_learned(tmp_path: Path, burst: str) -> None:
    """ctrl+g 7 and 'nurses want the data' at tmux speed: the n started a new session
    and the rest went into the team filter."""
    with resumed(tmp_path, "Rota", "Night team") as app:
        keys = (CTRL_G, "7", *"nurses want the data")
        if burst == "one":
            app.send("".join(keys))
        else:
            typed(app, *keys)
        app.holds("SELECT title, insight, status FROM coaching_session", [("Rota", "nurses want the data", "draft")])
        app.shows("nurses want the data")
        assert "Which team are you coaching?" not in app.term.text()
        app.quit()


def test_a_title_typed_past_create_another_team(tmp_path: Path) -> None:
    """'Wards 4', enter, 'Rota slips' at tmux speed (Ward 4 exists): "Create Wards 4 as
    another team?" kept the title, and after y it was only a 'Not used' toast."""
    with coach(tmp_path, drafts=({"dilemma": "Night shifts", "step": "dilemma"},)) as app:
        app.shows("Unfinished sessions")
        app.send(ESC)
        app.shows("Which team are you coaching?")
        typed(app, *"Wards 4", ENTER, *"Rota slips")
        app.shows("There is already a team called Ward 4.")
        time.sleep(TYPING_PAUSE)  # the coach reads the question, then answers it
        app.send("y")
        app.holds("SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id ORDER BY t.name",
                  [("Ward 4", ""), ("Wards 4", "Rota slips")])
        app.quit()


@pytest.mark.parametrize("when", ["seen", "typed ahead"])
def test_ctrl_g_and_a_digit_at_a_question_go_to_the_step_once_it_is_answered(tmp_path: Path, when: str) -> None:
    """c on the summary asks "… Complete the session anyway?" (no category): ctrl+g 3
    typed at it did nothing and the 3 was a "Not used" toast. It is kept for after
    the answer: n (go back), and the coach is on step 3, the words after it in the title."""
    with resumed(tmp_path, "Rota", "Night team") as app:
        app.send(CTRL_G + "7")
        app.shows("What we learned today")
        if when == "seen":
            app.send("c")
            app.shows("Complete the session anyway?")
            typed(app, CTRL_G, "3", *" slips")
        else:
            typed(app, "c", CTRL_G, "3", *" slips")
            app.shows("Complete the session anyway?")
        app.term.pump(TYPING_PAUSE)  # the coach reads the question, then answers it
        assert "Complete the session anyway?" in app.term.text()
        app.send("n")
        app.holds("SELECT title, insight, status FROM coaching_session", ("Rota slips", "", "draft"))
        app.shows("Dilemma, in your words")
        assert "Not used" not in app.term.text()
        app.quit()


def test_typing_on_after_ctrl_d_never_deletes_the_team(tmp_path: Path) -> None:
    """'Wa', ctrl+d (delete forward, out of habit), then 'rd 4 yesterday' at 100 ms a
    key: the y of 'yesterday' answered "Delete (y)", and the team and its sessions
    were gone for good. Typed on with no pause, it is a word; after a pause, n
    keeps the team (quitting would have deleted it at once, had y answered)."""
    with coach(tmp_path) as app:
        app.shows("Ward 4")
        _wait_until_open(app.term, app.db)
        typed(app, *"Wa")
        app.send(CTRL_D)
        app.shows("for good")
        for key in "rd 4 yesterday":
            app.term.send(key, pause=0.1)
        time.sleep(ANSWER_PAUSE)  # the coach stops typing and reads the question
        assert "for good" in app.term.text()  # still asked: no letter answered it
        app.send("n")
        app.shows("Which team are you coaching?")
        app.quit()
    assert app.rows("SELECT name FROM team") == [("Ward 4",)]


@pytest.mark.parametrize("burst", ["one", "keys"])
def test_a_title_typed_after_enter_on_a_team_with_open_actions(tmp_path: Path, burst: str) -> None:
    """'Ward 4', enter, 'Staff dropped' at tmux speed, Ward 4 having an open action:
    the review opened and the d marked the action done; the title stayed empty."""
    from tests.ui.test_burst_answers import ward_with_an_open_action

    db = tmp_path / "coach.db"
    ward_with_an_open_action(db)
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Ward 4")
        keys = (*"Ward 4", ENTER, *"Staff dropped")
        if burst == "one":
            app.send("".join(keys))
        else:
            typed(app, *keys)
        app.holds("SELECT title FROM coaching_session WHERE status = 'draft'", ("Staff dropped",))
        app.shows("Dilemma, in your words")
        assert app.rows("SELECT count(*) FROM action_review") == [(0,)]
        assert app.rows("SELECT status FROM action") == [("open",)]
        app.quit()
    finally:
        app.close()


def test_a_title_typed_after_a_pause_on_the_review_that_starts_with_a_mark(tmp_path: Path) -> None:
    """'Ward 4', enter, a third of a second's pause, then 'done deal' at 100 ms a key
    (a tester): the d marked the open action done and the title was 'one deal'. A
    mark's letter with a letter that marks nothing straight after it is words."""
    from tests.ui.test_burst_answers import ward_with_an_open_action

    db = tmp_path / "coach.db"
    ward_with_an_open_action(db)
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Ward 4")
        app.send(ENTER)
        app.shows("Actions from earlier sessions")
        time.sleep(0.3)  # the coach glances at the list, then types the title
        for key in "done deal":
            app.term.send(key, pause=0.1)
        app.holds("SELECT title FROM coaching_session WHERE status = 'draft'", ("done deal",))
        assert app.rows("SELECT count(*) FROM action_review") == [(0,)]
        assert app.rows("SELECT status FROM action") == [("open",)]
        app.quit()
    finally:
        app.close()
