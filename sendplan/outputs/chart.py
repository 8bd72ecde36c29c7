"""The HTML report's deadlines-by-task chart, as SVG: a lane per task, a column per month.

The columns are the Word grid's (board.grid_columns): a column per month from the first
deadline to the last, three or more months in a row with nothing due folded into one ("…").
Each column is at least MIN_COLUMN units wide, so a dot and its count never overlap the next
month's; a plan with more months than fit the page's width is drawn in bands, one under the
other. Year labels never run together: one that would touch the last is written short
("’21") or, if even that would, left out (the months under it still say where it is).
"""

from __future__ import annotations

import html
import math
import textwrap
from calendar import monthrange
from collections.abc import Sequence
from datetime import date

from sendplan.outputs.board import GAP_MARK, Column, bands, grid_columns, label, span_text, year_groups
from sendplan.outputs.colours import rag_colour, rag_ink
from sendplan.outputs.text import clean
from sendplan.query import ItemRow
from sendplan.report import RAG_ORDER, long_date, worst_rag
from sendplan.timeline import Grid, grid, month_of

# The chart is drawn CHART_WIDTH units wide and printed 186 mm wide (A4 less the page margins),
# so one unit is 0.36 mm and a font-size of CHART_TEXT units prints at 9 pt.
CHART_WIDTH = 520.0
CHART_TEXT = 9.0
LABEL_CHARS = 35  # a task's title wraps at about this many characters of CHART_TEXT
LABEL_LINE = 10.5
LEFT, RIGHT = 170.0, 6.0  # the task titles' column; a margin on the right
PLOT = CHART_WIDTH - LEFT - RIGHT
MIN_COLUMN = 13.0  # a dot of two digits at 9 pt, with a unit clear on each side
WIDE_COLUMN = 20.0  # room for "Oct" rather than "O"
QUIET_WEIGHT = 0.7  # a folded stretch of quiet months is this much of a month's width
DIGIT = 0.56  # the width of a digit, in font-size units (Arial, Liberation Sans)
HEAD = 30.0  # the year and month rows above each band's lanes


def _e(text: object) -> str:
    return html.escape(clean(str(text)), quote=True)


def chart_grid(tasks: Sequence[tuple[int, str]], rows: Sequence[ItemRow], as_of: date) -> tuple[Grid, list[Column]]:
    """The chart's grid and its columns (a month each, or a quiet stretch folded into one)."""
    the_grid = grid(tasks, rows, as_of)
    return the_grid, grid_columns(the_grid)


def quiet_note(columns: Sequence[Column]) -> str:
    """What the "…" columns stand for, for the chart's caption ("" when there are none)."""
    spans = [span_text(column.months) for column in columns if column.quiet]
    return f"{GAP_MARK} = months in which nothing falls due ({'; '.join(spans)})." if spans else ""


def _text_width(text: str, size: float) -> float:
    return len(text) * DIGIT * size


def _band_svg(
    out: list[str], band: Sequence[Column], the_grid: Grid, labels: Sequence[list[str]], lanes: Sequence[float], top: float
) -> float:
    """One band of columns drawn from *top* down; returns where the band ends."""
    weights = [QUIET_WEIGHT if column.quiet else 1.0 for column in band]
    unit = min(PLOT / sum(weights), 40.0)
    xs = [LEFT + unit * sum(weights[:index]) for index in range(len(band) + 1)]
    plot_end = xs[-1]
    lanes_top = top + HEAD
    tops = [lanes_top + sum(lanes[:index]) for index in range(len(lanes))]
    bottom = lanes_top + sum(lanes)
    as_of_month = month_of(the_grid.as_of)
    # Lane backgrounds first, so the month grid shows through every lane.
    for index in range(0, len(lanes), 2):
        out.append(f'<rect x="0" y="{tops[index]:.1f}" width="{plot_end:.1f}" height="{lanes[index]:.1f}" fill="#f3f5f6"/>')
    for index, column in enumerate(band):
        x, width = xs[index], xs[index + 1] - xs[index]
        if column.quiet:
            out.append(f'<rect x="{x:.1f}" y="{lanes_top:.1f}" width="{width:.1f}" height="{bottom - lanes_top:.1f}" fill="#e3e6e8"/>')
        january = not column.quiet and column.months[0][1] == 1
        out.append(
            f'<line x1="{x:.1f}" y1="{top + 12:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{"#9aa0a6" if january else "#d5d9dc"}" stroke-width="{1.2 if january else 0.6}"/>'
        )
        centre, base = x + width / 2, top + HEAD - 5
        if column.quiet:
            name = GAP_MARK
        else:
            name = date(*column.months[0], 1).strftime("%b")
            name = name if unit >= WIDE_COLUMN else name[0]
        if not column.quiet and column.months[0] == as_of_month:
            # The as-of month headed in black, as in the Word grid.
            out.append(f'<rect x="{x:.1f}" y="{base - 9:.1f}" width="{width:.1f}" height="12" fill="#1a1a1a"/>')
            out.append(
                f'<text x="{centre:.1f}" y="{base:.1f}" font-size="{CHART_TEXT}" font-weight="bold" '
                f'text-anchor="middle" fill="#fff">{name}</text>'
            )
        else:
            out.append(f'<text x="{centre:.1f}" y="{base:.1f}" font-size="{CHART_TEXT}" text-anchor="middle" fill="#444">{name}</text>')
    out.append(f'<line x1="{plot_end:.1f}" y1="{top + 12:.1f}" x2="{plot_end:.1f}" y2="{bottom:.1f}" stroke="#d5d9dc" stroke-width="0.6"/>')
    _years(out, band, xs, unit, top + 10)
    # The as-of day, within its month's column: drawn before the dots, so a dot in the as-of
    # month and its count stay readable on top of the line.
    as_of_x = None
    for index, column in enumerate(band):
        if not column.quiet and column.months[0] == as_of_month:
            days = monthrange(*as_of_month)[1]
            as_of_x = xs[index] + (xs[index + 1] - xs[index]) * (the_grid.as_of.day - 0.5) / days
    if as_of_x is not None:
        out.append(
            f'<line x1="{as_of_x:.1f}" y1="{lanes_top - 2:.1f}" x2="{as_of_x:.1f}" y2="{bottom + 4:.1f}" stroke="#000" '
            'stroke-width="1.4" stroke-dasharray="4 3"/>'
        )
    radius = min(6.5, unit / 2 - 1.5)
    for lane, y, height, lines in zip(the_grid.tasks, tops, lanes, labels, strict=True):
        first_line = y + (height - LABEL_LINE * len(lines)) / 2 + CHART_TEXT
        # The task's number in bold at the start of its first line.
        texts = [_e(text) for text in lines]
        texts[0] = f'<tspan font-weight="bold">{lane.task}</tspan>' + texts[0][len(str(lane.task)) :]
        spans = "".join(
            f'<tspan x="4" y="{first_line + LABEL_LINE * number:.1f}">{text}</tspan>' for number, text in enumerate(texts)
        )
        out.append(f'<text font-size="{CHART_TEXT}" fill="#1a1a1a">{spans}<title>Task {lane.task}: {_e(lane.title)}</title></text>')
        for index, column in enumerate(band):
            group = [row for month in column.months for row in lane.cells[month].items]
            if group:
                _dot(out, group, (xs[index] + xs[index + 1]) / 2, y + height / 2, radius)
    if as_of_x is None:
        return bottom
    anchor = "end" if as_of_x > LEFT + PLOT * 0.75 else "start"
    shift = -4 if anchor == "end" else 4
    out.append(
        f'<text x="{as_of_x + shift:.1f}" y="{bottom + 14:.1f}" font-size="{CHART_TEXT}" font-weight="bold" '
        f'text-anchor="{anchor}">as of {_e(long_date(the_grid.as_of))}</text>'
    )
    return bottom + 16


def _years(out: list[str], band: Sequence[Column], xs: Sequence[float], unit: float, base: float) -> None:
    """The year over each run of a year's months, left out where it would touch the one before."""
    end = -math.inf
    for first, last, text in year_groups(band, unit < WIDE_COLUMN + 4):
        if not text:
            continue
        size = CHART_TEXT + (1 if first != last else 0)
        width = _text_width(text, size)
        x = xs[first] + 1 if first != last else (xs[first] + xs[last + 1] - width) / 2
        if x < end + 3 or x + width > xs[-1] + RIGHT:
            continue
        out.append(f'<text x="{x:.1f}" y="{base:.1f}" font-size="{size:g}" font-weight="bold" fill="#222">{text}</text>')
        end = x + width


def _dot(out: list[str], group: Sequence[ItemRow], x: float, y: float, radius: float) -> None:
    """A task's items due in one column: a dot in their worst RAG colour, ringed in black if
    some are overdue, with their count when there are several."""
    rag = worst_rag([row.rag for row in group])
    late = any(row.overdue for row in group)
    ids = ", ".join(f"{row.id} ({long_date(row.due_date)})" for row in group)
    size = radius if len(group) > 1 else min(4.5, radius)
    out.append(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{rag_colour(rag)}" '
        f'stroke="{"#000" if late else "#fff"}" stroke-width="{1.4 if late else 0.8}">'
        f"<title>{_e(ids)}{' (overdue)' if late else ''}</title></circle>"
    )
    if len(group) > 1:
        out.append(
            f'<text x="{x:.1f}" y="{y + 3.2:.1f}" font-size="{CHART_TEXT}" font-weight="bold" '
            f'text-anchor="middle" fill="{rag_ink(rag)}">{len(group)}</text>'
        )


def timeline_svg(
    tasks: Sequence[tuple[int, str]], rows: Sequence[ItemRow], as_of: date, ratings: Sequence[str] = ()
) -> str:
    """Deadlines by task as an SVG chart: one lane per task, a dot per task and month, the as-of
    day marked; bands of columns one under another when the months do not fit across.

    A task's items due in the same month share a dot with their count; its colour is their
    worst RAG, and a black ring means some are overdue. Each task's title is wrapped, never
    cut; *ratings* are the ones the key shows (the report's legend).
    """
    the_grid, columns = chart_grid(tasks, rows, as_of)
    labels = [textwrap.wrap(f"{number} {' '.join(clean(title).split())}", LABEL_CHARS) or [str(number)] for number, title in tasks]
    lanes = [max(20.0, LABEL_LINE * len(lines) + 6) for lines in labels]
    per_band = max(1, int(PLOT // MIN_COLUMN))
    body: list[str] = []
    top = 4.0
    for band in bands(columns, per_band):
        top = _band_svg(body, band, the_grid, labels, lanes, top) + 10
    height = top + 16
    key_x, key_y = 4.0, height - 9
    for name in ratings or (*RAG_ORDER, "none"):
        body.append(f'<circle cx="{key_x + 4:.1f}" cy="{key_y - 3:.1f}" r="4" fill="{rag_colour(name)}"/>')
        body.append(f'<text x="{key_x + 11:.1f}" y="{key_y:.1f}" font-size="{CHART_TEXT}" fill="#333">{_e(label(name))}</text>')
        key_x += 50
    body.append(
        f'<circle cx="{key_x + 4:.1f}" cy="{key_y - 3:.1f}" r="4" fill="#fff" stroke="#000" stroke-width="1.4"/>'
        f'<text x="{key_x + 11:.1f}" y="{key_y:.1f}" font-size="{CHART_TEXT}" fill="#333">ring = overdue; '
        "number = items that month</text>"
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH:.0f} {height:.0f}" role="img" '
        'aria-label="Deadlines by task, with the as-of day marked" font-family="Arial, Liberation Sans, sans-serif">'
    )
    return head + "".join(body) + "</svg>"
