"""Keys typed ahead: a burst that opens or answers a dialog, or moves to another
screen, goes on where the coach's focus goes — as a real keyboard delivers it.

Each test queues the whole burst before the app handles any of it (``burst``), the
way a fast typist, a paste or a laggy SSH link delivers keys, and then checks what
the screen and the database hold. Found by a tester driving the app in tmux.
"""

from __future__ import annotations

from pathlib import Path

from coachtui.ui.modals import StepPickerScreen, TextPromptScreen

from .helpers import painted, query, reads_the_question, ready, saved, seen, shows, wait_for
from .test_keys import burst, on_the_dilemma
from .test_team_step import three_teams  # noqa: F401 - a fixture


def _teams(db_path: Path) -> list[str]:
    return [name for (name,) in query(db_path, "SELECT name FROM team ORDER BY name")]


async def test_enter_twice_in_the_rename_prompt_answers_it_once(make_app, three_teams, db_path: Path) -> None:  # noqa: F811
    """Enter, letters and enter again in one burst ended the app (ScreenStackError)."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Ward 4")
        await wait_for(pilot, lambda: app.focused is not None and getattr(app.focused, "value", "") == "Ward 4",
                       what="the filter")
        burst(app, "ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the rename prompt")
        burst(app, *" North", "enter", "ctrl+u", *"zz", "enter")
        await wait_for(pilot, lambda: "Ward 4 North" in _teams(db_path), what="the rename")
        await pilot.pause(0.3)
        assert app.is_running
        assert not isinstance(app.screen, TextPromptScreen)
    assert "Ward 4 North" in _teams(db_path) and not any("zz" in name and "North" in name for name in _teams(db_path))


async def test_a_team_name_enter_and_the_title_in_one_burst(make_app, three_teams, db_path: Path) -> None:  # noqa: F811
    """'Ward 7' enter 'Hello title' made a team called 'Ward 7Hello title'."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Ward 7", "enter", *"Rota gaps")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == "Rota gaps",
                       what="the title")
        await saved(pilot)
    assert _teams(db_path) == ["Ward 4", "Ward 7", "Year 9 maths"]
    assert query(db_path, "SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id") == [
        ("Ward 7", "Rota gaps")
    ]


async def test_ctrl_g_then_a_letter_lets_the_letter_through(make_app, db_path: Path) -> None:
    """After ctrl+g every key up to a digit was swallowed and the digit jumped to a step."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "tab", "ctrl+g", *"we said 6 things")
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("things"), what="the dilemma")
        assert app.session_screen.current_step == "dilemma"
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("we said 6 things",)]


async def test_a_category_digit_and_ctrl_n_in_one_burst(make_app, db_path: Path) -> None:
    """'4' then ctrl+n at once: the 4 was dropped."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "tab", *"Agency staff leave", "ctrl+n")
        await wait_for(pilot, lambda: app.session_screen.current_step == "category", what="the category step")
        await pilot.pause(0.2)
        burst(app, "4", "ctrl+n")
        await wait_for(pilot, lambda: app.session_screen.current_step == "questions", what="the questions step")
        await saved(pilot)
    assert query(db_path, "SELECT primary_category FROM coaching_session") == [("environment",)]


async def test_a_mark_a_note_and_its_words_in_one_burst_on_the_review_step(make_app, seeded, db_path: Path) -> None:
    """'p', 'n' and the note at once: the note's letters reached the list before the
    note opened, and ran as commands there ('d' in "data" marked the action done)."""
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Ward 4", "enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "review-table"
                       and seen(app.session_screen.pane("review").shown_at), what="the list, seen")
        burst(app, "p", "n", *"HR said the data is partly ready", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen) and bool(
            query(db_path, "SELECT note FROM action_review WHERE note != ''")), what="the note")
        await saved(pilot)
    assert query(db_path, "SELECT status, note FROM action_review") == [
        ("in_progress", "HR said the data is partly ready")
    ]


async def test_two_actions_typed_in_one_burst(make_app, db_path: Path) -> None:
    """Keys after enter landed in the due field ('+7dA2') and the owner was lost."""
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "ctrl+g", "6")
        await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")
        burst(app, *"Ask HR", "tab", *"Sam", "tab", *"+7d", "enter", *"Plot ten points", "tab", *"Kim", "tab",
              *"+3d", "enter")
        await wait_for(pilot, lambda: len(query(db_path, "SELECT id FROM action")) == 2, what="two actions")
        await saved(pilot)
    assert sorted(query(db_path, "SELECT text, owner FROM action")) == [("Ask HR", "Sam"), ("Plot ten points", "Kim")]


async def test_enter_on_the_resume_offer_and_typing_on(make_app, db_path: Path) -> None:
    """Typing straight after enter on "Unfinished sessions" was lost about half the time."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota", dilemma="Night shifts", step="dilemma")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        from coachtui.ui.modals import ResumeScreen

        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the offer")
        await pilot.pause(0.2)
        burst(app, "enter", *" again")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.dilemma.endswith("again"),
                       what="the dilemma")
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shifts again",)]


async def test_keys_after_ctrl_g_6_and_a_tab_stay_in_the_owner(make_app, db_path: Path) -> None:
    """The actions step focused its field a moment after it was shown: when that late
    focus came between keys of a burst typed after ctrl+g 6 (a pty read split the
    burst), the owner's last letters went back into the action ('Share the chartm',
    owner 'Ki2026-12-01', in a real terminal)."""
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, StepPickerScreen), what="the step picker")
        await pilot.pause(0.1)  # it is settled: keys reach it
        burst(app, "6", *"Share", "tab", "K")  # the first part of the burst
        await wait_for(pilot, lambda: app.query_one("#action-owner").value == "K", what="K in the owner")
        await pilot.pause(0.1)  # anything the step left to do a moment later has run
        burst(app, *"im", "tab", *"+3d", "enter")  # the rest of it
        await wait_for(pilot, lambda: len(query(db_path, "SELECT id FROM action")) == 1, what="the action")
        await saved(pilot)
    assert query(db_path, "SELECT text, owner FROM action") == [("Share", "Kim")]


async def test_members_added_in_one_burst_with_f8(make_app, three_teams, db_path: Path) -> None:  # noqa: F811
    """f8, a name, enter, a second name, enter at tmux speed: the names became new
    teams (they reached the filter before the members prompt was up, and again
    between one prompt closing and the next coming up)."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        burst(app, *"Ward 4")
        await wait_for(pilot, lambda: app.focused is not None and getattr(app.focused, "value", "") == "Ward 4",
                       what="the filter")
        burst(app, "f8", *"Asha", "enter", *"Ben", "enter")
        await wait_for(pilot, lambda: "Ben" in str(query(db_path, "SELECT members FROM team WHERE name = 'Ward 4'")),
                       what="the second member")
        await saved(pilot)
        assert isinstance(app.screen, TextPromptScreen)  # the members prompt, for a third name
    assert _teams(db_path) == ["Ward 4", "Ward 7", "Year 9 maths"]
    (members,) = query(db_path, "SELECT members FROM team WHERE name = 'Ward 4'")[0]
    assert '"name": "Asha"' in members and '"name": "Ben"' in members


async def _on_the_team_list_with_a_draft_open(pilot, app, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Ward 7")
        team = store.create_team("Ward 4")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota", dilemma="Night shifts", step="dilemma")
    await ready(pilot)
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ResumeScreen" and painted(app), what="the offer")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the draft")
    await pilot.press("ctrl+g", "1")
    await wait_for(pilot, lambda: app.session_screen.current_step == "team" and app.focused is not None
                   and app.focused.id == "team-filter", what="the team list")


async def test_letters_typed_ahead_do_not_answer_start_a_new_session(make_app, db_path: Path) -> None:
    """With a draft open, 'Ward 7', enter and 'yes' in one burst: the y answered
    "Start a new session with Ward 7?" before it was on the screen; then the letters
    went on to the team filter behind it, and became a team ("Ward 7yes")."""
    from coachtui.ui.modals import ConfirmScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _on_the_team_list_with_a_draft_open(pilot, app, db_path)
        burst(app, *"Ward 7", "enter", *"yes")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and seen(app.screen.shown_at),
                       what="the question, seen")
        await pilot.pause(0.2)
        await reads_the_question(pilot, app.screen)
        assert isinstance(app.screen, ConfirmScreen)  # still asking
        assert "Start a new session with Ward 7?" in str(app.screen.question)
        filter_ = app.query_one("#team-filter")
        assert filter_.value == ""  # its name has done its work, and the letters are not on to the filter
        await pilot.press("n")  # Stay, once the coach can see the question
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="the answer")
        text = await shows(pilot, "Not used")  # not silently lost: the coach is told
        assert "yes" in text
        assert filter_.value == ""
        await saved(pilot)
    assert query(db_path, "SELECT title FROM coaching_session") == [("Rota",)]
    assert _teams(db_path) == ["Ward 4", "Ward 7"]


async def test_a_title_typed_ahead_of_start_a_new_session_is_its_title(make_app, db_path: Path) -> None:
    """Enter on Ward 7 and the new session's title at once, with another draft open:
    answered "start", the letters typed before the question came up are its title
    (they went to the team filter and made a team "Late startsPharmacy")."""
    from coachtui.ui.modals import ConfirmScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _on_the_team_list_with_a_draft_open(pilot, app, db_path)
        burst(app, *"Ward 7", "enter", *"Late starts")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and seen(app.screen.shown_at),
                       what="the question, seen")
        await reads_the_question(pilot, app.screen)
        burst(app, "y")
        await wait_for(pilot, lambda: app.session.model is not None and app.session.model.team.name == "Ward 7"
                       and app.session_screen.current_step != "team", what="the new session")
        assert app.query_one("#title").value == "Late starts"
        await saved(pilot)
    assert query(db_path, "SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id "
                 "ORDER BY t.name") == [("Ward 4", "Rota"), ("Ward 7", "Late starts")]
    assert _teams(db_path) == ["Ward 4", "Ward 7"]


async def test_f6_esc_and_letters_straight_after(make_app, db_path: Path) -> None:
    """f6, esc and 'abc' ~10 ms apart: a terminal's esc with a letter straight after
    it reads as alt+letter (Textual waits ESCDELAY for the rest of a sequence), which
    nothing is bound to, so the explainer stayed open and 'abc' was lost."""
    from textual import events

    from coachtui.ui.screens.explainer import ExplainerScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "f6")
        app.post_message(events.Key("alt+a", "a"))  # what the parser hands on for esc a
        burst(app, *"bc")
        app.post_message(events.Key("alt+shift+d", "D"))  # and for esc D
        await wait_for(pilot, lambda: app.query_one("#title").value.endswith("D"), what="the letters")
        assert not isinstance(app.screen, ExplainerScreen)
        await saved(pilot)
    assert query(db_path, "SELECT title FROM coaching_session") == [("RotaabcD",)]


def _two_presenters(db_path: Path) -> tuple[str, str]:
    """North leads' meeting, resumed: Asha presents first ("Beds"), Ben second (no title yet)."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("North leads")
        for name in ("Asha Patel", "Ben Okafor", "Carys Jones"):
            team = store.add_member(team.id, name)
        first = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(first.id, presenter="Asha Patel", title="Beds", dilemma="No beds", step="actions")
        second = store.add_presenter(first.id, "Ben Okafor", "Ana Ruiz")
        store.save_draft(second.id, dilemma="Quiet huddles", step="questions")
    return first.id, second.id


async def test_f9_asks_which_presenter_and_the_digit_chooses(make_app, db_path: Path) -> None:
    """f9 on presenter 1 of 2 went to the next presenter at once, so the digit typed
    to choose went into their dilemma; after a switch the focus was on the title or
    the dilemma, by whether the title was filled in. Now f9 always offers the choice,
    and the new presenter's dilemma step opens with the title focused."""
    first, second = _two_presenters(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ResumeScreen" and painted(app), what="the offer")
        await pilot.press("enter")  # the whole meeting, Asha in hand
        await wait_for(pilot, lambda: len(app.session.parts) == 2 and app.focused is not None, what="the meeting")
        burst(app, "f9", "2", *"Voice")
        await wait_for(pilot, lambda: app.query_one("#title").value == "Voice", what="Ben's title")
        assert app.session.model.session_id == second
        assert app.session_screen.current_step == "dilemma" and app.focused.id == "title"
        burst(app, "f9", "1", "!")  # back to Asha, whose title is filled in: the title still
        await wait_for(pilot, lambda: app.query_one("#title").value == "Beds!", what="Asha's title")
        assert app.session.model.session_id == first and app.focused.id == "title"
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session ORDER BY turn") == [
        ("Beds!", "No beds"), ("Voice", "Quiet huddles")
    ]


async def test_ctrl_g_3_focuses_the_title(make_app, db_path: Path) -> None:
    """ctrl+g 3 focused the dilemma's body when the title was filled in (or the field
    last left there): the title is the step's first field."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota", dilemma="Night shifts", step="dilemma")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ResumeScreen" and painted(app), what="the offer")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "dilemma-text", what="the draft")
        burst(app, "ctrl+g", "3", "!")  # from the dilemma's body
        await wait_for(pilot, lambda: app.query_one("#title").value == "Rota!", what="the title")
        burst(app, "tab", "ctrl+g", "6", "ctrl+g", "3", "?")  # away from the body and back
        await wait_for(pilot, lambda: app.query_one("#title").value == "Rota!?", what="the title again")
        assert app.focused.id == "title"
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session") == [("Rota!?", "Night shifts")]


async def test_f6_esc_and_a_space_or_stop_straight_after(make_app, db_path: Path) -> None:
    """f6, then esc and a space within ESCDELAY: the terminal's ESC space reads as
    alt+space (or, from a terminal that reports alt, alt+full_stop for esc '.'),
    which nothing is bound to: the explainer stayed open and the space was lost."""
    from textual import events

    from coachtui.ui.screens.explainer import ExplainerScreen

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *"Rota", "f6")
        app.post_message(events.Key("alt+space", None))  # a terminal reporting alt (kitty keys, tmux)
        burst(app, "f6")
        app.post_message(events.Key("alt+full_stop", "."))
        burst(app, "f6")
        app.post_message(events.Key("alt+3", "3"))
        await wait_for(pilot, lambda: app.query_one("#title").value.endswith("3"), what="the characters")
        assert not isinstance(app.screen, ExplainerScreen)
        await saved(pilot)
    assert query(db_path, "SELECT title FROM coaching_session") == [("Rota .3",)]


def _south_leads(db_path: Path) -> None:
    """A set: Ann and Cy are members, Dee has left."""
    import datetime as dt

    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("South leads")
        for name in ("Ann", "Cy", "Dee"):
            team = store.add_member(team.id, name)
        store.member_left(team.id, "Dee", left=dt.date(2026, 1, 5))


def _members(db_path: Path) -> list[tuple[str, bool]]:
    import json

    (members,) = query(db_path, "SELECT members FROM team WHERE name = 'South leads'")[0]
    return sorted((m["name"], not m["left"]) for m in json.loads(members))  # (name, still a member)


async def _members_prompt(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    burst(app, *"South")
    await shows(pilot, "ctrl+r rename")
    burst(app, "f8")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the members prompt")


async def test_a_members_name_typed_again_in_a_burst_is_said_and_no_name_is_lost(make_app, db_path: Path) -> None:
    """f8, 'Ann' enter 'Bob' enter 'Dee' enter at once, Ann a member already: it asked
    "Mark Ann as having left?", the enter typed on after 'Bob' answered it, and Bob
    was lost. Ann typed again is no request to mark her as left; Dee (who had left)
    is welcomed back; Bob joins."""
    from coachtui.ui.modals import ConfirmScreen

    _south_leads(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _members_prompt(pilot, app)
        burst(app, *"Ann", "enter", *"Bob", "enter", *"Dee", "enter")
        await wait_for(pilot, lambda: ("Dee", True) in _members(db_path), what="Dee back")
        await shows(pilot, "Ann is already a member")
        await shows(pilot, "Bob joined")
        await shows(pilot, "Welcome back: Dee")
        assert isinstance(app.screen, TextPromptScreen) and not isinstance(app.screen, ConfirmScreen)
        assert app.screen.query_one("#prompt-input").value == ""  # ready for the next name
    assert _members(db_path) == [("Ann", True), ("Bob", True), ("Cy", True), ("Dee", True)]
    assert _teams(db_path) == ["South leads"]


async def test_keys_typed_before_mark_as_left_is_painted_never_answer_it(make_app, db_path: Path) -> None:
    """'-Ann' enter, then 'Bob' enter typed on before "Mark Ann as having left?" was
    on the screen: they do not answer it; once the coach answers, Bob goes into the
    prompt that comes back, and joins."""
    from coachtui.ui.modals import ConfirmScreen

    _south_leads(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _members_prompt(pilot, app)
        burst(app, *"-Ann", "enter", *"Bob", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and seen(app.screen.shown_at),
                       what="the question, seen")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)  # the enter after Bob did not answer it
        assert "Mark Ann as having left South leads?" in str(app.screen.question)
        await reads_the_question(pilot, app.screen)
        await pilot.press("y")
        await wait_for(pilot, lambda: ("Bob", True) in _members(db_path), what="Bob, typed ahead")
        await shows(pilot, "Bob joined")
        assert isinstance(app.screen, TextPromptScreen)
    assert _members(db_path) == [("Ann", False), ("Bob", True), ("Cy", True), ("Dee", False)]
    assert _teams(db_path) == ["South leads"]
