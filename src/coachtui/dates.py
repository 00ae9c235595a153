"""Due dates as coaches type them: ``2026-12-01``, ``+7d``, ``friday``, ``next friday``,
``in 2 weeks``, ``tomorrow``, ``1 Dec``, ``end of month``. dateparser does the heavy
lifting (loaded on first use: it takes a tenth of a second to import).

Days of the week mean the same in a due date and in a filter (``--since``, the
history's dates). Weeks run Monday to Sunday:

* ``next friday``: the Friday of next week; ``last friday``: the Friday of last week;
* ``this friday``: the coming Friday (today, if today is a Friday);
* ``friday`` alone: the nearest Friday in the direction the field looks, today
  counting: the coming one for a due date, the one just gone for a filter.

So ``friday`` and ``next friday`` never mean the same day."""

from __future__ import annotations

import datetime as dt
import re

_OFFSET_RE = re.compile(r"^\+\s*(\d{1,4})\s*([dwm]?)$", re.IGNORECASE)
_MAX_YEARS_AHEAD = 10
# Looks like a year-month-day date: then it is one, or it is an error (dateparser would
# read "2026-13-01" as the 13th of January).
_ISO_LIKE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_RE = re.compile(r"^(?:(this|next|last)\s+)?(" + "|".join(_WEEKDAYS) + r")$", re.IGNORECASE)
_END_OF_RE = re.compile(r"^(?:the\s+)?end\s+of\s+(?:the\s+)?(this\s+|next\s+)?(week|month)$", re.IGNORECASE)


class DateError(ValueError):
    """The text is not a date we understand; str() says so in one line."""


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise DateError("that date does not exist")  # pragma: no cover - 28 always exists


def _iso_like(text: str) -> dt.date | None:
    """``2026-12-01`` (or ``2026-2-3``) as a date; DateError if no such day exists."""
    match = _ISO_LIKE_RE.match(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            why = f"there is no month {month}"
        else:
            why = f"{dt.date(2000, month, 1).strftime('%B')} {year} has no day {day}"
        raise DateError(f"no such date: {text} ({why}; dates are year-month-day)") from None


def _end_of_month(day: dt.date) -> dt.date:
    first_of_next = _add_months(day.replace(day=1), 1)
    return first_of_next - dt.timedelta(days=1)


def weekday(text: str, today: dt.date, *, past: bool = False) -> dt.date | None:
    """``friday``, ``this friday``, ``next friday``, ``last friday`` (see the module's
    docstring); ``past``: a bare day looks back (a filter), not ahead (a due date)."""
    found = _WEEKDAY_RE.match(text)
    if not found:
        return None
    which, day = (found.group(1) or "").lower(), _WEEKDAYS.index(found.group(2).lower())
    if which in ("next", "last"):
        monday = today - dt.timedelta(days=today.weekday())
        return monday + dt.timedelta(days=day + (7 if which == "next" else -7))
    if past and not which:
        return today - dt.timedelta(days=(today.weekday() - day) % 7)
    return today + dt.timedelta(days=(day - today.weekday()) % 7)


def _words(text: str, today: dt.date) -> dt.date | None:
    """``friday``, ``next friday``, ``end of month``, ``end of next week``."""
    day = weekday(text, today)
    if day is not None:
        return day
    end = _END_OF_RE.match(text)
    if end:
        following = bool(end.group(1) and end.group(1).strip().lower() == "next")
        if end.group(2).lower() == "month":
            return _end_of_month(_add_months(today.replace(day=1), 1) if following else today)
        # the end of a working week: its Friday (this week's, or next week's once it has passed)
        friday = today + dt.timedelta(days=4 - today.weekday())
        if friday < today:
            friday += dt.timedelta(weeks=1)
        return friday + dt.timedelta(weeks=1) if following else friday
    return None


def parse_due(text: str, today: dt.date | None = None) -> dt.date | None:
    """The date ``text`` means, relative to ``today``; None for empty text."""
    today = today or dt.date.today()
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
    offset = _OFFSET_RE.match(cleaned)
    iso = _iso_like(cleaned)
    words = None if offset or iso else _words(cleaned, today)
    if iso is not None:
        result = iso
    elif words is not None:
        result = words
    elif offset:
        amount, unit = int(offset.group(1)), (offset.group(2) or "d").lower()
        if unit == "d":
            result = today + dt.timedelta(days=amount)
        elif unit == "w":
            result = today + dt.timedelta(weeks=amount)
        else:
            result = _add_months(today, amount)
    else:
        try:
            result = dt.date.fromisoformat(cleaned)
        except ValueError:
            result = _natural(cleaned, today)
    if result.year > today.year + _MAX_YEARS_AHEAD:
        raise DateError(f"{result.isoformat()} is too far ahead to be a due date")
    return result


def _natural(text: str, today: dt.date) -> dt.date:
    import dateparser

    base = dt.datetime.combine(today, dt.time(12, 0))
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise DateError(f"not a date I understand: {text!r} (try 2026-12-01, +7d or next friday)")
    return parsed.date()


def parse_past(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date for a history filter: ``2026-03-01``, ``1 march``, ``last monday``,
    ``3 weeks ago``. Ambiguous dates are read as the past (a day of the week as the
    module's docstring says); None for empty text."""
    today = today or dt.date.today()
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
    iso = _iso_like(cleaned)
    if iso is not None:
        return iso
    day = weekday(cleaned, today, past=True)
    if day is not None:
        return day
    try:
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        pass
    import dateparser

    parsed = dateparser.parse(
        cleaned,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12, 0)),
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise DateError(f"not a date I understand: {text!r} (try 2026-03-01 or 3 weeks ago)")
    return parsed.date()


def warm_up() -> None:
    """Import dateparser and build its caches ahead of the first real use."""
    try:
        _natural("next friday", dt.date.today())
    except DateError:  # pragma: no cover
        pass


def describe(day: dt.date, today: dt.date | None = None) -> str:
    """``Fri 27 Nov 2026 (next week, in 9 days)``: unambiguous, with which week it is
    in and how far away it is."""
    today = today or dt.date.today()
    delta = (day - today).days
    weeks = (day - dt.timedelta(days=day.weekday()) - (today - dt.timedelta(days=today.weekday()))).days // 7
    week = {0: "this week, ", 1: "next week, "}.get(weeks, f"in {weeks} weeks, " if 1 < weeks < 9 else "")
    if delta == 0:
        when = "today"
    elif delta == 1:
        when = "tomorrow"
    elif delta == -1:
        when = "yesterday"
    elif delta > 0:
        when = f"{week}in {delta} days"
    else:
        when = f"{-delta} days ago"
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')} ({when})"
