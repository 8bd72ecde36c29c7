"""The JSON contract documented in docs/json.md: key names, order and types."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from helpers import REPO

ITEM_KEYS = [
    "id", "task", "task_title", "deliverable", "action", "success_criteria", "lead", "lead_name",
    "deadline", "deadline_text", "precision", "status", "overdue", "days_overdue", "rag",
    "completed", "revised_deadline", "slip_days", "last_update", "rag_reason",
]  # fmt: skip
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_item_keys_in_stable_order(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Every item object has exactly the contract's keys, in the documented order."""
    result = run("list", "--plan", str(bundled_plan), "--as-of", "2021-11-01", "--json")
    for item in json.loads(result.stdout):
        assert list(item) == ITEM_KEYS


def test_item_value_types(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Types as documented: ids are strings, tasks integers, dates ISO strings or null."""
    result = run("list", "--plan", str(bundled_plan), "--as-of", "2022-06-01", "--json")
    for item in json.loads(result.stdout):
        assert isinstance(item["id"], str)
        assert isinstance(item["task"], int)
        assert isinstance(item["success_criteria"], list)
        assert all(isinstance(text, str) for text in item["success_criteria"])
        assert item["lead"] is None or re.fullmatch(r"[A-Z][A-Z0-9]*", item["lead"])
        assert item["deadline"] is None or ISO.fullmatch(item["deadline"])
        assert item["precision"] in ("day", "month", "recurring", None)
        assert isinstance(item["overdue"], bool)
        assert (item["days_overdue"] is None) is (not item["overdue"])
        assert item["rag"] in ("blue", "green", "amber", "red", "grey", None)
        assert isinstance(item["rag_reason"], str)


def test_json_is_utf8_and_alone_on_stdout(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Non-ASCII text such as "£" is written as UTF-8, not escaped, and stdout holds only the JSON."""
    result = run("by-lead", "CW", "--plan", str(bundled_plan), "--as-of", "2021-11-01", "--json")
    assert "£x m" in result.stdout
    assert result.stderr == ""
    assert json.loads(result.stdout)[2]["id"] == "3.3"


def test_readme_documents_every_key() -> None:
    """docs/json.md's JSON contract table lists each key, in order."""
    readme = (REPO / "docs" / "json.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \|", readme.split("# JSON contract", 1)[1], re.MULTILINE)
    assert documented[: len(ITEM_KEYS)] == ITEM_KEYS


def test_the_plan_key_of_several_plans_is_documented_last() -> None:
    """With several plans open an item row is the contract's keys then `plan`, as docs/json.md says."""
    from dataclasses import fields

    from sendplan.portfolio import PlanItemRow

    readme = (REPO / "docs" / "json.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \|", readme.split("# JSON contract", 1)[1], re.MULTILINE)
    assert documented[: len(ITEM_KEYS) + 1] == [*ITEM_KEYS, "plan"]
    assert [field.name for field in fields(PlanItemRow)] == [*ITEM_KEYS, "plan"]
