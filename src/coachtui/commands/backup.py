"""``coachtui backup``: copy the database, safely, while coachtui may be running."""

from __future__ import annotations

import argparse

NAME = "backup"
HELP = "back up the database (to the backups folder, or to -o FILE)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Copy the database with SQLite's backup API, which is safe while coachtui is "
        "running. Without -o the copy goes to a dated file in the coachtui-backups "
        "folder next to the database. A backup of an encrypted database is encrypted "
        "with the same passphrase."
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write the backup (a new file, or a folder for a dated file in it)",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from coachtui.store import BackupError
    from coachtui.store.db.backup import backup_database
    from coachtui.store.db.target import parse_target

    target = parse_target(args.db)
    if target.path is None:
        raise BackupError("coachtui backup works on SQLite database files; back up PostgreSQL with pg_dump.")
    written = backup_database(target.path, Path(args.output) if args.output else None)
    print(f"Backed up {target.path} to {written}")
    return 0
