"""Plan health checks on ratings set by hand: a `rag:` the facts have overtaken (SP119).

A rating set by hand overrides the rule (docs/progress.md), so nothing else moves it: an
item finished since, or fallen overdue since, keeps the colour it was given. Pure: the
reference day arrives as `as_of`; nothing here prints or reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sendplan.errors import Problem, quoted
from sendplan.plan.checks.base import CheckContext, check, day_text, excerpt, finding
from sendplan.plan.dates import Precision, recurring_due_date


def due_on(item: Any, plan_date: date | None, as_of: date) -> date | None:
    """The day *item* falls due as of *as_of* (its revised deadline, else its deadline), as the
    listings work it out; None without a dated deadline."""
    deadline = item.revised_deadline or item.deadline
    if deadline is None:
        return None
    if deadline.precision is Precision.RECURRING:
        start = plan_date if plan_date is not None else as_of
        return recurring_due_date(deadline, plan_date=start, as_of=as_of, completed=item.completed)
    due: date | None = deadline.due_date
    return due


def _recurring(item: Any) -> bool:
    deadline = item.revised_deadline or item.deadline
    return deadline is not None and deadline.precision is Precision.RECURRING


@check("SP119", "rating-overtaken")
def rating_overtaken(ctx: CheckContext) -> Iterator[Problem]:
    """A RAG rating set by hand contradicts the facts. The item is complete but rated other than
    blue, or overdue but rated green, amber or blue. A rating set by hand overrides the rule until
    it is removed, so the listings and the board paper go on showing it after the work is done or
    the deadline has passed.

    Fix: remove the rating with `sendplan update ID --rag rule` (marking an item complete does
    this too), or set the rating that is true now with `--rag COLOUR --reason TEXT`.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.rag is None:
            continue
        rating = item.rag.value
        status = item.status.value
        why = f" ({quoted(excerpt(item.rag_reason or ''), 80)})" if item.rag_reason else ""
        # A yearly item marked done falls due again at its next occurrence: it is live.
        finished = status in ("complete", "dropped") and not (_recurring(item) and item.completed is not None)
        if status == "complete" and finished and rating != "blue":
            yield finding(
                "SP119",
                f"item {item.id} is complete but its RAG is set by hand to {rating}{why}, so reports show it "
                f"{rating}. Remove the rating: sendplan update {item.id} --rag rule.",
                ctx.loaded.where(item.id, "rag"),
                item.id,
            )
            continue
        if finished or rating == "red":
            continue
        due = due_on(item, ctx.plan.plan_date, ctx.as_of)
        if due is not None and ctx.as_of > due:
            days = (ctx.as_of - due).days
            yield finding(
                "SP119",
                f"item {item.id} is overdue (due {day_text(due)}, {days} {'day' if days == 1 else 'days'} ago) but its "
                f"RAG is set by hand to {rating}{why}, so reports show it {rating}, not red. Remove the rating "
                f"(sendplan update {item.id} --rag rule) or revise the deadline.",
                ctx.loaded.where(item.id, "rag"),
                item.id,
            )
