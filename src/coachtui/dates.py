"""Due dates as coaches type them: ``2026-12-01``, ``+7d``, ``friday``, ``next friday``,
``in 2 weeks``, ``tomorrow``, ``1 Dec``. dateparser does the heavy lifting (loaded
on first use: it takes a tenth of a second to import)."""

from __future__ import annotations

import datetime as dt
import re

_OFFSET_RE = re.compile(r"^\+\s*(\d{1,4})\s*([dwm]?)$", re.IGNORECASE)
_MAX_YEARS_AHEAD = 10


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


def parse_due(text: str, today: dt.date | None = None) -> dt.date | None:
    """The date ``text`` means, relative to ``today``; None for empty text."""
    today = today or dt.date.today()
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
    offset = _OFFSET_RE.match(cleaned)
    if offset:
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
    ``3 weeks ago``. Ambiguous dates are read as the past; None for empty text."""
    today = today or dt.date.today()
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
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
    """``Fri 27 Nov 2026 (in 5 days)``: unambiguous, with how far away it is."""
    today = today or dt.date.today()
    delta = (day - today).days
    if delta == 0:
        when = "today"
    elif delta == 1:
        when = "tomorrow"
    elif delta == -1:
        when = "yesterday"
    elif delta > 0:
        when = f"in {delta} days"
    else:
        when = f"{-delta} days ago"
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')} ({when})"
