"""What a lead may do to a return besides answering it, found so that no answer is lost unseen.

- A grey cell edited (the sheet is protected without a password, so a lead can unprotect it):
  the grey columns are not read, so an answer typed there would be dropped without a word. Each
  changed cell is an error naming it, what was sent and where the answer goes.
- A row deleted: the item sent on it gets no answer. A warning naming the row and the item.
- A formula in an answer cell: its shown value is what is collected. A warning naming the cell.
- A date that cannot be read: the advice fits the cell (day first, as the form asks; no yearly
  deadlines, which belong to the plan).

Pure: no clock, no printing, no writing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sendplan.errors import Location, Problem, Severity, quoted
from sendplan.office.returns import COLUMNS, column_letter

# Where the answer to a grey column goes, in the lead's words.
_ANSWER_FOR = {
    "action": ("note", "Say it in the Progress note"),
    "criteria": ("note", "Say it in the Progress note"),
    "deadline": ("revised", "Put a new deadline under Revised deadline, with its Reason"),
    "status": ("new_status", "Choose the new status under New status"),
    "rag": ("note", "A RAG is worked out from the status and deadline: say why under Progress note"),
    "latest": ("note", "Write the news under Progress note"),
}
_HEADERS = {column.key: column.header for column in COLUMNS}


def same_text(shown: str, found: str) -> bool:
    """Equal but for spacing and line ends (an office program may rewrap or re-space a cell)."""
    return " ".join(shown.split()) == " ".join(found.split())


def same_cells(shown: Mapping[str, str], found: Mapping[str, str]) -> bool:
    """Whether every grey cell *found* on a row reads as *shown* when the form was sent."""
    return all(same_text(text, found.get(key, "")) for key, text in shown.items())


def grey_changes(name: str, sheet_name: str, row: int, shown: Mapping[str, str], found: Mapping[str, str], item_id: str) -> list[Problem]:
    """An error for each grey cell of *row* whose text *found* is not the text *shown* when sent.

    A cell emptied holds no answer to lose, and is let be (a row moved by hand may leave its
    grey cells behind).
    """
    problems = []
    for key, sent in shown.items():
        now = found.get(key, "")
        if key not in _ANSWER_FOR or not now.strip() or same_text(sent, now):
            continue
        answer_key, advice = _ANSWER_FOR[key]
        was = f"put back {quoted(sent, 80)}" if sent.strip() else "empty it again"
        problems.append(
            Problem(
                f"{sheet_name}!{column_letter(key)}{row}: the grey {_HEADERS[key]} was changed to {quoted(now, 80)}, but "
                f"the grey columns are not read, so this return is not collected yet. {advice} "
                f"({sheet_name}!{column_letter(answer_key)}{row}), {was} here, and collect it again.",
                Location(name),
                item_id,
            )
        )
    return problems


def missing_rows(
    name: str,
    sheet_name: str,
    sent_rows: Iterable[tuple[str, int, Mapping[str, str] | None]],
    found: Mapping[str, int],
    text_on: Mapping[int, str],
    grey_on: Callable[[int], Mapping[str, str]],
) -> list[Problem]:
    """A warning for each item sent on the form (id, row, grey cells as sent) but on no row of it now.

    *found* maps the ids on the sheet now to their rows, *text_on* gives column A's text on a
    row now and *grey_on* its grey cells. An item whose row is still there under another id
    is left to the id's own problem; one whose id was emptied gets a warning of its own.
    """
    sent_on = {row: item_id for item_id, row, _shown in sent_rows}
    problems = []
    for item_id, row, shown in sent_rows:
        if item_id in found:
            continue
        # The item's row may be elsewhere (rows above it deleted or sorted) under another id.
        at = next((number for number in text_on if shown is not None and same_cells(shown, grey_on(number))), None)
        if at is not None:
            if text_on[at]:
                continue  # the id was changed: that id is refused with its own message
            how = f"its id was emptied. Put {item_id} back in {sheet_name}!A{at}"
        else:
            now = text_on.get(row, "")
            below = sent_on.get(row + 1)
            moved_up = (below is not None and now == below) or (below is None and now.startswith("Task "))
            how = (
                "its row was deleted (the rows below it have moved up)"
                if moved_up
                else "its row was deleted, or its id in column A was changed"
            )
        problems.append(
            Problem(
                f"{sheet_name}!A{row}: item {item_id}, sent on row {row}, is no longer on the form: {how}. "
                f"No answer for {item_id} is collected. Leave every row in place and its yellow cells empty "
                "where there is nothing to say; if an item is not yours, say so in its Progress note.",
                Location(name),
                item_id,
                severity=Severity.WARNING,
            )
        )
    return problems


_DATE_ADVICE = {
    "revised": 'Write the new deadline day first, as the form asks: 31/03/2022 or 31 Mar 2022, or a month such as "Mar 2022".',
    "completed": "Write the day it was completed, day first, as the form asks: 31/03/2022 or 31 Mar 2022.",
}


def return_date_advice(message: str, key: str) -> str:
    """A date message from the plan's reader, its advice for a plan file swapped for the form's."""
    from sendplan.plan.dates import EXAMPLES

    if not message.endswith(EXAMPLES) or key not in _DATE_ADVICE:
        return message
    return message.removesuffix(EXAMPLES).rstrip() + " " + _DATE_ADVICE[key]


_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the workbook in *data* holds a formula (a quick look at its parts)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(
            _FORMULA.search(archive.read(info))
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        )


def formula_cells(name: str, data: bytes, sheet_name: str, cells: Iterable[tuple[str, str | None, Any]]) -> list[Problem]:
    """A warning for each of *cells* (reference, item id, shown value) that holds a formula in *data*."""
    if not has_formulas(data):
        return []
    import warnings

    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(data))
    if sheet_name not in book.sheetnames:
        return []
    sheet = book[sheet_name]
    problems = []
    for ref, item_id, shown in cells:
        cell = sheet[ref]
        if cell.data_type != "f":
            continue
        value = "nothing" if shown is None or str(shown).strip() == "" else quoted(shown, 80)
        problems.append(
            Problem(
                f"{sheet_name}!{ref}: this cell holds a formula ({quoted(cell.value, 80)}); its shown value, {value}, "
                "is what is collected. If that is not what was meant, type the words themselves.",
                Location(name),
                item_id,
                severity=Severity.WARNING,
            )
        )
    return problems
