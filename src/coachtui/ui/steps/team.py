"""Step 1 — Team: pick the team (type to filter, most recent first) or create one.

The team list (a DataTable) is built when the first teams arrive, after the first
paint: the first frame needs only the intro and the filter field, and Textual's
DataTable (its module and its stylesheet) costs a few milliseconds to load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from coachtui.text import one_line
from coachtui.ui.format import cell, relative_day
from coachtui.ui.steps.base import StepPane, enclosing, type_into
from coachtui.ui.widgets.literal import LiteralInput

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widgets import DataTable

    from coachtui.store.types import TeamInfo

CREATE_KEY = "__create__"
# How long a deleted team can still be brought back with ctrl+z; it is deleted for
# good when this runs out (or when the app closes first).
UNDO_DELETE_SECONDS = 10.0


@dataclass(slots=True)
class _Undo:
    """One team change ctrl+z can take back."""

    kind: str  # "archive", "rename" or "delete"
    team_id: str
    name: str  # the team's name before the change
    archived: bool = False  # for "archive": whether it was archived before


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
        """The team list. It has no letter keys of its own: what the coach types here
        goes to the filter (the prompt says "type to filter"), so typing a team's name
        on the list can never rename, archive or delete a team."""

        def on_key(self, event: events.Key) -> None:
            step = enclosing(self, TeamStep)
            if step is not None:
                type_into(step.query_one("#team-filter", Input), event)

    return TeamTable


class TeamFilter(LiteralInput):
    """The filter field. A text field takes ctrl+a (line start) and ctrl+d (delete
    right); here they archive and delete the highlighted team (home and delete
    still edit the text)."""

    BINDINGS = [
        Binding("ctrl+a", "team('archive')", "Archive/restore", show=False, id="team.filter-archive"),
        Binding("ctrl+d", "team('delete_team')", "Delete…", show=False, id="team.filter-delete"),
    ]

    def action_team(self, what: str) -> None:
        step = enclosing(self, TeamStep)
        if step is not None:
            getattr(step, f"action_{what}")()


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

- **Type** to filter the list (on the list too: letters always go to the filter).
  If no team has that name, **enter** creates it.
- **↑ ↓** move through the list, **enter** opens the session for that team.
- **ctrl+r** renames the highlighted team, **ctrl+a** archives it (or restores an
  archived one), **ctrl+t** shows or hides archived teams.
- **ctrl+d** deletes the highlighted team, with all its sessions, after asking.
- **ctrl+z** undoes the last rename, archive or delete. A deleted team can be
  brought back for a few seconds; after that it is gone for good.

Picking a team starts a draft session, saved as you type from then on. If the
team has an unfinished session of yours, you are asked whether to carry on with it.
"""

    BINDINGS = [
        Binding("down", "cursor(1)", "Next team", show=False, id="team.down"),
        Binding("up", "cursor(-1)", "Previous team", show=False, id="team.up"),
        # Not priority bindings: a key typed straight after some letters must act on
        # the team those letters pick, so it waits its turn behind them.
        Binding("ctrl+r", "rename", "Rename", show=False, id="team.rename"),
        Binding("ctrl+a", "archive", "Archive/restore", show=False, id="team.archive"),
        Binding("ctrl+t", "toggle_archived", "Show archived", show=False, id="team.archived"),
        Binding("ctrl+d", "delete_team", "Delete…", show=False, id="team.delete"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="team.undo"),
    ]

    class Changed(Message):
        """A team change reached the database (posted from the saver's thread)."""

        def __init__(self, message: str, deleted: str | None = None) -> None:
            super().__init__()
            self.message = message
            self.deleted = deleted

    def __init__(self) -> None:
        super().__init__(id="team")
        self.show_archived = False
        self.teams: list[TeamInfo] = []
        # Enter pressed on the quick team list (read before the store opened): the
        # choice is carried out once the store is open, so nothing needs pressing twice.
        self._choose_when_open = False
        # The name being created (a second enter while it is on its way does nothing).
        self._creating: str | None = None
        self._refusals = 0  # enters that opened no team (see keys_wait_after)
        self._undo: list[_Undo] = []
        # Deleted teams that ctrl+z can still bring back: hidden, not yet deleted.
        self._pending_delete: dict[str, tuple[TeamInfo, Timer]] = {}
        self._deleting: set[str] = set()  # on their way out of the database
        self._reloads = 0
        self._filled_for = ""  # the filter text the list was last filled for

    def compose(self) -> ComposeResult:
        yield Static("Opening your coaching records…", id="team-intro", markup=False)
        yield TeamFilter(placeholder="Type to find a team, or a new team's name", id="team-filter")
        yield Static("", id="team-message", classes="error", markup=False)
        yield Static(
            "ctrl+r rename · ctrl+a archive · ctrl+d delete · ctrl+z undo · ctrl+t archived",
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

    def reload(self) -> None:
        """Read the team list again. Only the newest reload is shown: an older one
        answering late (it read before a change) must not undo what is on screen."""
        self._reloads += 1
        self._read_teams(self._reloads, self.show_archived)

    @work(thread=True, group="team-list")
    def _read_teams(self, generation: int, include_archived: bool) -> None:
        store = self.coach_app.store
        if store is None:
            return
        try:
            teams = store.list_teams(include_archived=include_archived)
        except Exception as exc:  # noqa: BLE001 - shown to the coach, list kept as it was
            self.app.call_from_thread(self._message, f"Could not load the teams: {exc}")
            return
        self.app.call_from_thread(self._teams_read, generation, teams)

    def _teams_read(self, generation: int, teams: list[TeamInfo]) -> None:
        if generation == self._reloads:
            self.show_teams(teams)

    def show_teams(self, teams: list[TeamInfo]) -> None:
        # A list read while a team was being created may hold it already, and a
        # deleted team ctrl+z can still bring back is not shown: each team once.
        unique: dict[str, TeamInfo] = {}
        for team in teams:
            if team.id not in self._pending_delete and team.id not in self._deleting:
                unique.setdefault(team.id, team)
        teams = list(unique.values())
        self.teams = teams
        self.coach_app.teams = [t for t in teams if not t.archived]
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
        self._filled_for = text
        needle = text.casefold()
        matches = [t for t in self.teams if needle in t.name.casefold()] if needle else list(self.teams)
        exact = any(t.name.casefold() == needle for t in self.teams)
        current = self._highlighted_key()
        table.clear()
        shown: set[str] = set()
        for team in matches:
            if team.id in shown:
                continue  # never twice (a duplicate row key would end the app)
            shown.add(team.id)
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
        if self._filter_text() != self._filled_for:
            # Keys typed in a burst: the filter changed but its Changed message has
            # not arrived yet. Whatever acts on the highlighted team must see the
            # list for what is typed now, not for what was typed a moment ago.
            self._fill()
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

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """enter opens a team: what is typed straight after it (the title) waits
        until the session's first step has the focus, not the filter."""
        if key != "enter":
            return None
        from coachtui.ui.typeahead import SESSION_WAIT, session_shown

        refusals = self._refusals
        shown = session_shown(self.app, self)

        def opened() -> bool:
            # refused (no name, a duplicate...): the keys stay here
            return self._refusals != refusals or shown()

        return opened, SESSION_WAIT

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
            self._refuse("Type a team's name first.")
            return
        if team.archived:
            self._refuse(f"{one_line(team.name)} is archived: press ctrl+a to restore it first.")
            return
        self._message("")
        self.screen.open_team(team)  # type: ignore[attr-defined]

    def _create(self, name: str) -> None:
        if self._creating is not None:
            return  # enter again while the team is on its way: it opens when it is there
        error = validate_team_name(name, self.teams)
        if error:
            self._refuse(error)
            return
        self._creating = " ".join(name.split())
        self._create_in_db(name)

    @work(thread=True, group="team-create")
    def _create_in_db(self, name: str) -> None:
        from coachtui.store.errors import StoreError

        store = self.coach_app.store
        try:
            team = store.create_team(name, coach=self.coach_app.settings.coach_name)
        except StoreError as exc:
            self.app.call_from_thread(self._create_failed, str(exc))
            return
        self.app.call_from_thread(self._created, team)

    def _create_failed(self, message: str) -> None:
        self._creating = None
        self._refuse(message)

    def _refuse(self, message: str) -> None:
        """enter could not open a team: say why (keys typed after it stay here)."""
        self._refusals += 1
        self._message(message)

    def _created(self, team: TeamInfo) -> None:
        self._creating = None
        self.query_one("#team-filter", Input).value = ""
        self._message("")
        # The list may have been reloaded with the new team in it meanwhile.
        if not any(t.id == team.id for t in self.teams):
            self.teams.insert(0, team)
        if not any(t.id == team.id for t in self.coach_app.teams):
            self.coach_app.teams.insert(0, team)
        self._fill()
        self.screen.open_team(team)  # type: ignore[attr-defined]

    # --- team management ----------------------------------------------------------------
    #
    # Every change goes through the save queue, in order, so ctrl+z right after a
    # change undoes it after it is written, never before.

    def _queue(self, label: str, call, done_message: str, deleted: str | None = None) -> None:  # type: ignore[no-untyped-def]
        """Queue ``call(store)``; when written, say ``done_message`` and reload."""
        self.coach_app.saver.submit(
            label, call, on_done=lambda _result: self.post_message(self.Changed(done_message, deleted))
        )

    @on(Changed)
    def _team_changed(self, event: Changed) -> None:
        event.stop()
        if event.deleted is not None:
            self._deleting.discard(event.deleted)
        if event.message:
            self.app.notify(event.message, markup=False)
        self.reload()

    def _managed_team(self) -> TeamInfo | None:
        if self.coach_app.store is None:
            self._message("The database is still opening; one moment…")
            return None
        team = self._highlighted_team()
        if team is None:
            self._message("Highlight a team first (type part of its name or use ↑ ↓).")
        return team

    def action_rename(self) -> None:
        from coachtui.ui.modals import TextPromptScreen

        team = self._managed_team()
        if team is None:
            return

        def done(value: str | None) -> None:
            if value is None:
                return
            name = " ".join(value.split())
            if name != team.name:
                self._undo.append(_Undo("rename", team.id, team.name))
                self._queue(
                    "rename team",
                    lambda store: store.rename_team(team.id, name),
                    f"Renamed {one_line(team.name, 40)} to {one_line(name, 40)}: ctrl+z undoes it.",
                )

        self.app.push_screen(
            TextPromptScreen(
                f"Rename {one_line(team.name, 50)}",
                value=team.name,
                validate=lambda v: validate_team_name(v, self.teams, exclude_id=team.id),
            ),
            done,
        )

    def action_archive(self) -> None:
        team = self._managed_team()
        if team is None:
            return
        name = one_line(team.name, 50)
        self._undo.append(_Undo("archive", team.id, team.name, archived=team.archived))
        if team.archived:
            message = f"Restored {name}."
        elif self.show_archived:
            message = f"Archived {name}: ctrl+z undoes it."
        else:
            message = f"Archived {name}: ctrl+z undoes it, ctrl+t shows archived teams."
        self._queue("archive team", lambda store: store.archive_team(team.id, not team.archived), message)

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.app.notify("Showing archived teams." if self.show_archived else "Hiding archived teams.", markup=False)
        self.reload()

    def action_delete_team(self) -> None:
        from coachtui.ui.modals import ConfirmScreen

        team = self._managed_team()
        if team is None:
            return
        model = self.model
        if model is not None and model.team.id == team.id:
            self._message("That team's session is open: start another session first.")
            return
        sessions = f"its {team.session_count} session{'s' if team.session_count != 1 else ''}"

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._delete_later(team)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {one_line(team.name, 50)} for good, with {sessions} and their actions? "
                f"ctrl+z brings it back for the next {UNDO_DELETE_SECONDS:g} seconds; after that it is gone.",
                yes="Delete",
                no="Keep",
                danger=True,
            ),
            done,
        )

    def _delete_later(self, team: TeamInfo) -> None:
        """Hide the team now; delete it when the undo time is up."""
        timer = self.set_timer(UNDO_DELETE_SECONDS, lambda: self._delete_now(team.id))
        self._pending_delete[team.id] = (team, timer)
        self._undo.append(_Undo("delete", team.id, team.name))
        self.show_teams([t for t in self.teams if t.id != team.id])
        self.app.notify(
            f"Deleted {one_line(team.name, 50)}: ctrl+z brings it back (for {UNDO_DELETE_SECONDS:g} seconds).",
            markup=False,
            timeout=UNDO_DELETE_SECONDS,
        )

    def _delete_now(self, team_id: str) -> None:
        pending = self._pending_delete.pop(team_id, None)
        if pending is None:
            return
        team, timer = pending
        timer.stop()
        self._deleting.add(team_id)
        self._queue("delete team", lambda store: store.delete_team(team_id), "", deleted=team_id)

    def on_unmount(self) -> None:
        # The app is closing inside an undo window: the coach asked for the deletion.
        for team_id in list(self._pending_delete):
            self._delete_now(team_id)

    def action_undo(self) -> None:
        if not self._undo:
            self._message("Nothing to undo on the team list.")
            return
        undo = self._undo.pop()
        name = one_line(undo.name, 50)
        if undo.kind == "delete":
            pending = self._pending_delete.pop(undo.team_id, None)
            if pending is None:
                self._message(f"{name} is already deleted for good.")
                return
            team, timer = pending
            timer.stop()
            self.show_teams([team, *self.teams])
            self.app.notify(f"{name} is back.", markup=False)
            self.reload()
        elif undo.kind == "archive":
            message = f"Archived {name} again." if undo.archived else f"Restored {name}."
            self._queue("undo archive", lambda store: store.archive_team(undo.team_id, undo.archived), message)
        else:
            self._queue(
                "undo rename", lambda store: store.rename_team(undo.team_id, undo.name), f"Renamed back to {name}."
            )
