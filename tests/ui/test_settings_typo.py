"""A settings file with a mistake: the app says so in one line, runs on its defaults,
and never writes over the file (issue 15, item 3)."""

from __future__ import annotations

from pathlib import Path

from coachtui.ui.app import create_app
from coachtui.ui.modals import TextPromptScreen

from .conftest import FAST_SAVES
from .helpers import ready, screen_text, shows


async def test_a_typo_is_reported_and_the_file_is_never_rewritten(db_path: Path, settings_path: Path) -> None:
    settings_path.parent.mkdir(parents=True)
    broken = 'coach_name = "Ana Ruiz"\nname_asked = true\ntheme = nord\n'  # a theme without its quotes
    settings_path.write_text(broken)
    app = create_app(str(db_path), settings_path=settings_path, save_delays=FAST_SAVES)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await ready(pilot)
        await shows(pilot, "Your settings could not be read")
        assert app.settings_problem is not None and f"{settings_path}, line 3" in app.settings_problem
        assert not isinstance(app.screen, TextPromptScreen)  # no name asked, so none to save
        app.theme = "textual-light"  # a change that would be saved to the file
        await shows(pilot, "not saved in your settings file")
        app.preferences.toggle_blink()
        await pilot.pause()
        # A new name is used, but the coach is not told it was saved (found by trying to break it).
        app.clear_notifications()
        app.preferences.change_name()
        await pilot.pause()
        await pilot.press(*"Bo Ng", "enter")
        await shows(pilot, "not saved in your settings file")
        assert app.settings.coach_name == "Bo Ng"
        assert "Name saved" not in screen_text(app)
    assert settings_path.read_text() == broken
    assert [p.name for p in settings_path.parent.iterdir()] == ["settings.toml"]
