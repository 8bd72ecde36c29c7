"""Progress fields in the core: status and its aliases, RAG (derived and by hand), revised
deadlines, dated updates, evidence and dependencies, and how rows and `overdue` honour them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sendplan.errors import PlanError
from sendplan.plan.load import parse_plan
from sendplan.plan.model import STATUS_ALIASES, Status, parse_status
from sendplan.query import AMBER_WINDOW_DAYS, RAG_LEGEND, derive_rag, due_within, overdue, rows

HEADER = """\
plan:
  title: Progress plan
  date: Nov 2021
leads:
  AG:
    name: Anthony Giles
tasks:
  - number: 1
    title: First task
    deliverables:
      - title: A deliverable
        items:
"""


def plan_with(items: str) -> str:
    """A small plan whose items are the given YAML (indented under `items:`)."""
    lines = items.strip("\n").splitlines()
    return HEADER + "".join(f"          {line}\n" for line in lines)


def load_rows(items: str, as_of: date, **kwargs: int) -> dict[str, object]:
    loaded = parse_plan(plan_with(items), "plan.yaml")
    return {row.id: row for row in rows(loaded.plan, as_of, **kwargs)}


def problems(items: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(plan_with(items), "plan.yaml")
    return [f"{problem.location}: {problem.message}" for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("written", "status"),
    [
        pytest.param("not_started", Status.NOT_STARTED, id="canonical not started"),
        pytest.param("Not started", Status.NOT_STARTED, id="words with capitals"),
        pytest.param("in progress", Status.ON_TRACK, id="in progress is on track"),
        pytest.param("on-track", Status.ON_TRACK, id="hyphenated"),
        pytest.param("pending", Status.AT_RISK, id="pending is at risk"),
        pytest.param("blocked", Status.AT_RISK, id="blocked is at risk"),
        pytest.param("behind schedule", Status.OFF_TRACK, id="behind schedule is off track"),
        pytest.param("slipped", Status.OFF_TRACK, id="slipped is off track"),
        pytest.param("done", Status.COMPLETE, id="done is complete"),
        pytest.param("Completed", Status.COMPLETE, id="completed is complete"),
        pytest.param("achieved", Status.COMPLETE, id="achieved is complete"),
        pytest.param("cancelled", Status.DROPPED, id="cancelled is dropped"),
        pytest.param("withdrawn", Status.DROPPED, id="withdrawn is dropped"),
        pytest.param("  OFF   TRACK ", Status.OFF_TRACK, id="extra spaces"),
    ],
)
def test_status_aliases(written: str, status: Status) -> None:
    """The spellings people use for a status read as the six statuses."""
    assert parse_status(written) is status


def test_every_alias_maps_to_a_status() -> None:
    """Each alias in the table is reachable through parse_status and lands on a Status."""
    for alias, status in STATUS_ALIASES.items():
        assert parse_status(alias.replace("_", " ")) is status


def test_unknown_status_is_a_located_error() -> None:
    """A status nobody uses is an error at its line, listing the allowed values."""
    messages = problems('- id: "1.1"\n  status: sort of')
    assert len(messages) == 1
    assert messages[0].startswith("plan.yaml:14:")
    assert '"sort of" is not a status' in messages[0]
    assert "not_started, on_track, at_risk, off_track, complete, dropped" in messages[0]


def test_status_defaults_to_not_started() -> None:
    """An item with no status is not started."""
    row = load_rows('- id: "1.1"\n  deadline: Mar 2022', date(2022, 1, 1))["1.1"]
    assert row.status == "not_started"


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        pytest.param(
            '- id: "1.1"\n  rag: red',
            'item 1.1 sets rag: red by hand, so it needs a "rag_reason" saying why.',
            id="rag needs a reason",
        ),
        pytest.param(
            '- id: "1.1"\n  deadline: Mar 2022\n  revised_deadline: Jun 2022',
            'item 1.1 has a revised_deadline, so it needs a "revision_reason" saying why.',
            id="revised deadline needs a reason",
        ),
        pytest.param('- id: "1.1"\n  rag: purple\n  rag_reason: x', '"purple" is not a RAG rating', id="unknown colour"),
        pytest.param('- id: "1.1"\n  completed: Smarch 2022', '"smarch" is not a month', id="bad completion date"),
        pytest.param(
            '- id: "1.1"\n  updates:\n    - date: 2022-01-05\n      by: AG',
            '"text" is missing in item 1.1',
            id="update without text",
        ),
        pytest.param(
            '- id: "1.1"\n  updates:\n    - date: 2022-01-05\n      text: x\n      when: now',
            'unknown key "when" in item 1.1',
            id="unknown key in update",
        ),
    ],
)
def test_progress_field_errors(items: str, fragment: str) -> None:
    """Each broken progress field is a load error saying what to write."""
    messages = problems(items)
    assert any(fragment in message for message in messages), messages


def test_unknown_dependency_suggests_ids() -> None:
    """depends_on naming no item is an error at the list entry, with close ids suggested (never
    the item's own id: depending on itself would be a circle)."""
    messages = problems('- id: "1.1"\n- id: "1.2"\n  depends_on: ["1.3"]')
    assert messages == [
        'plan.yaml:15:26: item 1.2 depends on "1.3", which is not an item in this plan. Did you mean 1.1?'
    ]


@pytest.mark.parametrize(
    ("items", "chain"),
    [
        pytest.param('- id: "a"\n  depends_on: a', "a → a", id="item depends on itself"),
        pytest.param('- id: "a"\n  depends_on: [b]\n- id: "b"\n  depends_on: [a]', "a → b → a", id="two items"),
        pytest.param(
            '- id: "a"\n  depends_on: [b]\n- id: "b"\n  depends_on: [c]\n- id: "c"\n  depends_on: [a]',
            "a → b → c → a",
            id="three items",
        ),
    ],
)
def test_dependency_cycles_are_errors(items: str, chain: str) -> None:
    """Items that depend on each other in a circle are reported once, naming the circle."""
    messages = problems(items)
    assert len(messages) == 1
    assert f"items depend on each other in a circle ({chain})" in messages[0]


def test_dependencies_without_cycle_load() -> None:
    """A chain of dependencies that ends is fine, and evidence is kept as a list."""
    loaded = parse_plan(
        plan_with('- id: "a"\n  evidence: minutes of 5 Jan\n- id: "b"\n  depends_on: [a]\n- id: "c"\n  depends_on: [a, b]'),
        "plan.yaml",
    )
    items = {item.id: item for _, _, item in loaded.plan.iter_items()}
    assert items["c"].depends_on == ["a", "b"]
    assert items["a"].evidence == ["minutes of 5 Jan"]


@pytest.mark.parametrize(
    ("status", "overdue_flag", "due", "rag"),
    [
        pytest.param("complete", True, date(2022, 1, 1), "blue", id="complete is blue even if late"),
        pytest.param("dropped", False, date(2022, 1, 1), None, id="dropped has no RAG"),
        pytest.param("on_track", True, date(2022, 1, 1), "red", id="overdue is red"),
        pytest.param("off_track", False, date(2023, 1, 1), "red", id="off track is red"),
        pytest.param("at_risk", False, date(2023, 1, 1), "amber", id="at risk is amber"),
        pytest.param("not_started", False, date(2022, 3, 15), "amber", id="not started due within window"),
        pytest.param("not_started", False, date(2022, 3, 31), "amber", id="window edge is amber"),
        pytest.param("not_started", False, date(2022, 4, 1), "green", id="not started beyond window"),
        pytest.param("not_started", False, None, "grey", id="not started without deadline"),
        pytest.param("on_track", False, date(2022, 3, 5), "green", id="on track and not late"),
    ],
)
def test_derive_rag(status: str, overdue_flag: bool, due: date | None, rag: str | None) -> None:
    """The one documented RAG rule, case by case (as of 2022-03-01, 30-day window)."""
    assert derive_rag(status, overdue_flag, due, date(2022, 3, 1), 30) == rag


def test_rag_legend_states_the_rule() -> None:
    """The legend names every colour and the window."""
    legend = RAG_LEGEND.format(window=AMBER_WINDOW_DAYS)
    for word in (
        "blue = complete", "red = overdue or off track", "amber = at risk", "within 30 days",
        "grey = no deadline or no lead", "none = dropped",
    ):  # fmt: skip
        assert word in legend


def test_manual_rag_overrides_derived() -> None:
    """A rating set by hand wins over the rule."""
    row = load_rows(
        '- id: "1.1"\n  deadline: Mar 2022\n  status: on_track\n  rag: amber\n  rag_reason: Budget not agreed',
        date(2022, 1, 1),
    )["1.1"]
    assert row.rag == "amber"


def test_amber_window_is_an_option() -> None:
    """A wider warning window turns a not-started item amber sooner."""
    items = '- id: "1.1"\n  deadline: Mar 2022\n  lead: AG'
    assert load_rows(items, date(2022, 1, 1))["1.1"].rag == "green"
    assert load_rows(items, date(2022, 1, 1), amber_window=90)["1.1"].rag == "amber"


@pytest.mark.parametrize("status", ["complete", "dropped", "done", "cancelled"])
def test_finished_items_are_never_overdue(status: str) -> None:
    """Complete and dropped items (however spelled) are never overdue."""
    row = load_rows(f'- id: "1.1"\n  deadline: Mar 2021\n  status: {status}', date(2022, 6, 1))["1.1"]
    assert not row.overdue
    assert row.days_overdue is None
    assert overdue([row]) == []


def test_revised_deadline_moves_item_out_of_overdue_and_shows_slip() -> None:
    """Overdue counts against the revised deadline; slip_days is measured from the baseline."""
    items = (
        '- id: "1.1"\n  deadline: Mar 2022\n  lead: AG\n  status: on_track\n'
        '  revised_deadline: Sep 2022\n  revision_reason: Board agreed a later start'
    )
    row = load_rows(items, date(2022, 6, 1))["1.1"]
    assert not row.overdue
    assert row.deadline == "2022-03-31"
    assert row.revised_deadline == "2022-09-30"
    assert row.slip_days == 183
    assert row.rag == "green"
    late = load_rows(items, date(2022, 10, 3))["1.1"]
    assert late.overdue
    assert late.days_overdue == 3


def test_rows_carry_completion_and_last_update() -> None:
    """completed and the newest update (the last one written) reach the row."""
    items = (
        '- id: "1.1"\n  deadline: Mar 2022\n  status: done\n  completed: 20 Mar 2022\n'
        "  updates:\n"
        '    - date: 2022-02-01\n      by: ag\n      text: "Working group met"\n'
        '    - date: 2022-03-20\n      by: AG\n      text: "Document adopted"'
    )
    row = load_rows(items, date(2022, 6, 1))["1.1"]
    assert row.status == "complete"
    assert row.completed == "2022-03-20"
    assert row.rag == "blue"
    assert row.last_update is not None
    assert (row.last_update.date, row.last_update.by, row.last_update.text) == ("2022-03-20", "AG", "Document adopted")


def test_recurring_item_completed_falls_due_next_year() -> None:
    """A yearly item completed for this year is not overdue and falls due again next year."""
    items = '- id: "1.1"\n  deadline: every January\n  lead: AG\n  status: complete\n  completed: 2022-01-20'
    row = load_rows(items, date(2022, 6, 1))["1.1"]
    assert row.deadline == "2023-01-31"
    assert not row.overdue
    assert not row.finished
    assert row.rag == "green"
    assert due_within([row], date(2023, 1, 1), date(2023, 1, 31)) == [row]
    late = load_rows(items, date(2023, 2, 2))["1.1"]
    assert late.overdue
    assert late.days_overdue == 2
    assert late.rag == "red"


def test_recurring_item_not_completed_is_overdue_for_this_year() -> None:
    """A yearly item never completed is late for the occurrence that has passed."""
    row = load_rows('- id: "1.1"\n  deadline: every January', date(2022, 2, 10))["1.1"]
    assert row.deadline == "2022-01-31"
    assert row.days_overdue == 10


def test_json_carries_progress_fields(run: Callable[..., object], write_plan: Callable[..., Path]) -> None:
    """`list --json` gains rag, completed, revised_deadline, slip_days and last_update."""
    write_plan(
        plan_with(
            '- id: "1.1"\n  deadline: Mar 2022\n  status: at risk\n'
            '  revised_deadline: 2022-04-30\n  revision_reason: Late start\n'
            '  updates:\n    - date: 2022-03-01\n      text: "Started late"'
        )
    )
    result = run("list", "--json", "--as-of", "2022-03-01")
    [record] = json.loads(result.stdout)
    assert record["status"] == "at_risk"
    assert record["rag"] == "amber"
    assert record["completed"] is None
    assert record["revised_deadline"] == "2022-04-30"
    assert record["slip_days"] == 30
    assert record["last_update"] == {"date": "2022-03-01", "by": None, "text": "Started late"}


def test_item_tables_print_the_rag_legend(run: Callable[..., object], write_plan: Callable[..., Path]) -> None:
    """Every item table ends with the RAG legend."""
    write_plan(plan_with('- id: "1.1"\n  deadline: Mar 2022'))
    result = run("list", "--format", "table", "--as-of", "2022-03-01")
    assert "RAG: blue = complete" in " ".join(result.stdout.split())
