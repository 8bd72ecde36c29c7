"""Plan health checks on dates: deadlines far before or after the plan's date (SP107, SP108),
and completion dates missing or in the future (SP112, SP113)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sendplan.errors import Problem
from sendplan.plan.checks.base import CheckContext, check, day_text, finding, month_year
from sendplan.plan.dates import add_months


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _deadlines(ctx: CheckContext) -> Iterator[tuple[Any, str, Any]]:
    """(item, field name, Deadline) for each dated baseline and revised deadline of a live item."""
    for _path, _task, _deliverable, item in ctx.items():
        if item.status.value == "dropped":
            continue
        for name in ("deadline", "revised_deadline"):
            deadline = getattr(item, name)
            if deadline is not None and deadline.due_date is not None:
                yield item, name, deadline


@check("SP107", "deadline-before-plan")
def deadline_before_plan(ctx: CheckContext) -> Iterator[Problem]:
    """A deadline is well before the plan's date. This usually means a wrong year.

    Deadlines up to `grace_months` (default 3) before the plan's month count as recent work the
    plan records, and are not reported.

    Fix: check the year. If the date is right, mark the item complete; to allow older
    deadlines set `checks: grace_months:`.
    """
    plan_date = ctx.plan.plan_date
    if plan_date is None:
        return
    grace = ctx.settings.grace_months
    cutoff = add_months(plan_date, -grace)
    for item, name, deadline in _deadlines(ctx):
        due = deadline.due_date
        if due < cutoff:
            months = _months_between(due, plan_date)
            what = "revised deadline" if name == "revised_deadline" else "deadline"
            yield finding(
                "SP107",
                f'item {item.id}\'s {what} "{deadline.text}" ({day_text(due)}) is {months} months before the '
                f"plan's date ({month_year(plan_date)}). Check the year; if it is right, mark the item complete.",
                ctx.loaded.where(item.id, name),
                item.id,
            )


@check("SP108", "deadline-beyond-horizon")
def deadline_beyond_horizon(ctx: CheckContext) -> Iterator[Problem]:
    """A deadline is implausibly far after the plan's date.

    Implausibly far means more than `horizon_years` (default 5) after the plan's month.

    Fix: check the year (2032 for 2023?). If the plan really runs that long, raise
    `checks: horizon_years:`.
    """
    plan_date = ctx.plan.plan_date
    if plan_date is None:
        return
    horizon = ctx.settings.horizon_years
    limit = add_months(plan_date, 12 * horizon)
    for item, name, deadline in _deadlines(ctx):
        due = deadline.due_date
        if due >= limit:
            what = "revised deadline" if name == "revised_deadline" else "deadline"
            yield finding(
                "SP108",
                f'item {item.id}\'s {what} "{deadline.text}" ({day_text(due)}) is more than {horizon} years after '
                f"the plan's date ({month_year(plan_date)}). Check the year; if the plan really runs that long, "
                "raise checks: horizon_years.",
                ctx.loaded.where(item.id, name),
                item.id,
            )


@check("SP112", "complete-without-date")
def complete_without_date(ctx: CheckContext) -> Iterator[Problem]:
    """A complete item has no completed date. Nobody can tell whether it was done on time.

    Fix: add `completed:` with the day it was done, such as `2022-03-31`.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.status.value == "complete" and item.completed is None:
            yield finding(
                "SP112",
                f'item {item.id} is complete but has no completed date. Add "completed:" with the day it was done, '
                'such as "2022-03-31".',
                ctx.loaded.where(item.id, "status"),
                item.id,
            )


@check("SP113", "completed-in-future")
def completed_in_future(ctx: CheckContext) -> Iterator[Problem]:
    """A completed date is in the future. It is after the day of the check (`--as-of`, default today).

    Fix: correct the date; an item can only be completed on a day that has passed.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.completed is not None and item.completed > ctx.as_of:
            yield finding(
                "SP113",
                f"item {item.id} was completed on {item.completed.isoformat()}, after the day of this check "
                f"({ctx.as_of.isoformat()}). Correct the date.",
                ctx.loaded.where(item.id, "completed"),
                item.id,
            )
