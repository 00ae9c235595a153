"""The save queue and a change another coach made first (StaleRecord): never retried
blindly, never reported as saved, handed to the screen that made the change."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from coachtui.session.saver import SaveQueue, SaveStatus
from coachtui.store import open_store
from coachtui.store.errors import StaleRecord


def _action(db_path: Path):  # type: ignore[no-untyped-def]
    with open_store(str(db_path), coach="Bo Ng") as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id, coach="Bo Ng")
        return store.add_action(session.id, "Plot ten more points", owner="Sam")


def test_a_stale_write_goes_to_its_conflict_handler_once_and_the_status_says_not_saved(db_path: Path) -> None:
    action = _action(db_path)
    statuses: list[SaveStatus] = []
    conflicts: list[BaseException] = []
    dropped: list[str] = []
    calls = 0
    handled = threading.Event()
    with open_store(str(db_path), coach="Ana Ruiz") as store, open_store(str(db_path), coach="Bo Ng") as other:
        other.update_action(action.id, text="Plot twenty more points")  # Bo changed it: version 2

        def stale_edit(s):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            return s.update_action(action.id, text="Ana's wording", expected_version=action.version)

        def on_conflict(exc: BaseException) -> None:
            conflicts.append(exc)
            handled.set()

        saver = SaveQueue(
            lambda: store,
            on_status=statuses.append,
            on_dropped=lambda label, exc: dropped.append(label),
            debounce=0.01,
            max_wait=0.05,
            retry_delays=(0.01,),
        )
        saver.start()
        try:
            saver.submit("edit action", stale_edit, on_conflict=on_conflict)
            assert handled.wait(5)
            assert saver.flush(5)
            assert calls == 1  # not retried
            assert dropped == []  # told to the screen, not as a generic failure
            assert isinstance(conflicts[0], StaleRecord) and conflicts[0].changed_by == "Bo Ng"
            assert statuses[-1].state == "conflict"
            assert statuses[-1].message == "Bo Ng changed this action first"
            assert saver.conflicts == {action.id: "Bo Ng changed this action first"}

            # Another save while the coach has not decided yet: still not "saved".
            saver.submit("other", lambda s: s.list_teams())
            assert saver.flush(5)
            assert statuses[-1].state == "conflict"

            saver.resolve(action.id)
            assert statuses[-1].state == "saved"
            assert saver.conflicts == {}
        finally:
            saver.stop()
        assert store.get_action(action.id).text == "Plot twenty more points"  # Bo's change kept


def test_a_stale_write_without_a_handler_is_dropped_and_reported_not_saved(db_path: Path) -> None:
    action = _action(db_path)
    statuses: list[SaveStatus] = []
    dropped: list[tuple[str, BaseException]] = []
    with open_store(str(db_path)) as store:
        store.update_action(action.id, owner="Kim")
        saver = SaveQueue(
            lambda: store,
            on_status=statuses.append,
            on_dropped=lambda label, exc: dropped.append((label, exc)),
            debounce=0.01,
            max_wait=0.05,
        )
        saver.start()
        try:
            saver.submit("edit action", lambda s: s.update_action(action.id, owner="Lee", expected_version=1))
            assert saver.flush(5)
            assert [label for label, _exc in dropped] == ["edit action"]
            assert statuses[-1].state == "dropped"
            assert "changed this action since you opened it" in statuses[-1].message
            saver.submit("owner again", lambda s: s.update_action(action.id, owner="Lee", expected_version=2))
            assert saver.flush(5)
            assert statuses[-1].state == "saved"
        finally:
            saver.stop()
        assert store.get_action(action.id).owner == "Lee"


def test_field_saves_name_the_session_version_and_a_change_elsewhere_is_refused(db_path: Path) -> None:
    """Two windows on one draft: this one's typing is refused, not written over the
    other's, and the status never says saved until the coach settles it."""
    with open_store(str(db_path), coach="Ana Ruiz") as setup:
        team = setup.create_team("Ward 4")
        draft = setup.start_session(team.id, coach="Ana Ruiz")
    statuses: list[SaveStatus] = []
    refused: list[tuple[str, BaseException]] = []
    told = threading.Event()
    with open_store(str(db_path), coach="Ana Ruiz") as store, open_store(str(db_path), coach="Bo Ng") as other:
        saver = SaveQueue(lambda: store, on_status=statuses.append, debounce=0.01, max_wait=0.05)
        saver.on_session_conflict = lambda session_id, exc: (refused.append((session_id, exc)), told.set())
        saver.track(draft.id, draft.version)
        saver.start()
        try:
            saver.save_fields(draft.id, dilemma="first words")
            assert saver.flush(5)
            assert saver.version_of(draft.id) == draft.version + 1
            other.save_draft(draft.id, dilemma="Bo's words")  # the other window
            saver.save_fields(draft.id, dilemma="first words, then more")
            assert told.wait(5)
            assert saver.flush(5)
            assert store.get_session(draft.id).dilemma == "Bo's words"
            assert refused[0][0] == draft.id and isinstance(refused[0][1], StaleRecord)
            assert statuses[-1].state == "conflict" and "Bo Ng changed this session first" in statuses[-1].message
            # The coach keeps theirs: saved on top of the version as it is now.
            saver.track(draft.id, store.get_session(draft.id).version)
            saver.resolve(draft.id)
            saver.save_fields(draft.id, dilemma="first words, then more")
            assert saver.flush(5)
            assert store.get_session(draft.id).dilemma == "first words, then more"
            assert statuses[-1].state == "saved"
        finally:
            saver.stop()


def test_writes_with_the_same_merge_key_replace_each_other_until_written(db_path: Path) -> None:
    written: list[str] = []
    saver = SaveQueue(lambda: object(), debounce=5, max_wait=10)  # not started: nothing is written yet
    for text in ("a", "ab", "abc"):
        saver.submit("note", lambda store, text=text: written.append(text), merge_key="note:1")
    assert saver.pending == 1
    saver.start()
    try:
        assert saver.flush(5)
    finally:
        saver.stop()
    assert written == ["abc"]


def test_writes_to_a_record_queued_before_the_coach_answers_ask_once_and_are_settled_by_the_answer(
    db_path: Path,
) -> None:
    """Each save to a record queued before the coach answered the conflict question
    was tried, refused again and asked again; after a reload one could even write
    over what the coach chose to see."""
    action = _action(db_path)
    refusals: list[BaseException] = []
    with open_store(str(db_path), coach="Ana Ruiz") as store, open_store(str(db_path), coach="Bo Ng") as other:
        other.update_action(action.id, text="Plot twenty more points")  # Bo's: version 2
        # writes typed key by key (merge_key) wait for a pause; the others go at once
        queue = SaveQueue(lambda: store, debounce=30, max_wait=60)
        queue.start()
        try:
            for words in ("Plot 11", "Plot 12", "Plot 13"):  # Ana typed on, each on version 1
                queue.submit(
                    "edit action",
                    lambda s, words=words: s.update_action(action.id, text=words, expected_version=1),
                    on_conflict=refusals.append,
                    record=action.id,
                )
            deadline = time.monotonic() + 10
            while len(refusals) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(refusals) == 3 and all(r is refusals[0] for r in refusals)  # one refusal, one question
            assert store.get_action(action.id).text == "Plot twenty more points"
            assert action.id in queue.conflicts
            # a save still waiting for a pause in the typing when the coach answers
            queue.submit(
                "edit action",
                lambda s: s.update_action(action.id, text="Plot 14", expected_version=2),
                on_conflict=refusals.append,
                record=action.id,
                merge_key="edit",
            )
            assert queue.pending == 1
            queue.resolve(action.id)  # the coach answered: it is settled, never written later
            assert queue.pending == 0
            queue.submit(  # keep mine: the newest words, on top of Bo's
                "edit action",
                lambda s: s.update_action(action.id, text="Plot 13", expected_version=2),
                on_conflict=refusals.append,
                record=action.id,
            )
            assert queue.flush(timeout=10)
        finally:
            queue.stop()
        assert store.get_action(action.id).text == "Plot 13"
        assert queue.conflicts == {} and len(refusals) == 3


def test_the_conflict_question_is_asked_once_for_the_refusals_its_answer_settles() -> None:
    from coachtui.session.conflicts import Conflict
    from coachtui.ui.conflicts import ConflictAsker

    class App:
        def __init__(self) -> None:
            self.asked: list = []  # type: ignore[type-arg]

        def push_screen(self, screen, done) -> None:  # type: ignore[no-untyped-def]
            self.asked.append(done)

    settled: list[tuple[str, bool]] = []
    asker = ConflictAsker(lambda conflict, keep: settled.append((conflict.note, keep)))
    app = App()
    refusal = StaleRecord("action", "a1", expected_version=1, current_version=2, changed_by="Bo Ng")
    asker.ask(app, Conflict("review", "a1", "s1", refusal, status="done", note="Half"))
    asker.ask(app, Conflict("review", "a1", "s1", refusal, status="done", note="Half came"))
    assert len(app.asked) == 1
    app.asked[0]("keep")
    assert settled == [("Half came", True)]
    # a save queued before the answer, handed back with the same refusal: settled
    asker.ask(app, Conflict("review", "a1", "s1", refusal, status="done", note="Half came on"))
    assert len(app.asked) == 1
    # a new refusal later (Bo changed it again) is a new question
    asker.ask(app, Conflict("review", "a1", "s1", StaleRecord("action", "a1", expected_version=2, current_version=3, changed_by="Bo Ng"), status="done"))
    assert len(app.asked) == 2


def _two_windows_on_a_draft(db_path: Path):  # type: ignore[no-untyped-def]
    with open_store(str(db_path), coach="Ana Ruiz") as setup:
        team = setup.create_team("Ward 4")
        return setup.start_session(team.id, coach="Ana Ruiz")


def test_a_session_save_still_waiting_when_the_coach_reloads_is_never_written_over_theirs(db_path: Path) -> None:
    """Typing saved after a pause: a save still waiting when the coach answered
    "reload" was written afterwards, on top of the version they chose to see (the
    answer gave it the reloaded version to name)."""
    draft = _two_windows_on_a_draft(db_path)
    refused: list[BaseException] = []
    with open_store(str(db_path), coach="Ana Ruiz") as store, open_store(str(db_path), coach="Bo Ng") as other:
        saver = SaveQueue(lambda: store, debounce=30, max_wait=60)  # field saves wait for a pause
        saver.on_session_conflict = lambda session_id, exc: refused.append(exc)
        saver.track(draft.id, draft.version)
        saver.start()
        try:
            other.save_draft(draft.id, dilemma="Bo's words")
            saver.submit_session(  # at once: refused, the coach is asked
                "questions", draft.id, lambda s, version: s.save_draft(draft.id, title="Ana", expected_version=version)
            )
            deadline = time.monotonic() + 10
            while not refused and time.monotonic() < deadline:
                time.sleep(0.01)
            assert refused
            saver.save_fields(draft.id, dilemma="Ana's words, typed while asked")  # waits for a pause
            # the coach reloads: Bo's version is what the screen shows now
            saver.track(draft.id, store.get_session(draft.id).version)
            saver.resolve(draft.id)
            assert saver.pending == 0  # settled by the answer, never written later
            assert saver.flush(5)
        finally:
            saver.stop()
        assert store.get_session(draft.id).dilemma == "Bo's words"
        assert len(refused) == 1


def test_a_session_save_refused_as_the_coach_answers_does_not_ask_again(db_path: Path) -> None:
    """The save under way when the coach answered came back refused a moment later
    (it named the version before the answer) and asked the same question again; a
    coach who chose "keep mine" saw a second conflict instead of "saved"."""
    draft = _two_windows_on_a_draft(db_path)
    refused: list[BaseException] = []
    statuses: list[SaveStatus] = []
    under_way, answered = threading.Event(), threading.Event()
    with open_store(str(db_path), coach="Ana Ruiz") as store, open_store(str(db_path), coach="Bo Ng") as other:

        class Slow:  # the store, with a save that is under way as the coach answers
            def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
                return getattr(store, name)

            def save_draft(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                if kwargs.get("dilemma") == "typed on":
                    under_way.set()
                    answered.wait(10)
                return store.save_draft(*args, **kwargs)

        slow = Slow()
        saver = SaveQueue(lambda: slow, on_status=statuses.append, debounce=0.01, max_wait=0.05)
        saver.on_session_conflict = lambda session_id, exc: refused.append(exc)
        saver.track(draft.id, draft.version)
        saver.start()
        try:
            other.save_draft(draft.id, dilemma="Bo's words")
            saver.save_fields(draft.id, dilemma="Ana's words")
            deadline = time.monotonic() + 10
            while not refused and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(refused) == 1
            saver.save_fields(draft.id, dilemma="typed on")  # the coach typed on, the question up
            assert under_way.wait(10)
            # keep mine: on top of the version now there, everything on screen again
            saver.track(draft.id, store.get_session(draft.id).version)
            saver.resolve(draft.id)
            saver.save_fields(draft.id, dilemma="Ana's words, typed on")
            answered.set()
            assert saver.flush(5)
        finally:
            answered.set()
            saver.stop()
        assert store.get_session(draft.id).dilemma == "Ana's words, typed on"
        assert len(refused) == 1  # one question, one answer
        assert statuses[-1].state == "saved" and saver.conflicts == {}
