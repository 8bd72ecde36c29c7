"""Several edits in one write (sendplan.plan.edit.update_items), and evidence added by an edit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sendplan.errors import PlanError
from sendplan.plan.edit import ItemEdit, Note, update_item, update_items


def test_batch_applies_every_edit_in_one_write(plan_copy: Path) -> None:
    """Each edit's changes are reported in order, the diff covers them all, and the file is written once."""
    edits = [
        ItemEdit("1.1", status="on_track", note=Note(date(2021, 12, 10), "AG", "Met twice")),
        ItemEdit("4.2", revised_deadline="Mar 2022", revision_reason="Banding model delayed"),
    ]
    batch = update_items(str(plan_copy), edits)
    assert batch.written and [result.item_id for result in batch.results] == ["1.1", "4.2"]
    assert [change.field for change in batch.results[0].changes] == ["status", "updates"]
    assert [change.field for change in batch.results[1].changes] == ["revised_deadline", "revision_reason"]
    text = plan_copy.read_text(encoding="utf-8")
    assert 'text: "Met twice"' in text and 'revision_reason: "Banding model delayed"' in text
    assert batch.diff.count("\n+") == 8


def test_batch_dry_run_and_nothing_to_do(plan_copy: Path) -> None:
    """A dry run writes nothing but gives the diff; edits that change nothing leave the file alone."""
    before = plan_copy.read_bytes()
    dry = update_items(str(plan_copy), [ItemEdit("1.1", status="at_risk")], dry_run=True)
    assert not dry.written and "+            status: at_risk" in dry.diff and plan_copy.read_bytes() == before
    same = update_items(str(plan_copy), [ItemEdit("1.1", status="not_started")])
    assert not same.written and same.diff == "" and plan_copy.read_bytes() == before


def test_batch_refused_whole(plan_copy: Path) -> None:
    """If any edit of the batch fails, none is written."""
    before = plan_copy.read_bytes()
    with pytest.raises(PlanError):
        update_items(str(plan_copy), [ItemEdit("1.1", status="on_track"), ItemEdit("9.99", status="on_track")])
    assert plan_copy.read_bytes() == before


def test_evidence_is_appended(plan_copy: Path) -> None:
    """Evidence starts a list on an item, and goes at the end of one already there."""
    update_item(str(plan_copy), ItemEdit("1.2", evidence="Briefing slides"))
    update_item(str(plan_copy), ItemEdit("1.2", evidence="Attendance list"))
    text = plan_copy.read_text(encoding="utf-8")
    assert '            evidence:\n              - "Briefing slides"\n              - "Attendance list"\n' in text
