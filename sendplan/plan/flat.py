"""The plan as one flat table: a tuple of plain values per item, in plan order, with what does
not depend on the day already worked out. The listings read this, not the models.

Everything here is plain data (text, numbers, None, tuples and lists), so the cache keeps it
beside the snapshot and `sendplan overdue --json` on an unchanged plan reads this table and
nothing else. Days are kept as ordinals (date.toordinal()) and as ISO text, so a row as of a
day needs no date arithmetic but a subtraction. Nothing here reads the clock: rows as of a day
are query.py's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# The fields of an item's tuple, in order.
(
    ID, TASK, TASK_TITLE, DELIVERABLE, ACTION, CRITERIA, LEAD, LEAD_NAME, DEADLINE_TEXT, PRECISION, STATUS,
    RAG, COMPLETED, LAST_UPDATE,
    BASE_DAY, BASE_ISO, REVISED_DAY, REVISED_ISO, BASE_YEARLY, REVISED_YEARLY, COMPLETED_DAY, FINISHED, RECURRING,
    RAG_REASON,
) = range(24)  # fmt: skip
# Bump when the layout above changes (the cache keys snapshots by it).
LAYOUT = 5
# Tasks whose rows make one part of the table as the cache keeps it (parts()).
TASKS_A_PART = 32


@dataclass(slots=True)
class FlatPlan:
    """The plan's details and its items as rows of plain values (see the field numbers above).

    *leads* is the leads key in its order: code → (name, title); *tasks* is (number, title)
    per task; *plan_day* is the ordinal of Plan.plan_date (recurring deadlines start there);
    *shape* is, per task, the number of items of each deliverable (where a row comes from);
    *organisation* and *date_text* are the plan's own, as written.
    """

    title: str
    plan_day: int | None
    leads: dict[str, tuple[str, str | None]]
    tasks: list[tuple[int, str]]
    items: list[tuple[Any, ...]]
    shape: list[list[int]]
    organisation: str | None = None
    date_text: str | None = None

    def parts(self) -> Iterator[Any]:
        """The table as core types only, for marshal, in parts: its details, then the rows of
        each TASKS_A_PART tasks in turn (the cache keeps each part as a chunk, so an edit
        rewrites only its tasks' part; one part a task would cost a listing a third more)."""
        yield (LAYOUT, self.title, self.plan_day, self.leads, self.tasks, self.shape, self.organisation, self.date_text)
        at = 0
        for first in range(0, len(self.shape), TASKS_A_PART):
            size = sum(sum(counts) for counts in self.shape[first : first + TASKS_A_PART])
            yield self.items[at : at + size]
            at += size

    @classmethod
    def outline(cls, head: tuple[Any, ...]) -> FlatPlan:
        """The table's details from the first of parts(), without its rows (*items* is empty)."""
        layout, title, plan_day, leads, tasks, shape, organisation, date_text = head
        if layout != LAYOUT:
            raise ValueError("a flat table of another layout")
        return cls(title, plan_day, leads, tasks, [], shape, organisation, date_text)

    @classmethod
    def from_parts(cls, head: tuple[Any, ...], rows: Iterable[list[tuple[Any, ...]]]) -> FlatPlan:
        """The table from parts() (the details, then the rows of each TASKS_A_PART tasks)."""
        table = cls.outline(head)
        firsts = range(0, len(table.shape), TASKS_A_PART)
        for first, part in zip(firsts, rows, strict=True):  # as many parts as groups of tasks, or ValueError
            if len(part) != sum(sum(counts) for counts in table.shape[first : first + TASKS_A_PART]):
                raise ValueError("a flat table whose rows do not fit its shape")
            table.items += part
        return table

    def place_of(self, number: int) -> tuple[int, int, int]:
        """(task, deliverable, item) indexes of row *number*: row_number() the other way."""
        return place_in(self.shape, number)

    def row_number(self, task: int, deliverable: int, item: int) -> int:
        """The row of item *item* of deliverable *deliverable* of task *task* (indexes from 0)."""
        before = first_row(self.shape, task) + sum(self.shape[task][:deliverable])
        if not 0 <= item < self.shape[task][deliverable]:
            raise IndexError("no such item")
        return before + item

    def known_leads(self) -> list[str]:
        """Codes in the leads key, then codes used by items but missing from it (query.known_leads)."""
        codes = dict.fromkeys(self.leads)
        for row in self.items:
            if row[LEAD] is not None and row[LEAD] not in codes:
                codes[row[LEAD]] = None
        return list(codes)


def place_in(shape: list[list[int]], number: int) -> tuple[int, int, int]:
    """(task, deliverable, item) indexes of row *number* of a table of this *shape*."""
    left = number
    for t, counts in enumerate(shape):
        total = sum(counts)
        if left >= total:
            left -= total
            continue
        for d, count in enumerate(counts):
            if left < count:
                return t, d, left
            left -= count
    raise IndexError("no such row")


def first_row(shape: list[list[int]], task: int) -> int:
    """The row number of the first item of task *task* (index from 0) of a table of this *shape*."""
    return sum(sum(counts) for counts in shape[:task])


def _deadline(deadline: Any) -> tuple[int | None, str | None, int | None]:
    """(ordinal, ISO day, yearly month) of a Deadline: a fixed day, or a month every year."""
    if deadline is None:
        return None, None, None
    due = deadline.due_date
    if due is None:
        return None, None, deadline.month
    return due.toordinal(), due.isoformat(), None


def item_row(task: Any, deliverable: Any, item: Any, leads: dict[str, Any]) -> tuple[Any, ...]:
    """One item's tuple. *item* is a model or a cached record: only attributes are read."""
    deadline, revised = item.deadline, item.revised_deadline
    base_day, base_iso, base_yearly = _deadline(deadline)
    revised_day, revised_iso, revised_yearly = _deadline(revised)
    status = item.status
    completed = item.completed
    lead = leads.get(item.lead) if item.lead else None
    latest = item.updates[-1] if item.updates else None
    return (
        item.id,
        task.number,
        task.title,
        deliverable.title,
        item.action,
        item.success_criteria,
        item.lead,
        lead.name if lead else None,
        deadline.text if deadline else item.deadline_note,
        deadline.precision.value if deadline else None,
        status.value,
        item.rag.value if item.rag else None,
        completed.isoformat() if completed else None,
        (latest.date.isoformat(), latest.by, latest.text) if latest else None,
        base_day,
        base_iso,
        revised_day,
        revised_iso,
        base_yearly,
        revised_yearly,
        completed.toordinal() if completed else None,
        bool(status.finished),
        deadline is not None and deadline.recurs,
        item.rag_reason if item.rag else None,
    )


def flatten(plan: Any) -> FlatPlan:
    """The flat table of a Plan (a model or its cached records)."""
    leads = plan.leads
    plan_date = plan.plan_date
    items = [item_row(task, deliverable, item, leads) for task, deliverable, item in plan.iter_items()]
    return FlatPlan(
        plan.plan.title,
        plan_date.toordinal() if plan_date else None,
        {code: (lead.name, lead.title) for code, lead in leads.items()},
        [(task.number, task.title) for task in plan.tasks],
        items,
        [[len(deliverable.items) for deliverable in task.deliverables] for task in plan.tasks],
        plan.plan.organisation,
        plan.plan.date.text if plan.plan.date else None,
    )
