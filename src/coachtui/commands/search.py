"""``coachtui search TEXT``: print the sessions that match, newest first, as a table
(or ``--json``, ``--csv`` for scripts and spreadsheets).

Like grep: the results go to standard output, everything else (no match, "more
match", mistakes) to standard error; the exit code is 0 when sessions were found, 1
when none were (or the database could not be read, as for every command), 2 for a
mistake on the command line (an unknown team or category, a date it cannot read).

For use outside the app (scripts, a quick look over ssh). Start-up matters here, so
the module imports nothing heavy until ``run``, and ``run`` imports only the store
(no catalog file parsing, no Rich): a search costs little more than opening the
database.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from coachtui.commands.common import past_date, say, session_header, whole_number

if TYPE_CHECKING:
    from coachtui.store.types import SessionInfo

NAME = "search"
HELP = "print the sessions that match some words"
COLUMNS = ("date", "team", "coach", "category", "title")
# --json and --csv: every field a script may want, with the text exactly as typed.
# A set's meeting is one row: its category is those of the presenters whose part
# matched (every presenter's when the words are in all of them), space-separated,
# and found_in names those presenters ("" / [] for an ordinary session).
FIELDS = ("id", "date", "created_at", "team", "coach", "category", "status", "title", "found_in")
FOUND, NONE, USAGE = 0, 1, 2
CATEGORY_CHOICES = ("capability", "learning", "relational", "environment", "unsure")


_limit = whole_number(1, 1000)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the sessions whose title, dilemma, context, question notes or actions contain "
        "every word of TEXT (the last word may be the start of a word), newest first. "
        "Text with no letters or digits (e.g. '*') lists all sessions."
    )
    parser.add_argument("text", metavar="TEXT", help="the words to look for")
    parser.add_argument("--team", metavar="NAME", help="only this team's sessions (its name, ignoring case)")
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=past_date,
        help="only sessions created on or after DATE (2026-03-01, '1 march', '3 weeks ago', "
        "'last monday' = last week's Monday, 'monday' = the one just gone, today counting)",
    )
    parser.add_argument(
        "--category",
        metavar="ID",
        help=f"only sessions of this category ({', '.join(CATEGORY_CHOICES)})",
    )
    parser.add_argument("--limit", metavar="N", type=_limit, default=50, help="show at most N sessions (default 50)")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print a JSON list of sessions (one object each)")
    shape.add_argument("--csv", action="store_true", help="print CSV with a header row")
    parser.epilog = (
        "Exit status: 0 sessions found; 1 none found (or the database could not be read); "
        "2 a mistake on the command line (an unknown team or category, a date it cannot read)."
    )


def _cell_width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells (wide characters count double)."""
    from rich.cells import set_cell_size

    if _cell_width(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)) + "…"


def _table(rows: list[tuple[str, ...]], max_width: int | None) -> list[str]:
    widths = [max(_cell_width(row[i]) for row in rows) for i in range(len(COLUMNS))]
    if max_width is not None:
        # Only the last column (the title) gives way on a narrow terminal.
        fixed = sum(widths[:-1]) + 2 * (len(COLUMNS) - 1)
        widths[-1] = max(10, min(widths[-1], max_width - fixed))
    lines = []
    for row in rows:
        cells = [_fit(cell, width) for cell, width in zip(row, widths, strict=True)]
        padded = [cell + " " * (width - _cell_width(cell)) for cell, width in zip(cells, widths, strict=True)]
        lines.append("  ".join(padded).rstrip())
    return lines


def run(args: argparse.Namespace) -> int:
    from coachtui.store import open_store
    from coachtui.store.types import SessionFilter
    from coachtui.text import one_line

    if args.category is not None and args.category not in CATEGORY_CHOICES:
        say(f"coachtui: unknown category {one_line(args.category)!r} (choose from {', '.join(CATEGORY_CHOICES)})")
        return USAGE
    with open_store(args.db, create=False) as store:
        team_id = None
        if args.team is not None:
            from coachtui.commands.common import team_id as find_team_id

            try:
                team_id = find_team_id(store, args.team)
            except LookupError as exc:
                say(f"coachtui: {exc}")
                return USAGE
        which = SessionFilter(text=args.text, team_id=team_id, category=args.category, since=args.since)
        page = store.search_sessions(which, limit=args.limit)
    if args.json or args.csv:
        _print_records(page.rows, as_json=args.json)
    elif page.rows:
        _print_table(page.rows)
    if not page.rows:
        say(f"No sessions match {one_line(args.text)!r}.")
        return NONE
    if page.next_cursor is not None:
        say(f"(showing the newest {len(page.rows)}; more sessions match: use --limit to see more)")
    return FOUND


def _categories(info: SessionInfo) -> str:
    """The row's category: a meeting's, those of the presenters found, in turn."""
    return " ".join(category or "unsure" for category in info.shown_categories)


def _found_in(info: SessionInfo) -> str:
    """' (found: Ben Okafor)' after a meeting's title when the words were in some of
    its presenters' parts, not all."""
    if not info.matched or len(info.matched) == len(info.presenters):
        return ""
    return f" (found: {', '.join(name or '?' for name in info.shown_presenters)})"


def _record(info: SessionInfo, *, as_json: bool) -> dict[str, object]:
    header: dict[str, object] = dict(
        session_header(info.id, info.created_at, info.team_name, info.coach, info.primary_category)
    )
    return {
        **header,
        "category": _categories(info),
        "status": info.status,
        "title": info.meeting_title or info.title or info.preview,
        "found_in": list(info.shown_presenters) if as_json else "; ".join(info.shown_presenters),
    }


def _print_records(rows: list[SessionInfo], *, as_json: bool) -> None:
    records = [_record(info, as_json=as_json) for info in rows]
    if as_json:
        import json

        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    import csv

    writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


def _print_table(rows: list[SessionInfo]) -> None:
    from coachtui.text import one_line

    table: list[tuple[str, ...]] = [COLUMNS]
    for info in rows:
        title = (info.meeting_title + _found_in(info)) or info.title or info.preview or "(untitled)"
        if info.status == "draft":
            title = f"(draft) {title}"
        table.append(
            (
                info.created_at.astimezone().strftime("%Y-%m-%d"),
                one_line(info.team_name),
                one_line(info.coach) or "-",
                _categories(info),
                one_line(title),
            )
        )
    width = None
    if sys.stdout.isatty():
        import shutil

        width = shutil.get_terminal_size().columns
    print("\n".join(_table(table, width)))
