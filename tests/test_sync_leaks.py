"""Deleting for good on a laptop that syncs: after the deletion (made here, or pulled
from the hub) and ``coachtui vacuum``, no byte of the record's text is left in the
laptop's file, not even in the merge base sync keeps per record (``sync_base``) or in
a conflict note (``sync_conflict``)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from coachtui.store import open_store
from test_delete_for_good import on_disk

DILEMMA = "xsecretdilemma5190"
CONTEXT = "vsecretcontext7731"
TEAM = "zsecretteam3357"


def coachtui(*argv: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "coachtui", *argv], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done


def sync(db: Path, hub: str) -> None:
    coachtui("--db", str(db), "sync", "--hub", hub)


def traces(db: Path) -> set[str]:
    data = on_disk(db).lower()
    return {word for word in (DILEMMA, CONTEXT, TEAM) if word.encode() in data}


def shared(tmp_path: Path, hub: str) -> tuple[Path, Path, str, str]:
    """Laptops A and B share one team's session through the hub; both edited its
    context differently before syncing, so a conflict note holds both values."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    with open_store(str(a), coach="Ann") as store:
        team = store.create_team(f"{TEAM} ward")
        session = store.start_session(team.id, coach="Ann")
        store.save_draft(session.id, dilemma=f"The {DILEMMA} again", context=f"{CONTEXT} one")
    open_store(str(b), coach="Bo").close()
    sync(a, hub)
    sync(b, hub)
    with open_store(str(a), coach="Ann") as store:
        store.save_draft(session.id, context=f"{CONTEXT} from Ann")
    with open_store(str(b), coach="Bo") as store:
        store.save_draft(session.id, context=f"{CONTEXT} from Bo")
    sync(a, hub)
    sync(b, hub)  # B finds the conflict: both contexts are in its note
    sync(a, hub)
    with closing(sqlite3.connect(b)) as raw:
        notes = raw.execute("SELECT mine, theirs FROM sync_conflict").fetchall()
    assert any(CONTEXT in mine and CONTEXT in theirs for mine, theirs in notes)
    return a, b, team.id, session.id


def test_a_session_deleted_for_good_leaves_no_trace_on_either_laptop(tmp_path: Path, hub_url: str) -> None:
    a, b, _team, session = shared(tmp_path, hub_url)
    assert traces(a) and traces(b)
    with open_store(str(b), coach="Bo") as store:
        store.delete_session(session)
    sync(b, hub_url)
    coachtui("--db", str(b), "vacuum")
    assert traces(b) - {TEAM} == set()  # the team stays: its name may
    sync(a, hub_url)
    coachtui("--db", str(a), "vacuum")
    assert traces(a) - {TEAM} == set()


def test_a_team_deleted_for_good_leaves_no_trace_on_either_laptop(tmp_path: Path, hub_url: str) -> None:
    a, b, team, _session = shared(tmp_path, hub_url)
    with open_store(str(b), coach="Bo") as store:
        store.delete_team(team)
    sync(b, hub_url)
    coachtui("--db", str(b), "vacuum")
    assert traces(b) == set()
    sync(a, hub_url)
    coachtui("--db", str(a), "vacuum")
    assert traces(a) == set()
