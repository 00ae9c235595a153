"""Demo mode: sample data in a throwaway database; the coach's own data untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import tomli_w

from coachtui.cli import main
from coachtui.config import Settings
from coachtui.store.demo.sets import SET_NAME
from coachtui.ui.app import create_app
from coachtui.ui.modals import ConfirmScreen, ResumeScreen
from coachtui.ui.screens.history import HistoryScreen

from .conftest import FAST_SAVES
from .helpers import painted, paste, query, shows, wait_for


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The coach's real database (via COACHTUI_DB), with a team in it."""
    from coachtui.store import open_store

    path = tmp_path / "own" / "coachtui.db"
    path.parent.mkdir()
    with open_store(str(path)) as store:
        store.create_team("My real team")
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    monkeypatch.setenv("COACHTUI_DB", str(path))
    return path


async def demo_ready(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: app.store is not None, timeout=30, what="the demo data")
    await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the demo's drafts")
    await pilot.press("n")
    await pilot.pause()


async def test_demo_mode_never_touches_the_coachs_database_or_settings(
    own_database: Path, settings_path: Path
) -> None:
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(tomli_w.dumps({"coach_name": "Ana Ruiz", "name_asked": True, "theme": "nord"}))
    before = {p: digest(p) for p in own_database.parent.iterdir()}
    settings_before = settings_path.read_text()
    # No settings given: the app decides what to read, as `coachtui --demo` does.
    app = create_app(str(own_database), settings_path=settings_path, save_delays=FAST_SAVES, demo=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await demo_ready(pilot)
        demo_path = Path(app.database)
        assert demo_path != own_database and demo_path.exists()
        assert "My real team" not in await shows(pilot, "DEMO")
        teams = app.store.list_teams(include_archived=True)
        assert len(teams) == 13 and [t.name for t in teams if t.is_set] == [SET_NAME]  # twelve teams and a set
        await paste(pilot, "Workshop team")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        # the trainer's own name (in the settings file) is not put on demo sessions
        assert app.session.model.coach == "Demo coach"
        assert app.theme != "nord"
        app.theme = "textual-light"  # a trainer changes the theme for the projector
        await pilot.pause()
    assert {p: digest(p) for p in own_database.parent.iterdir()} == before  # nothing new, nothing changed
    assert settings_path.read_text() == settings_before
    assert not demo_path.parent.exists()  # the throwaway database went with the app
    assert query(own_database, "SELECT name FROM team") == [("My real team",)]


async def test_the_demo_marker_stays_on_every_screen(settings_path: Path, db_path: Path) -> None:
    app = create_app(str(db_path), settings=Settings(coach_name="Trainer", name_asked=True),
                     settings_path=settings_path, save_delays=FAST_SAVES, demo=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await demo_ready(pilot)
        await shows(pilot, "DEMO — coachtui")
        for key in ("f3", "f4", "f5", "f6"):
            await pilot.press(key)
            await shows(pilot, "DEMO — coachtui")
        await pilot.press("escape", "f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        await wait_for(pilot, lambda: bool(app.screen.window.rows), what="sample sessions")


async def test_reset_brings_the_sample_data_back(settings_path: Path, db_path: Path) -> None:
    app = create_app(str(db_path), settings=Settings(coach_name="Trainer", name_asked=True),
                     settings_path=settings_path, save_delays=FAST_SAVES, demo=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await demo_ready(pilot)
        first_folder = Path(app.database).parent
        await paste(pilot, "Made in the workshop")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        assert any(t.name == "Made in the workshop" for t in app.store.list_teams())
        assert "Reset the demo" in [c.title for c in app.get_system_commands(app.screen)]
        app.demo_data.ask_reset()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await pilot.press("y")
        await shows(pilot, "The demo starts afresh.", timeout=30)
        assert app.session.model is None
        assert not first_folder.exists()
        names = [t.name for t in app.store.list_teams(include_archived=True)]
        assert len(names) == 13 and SET_NAME in names and "Made in the workshop" not in names


def test_demo_applies_to_the_app_not_to_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "export"]) == 2
    assert capsys.readouterr().err == "coachtui: --demo opens the app (or 'serve'); it does not apply to 'export'\n"
