"""What others tried: beside the dilemma and category steps, the past dilemmas of
other teams most like the one being typed (issue 21, item 3).

Typing never waits for it: each change asks for a new list after a short quiet
(:data:`DELAY`), the store is read in a thread worker that a newer request cancels,
and a list computed for text that has changed since is dropped. Enter on one opens it
read-only (the session detail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from coachtui.text import one_line
from coachtui.ui.appref import coach_app
from coachtui.ui.workers import in_thread, reason

if TYPE_CHECKING:
    from coachtui.store.types import SimilarDilemma
    from coachtui.ui.app import CoachApp

# Seconds of quiet after a keystroke before the list is looked for again.
DELAY = 0.3
SHOWN = 5
_SHORT = {"capability": "capability", "learning": "learning", "relational": "relational",
          "environment": "environment"}


def describe(item: SimilarDilemma) -> Text:
    """One past dilemma as the panel lists it: who and when, what, what they tried."""
    date = item.created_at.astimezone().strftime("%Y-%m-%d")
    category = _SHORT.get(item.category or "", "not sure")
    text = Text()
    text.append(f"{one_line(item.team_name)} · {date} · {category}\n", style="bold")
    text.append(one_line(item.title or item.dilemma)[:160])
    for action in item.actions[:3]:
        text.append(f"\n• {one_line(action.text)[:120]} ({action.status.replace('_', ' ')})")
        if action.result.strip():
            text.append(f"\n  happened: {one_line(action.result)[:120]}", style="dim")
        if action.learning.strip():
            text.append(f"\n  learned: {one_line(action.learning)[:120]}", style="italic")
    if len(item.actions) > 3:
        text.append(f"\n+ {len(item.actions) - 3} more actions")
    if item.insight.strip():
        text.append(f"\n  learned that day: {one_line(item.insight)[:120]}", style="italic")
    return text


class OthersPanel(Vertical):
    """The list, and what keeps it in step with the text typed."""

    def __init__(self) -> None:
        super().__init__(id="others")
        self._wanted: tuple[str, str, str] | None = None  # text, team id, session id
        self._generation = 0
        self._timer: Timer | None = None
        self.found: list[SimilarDilemma] = []
        # the text the list on show was found for (None until the first list comes)
        self.shown_for: str | None = None

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    def compose(self) -> ComposeResult:
        yield Static("What others tried", id="others-title", markup=False)
        yield Static("", id="others-note", markup=False)
        yield OptionList(id="others-list")

    def want(self, text: str, team_id: str, session_id: str) -> None:
        """Look for dilemmas like ``text`` (other teams than ``team_id``), after a pause."""
        wanted = (text, team_id, session_id)
        if wanted == self._wanted:
            return
        self._wanted = wanted
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DELAY, self._look)

    def _look(self) -> None:
        if self._wanted is None or not self.is_mounted:
            return
        self._search(self._generation, *self._wanted)

    @in_thread(exclusive=True, group="others", doing="find what others tried", then="_found", failed="_not_found")
    def _search(self, generation: int, text: str, team_id: str, session_id: str) -> tuple[int, list[SimilarDilemma]] | None:
        from coachtui.store.errors import Cancelled

        store = self.coach_app.store
        if store is None:
            return None
        worker = get_current_worker()
        try:
            found = store.similar_dilemmas(
                text, exclude_team_id=team_id, exclude_session_id=session_id, limit=SHOWN,
                cancelled=lambda: worker.is_cancelled,
            )
        except Cancelled:
            return None
        return generation, found

    def _found(self, result: tuple[int, list[SimilarDilemma]] | None) -> None:
        if result is None or result[0] != self._generation:
            return  # the text changed meanwhile: a newer list is on its way
        self.found = result[1]
        listing = self.query_one(OptionList)
        # the coach may be moving in the list: stay on the same past dilemma if it is
        # still there (set_options alone would take the highlight away)
        highlighted = listing.highlighted_option
        listing.set_options([Option(describe(item), id=item.session_id) for item in self.found])
        if highlighted is not None and highlighted.id in {item.session_id for item in self.found}:
            listing.highlighted = listing.get_option_index(highlighted.id)
        self.shown_for = self._wanted[0] if self._wanted is not None else None
        note = self.query_one("#others-note", Static)
        if self.found:
            note.update("enter opens one (read-only)")
        elif self._wanted is not None and self._wanted[0].strip():
            note.update("No other team's dilemma is like this one yet.")
        else:
            note.update("Type the dilemma: other teams' like it show here.")

    def _not_found(self, error: BaseException) -> None:
        self.query_one("#others-note", Static).update(f"Could not look: {reason(error)}")

    @on(OptionList.OptionSelected, "#others-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None:
            return
        from coachtui.ui.screens.detail import SessionDetailScreen

        self.app.push_screen(SessionDetailScreen(event.option.id, read_only=True))
