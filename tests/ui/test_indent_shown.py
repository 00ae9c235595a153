"""Indentation typed at a line's start shows in the summary as typed: a tester's
context starting with a tab showed as a single space (Textual's Markdown widget
folds runs of spaces, no-break spaces too, into one)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Markdown

from coachtui.store.exchange.markdown import escaper

from .helpers import screen_text, wait_for


class Shown(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Markdown(self.text)


async def test_a_leading_tab_and_spaces_keep_their_width_on_screen() -> None:
    typed = "\tThe ward rota\n  two spaces in\n    four spaces in\nnone"
    app = Shown(escaper(True)(typed))
    async with app.run_test(size=(60, 12)) as pilot:
        await wait_for(pilot, lambda: "none" in screen_text(app), what="the text")
        lines = [line.rstrip() for line in screen_text(app).splitlines() if line.strip()]
    # blank cells: spaces, or the braille blank the app draws indentation with
    starts = {line.strip(" \u2800").split()[0]: len(line) - len(line.lstrip(" \u2800")) for line in lines}
    base = starts["none"]
    assert (starts["The"] - base, starts["two"] - base, starts["four"] - base) == (4, 2, 4), lines
