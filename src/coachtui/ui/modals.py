"""Small modal screens: confirm, ask for a line of text, pick a draft to resume, help."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Input, Label, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from coachtui.store.types import SessionInfo, TeamInfo
from coachtui.text import one_line, session_label, visible
from coachtui.ui.format import cell, relative_day
from coachtui.ui.typeahead import (
    ANSWER_PAUSE,
    COMMAND_WAIT,
    SESSION_WAIT,
    TYPING_PAUSE,
    Painted,
    goes_to_step,
    input_ready,
    seen_when_typed,
    session_shown,
    steps_screen,
)
from coachtui.ui.widgets.literal import LiteralInput, LiteralTextArea


class Question(Painted):
    """What a question (ConfirmScreen, ChoiceScreen) does with keys typed before it
    was on the screen: they never answer it. A coach typing ahead ("Ann" enter
    "Bob" enter in the members prompt) meant them for what they expected to see, so
    the question keeps them, with any letter that answers nothing in it, and hands
    them on once it is answered (KeyHold.hand_on): to the field the focus goes to
    then, or, if that is no place for them, to a toast saying what was not used."""

    app: Any
    kept: list[events.Key | events.Paste]

    def watch_for_paint(self) -> None:
        self.kept = []
        super().watch_for_paint()

    def answers(self, event: events.Key) -> bool:
        """True if ``event`` is one of this question's answers."""
        return False

    def keeps(self, event: events.Key | events.Paste) -> bool:
        """Keep ``event`` (True): typed before the coach could see this question
        (seen_when_typed), or a paste, or a character that answers nothing here, or
        the session's ctrl+g (done once this is answered). A space too: a coach typing
        on as the question came up ("Late starts") pressed the button in focus with it.
        And an answer, or enter, that carries on words kept here with no pause
        (ANSWER_PAUSE): the y of "yesterday" typed on after ctrl+d, or of "clearly"
        after the c that asked "Complete anyway?"."""
        if isinstance(event, events.Paste) or not seen_when_typed(self.shown_at, event):
            self.kept.append(event)
            if isinstance(event, events.Key) and event.character is not None and event.character.isprintable():
                self.words_at = event.time  # words typed ahead: an enter straight after them is theirs
            return True
        if goes_to_step(steps_screen(self.app), event):
            # ctrl+g (and the step's number after it): where the coach goes once this
            # is answered; it did nothing here, and the keys were lost
            self.kept.append(event)
            return True
        character = event.character
        last = self.words_at
        carries_on = last is not None and event.time - last < ANSWER_PAUSE
        if (character is not None and character.isprintable() and not self.answers(event)) or (
            carries_on and (self.answers(event) or event.key == "enter")
        ):
            self.kept.append(event)
            self.words_at = event.time  # the coach is typing words
            return True
        return False

    # when the last letter kept here as words arrived (None: none was)
    words_at: float | None = None

    def answer_shown(self) -> Callable[[], bool] | None:
        """Beyond the answer being acted on, what the keys kept wait for (where the
        answer leads, when acting on it only starts loading it), or None."""
        return None

    def hand_on_kept(self) -> None:
        """Answered: what was kept goes on once the answer has been acted on."""
        keys = getattr(self.app, "keys", None)
        if keys is not None and self.kept:
            keys.hand_on(self, self.kept, self.answer_shown())
            self.kept = []


class ConfirmScreen(Question, ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True for yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(
        self, question: str, *, yes: str = "Yes", no: str = "No", danger: bool = False, yes_opens_session: bool = False
    ) -> None:
        """``yes_opens_session``: yes leads to a session (or a question on the way to
        it): the keys kept wait for it, to go into its focused field."""
        super().__init__(classes="modal")
        self.question = question
        self.yes_label = yes
        self.no_label = no
        self.danger = danger
        self.yes_opens_session = yes_opens_session
        self.answer: bool | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.question), classes="question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error" if self.danger else "primary")
                yield Button(f"{self.no_label} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()
        self.watch_for_paint()

    def answers(self, event: events.Key) -> bool:
        return event.key in ("y", "n")

    def action_answer(self, answer: bool) -> None:
        self._answer(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self._answer(event.button.id == "yes")

    def answer_shown(self) -> Callable[[], bool] | None:
        if self.answer and self.yes_opens_session:
            return session_shown(self.app, self)
        return None

    def _answer(self, answer: bool) -> None:
        self.answer = answer
        self.hand_on_kept()
        self.dismiss(answer)


class TypedAheadConfirmScreen(ConfirmScreen):
    """A yes/no question that comes up after a key that asked for something else
    (enter on a team, while another team's draft is open): letters the coach typed
    on before it was on the screen were meant for what they expected to see (the
    new session's title). They never answer it, and never reach the team filter
    behind it (they became a team's name): yes takes them (:meth:`typed_ahead`, the
    new session's title); no hands them on as any question does (a toast says what
    was not used when the focus is on the team list)."""

    def typed_ahead(self) -> str:
        """The text kept, taken: the caller puts it where the coach meant it."""
        text = "".join(
            key.text if isinstance(key, events.Paste) else key.character or ""
            for key in self.kept
            if isinstance(key, events.Paste) or (key.character is not None and key.character.isprintable())
        )
        self.kept = []
        return " ".join(text.split())

    def _answer(self, answer: bool) -> None:
        if answer:
            self.dismiss(answer)  # the caller takes what was kept (typed_ahead)
        else:
            super()._answer(answer)

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """The keys typed after the answer go where the focus goes once it has been
        acted on: the new session's first step, or back on the team list."""
        if key not in ("y", "n", "escape", "enter"):
            return None
        app, keys = self.app, getattr(self.app, "keys", None)
        shown = session_shown(app, self)

        def acted_on() -> bool:
            if app.screen is self or (keys is not None and not keys.answer_acted_on(self)):
                return False
            return shown() or getattr(app.screen, "current_step", "team") == "team" and input_ready(app)()

        return acted_on, SESSION_WAIT


class ChoiceScreen(Question, ModalScreen[str]):
    """Ask a question with several answers, each with its own key."""

    BINDINGS = [Binding("escape", "choose('')", "Cancel", show=False, id="choice.cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str, str]]) -> None:
        """``choices`` are (key, label, value); the first is the default."""
        super().__init__(classes="modal")
        self.question = question
        self.choices = choices
        self._answered = False
        self.answer: str | None = None  # the value chosen, once answered

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.question), classes="question")
            with Horizontal(classes="buttons"):
                for index, (key, label, value) in enumerate(self.choices):
                    yield Button(f"{label} ({key})", id=f"choice-{value}", variant="primary" if index == 0 else "default")

    def on_mount(self) -> None:
        self.query(Button).first().focus()
        self.watch_for_paint()

    def answers(self, event: events.Key) -> bool:
        return any(event.character == key for key, _label, _value in self.choices)

    def on_key(self, event: events.Key) -> None:
        for key, _label, value in self.choices:
            if event.character == key:
                event.stop()
                self._answer(value)
                return

    def action_choose(self, value: str) -> None:
        self._answer(value)

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """An answer closes this: the keys typed straight after it go where the focus
        is once it has closed (not to a button going away with it)."""
        if key == "escape" or any(key == choice for choice, _label, _value in self.choices):
            app = self.app
            return (lambda: app.screen is not self and input_ready(app)()), COMMAND_WAIT
        return None

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self._answer((event.button.id or "choice-").removeprefix("choice-"))

    def _answer(self, value: str) -> None:
        """Answer once: a key typed twice in one burst ("n n") must not close the
        dialog a second time (Textual ends the app with ScreenStackError)."""
        if self._answered:
            return
        self._answered = True
        self.answer = value
        self.hand_on_kept()
        self.dismiss(value)


class SessionChoiceScreen(ChoiceScreen):
    """A question a coach has met before and answers without looking: "Alpha has an
    unfinished session of yours: resume (r) or start a new one (n)?" comes up after
    enter on the team, and a coach who knows it types enter, r and the title in one
    go. So the first key to reach it, painted or not, answers it if it is one of its
    keys (any later key typed before it was painted is kept, as by any question: the
    n of "Late nights" starts nothing); the keys after the answer, and those kept,
    wait for the session it leads to and go into its focused field (the title of a
    new session). esc (neither) leads back to the team list."""

    def __init__(self, question: str, choices: list[tuple[str, str, str]]) -> None:
        super().__init__(question, choices)
        self._reached = False  # a key has reached it

    def keeps(self, event: events.Key | events.Paste) -> bool:
        first, self._reached = not self._reached, True
        if first and isinstance(event, events.Key) and self.answers(event):
            return False  # on to on_key: it answers
        return super().keeps(event)

    def answer_shown(self) -> Callable[[], bool]:
        """True once the answer's session has a step on the screen (esc: once back on
        the team list, its filter focused)."""
        app = self.app
        shown = session_shown(app, self)

        def ready() -> bool:
            if app.screen is self:
                return False
            return input_ready(app)() if self.answer == "" else shown()

        return ready

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        if key == "escape" or any(key == choice for choice, _label, _value in self.choices):
            keys = getattr(self.app, "keys", None)
            shown = self.answer_shown()
            return (lambda: (keys is None or keys.answer_acted_on(self)) and shown()), SESSION_WAIT
        return None


# Text typed this shortly before such a dialog came up: the coach was typing then
# (a draft is saved, and found changed by someone else, within a second of a pause
# on an idle machine, a few seconds on a busy one).
TYPING_WINDOW = 5.0


class ConflictScreen(Painted, ModalScreen[str]):
    """Another coach saved the same record first. Dismisses with ``"reload"`` (show
    their version; what this coach typed is kept to use again) or ``"keep"`` (apply
    this coach's change again, on top of theirs). esc reloads: it overwrites nothing."""

    BINDINGS = [
        Binding("r,escape", "choose('reload')", "Reload", id="conflict.reload"),
        Binding("k", "choose('keep')", "Keep mine", id="conflict.keep"),
    ]

    def __init__(self, message: str, mine: str = "", *, keep_label: str = "Keep mine", by_you: bool = False) -> None:
        super().__init__(classes="modal")
        self.message = message
        self.by_you = by_you  # saved first by this coach's other window, not another coach
        self.mine = mine
        self.keep_label = keep_label
        self._armed: bool | None = None  # answers keys: not while the coach types on

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Changed in another window" if self.by_you else "Changed by someone else", classes="title")
            yield Static(Content(one_line(self.message, 300)), id="conflict-message", classes="question")
            if self.mine:
                yield Static(Content(self.mine), id="conflict-mine", classes="help")
            yield Static(
                f"Reload shows {'that' if self.by_you else 'their'} version and keeps what you typed to use again; "
                f"{self.keep_label.lower()} saves yours on top of {'it' if self.by_you else 'theirs'}.",
                classes="help",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Reload (r)", id="conflict-reload", variant="primary")
                yield Button(f"{self.keep_label} (k)", id="conflict-keep")

    def on_mount(self) -> None:
        self.query_one("#conflict-reload", Button).focus()
        self.watch_for_paint()

    def typing_goes_on(self, event: events.Key, quiet_for: float) -> bool:
        """This dialog comes up unasked, often while the coach is typing: if they were
        typing as it came up, keys are their typing, not answers ("we check" must not
        press k, "Keep mine"), until they pause. Until then every key goes on to the
        field below; after, the dialog's keys answer and other letters still go to
        the field."""
        now = event.time  # when the key arrived, however long the app took to get to it
        key, character = event.key, event.character
        shown = self.shown_at  # None: not painted yet, so not seen
        if self._armed is None:  # the first key since it came up: was the coach typing then?
            typed_at = getattr(getattr(self.app, "keys", None), "text_typed_at", 0.0)
            self._armed = (now if shown is None else shown) - typed_at >= TYPING_WINDOW
        seen_for = -1.0 if shown is None else now - shown
        if not self._armed and quiet_for >= TYPING_PAUSE and seen_for >= TYPING_PAUSE:
            self._armed = True
        if not self._armed:
            return True
        return character is not None and character.isprintable() and key not in ("r", "k")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss("keep" if event.button.id == "conflict-keep" else "reload")


class TextPromptScreen(ModalScreen[str | None]):
    """Ask for one line (or a few lines) of text; None when cancelled.

    ``validate`` returns an error message to show inline, or None when the text is fine.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        help_text: str = "",
        multiline: bool = False,
        validate: Callable[[str], str | None] | None = None,
        on_change: Callable[[str], None] | None = None,
        on_cancel: Callable[[str], None] | None = None,
        follows: Callable[[], str | None] | None = None,
    ) -> None:
        """``on_change``: the text is saved as it is typed (called on every change);
        esc then closes keeping it, as ctrl+s does. ``on_cancel``: esc hands it the
        text typed (the caller keeps it: words typed are never silently lost).
        ``follows``: the text as the open session holds it now (None: no longer
        there): when another window's change to it is shown, :meth:`follow`."""
        super().__init__(classes="modal")
        self.on_change = on_change
        self.on_cancel = on_cancel
        self.follows = follows
        # a text put here by follow: its change event is not the coach's typing
        self._followed: str | None = None
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.help_text = help_text
        self.multiline = multiline
        self.validate = validate
        self._answered = False
        self._tries = 0  # enters on the text (see keys_wait_after)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.title_text), classes="title")
            if self.multiline:
                area = LiteralTextArea(self.value, id="prompt-area", soft_wrap=True, show_line_numbers=False)
                area.border_subtitle = (
                    "saved as you type · ctrl+s or esc closes" if self.on_change else "ctrl+s to save · esc to cancel"
                )
                yield area
            else:
                yield LiteralInput(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error", classes="error", markup=False)
            if self.help_text:
                yield Static(Content(self.help_text), classes="help")

    def on_mount(self) -> None:
        widget = self.query_one("#prompt-area" if self.multiline else "#prompt-input")
        widget.focus()
        if self.multiline:
            area = self.query_one(TextArea)
            area.move_cursor(area.document.end)

    def key_ctrl_s(self) -> None:
        if self.multiline:
            self._submit(self.query_one(TextArea).text)

    @on(TextArea.Changed, "#prompt-area")
    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: TextArea.Changed | Input.Changed) -> None:
        if self.on_change is not None:
            event.stop()
            text = event.text_area.text if isinstance(event, TextArea.Changed) else event.value
            if self._followed is not None and text == self._followed:
                self._followed = None
                return  # shown from the session: saved there already
            self.on_change(text)

    def follow(self, before: str | None) -> bool:
        """The session on screen was read again (another window changed it): show
        its text now (``follows``) when this editor still holds ``before``, the text
        the session held until then (everything typed here is saved); the coach's
        own typing, not saved yet, is never replaced. True when it was shown."""
        if self.follows is None or before is None or self._answered or not self.is_mounted:
            return False
        now = self.follows()
        try:
            current = self._current()
        except NoMatches:
            return False
        if now is None or now == current or current != before:
            return False
        self._followed = now
        if self.multiline:
            area = self.query_one(TextArea)
            area.load_text(now)
            area.move_cursor(area.document.end)
        else:
            self.query_one(Input).value = now
        return True

    def _current(self) -> str:
        return self.query_one(TextArea).text if self.multiline else self.query_one(Input).value

    def unsaved_text(self) -> str:
        """What is typed here and kept nowhere yet (a dialog that saves as it is typed
        keeps it already; one that has been answered has handed it on): "" if none."""
        if self.on_change is not None or self._answered or not self.is_mounted:
            return ""
        try:
            current = self._current()
        except NoMatches:
            return ""
        return current if current.strip() and current != self.value else ""

    def _steps_below(self, key: str) -> Screen[Any] | None:
        """The session screen below this note, if ``key`` is its ctrl+g (go to a step,
        or the key the coach gave it) and this is a note saved as it is typed (a
        question's or an earlier action's): there the key does what it does on the
        step, instead of typing nothing, and the digit after it typing itself."""
        if self.on_change is None or not self.multiline or self._answered or not self.is_current:
            return None
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        if below is None or not hasattr(below, "action_pick_step"):
            return None
        bound = below.active_bindings.get(key)
        return below if bound is not None and bound.binding.action == "pick_step" else None

    def on_key(self, event: events.Key) -> None:
        below = self._steps_below(event.key)
        if below is None:
            return
        event.stop()
        event.prevent_default()
        self._submit(self._current())  # closed, the note kept (it is saved as it is typed)
        below.action_pick_step()  # type: ignore[attr-defined]

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """Keys typed after enter (ctrl+s in a note) go where the focus goes once this
        has closed and the answer has been acted on (which may bring the prompt back:
        f8's members prompt comes back for the next name); straight after ctrl+s they
        went into the note still closing. After ctrl+g in a note, the digit waits for
        the step picker."""
        if self._steps_below(key) is not None:
            return (lambda: self.app.screen is not self), COMMAND_WAIT
        if (key == "enter" and not self.multiline) or (key == "ctrl+s" and self.multiline):
            tries = self._tries
            keys = getattr(self.app, "keys", None)

            def closed() -> bool:
                if self._answered:  # closing: until it has gone and its answer is acted on
                    return self.app.screen is not self and (keys is None or keys.answer_acted_on(self))
                return self._tries != tries  # refused (the error is shown): typing goes on here

            return closed, COMMAND_WAIT
        return None

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def _submit(self, value: str) -> None:
        self._tries += 1
        if self._answered:
            return  # enter twice in one burst: answered once
        if self.validate is not None:
            error = self.validate(value)
            if error:
                self.query_one("#prompt-error", Static).update(Content(error))
                return
        self._answered = True
        self.dismiss(value)

    def action_cancel(self) -> None:
        if self._answered:
            return
        self._answered = True
        if self.on_cancel is not None and self.on_change is None:
            self.on_cancel(self._current())
        # Typing is saved as it goes: esc keeps it rather than pretending to undo it.
        self.dismiss(self._current() if self.on_change is not None else None)


class LearningPromptScreen(ModalScreen[None]):
    """A test of change under review: what happened, and what was learned, beside
    its prediction. Two short fields, each saved as it is typed (``on_change`` gets
    both); enter goes on to the next field and closes after the last, esc closes."""

    BINDINGS = [Binding("escape", "close", "Close", id="test-review.close")]

    def __init__(
        self,
        action: str,
        prediction: str,
        status: str,
        result: str,
        learning: str,
        on_change: Callable[[str, str], None],
        follows: Callable[[], tuple[str, str] | None] | None = None,
    ) -> None:
        """``follows``: the result and learning as the open session holds them now
        (None: no longer there): see :meth:`follow`."""
        super().__init__(classes="modal")
        self.action, self.prediction, self.status = action, prediction, status
        self.result, self.learning = result, learning
        self.on_change = on_change
        self.follows = follows
        self._answered = False
        self._skips = 0  # change events of fields follow filled: not the coach's typing

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="test-review"):
            yield Label(literal(f"Test of change ({self.status}): {one_line(self.action, 200)}"), classes="title")
            yield Static(literal(f"We expected: {one_line(self.prediction, 400)}"), classes="help")
            yield Label("What happened?")
            yield LiteralInput(self.result, placeholder="the result, as the team saw it", id="test-result")
            yield Label("What did the team learn?")
            yield LiteralInput(self.learning, placeholder="what to keep, change or try next", id="test-learning")
            yield Static("saved as you type · enter next · esc closes", classes="help")

    def on_mount(self) -> None:
        self.query_one("#test-result", Input).focus()

    @on(Input.Changed, "#test-result, #test-learning")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._skips:
            self._skips -= 1
            return  # shown from the session: saved there already
        self.on_change(self.query_one("#test-result", Input).value, self.query_one("#test-learning", Input).value)

    def follow(self, before: tuple[str, str] | None) -> bool:
        """As :meth:`TextPromptScreen.follow`: the session was read again, and both
        fields still hold ``before`` (all typing saved): they show the words now."""
        if self.follows is None or before is None or self._answered or not self.is_mounted:
            return False
        now = self.follows()
        fields = (self.query_one("#test-result", Input), self.query_one("#test-learning", Input))
        current = (fields[0].value, fields[1].value)
        if now is None or now == current or current != before:
            return False
        for field, value in zip(fields, now, strict=True):
            if field.value != value:
                self._skips += 1
                field.value = value
        return True

    @on(Input.Submitted, "#test-result, #test-learning")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "test-result":
            self.query_one("#test-learning", Input).focus()
        else:
            self.action_close()

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """Keys typed straight after enter wait until it has moved the focus: on to
        the learning (not "What happened"), or, from the learning, back to the list
        once the dialog has closed."""
        field = self.focused
        if key != "enter" or field is None or field.id not in ("test-result", "test-learning"):
            return None
        if field.id == "test-result":
            return (lambda: self.app.screen is not self or self.focused is not field), COMMAND_WAIT
        return (lambda: self.app.screen is not self), COMMAND_WAIT

    def action_close(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(None)


class ResumeScreen(Painted, ModalScreen[str | None]):
    """Offer unfinished drafts at start. Dismisses with a session id to resume,
    ``"new"`` to start afresh, :data:`TYPING_ON` (at start: the coach was typing on
    the team list), or None.

    At start the offer comes up unasked, once the database is open, a second or more
    after the team list; a coach who types a team's name as the app comes up can be
    typing as it appears. A key typed before they could see it (seen_when_typed), or
    a character that is none of its keys (the W of "Ward 7"), is typing on the team
    list: the offer gives way (the drafts are named in a notice instead, see
    Drafts.offer) and the key and those after it go to the team list, in order. Its
    n and d never take the first letter of "nights" or "day unit" typed unseen."""

    TYPING_ON = "typing-on"

    BINDINGS = [
        Binding("enter", "resume", "Resume", id="resume.resume", priority=True),
        Binding("d,delete", "discard", "Discard…", id="resume.discard"),
        Binding("n,escape", "new", "New session", id="resume.new"),
    ]

    def __init__(
        self, drafts: list[SessionInfo], discard: Callable[[str], None], *, at_start: bool = False
    ) -> None:
        """``at_start``: the offer as the app starts (unasked), not the palette's list."""
        super().__init__(classes="modal")
        self.drafts = list(drafts)
        self._discard = discard
        self.at_start = at_start
        self._given_way = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Unfinished sessions", classes="title")
            yield Static(
                "Pick one to carry on where you left off, or start a new session.",
                classes="help",
                markup=False,
            )
            yield DataTable(id="drafts", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                yield Button("Resume (enter)", id="resume", variant="primary")
                yield Button("Discard… (d)", id="discard", variant="error")
                yield Button("New session (n)", id="new")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Team", "Title", "Last edited")
        self._fill()
        table.focus()
        self.watch_for_paint()

    def keeps(self, event: events.Key | events.Paste) -> bool:
        """At start, a key that is typing on the team list (see the class): the offer
        gives way and the key is held, with those after it, until the team list has
        the focus (True). Else False: the key is the offer's."""
        if not self.at_start:
            return False
        if not self._given_way:
            if isinstance(event, events.Key) and seen_when_typed(self.shown_at, event) and not self._typing(event):
                return False
            self._given_way = True
            self.dismiss(self.TYPING_ON)
        app, keys = self.app, self.app.keys
        # Until the offer's answer has been acted on (the team list activated).
        keys.hold_first(
            event, lambda: app.screen is not self and keys.answer_acted_on(self) and input_ready(app)(), COMMAND_WAIT
        )
        return True

    def _typing(self, event: events.Key) -> bool:
        """A character none of this offer's keys (n, d, or a space on a button)."""
        character = event.character
        if character is None or not character.isprintable() or event.key in ("n", "d"):
            return False
        return not (event.key == "space" and isinstance(self.focused, Button))

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for draft in self.drafts:
            # as history names it: a meeting by its presenters, else the title or the dilemma's start
            title = draft.meeting_title or session_label(draft.title, draft.preview, 40) or "(untitled)"
            table.add_row(
                cell(draft.team_name, 30),
                cell(title),
                cell(relative_day(draft.updated_at) + " " + draft.updated_at.astimezone().strftime("%H:%M")),
                key=draft.id,
            )

    def _current(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.drafts or table.cursor_row < 0:
            return None
        return self.drafts[min(table.cursor_row, len(self.drafts) - 1)].id

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """enter resumes a draft: what is typed straight after it waits for the
        draft's step, which is read from the database first. Picked from the
        palette while the offer at start is showing, the offer closes as the draft
        opens: the keys do not stop at it."""
        if key != "enter":
            return None
        app, shown = self.app, session_shown(self.app, self)
        return (lambda: shown() and not isinstance(app.screen, ResumeScreen)), SESSION_WAIT

    def action_resume(self) -> None:
        current = self._current()
        if current is not None:
            self.dismiss(current)

    def action_new(self) -> None:
        self.dismiss("new")

    def action_discard(self) -> None:
        current = self._current()
        if current is None:
            return
        draft = next(d for d in self.drafts if d.id == current)
        title = session_label(draft.title, draft.preview, 50) or "untitled"
        what = f"the draft for {one_line(draft.team_name, 40)} ({title})? It is deleted for good."
        if draft.presenters:
            names = ", ".join(one_line(name, 30) or "?" for name in draft.presenters)
            what = (
                f"the draft meeting of {one_line(draft.team_name, 40)} with {len(draft.presenters)} presenters "
                f"({names})? Every presenter's part is deleted for good."
            )

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                return
            self._discard(current)
            self.drafts = [d for d in self.drafts if d.id != current]
            if not self.drafts:
                self.dismiss("new")
            else:
                self._fill()

        self.app.push_screen(
            ConfirmScreen(
                f"Discard {what}",
                yes="Discard",
                no="Keep",
                danger=True,
            ),
            done,
        )

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        {"resume": self.action_resume, "discard": self.action_discard, "new": self.action_new}[event.button.id or "new"]()


class HelpScreen(ModalScreen[None]):
    """Help for the current screen: what it is for and its keys."""

    BINDINGS = [Binding("escape,f1,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, markdown: str) -> None:
        super().__init__(classes="modal")
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            with VerticalScroll(id="help-scroll"):
                yield Markdown(self.markdown, id="help-text")
            yield Static("↑ ↓ pgup pgdn scroll · esc to close", classes="help", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def literal(text: str) -> Content:
    """Content that shows ``text`` exactly (markup and control characters included)."""
    return Content(visible(text))


@dataclass(frozen=True, slots=True)
class Pick:
    """A filter's choices, read in a worker; the screen opens the picker with them,
    then ``apply`` takes the choice."""

    title: str
    options: list[tuple[str, str]]
    current: str
    apply: Callable[[str], None]


def team_pick(
    teams: list[TeamInfo], current: str | None, choose: Callable[[str | None, str], None], *, mark_archived: bool = False
) -> Pick:
    """The team filter's choices: "All teams", then each team; ``choose`` takes the chosen
    team's id (None for all) and its name."""
    names = {t.id: t.name for t in teams}
    options = [("All teams", "")] + [
        (t.name + (" (archived)" if mark_archived and t.archived else ""), t.id) for t in teams
    ]
    return Pick("Team", options, current or "", lambda value: choose(value or None, names.get(value, "")))


class PicksFilters:
    """A screen whose filters are chosen from lists: ``_pick`` opens the picker on a
    ``Pick`` (usually read in a worker) and reloads the screen with the coach's choice."""

    def _pick(self, pick: Pick) -> None:
        screen: Any = self

        def done(value: str | None) -> None:
            if value is not None:
                pick.apply(value)
                screen.reload()

        screen.app.push_screen(PickerScreen(pick.title, pick.options, pick.current), done)


class PickerScreen(ModalScreen[str | None]):
    """Choose one of many options: type to filter, enter to choose, esc to cancel.

    Dismisses with the chosen option's value, or None when cancelled."""

    FILTER: ClassVar[type[LiteralInput]] = LiteralInput
    KEYS_LINE: ClassVar[str] = ""  # its keys, said under the title

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.escape"),
        Binding("down", "move(1)", show=False, id="picker.down"),
        Binding("up", "move(-1)", show=False, id="picker.up"),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.title_text), classes="title")
            if self.KEYS_LINE:  # above the list: a long list runs off a small screen
                yield Static(self.KEYS_LINE, classes="help", markup=False)
            yield self.FILTER(placeholder="Type to filter", id="picker-filter")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter").focus()

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        words = text.casefold().split()
        options.clear_options()
        shown = [
            (label, value) for label, value in self.options if all(w in label.casefold() for w in words)
        ]
        options.add_options([Option(Content(one_line(label, 80)), id=f"v:{value}") for label, value in shown])
        values = [value for _label, value in shown]
        if values:
            options.highlighted = values.index(self.current) if self.current in values else 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id:
            self.pick(option.id.removeprefix("v:"))

    @on(OptionList.OptionSelected, "#picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.pick(event.option.id.removeprefix("v:"))

    def pick(self, value: str) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


DIGITS = frozenset("123456789")  # the keys that pick a line of a numbered list


class NumberFilter(LiteralInput):
    """A numbered list's filter: a digit typed into it while the list says digits
    pick (``digit_picks``, nothing typed yet) picks that line instead of being typed."""

    def on_key(self, event: events.Key) -> None:
        screen = self.screen
        picks = getattr(screen, "digit_picks", None)
        character = event.character
        if picks is None or character is None or character not in DIGITS or not picks():
            return
        event.stop()
        event.prevent_default()  # not typed into the filter
        screen.choose(int(character))  # type: ignore[attr-defined]


class PresenterPickerScreen(PickerScreen):
    """f9 in a set of more than nine: the presenters and members, numbered. As with
    nine or fewer, a digit (1–9) as the first key picks that line, and the keys
    typed after it wait until ``go`` has shown the presenter's title (``f9 3 Voice``
    in one burst: the title is "Voice"). Letters filter the list by name (a digit
    after them is part of the filter), enter picks the line highlighted, and the keys
    typed after enter wait for the presenter's title too. Lines 10 and on are picked
    by name or with the arrows. Dismisses with the value chosen, or None."""

    FILTER = NumberFilter
    KEYS_LINE = "1–9 picks that line · letters filter, enter picks · esc cancels"

    def __init__(
        self, title: str, options: list[tuple[str, str]], current: str | None, go: Callable[[str], None]
    ) -> None:
        super().__init__(title, [(f"{number}  {label}", value) for number, (label, value) in enumerate(options, 1)],
                         current)
        self.values = [value for _label, value in options]
        self.go = go
        self._chosen = False
        self._typed = False  # a key for the filter has arrived (it may not be in it yet)

    def let_through(self, key: str) -> None:
        """Told of each key as it arrives (KeyHold.route), before the filter has
        taken the keys before it: after a letter, a digit is part of the filter."""
        if key in ("up", "down", "tab", "shift+tab", "escape", "enter"):
            return
        if not self._typed and key in DIGITS:
            return  # it picks
        self._typed = True

    def digit_picks(self) -> bool:
        """A digit picks its line: nothing is typed into the filter."""
        try:
            empty = not self.query_one("#picker-filter", Input).value
        except NoMatches:
            return False
        return empty and not self._typed and not self._chosen and self.is_active

    def choose(self, number: int) -> None:
        """A digit typed first: its line."""
        if 1 <= number <= len(self.values):
            self.pick(self.values[number - 1])

    def pick(self, value: str) -> None:
        if self._chosen:
            return  # once
        self._chosen = True
        self.dismiss(value)  # off the stack now
        self.go(value)  # the presenter's title has the focus when the keys held for it go on

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """Keys typed straight after enter (which picks the highlighted line, a moment
        later) or a digit that picks wait for the presenter's title, not the filter of
        the list closing."""
        if key == "enter":
            if self.query_one(OptionList).highlighted_option is None:
                return None
        elif key not in DIGITS or not self.digit_picks():
            return None
        app = self.app
        return (lambda: self._chosen and app.screen is not self), COMMAND_WAIT


class StepPickerScreen(ModalScreen[str | None]):
    """ctrl+g: press a step's number to go there.

    The numbers are priority bindings: the step is chosen as the digit arrives and
    ``go`` shows it at once, so keys typed straight after it (``ctrl+g 3 4`` in one
    burst) reach the new step's field, not this picker, which would try to close a
    second time and end the app. Dismisses with the step chosen, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        *(
            Binding(str(number), f"choose({number})", show=False, priority=True, id=f"picker.step-{number}")
            for number in range(1, 10)
        ),
    ]

    def __init__(
        self,
        steps: tuple[tuple[str, str], ...],
        current: str,
        go: Callable[[str], None] | None = None,
        *,
        title: str = "Go to step",
    ) -> None:
        """``steps``: (value, label) pairs, at most nine (the presenter picker, f9,
        lists a meeting's presenters and the members who could present next)."""
        super().__init__(classes="modal")
        self.steps = steps[:9]
        self.current = current
        self.go = go
        self.title_text = title
        self._chosen = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog narrow"):
            yield Label(Content(self.title_text), classes="title")
            lines = []
            for number, (step, title) in enumerate(self.steps, 1):
                marker = "  ← here" if step == self.current else ""
                lines.append(f"{number}  {title}{marker}")
            yield Static(Content("\n".join(lines)), id="step-list")
            yield Static(f"press 1–{len(self.steps)} · esc cancels", classes="help", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            # Only while this picker is the screen on top, and only once.
            number = parameters[0]
            in_range = isinstance(number, (int, str)) and 1 <= int(number) <= len(self.steps)
            return not self._chosen and self.is_active and in_range
        return True

    def let_through(self, key: str) -> None:
        """A key that chooses no step (a letter typed straight after ctrl+g) closes
        the picker as it arrives and goes on to the field, instead of being lost."""
        if self._chosen or not self.is_active:
            return
        if key == "escape" or (key.isdigit() and 1 <= int(key) <= len(self.steps)):
            return  # the picker's own keys
        self._close(None)

    def action_choose(self, number: int) -> None:
        self._close(self.steps[number - 1][0])

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, step: str | None) -> None:
        if self._chosen:
            return
        self._chosen = True
        self.dismiss(step)  # off the stack now; a result callback would run later
        if step is not None and self.go is not None:
            self.go(step)
