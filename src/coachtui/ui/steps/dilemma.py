"""Step 3 — Dilemma: a short title, the dilemma in the coach's words, optional context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, TextArea

from coachtui.store.types import DRAFT_TEXT_FIELDS
from coachtui.ui.steps.base import StepPane
from coachtui.ui.widgets.literal import LiteralInput, LiteralTextArea

if TYPE_CHECKING:
    from textual.widget import Widget

    from coachtui.session.model import SessionModel


class DilemmaStep(StepPane):
    step_id = "dilemma"
    HELP = """\
## Dilemma

Capture what the team is wrestling with, in your own words, while they talk.

- **Title**: a few words you will recognise later in the history.
- **Dilemma**: as many lines as you need. **enter** starts a new line;
  **ctrl+end** goes to the end of the text (a resumed draft starts there).
- **Context** (optional): who is in the room, what has been tried already.

**tab** moves between the fields. Everything is saved as you type (the bar at the top
says *saved ✓*). The category step suggests a category from what you write here.

**What others tried** (beside this step and the next, from 130 columns; **f7** shows
or hides it): the past dilemmas of other teams most like this one, with what they
agreed and learned. **tab** to the list, **enter** opens one (read-only).
"""

    def __init__(self) -> None:
        super().__init__(id="dilemma")
        # The session whose text the fields show. Within one session the fields are
        # the truth and the model follows them (each Changed event sets it), so the
        # fields are loaded only when another session is in hand.
        self._shown_of: SessionModel | None = None

    def compose(self) -> ComposeResult:
        yield Label("Title", classes="field-label")
        yield LiteralInput(placeholder="A few words to find this session again", id="title",
                           max_length=DRAFT_TEXT_FIELDS["title"], next_on_enter=True)
        yield Label("Dilemma, in your words", classes="field-label")
        yield LiteralTextArea(id="dilemma-text", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        yield Label("Context (optional): who is in the room, what has been tried", classes="field-label")
        yield LiteralTextArea(id="context-text", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")

    def activate(self) -> None:
        same_session = self.model is not None and self.model is self._shown_of
        self.refresh_from_model()
        if self.focus_first:  # ctrl+g 3, or another presenter's part: the title
            target: Widget = self.query_one("#title")
        elif same_session and self.focus_on_return is not None:
            # Back to the field the coach left (its letters may still be on their
            # way to it: the title may look empty for a moment after "Rota ctrl+b").
            target = self.focus_on_return
        else:
            model = self.model
            target = self.query_one("#dilemma-text" if model is not None and model.title.strip() else "#title")
        # At once, not a moment later (Widget.focus): keys typed straight after the
        # step change (ctrl+g 3 and on typing) are already arriving, and belong here.
        self.screen.set_focus(target, scroll_visible=False)

    def refresh_from_model(self) -> None:
        model = self.model
        if model is None or model is self._shown_of:
            # The same session: keys typed a moment ago may still be on their way
            # from the fields to the model, and reloading would throw them away
            # ("and" typed just before ctrl+b ctrl+n was stored as "a").
            return
        self._shown_of = model
        # The Changed events this causes carry the model's own values, which the
        # controller recognises as "no change": loading never queues a save.
        title = self.query_one("#title", LiteralInput)
        if title.value != model.title:
            title.load(model.title)
        for selector, text in (("#dilemma-text", model.dilemma), ("#context-text", model.context)):
            area = self.query_one(selector, TextArea)
            if area.text != text:
                # The coach typing in it (keep mine merged another window's lines
                # in): the cursor stays on the line it was on, wherever that went.
                cursor = _moved(area.text, text, area.cursor_location) if area.has_focus else None
                area.load_text(text)
                # A resumed draft carries on where the coach stopped: at its end
                # (loading puts the cursor at the start, and new words in front).
                area.move_cursor(cursor if cursor is not None else area.document.end)

    def keep_typing(self) -> None:
        if self.model is not None and self.model is self._shown_of:
            self.controller.set_fields(
                title=self.query_one("#title", LiteralInput).value,
                dilemma=self.query_one("#dilemma-text", TextArea).text,
                context=self.query_one("#context-text", TextArea).text,
            )

    @on(Input.Changed, "#title")
    def _title_changed(self, event: Input.Changed) -> None:
        # an event the field has moved on from (another presenter's title loaded
        # since) carries nothing of the model in hand
        if self.model is not None and event.value == event.input.value:
            self.controller.set_fields(title=event.value)

    @on(Input.Submitted, "#title")
    def _title_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#dilemma-text").focus()

    @on(TextArea.Changed, "#dilemma-text")
    def _dilemma_changed(self, event: TextArea.Changed) -> None:
        if self.model is not None:
            self.controller.set_fields(dilemma=event.text_area.text)

    @on(TextArea.Changed, "#context-text")
    def _context_changed(self, event: TextArea.Changed) -> None:
        if self.model is not None:
            self.controller.set_fields(context=event.text_area.text)


def _moved(old: str, new: str, cursor: tuple[int, int]) -> tuple[int, int] | None:
    """Where ``cursor`` (row, column) in ``old`` is in ``new``: on the same line when
    that line is still there, else at the end of what replaced it."""
    from difflib import SequenceMatcher

    row, column = cursor
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if i1 <= row < i2:
            if tag == "equal":
                return j1 + row - i1, column
            last = max(j1, j2 - 1)
            return (last, len(new_lines[last])) if last < len(new_lines) else None
    return None
