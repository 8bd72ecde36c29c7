"""An edit keeps the cache warm without changing an answer: the snapshot kept after `done` or
`update` (snapshot_edit.py remakes only the edited tasks' chunks and copies the rest) answers
every command exactly as a fresh parse of the new text, and the next command reads it, not
the text."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import generate_module, plain
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sendplan.plan import cache, cachefile, edit, load, snapshot_edit
from sendplan.plan.edit import ItemEdit, Note, update_items
from sendplan.plan.flat import TASKS_A_PART
from sendplan.plan.read import load_plan

AS_OF = "2022-06-01"
DAY = date(2022, 5, 20)
# Each reads a different part of a snapshot: the flat table, the records, the records and checks.
COMMANDS = [
    ["list", "--json", "--as-of", AS_OF],
    ["overdue", "--json", "--as-of", AS_OF],
    ["report", "--as-of", AS_OF],
    ["validate", "--format", "json", "--as-of", AS_OF],
]
FIRST, LAST = "1.1", "8.6"  # the bundled plan's first item (of its first task) and last (of its last)


@pytest.fixture
def plan(tmp_path: Path, bundled_plan: Path) -> Path:
    """A copy of the bundled plan, its snapshot in the cache (as after any command)."""
    path = tmp_path / "plan.yaml"
    shutil.copy(bundled_plan, path)
    load_plan(str(path))
    assert cache.load(path.read_text(encoding="utf-8"), str(path)) is not None
    return path


@pytest.fixture
def big_plan(tmp_path: Path) -> Path:
    """A generated plan of 1,000 items (more than two parts of the table), in the cache."""
    path = tmp_path / "plan.yaml"
    path.write_text(generate_module().generate(1000), encoding="utf-8")
    assert len(load_plan(str(path)).plan.tasks) > 2 * TASKS_A_PART + 1
    return path


def an_item_of_task(path: Path, t: int) -> str:
    task = load.parse_plan(path.read_text(encoding="utf-8"), str(path)).plan.tasks[t]
    return str(next(item.id for deliverable in task.deliverables for item in deliverable.items))


def refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the plan was read in full")


def fast_edit(path: Path, edits: Sequence[ItemEdit], monkeypatch: pytest.MonkeyPatch) -> str:
    """*edits* made by the fast editor from the cached snapshot, without reading the plan in
    full; the new text, whose snapshot the edit kept."""
    with monkeypatch.context() as inside:
        for target, name in ((load, "parse_plan"), (edit, "whole_file")):
            inside.setattr(target, name, refuse)
        assert update_items(str(path), edits).written
    text = path.read_text(encoding="utf-8")
    kept = cache.load(text, str(path))
    assert kept is not None
    assert set(kept._snapshot.sections) == {"flat", "plan", "index"}
    return text


def answers(run: Callable[..., Result], path: Path, env: dict[str, str] | None = None) -> list[tuple[int, str, str]]:
    found = []
    for command in COMMANDS:
        args = [*command, str(path)] if command[0] == "validate" else [*command, "--plan", str(path)]
        result = run(*args, env=env)
        found.append((result.exit_code, result.stdout, result.stderr))
    return found


def assert_answers_as_fresh(run: Callable[..., Result], path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached snapshot of the plan's text holds what a fresh parse gives, and every command
    answers from it exactly as with no cache at all; the listings do not read the text."""
    text = path.read_text(encoding="utf-8")
    fresh = load.parse_plan(text, str(path))
    kept = cache.load(text, str(path))
    assert kept is not None
    assert kept.flat == fresh.flat
    assert plain(kept.plan) == plain(fresh.plan)
    with monkeypatch.context() as inside:
        for target, name in ((load, "parse_plan"), (load, "read_data")):
            inside.setattr(target, name, refuse)
        listed = [run(*command, "--plan", str(path)) for command in COMMANDS[:2]]
    assert [result.exit_code for result in listed] == [0, 0]
    assert answers(run, path) == answers(run, path, env={"SENDPLAN_NO_CACHE": "1"})


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([ItemEdit(FIRST, status="complete", completed=DAY)], id="first item of the first task"),
        pytest.param([ItemEdit(LAST, status="complete", completed=DAY)], id="last item of the last task"),
        pytest.param(
            [
                ItemEdit("1.2", status="at_risk", note=Note(DAY, "AG", "waiting on the panel")),
                ItemEdit("8.5", rag="amber", rag_reason="budget"),
                ItemEdit("1.2", revised_deadline="Sep 2022", revision_reason="later"),
            ],
            id="a batch across two tasks",
        ),
    ],
)
def test_the_snapshot_kept_after_an_edit_answers_as_a_fresh_parse(
    run: Callable[..., Result], plan: Path, monkeypatch: pytest.MonkeyPatch, edits: list[ItemEdit]
) -> None:
    """list, overdue, report and validate answer from the edit's snapshot exactly as from a
    fresh parse of the new text."""
    fast_edit(plan, edits, monkeypatch)
    assert_answers_as_fresh(run, plan, monkeypatch)


def test_dones_in_a_row_each_start_from_the_last_ones_snapshot(
    run: Callable[..., Result], plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each `done` at the command line reads the snapshot the one before kept (which has no
    positions) and never the plan in full; the last snapshot answers as a fresh parse."""
    for item_id in (FIRST, LAST, "4.2", "1.3"):
        with monkeypatch.context() as inside:
            for target, name in ((load, "parse_plan"), (load, "read_data"), (edit, "whole_file")):
                inside.setattr(target, name, refuse)
            result = run("done", item_id, "--plan", str(plan), "--as-of", AS_OF)
        assert result.exit_code == 0, result.stderr
        kept = cache.load(plan.read_text(encoding="utf-8"), str(plan))
        assert kept is not None and set(kept._snapshot.sections) == {"flat", "plan", "index"}
    assert_answers_as_fresh(run, plan, monkeypatch)


def test_a_batch_across_parts_of_the_table_answers_as_a_fresh_parse(
    run: Callable[..., Result], big_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch over the first task, one in the table's third part and the last task of a
    1,000-item plan: every command answers from the edit's snapshot as from a fresh parse."""
    last = len(load.parse_plan(big_plan.read_text(encoding="utf-8"), str(big_plan)).plan.tasks) - 1
    edits = [
        ItemEdit(an_item_of_task(big_plan, 0), status="complete", completed=DAY),
        ItemEdit(an_item_of_task(big_plan, 2 * TASKS_A_PART + 1), note=Note(DAY, "AG", "in the third part")),
        ItemEdit(an_item_of_task(big_plan, last), rag="red", rag_reason="late"),
    ]
    fast_edit(big_plan, edits, monkeypatch)
    assert_answers_as_fresh(run, big_plan, monkeypatch)


def test_a_done_writes_only_its_tasks_chunks(big_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chunk of the new snapshot but the edited item's two (its task's records, and the
    table's rows of its 32 tasks) is the old snapshot's, byte for byte."""
    t = 2 * TASKS_A_PART + 1  # the second task of the table's third part
    item_id = an_item_of_task(big_plan, t)
    old = cache.stored(big_plan.read_text(encoding="utf-8"))
    fast_edit(big_plan, [ItemEdit(item_id, status="complete", completed=DAY)], monkeypatch)
    new = cache.stored(big_plan.read_text(encoding="utf-8"))
    assert old is not None and new is not None and old.raw("index") == new.raw("index")
    for section, expected in (("plan", [1 + t]), ("flat", [1 + 2])):  # after the head: chunk 1 is the first
        before, after = old.chunks(section), new.chunks(section)
        assert before is not None and after is not None
        changed = [number for number, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert changed == expected, section


def flip(path: Path, snapshot: cachefile.Snapshot, section: str, chunk: int) -> None:
    """A byte flipped in the middle of one chunk of a snapshot file."""
    offsets, lengths, _ = snapshot._table(section)
    data = bytearray(path.read_bytes())
    data[len(cache.MAGIC) + offsets[chunk] + lengths[chunk] // 2] ^= 0x20
    path.write_bytes(bytes(data))


def test_a_damaged_chunk_an_edit_needs_makes_it_read_the_plan(
    run: Callable[..., Result], plan: Path, _private_cache: Path
) -> None:
    """A flipped byte in a chunk the edit reads (the edited task's records): the edit does not
    use the snapshot, and every answer after it is a fresh parse's."""
    text = plan.read_text(encoding="utf-8")
    snapshot = cache.stored(text)
    assert snapshot is not None
    flip(_private_cache / f"{cache.cache_key(text)}{cache.SUFFIX}", snapshot, "plan", 8)
    assert snapshot_edit.items(text, [LAST]) is None
    result = run("done", LAST, "--plan", str(plan), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert answers(run, plan) == answers(run, plan, env={"SENDPLAN_NO_CACHE": "1"})


@pytest.mark.parametrize(("section", "chunk"), [("flat", 1), ("plan", 3)])
def test_a_damaged_chunk_an_edit_copies_is_refused_when_read(
    run: Callable[..., Result], big_plan: Path, _private_cache: Path, monkeypatch: pytest.MonkeyPatch, section: str, chunk: int
) -> None:
    """A flipped byte in a chunk the edit copies without reading it (other tasks'): the new
    snapshot carries the chunk's own digest, so the first command to read it refuses it, reads
    the plan, answers as a fresh parse and keeps a sound snapshot."""
    text = big_plan.read_text(encoding="utf-8")
    item_id = an_item_of_task(big_plan, 2 * TASKS_A_PART + 1)
    snapshot = cache.stored(text)
    assert snapshot is not None
    flip(_private_cache / f"{cache.cache_key(text)}{cache.SUFFIX}", snapshot, section, chunk)
    new_text = fast_edit(big_plan, [ItemEdit(item_id, status="complete", completed=DAY)], monkeypatch)
    copied = cache.stored(new_text)
    assert copied is not None
    with pytest.raises(ValueError, match="damaged"):
        copied.chunks(section)
    assert answers(run, big_plan) == answers(run, big_plan, env={"SENDPLAN_NO_CACHE": "1"})
    sound = cache.stored(new_text)
    assert sound is not None and sound.chunks("flat") is not None and sound.chunks("plan") is not None


STATUSES = ["not_started", "on_track", "at_risk", "off_track", "complete", "dropped"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_batch_of_fast_edits_keeps_a_snapshot_as_a_fresh_parse(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory, bundled_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits of any items of any tasks: the snapshot kept holds exactly the new text's plan and table."""
    folder = tmp_path_factory.mktemp("edit")
    monkeypatch.setenv("SENDPLAN_CACHE_DIR", str(folder / "cache"))
    path = folder / "plan.yaml"
    shutil.copy(bundled_plan, path)
    loaded = load_plan(str(path))
    ids = [item.id for _, _, item in loaded.plan.iter_items()]
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=6, unique=True))
    edits = []
    for n, item_id in enumerate(chosen):
        status = data.draw(st.sampled_from(STATUSES))
        completed = DAY if status == "complete" else None
        edits.append(ItemEdit(item_id, status=status, completed=completed, note=Note(DAY, "AG", f"note {n}")))
    kept_by_the_edit: list[bool] = []
    store_edited = snapshot_edit.store_edited

    def spy(*args: Any) -> bool:
        kept_by_the_edit.append(store_edited(*args))
        return kept_by_the_edit[-1]

    monkeypatch.setattr(snapshot_edit, "store_edited", spy)
    if not update_items(str(path), edits).written:
        event("nothing to write")
        return
    assert kept_by_the_edit in ([], [True])  # the fast editor's edit is kept (the whole-file one is stored)
    event("kept by the fast editor" if kept_by_the_edit else "stored after the whole-file editor")
    text = path.read_text(encoding="utf-8")
    kept = cache.load(text, str(path))
    assert kept is not None
    fresh = load.parse_plan(text, str(path))
    assert kept.flat == fresh.flat
    assert plain(kept.plan) == plain(fresh.plan)
