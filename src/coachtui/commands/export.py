"""``coachtui export``: a report (Markdown), tables (CSV) or the lossless JSON.

Without ``-o`` the export goes to standard output; with ``-o FILE`` it is written
atomically to a new owner-only file; an existing file is replaced only by a complete
one, and only when it is an earlier export of the same kind, redacted or full (or with ``--force``),
never when it is the database or a backup. CSV: ``-o FILE.zip`` writes ``sessions.csv`` and ``actions.csv`` in one zip;
any other ``-o FILE`` or standard output gets one table, ``--table sessions``
(the default) or ``--table actions``. CSV files start with a UTF-8 byte order mark
so Excel reads the characters right; standard output does not (for pipes). On a
terminal, control characters in typed text are shown, not obeyed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from coachtui.commands.common import past_date
from coachtui.commands.common import team_id as find_team_id

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from coachtui.store import Store
    from coachtui.store.types import ExportSelection

NAME = "export"
HELP = "export sessions and actions as a Markdown report, CSV tables, JSON or a calendar (ics)"
FORMATS = ("md", "csv", "json", "ics")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Export what coaches have learned. Markdown is a readable report for a network "
        "meeting; CSV is for spreadsheets; JSON holds everything and can be imported "
        "into another coachtui with 'coachtui import'. ics is a calendar file of the open agreed "
        "actions that have a due date, one to-do each (needs the 'calendar' extra)."
    )
    parser.epilog = (
        "The format defaults from the -o file's suffix (.md, .csv, .zip, .json, .ics; no suffix: md; "
        "another suffix needs --format). An existing -o file is replaced only by an export of "
        "the same kind, redacted or full (--force for any other file); never the database or a backup. "
        "CSV to a .zip holds sessions.csv and actions.csv; to a .csv file or standard "
        "output it is one table (--table). --redact replaces people's names with "
        "pseudonyms (Coach A, Person 1) everywhere, also inside typed text, and team "
        "names with codes (Team 3F9A2C) unless --keep-team-names."
    )
    parser.add_argument("--team", metavar="NAME", help="only this team (its name, ignoring case)")
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=past_date,
        help="only sessions created on or after DATE, from local midnight (2026-03-01, '1 march', "
        "'3 weeks ago', 'last monday' = last week's Monday, 'monday' = the one just gone, today counting)",
    )
    parser.add_argument("--format", choices=FORMATS, help="md, csv, json or ics (default: from -o, else md)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--table", choices=("sessions", "actions"), help="CSV to one file or standard output: which table"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing -o FILE that is not an earlier export of the same kind "
        "(a redacted export by a full one, too; never the database or a backup)",
    )
    parser.add_argument(
        "--report",
        choices=("sessions", "topics"),
        default="sessions",
        help="with --format md: the sessions (default), or the topics that recur across teams "
        "(phrases with their sessions per team; --team, --since narrow the sessions read)",
    )
    parser.add_argument("--redact", action="store_true", help="replace people's names with pseudonyms")
    parser.add_argument(
        "--keep-team-names", action="store_true", help="with --redact: keep team names (people's names still go)"
    )


def _fail(message: str) -> int:
    print(f"coachtui: {message}", file=sys.stderr)
    return 1


def _selection(store: Store, args: argparse.Namespace, fmt: str | None = None) -> ExportSelection:
    """What ``args`` asks to export (LookupError: no such team)."""
    from coachtui.store.types import ExportSelection, SessionFilter

    team_id = find_team_id(store, args.team) if args.team is not None else None
    return ExportSelection(
        SessionFilter(team_id=team_id, since=args.since),
        redact=args.redact,
        keep_team_names=args.keep_team_names,
        fmt=fmt,
        table=args.table,
    )


def _name_check(store: Store, selection: ExportSelection) -> None:
    """On stderr: capitalised words the redacted export still holds that might be
    names (redaction knows only the database's names and names after a title)."""
    _might_be_names(store.redaction_check(selection))


def _might_be_names(words: Sequence[str]) -> None:
    if words:
        print(f"coachtui: might still be names, check before sharing: {', '.join(words)}", file=sys.stderr)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def run(args: argparse.Namespace) -> int:
    from coachtui.store import open_store
    from coachtui.store.exchange import format_for

    if args.keep_team_names and not args.redact:
        return _fail("--keep-team-names only makes sense with --redact")
    output = None if args.output in (None, "-") else args.output
    if args.format == "ics" or (args.format is None and (output or "").lower().endswith(".ics")):
        return _export_calendar(args, output)
    fmt = format_for(output or "", args.format)
    if args.table is not None and fmt != "csv":
        return _fail("--table only applies to --format csv")
    if args.report == "topics":
        return _export_topics(args, output, fmt)
    if output is not None and (refused := _refused_target(args, output, fmt)) is not None:
        return _fail(refused)
    with open_store(args.db, create=False) as store:
        try:
            selection = _selection(store, args, fmt)
        except LookupError as exc:
            return _fail(str(exc))
        if output is not None:
            # a redacted export's check for names left comes before the file is written
            result = store.export_file(output, selection, force=args.force,
                                       names_left=_might_be_names if args.redact else None)
            what = f"{_plural(result.sessions, 'session')} of {_plural(result.teams, 'team')}"
            tables = f" ({', '.join(result.tables)})" if result.tables else ""
            print(f"Exported {what} to {result.path} as {fmt}{tables}.")
            return 0
        # written as it is read: memory does not grow with the history
        _to_stdout(store.export_stream(selection, names_left=_might_be_names if args.redact else None), fmt)
    return 0


def _to_stdout(pieces: Iterable[str], fmt: str) -> None:
    """Write the export's ``pieces`` to standard output as they come (on a terminal,
    as :func:`for_terminal` shows them)."""
    terminal = sys.stdout.isatty()
    out = getattr(sys.stdout, "buffer", None)

    def write(text: str) -> None:
        if out is None:
            sys.stdout.write(text)
        else:
            out.write(text.encode("utf-8"))

    held = ""
    for piece in pieces:
        if terminal:
            piece, held = held + piece, ""
            if piece.endswith("\r"):  # a line end split between two pieces is still one
                piece, held = piece[:-1], "\r"
            piece = for_terminal(piece, fmt)
        write(piece)
    if held:
        write(for_terminal(held, fmt))
    sys.stdout.flush()


def _refused_target(args: argparse.Namespace, output: str, fmt: str) -> str | None:
    """Why the -o file may not be written (None: it may): the database, a backup, or
    a file that is no earlier export of the same kind without --force."""
    from coachtui.store.db.target import parse_target
    from coachtui.store.errors import ExportFailed
    from coachtui.store.exchange.files import check_output

    try:
        check_output(output, fmt, database=parse_target(args.db).path, force=args.force,
                     force_hint="add --force to replace it", redacted=args.redact)
    except ExportFailed as exc:
        return f"not exported: {exc}"
    return None


def _export_topics(args: argparse.Namespace, output: str | None, fmt: str) -> int:
    """``--report topics``: the phrases that recur across teams, as Markdown."""
    from pathlib import Path

    from coachtui.store import open_store
    from coachtui.store.errors import ExportFailed

    if fmt != "md":
        return _fail("--report topics is a Markdown report: use --format md")
    if output is not None and (refused := _refused_target(args, output, fmt)) is not None:
        return _fail(refused)
    with open_store(args.db, create=False) as store:
        try:
            selection = _selection(store, args, fmt)
        except LookupError as exc:
            return _fail(str(exc))
        report = store.topics_report(selection)
    _might_be_names(report.possible_names)
    if output is None:
        _to_stdout([report.text], "md")
        return 0
    from coachtui.store.exchange.files import write_export

    try:
        path = write_export(Path(output).expanduser(), report.text.encode("utf-8"))
    except ExportFailed as exc:
        return _fail(f"not exported: {exc}")
    print(f"Exported {_plural(report.topics, 'recurring topic')} to {path} as md.")
    return 0


def _export_calendar(args: argparse.Namespace, output: str | None) -> int:
    """``--format ics``: the open actions with a due date, as to-dos (commands.ics)."""
    from coachtui.extras import install_hint, missing

    if args.table is not None:
        return _fail("--table only applies to --format csv")
    if missing("icalendar"):
        return _fail(f"export --format ics needs icalendar; {install_hint('calendar')}")
    from pathlib import Path

    from coachtui.commands.ics import calendar_bytes, calendar_target
    from coachtui.store import open_store
    from coachtui.store.errors import ExportFailed

    if output is not None:
        from coachtui.store.db.target import parse_target

        try:
            calendar_target(
                output, database=parse_target(args.db).path, force=args.force, force_hint="add --force to replace it"
            )
        except ExportFailed as exc:
            return _fail(f"not exported: {exc}")
    with open_store(args.db, create=False) as store:
        try:
            selection = _selection(store, args)
        except LookupError as exc:
            return _fail(str(exc))
        if args.redact:
            _name_check(store, selection)
        content, count = calendar_bytes(store.export_json(selection))
    if output is None:
        _to_stdout([content.decode("utf-8")], "ics")
        return 0
    from coachtui.store.exchange.files import write_export

    try:
        path = write_export(Path(output).expanduser(), content)
    except ExportFailed as exc:
        return _fail(f"not exported: {exc}")
    print(f"Exported {_plural(count, 'open action')} with a due date to {path} as ics.")
    return 0


def for_terminal(text: str, fmt: str) -> str:
    """The export as it may be shown on a terminal: a dilemma holding escape
    sequences must not recolour, retitle or rewrite the screen. Markdown and CSV get
    visible stand-ins for control characters (␛); JSON stays valid JSON, with the
    few characters it would pass through raw (DEL, C1 controls, bidi overrides)
    written as \\u escapes. Pipes and files get the exact bytes."""
    import re

    from coachtui.text import visible

    if fmt == "json":
        return re.sub(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return visible(text.replace("\r\n", "\n"))
