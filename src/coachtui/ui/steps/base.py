"""What every step pane shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.containers import Vertical
from textual.dom import DOMNode

from coachtui.ui.appref import coach_app
from coachtui.ui.typeahead import Painted

if TYPE_CHECKING:
    from textual import events
    from textual.widget import Widget
    from textual.widgets import Input

    from coachtui.session.controller import SessionController
    from coachtui.session.model import SessionModel
    from coachtui.ui.app import CoachApp


P = TypeVar("P", bound="StepPane")


def goes_to_filter(event: events.Key | events.Paste, keep: frozenset[str] = frozenset()) -> bool:
    """A key typed on a list that belongs in its filter: a letter (not ``?``, the
    help off a field) or backspace, or a paste. ``keep``: keys the list uses itself."""
    from textual import events

    if isinstance(event, events.Paste):
        return bool(event.text)
    if event.key in keep:
        return False
    return bool(event.is_printable and event.character and event.character != "?") or event.key == "backspace"


def type_into(field: Input, event: events.Key, keep: frozenset[str] = frozenset()) -> bool:
    """A key typed on a list whose filter is ``field``: a letter (or backspace) goes
    to the filter, and the focus with it. True if the key went to the filter.
    (Keys are sent on to the filter as they arrive, see ``typeahead.KeyHold.route``;
    this is for a key that reaches the list all the same.)"""
    if not goes_to_filter(event, keep):
        return False
    field.cursor_position = len(field.value)
    if event.key == "backspace":
        field.action_delete_left()
    else:
        field.insert_text_at_cursor(event.character or "")
    event.stop()
    event.prevent_default()
    field.screen.set_focus(field, scroll_visible=False)
    return True


class LastSize:
    """A widget's size as it was when it was last laid out. A step that is not shown
    has no size (0 by 0), also for the moment after it is shown again, before its
    layout: what it fills in then is measured with the size it had, not with 0 (the
    resize that follows measures again only if the size really changed)."""

    def __init__(self) -> None:
        self.width = self.height = 0

    def of(self, widget: Widget) -> tuple[int, int]:
        size = widget.size
        if size.width:
            self.width, self.height = size.width, size.height
        return self.width, self.height


def enclosing(node: DOMNode, kind: type[P]) -> P | None:
    """The nearest ancestor of ``node`` that is a ``kind`` step (or None)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, kind):
        parent = parent.parent
    return parent


class StepPane(Painted, Vertical):
    """A step of the session flow, shown in the session screen's switcher."""

    step_id: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    # The field that had the focus when the coach last left this step (set by the
    # session screen as the step changes), for steps that return to it.
    focus_on_return: Widget | None = None
    # True while the step is shown by ctrl+g or for another presenter: its first
    # field takes the focus, whichever field was left there last.
    focus_first: bool = False

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    @property
    def controller(self) -> SessionController:
        return self.coach_app.session

    @property
    def model(self) -> SessionModel | None:
        return self.coach_app.session.model

    def activate(self) -> None:
        """Called when the step is shown: refresh from the model, focus the first field."""

    def refresh_from_model(self) -> None:
        """The session changed elsewhere (resume, new session): show it."""

    def keep_typing(self) -> None:
        """Another presenter is about to be in hand: put what this step's fields hold
        into the model now (their Changed events may still be on their way)."""
