"""The messages the app's parts send each other.

Worker threads and the save queue never touch widgets: they post one of these, and
the handler runs on the UI thread. Cheap to import (the first screen loads it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

    from coachtui.session.conflicts import Conflict
    from coachtui.session.saver import SaveStatus
    from coachtui.store.api import Store
    from coachtui.store.types import CustomQuestionInfo, SessionInfo, TeamInfo


class StoreReady(Message):
    """The database is open (posted once from the worker that opened it): the store,
    and what start-up read with it (the teams, the drafts worth offering, the custom
    questions). Until it arrives ``app.store`` is None; after it, ``app.ready_store``."""

    def __init__(
        self, store: Store, teams: list[TeamInfo], drafts: list[SessionInfo], custom: list[CustomQuestionInfo]
    ) -> None:
        super().__init__()
        self.store = store
        self.teams = teams
        self.drafts = drafts
        self.custom = custom


class SaveStatusChanged(Message):
    """The save queue's status changed (posted from the saver thread)."""

    def __init__(self, status: SaveStatus) -> None:
        super().__init__()
        self.status = status


class SaveDropped(Message):
    """A write the store rejected as invalid was dropped (posted from the saver thread)."""

    def __init__(self, label: str, error: str) -> None:
        super().__init__()
        self.label = label
        self.error = error


class SessionSaveRefused(Message):
    """A write of the open session was refused for good (posted from the saver
    thread): another window or coach saved it first, or it is gone."""

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict


class ConflictFound(Message):
    """Posted (from the saver thread) to the step or screen whose change was refused
    because someone saved first. Unhandled there (or its screen gone), it reaches the
    app, which asks the same question (``ui/conflicts.settle_elsewhere``)."""

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict


def deliver(app: App[Any], target: MessagePump, message: Message) -> None:
    """Post ``message`` to ``target`` (from any thread), or to the app when the
    target is gone (the coach left that screen): a write's outcome is never lost.
    ``app`` is passed in: a widget finds its app from the UI thread only."""
    if not target.post_message(message):
        app.post_message(message)


class WriteDone(Message):
    """A write queued on the save queue by a screen reached the database (posted
    from the saver thread). ``what`` names it for the screen that queued it,
    ``record_id`` is the record, ``result`` what the store returned."""

    def __init__(self, what: str, record_id: str, result: object = None) -> None:
        super().__init__()
        self.what = what
        self.record_id = record_id
        self.result = result


class WriteRefused(Message):
    """The store refused a queued write for good, for a reason other than a
    conflict (a duplicate name, a record that is gone): the screen that queued it
    tells the coach (posted from the saver thread)."""

    def __init__(self, what: str, record_id: str, error: str) -> None:
        super().__init__()
        self.what = what
        self.record_id = record_id
        self.error = error


class Loaded(Message):
    """What a screen's worker read from the store, for the screen to show (posted
    from the worker's thread). ``what`` says which read it is, ``data`` holds it."""

    def __init__(self, what: str, data: object) -> None:
        super().__init__()
        self.what = what
        self.data = data
