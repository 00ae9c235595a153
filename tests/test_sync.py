"""Sync: two coaches' laptops (SQLite) and one hub (PostgreSQL, and a SQLite file).

Each test checks what the databases hold afterwards, through the lossless export
(every column of every row) and the store's own reads."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from coachtui.store import NotFound, SyncFailed, open_store
from coachtui.store.types import PickedQuestionInfo, SessionFilter

HOSTILE = "[bold]x[/] \x1b[31m \x00nul \U0010fffd esc \u202eRTL 🙂 e\u0301"


def content(store) -> dict[str, list[dict]]:
    """Every record, without the per-database change counter (version)."""
    document = store.export_json()
    tables = {}
    for key in ("teams", "sessions", "picked_questions", "custom_questions", "actions", "action_reviews"):
        rows = [{k: v for k, v in row.items() if k != "version"} for row in document[key]]
        tables[key] = sorted(rows, key=lambda r: r["id"])
    return tables


def moved(report) -> dict[str, dict[str, tuple[int, int, int]]]:
    """{"pushed": {kind: (added, updated, deleted)}, "pulled": ...}, moved kinds only."""
    return {
        side: {c.kind: (c.added, c.updated, c.deleted) for c in getattr(report, side) if c.moved}
        for side in ("pushed", "pulled")
    }


def session_with_everything(store, clock, team_name="Ward 4", title="Falls at night"):
    team = store.find_team(team_name) or store.create_team(team_name)
    session = store.start_session(team.id)
    store.save_draft(session.id, title=title, dilemma=f"Night staff keep missing the huddle. {HOSTILE}")
    store.set_questions(session.id, [PickedQuestionInfo("kata-1", "Where are you heading?", "kata", note="the rota")])
    action = store.add_action(session.id, "Try a 5-minute huddle", owner="Sam", due=dt.date(2026, 11, 20))
    store.complete_session(session.id)
    clock.advance(minutes=1)
    return team, session, action


def sync_all(hub_url, *stores):
    return [store.sync(hub_url) for store in stores]


# --- round trips --------------------------------------------------------------------------


def test_a_first_sync_pushes_everything_and_a_second_moves_nothing(ana, hub_url, clock) -> None:
    team, session, action = session_with_everything(ana, clock)
    ana.add_custom_question("What would the porters say?", category="relational")
    report = ana.sync(hub_url)
    assert report.first
    assert moved(report) == {
        "pushed": {
            "teams": (1, 0, 0), "sessions": (1, 0, 0), "custom_questions": (1, 0, 0),
            "picked_questions": (1, 0, 0), "actions": (1, 0, 0),
        },
        "pulled": {},
    }
    with open_store(hub_url) as hub:
        assert content(hub) == content(ana)
        assert hub.get_session(session.id).dilemma.endswith(HOSTILE)
        assert [r.id for r in hub.search_sessions(SessionFilter("huddle")).rows] == [session.id]
    before = content(ana)
    again = ana.sync(hub_url)
    assert not again.first and not again.moved
    assert content(ana) == before
    ((hub, when),) = ana.sync_history()
    assert hub == again.hub and dt.timedelta(0) <= clock.now - when < dt.timedelta(milliseconds=1)


def test_two_laptops_end_up_with_everyone_s_sessions(ana, ben, hub_url, clock) -> None:
    session_with_everything(ana, clock, "Ward 4", "Ana's huddle")
    session_with_everything(ben, clock, "Clinic 2", "Ben's huddle")
    sync_all(hub_url, ana, ben, ana)
    assert content(ana) == content(ben)
    with open_store(hub_url) as hub:
        assert content(hub) == content(ana)
    assert sorted(r.title for r in ana.search_sessions().rows) == ["Ana's huddle", "Ben's huddle"]
    assert {t.name for t in ben.list_teams()} == {"Ward 4", "Clinic 2"}
    # coaches stay with what they wrote
    assert {r.title: r.coach for r in ben.search_sessions().rows} == {"Ana's huddle": "Ana", "Ben's huddle": "Ben"}
    for store in (ana, ben):
        assert not store.sync(hub_url).moved


def test_only_what_changed_since_the_last_sync_moves(ana, ben, hub_url, clock) -> None:
    _team, session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    ana.update_action(action.id, owner="Lee")
    report = ana.sync(hub_url)
    # the action's whole session travels with it, but only the action changed
    assert moved(report) == {"pushed": {"actions": (0, 1, 0)}, "pulled": {}}
    assert moved(ben.sync(hub_url)) == {"pushed": {}, "pulled": {"actions": (0, 1, 0)}}
    assert ben.get_action(action.id).owner == "Lee"
    assert ben.get_action(action.id).updated_by == "Ana"


def test_an_import_after_a_sync_still_reaches_the_hub(ana, ben, hub_url, clock, tmp_path) -> None:
    """Imported records keep their old updated_at; the change log still sees them."""
    session_with_everything(ana, clock, "Ward 4", "Before")
    ana.sync(hub_url)
    clock.advance(days=1)
    with open_store(str(tmp_path / "other.db"), clock=clock) as other:
        session_with_everything(other, clock, "Ward 9", "From a file")
        other.export_file(tmp_path / "old.json")
    ana.import_file(tmp_path / "old.json")
    assert moved(ana.sync(hub_url))["pushed"]["sessions"] == (1, 0, 0)
    ben.sync(hub_url)
    assert sorted(r.title for r in ben.search_sessions().rows) == ["Before", "From a file"]


# --- conflicts ------------------------------------------------------------------------------


def test_the_newest_edit_wins_on_both_sides(ana, ben, hub_url, clock) -> None:
    _team, session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    ben.update_action(action.id, text="Ben's version")  # earlier
    clock.advance(minutes=5)
    ana.update_action(action.id, text="Ana's version")  # later, synced first or last: it wins
    ben.save_draft(session.id, title="Ben renamed it")  # the session: only Ben changed it
    sync_all(hub_url, ana, ben, ana)
    for store in (ana, ben):
        assert store.get_action(action.id).text == "Ana's version"
        assert store.get_session(session.id).title == "Ben renamed it"
    assert content(ana) == content(ben)


def test_an_older_edit_pushed_later_loses_and_comes_back_corrected(ana, ben, hub_url, clock) -> None:
    _team, _session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    ben.update_action(action.id, text="older")
    clock.advance(minutes=5)
    ana.update_action(action.id, text="newer")
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    assert moved(report) == {"pushed": {}, "pulled": {"actions": (0, 1, 0)}}
    assert ben.get_action(action.id).text == "newer"
    assert not ben.sync(hub_url).moved


def test_edits_at_the_same_moment_settle_the_same_way_everywhere(ana, ben, hub_url, clock) -> None:
    _team, _session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    moment = clock.now
    clock.now = moment
    ana.update_action(action.id, text="apples")
    clock.now = moment
    ben.update_action(action.id, text="pears")
    sync_all(hub_url, ana, ben, ana)
    assert ana.get_action(action.id).text == ben.get_action(action.id).text == "pears"  # sorts last
    assert content(ana) == content(ben)


def test_a_clock_running_behind_cannot_keep_laptops_apart(ana, ben, hub_url, clock) -> None:
    """Ben's clock is an hour slow: his later edit carries an older time. The rule is
    the newest updated_at; what matters is that both sides agree afterwards."""
    _team, _session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    ana.update_action(action.id, text="Ana at 10:00")
    ana.sync(hub_url)
    clock.advance(hours=-1)
    ben.update_action(action.id, text="Ben at 09:00 by his clock")
    clock.advance(hours=1)
    sync_all(hub_url, ben, ana)
    assert ben.get_action(action.id).text == ana.get_action(action.id).text == "Ana at 10:00"
    assert content(ana) == content(ben)


def test_reviews_from_two_laptops_give_the_newest_status(ana, ben, hub_url, clock) -> None:
    _team, _session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    ana.record_review(action.id, "stuck", "no cover")
    clock.advance(hours=1)
    ben.record_review(action.id, "done", "tried twice")
    clock.advance(hours=1)
    ana.update_action(action.id, owner="Kim")  # newest action row, older review status
    sync_all(hub_url, ana, ben, ana)
    for store in (ana, ben):
        got = store.get_action(action.id)
        assert (got.status, got.owner, got.last_note) == ("done", "Kim", "tried twice")
        assert [r.status for r in store.action_history(action.id)] == ["stuck", "done"]
    assert content(ana) == content(ben)


# --- teams with the same name ----------------------------------------------------------------


def test_the_same_team_created_on_two_laptops_becomes_one(ana, ben, hub_url, clock) -> None:
    session_with_everything(ana, clock, "Ward 4", "Ana's")
    session_with_everything(ben, clock, "WARD 4", "Ben's")
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    assert report.merged_teams == (("WARD 4", "Ward 4"),)
    ana.sync(hub_url)
    for store in (ana, ben):
        (team,) = store.list_teams()
        assert team.name == "Ward 4" and team.session_count == 2
    assert content(ana) == content(ben)
    assert not ben.sync(hub_url).moved and not ana.sync(hub_url).moved


def test_renaming_onto_a_name_taken_on_the_hub_is_refused_and_changes_nothing(ana, ben, hub_url, clock) -> None:
    session_with_everything(ana, clock, "Ward 7")
    sync_all(hub_url, ana, ben)
    ana.create_team("Ward 9")
    ana.sync(hub_url)
    ward7 = ben.find_team("Ward 7")
    ben.rename_team(ward7.id, "ward 9")  # Ben has not heard of Ana's new team
    with open_store(hub_url) as hub:
        hub_before = content(hub)
    ben_before = content(ben)
    with pytest.raises(SyncFailed, match="rename one of them and sync again; nothing was changed, here or on the hub"):
        ben.sync(hub_url)
    with open_store(hub_url) as hub:
        assert content(hub) == hub_before
    assert content(ben) == ben_before
    ben.rename_team(ward7.id, "Ward 10")
    sync_all(hub_url, ben, ana)
    assert sorted(t.name for t in ana.list_teams()) == ["Ward 10", "Ward 9"]
    assert content(ana) == content(ben)


# --- deletions ------------------------------------------------------------------------------


def test_a_deleted_session_is_deleted_everywhere(ana, ben, hub_url, clock) -> None:
    _team, session, action = session_with_everything(ana, clock)
    keep = session_with_everything(ana, clock, title="Keep me")[1]
    sync_all(hub_url, ana, ben)
    clock.advance(minutes=1)
    ben.delete_session(session.id)
    report = ben.sync(hub_url)
    assert moved(report)["pushed"] == {"sessions": (0, 0, 1), "picked_questions": (0, 0, 1), "actions": (0, 0, 1)}
    report = ana.sync(hub_url)
    assert moved(report)["pulled"] == {"sessions": (0, 0, 1), "picked_questions": (0, 0, 1), "actions": (0, 0, 1)}
    for store in (ana, ben):
        with pytest.raises(NotFound, match="Ben deleted it"):
            store.get_session(session.id)
        assert [r.id for r in store.search_sessions().rows] == [keep.id]
        assert [r.id for r in store.search_sessions(SessionFilter("huddle")).rows] == [keep.id]
    with open_store(hub_url) as hub:
        assert [r.id for r in hub.search_sessions().rows] == [keep.id]
    assert content(ana) == content(ben)
    assert not ana.sync(hub_url).moved and not ben.sync(hub_url).moved


def test_deleting_a_team_for_good_reaches_every_laptop(ana, ben, hub_url, clock) -> None:
    team, session, _action = session_with_everything(ana, clock)
    session_with_everything(ana, clock, "Clinic 2")
    sync_all(hub_url, ana, ben)
    clock.advance(minutes=1)
    ana.delete_team(team.id)
    sync_all(hub_url, ana, ben)
    for store in (ana, ben):
        assert [t.name for t in store.list_teams(include_archived=True)] == ["Clinic 2"]
        assert store.count_sessions(SessionFilter("night")) == 1  # Clinic 2's
    with open_store(hub_url) as hub:
        assert [t.name for t in hub.list_teams(include_archived=True)] == ["Clinic 2"]
        assert content(hub) == content(ben)


def test_removed_actions_unpicked_questions_and_taken_back_reviews_travel(ana, ben, hub_url, clock) -> None:
    _team, session, action = session_with_everything(ana, clock)
    other = ana.add_action(session.id, "Second action")
    later = ana.start_session(ana.find_team("Ward 4").id)
    ana.record_review(action.id, "stuck", "no cover", session_id=later.id)
    sync_all(hub_url, ana, ben)
    assert ben.get_action(action.id).status == "stuck"
    clock.advance(minutes=1)
    ben.remove_action(other.id)
    ben.set_questions(session.id, [])
    ben.clear_review(action.id, later.id)
    sync_all(hub_url, ben, ana)
    for store in (ana, ben):
        detail = store.get_session(session.id)
        assert [a.id for a in detail.actions] == [action.id]
        assert detail.questions == ()
        assert store.get_action(action.id).status == "open"
        assert store.action_history(action.id) == []
    assert content(ana) == content(ben)


def test_a_deletion_holds_against_a_later_edit_that_had_not_heard_of_it_until_kept(ana, ben, hub_url, clock) -> None:
    """Ben's edit is stamped after Ana's deletion, but he had not heard of it: the
    deletion holds and Ben's sync lists the session; keep mine brings all of it back
    (the clocks do not decide: what each laptop had synced does)."""
    from coachtui.store.sync import conflicts as conflict_module

    _team, session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    clock.advance(minutes=1)
    ana.delete_session(session.id)  # 10:01
    clock.advance(minutes=1)
    ben.save_draft(session.id, title="Still needed")  # 10:02, Ben had not heard of it
    ana.sync(hub_url)
    (listed,) = ben.sync(hub_url).conflicts
    ana.sync(hub_url)
    for store in (ana, ben):
        with pytest.raises(NotFound):
            store.get_session(session.id)
    conflict_module.resolve(ben.db, listed.id, "mine")
    ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        detail = store.get_session(session.id)
        assert detail.title == "Still needed"
        assert [a.id for a in detail.actions] == [action.id]  # the whole session came back
        assert len(detail.questions) == 1
    assert content(ana) == content(ben)
    with open_store(hub_url) as hub:
        assert content(hub) == content(ana)
    assert not ana.sync(hub_url).moved and not ben.sync(hub_url).moved


def test_a_deletion_newer_than_an_edit_elsewhere_wins(ana, ben, hub_url, clock) -> None:
    _team, session, action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    clock.advance(minutes=1)
    ben.update_action(action.id, owner="Kim")  # 10:01
    clock.advance(minutes=1)
    ana.delete_session(session.id)  # 10:02: newer than everything in the session
    ben.sync(hub_url)
    ana.sync(hub_url)
    ben.sync(hub_url)
    for store in (ana, ben):
        with pytest.raises(NotFound):
            store.get_session(session.id)
    assert content(ana) == content(ben)


def test_a_team_deleted_on_one_laptop_while_another_coached_it_lists_the_new_work(ana, ben, hub_url, clock) -> None:
    """Ben coached the team after Ana deleted it, not knowing: the deletion holds and
    Ben's sync lists the team with his new session; keep mine brings back the team
    with it (the old session stays deleted)."""
    from coachtui.store.sync import conflicts as conflict_module

    team, old, _action = session_with_everything(ana, clock, title="Old session")
    sync_all(hub_url, ana, ben)
    clock.advance(minutes=1)
    ana.delete_team(team.id)  # 10:01
    clock.advance(minutes=1)
    new = session_with_everything(ben, clock, title="New session")[1]  # 10:02, same team
    ana.sync(hub_url)
    (listed,) = ben.sync(hub_url).conflicts
    assert (listed.kind, listed.restores) == ("teams", "mine")
    assert ben.list_teams() == []
    conflict_module.resolve(ben.db, listed.id, "mine")
    sync_all(hub_url, ben, ana)
    for store in (ana, ben):
        assert [t.name for t in store.list_teams()] == ["Ward 4"]
        assert [r.id for r in store.search_sessions().rows] == [new.id]  # the old one stays deleted
    assert content(ana) == content(ben)


# --- failures ------------------------------------------------------------------------------


def test_an_unreachable_hub_is_one_line_and_nothing_changes_here(ana, clock) -> None:
    session_with_everything(ana, clock)
    path = Path(ana.target.path)
    before_content = content(ana)
    ana.close()
    before = path.read_bytes()
    with open_store(str(path), clock=clock, coach="Ana") as again:
        with pytest.raises(SyncFailed) as failed:
            again.sync("postgresql://coach:secret@127.0.0.1:9/hub")
        assert content(again) == before_content
    message = str(failed.value)
    assert "\n" not in message and "secret" not in message
    assert message.startswith("cannot sync: cannot reach the database at postgresql+psycopg://coach:***@127.0.0.1:9/hub")
    assert message.endswith("nothing was changed here")
    assert path.read_bytes() == before


@pytest.mark.postgres
def test_a_connection_lost_in_the_middle_of_a_sync_leaves_both_sides_as_they_were(ana, ben, pg, clock) -> None:
    from coachtui.store import sync as sync_module

    hub_url = pg.new_url()
    session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    _team, session, _action = session_with_everything(ben, clock, title="Second")
    with open_store(hub_url) as hub:
        hub_before = content(hub)
    ben_before = content(ben)

    real_apply = sync_module.apply

    def apply_then_cut(conn, incoming, *, adopt_teams):
        result = real_apply(conn, incoming, adopt_teams=adopt_teams)
        if not adopt_teams:  # the hub's side, written but not committed: cut the line
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with pg.connect() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return result

    sync_module.apply = apply_then_cut
    try:
        with pytest.raises(SyncFailed) as failed:
            ben.sync(hub_url)
    finally:
        sync_module.apply = real_apply
    assert "\n" not in str(failed.value)
    assert "nothing was changed, here or on the hub: run sync again" in str(failed.value)
    with open_store(hub_url) as hub:
        assert content(hub) == hub_before
    assert content(ben) == ben_before
    report = ben.sync(hub_url)
    assert moved(report)["pushed"]["sessions"] == (1, 0, 0)
    ana.sync(hub_url)
    assert ana.get_session(session.id).title == "Second"


def test_a_failure_after_the_hub_committed_is_finished_by_the_next_sync(ana, ben, hub_url, clock, monkeypatch) -> None:
    from coachtui.store import sync as sync_module

    session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben_before = content(ben)
    real_apply = sync_module.apply

    def fail_here(conn, incoming, *, adopt_teams):
        if adopt_teams:  # this laptop's side
            from coachtui.store.errors import DiskFull

            raise DiskFull("The disk is full: cannot save to ben.db; free some space and try again.")
        return real_apply(conn, incoming, adopt_teams=adopt_teams)

    monkeypatch.setattr(sync_module, "apply", fail_here)
    with pytest.raises(SyncFailed, match="has this database's changes, but saving the hub's here failed: the disk is full"):
        ben.sync(hub_url)
    assert content(ben) == ben_before
    monkeypatch.setattr(sync_module, "apply", real_apply)
    ben.sync(hub_url)
    assert content(ben) == content(ana)


def test_a_coach_saving_during_a_sync_loses_nothing(ana, ben, hub_url, clock, monkeypatch) -> None:
    """A save that lands between reading the changes and applying the hub's is sent
    by the next sync (and what came from the hub goes back as a no-op)."""
    from coachtui.store import sync as sync_module

    _team, session, _action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    real_apply = sync_module.apply
    saved = threading.Event()

    def save_meanwhile(conn, incoming, *, adopt_teams):
        if not adopt_teams and not saved.is_set():
            saved.set()
            ben.save_draft(session.id, context="typed during the sync")  # another thread in the app
        return real_apply(conn, incoming, adopt_teams=adopt_teams)

    monkeypatch.setattr(sync_module, "apply", save_meanwhile)
    ben.sync(hub_url)
    monkeypatch.setattr(sync_module, "apply", real_apply)
    assert moved(ben.sync(hub_url))["pushed"] == {"sessions": (0, 1, 0)}
    ana.sync(hub_url)
    assert ana.get_session(session.id).context == "typed during the sync"
    assert not ben.sync(hub_url).moved


def test_the_hub_refuses_itself(ana) -> None:
    with pytest.raises(SyncFailed, match="is this database itself"):
        ana.sync(str(ana.target.path))


@pytest.mark.sqlite_only
def test_a_full_sync_repairs_a_hub_restored_from_an_old_copy(ana, hub_url, clock) -> None:
    session_with_everything(ana, clock, title="One")
    ana.sync(hub_url)
    old_copy = Path(hub_url).read_bytes()
    session_with_everything(ana, clock, title="Two")
    ana.sync(hub_url)
    for suffix in ("-wal", "-shm"):
        Path(hub_url + suffix).unlink(missing_ok=True)
    Path(hub_url).write_bytes(old_copy)  # the hub put back from last week's backup
    # the hub's change counter went back: the sync compares everything by itself
    assert moved(ana.sync(hub_url))["pushed"]["sessions"] == (1, 0, 0)
    with open_store(hub_url) as hub:
        assert sorted(r.title for r in hub.search_sessions().rows) == ["One", "Two"]
    assert not ana.sync(hub_url, full=True).moved


def test_the_same_question_written_or_picked_on_two_laptops_is_kept_once(ana, ben, hub_url, clock) -> None:
    _team, session, _action = session_with_everything(ana, clock)
    sync_all(hub_url, ana, ben)
    ana.add_custom_question("What would the porters say?")
    ana.set_questions(session.id, [PickedQuestionInfo("kata-2", "Q2", "kata", note="Ana's note")])
    clock.advance(minutes=1)
    ben.add_custom_question("What would the porters say?")
    ben.set_questions(session.id, [PickedQuestionInfo("kata-2", "Q2", "kata", note="Ben's note")])
    sync_all(hub_url, ana, ben, ana)
    for store in (ana, ben):
        assert [q.text for q in store.list_custom_questions()] == ["What would the porters say?"]
        (picked,) = store.get_session(session.id).questions
        assert (picked.question_id, picked.note) == ("kata-2", "Ben's note")  # the newer pick
    assert content(ana) == content(ben)
    assert not ana.sync(hub_url).moved and not ben.sync(hub_url).moved
