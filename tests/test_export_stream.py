"""`coachtui export --format json` writes as it reads (issue 19).

Peak memory of the export process must not grow with the history: the same
command on 300 and on 6,000 sessions (the ``histories`` fixture), each in its own
process, its peak resident memory read with resource.getrusage. The file is checked
too: it is what export_json() gives for the same data, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from coachtui.store import open_store
from coachtui.store.demo import generate_demo_data
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import ExportSelection, SessionFilter

MEASURE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
if result.returncode:
    sys.exit(result.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


SIZES = (300, 6_000)


@dataclass(frozen=True)
class Histories:
    """Two demo histories, 20x apart, and the environment a command runs them in."""

    env: dict[str, str]
    databases: dict[int, Path]


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> Histories:
    """Built from the demo generator (long dilemmas, questions, actions and reviews,
    like a real history), once for every test here: they only read them."""
    home = tmp_path_factory.mktemp("histories")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(HOME=str(home), COACHTUI_CONFIG_DIR=str(home / "config"), COACHTUI_DATA_DIR=str(home / "data"))
    databases = {}
    for sessions in SIZES:
        databases[sessions] = db = home / f"history-{sessions}.db"
        with open_store(str(db)) as store:
            generate_demo_data(store, sessions=sessions, teams=20, seed=5, today=dt.date(2026, 11, 20))
    return Histories(env, databases)


def _export_peak_kb(db: Path, out: Path, env: dict[str, str], fmt: str = "json", *extra: str) -> int:
    command = [sys.executable, "-m", "coachtui", "--db", str(db), "export", "--format", fmt, "-o", str(out), *extra]
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, env=env,
                            check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


def _assert_flat(peaks: dict[int, int]) -> None:
    growth_mb = (peaks[SIZES[1]] - peaks[SIZES[0]]) / 1024
    # 20x the sessions: the text of 6,000 sessions alone is far more than this.
    assert growth_mb < 8, f"peak memory grew {growth_mb:.1f} MB from 300 to 6,000 sessions ({peaks})"


@pytest.mark.slow
def test_json_export_memory_does_not_grow_with_the_history(histories: Histories, tmp_path: Path) -> None:
    peaks = {}
    for sessions, db in histories.databases.items():
        out = tmp_path / f"export-{sessions}.json"
        peaks[sessions] = _export_peak_kb(db, out, histories.env)
        document = json.loads(out.read_text("utf-8"))
        assert len(document["sessions"]) == sessions
        # Byte for byte what the in-memory export writes (its stamp aside).
        with open_store(str(db)) as store:
            expected = store.export_json()
        expected["exported_at"] = document["exported_at"]
        assert out.read_text("utf-8") == dumps(expected)
    _assert_flat(peaks)


@pytest.mark.slow
def test_a_json_export_by_date_streams_too(histories: Histories, tmp_path: Path) -> None:
    """--since (and --team, by the same path): the sessions of a period, as the
    in-memory export of that selection gives them, in memory flat as the history grows."""
    from coachtui.store.types import SessionFilter

    since = dt.date(2026, 1, 1)
    peaks = {}
    for sessions, db in histories.databases.items():
        out = tmp_path / f"since-{sessions}.json"
        peaks[sessions] = _export_peak_kb(db, out, histories.env, "json", "--since", since.isoformat())
        written = out.read_text("utf-8")
        with open_store(str(db)) as store:
            expected = store.export_json(ExportSelection(SessionFilter(since=since)))
        expected["exported_at"] = json.loads(written)["exported_at"]
        assert written == dumps(expected)
        assert 0 < len(expected["sessions"]) < sessions  # a part of the history
    _assert_flat(peaks)


def test_the_streamed_json_file_is_the_in_memory_export_on_either_database(store, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Rows made in the same instant are ordered by id as Python orders strings, on
    # SQLite and on PostgreSQL alike (whose usual collation would skip the hyphens).
    base = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def same_instant() -> None:
        clock.now = base - dt.timedelta(microseconds=1)  # the clock's next reading is ``base``

    teams = []
    for name in ("Ward 4", "Pharmacy", "Clinic B", "Ward 5"):
        same_instant()
        teams.append(store.create_team(name, coach="Priya Raman"))
    for team in teams:
        for _ in range(3):
            same_instant()
            session = store.start_session(team.id, coach="Priya Raman")
            store.save_draft(session.id, title=f"Rota for {team.name}", dilemma="Handovers overrun; “quotes” ü\nline two")
            same_instant()
            store.add_action(session.id, "Time three handovers", owner="Sam", due=dt.date(2026, 3, 20))
            same_instant()
            store.add_action(session.id, "Post the rota", owner="Bea", due=dt.date(2026, 3, 21))
    target = tmp_path / "all.json"
    result = store.export_file(target, ExportSelection(fmt="json"))
    written = target.read_text("utf-8")
    expected = store.export_json()
    expected["exported_at"] = json.loads(written)["exported_at"]
    assert written == dumps(expected)
    assert (result.teams, result.sessions, result.actions) == (4, 12, 24)
    assert result.size == len(written.encode("utf-8"))


def test_an_empty_history_streams_empty_tables(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "none.json"
    store.export_file(target, ExportSelection(fmt="json"))
    written = target.read_text("utf-8")
    expected = store.export_json()
    expected["exported_at"] = json.loads(written)["exported_at"]
    assert written == dumps(expected)


def _report_text(text: str) -> str:
    """A CSV table or a report without its export time (the line that names it)."""
    return "\n".join(line for line in text.split("\n") if not line.startswith("Exported "))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "zip"])
def test_csv_export_memory_does_not_grow_with_the_history(histories: Histories, tmp_path: Path, fmt: str) -> None:
    import zipfile

    peaks = {}
    for sessions, db in histories.databases.items():
        out = tmp_path / f"export-{sessions}.{fmt}"
        peaks[sessions] = _export_peak_kb(db, out, histories.env, "csv")
        with open_store(str(db)) as store:
            expected = store.export_csv()
        if fmt == "zip":
            with zipfile.ZipFile(out) as archive:
                assert archive.namelist() == ["sessions.csv", "actions.csv"]
                for name in archive.namelist():
                    assert archive.read(name).decode("utf-8-sig") == expected[name]
        else:
            assert out.read_bytes() == expected["sessions.csv"].encode("utf-8-sig")
    _assert_flat(peaks)


@pytest.mark.slow
def test_markdown_export_memory_does_not_grow_with_the_history(histories: Histories, tmp_path: Path) -> None:
    peaks = {}
    for sessions, db in histories.databases.items():
        out = tmp_path / f"report-{sessions}.md"
        peaks[sessions] = _export_peak_kb(db, out, histories.env, "md")
        with open_store(str(db)) as store:
            expected = store.export_markdown()
        assert _report_text(out.read_text("utf-8")) == _report_text(expected)
    _assert_flat(peaks)


SELECTIONS = {
    "everything": {},
    "one team": {"team": True},
    "since": {"since": dt.date(2026, 9, 1)},
    "words": {"text": "rota"},
    "chosen": {"chosen": True},
    "coach and status": {"coach": True, "status": "completed"},
}


@pytest.mark.parametrize("group", [500, 40], ids=["teams read together", "a large team read alone"])
@pytest.mark.parametrize("which", list(SELECTIONS))
def test_streamed_reports_and_tables_are_the_in_memory_ones(store, tmp_path: Path, which: str, group: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    from coachtui.store.exchange import stream
    from coachtui.store.types import SessionFilter

    monkeypatch.setattr(stream, "GROUP", group)  # the report reads teams in groups of this many sessions

    generate_demo_data(store, sessions=400, teams=6, seed=3, today=dt.date(2026, 11, 20), large_teams=1)
    for row in store.search_sessions(SessionFilter(), limit=40).rows[::3]:  # the insight column filled too
        store.save_draft(row.id, insight=f"Protected time works for {row.title}")
    asked = dict(SELECTIONS[which])
    teams = store.list_teams()
    if asked.pop("team", False):
        asked["team_id"] = teams[0].id
    if asked.pop("chosen", False):
        page = store.search_sessions(SessionFilter(), limit=50)
        asked["session_ids"] = tuple(row.id for row in page.rows[::3])
    if asked.pop("coach", False):
        asked["coach"] = store.list_drafts()[0].coach if store.list_drafts() else teams[0].coach
    chosen = SessionFilter(**asked)

    report = tmp_path / "r.md"
    result = store.export_file(report, ExportSelection(chosen, fmt="md"))
    expected = store.export_markdown(ExportSelection(chosen))
    assert _report_text(report.read_text("utf-8")) == _report_text(expected)
    in_memory = store.export_csv(ExportSelection(chosen))
    both = tmp_path / "both.zip"
    zipped = store.export_file(both, ExportSelection(chosen, fmt="csv"))
    with zipfile.ZipFile(both) as archive:
        for name in ("sessions.csv", "actions.csv"):
            assert archive.read(name).decode("utf-8-sig") == in_memory[name]
    # What the command line says it exported: the in-memory export's counts.
    document = store.export_json(ExportSelection(chosen))
    counts = (len(document["teams"]), len(document["sessions"]), len(document["actions"]))
    assert (result.teams, result.sessions, result.actions) == counts
    assert (zipped.teams, zipped.sessions, zipped.actions) == counts
    # JSON (streamed by team and date, made in memory for the rest): the same bytes.
    as_json = store.export_file(tmp_path / "chosen.json", ExportSelection(chosen, fmt="json"))
    written = (tmp_path / "chosen.json").read_text("utf-8")
    document["exported_at"] = json.loads(written)["exported_at"]
    assert written == dumps(document)
    assert (as_json.teams, as_json.sessions, as_json.actions) == counts


# --- redacted exports (issue 19: they stream too) -------------------------------------------


REDACTED_SELECTIONS = {"everything": {}, "one team": {"team": True}, "since": {"since": dt.date(2026, 9, 1)}}


def _redacted_history(store) -> None:  # type: ignore[no-untyped-def]
    """A demo history with names the redactor learns only from a title written late
    ("Dr Lindqvist" in the newest session makes "Lindqvist" a person in the oldest),
    members and presenters of a set, and a review in a later session."""
    generate_demo_data(store, sessions=400, teams=6, seed=3, today=dt.date(2026, 11, 20), large_teams=1)
    rows = store.search_sessions(SessionFilter(), limit=400).rows
    store.save_draft(rows[-1].id, insight="Lindqvist said the huddle helps; ask Ngozi too")
    store.save_draft(rows[0].id, insight="Dr Lindqvist and Prof. Ngozi Adeyemi will audit the rota")
    for row in rows[::7]:
        store.save_draft(row.id, insight=f"Protected time works for {row.title}")


@pytest.mark.parametrize("keep", [False, True], ids=["team codes", "team names kept"])
@pytest.mark.parametrize("which", list(REDACTED_SELECTIONS))
def test_streamed_redacted_exports_are_the_in_memory_ones(store, tmp_path: Path, which: str, keep: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every pseudonym numbered as the redacted export made in memory numbers it, in
    the report, both CSV tables, the JSON and the check for names left; and none of
    them reads the selection whole (a batch of sessions at a time)."""
    import zipfile

    from coachtui.store import exchange
    from coachtui.store.exchange import export, stream
    from coachtui.store.exchange.redact import possible_names, redacted_texts

    _redacted_history(store)
    asked = dict(REDACTED_SELECTIONS[which])
    if asked.pop("team", False):
        asked["team_id"] = store.list_teams()[0].id
    chosen = SessionFilter(**asked)
    selection = ExportSelection(chosen, redact=True, keep_team_names=keep)
    # Today's redacted exports, made in memory: the bytes to write.
    report = store.export_markdown(selection)
    tables = store.export_csv(selection)
    document = store.export_json(selection)
    data = exchange._export_data(store.db, selection, redact=True, for_report=True)
    names = possible_names(redacted_texts(data.tables, {"actions": data.extra_actions,
                                                        "action_reviews": data.extra_reviews}))
    assert "Person 1" in report and "Lindqvist" not in report
    assert len(names) > 3

    read: list[int] = []
    real_collect = export.collect

    def in_batches(session, **kwargs):  # type: ignore[no-untyped-def]
        assert kwargs.get("session_ids") is not None, "read the whole selection at once"
        read.append(len(kwargs["session_ids"]))
        return real_collect(session, **kwargs)

    def whole(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("made the redacted export in memory")

    monkeypatch.setattr(stream, "collect", in_batches)
    monkeypatch.setattr(exchange, "_export_data", whole)
    result = store.export_file(tmp_path / "r.md", ExportSelection(chosen, fmt="md", redact=True, keep_team_names=keep))
    assert _report_text((tmp_path / "r.md").read_text("utf-8")) == _report_text(report)
    both = tmp_path / "both.zip"
    store.export_file(both, ExportSelection(chosen, fmt="csv", redact=True, keep_team_names=keep))
    with zipfile.ZipFile(both) as archive:
        assert archive.comment == b"coachtui export, redacted"
        for name in ("sessions.csv", "actions.csv"):
            assert archive.read(name).decode("utf-8-sig") == tables[name]
    one = tmp_path / "actions.csv"
    store.export_file(one, ExportSelection(chosen, fmt="csv", table="actions", redact=True, keep_team_names=keep))
    assert one.read_bytes() == tables["actions.csv"].encode("utf-8-sig")
    store.export_file(tmp_path / "r.json", ExportSelection(chosen, fmt="json", redact=True, keep_team_names=keep))
    written = (tmp_path / "r.json").read_text("utf-8")
    document["exported_at"] = json.loads(written)["exported_at"]
    assert written == dumps(document)
    assert store.redaction_check(selection) == names
    assert read and max(read) <= stream.BATCH
    assert (result.teams, result.sessions, result.actions) == (
        len(document["teams"]), len(document["sessions"]), len(document["actions"]))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_redacted_export_memory_does_not_grow_with_the_history(histories: Histories, tmp_path: Path, fmt: str) -> None:
    """``export --redact`` (its check for names left included) in memory flat from
    300 to 6,000 sessions."""
    peaks = {}
    suffix = "zip" if fmt == "csv" else fmt
    for sessions, db in histories.databases.items():
        out = tmp_path / f"redacted-{sessions}.{suffix}"
        peaks[sessions] = _export_peak_kb(db, out, histories.env, fmt, "--redact")
        assert out.stat().st_size > 0
    _assert_flat(peaks)


def test_exports_to_standard_output_stream_too(tmp_path: Path, monkeypatch, capsysbinary) -> None:  # type: ignore[no-untyped-def]
    """``coachtui export`` without ``-o``, each format, full and redacted, of everything,
    one team and a period: the text the export made in memory gives, written as it is
    read (the in-memory export is never made)."""
    from coachtui.cli import main
    from coachtui.store import exchange

    path = tmp_path / "history.db"
    with open_store(str(path)) as store:  # the command's clock: "overdue" as it says it
        _redacted_history(store)
        team = store.list_teams()[0]
        filters = {"everything": ((), SessionFilter()), "one team": (("--team", team.name), SessionFilter(team_id=team.id)),
                   "since": (("--since", "2026-09-01"), SessionFilter(since=dt.date(2026, 9, 1)))}
        expected = {}
        for label, (_, which) in filters.items():
            for redact in (False, True):
                selection = ExportSelection(which, redact=redact)
                expected[label, redact, "md"] = _report_text(store.export_markdown(selection))
                tables = store.export_csv(selection)
                expected[label, redact, "sessions"] = tables["sessions.csv"]
                expected[label, redact, "actions"] = tables["actions.csv"]
                expected[label, redact, "json"] = store.export_json(selection)

    def whole(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("made the export in memory")

    monkeypatch.setattr(exchange, "_export_data", whole)
    for (label, redact, what), text in expected.items():
        args = ["export", "--db", str(path), *filters[label][0], *(["--redact"] if redact else [])]
        if what in ("sessions", "actions"):
            args += ["--format", "csv", "--table", what]
        else:
            args += ["--format", what]
        assert main(args) == 0
        out = capsysbinary.readouterr().out.decode("utf-8")
        if what == "json":
            assert isinstance(text, dict)
            text["exported_at"] = json.loads(out)["exported_at"]
            assert out == dumps(text), (label, redact, what)
        elif what == "md":
            assert _report_text(out) == text, (label, redact, what)
        else:
            assert out == text, (label, redact, what)


@pytest.mark.parametrize("batch", [1, 2])
def test_a_meeting_split_between_two_batches_of_the_report_still_names_every_presenter(store, clock, tmp_path: Path, batch: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The streamed report reads sessions a batch at a time; a set's meeting whose
    presenters fall in two batches still opens with every presenter, as in memory."""
    from coachtui.store.exchange import stream
    from test_sets import _meeting

    monkeypatch.setattr(stream, "REPORT_BATCH", batch)
    _meeting(store, clock)
    report = tmp_path / "r.md"
    store.export_file(report, ExportSelection(SessionFilter(), fmt="md"))
    text = report.read_text("utf-8")
    assert "3 presenters" in text and "**Presenters:** Asha Patel, Ben Okafor, Carys Jones" in text
    assert _report_text(text) == _report_text(store.export_markdown(ExportSelection(SessionFilter())))
    redacted = tmp_path / "redacted.md"
    store.export_file(redacted, ExportSelection(SessionFilter(), fmt="md", redact=True))
    text = redacted.read_text("utf-8")
    assert "3 presenters" in text and "Carys" not in text
    assert _report_text(text) == _report_text(store.export_markdown(ExportSelection(SessionFilter(), redact=True)))
