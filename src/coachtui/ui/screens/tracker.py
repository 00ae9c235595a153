"""The action tracker: every open action across teams, overdue first.

A facilitator (or a coach before a huddle) changes an action's status here with a
note; it is recorded as a review, like a review in a session. The list is paged as
it is scrolled and keeps at most ``WINDOW`` rows, so it stays quick at any size.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from coachtui.store.types import ActionInfo, ActionPage
from coachtui.text import one_line
from coachtui.ui.format import cell, due_label, status_cell
from coachtui.ui.modals import PickerScreen, TextPromptScreen
from coachtui.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp

PAGE = 100
WINDOW = 300
EDGE = 10


class TrackerTable(DataTable):
    BINDINGS = [
        Binding("d", "mark('done')", "Done", id="tracker.done"),
        Binding("p", "mark('in_progress')", "In progress", id="tracker.progress"),
        Binding("s", "mark('stuck')", "Stuck", id="tracker.stuck"),
        Binding("x", "mark('dropped')", "Dropped", id="tracker.dropped"),
        Binding("home", "top", "Top", show=False, id="tracker.home"),
    ]

    def action_mark(self, status: str) -> None:
        self.screen.mark(status)  # type: ignore[attr-defined]

    def action_top(self) -> None:
        self.screen.reload()  # type: ignore[attr-defined]


class TrackerScreen(Screen[None]):
    HELP = """\
## Action tracker

Every open action across all teams: overdue first (oldest due date first), then
those due soonest, then those with no due date.

| key | |
|---|---|
| **d p s x** | mark the highlighted action done, in progress, stuck or dropped, with a note |
| **t** | only one team's actions |
| **o** | only one owner's actions |
| **c** | show closed actions too (done and dropped) |
| **home** | back to the top of the list |

A mark made here is recorded as a review of the action (without a session), and the
team sees it in the review step of its next session.
"""

    BINDINGS = [
        Binding("t", "pick_team", "Team", id="tracker.team"),
        Binding("o", "pick_owner", "Owner", id="tracker.owner"),
        Binding("c", "toggle_closed", "Closed", id="tracker.closed"),
    ]

    def __init__(self) -> None:
        super().__init__(id="tracker-screen")
        self.team_id: str | None = None
        self.team_name = ""
        self.owner: str | None = None
        self.include_closed = False
        self.rows: list[ActionInfo] = []
        self.below: str | None = None
        self.dropped_above = False
        self._loading = False
        self._generation = 0

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="tracker-filters", markup=False)
        yield TrackerTable(id="tracker-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="tracker-detail", classes="note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._was_narrow = self._narrow()
        self._build_columns()
        self.query_one(StatusBar).context = "Action tracker"

    def on_mode_shown(self) -> None:
        self.query_one(TrackerTable).focus()
        self.reload()

    def _describe(self) -> str:
        team = one_line(self.team_name, 30) if self.team_id else "all"
        owner = one_line(self.owner, 20) if self.owner is not None else "all"
        closed = "shown" if self.include_closed else "hidden"
        return f"t Team: {team}   o Owner: {owner}   c Closed actions: {closed}"

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        self.query_one("#tracker-filters", Static).update(self._describe())
        self._generation += 1
        self._loading = True
        self._load(self._generation, None)

    @work(thread=True, exclusive=True, group="tracker-page")
    def _load(self, generation: int, after: str | None) -> None:
        from coachtui.store.errors import StoreError

        store = self.coach_app.store
        if store is None:
            return
        try:
            page = store.tracker_actions(
                today=dt.date.today(),
                team_id=self.team_id,
                owner=self.owner,
                include_closed=self.include_closed,
                limit=PAGE,
                after=after,
            )
        except StoreError as exc:
            self.app.call_from_thread(self.app.notify, f"Could not load actions: {exc}", severity="error",
                                      markup=False)
            return
        self.app.call_from_thread(self._loaded, generation, after is not None, page)

    def _loaded(self, generation: int, more: bool, page: ActionPage) -> None:
        self._loading = False
        if generation != self._generation:
            return
        keep = self._current().id if more and self._current() else None
        if more:
            rows = self.rows + page.rows
            if len(rows) > WINDOW:
                rows = rows[len(rows) - WINDOW :]
                self.dropped_above = True
            self.rows = rows
        else:
            self.rows = list(page.rows)
            self.dropped_above = False
        self.below = page.next_cursor
        self._fill(keep)

    def _narrow(self) -> bool:
        return (self.query_one(TrackerTable).size.width or self.size.width) < 110

    def _build_columns(self) -> None:
        table = self.query_one(TrackerTable)
        table.clear(columns=True)
        columns = [("due", "Due"), ("status", "Status"), ("text", "Action")]
        if not self._narrow():
            columns += [("owner", "Owner"), ("team", "Team")]
        for key, label in columns:
            table.add_column(label, key=key)

    def on_resize(self) -> None:
        narrow = self._narrow()
        if narrow != getattr(self, "_was_narrow", None):
            self._was_narrow = narrow
            self._build_columns()
            current = self._current()
            self._fill(current.id if current else None)

    def _fill(self, keep: str | None) -> None:
        table = self.query_one(TrackerTable)
        today = dt.date.today()
        narrow = self._narrow()
        width = max(60, table.size.width or self.size.width)
        action_width = max(20, width - 14 - 14 - (0 if narrow else 18 + 24) - 12)
        table.clear()
        for action in self.rows:
            due = ("⚠ " + action.due.isoformat()) if action.is_overdue(today) and action.due else due_label(action.due, today)
            cells = [cell(due), cell(status_cell(action.status)), cell(action.text, action_width)]
            if not narrow:
                cells += [cell(action.owner, 18), cell(action.team_name, 24)]
            table.add_row(*cells, key=action.id)
        if not self.rows:
            self._detail("No open actions." if not self.include_closed else "No actions.")
            return
        ids = [a.id for a in self.rows]
        table.move_cursor(row=ids.index(keep) if keep in ids else 0, animate=False)
        self._show_detail()

    def _current(self) -> ActionInfo | None:
        table = self.query_one(TrackerTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _detail(self, text: str) -> None:
        self.query_one("#tracker-detail", Static).update(Content(text))

    def _show_detail(self) -> None:
        action = self._current()
        if action is None:
            return
        overdue = " — overdue" if action.is_overdue(dt.date.today()) else ""
        lines = [f"{one_line(action.text, 300)}{overdue}"]
        facts = [f"Team: {one_line(action.team_name, 40)}"]
        if action.owner:
            facts.append(f"Owner: {one_line(action.owner, 30)}")
        if action.due:
            facts.append(f"Due: {due_label(action.due)}")
        lines.append("   ".join(facts))
        if action.last_note:
            lines.append(f"Last note: {one_line(action.last_note, 300)}")
        if self.dropped_above:
            lines.append("(home for the top of the list)")
        self._detail("\n".join(lines))

    @on(DataTable.RowHighlighted, "#tracker-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        if event.cursor_row != self.query_one(TrackerTable).cursor_row:
            return  # a refill passing through other rows
        if not self._loading and self.below and event.cursor_row >= len(self.rows) - EDGE:
            self._loading = True
            self._load(self._generation, self.below)

    # --- marking ------------------------------------------------------------------------------

    def mark(self, status: str) -> None:
        action = self._current()
        if action is None:
            return

        def done(note: str | None) -> None:
            if note is not None:
                self._record(action, status, note)

        label = status.replace("_", " ")
        self.app.push_screen(
            TextPromptScreen(
                f"Mark “{one_line(action.text, 50)}” as {label}",
                multiline=True,
                help_text="A note for the team (optional). ctrl+s records it, esc cancels.",
            ),
            done,
        )

    @work(thread=True, group="tracker-mark")
    def _record(self, action: ActionInfo, status: str, note: str) -> None:
        from coachtui.store.errors import StoreError

        try:
            self.coach_app.store.record_review(  # type: ignore[union-attr]
                action.id, status, note, coach=self.coach_app.settings.coach_name
            )
        except StoreError as exc:
            self.app.call_from_thread(self.app.notify, f"Not recorded: {exc}", severity="error", markup=False)
            return
        self.app.call_from_thread(self._recorded, action, status, note)

    def _recorded(self, action: ActionInfo, status: str, note: str) -> None:
        from dataclasses import replace

        self.rows = [
            replace(a, status=status, last_note=note or a.last_note) if a.id == action.id else a for a in self.rows
        ]
        self._fill(action.id)
        self.app.notify(f"Recorded: {status.replace('_', ' ')}.", markup=False)

    # --- filters ----------------------------------------------------------------------------------

    def _pick(self, title: str, options: list[tuple[str, str]], current: str, apply: Any) -> None:
        def done(value: str | None) -> None:
            if value is not None:
                apply(value)
                self.reload()

        self.app.push_screen(PickerScreen(title, options, current), done)

    @work(thread=True, group="tracker-options")
    def action_pick_team(self) -> None:
        teams = self.coach_app.store.list_teams(include_archived=True)  # type: ignore[union-attr]
        names = {t.id: t.name for t in teams}

        def apply(value: str) -> None:
            self.team_id = value or None
            self.team_name = names.get(value, "")

        options = [("All teams", "")] + [(t.name, t.id) for t in teams]
        self.app.call_from_thread(self._pick, "Team", options, self.team_id or "", apply)

    @work(thread=True, group="tracker-options")
    def action_pick_owner(self) -> None:
        owners = self.coach_app.store.list_owners(include_closed=self.include_closed)  # type: ignore[union-attr]

        def apply(value: str) -> None:
            self.owner = None if value == "\x00all" else value

        options = [("All owners", "\x00all")] + [(o or "(no owner)", o) for o in owners]
        current = "\x00all" if self.owner is None else self.owner
        self.app.call_from_thread(self._pick, "Owner", options, current, apply)

    def action_toggle_closed(self) -> None:
        self.include_closed = not self.include_closed
        self.reload()
