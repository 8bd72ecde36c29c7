"""The one exception type for problems a user can fix, and the located problem it carries.

Nothing here prints or exits: only the CLI edge turns a PlanError into a message and an exit code.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a plan file. Line and column are 1-based, as editors count them."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a plan: plain-English message, where it is, which item."""

    message: str
    location: Location | None = None
    item_id: str | None = None
    code: str | None = None
    severity: Severity = Severity.ERROR
    # What a finding is about when that is not one item (an abbreviation, a lead, a task): the
    # board report lists it beside the count.
    subject: str | None = None


QUOTE_LIMIT = 60
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value the user wrote, in double quotes for a message: cut short, control characters
    shown as escapes such as \\x1b. A value can be megabytes long (a pasted document, a hostile
    file), and a message must stay one readable line that is safe for a terminal."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return '"' + _UNPRINTABLE.sub(lambda match: repr(match[0])[1:-1], text) + '"'


def _file_order(problem: Problem) -> tuple[str, int, int]:
    location = problem.location
    if location is None:
        return ("", 0, 0)
    return (location.file, location.line or 0, location.column or 0)


def sort_problems(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """Problems in the order they appear in the file (stable for equal positions)."""
    return tuple(sorted(problems, key=_file_order))


class PlanError(Exception):
    """The plan could not be used. Carries every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("PlanError needs at least one problem")
        self.problems = sort_problems(problems)
        super().__init__(self.problems[0].message)

    @classmethod
    def single(
        cls, message: str, location: Location | None = None, item_id: str | None = None
    ) -> PlanError:
        return cls([Problem(message, location, item_id)])
