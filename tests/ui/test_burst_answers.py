"""Keys typed in one burst past a question, a picker or a step's own keys: the key
that answers goes to what it answers, and the words after it land where the answer
leads (found by a tester driving the installed app in tmux; real-terminal versions
are in tests/test_real_burst_answers.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coachtui.ui.modals import ChoiceScreen

from .helpers import (
    painted,
    query,
    reads_the_question,
    ready,
    saved,
    screen_text,
    seen,
    shows,
    typed_at,
    wait_for,
)
from .test_keys import burst
from .test_team_step import three_teams  # noqa: F401  (a fixture)


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
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ResumeScreen" and painted(app), what="the offer at start")
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
        await reads_the_question(pilot, app.screen)
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
        await reads_the_question(pilot, app.screen)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Late nights",
                       what="the title")
        await saved(pilot)
    assert sorted(query(db_path, "SELECT title, dilemma FROM coaching_session")) == [
        ("", "Night shifts"), ("Late nights", "")
    ]


# --- 2. f9 on a set of more than nine: a digit still picks at once --------------------------------


def big_set(db_path: Path) -> None:
    """Big set: twelve members, Member A … Member K and Zara Quinn."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Big set")
        for name in [f"Member {letter}" for letter in "ABCDEFGHIJK"] + ["Zara Quinn"]:
            team = store.add_member(team.id, name)


def _presenters(db_path: Path) -> list[tuple[str, str]]:
    return query(db_path, "SELECT presenter, title FROM coaching_session ORDER BY turn")


async def test_f9_and_a_digit_pick_at_once_in_a_set_of_more_than_nine(make_app, db_path: Path) -> None:
    """In a set of twelve, f9 opened a list to filter: the digit typed to choose, and
    the title after it, went into its filter and were lost. A digit picks that line
    at once (as with nine or fewer), and the words after it are the presenter's title."""
    from coachtui.ui.modals import PickerScreen

    big_set(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Big set", "enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the session")
        burst(app, "f9")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the list")
        await shows(pilot, "1–9 picks that line · letters filter, enter picks")  # at 80x24 too
        burst(app, "3", *"Voice")
        await wait_for(pilot, lambda: app.query_one("#title").value == "Voice", what="the third member's title")
        assert app.session.model.presenter == "Member C" and app.focused.id == "title"
        burst(app, "f9", "2", *"Rota")  # 1 is Member C; 2 is the first member who has not presented
        await wait_for(pilot, lambda: app.query_one("#title").value == "Rota", what="the next presenter's title")
        assert not isinstance(app.screen, PickerScreen)
        await shows(pilot, "Member A presenting (2 of 2).")
        await saved(pilot)
    assert _presenters(db_path) == [("Member C", "Voice"), ("Member A", "Rota")]


async def test_f9_and_letters_filter_the_presenters_and_enter_picks(make_app, db_path: Path) -> None:
    """f9 and letters filter a long list by name; enter picks the line highlighted,
    and the words typed straight after enter are that presenter's title (they went
    into the filter of the list as it closed)."""
    from coachtui.ui.modals import PickerScreen

    big_set(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Big set", "enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the session")
        burst(app, "f9", *"zara", "enter", *"Beds")
        await wait_for(pilot, lambda: app.query_one("#title").value == "Beds", what="Zara's title")
        assert not isinstance(app.screen, PickerScreen)
        await shows(pilot, "Zara Quinn presenting (1 of 1).")
        burst(app, "f9", *"member k 1")  # a digit after letters is part of the filter, no pick
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen)
                       and app.screen.query_one("#picker-filter").value == "member k 1", what="the filter")
        assert len(app.session.parts) == 1  # nobody added by the 1
        burst(app, "ctrl+u", *"member k", "enter")
        await shows(pilot, "Member K presenting (2 of 2).")
        await saved(pilot)
    assert _presenters(db_path) == [("Zara Quinn", "Beds"), ("Member K", "")]


# --- 4. ctrl+g and a digit inside a question's note ----------------------------------------------


async def _in_a_question_note(pilot, app) -> None:  # type: ignore[no-untyped-def]
    from coachtui.ui.modals import TextPromptScreen

    from .test_keys import on_the_dilemma

    await on_the_dilemma(pilot, app)
    burst(app, *"Rota", "ctrl+g", "5")
    await wait_for(pilot, lambda: app.session_screen.current_step == "questions"
                   and app.focused is not None and app.focused.id == "question-filter", what="the questions step")
    burst(app, "enter")  # the question highlighted
    await wait_for(pilot, lambda: len(app.session.model.questions) == 1, what="a picked question")
    burst(app, "tab", "n")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="its note")


@pytest.mark.parametrize("digit", ["2", "3"])
async def test_ctrl_g_and_a_digit_inside_a_question_note_go_to_the_step(make_app, db_path: Path, digit: str) -> None:
    """ctrl+g 2 in an open question note typed "2" into the note. ctrl+g works there
    as everywhere: the note closes (it is saved as it is typed), the digit goes to
    the step, and what is typed after it lands in that step's first field."""
    from coachtui.ui.modals import StepPickerScreen, TextPromptScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _in_a_question_note(pilot, app)
        burst(app, *"Team said", "ctrl+g", digit, *("!" if digit == "3" else ""))
        step = {"2": "review", "3": "dilemma"}[digit]
        await wait_for(pilot, lambda: app.session_screen.current_step == step, what=f"step {digit}")
        assert not isinstance(app.screen, (TextPromptScreen, StepPickerScreen))
        if digit == "3":
            await wait_for(pilot, lambda: app.query_one("#title").value == "Rota!", what="the title")
        assert app.session.model.questions[0].note == "Team said"
        await saved(pilot)
    assert query(db_path, "SELECT note FROM picked_question") == [("Team said",)]
    assert query(db_path, "SELECT title FROM coaching_session") == [("Rota!" if digit == "3" else "Rota",)]


# --- 3. letters typed in a burst on arriving at the summary ---------------------------------------


def summary_painted(app) -> bool:  # type: ignore[no-untyped-def]
    """The summary step has been on the screen (a coach can see where they are)."""
    return app.session_screen.current_step == "summary" and app.session_screen.pane("summary").shown_at is not None


def summary_seen(app) -> bool:  # type: ignore[no-untyped-def]
    """The summary step has been on the screen long enough for a coach to act on it."""
    return app.session_screen.current_step == "summary" and seen(app.session_screen.pane("summary").shown_at)


async def on_the_summary_seen(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """A session with a title and a dilemma, then ctrl+g 7: the summary, seen."""
    from .test_keys import on_the_dilemma

    await on_the_dilemma(pilot, app)
    burst(app, *"Rota", "tab", *"Night shifts", "ctrl+g", "7")
    await wait_for(pilot, lambda: summary_seen(app), what="the summary, seen")


@pytest.mark.parametrize("arrive", ["ctrl+g 7", "ctrl+n"])
async def test_words_typed_on_arriving_at_the_summary_are_what_we_learned(make_app, db_path: Path, arrive: str) -> None:
    """ctrl+g 7 and 'nurses want the data' in one burst: the n started a new session
    and 'urses want the data' went into the team filter (enter then made that team).
    Keys typed before the summary is on the screen are words, for "What we learned
    today", never its commands."""
    from .test_keys import on_the_dilemma

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        if arrive == "ctrl+n":
            burst(app, *"Rota", "ctrl+g", "6")
            await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")
            burst(app, "ctrl+n", *"nurses want the data", "enter")
        else:
            burst(app, *"Rota", "ctrl+g", "7", *"nurses want the data", "enter")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.insight == "nurses want "
                       "the data", what="the insight")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "summary-scroll",
                       what="enter back on the summary")
        assert app.session_screen.current_step == "summary" and app.session.model.title == "Rota"
        assert app.session_screen.query_one("#team-filter").value == ""
        await shows(pilot, "nurses want the data")  # the summary is painted again after enter
        await saved(pilot)
    assert query(db_path, "SELECT title, insight, status FROM coaching_session") == [
        ("Rota", "nurses want the data", "draft")
    ]
    assert query(db_path, "SELECT name FROM team") == [("Ward 7",)]


@pytest.mark.parametrize("when", ["handled late", "just as it paints"])
async def test_words_typed_before_the_summary_was_seen_are_not_its_commands(
    make_app, db_path: Path, when: str
) -> None:
    """In a real terminal the keys of the burst reached the summary at any moment of
    its arrival: some went into "What we learned today", the rest, once the step had
    put the focus on its own keys, were commands ('nu', then the n of "want" started
    a new session). Keys typed before the summary was on the screen, however late
    they are handled, are words for the line. So are keys 10 ms apart that arrive
    just after it painted (between the 7 and the n): the n started a new session and
    one run kept the insight 'urse'. No coach answers a screen that fast."""
    from textual import events

    from .test_keys import on_the_dilemma

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "ctrl+g", "7")
        ahead = [events.Key("space" if k == " " else k, k) for k in "nurses want the data"]  # typed on at once
        if when == "handled late":  # handled only once the step has its keys (the app was busy showing it)
            await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary")
            await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "summary-scroll",
                           what="the summary's keys")
        else:  # the first 10 ms after the frame, then one every 10 ms
            await wait_for(pilot, lambda: summary_painted(app), what="the summary, painted")
            for number, key in enumerate(ahead, 1):
                key.time = app.session_screen.pane("summary").shown_at + 0.01 * number
        for key in ahead:
            app.post_message(key)
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.insight == "nurses want "
                       "the data", what="the insight")
        assert app.session_screen.current_step == "summary"
        await saved(pilot)
    assert query(db_path, "SELECT title, insight, status FROM coaching_session") == [
        ("Rota", "nurses want the data", "draft")
    ]


async def test_n_once_the_summary_is_seen_starts_a_new_session(make_app, db_path: Path) -> None:
    """A deliberate n (the summary on the screen) still starts a new session, and a
    letter that is no command there starts the "What we learned today" line."""
    from .test_keys import on_the_dilemma

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "ctrl+g", "7")
        await wait_for(pilot, lambda: summary_seen(app), what="the summary, seen")
        burst(app, *"We", "enter")  # W is no command: the line
        await wait_for(pilot, lambda: app.session.model.insight == "We", what="the insight")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "summary-scroll",
                       what="enter back on the summary")
        burst(app, "n")
        await wait_for(pilot, lambda: app.session_screen.current_step == "team", what="the team list")
        await saved(pilot)
    assert query(db_path, "SELECT title, insight FROM coaching_session") == [("Rota", "We")]


# --- a fourth tester's findings: words typed past two questions in a row, or at one ---------------


async def _with_beta_open(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """On the team list with Beta's new session open behind it, its title typed."""
    await _on_the_team_list(pilot, app)
    burst(app, *"Beta", "enter")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "title", what="Beta's title")
    burst(app, *"Beta notes")
    await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Beta notes",
                   what="Beta's title typed")
    await pilot.press("ctrl+g", "1")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "team-filter", what="the team list")


@pytest.mark.parametrize("beta_open", [False, True], ids=["nothing open", "a session open"])
async def test_a_title_typed_past_create_another_team_lands_in_the_new_session(
    make_app, db_path: Path, beta_open: bool
) -> None:
    """'Deltas', enter, 'Rota slips' (a team Delta exists): "Create Deltas as another
    team?" kept the title; after y (and y to "Start a new session with Deltas?" when
    another session is open) it was only a 'Not used' toast, in no file."""
    alpha_with_a_draft(db_path)
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Delta")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        if beta_open:
            await _with_beta_open(pilot, app)
        else:
            await _on_the_team_list(pilot, app)
        burst(app, *"Deltas", "enter", *"Rota slips")
        await shows(pilot, "There is already a team called Delta.")
        await reads_the_question(pilot, app.screen)
        await pilot.press("y")
        if beta_open:
            await shows(pilot, "Start a new session with")
            await reads_the_question(pilot, app.screen)
            await pilot.press("y")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Rota slips",
                       what="the title")
        assert "Not used" not in screen_text(app)
        await saved(pilot)
    assert query(db_path, "SELECT s.title FROM coaching_session s JOIN team t ON t.id = s.team_id "
                 "WHERE t.name = 'Deltas'") == [("Rota slips",)]


async def test_start_a_new_one_is_not_asked_twice_and_the_title_lands(make_app, db_path: Path) -> None:
    """A session open, 'Alpha', enter, n and a title: n answered "Start a new one",
    then "Start a new session with Alpha? Start new (y) / Stay (n)" asked it again, and
    a second n (Stay) dropped the title into a toast."""
    alpha_with_a_draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _with_beta_open(pilot, app)
        burst(app, *"Alpha", "enter", "n", *"Title X words")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Title X words",
                       what="the title")
        assert app.session.model.team.name == "Alpha"
        await saved(pilot)
    assert sorted(query(db_path, "SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id")) == [
        ("Alpha", ""), ("Alpha", "Title X words"), ("Beta", "Beta notes")
    ]


# --- a fifth tester: words typed on through a question the coach raised with a key -------------


@pytest.mark.usefixtures("three_teams")
async def test_typing_on_after_ctrl_d_never_deletes_the_team(make_app, db_path: Path) -> None:
    """'Wa', ctrl+d (delete forward, out of habit), then 'rd 4 yesterday' at 100 ms a
    key: 'rd 4 ' was kept and the y of 'yesterday' answered "Delete (y)": ten seconds
    later the team and its sessions were gone. A letter that carries on words typed at
    a question, with no pause, is a word too; after a pause it answers."""
    from coachtui.ui.modals import ConfirmScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Wa", "ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="delete?")
        question = app.screen
        keys = "rd 4 yesterday"
        typed_at(app, keys, question.shown_at + 0.15, 0.1)
        await wait_for(pilot, lambda: len(question.kept) == len(keys), what="the words kept")
        assert app.screen is question  # still asking
        await reads_the_question(pilot, question)
        burst(app, "n")  # after a pause: the answer
        await wait_for(pilot, lambda: app.screen is not question, what="the answer")
        await saved(pilot)
    assert len(query(db_path, "SELECT name FROM team")) == 3


async def test_typing_on_at_complete_anyway_never_completes_the_session(make_app, db_path: Path) -> None:
    """On the summary, 'clearly the rota' at 120 ms a key: the c asked "Complete the
    session anyway?" and the y of 'clearly', half a second later with no pause,
    answered it: the session was completed with no category. The y is a word; the
    words wait for the answer and then go into "What we learned today"."""
    from coachtui.ui.modals import ConfirmScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_summary_seen(pilot, app)
        burst(app, "c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="complete anyway?")
        question = app.screen
        keys = "learly the rota"
        typed_at(app, keys, question.shown_at + 0.15, 0.12)
        await wait_for(pilot, lambda: len(question.kept) == len(keys), what="the words kept")
        assert app.screen is question
        await reads_the_question(pilot, question)
        burst(app, "n")  # go back
        await wait_for(pilot, lambda: app.session.model.insight == "learly the rota", what="the words, in the line")
        await saved(pilot)
    assert query(db_path, "SELECT status, insight FROM coaching_session") == [("draft", "learly the rota")]
# --- ctrl+g at a question ------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["seen", "typed ahead"])
async def test_ctrl_g_and_a_digit_at_a_question_go_to_the_step_once_it_is_answered(
    make_app, db_path: Path, when: str
) -> None:
    """c on the summary asks "… Complete the session anyway?"; ctrl+g 3 typed at it
    did nothing, and the 3 was a "Not used" toast (or, typed before the question was
    painted, the same). Going to a step is what the coach meant once the question is
    answered: it is kept, like any key typed ahead of a question, and done after the
    answer, and the words typed after it reach the step's field."""
    from coachtui.ui.modals import ConfirmScreen

    from .helpers import Notices, painted

    notices = Notices()
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await on_the_summary_seen(pilot, app)
        if when == "seen":
            burst(app, "c")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
            burst(app, "ctrl+g", "3", *" slips")
        else:
            burst(app, "c", "ctrl+g", "3", *" slips")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await wait_for(pilot, lambda: len(app.screen.kept) == 8, what="ctrl+g 3 ' slips', kept")
        assert "Complete the session anyway?" in screen_text(app)  # still asked
        await reads_the_question(pilot, app.screen)
        burst(app, "n")  # go back
        await wait_for(pilot, lambda: app.session.model.title == "Rota slips", what="the words in the title")
        assert app.session_screen.current_step == "dilemma" and app.focused is not None and app.focused.id == "title"
        assert not any("Not used" in str(note.message) for note in notices)
        await saved(pilot)
    assert query(db_path, "SELECT title, insight, status FROM coaching_session") == [("Rota slips", "", "draft")]


async def test_ctrl_g_at_a_question_where_it_cannot_go_on_is_said(make_app, db_path: Path) -> None:
    """ctrl+g 3 at "Discard the draft…?" over the offer at start: kept for after the
    answer, but the offer is still there then, where ctrl+g goes nowhere; the coach
    is told, not left wondering where the keys went."""
    from coachtui.ui.modals import ConfirmScreen, ResumeScreen

    from .helpers import Notices, painted

    alpha_with_a_draft(db_path)
    notices = Notices()
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await ready(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="discard?")
        burst(app, "ctrl+g", "3")
        await wait_for(pilot, lambda: painted(app) and len(app.screen.kept) == 2, what="the keys kept")
        await reads_the_question(pilot, app.screen)
        burst(app, "n")  # keep the draft
        await wait_for(pilot, lambda: any("ctrl+g 3" in str(note.message) for note in notices), what="the notice")
        assert isinstance(app.screen, ResumeScreen)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shifts",)]


# --- a team with open actions: the title typed after enter lands on the review step -------------


def ward_with_an_open_action(db_path: Path) -> str:
    """Ward 4, whose last session (completed) agreed one action, still open."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4")
        earlier = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(earlier.id, title="Rota", dilemma="Night shifts")
        action = store.add_action(earlier.id, "Publish the rota six weeks ahead", owner="Ann")
        store.complete_session(earlier.id)
    return action.id


@pytest.mark.parametrize("how", ["burst", "seen"])
async def test_a_title_typed_after_enter_on_a_team_with_open_actions_is_the_title(
    make_app, db_path: Path, how: str
) -> None:
    """'Ward 4', enter, 'Staff dropped': the new session opened on the review (the team
    has an open action) and the d of 'dropped' marked that action done; the title
    stayed empty and the words were lost. Words typed at the review's list, before
    it was seen or starting with a letter that marks nothing (S), are the title."""
    action = ward_with_an_open_action(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        if how == "burst":
            burst(app, *"Ward 4", "enter", *"Staff dropped")
        else:
            burst(app, *"Ward 4", "enter")
            review = app.session_screen.pane("review")
            await wait_for(pilot, lambda: app.session_screen.current_step == "review" and seen(review.shown_at),
                           what="the review, seen")
            typed_at(app, "Staff dropped", events_now() + 0.01, 0.1)
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Staff dropped",
                       what="the title")
        assert app.session_screen.current_step == "dilemma"
        await saved(pilot)
    assert query(db_path, "SELECT count(*) FROM action_review") == [(0,)]
    assert query(db_path, f"SELECT status FROM action WHERE id = '{action}'") == [("open",)]


async def test_a_mark_on_the_review_once_seen_still_marks(make_app, db_path: Path) -> None:
    """The review's keys act once the list is on the screen: d marks the action done."""
    action = ward_with_an_open_action(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Ward 4", "enter")
        review = app.session_screen.pane("review")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review" and seen(review.shown_at),
                       what="the review, seen")
        burst(app, "d")
        await saved(pilot)
        await wait_for(pilot, lambda: query(db_path, "SELECT status FROM action_review") == [("done",)],
                       what="the mark, saved")
        assert app.session_screen.current_step == "review"
    assert query(db_path, f"SELECT status FROM action WHERE id = '{action}'") == [("done",)]


async def on_the_review_seen(pilot, app) -> Any:  # type: ignore[no-untyped-def]
    """'Ward 4', enter: the new session's review of the team's open action, seen."""
    await ready(pilot)
    burst(app, *"Ward 4", "enter")
    review = app.session_screen.pane("review")
    await wait_for(pilot, lambda: app.session_screen.current_step == "review" and seen(review.shown_at),
                   what="the review, seen")
    return review


@pytest.mark.parametrize("words", ["done deal", "stuck again", "process review", "x-ray backlog", "p 4 audit",
                                   "d2 staffing", "sunday rota", "until friday"])
async def test_a_title_that_starts_with_a_mark_typed_at_the_review_once_seen_is_the_title(
    make_app, db_path: Path, words: str
) -> None:
    """A tester paused a third of a second after enter, then typed the title: the d of
    'done deal' marked the earlier action done and the title was 'one deal'. A mark's
    letter with a letter that marks nothing straight after it (within WORD_WAIT) is
    the first letter of words, in a session still without a title."""
    action = ward_with_an_open_action(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        review = await on_the_review_seen(pilot, app)
        typed_at(app, words, max(events_now(), review.shown_at + 0.3), 0.25)  # a pause, then the words, slowly
        await wait_for(pilot, lambda: app.session.model.title == words, what="the title")
        assert app.session_screen.current_step == "dilemma"
        await saved(pilot)
    assert query(db_path, "SELECT count(*) FROM action_review") == [(0,)]
    assert query(db_path, f"SELECT status FROM action WHERE id = '{action}'") == [("open",)]


async def test_a_mark_then_the_next_key_at_once_still_marks(make_app, db_path: Path) -> None:
    """d then straight away an arrow (or the note's n): the d marks; it waits only for a
    letter that could carry it on as words."""
    action = ward_with_an_open_action(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        review = await on_the_review_seen(pilot, app)
        typed_at(app, ["d", "down"], max(events_now(), review.shown_at + 0.3), 0.05)
        await wait_for(pilot, lambda: query(db_path, "SELECT status FROM action_review") == [("done",)],
                       what="the mark, saved")
        assert app.session_screen.current_step == "review"
        assert app.session.model.title == ""
    assert query(db_path, f"SELECT status FROM action WHERE id = '{action}'") == [("done",)]


@pytest.mark.parametrize("words", ["clearly the rota", "cycle time", "y2 gains", "next time ask earlier",
                                   "feedback matters"])
async def test_words_starting_with_a_summary_key_typed_once_seen_are_what_we_learned(
    make_app, db_path: Path, words: str
) -> None:
    """ctrl+g 7, a pause, then words at 100 ms a key (testers): the c of 'clearly'
    asked "Complete the session anyway?", the c of 'cycle' completed the session
    (its y is the copy key), the n of 'next' left it and the f of 'feedback' opened
    the export. One of the summary's keys with a character straight after it
    starts "What we learned today"."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_summary_seen(pilot, app)
        summary = app.session_screen.pane("summary")
        typed_at(app, words, max(events_now(), summary.shown_at + 0.3), 0.1)
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.insight == words,
                       what="the words, in the line")
        assert app.screen is app.session_screen and app.session_screen.current_step == "summary"
        await saved(pilot)
    assert query(db_path, "SELECT status, insight FROM coaching_session") == [("draft", words)]


def events_now() -> float:
    """Now, on the clock keys are timed by."""
    from textual import events

    return events.Event().time


async def test_words_kept_at_complete_anyway_that_start_with_its_key_reach_the_line(make_app, db_path: Path) -> None:
    """c, then 'clearly' typed on as "Complete anyway?" came up: the question kept
    'clearly', and once answered its first letter (the summary's own c) made the
    words a 'Not used' toast instead of "What we learned today" (a tester). Kept
    words are words, whatever letter they start with."""
    from coachtui.ui.modals import ConfirmScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_summary_seen(pilot, app)
        burst(app, "c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.shown_at is not None,
                       what="complete anyway?")
        question = app.screen
        typed_at(app, "clearly", question.shown_at + 0.02, 0.01)  # typed on as it came up
        await wait_for(pilot, lambda: len(question.kept) == len("clearly"), what="the words kept")
        await reads_the_question(pilot, question)
        burst(app, "n")  # go back
        await wait_for(pilot, lambda: app.session.model.insight == "clearly", what="the words, in the line")
        await saved(pilot)
    assert query(db_path, "SELECT status, insight FROM coaching_session") == [("draft", "clearly")]
