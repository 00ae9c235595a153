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
