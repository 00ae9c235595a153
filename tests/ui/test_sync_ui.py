"""Syncing with the network's hub from the app's command palette."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.command import CommandPalette

from coachtui.config import Settings
from coachtui.store import open_store
from coachtui.ui.modals import TextPromptScreen
from coachtui.ui.syncing import SyncReportScreen

from .helpers import Notices, painted, paste, query, ready, shows, type_text, wait_for


def make_hub(tmp_path: Path) -> Path:
    """A hub file that already has another coach's team and session."""
    hub = tmp_path / "hub.db"
    with open_store(str(hub), coach="Ben Okafor") as store:
        team = store.create_team("Year 2 reading", coach="Ben Okafor")
        session = store.start_session(team.id, coach="Ben Okafor")
        store.save_draft(session.id, title="Phonics groups drift apart", dilemma="Groups set in September no longer fit.")
        store.complete_session(session.id)
    return hub


async def open_sync_prompt(pilot) -> TextPromptScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await type_text(pilot, "Sync with")
    await shows(pilot, "Send your sessions to the network's hub")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the hub prompt")
    return app.screen  # type: ignore[return-value]


async def test_sync_from_the_palette_sends_and_fetches_and_remembers_the_hub(
    make_app, seeded, db_path: Path, tmp_path: Path, settings_path: Path
) -> None:
    hub = make_hub(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await paste(pilot, str(hub))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        text = await shows(pilot, "Pulled from the hub: 1 team added; 1 session added.")
        assert "Synced with the hub" in text
        assert "Pushed to the hub: 2 teams added; 1 session added; 3 actions added." in text
        await pilot.press("escape")
        # the team list shows the other coach's team
        await shows(pilot, "Year 2 reading")
    assert query(hub, "SELECT name FROM team ORDER BY name") == [("Ward 4",), ("Year 2 reading",), ("Year 9 maths",)]
    assert query(db_path, "SELECT title FROM coaching_session WHERE coach = 'Ben Okafor'") == [
        ("Phonics groups drift apart",)
    ]
    assert tomllib.loads(settings_path.read_text("utf-8"))["hub"] == str(hub)

    # next time the address is offered as it was; a second sync moves nothing
    again = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        prompt = await open_sync_prompt(pilot)
        assert prompt.query_one("#prompt-input").value == str(hub)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(again.screen, SyncReportScreen), timeout=20, what="the report")
        await shows(pilot, "Nothing to push or pull: both sides were already the same.")


async def test_an_unreachable_hub_is_one_line_and_nothing_changes(make_app, seeded, db_path: Path) -> None:
    before = query(db_path, "SELECT id, title, updated_at FROM coaching_session ORDER BY id")
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        prompt = await open_sync_prompt(pilot)
        await paste(pilot, "http://hub.example.org")
        await pilot.press("enter")
        await shows(pilot, "A hub is a postgresql://… address or a coachtui database file.")
        assert app.screen is prompt
        prompt.query_one("#prompt-input").value = "postgresql://coach:secret@127.0.0.1:9/hub"
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), timeout=20,
                       what="the error")
        (note,) = [n for n in notes if n.severity == "error"]
        assert note.message.startswith("cannot sync: cannot reach the database at postgresql+psycopg://coach:***@")
        assert note.message.endswith("nothing was changed here") and "secret" not in note.message
        assert "\n" not in note.message
    assert query(db_path, "SELECT id, title, updated_at FROM coaching_session ORDER BY id") == before


async def test_a_missing_hub_file_is_refused_not_created(make_app, seeded, tmp_path: Path) -> None:
    typo = tmp_path / "hbu.db"
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await paste(pilot, str(typo))
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), timeout=20,
                       what="the error")
        (note,) = [n for n in notes if n.severity == "error"]
        assert note.message.startswith(f"cannot sync: there is no hub at {typo}")
    assert not typo.exists()


async def test_an_unexpected_failure_is_told_and_the_session_goes_on(make_app, seeded, tmp_path: Path) -> None:
    hub = make_hub(tmp_path)
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)

        def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("the hub answered nonsense")

        app.store.sync = broken  # a bug in sync must not take the coach's session down
        await open_sync_prompt(pilot)
        await paste(pilot, str(hub))
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), timeout=20,
                       what="the error")
        (note,) = [n for n in notes if n.severity == "error"]
        assert note.message == (
            "Sync stopped by an unexpected error: the hub answered nonsense. Running it again is safe."
        )
        assert app.is_running
        await type_text(pilot, "Ward")
        await shows(pilot, "Ward 4")


async def test_a_conflict_found_by_a_sync_is_settled_in_the_app(make_app, seeded, db_path: Path, tmp_path: Path) -> None:
    """Both coaches rewrote the same dilemma before syncing: the report says so, and
    c shows both versions; b keeps both texts in the session."""
    from coachtui.ui.syncing import SyncConflictsScreen

    hub = make_hub(tmp_path)
    other = tmp_path / "ben.db"
    with open_store(str(db_path)) as mine:
        mine.sync(str(hub))
        (session,) = [r for r in mine.search_sessions().rows if r.title == "Falls at night"]
        mine.save_draft(session.id, dilemma="Ana: the night staff never see the day plan.")
    with open_store(str(other), coach="Ben Okafor") as ben:
        ben.sync(str(hub))
        ben.save_draft(session.id, dilemma="Ben: the handover sheet is lost at 21:00.")
        ben.sync(str(hub))
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        await shows(pilot, "changed differently on both sides")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncConflictsScreen), what="the conflicts")
        await shows(pilot, "the handover sheet is lost")
        await shows(pilot, "never see the day plan")
        await pilot.press("b")
        await shows(pilot, "No conflicts: nothing is waiting for your choice.")
    (dilemma,) = query(db_path, f"SELECT dilemma FROM coaching_session WHERE id = '{session.id}'")[0]
    assert "never see the day plan" in dilemma and "the handover sheet is lost" in dilemma
    assert query(db_path, "SELECT count(*) FROM sync_conflict") == [(0,)]


async def test_the_status_bar_shows_how_far_a_sync_got_while_it_runs(
    make_app, seeded, tmp_path: Path, monkeypatch
) -> None:
    """Between batches the status bar says how many records went so far; afterwards
    it says nothing more about the sync."""
    import threading

    from coachtui.store import sync as sync_module
    from coachtui.ui.widgets.statusbar import StatusBar

    hub = make_hub(tmp_path)
    monkeypatch.setattr(sync_module, "BATCH", 2)
    seen = threading.Event()
    real_sync = sync_module.sync

    def sync_waiting_to_be_seen(local, hub_url, **kwargs):  # type: ignore[no-untyped-def]
        progress = kwargs["progress"]

        def slowly(phase: str, done: int, total: int) -> None:
            progress(phase, done, total)
            if phase == "send" and done == 2:
                seen.wait(20)  # the sync goes on once the test has read the bar

        return real_sync(local, hub_url, **{**kwargs, "progress": slowly})

    monkeypatch.setattr(sync_module, "sync", sync_waiting_to_be_seen)
    app = make_app()

    def bar_text() -> str:
        return " ".join(str(bar.render()) for bar in app.screen.query(StatusBar))

    async with app.run_test(size=(100, 24), notifications=True) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await paste(pilot, str(hub))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "sync: sending 2/" in bar_text(), timeout=20, what="the progress")
        seen.set()
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "sync:" not in bar_text() and bool(app.screen.query(StatusBar)), what="the bar")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_hub(request, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """A hub of each kind (the app's own database stays a SQLite file)."""
    if request.param == "sqlite":
        hub = tmp_path / "hub.db"
        open_store(str(hub)).close()
        return str(hub)
    return request.getfixturevalue("pg").new_url()


async def test_f8_stops_a_sync_the_app_started_keeping_what_moved_and_the_next_sync_continues(
    make_app, seeded, db_path: Path, any_hub: str, monkeypatch
) -> None:
    """While a sync runs the status bar says f8 stops it; f8 stops it after the batch
    under way: the hub keeps the sessions that went, the coach is told how far it got
    and that syncing again continues, and the next sync brings the rest."""
    import datetime as dt
    import threading

    from coachtui.store import sync as sync_module
    from coachtui.store.demo import generate_demo_data
    from coachtui.ui.widgets.statusbar import StatusBar
    from test_sync import content
    from test_sync_merge import hub_content

    with open_store(str(db_path), coach="Ana Ruiz") as store:
        generate_demo_data(store, sessions=12, teams=2, seed=5, today=dt.date(2026, 11, 20), append=True)
        everything = content(store)
    monkeypatch.setattr(sync_module, "BATCH", 20)
    pressed = threading.Event()
    real_sync = sync_module.sync

    def sync_held_after_the_first_batch(local, url, **kwargs):  # type: ignore[no-untyped-def]
        progress = kwargs["progress"]

        def held(phase: str, done: int, total: int) -> None:
            progress(phase, done, total)
            if phase == "send" and 0 < done < total and not pressed.is_set():
                pressed.wait(20)  # the next batch waits until the test has pressed f8

        return real_sync(local, url, **{**kwargs, "progress": held})

    monkeypatch.setattr(sync_module, "sync", sync_held_after_the_first_batch)
    app = make_app()
    notes = Notices()

    def bar_text() -> str:
        return " ".join(str(bar.render()) for bar in app.screen.query(StatusBar))

    async with app.run_test(size=(120, 24), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await paste(pilot, any_hub)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "f8 stops" in bar_text() and "sync: sending 0/" not in bar_text(),
                       timeout=30, what="the first batch sent")
        await pilot.press("f8")
        await wait_for(pilot, lambda: "stopping after this batch" in bar_text(), what="the stop noted")
        pressed.set()
        await wait_for(pilot, lambda: any("stopped" in n.message for n in notes), timeout=30, what="the stop told")
        (note,) = [n for n in notes if "stopped" in n.message]
        assert note.severity == "warning" and "stopped: sent" in note.message and "records; what moved is kept, run sync again to continue" in note.message
        await wait_for(pilot, lambda: "sync stopped" in bar_text(), what="the status")
        assert not isinstance(app.screen, SyncReportScreen)
        partly = hub_content(any_hub)
        assert 0 < len(partly["sessions"]) < len(everything["sessions"])

        # syncing again continues: everything is on the hub, the same as here
        pressed.set()
        await open_sync_prompt(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=30, what="the report")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "sync" not in bar_text() and bool(app.screen.query(StatusBar)), what="the bar")
    with open_store(str(db_path)) as store:
        assert hub_content(any_hub) == content(store)
        assert len(content(store)["sessions"]) == len(everything["sessions"])


async def test_a_session_deleted_elsewhere_after_an_edit_here_is_listed_and_kept_in_the_app(
    make_app, seeded, db_path: Path, tmp_path: Path
) -> None:
    """Ana rewrote a dilemma; Ben, not having seen it, deleted the session and synced
    first: Ana's sync lists the deletion with her words, and m (keep mine) puts the
    session back as she wrote it."""
    from coachtui.ui.syncing import SyncConflictsScreen

    hub = make_hub(tmp_path)
    other = tmp_path / "ben.db"
    with open_store(str(db_path), coach="Ana Ruiz") as mine:
        mine.sync(str(hub))
        (session,) = [r for r in mine.search_sessions().rows if r.title == "Falls at night"]
    with open_store(str(other), coach="Ben Okafor") as ben:
        ben.sync(str(hub))
    with open_store(str(db_path), coach="Ana Ruiz") as mine:
        mine.save_draft(session.id, dilemma="Ana: the night staff never see the day plan.")
    with open_store(str(other), coach="Ben Okafor") as ben:
        ben.delete_session(session.id)
        ben.sync(str(hub))
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        await shows(pilot, "was deleted by Ben Okafor")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncConflictsScreen), what="the conflicts")
        await shows(pilot, "never see the day plan")
        await pilot.press("m")
        await shows(pilot, "No conflicts: nothing is waiting for your choice.")
    (dilemma,) = query(db_path, f"SELECT dilemma FROM coaching_session WHERE id = '{session.id}'")[0]
    assert dilemma == "Ana: the night staff never see the day plan."
    assert query(db_path, "SELECT count(*) FROM sync_conflict") == [(0,)]


async def test_settling_a_conflict_in_the_open_session_shows_the_settled_text_in_the_form(
    make_app, seeded, db_path: Path, tmp_path: Path
) -> None:
    """A tester settled a conflict on the draft open on screen (b, keep both): the form
    kept the old text, and the next key's save was refused as "changed in another
    window (Bo Ng)" though there was one window."""
    from coachtui.ui.modals import ResumeScreen
    from coachtui.ui.syncing import SyncConflictsScreen

    from .test_keys import burst

    hub = make_hub(tmp_path)
    notices = Notices()
    with open_store(str(db_path)) as mine:
        team = mine.list_teams()[0]
        draft = mine.start_session(team.id, coach="Ana Ruiz")
        mine.save_draft(draft.id, title="Rota", dilemma="Night shifts.", step="dilemma")
        mine.sync(str(hub))
    with open_store(str(tmp_path / "bo.db"), coach="Bo Ng") as bo:
        bo.sync(str(hub))
        bo.save_draft(draft.id, dilemma="Bo: the handover sheet is lost at 21:00.")
        bo.sync(str(hub))
    with open_store(str(db_path)) as mine:
        mine.save_draft(draft.id, dilemma="Ana: the night staff never see the day plan.")
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notices) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the offer")
        await pilot.press("enter")
        await shows(pilot, "never see the day plan")
        await open_sync_prompt(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        await shows(pilot, "changed differently on both sides")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncConflictsScreen), what="the conflicts")
        await shows(pilot, "the handover sheet is lost")
        await pilot.press("b")
        await shows(pilot, "No conflicts: nothing is waiting for your choice.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.session_screen, what="the session")
        await shows(pilot, "the handover sheet is lost")  # the form shows the settled text
        burst(app, "ctrl+end", *" More.")
        await wait_for(
            pilot,
            lambda: query(db_path, "SELECT dilemma FROM coaching_session WHERE id = ?", draft.id)[0][0].endswith("More."),
            what="the words typed after settling to be saved",
        )
        assert not any("NOT SAVED" in str(note.message) or "another window" in str(note.message) for note in notices)
    ((dilemma,),) = query(db_path, "SELECT dilemma FROM coaching_session WHERE id = ?", draft.id)
    assert "never see the day plan" in dilemma and "the handover sheet is lost" in dilemma
    assert query(db_path, "SELECT count(*) FROM sync_conflict") == [(0,)]
