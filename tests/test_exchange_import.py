"""Import: merge rules (newer edit wins, twice adds nothing, same-name teams become
one, derived action status) and refusals that leave the database untouched."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coachtui.store import open_store
from coachtui.store.errors import ImportRefused
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import ExportSelection, PickedQuestionInfo, SessionFilter
from conftest import Clock

TABLES = ("team", "coaching_session", "picked_question", "custom_question", "action", "action_review")


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in TABLES}
    finally:
        conn.close()


def one(path: Path, sql: str, *params: Any) -> Any:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()
    finally:
        conn.close()


@pytest.fixture
def other_path(tmp_path: Path) -> Path:
    return tmp_path / "other.db"


@pytest.fixture
def other(other_path: Path) -> Iterator[Any]:
    """A second laptop, its clock an hour behind the first one's."""
    clock = Clock(dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC))
    opened = open_store(str(other_path), clock=clock)
    opened.test_clock = clock
    try:
        yield opened
    finally:
        opened.close()


def seed(store: Any) -> dict[str, Any]:
    team = store.create_team("Ward 4", coach="Ana")
    first = store.start_session(team.id, coach="Ana")
    store.save_draft(first.id, title="Handovers", dilemma="Handovers run long", primary_category="environment")
    store.set_questions(first.id, [PickedQuestionInfo("env-01", "What is in the way?", "environment", note="rota")])
    action = store.add_action(first.id, "Time the handover", owner="Sam", due=dt.date(2026, 12, 1))
    store.complete_session(first.id)
    custom = store.add_custom_question("Who decides the rota?", "environment", coach="Ana")
    return {"team": team, "session": first, "action": action, "custom": custom}


def test_importing_into_an_empty_database_adds_everything_and_twice_adds_nothing(store, other, other_path) -> None:
    seed(store)
    document = store.export_json()
    summary = other.import_data(document)
    assert [(c.kind, c.added, c.updated) for c in summary.counts] == [
        ("teams", 1, 0),
        ("sessions", 1, 0),
        ("questions", 1, 0),
        ("custom questions", 1, 0),
        ("actions", 1, 0),
        ("reviews", 0, 0),
    ]
    before = rows(other_path)
    again = other.import_data(document)
    assert not again.changed and again.count("sessions").unchanged == 1
    assert rows(other_path) == before


def test_the_newer_edit_wins_in_both_directions(store, clock, other, db_path, other_path) -> None:
    parts = seed(store)
    other.import_data(store.export_json())
    # The other laptop edits the session at 08:30 (its time) ... no: times are UTC
    # instants; move each clock so the session is newer there, the action newer here.
    other.test_clock.now = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
    other.save_draft(parts["session"].id, title="Handovers, take two")
    clock.now = dt.datetime(2026, 11, 3, 11, 0, tzinfo=dt.UTC)
    store.update_action(parts["action"].id, text="Time three handovers")

    here = store.import_data(other.export_json())
    assert (here.count("sessions").updated, here.count("actions").updated) == (1, 0)
    assert here.count("actions").unchanged == 1
    there = other.import_data(store.export_json())
    assert (there.count("sessions").updated, there.count("actions").updated) == (0, 1)

    for path in (db_path, other_path):
        assert one(path, "SELECT title FROM coaching_session") == ("Handovers, take two",)
        assert one(path, "SELECT text FROM action") == ("Time three handovers",)
    # Both laptops now hold the same content; exchanging again changes nothing.
    assert not store.import_data(other.export_json()).changed
    assert not other.import_data(store.export_json()).changed


def test_an_older_copy_changes_nothing(store, clock, other, db_path) -> None:
    parts = seed(store)
    stale = store.export_json()
    clock.advance(hours=1)
    store.save_draft(parts["session"].id, title="Newer here")
    before = rows(db_path)
    summary = store.import_data(stale)
    assert not summary.changed
    assert rows(db_path) == before


def test_an_update_moves_version_forward(store, clock, other, other_path) -> None:
    parts = seed(store)
    other.import_data(store.export_json())
    for _ in range(5):
        other.save_draft(parts["session"].id, dilemma="edited often there")
    clock.now = dt.datetime(2026, 11, 9, tzinfo=dt.UTC)
    store.save_draft(parts["session"].id, title="edited once here, later")
    local_version = one(other_path, "SELECT version FROM coaching_session")[0]
    other.import_data(store.export_json())
    assert one(other_path, "SELECT title, version FROM coaching_session") == (
        "edited once here, later",
        local_version + 1,
    )


def test_a_team_with_the_same_name_becomes_the_local_team(store, clock, other, db_path) -> None:
    parts = seed(store)
    theirs = other.create_team("  WARD   4 ", coach="Bo")
    draft = other.start_session(theirs.id, coach="Bo")
    other.save_draft(draft.id, title="From the other laptop", dilemma="Night shift")
    other.add_action(draft.id, "Ask the night team")
    clock.advance(days=1)  # so the local team is the newer one; the name stays anyway

    summary = store.import_data(other.export_json())
    assert summary.merged_teams == (("WARD 4", "Ward 4"),)
    assert summary.count("teams").added == 0
    assert one(db_path, "SELECT count(*), name, coach FROM team") == (1, "Ward 4", "Ana")
    assert one(db_path, "SELECT count(DISTINCT team_id), min(team_id) FROM coaching_session") == (1, parts["team"].id)
    assert one(db_path, "SELECT count(DISTINCT team_id) FROM action") == (1,)
    assert [s.title for s in store.list_drafts()] == ["From the other laptop"]
    assert not store.import_data(other.export_json()).changed
    # And back: the other laptop maps this laptop's team onto its own the same way.
    back = other.import_data(store.export_json())
    assert back.merged_teams == (("Ward 4", "WARD 4"),)
    assert back.count("sessions").added == 1


def test_a_review_from_elsewhere_sets_the_status_of_the_newest_review(store, clock, other, db_path) -> None:
    parts = seed(store)
    other.import_data(store.export_json())
    later = other.start_session(parts["team"].id)
    other.record_review(parts["action"].id, "done", "finished", session_id=later.id)
    summary = store.import_data(other.export_json())
    assert summary.count("reviews").added == 1
    assert one(db_path, "SELECT status FROM action") == ("done",)

    # A newer review here wins over an older one arriving from elsewhere.
    third = open_store(str(db_path.parent / "third.db"), clock=Clock(dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
    try:
        third.import_data(store.export_json())
        third.record_review(parts["action"].id, "stuck", "older")  # stamped 1 Nov: older
        clock.advance(days=3)
        store.record_review(parts["action"].id, "in_progress", "newest")
        store.import_data(third.export_json())
        assert one(db_path, "SELECT status FROM action") == ("in_progress",)
        third.import_data(store.export_json())
        assert third.open_actions(parts["team"].id)[0].status == "in_progress"
    finally:
        third.close()


def test_an_action_without_its_reviews_keeps_the_exported_status(store, clock, other, other_path) -> None:
    parts = seed(store)
    later = store.start_session(parts["team"].id)
    store.record_review(parts["action"].id, "dropped", "not needed", session_id=later.id)
    only_first = store.export_json(ExportSelection(SessionFilter(session_ids=[parts["session"].id])))
    assert only_first["action_reviews"] == []
    other.import_data(only_first)
    assert one(other_path, "SELECT status FROM action") == ("dropped",)


def test_the_same_question_in_the_same_session_is_one_record(store, clock, other, db_path) -> None:
    parts = seed(store)
    other.import_data(store.export_json())
    # Both laptops pick the same new question for the session: two ids, one question.
    picked = [
        PickedQuestionInfo("env-01", "What is in the way?", "environment", note="rota"),
        PickedQuestionInfo("kata-2", "What is the actual condition?", "kata", note="from there"),
    ]
    other.set_questions(parts["session"].id, picked)
    here = PickedQuestionInfo("kata-2", "What is the actual condition?", "kata", note="from here")
    store.set_questions(parts["session"].id, [picked[0], here])
    summary = store.import_data(other.export_json())
    assert summary.count("questions").added == 0
    # ... and the newer edit (made here, an hour later) is kept.
    assert one(db_path, "SELECT count(*), note FROM picked_question WHERE question_id = 'kata-2'") == (1, "from here")


def test_the_same_custom_question_typed_on_two_laptops_is_one_question(store, other) -> None:
    seed(store)
    typed_there = other.add_custom_question("Who decides the rota?", "relational")
    other.add_custom_question("A question only there")
    summary = store.import_data(other.export_json())
    assert (summary.count("custom questions").added, summary.count("custom questions").unchanged) == (1, 1)
    assert sorted(q.text for q in store.list_custom_questions()) == ["A question only there", "Who decides the rota?"]
    assert typed_there.id not in {q.id for q in store.list_custom_questions()}


# --- refusals -----------------------------------------------------------------------------


def _set(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


_DELETE = object()

REFUSALS = [
    (_set("version", 2), "format version 2; this coachtui reads version 1"),
    (_set("version", True), "format version true"),
    (_set("format", "something-else"), "not a coachtui export"),
    (_set("sessions.0.title", 5), "sessions[0].title: expected text, found 5"),
    (_set("teams.0.archived", "yes"), "teams[0].archived: expected true or false"),
    (_set("actions.0.due_date", "31/12/2026"), "actions[0].due_date: '31/12/2026' is not a date"),
    (_set("sessions.0.created_at", "2026-11-02T09:00:00"), "sessions[0].created_at: the timestamp"),
    (_set("sessions.0.updated_at", "last week"), "sessions[0].updated_at: 'last week' is not an ISO 8601"),
    (_set("sessions.0.version", 1.5), "sessions[0].version: expected a whole number, found 1.5"),
    (_set("picked_questions.0.position", True), "picked_questions[0].position: expected a whole number"),
    (_set("actions.0.text", None), "actions[0].text: a value is required"),
    (_set("actions.0.status", "finished"), "actions[0].status: unknown value 'finished'"),
    (_set("sessions.0.primary_category", "weather"), "sessions[0].primary_category: unknown value"),
    (_set("sessions.0.suggestion_reasons", "not json"), "suggestion_reasons: expected a JSON list"),
    (_set("sessions.0.mood", "sunny"), "sessions[0]: unknown field 'mood'"),
    (_set("sessions.0.dilemma", _DELETE), "sessions[0]: the field 'dilemma' is missing"),
    (_set("sessions", {}), "sessions: expected a list, found an object"),
    (_set("actions.0", "an action"), "actions[0]: expected an object"),
    (_set("action_reviews", _DELETE), "the list 'action_reviews' is missing"),
    (_set("extra", []), "unknown top-level field 'extra'"),
    (_set("exported_at", None), "exported_at: expected a timestamp, found null"),
    (_set("filters", "all"), "filters: expected an object, found 'all'"),
    (_set("redacted", "no"), "redacted: expected true or false"),
    (_set("teams.1.name", "   "), "teams[1].name: a team needs a name"),
    (_set("teams.1.name", "ward 5"), "two teams in the file are called 'ward 5'"),
    (_set("actions.0.session_id", "no-such-session"), "actions[0].session_id: refers to a session that is neither"),
    (_set("action_reviews.0.action_id", "gone"), "action_reviews[0].action_id: refers to an action that"),
    (_set("sessions.1.team_id", "gone"), "sessions[1].team_id: refers to a team"),
    (lambda d: d["sessions"][1].update(id=d["sessions"][0]["id"]), "sessions[1].id: the id '"),
    (_set("custom_questions.0.text", "\ud800"), "unpaired surrogate"),
]


@pytest.fixture(scope="module")
def refusal_base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A local database with data, and a valid export from elsewhere that overlaps it
    (its Ward 5, a later session and a review are new here). Built once: each test
    works on a copy."""
    folder = tmp_path_factory.mktemp("refusals")
    local_path = folder / "local.db"
    with (
        open_store(str(local_path), clock=Clock()) as store,
        open_store(str(folder / "there.db"), clock=Clock(dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC))) as other,
    ):
        parts = seed(store)
        ward5 = other.create_team("Ward 5")
        other.import_data(store.export_json())
        later = other.start_session(parts["team"].id)
        other.save_draft(later.id, dilemma="new there")
        other.record_review(parts["action"].id, "done", session_id=later.id)
        other.start_session(ward5.id)
        document = json.loads(dumps(other.export_json()))
    assert len(document["sessions"]) == 3 and len(document["teams"]) == 2
    shutil.copy(local_path, folder / "check.db")
    with open_store(str(folder / "check.db")) as check:
        assert check.import_data(copy.deepcopy(document)).changed  # the base document is valid
    return local_path, document


@pytest.fixture
def prepared(refusal_base: tuple[Path, dict[str, Any]], tmp_path: Path) -> Iterator[dict[str, Any]]:
    base, document = refusal_base
    path = tmp_path / "local.db"
    shutil.copy(base, path)
    with open_store(str(path)) as store:
        yield {"document": copy.deepcopy(document), "before": rows(path), "store": store, "path": path}


@pytest.mark.parametrize(("change", "message"), REFUSALS, ids=[m for _, m in REFUSALS])
def test_a_bad_export_is_refused_in_one_line_and_changes_nothing(prepared, change, message) -> None:
    document = prepared["document"]
    change(document)
    with pytest.raises(ImportRefused) as caught:
        prepared["store"].import_data(document, source="x.json")
    text = str(caught.value)
    assert message in text
    assert text.startswith("cannot import x.json: ") and text.endswith("; nothing was changed")
    assert "\n" not in text
    assert rows(prepared["path"]) == prepared["before"]


def test_a_conflict_found_while_writing_rolls_everything_back(prepared) -> None:
    """A picked question changed (in the file) into a question the session already
    has here breaks a uniqueness rule only when written: the team written before it
    is taken back too."""
    store, document = prepared["store"], prepared["document"]
    row = next(q for q in document["picked_questions"] if q["question_id"] == "env-01")
    store.set_questions(
        row["session_id"],
        [
            PickedQuestionInfo("env-01", "What is in the way?", "environment", note="rota"),
            PickedQuestionInfo("kata-2", "What is the actual condition?", "kata"),
        ],
    )
    before = rows(prepared["path"])
    row.update(question_id="kata-2", updated_at="2030-01-01T00:00:00.000000Z")
    with pytest.raises(ImportRefused, match="it conflicts with the database .*UNIQUE constraint"):
        store.import_data(document)
    assert rows(prepared["path"]) == before
    assert one(prepared["path"], "SELECT count(*) FROM team") == (1,)


def test_a_rename_elsewhere_onto_a_local_name_is_refused(store, clock, other, db_path) -> None:
    parts = seed(store)
    other.import_data(store.export_json())
    store.create_team("Ward 5")
    other.test_clock.now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    other.rename_team(parts["team"].id, "WARD 5")
    before = rows(db_path)
    with pytest.raises(ImportRefused, match="renamed to a name another team has here"):
        store.import_data(other.export_json())
    assert rows(db_path) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b'{"format": "coachtui-export", "version": 1, "teams": [', "ends too early"),
        (b"{\"format\": 'single'}", "is not valid JSON (line 1, column 12"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": 1, "a": 2}', "the key 'a' appears twice"),
        (b'{"version": NaN}', "NaN is not a value JSON allows"),
        (b"[1, 2]", "not a coachtui export"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(store, db_path, tmp_path, content, message) -> None:
    seed(store)
    before = rows(db_path)
    path = tmp_path / "in.json"
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match="^cannot import .*in.json: ") as caught:
        store.import_file(path)
    assert message in str(caught.value)
    assert rows(db_path) == before


def test_a_truncated_export_file_is_refused(store, other, tmp_path, other_path) -> None:
    seed(store)
    text = dumps(store.export_json())
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ImportRefused, match="the file looks truncated"):
        other.import_file(path)
    assert all(not table for table in rows(other_path).values())


def test_a_file_with_a_byte_order_mark_is_read(store, other, tmp_path) -> None:
    seed(store)
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + dumps(store.export_json()).encode("utf-8"))
    assert other.import_file(path).count("sessions").added == 1


def test_a_redacted_export_never_replaces_text_here(store) -> None:
    """A colleague's redacted export of records edited after ours: its pseudonyms
    must not overwrite the real names and the dilemma (nothing of ours changes)."""
    made = seed(store)
    document = store.export_json(ExportSelection(redact=True))
    later = "2027-06-01T09:00:00.000000Z"
    for key in ("teams", "sessions", "picked_questions", "custom_questions", "actions"):
        for row in document[key]:
            row["updated_at"] = later
    summary = store.import_data(document)
    team = store.get_team(made["team"].id)
    assert (team.name, team.coach) == ("Ward 4", "Ana")
    session = store.get_session(made["session"].id)
    assert (session.dilemma, session.coach, session.team_name) == ("Handovers run long", "Ana", "Ward 4")
    assert [a.owner for a in session.actions] == ["Sam"]
    assert summary.redacted and summary.skipped == 5
    assert not summary.changed
