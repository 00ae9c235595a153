"""Recurring topics across teams on the trends screen (issue 21, item 4), driven
through the real app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coachtui.ui.screens.trends import TrendsScreen

from .helpers import ready, shows, wait_for


async def test_the_trends_screen_lists_phrases_that_recur_across_teams(make_app, db_path: Path) -> None:
    from coachtui.store import open_store

    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    with open_store(str(db_path), clock=lambda: now) as store:
        for team_name, dilemma in (
            ("Ward 4", "Nobody reads the run chart at the huddle"),
            ("Ward 4", "The run chart is out of date"),
            ("Ward 7", "Our run chart has no baseline"),
            ("Clinic", "The clinic wants protected time"),
        ):
            team = store.find_team(team_name) or store.create_team(team_name)
            session = store.start_session(team.id, "Ana")
            store.save_draft(session.id, dilemma=dilemma)
            store.complete_session(session.id)
    app = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen), what="the trends screen")
        await shows(pilot, "Recurring topics across teams")
        await shows(pilot, "“run chart”: 3 sessions in 2 teams (Ward 4 (2) · Ward 7 (1))")
