"""How long a sync takes (issue 18, items 4 and 6). Prints figures; asserts nothing but
that a simulated network ends up the same everywhere.

    python bench/sync.py [--sessions 10000] [--pg-url postgresql://...] [--baseline main] [--repeat 2]
    python bench/sync.py --network 5x500 [--rounds 3] [--pg-url ...]

The first form: a laptop with demo data pushes everything into an empty hub (a SQLite
file, and a PostgreSQL schema when --pg-url is given, dropped afterwards); then a sync
with nothing to move; then one after 100 sessions were edited; then a second laptop
pulls everything. Beside each figure: this process's CPU time, and the figure as a
multiple of a reference measured in the same loop on the same data (reading every
record of the laptop through the store), so runs on a busy machine compare. Each
version runs in its own process, this tree's and --baseline's (a git revision, main
by default, extracted with git archive) in turn on a copy of the same laptop, each
--repeat times alternating; the table at the end puts the best of each side by side
with the load average while they ran.

The second form simulates a network: N laptops with M sessions each (one laptop's demo
data, copied to the others under new ids: ``rekeyed_copy``) sync in turn through one hub, then for several rounds each edits some sessions
everyone shares and some of its own and syncs; it prints the total time, the hub's
size, and one laptop's incremental sync time as the hub grows, and checks that every
laptop and the hub hold the same records and that no typed text was lost (it is the
value, or listed in a conflict, or was typed over on a laptop that had it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from coachtui.store import Store, open_store
from coachtui.store.demo import generate_demo_data

TARGETS = {"push to an empty PostgreSQL hub": 5.0, "push to an empty SQLite hub": 3.0,
           "nothing to move": 0.3, "100 changed sessions": 0.5}
TODAY = dt.date(2026, 11, 20)
FIELDS = ("title", "dilemma", "context")


def timed(what: str, action: Callable[[], object], reference: float | None = None) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    action()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    target = next((t for key, t in TARGETS.items() if what.startswith(key)), None)
    verdict = "" if target is None else (" ok" if seconds <= target else f" (target {target} s)")
    ratio = f"  {seconds / reference:5.1f}x ref" if reference else ""
    print(f"{what:<50} {seconds:7.2f} s  cpu {cpu:6.2f} s{ratio}{verdict}", flush=True)
    return seconds


def records(store: Store) -> dict[str, list[dict]]:
    """Every record, without the per-database change counter."""
    document = store.export_json()
    keys = ("teams", "sessions", "picked_questions", "custom_questions", "actions", "action_reviews")
    return {key: sorted(({k: v for k, v in row.items() if k != "version"} for row in document[key]),
                        key=lambda row: row["id"]) for key in keys}


def run(laptop: Path, sessions: int, hub_url: str, label: str) -> None:
    """The figures of one code version, printed (``timed``), on a copy of ``laptop``."""
    folder = laptop.parent
    mine = folder / f"laptop-{label}-{uuid.uuid4().hex[:6]}.db"
    shutil.copyfile(laptop, mine)
    if label == "SQLite" and not Path(hub_url).exists():
        open_store(hub_url).close()  # sync joins a hub that exists, it never makes one
    with open_store(str(mine), coach="Bench") as store:
        reference = timed(f"reference: read every record ({label})", lambda: store.export_json())
        timed(f"push to an empty {label} hub ({sessions:,} sessions)", lambda: store.sync(hub_url), reference)
        timed(f"nothing to move ({label})", lambda: store.sync(hub_url), reference)
        ids = [row.id for row in store.search_sessions(limit=100).rows]
        for ident in ids:
            store.save_draft(ident, title=f"edited {uuid.uuid4().hex[:6]}")
        timed(f"100 changed sessions ({label})", lambda: store.sync(hub_url), reference)
    with open_store(str(folder / f"other-{label}-{uuid.uuid4().hex[:6]}.db"), coach="Other") as other:
        timed(f"pull into an empty laptop ({label})", lambda: other.sync(hub_url), reference)


def baseline_code(ref: str, folder: Path) -> Path:
    """The package as ``ref`` (a git revision) has it, extracted into ``folder``: the
    figures of both run in the same loop, side by side."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(root), "archive", ref, "src/coachtui"], check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def figures(code: Path | None, laptop: Path, sessions: int, hub_url: str, label: str) -> dict[str, tuple[float, float]]:
    """``run`` in a fresh process with ``code`` first on the path (None: this tree)."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH", "")]))
    command = [sys.executable, __file__, "--one", str(laptop), "--hub", hub_url, "--label", label,
               "--sessions", str(sessions)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    found: dict[str, tuple[float, float]] = {}
    for line in done.stdout.splitlines():
        what, _, rest = line.partition("  ")
        parts = rest.split()
        if len(parts) >= 4 and parts[1] == "s" and parts[2] == "cpu":
            found[what.strip()] = (float(parts[0]), float(parts[3]))
    return found


def compare(folder: Path, sessions: int, pg_url: str, ref: str, repeat: int) -> None:
    laptop = folder / "laptop.db"
    with open_store(str(laptop), coach="Bench") as store:
        generate_demo_data(store, sessions=sessions, teams=max(2, sessions // 100), seed=7, today=TODAY)
    old = baseline_code(ref, folder / "baseline") if ref else None
    versions = [("this tree", None)] + ([(ref, old)] if ref else [])
    hubs = ["SQLite"] + (["PostgreSQL"] if pg_url else [])
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    loads: list[float] = []
    order: list[str] = []
    for number in range(repeat):
        for hub_kind in hubs:
            for name, code in versions if number % 2 == 0 else versions[::-1]:
                loads.append(os.getloadavg()[0])
                with empty_hub(folder, hub_kind, pg_url) as hub_url:
                    for what, value in figures(code, laptop, sessions, hub_url, hub_kind).items():
                        results.setdefault((what, name), []).append(value)
                        if what not in order:
                            order.append(what)
    print(f"\n{sessions:,} sessions; load average {min(loads):.1f} to {max(loads):.1f} during the runs; "
          f"best of {repeat}, wall (process CPU)", flush=True)
    print(f"{'figure':<50} " + "  ".join(f"{name:>22}" for name, _ in versions))
    for what in order:
        cells = []
        for name, _code in versions:
            runs = results.get((what, name), [])
            wall, cpu = min(runs) if runs else (float("nan"), float("nan"))
            cells.append(f"{wall:7.2f} s ({cpu:5.2f} s)".rjust(22))
        target = next((t for key, t in TARGETS.items() if what.startswith(key)), None)
        print(f"{what:<50} " + "  ".join(cells) + (f"   target {target} s" if target else ""), flush=True)


@contextmanager
def empty_hub(folder: Path, kind: str, pg_url: str) -> Iterator[str]:
    if kind == "PostgreSQL":
        with postgres_hub(pg_url) as (hub_url, _size):
            yield hub_url
        return
    hub = folder / f"hub-{uuid.uuid4().hex[:6]}.db"
    try:
        yield str(hub)  # the first sync makes it (with that version's schema)
    finally:
        for path in folder.glob(hub.name + "*"):
            path.unlink()


# --- a network --------------------------------------------------------------------------------


def network(folder: Path, laptops: int, sessions: int, rounds: int, hub_url: str, hub_size: Callable[[], str]) -> None:
    rng = random.Random(18)
    started = time.perf_counter()
    first = folder / "laptop0.db"
    with open_store(str(first), coach="Coach 0") as store:
        generate_demo_data(store, sessions=sessions, teams=max(2, sessions // 100), seed=100, today=TODAY)
    for index in range(1, laptops):  # the others: copies of the first under new ids
        rekeyed_copy(first, folder / f"laptop{index}.db", index)
    stores = [open_store(str(folder / f"laptop{index}.db"), coach=f"Coach {index}") for index in range(laptops)]
    made = time.perf_counter() - started
    print(f"{laptops} laptops x {sessions:,} sessions made in {made:.1f} s", flush=True)
    syncing = 0.0

    def sync(store: Store) -> float:
        nonlocal syncing
        took = time.perf_counter()
        store.sync(hub_url)
        took = time.perf_counter() - took
        syncing += took
        return took

    # everyone joins: the first sync of each pushes its history and pulls the others';
    # then laptop 0, caught up, edits ten of its sessions and syncs: its incremental
    # sync as the hub grows
    growth: list[tuple[str, float]] = []
    for index, store in enumerate(stores):
        took = sync(store)
        line = f"  laptop {index} joins: first sync {took:6.2f} s, hub {hub_size()}"
        if index:
            sync(stores[0])
            for row in stores[0].search_sessions(limit=10).rows:
                stores[0].save_draft(row.id, context=f"laptop 0 after {index} joined {uuid.uuid4().hex[:6]}")
            small = sync(stores[0])
            growth.append((hub_size(), small))
            line += f"; laptop 0's sync of 10 edited sessions {small:5.2f} s"
        print(line + f" (load {os.getloadavg()[0]:.1f})", flush=True)
    for store in stores:
        sync(store)
    shared = [row.id for row in stores[0].search_sessions(limit=max(20, laptops * 2)).rows]
    typed: set[tuple[str, str, str]] = set()
    replaced: set[tuple[str, str, str]] = set()
    counter = 0
    for number in range(1, rounds + 1):
        times = []
        for store in stores:
            own = [row.id for row in store.search_sessions(limit=200).rows if row.id not in shared]
            for ident in rng.sample(shared, 2):  # edits others may be making too
                name = rng.choice(FIELDS)
                replaced.add((ident, name, getattr(store.get_session(ident), name)))
                counter += 1
                text = f"{store.db.coach} typed {name} #{counter}"
                store.save_draft(ident, **{name: text})
                typed.add((ident, name, text))
            for ident in rng.sample(own, min(10, len(own))):  # a coach's own sessions
                replaced.add((ident, "context", store.get_session(ident).context))
                store.save_draft(ident, context=f"round {number} note {uuid.uuid4().hex[:6]}")
            times.append(sync(store))
        print(f"  round {number}: laptop 0 synced in {times[0]:5.2f} s, the slowest {max(times):5.2f} s, "
              f"all {sum(times):6.2f} s; hub {hub_size()}", flush=True)
    for store in (*stores, *stores):
        sync(store)
    total = time.perf_counter() - started

    # every laptop and the hub hold the same; no typed text is lost
    with open_store(hub_url) as hub:
        at_hub = records(hub)
    for index, store in enumerate(stores):
        assert records(store) == at_hub, f"laptop {index} differs from the hub"
    from coachtui.store.sync.conflicts import list_conflicts

    kept = {(c.record_id, c.field, value) for store in stores for c in list_conflicts(store.db)
            for value in (c.mine, c.theirs)}
    final = {(ident, name, getattr(stores[0].get_session(ident), name)) for ident in shared for name in FIELDS}
    lost = typed - final - kept - replaced
    assert not lost, f"typed and gone without a trace: {sorted(lost)[:5]}"
    conflicts = sum(len(list_conflicts(store.db)) for store in stores)
    print("laptop 0's incremental sync (10 edited sessions) as the hub grew: "
          + "; ".join(f"{took:.2f} s at {size}" for size, took in growth), flush=True)
    print(f"network of {laptops} x {sessions:,}: {rounds} rounds in {total:.1f} s ({syncing:.1f} s syncing); "
          f"hub {hub_size()}; identical everywhere, {len(typed)} shared edits, none lost, "
          f"{conflicts} conflicts listed", flush=True)
    for store in stores:
        store.close()


# The id columns of each table that hold a record's id (its own, or its parent's).
ID_COLUMNS = {
    "team": ("id",),
    "coaching_session": ("id", "team_id"),
    "picked_question": ("id", "session_id"),
    "custom_question": ("id",),
    "action": ("id", "team_id", "session_id"),
    "action_review": ("id", "action_id", "session_id"),
    "sync_change": ("id",),
    "tombstone": ("id",),
}


def rekeyed_copy(source: Path, target: Path, number: int) -> None:
    """A laptop of its own made from another's file in a moment: every record id (and
    every reference to one) gets ``number`` as its first eight hex digits, and the
    database a new id. Teams keep their names, so the hub merges the copies' teams of
    the same name as sync merges any. Generating each laptop's demo data instead
    takes about a minute per 2,000 sessions on the test machine."""
    shutil.copyfile(source, target)
    prefix = f"{number:08x}"
    conn = sqlite3.connect(target)
    try:
        with conn:
            triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
            for name, _sql in triggers:  # no change log or search index work: the copy is as it was
                conn.execute(f'DROP TRIGGER "{name}"')

            def key(column: str) -> str:
                return f"'{prefix}' || substr({column}, 9)"

            # a picked question refers to a custom question's id, or to the bank's
            conn.execute(f"UPDATE picked_question SET question_id = {key('question_id')} "
                         "WHERE question_id IN (SELECT id FROM custom_question)")
            for table, columns in ID_COLUMNS.items():
                conn.execute(f"UPDATE {table} SET " + ", ".join(f"{c} = {key(c)}" for c in columns))
            conn.execute("UPDATE coachtui_meta SET value = ? WHERE key = 'database_id'", (str(uuid.uuid4()),))
            for _name, sql in triggers:
                conn.execute(sql)
    finally:
        conn.close()


@contextmanager
def postgres_hub(pg_url: str) -> Iterator[tuple[str, Callable[[], str]]]:
    import psycopg

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from conftest import psycopg_url, with_schema

    schema = f"bench_sync_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(psycopg_url(pg_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def size() -> str:
        with psycopg.connect(psycopg_url(pg_url), autocommit=True) as conn:
            row = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0), "
                f"(SELECT count(*) FROM \"{schema}\".coaching_session) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                (schema,),
            ).fetchone()
        return f"{row[1]:,} sessions, {float(row[0]) / 1e6:.0f} MB" if row else "?"

    try:
        yield with_schema(pg_url, schema), size
    finally:
        with psycopg.connect(psycopg_url(pg_url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--pg-url", default="")
    parser.add_argument("--network", metavar="NxM", default="", help="N laptops with M sessions each")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="main", help="git revision measured beside this tree ('' for none)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each version, alternating")
    parser.add_argument("--one", default="", help=argparse.SUPPRESS)  # a child: one version's figures
    parser.add_argument("--hub", default="", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        run(Path(args.one), args.sessions, args.hub, args.label)
        return 0
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="coachtui-bench-sync-") as name:
        folder = Path(name)
        if args.network:
            laptops, sessions = (int(part) for part in args.network.lower().split("x"))
            if args.pg_url:
                with postgres_hub(args.pg_url) as (hub_url, size):
                    network(folder, laptops, sessions, args.rounds, hub_url, size)
            else:
                hub = folder / "hub.db"
                open_store(str(hub)).close()

                def file_size() -> str:
                    with open_store(str(hub)) as store:
                        count = store.count_sessions()
                    return f"{count:,} sessions, {hub.stat().st_size / 1e6:.0f} MB"

                network(folder, laptops, sessions, args.rounds, str(hub), file_size)
            print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
            return 0
        compare(folder, args.sessions, args.pg_url, args.baseline, args.repeat)
    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
