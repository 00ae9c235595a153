"""History: every session, newest first, searchable and filterable, at any size.

The table holds a window of at most ``WINDOW`` rows. Moving near its bottom loads
the next page and lets the top go; moving near its top does the opposite; Home and
End jump to the newest and the oldest page. So the screen stays quick and small
whether the history has a hundred sessions or a hundred thousand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import get_current_worker

from coachtui.store.types import SessionFilter, SessionInfo, SessionPage
from coachtui.text import one_line
from coachtui.ui.appref import coach_app
from coachtui.ui.format import cell, found_cell, share_width, text_width
from coachtui.ui.modals import Pick, PickerScreen, PicksFilters, TextPromptScreen, team_pick
from coachtui.ui.typeahead import COMMAND_WAIT
from coachtui.ui.widgets.literal import LiteralInput
from coachtui.ui.widgets.statusbar import StatusBar
from coachtui.ui.workers import in_thread, reason

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp

PAGE = 50
WINDOW = 200
EDGE = 8  # rows from the window's edge at which the next page is fetched
# Seconds of quiet after a keystroke before the search runs: just enough to let a
# burst of keys make one search. Searches run in worker threads and a newer one
# cancels the older, so typing stays smooth (bench/run.py times the letter's echo and
# the rows: ~4 ms and ~75 ms at 100,000 sessions with 0.03 s; 0.2 s made it ~250 ms).
SEARCH_DELAY = 0.03

SHORT_CATEGORY = {
    "capability": "capability",
    "learning": "learning",
    "relational": "relational",
    "environment": "environment",
    None: "—",
}
STATUS_CHOICES = [("all", ""), ("completed", "completed"), ("drafts", "draft")]
DATE_CHOICES = [
    ("Any time", ""),
    ("Last 30 days", "30"),
    ("Last 3 months", "91"),
    ("Last 12 months", "365"),
    ("Choose dates…", "custom"),
]


@dataclass
class HistoryFilters:
    text: str = ""
    team_id: str | None = None
    team_name: str = ""
    category: str | None = None
    coach: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def store_arguments(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "category": self.category,
            "coach": self.coach,
            "status": self.status,
            "since": self.since,
            "until": self.until,
        }

    def describe(self) -> str:
        parts = [f"t Team: {one_line(self.team_name, 40) if self.team_id else 'all'}"]
        category = {"unsure": "not sure", None: "all"}.get(self.category, self.category)
        parts.append(f"g Category: {category}")
        parts.append(f"o Coach: {one_line(self.coach, 20) if self.coach is not None else 'all'}")
        if self.since or self.until:
            since = self.since.isoformat() if self.since else "…"
            until = self.until.isoformat() if self.until else "…"
            parts.append(f"d Dates: {since} to {until}")
        else:
            parts.append("d Dates: any")
        parts.append(f"s Show: {dict((v, k) for k, v in STATUS_CHOICES)[self.status or '']}")
        return "  ".join(parts)


@dataclass
class Window:
    """The rows on screen and the page markers just beyond them."""

    rows: list[SessionInfo] = field(default_factory=list)
    above: str | None = None  # load newer rows with before=above
    below: str | None = None  # load older rows with after=below


class HistoryTable(DataTable):
    BINDINGS = [Binding("enter", "open", "Open", id="history.open")]

    @property
    def history(self) -> HistoryScreen | None:
        return self.screen if isinstance(self.screen, HistoryScreen) else None

    def action_open(self) -> None:
        if self.history is not None:
            self.history.open_current()

    # Home and End mean the newest and the oldest session of the whole history,
    # not the first and last rows that happen to be loaded.
    def action_scroll_home(self) -> None:
        if self.history is not None:
            self.history.jump("top")

    def action_scroll_end(self) -> None:
        if self.history is not None:
            self.history.jump("end")

    action_scroll_top = action_scroll_home
    action_scroll_bottom = action_scroll_end

    # A letter that is no command on the list starts a search with it: the words a
    # facilitator types after picking a filter belong in the search box, not in the
    # pickers their letters would open one by one.
    def _starts_search(self, key: str) -> bool:
        return len(key) == 1 and key.isprintable() and not key.isspace() and key not in self.screen.active_bindings

    def on_key(self, event: events.Key) -> None:
        if self.history is None or not self._starts_search(event.key) or event.character != event.key:
            return
        event.stop()
        event.prevent_default()
        search = self.screen.query_one("#history-search", Input)
        search.value += event.key
        search.cursor_position = len(search.value)
        search.focus()

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """The keys typed after the first letter of a search follow it there."""
        if self.history is None or not self._starts_search(key):
            return None
        search = self.screen.query_one("#history-search", Input)
        return (lambda: search.has_focus), COMMAND_WAIT


class SearchBox(LiteralInput):
    """The search box; down (or enter) goes to the list without moving in it."""

    BINDINGS = [Binding("down", "to_list", "To the list", show=False, id="history.to-list")]

    def action_to_list(self) -> None:
        self.screen.query_one(HistoryTable).focus()


class HistoryScreen(PicksFilters, Screen[None]):
    """Find any session: type to search, filter, enter to open."""

    HELP = """\
## History

Every session, newest first. **Type** in the search box: every word must appear
in the session's title, dilemma, context, question notes or actions; the last word
may be the start of a word. **down** or **enter** moves to the list.

In the list: **enter** opens a session, **home** / **end** jump to the newest and
the oldest, and these keys change the filters shown under the search box:

| key | filter |
|---|---|
| **t** | team |
| **g** | category (or "not sure") |
| **o** | coach |
| **d** | dates |
| **s** | completed sessions, drafts or both |
| **x** | clear every filter and the search |
| **e** | export the sessions the list shows (all of them, not just those on screen) |
| **l** | the learning log: the tests of change of the team filtered to (or of every team) |
| **/** | back to the search box |

Any other letter typed on the list starts a search with it.
"""

    BINDINGS = [
        Binding("t", "filter('team')", "Team", id="history.team"),
        Binding("g", "filter('category')", "Category", id="history.category"),
        Binding("o", "filter('coach')", "Coach", id="history.coach"),
        Binding("d", "filter('dates')", "Dates", id="history.dates"),
        Binding("s", "filter('status')", "Show", id="history.status"),
        Binding("x", "clear_filters", "Clear", id="history.clear"),
        Binding("e", "export", "Export", id="history.export"),
        Binding("l", "learning_log", "Learning", id="history.learning"),
        Binding("slash", "focus_search", "Search", show=False, id="history.search"),
    ]

    def __init__(self) -> None:
        super().__init__(id="history-screen")
        self.filters = HistoryFilters()
        self.window = Window()
        self._search_timer: Timer | None = None
        self._loading = False
        self._generation = 0

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield SearchBox(placeholder="Search every session: type words…", id="history-search")
        yield Static("", id="history-filters", markup=False)
        yield Static("", id="history-count", markup=False)
        yield HistoryTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-detail", classes="note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(StatusBar).context = "History"
        self.query_one("#history-filters", Static).update(self.filters.describe())

    def on_mode_shown(self) -> None:
        self.query_one("#history-search").focus()
        self.reload()

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Start again from the newest matching session (filters or search changed)."""
        self.query_one("#history-filters", Static).update(self.filters.describe())
        self._generation += 1
        self._load(mode="top", generation=self._generation)
        self._count(self._generation)

    @in_thread(exclusive=True, group="history-page", doing="search", then="_page_result", failed="_not_searched")
    def _load(self, *, mode: str, generation: int, cursor: str | None = None) -> tuple[str, int, SessionPage] | None:
        from coachtui.store.errors import Cancelled

        store = self.coach_app.store
        if store is None:
            return None
        worker = get_current_worker()
        arguments: dict[str, Any] = {"limit": PAGE, "cancelled": lambda: worker.is_cancelled}
        if mode == "below":
            arguments["after"] = cursor
        elif mode == "above":
            arguments["before"] = cursor
        elif mode == "end":
            arguments["at_end"] = True
        try:
            page = store.search_sessions(SessionFilter(self.filters.text, **self.filters.store_arguments()), **arguments)
        except Cancelled:  # a newer search replaced this one
            return None
        return mode, generation, page

    def _not_searched(self, error: BaseException) -> None:
        self._show_count(f"Could not search: {reason(error)}")

    def _page_result(self, result: tuple[str, int, SessionPage] | None) -> None:
        if result is not None:
            self._page_loaded(*result)

    def _count(self, generation: int) -> None:
        if self.coach_app.store is not None:
            self._show_count("counting…")
            self._count_in_thread(generation)

    @in_thread(exclusive=True, group="history-count", doing="count the sessions", then="_counted", failed="_not_counted")
    def _count_in_thread(self, generation: int) -> tuple[int, int] | None:
        from coachtui.store.errors import Cancelled

        worker = get_current_worker()
        try:
            total = self.coach_app.ready_store.count_sessions(
                SessionFilter(self.filters.text, **self.filters.store_arguments()),
                cancelled=lambda: worker.is_cancelled,
            )
        except Cancelled:  # a newer count replaced this one
            return None
        return generation, total

    def _not_counted(self, error: BaseException) -> None:
        """A count that failed leaves the line as it was (the search says why)."""

    def _counted(self, result: tuple[int, int] | None) -> None:
        if result is None or result[0] != self._generation:
            return
        total = result[1]
        noun = "session" if total == 1 else "sessions"
        verb = (" matches" if total == 1 else " match") if self._filtering else ""
        self._show_count(f"{total:,} {noun}{verb}")

    @property
    def _filtering(self) -> bool:
        return bool(self.filters.text.strip()) or any(v is not None for v in self.filters.store_arguments().values())

    def _show_count(self, text: str) -> None:
        self.query_one("#history-count", Static).update(Content(text))

    def _page_loaded(self, mode: str, generation: int, page: SessionPage) -> None:
        self._loading = False
        if generation != self._generation:
            return
        window = self.window
        table = self.query_one(HistoryTable)
        keep = self._current_id()
        if mode in ("top", "end"):
            self.window = Window(rows=list(page.rows), above=page.prev_cursor, below=page.next_cursor)
            keep = None
        elif mode == "below":
            rows = window.rows + [r for r in page.rows if r.id not in {w.id for w in window.rows}]
            above = window.above
            if len(rows) > WINDOW:
                rows = rows[len(rows) - WINDOW :]
                above = self.coach_app.ready_store.cursor_for(rows[0])
            self.window = Window(rows=rows, above=above, below=page.next_cursor)
        elif mode == "above":
            rows = [r for r in page.rows if r.id not in {w.id for w in window.rows}] + window.rows
            below = window.below
            if len(rows) > WINDOW:
                rows = rows[:WINDOW]
                below = self.coach_app.ready_store.cursor_for(rows[-1])
            self.window = Window(rows=rows, above=page.prev_cursor, below=below)
        self._fill(table, keep, at_end=mode == "end")

    @property
    def _found(self) -> bool:
        """The rows come from a search for words: the last column shows where each
        session holds them (its title moves to the line under the table)."""
        return any(row.snippet for row in self.window.rows)

    @staticmethod
    def _title(row: SessionInfo) -> str:
        title = row.title if row.title.strip() else (row.preview or "(untitled)")
        if row.presenters:  # a set's meeting: one row naming every presenter
            title = row.meeting_title
        elif row.presenter:  # a meeting of one presenter
            title = f"{row.presenter}: {title}"
        return "[draft] " + title if row.status == "draft" else title

    @staticmethod
    def _found_in(row: SessionInfo) -> str:
        """A meeting found by some of its presenters' parts, not all: their names
        ('' for any other row)."""
        if not row.matched or len(row.matched) == len(row.presenters):
            return ""
        return ", ".join(one_line(name, 30) or "?" for name in row.shown_presenters)

    def _category_name(self, category: str | None) -> str:
        if not category:
            return "—"
        return SHORT_CATEGORY.get(category) or self.coach_app.catalog.category(category).name

    def _categories(self, row: SessionInfo, width: int | None = None) -> str:
        """The category column: a meeting's row shows the categories of the
        presenters it was found by (every presenter's when nothing was searched
        for), each once; 'mixed' when they do not fit (the line under the table
        names each presenter's)."""
        text = ", ".join(self._category_name(category) for category in row.shown_categories)
        if width is not None and text_width(text) > width and len(row.shown_categories) > 1:
            return "mixed"
        return text

    def _found_cell(self, row: SessionInfo) -> object:
        """The Found cell: the piece of text holding the words, after the name of the
        presenter whose part it is when a meeting was found by some of them."""
        prefix = self._found_in(row)
        if not prefix:
            return found_cell(row.snippet, row.highlights)
        shift = len(prefix) + 2
        return found_cell(f"{prefix}: {row.snippet}", tuple((a + shift, b + shift) for a, b in row.highlights))

    def _title_cell(self, row: SessionInfo, width: int) -> object:
        """The Title cell; a meeting found by some of its presenters (their name, or
        their category) starts with those names, in bold and underlined."""
        prefix = self._found_in(row)
        if not prefix:
            return cell(self._title(row), width)
        return found_cell(one_line(f"{prefix} · {self._title(row)}", width), ((0, len(prefix)),))

    def _widths(self) -> dict[str, int]:
        """Widths of the columns, sharing the room the table has. Under 110 columns
        the coach moves out of the table into the line under it."""
        table = self.query_one(HistoryTable)
        width = max(60, table.size.width or self.size.width)
        rows = self.window.rows
        scrollbar = 2 if len(rows) > max(0, table.size.height - 1) else 0
        keys = ["date", "team", "coach", "category", "title"] if width >= 110 else ["date", "team", "category", "title"]
        natural = {
            "date": 10,
            "team": max([4, *(text_width(one_line(r.team_name)) for r in rows)]),
            "coach": max([5, *(text_width(one_line(r.coach)) for r in rows)]),
            # (a meeting's several categories: 'mixed' under 110 columns)
            "category": max([8, *(text_width(self._categories(r, None if width >= 110 else 11)) for r in rows)]),
            "title": max([5, *(text_width(one_line(r.snippet or self._title(r))) + len(self._found_in(r)) + 3 for r in rows)]),
        }
        shares = {"date": (10, 0), "team": (14, 2), "coach": (8, 1), "category": (natural["category"], 0), "title": (24, 4)}
        columns = [(natural[key], shares[key][0], shares[key][1]) for key in keys]
        widths = share_width(width - scrollbar - 2 * len(keys), columns)
        return dict(zip(keys, widths, strict=True))

    def on_resize(self) -> None:
        # Refill only when the room for the text really changed: a refill clears the
        # table, which then measures its columns again.
        widths = self._widths()
        if self.window.rows and widths != getattr(self, "_filled_widths", None):
            self._fill(self.query_one(HistoryTable), self._current_id())

    def _fill(self, table: DataTable, keep: str | None, *, at_end: bool = False) -> None:
        widths = self._filled_widths = self._widths()
        table.clear(columns=True)
        found = self._found
        labels = {"date": "Date", "team": "Team", "coach": "Coach", "category": "Category", "title": "Found" if found else "Title"}
        for key, w in widths.items():
            table.add_column(labels[key], key=key, width=w)
        for row in self.window.rows:
            cells = {
                "date": cell(row.created_at.astimezone().strftime("%Y-%m-%d")),
                "team": cell(row.team_name, widths["team"]),
                "coach": cell(row.coach, widths.get("coach")),
                "category": cell(self._categories(row, widths["category"]), widths["category"]),
                "title": self._found_cell(row) if found and row.snippet else self._title_cell(row, widths["title"]),
            }
            table.add_row(*(cells[key] for key in widths), key=row.id)
        self._show_detail()
        if not self.window.rows:
            self._show_count("No sessions match." if self._filtering else "No sessions yet.")
            return
        ids = [r.id for r in self.window.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        elif at_end:
            table.move_cursor(row=len(ids) - 1, animate=False)
        else:
            table.move_cursor(row=0, animate=False)

    def _current_id(self) -> str | None:
        table = self.query_one(HistoryTable)
        rows = self.window.rows
        if not rows or table.cursor_row < 0 or table.cursor_row >= len(rows):
            return None
        return rows[table.cursor_row].id

    def _show_detail(self) -> None:
        """The highlighted session's coach, team and whole title: what the columns cut."""
        detail = self.query_one("#history-detail", Static)
        table = self.query_one(HistoryTable)
        rows = self.window.rows
        if not rows or not 0 <= table.cursor_row < len(rows):
            detail.update("")
            return
        row = rows[table.cursor_row]
        coach = f"{one_line(row.coach, 40)} · " if row.coach else ""
        room = 2 * max(20, (detail.size.width or self.size.width) - 2)  # two lines at most
        title = self._title(row)
        if row.presenters:  # a meeting: each presenter's category
            named = (f"{one_line(name, 30) or '?'} ({self._category_name(category)})"
                     for name, category in zip(row.presenters, row.categories, strict=False))
            title = ("[draft] " if row.status == "draft" else "") + "Meeting: " + ", ".join(named)
        detail.update(Content(one_line(f"{coach}{one_line(row.team_name, 80)} — {title}", room)))

    @on(DataTable.RowHighlighted, "#history-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        # Refilling the table moves its cursor through other rows first; only the
        # row the cursor rests on may ask for more.
        if self._loading or event.cursor_row != self.query_one(HistoryTable).cursor_row:
            return
        index, size = event.cursor_row, len(self.window.rows)
        if index >= size - EDGE and self.window.below:
            self._loading = True
            self._load(mode="below", generation=self._generation, cursor=self.window.below)
        elif index < EDGE and self.window.above:
            self._loading = True
            self._load(mode="above", generation=self._generation, cursor=self.window.above)

    def jump(self, where: str) -> None:
        self._loading = True
        self._load(mode="top" if where == "top" else "end", generation=self._generation)

    # --- searching and filtering -------------------------------------------------------------

    @on(Input.Changed, "#history-search")
    def _typed(self, event: Input.Changed) -> None:
        self.filters.text = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.reload)

    @on(Input.Submitted, "#history-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(HistoryTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#history-search").focus()

    def action_clear_filters(self) -> None:
        self.filters = HistoryFilters()
        self.query_one("#history-search", Input).value = ""
        self.reload()

    def action_filter(self, which: str) -> None:
        getattr(self, f"_pick_{which}")()

    @in_thread(group="history-options", doing="read the teams", then="_pick")
    def _pick_team(self) -> Pick:
        def choose(team_id: str | None, name: str) -> None:
            self.filters.team_id, self.filters.team_name = team_id, name

        teams = self.coach_app.ready_store.list_teams(include_archived=True)
        return team_pick(teams, self.filters.team_id, choose, mark_archived=True)

    def _pick_category(self) -> None:
        options = [("All categories", "")] + [(c.name, c.id) for c in self.coach_app.catalog.categories]
        options.append(("Not sure yet / not chosen", "unsure"))

        def apply(value: str) -> None:
            self.filters.category = value or None

        self._pick(Pick("Category", options, self.filters.category or "", apply))

    @in_thread(group="history-options", doing="read the coaches", then="_pick")
    def _pick_coach(self) -> Pick:
        coaches = self.coach_app.ready_store.list_coaches()
        options = [("All coaches", "\x00all")] + [(name or "(no name)", name) for name in coaches]

        def apply(value: str) -> None:
            self.filters.coach = None if value == "\x00all" else value

        current = "\x00all" if self.filters.coach is None else self.filters.coach
        return Pick("Coach", options, current, apply)

    def _pick_status(self) -> None:
        def apply(value: str) -> None:
            self.filters.status = value or None

        self._pick(Pick("Show", STATUS_CHOICES, self.filters.status or "", apply))

    def _pick_dates(self) -> None:
        def done(value: str | None) -> None:
            if value is None:
                return
            if value == "custom":
                self._ask_dates()
                return
            today = dt.date.today()
            self.filters.since = today - dt.timedelta(days=int(value)) if value else None
            self.filters.until = None
            self.reload()

        self.app.push_screen(PickerScreen("Dates", DATE_CHOICES, ""), done)

    def _ask_dates(self) -> None:
        from coachtui.dates import DateError, parse_past

        def check(value: str) -> str | None:
            parts = [p.strip() for p in value.split(" to ")] if " to " in value else [value.strip(), ""]
            try:
                since, until = (parse_past(parts[0]), parse_past(parts[1]))
            except DateError as exc:
                return str(exc)
            if since and until and since > until:
                return "The first date is after the second."
            return None

        def done(value: str | None) -> None:
            if value is None:
                return
            parts = [p.strip() for p in value.split(" to ")] if " to " in value else [value.strip(), ""]
            self.filters.since, self.filters.until = parse_past(parts[0]), parse_past(parts[1])
            self.reload()

        self.app.push_screen(
            TextPromptScreen(
                "Sessions between which dates?",
                placeholder="2026-01-01 to 2026-03-31, or: 3 months ago",
                help_text="One date means from then until today. Both ends are included.",
                validate=check,
            ),
            done,
        )

    def action_learning_log(self) -> None:
        from coachtui.ui.screens.learning_log import open_learning_log

        filters = self.filters
        open_learning_log(self.coach_app, filters.team_id, filters.team_name)

    @in_thread(exclusive=True, group="history-export", doing="list the sessions to export", then="_export")
    def action_export(self) -> list[str]:
        return self.coach_app.ready_store.session_ids_matching(
            SessionFilter(self.filters.text, **self.filters.store_arguments())
        )

    def _export(self, ids: list[str]) -> None:
        if not ids:
            self.app.notify("No sessions to export.", markup=False)
            return
        noun = "session" if len(ids) == 1 else "sessions"
        what = f"the {len(ids):,} {noun} this list shows"
        hint = self.filters.team_name if self.filters.team_id else "history"
        which = SessionFilter(self.filters.text, **self.filters.store_arguments())
        self.coach_app.exports.sessions(ids, hint, what, which=which)

    # --- opening ------------------------------------------------------------------------------

    def open_current(self) -> None:
        session_id = self._current_id()
        if session_id is not None:
            from coachtui.ui.screens.detail import SessionDetailScreen

            self.app.push_screen(SessionDetailScreen(session_id), self._after_detail)

    def _after_detail(self, changed: bool | None) -> None:
        if changed:
            self.reload()

