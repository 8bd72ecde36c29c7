"""Reading trackers: an .xlsx workbook, a .csv file or a .docx document → grids of located cells.

Each sheet or Word table becomes a `Table`: rows of `Cell`s in source order (blank rows kept, so
a row's position is its row number), merged cells already filled in from the cell that holds the
value, and every cell nameable as a spreadsheet user names it (`Action tracker!C7`) or a Word user
would find it (`table 3, row 5, column 2`). A file that is not what its name says, a
password-protected workbook or a file that cannot be read is a PlanError naming the file, never a
traceback. Nothing here decides what a column means (see headers.py) and nothing here prints.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import os
import re
import zipfile
from datetime import date, datetime, time
from typing import Any

from sendplan.errors import Location, PlanError
from sendplan.office.grid import EMPTY, Cell, Source, Table

# A tracker is a few hundred rows; anything far bigger is the wrong file (or a sheet formatted
# down to row 1,048,576), and reading it would only be slow.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 500
EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".docx")


def _fail(message: str, file: str) -> PlanError:
    return PlanError.single(message, Location(file))


def read_tables(path: str) -> Source:
    """Every sheet or table of the tracker at *path*, chosen by its extension."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in EXTENSIONS:
        raise _fail(
            "sendplan imports Excel workbooks (.xlsx), CSV files (.csv) and Word documents (.docx); "
            f"this file's name ends in {extension or 'no extension'}. Save the tracker as one of those.",
            path,
        )
    data = _read_bytes(path)
    what = sniff(data)
    if extension == ".csv":
        if what not in ("text", "empty"):
            raise _fail(f"this is {_described(what)}, not CSV text, although its name ends in .csv. {_rename(what)}", path)
        return _read_csv(data, path)
    wanted = "xlsx" if extension in (".xlsx", ".xlsm") else "docx"
    if what == "encrypted":
        raise _fail(
            "this file is password-protected (encrypted), so sendplan cannot read it. Open it in Excel or "
            "Word, remove the password (File > Info > Protect > Encrypt with Password, then clear it), "
            "save a copy and import that.",
            path,
        )
    if what == "damaged":
        raise _fail(
            "this file is damaged: it is an incomplete zip archive (as .xlsx and .docx files are). Ask for a fresh "
            "copy, or open it in Excel or Word and save it again.",
            path,
        )
    if what != wanted:
        expected = "an Excel workbook" if wanted == "xlsx" else "a Word document"
        raise _fail(f"this is {_described(what)}, not {expected}, although its name ends in {extension}. {_rename(what)}", path)
    if wanted == "docx":
        from sendplan.office.word import read_docx

        return read_docx(data, path, _check_size)
    return _read_xlsx(data, path)


def _read_bytes(path: str) -> bytes:
    from sendplan.plan.source import read_bytes

    data = read_bytes(
        path,
        MAX_BYTES,
        folder="this is a folder, not a file. Name the tracker file to import.",
        missing="no such file. Check the name and the folder.",
        too_big="the file is {size:,} bytes; sendplan imports trackers of up to {limit:,}.",
    )
    if len(data) > MAX_BYTES:  # it grew while being read
        raise _fail(f"the file is larger than the {MAX_BYTES:,} bytes sendplan imports.", path)
    return data


_WHAT = {
    "xlsx": "an Excel workbook (.xlsx)",
    "docx": "a Word document (.docx)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "odt": "an OpenDocument text document (.odt)",
    "pptx": "a PowerPoint presentation",
    "zip": "a zip archive",
    "xls": "an old-style Excel 97-2003 workbook (.xls)",
    "doc": "an old-style Word 97-2003 document (.doc)",
    "ole": "an old-style Office file",
    "pdf": "a PDF",
    "image": "an image",
    "text": "a text file",
    "empty": "an empty file",
    "binary": "a binary file",
    "encrypted": "a password-protected Office file",
    "damaged": "a damaged zip archive (perhaps an Excel or Word file)",
}


def _described(what: str) -> str:
    return _WHAT.get(what, "another kind of file")


def _rename(what: str) -> str:
    if what == "xlsx":
        return "Give it the .xlsx extension, or import the workbook itself."
    if what == "docx":
        return "Give it the .docx extension."
    if what == "text":
        return "If it is a CSV file, give it the .csv extension."
    if what in ("xls", "doc", "ods", "odt"):
        return "Open it and save it as an Excel workbook (.xlsx) or Word document (.docx)."
    return "Import the tracker itself (.xlsx, .csv or .docx)."


def sniff(data: bytes) -> str:
    """What a file really is, from its bytes: "xlsx", "docx", "text", "encrypted", "pdf"…"""
    if not data:
        return "empty"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An encrypted .xlsx/.docx is a compound file holding the real one as "EncryptedPackage".
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        return "ole"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "image"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    return "binary" if b"\x00" in data[:65536] else "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError, EOFError):
        return "damaged"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if mimetype.endswith("opendocument.spreadsheet"):
        return "ods"
    if mimetype.endswith("opendocument.text"):
        return "odt"
    return "zip"


# ---------------------------------------------------------------------------------------
# CSV


def decode_csv(data: bytes, file: str) -> tuple[str, str]:
    """(text, encoding's name) of CSV bytes: UTF-8 with or without a byte-order mark, UTF-16
    with one, else Windows-1252, which is what Excel's plain "CSV" is on Windows."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", file, 3), "UTF-8 (with a byte-order mark)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", file, 0), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return _decode(data, "cp1252", file, 0), "Windows-1252"


def _decode(data: bytes, encoding: str, file: str, offset: int) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        position = error.start + offset
        line = data[: error.start].count(b"\n") + 1
        named = "UTF-8" if encoding == "utf-8" else "UTF-16" if encoding == "utf-16" else "UTF-8 or Windows-1252"
        raise PlanError.single(
            f"line {line}: byte {position:,} (0x{data[error.start]:02x}) is not {named} text, so the file's "
            "encoding is unknown. Save it from Excel as \"CSV UTF-8\" and import that.",
            Location(file),
        ) from None


_DELIMITERS = (",", ";", "\t")


def _records(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))


def _delimiter(text: str) -> str:
    """The delimiter that splits the opening records into the most, most regular, columns.

    Excel writes commas, or semicolons where the comma is the decimal mark; tabs come from
    "Unicode text". Ties go to the comma."""
    sample = "\n".join(text.splitlines()[:50])

    def score(delimiter: str) -> tuple[int, int]:
        widths = [len(record) for record in _records(sample, delimiter) if any(part.strip() for part in record)]
        if not widths:
            return (0, 0)
        common = max(set(widths), key=widths.count)
        return (widths.count(common) if common > 1 else 0, common)

    return max(_DELIMITERS, key=score)


def _read_csv(data: bytes, file: str) -> Source:
    text, encoding = decode_csv(data, file)
    if "\x00" in text:
        raise _fail("the file holds NUL characters, so it is not CSV text.", file)
    delimiter = _delimiter(text)
    try:
        records = _records(text, delimiter)
    except csv.Error as error:  # e.g. a field larger than the csv module's limit
        raise _fail(f"this CSV file cannot be read: {error}.", file) from None
    _check_size(len(records), max((len(record) for record in records), default=0), "the file", file)
    table = Table("csv", os.path.basename(file), 1, [[Cell(value) for value in record] for record in records])
    return Source(file, "csv", [table], encoding=encoding, delimiter=delimiter)


def _check_size(rows: int, columns: int, where: str, file: str) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise _fail(
            f"{where} has {rows:,} rows and {columns:,} columns; sendplan imports at most {MAX_ROWS:,} rows "
            f"and {MAX_COLUMNS} columns. Copy the tracker's own rows to a new file and import that.",
            file,
        )


# ---------------------------------------------------------------------------------------
# Excel


def _read_xlsx(data: bytes, file: str) -> Source:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it skips (data validation extensions, slicers); they do
            # not matter for reading values, and the warning is not the user's problem.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            # Formulas are read as the values they showed; a second read says which cells are formulas.
            formulas = _formulas(openpyxl.load_workbook(io.BytesIO(data), read_only=True))
    except Exception as error:  # noqa: BLE001 - a damaged workbook can fail anywhere inside openpyxl
        raise _fail(
            f"this workbook cannot be read; it may be damaged ({type(error).__name__}). "
            "Open it in Excel, save it again and import that.",
            file,
        ) from None
    tables = [_sheet(sheet, index, file, formulas.get(index, {})) for index, sheet in enumerate(workbook.worksheets, 1)]
    return Source(file, "xlsx", tables)


def _formulas(workbook: Any) -> dict[int, dict[tuple[int, int], str]]:
    """By sheet (1-based), the formula of each cell that holds one, by (row, column) from 0."""
    found: dict[int, dict[tuple[int, int], str]] = {}
    for index, sheet in enumerate(workbook.worksheets, 1):
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            continue
        for r, row in enumerate(sheet.iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("=") and len(value) > 1:
                    found.setdefault(index, {})[(r, c)] = value
    workbook.close()
    return found


_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _date_format_has_day(number_format: str) -> bool:
    # "[$-809]dd mmmm yyyy;@" has a day; "mmm-yy" and "MMMM YYYY" do not.
    return "d" in _QUOTED.sub("", number_format).lower()


_FIXED_DECIMALS = re.compile(r"0\.(0+)")


def _number_text(value: float, number_format: str) -> str:
    match = _FIXED_DECIMALS.fullmatch(number_format)
    if match:
        return f"{value:.{len(match[1])}f}"
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(value)


def _fill(cell: Any) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or getattr(fill, "fill_type", None) != "solid":
        return None
    colour = getattr(fill.fgColor, "rgb", None)
    if isinstance(colour, str) and re.fullmatch(r"[0-9A-Fa-f]{8}", colour):
        return colour[2:].upper()
    return None


def sheet_cell(value: Any, number_format: str = "General", fill: str | None = None) -> Cell:
    """A worksheet value as a Cell: dates as days (or months), numbers as Excel shows them."""
    if value is None:
        return Cell(fill=fill) if fill else EMPTY
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if _date_format_has_day(number_format):
            return Cell(value.isoformat(), value, fill=fill)
        return Cell(value.strftime("%b %Y"), value, month_only=True, fill=fill)
    if isinstance(value, time):
        return Cell(value.isoformat(), fill=fill)
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE", fill=fill)
    if isinstance(value, int | float):
        return Cell(_number_text(value, number_format), fill=fill)
    return Cell(str(value), fill=fill)


def _sheet(sheet: Any, index: int, file: str, formulas: dict[tuple[int, int], str]) -> Table:
    _check_size(sheet.max_row, sheet.max_column, f'sheet "{sheet.title}"', file)
    rows: list[list[Cell]] = []
    for row in sheet.iter_rows():
        rows.append([sheet_cell(cell.value, cell.number_format, _fill(cell)) for cell in row])
    for (r, c), formula in formulas.items():
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = dataclasses.replace(rows[r][c], formula=formula)
    while rows and all(cell.blank and cell.fill is None for cell in rows[-1]):
        rows.pop()
    for merged in sheet.merged_cells.ranges:
        _fill_merge(rows, merged.min_row - 1, merged.min_col - 1, merged.max_row - 1, merged.max_col - 1)
    return Table("sheet", sheet.title, index, rows, hidden=sheet.sheet_state != "visible")


def _fill_merge(rows: list[list[Cell]], top: int, left: int, bottom: int, right: int) -> None:
    """Copy a merged range's value (held by its top-left cell) to every cell it covers."""
    if top >= len(rows) or left >= len(rows[top]):
        return
    origin = rows[top][left]
    for r in range(top, min(bottom, len(rows) - 1) + 1):
        row = rows[r]
        if len(row) <= right:
            row.extend([EMPTY] * (right + 1 - len(row)))
        for c in range(left, right + 1):
            if (r, c) != (top, left):
                row[c] = Cell(origin.text, origin.day, origin.month_only, True, origin.fill)


