"""`sendplan status`: the dashboard per task and per lead (sendplan.summary and its table)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from sendplan.outputs.columns import progress_bar
from sendplan.outputs.rows import Report
from sendplan.outputs.table import render_table
from sendplan.plan.load import parse_plan
from sendplan.query import rows
from sendplan.summary import StatusRow, percent, status_rows

PLAN = """\
plan:
  title: Dashboard plan
  date: Nov 2021
leads:
  AG:
    name: Anthony Giles
  CW:
    name: Chris Wickens
tasks:
  - number: 1
    title: First task
    deliverables:
      - title: D1
        items:
          - {id: "1.1", deadline: Jan 2022, lead: AG, status: complete, completed: 2022-01-10}
          - {id: "1.2", deadline: Feb 2022, lead: AG, status: on track}
          - {id: "1.3", deadline: Mar 2022, lead: CW}
          - {id: "1.4", deadline: Dec 2022, lead: CW, status: at risk}
  - number: 2
    title: Second task
    deliverables:
      - title: D2
        items:
          - {id: "2.1", deadline: Jan 2022, lead: AG, status: dropped}
          - {id: "2.2", deadline: Sep 2022, status: off track}
          - {id: "2.3", deadline: Sep 2022, lead: ZZ}
"""


def dashboard(as_of: date = date(2022, 3, 1), end: date = date(2022, 3, 31)) -> dict[tuple[str, str | None], StatusRow]:
    loaded = parse_plan(PLAN, "plan.yaml")
    lines = status_rows(loaded.plan, rows(loaded.plan, as_of), as_of, end)
    return {(line.group, line.key): line for line in lines}


def test_lines_come_in_task_lead_plan_order() -> None:
    """Tasks in plan order, leads in registry order then unregistered and no lead, then the total."""
    assert list(dashboard()) == [
        ("task", "1"),
        ("task", "2"),
        ("lead", "AG"),
        ("lead", "CW"),
        ("lead", "ZZ"),
        ("lead", None),
        ("plan", None),
    ]


def test_task_counts() -> None:
    """Task 1 as of 2022-03-01: counts by status and RAG, overdue, due soon and percent complete."""
    line = dashboard()[("task", "1")]
    assert (line.items, line.not_started, line.on_track, line.at_risk, line.off_track, line.complete, line.dropped) == (
        4, 1, 1, 1, 0, 1, 0,
    )
    # 1.1 blue; 1.2 overdue (Feb) → red; 1.3 not started, due in 30 days → amber; 1.4 at risk → amber.
    assert (line.blue, line.green, line.amber, line.red, line.no_rag) == (1, 0, 2, 1, 0)
    assert (line.overdue, line.due_soon, line.percent_complete) == (1, 1, 25)


def test_dropped_items_do_not_count_against_completion() -> None:
    """Percent complete is out of the items not dropped; a dropped item has no RAG."""
    line = dashboard()[("lead", "AG")]
    assert (line.items, line.complete, line.dropped, line.no_rag) == (3, 1, 1, 1)
    assert line.percent_complete == 50


def test_plan_total_and_unowned_items() -> None:
    """The plan line adds everything up; items with no lead get their own line."""
    lines = dashboard()
    total = lines[("plan", None)]
    assert (total.title, total.items, total.complete, total.overdue, total.percent_complete) == ("Dashboard plan", 7, 1, 1, 16)
    unowned = lines[("lead", None)]
    assert (unowned.items, unowned.off_track, unowned.red) == (1, 1, 1)
    assert lines[("lead", "ZZ")].title is None


def test_due_soon_follows_the_period() -> None:
    """A longer look-ahead counts more items due soon."""
    assert dashboard(end=date(2022, 9, 30))[("plan", None)].due_soon == 3


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [(0, 5, 0), (1, 3, 33), (2, 3, 66), (199, 200, 99), (5, 5, 100), (0, 0, None)],
)
def test_percent_rounds_down(done: int, total: int, expected: int | None) -> None:
    """Percent complete is whole and never reaches 100 before the last item is done."""
    assert percent(done, total) == expected


@pytest.mark.parametrize(
    ("value", "bar"),
    [(0, "░░░░░░   0%"), (50, "███░░░  50%"), (99, "█████░  99%"), (100, "██████ 100%"), (None, "—")],
)
def test_progress_bar(value: int | None, bar: str) -> None:
    """The bar fills in sixths and is full only at 100%."""
    assert progress_bar(value) == bar


def test_table_at_80_columns_ends_with_legend() -> None:
    """The dashboard table fits 80 columns and prints its key and the RAG legend underneath."""
    loaded = parse_plan(PLAN, "plan.yaml")
    lines = status_rows(loaded.plan, rows(loaded.plan, date(2022, 3, 1)), date(2022, 3, 1), date(2022, 3, 31))
    out = io.StringIO()
    report = Report("status", lines, "Status", notes=["key note", "RAG: legend"], section=lambda line: line.group)
    render_table(report, out, width=80)
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert " 1 First task " in text
    # A line per status in use, in the fixed order, under the task's name.
    lines = [line.rstrip() for line in text.splitlines()]
    first = next(n for n, line in enumerate(lines) if line.startswith(" 1 First task"))
    assert lines[first + 1 : first + 5] == ["   1 not started", "   1 on track", "   1 at risk", "   1 complete"]
    assert "█░░░░░  25%" in text
    assert text.rstrip().splitlines()[-2:] == ["key note", "RAG: legend"]


def test_status_json_gives_the_same_numbers(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """`status --json` is the list of dashboard lines, in the StatusRow field order."""
    write_plan(PLAN)
    result = run("status", "--json", "--as-of", "2022-03-01")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(line["group"], line["key"]) for line in data][:3] == [("task", "1"), ("task", "2"), ("lead", "AG")]
    assert list(data[0]) == list(StatusRow.__dataclass_fields__)
    assert data[0]["percent_complete"] == 25
    assert data[-1]["overdue"] == 1


def test_status_is_tsv_when_piped(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Piped output is tab-separated with a header row and no colour."""
    write_plan(PLAN)
    result = run("status", "--as-of", "2022-03-01")
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["group", "key", "title", "items"]
    assert lines[1].split("\t")[:4] == ["task", "1", "First task", "4"]
    assert "\x1b" not in result.stdout


def test_status_options_change_windows(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """--within widens "due soon"; --amber-days widens the amber warning."""
    write_plan(PLAN)
    base = json.loads(run("status", "--json", "--as-of", "2022-03-01").stdout)[-1]
    wide = json.loads(run("status", "--json", "--as-of", "2022-03-01", "--within", "7m", "--amber-days", "365").stdout)[-1]
    assert (base["due_soon"], wide["due_soon"]) == (1, 3)
    assert (base["amber"], wide["amber"]) == (2, 3)


def test_status_table_through_cli(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """The table from the command carries the RAG legend with the chosen window."""
    write_plan(PLAN)
    result = run("status", "--format", "table", "--as-of", "2022-03-01", "--amber-days", "45")
    text = " ".join(result.stdout.split())
    assert "Status as of 2022-03-01 · Dashboard plan" in text
    assert "B, G, A, R, Grey = items rated blue, green, amber, red, grey." in text
    assert "Soon = due by 2022-03-31." in text
    assert "not started and due within 45 days" in text
