"""Edits in milliseconds at any size: the item's lines found by a scan of the text, edited
through ruamel.yaml in a small document that holds only them, checked, and spliced back.

The item is found by a text scan rather than by positions kept in the cache: a scan of the
text just read needs nothing from the cache's format, cannot be out of date, and costs a few
milliseconds even at 100,000 items (the regular expressions run in C; only the lines that
lead from the item up to `tasks:` are looked at in Python). What is found is proved before it
is used:
- exactly one line in the file is this item's `- id: …` (or `- {id: …, …}`) line;
- the lines above it lead, as block sequences under plain keys, through `items:`, a
  deliverable, `deliverables:` and a task to the file's one `tasks:` line at column 0;
- the item's lines (to the next line indented no deeper than its dash) read back, through
  the loader's own YAML code, as exactly the item the plan already holds (same values,
  parsed by the same rules as the models).
A small document is then made of the item's lines under stand-in parents with the same
indentation, and ruamel must write it back byte for byte; the edit is made there exactly as
the whole-file editor makes it (edit.py's own functions), and the edited lines must read
back as the item with exactly the asked-for values. Every byte outside the item's lines is
kept as it was. The result is the file the whole-file editor would write.

Anything that is not proved falls back to the whole-file round trip (edit.py): an item
whose id is not its first key, an id line that appears twice, parents written in flow style
or with quoted keys, lines ruamel would rewrite, values the fast checks cannot vouch for (a
status or lead code not written canonically, a deadline that does not parse, a RAG rating
without its reason) and items that do not read back as the plan holds them. It never reads
the models (pydantic), so it needs no full load when the plan came from the cache.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sendplan.plan.codes import ITEM_ID, LEAD_CODE, Rag, Status, normalise_lead_code, parse_rag, parse_status
from sendplan.plan.dates import parse_day, parse_deadline

# Item fields in the models' order (a test keeps this in step with sendplan.plan.model.Item),
# and how each is read: text, a list of texts, a deadline, a day, ...
ITEM_FIELDS: dict[str, str] = {
    "id": "id",
    "action": "text",
    "success_criteria": "texts",
    "deadline": "deadline",
    "deadline_note": "text",
    "lead": "lead",
    "status": "status",
    "completed": "day",
    "rag": "rag",
    "rag_reason": "text",
    "revised_deadline": "deadline",
    "revision_reason": "text",
    "recovery": "text",
    "impact": "text",
    "decision": "text",
    "updates": "updates",
    "evidence": "texts",
    "depends_on": "ids",
}
ITEM_ORDER = list(ITEM_FIELDS)
_STATUSES = frozenset(status.value for status in Status)
_RAGS = frozenset(rag.value for rag in Rag)
_COMMENT = r"(?:[ ]+#[^\n]*)?[ ]*"
# The characters an id line can have just before and after the id.
_BEFORE_ID = frozenset(" \"'")
_AFTER_ID = frozenset(" \"',}\n#")


@dataclass(frozen=True, slots=True)
class Found:
    """An item's lines in the text (from *start* to *end*, whole lines) and its parents'
    indentation as stand-in lines."""

    start: int
    end: int
    dash: int
    parents: str
    followed: bool  # something comes after the item's lines


# ---------------------------------------------------------------------------------------
# Finding the item's lines


@functools.lru_cache(maxsize=64)
def _shallower(indent: int, *, same: bool = False) -> re.Pattern[str]:
    """A line that is not blank or a comment, indented less than *indent* (or as much, with
    *same*, unless it is another entry of a sequence there)."""
    parts = [rf" {{0,{indent - 1}}}(?=[^ \n#])"] if indent > 0 else []
    if same:
        parts.append(rf" {{{indent}}}(?=[^ \n#-]|-[^ \n])")
    return re.compile(r"\n(?:" + "|".join(parts) + ")") if parts else re.compile(r"(?!)")


@functools.lru_cache(maxsize=64)
def _no_deeper(indent: int) -> re.Pattern[str]:
    """A line that is not blank or a comment, indented no more than *indent*."""
    return re.compile(rf"\n {{0,{indent}}}(?=[^ \n#])")


def _last_before(text: str, end: int, pattern: re.Pattern[str]) -> int | None:
    """Where the last match of *pattern* before *end* starts, searching back in growing windows."""
    size = 4096
    while True:
        start = max(0, end - size)
        starts = [match.start() for match in pattern.finditer(text, start, end)]
        if starts:
            return starts[-1]
        if start == 0:
            return None
        size *= 4


def _line(text: str, newline: int) -> str:
    end = text.find("\n", newline + 1)
    return text[newline + 1 : end if end != -1 else len(text)]


def _owner(text: str, newline: int, dash: int, key: str) -> tuple[int, int | None, int] | None:
    """The `key:` line that owns the block sequence whose entry starts after *newline* with
    its dash at column *dash*: (the key's column, the dash column when the key is the first of
    a sequence entry written on the same line, where that line starts)."""
    found = _last_before(text, newline, _shallower(dash, same=True))
    if found is None:
        return None
    line = _line(text, found)
    alone = re.fullmatch(rf"( *){key}:{_COMMENT}", line)
    if alone:
        return len(alone.group(1)), None, found
    entry = re.fullmatch(rf"( *)-( +){key}:{_COMMENT}", line)
    if entry and len(entry.group(1)) + 1 + len(entry.group(2)) <= dash:
        return len(entry.group(1)) + 1 + len(entry.group(2)), len(entry.group(1)), found
    return None


def _entry(text: str, newline: int, column: int) -> tuple[int, int] | None:
    """The sequence entry (`- …`) whose mapping has its keys at *column*, above *newline*:
    (its dash column, where its line starts)."""
    found = _last_before(text, newline, _shallower(column))
    if found is None:
        return None
    entry = re.match(r"( *)-( +)[^ ]", _line(text, found))
    if entry is None or len(entry.group(1)) + 1 + len(entry.group(2)) != column:
        return None
    return len(entry.group(1)), found


def _parent(text: str, newline: int, dash: int, key: str) -> tuple[int, int, int, bool] | None:
    """Up one level from the sequence entry after *newline* (dash at column *dash*): the
    sequence's owner *key* and the entry of the mapping that holds it: (the key's column, that
    entry's dash column, where the entry's line starts, whether the key is on the dash line)."""
    owner = _owner(text, newline, dash, key)
    if owner is None:
        return None
    column, entry_dash, at = owner
    if entry_dash is not None:
        return column, entry_dash, at, True
    entry = _entry(text, at, column)
    return None if entry is None else (column, entry[0], entry[1], False)


def _stand_in(dash: int, column: int, key: str, on_dash_line: bool) -> str:
    lead = " " * dash + "-" + " " * (column - dash - 1)
    return f"{lead}{key}:\n" if on_dash_line else f"{lead}_: 0\n{' ' * column}{key}:\n"


def _under_tasks(text: str, newline: int, dash: int) -> bool:
    """Whether the task entry after *newline* (dash at column *dash*) is an entry of the block
    sequence under the file's one `tasks:` line at column 0.

    The same test as for the other parents, made forwards from `tasks:` in one pass: the
    lines between must all be deeper, or entries at the dash's column.
    """
    owner = text.find("\ntasks:")
    if owner == -1 or owner > newline:
        return False
    other = text.find("\ntasks", owner + 1)
    while other != -1:  # only one line of the file may start a `tasks` key
        if text[other + 6 : other + 7] in (":", " "):
            return False
        other = text.find("\ntasks", other + 1)
    if not re.fullmatch(rf"tasks:{_COMMENT}", _line(text, owner)):
        return False
    line_end = text.find("\n", owner + 1)
    return _shallower(dash, same=True).search(text, line_end, newline) is None


def _id_lines(text: str, item_id: str) -> list[tuple[int, int]]:
    """Where each line that starts item *item_id* (`- id: ID`, `- {id: ID, …}`) starts in
    *text*: (the newline before it, the column of its dash). The id is found by a plain search,
    which is many times faster than a regular expression over the whole text."""
    quoted = re.escape(item_id)
    pattern = re.compile(rf"( *)- (\{{ *)?id: *(?:\"{quoted}\"|'{quoted}'|{quoted})(?(2) *[,}}]|{_COMMENT}(?=\n))")
    found = []
    at = text.find(item_id)
    end = len(item_id)
    while at != -1:
        # Most places the id's characters occur are inside other ids ("11.1", "1.10"): skip
        # those on the characters around them before looking at the line.
        if text[at - 1] in _BEFORE_ID and text[at + end : at + end + 1] in _AFTER_ID:
            newline = text.rfind("\n", 0, at)
            match = pattern.match(text, newline + 1)
            if match:
                found.append((newline, len(match.group(1))))
        at = text.find(item_id, at + end)
    return found


def find_item(text: str, item_id: str) -> Found | None:
    """The lines of item *item_id* in *text* (which starts with a newline), or None unless
    they are proved to be the item (see the module's docstring)."""
    if not ITEM_ID.fullmatch(item_id):
        return None
    starts = _id_lines(text, item_id)
    if len(starts) != 1:
        return None
    start, dash = starts[0]
    deliverable = _parent(text, start, dash, "items")
    task = deliverable and _parent(text, deliverable[2], deliverable[1], "deliverables")
    if not (deliverable and task and _under_tasks(text, task[2], task[1])):
        return None
    parents = "tasks:\n" + _stand_in(task[1], task[0], "deliverables", task[3])
    parents += _stand_in(deliverable[1], deliverable[0], "items", deliverable[3])
    after = text.find("\n", start + 1)
    following = _no_deeper(dash).search(text, after) if after != -1 else None
    end = following.start() + 1 if following else len(text)
    return Found(start + 1, end, dash, parents, following is not None)


# ---------------------------------------------------------------------------------------
# Reading an item's plain data as the models do, without them


def _same_text(value: Any, typed: Any) -> bool:
    return (value is None and typed is None) or (isinstance(value, str) and value == typed)


def _same_texts(value: Any, typed: list[str]) -> bool:
    values = [value] if isinstance(value, str) else value
    return isinstance(values, list) and all(isinstance(part, str) for part in values) and values == list(typed)


def _same_updates(value: Any, typed: list[Any]) -> bool:
    if not isinstance(value, list) or len(value) != len(typed):
        return False
    for entry, update in zip(value, typed, strict=True):
        if not isinstance(entry, dict) or not set(entry) <= {"date", "by", "text"} or "date" not in entry:
            return False
        if not (isinstance(entry["date"], str) and parse_day(entry["date"]) == update.date):
            return False
        by = entry.get("by")
        if not ((by is None and update.by is None) or (isinstance(by, str) and normalise_lead_code(by) == update.by)):
            return False
        if not (isinstance(entry.get("text"), str) and entry["text"] == update.text):
            return False
    return True


def _same(kind: str, value: Any, typed: Any) -> bool:
    """Whether the plain *value* (every scalar a string, or None) reads as the model's *typed* value."""
    if kind == "text":
        return _same_text(value, typed)
    if kind == "ids":
        parts = [value] if isinstance(value, str) else value
        if not isinstance(parts, list) or not all(isinstance(part, str) and ITEM_ID.fullmatch(part.strip()) for part in parts):
            return False
        return [part.strip() for part in parts] == list(typed)
    if kind == "texts":
        return _same_texts(value, typed)
    if kind == "updates":
        return _same_updates(value, typed)
    if value is None:
        return typed is None
    if not isinstance(value, str):
        return False
    if kind == "id":
        return ITEM_ID.fullmatch(value.strip()) is not None and value.strip() == typed
    if kind == "lead":
        return LEAD_CODE.fullmatch(normalise_lead_code(value)) is not None and normalise_lead_code(value) == typed
    if kind == "status":
        return bool(parse_status(value).value == str(typed))
    if kind == "rag":
        return typed is not None and bool(parse_rag(value).value == str(typed))
    if kind == "day":
        return bool(parse_day(value) == typed)
    return bool(parse_deadline(value) == typed)  # a deadline


_ABSENT: dict[str, Any] = {"status": Status.NOT_STARTED.value, "texts": [], "ids": [], "updates": []}


def reads_as(data: Any, item: Any) -> bool:
    """Whether the plain *data* of an item (as parse.to_data gives it) is exactly *item*, a
    model or a cached record: each field as the models would read it, no other key."""
    if not isinstance(data, dict) or not set(data) <= ITEM_FIELDS.keys():
        return False
    try:
        for name, kind in ITEM_FIELDS.items():
            typed = getattr(item, name)
            if name not in data:
                absent = _ABSENT.get(name, _ABSENT.get(kind))
                if (str(typed) if name == "status" else typed) != absent:
                    return False
            elif not _same(kind, data[name], typed):
                return False
    except (ValueError, AttributeError):  # a value the models would refuse: not this item
        return False
    return True


# ---------------------------------------------------------------------------------------
# The edit


def provable(edit: Any) -> bool:
    """Whether every value *edit* sets can be vouched for without the models."""
    if edit.status is not None and edit.status not in _STATUSES:
        return False
    if edit.rag is not None and edit.rag not in _RAGS:
        return False
    if edit.revised_deadline is not None:
        try:
            parse_deadline(edit.revised_deadline)
        except ValueError:
            return False
    note = edit.note
    return note is None or note.by is None or (note.by == normalise_lead_code(note.by) and LEAD_CODE.fullmatch(note.by) is not None)


def _read_item(text: str, name: str) -> Any:
    """The plain data of the one item of a small document, or None if it does not load cleanly."""
    from sendplan.errors import PlanError
    from sendplan.plan.parse import anchor_problems, compose, refuse_merge_conflicts, to_data

    try:
        refuse_merge_conflicts(text, name)
        root = compose(text, name)
        if root is None or anchor_problems(text, name):
            return None
        data, problems = to_data(root, name, text=text)
    except PlanError:
        return None
    if problems:
        return None
    try:
        items = data["tasks"][0]["deliverables"][0]["items"]
    except (KeyError, IndexError, TypeError):
        return None
    return items[0] if isinstance(items, list) and items else None


Apply = Callable[[Any, Any], tuple[Any, list[Any]]]


def edit_item(
    text: str, name: str, item: Any, edits: Sequence[Any], apply: Apply, planned: Callable[[Any], list[tuple[str, Any, str]]]
) -> tuple[str, list[list[Any]], dict[str, Any], bool] | None:
    """*text* (starting with a newline, ending with one) with *edits* (all of one item, whose
    model or record is *item*) applied; what each changed, the item's new values, and whether
    the item's lines run to the end of the text. None when the fast path cannot prove the
    result (the caller then edits the whole file).

    *apply(node, edit)* makes one edit on the item's ruamel node: (the edit as made, changes);
    *planned(edit)* lists (field, YAML value, value as shown): edit.py's own functions.
    """
    from sendplan.plan.roundtrip import dump, round_trip

    found = find_item(text, edits[0].item_id)
    if found is None:
        return None
    sentinel = " " * found.dash + "- id: _\n"
    small = found.parents + text[found.start : found.end] + (sentinel if found.followed else "")
    before = _read_item(small, name)
    if before is None or not reads_as(before, item):
        return None
    yaml, document, base = round_trip(small)
    if base != small:
        return None
    node = document["tasks"][0]["deliverables"][0]["items"][0]
    expected = dict(before)
    values: dict[str, Any] = {}
    changes: list[list[Any]] = []
    for asked in edits:
        made, changed = apply(node, asked)
        changes.append(changed)
        if made.clear_rag and made.rag is None:  # a rating set by hand removed (itemedit.clears_rag)
            for key in ("rag", "rag_reason"):
                expected.pop(key, None)
                values[key] = None
        for key, _, shown in planned(made):
            expected[key] = shown
            values[key] = _typed(key, shown, made)
        if made.note is not None:
            note = {"date": made.note.date.isoformat(), **({"by": made.note.by} if made.note.by else {}), "text": made.note.text}
            expected["updates"] = [*(expected.get("updates") or []), note]
            old = values.get("updates", [(update.date, update.by, update.text) for update in item.updates])
            values["updates"] = [*old, (made.note.date, made.note.by or None, made.note.text)]
        if made.evidence is not None:
            present = expected.get("evidence") or []
            expected["evidence"] = [*([present] if isinstance(present, str) else present), made.evidence]
            values["evidence"] = [*values.get("evidence", list(item.evidence)), made.evidence]
    if not any(changes):
        return text, changes, {}, not found.followed
    if not _reasons_given(item, values):
        return None
    written = dump(yaml, document)
    if not (written.startswith(found.parents) and written.endswith(sentinel if found.followed else "")):
        return None
    lines = written[len(found.parents) : len(written) - (len(sentinel) if found.followed else 0)]
    if _read_item(found.parents + lines + (sentinel if found.followed else ""), name) != expected:
        return None
    result = text[: found.start] + lines + text[found.end :]
    # By construction, but cheap to be sure: nothing outside the item's lines moved.
    if not (result.startswith(text[: found.start]) and result.endswith(text[found.end :])):
        return None
    return result, changes, values, not found.followed


def _typed(key: str, shown: str, edit: Any) -> Any:
    """A value the edit sets, as the models hold it."""
    if key == "completed":
        return edit.completed if isinstance(edit.completed, date) else parse_day(shown)
    if key == "revised_deadline":
        return parse_deadline(shown)
    return shown


def _reasons_given(item: Any, values: dict[str, Any]) -> bool:
    """The models' rule: a RAG set by hand and a revised deadline each need their reason."""

    def now(key: str) -> Any:
        return values[key] if key in values else getattr(item, key)

    return not ((now("rag") is not None and not now("rag_reason")) or (now("revised_deadline") is not None and not now("revision_reason")))
