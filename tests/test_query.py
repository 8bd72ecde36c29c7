"""Queries on small plans built in code: rows, filters, ordering, RAG and summaries."""

from __future__ import annotations

from datetime import date

from sendplan.plan.load import parse_plan
from sendplan.query import (
    ItemFilter,
    due_within,
    lead_summaries,
    matching,
    overdue,
    rows,
    select,
    task_summaries,
)

PLAN = """\
plan: {title: Q, date: 2021-11-01}
leads: {AG: {name: Anthony Giles}, ZZ: {name: Nobody}}
tasks:
  - number: 1
    title: One
    deliverables:
      - title: D
        items:
          - {id: "1.1", deadline: Jan 2022, lead: AG}
          - {id: "1.2", deadline: 10 Jan 2022, lead: AG, status: done, completed: 2022-01-05}
          - {id: "1.3", deadline: Feb 2022, status: at risk}
          - {id: "1.4", deadline: Dec 2021, revised_deadline: Mar 2022, revision_reason: Waiting for the DfE}
          - {id: "1.5", lead: BB}
  - number: 2
    title: Two
    deliverables:
      - title: E
        items:
          - {id: "2.1", deadline: every January, lead: AG}
          - {id: "2.2", deadline: Nov 2021, status: cancelled}
"""


def plan_rows(as_of: date):
    loaded = parse_plan(PLAN, "q.yaml")
    return loaded, rows(loaded.plan, as_of)


def by_id(item_rows):
    return {row.id: row for row in item_rows}


def test_overdue_ignores_finished_and_uses_revised_deadline() -> None:
    """Done and dropped items are never overdue; a revised deadline moves the due date, slip shows."""
    _, item_rows = plan_rows(date(2022, 2, 15))
    rows_by_id = by_id(item_rows)
    assert [row.id for row in overdue(item_rows)] == ["1.1", "2.1"]
    assert rows_by_id["1.4"].overdue is False
    assert rows_by_id["1.4"].slip_days == 90
    assert rows_by_id["1.4"].revised_deadline == "2022-03-31"
    assert rows_by_id["1.2"].overdue is False and rows_by_id["2.2"].overdue is False


def test_overdue_sorted_most_overdue_first() -> None:
    """The longest-overdue item comes first; ties keep plan order."""
    _, item_rows = plan_rows(date(2022, 4, 2))
    assert [(row.id, row.days_overdue) for row in overdue(item_rows)] == [
        ("1.1", 61), ("2.1", 61), ("1.3", 33), ("1.4", 2),
    ]  # fmt: skip


def test_derived_rag() -> None:
    """complete → blue, dropped → none, overdue → red, at risk or not started near due → amber;
    no lead (1.4) or no deadline (1.5) → grey, never green, with the reason."""
    _, item_rows = plan_rows(date(2022, 1, 10))
    rag = {row.id: row.rag for row in item_rows}
    assert rag == {"1.1": "amber", "1.2": "blue", "1.3": "amber", "1.4": "grey", "1.5": "grey", "2.1": "amber", "2.2": None}
    reasons = {row.id: row.rag_reason for row in item_rows}
    assert reasons == {
        "1.1": "not started, due within 30 days", "1.2": "complete", "1.3": "at risk", "1.4": "no lead",
        "1.5": "no deadline", "2.1": "not started, due within 30 days", "2.2": "dropped",
    }  # fmt: skip


def test_filter_by_lead_dates_and_status() -> None:
    """ItemFilter combines its conditions; items with no deadline fail any date bound."""
    _, item_rows = plan_rows(date(2022, 1, 1))
    flt = ItemFilter(leads=frozenset({"AG"}), due_before=date(2022, 1, 31))
    assert [row.id for row in select(item_rows, flt)] == ["1.1", "1.2", "2.1"]
    flt = ItemFilter(due_after=date(2022, 2, 1))
    assert [row.id for row in select(item_rows, flt)] == ["1.3", "1.4"]
    assert [row.id for row in select(item_rows, ItemFilter(statuses=frozenset({"at_risk"})))] == ["1.3"]


def test_due_within_excludes_finished_and_past() -> None:
    """due_within lists unfinished items falling due in the window, soonest first."""
    _, item_rows = plan_rows(date(2022, 1, 6))
    assert [row.id for row in due_within(item_rows, date(2022, 1, 6), date(2022, 2, 28))] == ["1.1", "2.1", "1.3"]


def test_lead_and_task_summaries() -> None:
    """Registry leads first (even with no items), then unknown codes, then the unowned items."""
    loaded, item_rows = plan_rows(date(2022, 1, 6))
    leads = [(row.lead, row.name, row.items, row.finished, row.next_item) for row in lead_summaries(loaded.plan, item_rows, date(2022, 1, 6))]
    assert leads == [
        ("AG", "Anthony Giles", 3, 1, "1.1"),
        ("ZZ", "Nobody", 0, 0, None),
        ("BB", None, 1, 0, None),
        (None, None, 3, 1, "1.3"),
    ]
    tasks = [(row.task, row.items, row.finished, row.overdue) for row in task_summaries(loaded.plan, item_rows, date(2022, 1, 6))]
    assert tasks == [(1, 5, 1, 0), (2, 2, 1, 0)]


COMPLETED_LATER = (
    "plan:\n  title: Test plan\n  date: Nov 2021\nleads:\n  AG:\n    name: Anthony Giles\ntasks:\n"
    "  - number: 1\n    title: First task\n    deliverables:\n      - title: A deliverable\n        items:\n"
    '          - id: "1.1"\n            action: Do the thing\n            success_criteria:\n'
    "              - The thing is done\n            deadline: Jan 2022\n            lead: AG\n"
    "            status: complete\n            completed: 2022-03-20\n"
)


def test_an_item_completed_after_the_day_asked_about_was_in_progress_then() -> None:
    """Due 31 Jan 2022, completed 20 Mar 2022: as of 1 Mar it was 29 days overdue and red, not
    complete; as of the day it was completed, and after, it is complete and blue."""
    plan = parse_plan(COMPLETED_LATER, "p.yaml").plan
    [before] = rows(plan, date(2022, 3, 1))
    assert (before.status, before.overdue, before.days_overdue, before.rag, before.completed) == ("on_track", True, 29, "red", None)
    assert [row.id for row in overdue(rows(plan, date(2022, 3, 1)))] == ["1.1"]
    [then] = rows(plan, date(2022, 3, 20))
    assert (then.status, then.overdue, then.rag, then.completed) == ("complete", False, "blue", "2022-03-20")
    [earlier] = rows(plan, date(2021, 12, 1))
    assert (earlier.status, earlier.overdue, earlier.rag) == ("on_track", False, "green")


def test_no_filter_keeps_every_row_in_order() -> None:
    """ItemFilter() keeps everything, one row at a time or all at once, in plan order."""
    plan = parse_plan(COMPLETED_LATER.replace('id: "1.1"', 'id: "1.2"'), "p.yaml").plan
    all_rows = rows(plan, date(2022, 3, 1))
    assert select(all_rows, ItemFilter()) == all_rows
    assert list(matching(iter(all_rows), ItemFilter())) == all_rows
    assert list(matching(iter(all_rows), ItemFilter(leads=frozenset({"CW"})))) == []
