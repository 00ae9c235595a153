"""Start-up: the first paint, the quick team list, opening the store, the coach's
name and passphrase, the daily backup, and the warm-up that follows.

The first screen paints before the database layer is imported: opening the store
(SQLModel/SQLAlchemy, migrations) runs in a worker thread, and the team list fills
in when it is ready (see :class:`~coachtui.ui.messages.StoreReady`).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

from coachtui.ui import freeze_gc
from coachtui.ui.messages import StoreReady
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from textual.driver import Driver

    from coachtui.store.api import Store
    from coachtui.store.types import SessionInfo, TeamInfo
    from coachtui.ui.app import CoachApp
    from coachtui.ui.passphrase import PassphraseScreen

# Backups to keep while the settings file cannot be read: all of them.
KEEP_ALL_BACKUPS = sys.maxsize
# A draft nothing was typed in, untouched this long, is cleared away at start (one
# left by a crash, say); a younger one may be open in a second window right now.
EMPTY_DRAFT_AGE = 12 * 3600


def terminal_driver(driver_class: type[Driver]) -> type[Driver]:
    """Textual's terminal driver, but one that keeps a pasted text whole and
    exactly as pasted (see coachtui.ui.driver)."""
    if sys.platform == "win32":
        return driver_class  # Textual's Windows driver; the Linux one does not import there
    from textual.drivers.linux_driver import LinuxDriver

    if driver_class is LinuxDriver:
        from coachtui.ui.driver import CoachDriver

        return CoachDriver
    return driver_class


class Startup:
    """Everything between the app's mount and a store ready to use."""

    def __init__(self, app: CoachApp) -> None:
        self.app = app
        self.painted = False  # after_first_paint has run
        # Set once the team list read without SQLAlchemy is on the screen.
        self.quick_list_drawn = threading.Event()
        self.hangup_caught = False
        self.pending_drafts: list[SessionInfo] | None = None
        # Keys that had arrived when the team list became the coach's (the name
        # prompt's are not typing on the list: see Drafts.offer).
        self.typed_before_list = 0
        self.asking_name = False
        self.name_deferred = False
        self.passphrase_screen: PassphraseScreen | None = None
        self._passphrase_given = False  # the last opening tried a passphrase

    def mount(self) -> None:
        app = self.app
        self.catch_hangup()
        if app.settings_problem is not None:
            app.notify(
                f"Your settings could not be read: {app.settings_problem}. coachtui runs on its defaults "
                "and leaves the file as it is; fix it and start again.",
                severity="warning",
                timeout=30,
                markup=False,
            )
        # Ask for the name straight away (it needs no database), so nothing the
        # coach types while the database opens ends up in the wrong field.
        from coachtui.ui.demo import DEMO_COACH

        if app.demo and not app.settings.coach_name:
            app.settings = app.settings.with_changes(coach_name=DEMO_COACH)
        self.asking_name = not (app.settings.coach_name or app.settings.name_asked)
        # An encrypted database asks for its passphrase first: a passphrase typed ahead
        # must never land in the name field (and in the settings file).
        self.name_deferred = False
        if self.asking_name and not app.demo:
            from coachtui.store.db.crypto import may_be_encrypted  # sqlite3: only when it is needed

            self.name_deferred = may_be_encrypted(app.database)
        if self.asking_name and not self.name_deferred:
            self.ask_name()
        early = app.early_teams
        if early is None or not early.done.is_set():
            self.peek_teams()
        # else: read while Textual loaded; session_mounted shows it in the first frame.

    def session_mounted(self) -> None:
        """The session screen and its team step are mounted, not yet painted: a team
        list read while Textual loaded goes into the first frame."""
        early = self.app.early_teams
        if early is not None and early.done.is_set():
            self.quick_teams_ready(early.teams)

    # --- the terminal closed ------------------------------------------------------------------

    def catch_hangup(self) -> None:
        """Closing the terminal window (SIGHUP) ends the app: what is typed is saved,
        and a demo's throwaway database is removed. Without this the process just
        died, leaving the demo database in the temporary folder."""
        import asyncio

        if not hasattr(signal, "SIGHUP"):
            return
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hung_up)
        except (NotImplementedError, RuntimeError, ValueError):
            return  # not the main thread (an app run inside another program)
        self.hangup_caught = True

    def release_hangup(self) -> None:
        if self.hangup_caught:
            import asyncio
            import contextlib

            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def hung_up(self) -> None:
        """The terminal is gone: nothing can be drawn or asked any more. Save what was
        typed, close the database, remove a demo's, and end the process here: Textual's
        own shutdown can wait for ever on a terminal that is gone (its writer thread)."""
        app = self.app
        try:
            app.saver.flush(timeout=3)
            app.saver.stop()
            if app.store is not None:
                app.store.close()
        finally:
            app.demo_data.remove()
            os._exit(128 + signal.SIGHUP)

    # --- the first frame and the quick team list ----------------------------------------------

    def first_frame(self) -> None:
        """The first frame is on its way: start everything that could wait for it."""
        self.app.call_after_refresh(self.after_first_paint)
        # Textual hands that callback to the screen on top, and a prompt pushed at
        # start (the coach's name) can be dismissed before it runs it: then this does.
        self.app.set_timer(0.3, self.after_first_paint)

    def after_first_paint(self) -> None:
        if self.painted:
            return
        self.painted = True
        freeze_gc()  # Textual and the first screen live as long as the app
        self.app.load_later_css()  # the other screens' rules: nothing painted needs them
        if self.quick_list_drawn.is_set():
            self.app.session_screen.mount_later_steps()
        # Opening the database (SQLAlchemy: ~0.4 s of imports) starts only now: a
        # thread importing it during start-up delays the first paint (imports hold the
        # interpreter lock). The other six steps are built once the team list shows.
        self.open_store()

    @in_thread(exclusive=True, group="quick-teams", doing="read the teams", then="quick_teams_ready")
    def peek_teams(self) -> list[TeamInfo] | None:
        """The team list straight from the file (the standard library's sqlite3, read
        only), started with the first screen so that it can be drawn with it or just
        after; the store's own list replaces it once the store is open."""
        from coachtui.store.db.quick import peek_teams

        if self.app.early_teams is not None:  # already being read: its answer
            return self.app.early_teams.wait()
        # None for anything but a plain coachtui SQLite file of the current schema: an
        # encrypted file, a PostgreSQL URL, a new or older database wait for the store.
        return None if self.app.demo else peek_teams(self.app.database)

    def quick_teams_ready(self, teams: list[TeamInfo] | None) -> None:
        app = self.app
        if teams is not None and app.store is None and not app.teams:
            app.teams = list(teams)
            pane = app.session_screen.team_step
            pane.show_teams(teams)
            # The table's own callback runs once it is mounted and the screen has
            # been refreshed with it (the app's would run before it is even mounted).
            # Under a prompt (the coach's name) the list is not drawn now: nothing to wait for.
            if app.screen is app.session_screen:
                for table in pane.query("#team-table"):
                    table.call_after_refresh(self.quick_list_shown)
                    return
                app.call_after_refresh(self.quick_list_shown)  # no teams yet: the welcome line
                return
        self.quick_list_shown()

    def quick_list_shown(self) -> None:
        self.quick_list_drawn.set()
        if self.painted:
            self.app.session_screen.mount_later_steps()

    # --- opening the store ---------------------------------------------------------------------

    @in_thread(exclusive=True, group="open-store", doing="open the database", failed="_not_opened")
    def open_store(self, passphrase: str | None = None) -> None:
        # Loading SQLAlchemy (next, in this thread) holds the interpreter for long
        # stretches: the quick team list is drawn first, or the coach waits for both.
        # Bounded, in case the list cannot be drawn now (a prompt on top).
        self.quick_list_drawn.wait(timeout=2.0)
        from coachtui.store import open_store

        app = self.app
        self._passphrase_given = passphrase is not None
        store = app.demo_data.open() if app.demo else open_store(app.database, passphrase=passphrase)
        teams = store.list_teams()
        drafts = self.drafts_worth_offering(store)
        custom = store.list_custom_questions()
        app.post_message(StoreReady(store, teams, drafts, custom))
        if not app.demo:
            self.daily_backup(store)
            app.hub.tell_waiting(store)  # conflicts a sync left (coachtui sync in a shell, say)
        # What follows only reads (the question bank, the date parser, the category
        # model and past sessions to learn from) and can take seconds on a busy
        # machine: a daemon thread, so that quitting never waits for it (a thread
        # worker would hold up the exit until it finished).
        threading.Thread(target=self.warm_up, args=(store,), name="coachtui-warm-up", daemon=True).start()

    def _not_opened(self, error: BaseException) -> None:
        """The database did not open: ask for its passphrase, or say why."""
        from coachtui.store.errors import PassphraseNeeded, WrongPassphrase
        from coachtui.ui.workers import reason

        if isinstance(error, PassphraseNeeded):
            wrong = self._passphrase_given or isinstance(error, WrongPassphrase)
            self.ask_passphrase(wrong and not self._passphrase_given, wrong)
        else:
            self.store_failed(str(error) or reason(error))

    def warm_up(self, store: Store) -> None:
        from coachtui.dates import warm_up

        try:
            self.app.catalog  # noqa: B018 - read the question bank now, off the UI thread
            warm_up()
            self.app.learning.learn(store)
        except Exception:  # noqa: BLE001 - only a head start: what failed here is read again when needed
            return
        freeze_gc()  # SQLAlchemy, the store and dateparser live as long as the app

    def drafts_worth_offering(self, store: Store) -> list[SessionInfo]:
        """The drafts to offer (in a worker thread): none that is empty. This coach's
        own empty drafts older than EMPTY_DRAFT_AGE are deleted."""
        import datetime as dt

        from coachtui.store.errors import StoreError

        drafts = store.list_drafts()
        empty = store.empty_draft_ids()
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=EMPTY_DRAFT_AGE)
        for draft in self.app.drafts.own([d for d in drafts if d.id in empty and d.updated_at < cutoff]):
            try:
                store.discard_empty_draft(draft.id)
            except StoreError:
                break  # tidying can wait for the next start
        return [d for d in drafts if d.id not in empty]

    def daily_backup(self, store: Store) -> None:
        """The first start of each day keeps a backup (in this worker thread)."""
        from coachtui.store.errors import StoreError

        app = self.app
        try:
            keep = KEEP_ALL_BACKUPS if app.settings_problem else app.settings.backups_to_keep
            store.ensure_daily_backup(keep=keep)
        except (StoreError, OSError) as exc:
            message = str(exc) if isinstance(exc, StoreError) else (exc.strerror or str(exc))
            app.notify(f"Today's backup could not be made: {message}", severity="warning", markup=False)

    def ask_passphrase(self, from_environment: bool, wrong: bool) -> None:
        """Show the masked passphrase prompt (again, after a wrong passphrase)."""
        from coachtui.ui.passphrase import PassphraseScreen

        screen = self.passphrase_screen
        if screen is None:
            screen = self.passphrase_screen = PassphraseScreen(
                self.app.database, on_submit=lambda p: self.open_store(p)
            )
            self.app.push_screen(screen)
        if from_environment:
            screen.call_after_refresh(screen.wrong, "COACHTUI_PASSPHRASE does not open it: type the passphrase.")
        elif wrong:
            screen.wrong()

    def store_failed(self, message: str) -> None:
        self.app.store_error = message
        self.app.exit(return_code=1, message=f"coachtui: {message}")

    def store_ready(self, ready: StoreReady) -> None:
        """The database is open: show its teams, then offer the drafts (or ask the name)."""
        app = self.app
        store, teams, drafts, custom = ready.store, ready.teams, ready.drafts, ready.custom
        screen = self.passphrase_screen
        if screen is not None:
            self.passphrase_screen = None
            screen.pop_until_active()
            screen.dismiss()
        app.store = store
        store.coach = app.settings.coach_name  # named on every change this app makes (updated_by)
        app.teams = list(teams)
        app.session.custom_questions = list(custom)
        app.session_screen.team_step.show_teams(teams)
        if self.asking_name:
            self.pending_drafts = drafts
            if self.name_deferred:
                self.name_deferred = False
                self.ask_name()
        else:
            app.drafts.offer(drafts, typed_before=self.typed_before_list)
        if app.settings.keys:
            from coachtui.ui.keymap import check_keys

            app.call_later(check_keys, app)

    # --- the coach's name ----------------------------------------------------------------------

    def ask_name(self) -> None:
        from coachtui.ui.modals import TextPromptScreen
        from coachtui.ui.preferences import check_name

        app = self.app

        def done(value: str | None) -> None:
            name = " ".join((value or "").split())
            app.preferences.update(coach_name=name, name_asked=True)
            self.asking_name = False
            self.typed_before_list = app.keys.arrived  # the name was typed for the prompt
            if self.pending_drafts is not None:
                drafts, self.pending_drafts = self.pending_drafts, None
                app.drafts.offer(drafts, typed_before=self.typed_before_list)
            else:
                app.session_screen.pane("team").activate()

        app.push_screen(
            TextPromptScreen(
                "What is your name?",
                placeholder="Your name, as the team knows you",
                help_text="It is kept with the sessions you run, so a shared history shows who coached. "
                "Change it any time from the command palette (ctrl+p). esc skips.",
                validate=check_name,
            ),
            done,
        )
