"""The Textual user interface. Importing this package is cheap; the app loads in run()."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from coachtui.store.types import TeamInfo

_freezing_gc = False


def run(database: str, *, demo: bool = False) -> NoReturn:
    """Run the TUI on ``database`` (a path or URL), or on throwaway sample data with
    ``demo``, then end the process with the app's exit code.

    When ``app.run()`` returns everything is done: every save is written (the app
    waits for them before it exits), the store is closed, the terminal is restored
    and its thread workers have finished. What is left is Python's own teardown of
    Textual, SQLAlchemy and the rest, about 0.2-0.4 s that the coach would wait for
    after ctrl+q; the process skips it. Only the daemon threads that read (the
    category model) are cut short, and they have nothing to save."""
    hold_gc()
    # Read while Textual loads (sqlite3 lets go of the interpreter while it reads).
    early = None if demo else EarlyTeams(database)
    from coachtui.ui.app import create_app

    app = create_app(database, demo=demo, early_teams=early)
    try:
        app.run()
    finally:
        gc.enable()
        app.demo_data.remove()  # however the app ended, a demo leaves nothing behind
    code = app.return_code or 0
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


class EarlyTeams:
    """The team list for the first screen, read from the moment the process starts.

    A thread reads it with the standard library's sqlite3, read only
    (:func:`coachtui.store.db.quick.peek_teams`), while the main thread imports
    Textual and the app: the read mostly waits on SQLite, which lets the interpreter
    go, so by the time the first screen is composed the list is usually there and is
    painted in the first frame. ``teams`` is None for anything but a plain coachtui
    file of the current schema (the app then waits for the store)."""

    def __init__(self, database: str) -> None:
        self.teams: list[TeamInfo] | None = None
        self.done = threading.Event()
        threading.Thread(target=self._read, args=(database,), name="coachtui-early-teams", daemon=True).start()

    def _read(self, database: str) -> None:
        try:
            from coachtui.store.db.quick import peek_teams

            self.teams = peek_teams(database)
        except Exception:  # noqa: BLE001 - only a head start: the store reads the list anyway
            self.teams = None
        finally:
            self.done.set()

    def wait(self) -> list[TeamInfo] | None:
        self.done.wait()
        return self.teams


def hold_gc() -> None:
    """No collections at all until the app has painted its first frame and calls
    freeze_gc(): start-up only creates objects that live as long as the app.

    run() calls this before it imports the app; so does the benchmark, which runs the
    app inside its own process the way run() does. Tests do not: they build many
    apps in one process, and those must be collected."""
    global _freezing_gc
    gc.disable()
    _freezing_gc = True


def freeze_gc() -> None:
    """Tell the garbage collector that everything alive now lives as long as the
    process, and let it collect again.

    Python's full collections walk every object; with Textual, SQLAlchemy and the
    question bank loaded that took 30 ms at start-up and 150-350 ms every few step
    changes. Frozen objects are never walked again. :func:`hold_gc` keeps the
    collector off until the app calls this after the first paint; the app calls it
    again once the store, the date parser and the other steps are loaded. Without
    hold_gc (in tests, which build many apps in one process) it does nothing.
    """
    if _freezing_gc:
        gc.freeze()
        gc.enable()
