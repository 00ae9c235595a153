"""Sync merges field by field, survives wrong clocks and leaves unchanged data alone
(issue 18): two laptops (SQLite) and a hub (a SQLite file, and PostgreSQL).

Each test checks what the databases hold afterwards."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from coachtui.store import open_store
from coachtui.store.types import SessionFilter
from index_check import assert_in_step
from test_sync import content, session_with_everything

REWRITE = "Night staff miss the huddle because it clashes with the drug round; move it."  # 48+ characters


def hub_content(hub_url: str) -> dict[str, list[dict]]:
    with open_store(hub_url) as hub:
        return content(hub)


def conflicts(store) -> list[dict]:
    from coachtui.store.sync import conflicts as conflict_module

    return [c.as_dict() for c in conflict_module.list_conflicts(store.db)]


# --- 1. field by field ------------------------------------------------------------------------


def test_a_rewritten_dilemma_and_a_new_title_from_two_laptops_both_survive(ana, ben, hub_url, clock) -> None:
    _team, session, _action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ana.save_draft(session.id, dilemma=REWRITE)
    clock.advance(minutes=5)
    ben.save_draft(session.id, title="Huddle clash")  # later, and only the title
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        got = store.get_session(session.id)
        assert (got.title, got.dilemma) == ("Huddle clash", REWRITE)
    assert content(ana) == content(ben) == hub_content(hub_url)
    assert report.merged == 1 and report.conflicts == ()
    assert conflicts(ana) == conflicts(ben) == []
    assert not ana.sync(hub_url).moved and not ben.sync(hub_url).moved


def test_an_action_s_text_and_its_owner_changed_on_two_laptops_both_survive(ana, ben, hub_url, clock) -> None:
    _team, _session, action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ben.update_action(action.id, text="Try a 5-minute huddle at 21:45, before the drug round")
    clock.advance(minutes=5)
    ana.update_action(action.id, owner="Kim")  # later, whole-record newest
    ben.sync(hub_url)
    ana.sync(hub_url)
    ben.sync(hub_url)
    for store in (ana, ben):
        got = store.get_action(action.id)
        assert (got.text, got.owner) == ("Try a 5-minute huddle at 21:45, before the drug round", "Kim")
    assert content(ana) == content(ben) == hub_content(hub_url)


def test_a_field_changed_on_both_sides_keeps_the_newer_and_shows_the_other(ana, ben, hub_url, clock) -> None:
    _team, session, _action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ana.save_draft(session.id, dilemma="Ana's rewrite of the dilemma")
    clock.advance(minutes=5)
    ben.save_draft(session.id, dilemma="Ben's rewrite of the dilemma")  # newer
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        assert store.get_session(session.id).dilemma == "Ben's rewrite of the dilemma"
    assert content(ana) == content(ben) == hub_content(hub_url)
    (found,) = report.conflicts
    assert (found.kind, found.record_id, found.field) == ("sessions", session.id, "dilemma")
    # Ben synced second: his laptop lists the conflict, with both texts
    (listed,) = conflicts(ben)
    assert listed["mine"] == "Ben's rewrite of the dilemma" and listed["theirs"] == "Ana's rewrite of the dilemma"
    assert listed["kept"] == "mine" and listed["theirs_by"] == "Ana"
    from coachtui.commands.sync import report_lines

    text = "\n".join(report_lines(report))
    assert "conflict" in text and "Ana's rewrite of the dilemma" in text


def test_keep_both_after_a_conflict_keeps_both_texts_everywhere(ana, ben, hub_url, clock) -> None:
    from coachtui.store.sync import conflicts as conflict_module

    _team, session, _action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ana.save_draft(session.id, dilemma="Ana's words")
    clock.advance(minutes=5)
    ben.save_draft(session.id, dilemma="Ben's words")
    ana.sync(hub_url)
    ben.sync(hub_url)
    (listed,) = conflicts(ben)
    conflict_module.resolve(ben.db, listed["id"], "both")
    assert conflicts(ben) == []
    ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        dilemma = store.get_session(session.id).dilemma
        assert "Ana's words" in dilemma and "Ben's words" in dilemma
    assert content(ana) == content(ben) == hub_content(hub_url)


@pytest.mark.parametrize("choice", ["mine", "theirs", "both"])
def test_a_session_completed_again_on_two_laptops_is_settled_without_a_traceback(
    ana, ben, hub_url, clock, choice
) -> None:
    """Found by trying it: settling a conflict on a time (completed_at) raised
    "'str' object has no attribute 'tzinfo'" and the conflict stayed for good."""
    from coachtui.store.sync import conflicts as conflict_module

    _team, session, _action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    for store in (ana, ben):
        store.reopen_session(session.id)
        store.save_draft(session.id, context=f"{store.coach} amended it")
        clock.advance(minutes=3)
        store.complete_session(session.id)
    ana.sync(hub_url)
    ben.sync(hub_url)
    waiting = conflicts(ben)
    assert waiting and all(c["field"] for c in waiting)
    for listed in waiting:
        conflict_module.resolve(ben.db, listed["id"], choice)
    assert conflicts(ben) == []
    assert ben.get_session(session.id).status == "completed"
    ben.sync(hub_url)
    ana.sync(hub_url)
    assert content(ana) == content(ben) == hub_content(hub_url)


# --- 2. wrong clocks ------------------------------------------------------------------------


def test_a_laptop_two_hours_fast_does_not_beat_a_later_edit(tmp_path: Path, hub_url) -> None:
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        fast = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # noqa: E731
        with open_store(str(tmp_path / "a.db"), clock=fast, coach="Ana") as ana, open_store(
            str(tmp_path / "b.db"), coach="Ben"
        ) as ben:
            team = ana.create_team("Ward 4")
            session = ana.start_session(team.id)
            ana.save_draft(session.id, title="First title")
            ana.sync(hub_url)
            ben.sync(hub_url)
            traveller.shift(dt.timedelta(minutes=10))
            ben.save_draft(session.id, title="Ben's later title")  # genuinely later, correct clock
            ben.sync(hub_url)
            ana.sync(hub_url)
            for store in (ana, ben):
                assert store.get_session(session.id).title == "Ben's later title"
            assert content(ana) == content(ben) == hub_content(hub_url)


@pytest.mark.parametrize("first", ["ana", "ben"])
def test_a_laptop_two_hours_fast_does_not_win_a_clash_with_a_later_edit(tmp_path: Path, hub_url, first) -> None:
    """Ana's computer runs two hours fast (time-machine moves it, while she works);
    she and Ben retitle the session before either has the other's title, Ben after
    Ana synced or just after her edit. Whichever laptop syncs first, Ben's later title
    holds everywhere and Ana's is listed. The hub's clock is the reference: a
    PostgreSQL server's, or that of the file system keeping a hub file (neither
    travels with this process)."""
    fast = dt.timedelta(hours=2)
    with open_store(str(tmp_path / "a.db"), coach="Ana") as ana, open_store(str(tmp_path / "b.db"), coach="Ben") as ben:
        with time_machine.travel(dt.datetime.now(dt.UTC) + fast):
            team = ana.create_team("Ward 4")
            session = ana.start_session(team.id)
            ana.save_draft(session.id, title="First title")
            ana.sync(hub_url)
        ben.sync(hub_url)
        with time_machine.travel(dt.datetime.now(dt.UTC) + fast):
            ana.save_draft(session.id, title="Ana's title, two hours fast")
            if first == "ana":
                report = ana.sync(hub_url)
                assert report.skew is not None and report.clock_off and report.skew > fast - dt.timedelta(minutes=1)
        ben.save_draft(session.id, title="Ben's title, genuinely later")
        ben.sync(hub_url)
        with time_machine.travel(dt.datetime.now(dt.UTC) + fast):
            ana.sync(hub_url)
        ben.sync(hub_url)
        for store in (ana, ben):
            assert store.get_session(session.id).title == "Ben's title, genuinely later"
        assert content(ana) == content(ben) == hub_content(hub_url)
        listed = [c for c in conflicts(ana) + conflicts(ben) if c["field"] == "title"]
        assert {c["mine"] if c["kept"] == "theirs" else c["theirs"] for c in listed} == {"Ana's title, two hours fast"}
        with open_store(hub_url) as hub:  # nothing on the hub is stamped in Ana's future
            assert hub.get_session(session.id).updated_at <= dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)


def test_a_fast_clock_is_reported_and_its_stamps_clamped_on_the_hub(tmp_path: Path, hub_url) -> None:
    """Both hubs: a PostgreSQL server's clock, or that of the file system keeping a hub file."""
    fast = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # noqa: E731
    with open_store(str(tmp_path / "a.db"), clock=fast, coach="Ana") as ana, open_store(
        str(tmp_path / "b.db"), coach="Ben"
    ) as ben:
        team = ana.create_team("Ward 4")
        session = ana.start_session(team.id)
        ana.save_draft(session.id, title="First")
        ana.sync(hub_url)
        ben.sync(hub_url)
        ana.save_draft(session.id, title="Ana, two hours fast")
        ben.save_draft(session.id, title="Ben, a moment later")  # concurrent, but genuinely later
        report = ana.sync(hub_url)
        assert report.skew is not None and dt.timedelta(hours=1, minutes=59) < report.skew < dt.timedelta(hours=2, minutes=1)
        from coachtui.commands.sync import report_lines

        assert any("ahead" in line for line in report_lines(report))
        with open_store(hub_url) as hub:
            assert hub.get_session(session.id).updated_at <= dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
        ben.sync(hub_url)
        ana.sync(hub_url)
        for store in (ana, ben):
            assert store.get_session(session.id).title == "Ben, a moment later"
        (listed,) = conflicts(ben)
        assert listed["theirs"] == "Ana, two hours fast"
        assert content(ana) == content(ben) == hub_content(hub_url)


def test_a_record_stamped_2099_does_not_make_later_edits_revert(ana, ben, hub_url, clock, tmp_path) -> None:
    _team, session, action = session_with_everything(ana, clock)
    document = ana.export_json()
    for row in document["sessions"] + document["actions"]:
        row["updated_at"] = "2099-01-01T00:00:00.000000Z"
    (tmp_path / "future.json").write_text(json.dumps(document))
    with open_store(str(tmp_path / "other.db"), clock=clock, coach="Cy") as other:
        other.import_file(tmp_path / "future.json")
        assert other.get_session(session.id).updated_at <= clock.now  # clamped on import
    # Ana's own copy is stamped 2099 already (an import from before the clamp)
    with ana.db.write() as orm:
        orm.connection().exec_driver_sql("UPDATE coaching_session SET updated_at = '2099-01-01 00:00:00.000000'")
        orm.connection().exec_driver_sql("UPDATE action SET updated_at = '2099-01-01 00:00:00.000000'")
    ana.sync(hub_url)
    ben.sync(hub_url)
    clock.advance(minutes=5)
    ben.save_draft(session.id, title="Edited in 2026")
    ben.update_action(action.id, owner="Kim")
    ben.sync(hub_url)
    ana.sync(hub_url)
    ben.sync(hub_url)
    for store in (ana, ben):
        assert store.get_session(session.id).title == "Edited in 2026"
        assert store.get_action(action.id).owner == "Kim"
    assert content(ana) == content(ben) == hub_content(hub_url)
    with open_store(hub_url) as hub:
        assert hub.get_session(session.id).updated_at < dt.datetime(2099, 1, 1, tzinfo=dt.UTC)


# --- 3. identity on unchanged data ------------------------------------------------------------------------


def test_a_first_sync_of_the_demo_data_changes_nothing(tmp_path: Path, hub_url) -> None:
    from coachtui.store.demo import generate_demo_data

    with open_store(str(tmp_path / "demo.db"), coach="Demo coach") as demo:
        # this seed holds an action whose newest review by time is not the one that
        # set its status (a review from the tracker stamped after a later session's)
        generate_demo_data(demo, sessions=500, teams=2, seed=7, today=dt.date(2026, 12, 6))
        before = content(demo)
        demo.sync(hub_url)
        assert content(demo) == before
        assert hub_content(hub_url) == before


@pytest.mark.sqlite_only
def test_a_hub_restored_from_an_old_copy_does_not_revert_edits(ana, hub_url, clock) -> None:
    """The laptop's last synced version is newer than the restored hub's: the edit it
    pushed before the restore is not taken for the hub's own change."""
    _team, session, _action = session_with_everything(ana, clock, title="One")
    ana.sync(hub_url)
    old_copy = Path(hub_url).read_bytes()
    clock.advance(minutes=1)
    ana.save_draft(session.id, title="One, renamed")
    ana.sync(hub_url)
    for suffix in ("-wal", "-shm"):
        Path(hub_url + suffix).unlink(missing_ok=True)
    Path(hub_url).write_bytes(old_copy)
    ana.sync(hub_url)
    assert ana.get_session(session.id).title == "One, renamed"
    assert hub_content(hub_url) == content(ana)


# --- 4. many records at once ------------------------------------------------------------------------


def test_a_bulk_push_keeps_the_search_index_and_the_change_log(tmp_path: Path, hub_url) -> None:
    """Hundreds of records are written with the triggers off and their work done in
    bulk: search finds the same everywhere, and the triggers are back afterwards."""
    from coachtui.store.demo import generate_demo_data
    from coachtui.store.sync import bulk

    with open_store(str(tmp_path / "a.db"), coach="Ana") as ana, open_store(str(tmp_path / "b.db"), coach="Ben") as ben:
        generate_demo_data(ana, sessions=120, teams=4, seed=3, today=dt.date(2026, 12, 6))
        assert sum(len(rows) for rows in content(ana).values()) >= bulk.BULK_ROWS
        ana.sync(hub_url)
        ben.sync(hub_url)
        words = ("huddle", "rota", "parents", "falls")
        expected = {word: sorted(r.id for r in ana.search_sessions(SessionFilter(word)).rows) for word in words}
        assert any(expected.values())
        with open_store(hub_url) as hub:
            assert {word: sorted(r.id for r in hub.search_sessions(SessionFilter(word)).rows) for word in words} == expected
        assert {word: sorted(r.id for r in ben.search_sessions(SessionFilter(word)).rows) for word in words} == expected
        assert content(ana) == content(ben) == hub_content(hub_url)
        # Ben's index, written in bulk, holds exactly what his tables say: team names,
        # coaches and review notes too (they are searched)
        assert assert_in_step(tmp_path / "b.db") == len(content(ben)["sessions"])
        team = ana.list_teams()[0]
        assert ben.count_sessions(SessionFilter(team.name + " ")) == ana.count_sessions(SessionFilter(team_id=team.id))
        # the triggers are back: one ordinary edit on Ben's laptop travels
        first = ben.search_sessions().rows[0]
        ben.save_draft(first.id, title="Zebra crossing")
        ben.rename_team(first.team_id, "Quokka ward")
        ben.sync(hub_url)
        ana.sync(hub_url)
        assert [r.id for r in ana.search_sessions(SessionFilter("zebra")).rows] == [first.id]
        assert ana.count_sessions(SessionFilter("quokka")) == ana.count_sessions(SessionFilter(team_id=first.team_id))


def test_a_record_brought_back_by_a_bulk_write_loses_its_tombstone(tmp_path: Path, hub_url, clock) -> None:
    from coachtui.store.demo import generate_demo_data

    with open_store(str(tmp_path / "a.db"), clock=clock, coach="Ana") as ana, open_store(
        str(tmp_path / "b.db"), clock=clock, coach="Ben"
    ) as ben:
        generate_demo_data(ana, sessions=120, teams=4, seed=3, today=dt.date(2026, 11, 1))
        ana.sync(hub_url)
        ben.sync(hub_url)
        session = ana.search_sessions().rows[0]
        clock.advance(minutes=1)
        ben.delete_session(session.id)
        ben.sync(hub_url)
        clock.advance(minutes=1)
        ana.save_draft(session.id, title="Still needed")  # later than the deletion
        ana.sync(hub_url, full=True)  # everything again: a bulk write on the hub
        ben.sync(hub_url)
        for store in (ana, ben):
            assert store.get_session(session.id).title == "Still needed"
        assert content(ana) == content(ben) == hub_content(hub_url)
        with open_store(hub_url) as hub, hub.db.read() as orm:
            from coachtui.store.sync import changes

            assert changes.tombstone_of(orm.connection(), "sessions", session.id) is None


def _lost_conflict(winner, loser, hub_url: str, clock, field: str, lost: str, won: str):  # type: ignore[no-untyped-def]
    """Both laptops have a session; ``loser`` changes ``field`` and syncs first, then
    ``winner``'s later change of it wins on the hub. Returns the session."""
    _team, session, _action = session_with_everything(winner, clock)
    winner.sync(hub_url)
    loser.sync(hub_url)
    loser.save_draft(session.id, **{field: lost})
    clock.advance(minutes=5)
    winner.save_draft(session.id, **{field: won})  # newer
    loser.sync(hub_url)
    winner.sync(hub_url)
    return session


def test_the_coach_whose_text_lost_a_conflict_is_told_on_their_own_laptop(ana, ben, hub_url, clock) -> None:
    """Ben edited first and synced first; Ana's later edit of the same field wins when
    she syncs. Ben's laptop lists the conflict at his next sync (his text kept there to
    choose from), not only Ana's; keeping both then reaches everyone."""
    from coachtui.store.sync import conflicts as conflict_module

    session = _lost_conflict(ana, ben, hub_url, clock, "dilemma", "Ben's rewrite of the dilemma",
                             "Ana's later rewrite of the dilemma")  # Ana's wins on the hub; her laptop lists it
    assert [(c["mine"], c["kept"]) for c in conflicts(ana)] == [("Ana's later rewrite of the dilemma", "mine")]
    report = ben.sync(hub_url)
    assert ben.get_session(session.id).dilemma == "Ana's later rewrite of the dilemma"
    (listed,) = conflicts(ben)
    assert (listed["kind"], listed["record_id"], listed["field"]) == ("sessions", session.id, "dilemma")
    assert listed["mine"] == "Ben's rewrite of the dilemma"
    assert listed["theirs"] == "Ana's later rewrite of the dilemma"
    assert listed["kept"] == "theirs" and listed["theirs_by"] == "Ana"
    assert [c.field for c in report.conflicts] == ["dilemma"]
    # told once: later syncs do not list it again
    assert ben.sync(hub_url).conflicts == () and len(conflicts(ben)) == 1
    conflict_module.resolve(ben.db, listed["id"], "both")
    for store in (ben, ana, ben):
        store.sync(hub_url)
    both = "Ana's later rewrite of the dilemma\n\nBen's rewrite of the dilemma"
    assert ana.get_session(session.id).dilemma == ben.get_session(session.id).dilemma == both
    assert content(ana) == content(ben) == hub_content(hub_url)


def _hub_notes(hub_url: str) -> list[tuple[str, str, str]]:
    """The hub's notes of values that lost there: (field, lost value, by)."""
    from coachtui.store.sync import conflicts as conflict_module
    from coachtui.store.sync.tables import CONFLICT

    with open_store(hub_url) as hub, hub.db.read() as session:
        rows = session.connection().execute(
            CONFLICT.select().where(CONFLICT.c.hub == conflict_module.LOST).order_by(CONFLICT.c.found_at)
        ).all()
    return [(row.field, json.loads(row.mine), row.mine_by) for row in rows]


def test_the_hub_forgets_a_lost_value_once_its_coach_was_told_and_not_before(
    ana, ben, hub_url, clock, tmp_path: Path
) -> None:
    """The hub keeps Ben's lost text while Ben has not synced (a third laptop syncing
    does not take it away), and drops it once Ben's laptop lists it."""
    _lost_conflict(ana, ben, hub_url, clock, "dilemma", "Ben's rewrite of the dilemma", "Ana's later rewrite of the dilemma")
    assert _hub_notes(hub_url) == [("dilemma", "Ben's rewrite of the dilemma", "Ben")]
    with open_store(str(tmp_path / "cleo.db"), clock=clock, coach="Cleo") as cleo:
        cleo.sync(hub_url)
        cleo.sync(hub_url)
        assert conflicts(cleo) == []
    ana.sync(hub_url)
    assert _hub_notes(hub_url) == [("dilemma", "Ben's rewrite of the dilemma", "Ben")]  # not seen yet: kept
    ben.sync(hub_url)
    assert [c["mine"] for c in conflicts(ben)] == ["Ben's rewrite of the dilemma"]
    assert _hub_notes(hub_url) == []  # told: the hub has no more use for it
    assert ben.sync(hub_url).conflicts == () and len(conflicts(ben)) == 1


def test_a_lost_value_that_names_no_coach_stays_until_its_field_is_settled(tmp_path: Path, hub_url, clock) -> None:
    """Without names the hub cannot tell whose laptop a note is for: it stays after a
    laptop was told, and goes once the field holds another value than the one that won
    (the coach settled it), when no laptop can be told of it any more."""
    from coachtui.store.sync import conflicts as conflict_module

    with open_store(str(tmp_path / "a.db"), clock=clock) as first, open_store(str(tmp_path / "b.db"), clock=clock) as second:
        session = _lost_conflict(first, second, hub_url, clock, "context", "the second laptop's context",
                                 "the first laptop's later context")
        assert _hub_notes(hub_url) == [("context", "the second laptop's context", "")]
        second.sync(hub_url)
        (listed,) = conflicts(second)
        assert listed["mine"] == "the second laptop's context"
        assert _hub_notes(hub_url) == [("context", "the second laptop's context", "")]  # maybe others had it
        conflict_module.resolve(second.db, listed["id"], "both")
        second.sync(hub_url)
        assert _hub_notes(hub_url) == []
        first.sync(hub_url)
        assert "the second laptop's context" in first.get_session(session.id).context
        assert content(first) == content(second) == hub_content(hub_url)


@pytest.mark.parametrize("choice", ["both", "mine"])
def test_a_conflict_settled_on_one_laptop_is_no_longer_listed_on_the_other(ana, ben, hub_url, clock, choice) -> None:
    """Both laptops list the conflict (Ana's text won on the hub, Ben was told of his
    lost one); Ben settles it and syncs: once Ana syncs, her list no longer has it."""
    from coachtui.store.sync import conflicts as conflict_module

    session = _lost_conflict(ana, ben, hub_url, clock, "dilemma", "Ben's rewrite of the dilemma",
                             "Ana's later rewrite of the dilemma")
    ben.sync(hub_url)
    assert len(conflicts(ana)) == len(conflicts(ben)) == 1
    conflict_module.resolve(ben.db, conflicts(ben)[0]["id"], choice)
    ben.sync(hub_url)
    report = ana.sync(hub_url)
    assert report.conflicts == ()
    assert conflicts(ana) == conflicts(ben) == []
    dilemma = ana.get_session(session.id).dilemma
    assert "Ben's rewrite of the dilemma" in dilemma and (choice == "mine") == ("Ana's" not in dilemma)
    assert content(ana) == content(ben) == hub_content(hub_url)


def test_a_conflict_stays_listed_when_a_third_coach_writes_the_field_without_settling_it(
    ana, ben, hub_url, clock, tmp_path: Path
) -> None:
    """A later edit that is neither text (nor both) settles nothing: the list keeps it."""
    session = _lost_conflict(ana, ben, hub_url, clock, "dilemma", "Ben's rewrite", "Ana's later rewrite")
    with open_store(str(tmp_path / "cleo.db"), clock=clock, coach="Cleo") as cleo:
        cleo.sync(hub_url)
        clock.advance(minutes=1)
        cleo.save_draft(session.id, dilemma="Cleo's own take")
        cleo.sync(hub_url)
    ana.sync(hub_url)
    assert ana.get_session(session.id).dilemma == "Cleo's own take"
    assert [c["theirs"] for c in conflicts(ana)] == ["Ben's rewrite"]


# --- a deletion against an edit the deleting laptop had not seen ----------------------------------


def _deleted_while_edited(ana, ben, hub_url: str, clock, what: str):  # type: ignore[no-untyped-def]
    """Ben edits (a session's dilemma, or an action's text) since the last sync; Ana,
    later, deletes the record and syncs first; then Ben syncs. Returns (session,
    action, Ben's report)."""
    _team, session, action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    if what == "session":
        ben.save_draft(session.id, dilemma=REWRITE)
    else:
        ben.update_action(action.id, text=REWRITE)
    clock.advance(minutes=5)
    if what == "session":
        ana.delete_session(session.id)
    else:
        ana.remove_action(action.id)
    ana.sync(hub_url)
    return session, action, ben.sync(hub_url)


def _gone(store, what: str, session, action) -> bool:
    from coachtui.store import NotFound

    try:
        store.get_session(session.id) if what == "session" else store.get_action(action.id)
    except NotFound:
        return True
    return False


@pytest.mark.parametrize("what", ["session", "action"])
def test_a_deletion_against_an_unsynced_edit_is_a_conflict_that_keeps_the_edit(ana, ben, hub_url, clock, what) -> None:
    from coachtui.commands.sync import conflict_lines, report_lines

    session, action, report = _deleted_while_edited(ana, ben, hub_url, clock, what)
    # the newer deletion holds everywhere, and Ben's words are listed for him to choose
    assert all(_gone(store, what, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)
    (listed,) = report.conflicts
    kind, ident = ("sessions", session.id) if what == "session" else ("actions", action.id)
    assert (listed.kind, listed.record_id, listed.kept) == (kind, ident, "theirs")
    assert listed.theirs_by == "Ana"
    assert REWRITE in "\n".join(report_lines(report))
    from coachtui.store.sync import conflicts as conflict_module

    (waiting,) = conflict_module.list_conflicts(ben.db)
    assert waiting.id == listed.id and REWRITE in "\n".join(conflict_lines([waiting]))
    # another sync (the hub sends the deletion again) keeps it listed, once
    assert ben.sync(hub_url).conflicts == ()
    assert [c.id for c in conflict_module.list_conflicts(ben.db)] == [listed.id]
    assert conflict_module.list_conflicts(ana.db) == []


@pytest.mark.parametrize("choice", ["mine", "both"])
@pytest.mark.parametrize("what", ["session", "action"])
def test_keeping_mine_after_a_deletion_brings_the_edited_record_back_everywhere(
    ana, ben, hub_url, clock, what, choice
) -> None:
    from coachtui.store.sync import conflicts as conflict_module

    session, action, report = _deleted_while_edited(ana, ben, hub_url, clock, what)
    (listed,) = report.conflicts
    clock.advance(minutes=1)
    conflict_module.resolve(ben.db, listed.id, choice)
    assert conflict_module.list_conflicts(ben.db) == []
    ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        if what == "session":
            got = store.get_session(session.id)
            assert got.dilemma == REWRITE and [a.text for a in store.get_session(session.id).actions] == [
                "Try a 5-minute huddle"
            ]
        else:
            assert store.get_action(action.id).text == REWRITE
    assert content(ana) == content(ben) == hub_content(hub_url)
    assert not ana.sync(hub_url).moved and not ben.sync(hub_url).moved


@pytest.mark.parametrize("what", ["session", "action"])
def test_keeping_theirs_after_a_deletion_leaves_it_deleted(ana, ben, hub_url, clock, what) -> None:
    from coachtui.store.sync import conflicts as conflict_module

    session, action, report = _deleted_while_edited(ana, ben, hub_url, clock, what)
    (listed,) = report.conflicts
    conflict_module.resolve(ben.db, listed.id, "theirs")
    assert conflict_module.list_conflicts(ben.db) == []
    ben.sync(hub_url)
    ana.sync(hub_url)
    assert all(_gone(store, what, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)


def test_a_deletion_of_a_record_nobody_edited_is_no_conflict(ana, ben, hub_url, clock) -> None:
    _team, session, _action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ben.save_draft(session.id, dilemma=REWRITE)
    ben.sync(hub_url)  # Ben's edit reached the hub, and Ana saw it before deleting
    ana.sync(hub_url)
    clock.advance(minutes=5)
    ana.delete_session(session.id)
    ana.sync(hub_url)
    assert ben.sync(hub_url).conflicts == ()
    from coachtui.store.sync import conflicts as conflict_module

    assert conflict_module.list_conflicts(ben.db) == []


# --- an action learning set's members, one by one ------------------------------------------------

MEMBERS = ("Asha Patel", "Dev Shah")


def _a_set(ana, ben, hub_url: str):  # type: ignore[no-untyped-def]
    team = ana.create_team("North leads")
    for name in MEMBERS:
        ana.add_member(team.id, name)
    ana.sync(hub_url)
    ben.sync(hub_url)
    return team


def test_a_member_marked_left_and_back_on_one_laptop_is_back_everywhere(ana, ben, hub_url, clock) -> None:
    team = _a_set(ana, ben, hub_url)
    ben.member_left(team.id, "Asha Patel", left=dt.date(2026, 12, 2))  # another member, on the other laptop
    clock.advance(minutes=1)
    ana.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 3))
    clock.advance(minutes=1)
    ana.member_left(team.id, "Dev Shah", left=None)
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        assert store.get_team(team.id).current_members == ("Dev Shah",)
    assert report.conflicts == () and conflicts(ana) == conflicts(ben) == []
    assert content(ana) == content(ben) == hub_content(hub_url)


@pytest.mark.parametrize("first", ["ana", "ben"])
def test_a_member_marked_left_on_one_laptop_and_left_and_back_on_another_is_a_conflict(
    ana, ben, hub_url, clock, first
) -> None:
    """Ben marks Dev as left; Ana, later, marks Dev left and then back: Ana's newest
    state holds (Dev is in the set) and Ben's is listed for him to choose."""
    team = _a_set(ana, ben, hub_url)
    ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 2))
    clock.advance(minutes=1)
    ana.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 3))
    clock.advance(minutes=1)
    ana.member_left(team.id, "Dev Shah", left=None)
    order = (ana, ben) if first == "ana" else (ben, ana)
    for store in (*order, *order):
        store.sync(hub_url)
    for store in (ana, ben):
        assert store.get_team(team.id).current_members == MEMBERS
    assert content(ana) == content(ben) == hub_content(hub_url)
    listed = [c for c in conflicts(ben) if c["field"] == "members"]
    assert len(listed) == 1 and listed[0]["kept"] == "theirs"
    from coachtui.commands.sync import conflict_lines
    from coachtui.store.sync import conflicts as conflict_module

    lines = conflict_lines(conflict_module.list_conflicts(ben.db))
    assert "  yours:  'Dev Shah left on 2026-12-02'" in lines
    assert "  theirs (Ana): 'Dev Shah in the set'" in lines
    # Ben keeps his: Dev has left, everywhere, and the list is empty on both laptops
    conflict_module.resolve(ben.db, listed[0]["id"], "mine")
    ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        got = store.get_team(team.id)
        assert got.current_members == ("Asha Patel",) and got.members[1].left == dt.date(2026, 12, 2)
    assert conflicts(ana) == conflicts(ben) == []
    assert content(ana) == content(ben) == hub_content(hub_url)


def test_keeping_both_members_keeps_the_set_readable(ana, ben, hub_url, clock) -> None:
    from coachtui.store.sync import conflicts as conflict_module

    team = _a_set(ana, ben, hub_url)
    ana.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 3))
    clock.advance(minutes=1)
    ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 4))
    ana.sync(hub_url)
    ben.sync(hub_url)
    (listed,) = conflicts(ben)
    conflict_module.resolve(ben.db, listed["id"], "both")
    got = ben.get_team(team.id)
    assert [m.name for m in got.members] == list(MEMBERS) and got.members[1].left == dt.date(2026, 12, 4)


def test_a_team_deleted_elsewhere_comes_back_with_the_session_edited_here_only(ana, ben, hub_url, clock) -> None:
    """Ana deletes a team; Ben had rewritten one of its sessions and added an action to
    it. Keeping his brings back the team with that session (his words, his action);
    the session nobody touched stays deleted. No tie with the deletion: the clock
    stands still here."""
    from coachtui.store import NotFound
    from coachtui.store.sync import conflicts as conflict_module

    _team, untouched, _action = session_with_everything(ana, clock, title="Untouched")
    team, edited, _other = session_with_everything(ana, clock, title="Edited")
    ana.sync(hub_url)
    ben.sync(hub_url)
    ben.save_draft(edited.id, dilemma=REWRITE)
    ben.add_action(edited.id, "Ask the night manager", owner="Ben")
    clock.advance(minutes=1)
    ana.delete_team(team.id)
    ana.sync(hub_url)
    (listed,) = ben.sync(hub_url).conflicts
    assert (listed.kind, listed.record_id) == ("teams", team.id)
    assert {f"dilemma: {REWRITE}", "text: Ask the night manager"} <= set(listed.shown_mine.splitlines())
    conflict_module.resolve(ben.db, listed.id, "mine")
    ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        back = store.get_session(edited.id)
        assert back.dilemma == REWRITE and {a.text for a in back.actions} == {"Try a 5-minute huddle", "Ask the night manager"}
        assert [t.id for t in store.list_teams()] == [team.id]
        with pytest.raises(NotFound):
            store.get_session(untouched.id)
    assert content(ana) == content(ben) == hub_content(hub_url)
