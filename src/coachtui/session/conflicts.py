"""Another coach changed a record first: what the session layer hands the UI to settle it.

On a shared database two coaches (or two windows, or two laptops) can change the
same record at once: a session, an action, a review of it, a team. Every change the
app queues names the version of the record the screen showed; the store refuses a
change to a newer version (``StaleRecord``) and writes nothing. The session layer
then hands a :class:`Conflict` (what the coach wanted, and the error that says who
changed it) to the part of the UI that made the change, which asks the coach the
one conflict question: reload the record, or keep their change (apply it again on
top of the version now there). Nothing is overwritten unasked, nothing dropped unsaid.

This module is plain Python; the dialog and the message that carries a conflict
to its step are the UI's (``coachtui.ui.conflicts``, ``coachtui.ui.messages``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


def changer(name: str, me: str) -> str:
    """Who saved a record, as the coach ``me`` reads it: their name, "someone else"
    when not known, or "your other window" when it is the coach's own name."""
    words = name.split()
    if words and words == me.split():
        return "your other window"
    return " ".join(words) or "someone else"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A change the store refused because the record changed since it was shown.

    ``kind``, about an action of the open session: "review" (this session's mark of
    an earlier action: ``status``, ``note`` and ``learning``), "edit" (``text``,
    ``owner``, ``due``, ``prediction`` of an action) or "remove"; about the open session itself (``action_id`` is then
    its id too): "session" (another window or coach saved it first) or "lost" (it is
    no longer there); about other records (``session.edits``): "mark" (a tracker mark:
    ``status`` and ``note``), "team" (``change``: "rename" to ``text``, "archive",
    "restore" or "delete") and "saved-session" (``change``: "delete" or "amend").

    ``record_id`` is the refused record's id (``action_id`` says so for actions).
    ``again(version)``, when set, queues the same change again on top of
    ``version`` (the coach keeps theirs), with the callbacks it had first."""

    kind: str
    action_id: str
    session_id: str
    error: BaseException
    status: str | None = None
    note: str = ""
    text: str = ""
    owner: str = ""
    due: dt.date | None = None
    change: str = ""
    prediction: str = ""  # an edit's prediction (a test of change)
    learning: str = ""  # a review's learning (a test of change)
    again: Callable[[int], None] | None = field(default=None, compare=False, repr=False)

    @property
    def record_id(self) -> str:
        return self.action_id

    @property
    def current_version(self) -> int:
        """The record's version now in the database (what "keep mine" writes on top of)."""
        return int(getattr(self.error, "current_version", 0) or 0)

    @property
    def by_you(self) -> bool:
        """The change kept in the database was saved under this coach's own name:
        their other window (or laptop) saved first."""
        return bool(getattr(self.error, "by_you", False))

    @property
    def who(self) -> str:
        """Who saved first, as this coach reads it: "Bo Ng", "someone else", or "your
        other window" (never the coach's own name, as if they were someone else)."""
        if self.by_you:
            return "your other window"
        return " ".join(str(getattr(self.error, "changed_by", "") or "").split()) or "someone else"
