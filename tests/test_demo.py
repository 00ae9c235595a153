"""Demo data: deterministic, realistic enough to show every screen, kept apart from
real data, and indexed exactly as the triggers would index it."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest

from coachtui.catalog import load_catalog
from coachtui.store import DatabaseNotEmpty, InvalidInput, open_store
from coachtui.store.demo import generate_demo_data
from coachtui.store.types import REVIEW_STATUSES, SessionFilter
from index_check import assert_in_step

TODAY = dt.date(2026, 11, 20)
TABLES = ("team", "coaching_session", "picked_question", "action", "action_review", "session_fts")


def dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def make(path: Path, **options) -> object:
    with open_store(str(path)) as store:
        return generate_demo_data(store, today=TODAY, **options)


def test_same_seed_same_data_ids_included(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    make(a, sessions=120, teams=5, seed=11)
    make(b, sessions=120, teams=5, seed=11)
    make(c, sessions=120, teams=5, seed=12)
    assert dump(a) == dump(b)
    assert dump(a)["coaching_session"] != dump(c)["coaching_session"]
    ids = [r[0] for r in rows(a, "SELECT id FROM coaching_session")]
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in ids)


def test_realistic_enough_for_every_screen(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    summary = make(db, sessions=300, teams=12, seed=1)
    assert (summary.teams, summary.sessions) == (12, 300)
    assert rows(db, "SELECT count(*) FROM coaching_session") == [(300,)]
    assert rows(db, "SELECT count(DISTINCT name_key) FROM team") == [(12,)]
    # teams of many kinds
    names = " ".join(r[0] for r in rows(db, "SELECT name FROM team"))
    for kind in ("School|Academy", "Clinic|Health Centre|Practice", "Ward|Unit", "District|Trust", "College",
                 "Services|Team|Hub"):
        assert re.search(kind, names), kind
    # all four categories, some unsure, some secondary; drafts and completed sessions
    categories = {r[0] for r in rows(db, "SELECT DISTINCT primary_category FROM coaching_session")}
    assert categories == {"capability", "learning", "relational", "environment", None}
    assert rows(db, "SELECT count(*) > 0 FROM coaching_session WHERE secondary_category IS NOT NULL") == [(1,)]
    statuses = dict(rows(db, "SELECT status, count(*) FROM coaching_session GROUP BY 1"))
    assert statuses["draft"] > 0 and statuses["completed"] > 250
    assert rows(db, "SELECT count(*) FROM coaching_session WHERE status = 'completed' AND completed_at IS NULL") == [(0,)]
    # a handful of coaches; eighteen months of history up to today
    assert 3 <= rows(db, "SELECT count(DISTINCT coach) FROM coaching_session")[0][0] <= 7
    first, last = rows(db, "SELECT min(created_at), max(created_at) FROM coaching_session")[0]
    assert first < "2025-08-01" and last > "2026-11-01" and last < "2026-11-21"
    # dilemmas vary; titles and context are there
    dilemmas = [r[0] for r in rows(db, "SELECT dilemma FROM coaching_session")]
    assert len(set(dilemmas)) > 250 and all(len(d) > 40 for d in dilemmas)
    assert rows(db, "SELECT count(*) FROM coaching_session WHERE status = 'completed' AND (title = '' OR context = '')") == [(0,)]
    # real questions from the bank, with their texts, some with notes
    bank = {q.id: q.text for q in load_catalog().questions}
    picked = rows(db, "SELECT question_id, text, note FROM picked_question")
    assert picked and all(bank[qid] == text for qid, text, _note in picked)
    assert 0.2 < sum(1 for *_x, note in picked if note) / len(picked) < 0.5
    # actions with owners and due dates; every review status; open, overdue and closed actions
    assert rows(db, "SELECT count(*) > 0 FROM action WHERE owner != '' AND due_date IS NOT NULL") == [(1,)]
    assert {r[0] for r in rows(db, "SELECT DISTINCT status FROM action_review")} == set(REVIEW_STATUSES)
    assert rows(db, "SELECT count(*) > 0 FROM action_review WHERE session_id IS NULL") == [(1,)]
    action_statuses = {r[0] for r in rows(db, "SELECT DISTINCT status FROM action")}
    assert action_statuses == {"open", "in_progress", "stuck", "done", "dropped"}
    overdue = rows(
        db, "SELECT count(*) FROM action WHERE status IN ('open','in_progress','stuck') AND due_date < ?",
        TODAY.isoformat(),
    )[0][0]
    assert overdue > 0
    # an action's status is its latest review's, as the store keeps it
    mismatched = rows(
        db,
        "SELECT count(*) FROM action a WHERE a.status != coalesce((SELECT r.status FROM action_review r "
        "WHERE r.action_id = a.id ORDER BY r.updated_at DESC LIMIT 1), 'open')",
    )
    assert mismatched == [(0,)]
    with open_store(str(db)) as store:
        assert any(f.dominant for f in store.dominant_categories())
        assert sum(m.total for m in store.theme_counts(today=TODAY, months=18)) == statuses["completed"]
        page = store.tracker_actions(today=TODAY)
        assert page.rows[0].is_overdue(TODAY)


def test_timestamps_and_flags_are_stored_as_the_store_writes_them(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    make(db, sessions=20, teams=2, seed=5)
    with open_store(str(db)) as store:
        team = store.create_team("Real one")
        store.start_session(team.id)
        detail = store.get_session(store.search_sessions(limit=1).rows[0].id)
        assert detail.created_at.tzinfo is not None and json.loads(json.dumps(list(detail.suggestion_reasons))) is not None
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
    for table in ("team", "coaching_session", "picked_question", "action", "action_review"):
        for (value,) in rows(db, f"SELECT created_at FROM {table}"):
            assert stamp.fullmatch(value), (table, value)
    assert {r[0] for r in rows(db, "SELECT DISTINCT typeof(category_unsure) FROM coaching_session")} == {"integer"}
    assert {r[0] for r in rows(db, "SELECT DISTINCT length(due_date) FROM action WHERE due_date IS NOT NULL")} == {10}


def test_index_rows_equal_what_the_triggers_would_write(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    make(db, sessions=150, teams=4, seed=2)
    assert assert_in_step(db) == 150
    names = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")}
    assert {"session_fts_session_ai", "session_fts_action_au", "ix_session_timeline", "ix_action_status_due"} <= names
    # and the triggers work again afterwards
    with open_store(str(db)) as store:
        team = store.list_teams()[0]
        draft = store.start_session(team.id)
        store.save_draft(draft.id, title="After the demo", dilemma="quokka")
        store.add_action(draft.id, "Find the quokka")
        assert [r.title for r in store.search_sessions(SessionFilter("quokka")).rows] == ["After the demo"]
    assert assert_in_step(db) == 151


def test_refuses_a_database_with_data_unless_appending(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
        with pytest.raises(DatabaseNotEmpty, match=r"already holds 1 teams and 0 sessions"):
            generate_demo_data(store, sessions=10, teams=2)
        assert [t.name for t in store.list_teams()] == ["Ward 4"]
        summary = generate_demo_data(store, sessions=30, teams=3, today=TODAY, append=True)
        assert summary.sessions == 30
        again = generate_demo_data(store, sessions=30, teams=3, today=TODAY, append=True)
        assert again.sessions == 30
        assert len(store.list_teams(include_archived=True)) == 7
        assert store.count_sessions() == 60
    assert assert_in_step(db) == 60


def test_a_failed_load_leaves_nothing_behind(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    calls = []

    def explode(stage: str, done: int, total: int) -> None:
        calls.append(stage)
        if stage == "saving":  # the last moment before the commit
            raise KeyboardInterrupt

    with open_store(str(db)) as store:
        with pytest.raises(KeyboardInterrupt):
            generate_demo_data(store, sessions=50, teams=2, today=TODAY, progress=explode)
        assert store.count_sessions() == 0 and store.list_teams() == []
    assert calls[-1] == "saving" and "indexes" in calls
    names = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")}
    assert "session_fts_session_ai" in names and "ix_session_timeline" in names


@pytest.mark.parametrize(("sessions", "teams"), [(-1, 2), (10, 0), (2_000_000, 2)])
def test_bad_sizes_are_refused(store, sessions: int, teams: int) -> None:
    with pytest.raises(InvalidInput):
        generate_demo_data(store, sessions=sessions, teams=teams)


def test_zero_sessions_and_more_teams_than_sessions(store) -> None:
    assert generate_demo_data(store, sessions=0, teams=3, today=TODAY).sessions == 0
    assert len(store.list_teams()) == 3


def test_interrupted_after_the_first_batches_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "sessions" and done < total:  # after the first batch went in
            raise KeyboardInterrupt

    with open_store(str(db)) as store:
        with pytest.raises(KeyboardInterrupt):
            generate_demo_data(store, sessions=4_500, teams=3, today=TODAY, progress=interrupt)
        assert store.count_sessions() == 0 and store.list_teams() == []
    assert rows(db, "SELECT count(*) FROM session_fts") == [(0,)]


def test_a_few_large_teams_among_many_small_ones(tmp_path: Path) -> None:
    # Bench scale (issue 19): per-team figures must meet long-coached teams too.
    plain, skewed = tmp_path / "plain.db", tmp_path / "skewed.db"
    make(plain, sessions=2_000, teams=40, seed=3)
    make(skewed, sessions=2_000, teams=40, seed=3, large_teams=3)
    sql = "SELECT count(*) FROM coaching_session GROUP BY team_id ORDER BY count(*) DESC"
    even = [n for (n,) in rows(plain, sql)]
    sizes = [n for (n,) in rows(skewed, sql)]
    assert sum(sizes) == 2_000 and len(sizes) == 40
    assert even[0] <= 4 * even[-1]  # without: at most four times the smallest team's
    assert sum(sizes[:3]) >= 0.4 * 2_000  # with: three teams hold about half
    assert min(sizes[:3]) > 4 * max(sizes[3:])
    # The first three teams planned are the large ones; the others keep their even shares.
    assert max(sizes[3:]) <= 4 * sizes[-1]
