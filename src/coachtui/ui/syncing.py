"""Sync with the network's hub from inside the app ("Sync with the hub" in the palette).

The same exchange as ``coachtui sync --hub URL``: what changed here goes to the hub,
what the other coaches changed comes back, the newer edit wins. It runs in a worker
thread after the pending autosaves are written, so typing never waits for the
network; the outcome is shown in a small report, a failure in one line (nothing here
changed, and running it again is safe).

The hub's address is asked once and kept in the coach's private settings file
(readable by the coach only, as PostgreSQL's own ``.pgpass`` is), or taken from
``COACHTUI_HUB``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp

HUB_ENV = "COACHTUI_HUB"
HUB_HELP = (
    "The hub's address: postgresql://user:password@host/database (or a coachtui database file "
    "the network shares). It is kept in your private settings for next time."
)


class SyncReportScreen(ModalScreen[None]):
    """What a sync moved, line by line, exactly as the command line prints it."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="sync-report.close")]

    def __init__(self, lines: list[str]) -> None:
        super().__init__(classes="modal")
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Synced with the hub", classes="title")
            for line in self.lines:
                yield Static(Content(line), classes="sync-line")
            yield Static("enter or esc to close", classes="help", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def hub_address_problem(value: str) -> str | None:
    """An inline error for an address that cannot be a hub, or None."""
    value = value.strip()
    if not value:
        return "Give the hub's address."
    if "://" in value and not value.startswith(("postgresql", "sqlite")):
        return "A hub is a postgresql://… address or a coachtui database file."
    return None


class SyncMixin:
    """The app's side of syncing: ask for the hub, run the exchange, show the outcome.
    Mixed into :class:`~coachtui.ui.app.CoachApp`."""

    def action_sync(self) -> None:
        app: CoachApp = self  # type: ignore[assignment]
        if app.demo:
            app.notify("Sync is off in demo mode: the sample data stays on this machine.", markup=False)
            return
        if app.store is None:
            app.notify("The database is still opening; try again in a moment.", markup=False)
            return
        if any(w.group == "sync" and w.is_running for w in app.workers):
            app.notify("A sync is already running.", markup=False)
            return

        def chosen(value: str | None) -> None:
            if value is None:
                return
            value = value.strip()
            if value != app.settings.hub:
                app.update_settings(hub=value)
            app.notify("Syncing with the hub…", markup=False, timeout=3)
            self._sync_with(value)

        from coachtui.ui.modals import TextPromptScreen  # ~50 ms of imports: not before the first paint

        known = app.settings.hub or os.environ.get(HUB_ENV, "")
        app.push_screen(
            TextPromptScreen("Sync with the hub", value=known, help_text=HUB_HELP, validate=hub_address_problem),
            chosen,
        )

    @work(thread=True, exclusive=True, group="sync")
    def _sync_with(self, hub: str) -> None:
        from coachtui.commands.sync import report_lines
        from coachtui.store.errors import StoreError

        app: CoachApp = self  # type: ignore[assignment]
        store = app.store
        if store is None:
            return
        # What the coach typed a moment ago goes with this sync.
        if not app.saver.flush(timeout=10.0):
            app.call_from_thread(
                app.notify,
                "Not synced: your latest edits are not saved yet (see the status bar); nothing was sent.",
                severity="error",
                markup=False,
            )
            return
        try:
            report = store.sync(hub)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", timeout=15, markup=False)
            return
        except Exception as exc:  # noqa: BLE001 - a coach mid-session keeps the app, not a traceback
            from coachtui.text import one_line

            message = f"Sync stopped by an unexpected error: {one_line(str(exc) or type(exc).__name__, 200)}. "
            app.call_from_thread(app.notify, message + "Running it again is safe.", severity="error", markup=False)
            return
        app.call_from_thread(self._sync_done, report_lines(report), report.moved)

    def _sync_done(self, lines: list[str], moved: bool) -> None:
        app: CoachApp = self  # type: ignore[assignment]
        if moved:
            app._mode_shown()  # the team list, history, tracker or themes show what came in
        app.push_screen(SyncReportScreen(lines))
