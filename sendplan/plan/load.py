"""Plain data → a typed Plan: pydantic errors turned into located Problems, and the rules that
span items (unique ids, real dependencies, no circle of them: ids.py).

`parse_plan(text, name)` is the one full load of a plan's text: YAML (parse.py), then pydantic
(model.py), every problem collected and raised at once as one PlanError. The rules that span
items run on the plain data too when pydantic refuses some value, so a mistyped date does not
hide a repeated id. Reading a file, and the cache of validated plans, sit above this module
(read.py); nothing here prints.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from typing import Any

from sendplan.errors import Location, PlanError, Problem, quoted
from sendplan.plan.codes import parse_rag
from sendplan.plan.dates import LOOKALIKE
from sendplan.plan.ids import id_problems, raw_ids, readable_id, typed_ids
from sendplan.plan.locate import (
    Path_,
    Positions,
    PositionsBuilder,
    keep_lookalikes,
    lookalike_texts,
    node_location,
)

if typing.TYPE_CHECKING:
    from sendplan.plan.flat import FlatPlan


class LoadedPlan:
    """A plan, where each part of it sits in the file it came from, and its items as one flat
    table (built when first asked for: the listings read it, see flat.py)."""

    def __init__(self, plan: Any, source: str, positions: Positions | None = None) -> None:
        self._plan = plan  # sendplan.plan.model.Plan; typed loosely so importing this module skips pydantic
        self.source = source
        self._positions = positions
        self._flat: FlatPlan | None = None
        self._item_paths: dict[str, Path_] = {}

    @property
    def plan(self) -> Any:
        return self._plan

    @property
    def positions(self) -> Positions | None:
        """The position index of the file, or None when it is not known (never for a file read here)."""
        return self._positions

    @property
    def flat(self) -> FlatPlan:
        if self._flat is None:
            from sendplan.plan.flat import flatten

            self._flat = flatten(self.plan)
        return self._flat

    def with_records(self) -> LoadedPlan:
        """This plan, its records read now if they are not yet (a command that needs both the
        records and the flat table reads the records first: the table then shares their text)."""
        self.plan  # noqa: B018 - read for its effect
        return self

    def locate(self, path: Path_, *, key: bool = False) -> Location:
        """Where the value at *path* is (or its key, with *key*), as near as the file says."""
        positions = self.positions
        return positions.locate(path, key=key) if positions is not None else Location(self.source)

    def located(self, path: Path_, offset: int | None = None) -> Location:
        """Where the value at *path* is; with *offset*, the column of that character in it if known."""
        positions = self.positions
        return positions.located(path, offset) if positions is not None else Location(self.source)

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
    """The model that holds the value at *path* (the same for every item: looked up once per shape)."""
    shape = tuple(part for part in path if not isinstance(part, int))
    key = (root_model, shape)
    if key not in _MODELS_AT:
        _MODELS_AT[key] = _find_model(root_model, shape)
    return _MODELS_AT[key]


_MODELS_AT: dict[tuple[Any, tuple[str | int, ...]], Any] = {}


def _find_model(root_model: Any, path: Sequence[str | int]) -> Any:
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


def _is_item(path: Sequence[str | int]) -> bool:
    """Whether *path* starts at an item: ("tasks", 0, "deliverables", 1, "items", 2, ...)."""
    return len(path) >= 6 and path[0] == "tasks" and path[2] == "deliverables" and path[4] == "items"


def _raw_item(data: Any, path: Sequence[str | int]) -> dict[str, Any] | None:
    """The plain mapping of the item *path* starts at, if it is one."""
    if not _is_item(path):
        return None
    try:
        item = data["tasks"][path[1]]["deliverables"][path[3]]["items"][path[5]]
    except (KeyError, IndexError, TypeError):
        return None
    return item if isinstance(item, dict) else None


def _item_id_at(data: Any, path: Sequence[str | int]) -> str | None:
    item = _raw_item(data, path)
    value = item.get("id") if item is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _reason_problems(data: Any, path: Path_, positions: Positions) -> list[Problem]:
    """The reasons an item of the plain data must give and does not (model.missing_reasons):
    the model asks for them only once the item's values are right, and the loader asks at once."""
    from sendplan.plan.model import missing_reasons

    item = _raw_item(data, path)
    item_id = readable_id(item.get("id")) if item is not None else None
    if item is None or item_id is None:
        return []
    try:
        rag = parse_rag(item["rag"]) if item.get("rag") is not None else None
    except ValueError:  # a rating that is not one is a problem of its own
        rag = None

    def reason(key: str) -> Any:  # a reason that is not text is a problem of its own
        value = item.get(key)
        return value if value is None or isinstance(value, str) else key

    reasons = missing_reasons(item_id, rag, reason("rag_reason"), item.get("revised_deadline"), reason("revision_reason"))
    return [Problem(text, positions.locate(path), item_id) for text in reasons]


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
    "int_parsing_size": "should be a whole number of sensible size",
}


# A file with thousands of unknown keys is not a plan with typos: past this many, no key is
# compared with the allowed ones (difflib costs about 0.1 ms a key), only the list is given.
MOST_GUESSES = 1000


def _close_match(key: str, allowed: tuple[str, ...], guesses: dict[tuple[str, tuple[str, ...]], list[str]]) -> list[str]:
    """difflib's best match for a misspelt key, once per key and model (*guesses* is the memo of one file)."""
    found = guesses.get((key, allowed))
    if found is None:
        if len(guesses) >= MOST_GUESSES:
            return []
        import difflib  # only on a mistake

        found = guesses[(key, allowed)] = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return found


_BOUND_MESSAGES = {
    "greater_than_equal": "at least",
    "greater_than": "more than",
    "less_than_equal": "at most",
    "less_than": "less than",
}


_SINGULAR = {"tasks": "task", "deliverables": "deliverable", "items": "item", "updates": "update"}


def _container(path: Sequence[str | int]) -> str:
    """Where a missing key belongs, in words: ' in "plan"', ' in this task', ' in lead AG'."""
    parent = path[:-1]
    if not parent:
        return " at the top of the file"
    if isinstance(parent[-1], int) and len(parent) >= 2 and parent[-2] in _SINGULAR:
        return f" in this {_SINGULAR[str(parent[-2])]}"
    if len(parent) >= 2 and parent[-2] == "leads":
        return f" in lead {parent[-1]}"
    return f' in "{parent[-1]}"'


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return quoted(value)


def _pydantic_problems(error: Any, data: Any, positions: Positions) -> list[Problem]:
    from sendplan.plan.model import Plan

    details = []
    key_errors: set[tuple[str | int, ...]] = set()
    for detail in error.errors(include_url=False):
        path = tuple(detail["loc"])
        # pydantic ends the path of a bad dictionary key (a lead code, whose validator raises
        # ValueError) with "[key]"; a key the user wrote as "[key]" ends other errors' paths.
        if len(path) >= 3 and path[-1] == "[key]" and detail["type"] == "value_error":
            path = path[:-1]
            key_errors.add(path)
        details.append((path, detail))
    # A misspelt required key ("titel") is reported once, as the unknown key with its guess.
    guessed: set[tuple[str | int, ...]] = set()
    guesses: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    problems = []
    # Items with a wrong value, and each one's own error (reasons missing), worded once below.
    wrong_items: dict[Path_, Problem | None] = {}
    for path, detail in details:
        kind = detail["type"]
        if _is_item(path) and len(path) > 6:
            wrong_items.setdefault(path[:6], None)
        item_id = _item_id_at(data, path)
        where = f" in item {item_id}" if item_id else ""
        value = detail.get("input")
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(Plan, path[:-1])
            allowed = list(model.model_fields) if model is not None else []
            guess = _close_match(key, tuple(allowed), guesses)
            hint = f' — did you mean "{guess[0]}"?' if guess else f". Allowed keys here: {', '.join(allowed)}."
            if guess:
                guessed.add((*path[:-1], guess[0]))
            message = f'unknown key {quoted(key)}{where}{hint}'
            location = positions.locate(path, key=True)
        elif kind == "missing":
            continue  # after the loop, once every guess is known
        else:
            text = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if kind in _TYPE_MESSAGES:
                text = f"{_describe(path)}{where} {_TYPE_MESSAGES[kind]}, not {_shown(value)}."
            elif kind in _BOUND_MESSAGES:
                bound = next(iter(detail.get("ctx", {}).values()), "")
                text = f"{_describe(path)}{where} should be {_BOUND_MESSAGES[kind]} {bound}, not {_shown(value)}."
            elif kind == "value_error" and item_id and "item" not in text:
                text = f"{_describe(path)}{where}: {text}"
            elif kind == "value_error":
                text = f"{_describe(path)}: {text}"
            message = text
            location = positions.locate(path, key=path in key_errors)
            if kind == "value_error" and len(path) == 6 and _is_item(path):
                wrong_items[path] = Problem(message, location, item_id)
                continue
        problems.append(Problem(message, location, item_id))
    for path, own in wrong_items.items():
        reasons = _reason_problems(data, path, positions)
        problems.extend(reasons if reasons or own is None else [own])
    for path, detail in details:
        if detail["type"] == "missing" and path not in guessed:
            item_id = _item_id_at(data, path)
            where = f" in item {item_id}" if item_id else _container(path)
            problems.append(Problem(f"{_describe(path)} is missing{where}: add it.", positions.locate(path[:-1]), item_id))
    return problems


def _read_yaml(text: str, name: str) -> tuple[Any, Positions, list[Problem]]:
    """Plain data, its position index and the YAML problems, through libyaml's node tree, which
    is let go as soon as the data and the index are built."""
    import yaml

    from sendplan.plan.parse import NULL_TAG, anchor_problems, compose, to_data

    root = compose(text, name)
    if root is None:
        raise PlanError.single(
            "the file is empty. A plan needs at least \"plan:\" with a title, and \"tasks:\".",
            Location(name, 1, 1),
        )
    builder = PositionsBuilder(name)
    # Nesting and aliases first, so both YAML loaders give the same answer for a deep list.
    data, problems = to_data(root, name, text=text, positions=builder)
    problems.extend(anchor_problems(text, name))
    if not isinstance(root, yaml.MappingNode):
        what = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        if isinstance(root, yaml.ScalarNode) and root.tag == NULL_TAG:
            message = "the file holds no plan (only an empty value). A plan starts with \"plan:\" and \"tasks:\"."
        else:
            message = f"the file holds {what}, not a plan. A plan is a mapping that starts with \"plan:\" and \"tasks:\"."
        raise PlanError([*problems, Problem(message, node_location(name, root))])
    return data, builder.done(), problems


def read_data(
    text: str, name: str, *, fast: bool = True, each_task: Callable[[Any], Any] | None = None
) -> tuple[Any, Positions, list[Problem], bool]:
    """The plan's text as plain data (every scalar a string) with its position index, the
    problems YAML itself found, and whether the fast reader read it. *fast*: try scan.py's
    reader first (plans in the usual block style); it declines anything it is not sure of,
    which libyaml then reads. *each_task* goes to the fast reader (see scan.scan)."""
    from sendplan.plan.parse import refuse_merge_conflicts  # not on import: a cached plan needs none of it
    from sendplan.plan.source import refuse_too_many_items

    refuse_too_many_items(text, name)
    refuse_merge_conflicts(text, name)
    # Look-alike letters are kept with their places (SP111); most files have none at all.
    lookalikes: list[tuple[Path_, str, bool]] | None = [] if LOOKALIKE.search(text) else None
    scanned = None
    if fast:
        from sendplan.plan.scan import scan

        hook = each_task
        if each_task is not None and lookalikes is not None:
            counter = iter(range(1 << 62))
            found = lookalikes

            def hook(task: Any) -> Any:  # each_task, after noting the task's look-alikes
                found.extend(lookalike_texts(task, ("tasks", next(counter))))
                return each_task(task)

        scanned = scan(text, name, hook)
    if scanned is not None:
        data, positions = scanned
        problems: list[Problem] = []
    else:
        data, positions, problems = _read_yaml(text, name)
    if lookalikes is not None:
        keep_lookalikes(positions, [*lookalikes, *lookalike_texts(data)])
    return data, positions, problems, scanned is not None


def parse_plan(text: str, name: str) -> LoadedPlan:
    """Text of a plan file → LoadedPlan, or PlanError with every problem found.

    Every problem is found and worded by the one path through libyaml: when the fast reader's
    data does not make a valid plan, the file is read again that way for the messages.
    """
    try:
        return _typed(text, name, fast=True)
    except _Retry:
        return _typed(text, name, fast=False)


class _Retry(Exception):
    """The fast reader's data had problems: read the file again through libyaml for the messages."""


def _typed(text: str, name: str, *, fast: bool) -> LoadedPlan:
    from pydantic import ValidationError

    from sendplan.plan.model import Plan, Task

    # A ValidationError from a task's model comes from inside the fast reader's scan.
    scanned = fast
    try:
        # The fast reader hands each task over as it is read, and it becomes its model there
        # and then: the plain data of only one task is alive at a time (at 100,000 items all of
        # it at once, beside the models, would be 200 MB more).
        data, positions, problems, scanned = read_data(text, name, fast=fast, each_task=Task.model_validate)
        plan = Plan.model_validate(data)  # task models are taken as they are, not validated again
    except ValidationError as error:
        if scanned:
            raise _Retry from None
        # Some value is wrong: the ids are checked on the plain data, as far as they can be read.
        items, every_id = raw_ids(data)
        problems += _pydantic_problems(error, data, positions)
        problems += id_problems(items, positions.locate, every_id=every_id)
        raise PlanError(problems) from None
    del data
    loaded = LoadedPlan(plan, name, positions)
    problems.extend(id_problems(typed_ids(plan), loaded.locate))
    if problems:
        if scanned:
            raise _Retry
        raise PlanError(problems)
    return loaded
