"""Questions asked of a plan as of a day: flattened item rows, filters and summaries.

Pure: the reference day arrives as `as_of`, never from the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sendplan.plan.dates import Deadline, Precision, days_overdue, recurring_due_date

# An item not started within this many days of falling due is amber (see the RAG legend).
AMBER_WINDOW_DAYS = 30

# What each rating means, in the legend's order: the one place every legend and key (tables,
# reports, the report's chart, the workbook) takes its ratings from.
RAG_MEANINGS = (
    ("blue", "complete"),
    ("red", "overdue or off track"),
    ("amber", "at risk, or not started and due within {window} days"),
    ("green", "on course"),
    ("grey", "no deadline or no lead, so not known to be on course"),
    ("none", "dropped"),
)
RAG_OVERRIDE = "A rating set by hand in the plan overrides this."
RAG_LEGEND = "RAG: " + "; ".join(f"{name} = {meaning}" for name, meaning in RAG_MEANINGS) + ". " + RAG_OVERRIDE
# Every rating an item can have, worst first (None, for a dropped item, is not among them).
RAGS = ("red", "amber", "grey", "green", "blue")


@dataclass(frozen=True, slots=True)
class LastUpdate:
    date: str
    by: str | None
    text: str


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which makes
# building 10,000 rows about twice as slow. Rows are still never changed once built.
@dataclass(slots=True)
class ItemRow:
    """One item as of a day: exactly the JSON contract's fields, in its order (docs/json.md)."""

    id: str
    task: int
    task_title: str
    deliverable: str
    action: str | None
    success_criteria: list[str]
    lead: str | None
    lead_name: str | None
    deadline: str | None
    deadline_text: str | None
    precision: str | None
    status: str
    overdue: bool
    days_overdue: int | None
    rag: str | None
    completed: str | None
    revised_deadline: str | None
    slip_days: int | None
    last_update: LastUpdate | None = field(default=None)
    # Why the item has its rating ("overdue", "no deadline"), or the plan's reason for one set by
    # hand. Last, so the columns of tab-separated output before it keep their places.
    rag_reason: str | None = field(default=None)

    @property
    def due_date(self) -> date | None:
        """The day it now falls due: the revised deadline if there is one, else the baseline."""
        chosen = self.revised_deadline or self.deadline
        return date.fromisoformat(chosen) if chosen else None

    @property
    def headline(self) -> str:
        """What the item is about, for a report line or a calendar entry: its action, else its
        first success criterion (marked ✓), else its deliverable (8.6 of the seed has no action)."""
        if self.action and self.action.strip():
            return self.action
        criterion = next((text for text in self.success_criteria if text.strip()), None)
        return f"✓ {criterion}" if criterion else self.deliverable

    @property
    def finished(self) -> bool:
        """Done with: complete or dropped, except a yearly item completed on a day, which recurs."""
        if self.status == "complete" and self.precision == "recurring" and self.completed:
            return False
        return self.status in ("complete", "dropped")


def _due(deadline: Deadline | None, plan_date: date | None, as_of: date, completed: date | None) -> date | None:
    if deadline is None:
        return None
    if deadline.due_date is not None:
        return deadline.due_date
    start = plan_date or as_of
    return recurring_due_date(deadline, plan_date=start, as_of=as_of, completed=completed)


def rate(
    status: str, overdue: bool, due: date | None, as_of: date, window: int, *, has_lead: bool = True
) -> tuple[str | None, str]:
    """(rating, why) by the rule printed in RAG_LEGEND: None for a dropped item.

    Green says an item is on course, which nobody can say of an item with no deadline (it can
    never fall due) or no lead (nobody answers for it): those are grey, saying which is missing.
    What is known to be wrong still shows: an overdue, off-track or at-risk item keeps its colour.
    """
    if status == "complete":
        return "blue", "complete"
    if status == "dropped":
        return None, "dropped"
    if overdue:
        return "red", "overdue"
    if status == "off_track":
        return "red", "off track"
    if status == "at_risk":
        return "amber", "at risk"
    if status == "not_started" and due is not None and (due - as_of).days <= window:
        return "amber", f"not started, due within {window} days"
    missing = [what for what, gone in (("deadline", due is None), ("lead", not has_lead)) if gone]
    if missing:
        return "grey", "no " + " or ".join(missing)
    return "green", "on course"


def derive_rag(
    status: str, overdue: bool, due: date | None, as_of: date, window: int, *, has_lead: bool = True
) -> str | None:
    """The rating alone, by the rule printed in RAG_LEGEND (see `rate`)."""
    return rate(status, overdue, due, as_of, window, has_lead=has_lead)[0]


def rows(plan: Any, as_of: date, *, amber_window: int = AMBER_WINDOW_DAYS) -> list[ItemRow]:
    """Every item of *plan* flattened into an ItemRow as of *as_of*, in plan order."""
    plan_date = plan.plan_date
    leads = plan.leads
    result = []
    for task, deliverable, item in plan.iter_items():
        status = item.status
        recurring = item.deadline is not None and item.deadline.precision is Precision.RECURRING
        # A recurring item stays live after completion: its next occurrence falls due.
        finished = status.finished and not (recurring and status == "complete" and item.completed)
        baseline = _due(item.deadline, plan_date, as_of, item.completed)
        revised = _due(item.revised_deadline, plan_date, as_of, item.completed)
        due = revised or baseline
        late = days_overdue(due, as_of, finished=finished)
        overdue = late is not None
        slip = (revised - baseline).days if revised and baseline else None
        lead = leads.get(item.lead) if item.lead else None
        latest = item.updates[-1] if item.updates else None
        row_status = "on_track" if recurring and not finished and status == "complete" else status.value
        if item.rag:
            rag, why = item.rag.value, item.rag_reason
        else:
            rag, why = rate(row_status, overdue, due, as_of, amber_window, has_lead=item.lead is not None)
        result.append(
            ItemRow(
                id=item.id,
                task=task.number,
                task_title=task.title,
                deliverable=deliverable.title,
                action=item.action,
                success_criteria=list(item.success_criteria),
                lead=item.lead,
                lead_name=lead.name if lead else None,
                deadline=baseline.isoformat() if baseline else None,
                deadline_text=item.deadline.text if item.deadline else item.deadline_note,
                precision=item.deadline.precision.value if item.deadline else None,
                status=status.value,
                overdue=overdue,
                days_overdue=late,
                rag=rag,
                completed=item.completed.isoformat() if item.completed else None,
                revised_deadline=revised.isoformat() if revised else None,
                slip_days=slip,
                last_update=LastUpdate(latest.date.isoformat(), latest.by, latest.text) if latest else None,
                rag_reason=why,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """What `list` keeps. Dates are inclusive; an item with no deadline has no due date to compare."""

    leads: frozenset[str] = frozenset()
    tasks: frozenset[int] = frozenset()
    statuses: frozenset[str] = frozenset()
    due_before: date | None = None
    due_after: date | None = None
    overdue_only: bool = False

    def matches(self, row: ItemRow) -> bool:
        if self.leads and (row.lead or "") not in self.leads:
            return False
        if self.tasks and row.task not in self.tasks:
            return False
        if self.statuses and row.status not in self.statuses:
            return False
        if self.overdue_only and not row.overdue:
            return False
        due = row.due_date
        if self.due_before is not None and (due is None or due > self.due_before):
            return False
        return not (self.due_after is not None and (due is None or due < self.due_after))


def select(item_rows: Iterable[ItemRow], flt: ItemFilter) -> list[ItemRow]:
    return [row for row in item_rows if flt.matches(row)]


def overdue(item_rows: Iterable[ItemRow]) -> list[ItemRow]:
    """Overdue items, most overdue first (then in plan order)."""
    late = [row for row in item_rows if row.overdue]
    return sorted(late, key=lambda row: -(row.days_overdue or 0))


def due_within(item_rows: Iterable[ItemRow], as_of: date, end: date) -> list[ItemRow]:
    """Unfinished items that fall due from *as_of* to *end* inclusive, soonest first."""
    coming = [
        row
        for row in item_rows
        if not row.finished and row.due_date is not None and as_of <= row.due_date <= end
    ]
    return sorted(coming, key=lambda row: row.due_date or as_of)


@dataclass(frozen=True, slots=True)
class LeadRow:
    """One row of `leads`: how a lead's items stand. *lead* is None for items with no lead."""

    lead: str | None
    name: str | None
    title: str | None
    items: int
    finished: int
    overdue: int
    next_deadline: str | None
    next_item: str | None


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One row of `tasks`: how a task's items stand."""

    task: int
    title: str
    items: int
    finished: int
    overdue: int
    next_deadline: str | None
    next_item: str | None


def _counts(group: Sequence[ItemRow], as_of: date) -> dict[str, Any]:
    upcoming = [
        row for row in group if not row.finished and row.due_date is not None and row.due_date >= as_of
    ]
    first = min(upcoming, key=lambda row: row.due_date or as_of, default=None)
    return {
        "items": len(group),
        "finished": sum(row.finished for row in group),
        "overdue": sum(row.overdue for row in group),
        "next_deadline": first.due_date.isoformat() if first and first.due_date else None,
        "next_item": first.id if first else None,
    }


def known_leads(plan: Any) -> list[str]:
    """Codes in the leads registry, then codes used by items but missing from it."""
    codes = list(plan.leads)
    for _, _, item in plan.iter_items():
        if item.lead and item.lead not in codes:
            codes.append(item.lead)
    return codes


def lead_summaries(plan: Any, item_rows: Sequence[ItemRow], as_of: date) -> list[LeadRow]:
    """A row per lead (registry order, then unregistered codes), and one for items with no lead."""
    result = []
    for code in known_leads(plan):
        lead = plan.leads.get(code)
        group = [row for row in item_rows if row.lead == code]
        result.append(
            LeadRow(code, lead.name if lead else None, lead.title if lead else None, **_counts(group, as_of))
        )
    unowned = [row for row in item_rows if row.lead is None]
    if unowned:
        result.append(LeadRow(None, None, None, **_counts(unowned, as_of)))
    return result


def task_summaries(plan: Any, item_rows: Sequence[ItemRow], as_of: date) -> list[TaskRow]:
    """A row per task, in plan order."""
    return [
        TaskRow(task.number, task.title, **_counts([row for row in item_rows if row.task == task.number], as_of))
        for task in plan.tasks
    ]
