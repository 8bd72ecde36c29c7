"""`show ID --json` carries what `show` prints: the listing's object, then updates, evidence, the
revision reason, the exception note and whether the rating is set by hand (docs/json.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from helpers import PLAN_HEAD

PLAN = PLAN_HEAD + """\
          - id: "1.1"
            action: Do the thing
            deadline: Mar 2022
            lead: AG
            status: at_risk
            rag: red
            rag_reason: Budget not agreed
            revised_deadline: Jun 2022
            revision_reason: Later start agreed
            recovery: Briefings booked
            impact: Vote delayed
            decision: Agree the budget
            updates:
              - date: 2022-01-05
                by: AG
                text: Provider delayed
              - date: 2022-02-01
                text: Back on plan
            evidence: [Minutes of 5 January]
            depends_on: "1.2"
          - id: "1.2"
            action: Do the other thing
            deadline: Feb 2022
            lead: AG
"""

LISTING_KEYS = [
    "id", "task", "task_title", "deliverable", "action", "success_criteria", "lead", "lead_name", "deadline",
    "deadline_text", "precision", "status", "overdue", "days_overdue", "rag", "completed", "revised_deadline",
    "slip_days", "last_update", "rag_reason",
]  # fmt: skip


def test_show_json_adds_what_the_page_shows_after_the_listing_keys(run: Callable[..., Result], tmp_path: Path) -> None:
    """The listing's keys come first, as list gives them; then the detail keys, in the documented order."""
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    shown = json.loads(run("show", "1.1", "--plan", "plan.yaml", "--as-of", "2022-03-01", "--json").stdout)
    listed = json.loads(run("list", "--plan", "plan.yaml", "--as-of", "2022-03-01", "--json").stdout)
    assert len(shown) == 1
    (item,) = shown
    assert list(item)[: len(LISTING_KEYS)] == LISTING_KEYS
    assert {key: item[key] for key in LISTING_KEYS} == listed[0]
    assert {key: item[key] for key in list(item)[len(LISTING_KEYS) :]} == {
        "rag_set_by_hand": True,
        "revision_reason": "Later start agreed",
        "recovery": "Briefings booked",
        "impact": "Vote delayed",
        "decision": "Agree the budget",
        "depends_on": ["1.2"],
        "evidence": ["Minutes of 5 January"],
        "updates": [
            {"date": "2022-01-05", "by": "AG", "text": "Provider delayed"},
            {"date": "2022-02-01", "by": None, "text": "Back on plan"},
        ],
    }
    assert (item["rag"], item["rag_reason"]) == ("red", "Budget not agreed")


def test_show_json_of_an_item_rated_by_the_rule(run: Callable[..., Result], tmp_path: Path) -> None:
    """An item with nothing recorded has empty lists, nulls and rag_set_by_hand false."""
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (item,) = json.loads(run("show", "1.2", "--plan", "plan.yaml", "--as-of", "2022-03-01", "--json").stdout)
    assert (item["rag"], item["rag_reason"], item["rag_set_by_hand"]) == ("red", "overdue", False)
    assert (item["updates"], item["evidence"], item["depends_on"], item["recovery"]) == ([], [], [], None)


def test_show_in_other_formats_and_with_fields_keeps_the_listing_columns(run: Callable[..., Result], tmp_path: Path) -> None:
    """TSV and --fields give the listing's columns only, as list does."""
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    tsv = run("show", "1.1", "--plan", "plan.yaml", "--as-of", "2022-03-01", "--format", "tsv").stdout
    assert tsv.splitlines()[0].split("\t") == LISTING_KEYS
    picked = json.loads(run("show", "1.1", "--plan", "plan.yaml", "--as-of", "2022-03-01", "--json", "--fields", "id,rag").stdout)
    assert picked == [{"id": "1.1", "rag": "red"}]
