"""A sync conflict settled in the app, in a real terminal: the open form shows the
settled text and the next keys are saved (found by a tester driving the app in tmux;
the Pilot version is in tests/ui/test_sync_ui.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.test_real_keys import CTRL_END, CTRL_P, ENTER, ESC, Coach

pytestmark = pytest.mark.slow


def test_keep_both_shows_the_settled_text_and_the_next_keys_are_saved(tmp_path: Path) -> None:
    from coachtui.store import open_store

    db, hub = tmp_path / "coach.db", tmp_path / "hub.db"
    with open_store(str(hub)):
        pass  # a hub file: made once by opening it
    with open_store(str(db)) as mine:
        team = mine.create_team("Ward 4")
        draft = mine.start_session(team.id, coach="Ana Ruiz")
        mine.save_draft(draft.id, title="Rota", dilemma="Night shifts.", step="dilemma")
        mine.sync(str(hub))
    with open_store(str(tmp_path / "bo.db"), coach="Bo Ng") as bo:
        bo.sync(str(hub))
        bo.save_draft(draft.id, dilemma="Bo: the handover sheet is lost.")
        bo.sync(str(hub))
    with open_store(str(db)) as mine:
        mine.save_draft(draft.id, dilemma="Ana: nights never see the plan.")

    app = Coach(db, tmp_path / "home", hub=str(hub))
    try:
        app.shows("Unfinished sessions")
        app.send(ENTER)
        app.shows("nights never see the plan")
        app.send(CTRL_P)
        app.shows("Search for commands")
        app.send("Sync with")
        app.shows("Send your sessions to the network")
        app.send(ENTER)
        app.shows("hub")
        app.send(ENTER)
        app.shows("changed differently on both sides")
        app.send("c")
        app.shows("the handover sheet is lost")
        app.send("b")
        app.shows("No conflicts")
        app.send(ESC)
        deadline = time.monotonic() + 30
        while "No conflicts" in app.term.text() and time.monotonic() < deadline:
            app.term.pump(0.1)
        app.send(CTRL_END + " More.")
        app.holds(
            "SELECT dilemma LIKE '%never see the plan%' AND dilemma LIKE '%handover sheet%' "
            "AND dilemma LIKE '% More.' FROM coaching_session WHERE status = 'draft'",
            (1,),
        )
        app.shows("More.")
        assert "NOT SAVED" not in app.term.text()
        assert app.rows("SELECT count(*) FROM sync_conflict") == [(0,)]
        app.quit()
    finally:
        app.close()
