"""`sendplan timeline` as text: bands of months that fit the width, each cell's mark, the legend;
in colour on a terminal (rich, imported only there), plain when piped."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from datetime import date
from typing import IO

from sendplan.outputs.rows import out_stream
from sendplan.outputs.text import shown
from sendplan.timeline import MARK_AS_OF, MARK_DONE, MARK_OVERDUE, Grid, Month, month_of

LABEL_WIDTH = 20  # at 80 columns; wider terminals get more of each task's title
CELL_WIDTH = 4  # three characters and a space: "Oct ", " 3! "


def label_width(width: int) -> int:
    return LABEL_WIDTH if width < 100 else min(40, width // 4)


def bands(months: Sequence[Month], width: int) -> list[list[Month]]:
    """Months split into bands that fit *width* columns, of nearly equal size."""
    per_band = max(1, (width - label_width(width)) // CELL_WIDTH)
    count = max(1, math.ceil(len(months) / per_band))
    size = math.ceil(len(months) / count)
    return [list(months[start : start + size]) for start in range(0, len(months), size)]


def _short(text: str, width: int) -> str:
    text = " ".join(shown(text).split())
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
        heading: list[Segment] = [(f"{the_grid.heading:<{label}}", "bold")]
        for month in band:
            name = date(month[0], month[1], 1).strftime("%b")
            heading.append((f"{name:<3}", "bold reverse" if month == as_of_month else "bold"))
            heading.append((" ", ""))
        out.append(heading)
        for task in the_grid.tasks:
            line: list[Segment] = [(f"{_short(task.label, label - 1):<{label}}", "")]
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


def write_timeline(the_grid: Grid, title: str, width: int, *, terminal: bool, out: IO[str] | None = None) -> None:
    """The timeline under *title*, *width* columns wide: styled on a terminal, plain text otherwise."""
    body = lines(the_grid, width)
    if not terminal:
        heading = textwrap.wrap(title, width)
        out_stream(out).write("\n".join([*heading, "", plain_text(body), "", *legend(the_grid, width)]) + "\n")
        return
    from rich.text import Text

    from sendplan.outputs.table import make_console

    console = make_console(out, width=width)
    console.print(Text(shown(title), style="bold"))
    console.print("")
    for segments in body:
        console.print(Text.assemble(*segments), no_wrap=True, overflow="ignore", crop=False)
    console.print("")
    for note in legend(the_grid, width):
        console.print(Text(note, style="dim"))
