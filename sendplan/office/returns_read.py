"""Reading a return workbook back: its record of what was sent, and each row's answers, located.

Every problem is found before any is reported, and each names the file, the sheet and the
cell (`AG.xlsx: Update!I9: "finished-ish" is not a status; choose from the list.`). A file
that is not a workbook, or a workbook saved in the wrong format, is refused with how to save
it properly. Nothing here knows the plan: checking the answers against it is collect.py's.

Pure: no clock, no printing, no writing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sendplan.errors import Location, PlanError, Problem, Severity, quoted
from sendplan.office.returns import (
    ANSWER_KEYS,
    COLUMNS,
    RECORD_KEYS,
    RECORD_SHEET,
    RECORD_TABLE_ROW,
    RECORD_TITLE,
    RECORD_VERSION,
    STATUS_WORDS,
    column_letter,
    fingerprint,
    short_day,
)
from sendplan.office.returns_cells import (
    formula_cells,
    grey_changes,
    missing_rows,
    return_date_advice,
    same_cells,
)
from sendplan.office.returns_file import file_problem, load_return_workbook, read_bytes
from sendplan.outputs.text import clean
from sendplan.plan.dates import Deadline, DeadlineError, Precision, parse_deadline
from sendplan.plan.model import Status, parse_status


@dataclass(frozen=True, slots=True)
class SentRow:
    """One row of the form as the hidden record has it."""

    item_id: str
    row: int
    fingerprint: str
    fields: dict[str, Any]
    shown: dict[str, str] | None = None  # the grey cells as sent (None in a form made before they were kept)


@dataclass(frozen=True, slots=True)
class FormRecord:
    """What the hidden sheet says the form was made from."""

    plan_title: str
    lead: str
    lead_name: str | None
    as_of: date
    return_by: date
    sheet: str
    header_row: int
    rows: tuple[SentRow, ...]


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One row of the Update sheet that has an id or an answer; answers already checked for form."""

    row: int
    id_text: str
    sent: SentRow | None  # the row sent with this id; None when the id is not one the form had
    sent_here: SentRow | None  # what was sent on this row of the sheet, to explain a changed id
    status: Status | None = None
    note: str | None = None
    revised: str | None = None
    reason: str | None = None
    completed: date | None = None
    evidence: str | None = None

    @property
    def answered(self) -> bool:
        return any(
            value is not None
            for value in (self.status, self.note, self.revised, self.reason, self.completed, self.evidence)
        )


@dataclass(frozen=True, slots=True)
class ReturnFile:
    """A return as read: where it came from, what was sent, and the rows that say something."""

    name: str
    record: FormRecord
    rows: tuple[AnswerRow, ...] = field(default=())
    warnings: tuple[Problem, ...] = field(default=())  # found in the workbook, collected all the same

    def cell(self, key: str, row: int) -> str:
        """"Update!I9": the sheet and cell of the form's column *key* on *row*."""
        return f"{self.record.sheet}!{column_letter(key)}{row}"


def cell_problem(name: str, where: str, message: str, item_id: str | None = None) -> Problem:
    """A problem at a workbook cell, shown as `AG.xlsx: Update!I9: message`."""
    return Problem(f"{where}: {message}", Location(name), item_id)


# ---------------------------------------------------------------------------------------
# The hidden record


def _text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_record(name: str, book: Any) -> FormRecord:
    """The hidden sheet's record of the form, or a PlanError saying it is missing or damaged."""
    if RECORD_SHEET not in book.sheetnames:
        raise file_problem(
            name,
            "this workbook was not made by `sendplan request`: it has no hidden sendplan sheet, which "
            "records the plan and items it was sent for. Send the lead a return made by sendplan request, "
            "or enter their answers with `sendplan update`.",
        )
    sheet = book[RECORD_SHEET]
    damaged = file_problem(
        name,
        f'the hidden "{RECORD_SHEET}" sheet, which records what the form was made from, has been changed, '
        "so the answers cannot be checked against it. Collect the answers from the workbook as it was sent, "
        "or send a new return with `sendplan request`.",
    )
    if _text_value(sheet.cell(1, 1).value) != RECORD_TITLE or _text_value(sheet.cell(1, 2).value) != RECORD_VERSION:
        raise damaged
    values = {}
    for number, key in enumerate(RECORD_KEYS, start=2):
        if _text_value(sheet.cell(number, 1).value) != key:
            raise damaged
        values[key] = _text_value(sheet.cell(number, 2).value)
    rows = []
    number = RECORD_TABLE_ROW + 1
    while item_id := _text_value(sheet.cell(number, 1).value):
        try:
            fields = json.loads(_text_value(sheet.cell(number, 4).value))
            sent = SentRow(item_id, int(_text_value(sheet.cell(number, 2).value)), _text_value(sheet.cell(number, 3).value), fields)
        except (ValueError, TypeError):
            raise damaged from None
        if not isinstance(fields, dict) or fingerprint(fields) != sent.fingerprint or fields.get("id") != item_id:
            raise damaged
        rows.append(_with_shown(sent, _text_value(sheet.cell(number, 5).value)))
        number += 1
    try:
        return FormRecord(
            plan_title=values["plan"],
            lead=values["lead"],
            lead_name=values["lead_name"] or None,
            as_of=date.fromisoformat(values["as_of"]),
            return_by=date.fromisoformat(values["return_by"]),
            sheet=values["sheet"],
            header_row=int(values["header_row"]),
            rows=tuple(rows),
        )
    except ValueError:
        raise damaged from None


# ---------------------------------------------------------------------------------------
# The answers


def _answer_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return short_day(value)
    text = clean(_text_value(value).replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text or None


def _as_date(value: Any) -> date | None:
    """An Excel date, or a date serial number in a cell formatted as a number."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 <= value <= 80000:
        from openpyxl.utils.datetime import from_excel

        converted = from_excel(value)
        return converted.date() if isinstance(converted, datetime) else None
    return None


def _month_only(number_format: str) -> bool:
    # "mmm-yy", "MMMM YYYY": a date typed as a month ("Jun 2022") that the spreadsheet made the 1st.
    lowered = number_format.lower()
    return "m" in lowered and "y" in lowered and "d" not in lowered


class _Answers:
    """Reads one row's answer cells, collecting a located problem for each that cannot be used."""

    def __init__(self, name: str, sheet: Any, record: FormRecord, row: int) -> None:
        self.name, self.sheet, self.record, self.row = name, sheet, record, row
        self.problems: list[Problem] = []
        self.item_id: str | None = None

    def where(self, key: str) -> str:
        return f"{self.record.sheet}!{column_letter(key)}{self.row}"

    def cell(self, key: str) -> Any:
        return self.sheet[f"{column_letter(key)}{self.row}"]

    def fail(self, key: str, message: str) -> None:
        self.problems.append(cell_problem(self.name, self.where(key), message, self.item_id))

    def text(self, key: str) -> str | None:
        return _answer_text(self.cell(key).value)

    def status(self) -> Status | None:
        text = self.text("new_status")
        if text is None:
            return None
        status = STATUS_WORDS.get(" ".join(text.lower().split()))
        if status is not None:
            return status
        try:
            return parse_status(text)
        except ValueError:
            self.fail("new_status", f"{quoted(text)} is not a status; choose from the list ({', '.join(STATUS_WORDS)}).")
            return None

    def _dated(self, key: str) -> tuple[date | None, Deadline | None, str | None]:
        """(an Excel date, else the cell's text read as sendplan reads a deadline, and that text);
        all None when the cell is empty, and a problem noted when the text is no date."""
        day = _as_date(self.cell(key).value)
        if day is not None:
            return day, None, None
        text = self.text(key)
        if text is None:
            return None, None, None
        try:
            return None, parse_deadline(text), text
        except DeadlineError as error:
            self.fail(key, return_date_advice(str(error), key))
            return None, None, text

    def deadline(self) -> str | None:
        day, deadline, written = self._dated("revised")
        if day is not None:
            month_only = _month_only(self.cell("revised").number_format or "") and day.day == 1
            return f"{day:%b %Y}" if month_only else day.isoformat()
        if deadline is None or written is None:
            return None
        # Kept as the lead wrote it ("31/10/2024", "Sep 2022"), as `update --revise` and `import` keep
        # a deadline; only a date the spreadsheet holds as a date has no writing, and is written as
        # import writes one (2024-10-31, or Oct 2024 for a month).
        return " ".join(written.split())

    def day(self) -> date | None:
        day, deadline, text = self._dated("completed")
        if day is not None or deadline is None:
            return day
        if deadline.due_date is None or deadline.precision is not Precision.DAY:
            self.fail("completed", f"{quoted(text)} is not one day: write the day it was completed, such as 14/03/2022.")
            return None
        return deadline.due_date


def _headers_problems(name: str, sheet: Any, record: FormRecord) -> list[Problem]:
    problems = []
    for number, column in enumerate(COLUMNS, start=1):
        found = _text_value(sheet.cell(record.header_row, number).value)
        if " ".join(found.split()) != column.header:
            where = f"{record.sheet}!{column_letter(column.key)}{record.header_row}"
            problems.append(
                cell_problem(
                    name,
                    where,
                    f'this column should be "{column.header}", but its heading is {quoted(found) if found else "empty"}. '
                    "Columns must not be added, moved or deleted: put them back as they were sent.",
                )
            )
    return problems[:1]


def read_answers(name: str, book: Any, record: FormRecord) -> tuple[list[AnswerRow], list[Problem]]:
    """Every row with an id or an answer, and the problems with their cells."""
    if record.sheet not in book.sheetnames:
        return [], [Problem(f'the sheet "{record.sheet}" with the answers is missing: was it renamed or deleted?', Location(name))]
    sheet = book[record.sheet]
    problems = _headers_problems(name, sheet, record)
    if problems:
        return [], problems
    by_id = {sent.item_id: sent for sent in record.rows}
    by_row = {sent.row: sent for sent in record.rows}
    seen: dict[str, int] = {}
    text_on: dict[int, str] = {}
    result = []
    for row in range(record.header_row + 1, sheet.max_row + 1):
        reader = _Answers(name, sheet, record, row)
        id_text = _text_value(sheet.cell(row, 1).value)
        text_on[row] = id_text
        band = id_text.startswith("Task ") and id_text not in by_id
        reader.item_id = id_text or None
        answers = AnswerRow(
            row=row,
            id_text=id_text,
            sent=None,
            sent_here=by_row.get(row),
            status=reader.status(),
            note=reader.text("note"),
            revised=reader.deadline(),
            reason=reader.text("reason"),
            completed=reader.day(),
            evidence=reader.text("evidence"),
        )
        if band and not answers.answered and not reader.problems:
            continue
        if not id_text and not answers.answered and not reader.problems:
            continue
        if answers.revised is not None and answers.reason is None:
            reader.fail("reason", f"the revised deadline in {reader.where('revised')} needs a reason: say why the item will be late.")
        if answers.reason is not None and reader.text("revised") is None:
            reader.fail(
                "revised",
                f"{reader.where('reason')} gives a reason for a new deadline, but there is no revised deadline here. "
                "Write the new deadline, or move the words to the Progress note.",
            )
        if answers.completed is not None and answers.status is not None and answers.status is not Status.COMPLETE:
            reader.fail(
                "completed",
                f'a day it was completed, but the new status in {reader.where("new_status")} is "{answers.status.label}": '
                'choose "complete", or clear this cell.',
            )
        if id_text in by_id:
            if id_text in seen:
                reader.fail("id", f"item {id_text} is on row {seen[id_text]} too. Each item may appear once; put back the id this row was sent with.")
            else:
                seen[id_text] = row
                answers = _with_sent(answers, by_id[id_text])
                problems.extend(_grey_problems(name, sheet, record, row, by_id[id_text], by_row.get(row)))
        problems.extend(reader.problems)
        result.append(answers)
    sent_rows = [(sent.item_id, sent.row, sent.shown) for sent in record.rows]
    problems.extend(missing_rows(name, record.sheet, sent_rows, seen, text_on, lambda row: _grey_on(sheet, row)))
    return result, problems


def _grey_on(sheet: Any, row: int) -> dict[str, str]:
    """The grey cells of *row* now, by column key (the id left out)."""
    return {
        column.key: _text_value(sheet.cell(row, number).value)
        for number, column in enumerate(COLUMNS, start=1)
        if not column.answer and column.key != "id"
    }


def _grey_problems(name: str, sheet: Any, record: FormRecord, row: int, sent: SentRow, here: SentRow | None) -> list[Problem]:
    """The grey cells of *row* that differ from those sent for its item (see returns_cells).

    When they are still those sent on this row for another item (*here*), the id was changed,
    not the grey cells: that is the id's problem.
    """
    if sent.shown is None:
        return []
    found = _grey_on(sheet, row)
    if here is not None and here is not sent and here.shown is not None and same_cells(here.shown, found):
        return []
    return grey_changes(name, record.sheet, row, sent.shown, found, sent.item_id)


def _with_shown(sent: SentRow, text: str) -> SentRow:
    """*sent* with the grey cells the record kept, when it kept them as a table of texts."""
    from dataclasses import replace

    try:
        shown = json.loads(text) if text else None
    except ValueError:
        return sent
    if not isinstance(shown, dict) or not all(isinstance(value, str) for value in shown.values()):
        return sent
    return replace(sent, shown=shown)


def _with_sent(answers: AnswerRow, sent: SentRow) -> AnswerRow:
    from dataclasses import replace

    return replace(answers, sent=sent)


def read_return(name: str, data: bytes | None = None) -> ReturnFile:
    """The return workbook *name* (read from disk unless *data* is given), checked for form."""
    raw = read_bytes(name) if data is None else data
    book = load_return_workbook(name, raw)
    record = read_record(name, book)
    rows, problems = read_answers(name, book, record)
    answer_cells = [
        (f"{column_letter(key)}{answer.row}", answer.sent.item_id if answer.sent else answer.id_text or None,
         book[record.sheet][f"{column_letter(key)}{answer.row}"].value)
        for answer in rows
        for key in ANSWER_KEYS
    ]  # fmt: skip
    problems += formula_cells(name, raw, record.sheet, answer_cells)
    if any(problem.severity is Severity.ERROR for problem in problems):
        raise PlanError(problems)
    return ReturnFile(name, record, tuple(rows), tuple(problems))
