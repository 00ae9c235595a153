"""The command palette: the app's own commands, and entries built from the coach's
own data (team names).

Textual's system commands treat titles as markup; a team called "[bold]Ward[/]"
must show exactly that, so these hits are built from plain Content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from coachtui.text import one_line
from coachtui.ui.appref import coach_app
from coachtui.ui.syncing import CONFLICTS_COMMAND

if TYPE_CHECKING:
    from coachtui.store.types import TeamInfo
    from coachtui.ui.app import CoachApp


def system_commands(app: CoachApp, textual_commands: Iterable[SystemCommand]) -> Iterable[SystemCommand]:
    """Textual's own commands (its screenshot replaced by a private one), then every
    step and action of the app by name."""
    from coachtui.session.model import STEP_TITLES

    for command in textual_commands:
        if command.title == "Screenshot":  # Textual's writes a world-readable file
            command = SystemCommand(
                "Screenshot",
                "Save an SVG picture of this screen, readable by you only (the message says where)",
                lambda: app.set_timer(0.1, app.screenshots.take),  # once the palette has closed
            )
        yield command
    session_screen = app.session_screen
    for number, (step, title) in enumerate(STEP_TITLES.items(), 1):
        yield SystemCommand(
            f"Go to step {number}: {title}", f"Show the {title.lower()} step (alt+{number})",
            lambda step=step: go_to_step(app, step),
        )
    yield SystemCommand("Session", "The session steps (f2)", lambda: app.action_show("session"))
    yield SystemCommand("History", "Find any session: search and filter (f3)", lambda: app.action_show("history"))
    yield SystemCommand(
        "Action tracker", "Every open action across teams, overdue first (f4)", lambda: app.action_show("actions")
    )
    yield SystemCommand("Trends", "Which categories of dilemma keep coming back, month by month (f5)", lambda: app.action_show("themes"))
    yield SystemCommand("New session", "Close this session (it is saved) and pick a team", session_screen.new_session)
    if app.current_mode == "session" and session_screen.current_step == "team":
        team_step = session_screen.team_step
        yield SystemCommand(
            "Archive or restore the team", "The highlighted team on the list (ctrl+o)", team_step.action_archive
        )
        yield SystemCommand("Rename the team", "The highlighted team on the list (ctrl+r)", team_step.action_rename)
    yield SystemCommand("Resume a draft", "Carry on with an unfinished session", app.drafts.pick)
    yield SystemCommand(
        "Learning log",
        "The tests of change, newest first: expected, happened, learned (this session's team, or every team)",
        partial(_learning_log, app),
    )
    yield SystemCommand("Complete session", "Mark the session complete", _summary_action(app, "action_complete"))
    yield SystemCommand("Copy summary", "Copy the session as Markdown", _summary_action(app, "action_copy"))
    yield SystemCommand("Save summary to a file", "Write the session as Markdown", _summary_action(app, "action_save_file"))
    yield SystemCommand(
        "Explain the four categories",
        "What each category is about, its signals, examples and questions (f6)",
        partial(_explain, app),
    )
    if app.demo:
        yield SystemCommand(
            "Reset the demo", "Throw away every change and start with fresh sample data", app.demo_data.ask_reset
        )
    yield SystemCommand("Your name", "Change the coach name kept with your sessions", app.preferences.change_name)
    if not app.demo:
        yield SystemCommand(
            "Sync with the hub", "Send your sessions to the network's hub and fetch the others'", app.hub.sync
        )
        yield SystemCommand(
            CONFLICTS_COMMAND,
            "The fields a sync found changed on both sides (here or with coachtui sync): keep mine, theirs or both",
            app.hub.show_conflicts,
        )
        if app.hub.running():
            yield SystemCommand(
                "Stop the sync", "Stop after the batch under way; what moved is kept, sync again to continue (f8)",
                app.hub.stop,
            )
    yield SystemCommand(
        "Suggestion: learning from sessions on/off",
        "Whether the category suggestion learns from the categories chosen in completed sessions",
        app.learning.toggle,
    )
    yield SystemCommand(
        "Projector mode on/off",
        "For a projector or a bright room: high contrast, bold text, a steady cursor",
        app.preferences.toggle_projector,
    )
    yield SystemCommand(
        "Cursor blinking on/off", "A steady cursor is easier to follow on a projector", app.preferences.toggle_blink
    )
    yield SystemCommand("Help", "Keys and what this step is for (f1)", app.action_help)


def _explain(app: CoachApp) -> None:
    from coachtui.ui.screens.explainer import open_explainer  # its screen loads when first shown

    open_explainer(app)


def _learning_log(app: CoachApp) -> None:
    from coachtui.ui.screens.learning_log import open_learning_log

    model = app.session.model
    if model is None:
        open_learning_log(app, None)
    else:
        open_learning_log(app, model.team.id, model.team.name)


def go_to_step(app: CoachApp, step: str) -> None:
    if app.current_mode != "session":
        app.switch_mode("session")
    app.session_screen.go(step)


def start_with_team(app: CoachApp, team: TeamInfo) -> None:
    """Start (or go back to) a session with ``team``."""
    if app.current_mode != "session":
        app.switch_mode("session")
    app.session_screen.open_team(team)


def _summary_action(app: CoachApp, action: str) -> Callable[[], None]:
    """Go to the summary step and run one of its actions once the steps are built."""

    def run() -> None:
        go_to_step(app, "summary")
        screen = app.session_screen
        screen.when_steps_ready(lambda: getattr(screen.pane("summary"), action)())

    return run


class TeamCommands(Provider):
    """"Start a session with <team>" for every active team."""

    def _labels(self) -> list[tuple[str, Callable[[], None]]]:
        app = coach_app(self)
        return [
            (f"Start a session with {one_line(team.name, 60)}", partial(start_with_team, app, team))
            for team in app.teams
            if not team.archived
        ]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback in self._labels():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, Content(label), callback, text=label, help="Pick this team on step 1")

    async def discover(self) -> Hits:
        for label, callback in self._labels()[:5]:
            yield DiscoveryHit(Content(label), callback, text=label, help="Pick this team on step 1")
