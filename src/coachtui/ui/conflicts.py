"""Asking the coach about a change another coach made first (the UI's half; the
:class:`~coachtui.session.conflicts.Conflict` itself is the session layer's).

Loaded only when a conflict happens: it pulls in the dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coachtui.session.conflicts import Conflict
from coachtui.text import one_line
from coachtui.ui.format import status_label
from coachtui.ui.modals import ConflictScreen


def what_you_wanted(conflict: Conflict) -> str:
    """One line saying what this coach wanted (shown in the conflict dialog)."""
    if conflict.kind == "review":
        note = f" — “{one_line(conflict.note, 60)}”" if conflict.note else ""
        return f"Your mark: {status_label(conflict.status)}{note}"
    if conflict.kind == "remove":
        return "You removed it."
    if conflict.kind == "session":
        return "Yours: everything you typed in this session, still on your screen."
    return f"Your version: “{one_line(conflict.text, 60)}”"


def ask_keep_or_reload(app: Any, conflict: Conflict, done: Callable[[str | None], Any]) -> None:
    """The dialog: keep this coach's change on top, or reload what is there now."""
    app.push_screen(ConflictScreen(str(conflict.error), what_you_wanted(conflict)), done)


class ConflictAsker:
    """Asks the coach about one refused change per action at a time. While the
    dialog is open, a later refusal of the same action replaces the one it settles
    (the newest change is what the coach wants); ``settle(conflict, keep)`` runs
    once the coach chose (``keep``: apply theirs again on top; else reload)."""

    def __init__(self, settle: Callable[[Conflict, bool], Any]) -> None:
        self._settle = settle
        self._asking: dict[str, Conflict] = {}

    def ask(self, app: Any, conflict: Conflict) -> None:
        waiting = conflict.action_id in self._asking
        self._asking[conflict.action_id] = conflict
        if waiting:
            return

        def done(choice: str | None) -> None:
            latest = self._asking.pop(conflict.action_id, conflict)
            self._settle(latest, choice == "keep")

        ask_keep_or_reload(app, conflict, done)
