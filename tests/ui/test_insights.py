"""The summary step's "What we learned today", driven through the real app (issue 21,
item 2): typed, saved through the save queue, shown in the session detail, found by
history search."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.store.types import SessionFilter

from .helpers import paste, query, ready, saved, shows, type_text, wait_for

INSIGHT = "Protected time works when the ward manager guards it"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_what_we_learned_today_is_typed_saved_and_found(make_app, db_path: Path, size) -> None:
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await pilot.press("tab")
        await paste(pilot, "Night staff miss the huddle")
        await pilot.press("ctrl+g", "7")
        await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary step")
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "insight", what="the field")
        await paste(pilot, INSIGHT)
        await saved(pilot)
        assert query(db_path, "SELECT insight FROM coaching_session") == [(INSIGHT,)]
        await pilot.press("enter")  # back to the summary; its keys work again
        await pilot.press("c")
        await shows(pilot, "Complete the session anyway?")  # no category chosen
        await pilot.press("y")
        await shows(pilot, "Session completed.")
        store = app.ready_store
        (found,) = store.search_sessions(SessionFilter(text="guards")).rows
        assert found.id == app.session.model.session_id
        # the session detail (read-only) shows it under its heading
        from coachtui.ui.screens.detail import SessionDetailScreen

        app.push_screen(SessionDetailScreen(found.id))
        await shows(pilot, "What we learned today")
        await shows(pilot, "guards it")
    # and it comes back with the session
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        assert query(db_path, "SELECT insight, status FROM coaching_session") == [(INSIGHT, "completed")]
