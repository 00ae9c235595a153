"""A note editor left open in a window that is not being typed in (a question's
note, a review's): the other window's change to that note is shown in it within a
few seconds, and typing on goes on from it. An editor holding typing that is not
saved yet is never changed under the coach: its save is refused and keep mine
merges the two notes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from coachtui.store import open_store
from coachtui.store.types import PickedQuestionInfo as PickedQuestion
from coachtui.ui.modals import ConflictScreen, TextPromptScreen

from .helpers import Notices, query, saved, type_text, wait_for
from .test_keep_mine import _keep_mine, slow_disk
from .test_review_note_merge import _note, _review_step
from .test_saves import _draft, _resume


def _editor_text(app) -> str:  # type: ignore[no-untyped-def]
    screen = app.screen
    return screen.query_one(TextArea).text if isinstance(screen, TextPromptScreen) else ""


def _one_question(db_path: Path, note: str = "") -> str:
    session_id = _draft(db_path)
    with open_store(str(db_path)) as store:
        store.set_questions(session_id, [PickedQuestion("kata-2", "Where are you now?", "kata", note=note)])
    return session_id


def _their_note(db_path: Path, session_id: str, note: str) -> None:
    """The other window writes the question's note (on the version it saw)."""
    with open_store(str(db_path), coach="Ana Ruiz") as other:
        other.set_questions(
            session_id,
            [PickedQuestion("kata-2", "Where are you now?", "kata", note=note)],
            expected_version=other.session_version(session_id),
        )


async def _open_question_note(pilot, app) -> None:  # type: ignore[no-untyped-def]
    app.session_screen.go("questions")
    await pilot.pause()
    app.session_screen.pane("questions").edit_note(0)
    await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")


async def test_an_open_question_note_shows_the_other_windows_note(make_app, db_path: Path) -> None:
    session_id = _one_question(db_path, note="Two a week.")
    app, notices = make_app(), Notices()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await _resume(pilot, app)
        await _open_question_note(pilot, app)
        await type_text(pilot, " Fewer")
        await saved(pilot)
        _their_note(db_path, session_id, "Two a week. Fewer\nMatron counts them on Fridays.")
        await wait_for(
            pilot, lambda: _editor_text(app) == "Two a week. Fewer\nMatron counts them on Fridays.", timeout=30,
            what="the other window's note in the open editor",
        )
        assert any("changed in another window" in notice.message for notice in notices)
        await type_text(pilot, " Mine")  # goes on at the end of the note shown
        await saved(pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert app.saver.conflicts == {}
    assert query(db_path, "SELECT note FROM picked_question") == [
        ("Two a week. Fewer\nMatron counts them on Fridays. Mine",)
    ]


async def test_an_open_question_note_with_typing_not_saved_is_left_alone(make_app, db_path: Path) -> None:
    session_id = _one_question(db_path, note="Two a week.")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        await _open_question_note(pilot, app)
        with slow_disk(app) as slow:
            disk = slow()
            await type_text(pilot, " Fewer")  # waits to be saved
            _their_note(db_path, session_id, "Two a week.\nMatron counts them on Fridays.")
            looks = app.recovery.looks
            await wait_for(pilot, lambda: app.recovery.looks >= looks + 3, timeout=30, what="three looks for changes")
            assert _editor_text(app) == "Two a week. Fewer"
            disk.go()
            await _keep_mine(pilot)
        await saved(pilot)
    assert query(db_path, "SELECT note FROM picked_question") == [("Two a week. Fewer\nMatron counts them on Fridays.",)]


async def test_an_open_review_note_shows_the_other_windows_note(make_app, seeded, db_path: Path) -> None:
    """A review's note changes no version of the session: it was never looked at."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _review_step(pilot, app)
        session_id = app.session.model.session_id
        await pilot.press("down", "s")
        await _note(pilot, app, "No cover")
        await saved(pilot)
        action_id = app.session.model.review_items[1].action.id
        await pilot.press("n")  # opened again, and left open
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
        with open_store(str(db_path), coach="Ana Ruiz") as other:  # the other window
            other.record_review(action_id, "stuck", "No cover\nMatron agreed.", session_id=session_id, coach="Ana Ruiz")
        await wait_for(
            pilot, lambda: _editor_text(app) == "No cover\nMatron agreed.", timeout=30, what="their note in the editor"
        )
        await type_text(pilot, " Two hours")
        await saved(pilot)
        assert not isinstance(app.screen, ConflictScreen)
    assert query(db_path, "SELECT status, note FROM action_review WHERE session_id = ?", session_id) == [
        ("stuck", "No cover\nMatron agreed. Two hours")
    ]


async def test_an_open_test_of_change_review_shows_the_other_windows_words(make_app, db_path: Path) -> None:
    """A test of change asks what happened and what was learned, two fields in one
    editor: left open, it shows the other window's words too."""
    from textual.widgets import Input

    from coachtui.ui.modals import LearningPromptScreen

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4")
        first = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(first.id, title="Handovers", dilemma="Handovers are missed.")
        action = store.add_action(first.id, "Try the huddle at 7", owner="Sam", prediction="Fewer missed handovers")
        store.complete_session(first.id)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _review_step(pilot, app, "Try the huddle at 7")
        session_id = app.session.model.session_id
        await pilot.press("d")  # done: the test asks what happened and what was learned
        await wait_for(pilot, lambda: isinstance(app.screen, LearningPromptScreen), what="the test's questions")
        await type_text(pilot, "Two missed")
        await saved(pilot)
        with open_store(str(db_path), coach="Ana Ruiz") as other:  # the other window
            other.record_review(
                action.id, "done", "Two missed, one on Sunday.", session_id=session_id, coach="Ana Ruiz",
                learning="Start at 6.45 on Sundays.",
            )

        def fields() -> tuple[str, str]:
            screen = app.screen
            return (screen.query_one("#test-result", Input).value, screen.query_one("#test-learning", Input).value)

        await wait_for(
            pilot, lambda: fields() == ("Two missed, one on Sunday.", "Start at 6.45 on Sundays."), timeout=30,
            what="the other window's words in the open test",
        )
        await pilot.press("end")
        await type_text(pilot, " Mine")
        await saved(pilot)
        assert not isinstance(app.screen, ConflictScreen)
    assert query(db_path, "SELECT note, learning FROM action_review WHERE session_id = ?", session_id) == [
        ("Two missed, one on Sunday. Mine", "Start at 6.45 on Sundays.")
    ]
