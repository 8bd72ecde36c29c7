"""Plan health checks that need several plans at once (`sendplan validate FOLDER`): a lead code
that names two people (SP118). A single plan never has these findings; the finding itself is
made in sendplan/plan/portfolio.py, which sees every open plan. Registered here so that its code
is in the table of checks, --ignore and `checks: ignore:` know it, and the report can word it."""

from __future__ import annotations

from collections.abc import Iterator

from sendplan.errors import Problem
from sendplan.plan.checks.base import CheckContext, check


@check("SP118", "lead-name-differs")
def lead_name_differs(ctx: CheckContext) -> Iterator[Problem]:
    """A lead code has another name in another plan. With several plans open (a folder), the same code names two people, or one person two ways, so "what does AG own across our plans" mixes them up. Spacing and capitals do not count.

    Fix: use one name for the code in every plan, or give one of the people a code of their own.
    """
    return iter(())
