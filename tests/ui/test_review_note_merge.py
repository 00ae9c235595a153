"""Review notes typed in two windows of one session (a tester's words were lost):
keep mine merges the two notes line by line, and when they overlap the other
window's words are kept in a rescue file the toast names, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

from coachtui.store import open_store
from coachtui.store.types import PickedQuestionInfo as PickedQuestion
from coachtui.ui.modals import TextPromptScreen

from .helpers import Notices, query, ready, saved, shows, type_text, wait_for
from .test_keep_mine import _keep_mine, slow_disk


def _rescued(session_id: str) -> str:
    """Every rescue file of the session, whitespace folded."""
    from coachtui import rescue

    return " ".join(" ".join(path.read_text("utf-8").split()) for path in rescue.files_of([session_id]))


async def _review_step(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """A new session for Ward 4, on its review step, written to the database."""
    await ready(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
    await shows(pilot, "Ask matron for protected time")
    await saved(pilot)
    await wait_for(pilot, lambda: app.saver.version_of(app.session.model.session_id) is not None, what="the draft")


async def _note(pilot, app, words: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
    await type_text(pilot, words)
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the note closed")


def _review_note(db_path: Path, action_id: str, session_id: str) -> list[tuple]:
    return query(
        db_path, "SELECT status, note FROM action_review WHERE action_id = ? AND session_id = ?", action_id, session_id
    )


async def test_keep_mine_on_a_review_mark_keeps_the_other_windows_note_in_a_file(make_app, seeded, db_path: Path) -> None:
    """The other window marked the action with a note first; this one marks it with
    its own note and keeps mine: the other window's note is in a rescue file."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _review_step(pilot, app)
        session_id = app.session.model.session_id
        await pilot.press("down")
        action = app.session.model.review_items[1].action
        with open_store(str(db_path), coach="Ana Ruiz") as other:  # the other window
            other.record_review(
                action.id, "done", "Matron agreed two hours a week.", session_id=session_id, coach="Ana Ruiz",
                expected_version=action.version,
            )
        await _note(pilot, app, "No cover")
        await pilot.press("s")  # stuck, with the note: refused (the action changed)
        await _keep_mine(pilot)
        await shows(pilot, "theirs is kept in")
        await saved(pilot)
        assert _review_note(db_path, action.id, session_id) == [("stuck", "No cover")]
    assert "Matron agreed two hours a week." in _rescued(session_id)


async def test_a_review_note_changed_in_both_windows_is_asked_about_and_merged(make_app, seeded, db_path: Path) -> None:
    """Both windows had the action marked; the other one added a line to the note.
    Typing on here was written over it without a word: now the save is refused,
    and keep mine keeps both windows' lines."""
    app, notices = make_app(), Notices()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notices) as pilot:
        await _review_step(pilot, app)
        session_id = app.session.model.session_id
        await pilot.press("down", "s")
        await _note(pilot, app, "No cover")
        await saved(pilot)
        assert _review_note(db_path, app.session.model.review_items[1].action.id, session_id) == [("stuck", "No cover")]
        action = app.session.model.review_items[1].action
        with open_store(str(db_path), coach="Ana Ruiz") as other:  # the other window, same mark
            other.record_review(
                action.id, "stuck", "No cover\nMatron agreed two hours a week.", session_id=session_id, coach="Ana Ruiz"
            )
        with slow_disk(app) as slow:  # the refusal comes once the note is closed
            disk = slow()
            await _note(pilot, app, " until May")
            disk.go()
            await _keep_mine(pilot)
        await saved(pilot)
        merged = "No cover until May\nMatron agreed two hours a week."
        await wait_for(pilot, lambda: _review_note(db_path, action.id, session_id) == [("stuck", merged)], what="both")
        assert app.session.model.review_items[1].note == merged
        assert "theirs is kept" not in " ".join(notice.message for notice in notices)


async def test_keep_mine_on_review_notes_waiting_for_their_mark_merges_them(make_app, seeded, db_path: Path) -> None:
    """Notes typed before the mark live in the session's draft: the other window's
    note on another action is kept beside this one's, and its note on the same
    action, written over, is in a rescue file."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _review_step(pilot, app)
        session_id = app.session.model.session_id
        first, second, _third = (item.action.id for item in app.session.model.review_items)
        with open_store(str(db_path), coach="Ana Ruiz") as other:  # the other window
            other.save_draft(
                session_id, review_draft=json.dumps({first: "Sam plotted six.", second: "Matron is away."})
            )
        await pilot.press("down")
        with slow_disk(app) as slow:  # the refusal comes once the note is closed
            disk = slow()
            await _note(pilot, app, "No cover")
            disk.go()
            await _keep_mine(pilot)
        await shows(pilot, "theirs is kept in")
        await saved(pilot)
        drafts = json.loads(query(db_path, "SELECT review_draft FROM coaching_session WHERE id = ?", session_id)[0][0])
        assert drafts == {first: "Sam plotted six.", second: "No cover"}
    assert "Matron is away." in _rescued(session_id)


async def test_keep_mine_on_an_action_both_windows_reworded_keeps_theirs_in_a_file(make_app, db_path: Path) -> None:
    """The other window reworded the action and gave it another owner; this one
    reworded it too and keeps mine: its wording is saved, the other owner is kept
    (this window did not change it) and the other wording is in a rescue file."""
    from .test_keep_mine import _edit_action
    from .test_saves import _draft, _resume

    session_id = _draft(db_path)
    with open_store(str(db_path)) as store:
        action = store.add_action(session_id, "Plot ten more points", owner="Sam")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        app.session_screen.go("actions")
        await shows(pilot, "Plot ten more points")
        step = app.session_screen.pane("actions")
        with open_store(str(db_path), coach="Ana Ruiz") as other:  # the other window
            other.update_action(action.id, text="Plot twelve more points", owner="Kim")
        with slow_disk(app) as slow:
            disk = slow()
            await _edit_action(pilot, step, " (13)")
            disk.go()
            await _keep_mine(pilot)
        await shows(pilot, "theirs is kept in")
        await saved(pilot)
    assert query(db_path, "SELECT text, owner FROM action WHERE id = ?", action.id) == [
        ("Plot ten more points (13)", "Kim")
    ]
    assert "Plot twelve more points" in _rescued(session_id)


def _two_questions(db_path: Path) -> str:
    from .test_saves import _draft

    session_id = _draft(db_path)
    with open_store(str(db_path)) as store:
        store.set_questions(
            session_id,
            [
                PickedQuestion("kata-1", "What is the target?", "kata"),
                PickedQuestion("kata-2", "Where are you now?", "kata", position=1),
            ],
        )
    return session_id


async def test_keep_mine_on_question_notes_keeps_both_windows_notes(make_app, db_path: Path) -> None:
    """Each window wrote a note beside a different question: keep mine kept only
    this window's list, and the other window's note went (into a file at best)."""
    from .test_saves import _resume

    session_id = _two_questions(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        app.session_screen.go("questions")
        await shows(pilot, "Picked (2)")
        with open_store(str(db_path), coach="Ana Ruiz") as other:  # the other window
            version = other.session_version(session_id)
            other.set_questions(
                session_id,
                [
                    PickedQuestion("kata-1", "What is the target?", "kata", note="Zero missed huddles."),
                    PickedQuestion("kata-2", "Where are you now?", "kata", note="Two a week.", position=1),
                ],
                expected_version=version,
            )
        with slow_disk(app) as slow:
            disk = slow()
            app.session_screen.pane("questions").edit_note(1)
            await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note prompt")
            await type_text(pilot, "Three a week")
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the note closed")
            disk.go()
            await _keep_mine(pilot)
        await shows(pilot, "theirs is kept in")
        await saved(pilot)
        await shows(pilot, "Zero missed huddles.")
    assert query(db_path, "SELECT question_id, note FROM picked_question ORDER BY position") == [
        ("kata-1", "Zero missed huddles."), ("kata-2", "Three a week")
    ]
    assert "Two a week." in _rescued(session_id)
