"""Another coach changed an action first: what the session steps need to settle it.

On a shared database two coaches can change the same action at once. Every change
the steps queue names the version of the action the screen showed; the store
refuses a change to a newer version (``StaleRecord``) and writes nothing. The
controller then hands a :class:`Conflict` (what the coach wanted, and the error that
says who changed it) to the step that made the change, which asks the coach to
reload the action or to keep their change (apply it again on top).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from coachtui.text import one_line
from coachtui.ui.modals import ConflictScreen
from coachtui.ui.format import status_label


@dataclass(frozen=True, slots=True)
class Conflict:
    """A change the store refused because the action changed since it was shown.

    ``kind``: "review" (this session's mark of an earlier action: ``status`` and
    ``note``), "edit" (``text``, ``owner``, ``due`` of an action) or "remove"; or,
    about the open session itself (``action_id`` is then its id too): "session"
    (another window or coach saved it first) or "lost" (it is no longer there)."""

    kind: str
    action_id: str
    session_id: str
    error: BaseException
    status: str | None = None
    note: str = ""
    text: str = ""
    owner: str = ""
    due: dt.date | None = None

    @property
    def who(self) -> str:
        return " ".join(str(getattr(self.error, "changed_by", "") or "").split()) or "someone else"

    def mine(self) -> str:
        """One line saying what this coach wanted (shown in the conflict dialog)."""
        if self.kind == "review":
            note = f" — “{one_line(self.note, 60)}”" if self.note else ""
            return f"Your mark: {status_label(self.status)}{note}"
        if self.kind == "remove":
            return "You removed it."
        if self.kind == "session":
            return "Yours: everything you typed in this session, still on your screen."
        return f"Your version: “{one_line(self.text, 60)}”"


class ConflictFound(Message):
    """Posted (from the saver thread) to the step whose change was refused."""

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict


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

        app.push_screen(ConflictScreen(str(conflict.error), conflict.mine()), done)
