"""Input and TextArea that never send a control character to the terminal.

Textual draws an Input's or TextArea's characters as they are, so an ESC sequence
pasted into a dilemma would recolour the coach's terminal, a right-to-left override
would scramble the line, and Rich silently drops BEL, backspace and carriage returns
from what is drawn. These widgets keep the text exactly as typed (that is what gets
saved) and draw each invisible control character as a one-cell stand-in in its
place (␛ for ESC, ␀ for NUL, ⇄ for a direction override), so the coach sees every
character that will be stored.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.expand_tabs import expand_tabs_inline
from textual.widgets import Input, TextArea

from coachtui.text import visible_cells


def _blink_setting(widget: Input | TextArea) -> None:
    """Follow the coach's cursor-blink setting (off suits projectors and screenshots)."""
    widget.cursor_blink = bool(getattr(widget.app, "cursor_blink", True))


class LiteralInput(Input):
    """An Input that shows control characters instead of obeying or dropping them.

    It also does not select its text when focused (Textual's default): tabbing into
    a title and typing must add to it, not silently replace it.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        _blink_setting(self)

    def load(self, value: str) -> None:
        """Show ``value``, with the cursor at its end (where a coach carries on typing)."""
        self.value = value
        self.cursor_position = len(value)

    @property
    def _value(self) -> Text:
        # Same as Input._value (Textual 8.2.8), drawn through visible_cells.
        if self.password:
            return Text("•" * len(self.value), no_wrap=True, overflow="ignore", end="")
        text = Text(visible_cells(self.value), no_wrap=True, overflow="ignore", end="")
        if self.highlighter is not None:
            text = self.highlighter(text)
        return text

    def _position_to_cell(self, position: int) -> int:
        # The cursor must sit where the stand-ins are drawn (one cell each).
        return cell_len(expand_tabs_inline(visible_cells(self.value[:position]), 4))


class LiteralTextArea(TextArea):
    """A TextArea that shows control characters instead of obeying or dropping them."""

    def on_mount(self) -> None:
        _blink_setting(self)

    def get_line(self, line_index: int) -> Text:
        return Text(visible_cells(self.document.get_line(line_index)), end="", no_wrap=True)
