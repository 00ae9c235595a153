"""Two coaches on one database (two windows, or two laptops on the hub) never
silently overwrite each other: a write that names the version it was based on is
refused when someone changed the record since, and says who."""

from __future__ import annotations

import threading

import pytest

from coachtui.store import NotFound, StaleRecord, open_store
from coachtui.store.types import PickedQuestionInfo


@pytest.fixture
def two(database_url, clock):
    ana = open_store(database_url, clock=clock, coach="Ana")
    ben = open_store(database_url, clock=clock, coach="Ben")
    try:
        yield ana, ben
    finally:
        ana.close()
        ben.close()


def a_team_with_an_action(store):
    team = store.create_team("Ward 4")
    session = store.start_session(team.id)
    action = store.add_action(session.id, "Try the 5-minute huddle", owner="Sam")
    return team, session, action


def test_the_second_writer_is_told_who_changed_the_action_and_nothing_is_lost(two, db) -> None:
    ana, ben = two
    _team, _session, action = a_team_with_an_action(ana)
    seen_by_ana = ana.get_action(action.id)
    seen_by_ben = ben.get_action(action.id)
    saved = ben.update_action(action.id, owner="Lee", expected_version=seen_by_ben.version)
    assert saved.version == seen_by_ben.version + 1 and saved.updated_by == "Ben"
    with pytest.raises(StaleRecord) as stale:
        ana.update_action(action.id, text="Ana's text", expected_version=seen_by_ana.version)
    error = stale.value
    assert str(error) == "Ben changed this action since you opened it; reload it to see the change."
    assert (error.kind, error.record_id, error.changed_by) == ("action", action.id, "Ben")
    assert (error.expected_version, error.current_version) == (seen_by_ana.version, saved.version)
    assert error.retryable is False
    assert db.rows("SELECT text, owner FROM action WHERE id = ?", action.id) == [("Try the 5-minute huddle", "Lee")]
    # reload, redo: it works
    fresh = ana.get_action(action.id)
    assert (fresh.owner, fresh.version) == ("Lee", saved.version)
    done = ana.update_action(action.id, text="Ana's text", expected_version=fresh.version)
    assert (done.text, done.owner, done.updated_by) == ("Ana's text", "Lee", "Ana")


def test_reviews_check_the_action_version_and_report_the_new_one(two) -> None:
    ana, ben = two
    _team, _session, action = a_team_with_an_action(ana)
    first = ben.record_review(action.id, "in_progress", "started", expected_version=action.version)
    assert first.action_version == action.version + 1 and first.coach == "Ben"
    with pytest.raises(StaleRecord, match="^Ben changed this action"):
        ana.record_review(action.id, "done", expected_version=action.version)
    assert ana.get_action(action.id).status == "in_progress"
    ana.record_review(action.id, "done", expected_version=first.action_version)
    assert ben.get_action(action.id).status == "done"
    with pytest.raises(StaleRecord):
        ben.remove_action(action.id, expected_version=first.action_version)


def test_drafts_teams_and_sessions_check_versions_too(two) -> None:
    ana, ben = two
    team, session, _action = a_team_with_an_action(ana)
    detail = ana.get_session(session.id)
    ana.save_draft(session.id, title="one", expected_version=detail.version)
    ana.save_draft(session.id, title="two", expected_version=detail.version + 1)  # +1 per save
    with pytest.raises(StaleRecord, match="^Ana changed this session"):
        ben.save_draft(session.id, title="stale", expected_version=detail.version)
    with pytest.raises(StaleRecord):
        ben.set_questions(session.id, [PickedQuestionInfo("kata-1", "Q", "kata")], expected_version=detail.version)
    with pytest.raises(StaleRecord):
        ben.complete_session(session.id, expected_version=detail.version)
    assert ana.get_session(session.id).title == "two"
    info = ben.get_team(team.id)
    ana.rename_team(team.id, "Ward Four", expected_version=info.version)
    with pytest.raises(StaleRecord, match="^Ana changed this team"):
        ben.archive_team(team.id, expected_version=info.version)
    with pytest.raises(StaleRecord):
        ben.delete_team(team.id, expected_version=info.version)
    assert ben.get_team(team.id).name == "Ward Four"
    # without expected_version, writes go through as before (autosave of one's own draft)
    ben.save_draft(session.id, context="no check")
    assert ana.get_session(session.id).context == "no check"


def test_a_draft_save_that_changes_nothing_is_neither_written_nor_refused(two) -> None:
    """Two windows open one draft; each saves the suggestion it computed, the same one.
    The second is not "changed by someone else": nothing it saves is new. A save
    with anything new still is refused, and the version is the one left by Ana."""
    ana, ben = two
    _team, session, _action = a_team_with_an_action(ana)
    seen = ana.get_session(session.id).version  # what both windows loaded
    ana.save_draft(session.id, suggested_category="environment", title="Rota", expected_version=seen)
    assert ben.save_draft(session.id, suggested_category="environment", title="Rota", expected_version=seen) is None
    assert ana.get_session(session.id).version == seen + 1  # nothing written by Ben
    with pytest.raises(StaleRecord, match="^Ana changed this session"):
        ben.save_draft(session.id, suggested_category="environment", title="new", expected_version=seen)


def test_where_a_window_is_and_what_it_suggests_do_not_make_the_other_window_stale(two) -> None:
    """Two windows open one draft at the same moment. Ben's window works out a new
    suggestion and moves to the next step: neither is anything Ana's window could
    overwrite, so Ana's typing right after is saved, not refused as "Ben changed
    this session". A suggestion worked out from an older read is not written over
    newer words; the step goes where the last window went."""
    ana, ben = two
    _team, session, _action = a_team_with_an_action(ana)
    seen = ana.get_session(session.id).version  # what both windows loaded
    ben.save_draft(session.id, suggested_category="relational", suggestion_reasons=["ward"], expected_version=seen)
    ben.save_draft(session.id, step="category", expected_version=seen)
    ana.save_draft(session.id, dilemma="Night shift misses the huddle.", expected_version=seen)
    saved = ana.get_session(session.id)
    assert (saved.dilemma, saved.version) == ("Night shift misses the huddle.", seen + 1)
    assert (saved.suggested_category, saved.step) == ("relational", "category")
    # Ben's window is now behind Ana's words: its suggestion from the older text is
    # not written, its step still is, and his typing is refused as before.
    ben.save_draft(session.id, suggested_category="capability", step="actions", expected_version=seen)
    saved = ana.get_session(session.id)
    assert (saved.suggested_category, saved.step, saved.version) == ("relational", "actions", seen + 1)
    with pytest.raises(StaleRecord, match="^Ana changed this session"):
        ben.save_draft(session.id, dilemma="Ben's words", expected_version=seen)


def test_a_record_deleted_meanwhile_says_who_deleted_it(two) -> None:
    ana, ben = two
    _team, session, action = a_team_with_an_action(ana)
    ben.remove_action(action.id)
    with pytest.raises(NotFound, match=r"^That action no longer exists: Ben deleted it\.$"):
        ana.update_action(action.id, text="too late", expected_version=action.version)
    ben.delete_session(session.id)
    with pytest.raises(NotFound, match="Ben deleted it"):
        ana.save_draft(session.id, title="too late")


def test_concurrent_writers_never_lose_an_update(database_url) -> None:
    """Eight threads in two stores edit one action, each retrying on StaleRecord: every
    edit lands exactly once (the version counts them all)."""
    stores = [open_store(database_url, coach=name) for name in ("Ana", "Ben")]
    try:
        _team, _session, action = a_team_with_an_action(stores[0])
        errors: list[BaseException] = []

        def edit(store, index: int) -> None:
            try:
                for n in range(5):
                    while True:
                        current = store.get_action(action.id)
                        try:
                            store.update_action(
                                action.id, text=current.text + f" {index}.{n}", expected_version=current.version
                            )
                            break
                        except StaleRecord:
                            continue
            except BaseException as exc:  # noqa: BLE001 - a thread's failure is reported below
                errors.append(exc)

        threads = [threading.Thread(target=edit, args=(stores[i % 2], i)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        final = stores[1].get_action(action.id)
        assert final.version == action.version + 40
        assert sorted(final.text.split()[4:]) == sorted(f"{i}.{n}" for i in range(8) for n in range(5))
    finally:
        for store in stores:
            store.close()


def test_a_change_from_the_coachs_own_other_window_is_said_as_such(database_url, clock) -> None:
    """Found by a tester: "Ana Coach changed this session since you opened it", read
    by Ana Coach, names herself as if she were someone else."""
    here = open_store(database_url, clock=clock, coach="Ana Coach")
    other_window = open_store(database_url, clock=clock, coach="Ana  Coach")  # the same coach
    try:
        _team, session, action = a_team_with_an_action(here)
        seen = here.get_action(action.id)
        other_window.update_action(action.id, owner="Lee", expected_version=seen.version)
        with pytest.raises(StaleRecord) as stale:
            here.update_action(action.id, text="Mine", expected_version=seen.version)
        assert str(stale.value) == (
            "This action was changed in another window (Ana Coach) since you opened it; reload it to see the change."
        )
        assert stale.value.by_you and stale.value.changed_by == "Ana  Coach"
        from coachtui.session.conflicts import Conflict
        from coachtui.session.saver import conflict_line

        assert conflict_line(stale.value) == "this action was changed in another window (Ana Coach) first"
        conflict = Conflict("edit", action.id, session.id, stale.value)
        assert conflict.who == "your other window"
    finally:
        here.close()
        other_window.close()
