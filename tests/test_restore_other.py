"""``coachtui restore FILE`` brings back this database's own backups. A file that is
another database (another laptop's, not a backup of this one) is refused unless the
coach says so with ``--from-another-database``; even then this database keeps its own
identity (``database_id``), so two laptops never sync under one name."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from coachtui.store import open_store


def coachtui(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coachtui", *argv], capture_output=True, text=True, timeout=120, check=False)


def identity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as raw:
        return str(raw.execute("SELECT value FROM coachtui_meta WHERE key = 'database_id'").fetchone()[0])


def teams(db: Path) -> list[str]:
    with open_store(str(db)) as store:
        return [team.name for team in store.list_teams()]


def two_laptops(tmp_path: Path) -> tuple[Path, Path]:
    mine, theirs = tmp_path / "mine.db", tmp_path / "theirs.db"
    with open_store(str(mine)) as store:
        store.create_team("My ward")
    with open_store(str(theirs)) as store:
        store.create_team("Their ward")
    return mine, theirs


def test_another_database_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    mine, theirs = two_laptops(tmp_path)
    own = identity(mine)
    done = coachtui("--db", str(mine), "restore", str(theirs))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"coachtui: Not restored: {theirs} is another database, not a backup of {mine}; "
        f"to replace this database's contents with it anyway, add --from-another-database. {mine} is unchanged."
    ]
    assert teams(mine) == ["My ward"] and identity(mine) == own


def test_with_the_flag_the_contents_come_but_not_the_identity(tmp_path: Path) -> None:
    mine, theirs = two_laptops(tmp_path)
    own, other = identity(mine), identity(theirs)
    done = coachtui("--db", str(mine), "restore", "--from-another-database", str(theirs))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Restored {theirs} (1 team, 0 sessions) into {mine}; ")
    assert teams(mine) == ["Their ward"]
    assert identity(mine) == own != other
    assert identity(theirs) == other


def test_a_backup_of_this_database_needs_no_flag(tmp_path: Path) -> None:
    mine, _theirs = two_laptops(tmp_path)
    own = identity(mine)
    saved = tmp_path / "saved.db"
    assert coachtui("--db", str(mine), "backup", "--output", str(saved)).returncode == 0
    with open_store(str(mine)) as store:
        store.create_team("After the backup")
    done = coachtui("--db", str(mine), "restore", str(saved))
    assert done.returncode == 0, done.stderr
    assert teams(mine) == ["My ward"] and identity(mine) == own
