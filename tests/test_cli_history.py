"""`coachtui search` and `coachtui demo-data`: what a user sees, and one-line errors."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coachtui.cli import main
from coachtui.store import open_store
from coachtui.store.types import SessionFilter


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coachtui", *args], capture_output=True, text=True, timeout=120, check=False,
        env=os.environ.copy(),
    )


@pytest.fixture
def history_db(tmp_path: Path) -> Path:
    path = tmp_path / "history.db"
    # midday UTC: the same calendar day in any time zone from UTC-11 to UTC+11
    clock_now = [dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)]

    def clock() -> dt.datetime:
        clock_now[0] += dt.timedelta(minutes=1)
        return clock_now[0]

    with open_store(str(path), clock=clock) as store:
        ward = store.create_team("Ward 4", coach="Ana")
        odd = store.create_team("[bold]Odd\x1b[31m team", coach="Ben")
        for title, dilemma, team, category, coach in (
            ("Night falls", "Falls rise at night on the ward", ward, "capability", "Ana"),
            ("Rota gaps", "The rota has gaps at night", ward, "environment", "Ana"),
            ("", "Nobody speaks at the huddle at night", odd, None, "Ben"),
        ):
            session = store.start_session(team.id, coach=coach)
            store.save_draft(session.id, title=title, dilemma=dilemma, primary_category=category)
            if title:
                store.complete_session(session.id)
    return path


def lines(text: str) -> list[str]:
    return text.splitlines()


def test_search_prints_a_table_newest_first(history_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "night", "--db", str(history_db)]) == 0
    out = lines(capsys.readouterr().out)
    assert out[0].split() == ["date", "team", "coach", "category", "title"]
    assert out[1].startswith("2026-03-01  [bold]Odd␛[31m team  Ben")
    assert out[1].endswith("unsure       (draft) Nobody speaks at the huddle at night")
    assert out[2].startswith("2026-03-01  Ward 4") and out[2].endswith("Rota gaps")
    assert out[3].endswith("capability   Night falls")
    assert len(out) == 4


def test_search_filters_and_limit(history_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "night", "--team", "ward 4", "--category", "environment", "--db", str(history_db)]) == 0
    out = lines(capsys.readouterr().out)
    assert len(out) == 2 and out[1].endswith("Rota gaps")
    assert main(["search", "*", "--limit", "1", "--db", str(history_db)]) == 0
    captured = capsys.readouterr()
    out = lines(captured.out)
    assert len(out) == 2 and "(draft)" in out[1]
    # hints go to stderr: a pipe gets the table only
    assert captured.err == "(showing the newest 1; more sessions match: use --limit to see more)\n"


def test_search_without_matches_says_so_on_stderr_and_exits_1(
    history_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "quokka", "--db", str(history_db)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "No sessions match 'quokka'.\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--team", "Nobody"], 2, "coachtui: there is no team called 'Nobody'\n"),
        (["--team", "Ward 44"], 2, "coachtui: there is no team called 'Ward 44'; did you mean 'Ward 4'?\n"),
        (["--team", "ward4"], 2, "coachtui: there is no team called 'ward4'; did you mean 'Ward 4'?\n"),
        (
            ["--since", "the day after never"],
            2,
            "coachtui: argument --since: not a date I understand: 'the day after never' (try 2026-03-01 or "
            "3 weeks ago) (see 'coachtui search --help')\n",
        ),
        (["--json", "--csv"], 2, "coachtui: argument --csv: not allowed with argument --json "
         "(see 'coachtui search --help')\n"),
        (
            ["--category", "weather"],
            2,
            "coachtui: unknown category 'weather' (choose from capability, learning, relational, environment, unsure)\n",
        ),
        (["--limit", "0"], 2, "coachtui: argument --limit: give a number from 1 to 1000 (see 'coachtui search --help')\n"),
    ],
)
def test_search_errors_are_one_line(
    history_db: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    assert main(["search", "night", *args, "--db", str(history_db)]) == code
    captured = capsys.readouterr()
    assert captured.err == message and captured.out == ""


def test_search_as_a_real_process(history_db: Path) -> None:
    result = run_cli("search", "rota", "--db", str(history_db))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert lines(result.stdout)[1].endswith("Rota gaps")
    typo = history_db.parent / "nope" / "x.db"
    missing = run_cli("search", "rota", "--db", str(typo), "--team", "Ward 4")
    assert missing.returncode == 1 and missing.stderr == (
        f"coachtui: there is no database at {typo}; check the path "
        "(the app, 'coachtui import' and 'coachtui demo-data' start a new one)\n"
    )
    assert not typo.parent.exists()


def test_search_as_json_and_csv_keeps_the_text_exactly(history_db: Path) -> None:
    import csv
    import io
    import json

    result = run_cli("search", "night", "--json", "--db", str(history_db))
    assert result.returncode == 0 and result.stderr == ""
    records = json.loads(result.stdout)
    assert [r["title"] for r in records] == ["Nobody speaks at the huddle at night", "Rota gaps", "Night falls"]
    assert records[0]["team"] == "[bold]Odd\x1b[31m team"  # as typed: a script gets the real name
    assert records[0]["status"] == "draft" and records[0]["category"] == "unsure"
    assert set(records[1]) == {"id", "date", "created_at", "team", "coach", "category", "status", "title", "found_in"}
    assert records[1]["found_in"] == []  # an ordinary session: no presenters
    assert records[1]["date"] == "2026-03-01" and records[1]["coach"] == "Ana"

    result = run_cli("search", "night", "--csv", "--team", "WARD 4", "--db", str(history_db))
    assert result.returncode == 0 and result.stderr == ""
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["team"], r["title"], r["category"]) for r in rows] == [
        ("Ward 4", "Rota gaps", "environment"),
        ("Ward 4", "Night falls", "capability"),
    ]

    none = run_cli("search", "quokka", "--json", "--db", str(history_db))
    assert none.returncode == 1 and json.loads(none.stdout) == [] and none.stderr == "No sessions match 'quokka'.\n"


def test_search_since_takes_the_apps_date_words(history_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The sessions are from 2026-03-01.
    assert main(["search", "*", "--since", "2026-03-01", "--db", str(history_db)]) == 0
    assert len(lines(capsys.readouterr().out)) == 4
    assert main(["search", "*", "--since", "2 march 2026", "--db", str(history_db)]) == 1
    assert capsys.readouterr().out == ""
    assert main(["search", "*", "--since", "3 weeks ago", "--db", str(history_db)]) == 1  # today is long after
    assert main(["search", "*", "--since", "10 years ago", "--db", str(history_db)]) == 0


# --- demo-data -------------------------------------------------------------------------


def test_demo_data_fills_a_new_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "workshop.db"
    assert main(["demo-data", "--db", str(db), "--sessions", "60", "--teams", "4", "--as-of", "2026-11-20"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("Added 4 teams, 60 sessions (")
    assert f"to {db} in " in out.out and out.err == ""  # no progress bar when stderr is not a terminal
    # and the action learning set: five members, three meetings of three presenters
    assert out.out.splitlines()[1] == (
        "Added the action learning set “Northern quality leads (action learning set)”: 5 members, "
        "3 meetings of 3 presenters."
    )
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM coaching_session").fetchone() == (60 + 9,)
        assert conn.execute("SELECT count(*) FROM team WHERE members != ''").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM coaching_session WHERE meeting_id IS NOT NULL").fetchone() == (6,)
    finally:
        conn.close()
    with open_store(str(db)) as store:
        team = store.find_team("Northern quality leads (action learning set)")
        assert team.is_set and store.get_team(team.id).session_count == 3
        (meeting,) = store.search_sessions(SessionFilter(text="Grace Mensah", team_id=team.id), limit=1).rows
        assert len(meeting.presenters) == 3


def test_demo_data_without_the_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "plain.db"
    assert main(["demo-data", "--db", str(db), "--sessions", "20", "--teams", "2", "--no-set"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*), sum(members != '') FROM team").fetchone() == (2, 0)
    finally:
        conn.close()
    assert main(["search", "the", "--db", str(db), "--limit", "3"]) == 0
    assert len(lines(capsys.readouterr().out)) == 4


def test_demo_data_same_seed_same_database(tmp_path: Path) -> None:
    dumps = []
    for name in ("one.db", "two.db"):
        db = tmp_path / name
        assert main(["demo-data", "--db", str(db), "--sessions", "40", "--teams", "3", "--seed", "9",
                     "--as-of", "2026-11-20"]) == 0
        conn = sqlite3.connect(db)
        dumps.append(conn.execute("SELECT * FROM coaching_session ORDER BY rowid").fetchall())
        conn.close()
    assert dumps[0] == dumps[1]


def test_demo_data_refuses_a_database_with_data(history_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = history_db.read_bytes()
    assert main(["demo-data", "--db", str(history_db), "--sessions", "10"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"coachtui: {history_db} already holds 2 teams and 3 sessions; demo data only goes into a new or "
        "empty database (add --append to add to it anyway)\n"
    )
    assert history_db.read_bytes() == before
    assert main(["demo-data", "--db", str(history_db), "--sessions", "10", "--teams", "2", "--append"]) == 0
    with open_store(str(history_db)) as store:
        assert store.count_sessions() == 13 + 3  # the set's three meetings count once each
    capsys.readouterr()
    assert main(["demo-data", "--db", str(history_db), "--sessions", "1", "--append"]) == 0
    assert "is there already: not added again" in capsys.readouterr().out


def test_demo_data_never_goes_into_the_default_database(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo-data"]) == 2
    default = isolated_home / "data" / "coachtui.db"
    err = capsys.readouterr().err
    assert err.startswith(f"coachtui: demo data never goes into your own database ({default})")
    assert err.count("\n") == 1
    assert not default.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sessions", "lots"], "coachtui: argument --sessions: not a whole number: 'lots'"),
        (["--teams", "0"], "coachtui: argument --teams: give a number from 1 to 10,000"),
        (["--as-of", "yesterday"], "coachtui: argument --as-of: not a date (YYYY-MM-DD): 'yesterday'"),
    ],
)
def test_demo_data_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["demo-data", "--db", str(tmp_path / "d.db"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "d.db").exists()
