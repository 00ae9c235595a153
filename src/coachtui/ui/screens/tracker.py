"""The action tracker: every open action across teams, overdue first.

A facilitator (or a coach before a huddle) changes an action's status here with a
note; it is recorded as a review, like a review in a session. The list is paged as
it is scrolled and keeps at most ``WINDOW`` rows, so it stays quick at any size.

On a shared database another coach may change an action while it is on this
screen: a mark is recorded only on top of the version shown (``expected_version``).
If it changed, the coach is told who changed it and chooses to reload it or to keep
their mark; the note they typed is never thrown away.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from coachtui.store.types import ActionInfo, ActionPage
from coachtui.text import one_line
from coachtui.ui.appref import coach_app
from coachtui.ui.format import cell, due_label, share_width, status_cell, text_width
from coachtui.ui.messages import ConflictFound, WriteDone, WriteRefused, deliver
from coachtui.ui.modals import Pick, PicksFilters, TextPromptScreen, team_pick
from coachtui.ui.widgets.statusbar import StatusBar
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.session.conflicts import Conflict
    from coachtui.store.types import ReviewInfo
    from coachtui.ui.app import CoachApp
    from coachtui.ui.conflicts import ConflictAsker

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
        if isinstance(self.screen, TrackerScreen):
            self.screen.mark(status)

    def action_top(self) -> None:
        if isinstance(self.screen, TrackerScreen):
            self.screen.reload()


class TrackerScreen(PicksFilters, Screen[None]):
    HELP = """\
## Action tracker

Every open action across all teams: overdue first (oldest due date first), then
those due soonest, then those with no due date.

| key | |
|---|---|
| **d p s x** | mark the highlighted action done, in progress, stuck or dropped, with a note (ctrl+s records it; esc cancels the mark and keeps the note for the next one, until you quit: quitting asks first) |
| **t** | only one team's actions |
| **o** | only one owner's actions |
| **a** | only the actions agreed with one coach |
| **c** | show closed actions too (done and dropped) |
| **esc** | clear every filter |
| **home** | back to the top of the list |

The keys of the filters are on the line above the list.

A mark made here is recorded as a review of the action (without a session), and the
team sees it in the review step of its next session.

If another coach changed the action since the list showed it, the mark is not
recorded: you are told who changed it, and choose **r** reload (see their change;
your note is kept for when you mark it again) or **k** keep mine (record your mark
on top of their change).
"""

    # The filter keys are shown on the filter line above the list ("t Team: all …"),
    # which keeps the footer short enough for 80 columns.
    BINDINGS = [
        Binding("t", "pick_team", "Team", show=False, id="tracker.team"),
        Binding("o", "pick_owner", "Owner", show=False, id="tracker.owner"),
        Binding("a", "pick_coach", "Coach", show=False, id="tracker.coach"),
        Binding("c", "toggle_closed", "Closed", show=False, id="tracker.closed"),
        Binding("escape", "clear_filters", "Clear", show=False, id="tracker.clear"),
    ]

    def __init__(self) -> None:
        super().__init__(id="tracker-screen")
        self.team_id: str | None = None
        self.team_name = ""
        self.owner: str | None = None
        self.coach: str | None = None
        self.include_closed = False
        # The notes of marks queued and not written yet, by action id: held for the
        # next mark again if the mark is refused (quitting waits for the write).
        self._sending: dict[str, str] = {}
        self.rows: list[ActionInfo] = []
        self.below: str | None = None
        self.dropped_above = False
        self._loading = False
        self._generation = 0
        self._conflicts: ConflictAsker | None = None

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    @property
    def kept_notes(self) -> dict[str, str]:
        """Notes typed for a mark that was not recorded (esc, a conflict, a lost
        connection): offered again when the action is marked next. The app holds
        them, so quitting from any screen asks about them."""
        return self.coach_app.tracker_notes

    def note_in_hand(self, action_id: str) -> str:
        """The note the next mark of the action starts with: one held, or one still on
        its way with a mark not written yet (marking again replaces that mark: its
        words come along)."""
        return self.kept_notes.get(action_id) or self._sending.get(action_id, "")

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="tracker-filters", markup=False)
        yield TrackerTable(id="tracker-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="tracker-detail", classes="note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(StatusBar).context = "Action tracker"

    def on_mode_shown(self) -> None:
        self.query_one(TrackerTable).focus()
        self.reload()

    def _describe(self) -> str:
        team = one_line(self.team_name, 30) if self.team_id else "all"
        owner = one_line(self.owner, 20) if self.owner is not None else "all"
        coach = one_line(self.coach, 20) if self.coach is not None else "all"
        closed = "shown" if self.include_closed else "hidden"
        # the filter keys live here, not in the footer: 80 columns hold only the marks
        clear = "  esc clear" if self.filtered else ""
        return f"t Team: {team}  o Owner: {owner}  a Coach: {coach}  c Closed: {closed}{clear}"

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        self.query_one("#tracker-filters", Static).update(self._describe())
        self.refresh_bindings()
        self._generation += 1
        self._loading = True
        self._load(self._generation, None)

    @in_thread(exclusive=True, group="tracker-page", doing="load the actions", then="_loaded", failed="_not_loaded")
    def _load(self, generation: int, after: str | None) -> tuple[int, bool, ActionPage] | None:
        store = self.coach_app.store
        if store is None:
            return None
        page = store.tracker_actions(
            today=dt.date.today(),
            team_id=self.team_id,
            owner=self.owner,
            coach=self.coach,
            include_closed=self.include_closed,
            limit=PAGE,
            after=after,
        )
        return generation, after is not None, page

    def _not_loaded(self, error: BaseException) -> None:
        from coachtui.ui.workers import reason, tell

        self._loading = False
        tell(self.app, f"Could not load actions: {reason(error)}")

    def _loaded(self, result: tuple[int, bool, ActionPage] | None) -> None:
        if result is None:
            return
        generation, more, page = result
        self._loading = False
        if generation != self._generation:
            return
        current = self._current() if more else None
        keep = current.id if current is not None else None
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

    def on_resize(self) -> None:
        current = self._current()
        self._fill(current.id if current else None)

    def _columns(self, today: dt.date) -> tuple[list[tuple[str, str, int]], bool]:
        """The columns (key, label, width) that share the table's width. At 80
        columns owner and team go on a second line of each row, under the action."""
        table = self.query_one(TrackerTable)
        width = max(60, table.size.width or self.size.width)
        narrow = width < 110
        lines = len(self.rows) * (2 if narrow else 1)
        scrollbar = 2 if lines > max(0, table.size.height - 1) else 0
        due = max([len("Due"), *(len(self._due(a, today)) for a in self.rows)])
        status = max([len("Status"), *(len(status_cell(a.status)) for a in self.rows)])
        text = max([len("Action"), *(text_width(one_line(a.text)) for a in self.rows)])
        owner = max([len("Owner"), *(text_width(one_line(a.owner)) for a in self.rows)])
        team = max([len("Team"), *(text_width(one_line(a.team_name)) for a in self.rows)])
        if narrow:
            available = width - scrollbar - 2 * 3  # each column has a cell of padding either side
            widths = share_width(available, [(due, due, 0), (status, status, 0), (max(text, owner + team + 3), 20, 1)])
            labels = [("due", "Due"), ("status", "Status"), ("text", "Action / owner · team")]
        else:
            available = width - scrollbar - 2 * 5
            widths = share_width(
                available, [(due, due, 0), (status, status, 0), (text, 24, 4), (owner, 8, 1), (team, 14, 2)]
            )
            labels = [("due", "Due"), ("status", "Status"), ("text", "Action"), ("owner", "Owner"), ("team", "Team")]
        return [(key, label, w) for (key, label), w in zip(labels, widths, strict=True)], narrow

    @staticmethod
    def _due(action: ActionInfo, today: dt.date) -> str:
        if action.is_overdue(today) and action.due:
            return "⚠ " + action.due.isoformat()
        return due_label(action.due, today, action.status)

    def _fill(self, keep: str | None) -> None:
        table = self.query_one(TrackerTable)
        today = dt.date.today()
        columns, narrow = self._columns(today)
        widths = {key: w for key, _, w in columns}
        table.clear(columns=True)
        for key, label, w in columns:
            table.add_column(label, key=key, width=w)
        for action in self.rows:
            cells = [cell(self._due(action, today)), cell(status_cell(action.status))]
            if narrow:
                who = " · ".join(part for part in (one_line(action.owner), one_line(action.team_name)) if part)
                both = Text(one_line(action.text, widths["text"]), no_wrap=True, overflow="ellipsis")
                both.append("\n")
                both.append(one_line(who, widths["text"]), style="dim")
                cells.append(both)
                table.add_row(*cells, key=action.id, height=2)
            else:
                cells += [
                    cell(action.text, widths["text"]),
                    cell(action.owner, widths["owner"]),
                    cell(action.team_name, widths["team"]),
                ]
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
            facts.append(f"Due: {due_label(action.due, status=action.status)}")
        lines.append("   ".join(facts))
        if action.last_note:
            lines.append(f"Last note: {one_line(action.last_note, 300)}")
        kept = self.kept_notes.get(action.id)
        if kept:
            lines.append(f"Your note, not recorded yet (mark to record it): {one_line(kept, 200)}")
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

        def cancelled(note: str) -> None:
            """esc: not marked, but the words typed are kept for the next mark."""
            if note.strip():
                self.kept_notes[action.id] = note
                self._show_detail()
                self.app.notify(
                    "Not marked. Your note is kept: mark it again (d p s x) to record it.", markup=False, timeout=8
                )
            elif action.id in self.kept_notes:
                self.kept_notes.pop(action.id)  # emptied on purpose
                self._show_detail()

        label = status.replace("_", " ")
        self.app.push_screen(
            TextPromptScreen(
                f"Mark “{one_line(action.text, 50)}” as {label}",
                value=self.note_in_hand(action.id),
                multiline=True,
                help_text="A note for the team (optional). ctrl+s records the mark; "
                "esc cancels it and keeps the note for the next mark.",
                on_cancel=cancelled,
            ),
            done,
        )

    def _record(self, action: ActionInfo, status: str, note: str) -> None:
        """Queue the mark, on top of the version of the action the list showed. The
        note is kept until it is written: a refused mark offers it again."""
        app = self.coach_app
        self.kept_notes.pop(action.id, None)
        if note:
            self._sending[action.id] = note
        app.edits.mark_action(
            action,
            status,
            note,
            app.settings.coach_name,
            on_done=lambda review: deliver(app, self, WriteDone("mark", action.id, (status, note, review))),
            on_conflict=lambda conflict: deliver(app, self, ConflictFound(conflict)),
            on_refused=lambda exc: deliver(app, self, WriteRefused("mark", action.id, str(exc))),
        )

    @on(WriteDone)
    def _recorded(self, event: WriteDone) -> None:
        from dataclasses import replace

        event.stop()
        status, note, review = cast("tuple[str, str, ReviewInfo]", event.result)
        self._sending.pop(event.record_id, None)
        coach = self.coach_app.settings.coach_name
        self.rows = [
            replace(a, status=status, last_note=note or a.last_note, version=review.action_version, updated_by=coach)
            if a.id == event.record_id
            else a
            for a in self.rows
        ]
        self._fill(event.record_id)
        self.app.notify(f"Recorded: {status.replace('_', ' ')}.", markup=False)

    @on(WriteRefused)
    def _not_recorded(self, event: WriteRefused) -> None:
        event.stop()
        message = event.error
        self._hold_sent_note(event.record_id)
        if self.kept_notes.get(event.record_id):
            message += " Your note is kept: mark it again to retry."
        self.app.notify(f"Not recorded: {message}", severity="error", markup=False, timeout=10)

    # --- another coach changed the action first: the one conflict question ----------------------

    @on(ConflictFound)
    def _conflict_found(self, event: ConflictFound) -> None:
        from coachtui.ui.conflicts import ConflictAsker

        event.stop()
        if self._conflicts is None:
            self._conflicts = ConflictAsker(self._settle)
        self._conflicts.ask(self.app, event.conflict)

    def _settle(self, conflict: Conflict, keep: bool) -> None:
        """Keep mine: the same mark again, on top of theirs. Reload: show the action
        as it is now (their mark), the note kept for the next mark."""
        self.coach_app.saver.resolve(conflict.record_id)
        if keep and conflict.again is not None:
            conflict.again(conflict.current_version)
            self.app.notify(f"Saving your mark on top of {conflict.who}'s change.", markup=False)
        else:
            self._hold_sent_note(conflict.record_id)
            self._reload_action(conflict.record_id)

    def _hold_sent_note(self, action_id: str) -> None:
        """A queued mark that will not be written: its note is held for the next one."""
        note = self._sending.pop(action_id, "")
        if note:
            self.kept_notes[action_id] = note
            self._show_detail()

    @in_thread(group="tracker-mark", doing="reload the action", then="_reloaded")
    def _reload_action(self, action_id: str) -> ActionInfo:
        return self.coach_app.ready_store.get_action(action_id)

    def _reloaded(self, current: ActionInfo) -> None:
        self.rows = [current if a.id == current.id else a for a in self.rows]
        self._fill(current.id)
        from coachtui.session.conflicts import changer

        who = one_line(changer(current.updated_by, self.coach_app.settings.coach_name), 40)
        status = current.status.replace("_", " ")
        kept = " Your note is kept: mark it again to record it." if current.id in self.kept_notes else ""
        self.app.notify(f"Reloaded: now {status}, as {who} left it.{kept}", markup=False, timeout=8)

    # --- filters ----------------------------------------------------------------------------------

    @in_thread(group="tracker-options", doing="read the teams", then="_pick")
    def action_pick_team(self) -> Pick:
        def choose(team_id: str | None, name: str) -> None:
            self.team_id, self.team_name = team_id, name

        return team_pick(self.coach_app.ready_store.list_teams(include_archived=True), self.team_id, choose)

    @in_thread(group="tracker-options", doing="read the owners", then="_pick")
    def action_pick_owner(self) -> Pick:
        owners = self.coach_app.ready_store.list_owners(include_closed=self.include_closed)

        def apply(value: str) -> None:
            self.owner = None if value == "\x00all" else value

        options = [("All owners", "\x00all")] + [(o or "(no owner)", o) for o in owners]
        current = "\x00all" if self.owner is None else self.owner
        return Pick("Owner", options, current, apply)

    @in_thread(group="tracker-options", doing="read the coaches", then="_pick")
    def action_pick_coach(self) -> Pick:
        coaches = self.coach_app.ready_store.list_coaches()

        def apply(value: str) -> None:
            self.coach = None if value == "\x00all" else value

        options = [("All coaches", "\x00all")] + [(name, name) for name in coaches]
        current = "\x00all" if self.coach is None else self.coach
        return Pick("Coach", options, current, apply)

    def action_toggle_closed(self) -> None:
        self.include_closed = not self.include_closed
        self.reload()

    @property
    def filtered(self) -> bool:
        return self.team_id is not None or self.owner is not None or self.coach is not None or self.include_closed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # esc clears only while a filter is on (the filter line then says so).
        if action == "clear_filters":
            return self.filtered
        return True

    def action_clear_filters(self) -> None:
        if not self.filtered:
            return
        self.team_id, self.team_name, self.owner, self.coach = None, "", None, None
        self.include_closed = False
        self.reload()
