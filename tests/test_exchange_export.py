"""Export: the JSON format, the Markdown report, CSV (formula-safe), filters,
redaction and safe file writing."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import json
import os
import re
import stat
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coachtui.store.errors import ExportFailed, InvalidInput, NotFound
from coachtui.store.exchange.files import write_export
from coachtui.store.exchange.interchange import LOCAL_COLUMNS, TABLES, dumps
from coachtui.store.exchange.report import FORMULA_STARTS, neutralise
from coachtui.store.exchange.rows import MODELS
from coachtui.store.types import ExportSelection, PickedQuestionInfo, SessionFilter
from coachtui.text import md_escape

PEOPLE = ["Priya Raman", "Tomasz Kowalski", "Sam O'Neill", "Jean-Luc Picard", "Dr. Ngozi Adeyemi", "Bea"]
# Every word by which one of them could be recognised.
NAME_WORDS = ["Priya", "Raman", "Tomasz", "Kowalski", "Sam", "O'Neill", "Jean-Luc", "Picard", "Ngozi", "Adeyemi", "Bea"]
TEAMS = ["Ward 4", "Pharmacy"]


@pytest.fixture(autouse=True)
def utc_zone() -> Iterator[None]:
    """Dates in reports and --since are local: pin the zone so the expected dates hold."""
    with local_zone("UTC"):
        yield


@contextlib.contextmanager
def local_zone(name: str) -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def at(clock: Any, day: str) -> None:
    clock.now = dt.datetime.fromisoformat(day + "T10:00:00+00:00")


def history(store: Any, clock: Any) -> dict[str, Any]:
    """Two teams, three sessions over three months, people's names everywhere."""
    at(clock, "2026-01-05")
    ward = store.create_team("Ward 4", coach="Priya Raman")
    pharmacy = store.create_team("Pharmacy", coach="Tomasz Kowalski")
    store.add_custom_question("What would Sam O'Neill notice first?", "relational", coach="Priya Raman")

    at(clock, "2026-01-10")
    first = store.start_session(ward.id, coach="Priya Raman")
    store.save_draft(
        first.id,
        title="Handovers with sam",
        dilemma="SAM O'NEILL says handovers overrun; priya's last test [bold]failed[/]",
        context="Tomasz and Jean-Luc Picard joined. Pharmacy was asked too.",
        primary_category="environment",
        suggested_category="environment",
        suggestion_reasons=["mentions 'rota' (Tomasz)"],
    )
    store.set_questions(
        first.id,
        [PickedQuestionInfo("env-01", "What is in the way?", "environment", note="ask Sam and Bea")],
    )
    timed = store.add_action(first.id, "Sam to time three handovers", owner="Sam O'Neill", due=dt.date(2026, 1, 20))
    rota = store.add_action(first.id, "Post the rota where Bea can see it", owner="Bea", due=dt.date(2026, 2, 1))
    store.complete_session(first.id)

    at(clock, "2026-03-10")
    second = store.start_session(ward.id, coach="Jean-Luc Picard")
    store.record_review(timed.id, "done", "Priya Raman saw the times", session_id=second.id, coach="Jean-Luc Picard")
    store.save_draft(
        second.id,
        title="Who speaks at the huddle",
        dilemma="Only Dr. Adeyemi speaks; Ngozi wants others to",
        primary_category="relational",
        secondary_category="learning",
    )
    store.add_action(second.id, "Rotate who opens the huddle", owner="Dr. Ngozi Adeyemi")
    store.complete_session(second.id)

    at(clock, "2026-03-20")
    third = store.start_session(pharmacy.id, coach="Tomasz Kowalski")
    store.save_draft(third.id, title="Stock checks", dilemma="Checks clash with ward 4 rounds", category_unsure=True)
    store.add_action(third.id, "Move the check to 2pm", owner="everyone")
    store.complete_session(third.id)
    return {"ward": ward, "pharmacy": pharmacy, "sessions": [first, second, third], "rota": rota, "timed": timed}


def known_words_in(text: str, words: list[str]) -> list[str]:
    """The words found in text, as typed or as Markdown-escaped (O\\'Neill)."""
    return [
        w
        for w in words
        if any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text, re.IGNORECASE) for f in (w, md_escape(w)))
    ]


def test_export_helpers_load_without_the_database_layer(tmp_path) -> None:
    """The UI can format and write exports before SQLAlchemy has loaded."""
    import subprocess
    import sys

    code = (
        "import sys, coachtui.store.exchange, coachtui.store.exchange.files, coachtui.store.exchange.interchange, "
        "coachtui.store.exchange.redact, coachtui.store.exchange.report; "
        "assert 'sqlalchemy' not in sys.modules and 'sqlmodel' not in sys.modules; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.stdout.strip() == "ok", result.stderr


# --- JSON -----------------------------------------------------------------------------


def test_the_format_holds_every_column_of_every_table() -> None:
    for spec in TABLES:
        local = LOCAL_COLUMNS.get(spec.key, frozenset())
        assert set(spec.columns) == set(MODELS[spec.key].__table__.columns.keys()) - local, spec.key
        assert not set(spec.columns) & local


def test_json_export_has_a_version_every_row_and_utc_microsecond_stamps(store, clock) -> None:
    history(store, clock)
    document = store.export_json()
    assert list(document)[:6] == ["format", "version", "exported_at", "coachtui", "redacted", "filters"]
    assert (document["format"], document["version"], document["redacted"]) == ("coachtui-export", 1, False)
    assert [len(document[spec.key]) for spec in TABLES] == [2, 3, 1, 1, 4, 1]
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
    assert stamp.match(document["exported_at"])
    for spec in TABLES:
        for row in document[spec.key]:
            assert list(row) == list(spec.columns)
            assert stamp.match(row["created_at"]) and stamp.match(row["updated_at"])
    assert document["sessions"][0]["created_at"] == "2026-01-10T10:00:00.000001Z"
    assert document["actions"][0]["due_date"] == "2026-01-20"
    assert [s["title"] for s in document["sessions"]] == [
        "Handovers with sam",
        "Who speaks at the huddle",
        "Stock checks",
    ]


def test_json_export_is_deterministic(store, clock) -> None:
    history(store, clock)
    first, second = store.export_json(), store.export_json()
    assert first["exported_at"] != second["exported_at"]
    second["exported_at"] = first["exported_at"]
    assert dumps(first) == dumps(second)


def test_team_filter_takes_one_team(store, clock) -> None:
    parts = history(store, clock)
    document = store.export_json(ExportSelection(SessionFilter(team_id=parts["pharmacy"].id)))
    assert [t["name"] for t in document["teams"]] == ["Pharmacy"]
    assert [s["title"] for s in document["sessions"]] == ["Stock checks"]
    assert [a["text"] for a in document["actions"]] == ["Move the check to 2pm"]
    assert document["custom_questions"] == [] and document["action_reviews"] == []
    assert document["filters"]["team_id"] == parts["pharmacy"].id
    with pytest.raises(NotFound):
        store.export_json(ExportSelection(SessionFilter(team_id="no-such-team")))


def test_since_filter_takes_sessions_created_on_or_after_the_date(store, clock) -> None:
    history(store, clock)
    document = store.export_json(ExportSelection(SessionFilter(since=dt.date(2026, 3, 10))))
    assert [s["title"] for s in document["sessions"]] == ["Who speaks at the huddle", "Stock checks"]
    # The review of an action agreed before that date stays out: the export must
    # import on its own, and that action is not in it.
    assert document["action_reviews"] == []
    assert [a["text"] for a in document["actions"]] == ["Rotate who opens the huddle", "Move the check to 2pm"]
    assert store.export_json(ExportSelection(SessionFilter(since=dt.date(2026, 3, 11))))["sessions"][0]["title"] == "Stock checks"
    assert store.export_json(ExportSelection(SessionFilter(since=dt.date(2027, 1, 1))))["sessions"] == []


def test_since_a_date_means_from_its_local_midnight() -> None:
    from coachtui.store.exchange import since_instant

    with local_zone("Asia/Kolkata"):  # UTC+05:30, no daylight saving
        assert since_instant(dt.date(2026, 3, 10)) == dt.datetime(2026, 3, 9, 18, 30, tzinfo=dt.UTC)
        assert since_instant(dt.datetime(2026, 3, 10, 6, 0)) == dt.datetime(2026, 3, 10, 0, 30, tzinfo=dt.UTC)
        aware = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)
        assert since_instant(aware) == aware


def test_session_ids_select_exactly_those_sessions(store, clock) -> None:
    parts = history(store, clock)
    chosen = [parts["sessions"][2].id, parts["sessions"][0].id]
    document = store.export_json(ExportSelection(SessionFilter(session_ids=chosen)))
    assert [s["title"] for s in document["sessions"]] == ["Handovers with sam", "Stock checks"]
    assert len(document["custom_questions"]) == 0  # no chosen session picked it
    assert store.export_json(ExportSelection(SessionFilter(session_ids=[])))["sessions"] == []
    with pytest.raises(InvalidInput):
        store.export_json(ExportSelection(SessionFilter(session_ids=parts["sessions"][0].id)))


# --- Markdown ---------------------------------------------------------------------------


def test_markdown_report_per_team_with_sessions_open_actions_and_themes(store, clock) -> None:
    history(store, clock)
    report = store.export_markdown()
    assert report.startswith("# Coaching report\n")
    assert "· 2 teams · 3 sessions · 4 agreed actions" in report
    assert report.index("## Themes across all teams") < report.index("## Pharmacy") < report.index("## Ward 4")
    ward = report[report.index("## Ward 4") :]
    assert "2 sessions · 2026-01-10 to 2026-03-10" in ward
    assert "| Environmental conditions | 1 | 0 |" in ward
    assert "| Coach and team relational dynamics | 1 | 0 |" in ward
    assert "| Improvement as continuous learning | 0 | 1 |" in ward
    # Open actions: the rota one (overdue at export time) and the huddle one; the
    # timed handovers were done.
    open_part = ward[ward.index("### Open actions") : ward.index("### Sessions")]
    assert "Post the rota where Bea can see it — open, owner: Bea, **due 2026-02-01, overdue**" in open_part
    assert "Rotate who opens the huddle — open, owner: Dr. Ngozi Adeyemi" in open_part
    assert "time three handovers" not in open_part
    # Sessions oldest first, each with its questions, notes, actions and reviews.
    assert ward.index("#### Handovers with sam") < ward.index("#### Who speaks at the huddle")
    assert "priya's last test \\[bold\\]failed\\[/\\]" in ward
    assert "1. What is in the way?  \n   _Note:_ ask Sam and Bea" in ward
    assert "- **done:** Sam to time three handovers" in ward
    assert "_Note:_ Priya Raman saw the times" in ward
    pharmacy = report[report.index("## Pharmacy") : report.index("## Ward 4")]
    assert "| Not sure yet | 1 | |" in pharmacy


def test_markdown_with_since_still_shows_older_open_actions_and_reviews(store, clock) -> None:
    parts = history(store, clock)
    report = store.export_markdown(ExportSelection(SessionFilter(team_id=parts["ward"].id, since=dt.date(2026, 3, 1))))
    assert "Selection: team Ward 4 · sessions since 2026-03-01" in report
    assert "#### Handovers with sam" not in report
    assert "Post the rota where Bea can see it — open" in report  # agreed in January, still open
    assert "- **done:** Sam to time three handovers" in report  # reviewed in March


def test_a_report_names_the_filter_it_was_made_with(store, clock) -> None:
    """A report from a history search says what was searched for (issue 20, item 10),
    not "2 chosen sessions"; a redacted one says a coach and words were chosen
    without naming them."""
    parts = history(store, clock)
    which = SessionFilter(
        "huddle", team_id=parts["ward"].id, coach="Jean-Luc Picard", category="relational",
        status="completed", since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31),
    )
    report = store.export_markdown(ExportSelection(which))
    assert (
        "Selection: team Ward 4 · coach Jean-Luc Picard · category Coach and team relational dynamics · "
        "completed sessions · from 2026-03-01 to 2026-03-31 · matching “huddle”"
    ) in report
    assert "chosen session" not in report
    redacted = store.export_markdown(ExportSelection(which, redact=True))
    selection = next(line for line in redacted.splitlines() if line.startswith("Selection:"))
    assert "Picard" not in selection and "huddle" not in selection
    assert "one coach" in selection and "matching words (hidden in a redacted report)" in selection
    only_since = store.export_markdown(ExportSelection(SessionFilter(until=dt.date(2026, 1, 31))))
    assert "Selection: sessions until 2026-01-31" in only_since
    picked = store.export_markdown(ExportSelection(SessionFilter(session_ids=[parts["sessions"][0].id])))
    assert "Selection: 1 chosen session" in picked


def test_markdown_of_nothing_says_so(store) -> None:
    assert "_No sessions yet._" in store.export_markdown()
    team = store.create_team("Quiet")
    report = store.export_markdown(ExportSelection(SessionFilter(team_id=team.id)))
    assert "## Quiet" in report and "_None open._" in report


# --- CSV ------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("first", FORMULA_STARTS)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(store, first) -> None:
    team = store.create_team(first + "Team")
    draft = store.start_session(team.id, coach=first + "coach")
    dangerous = first + 'HYPERLINK("http://x","click")'
    store.save_draft(draft.id, title=dangerous, dilemma="safe = fine", context=first + "1+1")
    action = store.add_action(draft.id, "x" + first + "y", owner=first + "cmd|' /C calc'!A0")
    store.record_review(action.id, "stuck", first + "2+2")
    tables = store.export_csv()
    session = read_csv(tables["sessions.csv"])[0]
    assert session["title"] == "'" + dangerous
    assert session["context"] == "'" + first + "1+1"
    assert session["coach"] == "'" + first + "coach"
    team_name = " ".join((first + "Team").split())  # a team name's spaces are tidied
    assert session["team"] == neutralise(team_name)
    assert session["dilemma"] == "safe = fine"
    row = read_csv(tables["actions.csv"])[0]
    owner = (first + "cmd|' /C calc'!A0").strip()  # an owner's outer spaces are trimmed
    assert row["owner"] == neutralise(owner)
    assert row["last_review_note"] == "'" + first + "2+2"
    assert row["text"] == "x" + first + "y"  # not at the start: left alone
    for table in tables.values():
        for row in csv.reader(io.StringIO(table, newline="")):
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row)


def test_neutralise_leaves_other_values_alone() -> None:
    assert [neutralise(v) for v in ("plain", " =x", "'=x", "", 3, None)] == ["plain", " =x", "'=x", "", 3, None]


def test_csv_keeps_hostile_text_and_lists_questions_and_actions(store, clock) -> None:
    parts = history(store, clock)
    hostile = 'a "quoted"\nline, \x1b[31mred\x1b[0m \x00 🙂 שלום'
    store.save_draft(parts["sessions"][2].id, context=hostile)
    tables = store.export_csv()
    sessions = read_csv(tables["sessions.csv"])
    assert [s["title"] for s in sessions] == ["Handovers with sam", "Who speaks at the huddle", "Stock checks"]
    assert sessions[2]["context"] == hostile
    assert sessions[0]["questions"] == "1. What is in the way? (note: ask Sam and Bea)"
    assert sessions[0]["primary_category"] == "Environmental conditions"
    assert sessions[0]["created_utc"] == "2026-01-10 10:00:00"
    assert (sessions[0]["agreed_actions"], sessions[2]["category_not_sure"]) == ("2", "yes")
    actions = read_csv(tables["actions.csv"])
    assert [(a["text"], a["status"], a["last_review_note"]) for a in actions][:2] == [
        ("Sam to time three handovers", "done", "Priya Raman saw the times"),
        ("Post the rota where Bea can see it", "open", ""),
    ]
    assert actions[0]["session_title"] == "Handovers with sam"
    assert tables["sessions.csv"].endswith("\r\n")


# --- redaction ------------------------------------------------------------------------------


def all_outputs(store: Any, **filters: Any) -> dict[str, str]:
    outputs = {
        "json": dumps(store.export_json(ExportSelection(SessionFilter(**filters), redact=True))),
        "md": store.export_markdown(ExportSelection(SessionFilter(**filters), redact=True)),
    }
    outputs.update(store.export_csv(ExportSelection(SessionFilter(**filters), redact=True)))
    return outputs


def test_redaction_leaves_no_known_name_in_any_format(store, clock) -> None:
    history(store, clock)
    for since in (None, dt.date(2026, 3, 1)):
        for name, text in all_outputs(store, since=since).items():
            assert known_words_in(text, NAME_WORDS + TEAMS) == [], name
    # Unredacted, the same outputs are full of them (so the check above can fail).
    assert set(known_words_in(store.export_markdown(), NAME_WORDS + TEAMS)) == set(NAME_WORDS + TEAMS)


def test_pseudonyms_are_stable_within_an_export(store, clock) -> None:
    history(store, clock)
    document = store.export_json(ExportSelection(redact=True))
    first, second, third = document["sessions"]
    assert first["coach"] == "Coach A"  # Priya Raman, the first coach a reader meets
    assert "Coach A's last test" in first["dilemma"]
    assert first["dilemma"].startswith("Person 1 says")  # Sam O'Neill, an owner
    assert first["title"] == "Handovers with Person 1"
    assert first["context"].startswith("Coach B and Coach C joined")  # Tomasz, Jean-Luc Picard
    assert second["coach"] == "Coach C"
    assert json.loads(first["suggestion_reasons"]) == ["mentions 'rota' (Coach B)"]
    owners = [a["owner"] for a in document["actions"]]
    # Numbered in the order the export meets them: Ngozi Adeyemi in a dilemma
    # before Bea in a question's note.
    assert owners == ["Person 1", "Person 3", "Person 2", "everyone"]
    assert second["dilemma"] == "Only Person 2 speaks; Person 2 wants others to"  # the title goes too
    assert document["action_reviews"][0]["note"] == "Coach A saw the times"
    assert document["custom_questions"][0]["coach"] == "Coach A"
    # Teams: a code derived from the id, the same in every export; also in text.
    codes = {t["name"] for t in document["teams"]}
    assert all(re.fullmatch(r"Team [0-9A-F]{6}", code) for code in codes) and len(codes) == 2
    ward_code = document["teams"][0]["name"]
    assert "Pharmacy was asked too" not in first["context"]
    assert f"clash with {ward_code} rounds" in third["dilemma"]
    assert store.export_json(ExportSelection(redact=True))["teams"][0]["name"] == ward_code
    assert document["redacted"] is True


def test_redaction_can_keep_team_names(store, clock) -> None:
    history(store, clock)
    document = store.export_json(ExportSelection(redact=True, keep_team_names=True))
    assert [t["name"] for t in document["teams"]] == ["Ward 4", "Pharmacy"]
    assert known_words_in(dumps(document), NAME_WORDS) == []


def test_a_redacted_export_still_imports(store, clock, tmp_path) -> None:
    from coachtui.store import open_store

    history(store, clock)
    with open_store(str(tmp_path / "hub.db")) as hub:
        summary = hub.import_data(store.export_json(ExportSelection(redact=True)))
        assert summary.redacted and summary.count("sessions").added == 3
        assert known_words_in(hub.export_markdown(), NAME_WORDS + TEAMS) == []


# --- files ------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_export_files_are_owner_only_whatever_the_umask(store, clock, tmp_path) -> None:
    history(store, clock)
    old = os.umask(0)
    try:
        for name in ("r.md", "r.json", "s.csv", "both.zip"):
            result = store.export_file(tmp_path / name)
            assert mode(tmp_path / name) == 0o600, name
            assert result.size == (tmp_path / name).stat().st_size
    finally:
        os.umask(old)


def test_an_existing_file_is_replaced_whole_and_becomes_owner_only(store, clock, tmp_path) -> None:
    history(store, clock)
    target = tmp_path / "report.json"
    target.write_text("old content")
    target.chmod(0o644)
    # Not an earlier export: replaced only when asked to (--force).
    with pytest.raises(ExportFailed, match=r"report\.json already exists and is not an earlier coachtui JSON export"):
        store.export_file(target)
    assert target.read_text() == "old content"
    store.export_file(target, force=True)
    assert json.loads(target.read_text("utf-8"))["format"] == "coachtui-export"
    assert mode(target) == 0o600
    # no temporary file left beside it (the SQLite database's own files aside)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("coach.db")) == ["report.json"]


def test_a_hand_written_file_headed_like_a_report_is_not_replaced(store, clock, tmp_path) -> None:
    """A coach's own notes that start "# Coaching report" were taken for an earlier
    export and replaced without --force (found by a tester)."""
    history(store, clock)
    target = tmp_path / "mine.md"
    target.write_text("# Coaching report\n\nMy own precious notes, typed by hand.\n")
    with pytest.raises(ExportFailed, match=r"mine\.md already exists and is not an earlier coachtui Markdown export"):
        store.export_file(target)
    assert target.read_text() == "# Coaching report\n\nMy own precious notes, typed by hand.\n"
    store.export_file(target, force=True)
    store.export_file(target)  # now an earlier export: replaced without asking
    assert target.read_text().startswith("# Coaching report\n\nExported ")


def test_an_export_through_a_link_writes_the_file_it_names_and_keeps_the_link(store, clock, tmp_path) -> None:
    """-o onto a symbolic link replaced the link with a file (found by a tester)."""
    history(store, clock)
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "latest.md"
    store.export_file(real)
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    store.export_file(link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text().startswith("# Coaching report\n")
    mine = tmp_path / "reports" / "mine.md"
    mine.write_text("my notes\n")
    (tmp_path / "notes.md").symlink_to(mine)
    with pytest.raises(ExportFailed, match=r"mine\.md already exists and is not an earlier coachtui Markdown export"):
        store.export_file(tmp_path / "notes.md")
    assert mine.read_text() == "my notes\n" and (tmp_path / "notes.md").is_symlink()


def test_a_failing_write_leaves_the_existing_file_untouched(store, clock, tmp_path, monkeypatch) -> None:
    history(store, clock)
    target = tmp_path / "report.md"
    store.export_file(target)  # last month's report
    earlier = target.read_text()

    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(ExportFailed, match=r"^cannot write .*report\.md: No space left on device$"):
        store.export_file(target)
    assert target.read_text() == earlier
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("where", ["missing/report.md", "."])
def test_an_unwritable_target_is_one_line(store, tmp_path, where) -> None:
    with pytest.raises(ExportFailed) as caught:
        store.export_file(tmp_path / where)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("cannot write ")


def test_write_export_writes_text_as_utf8(tmp_path) -> None:
    path = write_export(tmp_path / "x.md", "שלום 🙂\n")
    assert path.read_bytes() == "שלום 🙂\n".encode()


def test_csv_files_have_a_byte_order_mark_and_a_zip_holds_both_tables(store, clock, tmp_path) -> None:
    history(store, clock)
    single = store.export_file(tmp_path / "s.csv")
    assert single.tables == ("sessions.csv",)
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfsession_id,team,")
    actions = store.export_file(tmp_path / "a.csv", ExportSelection(table="actions"))
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbfaction_id,") and actions.actions == 4
    both = store.export_file(tmp_path / "both.zip")
    assert both.tables == ("sessions.csv", "actions.csv")
    with zipfile.ZipFile(tmp_path / "both.zip") as archive:
        assert archive.namelist() == ["sessions.csv", "actions.csv"]
        assert archive.read("actions.csv").decode("utf-8-sig") == store.export_csv()["actions.csv"]
    with pytest.raises(InvalidInput, match="single .csv file only"):
        store.export_file(tmp_path / "both.zip", ExportSelection(table="actions"))
    with pytest.raises(InvalidInput, match="unknown table"):
        store.export_file(tmp_path / "x.csv", ExportSelection(table="teams"))


def test_the_format_follows_the_file_name_unless_given(store, clock, tmp_path) -> None:
    history(store, clock)
    assert store.export_file(tmp_path / "a.JSON").format == "json"
    assert store.export_file(tmp_path / "notes.txt").format == "md"
    assert store.export_file(tmp_path / "data", ExportSelection(fmt="json")).format == "json"
    assert json.loads((tmp_path / "data").read_text("utf-8"))["version"] == 1
