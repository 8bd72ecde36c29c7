"""Deadline spellings, due-date rules and periods (sendplan.dates): pure functions, no clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendplan.plan.dates import (
    MAX_YEAR,
    MIN_YEAR,
    DeadlineError,
    Precision,
    add_months,
    days_overdue,
    first_day,
    is_overdue,
    month_end,
    parse_day,
    parse_deadline,
    parse_period,
    period_end,
    recurring_due_date,
)


@pytest.mark.parametrize(
    ("text", "due", "precision"),
    [
        pytest.param("Mar 2022", date(2022, 3, 31), "month", id="month-only falls due on last day"),
        pytest.param("MARCH 2022", date(2022, 3, 31), "month", id="full month name in capitals"),
        pytest.param("APRIL 2022", date(2022, 4, 30), "month", id="thirty-day month"),
        pytest.param("SEPT 2022", date(2022, 9, 30), "month", id="SEPT abbreviation"),
        pytest.param("Nov2022", date(2022, 11, 30), "month", id="no space between month and year"),
        pytest.param("JUL 2022", date(2022, 7, 31), "month", id="three-letter month"),
        pytest.param("Feb 2024", date(2024, 2, 29), "month", id="leap-year February"),
        pytest.param("Feb 2023", date(2023, 2, 28), "month", id="ordinary February"),
        pytest.param("Feb 2100", date(2100, 2, 28), "month", id="century year is not leap"),
        pytest.param("29 Oct 21", date(2021, 10, 29), "day", id="day with two-digit year"),
        pytest.param("18 NOv 21", date(2021, 11, 18), "day", id="odd capitals"),
        pytest.param("5 Nov 21", date(2021, 11, 5), "day", id="single-digit day"),
        pytest.param("2022-03-31", date(2022, 3, 31), "day", id="ISO day"),
        pytest.param("2022-03", date(2022, 3, 31), "month", id="ISO month"),
        pytest.param("31/03/2022", date(2022, 3, 31), "day", id="UK day first with slashes"),
        pytest.param("1st March 2022", date(2022, 3, 1), "day", id="ordinal day"),
        pytest.param("March 31, 2022", date(2022, 3, 31), "day", id="American month-day order"),
        pytest.param("  Mar   2022 ", date(2022, 3, 31), "month", id="extra spaces"),
        pytest.param("Ост 2020", date(2020, 10, 31), "month", id="Cyrillic look-alike letters"),
        pytest.param("29 Feb 2024", date(2024, 2, 29), "day", id="leap day"),
        pytest.param("31st of March 2022", date(2022, 3, 31), "day", id="slow path words"),
        pytest.param("Tuesday 31 March 2022", date(2022, 3, 31), "day", id="slow path weekday"),
    ],
)
def test_parse_deadline_spellings(text: str, due: date, precision: str) -> None:
    """Each spelling people write falls due on the right day with the right precision."""
    deadline = parse_deadline(text)
    assert deadline.due_date == due
    assert deadline.precision == precision
    assert deadline.text == text.strip()


@pytest.mark.parametrize("text", ["every January", "EVERY JANUARY", "each january", "annually in Jan"])
def test_recurring_spellings(text: str) -> None:
    """"every January" recurs yearly and has no single due date."""
    deadline = parse_deadline(text)
    assert deadline.precision is Precision.RECURRING
    assert deadline.month == 1
    assert deadline.due_date is None
    assert deadline.recurs


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("Smarch 2022", '"smarch" is not a month', id="unknown month"),
        pytest.param("31 Feb 2022", "February 2022 has 28 days", id="no such day"),
        pytest.param("29 Feb 2023", "February 2023 has 28 days", id="not a leap year"),
        pytest.param("2022-13-01", "no month 13", id="ISO month 13"),
        pytest.param("2022-02-30", "February 2022 has 28 days", id="ISO day 30 Feb"),
        pytest.param("", "empty", id="empty"),
        pytest.param("soon", "is not a date", id="a word"),
        pytest.param("March", "needs a month and a year", id="no year"),
        pytest.param("every Smarch", '"smarch" is not a month', id="recurring nonsense"),
    ],
)
def test_nonsense_deadlines_are_errors(text: str, fragment: str) -> None:
    """Nonsense is a DeadlineError whose message says what is wrong."""
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(text)
    assert fragment in str(caught.value)


def test_month_precision_does_not_borrow_todays_day() -> None:
    """dateutil fills missing parts from a default; a month must still end on its last day."""
    deadline = parse_deadline("June of 2022")
    assert deadline.due_date == date(2022, 6, 30)
    assert deadline.precision is Precision.MONTH


@pytest.mark.parametrize(
    ("due", "as_of", "overdue", "days"),
    [
        pytest.param(date(2022, 3, 31), date(2022, 3, 31), False, None, id="on the due day"),
        pytest.param(date(2022, 3, 31), date(2022, 4, 1), True, 1, id="the day after"),
        pytest.param(date(2022, 3, 31), date(2022, 3, 1), False, None, id="before"),
        pytest.param(date(2024, 2, 29), date(2024, 3, 1), True, 1, id="leap day then 1 March"),
        pytest.param(None, date(2024, 3, 1), False, None, id="no deadline"),
    ],
)
def test_overdue_from_the_day_after(due: date | None, as_of: date, overdue: bool, days: int | None) -> None:
    """An item is overdue from the day after it falls due, not on the day."""
    assert is_overdue(due, as_of) is overdue
    assert days_overdue(due, as_of) == days


def test_finished_items_are_never_overdue() -> None:
    """Finished work is not overdue however late the day."""
    assert not is_overdue(date(2020, 1, 31), date(2030, 1, 1), finished=True)
    assert days_overdue(date(2020, 1, 31), date(2030, 1, 1), finished=True) is None


EVERY_JANUARY = parse_deadline("every January")
PLAN_DATE = date(2021, 11, 1)


@pytest.mark.parametrize(
    ("as_of", "completed", "due"),
    [
        pytest.param(date(2021, 11, 1), None, date(2022, 1, 31), id="first occurrence after the plan date"),
        pytest.param(date(2022, 1, 31), None, date(2022, 1, 31), id="on the day it falls due"),
        pytest.param(date(2022, 6, 1), None, date(2022, 1, 31), id="missed this year: late for it"),
        pytest.param(date(2023, 6, 1), None, date(2023, 1, 31), id="missed two years: late for the latest"),
        pytest.param(date(2022, 6, 1), date(2022, 1, 20), date(2023, 1, 31), id="done this year: next year"),
        pytest.param(date(2022, 6, 1), date(2022, 2, 10), date(2023, 1, 31), id="done late: still next year"),
        pytest.param(date(2023, 3, 1), date(2022, 1, 20), date(2023, 1, 31), id="done last year only"),
    ],
)
def test_recurring_due_date(as_of: date, completed: date | None, due: date) -> None:
    """A yearly deadline falls due at the month's end each year, from the plan's date on."""
    assert recurring_due_date(EVERY_JANUARY, plan_date=PLAN_DATE, as_of=as_of, completed=completed) == due


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30d", (30, "days")), ("2w", (2, "weeks")), ("3m", (3, "months")), ("1 month", (1, "months"))],
)
def test_parse_period(text: str, expected: tuple[int, str]) -> None:
    """Periods are days, weeks or months."""
    assert parse_period(text) == expected


def test_bad_period_is_an_error() -> None:
    """A period that is not a number and a unit says how to write one."""
    with pytest.raises(DeadlineError, match="30d"):
        parse_period("soon")


def test_period_end_months_clamps_to_month_end() -> None:
    """One month after 31 January is the end of February."""
    assert period_end(date(2022, 1, 31), (1, "months")) == date(2022, 2, 28)
    assert period_end(date(2022, 1, 1), (30, "days")) == date(2022, 1, 31)
    assert period_end(date(2022, 1, 1), (2, "weeks")) == date(2022, 1, 15)


def test_parse_day_and_first_day() -> None:
    """A month used as a bound means its last day (before) or its first day (after)."""
    assert parse_day("Sep 2022") == date(2022, 9, 30)
    assert first_day(parse_deadline("Sep 2022")) == date(2022, 9, 1)
    assert first_day(parse_deadline("5 Sep 2022")) == date(2022, 9, 5)
    with pytest.raises(DeadlineError):
        parse_day("every June")


days = st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31))


@given(days)
def test_month_year_always_falls_due_at_month_end(day: date) -> None:
    """For any day d, "Mon YYYY" falls due on the last day of d's month."""
    deadline = parse_deadline(f"{day:%b %Y}")
    assert deadline.due_date == month_end(day.year, day.month)
    assert (deadline.due_date + timedelta(days=1)).day == 1


@given(days)
def test_iso_and_written_days_round_trip(day: date) -> None:
    """ISO and "d Mon YYYY" spellings of any day parse back to that day."""
    assert parse_deadline(day.isoformat()).due_date == day
    assert parse_deadline(f"{day.day} {day:%B} {day.year}").due_date == day


@given(st.text(max_size=40))
def test_parse_deadline_never_raises_anything_else(text: str) -> None:
    """Any text either parses or raises DeadlineError: never another exception."""
    try:
        deadline = parse_deadline(text)
    except DeadlineError:
        return
    assert deadline.precision in set(Precision)


@given(days, st.integers(min_value=-1200, max_value=1200))
def test_add_months_stays_in_target_month(day: date, months: int) -> None:
    """add_months lands in the right month and never past its end."""
    try:
        moved = add_months(day, months)
    except ValueError:
        return  # beyond year 9999 or before year 1
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


@pytest.mark.parametrize(
    "text",
    ["0001-01-01", "Jan 0001", "1 Jan 1899", "Dec 1899", "9999-12-31", "Dec 9999", "2201-01-01", "31/12/9999", "2022-00-10"],
)
def test_years_outside_the_range_are_refused(text: str) -> None:
    """A day or month outside 1900–2200 is a DeadlineError saying so (never an overflow later)."""
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(text)
    assert "1900–2200" in str(caught.value) or "no month" in str(caught.value)


@pytest.mark.parametrize("text", ["1 Jan 1900", "Dec 2200", "2200-12-31"])
def test_the_edges_of_the_range_are_accepted(text: str) -> None:
    """The first and last days of the range are ordinary days."""
    assert parse_deadline(text).due_date is not None


@pytest.mark.parametrize("text", ["99999999m", "36501d", "5201w", "1201 months", "9" * 5000 + "d"])
def test_periods_longer_than_a_hundred_years_are_refused(text: str) -> None:
    """A period beyond a hundred years is a DeadlineError naming the limit, never an overflow."""
    with pytest.raises(DeadlineError) as caught:
        parse_period(text)
    assert "at most a hundred years" in str(caught.value)


@given(days, st.sampled_from(["days", "weeks", "months"]), st.integers(min_value=0, max_value=5200))
def test_every_period_from_every_day_has_an_end(day: date, unit: str, count: int) -> None:
    """Any period parse_period accepts, from any day in the range, ends on a real day."""
    try:
        period = parse_period(f"{count}{unit[0]}")
    except DeadlineError:
        return
    assert period_end(day, period) >= day
