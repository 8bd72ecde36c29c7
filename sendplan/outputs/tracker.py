"""The Tracker sheet of an items workbook: the plan as a council tracker prints and reads.

The columns an officer reads (id, lead, deadline, status, RAG, overdue, action, criteria,
latest update) with headers and statuses in words, laid out for A4 landscape: one page wide,
the header row and the id column on every page, each row as tall as its text. RAG cells are
coloured by conditional formatting, so a rating typed in later re-colours itself; Status and
RAG offer their words as a drop-down. The full data, a field a column, is the next sheet.

Pages are laid out here, not left to the spreadsheet: the rows are given their heights and
the page breaks are placed between rows, so the number of pages `sendplan` reports is the
number that prints (a spreadsheet breaks a page early only when a row is taller than sendplan
measured, which the allowance below guards against).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sendplan.outputs.colours import RAG_COLOURS, rag_ink
from sendplan.outputs.delimited import spreadsheet_text

TRACKER_SHEET = "Tracker"
# TRUE and FALSE as Excel shows a yes/no cell; LibreOffice would otherwise show 1 and 0.
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'


@dataclass(frozen=True, slots=True)
class TrackerColumn:
    header: str
    width: int  # in characters, as a spreadsheet counts a column's width
    value: Callable[[Any], Any]
    wrap: bool = False
    align: str | None = None  # None: text left, numbers and dates right, as a spreadsheet does


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _words(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()


def _criteria(row: Any) -> str:
    return "\n".join(f"✓ {text.strip()}" for text in row.success_criteria if text.strip())


def _update(row: Any) -> str:
    update = row.last_update
    if update is None:
        return ""
    day = date.fromisoformat(update.date)
    return f"{day.day} {day:%b %Y}{f' {update.by}' if update.by else ''}: {update.text}"


# The printed width of these is about 150 characters: at the scale that fits them to an A4
# landscape page, text prints at about 9.5 pt.
TRACKER_COLUMNS = (
    TrackerColumn("ID", 6, lambda row: row.id),
    TrackerColumn("Lead", 6, lambda row: row.lead or ""),
    TrackerColumn("Deadline", 11, lambda row: row.due_date, align="left"),
    TrackerColumn("Status", 11, lambda row: _words(row.status), wrap=True),
    TrackerColumn("RAG", 7, lambda row: _words(row.rag), align="center"),
    TrackerColumn("Overdue", 8, lambda row: row.overdue, align="center"),
    TrackerColumn("Action", 40, lambda row: row.action or "", wrap=True),
    TrackerColumn("Success criteria", 34, _criteria, wrap=True),
    TrackerColumn("Latest update", 28, _update, wrap=True),
)


def _ref(row: Any) -> str:
    plan = getattr(row, "plan", None)  # rows of several plans carry it: PLAN:ID
    return f"{plan}:{row.id}" if plan else str(row.id)


def tracker_columns(rows: Sequence[Any]) -> tuple[TrackerColumn, ...]:
    """The columns for *rows*: with several plans open the ID column shows PLAN:ID, widened to
    the longest and the action narrowed as much, so the sheet still prints one page wide."""
    if not any(getattr(row, "plan", None) for row in rows):
        return TRACKER_COLUMNS
    wider = max(0, max(len(_ref(row)) for row in rows) + 1 - TRACKER_COLUMNS[0].width)
    columns = [
        replace(column, width=column.width + wider, value=_ref) if column.header == "ID"
        else replace(column, width=column.width - wider) if column.header == "Action"
        else column
        for column in TRACKER_COLUMNS
    ]  # fmt: skip
    return tuple(columns)


STATUS_WORDS = ("Not started", "On track", "At risk", "Off track", "Complete", "Dropped")
RAG_WORDS = ("Red", "Amber", "Grey", "Green", "Blue")

# A4 landscape in points, the margins set below, and the room a page has for rows.
PAGE_WIDTH, PAGE_HEIGHT = 842, 595
MARGIN_SIDES, MARGIN_TOP, MARGIN_BOTTOM = 0.4, 0.7, 0.6  # inches
# Arial 10, which every office computer has (LibreOffice's Liberation Sans has the same
# metrics): a spreadsheet counts column widths in its digits, 7 pixels each, plus 5 pixels of
# padding, and spaces its lines 12.75 points apart.
FONT, FONT_SIZE = "Arial", 10
LINE_HEIGHT = 12.75
POINTS_PER_CHARACTER, COLUMN_PADDING = 5.25, 3.75
# A line of text holds more characters than the column's width in digits (letters are
# narrower); counting fewer leaves room to spare, and a page is filled to this much of its
# height, so no spreadsheet needs a page break of its own.
CHARACTERS_PER_WIDTH = 1.1
PAGE_FILL = 0.94


def lines_needed(text: str, width: int) -> int:
    """How many lines *text* takes wrapped in a column *width* characters wide."""
    import textwrap

    room = max(int(width * CHARACTERS_PER_WIDTH), 1)
    return sum(max(1, len(textwrap.wrap(line, room, break_long_words=True))) for line in text.split("\n"))


def scale() -> float:
    """The print scale that fits the columns to the page's width (at most 1: never enlarged)."""
    sheet_width = sum(column.width * POINTS_PER_CHARACTER + COLUMN_PADDING for column in TRACKER_COLUMNS)
    return min(1.0, (PAGE_WIDTH - 2 * 72 * MARGIN_SIDES) / sheet_width)


def page_breaks(heights: Sequence[float], header: float) -> list[int]:
    """The rows (1-based, the header being row 1) after which a page ends: each page holds the
    header and as many whole rows as fit."""
    room = ((PAGE_HEIGHT - 72 * (MARGIN_TOP + MARGIN_BOTTOM)) / scale()) * PAGE_FILL - header
    breaks, used = [], 0.0
    for number, height in enumerate(heights, start=2):
        if used and used + height > room:
            breaks.append(number - 1)
            used = 0.0
        used += height
    return breaks


def add_tracker(book: Any, rows: Sequence[Any], title: str) -> int:
    """Add the Tracker sheet, first in *book*; returns the pages it prints on."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.pagebreak import Break

    columns = tracker_columns(rows)
    sheet = book.create_sheet(TRACKER_SHEET, 0)
    book.active = 0
    # The workbook's default style sets the unit column widths are counted in: Arial, as the
    # cells here, so the widths below mean the same in Excel and LibreOffice.
    book._named_styles["Normal"].font = Font(name=FONT, size=FONT_SIZE)
    text, bold = Font(name=FONT, size=FONT_SIZE), Font(name=FONT, size=FONT_SIZE, bold=True)
    sheet.append([column.header for column in columns])
    rule = Side(style="thin", color="BFBFBF")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", start_color="E7E6E6")
        cell.alignment = Alignment(vertical="bottom", wrap_text=True)
        cell.border = Border(bottom=Side(style="medium"))
    heights = []
    for row in rows:
        values = [column.value(row) for column in columns]
        sheet.append([spreadsheet_text(value) if isinstance(value, str) else value for value in values])
        lines = 1
        for cell, column in zip(sheet[sheet.max_row], columns, strict=True):
            cell.font = text
            cell.alignment = Alignment(vertical="top", wrap_text=column.wrap, horizontal=column.align)
            cell.border = Border(bottom=rule)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, not a formula
                lines = max(lines, lines_needed(cell.value, column.width) if column.wrap else 1)
            elif isinstance(cell.value, bool):
                cell.number_format = BOOLEAN_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = "d mmm yyyy"
        height = min(LINE_HEIGHT * lines + 3, 409)  # 409 points is the tallest row a spreadsheet allows
        sheet.row_dimensions[sheet.max_row].height = height
        heights.append(height)
    header_height = LINE_HEIGHT + 3
    sheet.row_dimensions[1].height = header_height
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    last = len(rows) + 1
    letters = {column.header: get_column_letter(index) for index, column in enumerate(columns, start=1)}
    if rows:
        rag = f"{letters['RAG']}2:{letters['RAG']}{last}"
        for word in RAG_WORDS:
            colour = RAG_COLOURS.get(word.lower(), RAG_COLOURS["none"]).lstrip("#").upper()
            ink = rag_ink(word.lower()).lstrip("#").upper()
            sheet.conditional_formatting.add(
                rag,
                CellIsRule(  # type: ignore[no-untyped-call]
                    operator="equal",
                    formula=[f'"{word}"'],
                    fill=PatternFill("solid", start_color=colour, end_color=colour, bgColor=colour),
                    font=Font(color=ink, bold=True),
                ),
            )
        for header, words in (("Status", STATUS_WORDS), ("RAG", RAG_WORDS)):
            choice = DataValidation(type="list", formula1=f'"{",".join(words)}"', allow_blank=True)
            choice.add(f"{letters[header]}2:{letters[header]}{last}")
            sheet.add_data_validation(choice)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    sheet.freeze_panes = "B2"
    print_setup(sheet, pages_wide=1, heading=title)
    sheet.page_margins.left = sheet.page_margins.right = MARGIN_SIDES
    sheet.page_margins.top, sheet.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    sheet.page_margins.header, sheet.page_margins.footer = 0.3, 0.3
    breaks = page_breaks(heights, header_height)
    for number in breaks:
        sheet.row_breaks.append(Break(id=number))
    return len(breaks) + 1


def print_setup(sheet: Any, *, pages_wide: int, heading: str) -> None:
    """Print *sheet* on A4 landscape, *pages_wide* pages across and as many down as it takes,
    with the header row and the id column on every page, *heading* at the top of each page
    and "Page N of M" at the foot."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = pages_wide, 0  # 0: as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    # Plan text is data: no control character (XML cannot hold them), and "&" starts a field code.
    sheet.oddHeader.left.text = spreadsheet_text(heading).replace("&", "&&")
    sheet.oddHeader.left.size = 9
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.oddFooter.right.size = 9
