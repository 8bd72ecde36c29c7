"""Deadline spellings trackers use: financial-year quarters, "End of March 2025", "by …", "Sep-25"."""

from __future__ import annotations

import calendar
import json
from datetime import date
from typing import Any

import pytest
from helpers import MINIMAL_PLAN
from hypothesis import given
from hypothesis import strategies as st

from sendplan.plan.dates import MAX_YEAR, MIN_YEAR, DeadlineError, Precision, first_day, parse_deadline

# A financial year runs into the next calendar year: its start stays a year inside the range.
years = st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR - 1)
quarters = st.integers(min_value=1, max_value=4)
months = st.integers(min_value=1, max_value=12)


def quarter_span(quarter: int, start_year: int) -> tuple[date, date]:
    """Q1 is April–June of the year the financial year starts in; Q4 January–March of the next."""
    first_month = 3 * quarter + 1
    year = start_year + (first_month - 1) // 12
    first_month = (first_month - 1) % 12 + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Q1 2024/25", date(2024, 4, 1), date(2024, 6, 30)),
        ("Q2 2024/25", date(2024, 7, 1), date(2024, 9, 30)),
        ("Q3 2024/25", date(2024, 10, 1), date(2024, 12, 31)),
        ("Q4 2024/25", date(2025, 1, 1), date(2025, 3, 31)),
        ("q4 24/25", date(2025, 1, 1), date(2025, 3, 31)),
        ("Q2 FY2024-25", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024/25 Q2", date(2024, 7, 1), date(2024, 9, 30)),
        ("Q1 2099/2100", date(2099, 4, 1), date(2099, 6, 30)),
    ],
)
def test_financial_year_quarters(text: str, start: date, due: date) -> None:
    """A quarter of the financial year (April to March) falls due on its last day and starts on its first."""
    deadline = parse_deadline(text)
    assert (deadline.precision, deadline.due_date, first_day(deadline), deadline.text) == (
        Precision.QUARTER, due, start, text,
    )


@given(quarters, years, st.sampled_from(["Q{q} {y}/{n:02}", "Q{q} {y}-{n4}", "q{q} fy{y}/{n:02}", "{y}/{n:02} Q{q}"]))
def test_every_spelling_of_a_quarter_is_the_same_three_months(quarter: int, year: int, spelling: str) -> None:
    """However the quarter is written, it covers the same three months of the financial year."""
    text = spelling.format(q=quarter, y=year, n=(year + 1) % 100, n4=year + 1)
    deadline = parse_deadline(text)
    assert (first_day(deadline), deadline.due_date) == quarter_span(quarter, year)


@pytest.mark.parametrize("text", ["Q2 2024/26", "Q5 2024/25", "Q2 2024", "Q2"])
def test_a_quarter_needs_its_financial_year(text: str) -> None:
    """A quarter without a two-year financial year (or a fifth quarter) is not a deadline."""
    with pytest.raises(DeadlineError):
        parse_deadline(text)


@given(months, years, st.sampled_from(["End of {m} {y}", "end {m} {y}", "by the end of {m} {y}", "by {m} {y}",
                                       "{a}-{y}", "BY END OF {m} {y}"]))
def test_words_around_a_month_do_not_move_it(month: int, year: int, spelling: str) -> None:
    """"End of March 2025", "by March 2025" and Excel's "Mar-2025" all fall due when "March 2025" does."""
    text = spelling.format(m=calendar.month_name[month], a=calendar.month_abbr[month], y=year)
    assert parse_deadline(text).due_date == parse_deadline(f"{calendar.month_name[month]} {year}").due_date
    assert parse_deadline(text).precision is Precision.MONTH


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_by_a_day_is_that_day(day: date) -> None:
    """ "by 31/10/2024" falls due on 31 October 2024, day first as in the UK."""
    assert parse_deadline(f"by {day:%d/%m/%Y}").due_date == day


@pytest.mark.parametrize("text", ["End of 3 March 2025", "by every January", "by by March 2025", "End of March"])
def test_words_that_do_not_fit_are_still_errors(text: str) -> None:
    """"end of" a day, "by" a yearly deadline, a doubled "by" and a month without a year are refused."""
    with pytest.raises(DeadlineError):
        parse_deadline(text)


def test_a_long_run_of_by_is_refused_quickly() -> None:
    """Hostile text ("by by by …") is one plain error, not a recursion."""
    with pytest.raises(DeadlineError):
        parse_deadline("by " * 50_000 + "March 2025")


def test_every_command_reads_a_quarter(run: Any, write_plan: Any) -> None:
    """A plan with a quarter deadline loads, lists it with its precision, and --due-after takes a quarter."""
    later = '          - id: "1.2"\n            action: Later\n            deadline_note: Spring term 2025\n'
    write_plan(MINIMAL_PLAN.replace("deadline: Mar 2022", "deadline: Q2 2024/25") + later)
    rows = json.loads(run("list", "--json", "--as-of", "2024-10-01").stdout)
    assert [(row["id"], row["deadline"], row["precision"], row["overdue"]) for row in rows] == [
        ("1.1", "2024-09-30", "quarter", True), ("1.2", None, None, False),
    ]
    after = json.loads(run("list", "--json", "--as-of", "2024-10-01", "--due-after", "Q2 2024/25").stdout)
    assert [row["id"] for row in after] == ["1.1"]
    assert run("validate", "plan.yaml", "--as-of", "2024-10-01").exit_code == 0
