"""What PRAGMA secure_delete costs on an autosave.

Runs the store's real ``save_draft`` (one transaction, BEGIN IMMEDIATE, WAL,
synchronous=FULL) many times with secure_delete OFF, FAST and ON and prints the
median and 95th percentile per save. Two sizes: a typed dilemma of 1-3 KB (the
common autosave) and a 200 KB paste (values that spill into overflow pages, where
ON also overwrites the freed pages).

    python bench/secure_delete.py [--saves 400]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from coachtui.store import open_store
from coachtui.store.db import database


def measure(mode: str, folder: Path, saves: int, size: int) -> list[float]:
    database.SECURE_DELETE = mode
    path = folder / f"bench-{mode}-{size}.db"
    with open_store(str(path)) as store:
        team = store.create_team(f"Bench {mode} {size}")
        draft = store.start_session(team.id)
        base = "The team keeps planning tests and never runs them. " * (size // 52 + 1)
        for i in range(20):  # warm up: caches, WAL file
            store.save_draft(draft.id, dilemma=base[: size - 20] + f" {i}")
        timings = []
        for i in range(saves):
            text = base[: size - 20 + (i % 40)] + f" {i}"
            start = time.perf_counter()
            store.save_draft(draft.id, dilemma=text)
            timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size, saves in ((2_000, args.saves), (200_000, max(args.saves // 4, 20))):
            print(f"autosave of a {size:,}-character dilemma ({saves} saves):")
            for mode in ("OFF", "FAST", "ON"):
                timings = sorted(measure(mode, folder, saves, size))
                median = statistics.median(timings) * 1000
                p95 = timings[int(len(timings) * 0.95)] * 1000
                print(f"  secure_delete={mode:<4}  median {median:6.3f} ms   p95 {p95:6.3f} ms")


if __name__ == "__main__":
    main()
