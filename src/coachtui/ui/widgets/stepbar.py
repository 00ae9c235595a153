"""The step indicator: where the coach is, and which steps already have content."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static


class StepTab(Static):
    """One step in the bar; clicking it asks to go there."""

    DEFAULT_CSS = """
    StepTab {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    StepTab.-filled { color: $text; }
    StepTab.-current {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    StepTab:hover { background: $boost; }
    """

    def __init__(self, step: str, number: int, title: str, *, current: bool = False) -> None:
        # The current tab is styled as such from the start (a class set after it is
        # mounted restyles it again before the first frame).
        super().__init__(
            self.label(number, title, filled=False),
            id=f"steptab-{step}",
            classes="-current" if current else None,
            markup=False,
        )
        self.step = step
        self.number = number
        self.step_title = title

    @staticmethod
    def label(number: int, title: str, *, filled: bool) -> Content:
        return Content(f"{number} {title}{'●' if filled else ' '}")

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(StepBar.Selected(self.step))


class PresenterTab(Static):
    """At the end of the bar, on an action learning set's meeting: the presenter in
    hand and their turn ("▸ 2/3 Ben Okafor"); empty otherwise."""

    DEFAULT_CSS = """
    PresenterTab {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-align: right;
        color: $text;
        text-style: bold;
    }
    """


class StepBar(Horizontal):
    """Shows the seven steps; the current one highlighted, filled ones marked ●."""

    DEFAULT_CSS = """
    StepBar {
        height: 1;
        width: 1fr;
        background: $panel;
        &.-narrow StepTab {
            padding: 0 0;
            margin-right: 1;
        }
        &.-narrow PresenterTab { padding: 0 0; }
    }
    """

    current: reactive[str] = reactive("team")

    class Selected(Message):
        """The coach clicked a step."""

        def __init__(self, step: str) -> None:
            super().__init__()
            self.step = step

    def __init__(self, steps: tuple[tuple[str, str], ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._steps = steps
        self._filled: set[str] = set()
        self._presenter = ("", "")

    def compose(self) -> ComposeResult:
        for number, (step, title) in enumerate(self._steps, 1):
            yield StepTab(step, number, title, current=step == self.current)
        tab = PresenterTab("", id="stepbar-presenter", markup=False)
        tab.display = False
        yield tab

    def set_presenter(self, turn: str, name: str) -> None:
        """Show the presenter in hand: their turn ("2/3") and name, or the turn alone
        where the bar is narrow (the status bar names them); '' for an ordinary session."""
        self._presenter = (turn, name)
        self._show_presenter()

    def _show_presenter(self) -> None:
        if not self.is_mounted:
            return
        turn, name = self._presenter
        text = turn if self.has_class("-narrow") or not name else f"▸ {turn} {name}"
        tab = self.query_one(PresenterTab)
        tab.display = bool(turn)  # an ordinary session's bar is as it always was
        tab.update(Content(text))

    def on_mount(self) -> None:
        self.call_after_refresh(self._refresh_tabs)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 96, "-narrow")
        self._show_presenter()

    def watch_current(self, _old: str, _new: str) -> None:
        self._refresh_tabs()

    def set_filled(self, filled: set[str]) -> None:
        if filled != self._filled:
            self._filled = set(filled)
            self._refresh_tabs()

    def _refresh_tabs(self) -> None:
        if not self.is_mounted:
            return
        for tab in self.query(StepTab):
            filled = tab.step in self._filled
            if filled != tab.has_class("-filled"):  # the label shows ● once there is content
                tab.update(tab.label(tab.number, tab.step_title, filled=filled))
            tab.set_class(tab.step == self.current, "-current")
            tab.set_class(filled, "-filled")

    @on(Selected)
    def _passthrough(self, _event: Selected) -> None:
        """Let the message bubble to the screen."""
