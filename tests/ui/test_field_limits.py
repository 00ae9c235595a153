"""The action step refuses what the store (and import) refuse: the same limits,
read from one table (store/types.py), with the same one-line message."""

from __future__ import annotations

from pathlib import Path

from coachtui.store.types import ACTION_TEXT_MAX, OWNER_MAX

from .helpers import paste, query, ready, saved, shows, wait_for


async def test_the_action_step_keeps_the_shared_limits(make_app, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await paste(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        await pilot.press("ctrl+g", "6")
        await wait_for(pilot, lambda: getattr(app.focused, "id", "") == "action-text", what="the action field")
        await paste(pilot, "x" * (ACTION_TEXT_MAX + 1))
        await pilot.press("enter")
        await shows(pilot, f"Keep an action to {ACTION_TEXT_MAX:,} characters.")
        app.focused.value = "Plot ten more points"  # type: ignore[union-attr]
        await pilot.press("tab")
        await paste(pilot, "O" * (OWNER_MAX + 1))
        await pilot.press("enter")
        await shows(pilot, f"Keep the owner to {OWNER_MAX} characters.")
        app.focused.value = "O" * OWNER_MAX  # type: ignore[union-attr]
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.session.model.actions) == 1, what="the action added")
        await saved(pilot)
    assert query(db_path, "SELECT text, length(owner) FROM action") == [("Plot ten more points", OWNER_MAX)]
