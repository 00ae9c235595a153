"""A settings file with a mistake: the app says so in one line, runs on what reads
(the defaults for the line with the mistake), and never writes over the file
(issue 15, item 3)."""

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
        await pilot.press(*["backspace"] * len("Ana Ruiz"), *"Bo Ng", "enter")  # her name, as read
        await shows(pilot, "not saved in your settings file")
        assert app.settings.coach_name == "Bo Ng"
        assert "Name saved" not in screen_text(app)
    assert settings_path.read_text() == broken
    assert [p.name for p in settings_path.parent.iterdir()] == ["settings.toml"]


async def test_a_typo_elsewhere_keeps_the_coachs_name_and_so_their_own_drafts(
    db_path: Path, settings_path: Path
) -> None:
    """A mistake on the theme's line made the app forget the coach's name too: the
    shared database's drafts of every coach were offered to resume, as if they were
    hers. What reads is used; only the line with the mistake falls back."""
    from coachtui.store import open_store
    from coachtui.ui.modals import ResumeScreen

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4")
        mine = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(mine.id, title="Ana's own draft", dilemma="Rota.", step="dilemma")
        theirs = store.start_session(team.id, "Bo Lind")
        store.save_draft(theirs.id, title="Bo's private draft", dilemma="Confidential.", step="dilemma")
    settings_path.parent.mkdir(parents=True)
    broken = 'coach_name = "Ana Ruiz"\nname_asked = true\ntheme = nord\nblink_cursor = "no"\n'
    settings_path.write_text(broken)
    app = create_app(str(db_path), settings_path=settings_path, save_delays=FAST_SAVES)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await ready(pilot)
        await shows(pilot, "Your settings could not be read")
        assert app.settings.coach_name == "Ana Ruiz"
        await shows(pilot, "Ana's own draft")
        assert isinstance(app.screen, ResumeScreen)
        assert "Bo's private draft" not in screen_text(app)
    assert settings_path.read_text() == broken
