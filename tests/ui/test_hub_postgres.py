"""The whole app on PostgreSQL, as a network of coaches runs it on their shared hub:
a full session written to a server schema, and a server connection lost mid-session
(the coach is told, nothing is half-written, and what they typed is saved once the
connection is back)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

from coachtui.config import Settings
from coachtui.store import open_store
from coachtui.store.types import SessionFilter
from coachtui.ui.app import CoachApp, create_app
from coachtui.ui.modals import TextPromptScreen

from .conftest import FAST_SAVES
from .helpers import paste, ready, saved, screen_text, shows, type_text, wait_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def hub_url(pg) -> str:  # type: ignore[no-untyped-def]
    """A fresh schema on the test server, as ``coachtui --db`` takes it."""
    return pg.new_url()


def _raw(url: str) -> Any:
    from conftest import RawDatabase  # tests/conftest.py

    return RawDatabase(url)


@pytest.fixture
def make_hub_app(hub_url: str, tmp_path: Path) -> Callable[[], CoachApp]:
    def make() -> CoachApp:
        return create_app(
            hub_url,
            settings=Settings(coach_name="Ana Ruiz", name_asked=True),
            settings_path=tmp_path / "settings.toml",
            save_delays=FAST_SAVES,
        )

    return make


@pytest.fixture
def backends() -> Iterator[set[int]]:
    """The server process ids of every connection pools open during the test."""
    pids: set[int] = set()

    def connected(dbapi_conn: Any, _record: Any) -> None:
        pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
        if isinstance(pid, int):
            pids.add(pid)

    event.listen(Pool, "connect", connected)
    try:
        yield pids
    finally:
        event.remove(Pool, "connect", connected)


def _terminate(pg, pids: set[int]) -> list[int]:  # type: ignore[no-untyped-def]
    """Cut those connections from the server side, as a network outage or a server
    restart would; returns the ones that were alive."""
    with pg.connect() as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s) AND pg_terminate_backend(pid, 5000)",
            (sorted(pids),),
        ).fetchall()
    return [row[0] for row in rows]


async def test_a_whole_session_on_postgresql(make_hub_app, hub_url: str) -> None:  # type: ignore[no-untyped-def]
    db = _raw(hub_url)
    with open_store(hub_url, coach="Bo Ng") as bo:
        team = bo.create_team("Ward 4", coach="Bo Ng")
        earlier = bo.start_session(team.id, coach="Bo Ng")
        bo.save_draft(earlier.id, title="Falls at night", dilemma="Nobody reads the run chart.",
                      primary_category="capability")
        plot = bo.add_action(earlier.id, "Plot ten more points", owner="Sam", due=dt.date.today())
        ask = bo.add_action(earlier.id, "Ask for protected time", owner="Lee",
                            due=dt.date.today() + dt.timedelta(days=3))
        bo.complete_session(earlier.id)

    app = make_hub_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Falls at night")  # the last session, beside the list
        await pilot.press("d")  # Plot ten more points: done
        await pilot.press("down", "s", "n")  # Ask for protected time: stuck, with a note
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
        await paste(pilot, "No cover this month")
        await pilot.press("ctrl+s")

        await pilot.press("ctrl+n")  # dilemma
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        app.query_one("#title").focus()
        await paste(pilot, "Handover [bold]chaos[/] 🙂")
        await pilot.press("tab")
        await paste(pilot, "Nobody can read the run chart\nand nobody knows what to measure.")
        await pilot.press("tab")
        await paste(pilot, "Matron present")

        await pilot.press("ctrl+n")  # category
        await shows(pilot, "Suggested: Improvement science capability")
        await pilot.press("1")

        await pilot.press("ctrl+n")  # questions
        await pilot.press("enter")  # the first capability question
        await paste(pilot, "smallest test")  # filters the bank
        await pilot.press("enter")  # enter picks the first match
        await pilot.press("ctrl+u", "tab")  # tab from the filter: straight to the picked list
        assert app.focused is not None and app.focused.id == "picked"
        await pilot.press("n")
        await paste(pilot, "They said: ask us")
        await pilot.press("ctrl+s")

        await pilot.press("ctrl+n")  # actions
        await paste(pilot, "Plot twenty more points")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("tab")
        await type_text(pilot, "+7d")
        await pilot.press("enter")

        await pilot.press("ctrl+n")  # summary
        await wait_for(pilot, lambda: "Nobody can read the run chart" in screen_text(app), what="the summary")
        await pilot.press("c")
        await saved(pilot)
        await shows(pilot, "Completed and saved")
        session_id = app.session.model.session_id

    rows = db.rows(
        "SELECT status, coach, title, dilemma, context, primary_category, suggested_category, suggestion_reasons "
        "FROM coaching_session WHERE id = ?",
        session_id,
    )
    assert rows[0][:7] == (
        "completed", "Ana Ruiz", "Handover [bold]chaos[/] 🙂",
        "Nobody can read the run chart\nand nobody knows what to measure.", "Matron present",
        "capability", "capability",
    )
    assert json.loads(rows[0][7])
    picked = db.rows("SELECT question_id, note, position FROM picked_question WHERE session_id = ? ORDER BY position",
                     session_id)
    assert [(row[0], row[1]) for row in picked] == [("cap-01", "They said: ask us"), ("cap-03", "")]
    due = dt.date.today() + dt.timedelta(days=7)
    assert db.rows("SELECT text, owner, due_date, status, coach FROM action WHERE session_id = ?", session_id) == [
        ("Plot twenty more points", "Sam", due, "open", "Ana Ruiz")
    ]
    reviews = db.rows("SELECT action_id, status, note, coach FROM action_review WHERE session_id = ?", session_id)
    assert sorted(reviews) == sorted([
        (plot.id, "done", "", "Ana Ruiz"),
        (ask.id, "stuck", "No cover this month", "Ana Ruiz"),
    ])
    assert dict(db.rows("SELECT id, status FROM action WHERE session_id = ?", earlier.id)) == {
        plot.id: "done", ask.id: "stuck"
    }
    # The server's full-text search finds it (the index is kept in the same transactions).
    with open_store(hub_url) as store:
        assert [s.id for s in store.search_sessions(SessionFilter("measure")).rows] == [session_id]


async def _dilemma_step(pilot) -> CoachApp:  # type: ignore[no-untyped-def]
    app = pilot.app
    await ready(pilot)
    await type_text(pilot, "Ward 4")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
    await pilot.press("tab")  # into the dilemma
    await paste(pilot, "Typed before the outage. ")
    await saved(pilot)
    return app


async def test_a_connection_cut_between_saves_reconnects_without_losing_a_keystroke(
    make_hub_app, hub_url: str, pg, backends: set[int]
) -> None:  # type: ignore[no-untyped-def]
    db = _raw(hub_url)
    app = make_hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _dilemma_step(pilot)
        before = set(backends)
        assert before, "the app's connections were seen"
        assert _terminate(pg, before)  # the server drops every connection the app had
        await paste(pilot, "Typed after it.")
        await saved(pilot)
        await shows(pilot, "saved ✓")
        assert backends - before, "the app connected again"
        session_id = app.session.model.session_id
    assert db.rows("SELECT dilemma FROM coaching_session WHERE id = ?", session_id) == [
        ("Typed before the outage. Typed after it.",)
    ]


async def test_a_connection_lost_during_a_save_is_told_nothing_is_half_written_and_retry_saves(
    make_hub_app, hub_url: str, pg
) -> None:  # type: ignore[no-untyped-def]
    db = _raw(hub_url)
    app = make_hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await _dilemma_step(pilot)
        session_id = app.session.model.session_id
        outage = threading.Event()
        outage.set()
        cuts: list[int] = []

        def cut_mid_transaction(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            # The save's UPDATE has run; the connection dies before its transaction
            # (the update and the search index) commits.
            if outage.is_set() and "RETURNING session_id" in statement:
                pid = conn.connection.dbapi_connection.info.backend_pid
                cuts.append(pid)
                _terminate(pg, {pid})

        event.listen(app.store.engine, "before_cursor_execute", cut_mid_transaction)
        try:
            await paste(pilot, "Typed while the server was away.")
            await shows(
                pilot,
                "NOT SAVED YET, retrying: Cannot reach the database: terminating connection due to administrator",
                timeout=20,
            )
            assert app.saver.last_error.startswith("Cannot reach the database at postgresql+psycopg://")
            password = urllib.parse.urlsplit(hub_url).password
            assert not password or password not in app.saver.last_error
            assert cuts
            # Nothing of the cut transaction is in the database.
            assert db.rows("SELECT dilemma FROM coaching_session WHERE id = ?", session_id) == [
                ("Typed before the outage. ",)
            ]
            assert app.query_one("#dilemma-text").text == "Typed before the outage. Typed while the server was away."
            outage.clear()  # the network is back
            await saved(pilot)
            await shows(pilot, "saved ✓")
        finally:
            event.remove(app.store.engine, "before_cursor_execute", cut_mid_transaction)
    assert db.rows("SELECT dilemma FROM coaching_session WHERE id = ?", session_id) == [
        ("Typed before the outage. Typed while the server was away.",)
    ]
    with open_store(hub_url) as store:
        assert [s.id for s in store.search_sessions(SessionFilter("server")).rows] == [session_id]


async def test_a_tracker_mark_cut_off_by_the_server_is_retried_until_it_lands(
    make_hub_app, hub_url: str, pg
) -> None:  # type: ignore[no-untyped-def]
    from coachtui.ui.screens.tracker import TrackerScreen

    db = _raw(hub_url)
    with open_store(hub_url, coach="Bo Ng") as bo:
        team = bo.create_team("Ward 4", coach="Bo Ng")
        session = bo.start_session(team.id, coach="Bo Ng")
        bo.save_draft(session.id, dilemma="Nobody reads the run chart.")
        action = bo.add_action(session.id, "Plot ten more points", owner="Sam")
        bo.complete_session(session.id)
    app = make_hub_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, TrackerScreen), what="the tracker")
        tracker = app.screen
        await wait_for(pilot, lambda: bool(tracker.rows), what="the actions")
        outage = threading.Event()
        outage.set()

        def cut(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if outage.is_set() and statement.lstrip().upper().startswith("INSERT INTO ACTION_REVIEW"):
                _terminate(pg, {conn.connection.dbapi_connection.info.backend_pid})

        event.listen(app.store.engine, "before_cursor_execute", cut)
        try:
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
            await paste(pilot, "Done on Friday")
            await pilot.press("ctrl+s")
            # The mark is queued like every write (issue 17): retried while the
            # server is away, the status bar says it is not saved yet, the note kept.
            await shows(pilot, "NOT SAVED YET", timeout=20)
            assert db.rows("SELECT count(*) FROM action_review") == [(0,)]
            assert db.rows("SELECT status FROM action WHERE id = ?", action.id) == [("open",)]
            assert tracker.note_in_hand(action.id) == "Done on Friday"
            outage.clear()  # the server is back: the same mark lands, nothing to redo
            await shows(pilot, "Recorded: done.", timeout=20)
            assert tracker.note_in_hand(action.id) == ""
        finally:
            event.remove(app.store.engine, "before_cursor_execute", cut)
    assert db.rows("SELECT status, note, coach FROM action_review WHERE action_id = ?", action.id) == [
        ("done", "Done on Friday", "Ana Ruiz")
    ]
