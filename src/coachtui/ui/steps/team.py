"""Step 1 — Team: pick the team (type to filter, most recent first) or create one.

The team list (a DataTable) is built when the first teams arrive, after the first
paint: the first frame needs only the intro and the filter field, and Textual's
DataTable (its module and its stylesheet) costs a few milliseconds to load.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from coachtui.text import one_line
from coachtui.ui.format import cell, relative_day
from coachtui.ui.widgets.literal import LiteralInput
from coachtui.ui.steps.base import StepPane, enclosing

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from coachtui.store.types import TeamInfo

CREATE_KEY = "__create__"


def validate_team_name(name: str, teams: list[TeamInfo], exclude_id: str | None = None) -> str | None:
    """The inline message for a team name, or None when it can be used."""
    from coachtui.store.types import TEAM_NAME_MAX

    cleaned = " ".join(name.split())
    if not cleaned:
        return "Type a name for the team first."
    if len(cleaned) > TEAM_NAME_MAX:
        return f"That name is {len(cleaned)} characters; keep it to {TEAM_NAME_MAX}."
    for team in teams:
        if team.id != exclude_id and team.name.casefold() == cleaned.casefold():
            return f"There is already a team called {one_line(team.name)!r}."
    return None


@cache
def _team_table_class() -> type[DataTable]:  # type: ignore[type-arg]
    """TeamTable, defined on first use (it loads Textual's DataTable)."""
    from textual.widgets import DataTable

    class TeamTable(DataTable):  # type: ignore[type-arg]
        """The team list; team management keys work when it has focus."""

        BINDINGS = [
            Binding("r", "manage('rename')", "Rename", id="team.rename"),
            Binding("a", "manage('archive')", "Archive/restore", id="team.archive"),
            Binding("h", "manage('toggle_archived')", "Show archived", id="team.archived"),
            Binding("delete", "manage('delete_team')", "Delete", id="team.delete"),
        ]

        def action_manage(self, what: str) -> None:
            step = enclosing(self, TeamStep)
            if step is not None:
                getattr(step, f"action_{what}")()

    return TeamTable


def _team_table() -> DataTable:  # type: ignore[type-arg]
    table = _team_table_class()(id="team-table", cursor_type="row", zebra_stripes=True)
    table.add_column("Team", key="name")
    table.add_column("Last session", key="last")
    table.add_column("Open actions", key="open")
    return table


class TeamStep(StepPane):
    step_id = "team"
    HELP = """\
## Team

Pick the team you are coaching now. Teams you coached most recently are at the top,
with the date of their last session and how many of their actions are still open.

- **Type** to filter the list. If no team has that name, **enter** creates it.
- **↑ ↓** move through the list, **enter** opens the session for that team.
- With the list focused (**tab**): **r** rename, **a** archive or restore,
  **h** show or hide archived teams, **delete** delete a team for good.

Picking a team starts a draft session, saved as you type from then on.
"""

    BINDINGS = [
        Binding("down", "cursor(1)", "Next team", show=False, id="team.down"),
        Binding("up", "cursor(-1)", "Previous team", show=False, id="team.up"),
    ]

    def __init__(self) -> None:
        super().__init__(id="team")
        self.show_archived = False
        self.teams: list[TeamInfo] = []
        # Enter pressed on the quick team list (read before the store opened): the
        # choice is carried out once the store is open, so nothing needs pressing twice.
        self._choose_when_open = False

    def compose(self) -> ComposeResult:
        yield Static("Opening your coaching records…", id="team-intro", markup=False)
        yield LiteralInput(placeholder="Type to find a team, or a new team's name", id="team-filter")
        yield Static("", id="team-message", classes="error", markup=False)
        yield Static(
            "enter open · tab to the list for r rename, a archive, h archived, delete",
            id="team-hint",
            classes="hint",
            markup=False,
        )

    def _table(self) -> DataTable | None:  # type: ignore[type-arg]
        """The team list, or None before the first teams arrived."""
        found = self.query("#team-table")
        return found.first() if found else None  # type: ignore[return-value]

    def activate(self) -> None:
        self.query_one("#team-filter", Input).focus()
        if self.coach_app.store is not None:
            if self._choose_when_open:
                self._choose_when_open = False
                self._choose()
            self.reload()

    def forget_pending_choice(self) -> None:
        """Drop a choice made before the store opened (the resume offer comes first)."""
        if self._choose_when_open:
            self._choose_when_open = False
            self._message("")

    # --- data -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="team-list")
    def reload(self) -> None:
        store = self.coach_app.store
        if store is None:
            return
        try:
            teams = store.list_teams(include_archived=self.show_archived)
        except Exception as exc:  # noqa: BLE001 - shown to the coach, list kept as it was
            self.app.call_from_thread(self._message, f"Could not load the teams: {exc}")
            return
        self.app.call_from_thread(self.show_teams, teams)

    def show_teams(self, teams: list[TeamInfo]) -> None:
        self.teams = list(teams)
        self.coach_app.teams = [t for t in teams if not t.archived] if self.show_archived else list(teams)
        intro = self.query_one("#team-intro", Static)
        if not self.teams:
            intro.update("Welcome! Create your first team: type its name and press enter.")
        else:
            intro.update("Which team are you coaching? Type to filter, enter to start.")
        if self._table() is None:
            self.mount(_team_table(), before="#team-hint")
        self._fill()

    def _filter_text(self) -> str:
        return " ".join(self.query_one("#team-filter", Input).value.split())

    def _fill(self) -> None:
        table = self._table()
        if table is None:
            return
        text = self._filter_text()
        needle = text.casefold()
        matches = [t for t in self.teams if needle in t.name.casefold()] if needle else list(self.teams)
        exact = any(t.name.casefold() == needle for t in self.teams)
        current = self._highlighted_key()
        table.clear()
        for team in matches:
            name = one_line(team.name, 60) + ("  (archived)" if team.archived else "")
            table.add_row(
                cell(name),
                cell(relative_day(team.last_session_at)),
                cell(str(team.open_actions) if team.open_actions else "–"),
                key=team.id,
            )
        # Creating comes last: typing part of a name and pressing enter should open
        # the team that matches, not quietly create a near-duplicate.
        if text and not exact:
            table.add_row(cell(f"+ Create team “{one_line(text, 60)}”"), cell(""), cell(""), key=CREATE_KEY)
        if table.row_count:
            keys = [row.key.value for row in table.ordered_rows]
            if exact:
                target = next(t.id for t in self.teams if t.name.casefold() == needle)
            elif current in keys and not text:
                target = current
            else:
                target = keys[0]
            table.move_cursor(row=keys.index(target))

    def _highlighted_key(self) -> str | None:
        table = self._table()
        if table is None or table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - an empty or refreshing table has no cursor
            return None

    def _highlighted_team(self) -> TeamInfo | None:
        key = self._highlighted_key()
        return next((t for t in self.teams if t.id == key), None)

    def _message(self, text: str) -> None:
        self.query_one("#team-message", Static).update(Content(text))

    # --- events -----------------------------------------------------------------------

    @on(Input.Changed, "#team-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        from coachtui.store.types import TEAM_NAME_MAX

        self._choose_when_open = False  # typing again: not the choice made before
        text = self._filter_text()
        too_long = len(text) > TEAM_NAME_MAX
        self._message(f"That name is {len(text)} characters; keep it to {TEAM_NAME_MAX}." if too_long else "")
        self._fill()

    @on(Input.Submitted, "#team-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._choose()

    def action_cursor(self, delta: int) -> None:
        table = self._table()
        if table is not None and table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    def _choose(self) -> None:
        if self.coach_app.store is None:
            self._choose_when_open = True
            self._message("The database is still opening; one moment…")
            return
        key = self._highlighted_key()
        if key == CREATE_KEY or (key is None and self._filter_text()):
            self._create(self._filter_text())
            return
        team = self._highlighted_team()
        if team is None:
            self._message("Type a team's name first.")
            return
        if team.archived:
            self._message(f"{one_line(team.name)} is archived: press a on it to restore it first.")
            return
        self._message("")
        self.screen.open_team(team)  # type: ignore[attr-defined]

    def _create(self, name: str) -> None:
        error = validate_team_name(name, self.teams)
        if error:
            self._message(error)
            return
        self._create_in_db(name)

    @work(thread=True, exclusive=True, group="team-create")
    def _create_in_db(self, name: str) -> None:
        from coachtui.store.errors import StoreError

        store = self.coach_app.store
        try:
            team = store.create_team(name, coach=self.coach_app.settings.coach_name)
        except StoreError as exc:
            self.app.call_from_thread(self._message, str(exc))
            return
        self.app.call_from_thread(self._created, team)

    def _created(self, team: TeamInfo) -> None:
        self.query_one("#team-filter", Input).value = ""
        self._message("")
        self.teams.insert(0, team)
        self.coach_app.teams.insert(0, team)
        self._fill()
        self.screen.open_team(team)  # type: ignore[attr-defined]

    # --- team management ----------------------------------------------------------------

    def action_rename(self) -> None:
        from coachtui.ui.modals import TextPromptScreen

        team = self._highlighted_team()
        if team is None:
            return

        def done(value: str | None) -> None:
            if value is not None and " ".join(value.split()) != team.name:
                self._rename(team.id, value)

        self.app.push_screen(
            TextPromptScreen(
                f"Rename {one_line(team.name, 50)}",
                value=team.name,
                validate=lambda v: validate_team_name(v, self.teams, exclude_id=team.id),
            ),
            done,
        )

    @work(thread=True, group="team-manage")
    def _rename(self, team_id: str, name: str) -> None:
        self._manage(lambda store: store.rename_team(team_id, name), "Renamed.")

    def action_archive(self) -> None:
        team = self._highlighted_team()
        if team is None:
            return
        self._archive(team.id, not team.archived)

    @work(thread=True, group="team-manage")
    def _archive(self, team_id: str, archived: bool) -> None:
        message = "Archived: press h to show archived teams." if archived else "Restored."
        self._manage(lambda store: store.archive_team(team_id, archived), message)

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.app.notify("Showing archived teams." if self.show_archived else "Hiding archived teams.")
        self.reload()

    def action_delete_team(self) -> None:
        from coachtui.ui.modals import ConfirmScreen

        team = self._highlighted_team()
        if team is None:
            return
        model = self.model
        if model is not None and model.team.id == team.id:
            self._message("That team's session is open: start another session first.")
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(team.id, team.name)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {one_line(team.name, 50)} for good, with all its {team.session_count} sessions "
                "and their actions? This cannot be undone.",
                yes="Delete for good",
                no="Keep",
                danger=True,
            ),
            done,
        )

    @work(thread=True, group="team-manage")
    def _delete(self, team_id: str, name: str) -> None:
        self._manage(lambda store: store.delete_team(team_id), f"Deleted {one_line(name, 50)} for good.")

    def _manage(self, call, success: str) -> None:  # type: ignore[no-untyped-def]
        from coachtui.store.errors import StoreError

        store = self.coach_app.store
        if store is None:
            return
        try:
            call(store)
        except StoreError as exc:
            self.app.call_from_thread(self._message, str(exc))
            return
        self.app.call_from_thread(self.app.notify, success, markup=False)
        self.reload()
