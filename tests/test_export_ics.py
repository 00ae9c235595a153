"""``coachtui export --format ics``: the open agreed actions with a due date as
to-dos for a calendar, with stable UIDs (issue 20, item 11)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from coachtui.cli import main

icalendar = pytest.importorskip("icalendar")


@pytest.fixture
def actions_db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    ids = {}
    with open_store(str(db)) as store:
        ward = store.create_team("Ward 4", coach="Ana Ruiz")
        maple = store.create_team("Maple Clinic", coach="Ana Ruiz")
        first = store.start_session(ward.id, coach="Ana Ruiz")
        store.save_draft(first.id, title="Rota gaps", dilemma="The rota has gaps")
        ids["open"] = store.add_action(first.id, "Map the night rota", owner="Bo Ng", due=dt.date(2026, 12, 18)).id
        ids["no_due"] = store.add_action(first.id, "Ask the matron", owner="Cy").id
        ids["done"] = store.add_action(first.id, "Print the chart", owner="Di", due=dt.date(2026, 12, 10)).id
        store.complete_session(first.id)
        second = store.start_session(ward.id, coach="Ana Ruiz")
        store.record_review(ids["done"], "done", session_id=second.id)
        store.record_review(ids["open"], "in_progress", session_id=second.id)
        other = store.start_session(maple.id, coach="Ana Ruiz")
        ids["maple"] = store.add_action(other.id, "Try the huddle board", owner="Ed", due=dt.date(2027, 1, 8)).id
    return db, ids


def _todos(path: Path) -> dict[str, object]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(todo["uid"]): todo for todo in calendar.walk("VTODO")}


def test_one_todo_per_open_action_with_a_due_date(
    actions_db: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = actions_db
    out = tmp_path / "actions.ics"
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0  # the format from the suffix
    assert capsys.readouterr().out == f"Exported 2 open actions with a due date to {out} as ics.\n"
    todos = _todos(out)
    assert set(todos) == {f"action-{ids['open']}@coachtui", f"action-{ids['maple']}@coachtui"}
    ward = todos[f"action-{ids['open']}@coachtui"]
    assert ward["due"].dt == dt.date(2026, 12, 18)
    assert str(ward["summary"]) == "Map the night rota (Bo Ng, Ward 4)"
    description = str(ward["description"])
    assert "Owner: Bo Ng" in description and "Team: Ward 4" in description and "Agreed in: Rota gaps" in description
    assert str(ward["status"]) == "IN-PROCESS"
    assert str(todos[f"action-{ids['maple']}@coachtui"]["status"]) == "NEEDS-ACTION"
    assert out.stat().st_mode & 0o777 == 0o600


def test_re_export_keeps_the_uids_and_marks_the_change(
    actions_db: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from coachtui.store import open_store

    db, ids = actions_db
    out = tmp_path / "actions.ics"
    assert main(["export", "--db", str(db), "--format", "ics", "-o", str(out)]) == 0
    before = _todos(out)
    with open_store(str(db)) as store:
        store.update_action(ids["maple"], due=dt.date(2027, 1, 15))
    assert main(["export", "--db", str(db), "--format", "ics", "-o", str(out)]) == 0  # replaces its own file
    after = _todos(out)
    assert set(after) == set(before)
    changed = after[f"action-{ids['maple']}@coachtui"]
    assert changed["due"].dt == dt.date(2027, 1, 15)
    assert int(changed["sequence"]) > int(before[f"action-{ids['maple']}@coachtui"]["sequence"])


def test_filters_stdout_and_refusals(
    actions_db: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = actions_db
    assert main(["export", "--db", str(db), "--format", "ics", "--team", "maple clinic"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("BEGIN:VCALENDAR") and "Try the huddle board" in text and "night rota" not in text
    assert main(["export", "--db", str(db), "--format", "ics", "--team", "Mapel Clinic"]) == 1
    assert "did you mean 'Maple Clinic'?" in capsys.readouterr().err
    notes = tmp_path / "notes.ics"
    notes.write_text("my own calendar")
    assert main(["export", "--db", str(db), "-o", str(notes)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not an earlier coachtui calendar export" in err and "--force" in err
    assert notes.read_text() == "my own calendar"
    assert main(["export", "--db", str(db), "--format", "ics", "-o", str(db)]) == 1  # never the database
    assert "the database itself" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "--format", "ics", "--table", "actions"]) == 1


def test_redacted_calendar_has_no_names(actions_db: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    db, _ = actions_db
    result = subprocess.run(
        [sys.executable, "-m", "coachtui", "export", "--db", str(db), "--format", "ics", "--redact"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("Bo Ng", "Ward 4", "Ana Ruiz", "Maple"):
        assert name not in result.stdout


def test_without_icalendar_the_hint_names_the_extra(
    actions_db: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    db, _ = actions_db
    monkeypatch.setitem(sys.modules, "icalendar", None)
    out = tmp_path / "a.ics"
    assert main(["export", "--db", str(db), "-o", str(out)]) == 1
    assert capsys.readouterr().err == (
        "coachtui: export --format ics needs icalendar; "
        "install it from coachtui's source folder with: pip install -e '.[calendar]'\n"
    )
    assert not out.exists()
