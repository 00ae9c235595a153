"""`coachtui export --format json` writes as it reads (issue 19).

Peak memory of the export process must not grow with the history: the same
command on 300 and on 6,000 sessions, each in its own process, its peak resident
memory read with resource.getrusage. Built from the demo generator (long dilemmas,
questions, actions and reviews, like a real history). The file is checked too:
it is what export_json() gives for the same data, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coachtui.store import open_store
from coachtui.store.demo import generate_demo_data
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import ExportSelection

MEASURE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
if result.returncode:
    sys.exit(result.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _export_peak_kb(db: Path, out: Path, env: dict[str, str], fmt: str = "json") -> int:
    command = [sys.executable, "-m", "coachtui", "--db", str(db), "export", "--format", fmt, "-o", str(out)]
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, env=env,
                            check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


@pytest.mark.slow
def test_json_export_memory_does_not_grow_with_the_history(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(HOME=str(tmp_path), COACHTUI_CONFIG_DIR=str(tmp_path / "config"),
               COACHTUI_DATA_DIR=str(tmp_path / "data"))
    peaks = {}
    for sessions in (300, 6_000):
        db = tmp_path / f"history-{sessions}.db"
        with open_store(str(db)) as store:
            generate_demo_data(store, sessions=sessions, teams=20, seed=5, today=dt.date(2026, 11, 20))
        out = tmp_path / f"export-{sessions}.json"
        peaks[sessions] = _export_peak_kb(db, out, env)
        document = json.loads(out.read_text("utf-8"))
        assert len(document["sessions"]) == sessions
        # Byte for byte what the in-memory export writes (its stamp aside).
        with open_store(str(db)) as store:
            expected = store.export_json()
        expected["exported_at"] = document["exported_at"]
        assert out.read_text("utf-8") == dumps(expected)
    growth_mb = (peaks[6_000] - peaks[300]) / 1024
    # 20x the sessions: the text of 6,000 sessions alone is far more than this.
    assert growth_mb < 8, f"peak memory grew {growth_mb:.1f} MB from 300 to 6,000 sessions ({peaks})"


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
def test_csv_export_memory_does_not_grow_with_the_history(tmp_path: Path, fmt: str) -> None:
    import zipfile

    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(HOME=str(tmp_path), COACHTUI_CONFIG_DIR=str(tmp_path / "config"),
               COACHTUI_DATA_DIR=str(tmp_path / "data"))
    peaks = {}
    for sessions in (300, 6_000):
        db = tmp_path / f"history-{sessions}.db"
        with open_store(str(db)) as store:
            generate_demo_data(store, sessions=sessions, teams=20, seed=5, today=dt.date(2026, 11, 20))
        out = tmp_path / f"export-{sessions}.{fmt}"
        peaks[sessions] = _export_peak_kb(db, out, env, "csv")
        with open_store(str(db)) as store:
            expected = store.export_csv()
        if fmt == "zip":
            with zipfile.ZipFile(out) as archive:
                assert archive.namelist() == ["sessions.csv", "actions.csv"]
                for name in archive.namelist():
                    assert archive.read(name).decode("utf-8-sig") == expected[name]
        else:
            assert out.read_bytes() == expected["sessions.csv"].encode("utf-8-sig")
    growth_mb = (peaks[6_000] - peaks[300]) / 1024
    assert growth_mb < 8, f"peak memory grew {growth_mb:.1f} MB from 300 to 6,000 sessions ({peaks})"


@pytest.mark.slow
def test_markdown_export_memory_does_not_grow_with_the_history(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(HOME=str(tmp_path), COACHTUI_CONFIG_DIR=str(tmp_path / "config"),
               COACHTUI_DATA_DIR=str(tmp_path / "data"))
    peaks = {}
    for sessions in (300, 6_000):
        db = tmp_path / f"history-{sessions}.db"
        with open_store(str(db)) as store:
            generate_demo_data(store, sessions=sessions, teams=20, seed=5, today=dt.date(2026, 11, 20))
        out = tmp_path / f"report-{sessions}.md"
        peaks[sessions] = _export_peak_kb(db, out, env, "md")
        with open_store(str(db)) as store:
            expected = store.export_markdown()
        assert _report_text(out.read_text("utf-8")) == _report_text(expected)
    growth_mb = (peaks[6_000] - peaks[300]) / 1024
    assert growth_mb < 8, f"peak memory grew {growth_mb:.1f} MB from 300 to 6,000 sessions ({peaks})"


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
