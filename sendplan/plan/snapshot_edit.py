"""The cache kept warm across an edit (plan/edit.py), without yaml or pydantic: the items an
edit changes read from the old text's snapshot without restoring the rest of the plan, and
the new text's snapshot made from the old one with those items' new values.

It knows the snapshot's layout (snapshot.py): a model is (MODEL, name, field values, values of its
properties), and the schema names each model's fields. Best effort throughout, like the
cache: anything unexpected is a miss, never an error.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from typing import Any

from sendplan.plan import cache
from sendplan.plan.dates import Deadline
from sendplan.plan.snapshot import DAY, DEADLINE, ENUM, MODEL

# The snapshot `items` read for an edit, kept by its text for the store_edited that follows:
# (schema, data, where each item read is: its id → (the list holding it, its position)).
_for_edit: dict[str, tuple[dict[str, Any], Any, dict[str, tuple[list[Any], int]]]] = {}


def items(text: str, ids: Collection[str]) -> dict[str, Any] | None:
    """The cached records of the items *ids* (those the plan has) of this text's plan, without
    restoring the rest; None when there is no snapshot of the text. A snapshot exists only
    for a plan that loaded without problems, so this also says the text is a valid plan. For
    an edit (plan/edit.py), which needs only the items it changes."""
    try:
        # Unpacking a snapshot makes millions of objects at 100,000 items: without the pause
        # the cycle collector would walk them again and again.
        with cache.gc_paused():
            stored = cache.stored(text) if cache.cache_dir() is not None else None
        if stored is None:
            return None
        _, schema, data = stored
        at_id = schema["Item"]["fields"].index("id")
        found = {item[2][at_id]: (items, position) for items, position, item in _items(schema, data) if item[2][at_id] in ids}
        records = cache.restore(schema, [items[position] for items, position in found.values()])
    except Exception:  # noqa: BLE001 - a miss, as for load()
        return None
    _for_edit.clear()
    _for_edit[text] = (schema, data, found)
    return {record.id: record for record in records}


def store_edited(old_text: str, new_text: str, items_wanted: dict[str, dict[str, Any]]) -> bool:
    """Keep a snapshot of *new_text*, made from the snapshot of *old_text* with some items'
    fields set, for an edit that changed only those: *items_wanted* maps an item id to its new values
    as the models hold them (text, a date, a Deadline; a status or RAG rating by its value;
    updates as (date, by, text) tuples). No yaml and no pydantic, so an edit stays fast.

    Best effort: False, storing nothing, when there is no snapshot of *old_text* or it has no
    place for a value; the next command then loads the plan in full.
    """
    try:
        kept = _for_edit.pop(old_text, None)
        if kept is None:  # not read by items() just before: read it now
            stored = cache.stored(old_text) if cache.cache_dir() is not None else None
            if stored is None:
                return False
            _, schema, data = stored
            at_id = schema["Item"]["fields"].index("id")
            where = {item[2][at_id]: (items, position) for items, position, item in _items(schema, data)}
        else:
            schema, data, where = kept
        # Values a model computes from its fields are kept in its snapshot too: redoing them
        # would need the models, so then there is no new snapshot.
        if schema["Item"]["properties"]:
            return False
        # A snapshot names only the models and enums its plan uses: the first note or hand-set
        # RAG of a plan needs theirs (a test keeps these as the models make them).
        for name, spec in EDIT_SCHEMA.items():
            schema.setdefault(name, spec)
        fields = schema["Item"]["fields"]
        for item_id, values in items_wanted.items():
            items, position = where[item_id]
            item = items[position]
            encoded = list(item[2])
            for key, value in values.items():
                encoded[fields.index(key)] = _encoded(key, value, encoded[fields.index(key)], schema, data)
            items[position] = (MODEL, "Item", tuple(encoded), item[3])
        cache.keep(new_text, schema, data, edited=list(items_wanted), old_text=old_text)
    except Exception:  # noqa: BLE001 - no snapshot is a slower next command, never a wrong one
        return False
    return True


EDIT_SCHEMA: dict[str, Any] = {
    "Update": {"kind": "model", "fields": ["date", "by", "text"], "properties": []},
    "Rag": {"kind": "enum", "members": [("BLUE", "blue"), ("GREEN", "green"), ("AMBER", "amber"), ("RED", "red")], "properties": {}},
}


def _items(schema: dict[str, Any], data: Any) -> Iterator[tuple[list[Any], int, Any]]:
    """Every encoded item of the plan *data*: (the list it is in, its position there, the item)."""
    tasks = schema["Plan"]["fields"].index("tasks")
    deliverables = schema["Task"]["fields"].index("deliverables")
    in_items = schema["Deliverable"]["fields"].index("items")
    for task in data[2][tasks]:
        for deliverable in task[2][deliverables]:
            items = deliverable[2][in_items]
            for position, item in enumerate(items):
                yield items, position, item


def _encoded(key: str, value: Any, old: Any, schema: dict[str, Any], data: Any) -> Any:
    if key == "updates":
        if schema["Update"]["properties"]:
            raise ValueError("an update keeps computed values")
        names = schema["Update"]["fields"]
        notes = [dict(zip(("date", "by", "text"), update, strict=True)) for update in value]
        return [(MODEL, "Update", tuple(_encoded_scalar(note[name]) for name in names), ()) for note in notes]
    if key in ("status", "rag"):
        if value is None:
            return None
        enum_name = old[1] if isinstance(old, tuple) and old[0] == ENUM else _enum_named(key, schema, data)
        if enum_name is None:
            enum_name = key.capitalize()  # "Rag": no item had one
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


def _enum_named(key: str, schema: dict[str, Any], data: Any) -> str | None:
    """The enum another item's *key* is kept as, if any item has one."""
    position = schema["Item"]["fields"].index(key)
    for _, _, item in _items(schema, data):
        value = item[2][position]
        if isinstance(value, tuple) and value[0] == ENUM:
            return str(value[1])
    return None
