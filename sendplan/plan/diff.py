"""What changed between two versions of a plan, in plan terms. Pure: two Plans in, Changes out.

Items are matched by id. A change is one of: an item added or removed, moved to another task,
re-assigned (lead), re-dated (baseline or revised deadline, with the slip in days), completed,
a status change, a RAG rating set by hand, a progress update added or removed, or a change to
the words of the action, the success criteria or the exception note (recovery, impact,
decision). Wording that differs only in spacing, and a deadline respelled without moving
("Mar 2022" → "31 Mar 2022"), are not changes.
Nothing here reads files, git or the clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The order changes to one item are listed in.
ADDED = "added"
REMOVED = "removed"
MOVED = "moved"
REASSIGNED = "re-assigned"
REDATED = "re-dated"
COMPLETED = "completed"
STATUS = "status"
RAG = "rag"
UPDATE = "update"
TEXT = "text"

CRITERIA_SEPARATOR = " | "


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of a plan: exactly the JSON contract's fields, in order.

    *old* and *new* are the values as text (None where there was or is none; for a revised
    deadline, *old* is the deadline it replaces: the earlier revision, else the baseline);
    *slip_days* is how many days later (negative: earlier) an item now falls due, for re-dated
    items whose dates are known; *date* is the day the plan gives for a completion or an update.
    """

    id: str
    task: int
    change: str
    field: str | None
    old: str | None
    new: str | None
    slip_days: int | None = None
    date: str | None = None


def _words(text: str | None) -> str | None:
    """Text with runs of spaces and line breaks folded, so re-wrapping a line is not a change."""
    if text is None:
        return None
    folded = " ".join(text.split())
    return folded or None


def _criteria(item: Any) -> str | None:
    parts = [folded for folded in (_words(text) for text in item.success_criteria) if folded]
    return CRITERIA_SEPARATOR.join(parts) or None


def _deadline_key(deadline: Any) -> tuple[Any, ...] | None:
    """What a deadline means, not how it is spelled: its day, or its month for a yearly one."""
    if deadline is None:
        return None
    if deadline.recurs:
        return ("every", deadline.month)
    return ("on", deadline.due_date)


def _text(deadline: Any) -> str | None:
    return deadline.text if deadline is not None else None


def _slip(old_deadline: Any, new_deadline: Any) -> int | None:
    old_day = getattr(old_deadline, "due_date", None)
    new_day = getattr(new_deadline, "due_date", None)
    if old_day is None or new_day is None:
        return None
    slip: int = (new_day - old_day).days
    return slip


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _item_changes(item_id: str, old: Any, new: Any, old_task: int, task: int) -> Iterator[Change]:
    if old_task != task:
        yield Change(item_id, task, MOVED, "task", str(old_task), str(task))
    if old.lead != new.lead:
        yield Change(item_id, task, REASSIGNED, "lead", old.lead, new.lead)
    if _deadline_key(old.deadline) != _deadline_key(new.deadline):
        yield Change(
            item_id, task, REDATED, "deadline", _text(old.deadline), _text(new.deadline),
            _slip(old.deadline, new.deadline),
        )  # fmt: skip
    if _deadline_key(old.revised_deadline) != _deadline_key(new.revised_deadline):
        # Was and the slip are when the item fell due before: its old revised date, else its
        # baseline, so a first revision reads "JULY 2022 → Sep 2022", not "nothing → Sep 2022".
        before = old.revised_deadline or old.deadline
        yield Change(
            item_id, task, REDATED, "revised_deadline", _text(before), _text(new.revised_deadline),
            _slip(before, new.revised_deadline or new.deadline),
        )  # fmt: skip
    newly_complete = new.status.value == "complete" and old.status != new.status
    if newly_complete:
        yield Change(item_id, task, COMPLETED, "status", old.status.value, new.status.value, date=_iso(new.completed))
    elif old.status != new.status:
        yield Change(item_id, task, STATUS, "status", old.status.value, new.status.value)
    if old.completed != new.completed and not newly_complete:
        yield Change(
            item_id, task, COMPLETED, "completed", _iso(old.completed), _iso(new.completed), date=_iso(new.completed)
        )
    if old.rag != new.rag:
        yield Change(item_id, task, RAG, "rag", _value(old.rag), _value(new.rag))
    yield from _update_changes(item_id, task, old.updates, new.updates)
    if _words(old.action) != _words(new.action):
        yield Change(item_id, task, TEXT, "action", _words(old.action), _words(new.action))
    if _criteria(old) != _criteria(new):
        yield Change(item_id, task, TEXT, "success_criteria", _criteria(old), _criteria(new))
    for name in ("recovery", "impact", "decision"):  # the exception note
        if _words(getattr(old, name)) != _words(getattr(new, name)):
            yield Change(item_id, task, TEXT, name, _words(getattr(old, name)), _words(getattr(new, name)))


def _value(member: Any) -> str | None:
    return member.value if member is not None else None


def _update_key(update: Any) -> tuple[Any, str | None, str | None]:
    return (update.date, update.by, _words(update.text))


def _update_text(update: Any) -> str | None:
    text = _words(update.text)
    return f"{update.by}: {text}" if update.by and text else text


def _update_changes(item_id: str, task: int, old: list[Any], new: list[Any]) -> Iterator[Change]:
    """Updates in one version and not the other (as many times as they differ), newest last."""
    before = Counter(_update_key(update) for update in old)
    after = Counter(_update_key(update) for update in new)
    gone = before - after
    for update in old:
        if gone[_update_key(update)] > 0:
            gone[_update_key(update)] -= 1
            yield Change(item_id, task, UPDATE, "updates", _update_text(update), None, date=_iso(update.date))
    added = after - before
    for update in new:
        if added[_update_key(update)] > 0:
            added[_update_key(update)] -= 1
            yield Change(item_id, task, UPDATE, "updates", None, _update_text(update), date=_iso(update.date))


def id_order(item_id: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts 4.2 before 4.10 and 4.10 before 4.10a."""
    parts: list[tuple[int, int | str]] = []
    for part in item_id.replace("-", ".").replace("_", ".").split("."):
        digits = part[: len(part) - len(part.lstrip("0123456789"))]
        if digits:
            parts.append((0, int(digits)))
        if part[len(digits) :]:
            parts.append((1, part[len(digits) :]))
    return tuple(parts)


def compare(old_plan: Any, new_plan: Any) -> list[Change]:
    """Every change from *old_plan* to *new_plan*, item by item in id order."""
    old_items = {item.id: (task.number, item) for task, _, item in old_plan.iter_items()}
    new_items = {item.id: (task.number, item) for task, _, item in new_plan.iter_items()}
    changes: list[Change] = []
    for item_id in sorted(old_items.keys() | new_items.keys(), key=id_order):
        if item_id not in new_items:
            task, item = old_items[item_id]
            changes.append(Change(item_id, task, REMOVED, None, _words(item.action), None))
        elif item_id not in old_items:
            task, item = new_items[item_id]
            changes.append(Change(item_id, task, ADDED, None, None, _words(item.action)))
        else:
            old_task, old_item = old_items[item_id]
            task, new_item = new_items[item_id]
            changes.extend(_item_changes(item_id, old_item, new_item, old_task, task))
    return changes
