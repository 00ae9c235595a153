"""Keys typed ahead go where the coach's focus goes, in the order typed.

Textual routes each key as it is read, to the widget focused at that moment, and a
widget acts on it later, when its turn comes. A fast typist, a paste or a laggy SSH
link types on while a key is still being acted on, so the next keys went to where
the focus *was*: ``Ward 7`` enter ``Rota`` made a team called "Ward 7Rota", ``n``
and a note on the review list ran the note's letters as commands (``d``: done), and
enter twice in a dialog closed it twice and ended the app.

:class:`KeyHold` holds the keys that arrive while something typed a moment ago is
still changing the screen, and hands them on in order once it is done (the new
screen or field has the focus), or after a few seconds at the most, so no key is
ever stuck. Widgets and screens say when a key of theirs changes the screen by a
``keys_wait_after(key)`` method returning the condition to wait for (or None);
keys bound to a command on a list or table, and every new screen or dialog, wait
on their own.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.keys import key_to_character

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

# The longest a key waits, by kind of change (a dialog opening or closing, a
# command such as enter in a form, a team or draft being opened from the database).
# A safety net only: each wait ends as soon as its change is done, which it always
# is. Generous, because a key let go too early lands in the wrong field, and a
# loaded machine can be slow (the first due date read loads the date parser:
# ~0.5 s idle, seconds under load).
DIALOG_WAIT = 5.0
COMMAND_WAIT = 10.0
SESSION_WAIT = 10.0
# A list's command key comes back up to the app once it has run, unless a widget
# keeps it to itself: then this is how long the keys after it wait.
HANDLED_WAIT = 2.0
# Keys typed as the app starts (a coach typing the team's name as it comes up): held
# until the first screen has a field with the focus.
STARTUP_WAIT = 10.0
# A pause in the typing this long tells a dialog that came up unasked that the
# coach has seen it (ConflictScreen.typing_goes_on), and a list that a letter
# typed after it is meant for the list (KeyHold.words_go_on).
TYPING_PAUSE = 0.8
# No one answers what they see sooner than this after it is painted: a key that
# arrives sooner was typed before the coach could see it (keys sent 10 ms apart,
# "ctrl+g 7 nurses…", with the summary painted between the 7 and the n: the n is
# the start of a word, not "new session").
REACTION = 0.1


# At a question, a pause at least this long after words typed at it (kept for after
# the answer) tells a deliberate answer from the next letter of the words: the y of
# "yesterday", typed on at 100 ms a key after ctrl+d raised "Delete?", is a word.
ANSWER_PAUSE = 0.5


# On a list whose letters act (the review's marks, the summary's c y f n) and whose
# words have a field to go to, such a letter waits this long for the next key: a
# character straight after it makes both the start of words ("done deal", "p 4
# audit", "cycle time"), unless the list says that key still acts after it (the
# review's n: a mark, then its note). The same pause as at a question (ANSWER_PAUSE):
# a hurried coach on a loaded laptop types "sunday" at a quarter of a second a key.
WORD_WAIT = ANSWER_PAUSE


def seen_when_typed(shown_at: float | None, event: events.Key) -> bool:
    """Could the coach see what was painted at ``shown_at`` (None: not yet) when
    they typed ``event``?"""
    return shown_at is not None and event.time >= shown_at + REACTION


class Painted:
    """A screen or a step that knows when it was first on the screen since it was
    last shown (``shown_at``, on the clock keys are timed by; None: not yet), so that
    a key typed before the coach could see it is told from one typed at it
    (:func:`seen_when_typed`): a question's answers, the review's marks, the
    summary's c y f n. Call :meth:`watch_for_paint` once mounted, and
    :meth:`shown_afresh` when it is shown again."""

    shown_at: float | None = None

    def watch_for_paint(self) -> None:
        # Told as each frame of its screen is written (a callback after the refresh
        # comes only once nothing on the screen is left to update, which on a busy app
        # can be long after the coach has seen it, and answered it).
        self.screen.screen_layout_refresh_signal.subscribe(self, self._painted, immediate=True)  # type: ignore[attr-defined]
        self.call_after_refresh(self._painted)  # type: ignore[attr-defined]

    def shown_afresh(self) -> None:
        """Shown again: not seen until painted."""
        self.shown_at = None
        self.call_after_refresh(self._painted)  # type: ignore[attr-defined]

    def _painted(self, _screen: object = None) -> None:
        if self.shown_at is None and self.display and self.screen.is_current:  # type: ignore[attr-defined]
            self.shown_at = events.Event().time


# Keys that carry on the words typed in a field: its characters, and the keys that
# edit them or close the note they are typed in.
_WORD_KEYS = frozenset({"backspace", "escape", "ctrl+s"})

Condition = Callable[[], bool]
Held = events.Key | events.Paste


class HandOn:
    """Keys a question kept (typed before it was on the screen, or that answer
    nothing in it), handed on in order once its answer has been acted on: into the
    text field the focus is in then, unless that field says typed-ahead text is not
    for it (the team filter: such letters made a team). Else the coach is told, in
    a toast, what was not used. Nothing typed is dropped unsaid."""

    def __init__(self, keys: list[Held]) -> None:
        self.keys = keys

    @property
    def text(self) -> str:
        return typed_text(self.keys)


def typed_text(keys: list[Held]) -> str:
    """The words ``keys`` type (their printable characters and pastes)."""
    return "".join(
        key.text if isinstance(key, events.Paste) else key.character or ""
        for key in keys
        if isinstance(key, events.Paste) or (key.character is not None and key.character.isprintable())
    )


def steps_screen(app: App[object]) -> Screen[object] | None:
    """The screen under the dialogs on top (the session screen, whose ctrl+g goes to
    a step), or None."""
    from textual.screen import ModalScreen

    return next((screen for screen in reversed(app.screen_stack) if not isinstance(screen, ModalScreen)), None)


def goes_to_step(screen: Screen[object] | None, key: Held) -> bool:
    """``key`` is ``screen``'s "go to a step" (ctrl+g, or the key the coach gave it)."""
    if screen is None or not isinstance(key, events.Key):
        return False
    bound = screen.active_bindings.get(key.key)
    return bound is not None and bound.binding.action == "pick_step"


def type_into(app: App[object], field: Widget, event: events.Key) -> bool:
    """Type ``event`` into ``field``, a text field on the screen below a question, as
    if the question were not there; False if the key is not typing there (ctrl+q,
    the app's: it goes its own way). A character, or enter in a TextArea, is what the
    field takes as a key; backspace, ctrl+z or an arrow run the field's own binding.
    Anything else handed to the field would come back up to the app unused."""
    active = field.screen.active_bindings.get(event.key)
    if active is not None and active.node is field and not active.binding.priority:
        field.call_later(app.run_action, active.binding.action, field)  # after what went there before it
        return True
    character = event.character
    if (character is not None and character.isprintable()) or event.key == "enter":  # a TextArea's new line
        field.post_message(events.Key(event.key, character))
        return True
    return False


def is_text_field(widget: Widget | None) -> bool:
    """An Input or a TextArea (TextArea is not imported for it: the first screen
    loads without it)."""
    return widget is not None and any(
        cls.__name__ in ("Input", "TextArea") and cls.__module__.startswith("textual.widgets")
        for cls in type(widget).__mro__
    )


def screen_settled(app: App[object], screen: Screen[object]) -> Condition:
    """True once ``screen`` has the focus where keys should go (or is gone)."""

    def settled() -> bool:
        if app.screen is not screen:
            return True
        return screen.is_mounted and (screen.focused is not None or not screen.focus_chain)

    return settled


def input_ready(app: App[object]) -> Condition:
    """True once the screen on top is mounted and a widget on it has the focus (the
    team filter, or the prompt for the coach's name): before that a key reaches no
    widget and is lost."""

    def ready() -> bool:
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - no screen yet
            return False
        return screen.is_mounted and screen.focused is not None

    return ready


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


def escape_then(app: App[object], event: events.Key) -> tuple[events.Key, events.Key] | None:
    """esc and the key after it, for an alt+key nothing here is bound to (a letter,
    digit, space or punctuation: anything that types a character).

    A terminal sends alt+a as ESC a, and esc typed with a letter straight after it
    (within ESCDELAY, 0.1 s: tmux send-keys, a fast typist) as the same ESC a, which
    Textual reads as alt+a (and ESC space as alt+space, ESC . as alt+full_stop: see
    PasteParser). Bound (alt+1 … alt+7 on a session), it is the chord; unbound it
    would do nothing, and the esc (closing the explainer, a dialog) and the key were
    both lost."""
    key = event.key
    name = key.removeprefix("alt+").removeprefix("shift+")
    character = event.character if event.character is not None else key_to_character(name)
    if not key.startswith("alt+") or character is None or len(character) != 1 or not character.isprintable():
        return None
    if app.screen.active_bindings.get(key) is not None:
        return None
    return events.Key("escape", "\x1b"), events.Key(name if len(name) > 1 else character, character)


def closed_by_escape(app: App[object]) -> tuple[Condition, float] | None:
    """For esc on a dialog that esc closes: wait until it has gone (and its answer
    has been acted on). Textual takes a dialog away a moment after esc, so a letter
    typed straight after it (the ESC b of a fast 'esc, banana') went into the note
    still open there instead of where the coach was going back to."""
    from textual.screen import ModalScreen

    dialog = app.screen
    if not isinstance(dialog, ModalScreen):
        return None
    bound = dialog.active_bindings.get("escape")
    if bound is None or bound.node is not dialog:
        return None
    keys = getattr(app, "keys", None)

    def gone() -> bool:
        return app.screen is not dialog and (keys is None or keys.answer_acted_on(dialog))

    return gone, COMMAND_WAIT


class KeyHold:
    def __init__(self, app: App[Any], dispatch: Callable[[Held], Awaitable[None]]) -> None:
        self.app = app
        self.dispatch = dispatch  # the app's routing of a key (which may hold again)
        self.held: list[Held | HandOn] = []
        self._until: Condition | None = None
        self._deadline = 0.0
        self._timer: Timer | None = None
        self._waiting_for: events.Key | None = None
        self._last_key_at = 0.0
        # when the last key that typed a character into a field arrived, before the current key
        self.text_typed_at = 0.0
        self._text_at = 0.0
        # The key before the current one carried on words typed in a field (see
        # _WORD_KEYS), and the current one came with no pause after it: it is more
        # of the coach's words, never a list's command (see words_go_on).
        self.words_go_on = False
        self._words_before = False
        self._started = False  # the first screen has taken input
        # Keys and pastes that have come from the terminal (one held and handed on
        # later may be counted twice): has the coach typed since a moment?
        self.arrived = 0
        self._starting = False  # keys typed as the app started are held
        # A mark's letter waiting to see whether words follow it (WORD_WAIT)
        self._mark_waiting: events.Key | None = None
        # Dialogs answered whose answer has not been acted on yet (Textual calls a
        # dialog's callback a moment after it closes, and the callback may bring up
        # the next dialog: the members prompt comes back for the next name).
        self._answers_due: set[int] = set()

    def quiet_for(self, event: events.Key, into: Widget | None) -> float:
        """Seconds since the key before ``event`` arrived (``into``: the widget with
        the focus); call once per key. Keys are timed when they arrive from the
        terminal, not when they are handled: a moment the app was busy is no pause
        in the coach's typing."""
        now = event.time
        quiet, self._last_key_at = now - self._last_key_at, now
        self.text_typed_at = self._text_at
        typed = event.character is not None and event.character.isprintable()
        if is_text_field(into) and typed:
            self._text_at = now
        self.words_go_on = self._words_before and quiet < TYPING_PAUSE
        self._words_before = is_text_field(into) and (typed or event.key in _WORD_KEYS)
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
        self.hold(lambda: self._waiting_for is None, HANDLED_WAIT)

    def handled(self, event: events.Key) -> None:
        if event is self._waiting_for:
            self._waiting_for = None

    def hold_first(self, event: Held, until: Condition, timeout: float) -> None:
        """Keep ``event`` and the keys after it until ``until()`` is true: ``event``
        goes on first (any keys held already were typed after it)."""
        self.hold(until, timeout)
        self.held.insert(0, event)

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
        self._starting = False
        self._waiting_for = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        # In order; a key that starts a new wait leaves the rest held for it.
        while self.held and self._until is None:
            item = self.held.pop(0)
            if isinstance(item, HandOn):
                self._deliver(item)
            else:
                await self.dispatch(item)

    def _deliver(self, kept: HandOn) -> None:
        app = self.app
        focused = app.focused
        question = app.screen
        if getattr(question, "keeps", None) is not None and getattr(question, "kept", None) is not None:
            # The answer led to another question ("Create Deltas as another team?",
            # then "Start a new session with Deltas?"): it keeps them in turn.
            question.kept[0:0] = kept.keys
            return
        goes_to = getattr(focused, "typing_goes_to", None)  # a list whose letters go to a field (the summary's)
        # asked as words (a paste), whatever letter they start with: the c of "clearly" is no command here
        words = kept.text
        field = goes_to(events.Paste(words)) if goes_to is not None and words else None
        if field is not None and not getattr(field, "refuses_typed_ahead", False):
            field.cursor_position = len(field.value)
            field.screen.set_focus(field, scroll_visible=False)
            focused = field
        keys, unused = kept.keys, []
        # ctrl+g and a step's number typed at the question: they go to the step now,
        # and the words after them to its field (no dialog left on top), else said.
        steps = steps_screen(app)
        go = next((index for index, key in enumerate(keys) if goes_to_step(steps, key)), None)
        if go is not None and app.screen is not steps:
            keys, unused = keys[:go], keys[go:]
        if is_text_field(focused) and not getattr(focused, "refuses_typed_ahead", False):
            self.held[0:0] = keys  # on to the field, before the keys typed after them
        elif go is not None and not unused:
            self.held[0:0] = keys[go:]  # to the step, before the keys typed after them
            unused = keys[:go]
        else:
            unused = keys + unused
        # ctrl+g is named: it types no character
        if text := "".join(f" {key.key} " if goes_to_step(steps, key) else typed_text([key]) for key in unused).strip():
            from coachtui.text import one_line

            self.app.notify(f"Not used (typed while a question was open): {one_line(text, 60)}",
                            severity="warning", markup=False, timeout=10)

    def words_waiting(self) -> str:
        """Words typed that have not reached a field yet: held here for their turn,
        or kept by a question on the screen until it is answered (see HandOn), in
        the order typed ("" if none). Quitting asks before they go (ui/saving.py)."""
        keys: list[Held] = []
        for screen in self.app.screen_stack:
            keys.extend(getattr(screen, "kept", None) or ())
        for item in self.held:
            keys.extend(item.keys if isinstance(item, HandOn) else [item])
        return typed_text(keys)

    def hand_on(self, screen: Screen[Any], kept: list[Held], shown: Condition | None = None) -> None:
        """``screen`` (a question) is answered and closing: the keys it kept go on
        once it has gone and its answer has been acted on (see :class:`HandOn`),
        and ``shown()`` is true (what the answer leads to is on the screen)."""
        if not kept:
            return
        app = self.app
        self.held.insert(0, HandOn(list(kept)))

        def gone() -> bool:
            return (app.screen is not screen and self.answer_acted_on(screen) and input_ready(app)()
                    and (shown is None or shown()))

        before = self._until
        if before is None:
            self.hold(gone, COMMAND_WAIT)
        else:
            self._until = lambda: before() and gone()
            self._deadline = max(self._deadline, time.monotonic() + COMMAND_WAIT)

    async def route(self, event: events.Event, textual_routing: Callable[[events.Event], Awaitable[None]]) -> None:
        """The app's ``on_event``: a key or paste is held while the screen changes,
        passed through a step picker or a conflict question the coach is typing over,
        and otherwise routed by Textual, then waited for if it changes the screen."""
        app = self.app
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            await textual_routing(event)
            return
        self.arrived += 1
        if not self._started:
            self._started = True
            if self._until is None and not input_ready(app)():
                # the app is still starting: nothing could take the key yet
                self.hold(input_ready(app), STARTUP_WAIT)
                self._starting = True
        if self._starting and isinstance(event, events.Key) and event.key == "ctrl+j":
            # Typed before the terminal was put in raw mode, enter was turned into a
            # line feed (ICRNL) on its way: it is enter.
            event = events.Key("enter", "\r")
        if self.take(event):
            return  # the screen is still changing: it goes on once it is done
        if isinstance(event, events.Key) and (split := escape_then(app, event)) is not None:
            escape, letter = split
            await self.route(escape, textual_routing)
            if self.holding:  # esc changes the screen: the letter waits, before the keys typed after it
                self.held.insert(0, letter)
            else:
                await self.route(letter, textual_routing)
            return
        keeps = getattr(app.screen, "keeps", None)  # a question: keys typed before it was seen
        if keeps is not None and keeps(event):
            return
        focused = app.focused
        if isinstance(event, events.Key):
            quiet_for = self.quiet_for(event, focused)
            top = app.screen
            let_through = getattr(top, "let_through", None)  # the step and presenter pickers
            if let_through is not None:
                let_through(event.key)  # told as it arrives: a key that is no step number closes ctrl+g's
            typing_goes_on = getattr(top, "typing_goes_on", None)  # a conflict question
            if typing_goes_on is not None and len(app.screen_stack) > 1:
                below = app.screen_stack[-2].focused  # typing goes on there, if it is text
                if (
                    below is not None
                    and is_text_field(below)
                    and typing_goes_on(event, quiet_for)
                    and type_into(app, below, event)
                ):
                    return
            focused = app.focused
        elif isinstance(event, events.Paste):
            top = app.screen
            if getattr(top, "typing_goes_on", None) is not None and len(app.screen_stack) > 1:
                below = app.screen_stack[-2].focused
                if below is not None and is_text_field(below):
                    # a paste is words, never an answer: into the field below
                    self._text_at = self._last_key_at = event.time
                    below.post_message(events.Paste(event.text))
                    return
            if is_text_field(focused):  # a paste is typing too (a question coming up waits)
                self._text_at = self._last_key_at = event.time
        goes_to = getattr(focused, "typing_goes_to", None)  # a list whose letters go to its filter
        field = goes_to(event) if goes_to is not None else None
        if field is None and goes_to is not None and isinstance(event, events.Key):
            if self._waits_for_words(focused, event):
                return  # held a moment: words may follow it
            if self._mark_waiting is event:
                self._mark_waiting = None
                if self._words_follow(focused, event):
                    field = goes_to(events.Paste(event.character or ""))
        if field is not None:
            # The focus goes to the filter as the letter (or paste) arrives, so it
            # and every key after it reach the filter in the order typed (a space
            # straight after it is text there, not a pick on the list).
            field.cursor_position = len(field.value)
            field.screen.set_focus(field, scroll_visible=False)
            focused = field
        command = None
        if isinstance(event, events.Key) and focused is not None and not is_text_field(focused):
            command = app.screen.active_bindings.get(event.key)
        asked: Widget | Screen[object] = focused if focused is not None else app.screen  # nothing focused: its screen
        closes = closed_by_escape(app) if isinstance(event, events.Key) and event.key == "escape" else None
        await textual_routing(event)
        if not isinstance(event, events.Key) or self.holding:
            return
        wait = self.keys_wait_after(asked, event.key) or closes
        if wait is not None:
            self.hold(*wait)
        elif command is not None and command.enabled and not command.binding.priority:
            # A command on a list (n opens a note, d marks done): the keys after it
            # wait until it has run, so they reach the note, not the list.
            self.hold_until_handled(event)

    def _waits_for_words(self, focused: Widget | None, event: events.Key) -> bool:
        """Hold a mark's letter (``focused.may_start_words``) until the next key or
        WORD_WAIT, whichever comes first; it then comes back here once more."""
        starts = getattr(focused, "may_start_words", None)
        if self._mark_waiting is event or starts is None or not starts(event.key):
            return False
        self._mark_waiting = event
        arrived, until = self.arrived, time.monotonic() + WORD_WAIT
        self.hold_first(event, lambda: self.arrived > arrived or time.monotonic() >= until, WORD_WAIT)
        return True

    def _words_follow(self, focused: Widget | None, event: events.Key) -> bool:
        """The key typed next, within WORD_WAIT of the letter ``event``, is more
        words: a paste, or a character the list does not name as acting after it
        (``focused.acts_after(letter, key)``)."""
        after = next((item for item in self.held if not isinstance(item, HandOn)), None)
        if after is None or after.time - event.time >= WORD_WAIT:
            return False
        if isinstance(after, events.Paste):
            return bool(after.text)
        character = after.character
        if character is None or not character.isprintable():  # an arrow, enter, tab: not words
            return False
        acts_after = getattr(focused, "acts_after", None)
        return not (acts_after is not None and acts_after(event.key, after.key))

    def answer_callback(self, screen: object, callback: Callable[[Any], object]) -> Callable[[Any], object]:
        """``callback`` (what a dialog's answer does), told to this hold: keys typed
        after the answer can wait until it has run (:meth:`answer_acted_on`)."""
        due = self._answers_due
        key = id(screen)
        due.add(key)

        def acted(result: Any) -> object:
            try:
                return callback(result)
            finally:
                due.discard(key)

        return acted

    def answer_acted_on(self, screen: object) -> bool:
        """True once ``screen``'s answer has been acted on (or it had nothing to act)."""
        return id(screen) not in self._answers_due

    def screen_pushed(self, screen: Screen[object]) -> None:
        """A new screen or dialog: the keys typed on reach its field once it has one."""
        self.hold(screen_settled(self.app, screen), DIALOG_WAIT)

    def keys_wait_after(self, widget: Widget | Screen[object] | None, key: str) -> tuple[Condition, float] | None:
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
