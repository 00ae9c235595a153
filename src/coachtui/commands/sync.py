"""``coachtui sync --hub URL``: exchange records with the network's hub.

Pushes what changed in this database since the last sync with that hub (new and
edited records, deletions) and pulls what the other coaches changed there; the
newer edit wins. Running it twice moves nothing the second time. This database
stays the working copy: if the hub cannot be reached, one line says so and nothing
here changes.
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "sync"
HELP = "push this database's changes to the network's hub and pull the others'"
HUB_ENV = "COACHTUI_HUB"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Push the sessions, actions and other records that are new or changed here (and "
        "the ones deleted here) to the hub, and pull the other coaches' from it. Where both "
        "sides changed a record, the newer edit wins. Teams with the same name become one "
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
        "--full",
        action="store_true",
        help="compare everything, not only what changed since the last sync (e.g. after the hub was restored)",
    )


def report_lines(report: object) -> list[str]:
    """What a sync moved, as the command prints it (the UI may show the same)."""
    from coachtui.store.sync import SyncReport

    assert isinstance(report, SyncReport)
    lines = [f"Synced with {report.hub} in {report.seconds:.1f} s" + (" (everything compared)." if report.first else ".")]
    if not report.moved:
        lines.append("Nothing to push or pull: both sides were already the same.")
        return lines
    for label, counts in (("Pushed to the hub", report.pushed), ("Pulled from the hub", report.pulled)):
        moved = [c.describe() for c in counts if c.moved]
        lines.append(f"{label}: {'; '.join(moved) if moved else 'nothing'}.")
    for here, hub in report.merged_teams:
        lines.append(f"The team {here!r} here and {hub!r} on the hub were the same team: they are one now.")
    if report.skipped:
        lines.append(
            f"{report.skipped} records belong to something deleted on the other side and were left out; "
            "the next sync settles them."
        )
    return lines


def run(args: argparse.Namespace) -> int:
    from coachtui.config import SettingsError, load_settings
    from coachtui.hubpass import HubAddressError, hide_password, resolve
    from coachtui.store import open_store
    from coachtui.store.errors import StoreError

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
    try:
        coach = load_settings().coach_name
    except SettingsError as exc:
        print(f"coachtui: your settings could not be read ({exc}); syncing without your name", file=sys.stderr)
        coach = ""
    try:
        with open_store(args.db, coach=coach) as store:
            report = store.sync(connect_url, full=args.full)
    except StoreError as exc:
        print(f"coachtui: {hub.hide_in(str(exc))}", file=sys.stderr)
        return 1
    for line in report_lines(report):
        print(hide_password(line, hub.password))
    return 0
