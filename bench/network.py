"""Benchmark learning across a network at 1k, 10k and 100k sessions (SQLite): "What
others tried" (the similar-dilemmas panel's store call) and the recurring topics.

    python bench/network.py [--sessions 100000] [--runs 7]

Each figure is measured beside a baseline in the same loop, call for call: the
panel's call beside history search's first page for the same text (what a coach's
search already costs), the topics beside reading the period's rows alone. The demo
databases are the cached ones (bench/common.py). ``bench/run.py`` runs these figures
with the rest.

Figures, not tests: timing depends on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import TODAY, Database, Figure, Table, demo_database, machine_line, sizes_up_to

# Dilemmas as a coach types them: common and rare words, short and long.
DILEMMAS = (
    "The manager cancelled the last three huddles because of staffing",
    "Nobody reads the run chart and the aim is vague",
    "The night team says improvement is something the day shift does",
    "handover",
    "Their PDSA forms are filled in after the fact, with no prediction written down beforehand.",
)
PANEL_TARGET_MS = 50


def _pair(first: object, second: object, runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds of ``first()`` and ``second()``, called in turn ``runs`` times."""
    a, b = [], []
    for _ in range(runs):
        for action, samples in ((first, a), (second, b)):
            started = time.perf_counter()
            action()  # type: ignore[operator]
            samples.append((time.perf_counter() - started) * 1000)
    return a, b


def network_figures(db: Database, runs: int, table: Table) -> None:
    from coachtui.store import open_store
    from coachtui.store.types import SessionFilter

    size = f"{db.sessions // 1000}k"
    with open_store(str(db.path), create=False) as store:
        team = store.list_teams()[0]
        similar: list[float] = []
        search: list[float] = []
        for text in DILEMMAS:
            store.similar_dilemmas(text, exclude_team_id=team.id)  # warm, as a coach's second key is
            a, b = _pair(
                lambda text=text: store.similar_dilemmas(text, exclude_team_id=team.id),
                lambda text=text: store.search_sessions(SessionFilter(text=text.split()[-1]), limit=50),
                runs,
            )
            similar += a
            search += b
        table.add(Figure("network", f"{size}: what others tried (5 of other teams)", similar,
                         target=f"< {PANEL_TARGET_MS} ms", check=lambda median, p95: p95 < PANEL_TARGET_MS))
        table.add(Figure("network", f"{size}: baseline: history search, first page", search))
        for months in (3, 12):
            since = TODAY - dt.timedelta(days=30 * months)
            which = SessionFilter(since=since)
            topics, rows = _pair(
                lambda which=which: store.recurring_topics(which),
                lambda which=which: store.search_sessions(which, limit=1000),
                max(2, runs // 2),
            )
            table.add(Figure("network", f"{size}: recurring topics, last {months} months", topics,
                             target="< 2 s (a worker)", check=lambda median, p95: median < 2000))
            table.add(Figure("network", f"{size}: baseline: one page of 1,000 of those sessions", rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    table = Table()
    table.note(f"at the start: {machine_line()}")
    for sessions in sizes_up_to(args.sessions):
        network_figures(demo_database(sessions), args.runs, table)
    print(table.render())
    for note in table.notes:
        print(f"- {note}")
    print(f"- at the end: {machine_line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
