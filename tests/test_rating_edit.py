"""A rating set by hand does not outlive the facts: completing an item removes it (update, done,
batches as collect makes them), `update --rag rule` removes it, and the file keeps its comments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from helpers import PLAN_HEAD

from sendplan.plan.edit import ItemEdit, edit_text, update_items

PLAN = PLAN_HEAD + """\
          - id: "1.1"
            action: Do the thing
            deadline: Mar 2022
            lead: AG
            status: off_track
            rag: red  # from the tracker
            rag_reason: "Imported: the tracker rates it Red"
            # kept: a note about what follows
            revised_deadline: Jun 2022
            revision_reason: Later start
          - id: "1.2"
            action: Do the other thing
            deadline: Dec 2021
            lead: AG
            status: on_track
            rag: amber
            rag_reason: "Imported: the tracker rates it A"
"""

# 1.1 after `done 1.1 --as-of 2022-03-20`, written by hand: the rating, its reason and the
# rating's end-of-line comment go; the comment line after them stays.
DONE = PLAN.replace(
    """            status: off_track
            rag: red  # from the tracker
            rag_reason: "Imported: the tracker rates it Red"
""",
    """            status: complete
            completed: 2022-03-20
""",
)


def write(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_done_removes_the_rating_set_by_hand_and_says_so(run: Callable[..., Result], tmp_path: Path) -> None:
    """`done` on an item rated red by hand removes rag and rag_reason, and the change list says so."""
    path = write(tmp_path)
    result = run("done", "1.1", "--plan", str(path), "--as-of", "2022-03-20")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Updated item 1.1 in {path}:",
        "  status: off_track → complete",
        "  completed: not set → 2022-03-20",
        "  rag: red → (rule)",
        "  rag_reason: Imported: the tracker rates it Red → (removed)",
    ]
    assert path.read_text(encoding="utf-8") == DONE
    shown = json.loads(run("list", "--plan", str(path), "--as-of", "2022-03-20", "--json").stdout)
    assert [(row["id"], row["rag"]) for row in shown] == [("1.1", "blue"), ("1.2", "amber")]


def test_update_status_complete_removes_it_too(run: Callable[..., Result], tmp_path: Path) -> None:
    """`update --status complete` (and a spoken "done") removes the rating as `done` does."""
    path = write(tmp_path)
    result = run("update", "1.1", "--status", "done", "--plan", str(path), "--as-of", "2022-03-20")
    assert result.exit_code == 0, result.output
    assert "  rag: red → (rule)" in result.stdout.splitlines()
    assert path.read_text(encoding="utf-8") == DONE


def test_completing_with_a_new_rating_keeps_the_new_rating(tmp_path: Path) -> None:
    """An edit that completes the item and sets a rating by hand keeps the rating it sets."""
    text, changes = edit_text(PLAN, "plan.yaml", ItemEdit("1.1", status="complete", rag="amber", rag_reason="Snagging"))
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("status", "off_track", "complete"), ("rag", "red", "amber"), ("rag_reason", "Imported: the tracker rates it Red", "Snagging"),
    ]  # fmt: skip
    assert "            rag: amber # from the tracker\n            rag_reason: \"Snagging\"\n" in text


def test_update_rag_rule_removes_the_rating_without_a_reason(run: Callable[..., Result], tmp_path: Path) -> None:
    """`update 1.2 --rag rule` removes an overtaken amber, so the rule rates the overdue item red."""
    path = write(tmp_path)
    result = run("update", "1.2", "--rag", "rule", "--plan", str(path), "--as-of", "2022-01-10")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  rag: amber → (rule)",
        "  rag_reason: Imported: the tracker rates it A → (removed)",
    ]
    assert path.read_text(encoding="utf-8") == PLAN.removesuffix(
        '            rag: amber\n            rag_reason: "Imported: the tracker rates it A"\n'
    )
    shown = json.loads(run("list", "--plan", str(path), "--as-of", "2022-01-10", "--json").stdout)
    assert [(row["id"], row["rag"]) for row in shown] == [("1.1", "red"), ("1.2", "red")]
    again = run("update", "1.2", "--rag", "rule", "--plan", str(path), "--as-of", "2022-01-10")
    assert again.stdout == f"Item 1.2 already has these values; {path} is unchanged.\n"


def test_rag_rule_takes_no_reason(run: Callable[..., Result], tmp_path: Path) -> None:
    """--reason with --rag rule is a usage error: there is nothing to explain."""
    path = write(tmp_path)
    result = run("update", "1.2", "--rag", "rule", "--reason", "x", "--plan", str(path), "--as-of", "2022-01-10")
    assert result.exit_code == 2
    assert "goes with --rag COLOUR or --revise, not --rag rule." in result.stderr


def test_a_batch_that_completes_items_removes_their_ratings(tmp_path: Path) -> None:
    """update_items (what collect writes with) removes the rating of each item it completes."""
    path = write(tmp_path)
    batch = update_items(str(path), [ItemEdit("1.1", status="complete", completed_unless_set=None), ItemEdit("1.2", status="at_risk")])
    assert [[(c.field, c.after) for c in result.changes] for result in batch.results] == [
        [("status", "complete"), ("rag", "(rule)"), ("rag_reason", "(removed)")],
        [("status", "at_risk")],
    ]
    text = path.read_text(encoding="utf-8")
    assert "rates it Red" not in text and "rates it A" in text


def test_the_spoken_statuses_docs_list_are_exactly_the_ones_read() -> None:
    """docs/progress.md's table of spoken statuses is the table update, the plan and collect read."""
    import re

    from helpers import REPO

    from sendplan.plan.codes import STATUS_ALIASES, Status

    page = (REPO / "docs" / "progress.md").read_text(encoding="utf-8")
    table = page.split("| Written | Read as |", 1)[1].split("\n\n", 1)[0]
    documented = {}
    for line in table.splitlines()[2:]:
        written, read_as = line.strip("|").split("|")
        for word in re.findall(r"`([^`]+)`", written):
            documented[re.sub(r"[\s-]+", "_", word)] = read_as.strip().strip("`")
    spoken = {word: status.value for word, status in STATUS_ALIASES.items() if word not in {s.value for s in Status}}
    assert {word: status for word, status in documented.items() if word not in {s.value for s in Status}} == spoken
