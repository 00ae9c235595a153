"""Step 1 — Team: pick the team (type to filter, most recent first) or create one.

The team list (a DataTable) is built when the first teams arrive, after the first
paint: the first frame needs only the intro and the filter field, and Textual's
DataTable (its module and its stylesheet) costs a few milliseconds to load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from coachtui.text import one_line
from coachtui.ui.format import cell, relative_day
from coachtui.ui.messages import ConflictFound, WriteDone, WriteRefused, deliver
from coachtui.ui.steps.base import StepPane, enclosing, goes_to_filter, type_into
from coachtui.ui.widgets.literal import LiteralInput
from coachtui.ui.workers import in_thread, reason

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widgets import DataTable

    from coachtui.session.conflicts import Conflict
    from coachtui.store.types import TeamInfo
    from coachtui.ui.conflicts import ConflictAsker

CREATE_KEY = "__create__"
# "Last session" and "Open actions" (their values are no wider), and each column's padding
_OTHER_COLUMNS = 2 * 12 + 3 * 2
# How long a deleted team can still be brought back with ctrl+z; it is deleted for
# good when this runs out (or when the app closes first).
UNDO_DELETE_SECONDS = 10.0
# How alike two names (letters and digits only) are before creating the second asks
# first (difflib's ratio: a typo or two in a name of a dozen letters is above it).
SIMILAR_NAME = 0.85


@dataclass(slots=True)
class _Undo:
    """One team change ctrl+z can take back."""

    kind: str  # "archive", "rename" or "delete"
    team: TeamInfo  # the team as it was before the change
    # the team's version once the change is written (each write adds 1; the written
    # TeamInfo says it exactly): the undo changes only that version, never a newer one
    version: int = 0

    @property
    def team_id(self) -> str:
        return self.team.id

    @property
    def name(self) -> str:
        return self.team.name


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


def name_matches(typed: str, name: str) -> bool:
    """The filter's words are each somewhere in the team's name, in any order
    ("larch ward 26" finds "Larchfield Hospital Ward 26")."""
    folded = name.casefold()
    return all(word in folded for word in typed.casefold().split())


def similar_team(name: str, teams: list[TeamInfo]) -> TeamInfo | None:
    """The existing team whose name ``name`` most closely resembles (a typo, other
    spacing or punctuation: "Larchfeild Hospital Ward 26", "Ward4"), or None. The
    numbers must be the same: "Ward 5" is another ward, not a typo of "Ward 4"."""
    import difflib
    import re

    def squashed(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    typed, numbers = squashed(name), re.findall(r"\d+", name)
    best, best_ratio = None, 0.0
    for team in teams:
        other = squashed(team.name)
        if not other or re.findall(r"\d+", team.name) != numbers:
            continue
        ratio = 1.0 if other == typed else difflib.SequenceMatcher(None, typed, other).ratio()
        if ratio > best_ratio:
            best, best_ratio = team, ratio
    return best if best_ratio >= SIMILAR_NAME else None



@cache
def _team_table_class() -> type[DataTable[Any]]:
    """TeamTable, defined on first use (it loads Textual's DataTable)."""
    from textual.widgets import DataTable

    class TeamTable(DataTable[Any]):
        """The team list. It has no letter keys of its own: what the coach types here
        goes to the filter (the prompt says "type to filter"), so typing a team's name
        on the list can never rename, archive or delete a team."""

        def typing_goes_to(self, event: events.Key | events.Paste) -> Input | None:
            """The filter, for a letter typed here (see typeahead.KeyHold.route)."""
            step = enclosing(self, TeamStep)
            return step.query_one("#team-filter", Input) if step is not None and goes_to_filter(event) else None

        def on_key(self, event: events.Key) -> None:
            step = enclosing(self, TeamStep)
            if step is not None:
                type_into(step.query_one("#team-filter", Input), event)

    return TeamTable


class TeamFilter(LiteralInput):
    """The filter field. A text field takes ctrl+d (delete right) and ctrl+z (undo
    typing); here they delete (after asking) and undo a change to the highlighted
    team, as the step says (delete still edits the text). ctrl+a stays the start of
    the line: archiving has a key no text field uses (ctrl+o), so a coach's habit
    never archives a team at once."""

    # Letters a question kept, typed before it was on the screen, were meant for
    # something else (a new session's title): here they would become a team's name
    # (KeyHold tells the coach what was not used instead).
    refuses_typed_ahead = True

    BINDINGS = [
        # Here too, not only on the step: a key bound on the step reaches it after the
        # field's own keys typed after it (ctrl+o then ctrl+z would undo first).
        Binding("ctrl+o", "team('archive')", "Archive/restore", show=False, id="team.filter-archive"),
        Binding("ctrl+d", "team('delete_team')", "Delete…", show=False, id="team.filter-delete"),
        Binding("ctrl+z", "team('undo')", "Undo", show=False, id="team.filter-undo"),
    ]

    def action_team(self, what: str) -> None:
        step = enclosing(self, TeamStep)
        if step is not None:
            getattr(step, f"action_{what}")()


def _team_table() -> DataTable[Any]:
    from rich.text import Text

    table = _team_table_class()(id="team-table", cursor_type="row", zebra_stripes=True)
    # Headings as plain Text: a string is parsed as markup, and its first parse
    # loads Rich's table of emoji names (~4,000 entries) before the first paint.
    table.add_column(Text("Team"), key="name")
    table.add_column(Text("Last session"), key="last")
    table.add_column(Text("Open actions"), key="open")
    return table


class TeamStep(StepPane):
    step_id = "team"
    HELP = """\
## Team

Pick the team you are coaching now. Teams you coached most recently are at the top,
with the date of their last session and how many of their actions are still open.

- **Type** to filter the list (on the list too: letters always go to the filter);
  the words may come in any order and be parts of words ("larch 26").
  If no team has that name, **enter** creates it; a name very like a team's
  already there (a typo, other spacing) asks first. Back on the list from a
  session, words left in the filter are selected: what you type replaces them.
- **↑ ↓** move through the list, **enter** opens the session for that team.
- **ctrl+r** renames the highlighted team, **ctrl+o** archives it (or restores an
  archived one), **ctrl+t** shows or hides archived teams. (ctrl+a is the start of
  the line in the filter, as in any text field.)
- **ctrl+d** deletes the highlighted team, with all its sessions, after asking.
- **f8** lists the members of the highlighted team and adds one: a team with members
  is an action learning set, whose meetings have several presenters in turn (f9 in
  the session). A minus and a member's name there (**-Ann**) marks them as having
  left (after asking); they keep their history. Their name typed again brings them back.
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
        Binding("ctrl+o", "archive", "Archive/restore", show=False, id="team.archive"),
        Binding("ctrl+t", "toggle_archived", "Show archived", show=False, id="team.archived"),
        Binding("ctrl+d", "delete_team", "Delete…", show=False, id="team.delete"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="team.undo"),
        Binding("f8", "members", "Members", show=False, id="team.members"),
    ]

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
        self._members_asked = 0  # f8s acted on (see keys_wait_after)
        self._undo: list[_Undo] = []
        # Deleted teams that ctrl+z can still bring back: hidden, not yet deleted.
        self._pending_delete: dict[str, tuple[TeamInfo, Timer]] = {}
        self._deleting: set[str] = set()  # on their way out of the database
        self._reloads = 0
        self._filled_for = ""  # the filter text the list was last filled for
        # What the table holds (see _fill): its rows (name, last session, open
        # actions, key), the name column's width, and whether rows are still to come.
        self._rows_shown: list[tuple[str, str, str, str]] = []
        self._name_width = 0
        self._partial = False
        self._conflicts: ConflictAsker | None = None

    def compose(self) -> ComposeResult:
        yield Static("Opening your coaching records…", id="team-intro", markup=False)
        yield TeamFilter(placeholder="Type to find a team, or a new team's name", id="team-filter")
        yield Static("", id="team-message", classes="error", markup=False)
        # The team list read while Textual loaded (coachtui.ui.EarlyTeams) is filled
        # in as the screen mounts: its table composed now is painted with the first
        # frame (mounted later, it would come one frame after).
        early = self.coach_app.early_teams
        if early is not None and early.done.is_set() and early.teams:
            yield _team_table()
        yield Static(
            "ctrl+r rename · ctrl+o archive · ctrl+d delete · ctrl+z undo · ctrl+t archived",
            id="team-hint",
            classes="hint",
            markup=False,
        )

    def _table(self) -> DataTable[Any] | None:
        """The team list, or None before the first teams arrived."""
        found = self.query("#team-table")
        return cast("DataTable[Any]", found.first()) if found else None  # the table is only ever a TeamTable

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """The names fill the list's new width; the same team stays highlighted."""
        table = self._table()
        if table is None or not table.row_count:
            return
        key = self._highlighted_key()
        self._fill()
        keys = [row.key.value for row in table.ordered_rows]
        if key in keys:
            table.move_cursor(row=keys.index(key))

    def clear_filter(self) -> None:
        """Empty the filter (back on the list after a session): its old words, scrolled
        out of view, made "Set TenSet Ten" of the name typed again."""
        self._choose_when_open = False
        self.query_one("#team-filter", Input).value = ""
        self._message("")

    def shown_again(self) -> None:
        """Back on the list from a session's step: words left in the filter (typed
        and never used) are selected, so what the coach types now takes their place.
        A name typed straight after ctrl+g 1, before the list was on the screen, was
        added on to them, and enter made a team of both."""
        self.query_one("#team-filter", Input).select_all()

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

    @in_thread(group="team-list", doing="load the teams", then="_teams_read", failed="_teams_not_read")
    def _read_teams(self, generation: int, include_archived: bool) -> tuple[int, list[TeamInfo]] | None:
        store = self.coach_app.store
        if store is None:
            return None
        return generation, store.list_teams(include_archived=include_archived)

    def _teams_not_read(self, error: BaseException) -> None:
        self._message(f"Could not load the teams: {reason(error)}")  # the list is kept as it was

    def _teams_read(self, result: tuple[int, list[TeamInfo]] | None) -> None:
        if result is not None and result[0] == self._reloads:
            self.show_teams(result[1])

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
        from rich.text import Text

        table = self._table()
        if table is None:
            return
        text = self._filter_text()
        self._filled_for = text
        needle = text.casefold()
        matches = [t for t in self.teams if name_matches(text, t.name)] if needle else list(self.teams)
        exact = any(t.name.casefold() == needle for t in self.teams)
        current = self._highlighted_key()
        # The name column takes what the other two columns leave, no more: a long
        # name typed ran the create row, and the other columns, past the right edge
        # (and a column made wide once stayed wide).
        room = (table.size.width or self.size.width or 80) - _OTHER_COLUMNS
        if len(matches) + 1 > table.size.height - 1:
            room -= 2  # a scrollbar
        room = max(16, room)
        rows: list[tuple[str, str, str, str]] = []
        shown: set[str] = set()
        for team in matches:
            if team.id in shown:
                continue  # never twice (a duplicate row key would end the app)
            shown.add(team.id)
            name = one_line(team.name, room - (12 if team.archived else 0))
            name += "  (archived)" if team.archived else ""
            last = relative_day(team.last_session_at)
            rows.append((name, last, str(team.open_actions) if team.open_actions else "–", team.id))
        # Creating comes last: typing part of a name and pressing enter should open
        # the team that matches, not quietly create a near-duplicate.
        if text and not exact:
            create = f"+ Create team “{one_line(text, max(4, room - len('+ Create team “”')))}”"
            rows.append((create, "", "", CREATE_KEY))
        width = min(room, max(cell_len(row[0]) for row in [("Team",), *rows]))
        # Each row costs Textual a measure and a cursor update: a few hundred teams
        # took a frame's worth of time. The first fill of a table not laid out yet
        # (about to be painted for the first time) adds only the rows a screen can
        # show, the rest one refresh later. Rows the table shows already stay: the
        # first layout's width or the store's list replacing the quick one mostly
        # leave them as they are.
        kept = len(self._rows_shown)
        self._partial = not kept and not table.size.height and len(rows) > self.app.size.height
        wanted = rows[: self.app.size.height] if self._partial else rows
        if width != self._name_width or self._rows_shown != wanted[:kept]:
            table.clear(columns=True)
            # headings as plain Text, as _team_table makes them (a string loads Rich's emoji table)
            table.add_column(Text("Team"), key="name", width=width)
            table.add_column(Text("Last session"), key="last")
            table.add_column(Text("Open actions"), key="open")
            self._rows_shown, self._name_width, kept = [], width, 0
        for name, last, open_actions, key in wanted[kept:]:
            table.add_row(cell(name), cell(last), cell(open_actions), key=key)
        self._rows_shown.extend(wanted[kept:])
        if self._partial:
            self.call_after_refresh(self._fill_rest)
        if table.row_count:
            keys = [row.key.value for row in table.ordered_rows]
            target = keys[0]
            if exact:
                target = next(t.id for t in self.teams if t.name.casefold() == needle)
            elif current in keys and not text:
                target = current
            table.move_cursor(row=keys.index(target) if target in keys else 0)  # (not among the first rows yet)

    def _fill_rest(self) -> None:
        """The rows a first fill left out (see _fill), once the table is painted."""
        if self._partial:
            self._fill()

    def _highlighted_key(self) -> str | None:
        if self._filter_text() != self._filled_for:
            # Keys typed in a burst: the filter changed but its Changed message has
            # not arrived yet. Whatever acts on the highlighted team must see the
            # list for what is typed now, not for what was typed a moment ago.
            self._fill()
        table = self._table()
        if table is None or table.row_count == 0:
            return None
        from textual.widgets.data_table import CellDoesNotExist  # loaded with the table

        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # a refreshing table has no cursor
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
        if key == "f8":  # the members prompt: the name typed after it goes there
            from coachtui.ui.typeahead import COMMAND_WAIT

            asked = self._members_asked
            return (lambda: self._members_asked != asked), COMMAND_WAIT
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
            self._create_unless_similar(self._filter_text())
            return
        team = self._highlighted_team()
        if team is None:
            self._refuse("Type a team's name first.")
            return
        if team.archived:
            self._refuse(f"{one_line(team.name)} is archived: press ctrl+o to restore it first.")
            return
        self._message("")
        # Its name has done its work: what is typed next is a name of its own. Left
        # here, it was typed on after ("Bravo", enter, Stay on "Start a new session
        # with Bravo?", then "Charlie" enter made a team "BravoCharlie").
        self.query_one("#team-filter", Input).value = ""
        self.coach_app.session_screen.open_team(team)

    def _create_unless_similar(self, name: str) -> None:
        """Create the team, but first ask when its name closely resembles a team's
        already there (a near-duplicate splits a team's history in two)."""
        close = similar_team(name, self.teams) if validate_team_name(name, self.teams) is None else None
        if close is None or self._creating is not None:
            self._create(name)
            return
        from coachtui.ui.modals import ConfirmScreen

        def done(create: bool | None) -> None:
            if create:
                self._create(name)
            else:
                self._refuse(f"Not created. Pick {one_line(close.name, 50)} from the list, or change the name.")
                self.query_one("#team-filter", Input).focus()

        archived = " (archived)" if close.archived else ""
        self.app.push_screen(
            ConfirmScreen(
                f"There is already a team called {one_line(close.name, 60)}{archived}. "
                f"Create {one_line(name, 60)} as another team?",
                yes="Create",
                no="Back",
                danger=True,  # enter pressed twice in a hurry goes back, creating nothing
                yes_opens_session=True,  # a title typed on after enter goes into the new session
            ),
            done,
        )

    def _create(self, name: str) -> None:
        if self._creating is not None:
            return  # enter again while the team is on its way: it opens when it is there
        error = validate_team_name(name, self.teams)
        if error:
            self._refuse(error)
            return
        self._creating = " ".join(name.split())
        app = self.coach_app
        app.edits.create_team(
            name,
            app.settings.coach_name,
            on_done=lambda team: deliver(app, self, WriteDone("created", team.id, team)),
            on_refused=lambda exc: deliver(app, self, WriteRefused("create", "", str(exc))),
        )

    def _refuse(self, message: str) -> None:
        """enter could not open a team: say why (keys typed after it stay here)."""
        self._refusals += 1
        self._message(message)

    def _created(self, team: TeamInfo) -> None:
        """The new team is in the database: open it."""
        self._creating = None
        self.query_one("#team-filter", Input).value = ""
        self._message("")
        # The list may have been reloaded with the new team in it meanwhile.
        if not any(t.id == team.id for t in self.teams):
            self.teams.insert(0, team)
        if not any(t.id == team.id for t in self.coach_app.teams):
            self.coach_app.teams.insert(0, team)
        self._fill()
        self.coach_app.session_screen.open_team(team)

    # --- team management ----------------------------------------------------------------
    #
    # Every change goes through the save queue (app.edits), in order, so ctrl+z right
    # after a change undoes it after it is written, never before. Each names the
    # version of the team the list showed: a team another coach changed meanwhile is
    # asked about (the one conflict question), never overwritten.

    def _written(self, message: str, deleted: str | None = None) -> Callable[[object], None]:
        """What happens once a team change is written (in the saver thread)."""
        app = self.coach_app

        def done(result: object) -> None:
            team_id = deleted or str(getattr(result, "id", ""))
            deliver(app, self, WriteDone("changed", team_id, (message, deleted, result)))

        return done

    def _team_conflict(self, conflict: Conflict) -> None:
        deliver(self.coach_app, self, ConflictFound(conflict))

    def _team_refused(self, team_id: str) -> Callable[[BaseException], None]:
        app = self.coach_app
        return lambda exc: deliver(app, self, WriteRefused("change", team_id, str(exc)))

    @on(WriteDone)
    def _write_done(self, event: WriteDone) -> None:
        event.stop()
        if event.what == "created":
            self._created(cast("TeamInfo", event.result))
            return
        message, deleted, result = cast("tuple[str, str | None, object]", event.result)
        if deleted is not None:
            self._deleting.discard(deleted)
        version = getattr(result, "version", None)
        if version is not None:
            for undo in self._undo:
                if undo.team_id == event.record_id and undo.kind != "delete":
                    undo.version = version
        if message:
            self.app.notify(message, markup=False)
        self.reload()

    @on(WriteRefused)
    def _write_refused(self, event: WriteRefused) -> None:
        event.stop()
        if event.what == "create":
            self._creating = None
            self._refuse(event.error)
            return
        self._deleting.discard(event.record_id)
        self.app.notify(f"Not changed: {event.error}", severity="error", markup=False, timeout=10)
        self.reload()

    @on(ConflictFound)
    def _conflict_found(self, event: ConflictFound) -> None:
        from coachtui.ui.conflicts import ConflictAsker

        event.stop()
        self._deleting.discard(event.conflict.record_id)
        if self._conflicts is None:
            self._conflicts = ConflictAsker(self._settle)
        self._conflicts.ask(self.app, event.conflict)

    def _settle(self, conflict: Conflict, keep: bool) -> None:
        """Keep mine: the same change again, on top of theirs. Reload: the list as it
        is now, with their change (mine can be made again)."""
        self.coach_app.saver.resolve(conflict.record_id)
        if keep and conflict.again is not None:
            if conflict.change == "delete":
                self._deleting.add(conflict.record_id)
            conflict.again(conflict.current_version)
            self.app.notify(f"Saving yours on top of {conflict.who}'s change.", markup=False)
        else:
            self.app.notify(f"Reloaded: the team is as {conflict.who} left it.", markup=False, timeout=8)
        self.reload()

    def _managed_team(self) -> TeamInfo | None:
        if self.coach_app.store is None:
            self._message("The database is still opening; one moment…")
            return None
        team = self._highlighted_team()
        if team is None:
            self._message("Highlight a team first (type part of its name or use ↑ ↓).")
        return team

    def action_members(self, team: TeamInfo | None = None, version: int | None = None) -> None:
        """f8: the highlighted team's members; a name typed joins the set, "-" and a
        member's name marks them as left (asked first), a former member's name brings
        them back (a current member's is said to be one already).
        The prompt comes back after each change, so a set's members go in one after
        another; enter on an empty line (or esc) closes it."""
        from coachtui.store.types import MEMBER_NAME_MAX
        from coachtui.ui.format import members_help
        from coachtui.ui.modals import TextPromptScreen

        def too_long(value: str) -> str | None:
            if len(" ".join(value.split())) > MEMBER_NAME_MAX:
                return f"Keep a name to {MEMBER_NAME_MAX} characters."
            return None

        self._members_asked += 1  # the prompt is up, or the reason it is not is said
        team = team or self._managed_team()
        if team is None:
            return
        version = team.version if version is None else version

        def done(value: str | None) -> None:
            name = " ".join((value or "").split())
            if name:
                self._member_change(team, name, version)

        self.app.push_screen(
            TextPromptScreen(
                f"Members of {one_line(team.name, 50)}",
                placeholder="A name, then enter (enter on an empty line closes)",
                help_text=members_help(team),
                validate=too_long,
            ),
            done,
        )

    def _member_change(self, team: TeamInfo, name: str, version: int) -> None:
        import dataclasses
        import datetime as dt

        from coachtui.store.types import Member
        from coachtui.ui.modals import ConfirmScreen

        leaving = name.startswith("-")  # "-Ann": Ann has left (typed again, "Ann" is no request to)
        if leaving:
            name = name[1:].strip()
        members = list(team.members)
        match = next((i for i, m in enumerate(members) if m.name.casefold() == name.casefold()), None)
        edits, written = self.coach_app.edits, self._written("")
        here = one_line(team.name, 40)

        def queued(changed: list[Member], message: str) -> None:
            self.app.notify(message, markup=False)
            # shown at once (the list reloads when it is written); the next change
            # names the version this one makes
            shown = dataclasses.replace(team, members=tuple(changed), version=version + 1)
            self.action_members(shown, version + 1)

        def again(message: str) -> None:  # nothing to change: said, and the prompt is back for the next name
            self.app.notify(message, markup=False)
            self.action_members(team, version)

        if leaving and (match is None or not members[match].current):
            again(f"{name} is not a member of {here}." if match is None else f"{members[match].name} has already left.")
            return
        if match is None:
            edits.add_member(team, name, version=version, on_done=written, on_conflict=self._team_conflict,
                             on_refused=self._team_refused(team.id))
            queued([*members, Member(name)], f"{name} joined {here}.")
            return
        member = members[match]
        if not leaving and member.current:
            # Typed again (a list typed from memory, a name typed twice): not "she has left".
            again(f"{member.name} is already a member of {here} (-{member.name} marks them as left).")
            return
        if not member.current:
            edits.member_left(team, member.name, None, version=version, on_done=written,
                              on_conflict=self._team_conflict, on_refused=self._team_refused(team.id))
            members[match] = Member(member.name)
            queued(members, f"Welcome back: {member.name} is a member of {here} again.")
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                self.action_members(team, version)
                return
            today = dt.date.today()
            edits.member_left(team, member.name, today, version=version, on_done=written,
                              on_conflict=self._team_conflict, on_refused=self._team_refused(team.id))
            members[match] = Member(member.name, today)
            queued(members, f"{member.name} has left {here}: their actions and turns keep their name.")

        self.app.push_screen(
            ConfirmScreen(f"Mark {member.name} as having left {here}?", yes="Left", no="Still in"),
            confirmed,
        )

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
                self._undo.append(_Undo("rename", team, team.version + 1))
                message = f"Renamed {one_line(team.name, 40)} to {one_line(name, 40)}: ctrl+z undoes it."
                self.coach_app.edits.rename_team(
                    team,
                    name,
                    on_done=self._written(message),
                    on_conflict=self._team_conflict,
                    on_refused=self._team_refused(team.id),
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
        self._undo.append(_Undo("archive", team, team.version + 1))
        if team.archived:
            message = f"Restored {name}."
        elif self.show_archived:
            message = f"Archived {name}: ctrl+z undoes it."
        else:
            message = f"Archived {name}: ctrl+z undoes it, ctrl+t shows archived teams."
        self.coach_app.edits.archive_team(
            team,
            not team.archived,
            on_done=self._written(message),
            on_conflict=self._team_conflict,
            on_refused=self._team_refused(team.id),
        )

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
        self._undo.append(_Undo("delete", team))
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
        self.coach_app.edits.delete_team(
            team,
            on_done=self._written("", deleted=team_id),
            on_conflict=self._team_conflict,
            on_refused=self._team_refused(team_id),
        )

    def delete_pending_now(self) -> None:
        """The coach quits inside an undo window: they asked for the deletion, so it
        is queued now (quitting waits for it, and asks if it is refused)."""
        for team_id in list(self._pending_delete):
            self._delete_now(team_id)

    def on_unmount(self) -> None:
        self.delete_pending_now()

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
            message = f"Archived {name} again." if undo.team.archived else f"Restored {name}."
            self.coach_app.edits.archive_team(
                undo.team,
                undo.team.archived,
                version=undo.version,
                label="undo archive",
                on_done=self._written(message),
                on_conflict=self._team_conflict,
                on_refused=self._team_refused(undo.team_id),
            )
        else:
            self.coach_app.edits.rename_team(
                undo.team,
                undo.name,
                version=undo.version,
                label="undo rename",
                on_done=self._written(f"Renamed back to {name}."),
                on_conflict=self._team_conflict,
                on_refused=self._team_refused(undo.team_id),
            )
