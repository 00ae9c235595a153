"""What others tried, beside the dilemma and category steps (issue 21, item 3), driven
through the real app: the list follows the dilemma typed, enter opens one read-only,
and at 80 columns it waits for f7 (shown in the footer) so the dilemma keeps its room."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.ui.screens.detail import SessionDetailScreen

from .helpers import paste, ready, screen_text, shows, type_text, wait_for

LEARNING = "Protected time works when the manager guards it"


@pytest.fixture
def network(db_path: Path):  # type: ignore[no-untyped-def]
    """Ward 7 met cancelled night huddles before, tried something and learned; Clinic
    had an unrelated dilemma."""
    import datetime as dt

    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        for team_name, title, dilemma in (
            ("Ward 7", "Cancelled huddles", "The night huddle is cancelled whenever staffing is short"),
            ("Clinic", "Run chart", "Nobody reads the run chart"),
        ):
            team = store.create_team(team_name)
            session = store.start_session(team.id, "Bo Ng")
            store.save_draft(session.id, title=title, dilemma=dilemma, primary_category="environment")
            action = store.add_action(session.id, "Move the huddle to 21:45", "Sam", dt.date(2026, 12, 1),
                                      prediction="We expect fewer cancelled huddles")
            store.complete_session(session.id)
            later = store.start_session(team.id, "Bo Ng")
            store.record_review(action.id, "done", "Two cancelled in a month", session_id=later.id, learning=LEARNING)
    return db_path


def others_text(app) -> str:  # type: ignore[no-untyped-def]
    from textual.widgets import OptionList

    panel = app.screen.query_one("#others")
    if not panel.display:
        return ""
    listing = panel.query_one(OptionList)
    return "\n".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))


async def to_the_dilemma(pilot) -> object:  # type: ignore[no-untyped-def]
    app = await ready(pilot)
    await type_text(pilot, "Ward 4")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
    await pilot.press("tab")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "dilemma-text", what="the dilemma")
    return app


async def test_the_panel_follows_the_dilemma_and_opens_one_read_only(make_app, network: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await to_the_dilemma(pilot)
        await paste(pilot, "Our night huddle keeps being cancelled")
        await wait_for(pilot, lambda: "Ward 7" in others_text(app), what="Ward 7's dilemma in the panel")
        shown = others_text(app)
        assert "Clinic" not in shown and "Ward 4" not in shown
        assert "Move the huddle to 21:45 (done)" in shown and f"learned: {LEARNING}" in shown
        assert app.focused is not None and app.focused.id == "dilemma-text"  # typing kept its field
        await pilot.press("ctrl+n")  # the category step shows it too
        await wait_for(pilot, lambda: app.session_screen.current_step == "category", what="the category step")
        assert "Ward 7" in others_text(app)
        listing = app.screen.query_one("#others-list")
        listing.focus()
        await wait_for(pilot, lambda: app.focused is listing, what="the list focused")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session detail")
        await shows(pilot, "Cancelled huddles")  # Ward 7's session, its actions agreed
        await shows(pilot, "Move the huddle to 21:45")
        await pilot.press("a")  # read-only: amend does nothing
        await pilot.pause()
        assert isinstance(app.screen, SessionDetailScreen) and "Amend" not in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.session_screen.current_step == "category" and app.screen is app.session_screen)
        # the dilemma changes: the list is looked for again, and an old one is not kept
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma")
        area = app.screen.query_one("#dilemma-text")
        area.load_text("Nobody reads the run chart on the ward")
        await wait_for(pilot, lambda: "Clinic" in others_text(app) and "Ward 7" not in others_text(app),
                       what="the Clinic's dilemma instead")


async def test_at_80_columns_f7_shows_the_panel_and_the_dilemma_keeps_its_room(make_app, network: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await to_the_dilemma(pilot)
        await paste(pilot, "Night huddle cancelled")
        footer = screen_text(app).splitlines()[-1]
        assert "f7 Others" in footer and "^q Quit" in footer  # the key, and the footer still whole
        assert not app.screen.query_one("#others").display
        await pilot.press("f7")
        await wait_for(pilot, lambda: "Ward 7" in others_text(app), what="the panel, on f7")
        assert app.screen.query_one("#dilemma-text").size.width >= 40  # still a field to type in
        await pilot.press("f7")
        await wait_for(pilot, lambda: not app.screen.query_one("#others").display, what="hidden again")
        await pilot.press("ctrl+n", "ctrl+n")  # not on the questions step
        await wait_for(pilot, lambda: app.session_screen.current_step == "questions")
        assert "f7 Others" not in screen_text(app).splitlines()[-1]
        assert not app.screen.query_one("#others").display


async def test_a_list_found_again_keeps_the_one_the_coach_is_on(make_app, network: Path) -> None:
    """The list is looked for again whenever the text changes (another window's save, a
    late keystroke): the coach already moving in it stays on the same past dilemma, and
    enter opens that one."""
    from coachtui.ui.widgets.others import OthersPanel

    app = make_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await to_the_dilemma(pilot)
        await paste(pilot, "Our night huddle keeps being cancelled")
        await wait_for(pilot, lambda: "Ward 7" in others_text(app), what="Ward 7's dilemma in the panel")
        listing = app.screen.query_one("#others-list")
        listing.focus()
        await wait_for(pilot, lambda: app.focused is listing, what="the list focused")
        await pilot.press("down")
        await wait_for(pilot, lambda: listing.highlighted == 0, what="the first one highlighted")
        panel = app.screen.query_one(OthersPanel)
        area = app.screen.query_one("#dilemma-text")
        area.load_text("Our night huddle keeps being cancelled again")
        await wait_for(pilot, lambda: panel.shown_for is not None and "cancelled again" in panel.shown_for,
                       what="the list found again for the new text")
        assert "Ward 7" in others_text(app)
        assert listing.highlighted == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session detail")
        await shows(pilot, "Cancelled huddles")
