"""Writes to saved records outside the open session: a mark in the action tracker,
team changes (create, rename, archive or restore, delete), deleting a session for
good and reopening one to amend it.

Like :class:`~coachtui.session.controller.SessionController` for the open session,
each method queues one labelled operation on the :class:`SaveQueue`, so these writes
are ordered with every other write, retried while the database is locked or away,
shown in the status bar, and waited for when the coach quits.

Every change names the version of the record the screen showed. A change the store
refuses because someone saved first (``StaleRecord``) is handed to ``on_conflict`` as
a :class:`Conflict` (what the coach wanted, who changed it first, and ``again``: the
same change on top of the version now there); the status bar says "not saved" until
the UI calls ``saver.resolve(conflict.record_id)``. A change refused for another
reason (a duplicate name, a record that is gone) goes to ``on_refused`` when given,
else it is reported as dropped. The callbacks run in the saver thread: the UI turns
them into messages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict, Unpack, cast

if TYPE_CHECKING:  # the store's types load with the store, after the first paint
    import datetime as dt

    from coachtui.session.conflicts import Conflict
    from coachtui.session.model import SessionModel
    from coachtui.session.saver import SaveQueue
    from coachtui.store.types import ActionInfo, ReviewInfo, TeamInfo

# The callbacks' results are ignored (a UI's is often post_message's bool).
Done = Callable[[Any], object] | None
OnConflict = Callable[["Conflict"], object] | None
OnRefused = Callable[[BaseException], object] | None


class TeamWrite(TypedDict, total=False):
    """How a change to a team is queued (every one is optional): ``version``, the
    team's version to write on top of when the coach's own earlier change made it
    newer than the one shown (as an undo does); ``label``, the status bar's word for
    it; ``on_done`` gets the team as written; ``on_conflict``, ``on_refused``: see
    the module."""

    version: int | None
    label: str
    on_done: Callable[[TeamInfo], object] | None
    on_conflict: OnConflict
    on_refused: OnRefused


def _remove_rescues(session_ids: list[str]) -> None:
    """After a deletion for good: the private rescue copies of those sessions hold
    their text too. (One that cannot be removed stays; 'coachtui info' counts them.)"""
    from coachtui import rescue

    rescue.remove_for(session_ids)


def _conflict(**values: Any) -> Conflict:
    from coachtui.session.conflicts import Conflict

    return Conflict(**values)


class RecordEdits:
    def __init__(self, saver: SaveQueue) -> None:
        self.saver = saver
        # (record id, kind of change) -> queue the newest such change not written
        # yet again, on a newer version: what keep mine applies (see _submit)
        self._newest: dict[tuple[str, str], Callable[[int], None]] = {}
        self._lock = threading.Lock()

    def _submit(
        self,
        label: str,
        call: Callable[[Any, int], object],
        version: int,
        make_conflict: Callable[[BaseException, Callable[[int], None]], Conflict],
        on_done: Done,
        on_conflict: OnConflict,
        on_refused: OnRefused,
        record: str = "",
        *,
        settles: bool = False,
        newest: str = "",
    ) -> None:
        """Queue ``call(store, version)``; a refusal because the record changed
        becomes a Conflict whose ``again`` queues the same call on a newer version.
        ``record``: the record's id (see ``SaveQueue.submit``).

        ``newest``: the kind of change this is ("mark", "rename", "archived"), of
        which only the newest counts: the coach may make it again (a second mark, a
        better name) before the first is refused and asked about. Keep mine then
        applies the newest one made, not the refused one (the writes queued after a
        refusal are settled by the answer, so the newer words would be lost)."""
        slot = (record, newest) if record and newest else None

        def resubmit(newer: int) -> None:
            self._submit(
                label, call, newer, make_conflict, on_done, on_conflict, on_refused, record,
                settles=True, newest=newest,
            )

        def again(newer: int) -> None:
            with self._lock:
                latest = self._newest.get(slot) if slot is not None else None
            (latest or resubmit)(newer)

        def landed() -> None:
            """Written, or refused for good: no longer waiting to be kept."""
            if slot is not None:
                with self._lock:
                    if self._newest.get(slot) is resubmit:
                        del self._newest[slot]

        if slot is not None:
            with self._lock:
                self._newest[slot] = resubmit

        conflicted = None
        if on_conflict is not None:
            handler = on_conflict

            def conflicted(exc: BaseException) -> None:
                handler(make_conflict(exc, again))

        def refused(exc: BaseException) -> None:
            landed()
            if on_refused is not None:
                on_refused(exc)

        def done(result: object) -> None:
            landed()
            if on_done is not None:
                on_done(result)

        self.saver.submit(
            label,
            lambda store: call(store, version),
            on_done=done,
            on_conflict=conflicted,
            on_refused=refused if on_refused is not None else None,
            record=record,
            settles=settles,
        )

    # --- the action tracker ----------------------------------------------------------------

    def mark_action(
        self,
        action: ActionInfo,
        status: str,
        note: str,
        coach: str,
        *,
        on_done: Callable[[ReviewInfo], object] | None = None,
        on_conflict: OnConflict = None,
        on_refused: OnRefused = None,
    ) -> None:
        """A mark made in the tracker (a review without a session), on top of the
        version of the action the list showed. ``on_done`` gets the review (its
        ``action_version`` is the action's version now)."""
        action_id = action.id
        self._submit(
            "tracker mark",
            lambda store, version: store.record_review(
                action_id, status, note, coach=coach, expected_version=version
            ),
            action.version,
            lambda exc, again: _conflict(
                kind="mark", action_id=action_id, session_id="", error=exc, status=status, note=note, again=again
            ),
            on_done,
            on_conflict,
            on_refused,
            action_id,
            newest="mark",
        )

    # --- teams ------------------------------------------------------------------------------

    def create_team(
        self, name: str, coach: str, *, on_done: Callable[[TeamInfo], object] | None = None, on_refused: OnRefused = None
    ) -> None:
        """A new team (a new record: nothing to be in conflict with). A name the store
        refuses (taken meanwhile, too long) goes to ``on_refused``."""
        done = cast("Callable[[object], None] | None", on_done)
        refused = cast("Callable[[BaseException], None] | None", on_refused)
        self.saver.submit(
            "new team", lambda store: store.create_team(name, coach=coach), on_done=done, on_refused=refused
        )

    def _team(
        self,
        what: str,
        team: TeamInfo,
        change: str,
        call: Callable[[Any, int], object],
        *,
        text: str = "",
        newest: str = "",
        **how: Unpack[TeamWrite],
    ) -> None:
        """The one labelled write of a team: ``call(store, version)`` queued on top of
        the version shown (or ``how["version"]``), under ``how["label"]`` if given,
        else ``what``; refused because the team changed, it becomes a team Conflict
        (``change``, ``text``: what the coach wanted). ``newest``: see :meth:`_submit`."""
        team_id = team.id
        version = how.get("version")
        self._submit(
            how.get("label") or what,
            call,
            team.version if version is None else version,
            lambda exc, again: _conflict(
                kind="team", action_id=team_id, session_id="", error=exc, change=change, text=text, again=again
            ),
            how.get("on_done"),
            how.get("on_conflict"),
            how.get("on_refused"),
            team_id,
            newest=newest,
        )

    def add_member(self, team: TeamInfo, name: str, **how: Unpack[TeamWrite]) -> None:
        """Add a member to ``team`` as shown (it becomes an action learning set), or
        bring back one who had left. A name already in the set goes to ``on_refused``."""
        team_id = team.id
        self._team(
            "add member", team, "add-member", lambda store, v: store.add_member(team_id, name, expected_version=v),
            text=name, **how,
        )

    def member_left(self, team: TeamInfo, name: str, left: dt.date | None, **how: Unpack[TeamWrite]) -> None:
        """Mark a member of ``team`` as left on ``left`` (None: back in the set)."""
        team_id = team.id
        what, change = ("member left", "member-left") if left else ("member back", "add-member")
        self._team(
            what, team, change, lambda store, v: store.member_left(team_id, name, left=left, expected_version=v),
            text=name, **how,
        )

    def rename_team(self, team: TeamInfo, name: str, **how: Unpack[TeamWrite]) -> None:
        """Rename ``team`` as shown (``version``: when the coach's own earlier change
        made it newer, as an undo does)."""
        team_id = team.id
        self._team(
            "rename team", team, "rename", lambda store, v: store.rename_team(team_id, name, expected_version=v),
            text=name, newest="rename", **how,
        )

    def archive_team(self, team: TeamInfo, archived: bool, **how: Unpack[TeamWrite]) -> None:
        """Archive ``team`` as shown (``archived`` False: restore it)."""
        team_id = team.id
        self._team(
            "archive team", team, "archive" if archived else "restore",
            lambda store, v: store.archive_team(team_id, archived, expected_version=v), newest="archived", **how,
        )

    def delete_team(
        self,
        team: TeamInfo,
        *,
        on_done: Callable[[None], object] | None = None,
        on_conflict: OnConflict = None,
        on_refused: OnRefused = None,
    ) -> None:
        """Delete the team for good, with its sessions: only the version shown. The
        rescue copies of its sessions (coachtui.rescue) go with them."""
        team_id = team.id

        def delete(store: Any, version: int) -> None:
            from coachtui.store.types import SessionFilter

            sessions = store.session_ids_matching(SessionFilter(team_id=team_id))
            store.delete_team(team_id, expected_version=version)
            _remove_rescues(sessions)

        done = cast("Done", on_done)  # (None: the team is gone)
        self._team("delete team", team, "delete", delete, on_done=done, on_conflict=on_conflict, on_refused=on_refused)

    # --- saved sessions ---------------------------------------------------------------------

    def delete_session(
        self,
        session_id: str,
        version: int,
        *,
        on_done: Callable[[None], object] | None = None,
        on_conflict: OnConflict = None,
        on_refused: OnRefused = None,
    ) -> None:
        """Delete a saved session for good, only as the coach last saw it, and the
        rescue copies of it (coachtui.rescue)."""

        def delete(store: Any, version: int) -> None:
            store.delete_session(session_id, expected_version=version)
            _remove_rescues([session_id])

        self._submit(
            "delete session",
            delete,
            version,
            lambda exc, again: _conflict(
                kind="saved-session", action_id=session_id, session_id=session_id, error=exc, change="delete",
                again=again,
            ),
            on_done,
            on_conflict,
            on_refused,
        )

    def reopen_session(
        self,
        session_id: str,
        version: int,
        *,
        on_done: Callable[[list[SessionModel]], object] | None = None,
        on_conflict: OnConflict = None,
        on_refused: OnRefused = None,
    ) -> None:
        """Reopen a completed session as a draft, to amend it; ``on_done`` gets it
        as the steps show it (read right after, in the same queue): every presenter
        of its meeting, the first first."""

        def reopen(store: Any, v: int) -> list[SessionModel]:
            from coachtui.session.model import SessionModel

            store.reopen_session(session_id, expected_version=v)
            # a meeting of a set: its later presenters are drafts again with it
            for part in store.meeting(session_id)[1:]:
                if part.status == "completed":
                    store.reopen_session(part.id)
            return SessionModel.load_meeting(store, session_id)

        self._submit(
            "amend session",
            reopen,
            version,
            lambda exc, again: _conflict(
                kind="saved-session", action_id=session_id, session_id=session_id, error=exc, change="amend",
                again=again,
            ),
            on_done,
            on_conflict,
            on_refused,
        )
