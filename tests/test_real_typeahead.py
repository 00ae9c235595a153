"""Keys typed ahead in a real terminal: bursts that open a team, answer a dialog or
pass through ctrl+g reach the field the coach's focus goes to, and nothing ends the app.
(Found by a tester driving the installed app in tmux; the Pilot versions are in
tests/ui/test_typeahead.py.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.test_real_keys import CTRL_G, CTRL_P, CTRL_Q, ENTER, ESC, F6, TAB, Coach, coach, resumed

from coachtui.ui.typeahead import ANSWER_PAUSE

pytestmark = pytest.mark.slow

CTRL_R, CTRL_U = "\x12", "\x15"
F8, F9 = "\x1b[19~", "\x1b[20~"
GAP = 0.01  # seconds between keys: tmux send-keys, one key after another


def typed(app: Coach, *keys: str) -> None:
    """Each of ``keys`` (a character or a key's escape sequence) ~10 ms after the one before."""
    for key in keys:
        app.term.send(key, pause=GAP)


def test_a_team_enter_and_the_title_in_one_burst(tmp_path: Path) -> None:
    with coach(tmp_path) as app:
        app.shows("Ward 4")
        app.send("Ward 4" + ENTER + "Rota gaps" + TAB + "Nights")
        app.holds("SELECT title, dilemma FROM coaching_session", ("Rota gaps", "Nights"))
        assert app.rows("SELECT name FROM team") == [("Ward 4",)]
        app.quit()


def test_enter_twice_in_the_rename_prompt_does_not_end_the_app(tmp_path: Path) -> None:
    with coach(tmp_path) as app:
        app.shows("Ward 4")
        app.send("Ward 4")
        app.shows("ctrl+r rename")
        for _ in range(30):  # ctrl+r waits for the database to be open ("one moment…")
            app.send(CTRL_R)
            try:
                app.term.wait_for("Rename Ward 4", timeout=1)
                break
            except AssertionError:
                app.assert_alive()
        app.shows("Rename Ward 4")
        app.send(" North" + ENTER + CTRL_U + "zz" + ENTER)
        # The prompt answers once; what follows goes where the focus went: the team
        # list, where "zz" and enter create and open that team.
        app.holds("SELECT name FROM team ORDER BY name", [("Ward 4 North",), ("zz",)])
        app.shows("│ zz")
        app.assert_alive()
        app.quit()


def test_ctrl_g_then_words_types_the_words(tmp_path: Path) -> None:
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(CTRL_G + "; we said 6 things")
        app.holds("SELECT dilemma FROM coaching_session", ("Night team misses the huddle; we said 6 things",))
        app.quit()


@pytest.mark.parametrize("burst", ["one", "keys"])
def test_keys_typed_straight_after_launch_are_not_lost(tmp_path: Path, burst: str) -> None:
    """A tester's tmux runs typed the team's name, enter and a title as the app
    started, before the first screen took input: those keys were lost."""
    with coach(tmp_path) as app:
        keys = "Ward 4" + ENTER + "Rota gaps" + TAB + "Nights"
        if burst == "one":
            app.send(keys)  # at once, before anything is on the screen
        else:
            for key in keys:  # key by key, as a person types
                app.send(key)
        app.holds("SELECT title, dilemma FROM coaching_session", ("Rota gaps", "Nights"))
        assert app.rows("SELECT name FROM team") == [("Ward 4",)]
        app.quit()


def test_kill_9_straight_after_enter_adds_the_action_once(tmp_path: Path) -> None:
    """kill -9 a moment after enter added an action left its text in the form's saved
    draft too: resumed, the form showed it again and enter made a duplicate."""
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(CTRL_G + "6")
        app.shows("What will the team try?")
        app.send("Call the bank" + TAB + "Kim")
        app.holds("SELECT action_draft != '' FROM coaching_session", (1,))  # the half-typed action is saved
        app.send(ENTER)
        app.holds("SELECT count(*) FROM action", (1,), timeout=30)
        app.close()  # kill -9 as soon as the action is in
        assert app.rows("SELECT action_draft FROM coaching_session") == [("",)]


def test_tab_from_the_question_filter_and_words_typed_on(tmp_path: Path) -> None:
    """tab, then 'how do we know': the filter showed "howdo we know" (the space went
    to the list, where it picks the highlighted question)."""
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(CTRL_G + "5")
        app.shows("Type to filter (enter picks)")
        app.send(TAB + "how do we know")
        app.shows("how do we know")
        app.send(ENTER)  # picks the first question the words find, if any
        app.holds("SELECT step FROM coaching_session", ("questions",))
        app.quit()
        picked = app.rows("SELECT text FROM picked_question")
        assert len(picked) <= 1
        assert all(all(word in text.casefold() for word in "how do we know".split()) for (text,) in picked)


def test_a_test_of_change_reviewed_in_one_burst(tmp_path: Path) -> None:
    """p, 'Started Monday', enter, 'Timer helps' in one burst stored "Started MondayT"
    and "imer helps" (or everything under "What happened")."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        team = store.create_team("Ward 4")
        first = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(first.id, title="Huddle clash", dilemma="Night staff miss the huddle.")
        store.add_action(first.id, "Move the huddle to 21:45", "Sam", prediction="Fewer missed huddles")
        store.complete_session(first.id)
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Ward 4")
        app.send(ENTER)
        app.shows("Test · Move the huddle")
        app.send("p" + "Started Monday" + ENTER + "Timer helps" + ENTER)
        app.holds("SELECT status, note, learning FROM action_review", ("in_progress", "Started Monday", "Timer helps"))
        app.quit()
    finally:
        app.close()


def test_members_added_in_a_burst_with_f8(tmp_path: Path) -> None:
    """f8, a name, enter, a second name, enter, ~10 ms apart: the names became teams."""
    from tests.test_real_team import _wait_until_open

    with coach(tmp_path) as app:
        app.shows("Ward 4")
        _wait_until_open(app.term, app.db)
        app.send("Ward 4")
        app.shows("ctrl+r rename")
        typed(app, F8, *"Asha", ENTER, *"Ben", ENTER)
        app.holds("SELECT members LIKE '%\"Asha\"%' AND members LIKE '%\"Ben\"%' FROM team", (1,))
        app.shows("Members of Ward 4")
        assert app.rows("SELECT name FROM team") == [("Ward 4",)]
        app.quit()


def test_a_members_name_typed_again_in_a_burst_with_f8_loses_no_name(tmp_path: Path) -> None:
    """f8, 'Asha' enter 'Ben' enter 'Asha' enter 'Cy' enter, ~10 ms apart: the second
    Asha asked "Mark Asha as having left?", the enter after 'Cy' answered it before it
    was on the screen, and Cy was lost. Asha is said to be a member already."""
    from tests.test_real_team import _wait_until_open

    with coach(tmp_path) as app:
        app.shows("Ward 4")
        _wait_until_open(app.term, app.db)
        app.send("Ward 4")
        app.shows("ctrl+r rename")
        typed(app, F8, *"Asha", ENTER, *"Ben", ENTER, *"Asha", ENTER, *"Cy", ENTER)
        app.holds("SELECT members LIKE '%\"Cy\", \"left\": \"\"%' FROM team", (1,))
        app.shows("Members of Ward 4")
        assert "Mark Asha" not in app.term.text()
        rows = app.rows("SELECT members FROM team")
        assert '"name": "Asha", "left": ""' in rows[0][0] and '"name": "Ben", "left": ""' in rows[0][0]
        assert app.rows("SELECT name FROM team") == [("Ward 4",)]
        app.quit()


def test_ctrl_q_while_mark_as_left_is_asked_keeps_the_names_waiting_behind_it(tmp_path: Path) -> None:
    """f8, 'Asha' enter '-Asha' enter 'Dee' enter, ~10 ms apart, then ctrl+q while
    "Mark Asha as having left?" is on the screen: the app quit without a word, and
    Dee (waiting for the question to be answered) was lost. It asks; esc goes back."""
    from tests.test_real_team import _wait_until_open

    with coach(tmp_path) as app:
        app.shows("Ward 4")
        _wait_until_open(app.term, app.db)
        app.send("Ward 4")
        app.shows("ctrl+r rename")
        typed(app, F8, *"Asha", ENTER, *"-Asha", ENTER, *"Dee", ENTER)
        app.shows("Mark Asha as having left")
        app.send(CTRL_Q)
        app.shows("Not saved: what you typed ahead")
        assert "(Dee" in app.term.text()
        app.send(ESC)  # back to it
        deadline = time.monotonic() + 30
        while "Not saved" in app.term.text() and time.monotonic() < deadline:
            app.term.pump(0.1)
        app.shows("Mark Asha as having left")
        app.send("y")
        app.holds("SELECT members LIKE '%\"Dee\", \"left\": \"\"%' FROM team", (1,))
        assert '"name": "Asha", "left": "20' in app.rows("SELECT members FROM team")[0][0]
        app.quit()


def test_letters_typed_ahead_do_not_answer_start_a_new_session(tmp_path: Path) -> None:
    """With a draft open, 'Ward 7', enter and 'yes' at once: the y answered "Start a
    new session with Ward 7?" before the coach had seen it."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 7")
        team = store.create_team("Ward 4")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota", dilemma="Night shifts", step="dilemma")
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Unfinished sessions")
        app.send(ENTER)
        app.shows("Dilemma, in your words")
        app.send(CTRL_G + "1")
        app.shows("ctrl+r rename")
        app.send("Ward 7" + ENTER + "yes")
        app.shows("Start a new session with Ward 7?")
        app.term.pump(0.5)
        assert "Ward 7yes" not in app.term.text()  # not on to the team filter: they made a team
        app.send("n")  # Stay
        app.shows("Not used")  # the coach is told what was typed ahead and not used
        deadline = time.monotonic() + 30
        while "Start a new session" in app.term.text() and time.monotonic() < deadline:
            app.term.pump(0.1)
        assert "Start a new session" not in app.term.text()
        assert app.rows("SELECT title FROM coaching_session") == [("Rota",)]
        assert app.rows("SELECT name FROM team ORDER BY name") == [("Ward 4",), ("Ward 7",)]
        app.quit()
    finally:
        app.close()


def test_a_team_name_typed_after_stay_or_straight_after_ctrl_g_1_is_that_name_alone(tmp_path: Path) -> None:
    """With a draft open: 'Bravo' enter, Stay, then 'Charlie' enter made a team
    "BravoCharlie" (Bravo's name stayed in the filter); and words left in the filter
    took a name typed straight after ctrl+g 1 on to them ("DeltaEcho")."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Bravo")
        team = store.create_team("Alpha")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota", dilemma="Night shifts", step="dilemma")
    app = Coach(db, tmp_path / "home")

    def stay(name: str) -> None:
        app.shows(f"Start a new session with {name}?")
        app.send("n")
        deadline = time.monotonic() + 30
        while "Start a new session" in app.term.text() and time.monotonic() < deadline:
            app.term.pump(0.1)

    try:
        app.shows("Unfinished sessions")
        app.send(ENTER)
        app.shows("Dilemma, in your words")
        typed(app, CTRL_G, "1")
        app.shows("ctrl+r rename")
        typed(app, *"Bravo", ENTER)
        stay("Bravo")
        typed(app, *"Charlie", ENTER)
        stay("Charlie")
        typed(app, *"Delta", CTRL_G, "3")  # left in the filter, never used
        app.shows("Dilemma, in your words")
        typed(app, CTRL_G, "1", *"Echo", ENTER)
        stay("Echo")
        app.holds("SELECT name FROM team ORDER BY name", [("Alpha",), ("Bravo",), ("Charlie",), ("Echo",)])
        assert app.rows("SELECT title FROM coaching_session") == [("Rota",)]
        app.quit()
    finally:
        app.close()


def test_a_title_typed_ahead_of_start_a_new_session_is_its_title(tmp_path: Path) -> None:
    """With a draft open, enter on Ward 7 and the new session's title at once: the
    letters went to the team filter behind the question and later made a team
    ("Late startsPharmacy"). Answered "start", they are the new session's title."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 7")
        team = store.create_team("Ward 4")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota", dilemma="Night shifts", step="dilemma")
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Unfinished sessions")
        app.send(ENTER)
        app.shows("Dilemma, in your words")
        app.send(CTRL_G + "1")
        app.shows("ctrl+r rename")
        typed(app, *"Ward 7", ENTER, *"Late starts")
        app.shows("Start a new session with Ward 7?")
        time.sleep(ANSWER_PAUSE)  # the coach stops typing and reads the question
        app.send("y")
        app.holds("SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id ORDER BY t.name",
                  [("Ward 4", "Rota"), ("Ward 7", "Late starts")])
        assert app.rows("SELECT name FROM team ORDER BY name") == [("Ward 4",), ("Ward 7",)]
        app.quit()
    finally:
        app.close()


@pytest.mark.parametrize("burst", ["one", "keys"])
def test_f6_esc_and_letters_straight_after(tmp_path: Path, burst: str) -> None:
    """f6, esc and letters within 50 ms: esc and a letter read as alt+letter, so the
    explainer stayed open and the letters were lost."""
    with resumed(tmp_path, "Rota", "Night team") as app:
        keys = (F6, ESC, *"abc")
        if burst == "one":
            app.send("".join(keys))
        else:
            typed(app, *keys)
        app.holds("SELECT dilemma FROM coaching_session", ("Night teamabc",))
        app.shows("Dilemma, in your words")
        app.quit()


def test_f9_and_a_digit_typed_on_choose_the_presenter(tmp_path: Path) -> None:
    """f9 on presenter 1 of 2 went to the next at once, and the digit typed to choose
    went into their dilemma. f9 asks, the digit chooses, the words typed on go into
    the chosen presenter's title."""
    from tests.ui.test_typeahead import _two_presenters

    db = tmp_path / "coach.db"
    _two_presenters(db)
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Unfinished sessions")
        app.send(ENTER)  # the whole meeting, Asha in hand
        app.shows("1/2")
        typed(app, F9, "2", *"Voice")
        app.holds("SELECT title FROM coaching_session ORDER BY turn", [("Beds",), ("Voice",)])
        app.shows("2/2")
        typed(app, F9, "1", "!")
        app.holds("SELECT title, dilemma FROM coaching_session ORDER BY turn",
                  [("Beds!", "No beds"), ("Voice", "Quiet huddles")])
        app.quit()
    finally:
        app.close()


@pytest.mark.parametrize("burst", ["one", "keys"])
def test_f6_esc_and_a_space_digit_or_stop_straight_after(tmp_path: Path, burst: str) -> None:
    """esc and a space 10 ms later read as one key (the terminal sends ESC space):
    the explainer stayed open and the space was lost; esc and a digit typed 'ª'. (ESC 1
    … ESC 7 is alt+1 … alt+7, the chord to a step, which a terminal sends the same way.)"""
    with resumed(tmp_path, "Rota", "Night team") as app:
        keys = (F6, ESC, " ", F6, ESC, "9", F6, ESC, ".", F6, ESC, "?")
        if burst == "one":
            app.send("".join(keys))
        else:
            typed(app, *keys)
        app.holds("SELECT dilemma FROM coaching_session", ("Night team 9.?",))
        app.shows("Dilemma, in your words")
        app.quit()


def test_a_team_enter_and_a_title_typed_before_the_draft_offer_are_not_taken_by_it(tmp_path: Path) -> None:
    """A tester typed a new team's name, enter and a title as the app came up with a
    draft left from before: the "Unfinished sessions" offer came up once the database
    was open and took them (enter and the title's first letters lost, its n started
    afresh). The keys are the coach's: the team and its session are made, and the
    draft is named in a notice."""
    with coach(tmp_path, drafts=({"title": "Rota", "dilemma": "Night shifts", "step": "dilemma"},)) as app:
        app.send("Team Two" + ENTER + "Staffing gaps overnight")  # at once, as the app starts
        app.holds(
            "SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id ORDER BY t.name",
            [("Team Two", "Staffing gaps overnight"), ("Ward 4", "Rota")],
        )
        app.shows("Staffing gaps overnight")
        app.shows("Resume a draft")
        assert "Resume (enter)" not in app.term.text()  # no dialog: the notice only
        app.quit()


def test_a_team_enter_and_a_title_typed_as_the_draft_offer_comes_up_are_not_taken_by_it(tmp_path: Path) -> None:
    """A tester typed "Ward 7", enter, "Rota slips" (keys ~10 ms apart) as the app
    came up with a draft left from before, and the "Unfinished sessions" offer came up
    between two keys: W, a and r were gone (its list has no use for them), d asked to
    discard the draft, and the rest waited behind that question. Here the typing
    starts the moment the offer is on the screen, before the coach could see it: the
    keys are the team list's, the draft is named in a notice (and never discarded).
    The W is none of the offer's keys, so the same holds if a loaded machine reads it
    after the coach could have seen the offer (the Pilot tests in tests/ui/test_drafts.py
    also type names that start with its n and d)."""
    team = "Ward 7"
    with coach(tmp_path, drafts=({"title": "Rota", "dilemma": "Night shifts", "step": "dilemma"},)) as app:
        deadline = time.monotonic() + 30
        while "Unfinished sessions" not in app.term.text():  # no time to react: typing on
            assert time.monotonic() < deadline, app.term.text()
            app.assert_alive()
            app.term.pump(0.005)
        typed(app, *team, ENTER, *"Rota slips")
        app.holds(
            "SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id ORDER BY t.name",
            sorted([(team, "Rota slips"), ("Ward 4", "Rota")]),
        )
        app.shows("Rota slips")
        app.shows("Resume a draft")
        assert "Resume (enter)" not in app.term.text()  # the offer has given way to the notice
        app.quit()


def test_a_draft_resumed_from_the_palette_over_the_offer_takes_the_keys_typed_next(tmp_path: Path) -> None:
    """ctrl+p "Resume a draft" while the offer at start was showing: the draft opened
    behind the offer, which stayed on top and took the words typed next."""
    with coach(tmp_path, drafts=({"title": "Rota", "dilemma": "Night shifts", "step": "dilemma"},)) as app:
        app.shows("Unfinished sessions")
        app.send(CTRL_P)
        app.shows("Search for commands")
        app.send("Resume a draft")
        app.shows("Carry on with an unfinished session")
        app.send(ENTER)
        deadline = time.monotonic() + 30
        while "Carry on with" in app.term.text() and time.monotonic() < deadline:
            app.term.pump(0.1)
        app.shows("Unfinished sessions")  # the palette's list of drafts, over the offer at start
        app.send(ENTER + " Plum edit on B.")
        app.holds("SELECT dilemma FROM coaching_session", ("Night shifts Plum edit on B.",))
        app.shows("Plum edit on B.")
        assert "Resume (enter)" not in app.term.text()  # neither list of drafts is left on the screen
        app.quit()


@pytest.mark.parametrize("letter", ["b", "f", "d"])
def test_esc_and_a_letter_straight_after_close_the_note_then_the_letter_acts(tmp_path: Path, letter: str) -> None:
    """tab, n, a note, esc and 'banana' in one burst stored the note as "…low,
    ananapear": the terminal sends esc and b as ESC b, which Textual read as ctrl+left
    (word left, an iTerm habit), so the note stayed open and the letters went into it
    (ESC f, word right, the same). esc and a letter arriving together are esc, then
    the letter."""
    with resumed(tmp_path, "Rota", "Night team") as app:
        app.send(CTRL_G + "5")
        app.shows("Type to filter (enter picks)")
        app.send(ENTER)  # the highlighted question
        app.holds("SELECT count(*) FROM picked_question", (1,))
        app.send(TAB + "n" + "Team said trust is low, pear" + ESC + letter)
        app.holds("SELECT note FROM picked_question", ("Team said trust is low, pear",))
        deadline = time.monotonic() + 30
        while "esc closes" in app.term.text() and time.monotonic() < deadline:
            app.term.pump(0.1)
        assert "esc closes" not in app.term.text()  # the note closed
        app.quit()
    assert app.rows("SELECT note FROM picked_question") == [("Team said trust is low, pear",)]


def test_words_typed_on_after_a_note_go_to_the_filter_and_a_deliberate_n_opens_it(tmp_path: Path) -> None:
    """tab, n, a note, esc and 'night shift', ~10 ms apart: the n reopened the note
    and "ight shift" went into it. The words go to the filter; n pressed once the
    coach has stopped to look at the list opens the note."""
    from coachtui.ui.typeahead import TYPING_PAUSE

    with resumed(tmp_path, "Rota", "Night team") as app:
        app.send(CTRL_G + "5")
        app.shows("Type to filter (enter picks)")
        app.send(ENTER)  # the highlighted question
        app.holds("SELECT count(*) FROM picked_question", (1,))
        typed(app, TAB, "n", *"Trust is low", ESC, *"night shift")
        app.shows("“night shift”")  # the filter's words, offered as a new question
        app.holds("SELECT note FROM picked_question", ("Trust is low",))
        assert "esc closes" not in app.term.text()  # no note open
        typed(app, TAB)
        typed(app, "n")  # after tab: the note
        app.shows("esc closes")
        typed(app, *" at night", ESC)
        app.holds("SELECT note FROM picked_question", ("Trust is low at night",))
        deadline = time.monotonic() + 30
        while "esc closes" in app.term.text() and time.monotonic() < deadline:
            app.term.pump(0.1)
        assert "esc closes" not in app.term.text()  # the note closed
        time.sleep(TYPING_PAUSE + 0.2)  # the coach stops and looks at the list
        typed(app, "n")
        app.shows("esc closes")  # its note again
        app.send(ESC)
        app.quit()
    assert app.rows("SELECT note FROM picked_question") == [("Trust is low at night",)]


def _set_ten(db: Path) -> None:
    from tests.ui.test_sets_ui import set_ten

    set_ten.__wrapped__(db)  # type: ignore[attr-defined]


@pytest.mark.parametrize("burst", ["one", "keys"])
def test_f9_1_and_a_title_on_the_review_and_a_note_after_tab(tmp_path: Path, burst: str) -> None:
    """On a set's new meeting, the review: tab, n and a note were lost (the focus was
    on the last session beside the list), and f9, 1 and 'dispatch delays' named Amy
    but stayed on the review, where d, p and s marked her action stuck."""
    db = tmp_path / "coach.db"
    _set_ten(db)
    app = Coach(db, tmp_path / "home")
    try:
        app.shows("Set Ten")
        app.send("Set Ten" + ENTER)
        app.shows("Call the bed manager")
        # ctrl+s (\x13) keeps the note, p marks the action it is on
        keys = (TAB, "n", *"late start", "\x13", "p", F9, "1", *"dispatch delays")
        if burst == "one":
            app.send("".join(keys))
        else:
            typed(app, *keys)
        app.holds("SELECT presenter, title FROM coaching_session WHERE status = 'draft'", [("Amy Ash", "dispatch delays")])
        app.shows("Dilemma, in your words")
        assert app.rows("SELECT a.text, r.status, r.note FROM action_review r JOIN action a ON a.id = r.action_id") == [
            ("Call the bed manager", "in_progress", "late start")
        ]
        app.quit()
    finally:
        app.close()
