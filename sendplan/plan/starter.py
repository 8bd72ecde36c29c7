"""The text of a new plan file: a commented starter, or a copy of the bundled example."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sendplan.plan.dates import add_months
from sendplan.plan.source import bundled_plan

STARTER = Path(__file__).resolve().parent.parent / "data" / "starter.yaml"


def starter_text(as_of: date) -> str:
    """A small plan that validates with no warnings: dated as_of's month, its one item due
    three months on, every field commented."""
    due = add_months(as_of, 3)
    return (
        STARTER.read_text(encoding="utf-8")
        .replace("PLAN_MONTH", as_of.strftime("%b %Y"))
        .replace("FIRST_DEADLINE", due.strftime("%b %Y"))
    )


def example_text() -> str:
    """The West Northamptonshire plan bundled with sendplan, byte for byte."""
    return bundled_plan().read_text(encoding="utf-8")
