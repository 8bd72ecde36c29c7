"""The report's deadlines-by-task chart for Word: a compact month grid, as a table with alt text.

sendplan draws its chart as SVG, which Word shows only beside a PNG copy that sendplan has no
way to draw; a table is what Word, LibreOffice and screen readers all read. A row per task
(its title wrapped, never cut), a column per month; each cell counts the task's items due
that month and is filled in their worst RAG colour. Three or more months in a row with no
deadline anywhere share one narrow column ("…"), so a plan with a quiet year still fits
the page at 9 pt; the as-of month is marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sendplan.outputs.board import GAP_MARK, Column, bands, grid_columns, months_of, span_text, year_groups
from sendplan.outputs.colours import rag_colour, rag_ink
from sendplan.outputs.wordml import (
    HEADER_FILL,
    TABLE_HEADING,
    TEXT_WIDTH_MM,
    Cell,
    add_table,
    add_text,
    fill_cell,
    keep_together,
    paragraph,
    set_cell_margins,
)
from sendplan.query import ItemRow
from sendplan.report import worst_rag
from sendplan.timeline import MARK_DONE, MARK_OVERDUE, Grid, Month, grid, month_of

COLUMN_MM = 5.2  # a month: "4!" or a month's initial at 9 pt, with 0.25 mm either side
WIDE_COLUMN_MM = 9.5  # room for "Oct" when there are few months
LABEL_MIN_MM = 52.0
GAP_FILL = "F3F5F6"
AS_OF_FILL = "D9D9D9"


def _month_name(month: Month, wide: bool) -> str:
    name = date(month[0], month[1], 1).strftime("%b")
    return name if wide else name[0]


def _cell(rows: Sequence[ItemRow]) -> Cell:
    if not rows:
        return Cell("")
    count = len(rows)
    if any(row.overdue for row in rows):
        mark = f"{count}{MARK_OVERDUE}"
    elif all(row.finished for row in rows):
        mark = MARK_DONE if count == 1 else f"{count}{MARK_DONE}"
    else:
        mark = str(count)
    rag = worst_rag([row.rag for row in rows])
    return Cell(mark, fill=rag_colour(rag).lstrip("#").upper(), colour=rag_ink(rag).lstrip("#").upper(), bold=True)


def description(the_grid: Grid) -> str:
    """The grid in words, for its alt text: per task, how many dated items, from when to when,
    and how many are overdue."""
    parts = []
    for lane in the_grid.tasks:
        dated = [(month, cell) for month, cell in lane.cells.items() if cell.items]
        if not dated:
            parts.append(f"Task {lane.task}: no dated items.")
            continue
        count = sum(len(cell.items) for _, cell in dated)
        late = sum(cell.overdue for _, cell in dated)
        when = span_text([dated[0][0], dated[-1][0]]) if len(dated) > 1 else f"{date(*dated[0][0], 1):%b %Y}"
        parts.append(
            f"Task {lane.task}: {count} item{'s' if count != 1 else ''} due {when}"
            + (f", {late} overdue." if late else ".")
        )
    return (
        f"Deadlines by month, {span_text(the_grid.months)}, as of {the_grid.as_of:%-d %b %Y}. " + " ".join(parts)
    )


def deadline_grid(document: Any, tasks: Sequence[tuple[int, str]], rows: Sequence[ItemRow], as_of: date) -> None:
    """The grid table(s) and a caption that reads them."""
    the_grid = grid(tasks, rows, as_of)
    columns = grid_columns(the_grid)
    per_band = int((TEXT_WIDTH_MM - LABEL_MIN_MM) // COLUMN_MM)
    as_of_month = month_of(as_of)
    for band in bands(columns, per_band):
        wide = len(band) * WIDE_COLUMN_MM <= TEXT_WIDTH_MM - LABEL_MIN_MM
        width = WIDE_COLUMN_MM if wide else COLUMN_MM
        label_width = TEXT_WIDTH_MM - width * len(band)
        years = year_groups(band, not wide)
        year_row: list[str | Cell] = ["Task", *[""] * len(band)]
        month_row: list[str | Cell] = [Cell("", fill=HEADER_FILL)]
        for column in band:
            if column.quiet:
                month_row.append(Cell(GAP_MARK, fill=HEADER_FILL, bold=True))
            elif column.months[0] == as_of_month:
                month_row.append(Cell(_month_name(column.months[0], wide), fill="1A1A1A", colour="FFFFFF", bold=True))
            else:
                month_row.append(Cell(_month_name(column.months[0], wide), fill=HEADER_FILL, bold=True))
        body: list[list[str | Cell]] = []
        for lane in the_grid.tasks:
            line: list[str | Cell] = [f"{lane.task} {lane.title}"]
            for column in band:
                items = [row for month in column.months for row in lane.cells[month].items]
                cell = _cell(items)
                if not items and column.quiet:
                    cell = Cell("", fill=GAP_FILL)
                elif not items and column.months[0] == as_of_month:
                    cell = Cell("", fill=AS_OF_FILL)
                line.append(cell)
            body.append(line)
        table = add_table(
            document,
            year_row,
            [month_row, *body],
            [label_width, *[width] * len(band)],
            caption="Deadlines by task" if len(columns) == len(band) else f"Deadlines by task, {span_text(months_of(band))}",
            description=description(the_grid),
            align=["left", *["center"] * len(band)],
            header_rows=2,
        )
        _merge_header(table, years)
        keep_together(table, with_next=True)
        # Narrow margins in the month columns; the task titles keep the table's.
        for row in table.rows:
            for cell in row.cells[1:]:
                set_cell_margins(cell, 0.25)
    add_text(paragraph(document, style="Caption"), _caption(the_grid, columns))


def _merge_header(table: Any, years: Sequence[tuple[int, int, str]]) -> None:
    """Merge "Task" down its two header rows, and each year across its months."""
    top = table.rows[0].cells
    top[0].merge(table.rows[1].cells[0])
    for first, last, text in years:
        merged = top[first + 1] if first == last else top[first + 1].merge(top[last + 1])
        for extra in merged.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        if text:
            fill_cell(merged, Cell(text, bold=True), TABLE_HEADING, "center" if first == last else "left")


def _caption(the_grid: Grid, columns: Sequence[Column]) -> str:
    undated = sum(lane.undated for lane in the_grid.tasks)
    parts = [
        (
            "Each cell counts a task's items due that month (revised deadlines where there are any), "
            f"filled in the colour of their worst RAG; {MARK_OVERDUE} = some are overdue, {MARK_DONE} = all finished."
        ),
        f"The as-of month ({the_grid.as_of:%b %Y}) is headed in black.",
    ]
    parts.extend(
        f"{GAP_MARK} = {span_text(column.months)}: nothing falls due." for column in columns if column.quiet
    )
    if undated:
        parts.append(f"{undated} item{'s have' if undated != 1 else ' has'} no deadline and {'are' if undated != 1 else 'is'} not shown.")
    return " ".join(parts)
