"""The return workbook a lead officer fills in: what it holds (written by returns_book.py).

One sheet, "Update", lists the lead's open items as the plan stands on the request's day
(locked cells) beside the answer columns they fill in (unlocked). A hidden, protected sheet,
"sendplan", records which plan, lead and day the form was made for and, for each row, the
item's fields as sent with a fingerprint of them, so that a return can be checked when it
comes back (see returns_read.py and collect.py).

Pure: the day arrives as `as_of`; nothing here reads the clock, prints, or writes a plan.
The workbook is built in memory and returned as bytes; its zip entries and document
properties carry the request's day, so the same request gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sendplan.outputs.text import clean
from sendplan.plan.model import Status
from sendplan.query import ItemRow

UPDATE_SHEET = "Update"
RECORD_SHEET = "sendplan"
RECORD_TITLE = "sendplan return record"
RECORD_VERSION = "1"
# The record's table of rows starts on this row of the hidden sheet (key-value lines above it).
RECORD_TABLE_ROW = 12

STATUS_WORDS: dict[str, Status] = {status.label: status for status in Status}


@dataclass(frozen=True, slots=True)
class FormColumn:
    key: str
    header: str
    width: int
    answer: bool = False


# Widths are in Excel's units (about one character of the default font). The sum is kept
# near 180 so that a page of A4 landscape fitted to the width still prints at a readable size.
COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("id", "ID", 5),
    FormColumn("action", "Action", 26),
    FormColumn("criteria", "Success criteria", 22),
    FormColumn("deadline", "Deadline", 11),
    FormColumn("status", "Status", 10),
    FormColumn("rag", "RAG", 6),
    FormColumn("latest", "Latest update", 18),
    FormColumn("new_status", "New status", 11, answer=True),
    FormColumn("note", "Progress note", 24, answer=True),
    FormColumn("revised", "Revised deadline", 11, answer=True),
    FormColumn("reason", "Reason for the new deadline", 15, answer=True),
    FormColumn("completed", "Completed on", 11, answer=True),
    FormColumn("evidence", "Evidence", 12, answer=True),
)
ANSWER_KEYS = tuple(column.key for column in COLUMNS if column.answer)


def column_letter(key: str) -> str:
    """The letter of the form's column *key* ("new_status" → "I")."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(n for n, column in enumerate(COLUMNS, start=1) if column.key == key))


# ---------------------------------------------------------------------------------------
# What was sent: the fields of each item, and their fingerprint


def sent_fields(item: Any) -> dict[str, Any]:
    """The fields of a plan item that a return is checked against, as plain JSON values.

    They are the ones the form shows and the ones a return can change: if any of them
    changes in the plan after the form is made, a late return must not overwrite it.
    """
    latest = item.updates[-1] if item.updates else None
    return {
        "id": item.id,
        "lead": item.lead,
        "action": item.action,
        "success_criteria": list(item.success_criteria),
        "deadline": item.deadline.text if item.deadline else None,
        "revised_deadline": item.revised_deadline.text if item.revised_deadline else None,
        "revision_reason": item.revision_reason,
        "status": item.status.value,
        "completed": item.completed.isoformat() if item.completed else None,
        "rag": item.rag.value if item.rag else None,
        "updates": len(item.updates),
        "latest_update": (
            {"date": latest.date.isoformat(), "by": latest.by, "text": latest.text} if latest else None
        ),
        "evidence": list(item.evidence),
    }


def canonical(fields: dict[str, Any]) -> str:
    """The one JSON text of *fields* that the fingerprint is taken of."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint(fields: dict[str, Any]) -> str:
    """A short SHA-256 of the fields as sent: equal exactly when every field is equal."""
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()[:20]


# ---------------------------------------------------------------------------------------
# The form's content, before it becomes a workbook


@dataclass(frozen=True, slots=True)
class FormRow:
    """One open item on the form: what the lead sees, and the fields recorded as sent."""

    row: ItemRow
    sent: dict[str, Any]

    @property
    def item_id(self) -> str:
        return self.row.id


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    """Everything one lead's return workbook (and its covering message) says."""

    plan_title: str
    organisation: str | None
    lead: str
    lead_name: str | None
    lead_title: str | None
    email: str | None
    as_of: date
    return_by: date
    soon_end: date
    reply_to: str | None
    rows: tuple[FormRow, ...]

    @property
    def overdue(self) -> int:
        return sum(form_row.row.overdue for form_row in self.rows)

    @property
    def due_soon(self) -> int:
        """Open items not yet overdue that fall due from the request's day to *soon_end*."""
        return sum(
            1
            for form_row in self.rows
            if not form_row.row.overdue
            and form_row.row.due_date is not None
            and self.as_of <= form_row.row.due_date <= self.soon_end
        )

    @property
    def who(self) -> str:
        """"Anthony Giles (AG)", or the code alone for a lead missing from the plan's key."""
        return f"{self.lead_name} ({self.lead})" if self.lead_name else self.lead


def is_open(row: ItemRow) -> bool:
    """An item a lead still reports on: not complete and not dropped (a yearly item stays open)."""
    return not row.finished


def build_requests(
    plan: Any,
    item_rows: Sequence[ItemRow],
    *,
    as_of: date,
    leads: Sequence[str] = (),
    return_by: date | None = None,
    soon_end: date | None = None,
    due_by: date | None = None,
    reply_to: str | None = None,
) -> list[ReturnRequest]:
    """One request per lead with open items (or per lead named in *leads*), in the plan's order.

    *due_by* keeps only items overdue or falling due by that day; *soon_end* is the end of
    "due soon" in the covering message (default 30 days); *return_by* the day answers are
    due back (default two weeks after *as_of*). A named lead with no open item gets a request
    with no rows, so the caller can say so.
    """
    from datetime import timedelta

    from sendplan.query import known_leads

    items = {item.id: item for _, _, item in plan.iter_items()}
    codes = list(leads) or known_leads(plan)
    result = []
    for code in codes:
        chosen = [
            row
            for row in item_rows
            if row.lead == code
            and is_open(row)
            and (due_by is None or row.overdue or (row.due_date is not None and row.due_date <= due_by))
        ]
        if not chosen and not leads:
            continue
        lead = plan.leads.get(code)
        result.append(
            ReturnRequest(
                plan_title=plan.plan.title,
                organisation=plan.plan.organisation,
                lead=code,
                lead_name=lead.name if lead else None,
                lead_title=lead.title if lead else None,
                email=getattr(lead, "email", None) if lead else None,
                as_of=as_of,
                return_by=return_by or as_of + timedelta(days=14),
                soon_end=soon_end or as_of + timedelta(days=30),
                reply_to=reply_to,
                rows=tuple(FormRow(row, sent_fields(items[row.id])) for row in chosen),
            )
        )
    return result


def slug(text: str) -> str:
    """A plan title as a file-name part: "SEND recovery plan" → "send-recovery-plan"."""
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    return "-".join(words)[:60].strip("-") or "plan"


def file_stem(request: ReturnRequest) -> str:
    """"send-recovery-plan-AG-2021-12-01": the plan, the lead and the request's day."""
    return f"{slug(request.plan_title)}-{request.lead}-{request.as_of.isoformat()}"


def long_day(day: date) -> str:
    """"Wednesday 15 December 2021", as a letter gives a date."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_day(day: date) -> str:
    """"15 Dec 2021"."""
    return f"{day.day} {day:%b %Y}"


# ---------------------------------------------------------------------------------------
# Cell texts


def _text(value: str | None) -> str:
    return clean(value).strip() if value else ""


def _deadline_text(row: ItemRow, sent: dict[str, Any]) -> str:
    text = sent["deadline"] or "none"
    if row.precision == "recurring" and row.deadline:
        text += f"\n(next {short_day(date.fromisoformat(row.deadline))})"
    if sent["revised_deadline"]:
        text += f"\nrevised to {sent['revised_deadline']}"
    if row.overdue and row.days_overdue:
        text += f"\n{row.days_overdue} day{'' if row.days_overdue == 1 else 's'} overdue"
    return text


def _latest_text(row: ItemRow) -> str:
    latest = row.last_update
    if latest is None:
        return ""
    by = f" {latest.by}" if latest.by else ""
    return f"{short_day(date.fromisoformat(latest.date))}{by}: {_text(latest.text)}"


def cell_texts(form_row: FormRow) -> dict[str, str]:
    """The locked cells of one row, as the lead reads them."""
    row = form_row.row
    return {
        "id": row.id,
        "action": _text(row.action) or _text(row.deliverable),
        "criteria": "\n".join(f"• {_text(text)}" for text in row.success_criteria if text.strip()),
        "deadline": _deadline_text(row, form_row.sent),
        "status": Status(row.status).label,
        "rag": row.rag or "",
        "latest": _latest_text(row),
    }


def shown_cells(form_row: FormRow) -> dict[str, str]:
    """The grey cells of one row but its id, by column key: what the hidden record keeps of them."""
    return {key: text for key, text in cell_texts(form_row).items() if key != "id"}


def instructions(request: ReturnRequest) -> list[str]:
    """The plain-English lines above the table, in order (the first is the title)."""
    send_to = f"to {request.reply_to}" if request.reply_to else "to the person who sent it to you"
    count = len(request.rows)
    plural = "item" if count == 1 else "items"
    standing = f"Your {count} open {plural} in the plan, as it stands on {long_day(request.as_of)}"
    if request.overdue or request.due_soon:
        standing += f" ({request.overdue} overdue, {request.due_soon} due by {short_day(request.soon_end)})"
    return [
        f"{clean(request.plan_title)}: update from {clean(request.who)}",
        f"Please fill this in and send it back by {long_day(request.return_by)}, {send_to}.",
        standing + ", are listed below.",
        (
            "For each item you have worked on, fill in the yellow columns on the right: a New status "
            "(choose from the list), a short Progress note, a Revised deadline with the Reason for it "
            "if the item will be late, the day it was Completed on, and Evidence of completion. "
            "Leave a cell empty to keep what the plan says."
        ),
        (
            'Write dates day first (31/03/2022 or 31 Mar 2022), or a month for a deadline ("Jun 2022"). '
            "Do not add, delete, sort or edit the grey columns: they match your answers to the plan. "
            "Save it as an Excel workbook (.xlsx), with its name unchanged."
        ),
    ]


# The hidden record: one key and value a line, in this order, then the table of rows.
RECORD_KEYS = ("plan", "organisation", "lead", "lead_name", "as_of", "return_by", "sheet", "header_row", "made_by")
