"""Helpers shared by the return-workbook tests: make AG's request, fill a return in as a lead would."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from helpers import REPO
from openpyxl import load_workbook

from sendplan.office.returns import (
    RECORD_TABLE_ROW,
    ReturnRequest,
    build_requests,
    column_letter,
)
from sendplan.office.returns_book import request_workbook
from sendplan.plan.read import load_plan
from sendplan.query import rows

FIXTURES = REPO / "tests" / "cases" / "returns"
AS_OF = date(2021, 12, 1)
# AG's open items as of 2021-12-01, in plan order, read by hand from plan.yaml.
AG_IDS = [
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.2", "2.3", "2.4", "2.5", "3.2", "4.1", "4.8", "4.9",
    "4.10", "4.11", "6.6", "6.7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "8.1", "8.2", "8.3", "8.4", "8.5",
]  # fmt: skip


def request_for(plan_path: Path | str, lead: str = "AG", as_of: date = AS_OF, **options: Any) -> ReturnRequest:
    loaded = load_plan(str(plan_path))
    return build_requests(loaded.plan, rows(loaded.plan, as_of), as_of=as_of, leads=[lead], **options)[0]


def positions(book: Any) -> dict[str, int]:
    """Item id → its row on the Update sheet, from the hidden record."""
    record = book["sendplan"]
    found = {}
    number = RECORD_TABLE_ROW + 1
    while record.cell(number, 1).value:
        found[record.cell(number, 1).value] = int(record.cell(number, 2).value)
        number += 1
    return found


def fill(data: bytes, answers: dict[str, dict[str, Any]], cells: dict[str, Any] | None = None) -> bytes:
    """*data* with answers typed in by item id and column key, and any other cells set by reference."""
    book = load_workbook(io.BytesIO(data))
    where = positions(book)
    sheet = book["Update"]
    for item_id, values in answers.items():
        for key, value in values.items():
            sheet[f"{column_letter(key)}{where[item_id]}"] = value
    for ref, value in (cells or {}).items():
        sheet_name, _, cell = ref.rpartition("!")
        book[sheet_name or "Update"][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ag_workbook(plan_path: Path | str) -> bytes:
    return request_workbook(request_for(plan_path))
