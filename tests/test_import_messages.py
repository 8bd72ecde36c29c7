"""Import says what a careful reader needs about a cell: why a mistyped date is not a date, and
that a formula's shown value was kept (tests/fixtures/office/formulas.xlsx, saved by LibreOffice)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from sendplan.plan.dates import date_fault
from sendplan.plan.read import load_plan

FORMULAS = Path(__file__).resolve().parent / "fixtures" / "office" / "formulas.xlsx"


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        pytest.param("31/13/2024", "there is no month 13", id="month 13"),
        pytest.param("31/11/2024", "November 2024 has 30 days", id="day past the month's end"),
        pytest.param("Smarch 2022", '"smarch" is not a month', id="a misspelt month"),
        pytest.param("Ongoing", None, id="words name no date: nothing mistyped"),
        pytest.param("TBC", None, id="a placeholder"),
        pytest.param("Mar 2022", None, id="a good deadline"),
    ],
)
def test_date_fault_says_why_text_written_as_a_date_is_none(text: str, fault: str | None) -> None:
    """A date written wrongly gets the loader's reason; words and good dates get none."""
    assert date_fault(text) == fault


def test_a_mistyped_date_is_a_warning_that_says_why(run: Callable[..., Result]) -> None:
    """31/13/2024 is kept in deadline_note, and the warning and validate both say there is no month 13."""
    result = run("import", str(FORMULAS), "-o", "plan.yaml")
    assert result.exit_code == 0, result.output
    assert (
        f"{FORMULAS}: warning: Tracker!D2: the deadline \"31/13/2024\" is not a date: there is no month 13; check the "
        "cell. It is kept as written (deadline_note) and the item cannot fall due until the date is corrected. (item 1.1)"
    ) in result.stderr.splitlines()
    assert load_plan("plan.yaml").plan.tasks[0].deliverables[0].items[0].deadline_note == "31/13/2024"
    checked = run("validate", "plan.yaml", "--as-of", "2024-12-01")
    assert (
        'item 1.1 has no deadline date: it is written "31/13/2024" (deadline_note), which is not a date: there is no '
        'month 13. Correct the date and write it as "deadline:". [SP102]'
    ) in checked.stderr


def test_each_formula_cell_is_a_warning_naming_it(run: Callable[..., Result]) -> None:
    """=SUM, =DATE and =HYPERLINK cells are each named, with the formula and the value kept."""
    result = run("import", str(FORMULAS), "-o", "plan.yaml")
    formula_lines = [line.split(": warning: ", 1)[1] for line in result.stderr.splitlines() if "the formula" in line]
    assert formula_lines == [
        'Tracker!B2: the cell holds the formula "=SUM(1,2)"; the value it showed, "3", was kept, not the formula. (item 1.1)',
        ('Tracker!D3: the cell holds the formula "=DATE(2025,3,31)"; the value it showed, "2025-03-31", was kept, not '
        "the formula. (item 1.2)"),
        ('Tracker!F3: the cell holds the formula "=HYPERLINK("http://example.invalid/","click")"; the value it showed, '
        '"click", was kept, not the formula. (item 1.2)'),
    ]
    items = load_plan("plan.yaml").plan.tasks[0].deliverables[0].items
    assert [(item.action, item.updates[0].text) for item in items] == [("3", "Started"), ("Train SENCOs", "click")]
