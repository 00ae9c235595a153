"""The agreed actions as a calendar file (``coachtui export --format ics``).

One VTODO per open action (open, in progress or stuck) that has a due date, with
its owner and team in the text. Each to-do's UID is made from the action's id, so
exporting again and importing the file again updates the same to-dos in a calendar
program instead of adding copies (SEQUENCE and LAST-MODIFIED follow the action's
version). Written with the optional ``icalendar`` package (the ``calendar`` extra).

Not a command of its own: ``commands.export`` calls it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

PRODID = "-//coachtui//agreed actions//EN"
UID_DOMAIN = "coachtui"
OPEN = {"open": "NEEDS-ACTION", "in_progress": "IN-PROCESS", "stuck": "NEEDS-ACTION"}
STATUS_WORDS = {"open": "open", "in_progress": "in progress", "stuck": "stuck"}


def uid(action_id: str) -> str:
    return f"action-{action_id}@{UID_DOMAIN}"


def _when(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        stamp = value
    else:
        stamp = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def calendar_bytes(document: dict[str, Any]) -> tuple[bytes, int]:
    """The .ics file for an export document (``Store.export_json``), and how many
    to-dos it holds."""
    from icalendar import Calendar, Todo

    teams = {team["id"]: team["name"] for team in document.get("teams", [])}
    sessions = {session["id"]: session for session in document.get("sessions", [])}
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "coachtui: agreed actions")
    count = 0
    actions = sorted(document.get("actions", []), key=lambda a: (str(a.get("due_date")), a["id"]))
    for action in actions:
        if action.get("status") not in OPEN or not action.get("due_date"):
            continue
        team = teams.get(action.get("team_id"), "")
        owner = action.get("owner") or "(no owner)"
        session = sessions.get(action.get("session_id")) or {}
        lines = [f"Owner: {owner}", f"Team: {team}", f"Status: {STATUS_WORDS[action['status']]}"]
        if session:
            agreed = _when(session["created_at"]).astimezone().strftime("%Y-%m-%d")
            lines.append(f"Agreed in: {session.get('title') or 'a coaching session'} ({agreed})")
        if action.get("coach"):
            lines.append(f"Coach: {action['coach']}")
        todo = Todo()
        todo.add("uid", uid(action["id"]))
        todo.add("summary", f"{action['text']} ({owner}, {team})" if team else f"{action['text']} ({owner})")
        todo.add("description", "\n".join(lines))
        todo.add("due", _day(action["due_date"]))
        todo.add("status", OPEN[action["status"]])
        if team:
            todo.add("categories", [team])
        changed = _when(action.get("updated_at") or action["created_at"])
        todo.add("dtstamp", changed)
        todo.add("last-modified", changed)
        todo.add("created", _when(action["created_at"]))
        todo.add("sequence", max(0, int(action.get("version") or 1) - 1))
        calendar.add_component(todo)
        count += 1
    return calendar.to_ical(), count


def is_earlier_export(path: Path) -> bool:
    """Whether ``path`` holds an earlier ``coachtui export --format ics``."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.startswith(b"BEGIN:VCALENDAR") and f"PRODID:{PRODID}".encode() in head


def calendar_target(output: str | Path, *, database: Path | None, force: bool = False, force_hint: str = "") -> Path:
    """Where the calendar may be written, or ExportFailed (one line, nothing written):
    every check of an export, and an existing file only when it is an earlier
    coachtui calendar (or with ``force``)."""
    from coachtui.store.errors import ExportFailed
    from coachtui.store.exchange.files import check_output

    # Every check but "an earlier export of the same kind", which is made here.
    target = check_output(output, "ics", database=database, force=True)
    if target.exists() and not force and not is_earlier_export(target):
        hint = f", or {force_hint}" if force_hint else ""
        raise ExportFailed(
            f"{target} already exists and is not an earlier coachtui calendar export; choose another file name{hint}"
        )
    return target


def write_calendar(store: Any, output: str | Path, selection: Any, *, force: bool = False) -> tuple[Path, int]:
    """Write the open actions with a due date of ``selection`` (an ExportSelection)
    to ``output`` as a calendar (the file whole or not at all, readable by its owner
    only); returns the file and how many to-dos it holds."""
    from coachtui.store.exchange.files import write_export

    target = calendar_target(output, database=store.target.path, force=force)
    content, count = calendar_bytes(store.export_json(selection))
    return write_export(target, content), count
