"""When the database fails mid-session the coach is told, the text stays on screen,
and it is saved as soon as the fault clears. Nothing typed is lost."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from sqlalchemy import event

from coachtui.ui.modals import ChoiceScreen

from .helpers import painted, paste, query, ready, saved, shows, type_text, wait_for


async def _start_session(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await ready(pilot)
    await type_text(pilot, "Ward 4")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
    await saved(pilot)
    await pilot.press("tab")  # into the dilemma


def _page_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA page_count").fetchone()[0]
    finally:
        conn.close()


class DiskLimit:
    """Simulate a full disk: cap the database at its current size (SQLITE_FULL)."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.pages: int | None = None
        event.listen(engine, "checkout", self._apply)

    def _apply(self, dbapi_conn, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute(f"PRAGMA max_page_count = {self.pages or 1073741823}")


async def test_a_full_disk_keeps_the_text_and_saves_it_when_space_returns(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _start_session(pilot)
        disk = DiskLimit(app.store.engine)
        disk.pages = _page_count(db_path)
        text = "What the night team said about the handover. " * 4000  # ~180 kB: needs new pages
        await paste(pilot, text)
        screen = await shows(pilot, "NOT SAVED YET")
        assert "disk" in screen.lower()
        assert app.query_one("#dilemma-text").text == text  # still on screen
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("",)]
        disk.pages = None  # space is back
        await saved(pilot)
        await shows(pilot, "saved ✓")
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [(text,)]


async def test_a_lock_held_by_another_program_is_waited_out(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _start_session(pilot)
        event.listen(
            app.store.engine, "checkout", lambda conn, _r, _p: conn.execute("PRAGMA busy_timeout = 100")
        )
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            await paste(pilot, "Typed while the database was locked")
            await shows(pilot, "NOT SAVED YET", timeout=20)
            assert query(db_path, "SELECT dilemma FROM coaching_session") == [("",)]
        finally:
            other.execute("ROLLBACK")
            other.close()
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Typed while the database was locked",)]


async def test_quitting_while_locked_quits_by_itself_once_the_lock_is_gone(make_app, db_path: Path) -> None:
    """Found by a tester: the coach quit while another program held the database;
    the question came up, the lock went and the words were saved, but the question
    stayed, asking about changes that were no longer unsaved."""
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _start_session(pilot)
        event.listen(
            app.store.engine, "checkout", lambda conn, _r, _p: conn.execute("PRAGMA busy_timeout = 100")
        )
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            await paste(pilot, "Typed before quitting")
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), timeout=20, what="the quit question")
            await shows(pilot, "not in the database yet")
        finally:
            other.execute("ROLLBACK")
            other.close()
        await wait_for(pilot, lambda: not app.is_running, timeout=20, what="the app to quit once saved")
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Typed before quitting",)]


async def test_quitting_with_unsaved_text_offers_a_private_copy(
    make_app, db_path: Path, isolated_home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _start_session(pilot)
        disk = DiskLimit(app.store.engine)
        disk.pages = _page_count(db_path)
        text = "Words that must not be lost. " * 8000
        await paste(pilot, text)
        await shows(pilot, "NOT SAVED YET")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), timeout=15, what="the quit question")
        await shows(pilot, "not in the database yet")
        await pilot.press("k")  # keep trying: the app stays
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), timeout=15, what="the quit question")
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.is_running, what="the app to exit")
    copies = list((isolated_home / "data" / "unsaved").glob("coachtui-unsaved-*.md"))
    assert len(copies) == 1
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert "Words that must not be lost." in copies[0].read_text()


async def test_the_database_file_removed_while_typing_is_put_back_and_nothing_is_lost(
    make_app, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _start_session(pilot)
        await paste(pilot, "Before the file went. ")
        await saved(pilot)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        await paste(pilot, "After it went.")
        await saved(pilot)  # the store noticed, put the database back, and saved
        assert app.query_one("#dilemma-text").text == "Before the file went. After it went."
    assert db_path.exists()
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Before the file went. After it went.",)]
