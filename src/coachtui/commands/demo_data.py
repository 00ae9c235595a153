"""``coachtui demo-data --db PATH``: fill a new database with realistic invented sessions.

For workshops, demos and benchmarks. It refuses to touch a database that already
holds teams or sessions (unless --append) and never writes into the default
database, so invented sessions cannot end up among a coach's real ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachtui.store import Store
    from coachtui.store.types import DemoSummary

NAME = "demo-data"
HELP = "fill a new database with realistic invented sessions (for workshops)"


def _count(low: int, high: int) -> object:
    def parse(value: str) -> int:
        try:
            number = int(value.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"give a number from {low:,} to {high:,}")
        return number

    return parse


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Invent teams, coaches and eighteen months of coaching sessions (all four categories, "
        "questions, actions and reviews) in a new or empty database given with --db, and one more team "
        "that is an action learning set: five members, three meetings of three presenters (not with --no-set). "
        "The same --seed and --as-of give the same data."
    )
    parser.add_argument(
        "--sessions", metavar="N", type=_count(0, 1_000_000), default=300, help="sessions (default 300)"
    )
    parser.add_argument("--teams", metavar="N", type=_count(1, 10_000), default=12, help="teams (default 12)")
    parser.add_argument("--seed", metavar="S", type=_count(0, 2**63), default=1, help="random seed (default 1)")
    parser.add_argument(
        "--as-of", metavar="DATE", type=_day, default=None, help="the day the history ends (default: today)"
    )
    parser.add_argument(
        "--append", action="store_true", help="add to a database that already holds sessions (not recommended)"
    )
    parser.add_argument(
        "--no-set",
        dest="with_set",
        action="store_false",
        help="leave out the action learning set (a team of members with meetings of several presenters)",
    )


def _is_default_database(value: str) -> bool:
    from pathlib import Path

    from coachtui.paths import data_dir

    if "://" in value:
        return False
    return Path(value).expanduser().absolute() == (data_dir() / "coachtui.db").absolute()


def run(args: argparse.Namespace) -> int:
    if _is_default_database(args.db):
        print(
            f"coachtui: demo data never goes into your own database ({args.db}); "
            "give a new file with --db, e.g. --db demo.db",
            file=sys.stderr,
        )
        return 2

    from coachtui.store import DatabaseNotEmpty, open_store
    from coachtui.store.demo import generate_demo_data

    with open_store(args.db) as store:
        try:
            if sys.stderr.isatty():
                summary = _with_progress(store, args)
            else:
                summary = generate_demo_data(
                    store,
                    sessions=args.sessions,
                    teams=args.teams,
                    seed=args.seed,
                    today=args.as_of,
                    append=args.append,
                )
        except DatabaseNotEmpty as exc:
            print(f"coachtui: {exc} (add --append to add to it anyway)", file=sys.stderr)
            return 1
        made_set = _add_set(store, args) if args.with_set else ""
        location = store.location
    print(
        f"Added {summary.teams:,} teams, {summary.sessions:,} sessions ({summary.drafts:,} drafts), "
        f"{summary.actions:,} actions and {summary.reviews:,} reviews to {location} in {summary.seconds:.1f} s."
    )
    if made_set:
        print(made_set)
    return 0


def _add_set(store: Store, args: argparse.Namespace) -> str:
    """The demo's action learning set; what to tell about it."""
    from coachtui.store import DuplicateName
    from coachtui.store.demo.sets import MEETINGS, MEMBERS, SET_NAME, add_demo_set

    try:
        add_demo_set(store, args.as_of, seed=args.seed)
    except DuplicateName:  # --append to a database that has it already
        return f"The action learning set “{SET_NAME}” is there already: not added again."
    presenters = len(MEETINGS[-1])
    return (
        f"Added the action learning set “{SET_NAME}”: {len(MEMBERS)} members, "
        f"{len(MEETINGS)} meetings of {presenters} presenters."
    )


def _with_progress(store: Store, args: argparse.Namespace) -> DemoSummary:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from coachtui.store.demo import generate_demo_data
    from coachtui.text import unguarded

    labels = {"sessions": "Inventing sessions", "indexes": "Building indexes", "saving": "Saving"}
    with Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=unguarded(sys.stderr)),
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return generate_demo_data(
            store,
            sessions=args.sessions,
            teams=args.teams,
            seed=args.seed,
            today=args.as_of,
            append=args.append,
            progress=progress,
        )
