"""``coachtui restore FILE``: bring back a backup, keeping the current state too."""

from __future__ import annotations

import argparse

NAME = "restore"
HELP = "replace the database with a backup (the current one is backed up first)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Replace the database's contents with a coachtui backup. The current database "
        "is first saved in the coachtui-backups folder, so a restore can be undone by "
        "restoring that file. A file that is not a coachtui database is refused and "
        "nothing changes, and so is another coachtui database (not a backup of this one) "
        "unless --from-another-database is given. The database keeps its own encryption: a plain backup restored "
        "into an encrypted database is encrypted on the way in; an encrypted backup needs "
        "its passphrase (COACHTUI_PASSPHRASE, or typed)."
    )
    parser.add_argument("file", metavar="FILE", help="the backup to restore")
    parser.add_argument(
        "--from-another-database",
        action="store_true",
        help="take the contents of FILE even though it is another database, not a backup of this one "
        "(this database keeps its own identity for sync)",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from coachtui.store import BackupError
    from coachtui.store.db.backup import restore_database
    from coachtui.store.db.target import parse_target

    target = parse_target(args.db)
    if target.path is None:
        raise BackupError("coachtui restore works on SQLite database files; restore PostgreSQL with pg_restore.")
    report = restore_database(target.path, Path(args.file), another=args.from_another_database)
    teams = f"{report.teams} team{'s' * (report.teams != 1)}"
    sessions = f"{report.sessions} session{'s' * (report.sessions != 1)}"
    saved = (
        f"the previous database was saved as {report.previous}"
        if report.previous is not None
        else "there was no previous database to save"
    )
    print(f"Restored {report.source} ({teams}, {sessions}) into {report.database}; {saved}.")
    return 0
