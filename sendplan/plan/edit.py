"""Edits to one item of a plan file that keep everything else exactly as it was written.

The item is changed in ruamel.yaml's round-trip tree and only the changed lines reach the file
(roundtrip.py). The new text must load as a valid plan, with every other item unchanged and the
edited one as asked, before write.py replaces the file under its lock.

Nothing here prints or reads the clock: dates arrive as parameters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sendplan.errors import Location, PlanError, Problem
from sendplan.plan.load import LoadedPlan, parse_plan
from sendplan.plan.roundtrip import append, deadline_value, dump, prose, round_trip, set_key, splice, word
from sendplan.plan.source import decode
from sendplan.plan.write import plan_lock, writable_path, write_atomic

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Note:
    """A dated progress note to append to an item's updates."""

    date: date
    by: str | None
    text: str


@dataclass(frozen=True, slots=True)
class ItemEdit:
    """What to set on one item; None leaves a field as it is."""

    item_id: str
    status: str | None = None
    completed: date | None = None
    rag: str | None = None
    rag_reason: str | None = None
    revised_deadline: str | None = None
    revision_reason: str | None = None
    recovery: str | None = None
    impact: str | None = None
    decision: str | None = None
    note: Note | None = None
    # Recorded as `completed` unless the item is already complete with a completion day.
    completed_unless_set: date | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One field that changed: its value as written before (None if absent) and after."""

    field: str
    before: str | None
    after: str


@dataclass
class EditResult:
    """What one edit did. In a batch, *diff* is empty: the batch's diff holds every change."""

    path: str
    item_id: str
    changes: list[Change] = field(default_factory=list)
    diff: str = ""
    written: bool = False


@dataclass
class BatchResult:
    """What a batch of edits did: one EditResult per edit, in order, and the file's diff."""

    path: str
    results: list[EditResult]
    diff: str = ""
    written: bool = False


# ---------------------------------------------------------------------------------------
# Finding the item


def nearest_ids(wanted: str, ids: list[str], n: int = 3) -> list[str]:
    """The ids most like *wanted*: close spellings first, else others in the same task."""
    close = difflib.get_close_matches(wanted, ids, n=n, cutoff=0.6)
    if close:
        return close
    prefix = wanted.split(".")[0] + "."
    same_task = [item_id for item_id in ids if item_id.startswith(prefix)]
    return same_task[:n] or difflib.get_close_matches(wanted, ids, n=n, cutoff=0.0)


def unknown_item_message(wanted: str, loaded: LoadedPlan) -> str:
    ids = [item.id for _, _, item in loaded.plan.iter_items()]
    guesses = nearest_ids(wanted, ids)
    hint = f" Did you mean {', '.join(guesses)}?" if guesses else ""
    return f'there is no item "{wanted}" in {loaded.source}.{hint} `sendplan list` shows every id.'


def _field_order() -> list[str]:
    from sendplan.plan.model import Item

    return list(Item.model_fields)


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------
# The edit itself


def _planned(edit: ItemEdit) -> list[tuple[str, Any, str]]:
    """(field, YAML value, value as shown) for each field the edit sets, in field order."""
    planned: list[tuple[str, Any, str]] = []
    if edit.status is not None:
        planned.append(("status", word(edit.status), edit.status))
    if edit.completed is not None:
        planned.append(("completed", edit.completed, edit.completed.isoformat()))
    if edit.rag is not None:
        planned.append(("rag", word(edit.rag), edit.rag))
    if edit.rag_reason is not None:
        planned.append(("rag_reason", prose(edit.rag_reason), edit.rag_reason))
    if edit.revised_deadline is not None:
        planned.append(("revised_deadline", deadline_value(edit.revised_deadline), edit.revised_deadline))
    if edit.revision_reason is not None:
        planned.append(("revision_reason", prose(edit.revision_reason), edit.revision_reason))
    for key in ("recovery", "impact", "decision"):
        text = getattr(edit, key)
        if text is not None:
            planned.append((key, prose(text), text))
    return planned


def _note_value(note: Note) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    entry["date"] = note.date
    if note.by:
        entry["by"] = word(note.by)
    entry["text"] = prose(note.text)
    return entry


def _item_node(document: Any, path: tuple[str | int, ...]) -> Any:
    node = document
    for part in path:
        node = node[part]
    return node


def _comparable(item: Any) -> Any:
    return item.model_dump(mode="json")


def _resolved(edit: ItemEdit, item: Any) -> ItemEdit:
    """*edit* with completed_unless_set turned into a completion day, or dropped.

    *item* is the item as it stands, after any earlier edit of the same batch.
    """
    if edit.completed is not None or edit.completed_unless_set is None:
        return edit
    from sendplan.plan.codes import Status, parse_status

    try:
        complete = parse_status(str(item.get("status", Status.NOT_STARTED.value))) == Status.COMPLETE
    except ValueError:
        complete = False
    if complete and item.get("completed") is not None:
        return dataclasses.replace(edit, completed_unless_set=None)
    return dataclasses.replace(edit, completed=edit.completed_unless_set, completed_unless_set=None)


def _apply(item: Any, edit: ItemEdit, order: list[str]) -> list[Change]:
    """Set *edit*'s values on the round-trip *item* node; what changed, in field order."""
    changes: list[Change] = []
    for key, value, shown in _planned(edit):
        before = _shown(item.get(key))
        if before == shown:
            continue
        set_key(item, key, value, order)
        changes.append(Change(key, before, shown))
    if edit.note is not None:
        from ruamel.yaml.comments import CommentedSeq

        updates = item.get("updates")
        if isinstance(updates, CommentedSeq) and not updates.fa.flow_style():
            append(updates, _note_value(edit.note))
        else:
            fresh = CommentedSeq()
            fresh.extend(updates or [])
            fresh.append(_note_value(edit.note))
            set_key(item, "updates", fresh, order)
        by = f" by {edit.note.by}" if edit.note.by else ""
        changes.append(Change("updates", None, f"{edit.note.date.isoformat()}{by}: {edit.note.text}"))
    return changes


def edit_text(text: str, name: str, edit: ItemEdit) -> tuple[str, list[Change]]:
    """The plan *text* with *edit* applied, and what changed. Raises PlanError, changing nothing.

    The result has been loaded and validated; every item other than the edited one is
    unchanged, and the edited one has the requested values.
    """
    new_text, changes = edit_text_many(text, name, [edit])
    return new_text, changes[0]


def edit_text_many(text: str, name: str, edits: Sequence[ItemEdit]) -> tuple[str, list[list[Change]]]:
    """The plan *text* with every one of *edits* applied in turn, and what each changed.

    One round trip and one check for the lot: the result has been loaded and validated, every
    item no edit names is unchanged, and each edited item has the values asked for (a later
    edit of the same item wins). Raises PlanError, changing nothing, if any edit fails.
    """
    loaded = parse_plan(text, name)
    paths = []
    for edit in edits:
        path = loaded.item_path(edit.item_id)
        if path is None:
            raise PlanError.single(unknown_item_message(edit.item_id, loaded), Location(name))
        paths.append(path)
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    # ruamel always ends its dump with a newline; give the text one too, and take it off again.
    unterminated = not plain.endswith("\n")
    if unterminated:
        plain += "\n"
    yaml, document, base = round_trip(plain)
    order = _field_order()
    resolved: list[ItemEdit] = []
    changes: list[list[Change]] = []
    for asked, path in zip(edits, paths, strict=True):
        item = _item_node(document, path)
        edit = _resolved(asked, item)
        resolved.append(edit)
        changes.append(_apply(item, edit, order))
    if not any(changes):
        return text, changes
    new_text = splice(plain, base, dump(yaml, document), ", ".join(dict.fromkeys(edit.item_id for edit in edits)))
    if unterminated:
        new_text = new_text.removesuffix("\n")
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    _check(loaded, new_text, name, resolved)
    return new_text, changes


def _expected(edits: Sequence[ItemEdit]) -> dict[str, tuple[dict[str, str], list[str]]]:
    """Per edited item: the values it must end with (the last edit wins) and its new notes."""
    expected: dict[str, tuple[dict[str, str], list[str]]] = {}
    for edit in edits:
        values, notes = expected.setdefault(edit.item_id, ({}, []))
        values.update({key: shown for key, _, shown in _planned(edit)})
        if edit.note is not None:
            notes.append(edit.note.text)
    return expected


def _check(before: LoadedPlan, new_text: str, name: str, edits: Sequence[ItemEdit]) -> None:
    """Load the new text; refuse it unless only the edited items changed, and as asked."""
    ids = ", ".join(dict.fromkeys(edit.item_id for edit in edits))
    several = len({edit.item_id for edit in edits}) > 1
    try:
        after = parse_plan(new_text, name)
    except PlanError as error:
        lead = Problem(
            f"{'items' if several else 'item'} {ids} {'were' if several else 'was'} not changed: the result "
            "would not be a valid plan. The plan is unchanged; fix what is said below with another update, "
            "or edit the file by hand.",
            Location(name),
            None if several else edits[0].item_id,
        )
        # Positions in the rejected text would point at lines that are not in the file.
        details = [Problem(problem.message, Location(name), problem.item_id) for problem in error.problems]
        raise PlanError([lead, *details]) from None
    old = {item.id: _comparable(item) for _, _, item in before.plan.iter_items()}
    new = {item.id: _comparable(item) for _, _, item in after.plan.iter_items()}
    as_asked = True
    for item_id, (values, notes) in _expected(edits).items():
        target = new.pop(item_id, None)
        old.pop(item_id, None)
        if target is None:
            as_asked = False
            continue
        as_asked = as_asked and all(str(target.get(key)) == value for key, value in values.items())
        if notes:
            written = [update["text"] for update in target["updates"][-len(notes) :]]
            as_asked = as_asked and written == notes
    unchanged_rest = (
        old == new
        and before.plan.model_dump(mode="json", exclude={"tasks"}) == after.plan.model_dump(mode="json", exclude={"tasks"})
    )
    if not (unchanged_rest and as_asked):
        raise PlanError.single(
            f"sendplan could not change {'items' if several else 'item'} {ids} without disturbing the rest of "
            "the file, so the plan was not changed. Make this change by hand.",
            Location(name),
        )


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff, labelled as git labels a relative path."""
    before, after = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), before, after)
    # As git and diff(1) mark a last line that has no newline.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _read(path: str, name: str) -> tuple[str, bool]:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PlanError.single(f"cannot read the plan: {error.strerror}.", Location(name)) from None
    return decode(data, name), data.startswith(BOM.encode())


def update_items(path: str, edits: Sequence[ItemEdit], *, dry_run: bool = False) -> BatchResult:
    """Apply every one of *edits* to the plan file at *path*, written once (or, with *dry_run*,
    only work out the diff).

    All the edits are applied to the text, the result is checked as a whole plan, and the
    file is replaced once, atomically, under the lock. A PlanError for any edit changes
    nothing. The file is re-read after the lock is taken, so an edit made meanwhile by
    another process is kept.
    """
    real = writable_path(path)
    batch = BatchResult(path, [EditResult(path, edit.item_id) for edit in edits])
    lock = contextlib.nullcontext() if dry_run else plan_lock(real)
    with lock:
        text, bom = _read(real, path)
        new_text, changes = edit_text_many(text, path, edits)
        for result, changed in zip(batch.results, changes, strict=True):
            result.changes = changed
        batch.diff = unified_diff(text, new_text, path)
        if any(changes) and not dry_run:
            write_atomic(real, ((BOM if bom else "") + new_text).encode("utf-8"))
            batch.written = True
    for result in batch.results:
        result.written = batch.written and bool(result.changes)
    return batch


def update_item(path: str, edit: ItemEdit, *, dry_run: bool = False) -> EditResult:
    """Apply *edit* to the plan file at *path* in place (or only work out the diff, with *dry_run*)."""
    batch = update_items(path, [edit], dry_run=dry_run)
    result = batch.results[0]
    result.diff = batch.diff
    return result
