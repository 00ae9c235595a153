"""Asking for a passphrase on the terminal (command line only; the TUI has its own prompt).

The passphrase is read with :func:`getpass.getpass` (not echoed) and kept in memory
only: it is never written to settings, logs or error messages, and never passed to
another process. Without a terminal, ``COACHTUI_PASSPHRASE`` is the only way in.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from collections.abc import Iterator
from pathlib import Path

from coachtui.store.db.crypto import ENV_PASSPHRASE
from coachtui.store.errors import InvalidInput, PassphraseNeeded
from coachtui.text import visible


def _can_ask() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _read(prompt: str) -> str | None:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        return None


def ask(path: Path) -> str | None:
    """The passphrase of ``path``, typed on the terminal; None when there is no terminal."""
    if not _can_ask():
        return None
    return _read(f"Passphrase for {visible(str(path))}: ")


@contextlib.contextmanager
def prompting() -> Iterator[None]:
    """While active, the store asks on the terminal for a passphrase it needs."""
    from coachtui.store.db import crypto

    with crypto.asking(ask):
        yield


def new_passphrase(path: Path) -> str:
    """A new passphrase for ``path``: ``COACHTUI_PASSPHRASE``, or typed twice."""
    from coachtui.store.db import crypto

    value = crypto.env_passphrase()
    if value is None:
        if not _can_ask():
            raise PassphraseNeeded(
                f"no passphrase to encrypt {path} with: set {ENV_PASSPHRASE}, or run this in a terminal to type one"
            )
        value = _read(f"New passphrase for {visible(str(path))}: ") or ""
        if not value:
            raise InvalidInput("The passphrase is empty; nothing was changed.", field="passphrase")
        if _read("Type it again: ") != value:
            raise InvalidInput("The two passphrases differ; nothing was changed.", field="passphrase")
    crypto.Key(value)  # refuses an empty passphrase or a NUL character
    return value
