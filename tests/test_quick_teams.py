"""The team list read with the standard library before the store opens
(`coachtui.store.db.quick.peek_teams`) must be exactly what `Store.list_teams` gives."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from coachtui.store.db.quick import peek_teams


def test_same_teams_in_the_same_order_as_the_store(store, db_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    ward = store.create_team("Ward 4", coach="Ana")
    store.create_team("Année 9 — maths 🧮", coach="Ben")  # never coached
    store.create_team("[bold]odd[/] \x1b[31mname", coach="Ben")  # never coached, created later
    old = store.create_team("Outpatients")
    gone = store.create_team("Archived team")
    store.archive_team(gone.id)
    first = store.start_session(old.id, coach="Ana")
    done = store.add_action(first.id, "Plot ten points", owner="Sam")
    store.add_action(first.id, "Ask for time", owner="Lee")
    store.save_draft(first.id, dilemma="Nobody reads the run chart")
    stuck = store.add_action(first.id, "Share the chart", owner="Kim")
    store.complete_session(first.id)
    clock.advance(days=3)
    second = store.start_session(ward.id, coach="Ana")
    store.record_review(done.id, "done", session_id=second.id)
    store.record_review(stuck.id, "stuck", session_id=second.id)
    store.start_session(ward.id, coach="Ana")  # a draft: counts as a session

    expected = store.list_teams()
    assert [t.name for t in expected][:2] == ["Ward 4", "Outpatients"]
    assert peek_teams(str(db_path)) == expected
    assert peek_teams(f"sqlite:///{db_path}") == expected


def test_an_action_learning_set_as_the_store_lists_it(store, db_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    # Its members, and a meeting of three presenters counted once, as the store's
    # tallies count it (the quick list counted each presenter's session, no members).
    team = store.create_team("Set Ten", coach="Ana")
    for name in ("Ann", "Ben", "Cas"):
        store.add_member(team.id, name)
    first = store.start_session(team.id, coach="Ana")
    clock.advance(minutes=5)
    store.add_presenter(first.id, "Ben", "Ana")
    store.add_presenter(first.id, "Cas", "Ana")
    clock.advance(days=1)
    store.create_team("Ward 4", coach="Ana")

    expected = store.list_teams()
    assert [(t.name, t.session_count, len(t.members)) for t in expected] == [("Ward 4", 0, 0), ("Set Ten", 1, 3)]
    assert peek_teams(str(db_path)) == expected


def test_an_empty_database_has_no_teams(store, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert peek_teams(str(db_path)) == [] == store.list_teams()


def test_anything_but_a_current_coachtui_file_gives_none(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert peek_teams(str(missing)) is None
    assert not missing.exists()  # nothing created

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(4096))
    assert peek_teams(str(garbage)) is None

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE team (id TEXT, name TEXT)")
    conn.commit()
    conn.close()
    assert peek_teams(str(other)) is None

    assert peek_teams("postgresql://coach@localhost/coachtui") is None


def test_an_older_schema_waits_for_the_store(store, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    store.create_team("Ward 4")
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.commit()
    conn.close()
    before = db_path.stat().st_mtime_ns
    assert peek_teams(str(db_path)) is None
    assert db_path.stat().st_mtime_ns == before  # read only


def test_times_are_utc_aware(store, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = store.create_team("Ward 4")
    store.start_session(team.id)
    (quick,) = peek_teams(str(db_path))  # type: ignore[misc]
    assert quick.created_at.tzinfo is dt.UTC
    assert quick.last_session_at is not None and quick.last_session_at.tzinfo is dt.UTC
