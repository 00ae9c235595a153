"""Every write the UI makes goes through one queue, in order, off the UI thread.

Typing into a field queues a *field save*; consecutive field saves of one session
merge (the newest value of each field wins), so a burst of keystrokes becomes one
UPDATE. A save waits a short pause after the last keystroke, but never longer than
``max_wait`` after the first unsaved one: whatever was typed a second ago is in the
database, even if the coach never stops typing and the laptop then dies.

Other writes (adding an action, recording a review, a tracker mark, a team change:
``controller.py`` and ``edits.py`` queue them all) are queued as operations and run
in the order they were made. When the database fails (locked, read-only, disk full)
the operation stays at the head of the queue and is retried with a growing pause;
nothing queued is dropped. Only a write the store rejects as invalid (which retrying
cannot fix) is dropped, and reported.

A write refused because another coach changed the record first (``StaleRecord``)
is never retried blindly: it is handed to the operation's ``on_conflict`` (the
screen asks the coach to reload or keep their change), and the status stays
"conflict", never "saved", until the screen calls :meth:`SaveQueue.resolve`.

A session's own writes (its fields, its picked questions, completing it) name the
session's version as this app last saw or wrote it (:meth:`SaveQueue.track`): a
second window, or another coach, that saved the same draft first makes them
refused, and ``on_session_conflict`` asks the coach (never a silent overwrite).
A write refused because its session is gone (deleted here or by another coach, or
the file replaced) is "lost": ``on_lost`` offers to keep the text as a new draft,
and the status says "not saved" until the screen resolves it.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

log = logging.getLogger(__name__)

Result = TypeVar("Result")  # what a queued call returns, handed to its on_done

State = Literal["idle", "pending", "saving", "saved", "error", "conflict", "dropped"]


@dataclass(frozen=True, slots=True)
class SaveStatus:
    state: State
    message: str = ""
    pending: int = 0
    saved_at: float | None = None


@dataclass(slots=True)
class _Op:
    label: str
    # receives the store (and, when versioned, the session's expected version)
    call: Callable[..., object] | None = None
    session_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    on_done: Callable[[object], None] | None = None
    on_conflict: Callable[[BaseException], None] | None = None
    # a write the store refused for good (invalid, or its record gone), told by the
    # one who queued it instead of the status bar's "not saved"
    on_refused: Callable[[BaseException], None] | None = None
    # the call takes (store, expected_version of session_id): a write to the session row
    versioned: bool = False
    # queued again with the same key before it ran: the newer one replaces it
    merge_key: str = ""
    # the record the write changes (an action, a team): while the coach is asked
    # about a conflict on it, the writes queued after are not tried (see _held)
    record: str = ""
    # the coach's answer to a conflict on ``record`` (keep mine): neither held nor
    # settled by that answer
    settles: bool = False
    # a session's write: how many of its conflicts the coach had settled when it was
    # queued (one queued before an answer is settled by it: see SaveQueue.resolve)
    basis: int = 0
    # a session's write other than fields: what of the session it changes
    # ("questions", "status"), kept as not saved until it lands (see unsaved)
    touches: tuple[str, ...] = ()

    @property
    def changes(self) -> set[str]:
        """What of its session the write changes: its fields, or what it touches."""
        return set(self.fields) | set(self.touches)

    @property
    def is_fields(self) -> bool:
        return self.call is None

    @property
    def waits(self) -> bool:
        """Written after a pause in the typing (like field saves), not at once."""
        return self.call is None or bool(self.merge_key)


def _is_permanent(exc: BaseException) -> bool:
    """Errors that retrying cannot fix: the write itself is wrong (or its record gone)."""
    from coachtui.store.errors import DatabaseUnavailable, StoreError

    return isinstance(exc, StoreError) and not isinstance(exc, DatabaseUnavailable)


def _lost_session(exc: BaseException) -> str:
    """The id of the session a write was refused for because it no longer exists."""
    from coachtui.store.errors import NotFound

    if isinstance(exc, NotFound) and getattr(exc, "kind", "") == "session":
        return str(getattr(exc, "record_id", "") or "")
    return ""


def lost_line(exc: BaseException) -> str:
    """The status bar's short form of a write refused because its session is gone."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    who = text.partition(": ")[2].removesuffix(" deleted it.") if " deleted it." in text else ""
    return f"this session was deleted by {who}" if who else "this session is no longer in the database"


def _is_conflict(exc: BaseException) -> bool:
    from coachtui.store.errors import StaleRecord

    return isinstance(exc, StaleRecord)


def conflict_line(exc: BaseException) -> str:
    """The status bar's short form of a conflict: who saved first (this coach's
    other window, when the change is saved under their own name)."""
    who = " ".join(str(getattr(exc, "changed_by", "") or "").split()) or "someone else"
    kind = getattr(exc, "kind", "") or "record"
    if getattr(exc, "by_you", False):
        return f"this {kind} was changed in another window ({who}) first"
    return f"{who} changed this {kind} first"


class SaveQueue:
    def __init__(
        self,
        store_getter: Callable[[], Any],
        on_status: Callable[[SaveStatus], None] = lambda status: None,
        on_dropped: Callable[[str, BaseException], None] = lambda label, exc: None,
        *,
        debounce: float = 0.3,
        max_wait: float = 0.8,
        retry_delays: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0),
    ) -> None:
        self._store_getter = store_getter
        self._on_status = on_status
        self._on_dropped = on_dropped
        self._debounce = debounce
        self._max_wait = max_wait
        self._retry_delays = retry_delays
        self._ops: deque[_Op] = deque()
        self._cond = threading.Condition()
        self._in_flight: _Op | None = None
        self._first_pending: float | None = None
        self._last_change = 0.0
        self._urgent = False
        self._stopped = False
        self._failures = 0
        self._last_error = ""
        self._thread: threading.Thread | None = None
        self._reported: tuple[State, str] | None = None
        # record id -> short message, for conflicts the coach has not settled yet
        self._conflicts: dict[str, str] = {}
        # record id -> the refusal the coach is asked about (writes to that record
        # queued meanwhile are handed to their on_conflict with it, not tried)
        self._refusals: dict[str, BaseException] = {}
        self._dropped = ""
        # session id -> its version as this app last read or wrote it
        self._versions: dict[str, int] = {}
        # sessions found gone (told once each)
        self._lost: set[str] = set()
        # session id -> how many of its refused saves the coach has settled (an
        # answer settles every write to it queued before, even one under way)
        self._answers: dict[str, int] = {}
        # session id -> what this app changed in it that is not written yet (store
        # field names, "questions", "status"): what keep mine writes again
        self._unsaved: dict[str, set[str]] = {}
        # Set by the session controller: a session's write refused because the
        # session changed first (StaleRecord) or is gone (NotFound), in the saver thread.
        self.on_session_conflict: Callable[[str, BaseException], None] | None = None
        self.on_lost: Callable[[str, BaseException], None] | None = None
        # Set by the session controller: a save of a session's fields landed, with
        # the values now in the database (saver thread).
        self.on_fields_written: Callable[[str, dict[str, Any]], None] | None = None

    # --- producer side (UI thread) -------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="coachtui-saver", daemon=True)
            self._thread.start()

    def save_fields(self, session_id: str, **fields: Any) -> None:
        """Queue new values for some of a session's fields (merged with queued ones)."""
        with self._cond:
            tail = self._ops[-1] if self._ops else None
            basis = self._answers.get(session_id, 0)
            if (
                tail is not None
                and tail.is_fields
                and tail.session_id == session_id
                and tail.basis == basis
                and tail is not self._in_flight
            ):
                tail.fields.update(fields)
            else:
                self._ops.append(_Op(label="draft", session_id=session_id, fields=dict(fields), basis=basis))
            self._unsaved.setdefault(session_id, set()).update(fields)
            self._touch()

    def submit(
        self,
        label: str,
        call: Callable[[Any], Result],
        on_done: Callable[[Result], None] | None = None,
        on_conflict: Callable[[BaseException], None] | None = None,
        *,
        merge_key: str = "",
        on_refused: Callable[[BaseException], None] | None = None,
        record: str = "",
        settles: bool = False,
    ) -> None:
        """Queue an operation ``call(store)``; ``on_done(result)`` runs (in the saver
        thread) once it has been written. If the store refuses it because another
        coach changed the record first, ``on_conflict(error)`` runs instead (in the
        saver thread) and the conflict stays open until :meth:`resolve`.

        ``on_refused(error)``: the store refused the write for good for another
        reason (a duplicate name, the record is gone); the caller tells the coach
        (the status bar then does not stay "not saved"). Without it such a write is
        dropped and reported through ``on_dropped``.

        ``merge_key``: an operation queued again with the same key before it was
        written replaces the waiting one (typing a note queues one write, not one
        per keystroke); such writes wait for a pause in the typing, like fields.

        ``record``: the id of the record the write changes (what a conflict on it
        names). Once a write to it is refused, the coach is asked once: the writes
        to it queued before the answer are not tried (one would be refused again and
        ask again, or, after a reload, write over what the coach chose to see); each
        goes to its ``on_conflict`` with the same refusal (the newest words are what
        keep mine saves), and :meth:`resolve` settles the ones still queued.
        ``settles``: this write is the coach's answer (keep mine, queued again)."""
        op = _Op(
            label=label,
            call=call,
            # the queue keeps every callback alike; this one gets what ``call`` returned
            on_done=cast("Callable[[object], None] | None", on_done),
            on_conflict=on_conflict,
            on_refused=on_refused,
            merge_key=merge_key,
            record=record,
            settles=settles,
        )
        self._append(op)

    def submit_session(
        self,
        label: str,
        session_id: str,
        call: Callable[[Any, int | None], object],
        on_done: Callable[[object], None] | None = None,
        *,
        merge_key: str = "",
        touches: tuple[str, ...] = (),
    ) -> None:
        """Queue a write to a session's own row: ``call(store, expected_version)``
        names the version this app last saw, so a change made meanwhile by another
        window or coach is refused (``on_session_conflict``), never overwritten.
        ``touches``: what of the session it changes ("questions", "status"), not
        saved until it lands (see :meth:`unsaved`)."""
        with self._cond:
            basis = self._answers.get(session_id, 0)
            if touches:
                self._unsaved.setdefault(session_id, set()).update(touches)
        op = _Op(
            label=label,
            call=call,
            session_id=session_id,
            on_done=on_done,
            versioned=True,
            merge_key=merge_key,
            basis=basis,
            touches=touches,
        )
        self._append(op)

    def _append(self, op: _Op) -> None:
        with self._cond:
            if op.merge_key:
                for index, queued in enumerate(self._ops):
                    if queued.merge_key == op.merge_key and queued is not self._in_flight:
                        later = list(self._ops)[index + 1 :]
                        # Replace it in place only if nothing after it depends on it.
                        if all(o.is_fields or o.merge_key for o in later):
                            self._ops[index] = op
                            self._touch()
                            return
            self._ops.append(op)
            self._touch()

    # --- the versions of sessions ------------------------------------------------------

    def track(self, session_id: str, version: int) -> None:
        """The session's version as this app now knows it (read, or reloaded)."""
        with self._cond:
            self._versions[session_id] = version

    def forget(self, session_id: str) -> None:
        """Stop checking the session's version (a session no longer open)."""
        with self._cond:
            self._versions.pop(session_id, None)

    # --- what of a session is changed here and not written yet ------------------------------

    def unsaved(self, session_id: str) -> set[str]:
        """What this app changed in the session that is not in the database yet: the
        store's names of its fields, "questions" and "status" (completed). A write
        refused because another window saved first, and the writes settled with it,
        stay here until written again: keep mine writes these, and only these, on
        top of the other window's version (its other changes are kept)."""
        with self._cond:
            return set(self._unsaved.get(session_id, ()))

    def discard_unsaved(self, session_id: str) -> None:
        """The coach reloaded the session: what was refused is no longer to be
        written (what is still queued, typed after the answer, still is)."""
        with self._cond:
            queued = [op for op in self._ops if op.session_id == session_id and not self._settled(op)]
            self._unsaved[session_id] = set().union(*(op.changes for op in queued))

    def _landed(self, op: _Op) -> None:
        """``op`` was written (or dropped as invalid): what it changed is saved,
        unless a write queued after it changes the same again."""
        if op.session_id is None:
            return
        with self._cond:
            unsaved = self._unsaved.get(op.session_id)
            if not unsaved:
                return
            later = set().union(
                *(o.changes for o in self._ops if o is not op and o.session_id == op.session_id)
            )
            unsaved -= op.changes - later

    def version_of(self, session_id: str) -> int | None:
        with self._cond:
            return self._versions.get(session_id)

    def _written(self, session_id: str, expected: int | None) -> None:
        """A write to the session's row landed: each one adds exactly 1 to its version."""
        with self._cond:
            if expected is not None and self._versions.get(session_id) == expected:
                self._versions[session_id] = expected + 1

    def resolve(self, record_id: str) -> None:
        """The coach settled the conflict about ``record_id`` (reloaded it, or queued
        their change again on top): the status no longer says it is not saved."""
        with self._cond:
            if self._conflicts.pop(record_id, None) is not None or record_id in self._lost:
                self._settle_session(record_id)
            self._lost.discard(record_id)
            if self._refusals.pop(record_id, None) is not None:
                # the answer settles every write to it queued before: keep mine
                # queues the newest words again (after this), reload shows theirs
                kept = [
                    op for op in self._ops if op.record != record_id or op.settles or op is self._in_flight
                ]
                if len(kept) != len(self._ops):
                    self._ops = deque(kept)
                    self._cond.notify_all()
            if not self._ops and not self._failures:
                self._report_settled()

    def _settle_session(self, session_id: str) -> None:
        """The coach answered about a session's refused saves (under the lock): the
        session's writes queued before the answer are settled by it. Keep mine
        queues everything on screen again after this; reload shows theirs, so a
        save of the words before it must not be written on top later (their words
        are in the private copy the reload wrote)."""
        self._answers[session_id] = self._answers.get(session_id, 0) + 1
        kept = [op for op in self._ops if not self._settled(op) or op is self._in_flight]
        if len(kept) != len(self._ops):
            self._ops = deque(kept)
            self._cond.notify_all()

    def _settled(self, op: _Op) -> bool:
        """A session's write queued before the coach answered about its session."""
        return op.session_id is not None and (op.versioned or op.is_fields) and (
            op.basis < self._answers.get(op.session_id, 0)
        )

    def mark_lost(self, session_id: str, exc: BaseException) -> None:
        """A read found the session gone (another window deleted it for good while
        this one typed nothing, so no write was refused to say so): from now on it
        is lost as if a write had been refused (the status bar says not saved, its
        writes are refused quietly); the caller asks the coach, not ``on_lost``."""
        with self._cond:
            self._lost.add(session_id)
            self._conflicts[session_id] = lost_line(exc)
        self._report_settled()

    def is_lost(self, session_id: str) -> bool:
        """The session's writes are refused because it is gone (not settled yet)."""
        with self._cond:
            return session_id in self._lost

    @property
    def conflicts(self) -> dict[str, str]:
        """Conflicts not settled yet: record id -> what the status bar says."""
        with self._cond:
            return dict(self._conflicts)

    def _touch(self) -> None:
        now = time.monotonic()
        self._last_change = now
        if self._first_pending is None:
            self._first_pending = now
        self._cond.notify_all()
        self._report("pending")

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._ops)

    def quiet_for(self) -> float:
        """Seconds since the last change was queued (how long the coach has paused)."""
        with self._cond:
            return time.monotonic() - self._last_change

    @property
    def dropped(self) -> str:
        """Why the last write refused for good was dropped ('' once a later one landed)."""
        with self._cond:
            return self._dropped

    @property
    def last_error(self) -> str:
        return self._last_error

    def pending_fields(self, session_id: str) -> dict[str, Any]:
        """What is typed but not yet written for a session (to keep it on screen)."""
        with self._cond:
            merged: dict[str, Any] = {}
            for op in self._ops:
                if op.is_fields and op.session_id == session_id:
                    merged.update(op.fields)
            return merged

    def flush(self, timeout: float = 3.0) -> bool:
        """Write everything queued now; True when the queue emptied in time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._urgent = True
            self._cond.notify_all()
            while self._ops:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            self._urgent = False
            return not self._ops

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2)

    # --- consumer side (saver thread) -----------------------------------------------

    def _report(self, state: State, message: str = "", saved_at: float | None = None) -> None:
        # Only changes are worth telling the screen about: typing keeps the state
        # "pending" for many keystrokes in a row. Under the lock, so reports from the
        # UI thread and the saver thread reach the screen in the order they were made.
        with self._cond:
            if (state, message) == self._reported and state != "saved":
                return
            self._reported = (state, message)
            try:
                self._on_status(SaveStatus(state=state, message=message, pending=len(self._ops), saved_at=saved_at))
            except Exception:  # a status display must never stop saving
                log.debug("the save status could not be shown", exc_info=True)

    def _wait_for_work(self) -> _Op | None:
        with self._cond:
            while True:
                if self._stopped:
                    return None
                if not self._ops:
                    self._first_pending = None
                    self._cond.wait()
                    continue
                head = self._ops[0]
                if self._urgent or not head.waits or self._failures:
                    break
                now = time.monotonic()
                first = self._first_pending or now
                due = min(self._last_change + self._debounce, first + self._max_wait)
                if now >= due:
                    break
                self._cond.wait(due - now)
            self._in_flight = self._ops[0]
            return self._in_flight

    def _run(self) -> None:
        while True:
            op = self._wait_for_work()
            if op is None:
                return
            with self._cond:
                settled = self._settled(op)
            if settled:  # queued before the coach answered about its session
                self._finish(op)
                continue
            held = self._held(op)
            if held is not None:
                self._finish(op)
                try:
                    if op.on_conflict is not None:
                        op.on_conflict(held)
                except Exception:  # the conflict stays shown as not saved
                    log.debug("the conflict handler failed", exc_info=True)
                continue
            self._report("saving")
            try:
                store = self._store_getter()
                if store is None:
                    raise RuntimeError("the database is still opening")
                result = self._write(store, op)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none crashes the app
                with self._cond:
                    settled = self._settled(op)
                if settled and (_is_conflict(exc) or _lost_session(exc)):
                    # under way as the coach answered about its session: settled too
                    self._finish(op)
                    continue
                if op.on_refused is not None and _is_permanent(exc) and not (
                    _is_conflict(exc) and op.on_conflict is not None
                ):
                    self._finish(op)
                    try:
                        op.on_refused(exc)
                    except Exception:  # the write is refused either way
                        log.debug("the refusal handler failed", exc_info=True)
                    continue
                lost = _lost_session(exc)
                if lost and self.on_lost is not None:
                    with self._cond:
                        first = lost not in self._lost
                        self._lost.add(lost)
                        self._conflicts[lost] = lost_line(exc)
                    self._finish(op)
                    if first:
                        try:
                            self.on_lost(lost, exc)
                        except Exception:  # it stays shown as not saved
                            log.debug("the lost-session handler failed", exc_info=True)
                    continue
                ask = self.on_session_conflict
                if _is_conflict(exc) and op.on_conflict is None and op.session_id and ask is not None:
                    op.on_conflict = functools.partial(ask, op.session_id)
                if _is_conflict(exc) and op.on_conflict is not None:
                    # Retrying cannot help: the coach decides (reload, or keep theirs).
                    with self._cond:
                        self._conflicts[str(getattr(exc, "record_id", ""))] = conflict_line(exc)
                        if op.record:
                            self._refusals[op.record] = exc
                    self._finish(op)
                    try:
                        op.on_conflict(exc)
                    except Exception:  # the conflict stays shown as not saved
                        log.debug("the conflict handler failed", exc_info=True)
                    continue
                if _is_permanent(exc):
                    self._dropped = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
                    self._landed(op)
                    self._finish(op)
                    self._last_error = str(exc)
                    self._on_dropped(op.label, exc)
                    continue
                self._fail(exc)
                continue
            self._dropped = ""
            self._landed(op)
            self._finish(op)
            written = self.on_fields_written
            if op.is_fields and op.session_id is not None and written is not None:
                try:
                    written(op.session_id, dict(op.fields))
                except Exception:  # the write is done; a failed follow-up must not undo it
                    log.debug("the after-save handler failed", exc_info=True)
            if op.on_done is not None:
                try:
                    op.on_done(result)
                except Exception:  # the write is done; a failed follow-up must not undo it
                    log.debug("the after-save handler failed", exc_info=True)

    def _held(self, op: _Op) -> BaseException | None:
        """The refusal the coach is being asked about, when ``op`` writes to that
        record: it is not tried (the answer settles it)."""
        if not op.record or op.on_conflict is None or op.settles:
            return None
        with self._cond:
            return self._refusals.get(op.record)

    def _write(self, store: Any, op: _Op) -> object:
        if op.call is not None and not op.versioned:
            return op.call(store)
        session_id = str(op.session_id)
        expected = self.version_of(session_id)
        if op.call is not None:
            result = op.call(store, expected)
        else:
            result = store.save_draft(session_id, expected_version=expected, **op.fields)
            if result is None:
                return None  # nothing written: the version this app knows stays as it is
        self._written(session_id, expected)
        return result

    def _finish(self, op: _Op) -> None:
        with self._cond:
            if self._ops and self._ops[0] is op:
                self._ops.popleft()
            self._in_flight = None
            self._failures = 0
            self._last_error = ""
            if not self._ops:
                self._first_pending = None
            self._cond.notify_all()
            if not self._ops:
                self._report_settled()

    def _report_settled(self) -> None:
        """The queue is empty: "saved", unless a write was refused and not settled
        (then the status says so, never "saved"). Decided and told under the lock:
        the saver thread and :meth:`resolve` (UI thread) must not overtake each other."""
        with self._cond:
            conflict = next(iter(self._conflicts.values()), "")
            if conflict:
                self._report("conflict", conflict)
            elif self._dropped:
                self._report("dropped", self._dropped)
            else:
                self._report("saved", saved_at=time.time())

    def _short(self, message: str) -> str:
        """The status bar's form of an error: without " at <the database>" (a server
        URL can fill the whole line; the coach knows which database they are on)."""
        try:
            location = getattr(self._store_getter(), "location", "") or ""
        except Exception:  # noqa: BLE001 - only a display nicety
            location = ""
        return message.replace(f" at {location}", "") if location else message

    def _fail(self, exc: BaseException) -> None:
        message = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        with self._cond:
            self._in_flight = None
            self._failures += 1
            self._last_error = message
            delay = self._retry_delays[min(self._failures - 1, len(self._retry_delays) - 1)]
        self._report("error", self._short(message))
        with self._cond:
            deadline = time.monotonic() + delay
            while not self._stopped:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
