"""Keys typed ahead go where the coach's focus goes, in the order typed.

Textual routes each key as it is read, to the widget focused at that moment, and a
widget acts on it later, when its turn comes. A fast typist, a paste or a laggy SSH
link types on while a key is still being acted on, so the next keys went to where
the focus *was*: ``Ward 7`` enter ``Rota`` made a team called "Ward 7Rota", ``n``
and a note on the review list ran the note's letters as commands (``d``: done), and
enter twice in a dialog closed it twice and ended the app.

:class:`KeyHold` holds the keys that arrive while something typed a moment ago is
still changing the screen, and hands them on in order once it is done (the new
screen or field has the focus), or after a short time at the most, so no key is
ever stuck. Widgets and screens say when a key of theirs changes the screen by a
``keys_wait_after(key)`` method returning the condition to wait for (or None);
keys bound to a command on a list or table, and every new screen or dialog, wait
on their own.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from textual import events
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

# The longest a key waits, by kind of change: a dialog opens or closes in a few
# frames; opening a team reads the database.
# These are only the longest wait: each wait ends as soon as its change is done,
# and they are generous because a loaded machine is slow to finish one.
DIALOG_WAIT = 2.0
COMMAND_WAIT = 1.0
SESSION_WAIT = 4.0

Condition = Callable[[], bool]
Held = events.Key | events.Paste


class WaitsAfterKeys(Protocol):
    def keys_wait_after(self, key: str) -> tuple[Condition, float] | None: ...


def is_text_field(widget: Widget | None) -> bool:
    return isinstance(widget, (Input, TextArea))


def screen_settled(app: App[object], screen: Screen[object]) -> Condition:
    """True once ``screen`` has the focus where keys should go (or is gone)."""

    def settled() -> bool:
        if app.screen is not screen:
            return True
        return screen.is_mounted and (screen.focused is not None or not screen.focus_chain)

    return settled


def session_shown(app: App[object], leaving: Widget | Screen[object]) -> Condition:
    """True once a session's step (not the team list) has the focus, or a question
    has come up in a dialog other than ``leaving``."""
    from textual.screen import ModalScreen

    def shown() -> bool:
        screen = app.screen
        if screen is leaving:
            return False
        if isinstance(screen, ModalScreen):
            return True
        focused = app.focused
        if focused is None or leaving in focused.ancestors_with_self:
            return False
        return getattr(screen, "current_step", "team") != "team"

    return shown


class KeyHold:
    def __init__(self, app: App[object], dispatch: Callable[[Held], Awaitable[None]]) -> None:
        self.app = app
        self.dispatch = dispatch  # the app's routing of a key (which may hold again)
        self.held: list[Held] = []
        self._until: Condition | None = None
        self._deadline = 0.0
        self._timer: Timer | None = None
        self._waiting_for: events.Key | None = None
        self._last_key_at = 0.0

        # when the last key that types a character arrived, before the current key
        self.text_typed_at = 0.0
        self._text_at = 0.0

    def quiet_for(self, event: events.Key, into: Widget | None) -> float:
        """Seconds since the key before ``event`` arrived (``into``: the widget with
        the focus); call once per key."""
        now = time.monotonic()
        quiet, self._last_key_at = now - self._last_key_at, now
        self.text_typed_at = self._text_at
        if is_text_field(into) and event.character is not None and event.character.isprintable():
            self._text_at = now
        return quiet

    @property
    def holding(self) -> bool:
        return self._until is not None

    def hold(self, until: Condition, timeout: float) -> None:
        """Keep the keys that arrive from now on until ``until()`` is true (checked
        every few milliseconds) or ``timeout`` seconds have passed."""
        self._until = until
        self._deadline = time.monotonic() + timeout
        if self._timer is None:
            self._timer = self.app.set_interval(0.005, self._check, name="typeahead")

    def hold_until_handled(self, event: events.Key) -> None:
        """Keep the keys after ``event`` until it has come back to the app (its
        command has run), which :meth:`handled` is told."""
        self._waiting_for = event
        self.hold(lambda: self._waiting_for is None, COMMAND_WAIT)

    def handled(self, event: events.Key) -> None:
        if event is self._waiting_for:
            self._waiting_for = None

    def take(self, event: Held) -> bool:
        """Keep ``event`` if keys are being held (True), else leave it to go on."""
        if self._until is None:
            return False
        self.held.append(event)
        return True

    async def _check(self) -> None:
        until = self._until
        if until is None:
            return
        if not until() and time.monotonic() < self._deadline:
            return
        self._until = None
        self._waiting_for = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        # In order; a key that starts a new wait leaves the rest held for it.
        while self.held and self._until is None:
            await self.dispatch(self.held.pop(0))

    def keys_wait_after(self, widget: Widget | None, key: str) -> tuple[Condition, float] | None:
        """What the focused widget, or its screen, says ``key`` must be waited for."""
        if widget is None:
            return None
        for node in widget.ancestors_with_self:
            ask = getattr(node, "keys_wait_after", None)
            if ask is not None:
                wait: tuple[Condition, float] | None = ask(key)
                if wait is not None:
                    return wait
        return None
