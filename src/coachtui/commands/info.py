"""``coachtui info``: where the database is and what it holds."""

from __future__ import annotations

import argparse

NAME = "info"
HELP = "show where the database is and what it holds"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the database location, its schema revision, how much it holds and when it last synced with a hub."
    )


def run(args: argparse.Namespace) -> int:
    from coachtui.store import open_store

    with open_store(args.db, create=False) as store:
        stats = store.stats()
        print(f"{'database':<13} {store.location}")
        if store.target.path is not None:
            print(f"{'encrypted':<13} {'yes (SQLCipher)' if store.target.key is not None else 'no'}")
        for label, value in stats.items():
            print(f"{label:<13} {value}")
        from coachtui.hubpass import hide_password

        for hub, when in store.sync_history():
            # (an older coachtui could keep a password=... parameter in the hub's name)
            print(f"{'synced':<13} {when.astimezone():%Y-%m-%d %H:%M} with {hide_password(hub)}")
    return 0
