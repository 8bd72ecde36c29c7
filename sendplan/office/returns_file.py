"""A return file before its content is read: refused with how to save it properly when it is
not an .xlsx workbook (an .xls, a CSV, an .ods, a Word document, a damaged or oversized zip).

Pure: reads the file, no clock, no printing, no writing.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from sendplan.errors import Location, PlanError, Problem

MAX_RETURN_BYTES = 32 * 1024 * 1024
# A workbook's parts, unpacked; a "zip bomb" stops here before openpyxl reads it.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = (
    'open it, choose File > Save As and pick "Excel Workbook (*.xlsx)" (in LibreOffice: '
    '"Excel 2007-365 (.xlsx)"), then collect the .xlsx file'
)


def file_problem(name: str, message: str) -> PlanError:
    return PlanError([Problem(message, Location(name))])


def _refuse_wrong_format(name: str, data: bytes) -> None:
    suffix = Path(name).suffix.lower()
    if not data:
        raise file_problem(name, "the file is empty. Collect the workbook the lead sent back (an .xlsx file).")
    if data.startswith(_OLE2):
        raise file_problem(
            name,
            "this is an Excel 97-2003 workbook (.xls), or a workbook saved with a password; sendplan "
            f"reads only .xlsx workbooks without a password. To save it properly, {_SAVE_AS}.",
        )
    if data.startswith(b"PK\x03\x04"):
        return
    head = data[:65536].decode("utf-8", "replace").lower()
    if suffix in (".csv", ".tsv", ".txt") or "new status" in head:
        raise file_problem(
            name,
            "this is a CSV file (text only), not a workbook: saving as CSV keeps one sheet's text and drops "
            "the hidden record the answers are checked against. Open the .xlsx workbook that was sent, put "
            'the answers in it and save it with File > Save As as "Excel Workbook (*.xlsx)" (in LibreOffice: '
            '"Excel 2007-365 (.xlsx)"); then collect that file.',
        )
    raise file_problem(name, f"this is not an Excel workbook (.xlsx). If it is a return, {_SAVE_AS}.")


def _open_zip(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise file_problem(
            name, "this file is damaged or is not a workbook: it could not be opened. Ask for it to be sent again."
        ) from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise file_problem(
                name, f"this is an OpenDocument spreadsheet (.ods), not an Excel workbook. To save it properly, {_SAVE_AS}."
            )
        if "word/document.xml" in names:
            raise file_problem(name, "this is a Word document, not the return workbook. Collect the .xlsx file.")
        raise file_problem(name, "this is a zip file, not an Excel workbook. Collect the .xlsx file the lead sent back.")
    if unpacked > MAX_UNPACKED_BYTES:
        raise file_problem(name, "this workbook unpacks to more than 256 MiB, far more than a return holds; it was not read.")


def load_return_workbook(name: str, data: bytes) -> Any:
    """The openpyxl workbook in *data*, or a PlanError that says what the file is instead."""
    _refuse_wrong_format(name, data)
    _open_zip(name, data)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it skips (extensions, unknown styles): not our business.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # noqa: BLE001  any damage in any part must become a message, never a traceback
        raise file_problem(
            name, f"this workbook could not be read ({type(error).__name__}); it may be damaged. Ask for it to be sent again."
        ) from None


def read_bytes(name: str) -> bytes:
    """The return file's bytes, or a PlanError naming it (one reader for every file sendplan reads)."""
    from sendplan.plan.source import read_bytes as read_file

    return read_file(
        name,
        MAX_RETURN_BYTES,
        folder="this is a folder; give the return workbooks (.xlsx files) themselves.",
        missing="no such file. Check the name and the folder.",
        too_big="this file is larger than 32 MiB ({size} bytes), far more than a return holds; it was not read.",
    )
