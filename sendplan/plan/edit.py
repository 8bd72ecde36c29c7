"""Edits to the items of a plan file that keep everything else exactly as it was written: the
one way sendplan changes a plan (`update`, `done`, and batches of edits).

`update_items` takes the plan's lock (lock.py), reads the file once, works the edits out and
hands the new bytes to write.py, which replaces the file so that nothing anyone else wrote
meanwhile is lost. An edit is worked out by the fast editor (splice.py: the item's own lines,
milliseconds at any size) wherever it can prove its result, else by the whole-file editor
(itemedit.py); both give the same file. The plan is not loaded at all when the cache has a
snapshot of its text (which vouches that it is valid, and gives the edited items); afterwards
the cache gets the new text's snapshot, so the next command is warm too.

Nothing here prints or reads the clock: dates arrive as parameters.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sendplan.errors import Location, PlanError, Problem
from sendplan.plan.itemedit import Change, ItemEdit, Note, apply, planned, whole_file
from sendplan.plan.load import LoadedPlan
from sendplan.plan.lock import plan_lock
from sendplan.plan.source import decode
from sendplan.plan.write import replace_plan, writable_path

__all__ = [
    "BatchResult",
    "Change",
    "EditResult",
    "ItemEdit",
    "Note",
    "UnknownItem",
    "edit_text",
    "edit_text_many",
    "nearest_ids",
    "unified_diff",
    "unknown_item_message",
    "update_item",
    "update_items",
]

BOM = "\ufeff"
# Lines around the changed ones that difflib sees too.
DIFF_SLACK = 50


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
    results: list[EditResult] = field(default_factory=list)
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


class UnknownItem(PlanError):
    """An edit names an item the plan does not have (the command line makes it a usage error)."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__([Problem(message, location)])
        self.message = message


def _item(loaded: LoadedPlan, item_id: str) -> Any:
    path = loaded.item_path(item_id)
    if path is None:
        raise UnknownItem(unknown_item_message(item_id, loaded), Location(loaded.source))
    _, task, _, deliverable, _, position = path
    return loaded.plan.tasks[task].deliverables[deliverable].items[position]


# ---------------------------------------------------------------------------------------
# Working the edits out


@dataclass
class _Worked:
    """Edits worked out on one text of the plan."""

    text: str
    bom: bool
    items: dict[str, Any]  # the edited items as the plan held them (models or cached records)
    loaded: LoadedPlan | None  # the whole plan, where it had to be loaded
    new_text: str
    changes: list[list[Change]]
    values: dict[str, dict[str, Any]] | None = None  # by the fast editor: the items' new values
    after: LoadedPlan | None = None  # by the whole-file editor: the new text's plan
    # The text whose cached snapshot, with *values*, is the new text's (*text* unless only
    # comment lines were added to that text).
    snapshot_of: str = ""
    # By the fast editor, and no edited item's lines run to the end of the file: lines added at
    # the end are then simply kept after the edited text.
    end_untouched: bool = False

    @property
    def changed(self) -> bool:
        return any(self.changes)

    def data(self) -> bytes:
        return ((BOM if self.bom else "") + self.new_text).encode("utf-8")


def _plan_items(
    text: str, name: str, ids: list[str], known: LoadedPlan | None
) -> tuple[dict[str, Any], LoadedPlan | None]:
    """The items *ids* of the plan of *text*, and the whole plan if it had to be loaded.

    The cache's snapshot of the text vouches that it is a valid plan, and gives the items
    without restoring the rest; only without one is the plan loaded in full.
    """
    if known is not None and getattr(known, "text", None) == text:  # the caller's plan, from exactly this text
        return {item_id: _item(known, item_id) for item_id in ids}, known
    from sendplan.plan import snapshot_edit

    records = snapshot_edit.items(text, ids)
    if records is not None and all(item_id in records for item_id in ids):
        return records, None
    from sendplan.plan.read import load_text

    loaded = load_text(text, name)
    return {item_id: _item(loaded, item_id) for item_id in ids}, loaded


def _work_out(
    data: bytes, name: str, edits: Sequence[ItemEdit], known: LoadedPlan | None, *, vouched: _Worked | None = None
) -> _Worked:
    """The edits worked out on the plan's bytes *data*. *vouched* is an earlier working-out on
    a text that *data* only adds comment lines to, so its plan is this text's plan too."""
    text = decode(data, name)
    bom = data.startswith(BOM.encode())
    snapshot_of = vouched.snapshot_of if vouched is not None else text
    ids = list(dict.fromkeys(edit.item_id for edit in edits))
    if vouched is not None:
        items, loaded = vouched.items, vouched.loaded
    else:
        items, loaded = _plan_items(text, name, ids, known)
    fast = _fast(text, name, [items[edit.item_id] for edit in edits], edits)
    if fast is not None:
        new_text, changes, values, at_end = fast
        return _Worked(
            text, bom, items, loaded, new_text, changes, values=values, snapshot_of=snapshot_of, end_untouched=not at_end
        )
    if loaded is None:
        from sendplan.plan.read import load_text

        loaded = load_text(text, name)
    new_text, changes, after = whole_file(text, name, loaded, edits)
    return _Worked(text, bom, items, loaded, new_text, changes, after=after, snapshot_of=snapshot_of)


def _fast(
    text: str, name: str, items: list[Any], edits: Sequence[ItemEdit]
) -> tuple[str, list[list[Change]], dict[str, dict[str, Any]], bool] | None:
    """The edits made by the fast editor, item by item (and whether an edited item's lines
    run to the end of the file), or None where it cannot prove them."""
    from sendplan.plan import splice

    if not edits or not all(splice.provable(edit) for edit in edits):
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    if "\r" in plain:
        return None
    # As the whole-file editor does: a last line without a newline gets one while editing.
    unterminated = not plain.endswith("\n")
    work = "\n" + plain + ("\n" if unterminated else "")
    changes: list[list[Change]] = [[] for _ in edits]
    values: dict[str, dict[str, Any]] = {}
    at_end = False
    for item_id in dict.fromkeys(edit.item_id for edit in edits):
        positions = [n for n, edit in enumerate(edits) if edit.item_id == item_id]
        item = items[positions[0]]
        done = splice.edit_item(work, name, item, [edits[n] for n in positions], apply, planned)
        if done is None:
            return None
        work, changed, item_values, last = done
        at_end = at_end or last
        for position, item_changes in zip(positions, changed, strict=True):
            changes[position] = item_changes
        if item_values:
            values[item_id] = item_values
    if not any(changes):
        return text, changes, {}, at_end
    new_text = work[1:]
    if unterminated:
        new_text = new_text.removesuffix("\n")
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    return new_text, changes, values, at_end


def edit_text(text: str, name: str, edit: ItemEdit) -> tuple[str, list[Change]]:
    """The plan *text* with *edit* applied, and what changed. Raises PlanError, changing nothing.

    The result is valid; every item other than the edited one is unchanged, and the edited
    one has the requested values.
    """
    new_text, changes = edit_text_many(text, name, [edit])
    return new_text, changes[0]


def edit_text_many(text: str, name: str, edits: Sequence[ItemEdit]) -> tuple[str, list[list[Change]]]:
    """The plan *text* with every one of *edits* applied in turn, and what each changed (a
    later edit of the same item wins). Raises PlanError, changing nothing, if any edit fails."""
    worked = _work_out(text.encode("utf-8"), name, edits, None)
    return worked.new_text, worked.changes


# ---------------------------------------------------------------------------------------
# Editing the file


def update_items(
    path: str, edits: Sequence[ItemEdit], *, dry_run: bool = False, known: LoadedPlan | None = None
) -> BatchResult:
    """Apply every one of *edits* to the plan file at *path*, written once (or, with *dry_run*,
    only work out the diff).

    All the edits are applied to the text, the result is checked, and the file is replaced
    once, atomically, under the lock, keeping what other programs write meanwhile. A
    PlanError for any edit changes nothing. *known* is the plan as the caller loaded it from
    *path* (sendplan.plan.read.load_plan); while the file still holds that text it is not
    loaded again.
    """
    real = writable_path(path)
    batch = BatchResult(path, [EditResult(path, edit.item_id) for edit in edits])
    if dry_run:
        worked = _work_out(_read(real, path), path, edits, known)
    else:
        with plan_lock(real, path) as held:
            original = held.read()
            worked = _work_out(original, path, edits, known)
            if worked.changed:
                latest = [worked]

                def redo(current: bytes) -> bytes:
                    latest[0] = _redo(current, path, edits, original, worked)
                    return latest[0].data() if latest[0].changed else current

                replace_plan(held, original, worked.data(), redo)
                worked = latest[0]
                batch.written = worked.changed
    for result, changes in zip(batch.results, worked.changes, strict=True):
        result.changes = changes
        result.written = batch.written and bool(changes)
    batch.diff = unified_diff(worked.text, worked.new_text, path)
    if batch.written:
        _keep_warm(worked)
    return batch


def update_item(path: str, edit: ItemEdit, *, dry_run: bool = False, known: LoadedPlan | None = None) -> EditResult:
    """Apply *edit* to the plan file at *path* in place (or only work out the diff, with *dry_run*)."""
    batch = update_items(path, [edit], dry_run=dry_run, known=known)
    result = batch.results[0]
    result.diff = batch.diff
    return result


_COMMENT_LINES = re.compile(rb"(?: *#[^\r\n]*\r?\n)*(?: *#[^\r\n]*)?")


def _redo(current: bytes, name: str, edits: Sequence[ItemEdit], original: bytes, first: _Worked) -> _Worked:
    """The edits worked out again on what another program left in the file.

    When it only added comment lines to the end (a log, a sync client's note), the plan is
    the one already checked, so it is not loaded again: a program that keeps appending
    cannot hold an edit off for long.
    """
    appended = current.startswith(original) and original.endswith(b"\n")
    vouched = first if appended and _COMMENT_LINES.fullmatch(current, len(original)) else None
    if vouched is not None and first.end_untouched:
        # What the fast editor would make of the longer text, without the work: the edited
        # lines are where they were, and the comment lines follow, with the file's line ends.
        added = current[len(original) :].decode("utf-8").replace("\r\n", "\n")
        if "\r\n" in first.text:
            added = added.replace("\n", "\r\n")
        text = first.text + added
        return dataclasses.replace(first, text=text, new_text=first.new_text + added if first.changed else text)
    try:
        return _work_out(current, name, edits, None, vouched=vouched)
    except PlanError as error:
        line = original[: _shared_prefix(original, current)].count(b"\n") + 1
        lead = Problem(
            f"another program changed the plan (from line {line} on) while this edit was being saved. The "
            "edit was worked out again on the changed file but cannot be made there, so the file keeps that "
            "program's change and not this edit:",
            Location(name),
        )
        raise PlanError([lead, *error.problems]) from None


def _keep_warm(worked: _Worked) -> None:
    """Give the cache the new text's snapshot, so the next command does not load the plan again."""
    from sendplan.plan import cache, snapshot_edit

    if worked.after is not None:
        cache.store(worked.new_text, worked.after.plan)
    elif worked.values:
        snapshot_edit.store_edited(worked.snapshot_of, worked.new_text, worked.values)


def _read(path: str, name: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise PlanError.single(f"cannot read the plan: {error.strerror}.", Location(name)) from None


# ---------------------------------------------------------------------------------------
# The diff


def _shared_prefix(a: Any, b: Any, limit: int | None = None, *, from_end: bool = False) -> int:
    """How many leading (or, *from_end*, trailing) elements *a* and *b* share, at most *limit*:
    compared a block at a time, so that long equal runs cost little."""
    size = min(len(a), len(b)) if limit is None else limit

    def run(text: Any, start: int, end: int) -> Any:
        return text[len(text) - end : len(text) - start] if from_end else text[start:end]

    done = 0
    step = 4096
    while done < size:
        end = min(done + step, size)
        if run(a, done, end) == run(b, done, end):
            done = end
            step *= 2
        elif step > 1:
            step = max(step // 8, 1)
        else:
            return done
    return done


def _lines_on(text: str, position: int, count: int) -> int:
    """Where the line *count* lines after the one holding *position* starts (or the end)."""
    for _ in range(count):
        found = text.find("\n", position)
        if found == -1:
            return len(text)
        position = found + 1
    return position


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff, labelled as git labels a relative path.

    Only the lines from the first change to the last, with their context, are split and
    handed to difflib: at 100,000 items the whole file would take seconds.
    """
    if old == new:
        return ""
    label_a, label_b = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
    head = _shared_prefix(old, new)
    start = old.rfind("\n", 0, head) + 1
    # Context, and room for difflib to line up repeated lines as it would over the whole file.
    for _ in range(DIFF_SLACK):
        if start:
            start = old.rfind("\n", 0, start - 1) + 1
    tail = _shared_prefix(old, new, min(len(old), len(new)) - head, from_end=True)
    # Cut where a line starts inside the shared tail, so both sides end on the same whole lines.
    line_end = old.find("\n", len(old) - tail)
    cut_old = len(old) if line_end == -1 else _lines_on(old, line_end + 1, DIFF_SLACK)
    cut_new = len(new) - (len(old) - cut_old)
    before = old[start:cut_old].splitlines(keepends=True)
    after = new[start:cut_new].splitlines(keepends=True)
    offset = old.count("\n", 0, start)
    lines = difflib.unified_diff(before, after, label_a, label_b)
    shifted = [_shift(line, offset) if line.startswith("@@ ") else line for line in lines]
    # As git and diff(1) mark a last line that has no newline.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in shifted)


def _shift(header: str, by: int) -> str:
    """A hunk header with its line numbers moved down by *by* lines."""
    return re.sub(r"(?<=[-+])\d+", lambda match: str(int(match.group()) + by), header, count=2)
