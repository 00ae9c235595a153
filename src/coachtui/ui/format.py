"""Small display helpers shared by the screens (no Textual)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from textual.widgets import Markdown

    from coachtui.store.types import TeamInfo


STATUS_MARKS = {
    None: "·",
    "open": "·",
    "done": "✓",
    "in_progress": "↻",
    "stuck": "!",
    "dropped": "✗",
}


def relative_day(moment: dt.datetime | None, today: dt.date | None = None) -> str:
    if moment is None:
        return "never"
    today = today or dt.date.today()
    day = moment.astimezone().date()
    delta = (today - day).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    if 1 < delta < 7:
        return f"{delta} days ago"
    return f"{day.day} {day.strftime('%b %Y')}"


CLOSED = ("done", "dropped")


def due_label(due: dt.date | None, today: dt.date | None = None, status: str | None = None) -> str:
    """The due date, marked overdue or due today unless the action is closed."""
    if due is None:
        return ""
    today = today or dt.date.today()
    delta = (due - today).days
    if status in CLOSED:
        return due.isoformat()
    if delta < 0:
        return f"{due.isoformat()} (overdue)"
    if delta == 0:
        return f"{due.isoformat()} (today)"
    return due.isoformat()


def status_label(status: str | None) -> str:
    if status is None:
        return "not reviewed"
    from coachtui.store.types import STATUS_LABELS

    return STATUS_LABELS.get(status, status)


def status_cell(status: str | None) -> str:
    return f"{STATUS_MARKS.get(status, '?')} {status_label(status)}"


def cell(text: str, limit: int | None = None) -> object:
    """A DataTable cell that shows ``text`` literally on one line.

    (DataTable parses plain strings as markup and does not measure Content cells,
    so cells are rich Text, which is measured and never parsed.)"""
    from rich.text import Text

    from coachtui.text import one_line

    return Text(one_line(text, limit), no_wrap=True, overflow="ellipsis")


def found_cell(text: str, highlights: tuple[tuple[int, int], ...]) -> object:
    """A search result's piece of text as a DataTable cell, the words searched for
    in bold and underlined (so they show in every theme)."""
    from rich.text import Text

    shown = Text(text, no_wrap=True, overflow="ellipsis")
    for start, end in highlights:
        shown.stylize("bold underline", start, end)
    return shown


def share_width(available: int, columns: list[tuple[int, int, int]]) -> list[int]:
    """Widths for table columns that share ``available`` cells.

    Each column is ``(natural, minimum, weight)``: ``natural`` is the width its longest
    text needs, ``minimum`` what it gets before any other column grows, ``weight`` its
    share of the room left. No column grows past its natural width, so a column is cut
    (with an ellipsis) only when the others have no room to give."""
    widths = [min(natural, minimum) for natural, minimum, _ in columns]
    left = available - sum(widths)
    while left > 0:
        growing = [i for i, (natural, _, weight) in enumerate(columns) if widths[i] < natural and weight > 0]
        if not growing:
            break
        total = sum(columns[i][2] for i in growing)
        given = 0
        for i in growing:
            share = min(columns[i][0] - widths[i], max(1, left * columns[i][2] // total), left - given)
            widths[i] += share
            given += share
            if given >= left:
                break
        left -= given
    return widths


def text_width(text: str) -> int:
    """Cells a one-line text takes on screen."""
    from rich.cells import cell_len

    return cell_len(text)


def bullet_list(items: list[tuple[str, str | Text]], indent: int = 0) -> Table:
    """Items with a marker (• or a number) and a hanging indent, so a wrapped line
    lines up under its own text. Plain ``Text``: what is shown is never markup."""
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    if indent:
        grid.add_column(width=indent - 1)  # the grid's padding adds the last cell
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for marker, text in items:
        body = text if isinstance(text, Text) else Text(text)
        grid.add_row(*([Text("")] if indent else []), Text(marker), body)
    return grid


def show_markdown(widget: Markdown, text: str) -> None:
    """Show ``text`` in a Markdown widget, unless it shows that already: Textual
    builds a widget per block, so drawing a whole session again on every visit to a
    step cost 50-200 ms of a step change."""
    if widget.source != text:
        widget.update(text)


def members_help(team: TeamInfo) -> str:
    """What the members prompt (f8 on the team list) says under the field."""
    if not team.members:
        return (
            "No members yet. Name the people in this group and it becomes an action learning "
            "set: its meetings have several presenters in turn (f9 in the session)."
        )
    lines = []
    for member in team.members:
        left = f" (left {member.left.strftime('%-d %b %Y')})" if member.left else ""
        lines.append(f"• {member.name}{left}")
    return (
        "\n".join(lines)
        + "\n\nA new name joins the set; a former member's brings them back. A minus and a"
        " member's name (-Ann) marks them as left (asked first)."
    )
