"""A cache of validated plans, keyed by the file's content, so an unchanged plan loads fast.

Parsing YAML and validating with pydantic costs seconds for a plan of 10,000 items, and
importing pydantic alone costs more than a whole `sendplan overdue --json` on a small plan.
So after a plan loads without problems, read.py hands it here and we keep a *snapshot*: each
model as a tuple of its field values, dates as day numbers, written with marshal (core types
only: nothing in the file can run code when read). Loading a snapshot builds light read-only
records with the same attribute names and values as the models, without yaml or pydantic.

What makes a cached plan trustworthy:
- the key is a SHA-256 of the plan text, the sendplan version, the Python version and the size
  and time stamp of every module in the package, so any change to the plan or the code misses;
- only plans that loaded with no problem are stored, so every error message still comes from
  the one loading path in load.py, never from here;
- anything wrong with a cache file (missing, corrupt, another user's, another format) is a
  miss, never an error; writing is best effort and atomic.

The cache lives in $SENDPLAN_CACHE_DIR, else $XDG_CACHE_HOME/sendplan, else ~/.cache/sendplan,
never beside the plan. SENDPLAN_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import enum
import gc
import hashlib
import marshal
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sendplan import __version__
from sendplan.plan.dates import Deadline, Precision
from sendplan.plan.load import LoadedPlan
from sendplan.plan.locate import Path_
from sendplan.plan.parse import compose

CACHE_DIR_ENV = "SENDPLAN_CACHE_DIR"
NO_CACHE_ENV = "SENDPLAN_NO_CACHE"
# Bump when the snapshot layout below changes.
FORMAT = 1
# Every edit of a plan makes a new snapshot; keep only the most recently used ones: at least
# KEEP_SNAPSHOTS, and more while they fit in KEEP_BYTES, so that every plan of a folder of
# plans stays warm (150 plans of 60 items take about 4 MB).
KEEP_SNAPSHOTS = 16
KEEP_BYTES = 64 * 1024 * 1024
_MAGIC = b"sendplan-cache\n"
_MARSHAL_VERSION = 4

# Tags of the tuples that stand for values marshal cannot hold.
_MODEL, _ENUM, _DAY, _DEADLINE = "m", "e", "d", "l"


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cycle collector while a plan is built.

    Building a plan allocates hundreds of thousands of containers, and each allocation burst
    sets off a collection that walks every object alive, over and over: at 10,000 items that
    is more than half the load time. A plan is a tree (aliases are refused), so nothing built
    here needs the cycle collector; it runs again as soon as the block ends. The plan then
    lives until the command ends, so it is frozen out of the collector's sight too, and
    building rows and output does not walk it again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def cache_dir() -> Path | None:
    """Where snapshots go, or None when the cache is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "sendplan"


_FINGERPRINT: list[bytes] = []


def _code_fingerprint() -> bytes:
    # __version__ stays put between releases while the code changes under it; a validation
    # rule changed in a checkout must never be skipped by an old snapshot. Worked out once a
    # process: a folder of plans asks for it once per plan.
    if not _FINGERPRINT:
        package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        parts: list[str] = []
        _fingerprint_folder(package, "", parts)
        _FINGERPRINT.append("|".join(parts).encode())
    return _FINGERPRINT[0]


def _fingerprint_folder(folder: str, prefix: str, parts: list[str]) -> None:
    """Name, size and time stamp of every module in *folder* and the packages inside it.

    os.scandir, not os.walk or pathlib: this runs on every command that reads a plan.
    """
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda found: found.name):
            if entry.name.endswith(".py"):
                stat = entry.stat()
                parts.append(f"{prefix}{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                _fingerprint_folder(entry.path, f"{prefix}{entry.name}/", parts)


def cache_key(text: str) -> str:
    digest = hashlib.sha256()
    for part in (
        f"format {FORMAT}".encode(),
        f"sendplan {__version__}".encode(),
        f"python {sys.version}".encode(),
        _code_fingerprint(),
    ):
        digest.update(part + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------
# Plan → snapshot (runs after a full load, so pydantic is already imported)


def snapshot(plan: Any) -> tuple[dict[str, Any], Any]:
    """(schema, data): the schema names each model's fields and each enum's members."""
    from pydantic import BaseModel

    schema: dict[str, Any] = {}

    def encode(value: Any) -> Any:
        if value is None or isinstance(value, str | int | float):
            if isinstance(value, enum.Enum):
                return (_ENUM, _enum_schema(type(value), schema), value.value)
            return value
        if isinstance(value, BaseModel):
            name = _model_schema(type(value), schema)
            fields = schema[name]["fields"]
            properties = schema[name]["properties"]
            return (
                _MODEL,
                name,
                tuple(encode(getattr(value, field)) for field in fields),
                tuple(encode(getattr(value, prop)) for prop in properties),
            )
        if isinstance(value, Deadline):
            due = value.due_date.toordinal() if value.due_date else None
            return (_DEADLINE, value.text, value.precision.value, due, value.month)
        if isinstance(value, date):
            return (_DAY, value.toordinal())
        if isinstance(value, list):
            return [encode(part) for part in value]
        if isinstance(value, dict):
            return {key: encode(part) for key, part in value.items()}
        raise TypeError(f"cannot keep a {type(value).__name__} in the plan cache")

    return schema, encode(plan)


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


class Record:
    """A read-only stand-in for one pydantic model, with the same attribute names and values.

    Fields and the values of the model's properties sit in the instance dict, which is set
    once when the record is built; after that nothing can be assigned.
    """

    _fields: tuple[str, ...] = ()

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

    __hash__ = None  # type: ignore[assignment]  # like the models: mutable containers inside


class PlanRecord(Record):
    """The cached Plan: the methods of sendplan.plan.model.Plan that are not plain data."""

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
    return type(name, (base,), {"_fields": tuple(fields), "_names": names, "__qualname__": name, "__module__": __name__})


def _enum_class(name: str, members: list[tuple[str, Any]], properties: dict[str, list[Any]]) -> Any:
    values = [value for _, value in members]
    base: Any = enum.StrEnum if all(isinstance(value, str) for value in values) else enum.Enum
    cls = base(name, members, module=__name__)
    for prop, per_member in properties.items():
        table = dict(zip(values, per_member, strict=True))
        setattr(cls, prop, property(lambda self, _t=table: _t[self.value]))  # type: ignore[misc]  # self is the member
    return cls


# The record and enum classes of each schema, built once a process: every plan of a folder has
# the same schema, and building an enum class costs half a millisecond.
_CLASSES: dict[bytes, dict[str, Any]] = {}


def _classes(schema: dict[str, Any]) -> dict[str, Any]:
    key = marshal.dumps(schema, _MARSHAL_VERSION)
    classes = _CLASSES.get(key)
    if classes is None:
        classes = _CLASSES[key] = {}
        for name, spec in schema.items():
            if spec["kind"] == "model":
                classes[name] = _record_class(name, spec["fields"], spec["properties"])
            else:
                classes[name] = _enum_class(name, spec["members"], spec["properties"])
    return classes


def restore(schema: dict[str, Any], data: Any) -> Any:
    """Records built from a snapshot; raises on anything malformed (the caller treats it as a miss)."""
    classes = _classes(schema)
    new = object.__new__
    set_dict = object.__setattr__
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
        if kind is tuple:
            if value[0] == _MODEL:
                cls = classes[value[1]]
                # Most values are text or empty: skip the call for them.
                parts = [part if part is None or type(part) is str else decode(part) for part in value[2]]
                parts += [decode(part) for part in value[3]]
                if len(parts) != len(cls._names):
                    raise ValueError(f"a cached {value[1]} has the wrong number of fields")
                record = new(cls)
                set_dict(record, "__dict__", dict(zip(cls._names, parts, strict=True)))
                return record
            found = shared.get(value)
            if found is None:
                found = shared[value] = value_of(value)
            return found
        if kind is list:
            return [part if type(part) is str else decode(part) for part in value]
        if kind is dict:
            return {key: decode(part) for key, part in value.items()}
        return value

    return decode(data)


# ---------------------------------------------------------------------------------------
# Reading and writing cache files


@dataclass
class CachedPlan(LoadedPlan):
    """A plan from the cache. It has no YAML node tree until a position is asked for."""

    text: str = ""

    def locate(self, path: Path_, *, key: bool = False) -> Any:
        if self.root is None and self.text:
            # Warnings need FILE:LINE:COL; compose only now, and only once (a node tree is
            # as much a burst of containers as a fresh load).
            with gc_paused():
                self.root = compose(self.text, self.source)
        return super().locate(path, key=key)


def _file_for(text: str) -> tuple[Path, str] | None:
    directory = cache_dir()
    if directory is None:
        return None
    key = cache_key(text)
    return directory / f"{key}.plan", key


def load(text: str, name: str) -> CachedPlan | None:
    """The cached plan for this text, or None (a miss) for any reason at all."""
    try:
        found = _file_for(text)
        if found is None:
            return None
        path, key = found
        with path.open("rb") as stream:
            # Only our own files: another user's file in a shared folder is not trusted.
            if hasattr(os, "getuid") and os.fstat(stream.fileno()).st_uid != os.getuid():
                return None
            if stream.read(len(_MAGIC)) != _MAGIC:
                return None
            header, schema, data = marshal.loads(stream.read())
        if header != (FORMAT, key):
            return None
        plan = restore(schema, data)
        with contextlib.suppress(OSError):  # recently used: kept when older snapshots are pruned
            os.utime(path)
    except Exception:  # noqa: BLE001 - a cache must never be the reason a command fails
        return None
    return CachedPlan(plan, name, None, text=text)


def _prune(directory: Path, keep: Path) -> None:
    """Delete the least recently used snapshots beyond the KEEP_SNAPSHOTS most recent once
    they pass KEEP_BYTES in all (never *keep*)."""
    snapshots = []
    for path in directory.glob("*.plan"):
        with contextlib.suppress(OSError):
            stat = path.stat()
            snapshots.append((stat.st_mtime_ns, stat.st_size, path))
    snapshots.sort(reverse=True)
    total = 0
    for index, (_, size, path) in enumerate(snapshots):
        total += size
        if index >= KEEP_SNAPSHOTS and total > KEEP_BYTES and path != keep:
            path.unlink(missing_ok=True)


def store(text: str, plan: Any) -> None:
    """Keep a snapshot of a plan that loaded without problems. Failures are ignored."""
    try:
        found = _file_for(text)
        if found is None:
            return
        path, key = found
        schema, data = snapshot(plan)
        payload = _MAGIC + marshal.dumps(((FORMAT, key), schema, data), _MARSHAL_VERSION)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # only when a snapshot is written, not on every read

        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".plan")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _prune(path.parent, path)
    except Exception:  # noqa: BLE001 - read-only home, full disk, a type we cannot keep: no cache
        return
