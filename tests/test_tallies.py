"""The team list's and the themes' tallies (migration 0014) always equal a fresh count
of the records, on SQLite and on PostgreSQL: after any sequence of the writes a coach
and a sync make, after a bulk sync apply on the hub, and after a restore.

Each test checks what the tally tables hold against counting the records afresh, and
what the team list and the theme counts show against the same counts."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachtui.store import open_store
from coachtui.store.db import tallies
from test_sync import content, session_with_everything

CATEGORIES = (None, "capability", "learning", "relational", "environment")
STATUSES = ("done", "in_progress", "stuck", "dropped")


def _rows(store: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(tallied teams, fresh teams, tallied themes, fresh themes), sorted; themes
    without their zero rows (a count that went back to zero keeps its row)."""
    with store.db.read() as orm:
        conn = orm.connection()
        fresh_teams, fresh_themes = tallies.fresh_sql(conn)

        def read(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(str(value) for value in row) for row in conn.exec_driver_sql(sql))

        teams = read(f"SELECT team_id, sessions, open_actions, last_session_at FROM {tallies.TEAMS}")
        themes = read(f"SELECT team_id, day, category, n FROM {tallies.THEMES} WHERE n <> 0")
        return teams, read(fresh_teams), themes, read(f"SELECT * FROM ({fresh_themes}) AS f WHERE n <> 0")


def assert_tallies_fresh(store: Any) -> None:
    teams, fresh_teams, themes, fresh_themes = _rows(store)
    assert teams == fresh_teams
    assert themes == fresh_themes


def assert_team_list_counts(store: Any) -> None:
    """What the team list shows: each team's sessions (a meeting once) and the open
    actions its own list holds."""
    with store.db.read() as orm:
        conn = orm.connection()
        sessions = dict(conn.exec_driver_sql(
            "SELECT team_id, count(*) FROM coaching_session WHERE meeting_id IS NULL GROUP BY team_id").all())
    for team in store.list_teams(include_archived=True):
        assert (team.session_count, team.open_actions) == (sessions.get(team.id, 0), len(store.open_actions(team.id)))


# --- any sequence of writes -----------------------------------------------------------------------


step = st.one_of(
    st.tuples(st.just("team")),
    st.tuples(st.just("session"), st.integers(0, 9), st.sampled_from(CATEGORIES), st.booleans(), st.integers(0, 2000)),
    st.tuples(st.just("category"), st.integers(0, 19), st.sampled_from(CATEGORIES)),
    st.tuples(st.just("reopen"), st.integers(0, 19)),
    st.tuples(st.just("move"), st.integers(0, 19), st.integers(0, 9)),
    st.tuples(st.just("presenter"), st.integers(0, 19)),
    st.tuples(st.just("delete"), st.integers(0, 19)),
    st.tuples(st.just("action"), st.integers(0, 19), st.sampled_from((None, *STATUSES))),
    st.tuples(st.just("review"), st.integers(0, 29), st.sampled_from(STATUSES)),
    st.tuples(st.just("remove action"), st.integers(0, 29)),
    st.tuples(st.just("archive"), st.integers(0, 9)),
    st.tuples(st.just("delete team"), st.integers(0, 9)),
    st.tuples(st.just("import"),),
    st.tuples(st.just("sync"),),
)


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


def _apply(store: Any, other: Any, hub: str, clock: Any, move: tuple[Any, ...]) -> None:
    kind = move[0]
    teams = [team.id for team in store.list_teams(include_archived=True)]
    with store.db.read() as orm:
        sessions = list(orm.connection().exec_driver_sql("SELECT id FROM coaching_session ORDER BY id").scalars())
        actions = list(orm.connection().exec_driver_sql("SELECT id FROM action ORDER BY id").scalars())
    if kind == "team" or (not teams and kind in ("session", "archive", "delete team", "move")):
        store.create_team(f"Team {uuid.uuid4().hex[:8]}")
    elif kind == "session":
        _kind, team, category, complete, minutes = move
        clock.advance(minutes=minutes)  # across midnights too: the themes count by day
        session = store.start_session(_pick(teams, team))
        store.save_draft(session.id, title="A dilemma", dilemma="Night staff miss the huddle.",
                         primary_category=category)
        if complete:
            store.complete_session(session.id)
    elif kind == "category" and sessions:
        store.save_draft(_pick(sessions, move[1]), primary_category=move[2])
    elif kind == "reopen" and sessions:
        ident = _pick(sessions, move[1])
        if store.get_session(ident).status == "completed":
            store.reopen_session(ident)
        else:
            from coachtui.store.errors import IncompleteSession

            with contextlib.suppress(IncompleteSession):  # a presenter yet to say their dilemma: refused
                store.complete_session(ident)
    elif kind == "move" and sessions:
        store.save_draft(_pick(sessions, move[1]), team_id=_pick(teams, move[2]))
    elif kind == "presenter" and sessions:
        first = store.meeting(_pick(sessions, move[1]))[0]
        store.add_presenter(first.id, f"Presenter {uuid.uuid4().hex[:4]}")
    elif kind == "delete" and sessions:
        store.delete_session(_pick(sessions, move[1]))
    elif kind == "action" and sessions:
        action = store.add_action(_pick(sessions, move[1]), "Try a huddle", owner="Sam", due=dt.date(2026, 12, 1))
        if move[2] is not None:
            store.record_review(action.id, move[2], "went so")
    elif kind == "review" and actions:
        store.record_review(_pick(actions, move[1]), move[2], "again")
    elif kind == "remove action" and actions:
        store.remove_action(_pick(actions, move[1]))
    elif kind == "archive" and teams:
        ident = _pick(teams, 0)
        store.archive_team(ident, not store.get_team(ident).archived)
    elif kind == "delete team" and teams:
        store.delete_team(_pick(teams, move[1]))
    elif kind == "import":
        session_with_everything(other, clock, team_name=f"Imported {uuid.uuid4().hex[:6]}")
        store.import_data(other.export_json())
    elif kind == "sync":
        session_with_everything(other, clock, team_name=f"Synced {uuid.uuid4().hex[:6]}")
        other.sync(hub)
        store.sync(hub)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(step, min_size=1, max_size=25))
def test_after_any_writes_the_tallies_equal_a_fresh_count(backend, tmp_path, pg, clock, plan) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / uuid.uuid4().hex[:8]
    folder.mkdir()
    url = str(folder / "coach.db") if backend == "sqlite" else str(pg.new_url())
    hub = str(folder / "hub.db") if backend == "sqlite" else str(pg.new_url())
    if backend == "sqlite":
        open_store(hub).close()  # sync never makes a hub file
    with open_store(url, clock=clock, coach="Ana") as store, open_store(str(folder / "other.db"), clock=clock,
                                                                           coach="Ben") as other:
        # something to work on from the start: two teams, three completed sessions
        preamble = [("team",), ("team",), *(("session", n, CATEGORIES[n + 1], True, 600) for n in range(3))]
        for move in [*preamble, *plan]:
            _apply(store, other, hub, clock, move)
            assert_tallies_fresh(store)
        assert_team_list_counts(store)
    with open_store(hub) as opened:
        assert_tallies_fresh(opened)


# --- bulk writes ---------------------------------------------------------------------------------


def test_a_bulk_sync_apply_leaves_the_hubs_tallies_right(tmp_path: Path, hub_url, clock) -> None:
    """A push of hundreds of records is written on the hub with the triggers off
    (store/sync/bulk.py); the tallies are counted once at the end, and the triggers
    are back for the next ordinary write."""
    from coachtui.store.demo import generate_demo_data
    from coachtui.store.sync import bulk

    with open_store(str(tmp_path / "a.db"), clock=clock, coach="Ana") as ana:
        generate_demo_data(ana, sessions=150, teams=5, seed=4, today=dt.date(2026, 10, 30))  # before the clock
        assert_tallies_fresh(ana)
        expected = {(t.name, t.session_count, t.open_actions, t.last_session_at) for t in ana.list_teams()}
        themes = ana.theme_counts(today=dt.date(2026, 10, 30), months=12)
        assert sum(sum(month.counts.values()) for month in themes) > 0
        assert sum(len(rows) for rows in content(ana).values()) >= bulk.BULK_ROWS  # a bulk write on the hub
        ana.sync(hub_url)
        with open_store(hub_url, clock=clock) as hub:
            assert_tallies_fresh(hub)
            assert {(t.name, t.session_count, t.open_actions, t.last_session_at) for t in hub.list_teams()} == expected
            assert hub.theme_counts(today=dt.date(2026, 10, 30), months=12) == themes
            # the triggers are back: an ordinary write on the hub is tallied at once
            team = hub.list_teams()[0]
            session_with_everything(hub, clock, team_name=team.name)
            assert hub.get_team(team.id).session_count == team.session_count + 1
            assert hub.get_team(team.id).open_actions == team.open_actions + 1
            assert_tallies_fresh(hub)


def test_demo_data_is_tallied(store) -> None:
    from coachtui.store.demo import generate_demo_data

    generate_demo_data(store, sessions=200, teams=6, seed=2, today=dt.date(2026, 11, 20), large_teams=1)
    assert_tallies_fresh(store)


@pytest.mark.sqlite_only
def test_a_restored_older_backup_is_tallied_as_it_opens(tmp_path: Path, clock) -> None:
    """A backup from before migration 0014 is counted as it is brought up to date."""
    from alembic import command

    from coachtui.store.db import database

    path = tmp_path / "coach.db"
    with open_store(str(path), clock=clock) as store:
        session_with_everything(store, clock)
        session_with_everything(store, clock, team_name="Ward 5")
    with open_store(str(path), clock=clock) as store, store.engine.begin() as conn:
        command.downgrade(database._alembic_config(conn), "0013")  # type: ignore[arg-type]
    with open_store(str(path), clock=clock) as store:
        assert {t.name: (t.session_count, t.open_actions) for t in store.list_teams()} == {
            "Ward 4": (1, 1), "Ward 5": (1, 1)}
        assert_tallies_fresh(store)


# --- what the themes show -------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [0, 5.5, -8, 13])
def test_theme_counts_in_any_time_zone_equal_counting_the_sessions(store, clock, hours) -> None:
    """Months begin at local midnight: whole UTC days come from the tallies, the hours
    either side from the sessions; the sum is what counting every session gives."""
    tz = dt.timezone(dt.timedelta(hours=hours))
    teams = [store.create_team("Ward 4"), store.create_team("Clinic")]
    clock.now = dt.datetime(2026, 8, 31, 12, 0, tzinfo=dt.UTC)
    for index in range(90):  # every 17 hours: across month ends in every zone
        clock.advance(hours=17)
        session = store.start_session(teams[index % 2].id)
        store.save_draft(session.id, title="A", dilemma="b", primary_category=CATEGORIES[index % len(CATEGORIES)])
        if index % 5:
            store.complete_session(session.id)
    today = dt.date(2026, 10, 15)
    for team in (None, teams[0].id):
        shown = store.theme_counts(today=today, months=3, tz=tz, team_id=team)
        export = store.export_json()
        for month in shown:
            start = dt.datetime.combine(month.month, dt.time(), tzinfo=tz)
            end = dt.datetime.combine((month.month + dt.timedelta(days=32)).replace(day=1), dt.time(), tzinfo=tz)
            counted: dict[str, int] = {}
            for row in export["sessions"]:
                created = dt.datetime.fromisoformat(row["created_at"])
                if row["status"] == "completed" and start <= created < end and team in (None, row["team_id"]):
                    key = row["primary_category"] or "unsure"
                    counted[key] = counted.get(key, 0) + 1
            assert {k: v for k, v in month.counts.items() if v} == counted, (team, month.month)
        assert sum(sum(month.counts.values()) for month in shown) > 10
