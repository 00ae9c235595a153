"""Deleting leaves tombstones (ids, when, who; never text) so deletions can travel,
and every write is in the change log sync reads."""

from __future__ import annotations

import datetime as dt

import pytest

from coachtui.store import open_store
from coachtui.store.types import PickedQuestionInfo


def graves(db) -> dict[str, int]:
    return dict(db.rows("SELECT kind, count(*) FROM tombstone GROUP BY kind ORDER BY kind"))


def a_full_team(store, name="Ward 4"):
    team = store.create_team(name)
    first = store.start_session(team.id, coach="Ana")
    store.save_draft(first.id, dilemma="Night staff keep missing the huddle")
    store.set_questions(first.id, [PickedQuestionInfo("kata-1", "Q1", "kata", "n1"), PickedQuestionInfo("kata-2", "Q2", "kata")])
    action = store.add_action(first.id, "Try it", owner="Sam")
    store.complete_session(first.id)
    second = store.start_session(team.id, coach="Ana")
    store.record_review(action.id, "stuck", "no cover", session_id=second.id)
    store.record_review(action.id, "in_progress", "from the tracker")
    return team, first, second, action


def test_deleting_a_team_leaves_a_tombstone_for_everything_it_held(database_url, db, clock) -> None:
    with open_store(database_url, clock=clock, coach="Kim") as store:
        team, first, second, action = a_full_team(store)
        a_full_team(store, "Clinic 2")
        clock.advance(hours=1)
        store.delete_team(team.id)
    assert graves(db) == {
        "action_reviews": 2, "actions": 1, "picked_questions": 2, "sessions": 2, "teams": 1,
    }
    assert db.rows("SELECT DISTINCT coach FROM tombstone") == [("Kim",)]
    rows = db.rows("SELECT id FROM tombstone WHERE kind = 'sessions' ORDER BY id")
    assert rows == sorted([(first.id,), (second.id,)])
    # ids, a time and a coach: nothing of what the records said
    columns = [r[0] for r in db.rows(
        "SELECT name FROM pragma_table_info('tombstone') ORDER BY cid" if db.is_sqlite else
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'tombstone' "
        "AND table_schema = current_schema() ORDER BY ordinal_position"
    )]
    assert columns == ["kind", "id", "deleted_at", "coach"]
    assert db.rows("SELECT count(*) FROM team") == [(1,)]


def test_smaller_deletions_leave_tombstones_too(store, db, clock) -> None:
    team, first, second, action = a_full_team(store)
    other = store.add_action(first.id, "Second")
    store.remove_action(other.id)
    store.set_questions(first.id, [PickedQuestionInfo("kata-2", "Q2", "kata")])  # kata-1 unpicked
    store.clear_review(action.id, second.id)
    assert graves(db) == {"action_reviews": 1, "actions": 1, "picked_questions": 1}
    store.delete_session(second.id)
    assert graves(db)["sessions"] == 1
    assert store.get_action(action.id).status == "in_progress"  # the tracker's review stays


def test_a_record_that_comes_back_loses_its_tombstone(store, db, clock, tmp_path) -> None:
    team, first, _second, _action = a_full_team(store)
    path = tmp_path / "copy.json"
    store.export_file(path)
    store.delete_session(first.id)
    assert ("sessions", first.id) in set(db.rows("SELECT kind, id FROM tombstone"))
    store.import_file(path)  # the coach brings it back on purpose
    assert store.get_session(first.id).dilemma == "Night staff keep missing the huddle"
    assert ("sessions", first.id) not in set(db.rows("SELECT kind, id FROM tombstone"))


def test_every_write_is_in_the_change_log_in_order(store, db, clock) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id)
    after_start = dict(db.rows("SELECT id, seq FROM sync_change"))
    store.save_draft(draft.id, title="x")
    log = dict(db.rows("SELECT id, seq FROM sync_change"))
    assert log[draft.id] > after_start[draft.id] > after_start[team.id]
    (clock_value,) = db.rows("SELECT seq FROM sync_clock")[0]
    assert clock_value == max(log.values())
    store.delete_session(draft.id)
    (kind, seq), = db.rows("SELECT kind, seq FROM sync_change WHERE id = ?", draft.id)
    assert kind == "sessions" and seq > log[draft.id]  # the tombstone's write


@pytest.mark.parametrize("sessions", [30])
def test_demo_data_is_in_the_change_log_and_search_index(store, db, sessions) -> None:
    from coachtui.store.demo import generate_demo_data

    generate_demo_data(store, sessions=sessions, teams=3, seed=5, today=dt.date(2026, 11, 20))
    total = sum(db.rows(f"SELECT count(*) FROM {t}")[0][0] for t in (
        "team", "coaching_session", "picked_question", "custom_question", "action", "action_review"))
    assert db.rows("SELECT count(*) FROM sync_change") == [(total,)]
    # the triggers are back: a new write is logged
    team = store.list_teams()[0]
    draft = store.start_session(team.id)
    assert db.rows("SELECT count(*) FROM sync_change WHERE id = ?", draft.id) == [(1,)]
    assert store.count_sessions() == sessions + 1
