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

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual.actions import SkipAction
from textual.binding import Binding, BindingsMap
from textual.expand_tabs import expand_tabs_inline
from textual.widgets import Input

from coachtui.text import visible_cells

if TYPE_CHECKING:
    from textual import events
    from textual.widget import Widget
    from textual.widgets import TextArea


_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def _is_text(character: str | None) -> bool:
    """A single character that is text, not a key: anything but a control character."""
    return character is not None and len(character) == 1 and unicodedata.category(character) not in ("Cc", "Cs")


def typed_but_unprintable(event: events.Key) -> str | None:
    """The character of a key Textual would drop, though it is text: a zero-width
    joiner or non-joiner, a direction mark or override, a no-break space. Textual's
    fields insert only characters Python calls printable, but a Persian word typed
    with its zero-width non-joiner must be stored with it. Control characters
    (ctrl+letters, escape) stay keys, never text."""
    character = event.character
    if character is not None and _is_text(character) and not character.isprintable():
        return character
    return None


@cache
def _own_bindings(widget_class: type[Widget]) -> dict[str, list[Binding]]:
    """The bindings a field class declares itself (and inherits), by key, merged
    the way Textual merges them: a subclass's binding for a key replaces its base's."""
    merged: dict[str, list[Binding]] = {}
    for base in reversed(widget_class.__mro__):
        if "BINDINGS" in vars(base):
            merged.update(BindingsMap(vars(base)["BINDINGS"]).key_to_bindings)
    return merged


async def run_binding_now(widget: Widget, event: events.Key) -> None:
    """Run the field's own binding for ``event``'s key, as the key is handled.

    Textual runs a focused field's bindings (backspace, arrows, home, ctrl+w...) only
    once the key has bubbled up to the app, while the characters typed after it go
    straight into the field. In a fast burst, ``abc`` backspace ``d`` then deleted
    the ``d``, and ``ctrl+home >`` put the ``>`` at the end. Running the binding
    here, in the order the keys came, keeps the text exactly as typed. The binding
    is the field's own: the focus may have moved on already (tab is acted on as it
    arrives), and the keys still queued here were typed in this field."""
    for binding in _own_bindings(type(widget)).get(event.key, ()):
        if binding.priority:
            continue  # the app has tried those as the key arrived
        if await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return


def _blink_setting(widget: Input | TextArea) -> None:
    """Follow the coach's cursor-blink setting (off suits projectors and screenshots)."""
    widget.cursor_blink = bool(getattr(widget.app, "cursor_blink", True))


# How many steps ctrl+z can go back in a one-line field.
UNDO_STEPS = 100


class LiteralInput(Input):
    """An Input that shows control characters instead of obeying or dropping them.

    It also does not select its text when focused (Textual's default): tabbing into
    a title and typing must add to it, not silently replace it.

    ctrl+z and ctrl+y undo and redo, as in the TextArea (Textual's Input has no
    undo, and ctrl+u, ctrl+k, ctrl+w or select-all and a letter wipe a title). A run
    of characters typed one after the other is one step, so is a run of backspaces;
    any other edit (a word or the line deleted, a selection typed over, a paste) is
    a step of its own. An undone value is an edit like any other (Changed is posted,
    and the app saves it). A value the app sets itself (``load``, or ``value``)
    starts a new history: ctrl+z never brings back another session's title.
    """

    BINDINGS = [
        Binding("ctrl+end", "end", "Go to end", show=False, id="field.end"),
        Binding("ctrl+home", "home", "Go to start", show=False, id="field.start"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="field.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, id="field.redo"),
    ]

    def __init__(self, *args: Any, next_on_enter: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        # Input's and TextArea's own keyword arguments, passed on as given
        super().__init__(*args, **kwargs)
        # enter moves on to the next field, as the key arrives (the app's enter
        # binding): what is typed straight after it belongs there.
        self.next_on_enter = next_on_enter
        # the value before each step, and after each step undone
        self._undo_steps: list[str] = []
        self._redo_steps: list[str] = []
        # the edit a next one may join: "type" or "delete", and the cursor after it
        self._undo_run: tuple[str, int] | None = None
        self._undo_value = self.value  # the value the history ends with

    def _undo_history_current(self) -> None:
        """Forget the history if the value was set from outside since (it would
        undo into a value from before that)."""
        if self.value != self._undo_value:
            self._undo_steps.clear()
            self._redo_steps.clear()
            self._undo_run = None
            self._undo_value = self.value

    def replace(self, text: str, start: int, end: int) -> None:
        """Every edit of the field comes here (typing, deleting, pasting, cutting):
        it is recorded for ctrl+z."""
        self._undo_history_current()
        before = self.value
        start, end = sorted((max(0, start), min(len(before), end)))
        super().replace(text, start, end)
        if self.value == before:
            return  # refused (max length, restrict), or nothing changed
        run = self._undo_run
        if len(text) == 1:  # typed (over a selection: a new step, the run goes on from it)
            kind, joins = "type", start == end and run == ("type", start)
        elif not text and end - start == 1:
            kind, joins = "delete", run is not None and run[0] == "delete" and run[1] in (start, end)
        else:
            kind, joins = "", False
        if not joins:
            self._undo_steps.append(before)
            del self._undo_steps[:-UNDO_STEPS]
        self._redo_steps.clear()
        self._undo_run = (kind, self.cursor_position) if kind else None
        self._undo_value = self.value

    def _undo_to(self, steps: list[str], other: list[str]) -> None:
        self._undo_history_current()
        if not steps:
            raise SkipAction()  # nothing to undo here: the key may mean something around it
        now = self.value
        other.append(now)
        value = steps.pop()
        # The cursor goes to the end of what changed (of the text brought back).
        same_end = 0
        while same_end < min(len(now), len(value)) and now[-1 - same_end] == value[-1 - same_end]:
            same_end += 1
        self._undo_run = None
        self._undo_value = value
        self.value = value
        self.cursor_position = len(value) - same_end

    def action_undo(self) -> None:
        self._undo_to(self._undo_steps, self._redo_steps)

    def action_redo(self) -> None:
        self._undo_to(self._redo_steps, self._undo_steps)

    def on_mount(self) -> None:
        _blink_setting(self)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, character) or _is_text(character)

    async def on_key(self, event: events.Key) -> None:
        character = typed_but_unprintable(event)
        if character is not None:
            event.stop()
            event.prevent_default()  # Textual's own handler would drop it
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(character)
            else:
                self.replace(character, *selection)
        elif not event.is_printable:
            await run_binding_now(self, event)

    def on_paste(self, event: events.Paste) -> None:
        """A pasted text goes in whole: its lines joined by spaces (Textual's Input
        keeps only the first line, silently)."""
        event.stop()
        event.prevent_default()
        text = " ".join(_LINE_BREAKS.split(event.text))
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def load(self, value: str) -> None:
        """Show ``value``, with the cursor at its end (where a coach carries on typing)."""
        self.value = value
        self.cursor_position = len(value)
        self._undo_history_current()

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


def _literal_text_area() -> type[TextArea]:
    from textual.widgets import TextArea

    class LiteralTextArea(TextArea):
        """A TextArea that shows control characters instead of obeying or dropping them.

        ctrl+end and ctrl+home go to the end and the start of the whole text (end and
        home go to the end and the start of the line)."""

        BINDINGS = [
            Binding("ctrl+end", "cursor_document_end", "Go to the end", show=False, id="text.end"),
            Binding("ctrl+home", "cursor_document_start", "Go to the start", show=False, id="text.start"),
            Binding("ctrl+shift+end", "cursor_document_end(True)", show=False, id="text.select-end"),
            Binding("ctrl+shift+home", "cursor_document_start(True)", show=False, id="text.select-start"),
            # Instead of TextArea's ctrl+e (end of line, which end still does).
            Binding("ctrl+e", "edit_in_editor", "Edit in your editor", show=False, id="text.editor"),
        ]

        def on_mount(self) -> None:
            _blink_setting(self)

        def action_cursor_document_end(self, select: bool = False) -> None:
            self.move_cursor(self.document.end, select=select)

        def action_cursor_document_start(self, select: bool = False) -> None:
            self.move_cursor((0, 0), select=select)

        def action_edit_in_editor(self) -> None:
            """The whole text in the coach's editor; what comes back replaces it as
            one edit (undoable), saved like anything typed."""
            if self.read_only:
                return
            from coachtui.ui.editor import edit_in_editor

            edited = edit_in_editor(self.app, self.text)
            if edited.text is not None:
                self.replace(edited.text, (0, 0), self.document.end)
                self.move_cursor(self.document.end)
            self.app.notify(edited.message, severity=edited.severity, markup=False)

        def check_consume_key(self, key: str, character: str | None = None) -> bool:
            return super().check_consume_key(key, character) or (not self.read_only and _is_text(character))

        def on_paste(self, event: events.Paste) -> None:
            """The pasted text at the cursor. Textual's own handler also focuses the
            area a moment later, pulling the focus back from the next field when
            the coach pastes, presses tab and types on."""
            event.stop()
            event.prevent_default()
            if not self.read_only and event.text:
                self.replace(event.text, *self.selection, maintain_selection_offset=False)

        async def on_key(self, event: events.Key) -> None:
            if self.read_only:
                return
            character = typed_but_unprintable(event)
            if character is not None:
                event.stop()
                event.prevent_default()  # Textual's own handler would drop it
                self.replace(character, *self.selection, maintain_selection_offset=False)
            elif not event.is_printable and event.key != "enter" and not (
                event.key == "tab" and self.tab_behavior == "indent"
            ):
                await run_binding_now(self, event)  # enter and printable keys are text

        def get_line(self, line_index: int) -> Text:
            return Text(visible_cells(self.document.get_line(line_index)), end="", no_wrap=True)

    LiteralTextArea.__module__ = __name__
    LiteralTextArea.__qualname__ = "LiteralTextArea"
    return LiteralTextArea


def __getattr__(name: str) -> Any:
    # LiteralTextArea is built on first use: Textual's TextArea is not needed for
    # the first screen, and importing it costs ~10 ms of start-up.
    if name == "LiteralTextArea":
        cls = globals()["LiteralTextArea"] = _literal_text_area()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
