"""Deadlines laid out month by month: the grid behind `sendplan timeline` and the report's chart.

Rows are tasks and columns are months; each cell counts the items due that month. Pure data;
the text layout and the terminal colours are sendplan/outputs/timeline.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sendplan.query import ItemRow

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
    numbered: bool = True  # labelled "3 Title"; a plan's row is labelled by its name alone

    @property
    def label(self) -> str:
        return f"{self.task} {self.title}" if self.numbered else self.title


@dataclass(frozen=True, slots=True)
class Grid:
    months: list[Month]
    tasks: list[Lane]
    as_of: date
    heading: str = "Task"  # what a row is: a task, or a plan when several are open


def _task_of(row: ItemRow) -> int:
    return row.task


def grid(
    tasks: Sequence[tuple[int, str]],
    rows: Sequence[ItemRow],
    as_of: date,
    *,
    key: Callable[[ItemRow], int] = _task_of,
    heading: str = "Task",
    numbered: bool = True,
) -> Grid:
    """*tasks* are (number, title) in plan order; *rows* the items to place, each in the lane
    whose number is *key(row)* (its task's, unless the lanes are something else, such as plans)."""
    months = month_span(rows, as_of)
    # Each row put in its lane and month once: a portfolio has a lane per plan, thousands of rows.
    placed: dict[int, dict[Month | None, list[ItemRow]]] = {}
    for row in rows:
        due = row.due_date
        placed.setdefault(key(row), {}).setdefault(month_of(due) if due is not None else None, []).append(row)
    lines = []
    for number, title in tasks:
        mine = placed.get(number, {})
        cells = {month: Cell(tuple(mine.get(month, ()))) for month in months}
        lines.append(Lane(number, title, cells, len(mine.get(None, ())), numbered))
    return Grid(months, lines, as_of, heading)


def records(the_grid: Grid, lane: str = "task") -> list[dict[str, object]]:
    """The non-empty cells as JSON records: task, month ("2021-11"), item ids, overdue count.
    With *lane* "plan", each names its lane's plan (its title) instead of a task number."""
    return [
        {
            lane: band.task if lane == "task" else band.title,
            "month": f"{month[0]:04d}-{month[1]:02d}",
            "items": [row.id for row in cell.items],
            "overdue": cell.overdue,
            "finished": cell.finished,
        }
        for band in the_grid.tasks
        for month, cell in band.cells.items()
        if cell.items
    ]
