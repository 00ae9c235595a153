"""``coachtui export`` and ``coachtui import``: output, files, filters, one-line errors."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from coachtui.cli import main
from coachtui.store import open_store
from conftest import Clock
from test_exchange_export import NAME_WORDS, TEAMS, history, known_words_in, utc_zone  # noqa: F401


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A closed database file with the history of test_exchange_export."""
    path = tmp_path / "filled.db"
    clock = Clock()
    with open_store(str(path), clock=clock) as store:
        history(store, clock)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- export ---------------------------------------------------------------------------------


def test_export_prints_a_markdown_report_by_default(filled, capsys) -> None:
    code, out, err = run(capsys, "export", "--db", str(filled))
    assert (code, err) == (0, "")
    assert out.startswith("# Coaching report\n") and "## Ward 4" in out and "## Pharmacy" in out


def test_export_json_to_stdout_is_the_interchange_format(filled, capsys) -> None:
    code, out, _ = run(capsys, "export", "--db", str(filled), "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["format"] == "coachtui-export" and len(document["sessions"]) == 3


def test_export_csv_to_stdout_is_one_table_without_a_byte_order_mark(filled, capsys) -> None:
    code, out, _ = run(capsys, "export", "--db", str(filled), "--format", "csv")
    assert code == 0 and out.startswith("session_id,team,status,")
    assert len(list(csv.DictReader(io.StringIO(out, newline="")))) == 3
    code, out, _ = run(capsys, "export", "--db", str(filled), "--format", "csv", "--table", "actions")
    assert out.startswith("action_id,") and len(list(csv.DictReader(io.StringIO(out, newline="")))) == 4


@pytest.mark.parametrize(
    ("name", "fmt", "tables"),
    [
        ("r.md", "md", ""),
        ("r.json", "json", ""),
        ("s.csv", "csv", " (sessions.csv)"),
        ("b.zip", "csv", " (sessions.csv, actions.csv)"),
    ],
)
def test_export_to_a_file_says_what_it_wrote(filled, tmp_path, capsys, name, fmt, tables) -> None:
    target = tmp_path / name
    code, out, err = run(capsys, "export", "--db", str(filled), "-o", str(target))
    assert (code, err) == (0, "")
    assert out == f"Exported 3 sessions of 2 teams to {target} as {fmt}{tables}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_team_is_matched_ignoring_case(filled, capsys) -> None:
    code, out, _ = run(capsys, "export", "--db", str(filled), "--team", "  ward   4", "--format", "json")
    assert code == 0 and [s["title"] for s in json.loads(out)["sessions"]] == [
        "Handovers with sam",
        "Who speaks at the huddle",
    ]


def test_export_since_filters_by_date(filled, capsys) -> None:
    code, out, _ = run(capsys, "export", "--db", str(filled), "--since", "2026-03-15", "--format", "json")
    assert code == 0 and [s["title"] for s in json.loads(out)["sessions"]] == ["Stock checks"]
    # the date words the app's history filter takes work here too
    code, out, _ = run(capsys, "export", "--db", str(filled), "--since", "15 march 2026", "--format", "json")
    assert code == 0 and [s["title"] for s in json.loads(out)["sessions"]] == ["Stock checks"]


def test_export_redact_leaves_no_names(filled, capsys) -> None:
    for fmt in ("md", "json", "csv"):
        code, out, _ = run(capsys, "export", "--db", str(filled), "--redact", "--format", fmt)
        assert code == 0 and known_words_in(out, NAME_WORDS + TEAMS) == [], fmt
    code, out, _ = run(capsys, "export", "--db", str(filled), "--redact", "--keep-team-names")
    assert "## Ward 4" in out and known_words_in(out, NAME_WORDS) == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--team", "Ward 44"], 1, "coachtui: there is no team called 'Ward 44'; did you mean 'Ward 4'?"),
        (["--team", "Kitchen"], 1, "coachtui: there is no team called 'Kitchen'"),
        (["--since", "the week after never"], 2, "coachtui: argument --since: not a date I understand: "
         "'the week after never' (try 2026-03-01 or 3 weeks ago)"),
        (["--since", "2026-02-30"], 2, "coachtui: argument --since: no such date: 2026-02-30"),
        (["--format", "pdf"], 2, "coachtui: argument --format: invalid choice: 'pdf'"),
        (["--table", "actions"], 1, "coachtui: --table only applies to --format csv"),
        (["--keep-team-names"], 1, "coachtui: --keep-team-names only makes sense with --redact"),
        (["-o", "b.zip", "--table", "sessions"], 1, "coachtui: choosing a table applies to a single .csv file only"),
        (["-o", "nowhere/x.md"], 1, "coachtui: not exported: cannot write nowhere/x.md: the folder nowhere does not exist"),
        (["-o", "x.xlsx"], 1, "coachtui: cannot tell which format to write to x.xlsx"),
    ],
)
def test_export_mistakes_are_one_line(filled, tmp_path, capsys, monkeypatch, args, code, message) -> None:
    monkeypatch.chdir(tmp_path)
    got, out, err = run(capsys, "export", "--db", str(filled), *args)
    assert (got, out) == (code, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "b.zip").exists()


# --- import ---------------------------------------------------------------------------------


def test_import_reports_what_it_added_and_then_that_nothing_is_new(filled, tmp_path, capsys) -> None:
    exported = tmp_path / "from-ward.json"
    assert main(["export", "--db", str(filled), "-o", str(exported)]) == 0
    capsys.readouterr()
    target = tmp_path / "laptop.db"
    code, out, err = run(capsys, "import", "--db", str(target), str(exported))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Imported {exported} into {target}:",
        "  teams                  2 added      0 updated",
        "  sessions               3 added      0 updated",
        "  questions              1 added      0 updated",
        "  custom questions       1 added      0 updated",
        "  actions                4 added      0 updated",
        "  reviews                1 added      0 updated",
    ]
    code, out, _ = run(capsys, "import", "--db", str(target), str(exported))
    assert (code, out) == (0, f"Nothing new in {exported}: {target} already had all of it.\n")


def test_import_says_when_a_team_was_merged_by_name_and_when_names_are_pseudonyms(filled, tmp_path, capsys) -> None:
    exported = tmp_path / "redacted.json"
    assert main(["export", "--db", str(filled), "--redact", "--keep-team-names", "-o", str(exported)]) == 0
    capsys.readouterr()
    target = tmp_path / "laptop.db"
    with open_store(str(target)) as store:
        store.create_team("PHARMACY")
    code, out, _ = run(capsys, "import", "--db", str(target), str(exported))
    assert code == 0
    assert "Team 'Pharmacy' in the file was merged into the team 'PHARMACY' here." in out.splitlines()
    assert out.splitlines()[-1] == "This export was redacted: its names are pseudonyms."


def test_importing_a_newer_redacted_export_keeps_the_names_here_and_says_so(filled, tmp_path, capsys) -> None:
    exported = tmp_path / "redacted.json"
    assert main(["export", "--db", str(filled), "--redact", "-o", str(exported)]) == 0
    capsys.readouterr()
    document = json.loads(exported.read_text())
    for row in document["sessions"]:
        row["updated_at"] = "2027-06-01T09:00:00.000000Z"
    exported.write_text(json.dumps(document))
    before = export_text(filled, capsys)
    code, out, _ = run(capsys, "import", "--db", str(filled), str(exported))
    assert code == 0
    count = len(document["sessions"])
    assert out.splitlines() == [
        f"Nothing imported from {exported} into {filled}.",
        f"Kept {count} records here as they are: this export is redacted, and its pseudonyms never replace your text.",
    ]
    assert export_text(filled, capsys) == before


def export_text(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "export", "--db", str(db), "--format", "json")
    assert code == 0
    return "".join(line for line in out.splitlines(keepends=True) if "exported_at" not in line)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "coachtui-export", "version": 7}', "it is a coachtui export of format version 7"),
        (b'{"format": "coachtui-export", "vers', "the JSON ends too early at line 1: the file looks truncated"),
        (b"not json at all", "it is not valid JSON (line 1, column 1"),
    ],
)
def test_import_of_a_bad_file_is_one_line_and_leaves_the_database_byte_identical(
    filled, tmp_path, capsys, content, message
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = digest(filled)
    code, out, err = run(capsys, "import", "--db", str(filled), str(bad))
    assert (code, out) == (1, "")
    assert err.startswith(f"coachtui: cannot import {bad}: {message}")
    assert err.endswith("; nothing was changed\n") and err.count("\n") == 1
    assert digest(filled) == before


def test_import_refused_while_merging_leaves_the_database_byte_identical(filled, tmp_path, capsys) -> None:
    exported = tmp_path / "x.json"
    assert main(["export", "--db", str(filled), "--format", "json", "-o", str(exported)]) == 0
    document = json.loads(exported.read_text("utf-8"))
    document["action_reviews"][0]["session_id"] = "a-session-nobody-has"
    document["sessions"][0]["updated_at"] = "2030-01-01T00:00:00.000000Z"  # would be an update
    exported.write_text(json.dumps(document), encoding="utf-8")
    before = digest(filled)
    code, _, err = run(capsys, "import", "--db", str(filled), str(exported))
    assert code == 1
    assert err == (
        f"coachtui: cannot import {exported}: action_reviews[0].session_id: refers to a session that is "
        "neither in the file nor in the database; nothing was changed\n"
    )
    assert digest(filled) == before


def test_import_of_a_missing_file_does_not_create_a_database(tmp_path, capsys) -> None:
    target = tmp_path / "never.db"
    code, _, err = run(capsys, "import", "--db", str(target), str(tmp_path / "nope.json"))
    assert code == 1 and err == f"coachtui: cannot read {tmp_path / 'nope.json'}: No such file or directory\n"
    assert not target.exists()


def test_import_of_an_unusable_export_does_not_create_a_database(filled, tmp_path, capsys) -> None:
    """Found by trying to break it: a refused file left a new, empty database behind."""
    exported = tmp_path / "x.json"
    assert main(["export", "--db", str(filled), "--format", "json", "-o", str(exported)]) == 0
    document = json.loads(exported.read_text("utf-8"))
    document["sessions"][0]["mood"] = "grumpy"
    exported.write_text(json.dumps(document), encoding="utf-8")
    capsys.readouterr()
    target = tmp_path / "new-laptop.db"
    code, out, err = run(capsys, "import", "--db", str(target), str(exported))
    assert (code, out) == (1, "")
    assert err == f"coachtui: cannot import {exported}: sessions[0]: unknown field 'mood'; nothing was changed\n"
    assert not target.exists() and list(tmp_path.glob("new-laptop.db*")) == []


def test_from_one_laptop_to_another_as_real_processes(filled, tmp_path) -> None:
    """The way a coach would do it, through the installed entry point."""

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "coachtui", *args],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            timeout=60,
            check=False,
        )

    exported = tmp_path / "carry.json"
    first = cli("export", "--db", str(filled), "-o", str(exported))
    assert (first.returncode, first.stderr) == (0, "")
    second = cli("import", "--db", str(tmp_path / "laptop.db"), str(exported))
    assert (second.returncode, second.stderr) == (0, "")
    assert "sessions               3 added" in second.stdout
    original: dict[str, Any] = json.loads(exported.read_text("utf-8"))
    with open_store(str(tmp_path / "laptop.db")) as laptop:
        copy = laptop.export_json()
    assert {k: v for k, v in copy.items() if k != "exported_at"} == {
        k: v for k, v in original.items() if k != "exported_at"
    }


def _on_a_terminal(*args: str) -> str:
    """Run coachtui with its standard output on a pseudo-terminal; return what it showed."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "coachtui", *args], stdout=slave, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks).decode("utf-8")


def test_hostile_text_is_exact_in_a_pipe_and_shown_not_obeyed_on_a_terminal(filled, capsys) -> None:
    from coachtui.text import md_escape, visible

    hostile = "\x1b[2J\x1b]0;pwned\x07 \x9b31m \u202eevil"
    with open_store(str(filled)) as store:
        draft = store.start_session(store.list_teams()[0].id)
        store.save_draft(draft.id, dilemma=hostile)
    code, out, _ = run(capsys, "export", "--db", str(filled))
    assert code == 0 and md_escape(hostile) in out  # a pipe gets the exact characters
    shown = _on_a_terminal("export", "--db", str(filled))
    assert not any(c in shown for c in "\x1b\x07\x9b\u202e")
    assert visible(md_escape(hostile)) in shown
    assert "␛\\[2J␛\\]0;pwned␇ \\x9b31m ⟨RLO⟩evil" in shown
    shown = _on_a_terminal("export", "--db", str(filled), "--format", "json")
    assert not any(c in shown for c in "\x1b\x07\x9b\u202e")
    assert hostile in [s["dilemma"] for s in json.loads(shown)["sessions"]]  # still exact, as JSON escapes


@pytest.mark.parametrize(("name", "first", "second"), [
    ("share.md", ["--redact"], []),
    ("full.json", [], ["--redact"]),
    ("full.json", ["--redact"], []),
    ("both.zip", [], ["--redact"]),
])
def test_a_redacted_export_and_a_full_one_never_replace_each_other_without_force(
    filled, tmp_path, capsys, name, first, second
) -> None:
    target = tmp_path / name
    assert main(["export", "--db", str(filled), *first, "-o", str(target)]) == 0
    kept = digest(target)
    capsys.readouterr()
    code, out, err = run(capsys, "export", "--db", str(filled), *second, "-o", str(target))
    there, this = ("redacted", "full") if first else ("full", "redacted")
    assert (code, out) == (1, "")
    assert err.startswith(f"coachtui: not exported: {target} is a {there} coachtui export and this one is {this}; ")
    assert err.endswith("choose another file name, or add --force to replace it\n")
    assert len(err.splitlines()) == 1
    assert digest(target) == kept
    # the same kind again still replaces it, and --force replaces it with the other kind
    assert main(["export", "--db", str(filled), *first, "-o", str(target)]) == 0
    assert main(["export", "--db", str(filled), *second, "--force", "-o", str(target)]) == 0
    assert digest(target) != kept


def test_the_export_dialog_also_refuses_a_full_export_over_a_redacted_one(filled, tmp_path, capsys) -> None:
    from coachtui.ui.screens.export import check_path

    target = tmp_path / "share.md"
    assert main(["export", "--db", str(filled), "--redact", "-o", str(target)]) == 0
    assert check_path(str(target), "md", filled, redacted=True) is None
    assert check_path(str(target), "md", filled, redacted=False) == (
        f"{target} is a redacted coachtui export and this one is full; choose another file name."
    )
