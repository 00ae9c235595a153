"""The full-text index stays exactly in step with the sessions, through every write,
and an older database gets it (after a backup) when opened."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from coachtui.store import open_store
from coachtui.store.db import database, search_index
from coachtui.store.db.target import parse_target
from coachtui.store.types import PickedQuestionInfo, SessionFilter
from index_check import assert_in_step

# SQLite's FTS5 index; PostgreSQL's is checked in test_pg_search.py.
pytestmark = pytest.mark.sqlite_only


def found(store, text: str) -> set[str]:
    return {row.title for row in store.search_sessions(SessionFilter(text), limit=1000).rows}


@pytest.fixture
def filled(store):
    team = store.create_team("Ward 4")
    one = store.start_session(team.id, coach="Ana")
    store.save_draft(one.id, title="Night falls", dilemma="Patients fall at night", context="Matron present")
    store.set_questions(
        one.id,
        [
            PickedQuestionInfo("rel-01", "Whose voice is missing?", "relational", note="the porters"),
            PickedQuestionInfo("kata-1", "Where are you heading?", "kata", note="zero harm"),
        ],
    )
    first = store.add_action(one.id, "Audit the call bells", owner="Sam")
    store.add_action(one.id, "Ask the night staff", owner="Lee")
    two = store.start_session(team.id)
    store.save_draft(two.id, title="Rota", dilemma="Handover overruns")
    return team, one, two, first


def test_every_searched_text_is_indexed_on_insert(store, db_path, filled) -> None:
    assert assert_in_step(db_path) == 2
    for word in ("night", "patients", "matron", "porters", "harm", "bells", "handover"):
        assert found(store, word), word
    assert found(store, "porters bells") == {"Night falls"}  # words from different parts
    # the question text itself is not indexed, only the coach's notes beside it
    assert found(store, "voice ") == set()


def test_edits_of_every_text_keep_the_index_in_step(store, db_path, filled) -> None:
    _team, one, two, first = filled
    store.save_draft(one.id, title="Falls at dusk", dilemma="Trips in the corridor", context="Ward sister")
    store.set_questions(one.id, [PickedQuestionInfo("rel-01", "Whose voice is missing?", "relational", note="cleaners")])
    store.update_action(first.id, text="Check the night lights")
    assert assert_in_step(db_path) == 2
    assert found(store, "porters ") == set() and found(store, "matron ") == set()
    assert found(store, "cleaners") == found(store, "corridor") == found(store, "lights") == {"Falls at dusk"}
    # reordering questions and changing only non-text fields keep it in step too
    store.set_questions(
        one.id,
        [
            PickedQuestionInfo("kata-1", "Where are you heading?", "kata", note="first"),
            PickedQuestionInfo("rel-01", "Whose voice is missing?", "relational", note="second"),
        ],
    )
    store.set_questions(
        one.id,
        [
            PickedQuestionInfo("rel-01", "Whose voice is missing?", "relational", note="second"),
            PickedQuestionInfo("kata-1", "Where are you heading?", "kata", note="first"),
        ],
    )
    store.save_draft(two.id, step="category", primary_category="learning")
    store.complete_session(two.id)
    assert assert_in_step(db_path) == 2


def test_removing_actions_questions_and_sessions(store, db_path, filled) -> None:
    _team, one, two, first = filled
    store.remove_action(first.id)
    store.set_questions(one.id, [])
    assert assert_in_step(db_path) == 2
    assert found(store, "bells") == found(store, "porters") == set()
    store.delete_session(two.id)
    assert assert_in_step(db_path) == 1
    assert found(store, "handover") == set()


def test_deleting_a_team_empties_its_part_of_the_index(store, db_path, filled) -> None:
    team, *_ = filled
    other = store.create_team("Clinic")
    keep = store.start_session(other.id)
    store.save_draft(keep.id, title="Kept", dilemma="Night clinic queue")
    store.add_action(keep.id, "Count the queue")
    store.delete_team(team.id)
    assert assert_in_step(db_path) == 1
    assert found(store, "night") == {"Kept"}
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute(f"SELECT count(*) FROM {search_index.TABLE}").fetchone() == (1,)
    finally:
        conn.close()


def test_hostile_text_is_indexed_and_found_literally(store, db_path) -> None:
    team = store.create_team("T")
    draft = store.start_session(team.id)
    store.save_draft(draft.id, title="[bold]x[/]", dilemma="Équipe \x00 \x1b[31m שלום 🙂 NEAR(a b) \"q\" -x")
    assert assert_in_step(db_path) == 1
    for text in ("equipe", "ÉQUIPE", "שלום", "bold", "near a b", '"q"'):
        assert found(store, text) == {"[bold]x[/]"}, text


def test_rebuild_gives_the_same_index(store, db_path, filled) -> None:
    store.rebuild_search_index()
    assert assert_in_step(db_path) == 2
    assert found(store, "porters") == {"Night falls"}


def _database_at_0001(path: Path, sessions: int) -> None:
    """A coachtui database as version 0001 wrote it, with some sessions."""
    import sqlalchemy as sa
    from alembic import command

    from coachtui.store.db.models import CoachingSession, PickedQuestion, Team

    def at_0001(model: type) -> sa.Table:
        """The model's table without the columns later revisions added."""
        return sa.table(model.__tablename__, *(sa.column(c.name, c.type) for c in model.__table__.columns
                        if c.name != "updated_by"))

    database.create_private_file(path)
    engine = database.make_engine(parse_target(str(path)))
    try:
        with engine.begin() as conn:
            command.upgrade(database._alembic_config(conn), "0001")  # type: ignore[arg-type]
            conn.exec_driver_sql(f"PRAGMA application_id = {database.APPLICATION_ID}")
            now = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
            conn.execute(
                sa.insert(at_0001(Team)),
                [{"id": "t1", "name": "Old ward", "name_key": "old ward", "created_at": now, "updated_at": now}],
            )
            conn.execute(
                sa.insert(at_0001(CoachingSession)),
                [
                    {
                        "id": f"s{i}",
                        "team_id": "t1",
                        "title": f"Session {i}",
                        "dilemma": f"Dilemma number{i} about réunions",
                        "status": "completed",
                        "created_at": now + dt.timedelta(days=i),
                        "updated_at": now + dt.timedelta(days=i),
                    }
                    for i in range(sessions)
                ],
            )
            conn.execute(
                sa.insert(at_0001(PickedQuestion)),
                [{"id": "q1", "session_id": "s0", "question_id": "kata-1", "text": "Q", "note": "legacy note",
                  "created_at": now, "updated_at": now}],
            )
    finally:
        engine.dispose()


def test_a_0001_database_is_backed_up_then_migrated_with_every_row_findable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_at_0001(path, sessions=30)
    with open_store(str(path)) as store:
        assert store.stats()["schema"] == database.HEAD_REVISION
        assert store.count_sessions() == 30
        assert store.count_sessions(SessionFilter("reunions")) == 30  # accents folded
        assert [r.title for r in store.search_sessions(SessionFilter("number7")).rows] == ["Session 7"]
        assert [r.title for r in store.search_sessions(SessionFilter("legacy")).rows] == ["Session 0"]
    assert assert_in_step(path) == 30
    (backup,) = (tmp_path / database.BACKUP_FOLDER).iterdir()
    assert backup.name.startswith(f"old-before-{database.HEAD_REVISION}-")
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT count(*) FROM coaching_session").fetchone() == (30,)
        assert conn.execute("SELECT count(*) FROM picked_question").fetchone() == (1,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert search_index.TABLE not in tables
    finally:
        conn.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM coaching_session").fetchone() == (30,)
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "ix_session_timeline" in indexes and "ix_session_created" not in indexes
    finally:
        conn.close()


def test_the_store_s_own_queries_use_the_indexes(store, filled, monkeypatch) -> None:
    """EXPLAIN QUERY PLAN of the statements the store really runs: the plans are
    what keep 100k sessions fast (bench/history.py measures them)."""
    import sqlalchemy as sa

    from coachtui.store import queries

    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    def plans(action) -> list[str]:
        seen.clear()
        sa.event.listen(store.engine, "before_cursor_execute", record)
        try:
            action()
        finally:
            sa.event.remove(store.engine, "before_cursor_execute", record)
        # A search's rows come from its one statement with a LIMIT (the pieces of
        # text shown beside a found session are read after it, by session id).
        if any("LIMIT" in sql for sql, _params in seen):
            seen[:] = [(sql, params) for sql, params in seen if "LIMIT" in sql]
        with store.engine.connect() as conn:
            return [
                " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
                for sql, params in seen
            ]

    team, *_ = filled
    monkeypatch.setattr(queries, "SORT_MATCHES_UP_TO", 0)
    # a common word: the newest sessions (a window walked on the timeline), then the
    # word's matches among the window's rowids only ("><": a rowid range), by rowid
    *_count, window, walk = plans(lambda: store.search_sessions(SessionFilter("night")))
    assert "SCAN coaching_session USING INDEX ix_session_timeline" in window
    assert walk.startswith("SEARCH coaching_session USING INTEGER PRIMARY KEY (rowid=?)")
    assert "VIRTUAL TABLE INDEX 0:M" in walk and "><" in walk
    monkeypatch.setattr(queries, "SORT_MATCHES_UP_TO", 1000)
    lookup = plans(lambda: store.search_sessions(SessionFilter("night")))[-1]
    assert lookup.startswith("SEARCH coaching_session USING INTEGER PRIMARY KEY (rowid=?)")
    completed = plans(lambda: store.search_sessions(SessionFilter(status="completed", category="learning")))[-1]
    assert completed.startswith("SCAN coaching_session USING INDEX ix_session_timeline")
    assert "ORDER BY" not in completed.replace("RIGHT PART OF ORDER BY", "")
    by_team = plans(lambda: store.search_sessions(SessionFilter(team_id=team.id, status="completed")))[-1]
    assert "SEARCH coaching_session USING INDEX ix_session_team_created (team_id=?)" in by_team
    deep = plans(lambda: store.search_sessions(after=store.search_sessions(limit=1).next_cursor))[-1]
    assert deep.startswith("SEARCH coaching_session USING INDEX ix_session_timeline (created_at<?)")
    # whole days from the tallies (migration 0014): one range of a small table
    themes = plans(lambda: store.theme_counts(today=dt.date(2026, 11, 20), months=2, tz=dt.UTC))
    assert themes == ["SEARCH theme_tally USING INDEX sqlite_autoindex_theme_tally_1 (team_id=? AND day>? AND day<?)"]
    # the tracker including closed actions walks its own index, no sort
    closed = plans(lambda: store.tracker_actions(today=dt.date(2026, 11, 20), include_closed=True))[0]
    assert closed.startswith("SCAN action USING INDEX ix_action_tracker") and "TEMP B-TREE" not in closed
    dominance = plans(lambda: store.dominant_categories())[-1]
    assert dominance.startswith("SEARCH coaching_session USING INDEX ix_session_team_created (team_id=?)")
    tracker = plans(lambda: store.tracker_actions(today=dt.date(2026, 11, 20)))[0]
    assert tracker.startswith("SEARCH action USING INDEX ix_action_status_due (status=?)")


def test_no_search_reads_every_session_to_ask_whether_any_meeting_exists(store, filled) -> None:
    """Every search first asks whether any set's meeting has a second presenter: that
    question is one look in the meeting index, never a read of every session (at 100k
    sessions a scan cost 60 ms of every keystroke's search)."""
    import sqlalchemy as sa

    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "meeting_id" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        store.search_sessions(SessionFilter("night"))
        store.count_sessions(SessionFilter("night"))
        store.session_ids_matching(SessionFilter("night"))
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    with store.engine.connect() as conn:
        plans = [
            [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
            for sql, params in seen
            if sql.count("SELECT") == 1 and "LIMIT" in sql  # the question itself
        ]
    assert len(plans) >= 3
    for plan in plans:
        assert len(plan) == 1 and plan[0].startswith("SEARCH coaching_session USING"), plan
        assert "INDEX ix_session_meeting (meeting_id>?)" in plan[0], plan


def test_with_a_meeting_a_common_word_is_still_read_through_windows_of_the_newest_rows(store, filled, monkeypatch) -> None:
    """A set's meeting (one row for its presenters) keeps the first page of a common
    word to a window of the newest rows: FTS5 is asked for the word's matches within
    the window's rowids (its meetings' later presenters included), not for all of
    them (which at 1M sessions is a million for "the")."""
    import sqlalchemy as sa

    from coachtui.store import queries

    team, one, _two, _first = filled
    later = store.add_presenter(one.id, "Asha Patel")
    store.save_draft(later.id, title="Night shift handover", dilemma="Nights go quiet")
    monkeypatch.setattr(queries, "SORT_MATCHES_UP_TO", 0)
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:
        if "MATCH" in statement and "session_fts" in statement:
            seen.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        rows = store.search_sessions(SessionFilter("nights"), limit=10).rows
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    assert [(row.title, row.presenters) for row in rows] == [("Night falls", ("", "Asha Patel"))]
    pages = [sql for sql in seen if "count(" not in sql]
    assert pages and all("BETWEEN" in sql for sql in pages), pages
