"""Benchmark the facilitator's history features at 1k, 10k and 100k sessions, on
SQLite and on PostgreSQL.

    python bench/history.py [--sessions 100000] [--runs 5] [--rebuild]
                            [--pg-url URL | --no-pg]

Builds (or reuses, cached in $COACHTUI_BENCH_DIR, default coachtui-bench in the
system's temporary folder) demo databases, then prints, for each size: demo
generation time; the first page of 50 newest matches for a spread of common and
rare words, phrases and half-typed words (median and p95); searches with a filter;
page 100 of a long result against page 1; counts; the action tracker's first page;
theme counts and dominance; the team and coach lists; and, at the largest size, the
whole ``coachtui search WORD`` process against ``python -c "import sqlmodel"``.

Each store figure is measured on the SQLite file and, on the line below it, on
PostgreSQL: the server at ``--pg-url`` (or $COACHTUI_BENCH_PG_URL), where the demo
databases are kept in schemas of their own (``bench_…``) and reused; without a URL,
a throwaway cluster when PostgreSQL's server binaries are installed
(tests/pgcluster.py). With neither (or ``--no-pg``) the table says the PostgreSQL
figures were skipped, and why. ``bench/run.py`` runs these figures with the rest.

Figures, not tests: timing depends on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ROOT,
    SEED,
    TODAY,
    Database,
    Figure,
    Table,
    demo_database,
    machine_line,
    process_env,
    sizes_up_to,
    source_key,
    teams_for,
    timed,
)

from coachtui.store.types import SessionFilter

PG_URL_ENV = "COACHTUI_BENCH_PG_URL"

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


def below(limit: float, *, p95_limit: float | None = None) -> Callable[[float, float], bool]:
    """A check: median under ``limit`` (and p95 under ``p95_limit`` when given)."""
    return lambda median, p95: median < limit and (p95_limit is None or p95 < p95_limit)


def generation_figure(db: Database, table: Table, main_size: bool) -> None:
    name = "demo data generation" + (" (cached)" if db.cached else "")
    table.add(Figure(f"data {db.size}", name, [db.seconds], "s", "< 30 s" if main_size else "",
                     (lambda m, p: m < 30) if main_size else None))
    if db.cpu is not None:
        table.note(f"demo data {db.size}: built in {db.seconds:.1f} s (cpu {db.cpu:.1f} s, load {db.load:.1f})")


# --- PostgreSQL ------------------------------------------------------------------------------


def with_schema(url: str, schema: str) -> str:
    """``url`` with the connection's search_path set to ``schema`` (a database of its
    own, as far as coachtui sees)."""
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as psycopg takes it (no ``+psycopg``)."""
    return "postgresql://" + url.split("://", 1)[1]


@dataclass
class Postgres:
    """Where the PostgreSQL figures run: a server URL, or why they are skipped."""

    server: str | None
    skipped: str = ""
    # Keep the demo schemas for the next run (a server of your own); otherwise they
    # get a name of their own and are dropped at the end.
    keep: bool = True
    made: list[str] = field(default_factory=list)

    def demo(self, sessions: int, *, rebuild: bool) -> tuple[str, float, bool]:
        """(URL, seconds to generate, cached) of this size's demo data on the server."""
        import psycopg

        from coachtui.store import open_store
        from coachtui.store.demo import generate_demo_data

        assert self.server is not None
        teams = teams_for(sessions)
        stem = f"bench_{sessions}_{teams}_{SEED}_"
        schema = stem + (source_key() if self.keep else f"run_{uuid.uuid4().hex[:10]}")
        with psycopg.connect(libpq_url(self.server), autocommit=True) as conn:
            # A complete build leaves its generation time as the schema's comment.
            row = conn.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                               (schema,)).fetchone()
            if row is not None and row[0] and not rebuild:
                return with_schema(self.server, schema), float(row[0]), True
            if self.keep:  # built by older code, or half built
                for (stale,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                                             (stem.replace("_", r"\_") + "%",)).fetchall():
                    if "_run_" not in stale:
                        conn.execute(f'DROP SCHEMA "{stale}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self.made.append(schema)
        url = with_schema(self.server, schema)
        started = time.perf_counter()
        with open_store(url) as store:
            generate_demo_data(store, sessions=sessions, teams=teams, seed=SEED, today=TODAY)
        seconds = time.perf_counter() - started
        with psycopg.connect(libpq_url(self.server), autocommit=True) as conn:
            conn.execute(f"COMMENT ON SCHEMA \"{schema}\" IS '{seconds:.3f}'")  # complete: reuse it next time
        return url, seconds, False

    def close(self) -> None:
        """Drop this run's own schemas (never those kept for the next run)."""
        if self.keep or not self.made or self.server is None:
            return
        import psycopg

        with contextlib.suppress(psycopg.Error), psycopg.connect(libpq_url(self.server), autocommit=True) as conn:
            for schema in self.made:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def postgres(url: str | None, *, disabled: bool, keep: bool, stack: contextlib.ExitStack) -> Postgres:
    """The server for the PostgreSQL figures: ``url``; else a throwaway cluster when
    PostgreSQL's server binaries are installed (removed at the end); else none, and why."""
    if disabled:
        return Postgres(None, "skipped (--no-pg)")
    try:
        import psycopg
    except ImportError:
        return Postgres(None, "no PostgreSQL driver (pip install -e '.[postgres]')")
    if not url:
        sys.path.insert(0, str(ROOT / "tests"))
        import pgcluster

        if not pgcluster.available():
            return Postgres(None, f"no server (give --pg-url URL or ${PG_URL_ENV}, or install PostgreSQL)")
        folder = Path(tempfile.mkdtemp(prefix="coachtui-bench-pg-"))
        stack.callback(pgcluster.stop, folder)
        try:
            url, keep = pgcluster.start(folder), False
        except RuntimeError as exc:
            return Postgres(None, f"no server (a throwaway cluster did not start: {exc})")
    try:
        with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - reported in the table
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Postgres(None, f"no server (cannot connect: {first})")
    pg = Postgres(url, keep=keep)
    stack.callback(pg.close)
    return pg


# --- the store's figures ----------------------------------------------------------------------


def measure(store: Any, section: str, runs: int, notes: list[str]) -> dict[str, Figure]:
    """Everything the history screens ask of the store, on one database, by a key
    that is the same on SQLite and PostgreSQL."""
    figures: dict[str, Figure] = {}

    def add(key: str, figure: Figure) -> None:
        figures[key] = figure

    store.search_sessions(SessionFilter("warm up"))  # the first query pays for loading the schema
    samples, counts = [], {}
    for text in QUERIES:
        samples += timed(lambda t=text: store.search_sessions(SessionFilter(t), limit=50), runs)
        counts[text] = store.count_sessions(SessionFilter(text))
    add("search", Figure(section, f"search: first page of 50 ({len(QUERIES)} queries)", samples,
                         target="< 20 ms, p95 < 60", check=below(20, p95_limit=60)))
    slowest = sorted(QUERIES, key=lambda t: -statistics.median(timed(lambda: store.search_sessions(SessionFilter(t)), 3)))[:3]
    notes.append(f"{section}: slowest searches {', '.join(repr(s) for s in slowest)}; matches for "
                 "'the' / 'staff' / 'minibus' / 'zzzq': "
                 + " / ".join(f"{counts[w]:,}" for w in ("the", "staff", "minibus", "zzzq")))

    team = store.list_teams()[0]
    coach = store.list_coaches()[0]
    filtered = []
    for text, kind in FILTERED:
        options = {"category": {"category": "relational"}, "team": {"team_id": team.id}, "coach": {"coach": coach}}
        filtered += timed(lambda t=text, o=options[kind]: store.search_sessions(SessionFilter(t, **o)), runs)
    add("filtered", Figure(section, "search with a team/category/coach filter", filtered,
                           target="p95 < 60 ms", check=lambda m, p: p < 60))

    for text in ("", "the", "staff"):
        after, pages = None, 0
        while pages < 99:
            page = store.search_sessions(SessionFilter(text), limit=50, after=after)
            pages += 1
            if page.next_cursor is None:
                break
            after = page.next_cursor
        if after is None or pages < 99:
            continue
        deep = timed(lambda t=text, a=after: store.search_sessions(SessionFilter(t), limit=50, after=a), runs)
        first = statistics.median(timed(lambda t=text: store.search_sessions(SessionFilter(t), limit=50), runs))
        # keyset paging: a deep page costs what the first page of the same search costs
        add(f"page100 {text}", Figure(section, f"search {text or '(all)'!r}: page 100 (page 1: {first:.1f} ms)",
                                      deep, target="<= 1.5x page 1", check=lambda m, p, f=first: m <= 1.5 * f + 1))

    count_samples = []
    for text in ("", "the", "staff", "minibus", "run chart", "sta"):
        count_samples += timed(lambda t=text: store.count_sessions(SessionFilter(t)), runs)
    for text in ("", "the", "staff"):
        count_samples += timed(lambda t=text: store.count_sessions(SessionFilter(t, category="relational")), runs)
    add("count", Figure(section, "count matches (text, text + category)", count_samples,
                        target="max < 250 ms", check=lambda m, p, s=count_samples: max(s) < 250))

    add("tracker", Figure(section, "action tracker: first page of 100 open",
                          timed(lambda: store.tracker_actions(today=TODAY), runs), target="< 20 ms", check=below(20)))
    add("tracker closed", Figure(section, "action tracker incl. closed: first page",
                                 timed(lambda: store.tracker_actions(today=TODAY, include_closed=True), runs),
                                 target="< 250 ms", check=below(250)))
    add("themes", Figure(section, "theme counts, 12 months, all teams",
                         timed(lambda: store.theme_counts(today=TODAY, months=12), runs),
                         target="< 100 ms", check=below(100)))
    add("themes team", Figure(section, "theme counts, 12 months, one team",
                              timed(lambda: store.theme_counts(today=TODAY, months=12, team_id=team.id), runs),
                              target="< 20 ms", check=below(20)))
    add("dominant", Figure(section, "dominant categories, every team", timed(store.dominant_categories, runs),
                           target="< 100 ms", check=below(100)))
    add("teams", Figure(section, "list teams (the team step)", timed(store.list_teams, runs),
                        target="< 20 ms", check=below(20)))
    add("coaches", Figure(section, "list coaches + owners",
                          timed(lambda: (store.list_coaches(), store.list_owners()), runs),
                          target="< 100 ms", check=below(100)))
    return figures


def store_figures(db: Database, runs: int, table: Table, pg: Postgres | None = None, *,
                  rebuild: bool = False) -> None:
    """The store's figures on the SQLite file and, each on the line below, on PostgreSQL."""
    from coachtui.store import open_store

    notes: list[str] = []
    with open_store(str(db.path)) as store:
        lite = measure(store, f"store {db.size}", runs, notes)
    server: dict[str, Figure] = {}
    pg_section = f"pg {db.size}"
    if pg is not None and pg.server is not None:
        url, seconds, cached = pg.demo(db.sessions, rebuild=rebuild)
        table.add(Figure(pg_section, "demo data generation" + (" (cached)" if cached else ""), [seconds], "s"))
        with open_store(url) as store:
            server = measure(store, pg_section, runs, notes)
    for key, figure in lite.items():
        table.add(figure)
        if key in server:
            table.add(server.pop(key))
    for figure in server.values():  # a figure only PostgreSQL had (a long enough result)
        table.add(figure)
    for note in notes:
        table.note(note)


def growth_notes(table: Table, small: Database, large: Database) -> None:
    """How each store figure grew from the smallest to the largest history (medians):
    with keyset paging and indexes it should grow slowly, far less than the history."""
    if small.sessions == large.sessions:
        return
    for area in ("store", "pg"):
        def medians(size: str, area: str = area) -> dict[str, float]:
            return {f.name.split(" (")[0]: f.median for f in table.figures
                    if f.section == f"{area} {size}" and f.samples and f.unit == "ms"}

        before, after = medians(small.size), medians(large.size)
        ratios = [f"{name} x{after[name] / before[name]:.1f}" for name in before
                  if name in after and before[name] > 0 and "page 100" not in name]
        if ratios:
            label = "SQLite" if area == "store" else "PostgreSQL"
            table.note(f"{label}, {small.size} -> {large.size} sessions ({large.sessions // small.sessions}x), "
                       f"median grew: " + "; ".join(ratios))


def postgres_skipped(pg: Postgres, table: Table) -> None:
    """One line in the table when the PostgreSQL figures could not run."""
    if pg.server is None:
        table.add(Figure("pg", "PostgreSQL store figures", [], skipped=pg.skipped))


# --- `coachtui search` as a process -------------------------------------------------------------


def coachtui_command() -> list[str]:
    """How a user starts coachtui: the installed script, else ``python -m coachtui``."""
    script = Path(sys.executable).with_name("coachtui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "coachtui"]


def process_figures(db: Database, runs: int, table: Table) -> None:
    """`coachtui search WORD` as a whole process against `python -c "import sqlmodel"`,
    interleaved so both see the same machine."""
    env = process_env(COACHTUI_DB=str(db.path))
    search, baseline = [], []
    for run in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([*coachtui_command(), "search", "staff"], env=env, check=True, capture_output=True)
        search_time = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sqlmodel"], env=env, check=True, capture_output=True)
        if run:  # the first pair warms the file cache
            search.append(search_time)
            baseline.append((time.perf_counter() - started) * 1000)
    section = f"cli {db.size}"
    table.add(Figure(section, "baseline: python -c 'import sqlmodel'", baseline))
    table.add(Figure(section, "coachtui search staff (whole process)", search))
    ratios = [s / b for s, b in zip(search, baseline, strict=True)]
    table.add(Figure(section, "  ratio search / import sqlmodel", ratios, "x", "<= 1.5x",
                     lambda m, p: m <= 1.5))


def add_pg_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pg-url", default=os.environ.get(PG_URL_ENV) or None,
                        help=f"a PostgreSQL server to measure too (default ${PG_URL_ENV}; else a throwaway "
                        "cluster if PostgreSQL's server binaries are installed)")
    parser.add_argument("--no-pg", action="store_true", help="measure SQLite only")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000, help="the largest size (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement (default 5)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached databases")
    add_pg_arguments(parser)
    args = parser.parse_args()
    table = Table()
    db = None
    with contextlib.ExitStack() as stack:
        pg = postgres(args.pg_url, disabled=args.no_pg, keep=True, stack=stack)
        postgres_skipped(pg, table)
        for sessions in sizes_up_to(args.sessions):
            db = demo_database(sessions, rebuild=args.rebuild)
            generation_figure(db, table, sessions == args.sessions)
            store_figures(db, args.runs, table, pg, rebuild=args.rebuild)
        assert db is not None
        process_figures(db, max(7, args.runs), table)
    print(table.render())
    for note in table.notes:
        print(f"- {note}")
    print(f"\n{machine_line()}; databases in {db.path.parent}")
    return 1 if table.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
