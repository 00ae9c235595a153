"""The coachtui Textual app, built by :func:`create_app` (shared by the CLI and tests).

The app's frame only: screens and modes, keys, messages, and the plain helper
objects that hold each concern (startup, saving, drafts ...: docs/architecture.md).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

from coachtui.config import Settings
from coachtui.session.controller import SessionController
from coachtui.session.edits import RecordEdits
from coachtui.session.saver import SaveQueue, SaveStatus
from coachtui.ui.demo import DemoData
from coachtui.ui.drafts import Drafts
from coachtui.ui.learning import Learning
from coachtui.ui.messages import (
    ConflictFound,
    SaveDropped,
    SaveStatusChanged,
    SessionSaveRefused,
    StoreReady,
    WriteDone,
    WriteRefused,
)
from coachtui.ui.modes import MODE_SCREENS
from coachtui.ui.preferences import Preferences, read_settings
from coachtui.ui.recovery import Recovery
from coachtui.ui.saving import Saving
from coachtui.ui.screens.session import SessionScreen
from coachtui.ui.startup import Startup
from coachtui.ui.themes import THEMES
from coachtui.ui.typeahead import KeyHold
from coachtui.ui.workers import follow_up

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.command import Provider
    from textual.driver import Driver

    from coachtui.catalog import Catalog
    from coachtui.catalog.classifier import Adaptation
    from coachtui.session.model import SessionModel
    from coachtui.store.api import Store
    from coachtui.store.types import TeamInfo
    from coachtui.ui import EarlyTeams
    from coachtui.ui.exports import Exports
    from coachtui.ui.screenshots import Screenshots
    from coachtui.ui.syncing import HubSync

# The rules of everything but the first screen (app.tcss is the first screen's):
# see CoachApp.load_later_css.
LATER_CSS = Path(__file__).with_name("later.tcss")


def _team_commands() -> type[Provider]:
    from coachtui.ui.palette import TeamCommands

    return TeamCommands


class CoachApp(App[None]):
    TITLE = "coachtui"
    CSS_PATH = "app.tcss"
    SCREENS = {"session": SessionScreen}
    # The "session" mode is added in on_mount (see get_default_screen).
    MODES = MODE_SCREENS
    DEFAULT_MODE = "session"
    COMMANDS = App.COMMANDS | {_team_commands}
    # The keys the help promises everywhere are priority bindings, acted on before the
    # focused field sees them (a text area's own f6 selects the line: it must never get it).
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", priority=True),
        # "?" is text inside a field; elsewhere it opens the help too.
        Binding("question_mark", "help", "Help", show=False, id="app.help-question"),
        Binding("f2", "show('session')", "Session", show=False, id="app.session", priority=True),
        Binding("f3", "show('history')", "History", show=False, id="app.history", priority=True),
        Binding("f4", "show('actions')", "Actions", show=False, id="app.actions", priority=True),
        Binding("f5", "show('themes')", "Trends", show=False, id="app.themes", priority=True),
        Binding("f6", "explain", "Categories", show=False, id="app.explain", priority=True),
        Binding("f8", "stop_sync", "Stop the sync", show=False, id="app.stop-sync", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # tab moves the focus as the key arrives: letters typed straight after it
        # (already on their way) then go to the next field, in order, not the one left.
        Binding("tab", "focus_now('next')", show=False, id="app.focus-next", priority=True),
        Binding("shift+tab", "focus_now('previous')", show=False, id="app.focus-previous", priority=True),
        # The same for enter in a field where it moves on (the title: on to the dilemma).
        Binding("enter", "enter_now", show=False, id="app.enter-next", priority=True),
    ]

    def __init__(
        self,
        database: str,
        *,
        settings: Settings | None = None,
        settings_path: Path | None = None,
        save_delays: tuple[float, float] = (0.3, 0.8),
        demo: bool = False,
        early_teams: EarlyTeams | None = None,
    ) -> None:
        super().__init__()
        self.early_teams = early_teams
        self.keys = KeyHold(self, self.on_event)
        for theme in THEMES:
            self.register_theme(theme)
        self.database = database
        # Demo mode: a throwaway database full of sample data in a private temporary
        # folder; the coach's own database and settings are never opened or written.
        self.demo = demo
        self.settings_path = settings_path
        # A settings file with a mistake: said once, in one line (see read_settings).
        self.settings_problem: str | None = None
        if settings is None:
            settings, self.settings_problem = read_settings(settings_path, demo)
        self.settings = settings
        self.store: Store | None = None
        self.store_error: str | None = None
        self.teams: list[TeamInfo] = []
        self.save_status = SaveStatus("idle")
        self.sync_progress = ""  # how far a sync in the background got, for the status bars
        # What the category suggestion learned from completed sessions (set by a worker).
        self.suggest_adaptation: Adaptation | None = None
        self.startup = Startup(self)
        self.preferences = Preferences(self)
        self.learning = Learning(self)
        self.demo_data = DemoData(self)
        self.drafts = Drafts(self)
        self.recovery = Recovery(self)
        self.saving = Saving(self)
        debounce, max_wait = save_delays
        self.saver = SaveQueue(
            lambda: self.store,
            on_status=lambda status: self.post_message(SaveStatusChanged(status)),
            on_dropped=lambda label, exc: self.post_message(SaveDropped(label, str(exc))),
            debounce=debounce,
            max_wait=max_wait,
        )
        self.session = SessionController(self.saver, on_change=self.recovery.session_changed)
        # Writes to saved records outside the open session (tracker, teams, history).
        self.edits = RecordEdits(self.saver)
        # Tracker notes typed for a mark that was not recorded (esc, a conflict, a
        # refused write), by action id: held in memory for the next mark, and asked
        # about on quit (saving.py), wherever the coach is then.
        self.tracker_notes: dict[str, str] = {}
        self._conflicts_elsewhere: Any = None  # a ConflictAsker, made on the first one
        self._later_css = False  # later.tcss is in the stylesheet (load_later_css)
        for kind in ("session", "lost"):
            self.session.conflict_handlers[kind] = lambda conflict: self.post_message(SessionSaveRefused(conflict))

    def get_driver_class(self) -> type[Driver]:
        from coachtui.ui.startup import terminal_driver

        return terminal_driver(super().get_driver_class())

    @cached_property
    def catalog(self) -> Catalog:
        """The categories and question bank, read when first needed (by the warm-up thread)."""
        from coachtui.catalog import load_catalog

        return load_catalog()

    # The parts the first screen never uses are made (and their modules imported) when
    # first needed: importing them took ~2 ms before the first paint.
    @cached_property
    def exports(self) -> Exports:
        from coachtui.ui.exports import Exports

        return Exports(self)

    @cached_property
    def hub(self) -> HubSync:
        from coachtui.ui.syncing import HubSync

        return HubSync(self)

    @cached_property
    def screenshots(self) -> Screenshots:
        from coachtui.ui.screenshots import Screenshots

        return Screenshots(self)

    def get_default_screen(self) -> Screen[Any]:
        """The session screen starts the app as a plain default screen: a mode from
        MODES would make Textual parse every stylesheet a second time before the first
        paint (~20 ms). on_mount then names it the "session" mode, for switch_mode."""
        return self.get_screen("session")

    def on_mount(self) -> None:
        from coachtui.ui.keymap import keymap_for

        # The coach's own keys (settings.toml's [keys]), and in a browser keys it lets through.
        self.set_keymap(keymap_for(self))
        self.add_mode("session", "session")
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        if self.settings.projector:
            self.preferences.show_projector()
        self.theme_changed_signal.subscribe(self, self.preferences.theme_changed)
        self.saver.start()
        self.recovery.watch()
        self.startup.mount()

    def on_ready(self) -> None:
        self.startup.first_frame()

    def on_unmount(self) -> None:
        self.saving.shut_down()

    def on_store_ready(self, message: StoreReady) -> None:
        if not self.is_screen_installed("session"):  # opened while the app was closing
            message.store.close()
            return
        self.startup.store_ready(message)

    @property
    def ready_store(self) -> Store:
        """The store, for code that runs only after :class:`StoreReady` (no None check)."""
        if self.store is None:
            raise RuntimeError("the database is not open yet")
        return self.store

    @property
    def session_screen(self) -> SessionScreen:
        screen = self.get_screen("session")
        assert isinstance(screen, SessionScreen)  # installed as SCREENS["session"]
        return screen

    @property
    def cursor_blink(self) -> bool:
        return self.settings.cursor_blink and not self.settings.projector

    def on_save_status_changed(self, message: SaveStatusChanged) -> None:
        self.saving.status_changed(message.status)

    def on_save_dropped(self, message: SaveDropped) -> None:
        self.saving.dropped(message.label, message.error)

    def on_session_save_refused(self, message: SessionSaveRefused) -> None:
        self.recovery.refused(message.conflict)

    def on_conflict_found(self, message: ConflictFound) -> None:
        """A refused change whose screen did not settle it (the coach has left that
        screen, or it is an amend): asked here, with the same question."""
        from coachtui.ui.conflicts import ConflictAsker, settle_elsewhere

        conflict = message.conflict
        if conflict.kind == "saved-session" and conflict.change == "amend":
            self.drafts.amend_refused(conflict)
            return
        if self._conflicts_elsewhere is None:
            self._conflicts_elsewhere = ConflictAsker(lambda c, keep: settle_elsewhere(self, c, keep))
        self._conflicts_elsewhere.ask(self, conflict)

    def on_write_done(self, message: WriteDone) -> None:
        """A queued write whose screen is gone (or the app's own: an amend) landed."""
        if message.what == "amend":
            self.drafts.amend_written(cast("list[SessionModel]", message.result))
        elif message.what == "deleted":
            self.notify("Session deleted for good.", markup=False)

    def on_write_refused(self, message: WriteRefused) -> None:
        """A queued write refused for good whose screen is gone (or an amend)."""
        self.notify(f"Not saved: {message.error}", severity="error", markup=False, timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker of the app's parts ends here (ui/workers.py): its result goes
        to the part that asked, a failure becomes a one-line notice."""
        follow_up(self, event)

    def action_quit(self) -> None:
        # ctrl+q is acted on as it arrives; the words typed just before it in the
        # same burst may still be on their way to the field. Quit once they are in.
        self.saving.after_queued_input(self.saving.quit_asked)

    # --- keys typed ahead: they go where the focus goes (ui/typeahead.py) ---------------

    async def on_event(self, event: events.Event) -> None:
        await self.keys.route(event, super().on_event)

    def on_key(self, event: events.Key) -> None:
        self.keys.handled(event)  # it came back up to the app: its command has run

    def load_later_css(self) -> None:
        """Add the rules of everything but the first screen (later.tcss) to the
        stylesheet, once. Textual parses a stylesheet before the first frame: the
        whole of it took ~10 ms, and the first screen needs a fifth of it (app.tcss).
        Called once the first frame is painted, before the other steps are mounted,
        and before any other screen opens (a screen pushed before the first paint,
        the name prompt, brings it forward). A widget takes its styles as it is
        mounted: none that later.tcss styles may be mounted before this."""
        if not self._later_css:
            self._later_css = True
            self.stylesheet.read(LATER_CSS)  # parsed (by itself) as the next widget is styled

    def switch_mode(self, mode: str) -> Any:
        self.load_later_css()
        return super().switch_mode(mode)

    def push_screen(self, screen: Any, callback: Any = None, *args: Any, **kwargs: Any) -> Any:
        self.load_later_css()
        if callback is not None and not isinstance(screen, str):
            callback = self.keys.answer_callback(screen, callback)  # keys may wait for the answer to be acted on
        result = super().push_screen(screen, callback, *args, **kwargs)
        self.keys.screen_pushed(self.screen)
        return result

    def action_focus_now(self, direction: str) -> None:
        """tab / shift+tab: move the focus at once, unless the screen or the focused
        widget uses the key itself (the explainer's tab goes to the next category)."""
        key = "tab" if direction == "next" else "shift+tab"
        active = self.screen.active_bindings.get(key)
        if active is None or active.node is not self:
            raise SkipAction()
        tab_goes_to = getattr(self.focused, "tab_goes_to", None)  # a field that says where tab goes
        if direction == "next" and tab_goes_to is not None:
            self.screen.set_focus(tab_goes_to())
        elif direction == "next":
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def action_enter_now(self) -> None:
        """enter in a field that moves on when it is pressed (see LiteralInput)."""
        if not getattr(self.focused, "next_on_enter", False):
            raise SkipAction()
        self.screen.focus_next()

    def action_help(self) -> None:
        from coachtui.ui.help import help_for
        from coachtui.ui.modals import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # f1 again closes it
            return
        self.push_screen(HelpScreen(help_for(self.screen)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_sync":  # f8 is the team list's members key when no sync runs
            return "hub" in self.__dict__ and self.hub.running()  # no sync ran before the hub was made
        return True

    def action_stop_sync(self) -> None:
        """f8: stop a sync running in the background (see ui/syncing.py)."""
        self.hub.stop()

    def action_explain(self) -> None:
        """f6: open the explainer (or close it when it is open)."""
        from coachtui.ui.screens.explainer import ExplainerScreen, open_explainer

        if isinstance(self.screen, ExplainerScreen):
            self.screen.dismiss(None)
        else:
            open_explainer(self)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from coachtui.ui.palette import system_commands

        return system_commands(self, super().get_system_commands(screen))

    def action_show(self, mode: str) -> None:
        """Show one of the top-level areas; each loads fresh data when shown."""
        if self.current_mode != mode:
            self.switch_mode(mode)
        self.call_after_refresh(self.mode_shown)

    def mode_shown(self) -> None:
        """The area on screen loads fresh data (after a switch, or a sync)."""
        screen = self.screen
        if isinstance(screen, SessionScreen):
            if screen.current_step == "team" and self.store is not None:
                screen.team_step.reload()
            return
        shown = getattr(screen, "on_mode_shown", None)
        if shown is not None:
            shown()


def create_app(
    database: str,
    *,
    settings: Settings | None = None,
    settings_path: Path | None = None,
    save_delays: tuple[float, float] = (0.3, 0.8),
    demo: bool = False,
    early_teams: EarlyTeams | None = None,
) -> CoachApp:
    """Build the app for a database path or URL (the CLI and the tests share this).
    With ``demo``, ``database`` is ignored: the app makes its own throwaway one.
    ``early_teams``: the team list already being read (see coachtui.ui.run)."""
    return CoachApp(
        database,
        settings=settings,
        settings_path=settings_path,
        save_delays=save_delays,
        demo=demo,
        early_teams=early_teams,
    )
