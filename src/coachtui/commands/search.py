"""``coachtui search TEXT``: print the sessions that match, newest first, as a table.

For use outside the app (scripts, a quick look over ssh). Start-up matters here, so
the module imports nothing heavy until ``run``, and ``run`` imports only the store
(no catalog file parsing, no Rich): a search costs little more than opening the
database.
"""

from __future__ import annotations

import argparse
import sys

NAME = "search"
HELP = "print the sessions that match some words"
COLUMNS = ("date", "team", "coach", "category", "title")
CATEGORY_CHOICES = ("capability", "learning", "relational", "environment", "unsure")


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= 1000:
        raise argparse.ArgumentTypeError("give a number from 1 to 1000")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the sessions whose title, dilemma, context, question notes or actions contain "
        "every word of TEXT (the last word may be the start of a word), newest first. "
        "Text with no letters or digits (e.g. '*') lists all sessions."
    )
    parser.add_argument("text", metavar="TEXT", help="the words to look for")
    parser.add_argument("--team", metavar="NAME", help="only this team's sessions")
    parser.add_argument(
        "--category",
        metavar="ID",
        help=f"only sessions of this category ({', '.join(CATEGORY_CHOICES)})",
    )
    parser.add_argument("--limit", metavar="N", type=_limit, default=50, help="show at most N sessions (default 50)")


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
    from coachtui.text import one_line

    if args.category is not None and args.category not in CATEGORY_CHOICES:
        print(
            f"coachtui: unknown category {one_line(args.category)!r} (choose from {', '.join(CATEGORY_CHOICES)})",
            file=sys.stderr,
        )
        return 2
    with open_store(args.db, create=False) as store:
        team_id = None
        if args.team is not None:
            team = store.find_team(args.team)
            if team is None:
                print(f"coachtui: there is no team called {one_line(args.team)!r}", file=sys.stderr)
                return 1
            team_id = team.id
        page = store.search_sessions(args.text, team_id=team_id, category=args.category, limit=args.limit)
    if not page.rows:
        print(f"No sessions match {one_line(args.text)!r}.")
        return 0
    rows = [COLUMNS]
    for info in page.rows:
        title = info.title or info.preview or "(untitled)"
        if info.status == "draft":
            title = f"(draft) {title}"
        rows.append(
            (
                info.created_at.astimezone().strftime("%Y-%m-%d"),
                one_line(info.team_name),
                one_line(info.coach) or "-",
                info.primary_category or "unsure",
                one_line(title),
            )
        )
    width = None
    if sys.stdout.isatty():
        import shutil

        width = shutil.get_terminal_size().columns
    print("\n".join(_table(rows, width)))
    if page.next_cursor is not None:
        print(f"(showing the newest {len(page.rows)}; more sessions match: use --limit to see more)")
    return 0
