"""The fast editor (issue 17): the item's own lines edited in milliseconds, giving exactly the
file the whole-file editor gives, proved before use, with the cache kept warm."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import MINIMAL_PLAN, plain
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from sendplan.errors import PlanError
from sendplan.plan import cache, edit, itemedit, snapshot, snapshot_edit, splice
from sendplan.plan.edit import ItemEdit, Note, update_item
from sendplan.plan.load import parse_plan
from sendplan.plan.model import Item
from sendplan.plan.read import load_plan

DAY = date(2022, 3, 20)


def fast_and_slow(text: str, edits: list[ItemEdit]) -> tuple[Any, Any]:
    """(the fast editor's result or None, the whole-file editor's (text, changes) or its PlanError)."""
    loaded = parse_plan(text, "p.yaml")
    items = [edit._item(loaded, one.item_id) for one in edits]
    fast = edit._fast(text, "p.yaml", items, edits)
    try:
        new_text, changes, _ = itemedit.whole_file(text, "p.yaml", loaded, edits)
        slow: Any = (new_text, changes)
    except PlanError as error:
        slow = error
    return fast, slow


# ---------------------------------------------------------------------------------------
# Plans of many layouts


@dataclass(frozen=True)
class Layout:
    mapping: int  # columns a mapping's keys sit right of its key
    offset: int  # columns a sequence's dash sits right of its key

    def seq(self, column: int) -> int:
        return column + self.offset


LAYOUTS = [Layout(2, 2), Layout(2, 0), Layout(4, 2), Layout(4, 4)]
WORDS = ["Review", "EHCP", "panel", "décisions", 'with "quotes"', "a # hash", "colon: here", "it's", "x"]
DEADLINES = ["Mar 2022", "MARCH 2022", "2022-09-30", "29 Oct 21", "every January", "Q3 2022/23", "Sept2022"]


@st.composite
def prose(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)))


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def item_lines(draw: st.DrawFn, item_id: str, column: int, layout: Layout) -> list[str]:
    """An item written in block style at *column* (its dash), with comments here and there."""
    pad = " " * (column + 2)
    id_text = draw(st.sampled_from([f'"{item_id}"', f"'{item_id}'", item_id]))
    eol = draw(st.sampled_from(["", "", "  # first line"]))
    lines = [f"{' ' * column}- id: {id_text}{eol}"]
    if draw(st.booleans()):
        lines.append(f"{pad}action: {quote(draw(prose()))}")
    if draw(st.booleans()):
        if draw(st.booleans()):
            lines.append(f"{pad}success_criteria: {quote(draw(prose()))}")
        else:
            lines.append(f"{pad}success_criteria:")
            for _ in range(draw(st.integers(1, 2))):
                lines.append(f"{' ' * layout.seq(column + 2)}- {quote(draw(prose()))}")
    if draw(st.booleans()):
        lines.append(f"{pad}# a comment inside the item")
    if draw(st.booleans()):
        lines.append(f"{pad}deadline: {draw(st.sampled_from(DEADLINES))}")
    if draw(st.booleans()):
        lines.append(f"{pad}lead: {draw(st.sampled_from(['AG', 'CW', 'ag']))}")
    status = draw(st.sampled_from([None, "not_started", "on_track", "done", "in progress"]))
    if status:
        lines.append(f"{pad}status: {status}{draw(st.sampled_from(['', '   # eol']))}")
    if draw(st.integers(0, 2)) == 0:
        lines.append(f"{pad}rag: {draw(st.sampled_from(['amber', 'red', 'Red']))}{draw(st.sampled_from(['', '  # by hand']))}")
        lines.append(f"{pad}rag_reason: {quote(draw(prose()))}")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from([f"{pad}# after the rating", "", "# at the left edge"])))
    updates = draw(st.sampled_from(["none", "none", "flow", "block"]))
    if updates == "flow":
        lines.append(f"{pad}updates: []")
    elif updates == "block":
        lines.append(f"{pad}updates:")
        dash = " " * layout.seq(column + 2)
        lines += [f"{dash}- date: 2022-01-05", f"{dash}  by: AG", f"{dash}  text: {quote(draw(prose()))}"]
    evidence = draw(st.sampled_from(["none", "flow", "text", "block"]))
    if evidence == "flow":
        lines.append(f"{pad}evidence: [a, b]")
    elif evidence == "text":
        lines.append(f"{pad}evidence: {quote(draw(prose()))}")
    elif evidence == "block":
        lines += [f"{pad}evidence:", f"{' ' * layout.seq(column + 2)}- {quote(draw(prose()))}"]
    return lines


@st.composite
def plans(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(a plan's text, its item ids)."""
    layout = draw(st.sampled_from(LAYOUTS))
    m = layout.mapping
    lines = ["# A plan made by the tests", "plan:", f"{' ' * m}title: {quote(draw(prose()))}", "leads:"]
    lines += [f"{' ' * m}AG:", f"{' ' * 2 * m}name: Anthony Giles", f"{' ' * m}CW:", f"{' ' * 2 * m}name: Chris Wickens"]
    lines.append("tasks:")
    ids: list[str] = []
    for task in range(1, draw(st.integers(1, 2)) + 1):
        dash = layout.seq(0)
        lines += [f"{' ' * dash}- number: {task}", f"{' ' * (dash + 2)}title: {quote(draw(prose()))}"]
        lines.append(f"{' ' * (dash + 2)}deliverables:")
        for deliverable in range(draw(st.integers(1, 2))):
            d_dash = layout.seq(dash + 2)
            lines += [f"{' ' * d_dash}- title: {quote(draw(prose()))}", f"{' ' * (d_dash + 2)}items:"]
            i_dash = layout.seq(d_dash + 2)
            for number in range(draw(st.integers(1, 3))):
                item_id = f"{task}.{deliverable}{number}"
                ids.append(item_id)
                if draw(st.integers(0, 5)) == 0:
                    lines.append(f"{' ' * i_dash}- {{id: {item_id}, deadline: Mar 2022}}")
                else:
                    lines += draw(item_lines(item_id, i_dash, layout))
                if draw(st.booleans()):
                    lines.append(draw(st.sampled_from(["", f"{' ' * i_dash}# between items", "# at the left edge"])))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "\n", ""]))
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    return text, ids


@st.composite
def edits_of(draw: st.DrawFn, ids: list[str]) -> list[ItemEdit]:
    """One or two edits of the plan's items, sometimes asking for what cannot be done."""
    edits = []
    for _ in range(draw(st.integers(1, 2))):
        item_id = draw(st.sampled_from(ids))
        kinds = ["done", "status", "note", "rag", "revise", "exception", "complete-unless", "evidence", "rule", "done-rated"]
        kind = draw(st.sampled_from(kinds))
        if kind == "done":
            edits.append(ItemEdit(item_id, status="complete", completed=DAY))
        elif kind == "status":
            edits.append(ItemEdit(item_id, status=draw(st.sampled_from(["on_track", "at_risk", "not_started", "done"]))))
        elif kind == "note":
            by = draw(st.sampled_from(["AG", "CW", None, "ag"]))
            edits.append(ItemEdit(item_id, note=Note(DAY, by, draw(prose()))))
        elif kind == "rag":
            edits.append(ItemEdit(item_id, rag=draw(st.sampled_from(["red", "green"])), rag_reason=draw(st.sampled_from([None, "why"]))))
        elif kind == "revise":
            revised = draw(st.sampled_from(["Sep 2022", "2022-10-31", "Smarch 2022", "every March"]))
            edits.append(ItemEdit(item_id, revised_deadline=revised, revision_reason=draw(prose())))
        elif kind == "evidence":
            edits.append(ItemEdit(item_id, evidence=draw(prose())))
        elif kind == "exception":
            edits.append(ItemEdit(item_id, recovery=draw(prose()), impact=draw(prose()), decision=draw(prose())))
        elif kind == "rule":
            edits.append(ItemEdit(item_id, clear_rag=True))
        elif kind == "done-rated":
            edits.append(ItemEdit(item_id, status="complete", completed=DAY, rag="amber", rag_reason="why"))
        else:
            edits.append(ItemEdit(item_id, status="complete", completed_unless_set=DAY))
    return edits


def shown(changes: list[list[Any]]) -> list[list[tuple[str, str | None, str]]]:
    return [[(change.field, change.before, change.after) for change in edit_changes] for edit_changes in changes]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_fast_editor_writes_what_the_whole_file_editor_writes(data: st.DataObject) -> None:
    """On plans of many layouts and any edits: where the fast editor gives a result it is the
    whole-file editor's, byte for byte, with the same changes; where that refuses, so does it."""
    text, ids = data.draw(plans())
    try:
        parse_plan(text, "p.yaml")
    except PlanError:
        assume(False)
    edits = data.draw(edits_of(ids))
    fast, slow = fast_and_slow(text, edits)
    event("fast editor" if fast is not None else "whole-file editor")
    if fast is None:
        return
    assert not isinstance(slow, PlanError), slow.problems
    assert fast[0] == slow[0]
    assert shown(fast[1]) == shown(slow[1])


def test_the_fast_editor_takes_every_item_of_the_bundled_plan(bundled_plan: Path) -> None:
    """Every item of the bundled plan is edited by the fast editor, as the whole-file editor
    edits it (done, with a note, the same day twice)."""
    text = bundled_plan.read_text(encoding="utf-8")
    for _, _, item in parse_plan(text, "p.yaml").plan.iter_items():
        edits = [ItemEdit(item.id, status="complete", completed=DAY, note=Note(DAY, "AG", "checked"))]
        fast, slow = fast_and_slow(text, edits)
        assert fast is not None, item.id
        assert fast[0] == slow[0]


def test_the_good_example_plans_are_edited_alike_either_way(bundled_plan: Path) -> None:
    """The example plans with byte-order marks, CRLF line ends and YAML 1.1 words: the fast
    editor takes most items and writes what the whole-file editor writes; it leaves to that
    editor the lines ruamel would rewrite (an empty value written `~` or `null`)."""
    taken = left = 0
    for path in sorted((bundled_plan.parent / "tests" / "cases" / "good").glob("*.yaml")):
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        for _, _, item in parse_plan(text, "p.yaml").plan.iter_items():
            fast, slow = fast_and_slow(text, [ItemEdit(item.id, status="on_track", note=Note(DAY, None, "checked"))])
            if fast is None:
                left += 1
                continue
            assert (fast[0], shown(fast[1])) == (slow[0], shown(slow[1])), (path.name, item.id)
            taken += 1
    assert taken > 3 * left


# ---------------------------------------------------------------------------------------
# What the fast editor refuses


FAKE = '''\
plan:
  title: A copy of an item in a block of text
glossary:
  NOTE: |
    tasks:
      - deliverables:
          - items:
              - id: "1.1"
                status: not_started
tasks:
  - number: 1
    title: T
    deliverables:
      - title: D
        items:
          - status: not_started
            id: "1.1"
'''


def test_an_item_copied_into_a_text_block_is_never_edited_in_its_place() -> None:
    """The only `- id: "1.1"` line is inside a block of text, and the real item has its id
    second: the fast editor refuses, and the whole-file editor edits the real item."""
    assert splice.find_item("\n" + FAKE, "1.1") is None
    new_text, _ = edit.edit_text(FAKE, "p.yaml", ItemEdit("1.1", status="on_track"))
    assert new_text.splitlines()[:9] == FAKE.splitlines()[:9]
    assert "            id: \"1.1\"" in new_text
    assert new_text.count("status: on_track") == 1
    assert new_text.index("status: on_track") > new_text.index("tasks:\n  - number")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        pytest.param('tasks:\n  - number: 1\n    deliverables:\n      - items:\n          - id: "1.1"\n          - id: "1.1"\n', "twice",
                     id="two id lines"),
        pytest.param('"tasks":\n  - deliverables:\n      - items:\n          - id: "1.1"\n', "quoted", id="a quoted parent key"),
        pytest.param('tasks: [{deliverables: [{items: [\n  {id: "1.1"}]}]}]\n', "flow", id="parents in flow style"),
    ],
)
def test_shapes_the_fast_editor_cannot_prove_are_left_to_the_whole_file_editor(text: str, why: str) -> None:
    """Parents it cannot follow, or an id line that is not unique: no lines are claimed."""
    assert splice.find_item("\n" + text, "1.1") is None, why


def test_values_the_fast_editor_cannot_vouch_for_go_to_the_whole_file_editor() -> None:
    """A status not written canonically, a deadline that does not read, a lead code in small
    letters: the whole-file editor decides (and words any refusal)."""
    assert not splice.provable(ItemEdit("1.1", status="done"))
    assert not splice.provable(ItemEdit("1.1", revised_deadline="Smarch 2022", revision_reason="x"))
    assert not splice.provable(ItemEdit("1.1", note=Note(DAY, "ag", "x")))
    assert not splice.provable(ItemEdit("1.1", rag="purple"))
    assert splice.provable(ItemEdit("1.1", status="complete", completed=DAY, rag="red", rag_reason="x"))


def test_item_fields_follow_the_model() -> None:
    """The fast editor's list of item fields is the model's, in its order."""
    assert list(splice.ITEM_FIELDS) == list(Item.model_fields)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_items_plain_data_reads_as_the_model_reads_it(data: st.DataObject) -> None:
    """reads_as agrees with pydantic: an item's data reads as the model made from it, and a
    changed value does not."""
    text, _ = data.draw(plans())
    try:
        loaded = parse_plan(text, "p.yaml")
    except PlanError:
        assume(False)
    from sendplan.plan.parse import compose, to_data

    plain, _ = to_data(compose(text, "p.yaml"), "p.yaml", text=text)
    for t, task in enumerate(loaded.plan.tasks):
        for d, deliverable in enumerate(task.deliverables):
            for i, item in enumerate(deliverable.items):
                entry = plain["tasks"][t]["deliverables"][d]["items"][i]
                assert splice.reads_as(entry, item)
                changed = dict(entry, id=entry["id"] + "x")
                assert not splice.reads_as(changed, item)
                assert not splice.reads_as({**entry, "extra": "x"}, item)


# ---------------------------------------------------------------------------------------
# Through the command line, and the cache kept warm


@pytest.mark.parametrize(
    "item_edit",
    [
        pytest.param(ItemEdit("1.1", status="complete", completed=DAY), id="done"),
        pytest.param(ItemEdit("4.7", note=Note(DAY, "AG", "first note of the plan")), id="a note"),
        pytest.param(ItemEdit("2.3", revised_deadline="Sep 2022", revision_reason="later"), id="revised"),
        pytest.param(ItemEdit("5.1", rag="amber", rag_reason="budget"), id="first rag of the plan"),
    ],
)
def test_after_a_fast_edit_the_next_command_reads_the_new_plan_from_the_cache(
    tmp_path: Path, bundled_plan: Path, monkeypatch: pytest.MonkeyPatch, item_edit: ItemEdit
) -> None:
    """The edit leaves the cache holding the new text's plan, exactly as a full load gives it,
    even for the first note or hand-set RAG of a plan."""
    path = tmp_path / "plan.yaml"
    shutil.copy(bundled_plan, path)
    known = load_plan(str(path))  # as the command line does: the old text is cached

    def no_whole_file(*args: object) -> None:
        raise AssertionError("the whole-file editor was used")

    monkeypatch.setattr(edit, "whole_file", no_whole_file)
    assert update_item(str(path), item_edit, known=known).written
    text = path.read_text(encoding="utf-8")
    cached = cache.load(text, str(path))
    assert cached is not None
    assert plain(cached.plan) == plain(parse_plan(text, str(path)).plan)


def test_the_models_an_edit_may_add_to_a_snapshot_are_as_the_models_make_them() -> None:
    """snapshot_edit.EDIT_SCHEMA (the first note or RAG of a plan) is what a snapshot of the models holds."""
    text = MINIMAL_PLAN + "            rag: red\n            rag_reason: x\n            updates:\n              - {date: 2022-01-01, text: t}\n"
    schema, _ = snapshot.snapshot(parse_plan(text, "p.yaml").plan)
    assert {name: schema[name] for name in snapshot_edit.EDIT_SCHEMA} == snapshot_edit.EDIT_SCHEMA


def test_a_done_at_the_command_line_uses_neither_the_models_nor_a_second_load(
    run: Callable[..., Result], tmp_path: Path, bundled_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sendplan done` on a cached plan: the plan is neither parsed nor restored from the cache
    in full, and the whole-file editor is not used."""
    shutil.copy(bundled_plan, tmp_path / "plan.yaml")
    assert run("validate").exit_code == 0  # the plan is now cached
    from sendplan.plan import load

    def refuse(*args: object) -> None:
        raise AssertionError("the plan was loaded in full")

    monkeypatch.setattr(load, "parse_plan", refuse)
    monkeypatch.setattr(cache, "load", refuse)
    monkeypatch.setattr(edit, "whole_file", refuse)
    result = run("done", "1.1", "--as-of", "2022-03-20")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Updated item 1.1 in plan.yaml:\n  status: not_started → complete\n  completed: not set → 2022-03-20\n"


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(st.sampled_from(["a\n", "b\n", "status: x\n", "c\n", "d"]), max_size=30).map("".join),
    new=st.lists(st.sampled_from(["a\n", "b\n", "status: y\n", "c\n", "e"]), max_size=30).map("".join),
)
def test_the_diff_turns_the_old_text_into_the_new(old: str, new: str) -> None:
    """The diff of the changed lines only, applied to the old text, gives the new one."""
    diff = edit.unified_diff(old, new, "p.yaml")
    assert (diff == "") == (old == new)
    assert apply_diff(old, diff) == new


def apply_diff(old: str, diff: str) -> str:
    """Apply a unified diff (as made above) to *old*."""
    import re

    source = old.splitlines(keepends=True)
    result: list[str] = []
    position = 0
    lines = diff.splitlines(keepends=True)[2:]
    n = 0
    while n < len(lines):
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[n])
        assert header, lines[n]
        start = int(header.group(1)) - (0 if header.group(2) == "0" else 1)
        result += source[position:start]
        position = start
        n += 1
        while n < len(lines) and not lines[n].startswith("@@"):
            line = lines[n]
            if n + 1 < len(lines) and lines[n + 1].startswith("\\ No newline"):
                line = line.removesuffix("\n")
                n += 1
            if line[0] in " -":
                position += 1
            if line[0] in " +":
                result.append(line[1:])
            n += 1
    return "".join(result + source[position:])
