"""The rules on item ids that span items: each id is used once, depends_on names real items,
and no items depend on each other in a circle.

They run on the typed plan, and also on the plain data when some value of the plan is wrong
(a mistyped date in one item must not hide a repeated id in another): the ids are read there
as the model would read them, and an item whose id cannot be read is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sendplan.errors import Location, Problem
from sendplan.plan.codes import ITEM_ID
from sendplan.plan.locate import Path_

# (where the item is, its id, the ids it depends on)
ItemIds = tuple[Path_, str, Sequence[str]]


def typed_ids(plan: Any) -> Iterator[ItemIds]:
    """Each item of a typed Plan (sendplan.plan.model), in file order."""
    for t, task in enumerate(plan.tasks):
        for d, deliverable in enumerate(task.deliverables):
            for i, item in enumerate(deliverable.items):
                yield ("tasks", t, "deliverables", d, "items", i), item.id, item.depends_on


def readable_id(value: Any) -> str | None:
    """The id the model reads from *value* (see model._item_id), or None if it reads none."""
    if isinstance(value, str) and ITEM_ID.fullmatch(value.strip()):
        return value.strip()
    return None


def _entries(mapping: Any, key: str) -> tuple[list[Any], bool]:
    """The list under *key* of a mapping in plain data, and False if something else is there
    (the model refuses it, and then what it was meant to hold is not known)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        return [], isinstance(mapping, dict)
    return (value, True) if isinstance(value, list) else ([], False)


def raw_ids(data: Any) -> tuple[list[ItemIds], bool]:
    """Each item of the plan's plain data whose id can be read, with the dependencies that can
    be read, and whether every item's id could be (if not, a dependency on an id that is not
    found may be on the item whose id is unreadable)."""
    found: list[ItemIds] = []
    tasks, every_id = _entries(data, "tasks")
    for t, task in enumerate(tasks):
        deliverables, read = _entries(task, "deliverables")
        every_id = every_id and read
        for d, deliverable in enumerate(deliverables):
            items, read = _entries(deliverable, "items")
            every_id = every_id and read
            for i, item in enumerate(items):
                item_id = readable_id(item.get("id")) if isinstance(item, dict) else None
                if item_id is None:
                    every_id = False
                    continue
                needs = item.get("depends_on")
                if isinstance(needs, str):  # one id may be written without the list dashes
                    needs = [needs]
                ids = [readable_id(need) for need in needs] if isinstance(needs, list) else []
                found.append((("tasks", t, "deliverables", d, "items", i), item_id, [need for need in ids if need]))
    return found, every_id


def id_problems(items: Iterable[ItemIds], locate: Callable[[Path_], Location], *, every_id: bool = True) -> list[Problem]:
    """Ids used twice, dependencies on items the plan does not have (only when *every_id* was
    read) and circles of dependencies, located by *locate*."""
    problems: list[Problem] = []
    # Paths, not positions: an id is located only when a message needs it.
    first_path: dict[str, Path_] = {}
    depends: dict[str, Sequence[str]] = {}
    for path, item_id, needs in items:
        if item_id in first_path:
            first = locate((*first_path[item_id], "id"))
            problems.append(
                Problem(
                    f'item id "{item_id}" is used twice (first at line {first.line}). '
                    "Each item needs its own id; give this one a new id.",
                    locate((*path, "id")),
                    item_id,
                )
            )
            continue
        first_path[item_id] = path
        depends[item_id] = needs
    if every_id:
        problems.extend(_unknown_problems(depends, first_path, locate))
    problems.extend(_cycle_problems(depends, first_path, locate))
    return problems


def _unknown_problems(
    depends: dict[str, Sequence[str]], first_path: dict[str, Path_], locate: Callable[[Path_], Location]
) -> Iterator[Problem]:
    for item_id, needs in depends.items():
        for position, needed in enumerate(needs):
            if needed not in depends:
                import difflib  # only on a mistake

                # Never the item itself: depending on itself would be a circle.
                others = [other for other in depends if other != item_id]
                guess = difflib.get_close_matches(needed, others, n=3, cutoff=0.5)
                hint = f" Did you mean {', '.join(guess)}?" if guess else ""
                yield Problem(
                    f'item {item_id} depends on "{needed}", which is not an item in this plan.{hint}',
                    locate((*first_path[item_id], "depends_on", position)),
                    item_id,
                )


def _cycle_problems(
    depends: dict[str, Sequence[str]], first_path: dict[str, Path_], locate: Callable[[Path_], Location]
) -> Iterator[Problem]:
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
                    chain = " → ".join([*cycle, cycle[0]])
                    yield Problem(
                        f"items depend on each other in a circle ({chain}), so none can finish first.",
                        locate((*first_path[cycle[0]], "depends_on")),
                        cycle[0],
                    )
            elif child in depends and not state.get(child):
                state[child] = 1
                stack.append((child, iter(depends[child])))
