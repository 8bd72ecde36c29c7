"""The table for people on a terminal (rich), from the report's column spec.

Plan text is data: it goes through shown() and into rich Text objects, never into markup, and
the console never recolours dates or numbers. rich is imported only when a table is drawn.
"""

from __future__ import annotations

import os
from typing import IO, Any, cast

from sendplan.outputs.columns import report_columns
from sendplan.outputs.rows import Report, out_stream
from sendplan.outputs.text import shown


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
    table = Table(title=Text(shown(report.title)), box=box.SIMPLE_HEAD, expand=False, title_justify="left", pad_edge=False)
    columns = report_columns(report)
    for column in columns:
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
        table.add_row(
            *(Text(shown(column.value(row))) for column in columns), style=style, end_section=end_section
        )
    console.print(table)
    for note in report.notes if not report.fields else ():
        console.print(Text(shown(note), style="dim"))
