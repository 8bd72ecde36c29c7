"""Leads' email addresses: read by the model, checked by SP117 (bad-email) with a located warning."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import MINIMAL_PLAN

from sendplan.plan.checks.leads import email_problem
from sendplan.plan.checks.registry import run_checks
from sendplan.plan.load import parse_plan


def plan_with(email: str) -> str:
    return MINIMAL_PLAN.replace("    name: Anthony Giles\n", f"    name: Anthony Giles\n    email: {email}\n")


def findings(text: str) -> list[tuple[str, str, str]]:
    loaded = parse_plan(text, "p.yaml")
    return [
        (p.code or "", f"{p.location}", p.message)
        for p in run_checks(loaded, date(2021, 12, 1), ("SP115",)).shown
    ]


def test_an_address_is_read_and_passes() -> None:
    """A plain address loads onto the lead and raises no warning."""
    text = plan_with("anthony.giles@westnorthants.gov.uk")
    assert parse_plan(text, "p.yaml").plan.leads["AG"].email == "anthony.giles@westnorthants.gov.uk"
    assert findings(text) == []


def test_a_bad_address_is_a_located_warning() -> None:
    """An email that cannot be an address is SP117 at its line and column; the plan still loads."""
    assert findings(plan_with('"Anthony Giles <ag@wn.gov.uk>"')) == [
        (
            "SP117",
            "p.yaml:7:12",
            ("lead AG's email \"Anthony Giles <ag@wn.gov.uk>\" cannot be an email address: write the address alone, "
            'such as jo.bloggs@council.gov.uk (the name goes under "name:"). Until it is one, `sendplan request` '
            "writes no draft email to them."),
        )
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("anthony.giles@westnorthants.gov.uk", None),
        ("jo.o'neil@council.gov.uk", None),
        ("anthony giles", "an address has an @, such as jo.bloggs@council.gov.uk"),
        ("ag@wn.gov.uk, ck@wn.gov.uk", "an address has no spaces (one address per lead)"),
        ("ag@@wn.gov.uk", "an address has exactly one @"),
        ("ag@westnorthants", "the part after the @ should be a domain such as westnorthants.gov.uk"),
        ("ag.@wn.gov.uk", "the part before the @ is empty or has a stray dot"),
        ("mailto:ag@wn.gov.uk", 'leave out "mailto:"'),
    ],
)
def test_what_cannot_be_an_address(text: str, reason: str | None) -> None:
    """Each kind of mistake is named; any plausible address passes."""
    assert email_problem(text) == reason
