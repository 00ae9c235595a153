"""Every performance figure of coachtui, measured on this machine in one run.

    python bench/run.py [--sessions 100000] [--runs 7] [--quick] [--rebuild] [--markdown]
                        [--pg-url URL | --no-pg]

Prints one table: figure, median, 95th percentile, target, PASS/FAIL, with the
baselines measured side by side in the same run (a bare Textual app: Header, Label,
Footer; ``python -c "import sqlmodel"``):

- startup: what the coach sees on a real terminal (a pty read through pyte onto a
  100x30 screen, bench/terminal.py): process start to the first frame, to the first
  team name of the largest database, and ctrl+q to the process's exit (settled, and
  as soon as the list shows), each run interleaved with the bare app doing the same
  (its label, its exit), as ratios to it (bench/startup.py);
- session: a step change (key to the next step rendered) and an autosave (one field
  to synced on disk, with the same save unsynced beside it) (bench/interactive.py);
- ui / store / pg / cli: opening history and the action tracker, a history search
  from keystroke to rows rendered (and to the letter shown), and the store's search, paging, counts, tracker
  and theme queries, at 1k, 10k and 100k sessions, on SQLite and (each on the line
  below) on PostgreSQL; ``coachtui search`` as a process (bench/history.py);
- export: ``coachtui export --format json|csv|md`` of the whole history as a process
  (csv: both tables in a zip), time and peak memory (ru_maxrss of the child) at 10k
  and the largest size (bench/exchange.py);
- memory: resident memory at start and with history open at its oldest page, at the
  smallest and the largest size;
- network: "What others tried" (the similar-dilemmas panel's store call) and the
  recurring topics at the largest size, each beside a baseline (bench/network.py);
- suggest: the category suggestion's accuracy (cross-validated on the corpus, and on
  the dev set), the time to load its model and to suggest, and how it learns from a
  coach who judges differently (bench/suggestion.py).

The demo databases (``coachtui demo-data``'s generator, 200 teams at 100k sessions,
three of them holding about half the sessions)
are built once, about 20-30 s for 100k, and cached in $COACHTUI_BENCH_DIR (default:
coachtui-bench in the system's temporary folder). ``--quick`` runs every figure at
small sizes with few repetitions: a smoke test, not a measurement.

PostgreSQL: the server at ``--pg-url URL`` (or $COACHTUI_BENCH_PG_URL), its demo
schemas kept for the next run; else a throwaway cluster when PostgreSQL's server
binaries are installed; else the table says the PostgreSQL figures were skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exchange
import history
import interactive
import network
import startup
import suggestion
from common import Table, demo_database, machine_line, scratch_copy, sizes_up_to

QUICK_SIZES = (300, 1_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000, help="the largest history (default 100000)")
    parser.add_argument("--runs", type=int, default=7, help="repetitions of each measurement (default 7)")
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs: a smoke test")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached demo databases")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    history.add_pg_arguments(parser)
    args = parser.parse_args(argv)
    sizes = list(QUICK_SIZES) if args.quick else sizes_up_to(args.sessions)
    runs = 2 if args.quick else max(3, args.runs)
    began = time.perf_counter()
    table = Table()
    table.note(f"at the start: {machine_line()}")
    print(f"coachtui benchmarks: {', '.join(f'{s:,}' for s in sizes)} sessions, {runs} runs; "
          f"{machine_line()}", file=sys.stderr, flush=True)

    dbs = []
    for sessions in sizes:
        db = demo_database(sessions, rebuild=args.rebuild)
        history.generation_figure(db, table, sessions == sizes[-1])
        dbs.append(db)
    smallest, largest = dbs[0], dbs[-1]

    startup.startup_figures(largest, runs, table)

    with tempfile.TemporaryDirectory(prefix="coachtui-bench-", dir=largest.path.parent) as folder:
        interactive.step_figures(scratch_copy(smallest, Path(folder)), 1 if args.quick else 3, table)
        for db in (smallest, largest):
            copy = scratch_copy(db, Path(folder))
            interactive.autosave_figures(copy, db.size, 20 if args.quick else 200, table)
            for extra in ("", "-wal", "-shm"):
                Path(f"{copy}{extra}").unlink(missing_ok=True)

    for db in dbs:
        interactive.facilitator_figures(db, runs, table)
    with contextlib.ExitStack() as stack:
        # --quick measures PostgreSQL in schemas of its own, dropped at the end.
        pg = history.postgres(args.pg_url, disabled=args.no_pg, keep=not args.quick, stack=stack)
        history.postgres_skipped(pg, table)
        for db in dbs:
            history.store_figures(db, runs, table, pg, rebuild=args.rebuild)
    history.growth_notes(table, smallest, largest)
    hundred = next((db for db in dbs if db.sessions == 100_000), None)
    if hundred is not None and largest.sessions > hundred.sessions:  # e.g. --sessions 1000000
        history.growth_notes(table, hundred, largest)
    history.process_figures(largest, runs, table)

    # Exports at 10k and the largest size (the quick run: its two small ones).
    exported = [db for db in dbs if db.sessions >= 10_000] or [smallest, largest]
    exchange.export_figures(exported if len(exported) > 1 else [smallest, largest], table)
    startup.memory_figures([smallest, largest], table)
    network.network_figures(largest, runs, table)
    suggestion.suggestion_figures(table, quick=args.quick, runs=runs)

    print()
    print(table.render(markdown=args.markdown))
    print()
    for note in table.notes:
        print(f"- {note}")
    failures = table.failures
    print(f"- at the end: {machine_line()}; {time.perf_counter() - began:.0f} s; "
          f"databases cached in {largest.path.parent}")
    if table.skipped:
        print("- skipped: " + "; ".join(f"{f.section} {f.name.strip()}: {f.skipped}" for f in table.skipped))
    print(f"- {len(table.figures)} figures, {len(failures)} below target"
          + (": " + "; ".join(f"{f.section} {f.name.strip()}" for f in failures) if failures else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
