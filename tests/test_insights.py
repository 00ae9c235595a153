"""Insights and learning in search (issue 21, items 1 and 2): history search finds what
tests of change predicted and learned, and a session's "what we learned today"; the
insight is saved, shown, exported, imported, synced, redacted and migrated. On SQLite
and PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from coachtui.store import InvalidInput, open_store
from coachtui.store.db import database
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import DRAFT_TEXT_FIELDS, ExportSelection, SessionFilter
from index_check import assert_in_step
from test_tests_of_change import _agreed, _reviewed

INSIGHT = "Protected time for huddles works when the ward manager guards it"


def _found(store, text: str) -> list[str]:
    return [row.id for row in store.search_sessions(SessionFilter(text=text)).rows]


# --- item 1: predictions and learnings are searched -------------------------------------------


def test_search_finds_a_prediction_and_a_learning(store, clock) -> None:
    _team, first, second, action = _reviewed(store, clock)
    assert _found(store, "missed huddles") == [first.id]  # the prediction's words
    assert _found(store, "drug round") == [second.id]  # the learning, in the session that reviewed it
    row = store.search_sessions(SessionFilter(text="drug round")).rows[0]
    assert "drug round" in row.snippet
    # changed or cleared, the index follows
    store.update_action(action.id, prediction="We expect calmer nights")
    assert _found(store, "missed huddles") == [] and _found(store, "calmer nights") == [first.id]
    store.record_review(action.id, "done", "ok", session_id=second.id, learning="Ask the porters first")
    assert _found(store, "drug round") == [] and _found(store, "porters") == [second.id]
    assert store.count_sessions(SessionFilter(text="porters")) == 1


def test_the_sqlite_index_holds_predictions_learnings_and_insights_as_the_tables_say(tmp_path: Path, clock) -> None:
    path = tmp_path / "c.db"
    with open_store(str(path), clock=clock) as store:
        _team, first, second, action = _reviewed(store, clock)
        store.save_draft(first.id, insight=INSIGHT)
        store.update_action(action.id, prediction="")
        store.delete_session(second.id)
    assert assert_in_step(path) == 1


# --- item 2: insights -------------------------------------------------------------------------


def test_an_insight_is_saved_shown_and_searched(store, clock, tmp_path: Path) -> None:
    _team, first, _action = _agreed(store, clock)
    assert store.get_session(first.id).insight == ""
    store.save_draft(first.id, insight=INSIGHT)
    assert store.get_session(first.id).insight == INSIGHT
    assert _found(store, "guards") == [first.id]
    store.save_draft(first.id, insight="")
    assert _found(store, "guards") == []
    with pytest.raises(InvalidInput, match="insight"):
        store.save_draft(first.id, insight="x" * (DRAFT_TEXT_FIELDS["insight"] + 1))
    store.save_draft(first.id, insight=INSIGHT)
    report = tmp_path / "report.md"
    store.export_file(str(report), ExportSelection(fmt="md"))
    assert f"## What we learned today\n\n{INSIGHT}" in report.read_text()
    archive = tmp_path / "tables.zip"
    store.export_file(str(archive), ExportSelection(fmt="csv"))
    with zipfile.ZipFile(archive) as zipped:
        rows = list(csv.DictReader(io.StringIO(zipped.read("sessions.csv").decode())))
    assert [row["learned_today"] for row in rows] == [INSIGHT]
    assert store.export_json()["sessions"][0]["insight"] == INSIGHT


def test_a_draft_with_only_an_insight_is_not_empty(store, clock) -> None:
    team = store.create_team("Ward 4")
    draft = store.start_session(team.id, "Ana")
    store.save_draft(draft.id, insight="Something learned")
    assert draft.id not in store.empty_draft_ids()
    assert store.discard_empty_draft(draft.id) is False


def test_a_redacted_export_hides_names_in_an_insight(store, clock) -> None:
    team = store.create_team("Ward 4")
    first = store.start_session(team.id, "Ana")
    store.add_action(first.id, "Huddle at 21:45", "Priya Raman")
    store.save_draft(first.id, dilemma="Huddles", insight="Priya Raman keeps the huddle short")
    document = store.export_json(ExportSelection(redact=True))
    shared = json.dumps(document["sessions"])
    assert "Priya" not in shared and "Raman" not in shared
    assert "keeps the huddle short" in shared


def test_json_round_trip_carries_the_insight_and_an_older_file_still_imports(store, clock, tmp_path: Path) -> None:
    _team, first, _action = _agreed(store, clock)
    store.save_draft(first.id, insight=INSIGHT)
    document = store.export_json()
    with open_store(str(tmp_path / "copy.db")) as copy:
        copy.import_data(json.loads(dumps(document)))
        assert copy.get_session(first.id).insight == INSIGHT
        assert [row.id for row in copy.search_sessions(SessionFilter(text="guards")).rows] == [first.id]
    older = json.loads(dumps(document))
    for row in older["sessions"]:
        del row["insight"]
    with open_store(str(tmp_path / "older.db")) as other:
        other.import_data(older)
        assert other.get_session(first.id).insight == ""


def test_a_0009_database_is_backed_up_then_migrated_and_its_predictions_searched(tmp_path: Path, clock) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    with open_store(str(path), clock=clock) as store:
        _team, first, second, _action = _reviewed(store, clock)
    with open_store(str(path)) as store:
        with store.engine.begin() as conn:
            command.downgrade(database._alembic_config(conn), "0009")  # type: ignore[arg-type]
    conn = sqlite3.connect(path)
    try:  # 0009's index: the prediction is not in it
        assert conn.execute("SELECT count(*) FROM session_fts WHERE session_fts MATCH 'fewer'").fetchone() == (0,)
    finally:
        conn.close()
    with open_store(str(path)) as store:
        assert store.stats()["schema"] == database.HEAD_REVISION
        assert _found(store, "missed huddles") == [first.id]
        assert _found(store, "drug round") == [second.id]
        assert store.get_session(first.id).insight == ""
        store.save_draft(first.id, insight=INSIGHT)
        assert _found(store, "guards") == [first.id]
    assert assert_in_step(path) == 2
    backups = [b for b in (tmp_path / database.BACKUP_FOLDER).iterdir()
               if b.name.startswith(f"old-before-{database.HEAD_REVISION}-")]
    assert backups
    conn = sqlite3.connect(sorted(backups)[-1])
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0009",)
    finally:
        conn.close()


# --- sync ----------------------------------------------------------------------------------------



def test_sync_merges_an_insight_with_another_field_changed_elsewhere(ana, ben, hub_url, clock) -> None:
    _team, first, _action = _agreed(ana, clock, prediction="")
    ana.sync(hub_url)
    ben.sync(hub_url)
    ana.save_draft(first.id, insight=INSIGHT)
    clock.advance(minutes=5)
    ben.save_draft(first.id, title="Huddle clash at night")  # later, another field
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    ana.sync(hub_url)
    assert report.conflicts == ()  # type: ignore[attr-defined]
    for laptop in (ana, ben):
        got = laptop.get_session(first.id)
        assert (got.insight, got.title) == (INSIGHT, "Huddle clash at night")
        assert [row.id for row in laptop.search_sessions(SessionFilter(text="guards")).rows] == [first.id]
