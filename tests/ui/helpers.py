"""Helpers for driving the real app with Pilot."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from textual import events
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot

from coachtui.ui.app import CoachApp
from coachtui.ui.typeahead import REACTION


class Notices(list[Notification]):
    """Every notification the app posted, in order. Pass it to
    ``app.run_test(message_hook=notices)``: the public hook sees each ``Notify``
    message (the app's own list of notifications is private to Textual)."""

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.append(message.notification)


async def wait_for(pilot: Pilot, condition: Any, timeout: float = 10.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def seen(shown_at: float | None) -> bool:
    """What was painted at ``shown_at`` (None: not yet) has been on the screen long
    enough for a coach to react to it: only keys that arrive from then on answer it
    (typeahead.REACTION)."""
    return shown_at is not None and events.Event().time >= shown_at + REACTION


def typed_at(app: Any, keys: str | list[str], start: float, gap: float = 0.05) -> float:
    """Queue ``keys`` (characters, or key names such as "space" and "enter") as a
    coach types them: one every ``gap`` seconds from ``start``. Keys are timed when
    they arrive, so a loaded test machine cannot stretch the coach's typing into
    pauses. Returns when the last key was typed."""
    at = start
    for key in keys:
        name = "space" if key == " " else key
        character = {"space": " ", "enter": "\r", "tab": "\t"}.get(name, name if len(name) == 1 else None)
        event = events.Key(name, character)
        event.time = at
        app.post_message(event)
        at += gap
    return at - gap


def painted(app: Any) -> bool:
    """A question on top (ConfirmScreen, ChoiceScreen...) has been painted and seen: a
    coach can answer it only then. So has the session's step, for the steps whose keys
    act only once seen (the review's marks, the summary's c y f n)."""
    if not seen(getattr(app.screen, "shown_at", 0.0)):
        return False
    if app.screen is getattr(app, "session_screen", None) and app.session_screen.is_current:
        step = app.session_screen.pane(app.session_screen.current_step)
        return seen(step.shown_at) if step.step_id in ("review", "summary") else True
    return True


async def shows(pilot: Pilot, text: str, timeout: float = 10.0) -> str:
    """Wait until ``text`` is on screen (and painted there); returns the screen text."""
    try:
        await wait_for(pilot, lambda: text in screen_text(pilot.app) and painted(pilot.app), timeout,  # type: ignore[arg-type]
                       what=repr(text))
    except AssertionError as missing:  # say what was on the screen instead
        raise AssertionError(f"{missing}; the screen shows:\n{screen_text(pilot.app)}") from None  # type: ignore[arg-type]
    return screen_text(pilot.app)  # type: ignore[arg-type]


async def ready(pilot: Pilot) -> CoachApp:
    """The database is open, and what it brought up (the offer of unfinished drafts)
    has been seen: a key sooner than that is typing on the team list behind it."""
    app: CoachApp = pilot.app  # type: ignore[assignment]
    await wait_for(pilot, lambda: app.store is not None, what="the database to open")
    await wait_for(pilot, lambda: painted(app), what="the first screen, seen")
    await pilot.pause()
    return app


async def saved(pilot: Pilot) -> None:
    """Wait until every key typed has been acted on (a mark waits a moment to see
    whether words follow it: typeahead.WORD_WAIT) and every queued write has
    reached the database."""
    app: CoachApp = pilot.app  # type: ignore[assignment]
    await pilot.pause()
    await wait_for(pilot, lambda: not app.keys.holding and not app.keys.held, what="the keys typed, acted on")
    flushed = await asyncio.get_running_loop().run_in_executor(None, app.saver.flush, 10.0)
    assert flushed, f"writes still pending: {app.saver.last_error}"
    await pilot.pause()


async def paste(pilot: Pilot, text: str) -> None:
    """Put text into the focused Input or TextArea at the cursor, as its own key
    handling does for each character typed (much faster than a key per character)."""
    from textual.widgets import Input, TextArea

    focused = pilot.app.focused
    if isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
    elif isinstance(focused, TextArea):
        focused.insert(text)
    else:
        raise AssertionError(f"cannot paste into {focused!r}")
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    """Type text key by key (newlines as enter)."""
    keys = []
    for char in text:
        if char == "\n":
            keys.append("enter")
        elif char == " ":
            keys.append("space")
        else:
            keys.append(char)
    await pilot.press(*keys)


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def screen_text(app: CoachApp) -> str:
    """The characters on screen now, line by line: what a user sees.

    The same rendering as ``App.export_screenshot`` (Textual is pinned), exported as
    plain text instead of SVG.
    """
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def reads_the_question(pilot, question) -> None:  # type: ignore[no-untyped-def]
    """Wait as a coach does who stops typing and reads the question before answering
    it: a letter straight after words typed at it is one of the words (ANSWER_PAUSE)."""
    from textual import events

    from coachtui.ui.typeahead import ANSWER_PAUSE

    def paused() -> bool:
        words_at = getattr(question, "words_at", None)  # (no question up: nothing to read)
        return words_at is None or events.Event().time >= words_at + ANSWER_PAUSE

    await wait_for(pilot, paused, what="a pause")
