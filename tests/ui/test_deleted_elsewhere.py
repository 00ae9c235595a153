"""The open session deleted for good in another window while this one typed nothing
after: quitting or leaving for another team notices (no refused save ever told it),
and asks before the words on this screen go: keep them as a new draft, discard them,
or stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.store import open_store
from coachtui.ui.modals import ChoiceScreen

from .helpers import painted, paste, query, saved, seen, shows, wait_for
from .test_saves import _draft, _resume


def _delete_elsewhere(db_path: Path, session_id: str) -> None:
    with open_store(str(db_path), coach="Bo Lind") as other:
        other.delete_session(session_id)


async def _typed_then_deleted(pilot, app, db_path: Path, session_id: str) -> None:  # type: ignore[no-untyped-def]
    await _resume(pilot, app)
    await paste(pilot, " Typed before.")
    await saved(pilot)
    _delete_elsewhere(db_path, session_id)  # after it: this window types nothing


async def _asked(pilot, last: str) -> str:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question about the deleted session")
    return await shows(pilot, last)


def _choices(app) -> int:  # type: ignore[no-untyped-def]
    return len([screen for screen in app.screen_stack if isinstance(screen, ChoiceScreen)])


async def test_quitting_after_the_session_was_deleted_elsewhere_asks_and_keeps_one_new_draft(
    make_app, db_path: Path, tmp_path: Path
) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        await pilot.press("ctrl+q")
        text = await _asked(pilot, "Quit and lose it (q)")
        assert "Bo Lind" in text
        for button in ("New draft (n)", "Copy to a file (s)", "Quit and lose it (q)"):  # whole at 80×24
            assert button in text, text
        app.save_screenshot(filename="deleted-elsewhere-quit-80x24.svg", path=str(tmp_path))
        # esc: back in the session, and the keys typed straight after go on in the field
        await pilot.press("escape", "space", "A", "n", "d")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen), what="back in the session")
        await wait_for(
            pilot, lambda: app.query_one("#dilemma-text").text.endswith(" Typed before. And"), what="the keys typed"
        )
        assert app.is_running
        await pilot.pause(1.5)  # a pause in the typing: no second question pops up about it
        assert _choices(app) == 0
        await pilot.press("ctrl+q")  # asked again, once
        await _asked(pilot, "Quit and lose it (q)")
        await pilot.pause(1.0)
        assert _choices(app) == 1
        await pilot.press("n")  # keep it as a new draft, then quit
        await wait_for(pilot, lambda: not app.is_running, timeout=20, what="the app to quit")
    assert query(db_path, "SELECT title, dilemma, status FROM coaching_session") == [
        ("Rota chaos", "Night shift misses the huddle. Typed before. And", "draft")
    ]


async def test_quitting_after_the_session_was_deleted_elsewhere_can_lose_it(make_app, db_path: Path) -> None:
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        await pilot.press("ctrl+q")
        await _asked(pilot, "Quit and lose it (q)")
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, timeout=20, what="the app to quit")
    assert query(db_path, "SELECT count(*) FROM coaching_session") == [(0,)]


async def test_leaving_for_another_team_after_the_session_was_deleted_elsewhere_asks(
    make_app, db_path: Path, tmp_path: Path
) -> None:
    session_id = _draft(db_path)
    with open_store(str(db_path)) as store:
        store.create_team("Ward 7")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        screen = app.session_screen
        screen.go("team")
        await shows(pilot, "Ward 7")
        screen.open_team(next(t for t in app.teams if t.name == "Ward 7"))
        text = await _asked(pilot, "Stay (esc)")
        assert "deleted by Bo Lind" in text and "kept and can be resumed" not in text
        for button in ("New draft (n)", "Discard it (d)", "Stay (esc)"):
            assert button in text, text
        app.save_screenshot(filename="deleted-elsewhere-leave-80x24.svg", path=str(tmp_path))
        await pilot.press("n")  # kept as a new draft, and on to Ward 7
        await wait_for(
            pilot, lambda: app.session.model is not None and app.session.model.team.name == "Ward 7",
            what="the new team's session",
        )
        await saved(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, timeout=20, what="the app to quit, asking nothing")
    rows = query(db_path, "SELECT t.name, s.dilemma FROM coaching_session s JOIN team t ON t.id = s.team_id")
    assert rows == [("Ward 4", "Night shift misses the huddle. Typed before.")]


async def test_leaving_for_another_team_after_the_session_was_deleted_elsewhere_can_discard_it(
    make_app, db_path: Path
) -> None:
    session_id = _draft(db_path)
    with open_store(str(db_path)) as store:
        store.create_team("Ward 7")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        screen = app.session_screen
        screen.go("team")
        await shows(pilot, "Ward 7")
        screen.open_team(next(t for t in app.teams if t.name == "Ward 7"))
        await _asked(pilot, "Stay (esc)")
        await pilot.press("d")
        await wait_for(
            pilot, lambda: app.session.model is not None and app.session.model.team.name == "Ward 7",
            what="the new team's session",
        )
        await saved(pilot)
        assert app.save_status.state == "saved"
    assert query(db_path, "SELECT count(*) FROM coaching_session s JOIN team t ON t.id = s.team_id WHERE t.name = 'Ward 4'") == [(0,)]


async def test_a_new_session_after_the_session_was_deleted_elsewhere_asks(make_app, db_path: Path) -> None:
    """ctrl+p New session (and resuming another draft) leave the open session too."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        app.session_screen.new_session()
        text = await _asked(pilot, "New draft (n)")
        assert "deleted by Bo Lind" in text
        await pilot.press("n")
        await saved(pilot)
        assert app.session.model is not None and app.session.model.session_id != session_id
        app.session_screen.new_session()  # kept: now it closes, asking nothing
        await wait_for(pilot, lambda: app.session.model is None, what="the session closed")
        assert _choices(app) == 0
    assert query(db_path, "SELECT dilemma, status FROM coaching_session") == [
        ("Night shift misses the huddle. Typed before.", "draft")
    ]


async def test_resuming_another_draft_after_the_session_was_deleted_elsewhere_asks(make_app, db_path: Path) -> None:
    with open_store(str(db_path)) as store:  # an older draft, offered second
        team = store.create_team("Ward 7")
        other = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(other.id, title="Other", dilemma="Another dilemma.")
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        app.drafts.resume(other.id)
        await _asked(pilot, "New draft (n)")
        assert app.session.model.session_id == session_id  # still on screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_question_about_a_deleted_session_shows_every_answer_whole(
    make_app, db_path: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    """At 80×24 its third button ("Not now (esc)") was cut off at the dialog's edge."""
    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        app.session_screen.new_session()
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question")
        text = await shows(pilot, "Not now (esc)")
        for button in ("New draft (n)", "Copy to a file (s)", "Not now (esc)"):
            assert button in text, text
        app.save_screenshot(filename=f"deleted-elsewhere-{size[0]}x{size[1]}.svg", path=str(tmp_path))


async def test_a_key_typed_as_the_question_about_a_deleted_session_comes_up_is_kept(
    make_app, db_path: Path
) -> None:
    """Letters the coach typed before the question was on the screen were lost (or
    answered it: 'n' kept a new draft unasked); they go on in the field once it is
    answered, and only keys typed after it was painted answer it."""
    from textual import events

    session_id = _draft(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _typed_then_deleted(pilot, app, db_path, session_id)
        typed = [events.Key(c, c) for c in " and"]  # typed now: on the clock keys are timed by
        app.session_screen.new_session()
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the question")
        for key in typed:  # reaching the app as the question comes up (a busy moment)
            app.post_message(key)
        await wait_for(pilot, lambda: seen(app.screen.shown_at), what="the question, seen")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ChoiceScreen)  # the 'n' did not answer it
        await pilot.press("escape")  # not now
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("Typed before. and"),
                       what="the letters, in the field")
        assert _choices(app) == 0
