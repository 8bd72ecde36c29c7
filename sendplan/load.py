"""YAML file → Plan, with every failure turned into a located Problem.

One loading path for every command. It reads the bytes with a size cap, decodes UTF-8,
composes YAML nodes with their marks (libyaml when present), refuses duplicate keys, aliases
and deep nesting, builds plain data in which every scalar is a string (so YAML 1.1 never turns
`NO` into False or `4.10` into 4.1), and lets pydantic type it. Nothing here prints.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sendplan.errors import Location, PlanError, Problem

try:  # libyaml is far faster; the pure-Python loader gives the same nodes and marks.
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]

# Big enough for a 100,000-item plan (about 20 MB); a larger file is more likely a mistake.
MAX_PLAN_BYTES = 64 * 1024 * 1024
MAX_BYTES_ENV = "SENDPLAN_MAX_BYTES"
# A plan nests about ten levels deep; anything past this is not a plan.
MAX_DEPTH = 64
STDIN = "-"
BUNDLED_NAME = "plan.yaml"

Path_ = tuple[str | int, ...]
_NULL = re.compile(r"~|null|Null|NULL|")
_NULL_TAG = "tag:yaml.org,2002:null"


def bundled_plan() -> Path:
    """The West Northamptonshire plan shipped inside the package."""
    return Path(str(resources.files("sendplan") / "data" / BUNDLED_NAME))


def choose_plan(plan_option: str | None, cwd: Path | None = None) -> str:
    """--plan (or $SENDPLAN_PLAN, which click folds into it), else ./plan.yaml, else bundled."""
    if plan_option:
        return plan_option
    local = (cwd or Path.cwd()) / "plan.yaml"
    if local.is_file():
        return "plan.yaml" if cwd is None else str(local)
    return str(bundled_plan())


def max_plan_bytes() -> int:
    raw = os.environ.get(MAX_BYTES_ENV)
    if raw is None or not raw.strip():
        return MAX_PLAN_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise PlanError.single(
            f'{MAX_BYTES_ENV}="{raw}" is not a whole number of bytes.'
        ) from None
    if value <= 0:
        raise PlanError.single(f"{MAX_BYTES_ENV} must be a positive number of bytes.")
    return value


@dataclass
class LoadedPlan:
    """A plan and where each part of it sits in the file it came from."""

    plan: Any  # sendplan.model.Plan; typed loosely so importing this module skips pydantic
    source: str
    root: yaml.Node | None = None
    _item_paths: dict[str, Path_] = field(default_factory=dict, repr=False)

    def locate(self, path: Path_, *, key: bool = False) -> Location:
        """Where the value at *path* is (or its key, with *key*), as near as the file says."""
        return locate(self.source, self.root, path, key=key)

    def item_path(self, item_id: str) -> Path_ | None:
        if not self._item_paths:
            for t, task in enumerate(self.plan.tasks):
                for d, deliverable in enumerate(task.deliverables):
                    for i, item in enumerate(deliverable.items):
                        self._item_paths.setdefault(
                            item.id, ("tasks", t, "deliverables", d, "items", i)
                        )
        return self._item_paths.get(item_id)

    def where(self, item_id: str, field_name: str | None = None) -> Location:
        """The position of an item, or of one of its fields (the item itself if absent)."""
        path = self.item_path(item_id)
        if path is None:
            return Location(self.source)
        return self.locate(path + ((field_name,) if field_name else ()))


def locate(source: str, root: yaml.Node | None, path: Path_, *, key: bool = False) -> Location:
    node = root
    key_node: yaml.Node | None = None
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = next(
                ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part),
                None,
            )
            if found is None:
                break
            key_node, node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            break
    else:
        if key and key_node is not None:
            node = key_node
    if node is None:
        return Location(source)
    mark = node.start_mark
    # libyaml marks are 0-based; people count from 1.
    return Location(source, mark.line + 1, mark.column + 1)


# ---------------------------------------------------------------------------------------
# Reading bytes and text


def read_source(path: str, *, stdin: typing.BinaryIO | None = None) -> tuple[str, str]:
    """(name for messages, text) of a plan file or standard input, with every failure located."""
    limit = max_plan_bytes()
    if path == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(limit + 1)
        name = "<stdin>"
    else:
        name = path
        data = _read_file(path, limit)
    if len(data) > limit:
        raise PlanError.single(
            f"the file is larger than {limit:,} bytes, the most sendplan reads. "
            f"If it really is a plan, raise the limit with {MAX_BYTES_ENV}.",
            Location(name),
        )
    return name, decode(data, name)


def _read_file(path: str, limit: int) -> bytes:
    location = Location(path)
    target = Path(path)
    try:
        if target.is_dir():
            raise PlanError.single("this is a folder, not a plan file. Name the plan's YAML file.", location)
        size = target.stat().st_size
        if size > limit:
            raise PlanError.single(
                f"the file is {size:,} bytes, larger than the {limit:,} sendplan reads. "
                f"If it really is a plan, raise the limit with {MAX_BYTES_ENV}.",
                location,
            )
        with target.open("rb") as stream:
            return stream.read(limit + 1)
    except FileNotFoundError:
        raise PlanError.single(
            "no such file. Check the name, or run sendplan in the folder that holds plan.yaml.", location
        ) from None
    except PermissionError:
        raise PlanError.single("permission denied: sendplan cannot read this file.", location) from None
    except IsADirectoryError:
        raise PlanError.single("this is a folder, not a plan file. Name the plan's YAML file.", location) from None
    except OSError as error:
        raise PlanError.single(f"cannot read the file: {error.strerror or error}.", location) from None


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, column


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is fine), or a located error saying how to save it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError.single(
            "the file is saved as UTF-16. Save it as UTF-8 (in Notepad: Save As, Encoding UTF-8).",
            Location(name, 1, 1),
        )
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _line_column(data, nul)
        raise PlanError.single(
            "the file holds a NUL byte, so it looks binary, not a YAML text file.",
            Location(name, line, column),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        raise PlanError.single(
            f"byte 0x{data[error.start]:02x} is not UTF-8 text. Save the file as UTF-8 "
            "(text pasted from Word or Excel is often Windows-1252).",
            Location(name, line, column),
        ) from None
    return text.removeprefix("\ufeff")


# ---------------------------------------------------------------------------------------
# YAML → plain data, every scalar a string


def compose(text: str, name: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as error:
        raise PlanError([_yaml_problem(error, name)]) from None
    except yaml.YAMLError as error:
        raise PlanError.single(f"this is not valid YAML: {error}", Location(name)) from None
    except RecursionError:
        raise PlanError.single(
            f"the file nests deeper than {MAX_DEPTH} levels; a plan never needs that.", Location(name)
        ) from None


def _yaml_problem(error: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    location = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    if "'\\t'" in problem or "tab" in problem.lower():
        message = "a tab character is used for indentation here. YAML indents with spaces only; replace the tab with spaces."
    elif "maximum nesting depth" in problem or "nesting" in context:
        message = f"the file nests too deeply; a plan never needs more than {MAX_DEPTH} levels."
    elif "found duplicate anchor" in problem or "found undefined alias" in problem:
        message = f"{problem}. sendplan does not use anchors and aliases; write the text out in full."
    elif "mapping values are not allowed" in problem:
        message = (
            'a colon followed by a space starts a new key here. If it is part of the text, '
            'put the whole text in double quotes.'
        )
    elif "could not find expected ':'" in problem or "expected ':'" in problem:
        message = "a key is missing its colon, or a line is indented wrongly. Each line needs \"key: value\"."
    elif problem.startswith("expected <block end>") or "did not find expected key" in problem:
        message = "the indentation is inconsistent here: line up this key with the others at its level."
    elif "found character" in problem and "cannot start any token" in problem:
        message = f"{problem}. Put text that starts with this character in double quotes."
    elif "found unexpected end of stream" in problem:
        message = "the file ends inside a quoted text. Close the quotes."
    else:
        parts = [part for part in (context, problem) if part]
        message = "this is not valid YAML: " + "; ".join(parts) + "."
    return Problem(message, location)


def _loc(name: str, node: yaml.Node) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def to_data(root: yaml.Node, name: str) -> tuple[Any, list[Problem]]:
    """Plain dicts, lists, strings and None from the node tree, and the problems found on the way."""
    problems: list[Problem] = []
    seen: set[int] = set()

    def build(node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise PlanError.single(
                f"the file nests deeper than {MAX_DEPTH} levels here; a plan never needs that.",
                _loc(name, node),
            )
        # compose() hands back the same node object wherever an alias repeats it.
        if id(node) in seen:
            problems.append(
                Problem(
                    "this value is repeated elsewhere with an alias (*name). sendplan does not "
                    "use anchors and aliases; write the text out in full.",
                    _loc(name, node),
                )
            )
            return None
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.tag == _NULL_TAG and _NULL.fullmatch(node.value):
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [build(child, depth + 1) for child in node.value]
        mapping: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem("a key must be plain text, not a list or mapping.", _loc(name, key_node)))
                continue
            key = key_node.value
            if key in first_seen:
                first = first_seen[key].start_mark.line + 1
                problems.append(
                    Problem(
                        f'duplicate key "{key}": it is already given at line {first}. '
                        "A key may appear once in each mapping; keep one and delete the other.",
                        _loc(name, key_node),
                    )
                )
                continue
            first_seen[key] = key_node
            mapping[key] = build(value_node, depth + 1)
        return mapping

    return build(root, 0), problems


# ---------------------------------------------------------------------------------------
# Plain data → Plan, pydantic errors → located problems


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside list[X], dict[K, X], X | None and Annotated[X, …]."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        model = _inner_model(argument)
        if model is not None:
            return model
    return None


def _model_at(root_model: Any, path: Sequence[str | int]) -> Any:
    model = root_model
    expect_key = False
    for part in path:
        if expect_key:  # inside dict[str, Model]: the part is a key such as a lead code
            expect_key = False
            continue
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        expect_key = typing.get_origin(annotation) is dict
        model = _inner_model(annotation)
    return model


def _item_id_at(data: Any, path: Sequence[str | int]) -> str | None:
    if len(path) < 6 or path[0] != "tasks" or path[2] != "deliverables" or path[4] != "items":
        return None
    try:
        item = data["tasks"][path[1]]["deliverables"][path[3]]["items"][path[5]]
    except (KeyError, IndexError, TypeError):
        return None
    value = item.get("id") if isinstance(item, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _describe(path: Sequence[str | int]) -> str:
    names = [part for part in path if isinstance(part, str)]
    return f'"{names[-1]}"' if names else "the plan"


_TYPE_MESSAGES = {
    "list_type": "should be a list (lines starting with \"- \")",
    "dict_type": "should be a mapping (lines of \"key: value\")",
    "model_type": "should be a mapping (lines of \"key: value\")",
    "model_attributes_type": "should be a mapping (lines of \"key: value\")",
    "string_type": "should be text",
    "int_parsing": "should be a whole number",
    "int_type": "should be a whole number",
    "int_from_float": "should be a whole number",
}


def _pydantic_problems(error: Any, data: Any, name: str, root: yaml.Node) -> list[Problem]:
    from sendplan.model import Plan

    problems = []
    for detail in error.errors(include_url=False):
        path = tuple(part for part in detail["loc"] if part != "[key]")
        kind = detail["type"]
        item_id = _item_id_at(data, path)
        where = f" in item {item_id}" if item_id else ""
        value = detail.get("input")
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(Plan, path[:-1])
            allowed = list(model.model_fields) if model is not None else []
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f' — did you mean "{guess[0]}"?' if guess else f". Allowed keys here: {', '.join(allowed)}."
            message = f'unknown key "{key}"{where}{hint}'
            location = locate(name, root, path, key=True)
        elif kind == "missing":
            message = f'{_describe(path)} is missing{where}: add it.'
            location = locate(name, root, path[:-1])
        else:
            text = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if kind in _TYPE_MESSAGES:
                shown = "nothing" if value is None else ("a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else repr(value))
                text = f"{_describe(path)}{where} {_TYPE_MESSAGES[kind]}, not {shown}."
            elif kind == "value_error" and item_id and "item" not in text:
                text = f"{_describe(path)}{where}: {text}"
            elif kind == "value_error":
                text = f"{_describe(path)}: {text}"
            message = text
            location = locate(name, root, path)
        problems.append(Problem(message, location, item_id))
    return problems


def consistency_problems(loaded: LoadedPlan) -> list[Problem]:
    """Rules that span items: ids are unique, depends_on names real items and has no cycle."""
    problems: list[Problem] = []
    first_place: dict[str, Location] = {}
    depends: dict[str, list[str]] = {}
    for t, task in enumerate(loaded.plan.tasks):
        for d, deliverable in enumerate(task.deliverables):
            for i, item in enumerate(deliverable.items):
                path = ("tasks", t, "deliverables", d, "items", i)
                if item.id in first_place:
                    problems.append(
                        Problem(
                            f'item id "{item.id}" is used twice (first at {first_place[item.id]}). '
                            "Each item needs its own id; give this one a new id.",
                            loaded.locate((*path, "id")),
                            item.id,
                        )
                    )
                    continue
                first_place[item.id] = loaded.locate((*path, "id"))
                depends[item.id] = item.depends_on
    for item_id, needs in depends.items():
        for position, needed in enumerate(needs):
            if needed not in depends:
                guess = difflib.get_close_matches(needed, list(depends), n=3, cutoff=0.5)
                hint = f" Did you mean {', '.join(guess)}?" if guess else ""
                path = loaded.item_path(item_id) or ()
                problems.append(
                    Problem(
                        f'item {item_id} depends on "{needed}", which is not an item in this plan.{hint}',
                        loaded.locate((*path, "depends_on", position)),
                        item_id,
                    )
                )
    problems.extend(_cycle_problems(loaded, depends))
    return problems


def _cycle_problems(loaded: LoadedPlan, depends: dict[str, list[str]]) -> Iterator[Problem]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset[str]] = set()
    for start, needs in depends.items():
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(needs))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif child in depends and state.get(child) == 1:
                cycle = [name for name, _ in stack][[name for name, _ in stack].index(child) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    path = loaded.item_path(cycle[0]) or ()
                    chain = " → ".join([*cycle, cycle[0]])
                    yield Problem(
                        f"items depend on each other in a circle ({chain}), so none can finish first.",
                        loaded.locate((*path, "depends_on")),
                        cycle[0],
                    )
            elif child in depends and not state.get(child):
                state[child] = 1
                stack.append((child, iter(depends[child])))


def parse_plan(text: str, name: str) -> LoadedPlan:
    """Text of a plan file → LoadedPlan, or PlanError with every problem found."""
    from pydantic import ValidationError

    from sendplan.model import Plan

    root = compose(text, name)
    if root is None:
        raise PlanError.single(
            "the file is empty. A plan needs at least \"plan:\" with a title, and \"tasks:\".",
            Location(name, 1, 1),
        )
    if not isinstance(root, yaml.MappingNode):
        what = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        if isinstance(root, yaml.ScalarNode) and root.tag == _NULL_TAG:
            raise PlanError.single(
                "the file holds no plan (only an empty value). A plan starts with \"plan:\" and \"tasks:\".",
                _loc(name, root),
            )
        raise PlanError.single(
            f"the file holds {what}, not a plan. A plan is a mapping that starts with \"plan:\" and \"tasks:\".",
            _loc(name, root),
        )
    data, problems = to_data(root, name)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        raise PlanError(problems + _pydantic_problems(error, data, name, root)) from None
    loaded = LoadedPlan(plan, name, root)
    problems.extend(consistency_problems(loaded))
    if problems:
        raise PlanError(problems)
    return loaded


def load_plan(path: str, *, stdin: typing.BinaryIO | None = None) -> LoadedPlan:
    """Read, parse and type a plan file ("-" for standard input)."""
    name, text = read_source(path, stdin=stdin)
    from sendplan import cache  # an unchanged plan skips YAML and pydantic (see cache.py)

    with cache.gc_paused():
        cached = cache.load(text, name)
        if cached is not None:
            return cached
        loaded = parse_plan(text, name)
        cache.store(text, loaded.plan)
    return loaded
