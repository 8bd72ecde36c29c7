"""The bundled West Northamptonshire plan against counts made by hand from the source document.

Any drift in the transcription (a lost item, a moved deadline, a lead read wrongly) fails here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

ITEMS_PER_TASK = {1: 6, 2: 5, 3: 3, 4: 11, 5: 11, 6: 7, 7: 8, 8: 6}

ITEMS_BY_LEAD = {
    "AG": ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.2", "2.3", "2.4", "2.5", "3.2", "4.1", "4.8", "4.9", "4.10", "4.11", "6.6", "6.7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "8.1", "8.2", "8.3", "8.4", "8.5"],
    "CK": ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "5.10", "6.1", "6.2", "6.3", "6.5"],
    "BB": ["4.2", "4.3", "4.4", "4.7", "5.11"],
    "CW": ["2.1", "3.1", "3.3"],
    "DA": ["8.6"],
    None: ["4.5", "4.6", "6.4", "7.7", "7.8"],
}

# Every deadline as the date it falls due ("Mar 2022" → 31 March 2022), read off the source.
DUE = {
    "1.1": "2022-03-31", "1.2": "2022-04-30", "1.3": "2022-07-31", "1.4": "2022-09-30",
    "1.5": "2023-03-31", "1.6": "2022-09-30",
    "2.1": "2022-01-31", "2.2": "2022-03-31", "2.3": "2022-09-30", "2.4": "2022-09-30",
    "2.5": "2022-07-31",
    "3.1": "2022-09-30", "3.2": "2022-09-30", "3.3": "2022-12-31",
    "4.1": "2022-04-30", "4.2": "2020-10-31", "4.3": "2023-04-30", "4.4": "2023-04-30",
    "4.5": "2022-12-31", "4.6": "2022-07-31", "4.7": "2023-04-30", "4.8": "2023-03-31",
    "4.9": "2022-09-30", "4.10": "2023-04-30", "4.11": "2022-01-31",
    "5.1": "2021-09-30", "5.2": "2021-09-30", "5.3": "2021-10-31", "5.4": "2021-11-30",
    "5.5": "2021-11-30", "5.6": "2021-11-30", "5.7": "2021-11-30", "5.8": "2021-12-31",
    "5.9": "2021-12-31", "5.10": "2021-12-31", "5.11": "2022-01-31",
    "6.1": "2021-10-29", "6.2": "2021-10-29", "6.3": "2021-11-05", "6.4": "2021-11-05",
    "6.5": "2021-11-18", "6.6": "2022-03-31", "6.7": "2022-03-31",
    "7.1": "2022-03-31", "7.2": "2022-05-31", "7.3": "2022-09-30", "7.4": "2022-11-30",
    "7.5": "2023-04-30", "7.6": "2023-04-30", "7.7": None, "7.8": None,
    "8.1": "2022-03-31", "8.2": "2022-03-31", "8.3": "2022-09-30", "8.4": "2022-09-30",
    "8.5": "2022-03-31", "8.6": "2022-03-31",
}  # fmt: skip

AS_OF = "2021-11-01"


@pytest.fixture
def items(run: Callable[..., Result], bundled_plan: Path) -> list[dict[str, Any]]:
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_item_ids_in_document_order(items: list[dict[str, Any]]) -> None:
    """57 items, ids numbered within each task in document order."""
    assert [item["id"] for item in items] == list(DUE)


def test_items_per_task(items: list[dict[str, Any]]) -> None:
    """Each of the eight tasks carries the number of deadlines the source gives it."""
    assert Counter(item["task"] for item in items) == ITEMS_PER_TASK


def test_items_per_lead(items: list[dict[str, Any]]) -> None:
    """Each lead owns exactly the items counted by hand (Cyrillic СК/ВВ read as CK/BB)."""
    by_lead: dict[str | None, list[str]] = {}
    for item in items:
        by_lead.setdefault(item["lead"], []).append(item["id"])
    assert by_lead == ITEMS_BY_LEAD


def test_every_due_date(items: list[dict[str, Any]]) -> None:
    """Every item falls due on the day read off the source (month deadlines at month end)."""
    assert {item["id"]: item["deadline"] for item in items} == DUE


def test_task_six_deadlines_exactly(items: list[dict[str, Any]]) -> None:
    """Task 6 (unnumbered in the source) has its seven deadlines as written, mended from Cyrillic."""
    task6 = [(item["id"], item["deadline_text"], item["deadline"]) for item in items if item["task"] == 6]
    assert task6 == [
        ("6.1", "29 Oct 21", "2021-10-29"),
        ("6.2", "29 Oct 21", "2021-10-29"),
        ("6.3", "5 Nov 21", "2021-11-05"),
        ("6.4", "5 Nov 21", "2021-11-05"),
        ("6.5", "18 NOv 21", "2021-11-18"),
        ("6.6", "Mar 2022", "2022-03-31"),
        ("6.7", "Mar 2022", "2022-03-31"),
    ]
    assert next(item for item in items if item["task"] == 6)["task_title"] == (
        "Reduce places commissioned in alternative provision"
    )


def test_overdue_as_of_first_november_2021(run: Callable[..., Result], bundled_plan: Path) -> None:
    """As of 1 Nov 2021: the Oct 2020 item, task 5's September/October briefings, task 6's 29 Oct."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    late = [(item["id"], item["days_overdue"]) for item in json.loads(result.stdout)]
    assert late == [("4.2", 366), ("5.1", 32), ("5.2", 32), ("6.1", 3), ("6.2", 3), ("5.3", 1)]


def test_due_before_december_2021(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Everything due by 31 Dec 2021: 4.2, all of task 5 but 5.11, and 6.1–6.5."""
    result = run("list", "--plan", str(bundled_plan), "--due-before", "Dec 2021", "--as-of", AS_OF, "--json")
    ids = [item["id"] for item in json.loads(result.stdout)]
    assert ids == ["4.2", *[f"5.{n}" for n in range(1, 11)], "6.1", "6.2", "6.3", "6.4", "6.5"]


def test_leads_registry(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The key to abbreviations becomes the registry; DA, used but not in the key, stays unnamed."""
    result = run("leads", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    rows = {row["lead"]: (row["name"], row["items"]) for row in json.loads(result.stdout)}
    assert rows == {
        "CK": ("Chris Kiernan", 14),
        "AG": ("Anthony Giles", 29),
        "CW": ("Chris Wickens", 3),
        "BB": ("Beth Bains", 5),
        "DA": (None, 1),
        None: (None, 5),
    }


def test_recurring_annual_review(items: list[dict[str, Any]]) -> None:
    """4.11 ("EVERY JANUARY") recurs and first falls due at the end of January 2022."""
    item = next(item for item in items if item["id"] == "4.11")
    assert (item["precision"], item["deadline_text"], item["deadline"]) == ("recurring", "every January", "2022-01-31")
    assert item["success_criteria"] == ["adequate funding for all EHCPs;", "appropriate cost inflation built in."]


def test_plan_keeps_its_own_gaps(items: list[dict[str, Any]]) -> None:
    """Placeholders, the empty bullet and missing actions are kept as written, not invented."""
    by_id = {item["id"]: item for item in items}
    assert "xxx" in by_id["3.2"]["action"]
    assert "£x m" in by_id["3.3"]["action"]
    assert by_id["6.6"]["success_criteria"] == [""]
    assert by_id["6.7"]["success_criteria"] == []
    assert by_id["4.8"]["action"] is None
    assert by_id["4.2"]["deadline_text"] == "Oct 2020"
    assert all(item["status"] == "not_started" for item in items)


def test_no_cyrillic_left_in_codes_or_dates(items: list[dict[str, Any]]) -> None:
    """Lead codes and deadline texts are plain Latin letters after the mends."""
    for item in items:
        for value in (item["lead"], item["deadline_text"]):
            assert value is None or value.isascii(), (item["id"], value)
