"""What several commands share: finding a team by the name typed (with "did you
mean" when there is none), reading a date for ``--since`` the way the app does, and
the fields that start a session's record in ``--json`` output.

Not a command itself (it is not in ``COMMANDS``); light to import."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachtui.store import Store


def past_date(text: str) -> dt.date:
    """``--since``: ``2026-03-01``, ``1 march``, ``last monday``, ``3 weeks ago`` (the
    words the app's history filter takes)."""
    from coachtui.dates import DateError, parse_past

    try:
        day = parse_past(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if day is None:
        raise argparse.ArgumentTypeError("give a date, e.g. 2026-03-01 or '3 weeks ago'")
    return day


def team_id(store: Store, name: str) -> str:
    """The id of the team called ``name`` (ignoring case). Raises LookupError, one
    line, with the closest name there is when there is no such team."""
    import difflib

    from coachtui.text import one_line

    found = store.find_team(name)
    if found is not None:
        return str(found.id)
    names = {team.name.casefold(): team.name for team in store.list_teams(include_archived=True)}
    close = difflib.get_close_matches(name.casefold(), list(names), n=1)
    hint = f"; did you mean {one_line(names[close[0]])!r}?" if close else ""
    raise LookupError(f"there is no team called {one_line(name)!r}{hint}")


def say(message: str) -> None:
    """One line for the person at the terminal (stderr), beside what a command prints."""
    print(message, file=sys.stderr)


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (``--limit``)."""

    def read(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"give a number from {low} to {high}")
        return number

    return read


def session_header(
    session_id: str, created_at: dt.datetime, team: str, coach: str, category: str | None
) -> dict[str, str]:
    """The fields every command's ``--json`` record of a session starts with, in this
    order: its id, local date and time, team, coach and category ("unsure" if none)."""
    created = created_at.astimezone()
    return {
        "id": session_id,
        "date": created.strftime("%Y-%m-%d"),
        "created_at": created.isoformat(timespec="seconds"),
        "team": team,
        "coach": coach,
        "category": category or "unsure",
    }
