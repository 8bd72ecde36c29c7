"""Remake the LibreOffice-saved return fixtures (needs LibreOffice's soffice; the tests do not).

    python tests/cases/returns/make.py

1. sendplan makes AG's return workbook from the bundled plan as of 2021-12-01;
2. openpyxl fills it in as a lead would: a status and a note, a completion day with
   evidence, a revised deadline with its reason, a note on two lines, a day typed as text;
3. LibreOffice opens it and saves it again, rewriting the whole file, as AG-filled.xlsx, and
   also as AG-filled.xls and AG-filled.csv (the wrong formats a lead may pick by mistake);
4. one more is filled with a status that is not on the list ("finished-ish") and saved by
   LibreOffice as AG-bad-status.xlsx;
5. what a lead may do besides answering, each saved by LibreOffice: AG-grey.xlsx (the sheet
   unprotected and grey cells typed over: 1.2's Status, 1.3's Deadline, 1.4's Latest update,
   beside a real answer for 1.1), AG-rowdel.xlsx (the row of 1.2 deleted, the rows below moved
   up, and 1.1 answered) and AG-formula.xlsx (a formula as 1.1's progress note).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sendplan.office.returns import build_requests, column_letter
from sendplan.office.returns_book import request_workbook
from sendplan.plan.read import load_plan
from sendplan.query import rows

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
AS_OF = date(2021, 12, 1)

FILLED = {
    "1.1": {"new_status": "on track", "note": "Working group met twice; draft document shared with SENDCOs"},
    "1.2": {"new_status": "complete", "completed": date(2021, 11, 26), "evidence": "Briefing slides for case officers"},
    "1.3": {"revised": "Sep 2022", "reason": "Working group starts after the summer term"},
    "1.4": {"new_status": "at risk", "note": "Statistical neighbours' data not yet in\nAsked the DfE team"},
    "2.2": {"completed": "29/11/2021"},
}
BAD = {"1.1": {"new_status": "finished-ish"}}
ANSWER = {"1.1": {"new_status": "on track", "note": "Working group met twice"}}
GREY = {"1.2": {"status": "complete"}, "1.3": {"deadline": "Mar 2022"}, "1.4": {"latest": "Met the DfE team on 30 Nov"}}
FORMULA = {"1.1": {"new_status": "on track", "note": '=HYPERLINK("https://example.org/minutes","Minutes of the meeting")'}}


def _positions(book: Any) -> dict[str, int]:
    record = book["sendplan"]
    positions = {}
    number = 13
    while record.cell(number, 1).value:
        positions[record.cell(number, 1).value] = int(record.cell(number, 2).value)
        number += 1
    return positions


def _fill(source: Path, target: Path, answers: dict[str, dict[str, object]]) -> None:
    """*source* with *answers* typed in, by item id and column key (grey columns too: unprotected)."""
    book = load_workbook(source)
    positions = _positions(book)
    sheet = book["Update"]
    for item_id, cells in answers.items():
        for key, value in cells.items():
            sheet[f"{column_letter(key)}{positions[item_id]}"] = value
    book.save(target)


def _delete_row(source: Path, target: Path, item_id: str) -> None:
    """*source* with *item_id*'s row deleted as a spreadsheet deletes one: the rows below move up."""
    book = load_workbook(source)
    row = _positions(book)[item_id]
    sheet = book["Update"]
    below = [cells for cells in sheet.merged_cells.ranges if cells.min_row > row]
    for cells in below:
        sheet.merged_cells.remove(cells)
    sheet.delete_rows(row)
    for cells in below:  # openpyxl leaves merged cells where they were; a spreadsheet moves them up
        cells.shift(0, -1)
        sheet.merged_cells.add(cells)
    book.save(target)


def _resave(source: Path, folder: Path, target: str, filter_name: str) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", filter_name,
             "--outdir", str(folder), str(source)],
            check=True, capture_output=True,
        )  # fmt: skip
    made = folder / (source.stem + "." + filter_name.split(":")[0])
    final = HERE / target
    shutil.move(made, final)
    return final


def main() -> int:
    loaded = load_plan(str(REPO / "plan.yaml"))
    request = build_requests(loaded.plan, rows(loaded.plan, AS_OF), as_of=AS_OF, leads=["AG"])[0]
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        sent = folder / "sent.xlsx"
        sent.write_bytes(request_workbook(request))
        filled = folder / "AG-filled.xlsx"
        _fill(sent, filled, FILLED)
        out = folder / "out"
        out.mkdir()
        _resave(filled, out, "AG-filled.xlsx", "xlsx:Calc MS Excel 2007 XML")
        _resave(filled, out, "AG-filled.xls", "xls")
        _resave(filled, out, "AG-filled.csv", "csv")
        bad = folder / "AG-bad-status.xlsx"
        _fill(sent, bad, BAD)
        _resave(bad, out, "AG-bad-status.xlsx", "xlsx:Calc MS Excel 2007 XML")
        grey = folder / "AG-grey.xlsx"
        _fill(sent, grey, {**ANSWER, **GREY})
        _resave(grey, out, "AG-grey.xlsx", "xlsx:Calc MS Excel 2007 XML")
        answered = folder / "answered.xlsx"
        _fill(sent, answered, ANSWER)
        rowdel = folder / "AG-rowdel.xlsx"
        _delete_row(answered, rowdel, "1.2")
        _resave(rowdel, out, "AG-rowdel.xlsx", "xlsx:Calc MS Excel 2007 XML")
        formula = folder / "AG-formula.xlsx"
        _fill(sent, formula, FORMULA)
        _resave(formula, out, "AG-formula.xlsx", "xlsx:Calc MS Excel 2007 XML")
    return 0


if __name__ == "__main__":
    sys.exit(main())
