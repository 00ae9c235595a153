"""Benchmark the facilitator's history features at 1k, 10k and 100k sessions.

    python bench/history.py [--sessions 100000] [--rebuild] [--runs 5]

Builds (or reuses, cached in $TMPDIR/coachtui-bench/) demo databases, then prints,
for each size: demo generation time; the first page of 50 newest matches for a
spread of common and rare words, phrases and half-typed words (median and p95);
page 100 of a long result; counts; the action tracker's first page; theme counts
and dominance; and, at the largest size, the whole `coachtui search WORD` process
against `python -c "import sqlmodel"`. Each has its target and PASS/FAIL.
``bench/run.py`` runs these figures with the rest of the suite.

Figures, not tests: timing depends on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    TODAY,
    Database,
    Figure,
    Table,
    demo_database,
    machine_line,
    sizes_up_to,
    timed,
)

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


def below(limit: float, *, p95_limit: float | None = None):  # type: ignore[no-untyped-def]
    """A check: median under ``limit`` (and p95 under ``p95_limit`` when given)."""
    return lambda median, p95: median < limit and (p95_limit is None or p95 < p95_limit)


def generation_figure(db: Database, table: Table, main_size: bool) -> None:
    name = "demo data generation" + (" (cached)" if db.cached else "")
    table.add(Figure(f"data {db.size}", name, [db.seconds], "s", "< 30 s" if main_size else "",
                     (lambda m, p: m < 30) if main_size else None))
    if db.cpu is not None:
        table.note(f"demo data {db.size}: built in {db.seconds:.1f} s (cpu {db.cpu:.1f} s, load {db.load:.1f})")


def store_figures(db: Database, runs: int, table: Table) -> None:
    """Search, paging, counts, tracker and themes, timed in the store (no UI)."""
    from coachtui.store import open_store

    section = f"store {db.size}"
    with open_store(str(db.path)) as store:
        store.search_sessions("warm up")  # the first query pays for loading the schema
        samples, counts = [], {}
        for text in QUERIES:
            samples += timed(lambda t=text: store.search_sessions(t, limit=50), runs)
            counts[text] = store.count_sessions(text)
        table.add(Figure(section, f"search: first page of 50 ({len(QUERIES)} queries)", samples,
                         target="< 20 ms, p95 < 60", check=below(20, p95_limit=60)))
        slowest = sorted(QUERIES, key=lambda t: -statistics.median(timed(lambda: store.search_sessions(t), 3)))[:3]
        table.note(f"{db.size}: slowest searches {', '.join(repr(s) for s in slowest)}; matches for "
                   "'the' / 'staff' / 'minibus' / 'zzzq': "
                   + " / ".join(f"{counts[w]:,}" for w in ("the", "staff", "minibus", "zzzq")))

        team = store.list_teams()[0]
        coach = store.list_coaches()[0]
        filtered = []
        for text, kind in FILTERED:
            options = {"category": {"category": "relational"}, "team": {"team_id": team.id}, "coach": {"coach": coach}}
            filtered += timed(lambda t=text, o=options[kind]: store.search_sessions(t, **o), runs)
        table.add(Figure(section, "search with a team/category/coach filter", filtered,
                         target="p95 < 60 ms", check=lambda m, p: p < 60))

        for text in ("", "the"):
            after, pages = None, 0
            while pages < 99:
                page = store.search_sessions(text, limit=50, after=after)
                pages += 1
                if page.next_cursor is None:
                    break
                after = page.next_cursor
            if after is None or pages < 99:
                continue
            deep = timed(lambda t=text, a=after: store.search_sessions(t, limit=50, after=a), runs)
            first = statistics.median(timed(lambda t=text: store.search_sessions(t, limit=50), runs))
            # keyset paging: a deep page costs what the first page of the same search costs
            table.add(Figure(section, f"search {text or '(all)'!r}: page 100 (page 1: {first:.1f} ms)", deep,
                             target="<= 1.5x page 1", check=lambda m, p, f=first: m <= 1.5 * f + 1))

        count_samples = []
        for text in ("", "the", "staff", "minibus", "run chart", "sta"):
            count_samples += timed(lambda t=text: store.count_sessions(t), runs)
        for text in ("", "the", "staff"):
            count_samples += timed(lambda t=text: store.count_sessions(t, category="relational"), runs)
        table.add(Figure(section, "count matches (text, text + category)", count_samples,
                         target="max < 250 ms", check=lambda m, p, s=count_samples: max(s) < 250))

        table.add(Figure(section, "action tracker: first page of 100 open",
                         timed(lambda: store.tracker_actions(today=TODAY), runs), target="< 20 ms", check=below(20)))
        table.add(Figure(section, "action tracker incl. closed: first page",
                         timed(lambda: store.tracker_actions(today=TODAY, include_closed=True), runs),
                         target="< 250 ms", check=below(250)))
        table.add(Figure(section, "theme counts, 12 months, all teams",
                         timed(lambda: store.theme_counts(today=TODAY, months=12), runs),
                         target="< 100 ms", check=below(100)))
        table.add(Figure(section, "theme counts, 12 months, one team",
                         timed(lambda: store.theme_counts(today=TODAY, months=12, team_id=team.id), runs),
                         target="< 20 ms", check=below(20)))
        table.add(Figure(section, "dominant categories, every team", timed(store.dominant_categories, runs),
                         target="< 100 ms", check=below(100)))
        table.add(Figure(section, "list teams (the team step)", timed(store.list_teams, runs),
                         target="< 20 ms", check=below(20)))
        table.add(Figure(section, "list coaches + owners", timed(lambda: (store.list_coaches(), store.list_owners()),
                                                                 runs), target="< 100 ms", check=below(100)))


def coachtui_command() -> list[str]:
    """How a user starts coachtui: the installed script, else ``python -m coachtui``."""
    script = Path(sys.executable).with_name("coachtui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "coachtui"]


def process_figures(db: Database, runs: int, table: Table) -> None:
    """`coachtui search WORD` as a whole process against `python -c "import sqlmodel"`,
    interleaved so both see the same machine."""
    env = {**os.environ, "COACHTUI_DB": str(db.path)}
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000, help="the largest size (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement (default 5)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached databases")
    args = parser.parse_args()
    table = Table()
    db = None
    for sessions in sizes_up_to(args.sessions):
        db = demo_database(sessions, rebuild=args.rebuild)
        generation_figure(db, table, sessions == args.sessions)
        store_figures(db, args.runs, table)
    assert db is not None
    process_figures(db, max(7, args.runs), table)
    print(table.render())
    for note in table.notes:
        print(f"- {note}")
    print(f"\n{machine_line()}; databases in {db.path.parent}")
    return 1 if table.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
