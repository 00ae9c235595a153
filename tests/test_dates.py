"""Due dates as coaches type them (issue 14, item 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from coachtui.dates import DateError, describe, parse_due, parse_past

WEDNESDAY = dt.date(2026, 11, 18)


def test_friday_is_this_week_and_next_friday_is_next_week() -> None:
    assert parse_due("friday", WEDNESDAY) == dt.date(2026, 11, 20)
    assert parse_due("this friday", WEDNESDAY) == dt.date(2026, 11, 20)
    assert parse_due("next friday", WEDNESDAY) == dt.date(2026, 11, 27)
    assert parse_due("Next  Monday", WEDNESDAY) == dt.date(2026, 11, 23)


def test_the_feedback_says_which_week() -> None:
    assert describe(dt.date(2026, 11, 20), WEDNESDAY) == "Fri 20 Nov 2026 (this week, in 2 days)"
    assert describe(dt.date(2026, 11, 27), WEDNESDAY) == "Fri 27 Nov 2026 (next week, in 9 days)"
    assert describe(dt.date(2026, 12, 2), WEDNESDAY) == "Wed 2 Dec 2026 (in 2 weeks, in 14 days)"
    assert describe(dt.date(2026, 11, 19), WEDNESDAY) == "Thu 19 Nov 2026 (tomorrow)"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("end of month", dt.date(2026, 11, 30)),
        ("end of the month", dt.date(2026, 11, 30)),
        ("End of next month", dt.date(2026, 12, 31)),
        ("end of week", dt.date(2026, 11, 20)),
    ],
)
def test_end_of_month(text: str, day: dt.date) -> None:
    assert parse_due(text, WEDNESDAY) == day


def test_end_of_month_in_february_and_december() -> None:
    assert parse_due("end of month", dt.date(2028, 2, 3)) == dt.date(2028, 2, 29)
    assert parse_due("end of next month", dt.date(2026, 12, 5)) == dt.date(2027, 1, 31)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "2026-00-10", "2026-4-31"])
def test_impossible_iso_dates_are_a_clear_error(text: str) -> None:
    with pytest.raises(DateError) as due:
        parse_due(text, WEDNESDAY)
    with pytest.raises(DateError) as past:
        parse_past(text, WEDNESDAY)
    for error in (due, past):
        message = str(error.value)
        assert text in message and "\n" not in message
        assert "no such date" in message


def test_dates_that_exist_still_work() -> None:
    assert parse_due("2026-12-01", WEDNESDAY) == dt.date(2026, 12, 1)
    assert parse_due("2026-2-3", WEDNESDAY) == dt.date(2026, 2, 3)
    assert parse_due("+7d", WEDNESDAY) == dt.date(2026, 11, 25)
    assert parse_due("1 Dec", WEDNESDAY) == dt.date(2026, 12, 1)
    assert parse_past("2026-03-01", WEDNESDAY) == dt.date(2026, 3, 1)


MONDAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "due", "since"),
    [
        # next/last: the day of next/last week (weeks run Monday to Sunday), in every field
        ("next friday", dt.date(2026, 12, 18), dt.date(2026, 12, 18)),
        ("next monday", dt.date(2026, 12, 14), dt.date(2026, 12, 14)),
        ("last friday", dt.date(2026, 12, 4), dt.date(2026, 12, 4)),
        ("last monday", dt.date(2026, 11, 30), dt.date(2026, 11, 30)),
        # this: the coming one, today counting, in every field
        ("this monday", MONDAY, MONDAY),
        ("this friday", dt.date(2026, 12, 11), dt.date(2026, 12, 11)),
        # a bare day: today counts; a due date looks ahead, a filter back
        ("monday", MONDAY, MONDAY),
        ("friday", dt.date(2026, 12, 11), dt.date(2026, 12, 4)),
        ("Sunday", dt.date(2026, 12, 13), dt.date(2026, 12, 6)),
    ],
)
def test_day_words_mean_one_thing_in_due_dates_and_filters(text: str, due: dt.date, since: dt.date) -> None:
    """A tester found "next friday" was Dec 18 as a due date but Dec 11 for
    export --since, and "monday" said on a Monday meant a week away (or ago)."""
    assert parse_due(text, MONDAY) == due
    assert parse_past(text, MONDAY) == since


def test_last_week_s_day_said_late_in_the_week() -> None:
    saturday = dt.date(2026, 12, 12)
    assert parse_due("last friday", saturday) == parse_past("last friday", saturday) == dt.date(2026, 12, 4)
    assert parse_past("friday", saturday) == dt.date(2026, 12, 11)
    assert parse_due("friday", saturday) == dt.date(2026, 12, 18)
