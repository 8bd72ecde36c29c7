"""Writing the return workbook: the Update sheet a lead fills in and the hidden record sheet.

Built in memory with openpyxl and returned as bytes. Its zip entries and document properties
carry the request's day, not the clock's, so the same request gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from sendplan.office.returns import (
    COLUMNS,
    RECORD_KEYS,
    RECORD_SHEET,
    RECORD_TABLE_ROW,
    RECORD_TITLE,
    RECORD_VERSION,
    STATUS_WORDS,
    UPDATE_SHEET,
    FormRow,
    ReturnRequest,
    canonical,
    cell_texts,
    column_letter,
    fingerprint,
    instructions,
    shown_cells,
)
from sendplan.outputs.text import clean


def _text(value: str | None) -> str:
    return clean(value).strip() if value else ""


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_LINE_HEIGHT = 12.75  # points per line of 10-point text
_HEADER_FILL = "D9D9D9"  # grey: the plan's columns
_ANSWER_FILL = "FFF2CC"  # pale yellow: fill these in
_RAG_FILLS = {"red": "F4B6B6", "amber": "FFD966", "green": "B7E1B0", "blue": "B4C7E7"}


class _StampedZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_FIXED_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl writes each worksheet to a temporary file and adds it with write(), which
        # would stamp the entry with that file's time: the same request made a second later
        # gave different bytes. The file's bytes go through writestr instead.
        with open(filename, "rb") as source:
            self.writestr(str(arcname if arcname is not None else filename), source.read())


def _lines(text: str, width: int) -> int:
    # About 1.3 characters of 10-point Arial fit in one unit of column width (LibreOffice fits
    # more, Excel a little fewer): rows come out a little tall rather than cut short.
    per_line = max(1, int(width * 1.3) - 1)
    return sum(max(1, -(-len(line) // per_line)) for line in text.split("\n")) if text else 1


def _set_text(cell: Any, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # text that starts with "=" stays text, never a formula


def request_workbook(request: ReturnRequest, *, version: str = "") -> bytes:
    """The return workbook for *request*, as the bytes of an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = UPDATE_SHEET
    last = column_letter(COLUMNS[-1].key)
    top_wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)
    thin = Side(style="thin", color="A6A6A6")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey = PatternFill("solid", start_color=_HEADER_FILL)
    yellow = PatternFill("solid", start_color=_ANSWER_FILL)
    body = Font(name="Arial", size=10)
    total_width = sum(column.width for column in COLUMNS)

    # The instructions: one merged row each, the title larger.
    lines = instructions(request)
    for number, line in enumerate(lines, start=1):
        cell = sheet.cell(number, 1)
        _set_text(cell, line)
        cell.font = Font(name="Arial", size=14 if number == 1 else 10, bold=number in (1, 2))
        cell.alignment = Alignment(wrap_text=True, vertical="center" if number == 1 else "top")
        sheet.merge_cells(f"A{number}:{last}{number}")
        height = 22.0 if number == 1 else _LINE_HEIGHT * _lines(line, total_width) + 3
        sheet.row_dimensions[number].height = height
    header_row = len(lines) + 2
    sheet.row_dimensions[header_row - 1].height = 6

    for number, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(header_row, number)
        _set_text(cell, column.header)
        cell.font = Font(name="Arial", size=10, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = yellow if column.answer else grey
        cell.border = box
        sheet.column_dimensions[column_letter(column.key)].width = column.width
    sheet.row_dimensions[header_row].height = 2 * _LINE_HEIGHT + 4

    first_row = header_row + 1
    positions: list[int] = []
    number = header_row
    task = None
    for form_row in request.rows:
        number += 1
        if form_row.row.task != task:
            # A band naming the task above its first item: the lead reads the items by task.
            task = form_row.row.task
            band = sheet.cell(number, 1)
            band_text = f"Task {task}: {_text(form_row.row.task_title)}"
            _set_text(band, band_text)
            band.font = Font(name="Arial", size=10, bold=True)
            band.alignment = Alignment(wrap_text=True, vertical="center")
            band.fill = grey
            sheet.merge_cells(f"A{number}:{last}{number}")
            sheet.row_dimensions[number].height = _LINE_HEIGHT * _lines(band_text, total_width) + 4
            number += 1
        positions.append(number)
        _item_row(sheet, number, form_row, body, top_wrap, box, yellow, unlocked)

    if positions:
        choices = ",".join(STATUS_WORDS)
        status_list = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not a status",
            error="Choose a status from the list.",
            showInputMessage=True,
            promptTitle="New status",
            prompt="Choose from the list; leave empty if the status has not changed.",
        )
        letter = column_letter("new_status")
        status_list.add(f"{letter}{positions[0]}:{letter}{positions[-1]}")
        sheet.add_data_validation(status_list)

    sheet.freeze_panes = f"B{first_row}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    footer = sheet.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = f"{clean(request.plan_title)} · {request.lead} · page &P of &N"
    # Protected without a password: only the answer cells take typing, but a lead who needs
    # to can still unprotect it. Columns and rows may be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False

    _record_sheet(book, request, header_row, positions, version)
    book.security = WorkbookProtection(lockStructure=True)  # sheets stay as made: no unhiding
    stamp = datetime(request.as_of.year, request.as_of.month, request.as_of.day)
    book.properties.creator = "sendplan"
    book.properties.title = f"{clean(request.plan_title)}: update from {request.lead}"
    book.properties.created = stamp
    book.properties.modified = stamp
    out = io.BytesIO()
    with _StampedZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter rather than Workbook.save, which stamps the file with the clock's time.
        ExcelWriter(book, archive).save()
    return out.getvalue()


def _item_row(
    sheet: Any, number: int, form_row: FormRow, font: Any, alignment: Any, border: Any, fill: Any, unlocked: Any
) -> None:
    from openpyxl.styles import PatternFill

    texts = cell_texts(form_row)
    height = 1
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(number, index)
        cell.font = font
        cell.alignment = alignment
        cell.border = border
        if column.answer:
            cell.protection = unlocked
            cell.fill = fill
            if column.key in ("revised", "completed"):
                cell.number_format = "@"  # typed dates stay as typed, and are read day first
            continue
        text = texts[column.key]
        _set_text(cell, text)
        if column.key == "rag" and text in _RAG_FILLS:
            cell.fill = PatternFill("solid", start_color=_RAG_FILLS[text])
        height = max(height, _lines(text, column.width))
    sheet.row_dimensions[number].height = min(409.0, _LINE_HEIGHT * max(height, 2) + 4)


def _record_sheet(book: Any, request: ReturnRequest, header_row: int, positions: list[int], version: str) -> None:
    record = book.create_sheet(RECORD_SHEET)
    values = {
        "plan": request.plan_title,
        "organisation": request.organisation or "",
        "lead": request.lead,
        "lead_name": request.lead_name or "",
        "as_of": request.as_of.isoformat(),
        "return_by": request.return_by.isoformat(),
        "sheet": UPDATE_SHEET,
        "header_row": str(header_row),
        "made_by": f"sendplan {version}".strip(),
    }
    _set_text(record.cell(1, 1), RECORD_TITLE)
    _set_text(record.cell(1, 2), RECORD_VERSION)
    for number, key in enumerate(RECORD_KEYS, start=2):
        _set_text(record.cell(number, 1), key)
        _set_text(record.cell(number, 2), values[key])
    for index, header in enumerate(("id", "row", "fingerprint", "sent", "shown"), start=1):
        _set_text(record.cell(RECORD_TABLE_ROW, index), header)
    for offset, (form_row, position) in enumerate(zip(request.rows, positions, strict=True)):
        number = RECORD_TABLE_ROW + 1 + offset
        _set_text(record.cell(number, 1), form_row.item_id)
        _set_text(record.cell(number, 2), str(position))
        _set_text(record.cell(number, 3), fingerprint(form_row.sent))
        _set_text(record.cell(number, 4), canonical(form_row.sent))
        # The grey cells as the lead saw them, so that one edited there is noticed, not lost.
        _set_text(record.cell(number, 5), canonical(shown_cells(form_row)))
    record.sheet_state = "hidden"
    record.protection.sheet = True
