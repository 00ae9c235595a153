"""Command palette entries built from the coach's own data (team names).

Textual's system commands treat titles as markup; a team called "[bold]Ward[/]"
must show exactly that, so these hits are built from plain Content.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from coachtui.text import one_line

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp


class TeamCommands(Provider):
    """"Start a session with <team>" for every active team."""

    def _labels(self) -> list[tuple[str, object]]:
        app: CoachApp = self.app  # type: ignore[assignment]
        return [
            (f"Start a session with {one_line(team.name, 60)}", partial(app.start_with_team, team))
            for team in app.teams
            if not team.archived
        ]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback in self._labels():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, Content(label), callback, text=label, help="Pick this team on step 1")  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for label, callback in self._labels()[:5]:
            yield DiscoveryHit(Content(label), callback, text=label, help="Pick this team on step 1")  # type: ignore[arg-type]
