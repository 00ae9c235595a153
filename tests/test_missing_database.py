"""A mistyped ``--db`` never starts a new database: only the app, ``import`` and
``demo-data`` do. ``sync`` (and its ``--conflicts``, ``--resolve``) and ``encrypt``
refuse a missing file in one line naming the path and how to make one, and create
nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coachtui.store import open_store


@pytest.mark.parametrize(
    "argv",
    [
        ("sync", "--hub", "HUB"),
        ("sync", "--conflicts"),
        ("sync", "--resolve", "abc", "mine"),
        ("encrypt",),
    ],
    ids=["sync", "conflicts", "resolve", "encrypt"],
)
def test_a_missing_database_is_refused_and_not_created(tmp_path: Path, argv: tuple[str, ...]) -> None:
    hub = tmp_path / "hub.db"
    with open_store(str(hub)) as store:
        store.create_team("Ward 4")
    typo = tmp_path / "typo.db"
    argv = tuple(str(hub) if part == "HUB" else part for part in argv)
    done = subprocess.run(
        [sys.executable, "-m", "coachtui", "--db", str(typo), *argv],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"coachtui: there is no database at {typo}; check the path "
        "(the app, 'coachtui import' and 'coachtui demo-data' start a new one)"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hub.db"]
