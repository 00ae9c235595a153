"""``coachtui sync --hub URL``: exchange records with the network's hub.

Pushes what changed in this database since the last sync with that hub (new and
edited records, deletions) and pulls what the other coaches changed there. Records
changed on both sides are merged field by field; a field changed differently on both
keeps the newer edit, and the other stays listed (``--conflicts``) until the coach
chooses (``--resolve ID mine|theirs|both``). Running it twice moves nothing the
second time. This database stays the working copy: if the hub cannot be reached,
one line says so and nothing here changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachtui.store import Store

NAME = "sync"
HELP = "push this database's changes to the network's hub and pull the others'"
HUB_ENV = "COACHTUI_HUB"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Push the sessions, actions and other records that are new or changed here (and "
        "the ones deleted here) to the hub, and pull the other coaches' from it. Where both "
        "sides changed a record, each side's changed fields are kept; a field changed differently "
        "on both keeps the newer edit and the other is listed to choose from (--conflicts). Teams with the same name become one "
        "team. The hub is a PostgreSQL URL (postgresql://user@host/database) or any other "
        "coachtui database. Its password comes from the address (user:password@), else the "
        "keyring (where the app keeps it), else PostgreSQL's ~/.pgpass; it is never printed."
    )
    parser.add_argument(
        "--hub",
        metavar="URL",
        default=os.environ.get(HUB_ENV) or None,
        help=f"the network's hub (default: ${HUB_ENV})",
    )
    parser.add_argument(
        "--conflicts",
        action="store_true",
        help="list the fields changed differently here and on the hub, waiting for your choice",
    )
    parser.add_argument(
        "--resolve",
        nargs=2,
        metavar=("ID", "CHOICE"),
        help="settle a conflict: keep mine, theirs or both (the next sync takes it to the hub)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="compare everything, not only what changed since the last sync (e.g. after the hub was restored)",
    )


def report_lines(report: object) -> list[str]:
    """What a sync moved, as the command prints it (the UI may show the same)."""
    from coachtui.store.sync import SyncReport

    assert isinstance(report, SyncReport)
    lines = [f"Synced with {report.hub} in {report.seconds:.1f} s" + (" (everything compared)." if report.first else ".")]
    lines += clock_lines(report)
    if not report.moved:
        lines.append("Nothing to push or pull: both sides were already the same.")
        return lines
    for label, counts in (("Pushed to the hub", report.pushed), ("Pulled from the hub", report.pulled)):
        moved = [c.describe() for c in counts if c.moved]
        lines.append(f"{label}: {'; '.join(moved) if moved else 'nothing'}.")
    for here, hub in report.merged_teams:
        lines.append(f"The team {here!r} here and {hub!r} on the hub were the same team: they are one now.")
    if report.merged:
        lines.append(
            f"{report.merged} {'record was' if report.merged == 1 else 'records were'} changed on both sides in "
            "different fields: both changes were kept."
        )
    if report.conflicts:
        count = len(report.conflicts)
        lines.append(
            f"{count} {'field was' if count == 1 else 'fields were'} changed differently on both sides; the newer "
            "change is in the record, the other is kept here until you choose:"
        )
        lines += [f"  {conflict.describe()}" for conflict in report.conflicts]
        lines.append("Choose with: coachtui sync --resolve ID mine|theirs|both (coachtui sync --conflicts lists them).")
    if report.skipped:
        lines.append(
            f"{report.skipped} records belong to something deleted on the other side and were left out; "
            "the next sync settles them."
        )
    return lines


def clock_lines(report: object) -> list[str]:
    """What a sync noticed about clocks: this laptop's against the hub's, stamps from
    the future."""
    from coachtui.store.sync import SyncReport

    assert isinstance(report, SyncReport)
    lines = []
    if report.clock_off and report.skew is not None:
        ahead = report.skew > dt.timedelta(0)
        lines.append(
            f"This computer's clock is {_span(abs(report.skew))} {'ahead of' if ahead else 'behind'} the hub's: "
            "set it right (automatic time) so the newer of two edits is told correctly."
        )
    if report.clamped:
        lines.append(
            f"{report.clamped} {'time was' if report.clamped == 1 else 'times were'} in the future (a clock running "
            "fast, or a file stamped ahead) and counted as now."
        )
    return lines


def _span(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes < 120:
        return f"{minutes} minutes"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} hours"
    return f"{round(hours / 24)} days"


def conflict_lines(found: list[object]) -> list[str]:
    from coachtui.store.sync.conflicts import Conflict

    if not found:
        return ["No conflicts: nothing is waiting for your choice."]
    lines = []
    for conflict in found:
        assert isinstance(conflict, Conflict)
        lines.append(conflict.describe())
        shown = conflict.deletion or conflict.members
        mine, theirs = (conflict.shown_mine, conflict.shown_theirs) if shown else (conflict.mine, conflict.theirs)
        lines.append(f"  yours:  {mine!r}")
        lines.append(f"  theirs ({conflict.theirs_by or 'the hub'}): {theirs!r}")
    lines.append("Choose with: coachtui sync --resolve ID mine|theirs|both")
    return lines


def run(args: argparse.Namespace) -> int:
    from coachtui.hubpass import HubAddressError, hide_password, resolve
    from coachtui.store import open_store
    from coachtui.store.errors import StoreError, SyncStopped

    if args.conflicts or args.resolve:
        return _conflicts(args, _coach())
    if not args.hub:
        print(f"coachtui: give the hub with --hub URL (or set {HUB_ENV})", file=sys.stderr)
        return 2
    try:
        # The password typed in the address, else the one kept in the keyring, else
        # PostgreSQL's ~/.pgpass; never printed.
        hub, connect_url = resolve(args.hub)
    except HubAddressError as exc:
        print(f"coachtui: {exc}", file=sys.stderr)
        return 2
    coach = _coach()
    try:
        with open_store(args.db, coach=coach, create=False) as store:
            if sys.stderr.isatty():
                report = _with_progress(store, connect_url, full=args.full)
            else:  # piped or in CI: only the report
                report = store.sync(connect_url, full=args.full)
    except SyncStopped as exc:  # ctrl+c: one line, no traceback
        print(f"coachtui: {hub.hide_in(str(exc))}", file=sys.stderr)
        return 130
    except StoreError as exc:
        print(f"coachtui: {hub.hide_in(str(exc))}", file=sys.stderr)
        return 1
    forget_rescues(report)
    for line in report_lines(report):
        print(hide_password(line, hub.password))
    return 0


def forget_rescues(report: object, keep: str | None = None) -> None:
    """Sessions deleted for good elsewhere and now here: their private rescue copies
    (plain text, outside the database) go too, as for a session deleted here.
    ``keep``: the session open on screen (its words are still the coach's to keep)."""
    from coachtui import rescue
    from coachtui.store.sync import SyncReport

    assert isinstance(report, SyncReport)
    gone = [ident for ident in report.deleted_sessions if ident != keep]
    if gone:
        rescue.remove_for(gone)


# From how many records a sync shows its progress bar (a small sync just reports).
PROGRESS_FROM = 1_000


def _with_progress(store: Store, connect_url: str, *, full: bool) -> object:
    """Sync with a progress bar on the terminal (stderr): records sent, then received;
    drawn only for a sync that moves many records."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from coachtui.text import unguarded

    labels = {"send": "Sending to the hub", "receive": "Receiving from the hub"}
    bar = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records"),
        TimeElapsedColumn(),
        console=Console(file=unguarded(sys.stderr)),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            if total < PROGRESS_FROM:
                return
            if not tasks:
                bar.start()
            tasks[phase] = bar.add_task(labels.get(phase, phase), total=total)
        bar.update(tasks[phase], completed=done, total=total)

    try:
        return store.sync(connect_url, full=full, progress=progress)
    finally:
        if tasks:
            bar.stop()


def _coach() -> str:
    from coachtui.config import SettingsError, load_settings

    try:
        return load_settings().coach_name
    except SettingsError as exc:
        print(f"coachtui: your settings could not be read ({exc}); going on without your name", file=sys.stderr)
        return ""


def _conflicts(args: argparse.Namespace, coach: str) -> int:
    from coachtui.store import open_store
    from coachtui.store.errors import StoreError
    from coachtui.store.sync import conflicts

    try:
        with open_store(args.db, coach=coach, create=False) as store:
            if args.resolve:
                ident, choice = args.resolve
                done = conflicts.resolve(store.db, ident, choice)
                what = conflicts.KIND_NAME.get(done.kind, done.kind)
                if done.deletion and choice == "theirs":
                    print(f"The {what} stays deleted.")
                elif done.deletion:
                    print(f"Kept yours: the {what} is back here; the next sync takes it to the hub.")
                else:
                    print(f"Kept {choice} for the {what}'s {done.field.replace('_', ' ')}; "
                          "the next sync takes it to the hub.")
                return 0
            for line in conflict_lines(list(conflicts.list_conflicts(store.db))):
                print(line)
    except StoreError as exc:
        print(f"coachtui: {exc}", file=sys.stderr)
        return 1
    return 0
