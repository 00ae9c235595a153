"""What only PostgreSQL needs checking: migrations there, refusing a schema that is
not coachtui's, exact text despite NUL, a server's time zone, lost connections, and
the same search results as SQLite."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coachtui.cli import main
from coachtui.store import (
    BackupError,
    DatabaseUnavailable,
    NewerDatabase,
    NotCoachtuiDatabase,
    open_store,
)
from coachtui.store.db import database
from coachtui.store.db.models import ESCAPE
from coachtui.store.db.target import parse_target
from coachtui.store.demo import generate_demo_data
from coachtui.store.types import PickedQuestionInfo, SessionFilter

pytestmark = pytest.mark.postgres
TODAY = dt.date(2026, 11, 20)
HOSTILE = "a\x00b \x00\x00 \U0010fffd0 \U0010fffd\U0010fffd [bold]x[/] \x1b[31m\u202eRTL 🙂 e\u0301 end"


def schema_of(url: str) -> str:
    return url.rsplit("%3D", 1)[1]


def tables(pg, schema: str) -> set[str]:
    with pg.connect() as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()
    return {row[0] for row in rows}


# --- migrations ---------------------------------------------------------------------------


def test_every_migration_runs_on_postgresql_and_keeps_the_data(pg) -> None:
    """A hub made by the first release (0001) with sessions in it is brought to the
    head: its sessions are searchable and logged for sync."""
    import sqlalchemy as sa
    from alembic import command

    url = pg.new_url()
    engine = database.make_engine(parse_target(url))
    try:
        with engine.begin() as conn:
            command.upgrade(database._alembic_config(conn), "0001")  # type: ignore[arg-type]
            now = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
            conn.execute(sa.text(
                "INSERT INTO team (id, name, name_key, created_at, updated_at) VALUES ('t1', 'Old ward', 'old ward', :n, :n)"
            ), {"n": now})
            for i in range(3):
                conn.execute(sa.text(
                    "INSERT INTO coaching_session (id, team_id, title, dilemma, status, created_at, updated_at) "
                    "VALUES (:id, 't1', :title, 'Réunions about rotas', 'completed', :n, :n)"
                ), {"id": f"s{i}", "title": f"Session {i}", "n": now + dt.timedelta(days=i)})
    finally:
        engine.dispose()
    with open_store(url) as store:
        assert store.stats()["schema"] == database.HEAD_REVISION
        assert [r.title for r in store.search_sessions(SessionFilter("reunions")).rows] == ["Session 2", "Session 1", "Session 0"]
        with store.engine.connect() as conn:
            logged = conn.exec_driver_sql("SELECT kind, count(*) FROM sync_change GROUP BY kind ORDER BY kind").all()
        assert logged == [("sessions", 3), ("teams", 1)]
    # downgrading all the way works too (the migrations are reversible)
    engine = database.make_engine(parse_target(url))
    try:
        with engine.begin() as conn:
            command.downgrade(database._alembic_config(conn), "base")  # type: ignore[arg-type]
    finally:
        engine.dispose()
    assert tables(pg, schema_of(url)) == {"alembic_version"}


def test_a_schema_of_another_program_is_refused_and_left_untouched(pg) -> None:
    url = pg.new_url()
    schema = schema_of(url)
    with pg.connect() as conn:
        conn.execute(f'CREATE TABLE "{schema}".invoices (id int PRIMARY KEY, total numeric)')
        conn.execute(f'INSERT INTO "{schema}".invoices VALUES (1, 9.5)')
    with pytest.raises(NotCoachtuiDatabase, match=r"holds another program's tables, not coachtui's; it was left untouched$"):
        open_store(url)
    assert tables(pg, schema) == {"invoices"}


def test_another_alembic_program_is_refused_too(pg) -> None:
    url = pg.new_url()
    schema = schema_of(url)
    with pg.connect() as conn:
        conn.execute(f'CREATE TABLE "{schema}".alembic_version (version_num varchar(32) PRIMARY KEY)')
        conn.execute(f"INSERT INTO \"{schema}\".alembic_version VALUES ('ae1027a6acf')")
        conn.execute(f'CREATE TABLE "{schema}".orders (id int)')
    with pytest.raises(NotCoachtuiDatabase):
        open_store(url)
    assert tables(pg, schema) == {"alembic_version", "orders"}


def test_a_newer_coachtui_schema_is_refused_and_left_untouched(pg) -> None:
    url = pg.new_url()
    open_store(url).close()
    schema = schema_of(url)
    with pg.connect() as conn:
        conn.execute(f"UPDATE \"{schema}\".alembic_version SET version_num = '0099'")
    with pytest.raises(NewerDatabase, match="schema 0099"):
        open_store(url)
    with pg.connect() as conn:
        assert conn.execute(f'SELECT version_num FROM "{schema}".alembic_version').fetchall() == [("0099",)]


def test_a_search_path_without_a_schema_is_one_clear_line(pg) -> None:
    url = pg.new_url() + "x"  # a schema that does not exist
    with pytest.raises(DatabaseUnavailable, match="has no schema for coachtui's tables"):
        open_store(url)


# --- text and time ----------------------------------------------------------------------------


def test_nul_and_the_escape_character_are_stored_exactly(pg, clock, tmp_path: Path) -> None:
    url = pg.new_url()
    with open_store(url, clock=clock) as store:
        team = store.create_team("Ward \x00 4")
        session = store.start_session(team.id, coach="A\x00na")
        store.save_draft(session.id, title=HOSTILE, dilemma=HOSTILE * 3, context="c\x00")
        store.set_questions(session.id, [PickedQuestionInfo("q\x001", "Q\x00?", "s\x00", note=HOSTILE)])
        action = store.add_action(session.id, f"act {HOSTILE}", owner="S\x00m")
        store.record_review(action.id, "done", HOSTILE)
        detail = store.get_session(session.id)
        assert (detail.title, detail.dilemma, detail.context, detail.coach) == (HOSTILE, HOSTILE * 3, "c\x00", "A\x00na")
        assert detail.questions[0].question_id == "q\x001" and detail.questions[0].note == HOSTILE
        assert store.get_action(action.id).owner == "S\x00m" and store.get_action(action.id).last_note == HOSTILE
        assert store.find_team("ward \x00 4").id == team.id
        assert [r.id for r in store.search_sessions(SessionFilter("end", coach="A\x00na")).rows] == [session.id]
        assert store.search_sessions(SessionFilter(HOSTILE[:4])).rows[0].preview.startswith("a\x00b")
        # the preview is cut inside an escaped pair: no stray escape character shows
        store.save_draft(session.id, dilemma="x" * 239 + "\x00tail")
        assert store.search_sessions().rows[0].preview == "x" * 120
        store.save_draft(session.id, dilemma=HOSTILE * 3)
        exported = store.export_json()
        with pg.connect() as conn:
            stored = conn.execute(f'SELECT title FROM "{schema_of(url)}".coaching_session').fetchone()[0]
        assert "\x00" not in stored and stored.count(ESCAPE) == HOSTILE.count("\x00") + 2 * HOSTILE.count(ESCAPE)
    # a round trip through SQLite and back is exact
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(exported), "utf-8")
    with open_store(str(tmp_path / "local.db"), clock=clock) as local:
        local.import_file(path)
        assert local.export_json()["sessions"] == exported["sessions"]
        back = tmp_path / "back.json"
        local.export_file(back)
    url2 = pg.new_url()
    with open_store(url2, clock=clock) as again:
        again.import_file(back)
        assert {k: again.export_json()[k] for k in ("teams", "sessions", "picked_questions", "actions")} == {
            k: exported[k] for k in ("teams", "sessions", "picked_questions", "actions")
        }


def test_times_are_utc_whatever_the_server_s_time_zone(pg, clock) -> None:
    url = pg.new_url() + "%20-ctimezone%3DAsia/Kolkata"
    with open_store(url, clock=clock) as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW timezone").scalar() == "Asia/Kolkata"
        team = store.create_team("Ward 4")
        clock.now = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
        late = store.start_session(team.id)
        clock.now = dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC)
        early = store.start_session(team.id)
        got = store.get_session(late.id).created_at
        assert got == dt.datetime(2026, 3, 1, 23, 30, 0, 1, tzinfo=dt.UTC) and got.utcoffset() == dt.timedelta(0)
        ids = lambda **f: [r.id for r in store.search_sessions(SessionFilter(**f)).rows]  # noqa: E731
        assert ids(since=dt.date(2026, 3, 2), tz=dt.UTC) == [early.id]
        assert ids(until=dt.date(2026, 3, 1), tz=dt.UTC) == [late.id]
        generate_demo_data(store, sessions=20, teams=2, seed=1, today=TODAY, append=True)  # COPY path
        rows = store.search_sessions(limit=1000).rows
        assert all(r.created_at.utcoffset() == dt.timedelta(0) for r in rows)
        assert [r.created_at for r in rows] == sorted((r.created_at for r in rows), reverse=True)


# --- faults -----------------------------------------------------------------------------------


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    with pytest.raises(DatabaseUnavailable) as failed:
        open_store("postgresql://coach:hunter2@127.0.0.1:9/coachtui")
    message = str(failed.value)
    assert message.startswith("Cannot reach the database at postgresql+psycopg://coach:***@127.0.0.1:9/coachtui: ")
    assert "hunter2" not in message and "\n" not in message and failed.value.retryable


def test_a_connection_lost_during_a_save_keeps_nothing_half_written_and_a_retry_works(pg, clock) -> None:
    from sqlalchemy import event

    url = pg.new_url()
    with open_store(url, clock=clock) as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id)
        store.save_draft(session.id, title="before")
        cut = {"armed": True}

        def cut_the_line(conn, _cursor, statement, *_args) -> None:
            if cut["armed"] and statement.lstrip().upper().startswith("UPDATE COACHING_SESSION"):
                cut["armed"] = False
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                with pg.connect() as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        event.listen(store.engine, "before_cursor_execute", cut_the_line)
        with pytest.raises(DatabaseUnavailable) as failed:
            store.set_questions(session.id, [PickedQuestionInfo("kata-1", "Q", "kata", note="half")])
        assert failed.value.retryable and "\n" not in str(failed.value)
        assert str(failed.value).startswith("Cannot reach the database at ")
        with pg.connect() as admin:  # nothing of that save: no question, no version bump
            schema = schema_of(url)
            assert admin.execute(f'SELECT count(*) FROM "{schema}".picked_question').fetchone() == (0,)
        assert store.get_session(session.id).questions == ()
        store.set_questions(session.id, [PickedQuestionInfo("kata-1", "Q", "kata", note="half")])  # the retry
        assert store.get_session(session.id).questions[0].note == "half"


def test_sqlite_file_operations_refuse_on_postgresql_in_one_line(pg, capsys) -> None:
    url = pg.new_url()
    with open_store(url) as store:
        with pytest.raises(BackupError, match="on PostgreSQL use pg_dump"):
            store.backup()
        with pytest.raises(BackupError, match="on PostgreSQL use VACUUM FULL"):
            store.vacuum()
        assert store.ensure_daily_backup() is None
    assert main(["--db", url, "vacuum"]) == 1
    assert capsys.readouterr().err.startswith("coachtui: Vacuum works on SQLite database files")


# --- the same search on both --------------------------------------------------------------------

QUERIES = [
    "staff", "team", "the", "data", "huddle", "rota", "pdsa", "trust", "ward ", "minibus", "run chart",
    "night staff", "sta", "insp", "meas", "zzzq", "Équipe", "REUNION", "e\u0301quipe", "[bold]", "x" * 3000,
    "staff)", "NOT staff", "'", "\x00", "🎉 staff", "4", "ward 4",
]


def test_postgresql_finds_exactly_what_sqlite_finds(pg, tmp_path: Path) -> None:
    """The same demo data (the generator is deterministic, ids included) on both
    backends: every query lists the same sessions in the same order, and counts agree."""
    url = pg.new_url()
    with open_store(str(tmp_path / "same.db")) as lite, open_store(url) as server:
        for store in (lite, server):
            generate_demo_data(store, sessions=300, teams=6, seed=11, today=TODAY)
            team = store.list_teams()[0]
            extra = store.start_session(team.id, coach="Zoé", session_id="99999999-9999-4999-8999-999999999999")
            store.save_draft(extra.id, title="Équipe de nuit", dilemma="Réunion [bold]x[/] ward-4 4 e\u0301quipe")
        for text in QUERIES:
            for filters in ({}, {"category": "relational"}, {"coach": "Zoé"}):
                a = [r.id for r in lite.search_sessions(SessionFilter(text, **filters), limit=1000).rows]
                b = [r.id for r in server.search_sessions(SessionFilter(text, **filters), limit=1000).rows]
                assert a == b, (text, filters)
                assert lite.count_sessions(SessionFilter(text, **filters)) == server.count_sessions(SessionFilter(text, **filters)) == len(a)
