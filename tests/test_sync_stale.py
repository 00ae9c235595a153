"""Sync and what a laptop had not seen (issue 18): a deletion from a laptop that had
not synced another coach's edit, a conflict settled with the value already kept, and
a set's members changed on a laptop whose clock is wrong. Two laptops (SQLite) and a
hub (a SQLite file, and PostgreSQL); each test checks what the databases hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coachtui.store import open_store
from test_sync import content, session_with_everything
from test_sync_merge import MEMBERS, REWRITE, conflicts, hub_content


def _a_set(ana, ben, hub_url: str):  # type: ignore[no-untyped-def]
    team = ana.create_team("North leads")
    for name in MEMBERS:
        ana.add_member(team.id, name)
    ana.sync(hub_url)
    ben.sync(hub_url)
    return team


# --- a set's members and wrong clocks ----------------------------------------------------------


class Shifted:
    """The computer's clock, set ``offset`` wrong (a PostgreSQL hub keeps real time)."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def test_a_member_change_stamped_in_the_future_does_not_beat_a_later_change(tmp_path: Path, hub_url) -> None:
    """Ana's clock read 2099 when she marked Dev as left (it was put right before she
    synced); Ben marked Dev as left on another day after her sync: his later change
    holds everywhere, and hers is listed."""
    wrong = Shifted()
    with open_store(str(tmp_path / "ana.db"), clock=wrong, coach="Ana") as ana, open_store(
        str(tmp_path / "ben.db"), clock=Shifted(), coach="Ben"
    ) as ben:
        team = _a_set(ana, ben, hub_url)
        wrong.offset = dt.datetime(2099, 1, 1, tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
        ana.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 3))
        wrong.offset = dt.timedelta(0)  # put right
        ana.sync(hub_url)
        ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 2))  # after Ana's sync
        ben.sync(hub_url)
        ana.sync(hub_url)
        for store in (ana, ben):
            assert store.get_team(team.id).members[1].left == dt.date(2026, 12, 2)
        assert content(ana) == content(ben) == hub_content(hub_url)
        assert [c["kept"] for c in conflicts(ben) if c["field"] == "members"] == ["mine"]
        # no member is stamped later than now anywhere
        with open_store(hub_url) as hub:
            stamps = [m.changed for m in hub.get_team(team.id).members]
        assert all(stamp < "2027" for stamp in stamps)


def test_a_laptop_two_hours_fast_does_not_win_a_clash_on_a_member(tmp_path: Path, hub_url) -> None:
    """Both mark Dev as left, on different days, before syncing; Ana's clock runs two
    hours fast, Ben's change is a moment later: Ben's holds, as a record's field would.
    (The hub's clock is the reference: a PostgreSQL server's, or that of the file
    system keeping a hub file.)"""
    real = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
    fast = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # noqa: E731
    with open_store(str(tmp_path / "a.db"), clock=fast, coach="Ana") as ana, open_store(
        str(tmp_path / "b.db"), clock=real, coach="Ben"
    ) as ben:
        team = _a_set(ana, ben, hub_url)
        ana.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 3))
        ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 2))  # a moment later
        ana.sync(hub_url)
        ben.sync(hub_url)
        ana.sync(hub_url)
        for store in (ana, ben):
            assert store.get_team(team.id).members[1].left == dt.date(2026, 12, 2)
        assert content(ana) == content(ben) == hub_content(hub_url)
        assert [c["kept"] for c in conflicts(ben) if c["field"] == "members"] == ["mine"]
        assert [(c["mine"] != c["theirs"], c["kept"]) for c in conflicts(ana) if c["field"] == "members"] == [
            (True, "theirs")
        ]


# --- a deletion from a laptop that had not seen an edit -----------------------------------------

WHATS = ["session", "action", "team"]


def _deleted_unseen(ana, ben, hub_url: str, clock, what: str):  # type: ignore[no-untyped-def]
    """Ana edits (a session's dilemma, an action's text; for the team, a session of it)
    and syncs; Ben, who last synced before her edit, later deletes the record and
    syncs. Returns (team, session, action, Ben's report)."""
    team, session, action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    if what == "action":
        ana.update_action(action.id, text=REWRITE)
    else:
        ana.save_draft(session.id, dilemma=REWRITE)
    assert ana.sync(hub_url).conflicts == ()
    clock.advance(minutes=5)
    if what == "session":
        ben.delete_session(session.id)
    elif what == "action":
        ben.remove_action(action.id)
    else:
        ben.delete_team(team.id)
    return team, session, action, ben.sync(hub_url)


def _record(what: str, team, session, action) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return {"session": ("sessions", session.id), "action": ("actions", action.id), "team": ("teams", team.id)}[what]


def _gone(store, what: str, team, session, action) -> bool:  # type: ignore[no-untyped-def]
    from coachtui.store import NotFound

    try:
        if what == "action":
            store.get_action(action.id)
        else:
            store.get_session(session.id)
    except NotFound:
        return True
    return False


@pytest.mark.parametrize("what", WHATS)
def test_a_deletion_from_a_laptop_that_had_not_seen_an_edit_is_a_conflict_there(ana, ben, hub_url, clock, what) -> None:
    from coachtui.commands.sync import conflict_lines, report_lines
    from coachtui.store.sync import conflicts as conflict_module

    team, session, action, report = _deleted_unseen(ana, ben, hub_url, clock, what)
    ana.sync(hub_url)
    # the newer deletion holds everywhere, and Ana's words are listed on Ben's laptop
    assert all(_gone(store, what, team, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)
    (listed,) = report.conflicts
    assert (listed.kind, listed.record_id, listed.kept) == (*_record(what, team, session, action), "mine")
    assert (listed.mine_by, listed.theirs_by) == ("Ben", "Ana")
    assert REWRITE in "\n".join(report_lines(report))
    (waiting,) = conflict_module.list_conflicts(ben.db)
    assert waiting.id == listed.id and REWRITE in "\n".join(conflict_lines([waiting]))
    assert ben.sync(hub_url).conflicts == ()  # listed once
    assert [c.id for c in conflict_module.list_conflicts(ben.db)] == [listed.id]
    assert conflict_module.list_conflicts(ana.db) == []


@pytest.mark.parametrize("what", WHATS)
def test_a_stale_deletion_conflict_survives_a_failure_here_after_the_hub_committed(
    ana, ben, hub_url, clock, monkeypatch, what
) -> None:
    """Ben deletes what Ana edited unseen; the hub takes the deletion, then saving
    the hub's answer on Ben's laptop fails (the disk is full). The deletion holds on
    the hub, and Ben's next sync lists the conflict with Ana's words, once; keeping
    theirs brings them back everywhere."""
    from coachtui.store import SyncFailed
    from coachtui.store import sync as sync_module
    from coachtui.store.errors import DiskFull
    from coachtui.store.sync import conflicts as conflict_module

    real_apply = sync_module.apply

    def full_disk_here(conn, incoming, *, adopt_teams):  # type: ignore[no-untyped-def]
        if adopt_teams:  # the laptop's side of the batch sent
            raise DiskFull("The disk is full: cannot save to ben.db; free some space and try again.")
        return real_apply(conn, incoming, adopt_teams=adopt_teams)

    team, session, action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    if what == "action":
        ana.update_action(action.id, text=REWRITE)
    else:
        ana.save_draft(session.id, dilemma=REWRITE)
    ana.sync(hub_url)
    clock.advance(minutes=5)
    if what == "session":
        ben.delete_session(session.id)
    elif what == "action":
        ben.remove_action(action.id)
    else:
        ben.delete_team(team.id)
    monkeypatch.setattr(sync_module, "apply", full_disk_here)
    with pytest.raises(SyncFailed, match="has this database's changes, but saving the hub's here failed"):
        ben.sync(hub_url)
    monkeypatch.setattr(sync_module, "apply", real_apply)
    assert conflicts(ben) == [] and _gone(RawHub(hub_url), what, team, session, action)
    report = ben.sync(hub_url)
    (listed,) = report.conflicts
    assert (listed.kind, listed.record_id, listed.kept) == (*_record(what, team, session, action), "mine")
    assert REWRITE in listed.shown_theirs
    assert [c["id"] for c in conflicts(ben)] == [listed.id]
    assert ben.sync(hub_url).conflicts == () and [c["id"] for c in conflicts(ben)] == [listed.id]  # listed once
    clock.advance(minutes=1)
    conflict_module.resolve(ben.db, listed.id, "theirs")
    ben.sync(hub_url)
    ana.sync(hub_url)
    assert not _gone(ana, what, team, session, action) and not _gone(ben, what, team, session, action)
    assert content(ana) == content(ben) == hub_content(hub_url)
    assert conflicts(ana) == conflicts(ben) == []


class RawHub:
    """The hub, opened for one look at a record."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get_session(self, ident: str):  # type: ignore[no-untyped-def]
        with open_store(self.url) as hub:
            return hub.get_session(ident)

    def get_action(self, ident: str):  # type: ignore[no-untyped-def]
        with open_store(self.url) as hub:
            return hub.get_action(ident)


@pytest.mark.parametrize("stopped_in", ["send", "receive"])
def test_a_deletion_after_a_sync_stopped_half_way_is_no_conflict_for_what_had_moved(
    ana, ben, hub_url, clock, monkeypatch, stopped_in
) -> None:
    """A sync stops after its first batch (ctrl+c); the sessions that batch moved are
    on both sides. Ana then deletes one of them: she had it (she sent it, or received
    it), so her next sync deletes it everywhere and lists no conflict."""
    from coachtui.store import SyncStopped
    from coachtui.store import sync as sync_module

    sessions = [session_with_everything(ana, clock, title=f"Session {number}")[1] for number in range(12)]
    ana.sync(hub_url)
    ben.sync(hub_url)
    clock.advance(minutes=1)
    editor = ana if stopped_in == "send" else ben
    for session in sessions:
        editor.save_draft(session.id, dilemma=f"{REWRITE} ({session.id[:4]})")
    if stopped_in == "receive":
        ben.sync(hub_url)
    monkeypatch.setattr(sync_module, "BATCH", 3)
    heard: list[tuple[str, int, int]] = []
    with pytest.raises(SyncStopped):
        ana.sync(hub_url, progress=lambda *step: heard.append(step),
                 cancelled=lambda: any(phase == stopped_in and done > 0 for phase, done, _total in heard))
    on_hub = {row["id"]: row["dilemma"] for row in hub_content(hub_url)["sessions"]}
    moved = [s for s in sessions if on_hub[s.id] == ana.get_session(s.id).dilemma and REWRITE in on_hub[s.id]]
    assert 0 < len(moved) < len(sessions)  # it stopped half-way
    clock.advance(minutes=1)
    ana.delete_session(moved[0].id)
    report = ana.sync(hub_url)
    assert report.conflicts == () and conflicts(ana) == []
    ben.sync(hub_url)
    assert conflicts(ben) == []
    assert content(ana) == content(ben) == hub_content(hub_url)
    assert moved[0].id not in {row["id"] for row in content(ben)["sessions"]}


@pytest.mark.parametrize("choice", ["theirs", "both"])
@pytest.mark.parametrize("what", WHATS)
def test_keeping_theirs_after_a_stale_deletion_brings_the_edit_back_everywhere(
    ana, ben, hub_url, clock, what, choice
) -> None:
    from coachtui.store.sync import conflicts as conflict_module

    team, session, action, report = _deleted_unseen(ana, ben, hub_url, clock, what)
    (listed,) = report.conflicts
    clock.advance(minutes=1)
    conflict_module.resolve(ben.db, listed.id, choice)
    assert conflict_module.list_conflicts(ben.db) == []
    ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        if what == "action":
            assert store.get_action(action.id).text == REWRITE
        else:
            got = store.get_session(session.id)
            assert got.dilemma == REWRITE and [a.text for a in got.actions] == ["Try a 5-minute huddle"]
    assert content(ana) == content(ben) == hub_content(hub_url)
    assert not ana.sync(hub_url).moved and not ben.sync(hub_url).moved


@pytest.mark.parametrize("what", WHATS)
def test_keeping_mine_after_a_stale_deletion_leaves_it_deleted(ana, ben, hub_url, clock, what) -> None:
    from coachtui.store.sync import conflicts as conflict_module

    team, session, action, report = _deleted_unseen(ana, ben, hub_url, clock, what)
    (listed,) = report.conflicts
    conflict_module.resolve(ben.db, listed.id, "mine")
    assert conflict_module.list_conflicts(ben.db) == []
    ben.sync(hub_url)
    ana.sync(hub_url)
    assert all(_gone(store, what, team, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)


def test_a_deletion_after_seeing_the_edit_is_no_conflict(ana, ben, hub_url, clock) -> None:
    _team, session, _action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ana.save_draft(session.id, dilemma=REWRITE)
    ana.sync(hub_url)
    ben.sync(hub_url)  # Ben sees Ana's edit before deleting
    clock.advance(minutes=5)
    ben.delete_session(session.id)
    assert ben.sync(hub_url).conflicts == ()
    assert ana.sync(hub_url).conflicts == ()
    assert conflicts(ana) == conflicts(ben) == []


# --- a conflict settled with the value already kept ---------------------------------------------


@pytest.mark.parametrize(("who", "choice"), [("ben", "theirs"), ("ana", "mine"), ("ben", "both")])
def test_a_conflict_settled_with_the_value_kept_is_dropped_on_the_other_laptop(
    ana, ben, hub_url, clock, who, choice
) -> None:
    """Ana's later text won on the hub; both laptops list the conflict. One coach keeps
    the text the record holds already (nothing to write): once both have synced, neither
    lists it, and the text is as it was."""
    from coachtui.store.sync import conflicts as conflict_module
    from test_sync_merge import _lost_conflict

    session = _lost_conflict(ana, ben, hub_url, clock, "dilemma", "Ben's rewrite", "Ana's later rewrite")
    ben.sync(hub_url)
    assert len(conflicts(ana)) == len(conflicts(ben)) == 1
    settler, other = (ben, ana) if who == "ben" else (ana, ben)
    conflict_module.resolve(settler.db, conflicts(settler)[0]["id"], choice)
    settler.sync(hub_url)
    assert other.sync(hub_url).conflicts == ()
    assert conflicts(ana) == conflicts(ben) == []
    expected = "Ana's later rewrite\n\nBen's rewrite" if choice == "both" else "Ana's later rewrite"
    assert ana.get_session(session.id).dilemma == ben.get_session(session.id).dilemma == expected
    assert content(ana) == content(ben) == hub_content(hub_url)
    assert not ana.sync(hub_url).moved and not ben.sync(hub_url).moved


def test_a_settlement_reaches_a_new_hub_that_the_whole_history_is_copied_into(
    ana, ben, hub_url, clock, tmp_path: Path, pg
) -> None:
    """Both laptops list a conflict; Ana keeps the text the record holds (nothing to
    write: a note). The network then moves to a new, empty hub, and Ana's laptop (a
    history of hundreds of records) is the first to sync with it: her history is
    copied in, and her note goes with it. Ben's first sync with the new hub drops the
    conflict from his list."""
    from coachtui.store.demo import generate_demo_data
    from coachtui.store.sync import conflicts as conflict_module
    from test_sync_merge import _lost_conflict

    generate_demo_data(ana, sessions=80, teams=3, seed=5, today=dt.date(2026, 10, 20))
    session = _lost_conflict(ana, ben, hub_url, clock, "dilemma", "Ben's rewrite", "Ana's later rewrite")
    ben.sync(hub_url)
    assert len(conflicts(ana)) == len(conflicts(ben)) == 1
    conflict_module.resolve(ana.db, conflicts(ana)[0]["id"], "mine")
    if "://" in hub_url:
        new_hub = pg.new_url()
    else:
        new_hub = str(tmp_path / "new-hub.db")
        open_store(new_hub).close()
    assert ana.sync(new_hub).first
    assert ben.sync(new_hub).conflicts == ()
    assert conflicts(ana) == conflicts(ben) == []
    assert ana.get_session(session.id).dilemma == ben.get_session(session.id).dilemma == "Ana's later rewrite"
    assert content(ana) == content(ben) == hub_content(new_hub)


def test_a_settlement_does_not_drop_a_conflict_over_other_texts(ana, ben, hub_url, clock, tmp_path: Path) -> None:
    """Ben keeps Ana's text (already held); Cleo listed a conflict on the same field
    between other texts: hers stays listed."""
    from coachtui.store.sync import conflicts as conflict_module
    from test_sync_merge import _lost_conflict

    session = _lost_conflict(ana, ben, hub_url, clock, "dilemma", "Ben's rewrite", "Ana's later rewrite")
    ben.sync(hub_url)
    with open_store(str(tmp_path / "cleo.db"), clock=clock, coach="Cleo") as cleo:
        cleo.sync(hub_url)
        cleo.save_draft(session.id, dilemma="Cleo's take")
        clock.advance(minutes=1)
        ana.save_draft(session.id, dilemma="Ana's third go")
        ana.sync(hub_url)
        cleo.sync(hub_url)
        assert [c["mine"] for c in conflicts(cleo)] == ["Cleo's take"]
        conflict_module.resolve(ben.db, conflicts(ben)[0]["id"], "theirs")
        ben.sync(hub_url)
        cleo.sync(hub_url)
        assert [c["mine"] for c in conflicts(cleo)] == ["Cleo's take"]
