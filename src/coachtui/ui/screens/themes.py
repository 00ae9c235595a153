"""Themes: which kinds of dilemma keep coming back, per team and across the network."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from coachtui.store.types import DominanceFlag, ThemeMonth
from coachtui.text import one_line
from coachtui.ui.modals import PickerScreen
from coachtui.ui.widgets.chart import ThemeChart
from coachtui.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp

MONTH_CHOICES = [("Last 6 months", "6"), ("Last 12 months", "12"), ("Last 24 months", "24")]


class ThemesScreen(Screen[None]):
    HELP = """\
## Themes

How often each category of dilemma came up, month by month, in completed sessions:
for all teams or one. Below the chart, teams where one category dominates their
recent sessions are flagged: a sign the same kind of challenge keeps returning.

| key | |
|---|---|
| **t** | one team, or all teams |
| **m** | how many months |
| **r** | export a Markdown report (the team's, or the whole network's) |
"""

    BINDINGS = [
        Binding("t", "pick_team", "Team", id="themes.team"),
        Binding("m", "pick_months", "Months", id="themes.months"),
        Binding("r", "report", "Report", id="themes.report"),
    ]

    def __init__(self) -> None:
        super().__init__(id="themes-screen")
        self.team_id: str | None = None
        self.team_name = ""
        self.months = 12

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        labels = {c.id: c.name for c in self.coach_app.catalog.categories}
        labels["unsure"] = "not sure"
        yield StatusBar(id="status")
        yield Static("", id="themes-filters", markup=False)
        with VerticalScroll(id="themes-scroll"):
            yield Label("Categories by month", classes="section")
            yield ThemeChart(labels, id="themes-chart")
            yield Label("Recurring themes", classes="section")
            yield Static("", id="themes-flags", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(StatusBar).context = "Themes"

    def on_mode_shown(self) -> None:
        self.query_one("#themes-scroll").focus()
        self.reload()

    def reload(self) -> None:
        who = one_line(self.team_name, 40) if self.team_id else "all teams"
        self.query_one("#themes-filters", Static).update(
            f"t Team: {who}   m Months: {self.months}   r Report"
        )
        self._load()

    @work(thread=True, exclusive=True, group="themes")
    def _load(self) -> None:
        from coachtui.store.errors import StoreError

        store = self.coach_app.store
        if store is None:
            return
        try:
            months = store.theme_counts(today=dt.date.today(), team_id=self.team_id, months=self.months)
            flags = store.dominant_categories(team_id=self.team_id)
        except StoreError as exc:
            self.app.call_from_thread(self.app.notify, f"Could not count themes: {exc}", severity="error",
                                      markup=False)
            return
        self.app.call_from_thread(self._show, months, flags)

    def _show(self, months: list[ThemeMonth], flags: list[DominanceFlag]) -> None:
        self.query_one(ThemeChart).months = tuple(months)
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

    @work(thread=True, group="themes-options")
    def action_pick_team(self) -> None:
        teams = self.coach_app.store.list_teams(include_archived=True)  # type: ignore[union-attr]
        names = {t.id: t.name for t in teams}
        options = [("All teams", "")] + [(t.name, t.id) for t in teams]

        def done(value: str | None) -> None:
            if value is not None:
                self.team_id = value or None
                self.team_name = names.get(value, "")
                self.reload()

        self.app.call_from_thread(self.app.push_screen, PickerScreen("Team", options, self.team_id or ""), done)

    def action_pick_months(self) -> None:
        def done(value: str | None) -> None:
            if value:
                self.months = int(value)
                self.reload()

        self.app.push_screen(PickerScreen("Months", MONTH_CHOICES, str(self.months)), done)

    def action_report(self) -> None:
        name = self.team_name if self.team_id else "network"
        what = f"the report of {one_line(self.team_name, 40)}" if self.team_id else "the report of all teams"
        self.coach_app.export_team_report(self.team_id, name, what)
