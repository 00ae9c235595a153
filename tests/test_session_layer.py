"""The session layer (coachtui.session) runs a coaching session without a screen:
the controller changes the model and the save queue writes it to the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coachtui.session.controller import SessionController
from coachtui.session.saver import SaveQueue


@pytest.fixture
def saver(store) -> Iterator[SaveQueue]:  # type: ignore[no-untyped-def]
    queue = SaveQueue(lambda: store, debounce=0.01, max_wait=0.05)
    queue.start()
    yield queue
    queue.stop()


def test_a_session_typed_through_the_controller_is_what_the_database_holds(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    team = store.create_team("Ward 4", "Ana Ruiz")
    session = SessionController(saver)
    model = session.start(team, "Ana Ruiz")
    session.set_fields(title="Handovers", dilemma="Night shift handovers run late")
    session.set_fields(dilemma="Night shift handovers run late, every week")
    session.add_action("Try a ten-minute huddle", "Bo Ng", None)
    assert saver.flush(timeout=10), saver.last_error

    detail = store.get_session(model.session_id)
    assert (detail.team_name, detail.coach, detail.status) == ("Ward 4", "Ana Ruiz", "draft")
    assert (detail.title, detail.dilemma) == ("Handovers", "Night shift handovers run late, every week")
    assert [(a.text, a.owner) for a in detail.actions] == [("Try a ten-minute huddle", "Bo Ng")]


def test_leaving_an_empty_draft_keeps_nothing(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    team = store.create_team("Pharmacy", "Ana Ruiz")
    session = SessionController(saver)
    session.start(team, "Ana Ruiz")
    session.close()
    assert saver.flush(timeout=10), saver.last_error
    assert store.list_drafts() == []


# --- writes outside the open session (issue 17): one queue, one kind of conflict ----------------


def test_a_tracker_mark_on_a_changed_action_is_a_conflict_never_an_overwrite(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    from coachtui.session.conflicts import Conflict
    from coachtui.session.edits import RecordEdits

    team = store.create_team("Ward 4", "Ana Ruiz")
    session = store.start_session(team.id, "Ana Ruiz")
    action = store.add_action(session.id, "Plot ten more points", "Sam")
    store.record_review(action.id, "stuck", "Waiting for the data", coach="Bo Ng")  # after Ana read it

    conflicts: list[Conflict] = []
    recorded: list[object] = []
    edits = RecordEdits(saver)
    edits.mark_action(
        action, "done", "Done on Friday", "Ana Ruiz", on_done=recorded.append, on_conflict=conflicts.append
    )
    assert saver.flush(timeout=10), saver.last_error

    assert [(c.kind, c.record_id, c.status, c.note, c.who) for c in conflicts] == [
        ("mark", action.id, "done", "Done on Friday", "Bo Ng")
    ]
    assert saver.conflicts == {action.id: "Bo Ng changed this action first"}
    assert store.get_action(action.id).status == "stuck"
    assert recorded == []
    # Keeping mine: the same change again, on top of the version now there.
    conflicts[0].again(conflicts[0].current_version)
    saver.resolve(action.id)
    assert saver.flush(timeout=10), saver.last_error
    assert len(recorded) == 1
    assert store.get_action(action.id).status == "done"
    assert saver.conflicts == {}


def test_team_changes_name_the_version_shown(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    from coachtui.session.conflicts import Conflict
    from coachtui.session.edits import RecordEdits

    shown = store.create_team("Ward 7", "Ana Ruiz")
    store.rename_team(shown.id, "Ward 7 North")  # another coach, meanwhile
    conflicts: list[Conflict] = []
    edits = RecordEdits(saver)
    edits.rename_team(shown, "Ward Seven", on_conflict=conflicts.append)
    edits.archive_team(shown, True, on_conflict=conflicts.append)
    edits.delete_team(shown, on_conflict=conflicts.append)
    assert saver.flush(timeout=10), saver.last_error
    assert [(c.kind, c.change) for c in conflicts] == [("team", "rename"), ("team", "archive"), ("team", "delete")]
    team = store.get_team(shown.id)
    assert (team.name, team.archived) == ("Ward 7 North", False)


def test_a_refused_write_with_its_own_handler_is_told_there_not_dropped_silently(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    from coachtui.session.edits import RecordEdits

    store.create_team("Ward 7", "Ana Ruiz")
    refused: list[str] = []
    RecordEdits(saver).create_team("ward 7", "Ana Ruiz", on_refused=lambda exc: refused.append(str(exc)))
    assert saver.flush(timeout=10), saver.last_error
    assert len(refused) == 1 and refused[0].startswith("There is already a team called")
    assert saver.dropped == ""  # told to the one who asked, not left as "not saved"


def test_adding_the_action_typed_in_the_form_empties_its_draft_in_the_same_write(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    """A kill -9 a quarter second after enter left the action added and its text
    still in the form's draft: resumed, enter added it a second time."""
    team = store.create_team("Ward 4", "Ana Ruiz")
    session = SessionController(saver)
    model = session.start(team, "Ana Ruiz")
    session.set_fields(action_draft='{"due": "", "owner": "Sam", "text": "Call the bank"}')
    assert saver.flush(timeout=10), saver.last_error
    saver.stop()  # nothing written from now on but what the next write holds
    session.add_action("Call the bank", "Sam", None)
    op = saver._ops[-1]  # the one write queued for it
    op.call(store)
    detail = store.get_session(model.session_id)
    assert [a.text for a in detail.actions] == ["Call the bank"]
    assert detail.action_draft == ""



# --- keep mine after another window saved the same session --------------------------------------


def _two_windows(store, saver: SaveQueue):  # type: ignore[no-untyped-def]
    """Window A (the controller) with a draft open; the test changes it as window B
    through ``store`` (another connection's writes look the same to the database)."""
    from coachtui.session.model import SessionModel

    team = store.create_team("Ward 4", "Ana Ruiz")
    draft = store.start_session(team.id, "Ana Ruiz")
    store.save_draft(draft.id, title="Rota chaos", dilemma="Night shift misses the huddle.", context="Ward 4")
    refused: list[object] = []
    session = SessionController(saver)
    session.conflict_handlers["session"] = refused.append
    session.resume(SessionModel.load(store, draft.id))
    return session, draft.id, refused


def _keep_mine_once_refused(store, saver: SaveQueue, session: SessionController, refused: list[object]) -> None:  # type: ignore[no-untyped-def]
    """Wait for window A's save to be refused, then answer keep mine as the app does:
    read the session again, show it merged with what A changed, save on top."""
    import time

    from coachtui.session.model import SessionModel

    deadline = time.monotonic() + 10
    while not refused and time.monotonic() < deadline:
        time.sleep(0.01)
    assert refused, "the save was not refused"
    assert saver.flush(timeout=10), saver.last_error
    model = session.model
    assert model is not None
    theirs = SessionModel.load(store, model.session_id)
    session.resume(session.merged_with(theirs))
    session.keep_mine(theirs)
    assert saver.flush(timeout=10), saver.last_error
    assert saver.conflicts == {}
    refused.clear()


def _picked(ident: str, text: str):  # type: ignore[no-untyped-def]
    from coachtui.store.types import PickedQuestionInfo

    return PickedQuestionInfo(question_id=ident, text=text, source="custom")


def test_keep_mine_writes_only_the_fields_this_window_changed(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    session, session_id, refused = _two_windows(store, saver)
    store.save_draft(session_id, context="Matron joins on Fridays.", title="Rota")  # window B, first
    session.set_fields(dilemma="Night shift misses the huddle. Mine")  # window A: refused
    _keep_mine_once_refused(store, saver, session, refused)

    detail = store.get_session(session_id)
    assert (detail.title, detail.dilemma, detail.context) == (
        "Rota", "Night shift misses the huddle. Mine", "Matron joins on Fridays."
    )
    model = session.model
    assert model is not None  # what window A shows now
    assert (model.title, model.dilemma, model.context) == (detail.title, detail.dilemma, detail.context)


def test_keep_mine_rewrites_only_what_is_not_saved_yet(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    """A's dilemma was saved long ago; B changed it since. A's next change (the
    context) is refused: keep mine writes the context, not A's old dilemma over B's."""
    session, session_id, refused = _two_windows(store, saver)
    session.set_fields(dilemma="A's dilemma, saved")
    assert saver.flush(timeout=10), saver.last_error
    store.save_draft(session_id, dilemma="B's dilemma, newer")  # window B
    session.set_fields(context="A's context")  # refused
    _keep_mine_once_refused(store, saver, session, refused)
    detail = store.get_session(session_id)
    assert (detail.dilemma, detail.context) == ("B's dilemma, newer", "A's context")


def test_keep_mine_writes_the_questions_only_when_this_window_changed_them(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    session, session_id, refused = _two_windows(store, saver)
    store.set_questions(session_id, [_picked("q-bo", "What did Bo ask?")])  # window B
    session.set_fields(dilemma="Mine")  # window A: refused
    _keep_mine_once_refused(store, saver, session, refused)
    detail = store.get_session(session_id)
    assert ([q.text for q in detail.questions], detail.dilemma) == (["What did Bo ask?"], "Mine")

    store.save_draft(session_id, title="Bo's title")  # window B again
    session.set_questions([_picked("q-ana", "What did Ana ask?")])  # window A: refused
    _keep_mine_once_refused(store, saver, session, refused)
    detail = store.get_session(session_id)
    assert ([q.text for q in detail.questions], detail.title, detail.dilemma) == (
        ["What did Ana ask?"], "Bo's title", "Mine"
    )


def test_keep_mine_on_a_tracker_mark_applies_the_newest_mark_made_not_the_refused_one(store) -> None:  # type: ignore[no-untyped-def]
    """The coach marked the action again before the first mark came back refused;
    the answer settles the second write (still queued behind a slow one): keep mine
    records the second mark, not the first."""
    import threading
    import time

    from coachtui.session.conflicts import Conflict
    from coachtui.session.edits import RecordEdits

    team = store.create_team("Ward 4", "Ana Ruiz")
    session = store.start_session(team.id, "Ana Ruiz")
    action = store.add_action(session.id, "Plot ten more points", "Sam")
    store.record_review(action.id, "stuck", "Waiting for the data", coach="Bo Ng")  # after Ana read it

    conflicts: list[Conflict] = []
    slow = threading.Event()
    saver = SaveQueue(lambda: store, debounce=0.01, max_wait=0.05)
    edits = RecordEdits(saver)
    edits.mark_action(action, "in_progress", "Half", "Ana Ruiz", on_conflict=conflicts.append)
    saver.submit("a slow write", lambda s: slow.wait(10))
    edits.mark_action(action, "done", "Half came, the rest on Friday", "Ana Ruiz", on_conflict=conflicts.append)
    saver.start()
    try:
        deadline = time.monotonic() + 10
        while not conflicts and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [c.note for c in conflicts] == ["Half"]  # the second is still queued
        saver.resolve(action.id)  # keep mine
        conflicts[0].again(conflicts[0].current_version)
        slow.set()
        assert saver.flush(timeout=10), saver.last_error
    finally:
        slow.set()
        saver.stop()
    assert store.get_action(action.id).status == "done"
    from sqlalchemy import text

    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT status, note FROM action_review WHERE action_id = :id AND coach = 'Ana Ruiz'"),
            {"id": action.id},
        ).all()
    assert [tuple(row) for row in rows] == [("done", "Half came, the rest on Friday")]
