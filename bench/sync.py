"""How long a sync takes (issue 18, item 4). Prints figures; asserts nothing.

    python bench/sync.py [--sessions 10000] [--pg-url postgresql://...]

A laptop with demo data pushes everything into an empty hub (a SQLite file, and a
PostgreSQL schema when --pg-url is given, dropped afterwards); then a sync with
nothing to move; then a sync after 100 sessions were edited; then a second laptop
pulls everything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from coachtui.store import open_store
from coachtui.store.demo import generate_demo_data

TARGETS = {"push to an empty PostgreSQL hub": 5.0, "push to an empty SQLite hub": 3.0,
           "nothing to move": 0.3, "100 changed sessions": 0.5}


def timed(what: str, action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    target = next((t for key, t in TARGETS.items() if what.startswith(key)), None)
    verdict = "" if target is None else (" ok" if seconds <= target else f" (target {target} s)")
    print(f"{what:<48} {seconds:7.2f} s{verdict}", flush=True)
    return seconds


def run(folder: Path, sessions: int, hub_url: str, label: str) -> None:
    laptop = folder / f"laptop-{label}.db"
    with open_store(str(laptop), coach="Bench") as store:
        generate_demo_data(store, sessions=sessions, teams=max(2, sessions // 100), seed=7, today=dt.date(2026, 11, 20))
        timed(f"push to an empty {label} hub ({sessions:,} sessions)", lambda: store.sync(hub_url))
        timed(f"nothing to move ({label})", lambda: store.sync(hub_url))
        ids = [row.id for row in store.search_sessions(limit=100).rows]
        for ident in ids:
            store.save_draft(ident, title=f"edited {uuid.uuid4().hex[:6]}")
        timed(f"100 changed sessions ({label})", lambda: store.sync(hub_url))
    with open_store(str(folder / f"other-{label}.db"), coach="Other") as other:
        timed(f"pull into an empty laptop ({label})", lambda: other.sync(hub_url))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coachtui-bench-sync-") as name:
        folder = Path(name)
        hub = folder / "hub.db"
        open_store(str(hub)).close()
        run(folder, args.sessions, str(hub), "SQLite")
        if args.pg_url:
            import psycopg

            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from conftest import psycopg_url, with_schema

            schema = f"bench_sync_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(psycopg_url(args.pg_url), autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            try:
                run(folder, args.sessions, with_schema(args.pg_url, schema), "PostgreSQL")
            finally:
                with psycopg.connect(psycopg_url(args.pg_url), autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
