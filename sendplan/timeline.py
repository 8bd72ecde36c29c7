"""Deadlines laid out month by month: the grid behind `sendplan timeline` and the report's chart.

Rows are tasks and columns are months; each cell counts the items due that month. Pure data
and plain text here; colour is added by the caller only on a terminal (rich is imported there).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sendplan.query import ItemRow
from sendplan.render import clean

LABEL_WIDTH = 20  # at 80 columns; wider terminals get more of each task's title
CELL_WIDTH = 4  # three characters and a space: "Oct ", " 3! "
MARK_OVERDUE = "!"
MARK_DONE = "✓"
MARK_EMPTY = "·"
MARK_AS_OF = "▼"

Month = tuple[int, int]  # (year, month)


def month_of(day: date) -> Month:
    return day.year, day.month


def months_between(first: Month, last: Month) -> list[Month]:
    start = first[0] * 12 + first[1] - 1
    end = last[0] * 12 + last[1] - 1
    return [divmod(index, 12) for index in range(start, end + 1)]


def month_span(rows: Sequence[ItemRow], as_of: date) -> list[Month]:
    """Every month from the earliest deadline to the latest, always including the as-of month."""
    months = [month_of(row.due_date) for row in rows if row.due_date is not None]
    months.append(month_of(as_of))
    return [(year, month + 1) for year, month in months_between(min(months), max(months))]


@dataclass(frozen=True, slots=True)
class Cell:
    """The items of one task due in one month."""

    items: tuple[ItemRow, ...]

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.items)

    @property
    def finished(self) -> bool:
        return bool(self.items) and all(row.finished for row in self.items)

    @property
    def mark(self) -> str:
        """Three characters at most: "·", "3", "2!" (some overdue), "✓" (all finished)."""
        if not self.items:
            return MARK_EMPTY
        count = len(self.items)
        if self.overdue:
            return f"{count}{MARK_OVERDUE}"
        if self.finished:
            return MARK_DONE if count == 1 else f"{count}{MARK_DONE}"
        return str(count)


@dataclass(frozen=True, slots=True)
class Lane:
    task: int
    title: str
    cells: dict[Month, Cell]
    undated: int


@dataclass(frozen=True, slots=True)
class Grid:
    months: list[Month]
    tasks: list[Lane]
    as_of: date


def grid(tasks: Sequence[tuple[int, str]], rows: Sequence[ItemRow], as_of: date) -> Grid:
    """*tasks* are (number, title) in plan order; *rows* the items to place."""
    months = month_span(rows, as_of)
    lines = []
    for number, title in tasks:
        mine = [row for row in rows if row.task == number]
        cells = {
            month: Cell(tuple(row for row in mine if row.due_date is not None and month_of(row.due_date) == month))
            for month in months
        }
        lines.append(Lane(number, title, cells, sum(row.due_date is None for row in mine)))
    return Grid(months, lines, as_of)


def records(the_grid: Grid) -> list[dict[str, object]]:
    """The non-empty cells as JSON records: task, month ("2021-11"), item ids, overdue count."""
    return [
        {
            "task": lane.task,
            "month": f"{month[0]:04d}-{month[1]:02d}",
            "items": [row.id for row in cell.items],
            "overdue": cell.overdue,
            "finished": cell.finished,
        }
        for lane in the_grid.tasks
        for month, cell in lane.cells.items()
        if cell.items
    ]


def label_width(width: int) -> int:
    return LABEL_WIDTH if width < 100 else min(40, width // 4)


def bands(months: Sequence[Month], width: int) -> list[list[Month]]:
    """Months split into bands that fit *width* columns, of nearly equal size."""
    per_band = max(1, (width - label_width(width)) // CELL_WIDTH)
    count = max(1, math.ceil(len(months) / per_band))
    size = math.ceil(len(months) / count)
    return [list(months[start : start + size]) for start in range(0, len(months), size)]


def _short(text: str, width: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def year_row(band: Sequence[Month]) -> str:
    """Each year over its first month in the band: "2021" where it fits, else "'21"."""
    row = ""
    for index, month in enumerate(band):
        if index == 0 or month[1] == 1:
            # The last label may run past the band's end; an earlier one must stop before the next.
            later = next((later for later in range(index + 1, len(band)) if band[later][1] == 1), None)
            text = str(month[0]) if later is None or later - index > 1 else f"'{month[0] % 100:02d}"
            row = row[: index * CELL_WIDTH].ljust(index * CELL_WIDTH) + text
    return row


# A line is a list of (text, style) segments; style is a rich style name or "".
Segment = tuple[str, str]


def lines(the_grid: Grid, width: int = 80) -> list[list[Segment]]:
    """The timeline as styled text lines, band after band, each at most *width* columns."""
    as_of_month = month_of(the_grid.as_of)
    label = label_width(width)
    out: list[list[Segment]] = []
    for band in bands(the_grid.months, width):
        if out:
            out.append([])
        marker = "".join(
            f"{MARK_AS_OF:^3} " if month == as_of_month else " " * CELL_WIDTH for month in band
        )
        if MARK_AS_OF in marker:
            out.append([(" " * label, ""), (marker.rstrip(), "bold")])
        out.append([(f"{'':<{label}}", ""), (year_row(band).rstrip(), "bold")])
        heading: list[Segment] = [(f"{'Task':<{label}}", "bold")]
        for month in band:
            name = date(month[0], month[1], 1).strftime("%b")
            heading.append((f"{name:<3}", "bold reverse" if month == as_of_month else "bold"))
            heading.append((" ", ""))
        out.append(heading)
        for task in the_grid.tasks:
            line: list[Segment] = [(f"{_short(f'{task.task} {task.title}', label - 1):<{label}}", "")]
            for month in band:
                cell = task.cells[month]
                style = "bold red" if cell.overdue else "green" if cell.finished else "dim" if not cell.items else "bold"
                line.append((f"{cell.mark:>3}", style))
                line.append((" ", ""))
            out.append(line)
    return [_trim(line) for line in out]


def _trim(line: list[Segment]) -> list[Segment]:
    if line and not line[-1][0].strip():
        return line[:-1]
    return line


def legend(the_grid: Grid, width: int = 80) -> list[str]:
    undated = sum(task.undated for task in the_grid.tasks)
    notes = [
        (f"Each number counts the items due that month; {MARK_OVERDUE} = some are overdue; "
        f"{MARK_DONE} = all finished; {MARK_AS_OF} = the as-of month ({the_grid.as_of.isoformat()})."),
    ]
    if undated:
        notes.append(f"{undated} item{'s have' if undated != 1 else ' has'} no deadline and {'are' if undated != 1 else 'is'} not shown.")
    return [line for note in notes for line in textwrap.wrap(note, width)]


def plain_text(segments: list[list[Segment]]) -> str:
    return "\n".join("".join(text for text, _ in line).rstrip() for line in segments)
