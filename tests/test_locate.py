"""The position index: every position a fresh parse gives, looked up in O(depth), so locating N
problems costs O(file + N); measured by counting, never by timing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import MINIMAL_PLAN

from sendplan.errors import Location, PlanError
from sendplan.plan import cache, load, locate, parse
from sendplan.plan.locate import Positions, PositionsBuilder


class CountingList(list):  # type: ignore[type-arg]
    """A list that counts how often an entry is read."""

    reads = 0

    def __getitem__(self, index: Any) -> Any:
        CountingList.reads += 1
        return super().__getitem__(index)


@pytest.fixture
def count_key_reads(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Every index built from now on counts the mapping keys it reads; call to get the count."""
    real_done = PositionsBuilder.done

    def done(self: PositionsBuilder) -> Positions:
        self.key_text = CountingList(self.key_text)
        return real_done(self)

    monkeypatch.setattr(PositionsBuilder, "done", done)
    CountingList.reads = 0
    return lambda: CountingList.reads


def unknown_keys(count: int) -> str:
    lines = [f"            unknown_key_{number}: value" for number in range(count)]
    return MINIMAL_PLAN + "\n".join(lines) + "\n"


@pytest.mark.parametrize("count", [500, 2000])
def test_locating_n_unknown_keys_reads_each_key_a_bounded_number_of_times(
    count: int, count_key_reads: Callable[[], int]
) -> None:
    """N unknown keys in one mapping: every one reported, and the keys read a bounded number of
    times per problem (small mappings on the path are looked through, the big one's keys go into
    a dict once), not the whole mapping once per problem as before (N² / 2 reads)."""
    with pytest.raises(PlanError) as caught:
        load.parse_plan(unknown_keys(count), "plan.yaml")
    assert len(caught.value.problems) == count
    assert caught.value.problems[-1].location == Location("plan.yaml", 19 + count, 13)
    assert count_key_reads() <= 20 * count + 100


def test_did_you_mean_is_asked_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """difflib compares each distinct unknown key once, and at most MOST_GUESSES of them."""
    import difflib

    calls = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    monkeypatch.setattr(load, "MOST_GUESSES", 50)
    repeated = MINIMAL_PLAN.replace("deadline: Mar 2022", "deadine: Mar 2022")
    with pytest.raises(PlanError) as caught:
        load.parse_plan(unknown_keys(300), "plan.yaml")
    assert len(calls) == 50
    with pytest.raises(PlanError) as caught:
        load.parse_plan(repeated, "plan.yaml")
    assert 'did you mean "deadline"?' in caught.value.problems[0].message


def test_a_valid_plan_locates_nothing(bundled_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading a valid plan looks up no position: ids are located only when a message needs one."""
    looked_up: list[Any] = []
    monkeypatch.setattr(Positions, "_walk", lambda self, path: looked_up.append(path) or (False, None, None))
    load.parse_plan(bundled_plan.read_text(encoding="utf-8"), "plan.yaml")
    assert looked_up == []


def test_a_duplicate_id_still_names_its_first_line() -> None:
    """The lazily located first place of a repeated id is the line the message gives."""
    text = MINIMAL_PLAN + '          - id: "1.1"\n            action: Again\n'
    with pytest.raises(PlanError) as caught:
        load.parse_plan(text, "plan.yaml")
    [problem] = caught.value.problems
    assert problem.message.startswith('item id "1.1" is used twice (first at line 13).')
    assert problem.location == Location("plan.yaml", 20, 17)


def tree_positions(text: str) -> dict[tuple[Any, ...], tuple[int, int, int, int]]:
    """(line, column, last line, flags) of every node by path, straight from libyaml's tree."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    found: dict[tuple[Any, ...], tuple[int, int, int, int]] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        found[path] = (node.start_mark.line, node.start_mark.column)  # type: ignore[assignment]
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found[(*path, "key", key.value)] = (key.start_mark.line, key.start_mark.column)  # type: ignore[assignment]
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, (*path, index))

    walk(root, ())
    return found


def index_positions(text: str) -> dict[tuple[Any, ...], tuple[int, int]]:
    builder = PositionsBuilder("plan.yaml")
    root = parse.compose(text, "plan.yaml")
    assert root is not None
    data, _problems = parse.to_data(root, "plan.yaml", positions=builder)
    positions = builder.done()
    found: dict[tuple[Any, ...], tuple[int, int]] = {}

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        where = positions.locate(path)
        found[path] = ((where.line or 0) - 1, (where.column or 0) - 1)
        if isinstance(value, dict):
            for key, part in value.items():
                key_at = positions.locate((*path, key), key=True)
                found[(*path, "key", key)] = ((key_at.line or 0) - 1, (key_at.column or 0) - 1)
                walk(part, (*path, key))
        elif isinstance(value, list):
            for index, part in enumerate(value):
                walk(part, (*path, index))

    walk(data, ())
    return found


def test_the_index_gives_every_position_the_tree_gives(bundled_plan: Path) -> None:
    """Every node and key of the bundled plan is where libyaml's own marks say it is."""
    text = bundled_plan.read_text(encoding="utf-8")
    tree = {path: (line, column) for path, (line, column, *_rest) in tree_positions(text).items()}  # type: ignore[misc]
    assert index_positions(text) == tree


def test_the_index_survives_a_round_trip(bundled_plan: Path) -> None:
    """state() and from_state() give an index that answers exactly as the one built."""
    loaded = load.parse_plan(bundled_plan.read_text(encoding="utf-8"), "plan.yaml")
    assert loaded.positions is not None
    again = Positions.from_bytes("plan.yaml", b"".join(loaded.positions.pieces()))
    for item_id in ("1.1", "4.2", "8.6"):
        for field in (None, "deadline", "lead", "success_criteria", "nothing"):
            path = (*(loaded.item_path(item_id) or ()), *((field,) if field else ()))
            assert again.locate(path) == loaded.positions.locate(path)
            assert again.locate(path, key=True) == loaded.positions.locate(path, key=True)
    assert again.spans(("tasks",)) == loaded.positions.spans(("tasks",))


def test_located_counts_columns_only_in_text_written_as_is() -> None:
    """A column inside a value is given for plain and quoted one-line text, not across escapes."""
    text = 'a: plain text\nb: "quoted"\nc: "esc\\u00e9aped"\nd: \'it\'\'s\'\n'
    positions = load.read_data(text, "x.yaml", fast=False)[1]
    assert positions.located(("a",), 6) == Location("x.yaml", 1, 10)
    assert positions.located(("b",), 2) == Location("x.yaml", 2, 7)
    assert positions.located(("c",), 5) == Location("x.yaml", 3, 4)
    assert positions.located(("d",), 3) == Location("x.yaml", 4, 4)


def test_validate_from_the_cache_reads_no_yaml(
    bundled_plan: Path, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the snapshot's positions, warnings are located without composing or scanning the YAML."""
    fresh = run("validate", str(bundled_plan), "--as-of", "2022-06-01")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the YAML was read again")

    monkeypatch.setattr(load, "read_data", refuse)
    monkeypatch.setattr(cache, "read_data", refuse)
    cached = run("validate", str(bundled_plan), "--as-of", "2022-06-01")
    assert (cached.exit_code, cached.stdout, cached.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr)
    assert "warning" in cached.stderr


def test_the_old_helpers_still_locate_a_node() -> None:
    """node_location and mark_location (used for YAML errors) stay 1-based."""
    root = yaml.compose("a:\n  b: c\n", Loader=yaml.SafeLoader)
    assert locate.node_location("x", root.value[0][1]) == Location("x", 2, 3)
    assert locate.mark_location("x", None) == Location("x")


def test_an_items_span_is_its_lines(bundled_plan: Path) -> None:
    """span() gives an item's first and last line (what an edit splices), from the index."""
    loaded = load.parse_plan(bundled_plan.read_text(encoding="utf-8"), "plan.yaml")
    assert loaded.positions is not None
    path = loaded.item_path("1.1")
    assert path is not None
    lines = bundled_plan.read_text(encoding="utf-8").splitlines()
    first, last = loaded.positions.span(path) or (0, 0)
    assert lines[first - 1].strip() == 'id: "1.1"' or lines[first - 1].strip().startswith('- id: "1.1"')
    assert lines[last - 1].strip() == "status: not_started"
    assert loaded.positions.span(("tasks", 99)) is None
