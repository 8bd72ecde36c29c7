"""Deadline spellings and due-date rules. Pure: never reads the clock.

Every function that needs "today" takes `as_of`; only the CLI decides what today is.
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sendplan.errors import quoted

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9

# Letters from other scripts that look like Latin ones. PDF extraction and copy-paste bring
# them in ("Ост 2020" with Cyrillic О, с, т); we read them as the Latin letter they mimic and
# the plan checks point them out.
LOOKALIKES = str.maketrans(
    "АВСЕНКМОРТХУаеорсухіјѕтквмнΑΒΕΖΗΙΚΜΝΟΡΤΥΧον",
    "ABCEHKMOPTXYaeopcyxijstkbmhABEZHIKMNOPTYXov",
)

# The years a deadline, completion date or --as-of day may fall in. A council plan runs for
# a few years either side of now, so a year outside these is a typing slip (2202 for 2022,
# 0022); and sendplan counts on from every date it reads (the day after a deadline, a month
# ahead, the next January), which at the calendar's own edges (year 1, year 9999) has
# nowhere to go.
MIN_YEAR = 1900
MAX_YEAR = 2200
# The longest period (--within, --ahead) in each unit: a hundred years.
MAX_PERIOD = {"days": 36_500, "weeks": 5_200, "months": 1_200}

# Any of those letters: one search over a file says whether it holds any at all.
LOOKALIKE = re.compile("[" + "".join(map(chr, LOOKALIKES)) + "]")

EXAMPLES = 'Write a month and year such as "Mar 2022", a day such as "31 Mar 2022" or "2022-03-31", or "every January" for a yearly deadline.'


class DeadlineError(ValueError):
    """A deadline that cannot be read. The message is plain English and says what to write."""


class Precision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    RECURRING = "recurring"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline as written and what it means.

    *due_date* is the day it falls due; for a recurring deadline it is None, because the
    occurrence that matters depends on the day you ask (see `recurring_due_date`).
    """

    text: str
    precision: Precision
    due_date: date | None
    month: int

    @property
    def recurs(self) -> bool:
        return self.precision is Precision.RECURRING


def month_end(year: int, month: int) -> date:
    """The last day of a month: a month-precision deadline falls due then."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day *months* later, pulled back to the month's end where it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def without_lookalikes(text: str) -> str:
    """*text* with Cyrillic and Greek look-alike letters replaced by the Latin ones."""
    return text.translate(LOOKALIKES)


def has_lookalikes(text: str) -> bool:
    return without_lookalikes(text) != text


_SPACES = re.compile(r"\s+")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DAY_MONTH_YEAR = re.compile(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s*)?([a-z]+)\.?,?\s*(\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
# Excel's "mmm-yy" display of a date cell: "Sep-25" is September 2025.
_MONTH_DASH_YEAR = re.compile(r"([a-z]+)\.?-(\d{4}|\d{2})")
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})")
_RECURRING = re.compile(r"(?:every|each|annually(?:\s+in)?|yearly(?:\s+in)?)\s+([a-z]+)")
# Financial-year quarters, as English councils count them: Q1 is April to June, Q4 January to
# March of the next calendar year. "Q2 2024/25", "Q2 24/25", "Q2 FY2024-25", "2024/25 Q2".
_FY = r"(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})"
_QUARTER_FIRST = re.compile(r"q([1-4])\s*" + _FY)
_QUARTER_LAST = re.compile(_FY + r"\s*q([1-4])")
# "End of March 2025", "by the end of Mar 2025", "by 31 March 2025": the same deadline.
_END_OF = re.compile(r"(?:by\s+)?(?:the\s+)?end\s+(?:of\s+)?(.+)")
_BY = re.compile(r"by\s+(.+)")


def _full_year(digits: str) -> int:
    # Plans write "29 Oct 21" for 2021: two-digit years are this century.
    year = int(digits)
    return 2000 + year if len(digits) == 2 else year


def _month_number(word: str, text: str) -> int:
    month = MONTHS.get(word)
    if month is None:
        raise DeadlineError(f'{quoted(text)} is not a date: {quoted(word)} is not a month. {EXAMPLES}')
    return month


def _check_year(text: str, year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DeadlineError(
            f"{quoted(text)} is not a date sendplan can use: the year {year} is outside {MIN_YEAR}–{MAX_YEAR}, "
            "so it is most likely a typing slip. Check the year."
        )


def _real_day(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise DeadlineError(f'{quoted(text)} is not a date: there is no month {month}. {EXAMPLES}')
    _check_year(text, year)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DeadlineError(
            f'{quoted(text)} is not a real date: {calendar.month_name[month]} {year} has {last} days.'
        )
    return date(year, month, day)


def _month(text: str, year: int, month: int) -> Deadline:
    if not 1 <= month <= 12:
        raise DeadlineError(f'{quoted(text)} is not a date: there is no month {month}. {EXAMPLES}')
    _check_year(text, year)
    return Deadline(text, Precision.MONTH, month_end(year, month), month)


def _day(text: str, year: int, month: int, day: int) -> Deadline:
    return Deadline(text, Precision.DAY, _real_day(text, year, month, day), month)


def _quarter(text: str, quarter: int, first: str, second: str) -> Deadline:
    """Quarter *quarter* of the financial year *first*/*second* (April to March)."""
    start = _full_year(first)
    # "2024/25", and "1999/00" across a century: the second year is the next one, perhaps cut to two digits.
    follows = int(second) == start + 1 if len(second) == 4 else int(second) == (start + 1) % 100
    if not follows:
        raise DeadlineError(
            f'{quoted(text)} is not a financial year: {first}/{second} should be two years in a row, such as "2024/25".'
        )
    if not 1 <= start <= 9998:
        raise DeadlineError(f'{quoted(text)} is not a date: the year {start} is out of range.')
    last_month = 3 * quarter + 3  # Q1 ends in June, Q3 in December, Q4 (15) in March
    year = start + (last_month - 1) // 12
    month = (last_month - 1) % 12 + 1
    return Deadline(text, Precision.QUARTER, month_end(year, month), month)


def parse_deadline(text: str) -> Deadline:
    """Read a deadline the way people write it.

    "Mar 2022", "MARCH 2022", "SEPT 2022", "Nov2022", "Mar-22" (as Excel shows a month) and
    "End of March 2022" fall due on the last day of the month; "29 Oct 21", "2022-03-31" and "31/03/2022" (day first, as in the UK)
    on that day; "2022-03" is a month; "Q2 2024/25" is a financial-year quarter (July to
    September 2024), due on its last day; "by" may stand before any of these; "every January"
    recurs each year. Raises DeadlineError otherwise.
    """
    if not isinstance(text, str):
        raise DeadlineError(f"a deadline must be text, not {type(text).__name__}. {EXAMPLES}")
    written = text.strip()
    if not written:
        raise DeadlineError(f"the deadline is empty. {EXAMPLES}")
    folded = _SPACES.sub(" ", without_lookalikes(written)).lower()
    if match := _END_OF.fullmatch(folded) or _BY.fullmatch(folded):
        return _prefixed(written, folded, match)
    return _unprefixed(written, folded)


def _prefixed(written: str, folded: str, match: re.Match[str]) -> Deadline:
    """ "End of March 2025", "by Q2 2024/25": the words before the deadline change nothing."""
    rest = _SPACES.sub(" ", written.strip())[match.start(1) :]  # the same letters, as written
    inner = _unprefixed(rest, match[1])  # one prefix only: "by by by …" is not a deadline
    if match.re is _END_OF and inner.precision not in (Precision.MONTH, Precision.QUARTER):
        raise DeadlineError(f'{quoted(written)}: "end of" goes with a month, such as "End of March 2025". {EXAMPLES}')
    if inner.recurs:
        raise DeadlineError(f'{quoted(written)}: "by" goes with one month or day, such as "by March 2025". {EXAMPLES}')
    return Deadline(written, inner.precision, inner.due_date, inner.month)


def _unprefixed(written: str, folded: str) -> Deadline:
    if re.fullmatch(r"q[1-4] ?(?:fy ?)?\d{2,4}", folded):
        raise DeadlineError(
            f'{quoted(written)} is a quarter without its financial year: write it as "Q2 2024/25" '
            "(financial-year quarters run April to June = Q1 … January to March = Q4)."
        )
    if match := _QUARTER_FIRST.fullmatch(folded):
        return _quarter(written, int(match[1]), match[2], match[3])
    if match := _QUARTER_LAST.fullmatch(folded):
        return _quarter(written, int(match[3]), match[1], match[2])
    if match := _ISO_DAY.fullmatch(folded):
        return _day(written, int(match[1]), int(match[2]), int(match[3]))
    if match := _ISO_MONTH.fullmatch(folded):
        return _month(written, int(match[1]), int(match[2]))
    if match := _RECURRING.fullmatch(folded):
        month = _month_number(match[1], written)
        return Deadline(written, Precision.RECURRING, None, month)
    if match := _DAY_MONTH_YEAR.fullmatch(folded):
        month = _month_number(match[2], written)
        year = _full_year(match[3])
        if match[1] is None:
            return _month(written, year, month)
        return _day(written, year, month, int(match[1]))
    if (match := _MONTH_DASH_YEAR.fullmatch(folded)) and match[1] in MONTHS:
        return _month(written, _full_year(match[2]), MONTHS[match[1]])
    if match := _MONTH_DAY_YEAR.fullmatch(folded):
        return _day(written, int(match[3]), _month_number(match[1], written), int(match[2]))
    if match := _SLASHED.fullmatch(folded):
        return _day(written, _full_year(match[3]), int(match[2]), int(match[1]))
    return _parse_with_dateutil(written, folded)


def _parse_with_dateutil(written: str, folded: str) -> Deadline:
    """The slow path, for spellings the patterns above do not know ("31st of March 2022").

    dateutil fills any missing part from its default date, so parse twice with two
    different defaults: a part that changes with the default was never written.
    """
    from dateutil import parser  # only here: most plans never need it

    first_default = datetime(2004, 1, 1)
    second_default = datetime(2008, 2, 2)
    try:
        first = parser.parse(folded, dayfirst=True, default=first_default)
        second = parser.parse(folded, dayfirst=True, default=second_default)
    except (ValueError, OverflowError):
        raise DeadlineError(f'{quoted(written)} is not a date. {EXAMPLES}') from None
    if first.year != second.year or first.month != second.month:
        raise DeadlineError(f'{quoted(written)} needs a month and a year. {EXAMPLES}')
    if first.day != second.day:
        return _month(written, first.year, first.month)
    return _day(written, first.year, first.month, first.day)


def date_fault(text: str) -> str | None:
    """Why *text*, written like a date, is none ("there is no month 13", "November 2024 has 30
    days"), or None when it reads as a deadline or is simply words ("Ongoing", "TBC")."""
    try:
        parse_deadline(text)
    except DeadlineError as error:
        said = str(error).removesuffix(EXAMPLES).strip().removeprefix(quoted(text))
        for start in (" is not a date: ", " is not a real date: "):
            if said.startswith(start):
                return said.removeprefix(start).rstrip(".")
        return None
    return None


def parse_day(text: str) -> date:
    """A single day, for --as-of, filters and completion dates: a month means its last day."""
    deadline = parse_deadline(text)
    if deadline.due_date is None:
        raise DeadlineError(f'{quoted(text)} recurs; give one day such as "31 Mar 2022".')
    return deadline.due_date


def first_day(deadline: Deadline) -> date:
    """The first day a deadline covers: the day itself, or the first of its month."""
    if deadline.due_date is None:
        raise DeadlineError(f'{quoted(deadline.text)} recurs; give one month such as "Nov 2021".')
    if deadline.precision is Precision.MONTH:
        return deadline.due_date.replace(day=1)
    if deadline.precision is Precision.QUARTER:
        return add_months(deadline.due_date.replace(day=1), -2)
    return deadline.due_date


def _occurrence(month: int, year: int) -> date:
    return month_end(year, month)


def _nearest_occurrence(month: int, day: date) -> date:
    candidates = [_occurrence(month, day.year + offset) for offset in (-1, 0, 1)]
    # Ties go to the later occurrence: work done midway counts towards the coming one.
    return min(candidates, key=lambda occurrence: (abs((occurrence - day).days), -occurrence.toordinal()))


def recurring_due_date(
    deadline: Deadline, *, plan_date: date, as_of: date, completed: date | None = None
) -> date:
    """When a yearly deadline falls due, as of a day.

    Occurrences are the ends of the month each year, from the plan's date on. A completion
    covers the occurrence nearest to it, and every one before. The item falls due at the
    latest uncovered occurrence on or before *as_of* (it is late for that one), or else at the
    next one to come.
    """
    first = _occurrence(deadline.month, plan_date.year)
    if first < plan_date:
        first = _occurrence(deadline.month, plan_date.year + 1)
    if completed is not None:
        covered = _nearest_occurrence(deadline.month, completed)
        if covered >= first:
            first = _occurrence(deadline.month, covered.year + 1)
    if first >= as_of:
        return first
    latest = _occurrence(deadline.month, as_of.year)
    if latest >= as_of:
        latest = _occurrence(deadline.month, as_of.year - 1)
    return max(first, latest)


def is_overdue(due_date: date | None, as_of: date, *, finished: bool = False) -> bool:
    """Overdue from the day after it falls due, unless finished."""
    return due_date is not None and not finished and as_of > due_date


def days_overdue(due_date: date | None, as_of: date, *, finished: bool = False) -> int | None:
    """Whole days past the due date, or None when not overdue."""
    if not is_overdue(due_date, as_of, finished=finished):
        return None
    assert due_date is not None  # is_overdue said so
    return (as_of - due_date).days


_PERIOD = re.compile(r"(\d+)\s*(d|day|days|w|wk|week|weeks|m|mo|month|months)")


def parse_period(text: str) -> tuple[int, str]:
    """"30d", "2w", "3m", "1 month" → (count, unit) with unit "days", "weeks" or "months"."""
    match = _PERIOD.fullmatch(text.strip().lower())
    if match is None:
        raise DeadlineError(
            f'{quoted(text)} is not a period. Write a number of days, weeks or months such as "30d", "2w" or "3m".'
        )
    unit = {"d": "days", "w": "weeks", "m": "months"}[match[2][0]]
    # int() of thousands of digits is refused by Python itself: anything this long is too long.
    count = int(match[1]) if len(match[1]) <= 12 else MAX_PERIOD[unit] + 1
    if count > MAX_PERIOD[unit]:
        raise DeadlineError(
            f"{quoted(text)} is longer than sendplan looks ahead: at most a hundred years "
            f'({MAX_PERIOD[unit]:,} {unit}). Write a shorter period such as "3m".'
        )
    return count, unit


def period_end(as_of: date, period: tuple[int, str]) -> date:
    """The last day of a period that starts on *as_of*."""
    count, unit = period
    if unit == "months":
        return add_months(as_of, count)
    return as_of + timedelta(days=count * (7 if unit == "weeks" else 1))
