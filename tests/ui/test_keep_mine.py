"""Keep mine after another window saved the same session (issue: conflicts between
two windows or laptops): only what this window changed is written again; what the
other window changed in fields this one never touched stays, and shows here too."""

from __future__ import annotations

from pathlib import Path

from coachtui.store import open_store
from coachtui.ui.modals import ConflictScreen

from .helpers import paste, query, saved, wait_for
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

