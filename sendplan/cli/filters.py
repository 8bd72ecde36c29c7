"""Filters by lead and task: the --lead option, and the codes and numbers asked for checked
against the plan, so a value it does not have is a usage error naming those it does have (never
an empty answer that looks like good news)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sendplan.cli.options import F, complete_lead_codes

if TYPE_CHECKING:
    from sendplan.plan.portfolio import Portfolio


def lead_filter_option(function: F) -> F:
    return click.option(
        "--lead", "leads", metavar="CODE", multiple=True, shell_complete=complete_lead_codes,
        help="Only this lead's items (repeatable).",
    )(function)  # fmt: skip


def _where(plans: Portfolio) -> str:
    return "any of the open plans" if plans.several else "this plan"


def lead_codes(plans: Portfolio, codes: tuple[str, ...], hint: str = "'--lead'") -> frozenset[str]:
    """The lead codes asked for, each one an open plan has (in its key or on an item); otherwise
    a usage error naming the codes they do have."""
    from sendplan.outputs.text import visible
    from sendplan.plan.codes import normalise_lead_code
    from sendplan.query import known_leads

    if not codes:  # nothing to check: the plans' codes are not even read
        return frozenset()
    known = list(dict.fromkeys(code for member in plans.members for code in known_leads(member.loaded.flat)))
    for code in codes:
        if normalise_lead_code(code) not in known:
            raise click.BadParameter(
                f'"{visible(code)}" is not a lead in {_where(plans)}. Known leads: {", ".join(known) or "none"}.',
                param_hint=hint,
            )
    return frozenset(normalise_lead_code(code) for code in codes)


def task_numbers(plans: Portfolio, numbers: tuple[int, ...]) -> frozenset[int]:
    """The task numbers asked for, each one an open plan has; otherwise a usage error naming them."""
    if not numbers:
        return frozenset()
    known = list(dict.fromkeys(number for member in plans.members for number, _title in member.loaded.flat.tasks))
    for number in numbers:
        if number not in known:
            raise click.BadParameter(
                f"there is no task {number} in {_where(plans)}. Tasks: {', '.join(map(str, known)) or 'none'}.",
                param_hint="'--task'",
            )
    return frozenset(numbers)
