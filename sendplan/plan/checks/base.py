"""What every plan health check is given and how it is registered: the base of the checks.

A check is one function, registered with `@check(code, name)` under a stable code (SP101…),
that yields `Problem`s with severity WARNING, the FILE:LINE:COL of the offending value and the
item id. Its docstring is its documentation: the first paragraph says what it finds and the
paragraph starting "Fix:" says what to do; docs/checks.md's table of codes is built from them.
Families of checks live in the modules beside this one; registry.py loads them all and runs
them. Pure: the reference day arrives as `as_of`; nothing here prints or reads the clock.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sendplan.errors import Location, Problem, Severity
from sendplan.plan.dates import without_lookalikes
from sendplan.plan.load import LoadedPlan
from sendplan.plan.locate import Path_


@dataclass
class CheckContext:
    """What every check may look at: the loaded plan, its settings and the day of the check.

    *when* is the day, or a function that gives it: the CLI passes its clock so that today's
    date is read only if a check needs it (SP113, for completed items; SP119, for items rated by hand).
    """

    loaded: LoadedPlan
    when: date | Callable[[], date]
    _items: list[tuple[int, int, int, Any, Any, Any]] | None = None

    @property
    def as_of(self) -> date:
        if not isinstance(self.when, date):
            self.when = self.when()
        return self.when

    @property
    def plan(self) -> Any:
        return self.loaded.plan

    @property
    def settings(self) -> Any:
        return self.loaded.plan.checks

    def items(self) -> Iterator[tuple[Path_, Any, Any, Any]]:
        """(YAML path, task, deliverable, item) for every item, in file order. The items are
        listed once (every check reads them); each path is made as it is handed out."""
        if self._items is None:
            self._items = [
                (t, d, i, task, deliverable, item)
                for t, task in enumerate(self.plan.tasks)
                for d, deliverable in enumerate(task.deliverables)
                for i, item in enumerate(deliverable.items)
            ]
        for t, d, i, task, deliverable, item in self._items:
            yield ("tasks", t, "deliverables", d, "items", i), task, deliverable, item


CheckFunction = Callable[[CheckContext], Iterable[Problem]]


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    name: str
    function: CheckFunction
    severity: Severity = Severity.WARNING

    def _paragraphs(self) -> list[str]:
        text = inspect.getdoc(self.function) or ""
        return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]

    @property
    def meaning(self) -> str:
        """The docstring but its "Fix:" paragraph: what the check finds."""
        return " ".join(part for part in self._paragraphs() if not part.startswith("Fix:"))

    @property
    def headline(self) -> str:
        """The meaning's first sentence, without Markdown backticks, for the summary table."""
        return self.meaning.split(". ")[0].rstrip(".").replace("`", "") + "."

    @property
    def fix(self) -> str:
        """The docstring's "Fix:" paragraph: what to do about a finding."""
        found = [part for part in self._paragraphs() if part.startswith("Fix:")]
        text = found[0].removeprefix("Fix:").strip() if found else ""
        return text[:1].upper() + text[1:]

# Every check registered so far, as its family module is imported. registry.CHECKS is the
# complete registry, in code order: use that one.
REGISTERED: dict[str, Check] = {}


def check(code: str, name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under *code* and a short kebab-case *name*."""

    def register(function: CheckFunction) -> CheckFunction:
        REGISTERED[code] = Check(code, name, function)
        return function

    return register


def finding(
    code: str, message: str, location: Location, item_id: str | None = None, subject: str | None = None
) -> Problem:
    return Problem(message, location, item_id, code, Severity.WARNING, subject)


def is_active(item: Any) -> bool:
    # A dropped item needs no lead, deadline or criterion any more.
    return bool(item.status.value != "dropped")


def month_year(day: date) -> str:
    return day.strftime("%b %Y")


def day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def located(ctx: CheckContext, path: Path_, offset: int | None = None) -> Location:
    """Where the value at *path* is; with *offset*, the column of that character inside it.

    The column is exact only for a one-line scalar with no escapes, where the file holds the
    text character for character; otherwise the value's start is close enough.
    """
    return ctx.loaded.located(path, offset)


def lead_keys(ctx: CheckContext) -> dict[str, tuple[str, Location]]:
    """(the key as written, where it is) of each lead under `leads:`, by its code in Latin capitals."""
    positions = ctx.loaded.positions
    if positions is None:
        return {}
    return {without_lookalikes(text.strip()).upper(): (text, where) for text, where in positions.keys(("leads",))}
