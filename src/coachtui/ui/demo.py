"""Demo mode: a throwaway database full of sample data in a private temporary
folder; the coach's own database and settings are never opened or written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.store.api import Store
    from coachtui.store.types import TeamInfo
    from coachtui.ui.app import CoachApp

# Demo mode's sample data: a dozen teams, about eighteen months of sessions.
DEMO_SESSIONS = 360
DEMO_TEAMS = 12
DEMO_SEED = 1
DEMO_COACH = "Demo coach"


class DemoData:
    """The demo's database: made afresh, reset on request, removed at the end."""

    def __init__(self, app: CoachApp) -> None:
        self.app = app
        self.folder: Path | None = None

    def open(self) -> Store:
        """A fresh throwaway database with a dozen teams and months of sessions."""
        import tempfile

        from coachtui.store import open_store
        from coachtui.store.demo import generate_demo_data
        from coachtui.store.demo.sets import add_demo_set

        self.folder = Path(tempfile.mkdtemp(prefix="coachtui-demo-"))
        self.app.database = str(self.folder / "demo.db")
        store = open_store(self.app.database)
        try:
            generate_demo_data(store, sessions=DEMO_SESSIONS, teams=DEMO_TEAMS, seed=DEMO_SEED)
            add_demo_set(store)  # an action learning set, to show a meeting of several presenters
        except BaseException:
            store.close()
            raise
        return store

    def remove(self) -> None:
        import shutil

        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def ask_reset(self) -> None:
        from coachtui.ui.modals import ConfirmScreen

        if not self.app.demo:
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._before_reset()
                self.reset()

        self.app.push_screen(
            ConfirmScreen("Throw away every change and start the demo afresh?", yes="Reset", no="Keep"), done
        )

    @in_thread(exclusive=True, group="open-store", doing="reset the demo", then="_after_reset")
    def reset(self) -> tuple[Store, list[TeamInfo], list[Any]]:
        """A new demo database (the session screen has started afresh first)."""
        app = self.app
        app.saver.flush(timeout=3)
        old, app.store = app.store, None
        if old is not None:
            old.close()
        self.remove()
        store = self.open()
        return store, store.list_teams(), store.list_custom_questions()

    def _before_reset(self) -> None:
        if self.app.current_mode != "session":
            self.app.switch_mode("session")
        self.app.session_screen.new_session()

    def _after_reset(self, result: tuple[Store, list[TeamInfo], list[Any]]) -> None:
        store, teams, custom = result
        app = self.app
        app.store = store
        app.teams = list(teams)
        app.session.custom_questions = list(custom)
        app.session_screen.team_step.show_teams(teams)
        app.notify("The demo starts afresh.", markup=False)
