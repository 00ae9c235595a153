"""Sync with the network's hub from inside the app ("Sync with the hub" in the palette).

The same exchange as ``coachtui sync --hub URL``: what changed here goes to the hub,
what the other coaches changed comes back, merged field by field (the report lists
fields changed differently on both sides, to settle with ``coachtui sync
--resolve``). It runs in a worker thread after the pending autosaves are written, so
typing never waits for the network; the outcome is shown in a small report, a
failure in one line (nothing here changed, and running it again is safe).

While it runs the status bar says how far it got; f8 (or "Stop the sync" in the
palette) stops it after the batch under way: what moved so far stays on both sides,
a notice says how much, and the next sync goes on from there.

The hub's address is asked once and kept in the coach's private settings file, or
taken from ``COACHTUI_HUB``. Its password never goes there, nor back on screen: it is
kept in the platform keyring where there is one (``hubpass``), else only for this run
of the app (PostgreSQL's own ``~/.pgpass`` can keep it instead).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from coachtui.ui.appref import coach_app
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.hubpass import HubAddress
    from coachtui.store.service import Store
    from coachtui.ui.app import CoachApp

HUB_ENV = "COACHTUI_HUB"
HUB_HELP = (
    "The hub's address: postgresql://user:password@host/database (or a coachtui database file "
    "the network shares). The address is kept for next time; the password goes to this "
    "computer's keyring, never into the settings file."
)
STOP_KEY = "f8"
CONFLICT_KEYS = "m keep mine · t keep theirs · b keep both (one after the other) · ↑↓ choose · tab: the full texts · esc close"
CONFLICTS_COMMAND = "Sync conflicts: settle them"
SETTLE_IN_APP = "Press c to see both versions of each and choose: keep mine, keep theirs or keep both."
NOT_KEPT = (
    "Your hub password was used but not kept: this computer has no keyring. Type it in the "
    "address again next time, or keep it in PostgreSQL's ~/.pgpass file (see the README)."
)


class SyncReportScreen(ModalScreen[bool]):
    """What a sync moved, line by line, exactly as the command line prints it.
    With conflicts waiting, ``c`` closes it to settle them (dismisses with True)."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="sync-report.close"),
        Binding("c", "settle", "Settle conflicts", id="sync-report.settle"),
    ]

    def __init__(self, lines: list[str], conflicts: bool = False) -> None:
        super().__init__(classes="modal")
        self.lines = lines
        self.conflicts = conflicts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Synced with the hub", classes="title")
            for line in self.lines:
                yield Static(Content(line), classes="sync-line")
            help_text = "c to settle the conflicts · enter or esc to close" if self.conflicts else "enter or esc to close"
            yield Static(help_text, classes="help", markup=False)

    def action_close(self) -> None:
        self.dismiss(False)

    def action_settle(self) -> None:
        if self.conflicts:
            self.dismiss(True)


class SyncConflictsScreen(ModalScreen[None]):
    """The fields a sync found changed differently here and on the hub: the record
    holds the newer value; the other is shown here until the coach keeps mine,
    theirs or both (an ordinary edit: the next sync takes it everywhere)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="sync-conflicts.close"),
        Binding("m", "settle('mine')", "Keep mine", id="sync-conflicts.mine"),
        Binding("t", "settle('theirs')", "Keep theirs", id="sync-conflicts.theirs"),
        Binding("b", "settle('both')", "Keep both", id="sync-conflicts.both"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__(classes="modal")
        self.store = store
        self.waiting: list[Any] = []
        self.places: dict[str, str] = {}  # conflict id -> which session it is

    def compose(self) -> ComposeResult:
        from textual.containers import VerticalScroll
        from textual.widgets import OptionList

        with Vertical(classes="dialog wide tall", id="sync-conflicts-dialog"):
            yield Label("Changed on both sides", classes="title", id="sync-conflicts-title")
            # the keys first, docked: they stay on screen however small the terminal
            yield Static(CONFLICT_KEYS, classes="help", markup=False, id="sync-conflicts-keys")
            yield OptionList(id="sync-conflicts")
            with VerticalScroll(id="sync-conflict-full"):
                yield Static("", id="sync-conflict-texts", markup=False)

    def on_mount(self) -> None:
        self._load()

    @in_thread(exclusive=True, group="sync-conflicts", doing="list the sync conflicts", then="_show")
    def _load(self) -> list[Any]:
        return self._listed()

    def _listed(self) -> list[Any]:
        """The conflicts waiting (in a worker thread), each session's noting which
        session it is (``places``: conflict id -> its title and team)."""
        from coachtui.store.errors import StoreError
        from coachtui.store.sync import conflicts
        from coachtui.text import session_label

        found = conflicts.list_conflicts(self.store.db)
        for conflict in found:
            if conflict.kind == "sessions" and conflict.id not in self.places:
                try:
                    detail = self.store.get_session(conflict.record_id)
                except StoreError:  # deleted: the conflict says so
                    continue
                title = session_label(detail.title, detail.dilemma, 40) or "untitled session"
                self.places[conflict.id] = f"“{title}” ({detail.team_name})"
        return found

    def _room(self) -> int:
        """How many characters fit on one line of the list."""
        from textual.widgets import OptionList

        width = self.query_one(OptionList).scrollable_content_region.width
        if width <= 0:  # not laid out yet: the dialog's width less its frame and the list's
            width = min(100, self.app.size.width * 95 // 100) - 10
        return max(20, width - 2)  # room for a scroll bar

    def _show(self, found: list[Any]) -> None:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        from coachtui.text import one_line, where_it_differs

        self.waiting = found
        count = len(found)
        title = "Changed on both sides" + (f": {count} waiting" if count else "")
        self.query_one("#sync-conflicts-title", Label).update(Content(title))
        options = self.query_one(OptionList)
        options.clear_options()
        if not found:
            options.add_option(Option(Content("No conflicts: nothing is waiting for your choice."), disabled=True))
            self._show_full(None)
            return
        room = self._room()
        for conflict in found:
            mine_text, theirs_text = conflict.shown_mine, conflict.shown_theirs
            yours, theirs = "  yours: ", f"  {one_line(conflict.theirs_by or 'the hub', 24)}'s: "
            place = self.places.get(conflict.id)
            what = conflict.heading.removeprefix("the session's ")  # the place says it is a session
            heading = f"{place} — {what}" if place else conflict.heading
            label = Content(
                f"{one_line(heading, room)}"
                f"\n{yours}{where_it_differs(mine_text, theirs_text, room - len(yours))}"
                f"\n{theirs}{where_it_differs(theirs_text, mine_text, room - len(theirs))}"
            )
            options.add_option(Option(label, id=conflict.id))
        options.highlighted = 0
        options.focus()
        self._show_full(found[0])

    def on_option_list_option_highlighted(self, event: Any) -> None:
        ident = event.option.id if event.option is not None else None
        self._show_full(next((c for c in self.waiting if c.id == ident), None))

    def _show_full(self, conflict: Any) -> None:
        """The highlighted conflict's two texts in full, below the list (tab to scroll)."""
        from coachtui.text import visible

        texts = self.query_one("#sync-conflict-texts", Static)
        if conflict is None:
            texts.update("")
            return
        theirs = conflict.theirs_by or "the hub"
        place = visible(self.places[conflict.id]) + "\n" if conflict.id in self.places else ""
        texts.update(
            Content(
                f"{place}{visible(conflict.heading)} (conflict {conflict.id[:8]})"
                f"\n\nYours:\n{visible(conflict.shown_mine)}"
                f"\n\n{theirs}'s:\n{visible(conflict.shown_theirs)}"
            )
        )
        self.query_one("#sync-conflict-full").scroll_home(animate=False)

    def action_settle(self, choice: str) -> None:
        from textual.widgets import OptionList

        option = self.query_one(OptionList).highlighted_option
        if option is None or not option.id:
            return
        app = coach_app(self)
        model = app.session.model  # the session open beneath, which settling may rewrite
        known = app.saver.version_of(model.session_id) if model is not None else None
        self._settle(option.id, choice, (model.session_id, known) if model is not None and known is not None else None)

    @in_thread(exclusive=True, group="sync-conflicts", doing="settle the conflict", then="_settled")
    def _settle(self, ident: str, choice: str, open_session: tuple[str, int] | None) -> tuple[list[Any], Any]:
        """Settle one conflict; the list of those left, and the session open beneath
        as it is now when settling rewrote it (else None)."""
        from coachtui.session.model import SessionModel
        from coachtui.store.errors import StoreError
        from coachtui.store.sync import conflicts

        try:
            conflicts.resolve(self.store.db, ident, choice)
        except StoreError as exc:  # settled meanwhile, or the database refused: said, the list shows what is left
            self.app.notify(str(exc), severity="error", markup=False)
        now = None
        if open_session is not None:
            session_id, known = open_session
            version = self.store.session_version(session_id)
            if version is not None and version > known:
                now = SessionModel.load(self.store, session_id)
        return self._listed(), now

    def _settled(self, result: tuple[list[Any], Any]) -> None:
        found, now = result
        if now is not None:
            coach_app(self).recovery.show_settled(now)  # the form beneath shows the settled text
        self._show(found)

    def action_close(self) -> None:
        self.dismiss(None)


def hub_address_problem(value: str) -> str | None:
    """An inline error for an address that cannot be a hub, or None."""
    value = value.strip()
    if not value:
        return "Give the hub's address."
    if "://" in value and not value.startswith(("postgresql", "sqlite")):
        return "A hub is a postgresql://… address or a coachtui database file."
    from coachtui.hubpass import HubAddressError, parse_hub

    try:
        parse_hub(value)
    except HubAddressError as exc:
        return str(exc)[0].upper() + str(exc)[1:] + "."
    return None


def waiting_before(store: Store, found: Any = ()) -> int:
    """How many conflicts are waiting for the coach's choice besides ``found`` (those
    the sync just made found): left by an earlier sync, in the app or ``coachtui sync``."""
    from coachtui.store.errors import StoreError
    from coachtui.store.sync import conflicts

    new = {conflict.id for conflict in found}
    try:
        return sum(1 for conflict in conflicts.list_conflicts(store.db) if conflict.id not in new)
    except StoreError:
        return 0  # only a reminder: the list says it when opened


def earlier_line(count: int) -> str:
    return (
        f"Still waiting from an earlier sync: {count:,} {'conflict' if count == 1 else 'conflicts'} "
        "(a field changed differently here and on the hub)."
    )


def waiting_notice(count: int) -> str:
    """The notice at start-up when conflicts are waiting."""
    what = "1 sync conflict is" if count == 1 else f"{count:,} sync conflicts are"
    return f"{what} waiting for your choice: ctrl+p → “{CONFLICTS_COMMAND}” shows both versions of each."


class HubSync:
    """The app's side of syncing: ask for the hub, run the exchange, show the outcome."""

    def __init__(self, app: CoachApp) -> None:
        self.app = app
        # Passwords typed during this run that no keyring could keep (memory only).
        self.typed_passwords: dict[str, str] = {}
        # The hub and password of the sync under way (to hide it in a failure's words).
        self._syncing: tuple[HubAddress | None, str | None] = (None, None)
        # set by stop(): the sync under way stops after its current batch
        self._stop = threading.Event()

    def running(self) -> bool:
        return any(w.group == "sync" and w.is_running for w in self.app.workers)

    def stop(self) -> None:
        """Stop the sync under way once its current batch is in (both sides keep it)."""
        if not self.running():
            self.app.notify("No sync is running.", markup=False)
            return
        self._stop.set()
        self._show_progress("sync: stopping after this batch…")

    def show_conflicts(self) -> None:
        """The conflicts waiting for the coach's choice, whichever sync found them
        ("Sync conflicts" in the palette)."""
        app = self.app
        if app.store is None:
            app.notify("The database is still opening; try again in a moment.", markup=False)
            return
        app.push_screen(SyncConflictsScreen(app.store), lambda _: app.mode_shown())

    def tell_waiting(self, store: Store) -> None:
        """At start-up (in a worker thread): say so when conflicts are waiting."""
        count = waiting_before(store)
        if count:
            self.app.notify(waiting_notice(count), severity="warning", timeout=15, markup=False)

    def sync(self) -> None:
        app = self.app
        if app.demo:
            app.notify("Sync is off in demo mode: the sample data stays on this machine.", markup=False)
            return
        if app.store is None:
            app.notify("The database is still opening; try again in a moment.", markup=False)
            return
        if self.running():
            app.notify(f"A sync is already running ({STOP_KEY} stops it).", markup=False)
            return

        from coachtui.hubpass import HubAddress, split_hub

        # An address kept with its password (by an older coachtui, or in COACHTUI_HUB)
        # is offered without it; the password is still used if the address is kept.
        known = split_hub(app.settings.hub or os.environ.get(HUB_ENV, ""))

        def chosen(value: str | None) -> None:
            if value is None:
                return
            address, keep = split_hub(value), True
            if address.password is None and address.url == known.url and known.password:
                address = known
            elif address.password is None:  # typed earlier in this run, or kept elsewhere
                address, keep = HubAddress(address.url, self.typed_passwords.get(address.url)), False
            if address.url != app.settings.hub:
                app.preferences.update(hub=address.url)
            app.notify("Syncing with the hub…", markup=False, timeout=3)
            self._sync_with(address, keep=keep)

        from coachtui.ui.modals import (
            TextPromptScreen,  # ~50 ms of imports: not before the first paint
        )

        app.push_screen(
            TextPromptScreen("Sync with the hub", value=known.url, help_text=HUB_HELP, validate=hub_address_problem),
            chosen,
        )

    @in_thread(exclusive=True, group="sync", doing="sync", then="_sync_done", failed="_sync_failed")
    def _sync_with(self, address: HubAddress, *, keep: bool = False) -> tuple[list[str], bool, bool] | None:
        """Sync with ``address``; ``keep``: its password was just typed (or found in an
        old settings file) and goes to the keyring. (``app.notify`` posts a message:
        it is safe from this thread.)"""
        from coachtui.commands.sync import forget_rescues, report_lines
        from coachtui.hubpass import hide_password, recall, remember

        app = self.app
        store = app.store
        if store is None:
            return None
        # What the coach typed a moment ago goes with this sync.
        if not app.saver.flush(timeout=10.0):
            app.notify(
                "Not synced: your latest edits are not saved yet (see the status bar); nothing was sent.",
                severity="error",
                markup=False,
            )
            return None
        password = address.password
        if password is not None and keep and not remember(address.url, password):
            self.typed_passwords[address.url] = password  # for the next sync of this run only
            app.notify(NOT_KEPT, severity="warning", timeout=15, markup=False)
        if password is None:
            password = recall(address.url)  # else PostgreSQL's ~/.pgpass, if any
        self._syncing = (address, password)
        self._stop.clear()
        try:
            report = store.sync(
                address.connect_url(password), progress=self._progress_from_thread, cancelled=self._stop.is_set
            )
        finally:
            app.call_from_thread(self._show_progress, "")
        model = app.session.model
        forget_rescues(report, keep=model.session_id if model is not None else None)
        lines = [hide_password(line, password) for line in report_lines(report)]
        lines = [SETTLE_IN_APP if line.startswith("Choose with: coachtui sync --resolve") else line for line in lines]
        earlier = waiting_before(store, report.conflicts)
        if earlier:
            lines.append(earlier_line(earlier))
            if not report.conflicts:
                lines.append(SETTLE_IN_APP)
        return lines, report.moved, bool(report.conflicts) or earlier > 0

    def _progress_from_thread(self, phase: str, done: int, total: int) -> None:
        verb = "sending" if phase == "send" else "receiving"
        if total and not self._stop.is_set():
            self.app.call_from_thread(self._show_progress, f"sync: {verb} {done:,}/{total:,} · {STOP_KEY} stops")

    def _show_progress(self, text: str) -> None:
        """How far the sync got, in the status bars on show (a bar shown later reads
        ``app.sync_progress``)."""
        from coachtui.ui.widgets.statusbar import StatusBar

        app = self.app
        app.sync_progress = text
        for screen in app.screen_stack:
            for bar in screen.query(StatusBar):
                bar.sync = text

    def _sync_failed(self, error: BaseException) -> None:
        """A sync that failed says why in one line, without the hub's password."""
        from coachtui.hubpass import hide_password
        from coachtui.store.errors import StoreError, SyncStopped
        from coachtui.text import one_line

        address, password = self._syncing
        if isinstance(error, SyncStopped):  # the coach stopped it: what moved, and how to go on
            text = str(error)
            text = address.hide_in(text) if address is not None and password is None else hide_password(text, password)
            self.app.notify(text[:1].upper() + text[1:] + ".", severity="warning", timeout=20, markup=False)
            self._show_progress("sync stopped: what moved is kept; sync again to continue")
            self.app.mode_shown()  # what came in before the stop shows
            return
        if isinstance(error, StoreError):
            text = str(error)
            message = address.hide_in(text) if address is not None and password is None else hide_password(text, password)
            self.app.notify(message, severity="error", timeout=15, markup=False)
            return
        reason = hide_password(one_line(str(error) or type(error).__name__, 200), password)
        self.app.notify(
            f"Sync stopped by an unexpected error: {reason}. Running it again is safe.", severity="error", markup=False
        )

    def _sync_done(self, result: tuple[list[str], bool, bool] | None) -> None:
        if result is None:
            return
        lines, moved, conflicts = result
        app = self.app
        if moved:
            app.mode_shown()  # the team list, history, tracker or themes show what came in

        def closed(settle: bool | None) -> None:
            if settle:
                self.show_conflicts()

        app.push_screen(SyncReportScreen(lines, conflicts), closed)
