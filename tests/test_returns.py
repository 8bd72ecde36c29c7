"""The return workbook `sendplan request` makes for a lead (sendplan.office.returns), read back with openpyxl."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from returns_kit import AG_IDS, AS_OF, FIXTURES, ag_workbook, positions, request_for

from sendplan.office.returns import (
    COLUMNS,
    build_requests,
    fingerprint,
    sent_fields,
)
from sendplan.office.returns_book import request_workbook
from sendplan.plan.read import load_plan
from sendplan.query import rows


@pytest.fixture
def book(bundled_plan: Path):
    return load_workbook(io.BytesIO(ag_workbook(bundled_plan)))


def test_one_request_per_lead_with_open_items(bundled_plan: Path) -> None:
    """As of 2021-12-01 every lead with an item gets a request, with all their open items (DA is not in the key)."""
    loaded = load_plan(str(bundled_plan))
    requests = build_requests(loaded.plan, rows(loaded.plan, AS_OF), as_of=AS_OF)
    assert [(request.lead, len(request.rows)) for request in requests] == [
        ("CK", 14), ("AG", 29), ("CW", 3), ("BB", 5), ("DA", 1),
    ]  # fmt: skip
    assert [request.lead_name for request in requests] == [
        "Chris Kiernan", "Anthony Giles", "Chris Wickens", "Beth Bains", None,
    ]  # fmt: skip


def test_counts_in_a_request(bundled_plan: Path) -> None:
    """CK has 11 items overdue on 2021-12-01 and 3 more due by 2021-12-31; the return is due two weeks later."""
    request = request_for(bundled_plan, "CK")
    assert (request.overdue, request.due_soon) == (11, 3)
    assert request.return_by.isoformat() == "2021-12-15"


def test_within_keeps_items_due_by_then(bundled_plan: Path) -> None:
    """--within 4m as of 2021-12-01 keeps AG's items due by 2022-04-01: March 2022 and the January one."""
    from datetime import date

    request = request_for(bundled_plan, due_by=date(2022, 4, 1))
    assert [form_row.item_id for form_row in request.rows] == ["1.1", "2.2", "4.11", "6.6", "6.7", "7.1", "8.1", "8.2", "8.5"]


def test_ag_workbook_holds_29_item_rows(book) -> None:
    """AG's workbook lists AG's 29 open items in plan order, each on its own row, ids as text."""
    sheet = book["Update"]
    where = positions(book)
    assert list(where) == AG_IDS
    assert [sheet.cell(where[item_id], 1).value for item_id in AG_IDS] == AG_IDS
    assert sheet.cell(where["4.10"], 1).data_type == "s"


def test_header_and_instructions(book) -> None:
    """The instructions say what to fill in, by when and to whom; the header names every column."""
    sheet = book["Update"]
    lines = [sheet.cell(number, 1).value for number in range(1, 6)]
    assert lines[0] == "SEND recovery plan: update from Anthony Giles (AG)"
    assert lines[1] == (
        "Please fill this in and send it back by Wednesday 15 December 2021, to the person who sent it to you."
    )
    assert "29 open items" in lines[2] and "Wednesday 1 December 2021" in lines[2]
    assert "New status" in lines[3] and "Revised deadline" in lines[3] and "Evidence" in lines[3]
    assert [cell.value for cell in sheet[7]] == [column.header for column in COLUMNS]
    assert [cell.value for cell in sheet[7]][7:] == [
        "New status", "Progress note", "Revised deadline", "Reason for the new deadline", "Completed on", "Evidence",
    ]  # fmt: skip


def test_row_contents(book) -> None:
    """A row shows the item as the plan has it: action, criteria, deadline as written, status and RAG in words."""
    sheet = book["Update"]
    row = positions(book)["4.11"]
    values = [sheet.cell(row, column).value for column in range(1, 8)]
    assert values == [
        "4.11",
        "Put in place an annual review process for banding",
        "• adequate funding for all EHCPs;\n• appropriate cost inflation built in.",
        "every January\n(next 31 Jan 2022)",
        "not started",
        "green",
        None,
    ]


def test_answer_cells_unlocked_and_the_rest_locked(book) -> None:
    """Only the six answer cells of an item row take typing; the sheet is protected without a password."""
    sheet = book["Update"]
    row = positions(book)["1.1"]
    locked = [sheet.cell(row, column).protection.locked for column in range(1, len(COLUMNS) + 1)]
    assert locked == [True] * 7 + [False] * 6
    assert sheet.cell(1, 1).protection.locked
    assert sheet.protection.sheet is True
    assert sheet.protection.password is None


def test_status_drop_down(book) -> None:
    """New status has an Excel list validation of the statuses in words, on every item row, arrow shown."""
    sheet = book["Update"]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"not started,on track,at risk,off track,complete,dropped"'
    assert str(validation.sqref) == "H9:H43"
    # openpyxl's showDropDown=True would HIDE the arrow in Excel and LibreOffice.
    assert not validation.showDropDown
    assert validation.showErrorMessage and validation.allow_blank


def test_layout_for_screen_and_paper(book) -> None:
    """Frozen header, sized columns, wrapped text; A4 landscape fitted to the width, the header on every page."""
    sheet = book["Update"]
    assert sheet.freeze_panes == "B8"  # below the header, the ids kept in view
    assert sheet.print_title_rows == "$7:$7"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.column_dimensions["B"].width == 26
    row = positions(book)["1.3"]
    assert sheet.cell(row, 2).alignment.wrap_text
    assert sheet.row_dimensions[row].height > 60


def test_hidden_record(book, bundled_plan: Path) -> None:
    """A hidden, protected sheet records plan, lead, day and each row's fields as sent with their fingerprint."""
    record = book["sendplan"]
    assert record.sheet_state == "hidden" and record.protection.sheet
    values = {record.cell(number, 1).value: record.cell(number, 2).value for number in range(2, 11)}
    assert values["plan"] == "SEND recovery plan"
    assert (values["lead"], values["as_of"], values["return_by"]) == ("AG", "2021-12-01", "2021-12-15")
    loaded = load_plan(str(bundled_plan))
    item = next(item for _, _, item in loaded.plan.iter_items() if item.id == "1.1")
    assert (record.cell(13, 1).value, record.cell(13, 2).value) == ("1.1", "9")
    assert record.cell(13, 3).value == fingerprint(sent_fields(item))
    assert json.loads(record.cell(13, 4).value) == sent_fields(item)


def test_fingerprint_changes_with_any_field(bundled_plan: Path) -> None:
    """Two items, or one item before and after a change of status, never share a fingerprint."""
    loaded = load_plan(str(bundled_plan))
    item = next(item for _, _, item in loaded.plan.iter_items() if item.id == "1.1")
    fields = sent_fields(item)
    assert fingerprint(fields) == fingerprint(dict(reversed(fields.items())))
    assert fingerprint(fields) != fingerprint({**fields, "status": "on_track"})
    prints = {fingerprint(sent_fields(item)) for _, _, item in loaded.plan.iter_items()}
    assert len(prints) == 57


def test_same_request_same_bytes(bundled_plan: Path) -> None:
    """Nothing in the file comes from the clock or chance: the same request gives the same bytes."""
    first = ag_workbook(bundled_plan)
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(io.BytesIO(first)).infolist())
    assert first == ag_workbook(bundled_plan)
    properties = load_workbook(io.BytesIO(ag_workbook(bundled_plan))).properties
    assert properties.created.date() == AS_OF and properties.modified.date() == AS_OF


def test_plan_text_stays_text(write_plan) -> None:
    """An action that starts with "=" is shown as written, never run as a formula."""
    from helpers import MINIMAL_PLAN

    path = write_plan(MINIMAL_PLAN.replace("action: Do the thing", 'action: "=HYPERLINK(\\"http://x\\")"'))
    sheet = load_workbook(io.BytesIO(request_workbook(request_for(path))))["Update"]
    cell = sheet.cell(9, 2)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_reply_to_in_the_instructions(bundled_plan: Path) -> None:
    """With a reply-to address the instructions say whom to send the workbook back to."""
    request = dataclasses.replace(request_for(bundled_plan), reply_to="Jo Bloggs <jo.bloggs@example.gov.uk>")
    sheet = load_workbook(io.BytesIO(request_workbook(request)))["Update"]
    assert sheet.cell(2, 1).value.endswith("to Jo Bloggs <jo.bloggs@example.gov.uk>.")


def test_libreoffice_keeps_protection_and_drop_down() -> None:
    """After LibreOffice re-saves a return, the sheet is still protected, the list and the hidden record still there."""
    book = load_workbook(FIXTURES / "AG-filled.xlsx")
    sheet = book["Update"]
    assert sheet.protection.sheet is True
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"not started,on track,at risk,off track,complete,dropped"'
    assert str(validation.sqref) == "H9:H43" and not validation.showDropDown
    assert book["sendplan"].sheet_state == "hidden" and book["sendplan"].protection.sheet
    assert not sheet.cell(9, 8).protection.locked and sheet.cell(9, 1).protection.locked
    assert sheet.print_title_rows == "$7:$7"
