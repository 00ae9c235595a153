"""Drafts at start and when picking a team: an empty draft is not kept or offered, and
a team's own unfinished session is offered instead of opening a second one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coachtui.ui.modals import ChoiceScreen, ResumeScreen
from coachtui.ui.screens.session import SessionScreen

from .helpers import query, ready, saved, shows, type_text, wait_for


def _sessions(db_path: Path) -> list[tuple[str, str, str]]:
    return query(
        db_path,
        "SELECT t.name, s.title, s.status FROM coaching_session s JOIN team t ON t.id = s.team_id "
        "ORDER BY t.name, s.title",
    )


async def test_an_empty_draft_is_not_offered_at_start(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.start_session(seeded["team"].id, coach="Ana Ruiz")  # started, then nothing typed
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ResumeScreen)
        assert app.focused is not None and app.focused.id == "team-filter"


async def test_an_old_empty_draft_is_cleared_away_at_start(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    with open_store(str(db_path), clock=lambda: two_days_ago) as store:
        old = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        kept = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(kept.id, title="Half done")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen), what="the resume offer")
        assert [d.id for d in app.screen.drafts] == [kept.id]
        await wait_for(
            pilot, lambda: not query(db_path, "SELECT id FROM coaching_session WHERE id = ?", old.id),
            what="the empty draft to go",
        )
    assert query(db_path, "SELECT count(*) FROM coaching_session WHERE id = ?", kept.id) == [(1,)]


async def test_quitting_an_empty_draft_does_not_keep_it(make_app, seeded, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        await saved(pilot)
        assert ("Year 9 maths", "", "draft") in _sessions(db_path)
        await pilot.press("ctrl+q")
    assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed")]


async def test_a_new_session_leaves_no_empty_draft_behind(make_app, seeded, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        app.session_screen.new_session()  # ctrl+p → "New session"
        await saved(pilot)
        assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed")]
        await pilot.press("ctrl+u")
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await type_text(pilot, "Fractions")
        await saved(pilot)
        app.session_screen.new_session()
        await saved(pilot)
    assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed"), ("Year 9 maths", "Fractions", "draft")]


async def test_picking_a_team_with_a_draft_offers_it(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        draft = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Half done", dilemma="We were talking about", step="dilemma")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen), what="the resume offer")
        await pilot.press("n")  # not now: a new session
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list")
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the offer of the team's draft")
        await shows(pilot, "Half done")
        await pilot.press("enter")  # resume it (the default)
        await wait_for(pilot, lambda: app.session.model is not None, what="the session")
        assert app.session.model.session_id == draft.id
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await saved(pilot)
    assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed"), ("Ward 4", "Half done", "draft")]


async def test_a_new_session_can_still_be_started_beside_the_teams_draft(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        draft = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Half done")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen), what="the resume offer")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list")
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the offer of the team's draft")
        await pilot.press("escape")  # neither: stay on the team list
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list")
        assert app.session.model is None
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the offer again")
        await pilot.press("n")  # start a new one after all
        await wait_for(pilot, lambda: app.session.model is not None, what="the new session")
        assert app.session.model.session_id != draft.id
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await type_text(pilot, "d")  # marks the first earlier action done: the new draft has content
        await saved(pilot)
    drafts = query(db_path, "SELECT count(*) FROM coaching_session WHERE status = 'draft'")
    assert drafts == [(2,)]


async def test_picking_a_team_reuses_its_empty_draft_left_by_a_crash(make_app, seeded, db_path: Path) -> None:
    """kill -9 on the Review step left an empty "(untitled)" draft; picking the team
    again started a second one beside it, and every crash added another."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        left = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(left.id, step="review")  # the crash came before anything was typed
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        assert app.session.model.session_id == left.id
        await pilot.press("ctrl+g", "3")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await type_text(pilot, "Rota")
        await saved(pilot)
    assert query(db_path, "SELECT id, title FROM coaching_session WHERE status = 'draft'") == [(left.id, "Rota")]
