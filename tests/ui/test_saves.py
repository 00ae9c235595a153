"""Everything typed in a session is saved, or the coach is told (issue 14, items 3-5)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from textual import events
from textual.widgets import TextArea

from coachtui.store import open_store
from coachtui.ui.modals import ChoiceScreen, ConflictScreen, ResumeScreen, TextPromptScreen
from coachtui.ui.screens.detail import SessionDetailScreen

from .helpers import painted, paste, query, ready, saved, shows, type_text, typed_at, wait_for
from .test_keys import burst


def _draft(db_path: Path) -> str:
    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(session.id, title="Rota chaos", dilemma="Night shift misses the huddle.", step="dilemma")
        return session.id


async def _resume(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session.model is not None, what="the resumed session")
    await pilot.pause()


async def _go(pilot, app, step: str) -> None:  # type: ignore[no-untyped-def]
    app.session_screen.go(step)
    await pilot.pause()


# --- item 5 -----------------------------------------------------------------------------------


async def test_the_action_being_typed_is_saved_and_back_in_the_form_on_resume(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _resume(pilot, app)
        await _go(pilot, app, "actions")
        await type_text(pilot, "Ask the night team")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await saved(pilot)
        assert app.save_status.state == "saved"
    (stored,) = query(db_path, "SELECT action_draft FROM coaching_session WHERE id = ?", session_id)[0]
    assert json.loads(stored) == {"text": "Ask the night team", "owner": "Sam", "due": "", "editing": None}

    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await _resume(pilot, again)
        await _go(pilot, again, "actions")
        step = again.session_screen.pane("actions")
        assert step.query_one("#action-text").value == "Ask the night team"
        assert step.query_one("#action-owner").value == "Sam"
        step.query_one("#action-text").focus()
        await pilot.press("enter")  # adds it: no longer half-typed
        await saved(pilot)
    assert query(db_path, "SELECT text, owner FROM action") == [("Ask the night team", "Sam")]
    assert query(db_path, "SELECT action_draft FROM coaching_session") == [("",)]


async def test_a_question_note_is_saved_as_it_is_typed_and_esc_keeps_it(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _resume(pilot, app)
        await _go(pilot, app, "questions")
        await pilot.press("enter")
        await shows(pilot, "Picked (1)")
        step = app.session_screen.pane("questions")
        step.edit_note(0)
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note prompt")
        await type_text(pilot, "Handover sheet unread")
        await saved(pilot)  # still typing: the dialog is open
        assert isinstance(app.screen, TextPromptScreen)
        assert query(db_path, "SELECT note FROM picked_question WHERE session_id = ?", session_id) == [
            ("Handover sheet unread",)
        ]
        await pilot.press("escape")
        await shows(pilot, "✎ Handover sheet unread", timeout=20)
        await saved(pilot)
    assert query(db_path, "SELECT note FROM picked_question") == [("Handover sheet unread",)]


async def test_a_note_on_a_question_another_window_removed_is_kept_with_the_question(
    make_app, db_path: Path
) -> None:
    """Found by a tester: window B removed the question window A was writing a note
    on; A reloaded, and what A typed after that showed "saved ✓" while it was in no
    table and no file. Typing on is a change of A's own: the question is picked again
    with the note, and A is told."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        await _go(pilot, app, "questions")
        await pilot.press("enter")
        await shows(pilot, "Picked (1)")
        app.session_screen.pane("questions").edit_note(0)
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note prompt")
        await type_text(pilot, "Handover ")
        await saved(pilot)
        with open_store(str(db_path), coach="Bo Lind") as other:  # the other window removes it
            other.set_questions(session_id, [])
        # Timed as typed (a loaded machine handing Pilot's keys over a second apart
        # made the question come up mid-word, and the r then answering it came
        # 0.4 s after the last letter: typing, rightly, not an answer).
        last = typed_at(app, "sheet ", events.Event().time)
        # Reads it, then reloads: their version, without the question. One question:
        # the answer settles every save of the session made before it.
        question = await _asked(pilot, app)
        typed_at(app, "r", max(question.shown_at, last) + 1.0)
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), timeout=20, what="the note again")
        assert isinstance(app.screen, TextPromptScreen)  # the note, still open
        await type_text(pilot, "unread")
        await saved(pilot)
        assert query(db_path, "SELECT note FROM picked_question WHERE session_id = ?", session_id) == [
            ("Handover sheet unread",)
        ]
        await pilot.press("escape")
        await shows(pilot, "✎ Handover sheet unread", timeout=20)


# --- item 4 -----------------------------------------------------------------------------------


async def test_a_draft_saved_meanwhile_elsewhere_is_not_overwritten_and_the_coach_chooses(
    make_app, db_path: Path
) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _resume(pilot, app)
        with open_store(str(db_path), coach="Bo Lind") as other:  # a second window
            other.save_draft(session_id, dilemma="Bo's words.")
        await paste(pilot, "Mine ")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict prompt")
        await shows(pilot, "Bo Lind")
        assert app.save_status.state == "conflict"
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]
        await pilot.press("k")  # keep mine, on top
        await wait_for(pilot, lambda: app.save_status.state == "saved", what="saved on top")
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shift misses the huddle.Mine ",)]


async def test_reload_after_a_conflict_shows_theirs_and_keeps_mine_in_a_file(
    make_app, db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("COACHTUI_DATA_DIR", str(tmp_path / "data"))
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        with open_store(str(db_path), coach="Bo Lind") as other:
            other.save_draft(session_id, dilemma="Bo's words.")
        await paste(pilot, "Mine ")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict prompt")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.model.dilemma == "Bo's words.", what="the reload")
        await shows(pilot, "Bo's words.")
        await saved(pilot)
        assert app.save_status.state == "saved"
    copies = list((tmp_path / "data" / "unsaved").glob("*.md"))
    assert len(copies) == 1 and "Night shift misses the huddle.Mine" in copies[0].read_text()
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]


# --- item 3 -----------------------------------------------------------------------------------


async def test_the_open_session_cannot_be_deleted_from_its_detail(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        app.push_screen(SessionDetailScreen(session_id))
        await shows(pilot, "Night shift misses the huddle.")
        await pilot.press("delete")
        await shows(pilot, "open in the session")
        assert not isinstance(app.screen, ChoiceScreen)
        await saved(pilot)
    assert query(db_path, "SELECT id FROM coaching_session") == [(session_id,)]


async def test_the_open_session_deleted_elsewhere_is_kept_as_a_new_draft(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        with open_store(str(db_path), coach="Bo Lind") as other:
            other.delete_session(session_id)
        await paste(pilot, "Still here ")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the offer")
        text = await shows(pilot, "Bo Lind deleted it")
        assert "New draft (n)" in text
        assert app.save_status.state == "conflict"
        await pilot.press("n")
        await saved(pilot)
        assert app.save_status.state == "saved"
        new_id = app.session.model.session_id
    assert new_id != session_id
    assert query(db_path, "SELECT id, title, dilemma, status FROM coaching_session") == [
        (new_id, "Rota chaos", "Night shift misses the huddle.Still here ", "draft")
    ]


async def _deleted_while_typing(pilot, app, db_path: Path, session_id: str) -> None:  # type: ignore[no-untyped-def]
    """The draft resumed, another coach deletes it, the coach types on: the offer to
    keep the text comes up, and the coach puts it off (esc)."""
    await _resume(pilot, app)
    with open_store(str(db_path), coach="Bo Lind") as other:
        other.delete_session(session_id)
    await paste(pilot, "Unsaved ")
    # on the screen: keys that arrive before it is painted do not answer it
    await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the offer")
    await pilot.press("escape")  # not now


async def test_quit_asks_before_dropping_text_of_a_deleted_session(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _deleted_while_typing(pilot, app, db_path, session_id)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the quit question")
        text = await shows(pilot, "save a copy to a file")
        assert "New draft (n)" in text and "Keep my text as" in text
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.is_running and app.session.model is not None
    assert query(db_path, "SELECT count(*) FROM coaching_session") == [(0,)]


async def test_a_new_session_does_not_drop_the_text_of_a_deleted_one(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _deleted_while_typing(pilot, app, db_path, session_id)
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen), what="the offer to close")
        app.session_screen.new_session()  # ctrl+p, New session
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the offer again")
        assert app.session.model is not None and app.session.model.dilemma.endswith("Unsaved ")
        await pilot.press("n")
        await saved(pilot)
    assert [d for (d,) in query(db_path, "SELECT dilemma FROM coaching_session")] == [
        "Night shift misses the huddle.Unsaved "
    ]


async def test_a_review_note_is_saved_as_it_is_typed(make_app, seeded, db_path: Path) -> None:
    stuck = seeded["actions"][1]
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # Ward 4
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Ask matron for protected time")
        await pilot.press("down", "s")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
        await paste(pilot, "No cover ")
        await type_text(pilot, "this month")
        await saved(pilot)  # the editor is still open: nothing closed or confirmed it
        assert isinstance(app.screen, TextPromptScreen)
        assert query(db_path, "SELECT status, note FROM action_review WHERE action_id = ?", stuck.id) == [
            ("stuck", "No cover this month")
        ]


async def _changed_elsewhere_while_typing(pilot, app, db_path: Path, session_id: str) -> None:  # type: ignore[no-untyped-def]
    """The draft resumed; a second window saves its dilemma; the coach types " and"."""
    await _resume(pilot, app)
    with open_store(str(db_path), coach="Bo Lind") as other:  # a second window
        other.save_draft(session_id, dilemma="Bo's words.")
    burst(app, *" and")


async def _asked(pilot, app) -> ConflictScreen:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen.shown_at, what="the question")
    return app.screen


async def test_a_note_typed_before_the_mark_is_the_note_not_commands(make_app, seeded, db_path: Path) -> None:
    """Found by a tester: n on an action not yet marked was refused ("mark how it went
    first"), and the sentence typed straight after it ran as commands: the p of
    "Review" marked it in progress, the d of "instantly" done, and the note kept only
    what followed the next n. The note opens; it is saved with the mark once there is one."""
    stuck = seeded["actions"][1]
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # Ward 4
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Ask matron for protected time")
        await pilot.press("down")
        burst(app, "n", *"Review note typed instantly after n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
        await wait_for(
            pilot, lambda: app.screen.query_one(TextArea).text.endswith("after n"), what="the note typed"
        )
        assert app.screen.query_one(TextArea).text == "Review note typed instantly after n"
        await pilot.press("escape")
        await shows(pilot, "saved once you mark how it went")
        assert query(db_path, "SELECT status FROM action WHERE id = ?", stuck.id) == [("open",)]
        await pilot.press("s")  # stuck: the mark and the note are saved together
        await saved(pilot)
    assert query(db_path, "SELECT status, note FROM action_review WHERE action_id = ?", stuck.id) == [
        ("stuck", "Review note typed instantly after n")
    ]


def _review_draft(db_path: Path) -> dict[str, str]:
    """The review notes the open draft keeps for actions not marked yet."""
    rows = query(db_path, "SELECT review_draft FROM coaching_session WHERE status = 'draft' AND review_draft != ''")
    return json.loads(rows[0][0]) if rows else {}


async def test_a_note_waiting_for_its_mark_is_kept_when_the_coach_quits(make_app, seeded, db_path: Path) -> None:
    """A note typed before its action's mark was only in memory: a crash or a closed
    terminal lost it (found by a tester). It is kept in the session's draft as it is
    typed, so quitting has nothing to ask about it, and it is there when resumed."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Ask matron for protected time")
        await pilot.press("down", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
        await type_text(pilot, "No cover")
        await pilot.press("escape")
        await saved(pilot)
        action_id = app.session.model.review_items[1].action.id
        assert _review_draft(db_path) == {action_id: "No cover"}  # on disk before any quit
        assert query(db_path, "SELECT count(*) FROM action_review WHERE note = 'No cover'") == [(0,)]
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit, asking nothing")
    assert _review_draft(db_path) == {action_id: "No cover"}


async def test_quitting_asks_about_words_in_a_dialog_and_keeps_a_note_waiting(make_app, seeded, db_path: Path) -> None:
    """A review note waiting for its mark and a tracker note being typed: quitting
    asks about the tracker note (kept nowhere until answered), and the review note
    stays in the session's draft."""
    from coachtui.ui.screens.tracker import TrackerScreen

    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Ask matron for protected time")
        await pilot.press("down", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the review note")
        await type_text(pilot, "No cover")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the note closed")
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, TrackerScreen), what="the tracker")
        tracker = app.screen
        await wait_for(pilot, lambda: bool(tracker.rows), what="the actions")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the tracker note")
        await type_text(pilot, "Sam is off")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question")
        await shows(pilot, "what you are typing in this dialog")
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert list(_review_draft(db_path).values()) == ["No cover"]


async def test_typing_on_while_the_conflict_comes_up_is_typing_not_an_answer(make_app, db_path: Path) -> None:
    """The conflict came up while the coach typed "we check the rota": the k of
    "check" pressed "Keep mine" and wrote over the other window's words, and the
    rest of the sentence was lost."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _changed_elsewhere_while_typing(pilot, app, db_path, session_id)
        # The coach pauses a moment (the draft is saved, and refused, and asked)...
        question = await _asked(pilot, app)
        words = " and we check the rota"
        last = typed_at(app, words[4:], question.shown_at + 0.1)  # ...and types on without looking up
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("rota"), what="the typing")
        assert app.query_one("#dilemma-text").text == "Night shift misses the huddle." + words
        assert app.screen is question  # still asking: nothing was answered by typing
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]
        typed_at(app, "k", last + 1.0)  # the coach stops typing, reads the question, keeps theirs
        await wait_for(pilot, lambda: app.save_status.state == "saved", what="saved on top")
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shift misses the huddle." + words,)]


async def test_a_busy_moment_while_the_coach_types_on_does_not_press_keep_mine(make_app, db_path: Path) -> None:
    """CI found "we chec the rota": between the c and the k the coach typed 50 ms
    apart the app was busy for a second, and the k, handled a second after the c,
    was taken as a pause and an answer. The pause is the coach's, not the app's:
    keys are timed when they arrive."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _changed_elsewhere_while_typing(pilot, app, db_path, session_id)
        question = await _asked(pilot, app)
        last = typed_at(app, " we c", question.shown_at + 0.1)
        app.call_later(lambda: time.sleep(1.0))  # the app is busy (a slow disk, a loaded machine)...
        typed_at(app, "heck", last + 0.05)  # ...while the coach's next keys are already typed
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("check"), what="the typing")
        assert app.query_one("#dilemma-text").text == "Night shift misses the huddle. and we check"
        assert app.screen is question
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]


async def _typed_and_quit_on_a_draft_changed_elsewhere(pilot, app, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The draft resumed; a second window saves its dilemma; the coach types
    " quitting now" and ctrl+q in one burst."""
    session_id = _draft(db_path)
    await _resume(pilot, app)
    with open_store(str(db_path), coach="Bo Lind") as other:  # a second window
        other.save_draft(session_id, dilemma="Bo's words.")
    burst(app, *" quitting now", "ctrl+q")


async def test_quitting_right_after_typing_into_a_draft_changed_elsewhere_asks(make_app, db_path: Path) -> None:
    """Words and ctrl+q in one burst on a draft another window had saved: the save
    was refused on the way out and the app quit without asking (found by a tester)."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_and_quit_on_a_draft_changed_elsewhere(pilot, app, db_path)
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question before quitting")
        await shows(pilot, "Not saved")
        assert app.is_running
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]


async def test_a_paste_while_the_conflict_question_is_up_goes_into_the_text(make_app, db_path: Path) -> None:
    """A paste arriving as the conflict question came up went to the question's
    button and was lost; and a paste did not count as typing, so the enter after it
    answered the question (reload) instead of going on into the text."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _changed_elsewhere_while_typing(pilot, app, db_path, session_id)
        question = await _asked(pilot, app)
        paste = events.Paste(" we check the rota")
        paste.time = question.shown_at + 0.1
        app.post_message(paste)  # pasted without looking up
        typed_at(app, "!", question.shown_at + 0.2)
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("!"), what="the paste")
        assert app.query_one("#dilemma-text").text == "Night shift misses the huddle. and we check the rota!"
        assert app.screen is question  # still asking: nothing answered by the paste
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]


async def _typing_on_as_it_came_up(pilot, app, db_path: Path, words: str) -> ConflictScreen:  # type: ignore[no-untyped-def]
    """The conflict question is up, and ``words`` pasted 50 ms after it came up: the
    coach was still typing, so their keys go on into the dilemma."""
    session_id = _draft(db_path)
    await _changed_elsewhere_while_typing(pilot, app, db_path, session_id)
    question = await _asked(pilot, app)
    pasted = events.Paste(words)
    pasted.time = question.shown_at + 0.05
    app.post_message(pasted)
    return question


async def test_backspace_typed_as_the_conflict_question_came_up_corrects_the_text(make_app, db_path: Path) -> None:
    """A key the text field takes by a binding (backspace, an arrow), typed on as the
    conflict question came up, still acts in the field, in the order typed: it runs
    the field's binding after the words that went there before it."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        question = await _typing_on_as_it_came_up(pilot, app, db_path, " we chekc")
        for index, key in enumerate(("backspace", "backspace")):
            fix = events.Key(key, None)
            fix.time = question.shown_at + 0.1 + index * 0.05
            app.post_message(fix)
        typed_at(app, "ck", question.shown_at + 0.2)
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("k"), what="the typing")
        assert app.query_one("#dilemma-text").text == "Night shift misses the huddle. and we check"
        assert app.screen is question
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]


async def test_ctrl_q_typed_as_the_conflict_question_came_up_still_quits_and_asks(make_app, db_path: Path) -> None:
    """Keys typed on as the conflict question came up go on into the text; ctrl+q with
    them went there too, where the app's quit never saw it: the coach asked to quit and
    nothing happened (a rare CI failure: under load the question came up between the
    words of a burst and its ctrl+q)."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        question = await _typing_on_as_it_came_up(pilot, app, db_path, " we check")
        quit_key = events.Key("ctrl+q", None)
        quit_key.time = question.shown_at + 0.1
        app.post_message(quit_key)
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question before quitting")
        await shows(pilot, "Not saved")
        assert app.query_one("#dilemma-text").text == "Night shift misses the huddle. and we check"
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.",)]


async def test_a_refusal_told_after_the_coach_reloaded_does_not_ask_again(make_app, db_path: Path) -> None:
    """Found as a rare failure under load: a save under way as the coach answered
    "reload" came back refused, and the news of it reached the screen just after the
    reload: the same question came up again on the reloaded session, over the note
    the coach was typing. A refusal of a save that named a version from before the
    answer is settled by it."""
    from coachtui.session.conflicts import Conflict
    from coachtui.store.errors import StaleRecord
    from coachtui.ui.messages import SessionSaveRefused

    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        before = app.saver.version_of(session_id)
        with open_store(str(db_path), coach="Bo Lind") as other:  # a second window
            other.save_draft(session_id, dilemma="Bo's words.")
        await paste(pilot, "Mine ")
        await _asked(pilot, app)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.model.dilemma == "Bo's words.", what="the reload")
        await wait_for(pilot, lambda: app.saver.quiet_for() > 1.0, what="a pause in the typing")
        late = StaleRecord(
            "session", session_id, expected_version=before, current_version=before + 1, changed_by="Bo Lind"
        )
        app.post_message(SessionSaveRefused(Conflict("session", session_id, session_id, late)))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, ConflictScreen)
        await saved(pilot)
        assert app.save_status.state == "saved"
        await type_text(pilot, "Agreed.")
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Bo's words.Agreed.",)]


async def test_a_letter_typed_straight_after_esc_on_a_note_is_not_typed_into_it(make_app, db_path: Path) -> None:
    """esc, then d at once: Textual takes the note away a moment after esc, and the d
    went into the note still open ("dSecond note…"). It now waits for the note to go."""
    _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _resume(pilot, app)
        await _go(pilot, app, "questions")
        await pilot.press("enter")
        await shows(pilot, "Picked (1)")
        app.session_screen.pane("questions").edit_note(0)
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note prompt")
        await type_text(pilot, "Trust is low")
        for key, character in (("escape", "\x1b"), ("d", "d")):  # one read
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the note closed")
        await shows(pilot, "✎ Trust is low", timeout=20)
        await saved(pilot)
    assert query(db_path, "SELECT note FROM picked_question") == [("Trust is low",)]


async def test_keeping_mine_at_the_conflict_question_behind_a_quit_quits_once_saved(make_app, db_path: Path) -> None:
    """Words and ctrl+q in one burst on a draft another window had saved: the quit
    waited behind the conflict question; the coach kept theirs (k) and it was saved,
    but the question about quitting still said "Not saved" and offered to copy the
    text to a file (a tester). Once nothing is left unsaved, the quit goes on."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_and_quit_on_a_draft_changed_elsewhere(pilot, app, db_path)
        await wait_for(pilot, lambda: any(isinstance(s, ChoiceScreen) for s in app.screen_stack),
                       what="the question before quitting")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen) and painted(app), what="the conflict question")
        await pilot.press("k")  # keep mine: saved on top of Bo's
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shift misses the huddle. quitting now",)]


async def test_the_watch_for_other_windows_ticking_as_the_app_closes_does_nothing(make_app, db_path: Path) -> None:
    """Found by the bench in CI: the watch for another window's saves ticked after the
    app had taken its last screen down, and the app ended with a traceback
    (ScreenStackError: No screens on stack)."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _resume(pilot, app)
    assert not app.screen_stack  # closed
    assert app.recovery._idle(session_id) is False  # what the watch asks each tick
