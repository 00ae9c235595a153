"""The service API: every call, checked against what the database holds."""

from __future__ import annotations

import datetime as dt

import pytest

from coachtui.store import DuplicateName, IncompleteSession, InvalidInput, NotFound, open_store
from coachtui.store.types import PickedQuestionInfo

# --- teams -------------------------------------------------------------------------


def test_team_names_are_trimmed_and_unique_ignoring_case(store, db) -> None:
    team = store.create_team("  Ward   4 ")
    assert team.name == "Ward 4"
    with pytest.raises(DuplicateName, match="already a team called 'Ward 4'"):
        store.create_team("WARD 4")
    with pytest.raises(InvalidInput, match="needs a name") as empty:
        store.create_team("   ")
    assert empty.value.field == "name"
    with pytest.raises(InvalidInput, match="keep it to 80"):
        store.create_team("x" * 81)
    assert db.rows("SELECT name, name_key FROM team") == [("Ward 4", "ward 4")]


def test_list_teams_most_recent_first_with_last_session_and_open_actions(store, clock) -> None:
    old = store.create_team("Old team")
    clock.advance(days=1)
    busy = store.create_team("Busy team")
    clock.advance(days=1)
    fresh = store.create_team("Fresh team")
    clock.advance(days=1)
    session = store.start_session(old.id, coach="Ana")
    store.add_action(session.id, "Try the new rota", owner="Sam")
    store.add_action(session.id, "Ask for data", owner="Lee")
    clock.advance(days=1)
    s2 = store.start_session(busy.id)
    teams = store.list_teams()
    assert [t.name for t in teams] == ["Busy team", "Old team", "Fresh team"]
    by_name = {t.name: t for t in teams}
    assert by_name["Old team"].open_actions == 2
    assert by_name["Old team"].last_session_at == session.created_at
    assert by_name["Busy team"].last_session_at == s2.created_at
    assert by_name["Fresh team"].last_session_at is None
    assert by_name["Fresh team"].session_count == 0
    assert by_name["Old team"].session_count == 1
    assert fresh.id in {t.id for t in teams}


def test_rename_archive_and_find(store) -> None:
    a = store.create_team("Alpha")
    store.create_team("Beta")
    assert store.rename_team(a.id, " Gamma ").name == "Gamma"
    with pytest.raises(DuplicateName):
        store.rename_team(a.id, "beta")
    assert store.rename_team(a.id, "GAMMA").name == "GAMMA"  # own name, new case: fine
    store.archive_team(a.id)
    assert [t.name for t in store.list_teams()] == ["Beta"]
    assert {t.name for t in store.list_teams(include_archived=True)} == {"Beta", "GAMMA"}
    with pytest.raises(DuplicateName, match=r"\(archived\)"):
        store.create_team("gamma")
    assert store.find_team("gamma").archived is True
    assert store.archive_team(a.id, archived=False).archived is False
    assert store.find_team("nobody") is None
    with pytest.raises(NotFound):
        store.get_team("missing-id")


# --- sessions ------------------------------------------------------------------------


def test_a_draft_exists_from_the_moment_a_team_is_picked(store, db) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id, coach="Ana")
    assert draft.status == "draft" and draft.team_name == "Ward 4"
    assert db.rows("SELECT id, status, coach FROM coaching_session") == [(draft.id, "draft", "Ana")]
    assert [d.id for d in store.list_drafts()] == [draft.id]


def test_save_draft_field_by_field(store, db) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    store.save_draft(draft.id, title="Falls at night")
    store.save_draft(draft.id, dilemma="Line one\nLine two", context="Matron present")
    store.save_draft(
        draft.id,
        primary_category="capability",
        secondary_category="environment",
        suggested_category="capability",
        suggestion_reasons=["run chart", "measure"],
        step="category",
    )
    got = store.get_session(draft.id)
    assert (got.title, got.dilemma, got.context) == ("Falls at night", "Line one\nLine two", "Matron present")
    assert (got.primary_category, got.secondary_category) == ("capability", "environment")
    assert got.suggestion_reasons == ("run chart", "measure")
    assert got.step == "category"
    assert got.version == draft.version + 3
    assert db.rows("SELECT title, dilemma FROM coaching_session") == [("Falls at night", "Line one\nLine two")]
    store.save_draft(draft.id, primary_category=None, category_unsure=True)
    got = store.get_session(draft.id)
    assert got.primary_category is None and got.category_unsure is True


@pytest.mark.parametrize(
    "fields",
    [{"primary_category": "weather"}, {"step": "dance"}, {"colour": "red"}, {"title": 3}, {"title": "x" * 10_001}],
)
def test_save_draft_refuses_bad_fields_and_changes_nothing(store, fields) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    with pytest.raises(InvalidInput):
        store.save_draft(draft.id, **fields)
    assert store.get_session(draft.id).version == draft.version


def test_text_is_stored_exactly(store) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    text = "[bold]x[/] \x1b[31mred\x1b[0m \x00nul \u202eRTL\u202c שלום 🙂 e\u0301 " + "y" * 100_000
    store.save_draft(draft.id, dilemma=text, title="[link=http://x]t[/link]")
    got = store.get_session(draft.id)
    assert got.dilemma == text
    assert got.title == "[link=http://x]t[/link]"


def test_picked_questions_keep_order_snapshot_and_notes(store, db) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    picked = [
        PickedQuestionInfo("rel-03", "Whose voice is missing?", "relational", note="the porters"),
        PickedQuestionInfo("kata-1", "Where are you heading?", "kata"),
    ]
    store.set_questions(draft.id, picked)
    assert [(q.question_id, q.note, q.position) for q in store.get_session(draft.id).questions] == [
        ("rel-03", "the porters", 0),
        ("kata-1", "", 1),
    ]
    store.set_questions(draft.id, [picked[1], PickedQuestionInfo("rel-03", "Whose voice is missing?", "relational", "")])
    assert [(q.question_id, q.note) for q in store.get_session(draft.id).questions] == [("kata-1", ""), ("rel-03", "")]
    store.set_questions(draft.id, [picked[1]])
    assert db.rows("SELECT question_id, text FROM picked_question") == [("kata-1", "Where are you heading?")]
    with pytest.raises(InvalidInput, match="picked twice"):
        store.set_questions(draft.id, [picked[1], picked[1]])


def test_complete_needs_a_dilemma_and_says_so(store, db) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    with pytest.raises(IncompleteSession) as raised:
        store.complete_session(draft.id)
    assert raised.value.missing == ["a dilemma"]
    assert str(raised.value) == "Cannot complete the session yet: it needs a dilemma."
    store.save_draft(draft.id, dilemma="  \n ")
    with pytest.raises(IncompleteSession):
        store.complete_session(draft.id)
    store.save_draft(draft.id, dilemma="Real words")
    done = store.complete_session(draft.id)
    assert done.status == "completed" and done.completed_at is not None
    assert store.list_drafts() == []
    assert db.rows("SELECT status FROM coaching_session") == [("completed",)]
    assert store.reopen_session(draft.id).status == "draft"


def test_discarding_a_draft_removes_it_and_its_parts(store, db) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    store.add_action(draft.id, "Do a thing")
    store.set_questions(draft.id, [PickedQuestionInfo("kata-1", "Q", "kata")])
    store.discard_draft(draft.id)
    for table in ("coaching_session", "action", "picked_question"):
        assert db.rows(f"SELECT count(*) FROM {table}") == [(0,)]
    with pytest.raises(NotFound):
        store.get_session(draft.id)


def test_last_session_is_the_newest_completed_one(store, clock) -> None:
    team = store.create_team("Ward 4")
    assert store.last_session(team.id) is None
    first = store.start_session(team.id)
    store.save_draft(first.id, dilemma="first", title="First")
    store.complete_session(first.id)
    clock.advance(days=7)
    second = store.start_session(team.id)
    store.save_draft(second.id, dilemma="second", title="Second")
    store.complete_session(second.id)
    clock.advance(days=7)
    current = store.start_session(team.id)
    assert store.last_session(team.id, before=current.id).title == "Second"
    assert store.last_session(team.id, before=second.id).title == "First"


# --- actions and reviews ---------------------------------------------------------------


def _session_with_actions(store, clock):
    team = store.create_team("Ward 4")
    first = store.start_session(team.id, coach="Ana")
    store.save_draft(first.id, dilemma="d")
    a1 = store.add_action(first.id, "Plot ten more points", owner="Sam", due=dt.date(2026, 11, 20))
    a2 = store.add_action(first.id, "Ask matron for time", owner="Lee")
    a3 = store.add_action(first.id, "Share the chart", owner="Sam", due=dt.date(2026, 11, 10))
    store.complete_session(first.id)
    clock.advance(days=7)
    second = store.start_session(team.id, coach="Ana")
    return team, first, second, (a1, a2, a3)


def test_actions_are_added_edited_and_removed(store, clock, db) -> None:
    team, first, _second, (a1, a2, a3) = _session_with_actions(store, clock)
    assert [a.position for a in (a1, a2, a3)] == [0, 1, 2]
    edited = store.update_action(a2.id, text=" Ask matron for protected time ", owner="Kim", due=dt.date(2026, 12, 1))
    assert (edited.text, edited.owner, edited.due) == ("Ask matron for protected time", "Kim", dt.date(2026, 12, 1))
    assert store.update_action(a2.id, due=None).due is None
    assert store.update_action(a2.id, owner="Jo").text == "Ask matron for protected time"
    with pytest.raises(InvalidInput, match="needs some text"):
        store.update_action(a2.id, text="  ")
    store.remove_action(a3.id)
    assert [a.text for a in store.get_session(first.id).actions] == ["Plot ten more points", "Ask matron for protected time"]
    assert db.rows("SELECT count(*) FROM action WHERE team_id = ?", team.id) == [(2,)]


def test_open_actions_soonest_due_first(store, clock) -> None:
    team, _first, _second, (a1, a2, a3) = _session_with_actions(store, clock)
    assert [a.id for a in store.open_actions(team.id)] == [a3.id, a1.id, a2.id]
    assert store.open_actions(team.id)[0].is_overdue(dt.date(2026, 11, 11))
    assert not store.open_actions(team.id)[0].is_overdue(dt.date(2026, 11, 10))


def test_reviews_set_status_one_per_session_and_can_be_taken_back(store, clock, db) -> None:
    team, _first, second, (a1, a2, a3) = _session_with_actions(store, clock)
    to_review = store.actions_to_review(second.id)
    assert [(a.id, r) for a, r in to_review] == [(a3.id, None), (a1.id, None), (a2.id, None)]

    store.record_review(a1.id, "done", "ten points plotted", session_id=second.id, coach="Ana")
    store.record_review(a2.id, "stuck", session_id=second.id)
    store.record_review(a2.id, "in_progress", "asked, waiting", session_id=second.id)
    assert db.rows("SELECT count(*) FROM action_review WHERE action_id = ?", a2.id) == [(1,)]
    assert {a.id for a in store.open_actions(team.id)} == {a2.id, a3.id}

    # The reviewed-done action stays on this session's review list, with its review.
    reviewed = {a.id: (a.status, r.status if r else None) for a, r in store.actions_to_review(second.id)}
    assert reviewed == {a1.id: ("done", "done"), a2.id: ("in_progress", "in_progress"), a3.id: ("open", None)}

    store.clear_review(a1.id, second.id)
    assert store.get_session(second.id).reviews[0].action.id == a2.id
    assert {a.id for a in store.open_actions(team.id)} == {a1.id, a2.id, a3.id}

    with pytest.raises(InvalidInput):
        store.record_review(a1.id, "exploded", session_id=second.id)
    assert [r.status for r in store.action_history(a2.id)] == ["in_progress"]


def test_a_review_from_the_tracker_has_no_session(store, clock, db) -> None:
    _team, _first, _second, (a1, _a2, _a3) = _session_with_actions(store, clock)
    store.record_review(a1.id, "dropped", "no longer relevant")
    store.record_review(a1.id, "in_progress", "picked up again")
    assert db.rows("SELECT status, session_id FROM action_review ORDER BY created_at") == [
        ("dropped", None),
        ("in_progress", None),
    ]
    assert db.rows("SELECT status FROM action WHERE id = ?", a1.id) == [("in_progress",)]


def test_a_draft_own_actions_are_not_reviewed_in_it(store, clock) -> None:
    _team, _first, second, _actions = _session_with_actions(store, clock)
    mine = store.add_action(second.id, "New thing")
    assert mine.id not in {a.id for a, _r in store.actions_to_review(second.id)}


def test_deleting_a_session_reverts_the_statuses_it_set(store, clock) -> None:
    team, _first, second, (a1, _a2, _a3) = _session_with_actions(store, clock)
    store.record_review(a1.id, "done", session_id=second.id)
    store.delete_session(second.id)
    assert a1.id in {a.id for a in store.open_actions(team.id)}


def test_delete_team_removes_everything_of_it(store, clock, db) -> None:
    team, _first, second, (a1, _a2, _a3) = _session_with_actions(store, clock)
    store.record_review(a1.id, "done", session_id=second.id)
    other = store.create_team("Other")
    store.delete_team(team.id)
    for table in ("coaching_session", "action", "action_review"):
        assert db.rows(f"SELECT count(*) FROM {table}") == [(0,)], table
    assert [t.id for t in store.list_teams()] == [other.id]


# --- custom questions ---------------------------------------------------------------


def test_custom_questions_are_kept_for_reuse(store, db) -> None:
    q = store.add_custom_question("  What would the porters say? ", category="relational", coach="Ana")
    assert q.text == "What would the porters say?"
    again = store.add_custom_question("What would the porters say?")
    assert again.id == q.id
    store.add_custom_question("Another one")
    assert [c.text for c in store.list_custom_questions()] == ["What would the porters say?", "Another one"]
    with pytest.raises(InvalidInput):
        store.add_custom_question("   ")
    with pytest.raises(InvalidInput):
        store.add_custom_question("x", category="weather")


def test_stats(store) -> None:
    team = store.create_team("A")
    draft = store.start_session(team.id)
    store.add_action(draft.id, "x")
    from coachtui.store.db.database import HEAD_REVISION

    assert store.stats() == {"schema": HEAD_REVISION, "teams": 1, "sessions": 0, "drafts": 1, "open actions": 1}


def test_timestamps_are_utc_aware(store) -> None:
    team = store.create_team("A")
    got = store.get_team(team.id)
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == dt.timedelta(0)


def test_two_stores_on_one_database_both_work(database_url) -> None:
    one, two = open_store(database_url), open_store(database_url)
    try:
        team = one.create_team("Shared")
        draft = two.start_session(team.id)
        one.save_draft(draft.id, title="from one")
        two.save_draft(draft.id, dilemma="from two")
        got = one.get_session(draft.id)
        assert (got.title, got.dilemma) == ("from one", "from two")
    finally:
        one.close()
        two.close()


def test_the_ui_can_choose_ids_and_retries_are_harmless(store, db) -> None:
    team = store.create_team("Ward 4")
    first = store.start_session(team.id, coach="Ana", session_id="11111111-1111-4111-8111-111111111111")
    again = store.start_session(team.id, coach="Ana", session_id="11111111-1111-4111-8111-111111111111")
    assert first.id == again.id == "11111111-1111-4111-8111-111111111111"
    action = store.add_action(first.id, "Try it", action_id="22222222-2222-4222-8222-222222222222")
    store.add_action(first.id, "Try it", action_id="22222222-2222-4222-8222-222222222222")
    assert action.id == "22222222-2222-4222-8222-222222222222"
    q = store.add_custom_question("Why now?", question_id="33333333-3333-4333-8333-333333333333")
    assert q.id == "33333333-3333-4333-8333-333333333333"
    assert db.rows("SELECT count(*) FROM coaching_session") == [(1,)]
    assert db.rows("SELECT count(*) FROM action") == [(1,)]


def test_the_review_list_carries_each_action_last_note_from_before_the_session(store, clock) -> None:
    """The review step shows how an action stood when the session began: its last
    note from the tracker or an earlier session, not this session's own."""
    _team, _first, second, (a1, a2, a3) = _session_with_actions(store, clock)
    store.record_review(a1.id, "stuck", "Waiting for IT", coach="Ana")  # from the tracker
    store.record_review(a1.id, "in_progress", "", coach="Ana")  # a later mark without a note
    store.record_review(a2.id, "in_progress", "Half asked", coach="Ana")
    store.record_review(a2.id, "done", "all asked now", session_id=second.id, coach="Ana")
    notes = {a.id: (a.status, a.last_note) for a, _r in store.actions_to_review(second.id)}
    assert notes == {
        a1.id: ("in_progress", "Waiting for IT"),
        a2.id: ("done", "Half asked"),
        a3.id: ("open", ""),
    }
