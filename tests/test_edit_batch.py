"""`update_items`: several edits applied to a plan's text, checked together and written once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sendplan.errors import PlanError
from sendplan.plan import edit as edit_module
from sendplan.plan.edit import BatchResult, ItemEdit, Note, update_items
from sendplan.plan.read import load_plan


def items(path: Path) -> dict[str, Any]:
    return {item.id: item for _, _, item in load_plan(str(path)).plan.iter_items()}


def test_every_edit_lands_in_one_write(plan_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three edits of three items: one replacement of the file, one result per edit, in order."""
    writes: list[bytes] = []
    real_replace = edit_module.replace_plan

    def counted(held: Any, base: bytes, new: bytes, redo: Any) -> bytes:
        writes.append(new)
        return real_replace(held, base, new, redo)

    monkeypatch.setattr(edit_module, "replace_plan", counted)
    edits = [
        ItemEdit("1.1", status="complete", completed=date(2022, 3, 20)),
        ItemEdit("4.7", note=Note(date(2022, 4, 4), "AG", "Provider delayed")),
        ItemEdit("2.3", revised_deadline="Sep 2022", revision_reason="Later start agreed"),
    ]
    batch = update_items(str(plan_copy), edits)
    assert isinstance(batch, BatchResult)
    assert len(writes) == 1
    assert batch.written
    assert [result.item_id for result in batch.results] == ["1.1", "4.7", "2.3"]
    assert [[change.field for change in result.changes] for result in batch.results] == [
        ["status", "completed"],
        ["updates"],
        ["revised_deadline", "revision_reason"],
    ]
    assert all(result.written for result in batch.results)
    found = items(plan_copy)
    assert found["1.1"].status == "complete"
    assert [update.text for update in found["4.7"].updates] == ["Provider delayed"]
    assert found["2.3"].revised_deadline.text == "Sep 2022"
    assert batch.diff.count("\n@@ ") == 3  # one hunk per item: the file was diffed once
    assert "+            status: complete\n" in batch.diff


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(ItemEdit("9.99", status="complete"), id="unknown item"),
        pytest.param(ItemEdit("1.2", rag="red"), id="rag without a reason"),
        pytest.param(ItemEdit("1.2", revised_deadline="Smarch 2022", revision_reason="x"), id="not a date"),
    ],
)
def test_one_bad_edit_changes_nothing(plan_copy: Path, bad: ItemEdit) -> None:
    """A PlanError for any edit of the batch leaves the file byte for byte as it was."""
    before = plan_copy.read_bytes()
    with pytest.raises(PlanError):
        update_items(str(plan_copy), [ItemEdit("1.1", status="complete", completed=date(2022, 3, 20)), bad])
    assert plan_copy.read_bytes() == before


def test_dry_run_gives_the_diff_and_writes_nothing(plan_copy: Path) -> None:
    """With dry_run the batch's diff is worked out and the file is left alone."""
    before = plan_copy.read_bytes()
    batch = update_items(str(plan_copy), [ItemEdit("1.1", status="on_track"), ItemEdit("1.3", status="at_risk")], dry_run=True)
    assert not batch.written
    assert "-            status: not_started\n+            status: on_track\n" in batch.diff
    assert "+            status: at_risk\n" in batch.diff
    assert plan_copy.read_bytes() == before


def test_later_edit_of_the_same_item_wins_and_notes_keep_their_order(plan_copy: Path) -> None:
    """Two edits of one item: the second value stands, and both notes are kept, oldest first."""
    batch = update_items(
        str(plan_copy),
        [
            ItemEdit("1.2", status="at_risk", note=Note(date(2022, 4, 1), "AG", "first")),
            ItemEdit("1.2", status="off_track", note=Note(date(2022, 4, 2), "CW", "second")),
        ],
    )
    assert batch.written
    item = items(plan_copy)["1.2"]
    assert item.status == "off_track"
    assert [(update.by, update.text) for update in item.updates] == [("AG", "first"), ("CW", "second")]


def test_completion_day_is_kept_by_a_later_edit_of_the_batch(plan_copy: Path) -> None:
    """"Complete unless already complete" sees what an earlier edit in the batch did."""
    update_items(
        str(plan_copy),
        [
            ItemEdit("1.1", status="complete", completed=date(2022, 3, 20)),
            ItemEdit("1.1", status="complete", completed_unless_set=date(2022, 5, 1)),
        ],
    )
    assert items(plan_copy)["1.1"].completed == date(2022, 3, 20)


def test_nothing_to_change_writes_nothing(plan_copy: Path) -> None:
    """Edits that ask for what is already there, or none at all, leave the file unwritten."""
    before = plan_copy.read_bytes()
    assert not update_items(str(plan_copy), [ItemEdit("1.1", status="not_started")]).written
    empty = update_items(str(plan_copy), [])
    assert (empty.written, empty.results, empty.diff) == (False, [], "")
    assert plan_copy.read_bytes() == before
