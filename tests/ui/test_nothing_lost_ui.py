"""Issue 15 in the app: the export dialog never writes over the database, a backup or
a file coachtui did not write (the same check as ``coachtui export``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coachtui.store.db import database
from coachtui.ui.screens.export import ExportScreen

from .helpers import paste, query, ready, shows, type_text, wait_for


async def _export_dialog(pilot) -> ExportScreen:  # type: ignore[no-untyped-def]
    """A session with a title, then its summary's "save as file" (f)."""
    app = pilot.app
    await ready(pilot)
    await type_text(pilot, "Ward 4")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
    await paste(pilot, "Falls at night")
    await pilot.press("ctrl+g", "7", "f")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
    return app.screen  # type: ignore[no-any-return]


async def _try(pilot, dialog: ExportScreen, path: Path | str) -> str:  # type: ignore[no-untyped-def]
    """Type ``path`` as the file and press enter; the dialog's error line (empty: none)."""
    await pilot.press("ctrl+u")
    await paste(pilot, str(path))
    await pilot.press("enter")
    await pilot.pause()
    if pilot.app.screen is not dialog:
        return ""
    return str(dialog.query_one("#export-error").render())


async def test_the_export_dialog_refuses_the_database_its_files_backups_and_other_files(
    make_app, db_path: Path, tmp_path: Path
) -> None:
    backups = db_path.parent / database.BACKUP_FOLDER
    mine = tmp_path / "minutes.md"
    mine.write_text("# Minutes, typed by hand\n")
    earlier = tmp_path / "earlier.md"
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await _export_dialog(pilot)
        # a backup to protect: the one the app makes each day
        await wait_for(pilot, lambda: backups.is_dir() and any(backups.iterdir()), what="today's backup")
        backup = next(backups.iterdir())
        refusals = {
            db_path: f"{db_path} is the database itself; choose another file name.",
            f"{db_path}-wal": f"{db_path}-wal is the database's own -wal file; choose another file name.",
            backup: f"{backup} is in the backups folder; choose another folder.",
            mine: f"{mine} already exists and is not an earlier coachtui Markdown export; choose another file name.",
        }
        for path, error in refusals.items():
            assert await _try(pilot, dialog, path) == error
            assert app.screen is dialog
        # The refusal is on screen, and nothing was written.
        await shows(pilot, "choose another file name.")
        assert mine.read_text() == "# Minutes, typed by hand\n"
        assert await _try(pilot, dialog, earlier) == ""
        await wait_for(pilot, earlier.exists, what="the export")
        await shows(pilot, "Exported 1 session")
        # An earlier export of the same kind is replaced.
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog again")
        first = earlier.stat().st_mtime_ns
        assert await _try(pilot, app.screen, earlier) == ""
        await wait_for(pilot, lambda: earlier.stat().st_mtime_ns != first, what="the export replaced")
    assert earlier.read_text().startswith("# Coaching report\n")
    assert query(db_path, "SELECT title FROM coaching_session") == [("Falls at night",)]
    conn = sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
    finally:
        conn.close()
