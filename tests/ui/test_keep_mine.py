"""Keep mine after another window saved the same session (issue: conflicts between
two windows or laptops): only what this window changed is written again; what the
other window changed in fields this one never touched stays, and shows here too."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from coachtui.store import open_store
from coachtui.ui.modals import TYPING_PAUSE, ConflictScreen, TextPromptScreen

from .helpers import Notices, paste, query, ready, saved, screen_text, shows, type_text, wait_for
from .test_one_write_path import BO, _mark, _rename, _tracker
from .test_saves import _draft, _resume


async def test_keep_mine_keeps_the_other_windows_change_in_a_field_this_one_never_touched(
    make_app, db_path: Path
) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        with open_store(str(db_path), coach="Bo Lind") as other:  # window B
            other.save_draft(session_id, title="Rota", context="Matron joins on Fridays.")
        await paste(pilot, " Mine")  # window A types in the dilemma only
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
        await pilot.press("k")  # keep mine
        await wait_for(pilot, lambda: app.save_status.state == "saved", what="saved on top")
        await saved(pilot)
        assert query(db_path, "SELECT title, dilemma, context FROM coaching_session") == [
            ("Rota", "Night shift misses the huddle. Mine", "Matron joins on Fridays.")
        ]
        # A's screen shows B's title and context now, and A's own dilemma
        await wait_for(
            pilot, lambda: app.query_one("#context-text").text == "Matron joins on Fridays.", what="B's context"
        )
        assert app.query_one("#title").value == "Rota"
        assert app.query_one("#dilemma-text").text == "Night shift misses the huddle. Mine"
        # typing on goes on in A's dilemma and is saved, B's fields untouched
        await paste(pilot, " again")
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma, context FROM coaching_session") == [
        ("Rota", "Night shift misses the huddle. Mine again", "Matron joins on Fridays.")
    ]
    # B never changed the dilemma: nothing of B's was written over, so no rescue file of it
    assert _theirs_files(session_id) == []


def _theirs_files(session_id: str) -> list[str]:
    from coachtui import rescue

    return [path.name for path in rescue.files_of([session_id]) if "-theirs-" in path.name]


async def test_keep_mine_after_a_sync_kept_both_texts_keeps_the_other_laptops_lines_too(
    make_app, db_path: Path
) -> None:
    """A tester's words were lost: the app showed the dilemma; `coachtui sync` in a
    shell brought a conflict on it, settled with "both" (both texts in the field, the
    other laptop's after a blank line); the app had not reloaded, the coach typed on
    in the dilemma, the save was refused, keep mine. Both lines are kept now: theirs
    and mine changed different lines of the text, so nothing needs rescuing."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        with open_store(str(db_path), coach="Bo Lind") as other:  # as the sync settled with "both"
            other.save_draft(
                session_id, dilemma="Night shift misses the huddle.\n\nDay staff cover it from March (laptop B)."
            )
        await paste(pilot, " Mine")  # typed on at the end of the text this window shows
        await _keep_mine(pilot)
        await wait_for(pilot, lambda: app.save_status.state == "saved", what="saved on top")
        await saved(pilot)
        both = "Night shift misses the huddle. Mine\n\nDay staff cover it from March (laptop B)."
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [(both,)]
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text == both, what="both lines on screen")
        assert "theirs is kept" not in screen_text(app)
        # the cursor stayed where the coach was typing: more words go on after "Mine"
        await paste(pilot, " again")
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [
        ("Night shift misses the huddle. Mine again\n\nDay staff cover it from March (laptop B).",)
    ]
    assert _theirs_files(session_id) == []


async def test_keep_mine_over_the_other_windows_words_in_the_same_field_keeps_theirs_in_a_file(
    make_app, db_path: Path
) -> None:
    """Both windows typed in the dilemma: keep mine writes this window's dilemma, and
    the other window's words, saved before and now replaced, are kept in a rescue
    file the toast names (a tester's words vanished without a trace)."""
    from coachtui import rescue

    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        with open_store(str(db_path), coach="Bo Lind") as other:  # window B saves its dilemma first
            other.save_draft(session_id, dilemma="Night shift misses the huddle. AAA words from B.")
        await paste(pilot, " BBB words.")  # window A types in the same field
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
        await pilot.press("k")  # keep mine
        await shows(pilot, "theirs is")  # the toast names the file
        await wait_for(pilot, lambda: app.save_status.state == "saved", what="saved on top")
        await saved(pilot)
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shift misses the huddle. BBB words.",)]
    kept = rescue.files_of([session_id])
    assert kept, "no rescue file for the words keep mine wrote over"
    texts = " ".join(" ".join(path.read_text("utf-8").split()) for path in kept)
    assert "AAA words from B." in texts, [p.name for p in kept]


# --- keep mine on an action, a tracker mark, a team: what is on screen when answered --------------


class SlowDisk:
    """The save queue is busy with a slow write until ``go()``: writes queued after
    it wait (as on a slow or locked disk), so the coach can change the same record
    again before the first change is refused and asked about."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.event = threading.Event()
        app.saver.submit("a slow write", lambda store: self.event.wait(30))

    def go(self) -> None:
        self.event.set()


@contextmanager
def slow_disk(app) -> Iterator[Callable[[], SlowDisk]]:  # type: ignore[no-untyped-def]
    made: list[SlowDisk] = []

    def make() -> SlowDisk:
        made.append(SlowDisk(app))
        return made[-1]

    try:
        yield make
    finally:
        for disk in made:
            disk.go()


async def _keep_mine(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict question")
    await pilot.pause(TYPING_PAUSE + 0.2)  # the coach stops, reads the question
    await pilot.press("k")
    await wait_for(pilot, lambda: not isinstance(app.screen, ConflictScreen), what="the answer")


async def test_keep_mine_on_a_tracker_mark_saves_the_newest_mark_not_the_refused_one(
    make_app, seeded, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        tracker = await _tracker(pilot)
        action = tracker.rows[0]
        with open_store(str(db_path), coach=BO) as other:
            other.record_review(action.id, "stuck", "Waiting for the data", coach=BO)
        with slow_disk(app) as slow:
            first = slow()
            await _mark(pilot, "p", "Half")  # refused, once the disk gets to it
            await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the note closed")
            second = slow()
            # the coach marks it again: the note not recorded yet is offered, and added to
            await _mark(pilot, "d", " came, the rest on Friday")
            await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the note closed")
            first.go()
            await _keep_mine(pilot)
            second.go()
            await shows(pilot, "Recorded: done.")
            await saved(pilot)
    assert query(db_path, "SELECT status FROM action WHERE id = ?", action.id) == [("done",)]
    assert query(
        db_path, "SELECT status, note FROM action_review WHERE action_id = ? AND coach = 'Ana Ruiz'", action.id
    ) == [("done", "Half came, the rest on Friday")]


@pytest.fixture
def three_teams(db_path: Path) -> dict[str, str]:
    with open_store(str(db_path)) as store:
        return {name: store.create_team(name, coach="Ana Ruiz").id for name in ("Ward 7", "Year 9 maths", "Ward 4")}


async def test_keep_mine_on_a_team_rename_saves_the_newest_name_not_the_refused_one(
    make_app, three_teams, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(app.query("#team-table")), what="the team list")
        with open_store(str(db_path), coach=BO) as other:
            other.rename_team(three_teams["Ward 7"], "Ward 7 North")
        with slow_disk(app) as slow:
            first = slow()
            await _rename(pilot, "Ward 7", "Ward Seven")
            await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the prompt closed")
            second = slow()
            await _rename(pilot, "Ward 7", "Ward Seven East")  # a second thought, before it is saved
            await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the prompt closed")
            first.go()
            await _keep_mine(pilot)
            second.go()
            await saved(pilot)
            await saved(pilot)
    assert query(db_path, "SELECT name FROM team WHERE id = ?", three_teams["Ward 7"]) == [("Ward Seven East",)]


async def test_keep_mine_on_an_action_edit_saves_the_newest_wording_not_the_refused_one(
    make_app, db_path: Path
) -> None:
    session_id = _draft(db_path)
    with open_store(str(db_path)) as store:
        action = store.add_action(session_id, "Plot ten more points", owner="Sam")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        app.session_screen.go("actions")
        await shows(pilot, "Plot ten more points")
        step = app.session_screen.pane("actions")
        with open_store(str(db_path), coach=BO) as other:
            other.update_action(action.id, owner="Kim")
        with slow_disk(app) as slow:
            first = slow()
            await _edit_action(pilot, step, " (13)")
            second = slow()
            await _edit_action(pilot, step, " and 14")  # edited again before it is saved
            await shows(pilot, "Plot ten more points (13) and 14")
            first.go()
            await _keep_mine(pilot)
            second.go()
            await saved(pilot)
            await saved(pilot)
        assert [a.text for a in app.session.model.actions] == ["Plot ten more points (13) and 14"]
    assert query(db_path, "SELECT text FROM action WHERE id = ?", action.id) == [("Plot ten more points (13) and 14",)]


async def _edit_action(pilot, step, more: str) -> None:  # type: ignore[no-untyped-def]
    from coachtui.ui.steps.actions import ActionTable

    step.query_one(ActionTable).focus()
    await pilot.press("e")
    await wait_for(pilot, lambda: step.editing is not None, what="the action in the form")
    await pilot.press("end")
    await type_text(pilot, more)
    await pilot.press("enter")
    await wait_for(pilot, lambda: step.editing is None, what="the edit saved")


# --- the session on screen changed on disk while nothing was typed ---------------------------------


async def test_a_change_on_disk_is_shown_while_nothing_is_typed_and_typing_goes_on_from_it(
    make_app, db_path: Path
) -> None:
    """Another window (or `coachtui sync` in a shell) changed the session on screen
    while the coach was not typing: the screen shows it as it is now, the cursor
    where it was, and what the coach types next is saved on top with no question."""
    session_id = _draft(db_path)
    app = make_app()
    notices = Notices()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await _resume(pilot, app)
        assert app.focused is not None and app.focused.id == "dilemma-text"
        with open_store(str(db_path), coach="Bo Lind") as other:
            other.save_draft(
                session_id, dilemma="Night shift misses the huddle.\nDay staff too.", context="Matron joins on Fridays."
            )
        await wait_for(
            pilot, lambda: app.query_one("#context-text").text == "Matron joins on Fridays.", timeout=15,
            what="the other window's context on screen",
        )
        assert app.query_one("#dilemma-text").text == "Night shift misses the huddle.\nDay staff too."
        await wait_for(  # the toast says why the text changed
            pilot, lambda: any("changed in another window" in notice.message for notice in notices), what="the toast"
        )
        await paste(pilot, " Mine")  # on from where the cursor was: the end of the first line
        await saved(pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert app.saver.conflicts == {}
    assert query(db_path, "SELECT dilemma, context FROM coaching_session") == [
        ("Night shift misses the huddle. Mine\nDay staff too.", "Matron joins on Fridays.")
    ]


async def test_a_change_on_disk_does_not_replace_what_is_being_typed(make_app, db_path: Path) -> None:
    """While the coach's words wait to be saved, a change on disk is not shown over
    them: the save is refused, and keep mine keeps both (the other window's context,
    the coach's dilemma)."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _resume(pilot, app)
        with slow_disk(app) as slow:
            disk = slow()
            await paste(pilot, " Mine")
            with open_store(str(db_path), coach="Bo Lind") as other:
                other.save_draft(session_id, context="Matron joins on Fridays.")
            looks = app.recovery.looks
            await wait_for(pilot, lambda: app.recovery.looks >= looks + 3, timeout=15, what="three looks for changes")
            assert app.query_one("#dilemma-text").text == "Night shift misses the huddle. Mine"
            assert app.query_one("#context-text").text == ""
            disk.go()
        await _keep_mine(pilot)
        await saved(pilot)
        assert app.query_one("#context-text").text == "Matron joins on Fridays."
    assert query(db_path, "SELECT dilemma, context FROM coaching_session") == [
        ("Night shift misses the huddle. Mine", "Matron joins on Fridays.")
    ]
