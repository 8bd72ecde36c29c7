"""Plan health checks for gaps in what an item says: no lead, deadline, criterion or action
(SP101–SP104), and nothing to track at all (SP116)."""

from __future__ import annotations

from collections.abc import Iterator

from sendplan.errors import Problem, quoted
from sendplan.plan.checks.base import CheckContext, check, excerpt, finding, is_active
from sendplan.plan.dates import date_fault


@check("SP101", "no-lead")
def no_lead(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no lead. Nobody is accountable for it.

    Fix: add `lead: CODE` with a code from the plan's `leads:` key.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.lead is None and is_active(item):
            yield finding(
                "SP101",
                f'item {item.id} has no lead, so nobody is accountable for it. Add "lead:" with a code from the plan\'s leads.',
                ctx.loaded.where(item.id),
                item.id,
            )


@check("SP102", "no-deadline")
def no_deadline(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no deadline. It can never show as due or overdue.

    A deadline that names no date ("Ongoing", "TBC"), kept as written in `deadline_note`, is
    still no deadline, and the warning quotes it.

    Fix: add `deadline:` with a month such as `Mar 2022`, or a day.
    """
    for _path, _task, _deliverable, item in ctx.items():
        fault = date_fault(item.deadline_note) if item.deadline is None and item.deadline_note else None
        if fault is not None and is_active(item):
            yield finding(
                "SP102",
                f"item {item.id} has no deadline date: it is written {quoted(item.deadline_note)} (deadline_note), "
                f'which is not a date: {fault}. Correct the date and write it as "deadline:".',
                ctx.loaded.where(item.id, "deadline_note"),
                item.id,
            )
        elif item.deadline is None and item.deadline_note and is_active(item):
            yield finding(
                "SP102",
                f"item {item.id} has no deadline date: it is written {quoted(item.deadline_note)} (deadline_note), "
                'so it can never show as due or overdue. When a date is agreed, add "deadline:" with a month '
                'such as "Mar 2022".',
                ctx.loaded.where(item.id, "deadline_note"),
                item.id,
            )
        elif item.deadline is None and is_active(item):
            yield finding(
                "SP102",
                f'item {item.id} has no deadline, so it can never show as due or overdue. Add "deadline:" '
                'with a month such as "Mar 2022".',
                ctx.loaded.where(item.id),
                item.id,
            )


@check("SP103", "no-success-criterion")
def no_success_criterion(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no success criterion. Nobody can say when it is achieved.

    An empty bullet is reported as a placeholder (SP109) instead.

    Fix: add `success_criteria:` with at least one measurable outcome.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if not item.success_criteria and is_active(item):
            yield finding(
                "SP103",
                f'item {item.id} has no success criterion, so nobody can say when it is achieved. '
                'Add "success_criteria:" with a measurable outcome.',
                ctx.loaded.where(item.id),
                item.id,
            )


@check("SP104", "no-action")
def no_action(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no action. It says what should be achieved but not what will be done.

    Fix: add `action:` saying what will be done, or merge the item into the one it belongs to.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.action is None and is_active(item):
            yield finding(
                "SP104",
                f'item {item.id} has no action: it says what should be achieved but not what will be done. '
                'Add "action:".',
                ctx.loaded.where(item.id),
                item.id,
            )


@check("SP116", "nothing-tracked")
def nothing_tracked(ctx: CheckContext) -> Iterator[Problem]:
    """A plan, task or deliverable holds no items. Nothing in it can fall due, be overdue or be done.

    A plan with only its title is valid YAML, and a half-written task is easy to miss among
    many; either way every question sendplan answers about it comes back empty.

    Fix: add the items (each with an id, action, success criteria, deadline and lead), or delete the empty task or deliverable.
    """
    tasks = ctx.loaded.plan.tasks
    if not tasks:
        yield finding(
            "SP116",
            'the plan has no tasks, so nothing in it can fall due. Add "tasks:" with deliverables and items.',
            ctx.loaded.locate(("tasks",), key=True),
            None,
            "the plan",
        )
    for t, task in enumerate(tasks):
        if not task.deliverables:
            yield finding(
                "SP116",
                f'task {task.number} has no deliverables, so nothing in it can fall due. Add "deliverables:" with items, '
                "or delete the task.",
                ctx.loaded.locate(("tasks", t)),
                None,
                f"task {task.number}",
            )
        for d, deliverable in enumerate(task.deliverables):
            if not deliverable.items:
                yield finding(
                    "SP116",
                    f'a deliverable of task {task.number} ("{excerpt(deliverable.title)}") has no items. Add "items:", '
                    "or delete the deliverable.",
                    ctx.loaded.locate(("tasks", t, "deliverables", d)),
                    None,
                    f"a deliverable of task {task.number}",
                )
