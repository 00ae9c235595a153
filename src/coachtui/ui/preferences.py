"""The coach's preferences: the settings file, their name, the theme, the cursor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachtui import paths
from coachtui.config import (
    DEFAULT_THEME,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    usable_settings,
)
from coachtui.ui.themes import HIGH_CONTRAST

if TYPE_CHECKING:
    from textual.theme import Theme

    from coachtui.ui.app import CoachApp


def read_settings(path: Path | None, demo: bool) -> tuple[Settings, str | None]:
    """The settings to run on, and what is wrong with the file (None: nothing).

    A settings file with a mistake is said once, in one line; the app runs on what
    reads (the defaults for the rest) and neither rewrites the file nor rotates
    backups by a default count."""
    if demo:  # a demo never opens the coach's settings: a name of its own
        from coachtui.ui.demo import DEMO_COACH

        return Settings(coach_name=DEMO_COACH, name_asked=True), None
    try:
        return load_settings(path), None
    except SettingsError as exc:
        return usable_settings(path or paths.settings_file()), str(exc)


def check_name(value: str) -> str | None:
    from coachtui.store.types import COACH_NAME_MAX

    return f"Keep it to {COACH_NAME_MAX} characters." if len(" ".join(value.split())) > COACH_NAME_MAX else None


class Preferences:
    """Changes the settings for this run and keeps them in the settings file."""

    def __init__(self, app: CoachApp) -> None:
        self.app = app

    def update(self, **changes: Any) -> bool:
        """Change the settings for this run and keep them in the settings file;
        whether they were kept (a demo, or a file with a mistake, keeps nothing)."""
        app = self.app
        app.settings = app.settings.with_changes(**changes)
        if app.store is not None:
            app.store.coach = app.settings.coach_name
        if app.demo:
            return False  # a demo never changes the coach's own settings
        if app.settings_problem is not None:
            app.notify(
                "Used for now, but not saved in your settings file: it has a mistake to fix first "
                f"({app.settings_problem}).",
                severity="warning",
                markup=False,
            )
            return False
        try:
            save_settings(app.settings, app.settings_path)
        except OSError as exc:
            app.notify(f"Could not save your settings: {exc.strerror or exc}", severity="warning", markup=False)
            return False
        return True

    def theme_changed(self, theme: Theme) -> None:
        settings = self.app.settings
        if theme.name != self.app.theme:
            return  # told late, after another change: the theme on screen is what counts
        if settings.projector and theme.name == HIGH_CONTRAST:
            return  # projector mode's theme: the coach's own stays theirs for later
        if settings.projector:
            self.update(projector=False, theme=theme.name)  # picking a theme ends projector mode
            self.show_projector()
        elif theme.name != settings.theme:
            self.update(theme=theme.name)

    def toggle_projector(self) -> None:
        """Projector mode on or off (the palette's "Projector mode"), kept in the settings."""
        app = self.app
        self.update(projector=not app.settings.projector)
        self.show_projector()
        if app.settings.projector:
            app.notify(
                "Projector mode: high contrast, bold text, a steady cursor. In a browser, ctrl+= makes it larger.",
                markup=False,
            )
        else:
            app.notify("Projector mode off.", markup=False)

    def show_projector(self) -> None:
        """Put the screen in (or out of) projector mode, as the settings say."""
        app = self.app
        on = app.settings.projector
        app.set_class(on, "-projector")
        if on:
            app.theme = HIGH_CONTRAST
        elif app.theme == HIGH_CONTRAST and app.settings.theme != HIGH_CONTRAST:
            app.theme = app.settings.theme if app.settings.theme in app.available_themes else DEFAULT_THEME
        self.show_cursor_blink()

    def change_name(self) -> None:
        from coachtui.ui.modals import TextPromptScreen

        app = self.app

        def done(value: str | None) -> None:
            if value is not None:
                if self.update(coach_name=" ".join(value.split()), name_asked=True) or app.demo:
                    app.notify("Name saved; it is used for the sessions you start from now on.", markup=False)

        app.push_screen(TextPromptScreen("Your name", value=app.settings.coach_name, validate=check_name), done)

    def show_cursor_blink(self) -> None:
        from textual.widgets import Input, TextArea

        app = self.app
        for screen in app.screen_stack:
            for widget in screen.query("*"):
                if isinstance(widget, (Input, TextArea)):
                    widget.cursor_blink = app.cursor_blink

    def toggle_blink(self) -> None:
        app = self.app
        self.update(cursor_blink=not app.settings.cursor_blink)
        self.show_cursor_blink()
        app.notify("Cursor blinking " + ("on." if app.settings.cursor_blink else "off."), markup=False)
