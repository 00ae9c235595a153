"""A review's words (its note, and a test's learning) change no version: the
action's version moves only with its mark. Two windows writing one session's note
on an action are kept apart by the words each last saw (``record_review``'s
``seen``), and keep mine merges the texts a coach types line by line."""

from __future__ import annotations

import json

import pytest

from coachtui.session.controller import _merge_questions, _merge_waiting
from coachtui.store import StaleRecord, open_store
from coachtui.store.types import PickedQuestionInfo as Picked


@pytest.fixture
def two(database_url, clock):
    ana = open_store(database_url, clock=clock, coach="Ana")
    other = open_store(database_url, clock=clock, coach="Ana")  # her other window
    try:
        yield ana, other
    finally:
        ana.close()
        other.close()


def test_a_note_changed_in_the_other_window_refuses_a_note_written_on_the_old_one(two) -> None:
    ana, other = two
    team = ana.create_team("Ward 4")
    first = ana.start_session(team.id)
    ana.save_draft(first.id, dilemma="Nobody reads the run chart.")
    action = ana.add_action(first.id, "Ask matron for protected time")
    ana.complete_session(first.id)
    session = ana.start_session(team.id)
    mine = ana.record_review(action.id, "stuck", "No cover", session_id=session.id, seen=("", ""))
    theirs = other.record_review(
        action.id, "stuck", "No cover\nMatron agreed.", session_id=session.id, seen=("No cover", "")
    )
    assert theirs.action_version == mine.action_version  # the mark stayed: no new version
    with pytest.raises(StaleRecord) as stale:
        ana.record_review(
            action.id, "stuck", "No cover until May", session_id=session.id,
            expected_version=mine.action_version, seen=("No cover", ""),
        )
    assert str(stale.value).startswith("This review note was changed in another window (Ana)")
    reviews = ana.session_reviews(session.id)
    assert reviews == [(action.id, "stuck", "No cover\nMatron agreed.", "")]
    # written on the words now there, it is saved
    ana.record_review(action.id, "stuck", "No cover until May\nMatron agreed.", session_id=session.id,
                      seen=("No cover\nMatron agreed.", ""))
    assert other.session_reviews(session.id)[0][2] == "No cover until May\nMatron agreed."


def test_waiting_notes_merge_note_by_note() -> None:
    base = json.dumps({"a": "Sam plotted six."})
    mine = json.dumps({"a": "Sam plotted six.", "b": "No cover"})
    theirs = json.dumps({"a": "Sam plotted six.\nThe rest on Friday.", "c": "Kim is off."})
    merged, clashed = _merge_waiting(base, mine, theirs)
    assert json.loads(merged) == {"a": "Sam plotted six.\nThe rest on Friday.", "b": "No cover", "c": "Kim is off."}
    assert not clashed
    merged, clashed = _merge_waiting(base, json.dumps({"a": "Sam plotted seven."}), json.dumps({"a": "Sam did not."}))
    assert json.loads(merged) == {"a": "Sam plotted seven."} and clashed
    # a note the other window took into its mark (gone from the draft) goes here too
    assert _merge_waiting(base, base, "") == ("", False)


def test_picked_questions_merge_question_by_question() -> None:
    base = [Picked("q1", "Target?", "kata", "Zero"), Picked("q2", "Now?", "kata", position=1)]
    mine = [Picked("q2", "Now?", "kata", "Two a week"), Picked("q3", "Next step?", "kata", position=1)]  # q1 removed
    theirs = [
        Picked("q1", "Target?", "kata", "Zero"),
        Picked("q2", "Now?", "kata", "", position=1),
        Picked("q4", "Obstacles?", "kata", "Rota", position=2),
    ]
    merged, clashed = _merge_questions(base, mine, theirs)
    assert [(q.question_id, q.note, q.position) for q in merged] == [
        ("q2", "Two a week", 0), ("q3", "", 1), ("q4", "Rota", 2)
    ]
    assert not clashed
    # the other window wrote in the question this one removed: rescued
    theirs[0] = Picked("q1", "Target?", "kata", "Zero by May")
    assert _merge_questions(base, mine, theirs)[1]
