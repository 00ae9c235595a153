"""A record that came in from a redacted export is replaced by the same record from a
full export (a tester imported red.json, then full.json, and kept "Team 51CAAA" and
"Coach A"). The reverse stays refused: a redacted file never replaces full text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from coachtui.store import open_store


def coachtui(*argv: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "coachtui", *argv], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done


def exports(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "source.db"
    with open_store(str(source), coach="Ana Ruiz") as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(session.id, title="Night rota", dilemma="Ana Ruiz and Bo Ng disagree on the rota")
        store.add_action(session.id, "Ask Bo Ng about nights", owner="Bo Ng")
    red, full = tmp_path / "red.json", tmp_path / "full.json"
    coachtui("--db", str(source), "export", "-o", str(red), "--redact")
    coachtui("--db", str(source), "export", "-o", str(full))
    assert "Ward 4" not in red.read_text() and "Bo Ng" not in red.read_text()
    return red, full


def names(db: Path) -> tuple[list[str], str]:
    with open_store(str(db)) as store:
        sessions = store.export_json()["sessions"]
        return [team.name for team in store.list_teams()], sessions[0]["dilemma"]


def test_a_full_export_replaces_what_a_redacted_one_brought(tmp_path: Path) -> None:
    red, full = exports(tmp_path)
    db = tmp_path / "new.db"
    coachtui("--db", str(db), "import", str(red))
    done = coachtui("--db", str(db), "import", str(full))
    assert "Nothing new" not in done.stdout
    assert done.stdout.splitlines()[-1].startswith("Replaced ") and "from a redacted export" in done.stdout
    assert names(db) == (["Ward 4"], "Ana Ruiz and Bo Ng disagree on the rota")
    again = coachtui("--db", str(db), "import", str(full))
    assert again.stdout.startswith("Nothing new in ")
    # and the redacted file, imported again, does not bring the pseudonyms back
    coachtui("--db", str(db), "import", str(red))
    assert names(db) == (["Ward 4"], "Ana Ruiz and Bo Ng disagree on the rota")


def test_a_redacted_export_still_never_replaces_full_text(tmp_path: Path) -> None:
    red, full = exports(tmp_path)
    db = tmp_path / "new.db"
    coachtui("--db", str(db), "import", str(full))
    done = coachtui("--db", str(db), "import", str(red))
    assert done.stdout.startswith("Nothing new in ")
    assert names(db) == (["Ward 4"], "Ana Ruiz and Bo Ng disagree on the rota")


def test_the_store_replaces_redacted_records_on_both_backends(store, tmp_path: Path) -> None:
    red, full = exports(tmp_path)
    first = store.import_data(json.loads(red.read_text()))
    assert first.redacted and first.added
    summary = store.import_data(json.loads(full.read_text()))
    assert summary.replaced == summary.added + summary.replaced > 0
    assert [team.name for team in store.list_teams()] == ["Ward 4"]
    assert store.import_data(json.loads(full.read_text())).replaced == 0
