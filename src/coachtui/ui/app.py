"""The coachtui Textual app, built by :func:`create_app` (shared by the CLI and tests).

The first screen paints before the database layer is imported: opening the store
(SQLModel/SQLAlchemy, migrations) runs in a worker thread, and the team list fills
in when it is ready.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.actions import SkipAction
from textual.binding import Binding
from textual.screen import Screen

from coachtui.config import Settings, SettingsError, load_settings, save_settings
from coachtui.text import one_line
from coachtui.ui import freeze_gc
from coachtui.session.controller import SessionController
from coachtui.session.saver import SaveQueue, SaveStatus
from coachtui.ui.messages import SaveDropped, SaveStatusChanged, SessionSaveRefused
from coachtui.ui.screenshots import ScreenshotMixin
from coachtui.ui.screens.session import SessionScreen
from coachtui.ui.syncing import SyncMixin
from coachtui.ui.themes import THEMES
from coachtui.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver
    from textual.theme import Theme

    from coachtui.catalog import Catalog
    from coachtui.catalog.classifier import Adaptation
    from coachtui.store.service import Store
    from coachtui.store.types import SessionInfo, TeamInfo
    from coachtui.session.model import SessionModel

# Only the session screen is needed for the first paint; everything else is imported
# when first shown, so start-up does not pay for screens the coach may never open.


def _styled_now(screen: Screen[Any]) -> Screen[Any]:
    """A new mode screen, marked as styled by the app's current stylesheet.

    Textual 8.2 marks every new screen out of date, so the first switch to a mode
    parses every stylesheet again and restyles every widget of every screen, twice
    (100-200 ms with the session's seven steps mounted). A new screen's widgets get
    the current styles when they mount anyway. This sets Textual's private counter
    (where it still exists): the first visit to history then costs what later ones do.
    """
    app = screen.app
    if isinstance(getattr(app, "_css_update_count", None), int) and hasattr(screen, "_css_update_count"):
        screen._css_update_count = app._css_update_count
    return screen


def _history_screen() -> Screen[Any]:
    from coachtui.ui.screens.history import HistoryScreen

    return _styled_now(HistoryScreen())


def _tracker_screen() -> Screen[Any]:
    from coachtui.ui.screens.tracker import TrackerScreen

    return _styled_now(TrackerScreen())


def _trends_screen() -> Screen[Any]:
    from coachtui.ui.screens.trends import TrendsScreen

    return _styled_now(TrendsScreen())


def _team_commands() -> type[Provider]:
    from coachtui.ui.palette import TeamCommands

    return TeamCommands


# Demo mode's sample data: a dozen teams, about eighteen months of sessions.
DEMO_SESSIONS = 360
DEMO_TEAMS = 12
DEMO_SEED = 1
DEMO_COACH = "Demo coach"
# Backups to keep while the settings file cannot be read: all of them.
KEEP_ALL_BACKUPS = sys.maxsize

GENERAL_HELP = """\
## In a text field

| key | |
|---|---|
| **tab** / **shift+tab** | next / previous field |
| **ctrl+z** / **ctrl+y** | undo / redo (in the dilemma, the context and notes) |
| **ctrl+end** / **ctrl+home** | end / start of the whole text |
| **end** / **home** | end / start of the line |
| **ctrl+w** / **ctrl+u** / **ctrl+k** | delete the word before / to the start / to the end of the line |

## Everywhere

A coaching session runs through seven steps; the bar at the top shows them, with ●
on the steps that have content. Everything is saved as you type.

| key | |
|---|---|
| **ctrl+n** / **alt+→** | next step |
| **ctrl+b** / **alt+←** | previous step |
| **ctrl+g**, then **1 … 7** | go to a step (or click it in the bar; alt+1 … alt+7 where the terminal sends them) |
| **ctrl+p** | command palette: every step and action by name |
| **f2** / **f3** / **f4** / **f5** | the session / history / action tracker / trends |
| **f6** | the four categories explained (esc comes back) |
| **f1** | this help (f1 again closes it) |
| **ctrl+q** | quit (waits until everything is saved; asks if something could not be) |

These keys work inside every text field too.
"""


# Seconds without typing before a dialog about a refused save opens.
PAUSE_BEFORE_ASKING = 0.8


class CoachApp(SyncMixin, ScreenshotMixin, App[None]):
    TITLE = "coachtui"
    CSS_PATH = "app.tcss"
    SCREENS = {"session": SessionScreen}
    # The "session" mode is added in on_mount (see get_default_screen).
    MODES = {"history": _history_screen, "actions": _tracker_screen, "themes": _trends_screen}
    DEFAULT_MODE = "session"
    COMMANDS = App.COMMANDS | {_team_commands}
    # The keys the help promises everywhere are priority bindings: the app acts on
    # them as they arrive, before the focused field sees them. A text area has its
    # own f6 (select the line: the next key typed replaced it) and f7; an app key
    # must never reach it.
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", priority=True),
        # "?" is text inside a field; elsewhere it opens the help too.
        Binding("question_mark", "help", "Help", show=False, id="app.help-question"),
        Binding("f2", "show('session')", "Session", show=False, id="app.session", priority=True),
        Binding("f3", "show('history')", "History", show=False, id="app.history", priority=True),
        Binding("f4", "show('actions')", "Actions", show=False, id="app.actions", priority=True),
        Binding("f5", "show('themes')", "Trends", show=False, id="app.themes", priority=True),
        Binding("f6", "explain", "Categories", show=False, id="app.explain", priority=True),
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
    ) -> None:
        super().__init__()
        for theme in THEMES:
            self.register_theme(theme)
        self.database = database
        # Demo mode: a throwaway database full of sample data in a private temporary
        # folder; the coach's own database and settings are never opened or written.
        self.demo = demo
        self._demo_folder: Path | None = None
        self.settings_path = settings_path
        # A settings file with a mistake: said once, in one line; the app runs on the
        # defaults and neither rewrites the file nor rotates backups by a default count.
        self.settings_problem: str | None = None
        if settings is None:
            settings = self._read_settings(settings_path, demo)
        self.settings = settings
        self.store: Store | None = None
        self.store_error: str | None = None
        self._painted = False  # _after_first_paint has run
        # Set once the team list read without SQLAlchemy is on the screen.
        self._quick_list_drawn = threading.Event()
        self.teams: list[TeamInfo] = []
        self.save_status = SaveStatus("idle")
        debounce, max_wait = save_delays
        self.saver = SaveQueue(
            lambda: self.store,
            on_status=lambda status: self.post_message(SaveStatusChanged(status)),
            on_dropped=lambda label, exc: self.post_message(SaveDropped(label, str(exc))),
            debounce=debounce,
            max_wait=max_wait,
        )
        self.session = SessionController(self.saver, on_change=self._session_changed)
        # What the category suggestion learned from completed sessions (set by a worker).
        self.suggest_adaptation: Adaptation | None = None
        for kind in ("session", "lost"):
            self.session.conflict_handlers[kind] = lambda conflict: self.post_message(SessionSaveRefused(conflict))
        self._asking_about: set[str] = set()  # sessions the coach is being asked about
        # Private copies of sessions whose saves were refused, one file a session.
        self._recovery_copies: dict[str, Path] = {}
        self._copy_due = False

    def _read_settings(self, path: Path | None, demo: bool) -> Settings:
        if demo:  # a demo never opens the coach's settings: a name of its own
            return Settings(coach_name=DEMO_COACH, name_asked=True)
        try:
            return load_settings(path)
        except SettingsError as exc:
            self.settings_problem = str(exc)
            return Settings(name_asked=True)

    def get_driver_class(self) -> type[Driver]:
        """Textual's terminal driver, but one that keeps a pasted text whole and
        exactly as pasted (see coachtui.ui.driver)."""
        driver_class = super().get_driver_class()
        if sys.platform == "win32":
            return driver_class  # Textual's Windows driver; the Linux one does not import there
        from textual.drivers.linux_driver import LinuxDriver

        if driver_class is LinuxDriver:
            from coachtui.ui.driver import CoachDriver

            return CoachDriver
        return driver_class

    @cached_property
    def catalog(self) -> Catalog:
        """The categories and question bank, read when first needed (after the first
        paint: the store's worker thread loads it once the team list is shown)."""
        from coachtui.catalog import load_catalog

        return load_catalog()

    # --- start-up -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The session screen starts the app as a plain default screen: a mode from
        MODES would make Textual parse every stylesheet a second time before the first
        paint (~20 ms). on_mount then names it the "session" mode, for switch_mode."""
        return self.get_screen("session")

    def on_mount(self) -> None:
        self.add_mode("session", "session")
        self._catch_hangup()
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.saver.start()
        if self.settings_problem is not None:
            self.notify(
                f"Your settings could not be read: {self.settings_problem}. coachtui runs on its defaults "
                "and leaves the file as it is; fix it and start again.",
                severity="warning",
                timeout=30,
                markup=False,
            )
        # Ask for the name straight away (it needs no database), so nothing the
        # coach types while the database opens ends up in the wrong field.
        self._pending_drafts: list[SessionInfo] | None = None
        if self.demo and not self.settings.coach_name:
            self.settings = self.settings.with_changes(coach_name=DEMO_COACH)
        self._asking_name = not (self.settings.coach_name or self.settings.name_asked)
        # An encrypted database asks for its passphrase first: a passphrase typed ahead
        # must never land in the name field (and in the settings file).
        self._name_deferred = False
        if self._asking_name and not self.demo:
            from coachtui.store.crypto import may_be_encrypted  # sqlite3: only when it is needed

            self._name_deferred = may_be_encrypted(self.database)
        if self._asking_name and not self._name_deferred:
            self._ask_name()
        self._peek_teams()

    def _catch_hangup(self) -> None:
        """Closing the terminal window (SIGHUP) ends the app: what is typed is saved,
        and a demo's throwaway database is removed. Without this the process just
        died, leaving the demo database in the temporary folder."""
        import asyncio

        if not hasattr(signal, "SIGHUP"):
            return
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hung_up)
        except (NotImplementedError, RuntimeError, ValueError):
            return  # not the main thread (an app run inside another program)
        self._hangup_caught = True

    def _hung_up(self) -> None:
        """The terminal is gone: nothing can be drawn or asked any more. Save what was
        typed, close the database, remove a demo's, and end the process here: Textual's
        own shutdown can wait for ever on a terminal that is gone (its writer thread)."""
        try:
            self.saver.flush(timeout=3)
            self.saver.stop()
            if self.store is not None:
                self.store.close()
        finally:
            self.remove_demo()
            os._exit(128 + signal.SIGHUP)

    def on_ready(self) -> None:
        """The first frame is on its way: start everything that could wait for it."""
        self.call_after_refresh(self._after_first_paint)
        # Textual hands that callback to the screen on top, and a prompt pushed at
        # start (the coach's name) can be dismissed before it runs it: then this does.
        self.set_timer(0.3, self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._painted:
            return
        self._painted = True
        freeze_gc()  # Textual and the first screen live as long as the app
        if self._quick_list_drawn.is_set():
            self.session_screen.mount_later_steps()
        # Opening the database (SQLAlchemy: ~0.4 s of imports) starts only now: a
        # thread importing it during start-up delays the first paint (imports hold the
        # interpreter lock). The other six steps are built once the team list shows.
        self._open_store()

    @work(thread=True, exclusive=True, group="quick-teams")
    def _peek_teams(self) -> None:
        """The team list straight from the file (the standard library's sqlite3, read
        only), started with the first screen so that it can be drawn with it or just
        after; the store's own list replaces it once the store is open."""
        from coachtui.store.quick import peek_teams

        # None for anything but a plain coachtui SQLite file of the current schema: an
        # encrypted file, a PostgreSQL URL, a new or older database wait for the store.
        teams = None if self.demo else peek_teams(self.database)
        self.call_from_thread(self._quick_teams_ready, teams)

    def _quick_teams_ready(self, teams: list[TeamInfo] | None) -> None:
        if teams is not None and self.store is None and not self.teams:
            self.teams = list(teams)
            pane = self.session_screen.pane("team")
            pane.show_teams(teams)  # type: ignore[attr-defined]
            # The table's own callback runs once it is mounted and the screen has
            # been refreshed with it (the app's would run before it is even mounted).
            # Under a prompt (the coach's name) the list is not drawn now: nothing to wait for.
            if self.screen is self.session_screen:
                for table in pane.query("#team-table"):
                    table.call_after_refresh(self._quick_list_shown)
                    return
                self.call_after_refresh(self._quick_list_shown)  # no teams yet: the welcome line
                return
        self._quick_list_shown()

    def _quick_list_shown(self) -> None:
        self._quick_list_drawn.set()
        if self._painted:
            self.session_screen.mount_later_steps()

    @work(thread=True, exclusive=True, group="open-store")
    def _open_store(self, passphrase: str | None = None) -> None:
        # Loading SQLAlchemy (next, in this thread) holds the interpreter for long
        # stretches: the quick team list is drawn first, or the coach waits for both.
        # Bounded, in case the list cannot be drawn now (a prompt on top).
        self._quick_list_drawn.wait(timeout=2.0)
        from coachtui.store import open_store
        from coachtui.store.errors import PassphraseNeeded, StoreError, WrongPassphrase

        try:
            store = self._open_demo() if self.demo else open_store(self.database, passphrase=passphrase)
            teams = store.list_teams()
            drafts = self._drafts_worth_offering(store)
            custom = store.list_custom_questions()
        except PassphraseNeeded as exc:
            wrong = passphrase is not None or isinstance(exc, WrongPassphrase)
            self.call_from_thread(self._ask_passphrase, wrong and passphrase is None, wrong)
            return
        except StoreError as exc:
            self.call_from_thread(self._store_failed, str(exc))
            return
        self.call_from_thread(self._store_ready, store, teams, drafts, custom)
        if not self.demo:
            self._daily_backup(store)
        # What follows only reads (the question bank, the date parser, the category
        # model and past sessions to learn from) and can take seconds on a busy
        # machine: a daemon thread, so that quitting never waits for it (a thread
        # worker would hold up the exit until it finished).
        threading.Thread(target=self._warm_up, args=(store,), name="coachtui-warm-up", daemon=True).start()

    def _warm_up(self, store: Store) -> None:
        from coachtui.dates import warm_up

        try:
            self.catalog  # noqa: B018 - read the question bank now, off the UI thread
            warm_up()
            self._learn_categories(store)
        except Exception:  # noqa: BLE001 - only a head start: what failed here is read again when needed
            return
        freeze_gc()  # SQLAlchemy, the store and dateparser live as long as the app

    # A draft nothing was typed in, untouched this long, is cleared away at start (one
    # left by a crash, say); a younger one may be open in a second window right now.
    EMPTY_DRAFT_AGE = 12 * 3600

    def _drafts_worth_offering(self, store: Store) -> list[SessionInfo]:
        """The drafts to offer (in a worker thread): none that is empty. This coach's
        own empty drafts older than EMPTY_DRAFT_AGE are deleted."""
        import datetime as dt

        from coachtui.store.errors import StoreError

        drafts = store.list_drafts()
        empty = store.empty_draft_ids()
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self.EMPTY_DRAFT_AGE)
        for draft in self.own_drafts([d for d in drafts if d.id in empty and d.updated_at < cutoff]):
            try:
                store.discard_empty_draft(draft.id)
            except StoreError:
                break  # tidying can wait for the next start
        return [d for d in drafts if d.id not in empty]

    def _open_demo(self) -> Store:
        """A fresh throwaway database with a dozen teams and months of sessions."""
        import tempfile

        from coachtui.store import open_store
        from coachtui.store.demo import generate_demo_data

        self._demo_folder = Path(tempfile.mkdtemp(prefix="coachtui-demo-"))
        self.database = str(self._demo_folder / "demo.db")
        store = open_store(self.database)
        try:
            generate_demo_data(store, sessions=DEMO_SESSIONS, teams=DEMO_TEAMS, seed=DEMO_SEED)
        except BaseException:
            store.close()
            raise
        return store

    def remove_demo(self) -> None:
        import shutil

        if self._demo_folder is not None:
            shutil.rmtree(self._demo_folder, ignore_errors=True)
            self._demo_folder = None

    def action_reset_demo(self) -> None:
        from coachtui.ui.modals import ConfirmScreen

        if not self.demo:
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._reset_demo()

        self.push_screen(
            ConfirmScreen("Throw away every change and start the demo afresh?", yes="Reset", no="Keep"), done
        )

    @work(thread=True, exclusive=True, group="open-store")
    def _reset_demo(self) -> None:
        self.saver.flush(timeout=3)
        self.call_from_thread(self._before_demo_reset)
        old, self.store = self.store, None
        if old is not None:
            old.close()
        self.remove_demo()
        try:
            store = self._open_demo()
            teams, custom = store.list_teams(), store.list_custom_questions()
        except Exception as exc:  # noqa: BLE001 - shown, the app keeps running
            self.call_from_thread(self.notify, f"Could not reset the demo: {exc}", severity="error", markup=False)
            return
        self.call_from_thread(self._after_demo_reset, store, teams, custom)

    def _before_demo_reset(self) -> None:
        if self.current_mode != "session":
            self.switch_mode("session")
        self.session_screen.new_session()

    def _after_demo_reset(self, store: Store, teams: list[TeamInfo], custom: list) -> None:  # type: ignore[type-arg]
        self.store = store
        self.teams = list(teams)
        self.session.custom_questions = list(custom)
        self.session_screen.pane("team").show_teams(teams)  # type: ignore[attr-defined]
        self.notify("The demo starts afresh.", markup=False)

    def _daily_backup(self, store: Store) -> None:
        """The first start of each day keeps a backup (in this worker thread)."""
        from coachtui.store.errors import StoreError

        try:
            keep = KEEP_ALL_BACKUPS if self.settings_problem else self.settings.backups_to_keep
            store.ensure_daily_backup(keep=keep)
        except (StoreError, OSError) as exc:
            message = str(exc) if isinstance(exc, StoreError) else (exc.strerror or str(exc))
            self.call_from_thread(
                self.notify, f"Today's backup could not be made: {message}", severity="warning", markup=False
            )

    def _ask_passphrase(self, from_environment: bool, wrong: bool) -> None:
        """Show the masked passphrase prompt (again, after a wrong passphrase)."""
        from coachtui.ui.passphrase import PassphraseScreen

        screen = getattr(self, "_passphrase_screen", None)
        if screen is None:
            location = self.database
            screen = self._passphrase_screen = PassphraseScreen(location, on_submit=lambda p: self._open_store(p))
            self.push_screen(screen)
        if from_environment:
            screen.call_after_refresh(screen.wrong, "COACHTUI_PASSPHRASE does not open it: type the passphrase.")
        elif wrong:
            screen.wrong()

    def _store_failed(self, message: str) -> None:
        self.store_error = message
        self.exit(return_code=1, message=f"coachtui: {message}")

    def _store_ready(self, store: Store, teams: list[TeamInfo], drafts: list[SessionInfo], custom: list) -> None:  # type: ignore[type-arg]
        screen = getattr(self, "_passphrase_screen", None)
        if screen is not None:
            self._passphrase_screen = None
            screen.pop_until_active()
            screen.dismiss()
        self.store = store
        store.coach = self.settings.coach_name  # named on every change this app makes (updated_by)
        self.teams = list(teams)
        self.session.custom_questions = list(custom)
        session_screen = self.session_screen
        session_screen.pane("team").show_teams(teams)  # type: ignore[attr-defined]
        if self._asking_name:
            self._pending_drafts = drafts
            if self._name_deferred:
                self._name_deferred = False
                self._ask_name()
        else:
            self._offer_drafts(drafts)

    def _learn_categories(self, store: Store, extra: tuple[str, str] | None = None) -> None:
        """(In a worker thread.) Teach the category suggestion the categories chosen in
        this database's completed sessions, unless the coach turned that off."""
        import datetime as dt

        from coachtui.catalog.classifier import load_model
        from coachtui.catalog.suggest import learn_from

        model = load_model()  # the model is read here, off the UI thread, not at the first paint
        if model is None or not self.settings.learn_categories:
            self.suggest_adaptation = None
            return
        try:
            since = dt.datetime.fromisoformat(self.settings.learn_since) if self.settings.learn_since else None
        except ValueError:
            since = None
        try:
            examples = store.labelled_dilemmas(since=since)
        except Exception:  # noqa: BLE001 - learning is a bonus; a failed read leaves the base model
            return
        if extra is not None:
            examples.append(extra)
        self.suggest_adaptation = learn_from(examples, self.catalog)

    @work(thread=True, exclusive=True, group="learn-categories")
    def relearn_categories(self, extra: tuple[str, str] | None = None) -> None:
        """Learn again, e.g. after a session is completed (``extra``: that session,
        whose save may still be on its way to the database)."""
        if self.store is not None:
            self._learn_categories(self.store, extra)

    def action_toggle_learning(self) -> None:
        learning = not self.settings.learn_categories
        self.update_settings(learn_categories=learning)
        self.suggest_adaptation = None
        if learning:
            self.relearn_categories()
        self.notify(
            "The category suggestion now learns from completed sessions."
            if learning
            else "The category suggestion no longer learns from completed sessions.",
            markup=False,
        )

    @property
    def cursor_blink(self) -> bool:
        return self.settings.cursor_blink

    def action_toggle_blink(self) -> None:
        from textual.widgets import Input, TextArea

        self.update_settings(cursor_blink=not self.settings.cursor_blink)
        for screen in self.screen_stack:
            for widget in screen.query("*"):
                if isinstance(widget, (Input, TextArea)):
                    widget.cursor_blink = self.settings.cursor_blink
        self.notify("Cursor blinking " + ("on." if self.settings.cursor_blink else "off."), markup=False)

    @property
    def session_screen(self) -> SessionScreen:
        return self.get_screen("session")  # type: ignore[return-value]

    def _ask_name(self) -> None:
        from coachtui.ui.modals import TextPromptScreen

        def done(value: str | None) -> None:
            name = " ".join((value or "").split())
            self.update_settings(coach_name=name, name_asked=True)
            self._asking_name = False
            if self._pending_drafts is not None:
                drafts, self._pending_drafts = self._pending_drafts, None
                self._offer_drafts(drafts)
            else:
                self.session_screen.pane("team").activate()

        self.push_screen(
            TextPromptScreen(
                "What is your name?",
                placeholder="Your name, as the team knows you",
                help_text="It is kept with the sessions you run, so a shared history shows who coached. "
                "Change it any time from the command palette (ctrl+p). esc skips.",
                validate=_check_name,
            ),
            done,
        )

    def _offer_drafts(self, drafts: list[SessionInfo]) -> None:
        from coachtui.ui.modals import ResumeScreen

        drafts = self.own_drafts(drafts)
        team_step = self.session_screen.pane("team")
        if not drafts:
            team_step.activate()
            return
        team_step.forget_pending_choice()  # type: ignore[attr-defined]

        def done(choice: str | None) -> None:
            if choice and choice != "new":
                self.resume_session(choice)
            else:
                self.session_screen.pane("team").activate()

        self.push_screen(ResumeScreen(drafts, discard=self._discard_draft), done)

    def own_drafts(self, drafts: list[SessionInfo]) -> list[SessionInfo]:
        """The drafts to offer at start: this coach's own (and unnamed ones). A shared
        or synced database holds other coaches' unfinished sessions too; those stay
        one palette command away ("Resume a draft"). Demo mode offers all of them."""
        me = " ".join(self.settings.coach_name.split()).casefold()
        if self.demo or not me:
            return drafts
        return [d for d in drafts if " ".join(d.coach.split()).casefold() in ("", me)]

    def _discard_draft(self, session_id: str) -> None:
        self.saver.submit("discard draft", lambda store: store.discard_draft(session_id))

    def resume_session(self, session_id: str) -> None:
        if not self.keeps_unsaved_session():
            self._resume_session(session_id)

    @work(thread=True, exclusive=True, group="session-load")
    def _resume_session(self, session_id: str) -> None:
        from coachtui.store.errors import StoreError

        store = self.store
        if store is None:
            return
        try:
            self.saver.flush(timeout=3)
            model = _session_model(store, session_id)
        except StoreError as exc:
            self.call_from_thread(self.notify, f"Could not open that session: {exc}", severity="error", markup=False)
            return
        self.call_from_thread(self.session_screen.resume, model)

    # --- settings ---------------------------------------------------------------------------

    def update_settings(self, **changes: Any) -> bool:
        """Change the settings for this run and keep them in the settings file;
        whether they were kept (a demo, or a file with a mistake, keeps nothing)."""
        self.settings = self.settings.with_changes(**changes)
        if self.store is not None:
            self.store.coach = self.settings.coach_name
        if self.demo:
            return False  # a demo never changes the coach's own settings
        if self.settings_problem is not None:
            self.notify(
                "Used for now, but not saved in your settings file: it has a mistake to fix first "
                f"({self.settings_problem}).",
                severity="warning",
                markup=False,
            )
            return False
        try:
            save_settings(self.settings, self.settings_path)
        except OSError as exc:
            self.notify(f"Could not save your settings: {exc.strerror or exc}", severity="warning", markup=False)
            return False
        return True

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self.settings.theme:
            self.update_settings(theme=theme.name)

    def action_change_name(self) -> None:
        from coachtui.ui.modals import TextPromptScreen

        def done(value: str | None) -> None:
            if value is not None:
                if self.update_settings(coach_name=" ".join(value.split()), name_asked=True) or self.demo:
                    self.notify("Name saved; it is used for the sessions you start from now on.", markup=False)

        self.push_screen(
            TextPromptScreen(
                "Your name",
                value=self.settings.coach_name,
                validate=_check_name,
            ),
            done,
        )

    # --- saving ----------------------------------------------------------------------------

    def on_save_status_changed(self, message: SaveStatusChanged) -> None:
        self.save_status = message.status
        for bar in self.query(StatusBar):
            bar.save = message.status
        try:
            self.session_screen.query_one(StatusBar).save = message.status
        except Exception:  # noqa: BLE001 - the screen may not be composed yet
            pass

    def on_save_dropped(self, message: SaveDropped) -> None:
        self.notify(f"Could not save ({message.label}): {message.error}", severity="error", timeout=10, markup=False)

    def _session_changed(self) -> None:
        try:
            screen = self.session_screen
        except Exception:  # noqa: BLE001 - during start-up
            return
        screen.session_changed()
        if self._unsettled() and not self._copy_due:
            # The database refuses this session's saves until the coach settles it:
            # what is typed meanwhile goes to a private file, within half a second.
            self._copy_due = True
            self.set_timer(0.5, self._keep_unsettled_copy)

    def _unsettled(self) -> bool:
        """Whether the open session's saves are refused for now (another window
        or coach saved it first, or it is gone) and wait for the coach's answer."""
        model = self.session.model
        if model is None:
            return False
        return model.session_id in self.saver.conflicts or self.saver.is_lost(model.session_id)

    def _keep_unsettled_copy(self) -> None:
        self._copy_due = False
        if self._unsettled():
            self.write_recovery_copy(quiet=True)

    def action_quit(self) -> None:
        # ctrl+q is acted on as it arrives; the words typed just before it in the
        # same burst may still be on their way to the field. Quit once they are in.
        self.after_queued_input(self._quit_asked)

    def after_queued_input(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once every key already typed has reached its field and
        the field's change has reached the session: hop along the focused widget's
        ancestors, each hop queued behind what that widget still has to handle."""
        focused = self.focused
        nodes = list(focused.ancestors_with_self) if focused is not None else [self]

        def hop(index: int) -> None:
            if index >= len(nodes):
                callback()
            else:
                nodes[index].call_later(hop, index + 1)

        hop(0)

    def _quit_asked(self) -> None:
        open_conflicts = self.saver.conflicts
        if open_conflicts or self.saver.dropped:
            self._confirm_quit_with_unsaved(list(open_conflicts.values()) or [self.saver.dropped])
            return
        self._quit_when_saved()

    def _confirm_quit_with_unsaved(self, lines: list[str]) -> None:
        """Something typed is not in the database (another coach saved first, the
        session is gone, or a write was refused): quitting never drops it unasked."""
        from coachtui.ui.modals import ChoiceScreen

        model = self.session.model
        lost = model is not None and self.saver.is_lost(model.session_id)

        def done(choice: str | None) -> None:
            if choice == "new":
                self.session.keep_as_new_draft()
                self._quit_when_saved()
            elif choice == "copy":
                path = self.write_recovery_copy()
                if path is not None:
                    self.exit(message=f"coachtui: what was not saved is in {path}")
            elif choice == "quit":
                self._quit_when_saved()

        choices: list[tuple[str, str, str]] = []
        offers: list[str] = []
        if lost:
            choices.append(("n", "New draft", "new"))
            offers.append("Keep my text as a new draft and quit")
        if model is not None:
            choices.append(("s", "Copy to a file", "copy"))
            offers.append("save a copy to a file and quit")
        choices.append(("q", "Quit and lose it", "quit"))
        offers.append("quit and lose it")
        what = one_line("; ".join(lines), 200)
        options = ", ".join(offers[:-1]) + " or " + offers[-1] if len(offers) > 1 else offers[0]
        question = f"Not saved: {what}. {options[:1].upper()}{options[1:]}? (esc stays)"
        self.push_screen(ChoiceScreen(question, choices), done)

    # --- the open session refused for good ------------------------------------------------

    def on_session_save_refused(self, message: SessionSaveRefused) -> None:
        conflict = message.conflict
        model = self.session.model
        if model is None or model.session_id != conflict.session_id:
            self.saver.resolve(conflict.session_id)
            return
        if conflict.session_id in self._asking_about:
            return  # one question at a time; the answer settles every refusal
        self._asking_about.add(conflict.session_id)
        self.write_recovery_copy(quiet=True)  # until the coach answers, the text is safe in a file
        self._ask_at_a_pause(conflict)

    def _ask_at_a_pause(self, conflict: Any) -> None:
        """Ask once the coach pauses: a dialog popping up mid-word would take the
        next keys (and a letter could answer it). Until then the status bar says
        the typing is not saved, and what is typed stays in the field."""
        model = self.session.model
        if model is None or model.session_id != conflict.session_id:
            self._asking_about.discard(conflict.session_id)
            self.saver.resolve(conflict.session_id)
            return
        if self.saver.quiet_for() < PAUSE_BEFORE_ASKING:
            self.set_timer(0.2, lambda: self._ask_at_a_pause(conflict))
            return
        if conflict.kind == "lost":
            self._offer_new_draft(conflict)
        else:
            self._ask_keep_or_reload(conflict)

    def keeps_unsaved_session(self) -> bool:
        """Before the open session is closed (a new session, another draft): if its
        typing cannot be saved, say so and offer to keep it, instead of dropping it.
        True: the coach is being asked; do not close it now."""
        model = self.session.model
        if model is None or model.session_id not in self.saver.conflicts:
            return False
        if self.saver.is_lost(model.session_id) and model.session_id not in self._asking_about:
            from coachtui.session.conflicts import Conflict
            from coachtui.store.errors import NotFound

            self._asking_about.add(model.session_id)
            error = NotFound(self.saver.conflicts[model.session_id].capitalize() + ".")
            self._offer_new_draft(Conflict("lost", model.session_id, model.session_id, error))
        else:
            self.notify(
                "This session's latest typing is not saved (see the status bar): settle that first.",
                severity="warning",
                markup=False,
            )
        return True

    def _offer_new_draft(self, conflict: Any) -> None:
        from coachtui.ui.modals import ChoiceScreen

        def done(choice: str | None) -> None:
            self._asking_about.discard(conflict.session_id)
            model = self.session.model
            if model is None or model.session_id != conflict.session_id:
                return
            if choice == "new":
                self.session.keep_as_new_draft()
                self.notify("Kept as a new draft: everything you typed is saved again.", markup=False)
            elif choice == "copy":
                path = self.write_recovery_copy()
                if path is not None:
                    self.notify(f"A copy is in {path}. This session is still not saved.", markup=False, timeout=10)

        reason = one_line(str(conflict.error), 160)
        self.push_screen(
            ChoiceScreen(
                f"{reason} What you typed is still on your screen, but it cannot be saved into that session.",
                [
                    ("n", "Keep my text as a new draft", "new"),
                    ("s", "Save a copy to a file", "copy"),
                    ("esc", "Not now", ""),
                ],
            ),
            done,
        )

    def _ask_keep_or_reload(self, conflict: Any) -> None:
        from coachtui.ui.conflicts import ask_keep_or_reload

        def done(choice: str | None) -> None:
            self._settle_session(conflict.session_id, choice == "keep")

        ask_keep_or_reload(self, conflict, done)

    @work(thread=True, group="session-conflict")
    def _settle_session(self, session_id: str, keep: bool) -> None:
        """Read the session as it is now (in a worker), then keep mine or reload."""
        from coachtui.store.errors import StoreError

        store = self.store
        try:
            if store is None:
                raise RuntimeError("the database is not open")
            if keep:
                version = store.get_session(session_id).version
                self.call_from_thread(self._kept_mine, session_id, version)
            else:
                model = _session_model(store, session_id)
                self.call_from_thread(self._reloaded, model)
        except (StoreError, RuntimeError) as exc:
            self.call_from_thread(self._not_settled, session_id, str(exc))

    def _kept_mine(self, session_id: str, version: int) -> None:
        self._asking_about.discard(session_id)
        model = self.session.model
        if model is None or model.session_id != session_id:
            self.saver.resolve(session_id)
            return
        self.session.keep_mine(version)
        self.notify("Saving yours on top of the other change.", markup=False)

    def _reloaded(self, model: SessionModel) -> None:
        self._asking_about.discard(model.session_id)
        current = self.session.model
        if current is None or current.session_id != model.session_id:
            self.saver.resolve(model.session_id)
            return
        path = self.write_recovery_copy()
        self.saver.track(model.session_id, model.version)
        self.saver.resolve(model.session_id)
        self.session_screen.resume(model)
        kept = f" What you had typed is in {path}." if path is not None else ""
        self.notify(f"Reloaded: this is the session as it is now.{kept}", markup=False, timeout=10)

    def _not_settled(self, session_id: str, message: str) -> None:
        self._asking_about.discard(session_id)
        self.notify(f"Could not read the session again: {message}", severity="error", markup=False, timeout=10)

    def _quit_when_saved(self) -> None:
        if self.saver.pending == 0:
            self.exit()
            return
        self.notify("Saving before quitting…", markup=False)
        self._quit_after_saving()

    @work(thread=True, exclusive=True, group="quit")
    def _quit_after_saving(self) -> None:
        if self.saver.flush(timeout=3):
            self.call_from_thread(self.exit)
            return
        self.call_from_thread(self._cannot_save_on_quit)

    def _cannot_save_on_quit(self) -> None:
        from coachtui.ui.modals import ChoiceScreen

        def done(choice: str | None) -> None:
            if choice == "copy":
                path = self.write_recovery_copy()
                if path is not None:
                    self.exit(message=f"coachtui: the unsaved session was written to {path}")
            elif choice == "quit":
                self.exit()

        reason = self.saver.last_error or "the database is not answering"
        self.push_screen(
            ChoiceScreen(
                f"Some changes are not in the database yet: {one_line(reason, 200)}. "
                "coachtui keeps retrying while it runs.",
                [
                    ("k", "Keep trying", "keep"),
                    ("s", "Save a copy to a file and quit", "copy"),
                    ("q", "Quit and lose them", "quit"),
                ],
            ),
            done,
        )

    def write_recovery_copy(self, *, quiet: bool = False) -> Path | None:
        """Write the open session, as on screen, to a private Markdown file: one
        file a session, written again with each call (``quiet``: no notification
        when it cannot be written; the next change tries again)."""
        import datetime as dt

        from coachtui import paths
        from coachtui.config import write_private_text
        from coachtui.store.markdown import session_markdown

        model = self.session.model
        if model is None:
            return None
        text = session_markdown(model.to_detail(), self.catalog)
        known = self._recovery_copies.get(model.session_id)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        candidates = [known] if known is not None else [
            folder / f"coachtui-unsaved-{stamp}-{model.session_id[:8]}.md"
            for folder in (paths.data_dir() / "unsaved", Path.home())
        ]
        errors = []
        for path in candidates:
            try:
                write_private_text(path, text)
            except OSError as exc:
                errors.append(f"{path.parent}: {exc.strerror or exc}")
                continue
            self._recovery_copies[model.session_id] = path
            return path
        if not quiet:
            self.notify("Could not write a copy: " + "; ".join(errors), severity="error", markup=False)
        return None

    def on_unmount(self) -> None:
        self.session.leave()  # an empty draft is not kept
        self.saver.flush(timeout=2)
        self.saver.stop()
        if self.store is not None:
            self.store.close()
        self.remove_demo()
        if getattr(self, "_hangup_caught", False):
            import asyncio

            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    # --- help and the command palette ---------------------------------------------------------

    def action_focus_now(self, direction: str) -> None:
        """tab / shift+tab: move the focus at once, unless the screen or the focused
        widget uses the key itself (the explainer's tab goes to the next category)."""
        key = "tab" if direction == "next" else "shift+tab"
        active = self.screen.active_bindings.get(key)
        if active is None or active.node is not self:
            raise SkipAction()
        if direction == "next":
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def action_enter_now(self) -> None:
        """enter in a field that moves on when it is pressed (see LiteralInput)."""
        if not getattr(self.focused, "next_on_enter", False):
            raise SkipAction()
        self.screen.focus_next()

    def action_help(self) -> None:
        from coachtui.ui.modals import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # f1 again closes it
            return
        text = GENERAL_HELP
        screen = self.screen
        if isinstance(screen, SessionScreen):
            # What this step is for comes first; the keys that work everywhere after.
            text = screen.pane(screen.current_step).HELP + "\n" + GENERAL_HELP
        elif getattr(screen, "HELP", ""):
            text = screen.HELP + "\n" + GENERAL_HELP
        self.push_screen(HelpScreen(text))

    # --- the category explainer ---------------------------------------------------------------

    def action_explain(self) -> None:
        """f6: open the explainer (or close it when it is open)."""
        from coachtui.ui.screens.explainer import ExplainerScreen

        if isinstance(self.screen, ExplainerScreen):
            self.screen.dismiss(None)
        else:
            self.open_explainer()

    def open_explainer(self, category_id: str | None = None) -> None:
        """Show the four categories, starting at ``category_id`` or, by default, at the
        category the coach is looking at: the highlighted card on the category step, else
        the session's primary category. Closing it returns to exactly where they were."""
        from coachtui.ui.screens.explainer import ExplainerScreen

        if isinstance(self.screen, ExplainerScreen):
            if category_id:
                self.screen.show(category_id)
            return
        if category_id is None:
            category_id = self._category_in_view()
        self.push_screen(ExplainerScreen(self.catalog, category_id))

    def _category_in_view(self) -> str | None:
        session_screen = self.session_screen
        if session_screen.current_step == "category":
            highlighted = session_screen.pane("category").highlighted_category()  # type: ignore[attr-defined]
            if highlighted:
                return highlighted
        model = self.session.model
        return model.primary if model is not None else None

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from coachtui.session.model import STEP_TITLES

        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # Textual's writes a world-readable file
                command = SystemCommand(
                    "Screenshot",
                    "Save an SVG picture of this screen, readable by you only (the message says where)",
                    lambda: self.set_timer(0.1, self.action_private_screenshot),  # once the palette has closed
                )
            yield command
        session_screen = self.session_screen
        for number, (step, title) in enumerate(STEP_TITLES.items(), 1):
            yield SystemCommand(
                f"Go to step {number}: {title}", f"Show the {title.lower()} step (alt+{number})",
                lambda step=step: self._palette_go(step),
            )
        yield SystemCommand("Session", "The session steps (f2)", lambda: self.action_show("session"))
        yield SystemCommand("History", "Find any session: search and filter (f3)", lambda: self.action_show("history"))
        yield SystemCommand(
            "Action tracker", "Every open action across teams, overdue first (f4)", lambda: self.action_show("actions")
        )
        yield SystemCommand("Trends", "Which categories of dilemma keep coming back, month by month (f5)", lambda: self.action_show("themes"))
        yield SystemCommand("New session", "Close this session (it is saved) and pick a team", session_screen.new_session)
        yield SystemCommand("Resume a draft", "Carry on with an unfinished session", self.action_resume_drafts)
        yield SystemCommand("Complete session", "Mark the session complete", self._palette_complete)
        yield SystemCommand("Copy summary", "Copy the session as Markdown", self._palette_summary("action_copy"))
        yield SystemCommand("Save summary to a file", "Write the session as Markdown", self._palette_summary("action_save_file"))
        yield SystemCommand(
            "Explain the four categories",
            "What each category is about, its signals, examples and questions (f6)",
            self.open_explainer,
        )
        if self.demo:
            yield SystemCommand(
                "Reset the demo", "Throw away every change and start with fresh sample data", self.action_reset_demo
            )
        yield SystemCommand("Your name", "Change the coach name kept with your sessions", self.action_change_name)
        if not self.demo:
            yield SystemCommand(
                "Sync with the hub", "Send your sessions to the network's hub and fetch the others'", self.action_sync
            )
        yield SystemCommand(
            "Suggestion: learning from sessions on/off",
            "Whether the category suggestion learns from the categories chosen in completed sessions",
            self.action_toggle_learning,
        )
        yield SystemCommand(
            "Cursor blinking on/off", "A steady cursor is easier to follow on a projector", self.action_toggle_blink
        )
        yield SystemCommand("Help", "Keys and what this step is for (f1)", self.action_help)

    def action_show(self, mode: str) -> None:
        """Show one of the top-level areas; each loads fresh data when shown."""
        if self.current_mode != mode:
            self.switch_mode(mode)
        self.call_after_refresh(self._mode_shown)

    def _mode_shown(self) -> None:
        screen = self.screen
        if isinstance(screen, SessionScreen):
            if screen.current_step == "team" and self.store is not None:
                screen.pane("team").reload()  # type: ignore[attr-defined]
            return
        shown = getattr(screen, "on_mode_shown", None)
        if shown is not None:
            shown()

    # --- exports and amendments ---------------------------------------------------------------

    def export_sessions(self, session_ids: list[str], suggested: str, what: str = "this session") -> None:
        from coachtui.ui.screens.export import ExportScreen

        self.push_screen(
            ExportScreen(what, name_hint=suggested, session_ids=tuple(session_ids), database=self._database_file()),
            self._run_export,
        )

    def _database_file(self) -> Path | None:
        """The open database's file (None: PostgreSQL), which no export may replace."""
        return self.store.target.path if self.store is not None else None

    def export_team_report(
        self, team_id: str | None, name: str, what: str, *, session_ids: list[str] | None = None
    ) -> None:
        """Export a team's (or every team's) report; ``session_ids`` narrows it to
        those sessions (the themes screen's coach filter)."""
        from coachtui.ui.screens.export import ExportScreen

        self.push_screen(
            ExportScreen(
                what,
                name_hint=f"{name}-report",
                team_id=team_id,
                session_ids=tuple(session_ids or ()),
                formats=("md", "csv", "json"),
                database=self._database_file(),
            ),
            self._run_export,
        )

    def _run_export(self, request: object) -> None:
        if request is not None:
            self._export_worker(request)

    @work(thread=True, group="export")
    def _export_worker(self, request: Any) -> None:
        from coachtui.store.errors import StoreError

        store = self.store
        if store is None:
            return
        self.saver.flush(timeout=3)
        try:
            result = store.export_file(
                request.path,
                request.fmt,
                session_ids=list(request.session_ids) if request.session_ids else None,
                team_id=request.team_id,
                redact=request.redact,
            )
        except (StoreError, OSError) as exc:
            message = str(exc) if isinstance(exc, StoreError) else (exc.strerror or str(exc))
            self.call_from_thread(self.notify, f"Not exported: {message}", severity="error", markup=False)
            return
        noun = "session" if result.sessions == 1 else "sessions"
        self.call_from_thread(
            self.notify, f"Exported {result.sessions} {noun} to {result.path}", markup=False, timeout=8
        )

    @work(thread=True, exclusive=True, group="session-load")
    def amend_session(self, session_id: str) -> None:
        """Reopen a completed session as a draft and carry on with it in the steps."""
        from coachtui.store.errors import StoreError

        store = self.store
        if store is None:
            return
        try:
            self.saver.flush(timeout=3)
            store.reopen_session(session_id)
            model = _session_model(store, session_id)
        except StoreError as exc:
            self.call_from_thread(self.notify, f"Could not reopen it: {exc}", severity="error", markup=False)
            return
        self.call_from_thread(self._amend_shown, model)

    def _amend_shown(self, model: SessionModel) -> None:
        self.switch_mode("session")
        self.session_screen.resume(model)
        self.notify("Reopened for amending: it is a draft again until you complete it.", markup=False)

    def start_with_team(self, team: TeamInfo) -> None:
        """From the palette: start (or go back to) a session with ``team``."""
        if self.current_mode != "session":
            self.switch_mode("session")
        self.session_screen.open_team(team)

    def _palette_go(self, step: str) -> None:
        if self.current_mode != "session":
            self.switch_mode("session")
        self.session_screen.go(step)

    def _palette_complete(self) -> None:
        self._palette_go("summary")
        screen = self.session_screen
        screen.when_steps_ready(lambda: screen.pane("summary").action_complete())  # type: ignore[attr-defined]

    def _palette_summary(self, action: str) -> Any:
        def run() -> None:
            self._palette_go("summary")
            screen = self.session_screen
            screen.when_steps_ready(lambda: getattr(screen.pane("summary"), action)())

        return run

    def action_resume_drafts(self) -> None:
        self._load_drafts_for_palette()

    @work(thread=True, exclusive=True, group="drafts")
    def _load_drafts_for_palette(self) -> None:
        store = self.store
        if store is None:
            return
        current = self.session.model.session_id if self.session.model else None
        empty = store.empty_draft_ids()
        drafts = [d for d in store.list_drafts() if d.id != current and d.id not in empty]
        self.call_from_thread(self._show_drafts, drafts)

    def _show_drafts(self, drafts: list[SessionInfo]) -> None:
        from coachtui.ui.modals import ResumeScreen

        if not drafts:
            self.notify("No other unfinished sessions.", markup=False)
            return

        def done(choice: str | None) -> None:
            if choice and choice != "new":
                if self.current_mode != "session":
                    self.switch_mode("session")
                self.resume_session(choice)

        self.push_screen(ResumeScreen(drafts, discard=self._discard_draft), done)


def _check_name(value: str) -> str | None:
    from coachtui.store.types import COACH_NAME_MAX

    return f"Keep it to {COACH_NAME_MAX} characters." if len(" ".join(value.split())) > COACH_NAME_MAX else None


def _session_model(store: Store, session_id: str) -> SessionModel:
    """Everything the steps show of a saved session (in a worker thread): the session,
    its team, the earlier actions it reviews and the team's session before it."""
    from coachtui.session.model import SessionModel

    detail = store.get_session(session_id)
    team = store.get_team(detail.team_id)
    to_review = store.actions_to_review(session_id)
    last = store.last_session(team.id, before=session_id)
    return SessionModel.from_detail(detail, team, to_review, last)


def create_app(
    database: str,
    *,
    settings: Settings | None = None,
    settings_path: Path | None = None,
    save_delays: tuple[float, float] = (0.3, 0.8),
    demo: bool = False,
) -> CoachApp:
    """Build the app for a database path or URL (the CLI and the tests share this).
    With ``demo``, ``database`` is ignored: the app makes its own throwaway one."""
    return CoachApp(database, settings=settings, settings_path=settings_path, save_delays=save_delays, demo=demo)
