"""A tracker's rows → a draft plan: tasks, deliverables and items, with what could not be read.

The table and its header come from headers.py, each value from values.py. Group cells (task,
deliverable) left blank under a filled one take its value, as merged cells already do; blank
rows and heading rows are skipped and counted; every item remembers the cell it came from.
Nothing is guessed: a deadline that names no date is kept as written in `deadline_note`, an
owner cell naming two people keeps its whole text as one lead, a status word sendplan does not
know is kept in a comment, and each of these is a warning. Pure: no printing, no clock.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sendplan.errors import Location, Problem, Severity, quoted
from sendplan.office.draft import Draft, DraftDeliverable, DraftItem, DraftTask
from sendplan.office.grid import Source, Table
from sendplan.office.headers import ColumnRule, Mapping, choose_table
from sendplan.office.rules import Rules
from sendplan.office.tables import read_tables
from sendplan.office.values import (
    LeadBook,
    fill_rag,
    plain,
    read_day_text,
    read_deadline,
    read_rag,
    read_status,
    split_bullets,
)
from sendplan.plan.dates import date_fault

CONTENT = ("action", "success_criteria", "milestones")
# The rating the rule gives from the status alone, whatever the day: a tracker's RAG that says
# no more than this is not kept as a rating set by hand, which would stay when the status moves.
RULE_FROM_STATUS = {"complete": "blue", "at_risk": "amber", "off_track": "red"}
GROUPS = ("task", "deliverable")
_ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_NUMBERED = re.compile(r"(\d{1,3})[.):]?[ \t]+(\S.*)", re.DOTALL)
_UPDATED = re.compile(r"(?:last\s+)?(?:updated|reviewed|as\s+(?:at|of))\b[\s:–-]*(.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row that is not an item: *kind* says why ("blank", "heading"...), *detail* what it held."""

    ref: str
    kind: str
    detail: str = ""


@dataclass
class Imported:
    """A tracker read: the draft plan, how it was read, and what the reader should check."""

    source: Source
    mapping: Mapping
    draft: Draft
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    deadlines_read: int = 0
    kept: list[tuple[str, str]] = field(default_factory=list)  # (what, text) of values kept as written
    filled_down: int = 0
    made_ids: int = 0

    @property
    def items(self) -> list[DraftItem]:
        return [item for task in self.draft.tasks for deliverable in task.deliverables for item in deliverable.items]


def import_tracker(
    path: str, *, sheet: str | None = None, table: int | None = None, maps: Sequence[ColumnRule] = (),
    rules: Rules | None = None,
) -> Imported:
    """Read the tracker at *path* into a draft plan. Raises PlanError for a file it cannot use."""
    return import_source(read_tables(path), sheet=sheet, table=table, maps=maps, rules=rules)


def import_source(
    source: Source, *, sheet: str | None = None, table: int | None = None, maps: Sequence[ColumnRule] = (),
    rules: Rules | None = None,
) -> Imported:
    """The draft plan in tables already read (by tables.py, or built by a test)."""
    rules = rules or Rules()
    mapping = choose_table(
        source.tables, source.file, sheet=sheet or rules.sheet, table_number=table or rules.table,
        rules=[*maps, *rules.columns],
    )
    return _Reader(source, mapping, rules, source.file).read()


def _title(table: Table, header: int) -> tuple[str | None, str | None]:
    """The first text above the header (a tracker's title) and a "last updated" date written
    above the header, if there are any."""
    title: str | None = None
    updated: str | None = None
    for row in range(header):
        cells = table.rows[row]
        for position, cell in enumerate(cells):
            text = plain(cell.text)
            if not text or cell.merged:
                continue
            match = _UPDATED.match(text)
            if match:
                written = plain(match[1])
                candidates = [written] if written else []
                candidates += [plain(other.text) for other in cells[position + 1 :] if not other.blank][:1]
                day = next((value for value in candidates if value and _day(value)), None)
                if day is None and position + 1 < len(cells) and cells[position + 1].day is not None:
                    day = read_day_text(cells[position + 1])
                updated = updated or day
            elif title is None and cell.day is None:
                title = text
    return title, updated


def _banner(cells: list[Any]) -> str | None:
    """The text of a row that is one cell merged across the table (a section heading), else None."""
    if len(cells) < 3 or cells[0].blank or cells[0].merged:
        return None
    if all(cell.merged and cell.text == cells[0].text for cell in cells[1:]):
        return plain(cells[0].text)
    return None


def _free_id(stem: str, taken: set[str]) -> str:
    """A repeated id made distinct: 1.2 → 1.2b, 1.2c, … then 1.2-27, 1.2-28, …"""
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if stem + letter not in taken:
            return stem + letter
    number = 27
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def _day(text: str) -> bool:
    from sendplan.office.grid import Cell

    return read_day_text(Cell(text)) is not None


class _Reader:
    def __init__(self, source: Source, mapping: Mapping, rules: Rules, file: str) -> None:
        self.source, self.mapping, self.rules, self.file = source, mapping, rules, file
        self.table = mapping.table
        self.columns = mapping.fields
        title, self.updated = _title(self.table, mapping.header_row)
        title = title or source.title or os.path.splitext(os.path.basename(file))[0]
        where = f", {self.table.label}" if self.table.kind != "csv" else ""
        preamble = [
            f"Imported by sendplan from {os.path.basename(file)}{where} (header on row {mapping.header_row + 1}).",
            "Each item's comment names the tracker cell it came from.",
        ]
        self.result = Imported(source, mapping, Draft(title, preamble=preamble))
        self.book = LeadBook(rules.owners)
        self.tasks: dict[str, DraftTask] = {}
        self.deliverables: dict[tuple[str, str], DraftDeliverable] = {}
        self.ids: set[str] = set()
        self.taken: set[str] = set()
        self.counts: dict[int, int] = {}
        self.first_id: dict[str, str] = {}

    def warn(self, ref: str, message: str, item_id: str | None = None) -> None:
        self.result.warnings.append(Problem(f"{ref}: {message}", Location(self.file), item_id, severity=Severity.WARNING))

    def _merged(self, row: int, name: str) -> bool:
        column = self.columns.get(name)
        return column is not None and self.table.cell(row, column).merged

    def text(self, row: int, name: str) -> str:
        column = self.columns.get(name)
        return "" if column is None else plain(self.table.cell(row, column).text)

    def read(self) -> Imported:
        rows = range(self.mapping.header_row + 1, len(self.table.rows))
        self.book.build([self.text(row, "lead") for row in rows])
        self.result.draft.leads = dict(self.book.leads)
        for note in self.book.notes:
            self.warn(self.table.label, note)
        explicit = [self.text(row, "id") for row in rows]
        # Ids the tracker gives later rows: a made-up id never takes one of them.
        self.taken = {ref for ref in explicit if ref and _ITEM_ID.fullmatch(ref)}
        task_text = deliverable_text = ""
        header = [plain(cell.text) for cell in self.table.rows[self.mapping.header_row]]
        for row in rows:
            cells = self.table.rows[row]
            if all(cell.blank or cell.merged for cell in cells):
                self.result.skipped.append(Skipped(self.table.ref(row), "blank"))
                continue
            if [plain(cell.text) for cell in cells] == header:
                self.result.skipped.append(Skipped(self.table.ref(row), "repeated header"))
                continue
            banner = _banner(cells)
            if banner is not None:
                ref = self.table.ref(row)
                if "task" not in self.columns:
                    # "Priority 1: Early help" across the whole table: the task of the rows below.
                    task_text, deliverable_text = banner, ""
                    self.result.skipped.append(Skipped(ref, "heading", "across the table, used as the task below"))
                    continue
                self.result.skipped.append(Skipped(ref, "heading", "across the table"))
                self.warn(ref, f"the heading {quoted(banner)} runs across the table, so it is not imported "
                               "(the task column names each row's task).")
                continue
            new_task, new_deliverable = self.text(row, "task"), self.text(row, "deliverable")
            if new_task and new_task != task_text:
                task_text, deliverable_text = new_task, ""
            elif task_text and (not new_task or self._merged(row, "task")):
                self.result.filled_down += 1
            if new_deliverable and new_deliverable != deliverable_text:
                deliverable_text = new_deliverable
            elif deliverable_text and (not new_deliverable or self._merged(row, "deliverable")):
                self.result.filled_down += 1
            if not any(self.text(row, name) for name in CONTENT):
                self._skip_row(row)
                continue
            self._item(row, task_text, deliverable_text)
        self.result.draft.tasks = list(self.tasks.values())
        return self.result

    def _skip_row(self, row: int) -> None:
        filled = [name for name in self.columns if self.text(row, name)]
        ref = self.table.ref(row)
        if filled and set(filled) <= set(GROUPS):
            headings = ", ".join(self._heading(name) for name in filled)
            self.result.skipped.append(Skipped(ref, "heading", f"only {headings}, used for the rows below"))
        elif filled:
            headings = ", ".join(self._heading(name) for name in filled if name not in GROUPS)
            self.result.skipped.append(Skipped(ref, "without an action or success criterion", f"only {headings}"))
            self.warn(ref, f"this row has no action or success criterion, only {headings}, so it is not an item. "
                           "If it is one, add its action in the tracker and import again.")
        else:
            self.result.skipped.append(Skipped(ref, "empty in the imported columns"))

    def _heading(self, name: str) -> str:
        column = self.columns[name]
        heading = plain(self.table.cell(self.mapping.header_row, column).text)
        return heading or self.table.column_name(column)

    def _group(self, task_text: str, deliverable_text: str) -> tuple[DraftTask, DraftDeliverable]:
        title = task_text or self.result.draft.title
        task = self.tasks.get(title)
        if task is None:
            number, shown = len(self.tasks) + 1, title
            match = _NUMBERED.fullmatch(title)
            used = {existing.number for existing in self.tasks.values()}
            if match and int(match[1]) not in used and int(match[1]) >= 1:
                number, shown = int(match[1]), plain(match[2])
            while number in used:
                number += 1
            task = self.tasks[title] = DraftTask(number, shown)
        name = deliverable_text or task.title
        deliverable = self.deliverables.get((title, name))
        if deliverable is None:
            deliverable = self.deliverables[(title, name)] = DraftDeliverable(name)
            task.deliverables.append(deliverable)
        return task, deliverable

    def _item_id(self, row: int, task: DraftTask, count: int) -> str:
        written = self.text(row, "id")
        column = self.columns.get("id")
        ref = self.table.ref(row, column) if column is not None else ""
        if written and _ITEM_ID.fullmatch(written) and written not in self.ids:
            self.first_id[written] = ref
            return written
        if written and _ITEM_ID.fullmatch(written):
            made = _free_id(written, self.taken)
            self.warn(ref, f"the id {quoted(written)} is used again (first at {self.first_id.get(written, '')}), so this "
                           f"item is {made}.", made)
            return made
        number = count
        while f"{task.number}.{number}" in self.taken:
            number += 1
        made = f"{task.number}.{number}"
        self.result.made_ids += 1 if "id" in self.columns else 0
        if written:
            self.warn(ref, f"{quoted(written)} cannot be an item id (ids are letters, digits and dots such as 4.7), "
                           f"so this item is {made}; the tracker's reference is kept in its comment.", made)
        return made

    def _item(self, row: int, task_text: str, deliverable_text: str) -> None:
        task, deliverable = self._group(task_text, deliverable_text)
        self.counts[task.number] = count = self.counts.get(task.number, 0) + 1
        item_id = self._item_id(row, task, count)
        self.ids.add(item_id)
        self.taken.add(item_id)
        anchor = next((self.columns[name] for name in ("action", "success_criteria", "milestones")
                       if name in self.columns and self.text(row, name)), 0)
        where = self.table.ref(row, anchor)
        # A CSV has no sheet name: the comment names the file, as Excel names the sheet after it.
        item = DraftItem(item_id, f"{self.table.name}!{where}" if self.table.kind == "csv" else where)
        written_id = self.text(row, "id")
        if written_id and written_id != item_id:
            item.notes.append(f"reference in the tracker: {written_id}")
        values: dict[str, Any] = item.values
        if self.text(row, "action"):
            values["action"] = self.text(row, "action")
        criteria = [*self._bullets(row, "success_criteria"), *self._bullets(row, "milestones")]
        if criteria:
            values["success_criteria"] = criteria
        self._deadline(row, item)
        self._lead(row, item)
        self._status(row, item)
        self._rag(row, item)
        self._update(row, item)
        self._formulas(row, item)
        deliverable.items.append(item)

    def _formulas(self, row: int, item: DraftItem) -> None:
        """A warning for each cell of the row read as the value its formula showed."""
        for column in sorted(set(self.columns.values())):
            cell = self.table.cell(row, column)
            if cell.formula is None or cell.merged:
                continue
            ref = self.table.ref(row, column)
            if cell.blank:
                self.warn(ref, f"the cell holds the formula {quoted(cell.formula, 80)} but no value was saved with it, "
                               "so it is read as empty. Open the workbook in Excel or LibreOffice, save it and import "
                               "again.", item.item_id)
            else:
                self.warn(ref, f"the cell holds the formula {quoted(cell.formula, 80)}; the value it showed, "
                               f"{quoted(plain(cell.text), 80)}, was kept, not the formula.", item.item_id)

    def _bullets(self, row: int, name: str) -> list[str]:
        column = self.columns.get(name)
        return [] if column is None else split_bullets(self.table.cell(row, column).text)

    def _cell(self, row: int, name: str) -> tuple[Any, str]:
        column = self.columns[name]
        return self.table.cell(row, column), self.table.ref(row, column)

    def _deadline(self, row: int, item: DraftItem) -> None:
        if "deadline" not in self.columns:
            return
        cell, ref = self._cell(row, "deadline")
        value = read_deadline(cell)
        if value.text is not None:
            item.values["deadline"] = value.text
            self.result.deadlines_read += 1
        elif value.note is not None:
            item.values["deadline_note"] = value.note
            self.result.kept.append(("deadline", value.note))
            fault = date_fault(value.note)
            if fault is not None:  # a date mistyped, not words: say what is wrong with it
                self.warn(ref, f"the deadline {quoted(value.note)} is not a date: {fault}; check the cell. It is kept "
                               "as written (deadline_note) and the item cannot fall due until the date is corrected.",
                          item.item_id)
            else:
                self.warn(ref, f"the deadline {quoted(value.note)} names no date sendplan can read, so it is kept as "
                               "written (deadline_note) and the item cannot fall due until it is given a deadline.",
                          item.item_id)

    def _lead(self, row: int, item: DraftItem) -> None:
        if "lead" not in self.columns or not self.text(row, "lead"):
            return
        cell, ref = self._cell(row, "lead")
        owner = self.book.code_for(cell.text)
        if owner is None:
            return
        item.values["lead"] = owner.code
        if owner.joint:
            self.warn(ref, f"the owner {quoted(plain(cell.text))} names more than one person; it is kept whole as "
                           f"lead {owner.code}. An item has one lead: choose one, or split the item.", item.item_id)

    def _status(self, row: int, item: DraftItem) -> None:
        if "status" not in self.columns or not self.text(row, "status"):
            return
        text = self.text(row, "status")
        status = read_status(text, self.rules.statuses)
        if status is None:
            _, ref = self._cell(row, "status")
            item.notes.append(f"status in the tracker: {text}")
            self.result.kept.append(("status", text))
            self.warn(ref, f"the status {quoted(text)} is not one sendplan knows, so the item is not_started and the "
                           "word is kept in its comment. Map it in a rules file (statuses:) and import again.",
                      item.item_id)
        else:
            item.values["status"] = status

    def _rag(self, row: int, item: DraftItem) -> None:
        if "rag" not in self.columns:
            return
        cell, ref = self._cell(row, "rag")
        text = plain(cell.text)
        if text:
            rag = read_rag(text, self.rules.rag)
            reason = f"Imported: the tracker rates it {text}"
        else:
            rag = fill_rag(cell.fill)
            reason = f"Imported: the tracker's rating cell is coloured {rag}"
        status = item.values.get("status")
        if rag is not None and status == "complete" and rag != "blue":
            # Completion makes the rule's rating blue; a red kept by hand would outlive the work.
            item.notes.append(f"RAG in the tracker: {text or rag}")
            self.result.kept.append(("RAG", text or rag))
            written = f" ({quoted(text)})" if text and text.lower() != rag else ""
            self.warn(ref, f"the tracker rates this complete item {rag}{written}; a complete item is blue, so the "
                           "rating is kept in the item's comment only. If the work is not finished, correct the "
                           "status and import again.", item.item_id)
        elif rag is not None and RULE_FROM_STATUS.get(str(status)) != rag:
            item.values["rag"] = rag
            item.values["rag_reason"] = reason
        elif rag is None and text:
            item.notes.append(f"RAG in the tracker: {text}")
            self.result.kept.append(("RAG", text))
            self.warn(ref, f"the RAG {quoted(text)} is not blue, green, amber or red, so it is kept in the item's "
                           "comment only. Map it in a rules file (rag:) and import again.", item.item_id)

    def _update(self, row: int, item: DraftItem) -> None:
        if "update" not in self.columns or not self.text(row, "update"):
            return
        text = self.text(row, "update")
        day = None
        if "updated" in self.columns:
            day = read_day_text(self._cell(row, "updated")[0])
        day = day or self.updated
        if day is None:
            _, ref = self._cell(row, "update")
            item.notes.extend(["latest update in the tracker (no date given):", *text.split("\n")])
            self.result.kept.append(("update", text))
            self.warn(ref, "the latest update has no date, so it is kept in the item's comment, not as an update "
                           "note. Add it with sendplan update ID --note TEXT --as-of DATE.", item.item_id)
            return
        item.values["updates"] = [{"date": day, "text": text}]
