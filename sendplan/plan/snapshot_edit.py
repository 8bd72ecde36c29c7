"""The cache kept warm across an edit (plan/edit.py), without yaml or pydantic, touching only
what the edit changes.

The edited items are found by the old text's snapshot's index of ids and its flat table's
shape (flat.place_in); only their tasks' chunks are read, each verified, and decoded, of the
plan and of the flat table; the items' new values are set there and those chunks encoded
again; and the new text's snapshot is the old one with just those chunks replaced: every other
chunk is copied file to file with its digest, never read here (cachefile.py), and verified
when a command reads it. At 10,000 items an edit of one item reads four chunks of some 850
(the table's details, the plan's schema, its task's records and the table's rows of its 32
tasks), and the index.

It knows the snapshot's layout (snapshot.py): a model is (MODEL, name, field values, values of
its properties), and the schema names each model's fields. Best effort throughout, like the
cache: anything unexpected is a miss, never an error.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from sendplan.plan import cache
from sendplan.plan.cachefile import Snapshot
from sendplan.plan.dates import Deadline
from sendplan.plan.flat import (
    DELIVERABLE,
    ID,
    TASK,
    TASK_TITLE,
    TASKS_A_PART,
    FlatPlan,
    first_row,
    item_row,
    place_in,
)
from sendplan.plan.snapshot import DAY, DEADLINE, ENUM, MARSHAL_VERSION, MODEL, decoder

# Up to this many ids are looked up in the index one by one; more, through a dict of it.
_FEW = 8


@dataclass
class _Read:
    """A snapshot open for an edit, and the chunks decoded so far. Its sections "plan" (the plan
    without its tasks, each task, the schema) and "flat" (the table's details, each task's rows)
    are in chunks."""

    snapshot: Snapshot
    index: bytes  # the index section, verified
    schema: dict[str, Any]
    outline: FlatPlan  # the flat table's details, without its rows
    ids: list[str]  # the items' ids in plan order (the index)
    tasks: dict[int, Any] = field(default_factory=dict)  # the tasks decoded, by index
    where: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # id → (task, deliverable, item, row)
    _decode: Callable[[Any], Any] | None = None

    @classmethod
    def of(cls, text: str) -> _Read | None:
        """The snapshot of *text*, or None when there is none (raises on a damaged one)."""
        snapshot = cache.stored(text) if cache.cache_dir() is not None else None
        if snapshot is None:
            return None
        try:
            index = snapshot.raw("index")
            if index is None or not {"flat", "plan"} <= set(snapshot.sections):
                raise ValueError("a snapshot without its index or chunks")
            outline = FlatPlan.outline(marshal.loads(snapshot.chunk("flat", 0)))
            tasks = len(outline.shape)
            parts = -(-tasks // TASKS_A_PART)
            if snapshot.count("plan") != tasks + 2 or snapshot.count("flat") != parts + 1:
                raise ValueError("the sections of a snapshot disagree")
            schema = marshal.loads(snapshot.chunk("plan", tasks + 1))
            return cls(snapshot, index, schema, outline, marshal.loads(index))
        except BaseException:
            snapshot.close()
            raise

    def field_at(self, model: str, name: str) -> int:
        return int(self.schema[model]["fields"].index(name))

    def items_of(self, t: int, d: int) -> list[Any]:
        """The encoded items of deliverable *d* of task *t* (the task's chunk decoded on first use)."""
        task = self.tasks.get(t)
        if task is None:
            task = self.tasks[t] = marshal.loads(self.snapshot.chunk("plan", 1 + t))
        deliverable = task[2][self.field_at("Task", "deliverables")][d]
        items: list[Any] = deliverable[2][self.field_at("Deliverable", "items")]
        return items

    def find(self, ids: Collection[str]) -> None:
        """Find the items *ids* (those the plan has): where they are, checked against the plan."""
        wanted = [item_id for item_id in dict.fromkeys(ids) if item_id not in self.where]
        if len(wanted) <= _FEW:
            rows = {}
            for item_id in wanted:
                try:
                    rows[item_id] = self.ids.index(item_id)
                except ValueError:
                    continue
        else:
            chosen = set(wanted)
            rows = {item_id: number for number, item_id in enumerate(self.ids) if item_id in chosen}
        at_id = self.field_at("Item", "id")
        for item_id, number in rows.items():
            t, d, i = place_in(self.outline.shape, number)
            if self.items_of(t, d)[i][2][at_id] != item_id:
                raise ValueError("the index and the plan of a snapshot disagree")
            self.where[item_id] = (t, d, i, number)

    def decode(self, value: Any) -> Any:
        if self._decode is None:
            self._decode = decoder(self.schema)
        return self._decode(value)

    def encoded(self, item_id: str) -> Any:
        t, d, i, _ = self.where[item_id]
        return self.items_of(t, d)[i]


# The snapshot items() read for an edit, by its text, for the store_edited that follows.
_for_edit: dict[str, _Read] = {}


def items(text: str, ids: Collection[str]) -> dict[str, Any] | None:
    """The cached records of the items *ids* (those the plan has) of this text's plan, without
    restoring the rest; None when there is no snapshot of the text. A snapshot exists only
    for a plan that loaded without problems, so this also says the text is a valid plan. For
    an edit (plan/edit.py), which needs only the items it changes."""
    _let_go()
    try:
        # The collector is held off and what is alive frozen out of its sight (gc_paused): the
        # edit then imports the YAML layers, and each burst of objects would walk it again.
        with cache.gc_paused():
            read = _Read.of(text)
            if read is None:
                return None
            _for_edit[text] = read
            read.find(ids)
            return {item_id: read.decode(read.encoded(item_id)) for item_id in read.where}
    except Exception:  # noqa: BLE001 - a miss, as for load()
        _let_go()
        return None


def _let_go() -> None:
    """Close the snapshot items() opened, if store_edited did not use it."""
    for read in _for_edit.values():
        read.snapshot.close()
    _for_edit.clear()


def store_edited(old_text: str, new_text: str, items_wanted: dict[str, dict[str, Any]]) -> bool:
    """Keep a snapshot of *new_text*, made from the snapshot of *old_text* with some items'
    fields set, for an edit that changed only those: *items_wanted* maps an item id to its new values
    as the models hold them (text, a date, a Deadline; a status or RAG rating by its value;
    updates as (date, by, text) tuples). No yaml and no pydantic, so an edit stays fast.

    Best effort: False, storing nothing, when there is no snapshot of *old_text* or it has no
    place for a value; the next command then loads the plan in full.
    """
    read: _Read | None = None
    try:
        read = _for_edit.pop(old_text, None) or _Read.of(old_text)
        _let_go()
        if read is None:
            return False
        read.find(items_wanted)
        schema = read.schema
        # Values a model computes from its fields are kept in its snapshot too: redoing them
        # would need the models, so then there is no new snapshot.
        if schema["Item"]["properties"]:
            return False
        # A snapshot names only the models and enums its plan uses: the first note or hand-set
        # RAG of a plan needs theirs (a test keeps these as the models make them).
        setting = {key for values in items_wanted.values() for key, value in values.items() if value}
        added = [name for name, key in _SET_BY.items() if key in setting and name not in schema]
        for name in added:
            schema[name] = EDIT_SCHEMA[name]
            read._decode = None
        fields = schema["Item"]["fields"]
        touched: dict[int, list[str]] = {}
        for item_id, values in items_wanted.items():
            if "id" in values:
                raise ValueError("an edit does not change an id")
            t, d, i, _ = read.where[item_id]
            item = read.items_of(t, d)[i]
            encoded = list(item[2])
            for key, value in values.items():
                encoded[fields.index(key)] = _encoded(key, value, encoded[fields.index(key)], schema)
            read.items_of(t, d)[i] = (MODEL, "Item", tuple(encoded), item[3])
            touched.setdefault(t, []).append(item_id)
        plan_chunks = {1 + t: _dumps(read.tasks[t]) for t in touched}
        if added:
            plan_chunks[len(read.outline.shape) + 1] = _dumps(schema)
        parts: dict[int, list[str]] = {}
        for t, edited in touched.items():
            parts.setdefault(t // TASKS_A_PART, []).extend(edited)
        flat_chunks = {1 + part: _dumps(_rows(read, part, edited)) for part, edited in parts.items()}
        cache.keep(new_text, [
            ("flat", read.snapshot.copied("flat", flat_chunks)),
            ("plan", read.snapshot.copied("plan", plan_chunks)),
            ("index", read.index),
        ])  # fmt: skip
    except Exception:  # noqa: BLE001 - no snapshot is a slower next command, never a wrong one
        return False
    finally:
        if read is not None:
            read.snapshot.close()
    return True


def _dumps(data: Any) -> bytes:
    return marshal.dumps(data, MARSHAL_VERSION)


def _rows(read: _Read, part: int, edited: list[str]) -> list[Any]:
    """The flat table's rows of part *part* (flat.TASKS_A_PART tasks) with the rows of the
    items *edited* made again."""
    rows: list[Any] = marshal.loads(read.snapshot.chunk("flat", 1 + part))
    first = first_row(read.outline.shape, part * TASKS_A_PART)
    leads = {code: SimpleNamespace(name=name) for code, (name, _title) in read.outline.leads.items()}
    for item_id in edited:
        at = read.where[item_id][3] - first
        old = rows[at]
        if old[ID] != item_id:
            raise ValueError("the flat table and the plan of a snapshot disagree")
        task = SimpleNamespace(number=old[TASK], title=old[TASK_TITLE])
        rows[at] = item_row(task, SimpleNamespace(title=old[DELIVERABLE]), read.decode(read.encoded(item_id)), leads)
    return rows


# The models and enums an edit may be the first to use, and the item field that uses each.
_SET_BY = {"Update": "updates", "Rag": "rag"}
EDIT_SCHEMA: dict[str, Any] = {
    "Update": {"kind": "model", "fields": ["date", "by", "text"], "properties": []},
    "Rag": {"kind": "enum", "members": [("BLUE", "blue"), ("GREEN", "green"), ("AMBER", "amber"), ("RED", "red")], "properties": {}},
}


def _encoded(key: str, value: Any, old: Any, schema: dict[str, Any]) -> Any:
    if key == "updates":
        if schema["Update"]["properties"]:
            raise ValueError("an update keeps computed values")
        names = schema["Update"]["fields"]
        notes = [dict(zip(("date", "by", "text"), update, strict=True)) for update in value]
        return [(MODEL, "Update", tuple(_encoded_scalar(note[name]) for name in names), ()) for note in notes]
    if key in ("status", "rag"):
        if value is None:
            return None
        # The enum's class name: as another value of it was kept, else as the models name it.
        enum_name = old[1] if isinstance(old, tuple) and old[0] == ENUM else key.capitalize()
        if value not in [member_value for _, member_value in schema[enum_name]["members"]]:
            raise ValueError(f"{value!r} is not a member of {enum_name}")
        return (ENUM, enum_name, value)
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return list(value)  # a list of texts (evidence) is kept as it is
    return _encoded_scalar(value)


def _encoded_scalar(value: Any) -> Any:
    if isinstance(value, Deadline):
        due = value.due_date.toordinal() if value.due_date else None
        return (DEADLINE, value.text, value.precision.value, due, value.month)
    if isinstance(value, date):
        return (DAY, value.toordinal())
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in the plan cache")
