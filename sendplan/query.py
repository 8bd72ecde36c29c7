"""Questions asked of a plan as of a day: flattened item rows, filters and summaries.

Pure: the reference day arrives as `as_of`, never from the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sendplan.plan.dates import Deadline, Precision, recurring_due_date

if TYPE_CHECKING:
    from sendplan.plan.flat import FlatPlan

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


def rate(
    status: str, overdue: bool, due: date | None, as_of: date, window: int, *, has_lead: bool = True
) -> tuple[str | None, str]:
    """(rating, why) by the rule printed in RAG_LEGEND: None for a dropped item.

    Green says an item is on course, which nobody can say of an item with no deadline (it can
    never fall due) or no lead (nobody answers for it): those are grey, saying which is missing.
    What is known to be wrong still shows: an overdue, off-track or at-risk item keeps its colour.
    """
    return _rating(status, overdue, (due - as_of).days if due is not None else None, window, has_lead)


def _rating(status: str, overdue: bool, days_left: int | None, window: int, has_lead: bool) -> tuple[str | None, str]:
    """rate() on the days left until the item falls due (None: no deadline)."""
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
    if status == "not_started" and days_left is not None and days_left <= window:
        return "amber", f"not started, due within {window} days"
    missing = [what for what, gone in (("deadline", days_left is None), ("lead", not has_lead)) if gone]
    if missing:
        return "grey", "no " + " or ".join(missing)
    return "green", "on course"


def derive_rag(
    status: str, overdue: bool, due: date | None, as_of: date, window: int, *, has_lead: bool = True
) -> str | None:
    """The rating alone, by the rule printed in RAG_LEGEND (see `rate`)."""
    return rate(status, overdue, due, as_of, window, has_lead=has_lead)[0]


def rows(plan: Any, as_of: date, *, amber_window: int = AMBER_WINDOW_DAYS) -> list[ItemRow]:
    """Every item of *plan* (a Plan, or its FlatPlan) flattened into an ItemRow as of *as_of*, in plan order."""
    from sendplan.plan.flat import FlatPlan, flatten

    flat = plan if isinstance(plan, FlatPlan) else flatten(plan)
    return [ItemRow(*values) for values in row_values(flat, as_of, amber_window=amber_window)]


def _yearly(month: int, plan_day: int | None, as_of: date, completed: int | None) -> date:
    deadline = Deadline(f"every {month}", Precision.RECURRING, None, month)
    start = date.fromordinal(plan_day) if plan_day is not None else as_of
    done = date.fromordinal(completed) if completed is not None else None
    return recurring_due_date(deadline, plan_date=start, as_of=as_of, completed=done)


def completed_after(status: str, completed_day: int | None, recurring: bool, today: int) -> bool:
    """Whether an item was completed after the day *today* (a day number) and so was not complete
    on it: in progress then (the plan keeps no older status), late if it was past due, rated by
    the rule. Not a yearly item, whose completion day marks an occurrence, not the end."""
    return not recurring and status == "complete" and completed_day is not None and completed_day > today


def row_values(flat: FlatPlan, as_of: date, *, amber_window: int = AMBER_WINDOW_DAYS) -> Iterator[tuple[Any, ...]]:
    """ItemRow's fields, in its order, for every item as of *as_of* (the rule of each is beside it).

    The loop works on day numbers: the day of a fixed deadline was worked out once, when the
    table was made; only a yearly deadline's occurrence depends on the day asked about.
    """
    today = as_of.toordinal()
    plan_day = flat.plan_day
    for row in flat.items:
        (item_id, task, task_title, deliverable, action, criteria, lead, lead_name, deadline_text, precision,
         status, rag, completed, latest, base, base_iso, revised, revised_iso, base_yearly, revised_yearly,
         completed_day, finished_status, recurring, why) = row  # fmt: skip
        if base_yearly is not None:
            base_date = _yearly(base_yearly, plan_day, as_of, completed_day)
            base, base_iso = base_date.toordinal(), base_date.isoformat()
        if revised_yearly is not None:
            revised_date = _yearly(revised_yearly, plan_day, as_of, completed_day)
            revised, revised_iso = revised_date.toordinal(), revised_date.isoformat()
        # A recurring item stays live after completion: its next occurrence falls due.
        live_again = recurring and status == "complete" and completed is not None
        done_later = completed_after(status, completed_day, recurring, today)
        if done_later:
            status, completed = "on_track", None
        finished = finished_status and not live_again and not done_later
        due = revised if revised is not None else base
        late = today - due if due is not None and not finished and today > due else None
        row_status = "on_track" if recurring and not finished and status == "complete" else status
        if rag is None:  # not set by hand: the rule (with the plan's reason, when set by hand)
            rag, why = _rating(row_status, late is not None, due - today if due is not None else None,
                               amber_window, lead is not None)  # fmt: skip
        yield (
            item_id, task, task_title, deliverable, action, list(criteria), lead, lead_name, base_iso, deadline_text,
            precision, status, late is not None, late, rag, completed, revised_iso,
            revised - base if revised is not None and base is not None else None,
            LastUpdate(*latest) if latest is not None else None, why,
        )  # fmt: skip


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


_KEEP_ALL = ItemFilter()


def select(item_rows: Iterable[ItemRow], flt: ItemFilter) -> list[ItemRow]:
    if flt == _KEEP_ALL:  # no filter asked for (the usual case): no test of every row
        return list(item_rows)
    return [row for row in item_rows if flt.matches(row)]


def matching(item_rows: Iterable[ItemRow], flt: ItemFilter) -> Iterator[ItemRow]:
    """select(), one row at a time: with rows made as they are asked for, only the kept ones are
    alive at once (at 100,000 items, the rows of a whole plan are 30 MB)."""
    if flt == _KEEP_ALL:
        return iter(item_rows)
    return (row for row in item_rows if flt.matches(row))


def each_row(plan: Any, as_of: date, *, amber_window: int = AMBER_WINDOW_DAYS) -> Iterator[ItemRow]:
    """rows(), one row at a time."""
    return (ItemRow(*values) for values in row_values(as_flat(plan), as_of, amber_window=amber_window))


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


def as_flat(plan: Any) -> FlatPlan:
    """*plan* as its flat table: a FlatPlan as it is, a Plan (or its records) flattened."""
    from sendplan.plan.flat import FlatPlan, flatten

    return plan if isinstance(plan, FlatPlan) else flatten(plan)


def known_leads(plan: Any) -> list[str]:
    """Codes in the leads registry, then codes used by items but missing from it."""
    from sendplan.plan.flat import FlatPlan

    if isinstance(plan, FlatPlan):
        return plan.known_leads()
    codes = dict.fromkeys(plan.leads)
    for _, _, item in plan.iter_items():
        if item.lead and item.lead not in codes:
            codes[item.lead] = None
    return list(codes)


def group_by(item_rows: Iterable[ItemRow], key: Callable[[ItemRow], Any]) -> dict[Any, list[ItemRow]]:
    """The rows in one pass, by *key*, each group in plan order."""
    groups: dict[Any, list[ItemRow]] = {}
    for row in item_rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def lead_summaries(plan: Any, item_rows: Sequence[ItemRow], as_of: date) -> list[LeadRow]:
    """A row per lead (registry order, then unregistered codes), and one for items with no lead."""
    flat = as_flat(plan)
    by_lead = group_by(item_rows, lambda row: row.lead)
    result = []
    for code in flat.known_leads():
        name, title = flat.leads.get(code, (None, None))
        result.append(LeadRow(code, name, title, **_counts(by_lead.get(code, []), as_of)))
    unowned = by_lead.get(None)
    if unowned:
        result.append(LeadRow(None, None, None, **_counts(unowned, as_of)))
    return result


def task_summaries(plan: Any, item_rows: Sequence[ItemRow], as_of: date) -> list[TaskRow]:
    """A row per task, in plan order."""
    by_task = group_by(item_rows, lambda row: row.task)
    return [TaskRow(number, title, **_counts(by_task.get(number, []), as_of)) for number, title in as_flat(plan).tasks]
