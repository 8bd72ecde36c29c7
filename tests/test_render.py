"""Renderers on fixed rows: exact table text at 80 columns, TSV, JSON and the sanitiser."""

from __future__ import annotations

import io
import json

from sendplan.errors import Location, Problem, Severity
from sendplan.outputs.delimited import render_tsv
from sendplan.outputs.json import render_json
from sendplan.outputs.problems import format_problem
from sendplan.outputs.rows import Report
from sendplan.outputs.table import render_table
from sendplan.outputs.text import clean
from sendplan.query import ItemRow


def row(**changes: object) -> ItemRow:
    values: dict[str, object] = {
        "id": "4.7", "task": 4, "task_title": "consult on a banding system", "deliverable": "Banding",
        "action": "Funding Band is agreed by SEN Panel", "success_criteria": ["Banding system fully implemented"],
        "lead": "BB", "lead_name": "Beth Bains", "deadline": "2023-04-30", "deadline_text": "APR 2023",
        "precision": "month", "status": "not_started", "overdue": True, "days_overdue": 31, "rag": "red",
        "completed": None, "revised_deadline": None, "slip_days": None, "last_update": None,
    }  # fmt: skip
    values.update(changes)
    return ItemRow(**values)  # type: ignore[arg-type]


def report(*rows: ItemRow) -> Report:
    return Report(kind="items", rows=list(rows), title="Overdue as of 2023-05-31")


def test_table_exact_at_80_columns() -> None:
    """The item table, as a reader sees it at 80 columns."""
    out = io.StringIO()
    render_table(report(row()), out, width=80)
    lines = out.getvalue().splitlines()
    assert lines == [
        "Overdue as of 2023-05-31",
        "",
        " ID    Due          Late   Lead   Status        RAG   Action / ✓ criteria",
        " ──────────────────────────────────────────────────────────────────────────────",
        " 4.7   2023-04-30    31d   BB     not started   red   Funding Band is agreed by",
        "                                                      SEN Panel",
        "                                                      ✓ Banding system fully",
        "                                                      implemented",
        "",
        "Late = time overdue: d days, mo months, y years.",
        "RAG: blue = complete; red = overdue or off track; amber = at risk, or not",
        "started and due within 30 days; green = on course; grey = no deadline or no",
        "lead, so not known to be on course; none = dropped. A rating set by hand in the",
        "plan overrides this.",
    ]
    assert all(len(line) <= 80 for line in out.getvalue().splitlines())
    # rich pads lines to the full width; saved or pasted, a table carries no trailing blanks.
    assert not any(line.endswith(" ") for line in lines)


def test_table_marks_recurring_and_revised() -> None:
    """A recurring deadline shows ↻ and a revised one says so; no deadline says so in words, or
    as the plan's deadline_note has it."""
    out = io.StringIO()
    render_table(
        report(
            row(precision="recurring", overdue=False, days_overdue=None),
            row(id="4.8", revised_deadline="2023-06-30", overdue=False, days_overdue=None),
            row(id="7.7", deadline=None, deadline_text=None, precision=None, overdue=False, days_overdue=None),
            row(id="7.8", deadline=None, deadline_text="Ongoing", precision=None, overdue=False, days_overdue=None),
        ),
        out,
        width=120,
    )
    text = out.getvalue()
    assert "2023-04-30 ↻" in text
    assert "2023-06-30 (rev.)" in text
    assert "no deadline" in text
    assert " 7.8   Ongoing " in text  # a deadline_note, as written


def test_tsv_one_line_per_item_with_lists_joined() -> None:
    """TSV: header, then each item on one line; tabs and newlines inside text become spaces."""
    out = io.StringIO()
    render_tsv(report(row(action="line one\nline\ttwo", success_criteria=["a", "b"])), out)
    header, line = out.getvalue().splitlines()
    cells = dict(zip(header.split("\t"), line.split("\t"), strict=True))
    assert cells["action"] == "line one line two"
    assert cells["success_criteria"] == "a | b"
    assert cells["overdue"] == "true"
    assert cells["completed"] == ""


def test_json_escapes_controls_and_keeps_text() -> None:
    """JSON keeps plan text exactly while no raw control character is written."""
    out = io.StringIO()
    render_json(report(row(action="a\x1b[31mb\x9bc")), out)
    assert "\x1b" not in out.getvalue() and "\x9b" not in out.getvalue()
    assert json.loads(out.getvalue())[0]["action"] == "a\x1b[31mb\x9bc"


def test_clean_removes_c0_and_c1_but_keeps_lines() -> None:
    """clean() drops ESC, BEL, NUL, DEL and C1, keeping newline, tab and ordinary Unicode."""
    assert clean("a\x1b[2Jb\x07c\x00d\x7fe\x85f\tg\nh £–") == "a[2Jbcdef\tg\nh £–"


def test_format_problem() -> None:
    """Problems print as FILE:LINE:COL: message, with the item and code where known."""
    problem = Problem("no lead", Location("plan.yaml", 41, 9), "4.5", "SP101", Severity.WARNING)
    assert format_problem(problem) == "plan.yaml:41:9: warning: no lead (item 4.5) [SP101]"
    assert format_problem(Problem("no such file.", Location("x.yaml"))) == "x.yaml: no such file."
