"""Questions asked of several plans at once: item rows that carry their plan, leads matched by
code across plans, tasks and the dashboard per plan, the update round, the timeline by plan.

With one plan open (a file, not a folder) nothing here changes what a command gives: the rows
are the plan's own, without a `plan` field, byte for byte as before. Pure: the day arrives as
`as_of`; plans arrive opened (sendplan/plan/portfolio.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter
from typing import Any

from sendplan.plan.portfolio import Member, Portfolio, ref
from sendplan.query import (
    AMBER_WINDOW_DAYS,
    ItemRow,
    LeadRow,
    TaskRow,
    known_leads,
    row_values,
    rows,
    task_summaries,
)
from sendplan.summary import ReturnLine, StatusRow, returns_since, status_line
from sendplan.timeline import Grid, grid, records


# JSON key order is field order: `plan` comes last, after the contract's existing keys, so a
# script that reads TSV columns by position reads the same ones from a folder of plans.
@dataclass(slots=True)
class PlanItemRow(ItemRow):
    """An item row with the short name of the plan it comes from."""

    plan: str = ""


@dataclass(frozen=True, slots=True)
class PlanTaskRow(TaskRow):
    """A row of `tasks` with its plan's short name."""

    plan: str = ""


@dataclass(frozen=True, slots=True)
class PlanReturnLine(ReturnLine):
    """A lead's line of the update round in one plan, with the plan's short name."""

    plan: str = ""


@dataclass(frozen=True, slots=True)
class PortfolioLeadRow(LeadRow):
    """One lead code across every open plan. *name* is the first plan's name for them; *names*
    gives each plan's (they may differ, which `validate` warns about); *plans* lists the plans
    where the code leads items or is in the key. *next_item* is PLAN:ID."""

    plans: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


# A row's field values in field order, to build its subclass that carries the plan.
_TASK_VALUES: Callable[[Any], tuple[Any, ...]] = attrgetter(*(f.name for f in fields(TaskRow)))
_RETURN_VALUES: Callable[[Any], tuple[Any, ...]] = attrgetter(*(f.name for f in fields(ReturnLine)))


def member_rows(
    portfolio: Portfolio, as_of: date, *, amber_window: int = AMBER_WINDOW_DAYS
) -> list[tuple[Member, list[ItemRow]]]:
    """Each open plan with its rows as of *as_of*; the rows carry the plan when several are open."""
    return [
        (member, rows_of_member(member, as_of, portfolio.several, amber_window=amber_window))
        for member in portfolio.members
    ]


def rows_of_member(member: Member, as_of: date, several: bool, *, amber_window: int = AMBER_WINDOW_DAYS) -> list[ItemRow]:
    """One open plan's rows as of *as_of*, carrying its name when *several* plans are open."""
    if not several:
        return rows(member.loaded.flat, as_of, amber_window=amber_window)
    name = member.name  # each row made with its plan at once: no second copy of every row
    return [PlanItemRow(*(*values, name)) for values in row_values(member.loaded.flat, as_of, amber_window=amber_window)]


def all_rows(per_member: Sequence[tuple[Member, list[ItemRow]]]) -> list[ItemRow]:
    """Every plan's rows, plan after plan."""
    return [row for _, found in per_member for row in found]


def plan_of(row: ItemRow) -> str | None:
    """The short name a row carries, or None for a row of the only plan open."""
    return row.plan if isinstance(row, PlanItemRow) else None


def item_ref(row: ItemRow) -> str:
    """How a row's item is named to a reader: PLAN:ID when it carries its plan, else its id."""
    return ref(row.plan, row.id) if isinstance(row, PlanItemRow) else row.id


# ---------------------------------------------------------------------------------------
# Leads across plans


def lead_codes(portfolio: Portfolio) -> list[str]:
    """Every lead code of every plan: each plan's key, then codes its items use, in plan order."""
    return list(dict.fromkeys(code for member in portfolio.members for code in known_leads(member.loaded.plan)))


def lead_names(portfolio: Portfolio, code: str) -> dict[str, str]:
    """Each plan's name for the lead *code*, by plan, for the plans whose key has it."""
    return {
        member.name: member.loaded.plan.leads[code].name
        for member in portfolio.members
        if code in member.loaded.plan.leads
    }


def names_text(names: dict[str, str]) -> str | None:
    """ "Anthony Giles", or "Anthony Giles (recovery) / A. Giles (dsg)" when the plans differ."""
    distinct = list(dict.fromkeys(names.values()))
    if not distinct:
        return None
    if len(distinct) == 1:
        return distinct[0]
    return " / ".join(f"{name} ({', '.join(p for p, n in names.items() if n == name)})" for name in distinct)


def _next_due(group: Sequence[ItemRow], as_of: date) -> tuple[str | None, str | None]:
    upcoming = [row for row in group if not row.finished and row.due_date is not None and row.due_date >= as_of]
    first = min(upcoming, key=lambda row: row.due_date or as_of, default=None)
    if first is None or first.due_date is None:
        return None, None
    return first.due_date.isoformat(), item_ref(first)


def _by_lead(item_rows: Sequence[ItemRow]) -> dict[str | None, list[ItemRow]]:
    groups: dict[str | None, list[ItemRow]] = {}
    for row in item_rows:
        groups.setdefault(row.lead, []).append(row)
    return groups


def lead_summaries_across(portfolio: Portfolio, item_rows: Sequence[ItemRow], as_of: date) -> list[PortfolioLeadRow]:
    """A row per lead code across the plans (first plan's order, then codes new in later ones),
    and one for the items with no lead."""
    groups = _by_lead(item_rows)
    result = []
    for code in [*lead_codes(portfolio), None]:
        group = groups.get(code, [])
        if code is None and not group:
            continue
        names = lead_names(portfolio, code) if code else {}
        first = next(
            (member.loaded.plan.leads[code] for member in portfolio.members if code and code in member.loaded.plan.leads),
            None,
        )
        plans = dict.fromkeys([*names, *(plan_of(row) or "" for row in group)])
        deadline, item = _next_due(group, as_of)
        result.append(
            PortfolioLeadRow(
                lead=code,
                name=first.name if first else None,
                title=first.title if first else None,
                items=len(group),
                finished=sum(row.finished for row in group),
                overdue=sum(row.overdue for row in group),
                next_deadline=deadline,
                next_item=item,
                plans=[plan for plan in portfolio.names if plan in plans],
                names=names,
            )
        )
    return result


# ---------------------------------------------------------------------------------------
# Tasks, the dashboard and the update round, plan by plan


def task_summaries_across(per_member: Sequence[tuple[Member, list[ItemRow]]], as_of: date) -> list[PlanTaskRow]:
    """Each plan's task rows, plan after plan, each with its plan's short name."""
    return [
        PlanTaskRow(*(*_TASK_VALUES(row), member.name))
        for member, found in per_member
        for row in task_summaries(member.loaded.plan, found, as_of)
    ]


PORTFOLIO_GROUP = "portfolio"


def status_across(per_member: Sequence[tuple[Member, list[ItemRow]]], portfolio: Portfolio, as_of: date, end: date) -> list[StatusRow]:
    """The dashboard across plans: a line per plan (group "plan", key its short name), a line per
    lead code across the plans (group "lead"), then one for everything (group "portfolio")."""
    lines = [
        status_line("plan", member.name, member.loaded.plan.plan.title, found, as_of, end) for member, found in per_member
    ]
    everything = all_rows(per_member)
    groups = _by_lead(everything)
    for code in lead_codes(portfolio):
        lines.append(status_line("lead", code, names_text(lead_names(portfolio, code)), groups.get(code, []), as_of, end))
    if groups.get(None):
        lines.append(status_line("lead", None, None, groups[None], as_of, end))
    count = len(portfolio.members)
    lines.append(status_line(PORTFOLIO_GROUP, None, f"{count} plan{'s' if count != 1 else ''}", everything, as_of, end))
    return lines


def returns_across(
    per_member: Sequence[tuple[Member, list[ItemRow]]], since: date, as_of: date
) -> list[PlanReturnLine]:
    """The update round plan by plan: each plan's leads with open items, with the plan's name
    (a return answers for one plan: `sendplan request` and `collect` work a plan at a time)."""
    return [
        PlanReturnLine(*(*_RETURN_VALUES(line), member.name))
        for member, found in per_member
        for line in returns_since(member.loaded.plan, found, since, as_of)
    ]


# ---------------------------------------------------------------------------------------
# The timeline: a row per plan


def plan_grid(per_member: Sequence[tuple[Member, list[ItemRow]]], chosen: Sequence[ItemRow], as_of: date) -> Grid:
    """Deadlines by month with a row per plan (its short name), for the plans with rows in *chosen*."""
    index = {member.name: number for number, (member, _) in enumerate(per_member, start=1)}
    present = {plan_of(row) for row in chosen}
    lanes = [(index[member.name], member.name) for member, _ in per_member if member.name in present]
    return grid(lanes, chosen, as_of, key=lambda row: index[plan_of(row) or ""], heading="Plan", numbered=False)


def plan_records(the_grid: Grid) -> list[dict[str, object]]:
    """The non-empty cells as JSON records, each naming its plan (not a task number)."""
    return records(the_grid, lane="plan")
