"""Plans as snapshots and back: each model a tuple of its field values, dates as day numbers,
so that marshal (core types only: nothing in it can run code when read) can keep them; and
light read-only records built from a snapshot, with the same attribute names and values as
the models, without yaml or pydantic. cache.py keeps snapshots in files; this module only
turns a plan into data and back.
"""

from __future__ import annotations

import enum
import marshal
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

from sendplan.plan.dates import Deadline, Precision

MARSHAL_VERSION = 4
# Tags of the tuples that stand for values marshal cannot hold (public for snapshot_edit.py,
# which edits encoded items in place).
MODEL, ENUM, DAY, DEADLINE = _MODEL, _ENUM, _DAY, _DEADLINE = "m", "e", "d", "l"


# ---------------------------------------------------------------------------------------
# Plan → snapshot (runs after a full load, so pydantic is already imported)


def snapshot(plan: Any) -> tuple[dict[str, Any], Any]:
    """(schema, data): the schema names each model's fields and each enum's members."""
    return Encoder().encode_plan(plan)


class Encoder:
    """Models → tuples of core types, one class at a time (each class's fields are read with
    one attrgetter call, and the most common values, text and None, need no call at all)."""

    def __init__(self, schema: dict[str, Any] | None = None) -> None:
        from pydantic import BaseModel

        self.schema: dict[str, Any] = schema if schema is not None else {}
        self._getters: dict[type, tuple[str, Any, Any]] = {}
        self._model = BaseModel

    def encode_plan(self, plan: Any) -> tuple[dict[str, Any], Any]:
        data = self.encode(plan)
        return self.schema, data

    def _getter(self, cls: type) -> tuple[str, Any, Any]:
        found = self._getters.get(cls)
        if found is None:
            name = _model_schema(cls, self.schema)
            spec = self.schema[name]
            fields = attrgetter(*spec["fields"]) if spec["fields"] else (lambda _value: ())
            properties = attrgetter(*spec["properties"]) if spec["properties"] else (lambda _value: ())
            found = self._getters[cls] = (name, fields, properties)
        return found

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is str or kind is int or kind is float or kind is bool:
            return value
        if isinstance(value, enum.Enum):
            return (_ENUM, _enum_schema(type(value), self.schema), value.value)
        if isinstance(value, self._model):
            name, fields, properties = self._getter(kind)
            return (_MODEL, name, self._many(fields(value), len(self.schema[name]["fields"])),
                    self._many(properties(value), len(self.schema[name]["properties"])))  # fmt: skip
        if isinstance(value, Deadline):
            due = value.due_date.toordinal() if value.due_date else None
            return (_DEADLINE, value.text, value.precision.value, due, value.month)
        if isinstance(value, date):
            return (_DAY, value.toordinal())
        if isinstance(value, list):
            return [part if type(part) is str else self.encode(part) for part in value]
        if isinstance(value, dict):
            return {key: self.encode(part) for key, part in value.items()}
        if isinstance(value, str | int | float):  # a subclass (str-based enums are handled above)
            return value
        raise TypeError(f"cannot keep a {type(value).__name__} in the plan cache")

    def _many(self, values: Any, count: int) -> tuple[Any, ...]:
        # attrgetter of one name gives the value itself, of several a tuple.
        parts = (values,) if count == 1 else values
        return tuple(part if part is None or type(part) is str else self.encode(part) for part in parts)


def _public_properties(cls: type) -> list[str]:
    names: list[str] = []
    for klass in cls.__mro__:
        if klass.__module__ != cls.__module__:
            continue
        names += [
            name
            for name, member in vars(klass).items()
            if isinstance(member, property) and not name.startswith("_") and name not in names
        ]
    return names


def _model_schema(cls: Any, schema: dict[str, Any]) -> str:
    name: str = cls.__name__
    if name not in schema:
        # Properties are pure functions of the plan, so their values are kept as data.
        schema[name] = {"kind": "model", "fields": list(cls.model_fields), "properties": _public_properties(cls)}
    return name


def _enum_schema(cls: type[enum.Enum], schema: dict[str, Any]) -> str:
    name = cls.__name__
    if name not in schema:
        properties = _public_properties(cls)
        schema[name] = {
            "kind": "enum",
            "members": [(member.name, member.value) for member in cls],
            "properties": {prop: [getattr(member, prop) for member in cls] for prop in properties},
        }
    return name


# ---------------------------------------------------------------------------------------
# Snapshot → records (no yaml, no pydantic)


class Record(tuple):  # type: ignore[type-arg]  # its values are of every type
    """A read-only stand-in for one pydantic model, with the same attribute names and values.

    The values of the fields, then of the model's properties, in one tuple; each name is a
    property reading its place (operator.itemgetter, so in C). A tuple is a quarter of the size
    of an instance with a dict (at 100,000 items that is 80 MB), and nothing can be assigned.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _names: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a cached {type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a cached {type(self).__name__} is read-only")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # like the models: mutable containers inside


class PlanRecord(Record):
    """The cached Plan: the methods of sendplan.plan.model.Plan that are not plain data."""

    __slots__ = ()

    def iter_items(self) -> Iterator[tuple[Any, Any, Any]]:
        for task in self.tasks:  # type: ignore[attr-defined]
            for deliverable in task.deliverables:
                for item in deliverable.items:
                    yield task, deliverable, item


# Methods (not properties) of model classes, by class name; a test checks none is missing.
MIXINS: dict[str, type[Record]] = {"Plan": PlanRecord}


def _record_class(name: str, fields: list[str], properties: list[str]) -> type[Record]:
    base = MIXINS.get(name, Record)
    names = (*fields, *properties)
    namespace: dict[str, Any] = {
        "__slots__": (), "_fields": tuple(fields), "_names": names, "__qualname__": name, "__module__": __name__,
    }  # fmt: skip
    for index, attribute in enumerate(names):
        namespace[attribute] = property(itemgetter(index))
    return type(name, (base,), namespace)


def _enum_class(name: str, members: list[tuple[str, Any]], properties: dict[str, list[Any]]) -> Any:
    values = [value for _, value in members]
    base: Any = enum.StrEnum if all(isinstance(value, str) for value in values) else enum.Enum
    cls = base(name, members, module=__name__)
    for prop, per_member in properties.items():
        table = dict(zip(values, per_member, strict=True))
        setattr(cls, prop, property(lambda self, _t=table: _t[self.value]))  # type: ignore[misc]  # self is the member
    return cls


def restore(schema: dict[str, Any], data: Any) -> Any:
    """Records built from a snapshot; raises on anything malformed (the caller treats it as a miss)."""
    return decoder(schema)(data)


# The record and enum classes of each schema, built once a process: every plan of a folder has
# the same schema, and building an enum class costs half a millisecond.
_CLASSES: dict[bytes, dict[str, Any]] = {}


def _classes(schema: dict[str, Any]) -> dict[str, Any]:
    key = marshal.dumps(schema, MARSHAL_VERSION)
    classes = _CLASSES.get(key)
    if classes is None:
        classes = _CLASSES[key] = {}
        for name, spec in schema.items():
            if spec["kind"] == "model":
                classes[name] = _record_class(name, spec["fields"], spec["properties"])
            else:
                classes[name] = _enum_class(name, spec["members"], spec["properties"])
    return classes


def decoder(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """A function turning snapshot data into records, with the record classes built once."""
    classes = _classes(schema)
    new = tuple.__new__
    from_ordinal = date.fromordinal
    precisions = {precision.value: precision for precision in Precision}
    # Deadlines, days and enum members are immutable and repeat a lot: build each once.
    shared: dict[tuple[Any, ...], Any] = {}

    def value_of(value: tuple[Any, ...]) -> Any:
        tag = value[0]
        if tag == _DEADLINE:
            due = from_ordinal(value[3]) if value[3] is not None else None
            return Deadline(value[1], precisions[value[2]], due, value[4])
        if tag == _DAY:
            return from_ordinal(value[1])
        if tag == _ENUM:
            return classes[value[1]](value[2])
        raise ValueError(f"unknown tag {tag!r} in the plan cache")

    def decode(value: Any) -> Any:
        kind = type(value)
        if kind is _Decoded:
            return value.value
        if kind is tuple:
            if value[0] == _MODEL:
                cls = classes[value[1]]
                # Most values are text or empty: skip the call for them.
                parts = [part if part is None or type(part) is str else decode(part) for part in value[2]]
                parts += [decode(part) for part in value[3]]
                if len(parts) != len(cls._names):
                    raise ValueError(f"a cached {value[1]} has the wrong number of fields")
                return new(cls, parts)
            found = shared.get(value)
            if found is None:
                found = shared[value] = value_of(value)
            return found
        if kind is list:
            return [part if type(part) is str else decode(part) for part in value]
        if kind is dict:
            return {key: decode(part) for key, part in value.items()}
        return value

    return decode


# ---------------------------------------------------------------------------------------
# The plan in chunks: the plan without its tasks, each task, then the schema, each a marshal
# (cachefile.py keeps them as a section in chunks). Writing a task at a time keeps one task's
# snapshot in memory, not the whole plan's (at 100,000 items that is 100 MB); an edit
# rewrites one task's chunk (snapshot_edit.py).


def chunks(plan: Any, encoder: Encoder | None = None) -> Iterator[bytes]:
    """The plan's snapshot as chunks (see above)."""
    encoder = encoder if encoder is not None else Encoder()
    name, fields, properties = encoder._getter(type(plan))
    spec = encoder.schema[name]
    values = list((fields(plan),) if len(spec["fields"]) == 1 else fields(plan))
    values[spec["fields"].index("tasks")] = []
    yield _dumps((_MODEL, name, encoder._many(tuple(values), len(values)),
                  encoder._many(properties(plan), len(spec["properties"]))))  # fmt: skip
    for task in plan.tasks:
        yield _dumps(encoder.encode(task))
    yield _dumps(encoder.schema)


def _dumps(data: Any) -> bytes:
    return marshal.dumps(data, MARSHAL_VERSION)


def restore_chunks(parts: Sequence[Any]) -> Any:
    """The plan's records from its chunks (verified), decoded a task at a time."""
    if len(parts) < 2:
        raise ValueError("a plan section cut short")
    schema = marshal.loads(parts[-1])
    decode = decoder(schema)
    head = marshal.loads(parts[0])
    fields = list(head[2])
    fields[schema["Plan"]["fields"].index("tasks")] = [_Decoded(decode(marshal.loads(part))) for part in parts[1:-1]]
    return decode((head[0], head[1], tuple(fields), head[3]))


class _Decoded:
    """A value decoded already, inside data still to be decoded (the decoder hands it back as it is)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


