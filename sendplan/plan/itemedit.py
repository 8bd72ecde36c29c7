"""One edit of one item: what it sets (ItemEdit, Note), what it changed (Change), how it is
made on the item's ruamel.yaml round-trip node, and the whole-file editor.

The whole-file editor loads the whole file with ruamel.yaml, makes the edits there and splices
only the changed lines into the text (roundtrip.py); the new text must load as a valid plan,
with every other item unchanged and each edited one as asked. It is exact but slow on a big
plan, so edit.py uses it only where the fast editor (splice.py), which makes the edit the same
way on the item's own lines, cannot prove its result. Nothing here reads or writes files.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sendplan.errors import Location, PlanError, Problem
from sendplan.plan.load import LoadedPlan, parse_plan
from sendplan.plan.roundtrip import (
    append,
    deadline_value,
    dump,
    prose,
    remove_key,
    round_trip,
    set_key,
    splice,
    word,
)
from sendplan.plan.splice import ITEM_ORDER


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
    # Added to the item's evidence list.
    evidence: str | None = None
    # Remove a RAG rating set by hand (and its reason), so the rule rates the item again.
    # Completing an item does this too, unless the same edit sets a rating.
    clear_rag: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """One field that changed: its value as written before (None if absent) and after."""

    field: str
    before: str | None
    after: str


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# The change list's word for a rating that the rule gives again, and for its reason.
BY_RULE = "(rule)"
REMOVED = "(removed)"
RAG_KEYS = ("rag", "rag_reason")


# ---------------------------------------------------------------------------------------
# Making an edit on an item's node


def planned(edit: ItemEdit) -> list[tuple[str, Any, str]]:
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


def note_value(note: Note) -> Any:
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


def clears_rag(edit: ItemEdit) -> bool:
    """Whether *edit* (as made) removes a rating set by hand: asked to, or by completing the
    item without setting a rating (completion makes the rule's rating blue; a red or amber
    set before would otherwise outlive the work)."""
    return edit.rag is None and (edit.clear_rag or edit.status == "complete")


def _resolved(edit: ItemEdit, item: Any) -> ItemEdit:
    """*edit* with completed_unless_set turned into a completion day, or dropped.

    *item* is the item as it stands, after any earlier edit of the same batch.
    """
    if clears_rag(edit) and not edit.clear_rag:
        edit = dataclasses.replace(edit, clear_rag=True)
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


def _append_entry(item: Any, key: str, value: Any, order: list[str]) -> None:
    """Add *value* at the end of the item's list *key*, starting the list (or turning one text into a
    list) when needed."""
    from ruamel.yaml.comments import CommentedSeq

    current = item.get(key)
    if isinstance(current, CommentedSeq) and not current.fa.flow_style():
        append(current, value)
        return
    fresh = CommentedSeq()
    if isinstance(current, str):
        fresh.append(current)  # one text written without the list dashes
    else:
        fresh.extend(current or [])
    fresh.append(value)
    set_key(item, key, fresh, order)


def _clear_rag(item: Any) -> list[Change]:
    """Remove the item's rating set by hand and its reason: what that changed."""
    changes = []
    for key in RAG_KEYS:
        if key in item:
            before = _shown(item[key])
            remove_key(item, key)
            changes.append(Change(key, before, BY_RULE if key == "rag" else REMOVED))
    return changes


def apply(item: Any, asked: ItemEdit) -> tuple[ItemEdit, list[Change]]:
    """Make the edit *asked* on the round-trip *item* node: (the edit as made, with "complete
    unless already complete" decided, and what changed, in field order)."""
    edit = _resolved(asked, item)
    order = ITEM_ORDER
    changes: list[Change] = []
    # The rating set by hand goes where it stands in field order: after status and completed.
    cleared = not clears_rag(edit)
    for key, value, shown in planned(edit):
        if not cleared and order.index(key) > order.index("rag_reason"):
            changes += _clear_rag(item)
            cleared = True
        before = _shown(item.get(key))
        if before == shown:
            continue
        set_key(item, key, value, order)
        changes.append(Change(key, before, shown))
    if not cleared:
        changes += _clear_rag(item)
    if edit.note is not None:
        _append_entry(item, "updates", note_value(edit.note), order)
        by = f" by {edit.note.by}" if edit.note.by else ""
        changes.append(Change("updates", None, f"{edit.note.date.isoformat()}{by}: {edit.note.text}"))
    if edit.evidence is not None:
        _append_entry(item, "evidence", prose(edit.evidence), order)
        changes.append(Change("evidence", None, edit.evidence))
    return edit, changes


# ---------------------------------------------------------------------------------------
# The whole-file editor


def whole_file(
    text: str, name: str, loaded: LoadedPlan, edits: Sequence[ItemEdit]
) -> tuple[str, list[list[Change]], LoadedPlan | None]:
    """The plan *text* (whose plan is *loaded*; every edit's item is in it) with every one of
    *edits* applied in turn: the new text, what each edit changed, and the new text's plan
    (None when nothing changed).

    One round trip and one check for the lot: the result has been loaded and validated, every
    item no edit names is unchanged, and each edited item has the values asked for (a later
    edit of the same item wins). Raises PlanError, changing nothing, if any edit fails.
    """
    if not hasattr(loaded.plan, "model_dump"):  # a plan from the cache: the check needs the models
        loaded = parse_plan(text, name)
    paths = [loaded.item_path(edit.item_id) for edit in edits]
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    # ruamel always ends its dump with a newline; give the text one too, and take it off again.
    unterminated = not plain.endswith("\n")
    if unterminated:
        plain += "\n"
    yaml, document, base = round_trip(plain)
    resolved: list[ItemEdit] = []
    changes: list[list[Change]] = []
    for asked, path in zip(edits, paths, strict=True):
        if path is None:  # the caller checks every id first
            raise PlanError.single(f'there is no item "{asked.item_id}" in {name}.', Location(name))
        edit, changed = apply(_item_node(document, path), asked)
        resolved.append(edit)
        changes.append(changed)
    if not any(changes):
        return text, changes, None
    new_text = splice(plain, base, dump(yaml, document), ", ".join(dict.fromkeys(edit.item_id for edit in edits)))
    if unterminated:
        new_text = new_text.removesuffix("\n")
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    return new_text, changes, _check(loaded, new_text, name, resolved)


def _expected(edits: Sequence[ItemEdit]) -> dict[str, tuple[dict[str, str | None], list[str], list[str]]]:
    """Per edited item: the values it must end with (the last edit wins; None: absent), its new
    notes and its new evidence."""
    expected: dict[str, tuple[dict[str, str | None], list[str], list[str]]] = {}
    for edit in edits:
        values, notes, evidence = expected.setdefault(edit.item_id, ({}, [], []))
        values.update({key: shown for key, _, shown in planned(edit)})
        if clears_rag(edit):
            values.update(dict.fromkeys(RAG_KEYS))
        if edit.note is not None:
            notes.append(edit.note.text)
        if edit.evidence is not None:
            evidence.append(edit.evidence)
    return expected


def _check(before: LoadedPlan, new_text: str, name: str, edits: Sequence[ItemEdit]) -> LoadedPlan:
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
    for item_id, (values, notes, evidence) in _expected(edits).items():
        target = new.pop(item_id, None)
        old.pop(item_id, None)
        if target is None:
            as_asked = False
            continue
        as_asked = as_asked and all(
            target.get(key) is None if value is None else str(target.get(key)) == value for key, value in values.items()
        )
        if notes:
            written = [update["text"] for update in target["updates"][-len(notes) :]]
            as_asked = as_asked and written == notes
        if evidence:
            as_asked = as_asked and target["evidence"][-len(evidence) :] == evidence
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
    return after
