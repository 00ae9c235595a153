"""Which drafts are empty, and deleting one only while it still is."""

from __future__ import annotations

from coachtui.store.types import PickedQuestionInfo


def test_a_draft_is_empty_until_something_is_typed_or_decided(store, db) -> None:
    team = store.create_team("Ward 4")
    blank = store.start_session(team.id)
    spaces = store.start_session(team.id)
    store.save_draft(spaces.id, title="   ", dilemma="\n\t")
    titled = store.start_session(team.id)
    store.save_draft(titled.id, title="Rota")
    categorised = store.start_session(team.id)
    store.save_draft(categorised.id, primary_category="capability")
    questioned = store.start_session(team.id)
    store.set_questions(questioned.id, [PickedQuestionInfo("kata-1", "Q1", "kata")])
    acted = store.start_session(team.id)
    store.add_action(acted.id, "Try it")
    completed = store.start_session(team.id)
    store.save_draft(completed.id, dilemma="x")
    store.complete_session(completed.id)
    store.save_draft(completed.id, dilemma="")
    assert store.empty_draft_ids() == {blank.id, spaces.id}


def test_an_empty_draft_is_deleted_and_leaves_a_tombstone(store, db) -> None:
    team = store.create_team("Ward 4")
    blank = store.start_session(team.id)
    assert store.discard_empty_draft(blank.id) is True
    assert db.rows("SELECT count(*) FROM coaching_session") == [(0,)]
    assert db.rows("SELECT kind FROM tombstone WHERE id = ?", blank.id) == [("sessions",)]
    assert store.discard_empty_draft(blank.id) is False  # already gone: nothing to do


def test_a_draft_typed_into_meanwhile_is_kept(store, db) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    store.save_draft(draft.id, dilemma="A second window typed this")
    assert store.discard_empty_draft(draft.id) is False
    reviewed = store.start_session(team.id)
    earlier = store.start_session(team.id)
    action = store.add_action(earlier.id, "Plot it")
    store.save_draft(earlier.id, dilemma="Earlier")
    store.complete_session(earlier.id)
    store.record_review(action.id, "done", "", session_id=reviewed.id)
    assert store.discard_empty_draft(reviewed.id) is False
    assert db.rows("SELECT count(*) FROM coaching_session WHERE id = ?", draft.id) == [(1,)]
