"""Another coach changed an action first: what the session layer hands the UI to settle it.

On a shared database two coaches can change the same action at once. Every change
the steps queue names the version of the action the screen showed; the store
refuses a change to a newer version (``StaleRecord``) and writes nothing. The
controller then hands a :class:`Conflict` (what the coach wanted, and the error that
says who changed it) to the step that made the change, which asks the coach to
reload the action or to keep their change (apply it again on top).

This module is plain Python; the dialog and the message that carries a conflict
to its step are the UI's (``coachtui.ui.conflicts``, ``coachtui.ui.messages``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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
