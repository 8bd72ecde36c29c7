"""An Excel workbook (openpyxl), each cell with its type: ids and text as text, days as dates,
yes/no as real TRUE/FALSE. A workbook of items opens on a Tracker sheet laid out for print
(sendplan/outputs/tracker.py), with every field on the next sheet."""

from __future__ import annotations

import sys
from datetime import date
from typing import IO, Any

from sendplan.outputs.delimited import spreadsheet_text
from sendplan.outputs.rows import Report, chosen_names
from sendplan.outputs.tracker import BOOLEAN_FORMAT, FONT, FONT_SIZE, LINE_HEIGHT, add_tracker, print_setup

# Fields that hold an ISO day: real dates in a spreadsheet, so they sort and filter as dates.
_DAY_FIELDS = frozenset({"deadline", "revised_deadline", "completed", "next_deadline", "date"})
# Kinds of several plans' reports, named for what their rows are.
SHEET_TITLES = {"portfolio_leads": "Leads", "plan_tasks": "Tasks", "plan_returns": "Returns", "portfolio_status": "Status"}
_XLSX_WIDEST = 60  # characters; longer text wraps inside its cell
_DATA_WIDEST = 30  # characters: the data sheet beside a Tracker keeps a line a row


def _xlsx_value(name: str, value: Any) -> Any:
    """A cell's value: numbers and days as themselves, booleans and everything else as text."""
    if isinstance(value, bool):
        return value  # a real TRUE/FALSE, which filters and formulas understand
    if value is None or isinstance(value, int | float):
        return value
    if name in _DAY_FIELDS and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, date):
        return value
    return spreadsheet_text(value)


def _wrapped_lines(value: Any, width: int) -> int:
    if not isinstance(value, str):
        return 1
    return sum(max(1, -(-len(line) // max(width, 1))) for line in value.split("\n"))


def render_xlsx(report: Report, out: IO[bytes] | None = None) -> int | None:
    """An Excel workbook, for the spreadsheets councils run on.

    A CSV leaves every cell to the spreadsheet's guessing: opened in Excel or LibreOffice, the
    id 4.10 becomes the number 4.1 and "Sep 2021" the date 1 September. Here each cell has its
    type: ids and plan text are text (never a formula, whatever they start with), counts are
    numbers and days are dates. The header row is frozen and filtered, long text wraps.

    Items (unless --fields chose the columns) get the Tracker sheet first, and this returns
    the pages it prints on; other reports are one sheet, and return None.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    names = chosen_names(report)
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet, the active one
    sheet.title = SHEET_TITLES.get(report.kind, report.kind.capitalize())[:31]
    tracker = report.kind == "items" and not report.fields
    # Beside the Tracker this is the data sheet, for filters and other programs: a line a row,
    # printing two pages wide with the ids on each. Alone, it is the one to read: text wraps.
    widest = _DATA_WIDEST if tracker else _XLSX_WIDEST
    pages = add_tracker(book, report.rows, report.title) if tracker else None
    sheet.append(names)
    # Beside a Tracker, Arial as there: the width of a column means the same in every office suite.
    text = Font(name=FONT, size=FONT_SIZE) if tracker else None
    for cell in sheet[1]:
        cell.font = Font(name=FONT, size=FONT_SIZE, bold=True) if tracker else Font(bold=True)
    widths = [len(name) for name in names]
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in report.rows:
        values = [_xlsx_value(name, getattr(row, name)) for name in names]
        sheet.append(values)
        for column, (cell, value) in enumerate(zip(sheet[sheet.max_row], values, strict=True)):
            if text is not None:
                cell.font = text
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, not a formula
                longest = max((len(line) for line in value.split("\n")), default=0)
                # Beside a Tracker every text cell wraps inside a row one line tall: the text
                # shows to the cell's edge, never over its neighbours, and is whole in the cell.
                cell.alignment = wrap if tracker or longest > widest or "\n" in value else top
            elif isinstance(value, date):
                cell.number_format = "d mmm yyyy"
                cell.alignment = top
                longest = 11
            elif isinstance(value, bool):
                cell.number_format = BOOLEAN_FORMAT
                cell.alignment = top
                longest = 5
            else:
                cell.alignment = top
                longest = len(str(value)) if value is not None else 0
            widths[column] = max(widths[column], min(longest, widest))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    # Spreadsheets do not always grow a row to fit wrapped text when they open a file (LibreOffice
    # does not), so each row is given the height of its tallest cell.
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        if tracker:
            sheet.row_dimensions[number].height = LINE_HEIGHT
            continue
        lines = max((_wrapped_lines(cell.value, widths[i]) for i, cell in enumerate(cells)), default=1)
        if lines > 1:
            sheet.row_dimensions[number].height = min(15 * lines, 409)  # points; 409 is Excel's most
    sheet.freeze_panes = "B2" if tracker else "A2"
    if tracker:  # two pages wide: one would make the text too small to read
        print_setup(sheet, pages_wide=2, heading="Every field, a line an item (the Tracker sheet is the one to read)")
    else:  # landscape A4 with the header on every page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.print_title_rows = "1:1"
    if report.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(report.rows) + 1}"
    book.save(out if out is not None else sys.stdout.buffer)
    return pages
