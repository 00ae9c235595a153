"""Benchmark the facilitator's history features at 1k, 10k and 100k sessions.

    python bench/history.py [--sessions 100000] [--rebuild] [--runs 5]

Builds (or reuses, cached in $TMPDIR/coachtui-bench/) demo databases, then prints,
for each size, on SQLite and beside it on PostgreSQL (``--pg-url URL``, or a
throwaway cluster when PostgreSQL's server binaries are installed; ``--no-pg``
for SQLite only): demo generation time; the first page of 50 newest matches for a
spread of common and rare words, phrases and half-typed words (median and p95);
page 100 of a long result; counts; the action tracker's first page; theme counts
and dominance; and, at the largest size, the whole `coachtui search WORD` process
against `python -c "import sqlmodel"`. Each has its target and PASS/FAIL.

Figures, not tests: timing depends on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 20)
SEED = 7

# What a facilitator types: common words, rare words (a few dozen sessions at 100k),
# two-word phrases, half-typed words (prefix queries), a word that is nowhere.
QUERIES = [
    "staff", "team", "the", "data", "test", "measure", "huddle", "time",
    "rota", "pdsa", "trust", "inspection", "turnover", "ward ",
    "minibus", "braille", "xylophone", "kerfuffle", "rotterdam", "gazebo", "pantomime",
    "run chart", "falls night", "night staff", "new initiative", "small test", "the team",
    "sta", "insp", "hud", "meas", "zzzq",
]
FILTERED = [("staff", "category"), ("the", "team"), ("minibus", "category"), ("data", "coach"), ("", "category")]


def _source_key() -> str:
    """Cache key: the generator and schema code that shape the database."""
    digest = hashlib.sha256()
    for name in ("demo.py", "demo_content.py", "search_index.py", "pg_search.py", "database.py", "models.py"):
        digest.update((ROOT / "src" / "coachtui" / "store" / name).read_bytes())
    return digest.hexdigest()[:12]


def teams_for(sessions: int) -> int:
    return min(200, max(10, sessions // 500))


def build(sessions: int, folder: Path, rebuild: bool) -> tuple[Path, float, bool]:
    from coachtui.store import open_store
    from coachtui.store.demo import generate_demo_data

    teams = teams_for(sessions)
    path = folder / f"demo-{sessions}-{teams}-{SEED}-{_source_key()}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        return path, json.loads(meta.read_text())["seconds"], True
    for stale in folder.glob(f"demo-{sessions}-{teams}-{SEED}-*"):  # built by older code
        stale.unlink()
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    with open_store(str(path)) as store:
        generate_demo_data(store, sessions=sessions, teams=teams, seed=SEED, today=TODAY)
    seconds = time.perf_counter() - started  # including the final checkpoint on close
    cpu = time.process_time() - cpu  # both threads
    meta.write_text(json.dumps({"seconds": seconds, "cpu": cpu, "load": os.getloadavg()[0]}))
    return path, seconds, False


def build_note(path: Path) -> str:
    meta = json.loads(path.with_suffix(".json").read_text())
    if "cpu" not in meta:
        return ""
    return f" (cpu {meta['cpu']:.1f} s, load {meta['load']:.1f})"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


Figure = tuple[str, str, str, "bool | None"]  # measure, measured, target, verdict


class Table:
    """Rows of (size, measure, SQLite figure, PostgreSQL figure, target, verdicts)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []

    def add(self, size: str, what: str, value: str, target: str = "", ok: bool | None = None,
            pg_value: str = "", pg_ok: bool | None = None) -> None:
        verdict = " / ".join("PASS" if v else "FAIL" for v in (ok, pg_ok) if v is not None)
        self.rows.append((size, what, value, pg_value, target, verdict))
        print(f"  {what:<44} {value:>26}  {pg_value:>26}  {target:<14} {verdict}", flush=True)

    def print(self) -> None:
        header = ("sessions", "measure", "SQLite", "PostgreSQL", "target", "")
        widths = [max(len(r[i]) for r in [header, *self.rows]) for i in range(6)]
        print()
        for row in [header, *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def measure(store, runs: int) -> list[Figure]:
    """Everything the history screens ask of the store, on one database."""
    figures: list[Figure] = []

    def add(what: str, value: str, target: str = "", ok: bool | None = None) -> None:
        figures.append((what, value, target, ok))

    store.search_sessions("warm up")  # first query pays for loading the schema
    samples, counts = [], {}
    for text in QUERIES:
        samples += timed(lambda t=text: store.search_sessions(t, limit=50), runs)
        counts[text] = store.count_sessions(text)
    add(f"search, first page of 50 ({len(QUERIES)} queries x {runs})",
        f"median {statistics.median(samples):.1f} ms", "< 20 ms", statistics.median(samples) < 20)
    add("search, first page of 50, p95", f"p95 {p95(samples):.1f} ms (max {max(samples):.0f})",
        "< 60 ms", p95(samples) < 60)
    slowest = sorted(QUERIES, key=lambda t: -statistics.median(timed(lambda: store.search_sessions(t), 3)))[:3]
    add("  slowest queries", ", ".join(repr(s) for s in slowest))
    add("  matches: 'the' / 'staff' / 'minibus' / 'zzzq'",
        " / ".join(f"{counts[w]:,}" for w in ("the", "staff", "minibus", "zzzq")))

    team = store.list_teams()[0]
    coach = store.list_coaches()[0]
    filtered = []
    for text, kind in FILTERED:
        options = {"category": {"category": "relational"}, "team": {"team_id": team.id}, "coach": {"coach": coach}}
        filtered += timed(lambda t=text, o=options[kind]: store.search_sessions(t, **o), runs)
    add("search with a team/category/coach filter", f"median {statistics.median(filtered):.1f} ms, "
        f"p95 {p95(filtered):.1f}", "< 60 ms p95", p95(filtered) < 60)

    for text in ("", "the", "staff"):
        after, pages = None, 0
        while pages < 99:
            page = store.search_sessions(text, limit=50, after=after)
            pages += 1
            if page.next_cursor is None:
                break
            after = page.next_cursor
        if after is None or pages < 99:
            continue
        deep = statistics.median(timed(lambda t=text, a=after: store.search_sessions(t, limit=50, after=a), runs))
        first = statistics.median(timed(lambda t=text: store.search_sessions(t, limit=50), runs))
        # keyset paging: a deep page costs what the first page of the same search costs
        add(f"search page 100 / page 1 of {text or '(all)'!r}", f"{deep:.1f} / {first:.1f} ms",
            "<= 1.5x page 1", deep <= 1.5 * first + 1)

    count_samples = []
    for text in ("", "the", "staff", "minibus", "run chart", "sta"):
        count_samples += timed(lambda t=text: store.count_sessions(t), runs)
    for text in ("", "the", "staff"):
        count_samples += timed(lambda t=text: store.count_sessions(t, category="relational"), runs)
    add("count (text, text + category)", f"median {statistics.median(count_samples):.1f} ms, "
        f"max {max(count_samples):.0f}", "< 250 ms", max(count_samples) < 250)

    tracker = timed(lambda: store.tracker_actions(today=TODAY), runs)
    add("action tracker, first page of 100 open", f"median {statistics.median(tracker):.1f} ms",
        "< 20 ms", statistics.median(tracker) < 20)
    closed = timed(lambda: store.tracker_actions(today=TODAY, include_closed=True), runs)
    add("action tracker incl. closed, first page", f"median {statistics.median(closed):.1f} ms",
        "< 250 ms", statistics.median(closed) < 250)
    themes = timed(lambda: store.theme_counts(today=TODAY, months=12), runs)
    add("theme counts, 12 months, all teams", f"median {statistics.median(themes):.1f} ms",
        "< 100 ms", statistics.median(themes) < 100)
    team_themes = timed(lambda: store.theme_counts(today=TODAY, months=12, team_id=team.id), runs)
    add("theme counts, 12 months, one team", f"median {statistics.median(team_themes):.1f} ms",
        "< 20 ms", statistics.median(team_themes) < 20)
    dominance = timed(lambda: store.dominant_categories(), runs)
    add("dominant categories, every team", f"median {statistics.median(dominance):.1f} ms",
        "< 100 ms", statistics.median(dominance) < 100)
    lists = timed(lambda: (store.list_coaches(), store.list_owners()), runs)
    add("list coaches + owners", f"median {statistics.median(lists):.1f} ms", "< 100 ms",
        statistics.median(lists) < 100)
    return figures


def build_postgres(server: str, sessions: int, rebuild: bool, keep: bool) -> tuple[str, float, bool]:
    """The demo database of this size in a schema of its own on ``server``. Kept
    (and reused) on a server of your own (``keep``); always built on a throwaway one."""
    import psycopg

    teams = teams_for(sessions)
    schema = f"bench_{sessions}_{teams}_{SEED}_{_source_key()}"
    url = with_schema(server, schema)
    plain = "postgresql://" + server.split("://", 1)[1]
    with psycopg.connect(plain, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if found and keep and not rebuild:
            return url, float("nan"), True
        for (stale,) in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"bench_{sessions}_{teams}_{SEED}_%",)
        ).fetchall():
            conn.execute(f'DROP SCHEMA "{stale}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    from coachtui.store import open_store
    from coachtui.store.demo import generate_demo_data

    started = time.perf_counter()
    with open_store(url) as store:
        generate_demo_data(store, sessions=sessions, teams=teams, seed=SEED, today=TODAY)
    return url, time.perf_counter() - started, False


def with_schema(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def bench_size(sessions: int, folder: Path, runs: int, rebuild: bool, table: Table, main_size: bool,
               pg: tuple[str, bool] | None) -> Path:
    from coachtui.store import open_store

    size = f"{sessions:,}"
    print(f"\n{size} sessions over {teams_for(sessions)} teams", flush=True)
    path, seconds, cached = build(sessions, folder, rebuild)
    pg_url, pg_seconds, pg_cached = build_postgres(pg[0], sessions, rebuild, pg[1]) if pg else (None, 0.0, False)
    table.add(size, "demo data generation" + (" (cached run)" if cached else ""), f"{seconds:.1f} s{build_note(path)}",
              "< 30 s" if main_size else "", seconds < 30 if main_size else None,
              pg_value=("(cached)" if pg_cached else f"{pg_seconds:.1f} s") if pg else "")
    with open_store(str(path)) as store:
        lite = measure(store, runs)
    server: list[Figure] = []
    if pg_url is not None:
        with open_store(pg_url) as store:
            server = measure(store, runs)
    by_name = {what: (value, ok) for what, value, _target, ok in server}
    for what, value, target, ok in lite:
        pg_value, pg_ok = by_name.get(what, ("", None))
        table.add(size, what, value, target, ok, pg_value=pg_value, pg_ok=pg_ok)
    return path


def process_times(path: Path, runs: int, table: Table, size: str) -> None:
    script = Path(sys.executable).with_name("coachtui")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "coachtui"]
    env = {**os.environ, "COACHTUI_DB": str(path)}
    search, baseline = [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        started = time.perf_counter()
        subprocess.run([*command, "search", "staff"], env=env, check=True, capture_output=True)
        search.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sqlmodel"], env=env, check=True, capture_output=True)
        baseline.append(time.perf_counter() - started)
    ratio = statistics.median(search) / statistics.median(baseline)
    table.add(size, f"`coachtui search staff` process (median of {runs})", f"{statistics.median(search) * 1000:.0f} ms")
    table.add(size, "`python -c 'import sqlmodel'` process", f"{statistics.median(baseline) * 1000:.0f} ms")
    table.add(size, "  ratio search / import sqlmodel", f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5)


def postgres_server(args: argparse.Namespace, stack: contextlib.ExitStack) -> tuple[str, bool] | None:
    """(URL, a server of your own) for the PostgreSQL figures, or None. A throwaway
    cluster is started (and removed at the end) when none is given and PostgreSQL's
    server binaries are installed."""
    if args.no_pg:
        return None
    if args.pg_url:
        return args.pg_url, True
    sys.path.insert(0, str(ROOT / "tests"))
    import pgcluster

    if not pgcluster.available():
        print("PostgreSQL: no --pg-url and no server binaries: SQLite figures only", flush=True)
        return None
    folder = Path(tempfile.mkdtemp(prefix="coachtui-bench-pg-"))
    stack.callback(pgcluster.stop, folder)
    return pgcluster.start(folder), False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000, help="the largest size (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement (default 5)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached databases")
    parser.add_argument("--pg-url", default=os.environ.get("COACHTUI_BENCH_PG_URL"),
                        help="a PostgreSQL database to measure too (default $COACHTUI_BENCH_PG_URL; "
                        "else a throwaway cluster if PostgreSQL is installed)")
    parser.add_argument("--no-pg", action="store_true", help="measure SQLite only")
    args = parser.parse_args()
    folder = Path(tempfile.gettempdir()) / "coachtui-bench"
    folder.mkdir(mode=0o700, exist_ok=True)
    sizes = sorted({s for s in (1_000, 10_000, args.sessions) if s <= args.sessions})
    table = Table()
    path = None
    with contextlib.ExitStack() as stack:
        pg = postgres_server(args, stack)
        for sessions in sizes:
            path = bench_size(sessions, folder, args.runs, args.rebuild, table, sessions == args.sessions, pg)
        assert path is not None
        process_times(path, max(7, args.runs), table, f"{args.sessions:,}")
    table.print()
    print(f"\ncpu count {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}, databases in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
