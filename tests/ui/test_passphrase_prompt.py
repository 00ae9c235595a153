"""The TUI on an encrypted database: a masked passphrase prompt at start, then as usual."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.encrypted import (
    PASSPHRASE,
    WORDS,
    cipher_query,
    copy_database,
    digest,
    encrypted_database,
)

from coachtui.config import Settings, load_settings
from coachtui.store.types import SessionFilter
from coachtui.ui.modals import TextPromptScreen
from coachtui.ui.passphrase import PassphraseScreen

from .helpers import paste, ready, saved, screen_text, shows, type_text, wait_for

ENV = "COACHTUI_PASSPHRASE"


@pytest.fixture(autouse=True)
def no_env_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


@pytest.fixture(scope="session")
def encrypted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("encrypted-ui") / "coach.db"
    encrypted_database(path)
    return path


@pytest.fixture
def locked(tmp_path: Path, encrypted_template: Path) -> Path:
    return copy_database(encrypted_template, tmp_path / "locked" / "coach.db")


async def _prompted(pilot) -> PassphraseScreen:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PassphraseScreen), what="the passphrase prompt")
    await pilot.pause()
    return pilot.app.screen  # type: ignore[no-any-return]


async def test_a_wrong_passphrase_is_said_inline_then_the_right_one_opens_it(
    make_app, locked: Path, settings_path: Path
) -> None:
    before = digest(locked)
    app = make_app(database=locked)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _prompted(pilot)
        assert "This database is encrypted" in screen_text(app)
        await type_text(pilot, "walk the wart")
        assert "walk" not in screen_text(app) and "•••••" in screen_text(app)  # masked
        await pilot.press("enter")
        text = await shows(pilot, "Wrong passphrase: try again (esc quits).")
        assert "wart" not in text
        assert app.store is None and isinstance(app.screen, PassphraseScreen)
        assert digest(locked) == before  # a wrong passphrase never changes the file
        assert app.screen.query_one("#passphrase-input").value == ""
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await ready(pilot)
        await shows(pilot, "Ward 9")
        assert not isinstance(app.screen, PassphraseScreen)
        # The flow and autosave work as on a plain database.
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await paste(pilot, "Lanterns at handover")
        await saved(pilot)
        assert ("Lanterns at handover",) in cipher_query(locked, "SELECT title FROM coaching_session")
    saved_settings = settings_path.read_text("utf-8") if settings_path.exists() else ""
    assert PASSPHRASE not in saved_settings and "wart" not in saved_settings


async def test_on_a_first_start_the_passphrase_comes_before_the_name(
    make_app, locked: Path, settings_path: Path
) -> None:
    # Typed ahead, a passphrase must never land in the name field (and the settings file).
    app = make_app(settings=Settings(), database=locked)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _prompted(pilot)
        assert not any(isinstance(s, TextPromptScreen) for s in app.screen_stack)
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the name prompt")
        await type_text(pilot, "Ana Ruiz")
        await pilot.press("enter")
        await ready(pilot)
        await shows(pilot, "Ward 9")
    assert load_settings(settings_path).coach_name == "Ana Ruiz"
    assert PASSPHRASE not in settings_path.read_text("utf-8")


async def test_the_environment_passphrase_opens_it_without_asking(
    make_app, locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, PASSPHRASE)
    app = make_app(database=locked)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await shows(pilot, "Ward 9")
        assert not any(isinstance(s, PassphraseScreen) for s in app.screen_stack)


async def test_a_wrong_environment_passphrase_asks_instead(
    make_app, locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "an old passphrase")
    app = make_app(database=locked)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _prompted(pilot)
        await shows(pilot, "COACHTUI_PASSPHRASE does not open it: type the passphrase.")
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await ready(pilot)
        assert app.store is not None
        assert [row.title for row in app.store.search_sessions(SessionFilter("plumbrook")).rows] == [WORDS["title"]]


async def test_escape_at_the_prompt_quits_without_touching_the_file(make_app, locked: Path) -> None:
    before = digest(locked)
    app = make_app(database=locked)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _prompted(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert app.store is None
    assert digest(locked) == before
