"""``coachtui actions``: the action tracker on the command line. Prints the open
agreed actions, overdue first then by due date, as the tracker lists them; ``--owner``
keeps one person's (a set's member: their actions from every meeting), ``--team``
one team's, ``--closed`` adds done and dropped ones. ``--json`` for scripts.

Exit codes as for ``coachtui search``: 0 actions listed, 1 none (or the database
could not be read), 2 a mistake on the command line (an owner or team that does not
exist, with the closest name offered).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from coachtui.commands.common import say, whole_number

if TYPE_CHECKING:
    from coachtui.store import Store
    from coachtui.store.types import ActionInfo

NAME = "actions"
HELP = "print the agreed actions, as the tracker lists them (--owner: one member's)"
COLUMNS = ("due", "status", "action", "owner", "team")
FOUND, NONE, USAGE = 0, 1, 2

_limit = whole_number(1, 1000)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the open agreed actions of every team, overdue first, then by due date, then "
        "those with no due date (as the app's action tracker lists them)."
    )
    parser.add_argument(
        "--owner", metavar="NAME", help="only this person's actions (ignoring case): a set's member, across meetings"
    )
    parser.add_argument("--team", metavar="NAME", help="only this team's actions (its name, ignoring case)")
    parser.add_argument("--closed", action="store_true", help="list done and dropped actions too, after the open ones")
    parser.add_argument("--limit", metavar="N", type=_limit, default=100, help="show at most N actions (default 100)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of actions (one object each)")
    parser.epilog = (
        "Exit status: 0 actions listed; 1 none (or the database could not be read); "
        "2 a mistake on the command line (an owner or team that does not exist)."
    )


def _owner(store: Store, name: str, *, closed: bool) -> str:
    """The owner's name as the actions hold it (``name`` ignoring case). Raises
    LookupError, one line, with the closest owner there is."""
    import difflib

    from coachtui.text import one_line

    owners = {owner.casefold(): owner for owner in store.list_owners(include_closed=closed)}
    if name.strip().casefold() in owners:
        return owners[name.strip().casefold()]
    close = difflib.get_close_matches(name.casefold(), list(owners), n=1)
    hint = f"; did you mean {one_line(owners[close[0]])!r}?" if close else ""
    which = "actions" if closed else "open actions"
    raise LookupError(f"nobody called {one_line(name)!r} owns any {which}{hint}")


def run(args: argparse.Namespace) -> int:
    from coachtui.commands.common import team_id as find_team_id
    from coachtui.store import open_store

    with open_store(args.db, create=False) as store:
        try:
            team_id = find_team_id(store, args.team) if args.team is not None else None
            owner = _owner(store, args.owner, closed=args.closed) if args.owner is not None else None
        except LookupError as exc:
            say(f"coachtui: {exc}")
            return USAGE
        today = dt.date.today()
        page = store.tracker_actions(
            today=today, team_id=team_id, owner=owner, include_closed=args.closed, limit=args.limit
        )
    if args.json:
        import json

        print(json.dumps([_record(action, today) for action in page.rows], ensure_ascii=False, indent=2))
    elif page.rows:
        _print_table(page.rows, today)
    if not page.rows:
        say("No actions match." if owner or team_id else "No actions yet.")
        return NONE
    if page.next_cursor is not None:
        say(f"(showing the first {len(page.rows)}; more actions match: use --limit to see more)")
    return FOUND


def _record(action: ActionInfo, today: dt.date) -> dict[str, object]:
    return {
        "id": action.id,
        "due": action.due.isoformat() if action.due else "",
        "overdue": action.is_overdue(today),
        "status": action.status,
        "text": action.text,
        "owner": action.owner,
        "team": action.team_name,
        "coach": action.coach,
        "session_id": action.session_id,
    }


def _print_table(rows: list[ActionInfo], today: dt.date) -> None:
    from rich.cells import cell_len, set_cell_size

    from coachtui.text import one_line

    table: list[tuple[str, ...]] = [COLUMNS]
    for action in rows:
        due = action.due.isoformat() if action.due else "-"
        if action.is_overdue(today):
            due += " overdue"
        table.append((due, action.status, one_line(action.text), one_line(action.owner) or "-", one_line(action.team_name)))
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(COLUMNS))]
    if sys.stdout.isatty():
        import shutil

        # only the action gives way on a narrow terminal
        room = shutil.get_terminal_size().columns - (sum(widths) - widths[2]) - 2 * (len(COLUMNS) - 1)
        widths[2] = max(10, min(widths[2], room))
    for row in table:
        cells = [text if cell_len(text) <= w else set_cell_size(text, w - 1) + "…" for text, w in zip(row, widths, strict=True)]
        print("  ".join(text + " " * (w - cell_len(text)) for text, w in zip(cells, widths, strict=True)).rstrip())
