"""The messages the app's parts send each other.

Worker threads and the save queue never touch widgets: they post one of these, and
the handler runs on the UI thread. Cheap to import (the first screen loads it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
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
    """Posted (from the saver thread) to the step whose change was refused."""

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict
