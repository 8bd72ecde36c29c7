"""Reading a return workbook back (sendplan.office.returns_read): answers located, bad files refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from returns_kit import FIXTURES, ag_workbook, fill

from sendplan.errors import PlanError
from sendplan.office.returns_read import read_return


def messages(error: PlanError) -> list[str]:
    return [f"{problem.location}: {problem.message}" for problem in error.problems]


def refusal(name: str, data: bytes | None = None) -> list[str]:
    with pytest.raises(PlanError) as caught:
        read_return(name, data)
    return messages(caught.value)


@pytest.fixture
def sent(bundled_plan: Path) -> bytes:
    return ag_workbook(bundled_plan)


def test_libreoffice_return_read_back() -> None:
    """A return filled in and re-saved by LibreOffice gives its answers, an Excel date and a typed one alike."""
    found = read_return(str(FIXTURES / "AG-filled.xlsx"))
    answered = {row.id_text: row for row in found.rows if row.answered}
    assert list(answered) == ["1.1", "1.2", "1.3", "1.4", "2.2"]
    assert answered["1.1"].status == "on_track"
    assert answered["1.1"].note == "Working group met twice; draft document shared with SENDCOs"
    assert (answered["1.2"].status, answered["1.2"].completed) == ("complete", date(2021, 11, 26))
    assert answered["1.2"].evidence == "Briefing slides for case officers"
    assert (answered["1.3"].revised, answered["1.3"].reason) == ("Sep 2022", "Working group starts after the summer term")
    assert answered["1.4"].note == "Statistical neighbours' data not yet in\nAsked the DfE team"
    assert answered["2.2"].completed == date(2021, 11, 29)
    assert found.record.lead == "AG" and found.record.as_of == date(2021, 12, 1)
    assert len(found.rows) == 29 and all(row.sent is not None for row in found.rows)


def test_status_not_on_the_list() -> None:
    """A status typed past the drop-down is refused at its cell, with the list to choose from."""
    assert refusal("AG-bad-status.xlsx", (FIXTURES / "AG-bad-status.xlsx").read_bytes()) == [
        ('AG-bad-status.xlsx: Update!H9: "finished-ish" is not a status; choose from the list '
        "(not started, on track, at risk, off track, complete, dropped).")
    ]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("AG-filled.xls", "this is an Excel 97-2003 workbook (.xls)"),
        ("AG-filled.csv", "this is a CSV file (text only), not a workbook"),
    ],
    ids=["saved as xls", "saved as csv"],
)
def test_wrong_format_says_how_to_save(fixture: str, expected: str) -> None:
    """A return LibreOffice saved as .xls or .csv is refused, saying how to save it as .xlsx."""
    (message,) = refusal(fixture, (FIXTURES / fixture).read_bytes())
    assert message.startswith(f"{fixture}: {expected}")
    assert 'Save As' in message and '"Excel Workbook (*.xlsx)"' in message


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("AG.xlsx", b"", "AG.xlsx: the file is empty."),
        ("AG.xlsx", b"%PDF-1.7 not a workbook", "AG.xlsx: this is not an Excel workbook (.xlsx)."),
        ("AG.xlsx", b"PK\x03\x04 broken", "AG.xlsx: this file is damaged or is not a workbook"),
        ("AG.xlsx", _zip({"word/document.xml": b"<w/>"}), "AG.xlsx: this is a Word document"),
        ("AG.ods", _zip({"mimetype": b"x", "content.xml": b"<x/>"}), "AG.ods: this is an OpenDocument spreadsheet (.ods)"),
        ("AG.zip", _zip({"a.txt": b"a"}), "AG.zip: this is a zip file, not an Excel workbook."),
        ("AG.xlsx", _zip({"xl/workbook.xml": b"<nonsense"}), "AG.xlsx: this workbook could not be read"),
    ],
    ids=["empty", "pdf", "broken zip", "docx", "ods", "zip", "damaged xlsx"],
)
def test_not_a_workbook(name: str, data: bytes, expected: str) -> None:
    """Whatever the file is instead, it is refused in one plain sentence, never a traceback."""
    (message,) = refusal(name, data)
    assert message.startswith(expected)


def test_missing_file(tmp_path: Path) -> None:
    """A return that is not there is named."""
    assert refusal(str(tmp_path / "AG.xlsx"))[0].endswith("AG.xlsx: no such file. Check the name and the folder.")


def test_workbook_not_made_by_request() -> None:
    """A workbook without the hidden record is refused: it cannot be checked."""
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    (message,) = refusal("AG.xlsx", out.getvalue())
    assert message.startswith("AG.xlsx: this workbook was not made by `sendplan request`")


def test_record_tampered_with(sent: bytes) -> None:
    """A hidden record whose fields no longer match their fingerprint is refused as changed."""
    (message,) = refusal("AG.xlsx", fill(sent, {}, {"sendplan!D13": '{"id": "1.1"}'}))
    assert message.startswith('AG.xlsx: the hidden "sendplan" sheet, which records what the form was made from, has been changed')


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"completed": "31/02/2022"}, 'Update!L9: "31/02/2022" is not a real date: February 2022 has 28 days.'),
        ({"revised": "Smarch 2022", "reason": "x"}, 'Update!J9: "Smarch 2022" is not a date: "smarch" is not a month.'),
        ({"revised": "Jun 2022"}, "Update!K9: the revised deadline in Update!J9 needs a reason: say why the item will be late."),
        ({"reason": "Staff away"}, "Update!J9: Update!K9 gives a reason for a new deadline, but there is no revised deadline here."),
        ({"completed": "Dec 2021"}, 'Update!L9: "Dec 2021" is not one day: write the day it was completed, such as 14/03/2022.'),
        (
            {"new_status": "on track", "completed": "3/12/2021"},
            'Update!L9: a day it was completed, but the new status in Update!H9 is "on track": choose "complete", or clear this cell.',
        ),
    ],
    ids=["impossible date", "not a date", "revised without reason", "reason without revised", "a month", "complete and on track"],
)
def test_bad_answers_located(sent: bytes, answers: dict[str, str], expected: str) -> None:
    """Each answer that cannot be used is refused at its cell, in plain words."""
    (message,) = refusal("AG.xlsx", fill(sent, {"1.1": answers}))
    assert message.startswith(f"AG.xlsx: {expected}")


def test_every_problem_at_once(sent: bytes) -> None:
    """All bad cells of a return are reported together, in row order."""
    found = refusal("AG.xlsx", fill(sent, {"1.1": {"new_status": "nearly"}, "1.3": {"completed": "32/1/2022"}}))
    assert [message.split(": ")[1] for message in found] == ["Update!H9", "Update!L11"]


def test_dates_in_any_spelling(sent: bytes) -> None:
    """Dates typed as sendplan reads them (UK order) are kept as typed; Excel dates, and a month Excel made the 1st, as import writes them."""
    data = fill(
        sent,
        {
            "1.1": {"completed": "3/12/21"},
            "1.2": {"completed": datetime(2021, 11, 30)},
            "1.3": {"revised": "30 Sept 2022", "reason": "r"},
            "1.4": {"revised": datetime(2022, 6, 1), "reason": "r"},
            "1.5": {"revised": "2022-07", "reason": "r"},
        },
    )
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    book["Update"]["J12"].number_format = "mmm-yy"  # 1.4: typed "Jun 2022", which Excel stores as 1 June
    out = io.BytesIO()
    book.save(out)
    answered = {row.id_text: row for row in read_return("AG.xlsx", out.getvalue()).rows if row.answered}
    assert answered["1.1"].completed == date(2021, 12, 3)
    assert answered["1.2"].completed == date(2021, 11, 30)
    assert answered["1.3"].revised == "30 Sept 2022"
    assert answered["1.4"].revised == "Jun 2022"
    assert answered["1.5"].revised == "2022-07"


def test_status_words_and_aliases(sent: bytes) -> None:
    """A status from the list, or one `update` reads ("Done", "in progress"), is accepted."""
    data = fill(sent, {"1.1": {"new_status": "Off track"}, "1.2": {"new_status": "Done"}, "1.3": {"new_status": "in progress"}})
    answered = [row.status for row in read_return("AG.xlsx", data).rows if row.answered]
    assert answered == ["off_track", "complete", "on_track"]


def test_moved_column_refused(sent: bytes) -> None:
    """A heading changed (a column inserted or moved) is refused at that heading: answers would be misread."""
    (message,) = refusal("AG.xlsx", fill(sent, {}, {"Update!H7": "Status now"}))
    assert message.startswith('AG.xlsx: Update!H7: this column should be "New status", but its heading is "Status now".')


def test_sorted_rows_still_match(sent: bytes) -> None:
    """Rows are matched to items by their id, so a row moved elsewhere on the sheet still counts."""
    data = fill(sent, {}, {"Update!A60": "1.1", "Update!H60": "complete", "Update!A9": None})
    rows = {row.id_text: row for row in read_return("AG.xlsx", data).rows}
    assert rows["1.1"].row == 60 and rows["1.1"].sent is not None and rows["1.1"].status == "complete"
