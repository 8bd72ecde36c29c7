"""The progress dashboard: counts by status and RAG, overdue, due soon and percent complete.

Pure: item rows and the day arrive as parameters; the table is sendplan/outputs/columns.py's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sendplan.query import ItemRow, as_flat, group_by

STATUSES = ("not_started", "on_track", "at_risk", "off_track", "complete", "dropped")
RAGS = ("blue", "green", "amber", "red")


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


def percent(done: int, total: int) -> int | None:
    """Whole percent, rounded down so that 99.6% never shows as 100% before the last item."""
    if total <= 0:
        return None
    return done * 100 // total


def _line(group: str, key: str | None, title: str | None, rows: Sequence[ItemRow], as_of: date, end: date) -> StatusRow:
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
    lines = [_line("task", str(number), title, by_task.get(number, []), as_of, end) for number, title in flat.tasks]
    for code in flat.known_leads():
        lead = flat.leads.get(code)
        lines.append(_line("lead", code, lead[0] if lead else None, by_lead.get(code, []), as_of, end))
    unowned = by_lead.get(None)
    if unowned:
        lines.append(_line("lead", None, None, unowned, as_of, end))
    lines.append(_line("plan", None, flat.title, list(item_rows), as_of, end))
    return lines
