"""Reading the terminal: Textual's Linux/macOS driver, with pastes kept whole.

Textual 8.2.8 (pinned) reads a bracketed paste character by character, and an escape
sequence inside it (a coloured line copied from a terminal: ``A ESC[31mRED ESC[0mB``)
throws its parser out of the paste: the rest arrives as typed keys, with ESC turned
into ``^``, and the paste's first letters land after them. It also decodes the bytes
strictly, so one byte that is not UTF-8 (a paste from a Latin-1 file) ends the app.

:class:`PasteParser` takes every paste out of the stream before Textual's parser
sees it and hands it on whole, as one :class:`~textual.events.Paste` holding exactly
the pasted text; everything else goes through Textual's parser unchanged.
:class:`CoachDriver` is Textual's driver using it, decoding what is not UTF-8 as
U+FFFD instead of failing.
"""

from __future__ import annotations

import contextlib
import os
import select
import selectors
import threading
import unicodedata
from codecs import getincrementaldecoder
from collections.abc import Iterable, Iterator
from typing import Any

from textual import events

# Textual has no public name for its terminal parser (nor its table of escape
# sequences); the version is pinned, and
# tests/ui/test_keys.py checks what this module relies on (feed, tick, the keys it reads).
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.keys import KEY_NAME_REPLACEMENTS
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
# What follows ESC to begin a sequence a terminal sends (CSI, OSC, ST, APC, PM; the
# letters, SS3 "O" and DCS "P" among them, are left to Textual as they were).
SEQUENCE_STARTS = "[]\\_^"


def key_name(character: str) -> str:
    """The name Textual gives the key of a printable character that is not a letter
    ("1", "space", "full_stop", "question_mark"): its Unicode name, as bindings write it."""
    if character.isalnum():
        return character
    name = unicodedata.name(character, character).lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


class PasteParser(XTermParser):
    """Textual's terminal parser, with bracketed pastes read whole (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        # The last characters given to Textual's parser: a paste's start marker may
        # be split between two reads.
        self._tail = ""
        # While a paste is being read: its text so far, and its last few characters
        # (the end marker may be split between two reads too).
        self._pasted: list[str] | None = None
        self._pasted_tail = ""

    def feed(self, data: str) -> Iterable[Message]:
        return list(self._feed(data))

    def _feed(self, data: str) -> Iterator[Message]:
        if not data:  # the end of the input
            if self._pasted is not None:
                yield events.Paste("".join(self._pasted))
                self._pasted = None
            yield from super().feed(data)
            return
        while data:
            if self._pasted is None:
                seen = self._tail + data
                start = seen.find(PASTE_START)
                if start < 0:
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    yield from self._keys(data)
                    return
                # Textual's parser reads its start marker (part of it may be in its
                # hands already) and an end marker straight after: an empty paste,
                # dropped. This parser reads what is in between.
                after = start + len(PASTE_START) - len(self._tail)
                yield from self._keys(data[:after] + PASTE_END)
                self._tail = ""
                self._pasted, self._pasted_tail = [], ""
                data = data[after:]
            else:
                seen = self._pasted_tail + data
                end = seen.find(PASTE_END)
                if end < 0:
                    self._pasted.append(data)
                    self._pasted_tail = seen[-(len(PASTE_END) - 1) :]
                    return
                cut = end - len(self._pasted_tail)  # negative: the marker began in the last read
                if cut >= 0:
                    self._pasted.append(data[:cut])
                text = "".join(self._pasted)
                if cut < 0:
                    text = text[:cut]
                self._pasted, self._pasted_tail = None, ""
                yield events.Paste(text)
                data = data[cut + len(PASTE_END) :]

    def _keys(self, data: str) -> Iterator[Message]:
        for token in super().feed(data):
            if isinstance(token, events.Paste) and not token.text:
                continue  # the empty paste made above
            yield token

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        """ESC and a space, digit or punctuation character: alt+ that key, as ESC and a
        letter read as alt+letter. Textual dropped the ESC of ESC space (or ESC .) and
        read ESC 1 as a macOS option character ('¡'), so esc typed with one of them
        straight after it (within ESCDELAY) lost the esc, or typed '¡'. As alt+key,
        KeyHold reads an unbound one as esc and the key (``escape_then``); a bound
        one (alt+1 … alt+7 on a session) is the chord."""
        if sequence in ("\x1bb", "\x1bf"):
            # ESC b and ESC f: Textual reads them as ctrl+left and ctrl+right (word
            # moves, an iTerm habit), so esc and a b or f typed straight after it moved
            # the cursor in a note instead of closing it. As alt+b (as ESC and any
            # other letter), KeyHold reads it as esc and the letter unless coachtui
            # binds it; ctrl+left and ctrl+right still move by words.
            yield from super()._sequence_to_key_events(sequence[1], alt=True)
            return
        if alt:  # a character after an ESC that began no sequence (Textual reissues them one by one)
            character = sequence
        elif len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1] not in SEQUENCE_STARTS:
            # Read at once: left to Textual, ESC space went on waiting for more, and
            # an ESC after it (the next esc of a burst) turned the first into '^'.
            character = sequence[1]
        else:
            character = ""
        if len(character) == 1 and character.isprintable() and not character.isalpha():
            yield events.Key(f"alt+{key_name(character)}", character)
            return
        yield from super()._sequence_to_key_events(sequence, alt)

    def tick(self) -> Iterable[Message]:
        tokens = list(super().tick())
        if tokens:
            # Textual's parser gave up waiting and sent what it held as keys: the
            # characters kept above are no longer the start of anything.
            self._tail = ""
        return tokens


class _WakingEvent(threading.Event):
    """The driver's exit event, which also wakes the input thread's select(): set, it
    writes a byte to a pipe that thread watches beside the terminal."""

    def __init__(self) -> None:
        super().__init__()
        self.wake_fd, self._write_fd = os.pipe()
        os.set_blocking(self.wake_fd, False)
        os.set_blocking(self._write_fd, False)

    def set(self) -> None:
        super().set()
        with contextlib.suppress(OSError):  # full (already woken) or closed
            os.write(self._write_fd, b"\0")

    def drain(self) -> None:
        with contextlib.suppress(OSError):
            while os.read(self.wake_fd, 512):
                pass

    def __del__(self) -> None:
        # Not on the driver's close(): Textual closes the driver to suspend the app
        # (an external editor) and starts its input thread again after.
        for fd in (self.wake_fd, self._write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


class CoachDriver(LinuxDriver):
    """Textual's Linux/macOS driver reading input with :class:`PasteParser`.

    The same loop as ``LinuxDriver.run_input_thread`` (Textual 8.2.8), with the
    parser replaced, bytes that are not UTF-8 read as U+FFFD, and no waiting on the
    way out: Textual's loop notices the exit only at its next 0.1 s select timeout,
    then sleeps another 0.1 s in a select on no file at all, and ctrl+q waits for
    both (the input thread is joined before the terminal is restored). Here the exit
    wakes the select at once, and what is left to read is read without waiting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_event = _WakingEvent()

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        exit_event = self.exit_event
        waking = isinstance(exit_event, _WakingEvent)
        if waking:
            selector.register(exit_event.wake_fd, selectors.EVENT_READ)
        parser = PasteParser()
        decode = getincrementaldecoder("utf-8")(errors="replace").decode

        def process(readable: bool, final: bool = False) -> None:
            if readable:
                unicode_data = decode(os.read(fileno, 1024 * 4), final=final)
                # Nothing read: stdin is a pipe that was closed.
                for event in parser.feed(unicode_data) if unicode_data else ():
                    self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not exit_event.is_set():
                ready = {key.fd for key, mask in selector.select(0.1) if mask & selectors.EVENT_READ}
                if waking and exit_event.wake_fd in ready:
                    exit_event.drain()
                process(fileno in ready)
            # Keys typed just before the exit: read what is there, without waiting.
            process(bool(select.select([fileno], [], [], 0)[0]), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except Exception:  # noqa: BLE001, S110 - the app is closing; nothing more to read
                pass

