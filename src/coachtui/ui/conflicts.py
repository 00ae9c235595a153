"""Asking the coach about a change another coach made first (the UI's half; the
:class:`~coachtui.session.conflicts.Conflict` itself is the session layer's).

One question for every kind of record (a session, an action, a review, a team): the
:class:`ConflictScreen` says who changed it and what this coach wanted, and offers
reload (show theirs; what this coach wanted is kept to redo) or keep mine (the same
change again, on top of theirs). :class:`ConflictAsker` asks once per record at a
time; :func:`settle_elsewhere` settles a conflict whose screen the coach has left.

Loaded only when a conflict happens: it pulls in the dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coachtui.session.conflicts import Conflict
from coachtui.text import one_line
from coachtui.ui.format import status_label
from coachtui.ui.modals import ConflictScreen

_TEAM_CHANGES = {
    "archive": "You archived it.",
    "restore": "You restored it.",
    "delete": "You deleted it, with its sessions.",
}
_SESSION_CHANGES = {"delete": "You asked to delete it for good.", "amend": "You asked to reopen it to amend it."}


def what_you_wanted(conflict: Conflict) -> str:
    """One line saying what this coach wanted (shown in the conflict dialog)."""
    if conflict.kind in ("review", "mark"):
        note = f" — “{one_line(conflict.note, 60)}”" if conflict.note else ""
        return f"Your mark: {status_label(conflict.status)}{note}"
    if conflict.kind == "remove":
        return "You removed it."
    if conflict.kind == "session":
        return "Yours: the changes you made here that are not saved yet, still on your screen."
    if conflict.kind == "team" and conflict.change in ("add-member", "member-left"):
        name = one_line(conflict.text, 60)
        return f"You added {name} to the set." if conflict.change == "add-member" else f"You marked {name} as left."
    if conflict.kind == "team":
        return _TEAM_CHANGES.get(conflict.change, f"You renamed it to “{one_line(conflict.text, 60)}”.")
    if conflict.kind == "saved-session":
        return _SESSION_CHANGES.get(conflict.change, "")
    return f"Your version: “{one_line(conflict.text, 60)}”"


def keep_label(conflict: Conflict) -> str:
    """The keep button's words: what keeping this coach's change does."""
    if conflict.change == "delete":
        return "Delete anyway"
    if conflict.change == "amend":
        return "Amend anyway"
    return "Keep mine"


def ask_keep_or_reload(app: Any, conflict: Conflict, done: Callable[[str | None], Any]) -> None:
    """The dialog: keep this coach's change on top, or reload what is there now."""
    app.push_screen(
        ConflictScreen(
            str(conflict.error), what_you_wanted(conflict), keep_label=keep_label(conflict), by_you=conflict.by_you
        ),
        done,
    )


def settle_elsewhere(app: Any, conflict: Conflict, keep: bool) -> None:
    """Settle a conflict whose screen is gone (the coach left it before the refusal
    came back): keep queues the same change again on top of theirs; reload leaves
    theirs as it is. Either way the coach is told, and the status bar settles."""
    app.saver.resolve(conflict.record_id)
    if keep and conflict.again is not None:
        conflict.again(conflict.current_version)
        app.notify(f"Saving yours on top of {conflict.who}'s change.", markup=False)
    else:
        app.notify(f"Not saved: {conflict.who}'s change is kept as they left it.", markup=False, timeout=8)


class ConflictAsker:
    """Asks the coach about one refused change per record at a time. While the
    dialog is open, a later refusal of the same record replaces the one it settles
    (the newest change is what the coach wants); ``settle(conflict, keep)`` runs
    once the coach chose (``keep``: apply theirs again on top; else reload).

    The save queue hands over the writes to a record queued before the answer with
    the refusal the coach is asked about (``SaveQueue.submit``'s ``record``): the
    answer settles those too, so they never ask the question again."""

    def __init__(self, settle: Callable[[Conflict, bool], Any]) -> None:
        self._settle = settle
        self._asking: dict[str, Conflict] = {}
        # record id -> the refusals an answer settled (the question is not asked
        # again for them; a new refusal of the record is a new question)
        self._answered: dict[str, list[BaseException]] = {}
        self._seen: dict[str, list[BaseException]] = {}

    def ask(self, app: Any, conflict: Conflict) -> None:
        record = conflict.action_id
        if any(error is conflict.error for error in self._answered.get(record, [])):
            return  # queued before the coach answered: the answer settled it
        waiting = record in self._asking
        self._asking[record] = conflict
        self._seen.setdefault(record, []).append(conflict.error)
        if waiting:
            return

        def done(choice: str | None) -> None:
            latest = self._asking.pop(record, conflict)
            self._answered[record] = self._seen.pop(record, [])
            self._settle(latest, choice == "keep")

        ask_keep_or_reload(app, conflict, done)
