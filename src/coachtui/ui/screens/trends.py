"""Trends (f5): which kinds of dilemma keep coming back, per team and across the network."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from coachtui.store.types import DominanceFlag, RecurringTopic, SessionFilter, ThemeMonth
from coachtui.text import one_line
from coachtui.ui.appref import coach_app
from coachtui.ui.modals import Pick, PickerScreen, PicksFilters, team_pick
from coachtui.ui.widgets.chart import TrendChart
from coachtui.ui.widgets.statusbar import StatusBar
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp

TOPICS_SHOWN = 12
MONTH_CHOICES = [("Last 6 months", "6"), ("Last 12 months", "12"), ("Last 24 months", "24")]


class TrendsScreen(PicksFilters, Screen[None]):
    HELP = """\
## Trends

How often each category of dilemma came up, month by month, in completed sessions:
for all teams or one, all coaches or one. Below the chart, teams where one category
dominates their recent sessions are flagged: a sign the same kind of challenge keeps
returning. Last, the phrases that recur across teams over these months ("run chart",
"protected time", "handover"), with each team's count of sessions: the raw material
for communities of interest (`coachtui export --report topics` writes them out).

| key | |
|---|---|
| **t** | one team, or all teams |
| **o** | one coach's sessions, or every coach's |
| **m** | how many months |
| **x** | clear the filters (all teams, all coaches, 12 months) |
| **r** | export a report of the sessions shown (the team's or the whole network's, one coach's or all) |
"""

    BINDINGS = [
        Binding("t", "pick_team", "Team", id="themes.team"),
        Binding("o", "pick_coach", "Coach", id="themes.coach"),
        Binding("m", "pick_months", "Months", id="themes.months"),
        Binding("r", "report", "Report", id="themes.report"),
        Binding("x", "clear_filters", "Clear", id="themes.clear"),
    ]

    def __init__(self) -> None:
        super().__init__(id="themes-screen")
        self.team_id: str | None = None
        self.team_name = ""
        self.coach: str | None = None
        self.months = 12

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    def compose(self) -> ComposeResult:
        labels = {c.id: c.name for c in self.coach_app.catalog.categories}
        labels["unsure"] = "not sure"
        yield StatusBar(id="status")
        yield Static("", id="themes-filters", markup=False)
        with VerticalScroll(id="themes-scroll"):
            yield Label("Categories by month", classes="section")
            yield TrendChart(labels, id="themes-chart")
            yield Label("Recurring themes", classes="section")
            yield Static("", id="themes-flags", markup=False)
            yield Label("Recurring topics across teams", classes="section")
            yield Static("Counting…", id="themes-topics", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(StatusBar).context = "Trends"

    def on_mode_shown(self) -> None:
        self.query_one("#themes-scroll").focus()
        self.reload()

    def reload(self) -> None:
        who = one_line(self.team_name, 30) if self.team_id else "all teams"
        coach = one_line(self.coach, 20) if self.coach is not None else "all"
        self.query_one("#themes-filters", Static).update(
            f"t Team: {who}  o Coach: {coach}  m Months: {self.months}  r Report"
        )
        self._load()
        self._load_topics()

    @in_thread(exclusive=True, group="themes", doing="count themes", then="_show")
    def _load(self) -> tuple[list[ThemeMonth], list[DominanceFlag]] | None:
        store = self.coach_app.store
        if store is None:
            return None
        months = store.theme_counts(today=dt.date.today(), team_id=self.team_id, months=self.months, coach=self.coach)
        flags = store.dominant_categories(team_id=self.team_id, coach=self.coach)
        return months, flags

    @in_thread(exclusive=True, group="themes-topics", doing="find the recurring topics", then="_show_topics")
    def _load_topics(self) -> list[RecurringTopic] | None:
        store = self.coach_app.store
        if store is None:
            return None
        today = dt.date.today()
        start = (today.replace(day=1) - dt.timedelta(days=31 * (self.months - 1))).replace(day=1)
        which = SessionFilter(team_id=self.team_id, coach=self.coach, since=start)
        return store.recurring_topics(which, limit=TOPICS_SHOWN)

    def _show_topics(self, topics: list[RecurringTopic] | None) -> None:
        if topics is None:
            return
        lines = []
        for topic in topics:
            per_team = " · ".join(f"{one_line(name, 30)} ({count})" for name, count in topic.teams[:4])
            more = f" · +{len(topic.teams) - 4} more teams" if len(topic.teams) > 4 else ""
            lines.append(f"“{one_line(topic.phrase)}”: {topic.sessions} sessions in {len(topic.teams)} teams ({per_team}{more})")
        if not lines:
            lines.append("No phrase recurs across teams in these sessions yet.")
        self.query_one("#themes-topics", Static).update(Content("\n".join(lines)))

    def _show(self, result: tuple[list[ThemeMonth], list[DominanceFlag]] | None) -> None:
        if result is None:
            return
        months, flags = result
        self.query_one(TrendChart).months = tuple(months)
        catalog = self.coach_app.catalog
        lines = []
        for flag in flags:
            if not flag.dominant:
                continue
            name = catalog.category(flag.category).name if flag.category else "no category chosen"
            count = round(flag.share * flag.n)
            lines.append(f"⚑ {one_line(flag.team_name, 40)}: {name} in {count} of its last {flag.n} sessions")
        if not lines:
            lines.append("No team's recent sessions are dominated by one category.")
        totals: dict[str, int] = {}
        for month in months:
            for key, count in month.counts.items():
                totals[key] = totals.get(key, 0) + count
        overall = sum(totals.values())
        if overall:
            lines.append("")
            lines.append(f"Over these {self.months} months ({overall} completed sessions):")
            for category in catalog.categories:
                share = totals.get(category.id, 0) / overall
                lines.append(f"  {category.name}: {totals.get(category.id, 0)} ({share:.0%})")
            unsure = totals.get("unsure", 0)
            if unsure:
                lines.append(f"  Not sure yet / not chosen: {unsure} ({unsure / overall:.0%})")
        self.query_one("#themes-flags", Static).update(Content("\n".join(lines)))

    # --- filters and report -------------------------------------------------------------------

    @in_thread(group="themes-options", doing="read the teams", then="_pick")
    def action_pick_team(self) -> Pick:
        def choose(team_id: str | None, name: str) -> None:
            self.team_id, self.team_name = team_id, name

        return team_pick(self.coach_app.ready_store.list_teams(include_archived=True), self.team_id, choose)

    def action_pick_months(self) -> None:
        def done(value: str | None) -> None:
            if value:
                self.months = int(value)
                self.reload()

        self.app.push_screen(PickerScreen("Months", MONTH_CHOICES, str(self.months)), done)

    @in_thread(group="themes-options", doing="read the coaches", then="_pick")
    def action_pick_coach(self) -> Pick:
        coaches = self.coach_app.ready_store.list_coaches()
        options = [("All coaches", "\x00all")] + [(name, name) for name in coaches]

        def apply(value: str) -> None:
            self.coach = None if value == "\x00all" else value

        return Pick("Coach", options, "\x00all" if self.coach is None else self.coach, apply)

    def action_clear_filters(self) -> None:
        if self.team_id is None and self.coach is None and self.months == 12:
            return
        self.team_id, self.team_name, self.coach, self.months = None, "", None, 12
        self.reload()

    def action_report(self) -> None:
        name = self.team_name if self.team_id else "network"
        what = f"the report of {one_line(self.team_name, 40)}" if self.team_id else "the report of all teams"
        if self.coach is None:
            self.coach_app.exports.team_report(self.team_id, name, what)
            return
        self._coach_report(name, f"{what}, sessions with {one_line(self.coach, 40)}")

    @in_thread(group="themes-options", doing="choose the sessions to report", then="_report_sessions")
    def _coach_report(self, name: str, what: str) -> tuple[str, str, str, list[str]]:
        """A report of one coach's sessions: the sessions are chosen here (the store
        exports given sessions), so it holds exactly what the coach filter shows."""
        coach = self.coach or ""
        ids = self.coach_app.ready_store.session_ids_matching(SessionFilter(team_id=self.team_id, coach=self.coach))
        return name, what, coach, ids

    def _report_sessions(self, result: tuple[str, str, str, list[str]]) -> None:
        name, what, coach, ids = result
        if not ids:
            self.app.notify(f"No sessions with {one_line(coach, 40)} to report.", markup=False)
            return
        self.coach_app.exports.team_report(self.team_id, f"{name}-{coach}", what, session_ids=ids)
