"""A team's learning log: its tests of change, newest first, each with what was
expected, what happened and what the team learned (issue 21).

Opened from history (**l**: the team the list is filtered to, or every team) and
from the command palette (the open session's team, or every team). Read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from coachtui.store.exchange.markdown import learning_log_markdown
from coachtui.store.types import LearningEntry
from coachtui.ui.appref import coach_app
from coachtui.ui.format import show_markdown
from coachtui.ui.widgets.statusbar import StatusBar
from coachtui.ui.workers import in_thread, reason, tell

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp


class LearningLogScreen(Screen[None]):
    HELP = """\
## Learning log

The tests of change agreed in sessions, the one that moved last first: what the
team tried, what it expected, what happened and what it learned. A test is an action
agreed with a prediction (**ctrl+t** on the Actions step); the next session's review
asks what happened and what was learned.

**esc** goes back.
"""

    BINDINGS = [Binding("escape", "back", "Back", id="learning.back")]

    def __init__(self, team_id: str | None, team_name: str = "") -> None:
        super().__init__(id="learning-screen")
        self.team_id = team_id
        self.team_name = team_name

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with VerticalScroll(id="learning-scroll"):
            yield Markdown("Loading…", id="learning-md")
        yield Footer()

    def on_mount(self) -> None:
        whose = self.team_name if self.team_id is not None else "every team"
        self.query_one(StatusBar).context = f"Learning log — {whose}"
        self.query_one("#learning-scroll").focus()
        self._load()

    @in_thread(exclusive=True, group="learning-log", doing="read the learning log", then="_show", failed="_failed")
    def _load(self) -> list[LearningEntry]:
        return self.coach_app.ready_store.learning_log(self.team_id)

    def _failed(self, error: BaseException) -> None:
        tell(self.app, reason(error))
        self.dismiss(None)

    def _show(self, entries: list[LearningEntry]) -> None:
        whose = self.team_name if self.team_id is not None else "every team"
        count = f"{len(entries)} test{'s' if len(entries) != 1 else ''} of change"
        text = f"## Learning log: {whose}\n\n{count}, newest first.\n\n"
        text += learning_log_markdown(entries, for_display=True, team=self.team_id is None)
        show_markdown(self.query_one("#learning-md", Markdown), text)

    def action_back(self) -> None:
        self.dismiss(None)


def open_learning_log(app: CoachApp, team_id: str | None, team_name: str = "") -> None:
    """Show the learning log of a team (None: every team), once the store is open."""
    if app.store is None:
        app.notify("The database is still opening: try again in a moment.", markup=False)
        return
    app.push_screen(LearningLogScreen(team_id, team_name))
