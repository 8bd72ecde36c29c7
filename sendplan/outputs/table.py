"""The table for people on a terminal (rich), from the report's column spec.

Plan text is data: it goes through shown() and into rich Text objects, never into markup, and
the console never recolours dates or numbers. rich is imported only when a table is drawn.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO, Any, cast

from sendplan.outputs.columns import DENSE_KINDS, Column, report_columns, report_notes
from sendplan.outputs.rows import Report, out_stream
from sendplan.outputs.text import one_line, shown


class _TrimmedOutput:
    """A text stream that drops the spaces rich pads each table line with to the full width,
    so a table saved to a file or pasted into an e-mail carries no trailing blanks."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        # Only whole lines (the last piece may go on in the next write); rstrip, not a regex,
        # as a pattern over long runs of padding backtracks.
        lines = text.split("\n")
        lines[:-1] = [line.rstrip(" ") for line in lines[:-1]]
        return self._stream.write("\n".join(lines))

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, flush…: the real stream's
        return getattr(self._stream, name)


# rich takes $COLUMNS as it is: COLUMNS=0 would draw nothing at all and exit 0, and below
# about 40 columns it drops whole columns (the ids first).
MIN_WIDTH, MAX_WIDTH = 40, 10_000


def console_width(width: int | None) -> int | None:
    """*width*, else $COLUMNS kept within MIN_WIDTH–MAX_WIDTH, else None (rich asks the terminal)."""
    if width is not None:
        return width
    raw = os.environ.get("COLUMNS", "").strip()
    if not raw.isdecimal():
        return None  # rich ignores a setting that is not a number, and so do we
    columns = int(raw) if len(raw) < 7 else MAX_WIDTH
    return min(max(columns, MIN_WIDTH), MAX_WIDTH)


def make_console(out: IO[str] | None = None, width: int | None = None) -> Any:
    from rich.console import Console

    # highlight=False: dates and numbers in plan text are not recoloured; rich honours NO_COLOR.
    # _TrimmedOutput passes everything but write() through to the real stream.
    trimmed = cast("IO[str]", _TrimmedOutput(out_stream(out)))
    return Console(file=trimmed, width=console_width(width), highlight=False, emoji=False, soft_wrap=False)


def render_table(report: Report, out: IO[str] | None = None, *, width: int | None = None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, width)
    if not report.rows:
        console.print(Text(shown(report.empty)))
        return
    table = Table(
        title=Text(shown(report.title)), box=box.SIMPLE_HEAD, expand=False, title_justify="left", pad_edge=False,
        collapse_padding=report.kind in DENSE_KINDS,
    )  # fmt: skip
    columns = report_columns(report)
    fit = None
    # A line a row for listings whose rows have a fuller view elsewhere (`sendplan show ID`):
    # the kinds with a column that says how it shows briefly.
    if report.one_line and any(column.brief for column in columns):
        cells = [[one_line(column.text(row, True)) for column in columns] for row in report.rows]
        natural = _natural_widths(columns, cells)
        fit = _one_line_widths(columns, natural, console.width)
        spare = [index for index, column in enumerate(columns) if column.spare]
        if spare and _cramped(columns, natural, fit):  # a narrow terminal: leave out the spare columns first
            kept = [column for index, column in enumerate(columns) if index not in spare]
            kept_natural = [size for index, size in enumerate(natural) if index not in spare]
            kept_fit = _one_line_widths(kept, kept_natural, console.width)
            if kept_fit is not None or fit is None:
                cells = [[cell for index, cell in enumerate(line) if index not in spare] for line in cells]
                columns, fit = kept, kept_fit
    if fit is not None:
        # A line a row: two spaces between columns rather than three, which on 80 columns gives
        # the action (the one cut short) six more characters.
        table.collapse_padding = True
    else:  # the full view, or a terminal too narrow for a line a row even so
        columns = report_columns(report)
        cells = [[shown(column.text(row, False)) for column in columns] for row in report.rows]
    for index, column in enumerate(columns):
        if fit is not None:
            header = column.brief_header or column.header
            table.add_column(header, no_wrap=True, justify=column.justify, width=fit[index])  # type: ignore[arg-type]
            continue
        table.add_column(
            column.header,
            no_wrap=column.no_wrap,
            justify=column.justify,  # type: ignore[arg-type]
            overflow="fold",
            ratio=column.ratio,
            max_width=column.max_width,
        )
    for index, row in enumerate(report.rows):
        style = "bold red" if report.highlight(row) else None
        following = report.rows[index + 1] if index + 1 < len(report.rows) else None
        end_section = (
            report.section is not None and following is not None and report.section(row) != report.section(following)
        )
        line = [Text(cell, no_wrap=True, overflow="ellipsis") if fit else Text(cell) for cell in cells[index]]
        table.add_row(*line, style=style, end_section=end_section)
    console.print(table)
    for note in report_notes(report, columns):
        console.print(Text(shown(note), style="dim"))


# The narrowest the cut column may get; a terminal narrower than that for one line a row gets
# the full, wrapped view instead (never an id cut short).
_NARROWEST = 12
# Narrower than this, the action gives a reader too little to recognise an item by: the spare
# columns (status) are left out to make room for it.
_COMFORTABLE = 24


def _cut(columns: Sequence[Column]) -> int | None:
    """The column cut to the room left (the one with a ratio: the action), if any."""
    return next((index for index, column in enumerate(columns) if column.ratio), None)


def _natural_widths(columns: Sequence[Column], cells: list[list[str]]) -> list[int]:
    """Each column as wide as its header and its widest cell."""
    from rich.cells import cell_len

    return [
        max([cell_len(column.brief_header or column.header)] + [cell_len(line[index]) for line in cells])
        for index, column in enumerate(columns)
    ]


def _cramped(columns: Sequence[Column], natural: list[int], fit: list[int] | None) -> bool:
    """Whether the one-line widths *fit* leave the cut column (the action) too little room for
    what it holds (*natural*: the widths it would take)."""
    if fit is None:
        return True
    cut = _cut(columns)
    return cut is not None and fit[cut] < min(_COMFORTABLE, natural[cut])


def _one_line_widths(columns: Sequence[Column], natural: list[int], width: int) -> list[int] | None:
    """Widths for the one-line view: every column its natural width, and the column with a ratio
    (the action) the width that is left, so each row takes one line; None if that leaves it
    fewer than _NARROWEST characters."""
    widest = list(natural)
    cut = _cut(columns)
    if cut is None:
        return widest
    # SIMPLE_HEAD without edge padding: a blank edge each side, and between two columns a
    # blank divider and one space of padding (collapsed: see render_table).
    gaps = 2 + 2 * (len(columns) - 1)
    room = width - gaps - sum(size for index, size in enumerate(widest) if index != cut)
    if room < min(_NARROWEST, widest[cut]):
        return None
    widest[cut] = min(widest[cut], room)
    return widest
