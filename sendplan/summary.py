"""The progress dashboard: counts by status and RAG, overdue, due soon and percent complete.

Pure: item rows and the day arrive as parameters; the table is sendplan/outputs/columns.py's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sendplan.query import ItemRow, as_flat, group_by, known_leads

STATUSES = ("not_started", "on_track", "at_risk", "off_track", "complete", "dropped")
# The dashboard's order of ratings (its B, G, A, R and Grey columns).
RAGS = ("blue", "green", "amber", "red", "grey")


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One line of the dashboard: a task, a lead, or the whole plan (the JSON contract of `status`).

    *group* is "task", "lead" or "plan"; *key* is the task number or lead code (None for
    items with no lead and for the plan). *percent_complete* counts complete items out of
    those not dropped, and is None when every item is dropped.
    """

    group: str
    key: str | None
    title: str | None
    items: int
    not_started: int
    on_track: int
    at_risk: int
    off_track: int
    complete: int
    dropped: int
    blue: int
    green: int
    amber: int
    red: int
    no_rag: int
    overdue: int
    due_soon: int
    percent_complete: int | None
    # Items nobody can call on course (no deadline or no lead). Last, so the columns of
    # tab-separated output before it keep their places.
    grey: int = 0


def percent(done: int, total: int) -> int | None:
    """Whole percent, rounded down so that 99.6% never shows as 100% before the last item."""
    if total <= 0:
        return None
    return done * 100 // total


def status_line(
    group: str, key: str | None, title: str | None, rows: Sequence[ItemRow], as_of: date, end: date
) -> StatusRow:
    """One line of the dashboard, counting *rows* (a task's, a lead's, a plan's, or several plans')."""
    statuses = {status: sum(row.status == status for row in rows) for status in STATUSES}
    rags = {rag: sum(row.rag == rag for row in rows) for rag in RAGS}
    due_soon = sum(
        1 for row in rows if not row.finished and row.due_date is not None and as_of <= row.due_date <= end
    )
    return StatusRow(
        group=group,
        key=key,
        title=title,
        items=len(rows),
        **statuses,
        **rags,
        no_rag=sum(row.rag is None for row in rows),
        overdue=sum(row.overdue for row in rows),
        due_soon=due_soon,
        percent_complete=percent(statuses["complete"], len(rows) - statuses["dropped"]),
    )


def status_rows(plan: Any, item_rows: Sequence[ItemRow], as_of: date, end: date) -> list[StatusRow]:
    """A line per task (plan order), per lead (registry order, then no lead), then the plan's total.

    "Due soon" counts unfinished items falling due from *as_of* to *end* inclusive. *plan* is a
    Plan or its FlatPlan; the rows are grouped once.
    """
    flat = as_flat(plan)
    by_task = group_by(item_rows, lambda row: row.task)
    by_lead = group_by(item_rows, lambda row: row.lead)
    lines = [status_line("task", str(number), title, by_task.get(number, []), as_of, end) for number, title in flat.tasks]
    for code in flat.known_leads():
        lead = flat.leads.get(code)
        lines.append(status_line("lead", code, lead[0] if lead else None, by_lead.get(code, []), as_of, end))
    unowned = by_lead.get(None)
    if unowned:
        lines.append(status_line("lead", None, None, unowned, as_of, end))
    lines.append(status_line("plan", None, flat.title, list(item_rows), as_of, end))
    return lines


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """One lead with open items in the update round: have they sent a return since *since*?

    *returned* is the day of their latest progress note (an update `by` them on one of their
    items) from *since* to the as-of day, or None if they still owe one; *items_updated*
    counts their items with such a note. `sendplan collect` records each note a return brings.
    """

    lead: str
    name: str | None
    open_items: int
    returned: str | None
    items_updated: int


def returns_since(plan: Any, item_rows: Sequence[ItemRow], since: date, as_of: date) -> list[ReturnLine]:
    """A line per lead with open items (the plan's key order, then codes not in it)."""
    items = {item.id: item for _, _, item in plan.iter_items()}
    by_lead = group_by(item_rows, lambda row: row.lead)
    result = []
    for code in known_leads(plan):
        own = by_lead.get(code, [])
        open_items = sum(not row.finished for row in own)
        if not open_items:
            continue
        days = [
            [update.date for update in items[row.id].updates if update.by == code and since <= update.date <= as_of]
            for row in own
        ]
        latest = max((day for noted in days for day in noted), default=None)
        lead = plan.leads.get(code)
        result.append(
            ReturnLine(
                code,
                lead.name if lead else None,
                open_items,
                latest.isoformat() if latest else None,
                sum(bool(noted) for noted in days),
            )
        )
    return result


def returns_sentence(lines: Sequence[ReturnLine], since: date) -> str:
    """"Returned since 1 Dec 2021: AG (10 Dec 2021). Still to return: CK, CW." in one sentence."""
    def day(text: str) -> str:
        value = date.fromisoformat(text)
        return f"{value.day} {value:%b %Y}"

    back = [f"{line.lead} ({day(line.returned)})" for line in lines if line.returned]
    owed = [line.lead for line in lines if not line.returned]
    since_text = f"{since.day} {since:%b %Y}"
    parts = [f"Returned since {since_text}: {', '.join(back) if back else 'none yet'}."]
    parts.append(f"Still to return: {', '.join(owed)}." if owed else "Every lead with open items has returned.")
    return " ".join(parts)
