"""Tests of change (issue 21, item 1): an action with a prediction, reviewed with what
happened and what was learned; the learning log; exports, import, sync and the
migration carry them. On SQLite and PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from coachtui.store import InvalidInput, open_store
from coachtui.store.db import database
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import PREDICTION_MAX, ExportSelection

PREDICTION = "We expect fewer missed huddles: under 2 a week"
RESULT = "One missed in three weeks"
LEARNING = "Night staff come when the huddle is before the drug round"


def _agreed(store, clock, team_name: str = "Ward 4", text: str = "Move the huddle to 21:45", prediction: str = PREDICTION):
    team = store.find_team(team_name) or store.create_team(team_name)
    first = store.start_session(team.id, "Ana")
    store.save_draft(first.id, title="Huddle clash", dilemma="Night staff miss the huddle")
    action = store.add_action(first.id, text, "Sam", dt.date(2026, 12, 1), "Ana", prediction=prediction)
    store.complete_session(first.id)
    clock.advance(days=7)
    return team, first, action


def _reviewed(store, clock, **kwargs):
    team, first, action = _agreed(store, clock, **kwargs)
    second = store.start_session(team.id, "Ana")
    store.record_review(action.id, "done", RESULT, session_id=second.id, coach="Ana", learning=LEARNING)
    store.save_draft(second.id, dilemma="Handover next")
    store.complete_session(second.id)
    return team, first, second, action


def test_an_action_with_a_prediction_is_a_test_of_change(store, clock) -> None:
    _team, first, action = _agreed(store, clock)
    assert action.is_test and action.prediction == PREDICTION
    (saved,) = store.get_session(first.id).actions
    assert saved.prediction == PREDICTION and saved.is_test
    plain = store.add_action(first.id, "Ask the porters", "Kim")
    assert not plain.is_test and plain.prediction == ""
    changed = store.update_action(plain.id, prediction="  We expect the porters to say yes  ")
    assert changed.prediction == "We expect the porters to say yes"  # trimmed like the text
    assert store.update_action(plain.id, owner="Lee").prediction == changed.prediction  # None: left as is
    assert not store.update_action(plain.id, prediction="").is_test
    with pytest.raises(InvalidInput, match="prediction"):
        store.add_action(first.id, "Too sure", prediction="x" * (PREDICTION_MAX + 1))


def test_a_review_keeps_what_happened_and_what_was_learned(store, clock) -> None:
    _team, _first, second, action = _reviewed(store, clock)
    (reviewed,) = store.get_session(second.id).reviews
    assert (reviewed.review.note, reviewed.review.learning) == (RESULT, LEARNING)
    assert reviewed.action.prediction == PREDICTION
    # a later save of the status and note (learning None) keeps the learning
    store.record_review(action.id, "in_progress", RESULT, session_id=second.id, coach="Ana")
    (again,) = store.get_session(second.id).reviews
    assert again.review.learning == LEARNING and again.review.status == "in_progress"


def test_the_learning_log_lists_a_team_s_tests_newest_first(store, clock) -> None:
    team, _first, _second, reviewed = _reviewed(store, clock)
    clock.advance(days=1)
    _same, _s, later = _agreed(store, clock, text="Print the rota weekly", prediction="We expect fewer swaps")
    _other, _o, elsewhere = _agreed(store, clock, team_name="Ward 7", text="Huddle board", prediction="We expect calm")
    store.add_action(_o.id, "An ordinary action", "Kim")  # no prediction: not in the log
    log = store.learning_log(team.id)
    assert [entry.action.id for entry in log] == [later.id, reviewed.id]
    assert log[0].review is None
    assert (log[1].review.note, log[1].review.learning, log[1].action.prediction) == (RESULT, LEARNING, PREDICTION)
    assert log[1].session_title == "Huddle clash"
    everyone = store.learning_log()
    assert [entry.action.id for entry in everyone] == [elsewhere.id, later.id, reviewed.id]
    assert everyone[0].action.team_name == "Ward 7"


def test_exports_show_prediction_result_and_learning(store, clock, tmp_path: Path) -> None:
    _reviewed(store, clock)
    report = tmp_path / "report.md"
    store.export_file(str(report), ExportSelection(fmt="md"))
    text = report.read_text()
    assert "### Tests of change" in text
    assert f"_We expected:_ {PREDICTION}" in text
    assert f"_What happened:_ {RESULT}" in text and f"_What we learned:_ {LEARNING}" in text
    archive = tmp_path / "tables.zip"
    store.export_file(str(archive), ExportSelection(fmt="csv"))
    with zipfile.ZipFile(archive) as zipped:
        rows = list(csv.DictReader(io.StringIO(zipped.read("actions.csv").decode())))
    assert [(r["prediction"], r["last_review_note"], r["last_review_learning"]) for r in rows] == [
        (PREDICTION, RESULT, LEARNING)
    ]
    document = store.export_json()
    assert document["actions"][0]["prediction"] == PREDICTION
    assert document["action_reviews"][0]["learning"] == LEARNING


def test_a_redacted_export_hides_names_in_predictions_and_learning(store, clock) -> None:
    team = store.create_team("Ward 4")
    first = store.start_session(team.id, "Ana")
    store.save_draft(first.id, dilemma="Huddles")
    action = store.add_action(first.id, "Huddle at 21:45", "Priya Raman", prediction="We expect Priya to come")
    store.complete_session(first.id)
    second = store.start_session(team.id, "Ana")
    store.record_review(action.id, "done", "Raman came", session_id=second.id, learning="Priya prefers 21:45")
    document = store.export_json(ExportSelection(redact=True))
    shared = json.dumps([document["actions"], document["action_reviews"]])
    assert "Priya" not in shared and "Raman" not in shared
    assert "We expect Person 1 to come" in shared


def test_json_round_trip_carries_the_new_fields_and_an_older_file_still_imports(store, clock, tmp_path: Path) -> None:
    _reviewed(store, clock)
    document = store.export_json()
    with open_store(str(tmp_path / "copy.db")) as copy:
        copy.import_data(json.loads(dumps(document)))
        (entry, *_) = copy.learning_log()
        assert (entry.action.prediction, entry.review.note, entry.review.learning) == (PREDICTION, RESULT, LEARNING)
    older = json.loads(dumps(document))
    for row in older["actions"]:
        del row["prediction"]
    for row in older["action_reviews"]:
        del row["learning"]
    with open_store(str(tmp_path / "older.db")) as other:
        other.import_data(older)
        (action,) = other.export_json()["actions"]
        assert action["prediction"] == ""
        assert other.learning_log() == []


def test_a_0008_database_is_backed_up_then_migrated_and_keeps_its_actions(tmp_path: Path, clock) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    with open_store(str(path), clock=clock) as store:
        _team, _first, action = _agreed(store, clock, prediction="")
    with open_store(str(path)) as store:
        with store.engine.begin() as conn:
            command.downgrade(database._alembic_config(conn), "0008")  # type: ignore[arg-type]
    with open_store(str(path)) as store:
        assert store.stats()["schema"] == database.HEAD_REVISION
        assert store.get_action(action.id).prediction == ""
        assert store.update_action(action.id, prediction=PREDICTION).is_test
    backups = sorted((tmp_path / database.BACKUP_FOLDER).iterdir())
    assert any(b.name.startswith(f"old-before-{database.HEAD_REVISION}-") for b in backups)
    newest = [b for b in backups if b.name.startswith(f"old-before-{database.HEAD_REVISION}-")][-1]
    conn = sqlite3.connect(newest)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0008",)
        assert conn.execute("SELECT text FROM action").fetchone() == ("Move the huddle to 21:45",)
    finally:
        conn.close()


# --- sync ----------------------------------------------------------------------------------------



def _predicted_here_owner_there(ana, ben, hub_url, clock, action) -> object:
    """Ana types a prediction, Ben later changes the owner; all sync. Returns the
    report of Ben's sync (the one that merges both)."""
    ana.update_action(action.id, prediction=PREDICTION)
    clock.advance(minutes=5)
    ben.update_action(action.id, owner="Kim")  # later, another field
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    ana.sync(hub_url)
    for store in (ana, ben):
        got = store.get_action(action.id)
        assert (got.prediction, got.owner) == (PREDICTION, "Kim")
    return report


def test_sync_carries_a_prediction_and_a_learning_between_laptops(ana, ben, hub_url, clock) -> None:
    team, first, action = _agreed(ana, clock, prediction="")
    ana.sync(hub_url)
    ben.sync(hub_url)
    report = _predicted_here_owner_there(ana, ben, hub_url, clock, action)
    assert report.conflicts == ()  # type: ignore[attr-defined]
    second = ben.start_session(team.id, "Ben")
    ben.record_review(action.id, "done", RESULT, session_id=second.id, learning=LEARNING)
    ben.sync(hub_url)
    ana.sync(hub_url)
    (entry,) = ana.learning_log(team.id)
    assert (entry.review.note, entry.review.learning) == (RESULT, LEARNING)


def test_a_base_synced_before_the_new_fields_merges_them_without_a_conflict(ana, ben, hub_url, clock) -> None:
    """A laptop that last synced before migration 0009 holds bases without
    ``prediction``: that field was '' then, so a prediction typed on one side and an
    owner changed on the other both survive, with no conflict."""
    _team, _first, action = _agreed(ana, clock, prediction="")
    ana.sync(hub_url)
    ben.sync(hub_url)
    for store in (ana, ben):
        with store.engine.begin() as conn:
            for kind, ident, content in conn.exec_driver_sql("SELECT kind, id, content FROM sync_base").all():
                fields = json.loads(content)
                fields.pop("prediction", None)
                fields.pop("learning", None)
                conn.exec_driver_sql(
                    "UPDATE sync_base SET content = ? WHERE kind = ? AND id = ?", (json.dumps(fields), kind, ident)
                )
    # Ben's owner is newer: without the base the whole record would win
    report = _predicted_here_owner_there(ana, ben, hub_url, clock, action)
    assert report.conflicts == ()  # type: ignore[attr-defined]
