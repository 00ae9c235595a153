"""What encryption at rest costs: converting, opening, saving, searching, backing up.
Prints figures; asserts nothing.

    python bench/encryption.py [--sessions 20000]

Fills a throwaway database with demo data, copies it, encrypts the copy, then times
the same operations on the plain and the encrypted database side by side.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from coachtui.store import open_store
from coachtui.store.db.crypto import Key
from coachtui.store.demo import generate_demo_data
from coachtui.store.types import SessionFilter
from coachtui.store.upkeep.encryption import decrypt_database, encrypt_database

PASSPHRASE = "a bench passphrase, not a secret"


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Median seconds of ``repeat`` runs of ``action``."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def measure(db: Path, passphrase: str | None) -> dict[str, float]:
    figures = {"open": timed(lambda: open_store(str(db), passphrase=passphrase).close(), repeat=3)}
    with open_store(str(db), passphrase=passphrase) as store:
        store.list_teams()  # the first pooled connection
        team = store.list_teams()[0]
        draft = store.start_session(team.id)
        counter = iter(range(1_000_000))
        figures["autosave"] = timed(lambda: store.save_draft(draft.id, dilemma=f"typing {next(counter)}"), repeat=50)
        figures["search"] = timed(lambda: store.search_sessions(SessionFilter("huddle")), repeat=20)
        figures["team list"] = timed(store.list_teams, repeat=20)
        backups = db.parent / f"backups-{db.stem}"
        backups.mkdir()
        figures["backup"] = timed(lambda: store.backup(backups), repeat=3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "plain.db"
        with open_store(str(plain)) as store:
            generate_demo_data(store, sessions=args.sessions, teams=40, seed=7)
        locked = Path(folder) / "locked.db"
        shutil.copyfile(plain, locked)
        key = Key(PASSPHRASE)
        encrypt_seconds = timed(lambda: encrypt_database(locked, key))
        size = locked.stat().st_size
        print(f"{args.sessions:,} sessions, {size / 1e6:.1f} MB")
        print(f"encrypt: {encrypt_seconds:.2f} s (backup, export, check, swap)")
        again = Path(folder) / "again.db"
        shutil.copyfile(locked, again)
        print(f"decrypt: {timed(lambda: decrypt_database(again, key)):.2f} s")
        plain_figures = measure(plain, None)
        locked_figures = measure(locked, PASSPHRASE)
        print(f"{'':<10} {'plain':>10} {'encrypted':>10}")
        for name, value in plain_figures.items():
            print(f"{name:<10} {value * 1000:>8.1f}ms {locked_figures[name] * 1000:>8.1f}ms")


if __name__ == "__main__":
    main()
