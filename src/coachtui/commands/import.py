"""``coachtui import FILE``: merge a JSON export into the database.

Idempotent (importing a file twice adds nothing); a record on both sides keeps the
newer edit (but a redacted export only adds records that are not here yet, so its
pseudonyms never replace real names); a team with the same name as a local one (ignoring case) becomes that
team. A file that is not a usable export changes nothing and is reported in one line.
"""

from __future__ import annotations

import argparse

NAME = "import"
HELP = "merge a JSON export (from 'coachtui export --format json') into the database"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Merge a JSON export into the database. Records are matched by id (and teams "
        "also by name, ignoring case); where both sides have a record the newer edit "
        "wins; nothing is deleted. A redacted export only adds records that are not "
        "here yet: its pseudonyms never replace your names or text. Importing the same file twice adds nothing. If the "
        "file is not a usable export, nothing is changed."
    )
    parser.add_argument("file", metavar="FILE", help="a .json file written by 'coachtui export'")


def summary_lines(summary: object, source: str, database: str) -> list[str]:
    """What an import did, one line per kind of record (shared with the UI)."""
    from coachtui.store.types import ImportSummary

    assert isinstance(summary, ImportSummary)
    if not summary.changed and summary.skipped:
        lines = [f"Nothing imported from {source} into {database}."]
    elif not summary.changed:
        lines = [f"Nothing new in {source}: {database} already had all of it."]
    else:
        lines = [f"Imported {source} into {database}:"]
        for item in summary.counts:
            if item.added or item.updated:
                lines.append(f"  {item.kind:<17} {item.added:>6} added {item.updated:>6} updated")
    for file_name, local_name in summary.merged_teams:
        lines.append(f"Team {file_name!r} in the file was merged into the team {local_name!r} here.")
    if summary.redacted and summary.changed:
        lines.append("This export was redacted: its names are pseudonyms.")
    if summary.replaced:
        lines.append(
            f"Replaced {summary.replaced} records that came from a redacted export with their full text "
            "(records edited here since were kept)."
        )
    if summary.skipped:
        lines.append(
            f"Kept {summary.skipped} records here as they are: this export is redacted, "
            "and its pseudonyms never replace your text."
        )
    return lines


def run(args: argparse.Namespace) -> int:
    from coachtui.store import open_store
    from coachtui.store.exchange import check_export, read_export

    # Read and check the file before opening the database: a missing, broken or
    # unusable file should not even create a database.
    valid = check_export(read_export(args.file), source=args.file)
    with open_store(args.db) as store:
        summary = store.import_data(valid, source=args.file)
        for line in summary_lines(summary, args.file, store.location):
            print(line)
    return 0
